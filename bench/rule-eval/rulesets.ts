import { parseDuration } from '../../src/common/duration';
import { isAlertingRule, RuleFile, RuleGroup } from '../../src/common/rules';
import { buildSloModel, generateSloRuleFiles, ServiceSpec } from '../../src/slo';
import { generateLegacySloRuleFiles } from '../legacy';
import { REQUESTS_METRIC } from './openmetrics';

/**
 * The three rule sets compared for the same error-rate SLOs (99.9% over 30 days, one per service):
 *
 * - `generated`: what this project generates (src/slo), every rule of its files: rules shared by SLO shape;
 * - `legacy`: the per-SLO rules it generated before (bench/legacy), every SLO its own copy of ~27 rules;
 * - `naive`: the seed's `SLOBreach`, a 30-day `rate()` ratio over the raw counters, grouped by service;
 * - `sloth`: the shape Sloth generates, written here from its documented output
 *   (https://github.com/slok/sloth/blob/main/examples/_gen/getting-started.yml and
 *   https://github.com/slok/sloth/blob/main/internal/prometheus/recording_rules.go): SLI ratios of `rate()` sums over
 *   the raw counters for 5m, 30m, 1h, 2h, 6h, 1d and 3d, the 30d ratio as `sum_over_time / count_over_time` of the
 *   5m ratio recording, the metadata recordings, and the page/ticket multiwindow multi-burn-rate alerts.
 */

export type RuleSetId = 'generated' | 'legacy' | 'naive' | 'sloth';

