import { AlertingRule } from '../../src/common/rules';
import { ALERT_LABELS, SLO_ALERT_NAMES, SLO_ANNOTATIONS } from '../../src/conventions';
import { SloDefinition, SloSettings } from '../../src/slo/model';
import { sloIdLabels, sortedLabels, sourceAbsentExpr, sourceDescription } from './expr';

/**
 * The SLI's source series disappeared (renamed metric, broken scrape, wrong `service` label): every ratio of the SLO
 * is then empty and no burn-rate alert can fire, so say so. `absent_over_time(<source>[10m])` held for 5m: fires
 * about 15 minutes after the last sample.
 */
export function sourceAbsentAlertRule(slo: SloDefinition, settings: SloSettings): AlertingRule {
  return {
    alert: SLO_ALERT_NAMES.sourceAbsent,
    expr: sourceAbsentExpr(slo.sli, settings.absent.window),
    for: settings.absent.for.toString(),
    labels: sortedLabels(slo.labels, sloIdLabels(slo), {
      [ALERT_LABELS.service]: slo.service,
      [ALERT_LABELS.slo]: slo.name,
      [ALERT_LABELS.severity]: slo.ticket.severity,
    }),
    annotations: {
      [SLO_ANNOTATIONS.summary]: `${slo.service} ${slo.name}: SLI source has no samples`,
      [SLO_ANNOTATIONS.description]:
        `${sourceDescription(slo.sli)} has had no samples for ${settings.absent.window}: the SLO cannot be measured and its burn-rate alerts cannot fire.`,
      ...(slo.runbookUrl ? { [SLO_ANNOTATIONS.runbookUrl]: slo.runbookUrl } : {}),
    },
  };
}
