import { SLO_LABELS, SLO_METRICS, sliErrorRatioRecord } from '../../conventions';
import { selector } from '../../dashboards/queries';
import { SloDefinition } from '../model';
import { quote, sloIdLabels } from '../rules/expr';

/**
 * PromQL of the SLO dashboards. Every query reads the Sloth-compatible recordings of the SLO rule generator
 * (`slo:*`, `sloth_slo_info`) or Prometheus' own `ALERTS` series; none reads a raw counter, so no query needs
 * `rate()` or `$__rate_interval`: the recordings already are ratios over their window.
 */

/**
 * Prometheus' built-in series of active alerts (`ALERTS{alertname, alertstate, <alert labels>}`,
 * https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/#inspecting-alerts-during-runtime).
 * Not a name the stack defines, so it is not in src/conventions.ts.
 */
export const PROMETHEUS_ALERTS = {
  metric: 'ALERTS',
  stateLabel: 'alertstate',
  firing: 'firing',
} as const;

/** The labels an SLO's recordings are identified by (Sloth's), in the order the dashboards aggregate by. */
export const SLO_ID_LABELS: readonly string[] = [SLO_LABELS.id, SLO_LABELS.service, SLO_LABELS.slo];

/** Matchers selecting one SLO's recordings: `sloth_id`, `sloth_service`, `sloth_slo` (sorted, as the rules write them). */
export function sloMatchers(slo: SloDefinition): string[] {
  const byLabel = sloIdLabels(slo);
  return Object.keys(byLabel)
    .sort()
    .map((label) => labelEquals(label, byLabel[label]));
}

/** SLI in percent over `window`: `100 * (1 - slo:sli_error:ratio_rate<window>{…})`. */
export function sliPercentExpr(matchers: readonly string[], window: string | { toString(): string }): string {
  return `100 * (1 - ${selector(sliErrorRatioRecord(window), matchers)})`;
}

/**
 * SLI in percent over the period, for SLOs with different periods: the union of the period recordings
 * (each SLO has exactly one), one series per SLO.
 */
export function periodSliPercentExpr(matchers: readonly string[], periodWindows: readonly { toString(): string }[]): string {
  const union = periodWindows.map((w) => selector(sliErrorRatioRecord(w), matchers)).join(' or ');
  return `100 * (1 - ${maxBySlo(union)})`;
}

/**
 * Burn rate over `window`: the error ratio over the window divided by the error budget (`1 − objective`); 1 spends
 * the budget exactly in one period. The budget series has no `sloth_window`, hence the join on the id labels.
 */
export function burnRateExpr(matchers: readonly string[], window: string | { toString(): string }): string {
  return `${selector(sliErrorRatioRecord(window), matchers)} / on (${SLO_ID_LABELS.join(', ')}) group_left ${selector(SLO_METRICS.errorBudgetRatio, matchers)}`;
}

/** Error budget left over the period, in percent (negative once overspent). */
export function budgetRemainingPercentExpr(matchers: readonly string[]): string {
  return `100 * ${selector(SLO_METRICS.periodErrorBudgetRemaining, matchers)}`;
}

/** One series per SLO: `max by (sloth_id, sloth_service, sloth_slo) (<expr>)`, so table queries merge row by row. */
export function maxBySlo(expr: string): string {
  return `max by (${SLO_ID_LABELS.join(', ')}) (${expr})`;
}

/** `count(<expr>) or vector(0)`: a count that is 0, not "no data", when nothing matches. */
export function countOrZero(expr: string): string {
  return `count(${expr}) or vector(0)`;
}

/** `label="value"`. */
export function labelEquals(label: string, value: string): string {
  return `${label}=${quote(value)}`;
}

/**
 * The firing alerts among `ALERTS`, narrowed by `matchers` on the labels every SLO alert carries (`service`, `slo`,
 * `sloth_severity`; `sloth_severity=""` selects the alerts without it: the breach and source-absent alerts).
 */
export function firingAlertsSelector(matchers: readonly string[]): string {
  return selector(PROMETHEUS_ALERTS.metric, [labelEquals(PROMETHEUS_ALERTS.stateLabel, PROMETHEUS_ALERTS.firing), ...matchers]);
}

/** How many of the selected alerts fire now: `count(ALERTS{alertstate="firing", …}) or vector(0)`. */
export function firingAlertsCountExpr(matchers: readonly string[]): string {
  return countOrZero(firingAlertsSelector(matchers));
}
