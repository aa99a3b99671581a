import { ConfigProblem } from '../common/errors';
import { cleanNumber, listAlertWindows } from './burn-rate';
import { allSlos, SloModel } from './model';

/**
 * SLOs whose burn-rate alerts can never fire (the workbook's "extreme targets"): a full outage burns the budget at
 * most 1 / budget times as fast as allowed, so a window whose factor is higher never reaches its threshold. At 90%
 * a full outage burns at 10×: the 14.4× page (1h/5m) is dead, only the 6× page (6h/30m) remains.
 * These are warnings, not errors: the SLO is legal, its alerting is weaker than its tiers suggest.
 */
export function extremeTargetWarnings(model: SloModel, path?: string): ConfigProblem[] {
  const services = path !== undefined ? `${path}.services` : 'services';
  const out: ConfigProblem[] = [];
  for (const slo of allSlos(model)) {
    const maxBurn = cleanNumber(1 / slo.errorBudget);
    for (const w of listAlertWindows(slo.alertWindows)) {
      const tier = w.tier === 'page' ? slo.page : slo.ticket;
      if (!tier.enabled || w.factor <= maxBurn) continue;
      out.push({
        path: `${services}.${slo.service}.slos.${slo.name}.objective`,
        message: `the ${w.tier} alert over ${w.longWindow}/${w.shortWindow} can never fire: it needs a ${w.factor}× burn, but at this objective a full outage burns at most ${maxBurn}×`,
        value: slo.objective,
        fix: `raise the objective above ${cleanNumber(100 * (1 - 1 / w.factor))}% for this window to work, or accept that only the slower windows alert.`,
      });
    }
  }
  return out;
}
