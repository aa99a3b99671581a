import { ConfigWarning } from '../common/errors';
import { histogramBaseNameWarnings, objectiveRatioWarnings } from '../common/validation';
import { cleanNumber, listAlertWindows } from './burn-rate';
import { allSlos, SloModel } from './model';

/**
 * SLOs whose burn-rate alerts can never fire (the workbook's "extreme targets"): a full outage burns the budget at
 * most 1 / budget times as fast as allowed, so a window whose factor is higher never reaches its threshold. At 90%
 * a full outage burns at 10×: the 14.4× page (1h/5m) is dead, only the 6× page (6h/30m) remains.
 * These are warnings, not errors: the SLO is legal, its alerting is weaker than its tiers suggest.
 */
export function extremeTargetWarnings(model: SloModel, path?: string): ConfigWarning[] {
  const services = path !== undefined ? `${path}.services` : 'services';
  const out: ConfigWarning[] = [];
  for (const slo of allSlos(model)) {
    const maxBurn = cleanNumber(1 / slo.errorBudget);
    for (const w of listAlertWindows(slo.alertWindows)) {
      const tier = w.tier === 'page' ? slo.page : slo.ticket;
      if (!tier.enabled || w.factor <= maxBurn) continue;
      out.push({
        code: 'SLO_EXTREME_TARGET',
        path: `${services}.${slo.service}.slos.${slo.name}.objective`,
        message: `the ${w.tier} alert over ${w.longWindow}/${w.shortWindow} can never fire: it needs a ${w.factor}× burn, but at this objective a full outage burns at most ${maxBurn}×`,
        value: slo.objective,
        fix: `raise the objective above ${cleanNumber(100 * (1 - 1 / w.factor))}% for this window to work, or accept that only the slower windows alert.`,
      });
    }
  }
  return out;
}

/**
 * Every warning of an SLO model: legal input that is almost surely a mistake, each naming the field and the likely
 * intent —
 * - an objective written as a ratio (`0.999` is 0.999%, not 99.9%);
 * - a latency SLI's histogram named with a suffix the generator appends (`..._bucket`, `..._count`);
 * - an SLO without a burn-rate alert that can fire (both tiers off, or every enabled window out of reach);
 * - the extreme-target windows of `extremeTargetWarnings`.
 */
export function sloWarnings(model: SloModel, path?: string): ConfigWarning[] {
  const services = path !== undefined ? `${path}.services` : 'services';
  const out: ConfigWarning[] = [];
  const seen = new Set<string>();
  const add = (ws: readonly ConfigWarning[]): void => {
    for (const w of ws) {
      const key = `${w.code}|${w.path}|${w.message}`;
      if (!seen.has(key)) out.push(w);
      seen.add(key);
    }
  };
  const ratios = new Set<string>();
  for (const slo of allSlos(model)) {
    const at = `${services}.${slo.service}.slos.${slo.name}`;
    const ratio = objectiveRatioWarnings(slo.objective, `${at}.objective`);
    add(ratio);
    if (ratio.length > 0) {
      ratios.add(`${at}.objective`); // what follows from the typo (dead windows) would only repeat it
      continue;
    }
    if (slo.sli.kind === 'latency') add(histogramBaseNameWarnings(slo.sli.bucketMetric.replace(/_bucket$/, ''), `${services}.${slo.service}.metrics.requestDuration`));
    const maxBurn = cleanNumber(1 / slo.errorBudget);
    const live = listAlertWindows(slo.alertWindows).filter((w) => (w.tier === 'page' ? slo.page : slo.ticket).enabled && w.factor <= maxBurn);
    if (live.length === 0) {
      const off = !slo.page.enabled && !slo.ticket.enabled;
      add([
        {
          code: 'SLO_NEVER_ALERTS',
          path: at,
          message: off
            ? `has no burn-rate alert: page and ticket are both off${model.settings.breach.enabled ? ' (only SLOBreach fires, once the whole budget is spent)' : ', and SLOBreach is disabled'}`
            : `has no burn-rate alert that can fire: at objective ${slo.objective} a full outage burns at most ${maxBurn}×, less than every enabled window needs`,
          value: off ? { page: false, ticket: false } : slo.objective,
          fix: off ? 'enable a tier (page: true or ticket: true), unless the SLO is meant for dashboards only.' : 'raise the objective, or enable a tier whose windows can fire.',
        },
      ]);
    }
  }
  add(extremeTargetWarnings(model, path).filter((w) => !ratios.has(w.path)));
  return out;
}
