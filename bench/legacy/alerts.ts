import { AlertingRule } from '../../src/common/rules';
import { ALERT_LABELS, SLO_ANNOTATIONS, SLO_LABELS, SLO_METRICS, SLOTH_SEVERITY, sliErrorRatioRecord } from '../../src/conventions';
import { AlertWindow } from '../../src/slo/burn-rate';
import { defaultMinRequestRate, SloDefinition, TierModel } from '../../src/slo/model';
import { num, sloFilter, sortedLabels, totalRateRecord } from './expr';

/**
 * Multiwindow multi-burn-rate alerts (Google SRE Workbook, "Alerting on SLOs", 6th iteration), one rule per tier,
 * page and ticket sharing the alert name as Sloth's do
 * (https://github.com/slok/sloth/blob/main/internal/prometheus/alert_rules.go):
 *
 *   (ratio_rate<quick short> > f·B and ratio_rate<quick long> > f·B) or (ratio_rate<slow short> > f'·B and …)
 *
 * The alert's value is `slo:current_burn_rate:ratio` (so `$value` is the current burn rate and the alert keeps one
 * identity whichever window pair fires); page alerts also need the low-traffic guard.
 */

function windowPair(slo: SloDefinition, w: AlertWindow): string {
  const f = sloFilter(slo);
  const threshold = `(${num(w.factor)} * ${num(slo.errorBudget)})`;
  return [
    `    (`,
    `        (${sliErrorRatioRecord(w.shortWindow)}${f} > ${threshold})`,
    `        and ignoring (${SLO_LABELS.window})`,
    `        (${sliErrorRatioRecord(w.longWindow)}${f} > ${threshold})`,
    `    )`,
  ].join('\n');
}

/** The guard the per-SLO rules had by default: the rate at which the 1h window holds ⌈1/(14.4 × B)⌉ requests. */
function legacyMinRequestRate(slo: SloDefinition): number | undefined {
  if (slo.minRequestRate !== undefined) return slo.minRequestRate;
  if (slo.minBadEvents === undefined) return undefined;
  const pq = slo.alertWindows.page.quick;
  return defaultMinRequestRate(pq.factor, slo.errorBudget, pq.longWindow.seconds);
}

/** The PromQL of one tier's alert. */
export function burnRateAlertExpr(slo: SloDefinition, tier: TierModel, withGuard: boolean): string {
  const f = sloFilter(slo);
  const lines = [
    `${SLO_METRICS.currentBurnRate}${f}`,
    `and on (${SLO_LABELS.id})`,
    `(`,
    windowPair(slo, tier.windows.quick),
    `    or ignoring (${SLO_LABELS.window})`,
    windowPair(slo, tier.windows.slow),
    `)`,
  ];
  const guard = legacyMinRequestRate(slo);
  if (withGuard && guard !== undefined) {
    const q = tier.windows.quick;
    for (const w of [q.longWindow, q.shortWindow]) {
      lines.push(`and on (${SLO_LABELS.id})`, `(${totalRateRecord(w)}${f} >= ${num(guard)})`);
    }
  }
  return lines.join('\n');
}

function describePair(w: AlertWindow): string {
  return `over ${num(w.factor)}x for ${w.longWindow} and ${w.shortWindow}`;
}

function tierRule(slo: SloDefinition, tier: TierModel, name: 'page' | 'ticket'): AlertingRule {
  const guard = name === 'page';
  const min = legacyMinRequestRate(slo);
  const guardText = guard && min !== undefined ? ` Needs at least ${num(min)} req/s over ${tier.windows.quick.longWindow} and ${tier.windows.quick.shortWindow}.` : '';
  return {
    alert: slo.alertName,
    expr: burnRateAlertExpr(slo, tier, guard),
    labels: sortedLabels(tier.labels, {
      [ALERT_LABELS.service]: slo.service,
      [ALERT_LABELS.slo]: slo.name,
      [ALERT_LABELS.severity]: tier.severity,
      [ALERT_LABELS.slothSeverity]: SLOTH_SEVERITY[name],
    }),
    annotations: {
      [SLO_ANNOTATIONS.summary]: `(${name}) ${slo.summary}`,
      [SLO_ANNOTATIONS.description]:
        `Error budget burn rate is {{ $value | humanize }}x over the last ${slo.alertWindows.page.quick.shortWindow} ` +
        `(${name} when ${describePair(tier.windows.quick)}, or ${describePair(tier.windows.slow)}). ` +
        `Objective: ${slo.description}.${guardText}`,
      ...(slo.runbookUrl ? { [SLO_ANNOTATIONS.runbookUrl]: slo.runbookUrl } : {}),
    },
  };
}

/** The page and ticket alerts of an SLO (each only if its tier is enabled). */
export function burnRateAlertRules(slo: SloDefinition): AlertingRule[] {
  return [
    ...(slo.page.enabled ? [tierRule(slo, slo.page, 'page')] : []),
    ...(slo.ticket.enabled ? [tierRule(slo, slo.ticket, 'ticket')] : []),
  ];
}
