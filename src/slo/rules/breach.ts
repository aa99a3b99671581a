import { AlertingRule } from '../../common/rules';
import { ALERT_LABELS, SLO_ALERT_NAMES, SLO_ANNOTATIONS, SLO_EVENT_METRICS, SLO_LABELS } from '../../conventions';
import { SloSettings } from '../model';
import { identityAlertLabels, joinShape } from './alerts';
import { sortedLabels } from './expr';
import { AlertingShape, labelTemplate } from './shapes';

/**
 * The seed's `SLOBreach`, same name and meaning (the SLI over the period is below the objective), re-expressed on
 * the period recording. The seed read every raw sample of 30 days each cycle:
 *   (1 - sum(rate(http_requests_total{status=~"5.."}[30d])) by (service) / sum(rate(http_requests_total[30d])) by (service)) < 0.999
 * this reads the recorded breach condition (`slo:period_sli_breach:ratio`, one sample per breaching SLO).
 */
export function sloBreachAlertRule(shape: AlertingShape, settings: SloSettings): AlertingRule {
  const slo = shape.first;
  return {
    alert: SLO_ALERT_NAMES.breach,
    expr: joinShape(SLO_EVENT_METRICS.breach, shape),
    for: settings.breach.for.toString(),
    labels: sortedLabels(identityAlertLabels(shape), { [ALERT_LABELS.severity]: settings.breach.severity }),
    annotations: sortedLabels(
      {
        [SLO_ANNOTATIONS.summary]: `SLO breach for {{ $labels.${SLO_LABELS.service} }} {{ $labels.${SLO_LABELS.slo} }}`,
        [SLO_ANNOTATIONS.description]: `SLI over the last ${slo.period} is {{ $value | humanizePercentage }}, below the objective of {{ $labels.${SLO_LABELS.objective} }}%: the error budget is spent.`,
      },
      slo.runbookUrl ? { [SLO_ANNOTATIONS.runbookUrl]: labelTemplate(slo.runbookUrl, slo) } : {},
    ),
  };
}
