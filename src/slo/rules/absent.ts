import { AlertingRule, RecordingRule } from '../../common/rules';
import { ALERT_LABELS, SLO_ALERT_NAMES, SLO_ANNOTATIONS, SLO_EVENT_METRICS, SLO_LABELS } from '../../conventions';
import { leMatcher, SloDefinition, SloSettings } from '../model';
import { identityAlertLabels, joinShape } from './alerts';
import { quote, selector, sloIdLabels, sortedLabels, sourceAbsentExpr, sourceDescription } from './expr';
import { AlertingShape, labelTemplate, SliShape } from './shapes';
import { DEFINITION_ONLY_LABELS, definitionSelector } from './sli';

/**
 * The SLI's source series disappeared (renamed metric, broken scrape, wrong `service` label): every ratio of the SLO
 * is then empty and no burn-rate alert can fire, so say so. Recorded once per SLI shape
 * (`slo:sli_source_absent:info`: the shape's SLOs none of whose source series has a sample within the absent window,
 * `present_over_time(source[<window>])`), alerted per alerting shape and held for `for`: fires 15 minutes after the
 * last sample (10m window + 5m), exactly as a raw SLI's `absent_over_time(source[10m])` held for 5m does, whether or
 * not Prometheus wrote a staleness marker. (An instant read of the source, which this replaced, drops a series at its
 * staleness marker, which Prometheus writes on the next scrape when a target goes away, its scrape fails or the
 * series is no longer exposed: the alert then fired about 4 minutes early, 10 minutes plus a scrape after the last
 * sample.) The range read costs somewhat more than the instant read did (at 100 SLOs, 25–34 ms a minute against
 * about 22 ms: the cost follows the series selected more than the samples), 1–2 ms per 15 s. The recording runs in
 * the long-window group (every minute, `longWindowInterval`): in a running Prometheus the alert fires up to one
 * minute later (promtool's proofs evaluate every group at one step).
 */

function templatedSource(shape: SliShape): string {
  const sli = shape.sli;
  const perService = shape.selectorLabels.map((name) => ({ name, op: '=' as const, value: `{{ $labels.${name} }}` }));
  const le = { name: SLO_LABELS.threshold, op: '=' as const, value: `{{ $labels.${SLO_LABELS.threshold} }}` };
  return sli.kind === 'latency' ? selector(sli.bucketMetric, [...perService, le]) : selector(sli.metric, perService);
}

/**
 * The absent recording of one SLI shape: its SLOs none of whose source series has a sample within the absent window.
 * A latency SLO is absent when no spelling of its threshold bucket has a sample (its recording keeps the threshold's
 * `le` for the alert's description).
 */
export function shapeAbsentRule(shape: SliShape, settings: SloSettings): RecordingRule {
  const by = shape.selectorLabels.join(', ');
  const window = settings.absent.window;
  const definitions = `group without (${DEFINITION_ONLY_LABELS.join(', ')}) (${definitionSelector({ [SLO_LABELS.sliShape]: shape.id })})`;
  const sli = shape.sli;
  if (sli.kind !== 'latency') return { record: SLO_EVENT_METRICS.sourceAbsent, expr: `${definitions}\nunless on (${by})\ngroup by (${by}) (present_over_time(${sli.metric}[${window}]))` };
  const byLe = [...shape.selectorLabels, SLO_LABELS.threshold].join(', ');
  const present = `${SLO_EVENT_METRICS.threshold}{${SLO_LABELS.sliShape}=${quote(shape.id)}}\nand on (${byLe})\ngroup by (${byLe}) (present_over_time(${selector(sli.bucketMetric, [leMatcher(shape.thresholds)])}[${window}]))`;
  return { record: SLO_EVENT_METRICS.sourceAbsent, expr: `${definitions}\nunless on (${SLO_LABELS.id})\n(\n${present}\n)` };
}

/** The absent recording of a raw SLI (its own source). */
export function rawAbsentRule(slo: SloDefinition, settings: SloSettings): RecordingRule {
  return { record: SLO_EVENT_METRICS.sourceAbsent, expr: sourceAbsentExpr(slo.sli, settings.absent.window), labels: { ...slo.labels, ...sloIdLabels(slo) } };
}

/** The absent-source alert of the SLOs of one alerting shape and one SLI shape (`sliShape` undefined: one raw SLO, `first`). */
export function sourceAbsentAlertRule(shape: AlertingShape, first: SloDefinition, sliShape: SliShape | undefined, settings: SloSettings): AlertingRule {
  const t = (text: string) => labelTemplate(text, first);
  // the selector with its per-service label values as templates of the recording's labels
  const source = sliShape ? templatedSource(sliShape) : t(sourceDescription(first.sli));
  return {
    alert: SLO_ALERT_NAMES.sourceAbsent,
    expr: joinShape(SLO_EVENT_METRICS.sourceAbsent, shape, sliShape !== undefined ? { [SLO_LABELS.sliShape]: sliShape.id } : { [SLO_LABELS.id]: first.id }),
    for: settings.absent.for.toString(),
    labels: sortedLabels(
      identityAlertLabels(shape),
      { [ALERT_LABELS.severity]: first.ticket.severity },
      // one rule per SLI shape (or raw SLO) of the alerting shape
      sliShape !== undefined ? { [SLO_LABELS.sliShape]: sliShape.id } : { [SLO_LABELS.id]: first.id },
    ),
    annotations: {
      [SLO_ANNOTATIONS.summary]: `${t(`${first.service} ${first.name}`)}: SLI source has no samples`,
      [SLO_ANNOTATIONS.description]:
        `${source} has had no samples for ${settings.absent.window}: the SLO cannot be measured and its burn-rate alerts cannot fire.`,
      ...(first.runbookUrl ? { [SLO_ANNOTATIONS.runbookUrl]: t(first.runbookUrl) } : {}),
    },
  };
}
