import { PromDuration } from '../../common/duration';
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
 * (`slo:sli_source_absent:info`: the shape's SLOs none of whose source series has a sample within Prometheus' 5m
 * lookback, read as an instant vector: one sample per series), alerted per alerting shape and held for the rest of
 * the absent window plus `for`: fires 15 minutes after the last sample (10m window + 5m), as
 * `absent_over_time(source[10m])` held for 5m would, reading 1 sample per series instead of 20. The recording runs
 * in the long-window group (every minute, `longWindowInterval`): the instant read of every raw series is the
 * costliest rule of a cycle after the raw windows, and a minute more on a 15-minute alert does not matter, so in a
 * running Prometheus the alert fires up to one minute later (promtool's proofs evaluate every group at one step).
 */

/** Prometheus' default lookback delta: an instant selector sees a series until 5m after its last sample. */
export const LOOKBACK_DELTA_SECONDS = 300;

/** How long the shared absent alert holds: the absent window past the lookback, plus `absent.for`. */
export function sharedAbsentFor(settings: SloSettings): PromDuration {
  return PromDuration.seconds(Math.max(0, settings.absent.window.seconds - LOOKBACK_DELTA_SECONDS) + settings.absent.for.seconds);
}

function templatedSource(shape: SliShape): string {
  const sli = shape.sli;
  const perService = shape.selectorLabels.map((name) => ({ name, op: '=' as const, value: `{{ $labels.${name} }}` }));
  const le = { name: SLO_LABELS.threshold, op: '=' as const, value: `{{ $labels.${SLO_LABELS.threshold} }}` };
  return sli.kind === 'latency' ? selector(sli.bucketMetric, [...perService, le]) : selector(sli.metric, perService);
}

/**
 * The absent recording of one SLI shape. A latency SLO is absent when no spelling of its threshold bucket has a
 * sample (its recording keeps the threshold's `le` for the alert's description).
 */
export function shapeAbsentRule(shape: SliShape): RecordingRule {
  const by = shape.selectorLabels.join(', ');
  const definitions = `group without (${DEFINITION_ONLY_LABELS.join(', ')}) (${definitionSelector({ [SLO_LABELS.sliShape]: shape.id })})`;
  const sli = shape.sli;
  if (sli.kind !== 'latency') return { record: SLO_EVENT_METRICS.sourceAbsent, expr: `${definitions}\nunless on (${by})\ngroup by (${by}) (${sli.metric})` };
  const byLe = [...shape.selectorLabels, SLO_LABELS.threshold].join(', ');
  const present = `${SLO_EVENT_METRICS.threshold}{${SLO_LABELS.sliShape}=${quote(shape.id)}}\nand on (${byLe})\ngroup by (${byLe}) (${selector(sli.bucketMetric, [leMatcher(shape.thresholds)])})`;
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
    for: (sliShape !== undefined ? sharedAbsentFor(settings) : settings.absent.for).toString(),
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
