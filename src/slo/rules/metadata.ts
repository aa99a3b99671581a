import { RecordingRule } from '../../common/rules';
import { SLO_INFO_VALUES, SLO_LABELS, SLO_METRICS, sliErrorRatioRecord } from '../../conventions';
import { allSlos, definitionJoinLabels, SloDefinition, SloModel } from '../model';
import { num, sloIdLabels, sortedLabels } from './expr';
import { SloShapes } from './shapes';
import { DEFINITION_ONLY_LABELS, definitionSelector } from './sli';

/**
 * Metadata: the one per-SLO rule (`slo:definition:info`) and Sloth's metadata recordings derived from it for every
 * SLO at once (https://github.com/slok/sloth/blob/main/internal/prometheus/recording_rules.go,
 * MetadataRecordingRulesGenerator): objective, error budget, period in days, current burn rate (the page-quick short
 * window's ratio over the budget), period burn rate, period budget remaining, and `sloth_slo_info`.
 */

/** One-to-one on everything but the window: the result keeps the SLO's identity and extra labels, no window. */
const IGNORING_WINDOW = `ignoring (${SLO_LABELS.window})`;

/**
 * The SLO's definition: value 1, labels its identity, objective, period, shapes, selector labels and a latency SLO's
 * threshold `le` (the join keys of its SLI shape) and extra labels (joined onto its alerts).
 */
export function definitionRule(slo: SloDefinition, shapes: SloShapes): RecordingRule {
  const selector = definitionJoinLabels(slo.sli);
  return {
    record: SLO_METRICS.definition,
    expr: 'vector(1)',
    labels: sortedLabels(slo.labels, selector, sloIdLabels(slo), {
      [SLO_LABELS.objective]: num(slo.objective),
      [SLO_LABELS.period]: slo.period.toString(),
      [SLO_LABELS.sliShape]: shapes.sliShapeOf.get(slo.id)!,
      [SLO_LABELS.alerting]: shapes.alertingOf.get(slo.id)!,
    }),
  };
}

/** `v₁ * group without (…) (def{label="a"}) or v₂ * …`: a per-SLO value that takes few distinct values, in one rule. */
function byDistinct(slos: readonly SloDefinition[], value: (s: SloDefinition) => number, label: string, labelValue: (s: SloDefinition) => string, without: string): string {
  const seen = new Map<string, number>();
  for (const s of slos) if (!seen.has(labelValue(s))) seen.set(labelValue(s), value(s));
  return [...seen.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([lv, v]) => `${num(v)} * group without (${without}) (${definitionSelector({ [label]: lv })})`)
    .join('\nor\n');
}

/**
 * The current burn rate of every SLO: the page-quick short window's ratio (5m) over the budget; SLOs whose tables
 * have another such window are told apart by period.
 */
export function currentBurnRateExpr(slos: readonly SloDefinition[]): string {
  const current = [...new Set(slos.map((s) => s.alertWindows.page.quick.shortWindow.toString()))].sort();
  return current
    .map((w) => {
      const ps = [...new Set(slos.filter((s) => s.alertWindows.page.quick.shortWindow.toString() === w).map((s) => s.period.toString()))].sort();
      const filter = current.length === 1 ? '' : `\nand on (${SLO_LABELS.id})\n${definitionSelector({ [SLO_LABELS.period]: ps.length === 1 ? ps[0] : `=~${ps.join('|')}` })}`;
      return `(${sliErrorRatioRecord(w)}\n/ ${IGNORING_WINDOW}\n${SLO_METRICS.errorBudgetRatio})${filter}`;
    })
    .join('\nor\n');
}

/**
 * Sloth's metadata recordings of the model (none without SLOs), a constant number of rules, by how often they change:
 * `slow`, the metadata that changes at most once a minute (the long-window group, after the period ratios it reads:
 * objective, error budget, period in days, the period's burn rate and budget remaining, `sloth_slo_info`; the pages
 * read the error budget every cycle, so a new SLO's first page waits for its first budget, up to a minute), and
 * `current`, `slo:current_burn_rate:ratio` (every cycle, with the alert conditions).
 */
export function sloMetadataRules(model: SloModel): { slow: RecordingRule[]; current: RecordingRule[] } {
  const slos = allSlos(model);
  if (slos.length === 0) return { slow: [], current: [] };
  // the identity and extra labels stay (as Sloth labels its metadata); selector and definition labels go
  const selectorLabels = [...new Set(slos.flatMap((s) => Object.keys(definitionJoinLabels(s.sli))))];
  const without = [...selectorLabels, ...DEFINITION_ONLY_LABELS].join(', ');
  const withoutInfo = [...selectorLabels, ...DEFINITION_ONLY_LABELS.filter((l) => l !== SLO_LABELS.objective)].join(', ');
  const periods = [...new Set(slos.map((s) => s.period.toString()))].sort();
  return {
    slow: [
      { record: SLO_METRICS.objectiveRatio, expr: byDistinct(slos, (s) => s.objectiveRatio, SLO_LABELS.objective, (s) => num(s.objective), without) },
      { record: SLO_METRICS.errorBudgetRatio, expr: byDistinct(slos, (s) => s.errorBudget, SLO_LABELS.objective, (s) => num(s.objective), without) },
      { record: SLO_METRICS.timePeriodDays, expr: byDistinct(slos, (s) => s.periodDays, SLO_LABELS.period, (s) => s.period.toString(), without) },
      {
        record: SLO_METRICS.periodBurnRate,
        // each period has its own ratio recording: the SLOs of the other periods have none
        expr: periods.map((p) => `${sliErrorRatioRecord(p)}\n/ ${IGNORING_WINDOW}\n${SLO_METRICS.errorBudgetRatio}`).join('\nor\n'),
      },
      { record: SLO_METRICS.periodErrorBudgetRemaining, expr: `1 - ${SLO_METRICS.periodBurnRate}` },
      {
        record: SLO_METRICS.info,
        expr: `group without (${withoutInfo}) (${SLO_METRICS.definition})`,
        labels: { [SLO_LABELS.mode]: SLO_INFO_VALUES.mode, [SLO_LABELS.spec]: SLO_INFO_VALUES.spec, [SLO_LABELS.version]: SLO_INFO_VALUES.version },
      },
    ],
    current: [{ record: SLO_METRICS.currentBurnRate, expr: currentBurnRateExpr(slos) }],
  };
}
