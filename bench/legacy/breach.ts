import { AlertingRule } from '../../src/common/rules';
import { ALERT_LABELS, SLO_ALERT_NAMES, SLO_ANNOTATIONS, sliErrorRatioRecord } from '../../src/conventions';
import { SloDefinition, SloSettings } from '../../src/slo/model';
import { num, sloFilter, sortedLabels } from './expr';

/**
 * The seed's `SLOBreach`, same name and meaning (the SLI over the period is below the objective), re-expressed on
 * the period recording. The seed read every raw sample of 30 days each cycle:
 *   (1 - sum(rate(http_requests_total{status=~"5.."}[30d])) by (service) / sum(rate(http_requests_total[30d])) by (service)) < 0.999
 * this reads one sample of `slo:sli_error:ratio_rate30d`.
 */
export function sloBreachAlertRule(slo: SloDefinition, settings: SloSettings): AlertingRule {
  return {
    alert: SLO_ALERT_NAMES.breach,
    expr: `(1 - ${sliErrorRatioRecord(slo.period)}${sloFilter(slo)}) < ${num(slo.objectiveRatio)}`,
    for: settings.breach.for.toString(),
    labels: {
      [ALERT_LABELS.service]: slo.service,
      [ALERT_LABELS.severity]: settings.breach.severity,
      [ALERT_LABELS.slo]: slo.name,
    },
    annotations: sortedLabels(
      {
        [SLO_ANNOTATIONS.summary]: `SLO breach for ${slo.service} ${slo.name}`,
        [SLO_ANNOTATIONS.description]: `SLI over the last ${slo.period} is {{ $value | humanizePercentage }}, below the objective of ${num(slo.objective)}%: the error budget is spent.`,
      },
      slo.runbookUrl ? { [SLO_ANNOTATIONS.runbookUrl]: slo.runbookUrl } : {},
    ),
  };
}
