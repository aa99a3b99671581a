import { RecordingRule } from '../../src/common/rules';
import { SLO_INFO_VALUES, SLO_LABELS, SLO_METRICS, sliErrorRatioRecord } from '../../src/conventions';
import { SloDefinition } from '../../src/slo/model';
import { num, sloFilter, sloIdLabels, sortedLabels } from './expr';

/**
 * Sloth's metadata recordings, same names, labels and meaning
 * (https://github.com/slok/sloth/blob/main/internal/prometheus/recording_rules.go, MetadataRecordingRulesGenerator):
 * objective, error budget, period in days, current burn rate (the page-quick short window's ratio over the budget),
 * period burn rate, period budget remaining, and `sloth_slo_info`.
 */
export function metadataRecordingRules(slo: SloDefinition): RecordingRule[] {
  const f = sloFilter(slo);
  const labels = sortedLabels(slo.labels, sloIdLabels(slo));
  const on = `on(${SLO_LABELS.id}, ${SLO_LABELS.slo}, ${SLO_LABELS.service}) group_left`;
  const current = sliErrorRatioRecord(slo.alertWindows.page.quick.shortWindow);
  const period = sliErrorRatioRecord(slo.period);
  return [
    { record: SLO_METRICS.objectiveRatio, expr: `vector(${num(slo.objectiveRatio)})`, labels },
    { record: SLO_METRICS.errorBudgetRatio, expr: `vector(${num(slo.errorBudget)})`, labels },
    { record: SLO_METRICS.timePeriodDays, expr: `vector(${num(slo.periodDays)})`, labels },
    { record: SLO_METRICS.currentBurnRate, expr: `${current}${f}\n/ ${on}\n${SLO_METRICS.errorBudgetRatio}${f}`, labels },
    { record: SLO_METRICS.periodBurnRate, expr: `${period}${f}\n/ ${on}\n${SLO_METRICS.errorBudgetRatio}${f}`, labels },
    { record: SLO_METRICS.periodErrorBudgetRemaining, expr: `1 - ${SLO_METRICS.periodBurnRate}${f}`, labels },
    {
      record: SLO_METRICS.info,
      expr: 'vector(1)',
      labels: sortedLabels(labels, {
        [SLO_LABELS.mode]: SLO_INFO_VALUES.mode,
        [SLO_LABELS.spec]: SLO_INFO_VALUES.spec,
        [SLO_LABELS.version]: SLO_INFO_VALUES.version,
        [SLO_LABELS.objective]: num(slo.objective),
      }),
    },
  ];
}