/** One rule, flattened with what the benchmark needs to know about it. */
export interface BenchRule {
  readonly set: RuleSetId;
  readonly file: string;
  readonly group: string;
  /** Group interval in seconds (the global evaluation interval when the group sets none). */
  readonly intervalSeconds: number;
  readonly kind: 'record' | 'alert';
  /** Record or alert name. */
  readonly name: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface RuleSet {
  readonly id: RuleSetId;
  readonly title: string;
  readonly files: readonly RuleFile[];
  readonly rules: readonly BenchRule[];
}

export interface RuleSetOptions {
  readonly services: readonly string[];
  /** Objective of every SLO, percent. */
  readonly objective: number;
  /** Prometheus' global evaluation interval (groups without an interval run at it). */
  readonly evaluationInterval: string;
}

/** Flattens rule files into rules with their group's interval. */
export function flattenRuleFiles(set: RuleSetId, files: readonly RuleFile[], evaluationInterval: string): BenchRule[] {
  const globalSeconds = parseDuration(evaluationInterval, 'evaluationInterval');
  return files.flatMap((f) =>
    f.groups.flatMap((g: RuleGroup) =>
      g.rules.map((r): BenchRule => ({
        set,
        file: f.fileName,
        group: g.name,
        intervalSeconds: g.interval ? parseDuration(g.interval, `${f.fileName}.${g.name}.interval`) : globalSeconds,
        kind: isAlertingRule(r) ? 'alert' : 'record',
        name: isAlertingRule(r) ? r.alert : r.record,
        expr: r.expr,
        labels: { ...(r.labels ?? {}) },
      })),
    ),
  );
}

export const ERROR_RATE_SLO = 'error-rate';
const ERROR_STATUS = '5..';

/** The SLO catalog of the rule benchmark: one error-rate SLO per service. */
export function errorRateCatalog(services: readonly string[], objective: number): ServiceSpec[] {
  return services.map((name) => ({ name, slos: [{ name: ERROR_RATE_SLO, objective, sli: { kind: 'error-rate' } }] }));
}

/** (a) The project's rules, exactly as it generates them. */
export function generatedRuleSet(o: RuleSetOptions): RuleSet {
  const model = buildSloModel(errorRateCatalog(o.services, o.objective), { evaluationInterval: o.evaluationInterval });
  const files = generateSloRuleFiles(model);
  return { id: 'generated', title: 'generated (this project)', files, rules: flattenRuleFiles('generated', files, o.evaluationInterval) };
}

/** (a') The per-SLO rules of before issue 12 (bench/legacy), for the same SLOs. */
export function legacyRuleSet(o: RuleSetOptions): RuleSet {
  const model = buildSloModel(errorRateCatalog(o.services, o.objective), { evaluationInterval: o.evaluationInterval });
  const files = generateLegacySloRuleFiles(model);
  return { id: 'legacy', title: 'per-SLO rules (before issue 12)', files, rules: flattenRuleFiles('legacy', files, o.evaluationInterval) };
}

/**
 * (b) The seed's SLOBreach: one rule reading 30 days of every raw counter each cycle.
 *   (1 - sum(rate(http_requests_total{status=~"5.."}[30d])) by (service)
 *      / sum(rate(http_requests_total[30d])) by (service)) < 0.999
 */
export function naiveRuleSet(o: RuleSetOptions): RuleSet {
  const files: RuleFile[] = [
    {
      fileName: 'naive.rules.yml',
      groups: [
        {
          name: 'slo-naive',
          rules: [
            {
              alert: 'SLOBreach',
              expr:
                `(1 - sum(rate(${REQUESTS_METRIC}{status=~"${ERROR_STATUS}"}[30d])) by (service)` +
                ` / sum(rate(${REQUESTS_METRIC}[30d])) by (service)) < ${Number((o.objective / 100).toPrecision(12))}`,
              for: '5m',
              labels: { severity: 'warning' },
            },
          ],
        },
      ],
    },
  ];
  return { id: 'naive', title: 'naive (seed SLOBreach, 30d rate)', files, rules: flattenRuleFiles('naive', files, o.evaluationInterval) };
}

/** Sloth's SLI windows for the Google 30d table: the alert windows, ascending, then the period. */
export const SLOTH_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
const SLOTH_PERIOD = '30d';

/** Sloth's `{sloth_id="…", sloth_service="…", sloth_slo="…"}` filter. */
function slothFilter(id: string, service: string, slo: string): string {
  return `{sloth_id="${id}", sloth_service="${service}", sloth_slo="${slo}"}`;
}

/** One SLO's three groups in Sloth's shape. */
export function slothGroups(service: string, objective: number): RuleGroup[] {
  const slo = ERROR_RATE_SLO;
  const id = `${service}-${slo}`;
  const f = slothFilter(id, service, slo);
  const idLabels = { sloth_id: id, sloth_service: service, sloth_slo: slo };
  const ratio = objective / 100;
  const budget = 1 - ratio;
  const errors = (w: string): string => `sum(rate(${REQUESTS_METRIC}{service="${service}",status=~"${ERROR_STATUS}"}[${w}]))`;
  const total = (w: string): string => `sum(rate(${REQUESTS_METRIC}{service="${service}"}[${w}]))`;
  const rec = (w: string): string => `slo:sli_error:ratio_rate${w}`;
  const pair = (short: string, long: string, factor: number): string =>
    [
      `(`,
      `    (${rec(short)}${f} > (${factor} * ${budget}))`,
      `    and ignoring (sloth_window)`,
      `    (${rec(long)}${f} > (${factor} * ${budget}))`,
      `)`,
    ].join('\n');
  return [
    {
      name: `sloth-slo-sli-recordings-${id}`,
      rules: [
        ...SLOTH_WINDOWS.map((w) => ({ record: rec(w), expr: `(${errors(w)})\n/\n(${total(w)})\n`, labels: { ...idLabels, sloth_window: w } })),
        {
          record: rec(SLOTH_PERIOD),
          expr: `sum_over_time(${rec('5m')}${f}[${SLOTH_PERIOD}])\n/ ignoring (sloth_window)\ncount_over_time(${rec('5m')}${f}[${SLOTH_PERIOD}])\n`,
          labels: { sloth_window: SLOTH_PERIOD },
        },
      ],
    },
    {
      name: `sloth-slo-meta-recordings-${id}`,
      rules: [
        { record: 'slo:objective:ratio', expr: `vector(${ratio})`, labels: idLabels },
        { record: 'slo:error_budget:ratio', expr: `vector(1-${ratio})`, labels: idLabels },
        { record: 'slo:time_period:days', expr: 'vector(30)', labels: idLabels },
        {
          record: 'slo:current_burn_rate:ratio',
          expr: `${rec('5m')}${f}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${f}\n`,
          labels: idLabels,
        },
        {
          record: 'slo:period_burn_rate:ratio',
          expr: `${rec(SLOTH_PERIOD)}${f}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${f}\n`,
          labels: idLabels,
        },
        { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - slo:period_burn_rate:ratio${f}`, labels: idLabels },
        {
          record: 'sloth_slo_info',
          expr: 'vector(1)',
          labels: { ...idLabels, sloth_mode: 'cli-gen-prom', sloth_objective: String(objective), sloth_spec: 'prometheus/v1', sloth_version: 'bench' },
        },
      ],
    },
    {
      name: `sloth-slo-alerts-${id}`,
      rules: [
        {
          alert: 'SLOErrorBudgetBurn',
          expr: `${pair('5m', '1h', 14.4)}\nor ignoring (sloth_window)\n${pair('30m', '6h', 6)}\n`,
          labels: { severity: 'critical', sloth_severity: 'page' },
        },
        {
          alert: 'SLOErrorBudgetBurn',
          expr: `${pair('2h', '1d', 3)}\nor ignoring (sloth_window)\n${pair('6h', '3d', 1)}\n`,
          labels: { severity: 'warning', sloth_severity: 'ticket' },
        },
      ],
    },
  ];
}

/** (c) Sloth's shape for every service (one file per service, as `sloth generate` writes one per spec). */
export function slothRuleSet(o: RuleSetOptions): RuleSet {
  const files: RuleFile[] = o.services.map((s) => ({ fileName: `sloth-${s}.rules.yml`, groups: slothGroups(s, o.objective) }));
  return { id: 'sloth', title: 'Sloth shape (5m…3d over raw, 30d from 5m)', files, rules: flattenRuleFiles('sloth', files, o.evaluationInterval) };
}
