import { PromDuration } from '../../common/duration';
import { RecordingRule } from '../../common/rules';
import { SLO_EVENT_METRICS, SLO_LABELS, SLO_METRICS, sliErrorRatioRecord } from '../../conventions';
import { definitionJoinLabels, leMatcher, SloDefinition, SloModel, SloSettings } from '../model';
import { renderWindowQuery } from '../promql-check';
import {
  classifiedRateRecord,
  errorEventsIncreaseExpr,
  errorEventsRateExpr,
  errorIncreaseRecord,
  errorRateRecord,
  num,
  quote,
  selector,
  sloIdLabels,
  totalEventsIncreaseExpr,
  totalEventsRateExpr,
  totalIncreaseRecord,
  totalRateRecord,
} from './expr';
import { SliShape, SloShapes } from './shapes';

/**
 * SLI recordings, `slo:sli_error:ratio_rate<window>` with Sloth's labels, shared by every SLO of an SLI shape:
 *
 * - short windows (≤ `rawWindowMax`, 5m/30m/1h by default) read from the raw series (5m, 30m): per shape and window,
 *   bad and all events per second `sum by (<selector labels>)` over the raw series, joined once onto the shape's
 *   `slo:definition:info` series (`* on (<selector labels>) group_right`) and summed by the SLO identity;
 * - a short window twice as long as a raw one (1h): its two halves, the 30m recordings at the instant and 30m before
 *   (`pieces`), one rule each for every SLO of every shape; with `shortWindows: 'raw'` read from the raw series;
 * - the ratio of each short window is ONE rule for every SLO of every shape;
 * - tiles (every `tileInterval`, 5m): the bad and all events of the last tile, `rate<tile> × tile seconds` of the
 *   short-window recording (no raw read; the same number `increase()` gives), one rule each for every SLO;
 * - long windows (2h, 6h, 1d, 3d) and the period (30d): `sum_over_time` of the bad tiles over `sum_over_time` of
 *   the total tiles, one rule per window for every SLO: a traffic-weighted ratio reading one sample per tile.
 *
 * Sloth's shape reads every raw sample of 5m…3d per SLO per cycle and averages the 5m ratio over 30d
 * (https://github.com/slok/sloth/blob/main/internal/prometheus/recording_rules.go).
 */

/** Labels of `slo:definition:info` that are not the SLO's identity (removed when joining it onto series). */
export const DEFINITION_ONLY_LABELS = [SLO_LABELS.objective, SLO_LABELS.period, SLO_LABELS.sliShape, SLO_LABELS.alerting];

/** `slo:definition:info{slo_sli_shape="…"}` */
export function definitionSelector(matchers: Readonly<Record<string, string>>): string {
  const parts = Object.keys(matchers)
    .sort()
    .map((k) => `${k}${matchers[k].startsWith('=~') ? `=~${quote(matchers[k].slice(2))}` : `=${quote(matchers[k])}`}`);
  return `${SLO_METRICS.definition}{${parts.join(', ')}}`;
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}


/**
 * The shape's per-selector expression joined onto its SLOs: one series per SLO with its identity and extra labels
 * (as Sloth labels its recordings), the selector's and the definition's own labels removed. `on` and `info` default
 * to the selector labels and the shape's `slo:definition:info`; a latency shape's buckets join
 * `on (<selector labels>, le)` onto `slo:sli_threshold:info` (every spelling of each SLO's threshold, summed away).
 */
function joined(shape: SliShape, inner: string, join: { on?: readonly string[]; info?: string } = {}): string {
  const on = (join.on ?? shape.selectorLabels).join(', ');
  const info = join.info ?? definitionSelector({ [SLO_LABELS.sliShape]: shape.id });
  return `sum without (${[...Object.keys(definitionJoinLabels(shape.sli)), ...DEFINITION_ONLY_LABELS].join(', ')}) (\n${indent(`(${inner})`)}\n  * on (${on}) group_right ()\n  ${info}\n)`;
}

/** Good events of a latency shape over `w`, per SLO: its threshold bucket (every spelling), joined on (<selector labels>, le). */
function latencyGoodJoined(shape: SliShape & { sli: { kind: 'latency' } }, w: PromDuration, fn: Fn): string {
  const by = [...shape.selectorLabels, SLO_LABELS.threshold];
  const inner = `sum by (${by.join(', ')}) (${fn}(${selector(shape.sli.bucketMetric, [leMatcher(shape.thresholds)])}[${w}]))`;
  return joined(shape, inner, { on: by, info: `${SLO_EVENT_METRICS.threshold}{${SLO_LABELS.sliShape}=${quote(shape.id)}}` });
}

/**
 * `slo:sli_threshold:info`: the join keys of the latency shapes' bucket reads, derived from the definitions in one
 * rule: each latency SLO with its threshold's `le`, and for an integer threshold also its `1.0` spelling.
 */
export function thresholdInfoRules(shapes: SloShapes): RecordingRule[] {
  const latency = shapes.sli.filter((s) => s.sli.kind === 'latency');
  if (latency.length === 0) return [];
  const drop = DEFINITION_ONLY_LABELS.filter((l) => l !== SLO_LABELS.sliShape).join(', ');
  const of = (le: string) => `group without (${drop}) (${definitionSelector({ [SLO_LABELS.threshold]: le })})`;
  const parts = [of('=~.+')];
  if (latency.some((s) => s.thresholds.some((t) => Number.isInteger(t)))) {
    parts.push(`label_replace(${of('=~[0-9]+')}, ${quote(SLO_LABELS.threshold)}, "$1.0", ${quote(SLO_LABELS.threshold)}, "(.+)")`);
  }
  return [{ record: SLO_EVENT_METRICS.threshold, expr: parts.join('\nor\n') }];
}

type Fn = 'rate' | 'increase';

/**
 * An error-rate shape's one raw read of a short window: events per second `sum by (<selector labels>, slo_bad)`,
 * the error statuses marked `slo_bad="1"` by `label_replace` (anchored, as the `=~` matcher it replaces). Its bad
 * and all events are summed from it: the raw series are read once per window instead of twice.
 */
export function classifiedRateRules(shape: SliShape): RecordingRule[] {
  const sli = shape.sli;
  if (sli.kind !== 'error-rate') return [];
  const by = [...shape.selectorLabels, SLO_LABELS.bad].join(', ');
  return shape.rawWindows.map((w) => ({
    record: classifiedRateRecord(w),
    expr: `sum by (${by}) (label_replace(rate(${sli.metric}[${w}]), ${quote(SLO_LABELS.bad)}, "1", ${quote(sli.statusLabel)}, ${quote(sli.errorStatus)}))`,
    labels: { [SLO_LABELS.sliShape]: shape.id },
  }));
}

/** The shape's classified events of `w`, all or only the bad ones, `sum by (<selector labels>)`. */
function fromClassified(shape: SliShape, w: PromDuration, bad: boolean): string {
  const filter = bad ? `, ${SLO_LABELS.bad}="1"` : '';
  return `sum by (${shape.selectorLabels.join(', ')}) (${classifiedRateRecord(w)}{${SLO_LABELS.sliShape}=${quote(shape.id)}${filter}})`;
}

/** Good events over `w` per SLO of a latency or availability shape: its threshold bucket, or its successful samples. */
function shapeGood(shape: SliShape, w: PromDuration, fn: Fn): string {
  const sli = shape.sli;
  if (sli.kind === 'latency') return latencyGoodJoined(shape as SliShape & { sli: { kind: 'latency' } }, w, fn);
  const good = `sum by (${shape.selectorLabels.join(', ')}) (sum_over_time(${(sli as { metric: string }).metric}[${w}]))`;
  return joined(shape, fn === 'rate' ? `${good} / ${w.seconds}` : good);
}

/**
 * Bad events over `w` per SLO of the shape. An error-rate shape's per-second rates come from its classified read
 * (a tile count from its error series); a latency or availability shape's are its events minus the good ones: per
 * second, the total-events recording of the same window (recorded just before in the group, so the count or the
 * samples are read once per window for it), or, for a tile count, the counts.
 */
function shapeErrors(shape: SliShape, w: PromDuration, fn: Fn): string {
  const sli = shape.sli;
  if (sli.kind === 'error-rate') {
    if (fn === 'rate') return joined(shape, fromClassified(shape, w, true));
    return joined(shape, `sum by (${shape.selectorLabels.join(', ')}) (increase(${selector(sli.metric, [{ name: sli.statusLabel, op: '=~', value: sli.errorStatus }])}[${w}]))`);
  }
  const total = fn === 'rate' ? `${totalRateRecord(w)}\n- ignoring (${SLO_LABELS.window})` : `${shapeTotals(shape, w, fn)}\n-`;
  return `${total}\n${shapeGood(shape, w, fn)}`;
}

/** All events over `w` of the shape. */
function shapeTotalExpr(shape: SliShape, w: PromDuration, fn: Fn): string {
  const by = `sum by (${shape.selectorLabels.join(', ')})`;
  const sli = shape.sli;
  switch (sli.kind) {
    case 'error-rate':
      return `${by} (${fn}(${sli.metric}[${w}]))`;
    case 'latency':
      return `${by} (${fn}(${sli.countMetric}[${w}]))`;
    case 'availability':
      return fn === 'rate' ? `${by} (count_over_time(${sli.metric}[${w}])) / ${w.seconds}` : `${by} (count_over_time(${sli.metric}[${w}]))`;
  }
}

/** All events over `w` per SLO of the shape (an error-rate shape's per-second rates from its classified read). */
function shapeTotals(shape: SliShape, w: PromDuration, fn: Fn): string {
  if (shape.sli.kind === 'error-rate' && fn === 'rate') return joined(shape, fromClassified(shape, w, false));
  return joined(shape, shapeTotalExpr(shape, w, fn));
}

const windowLabel = (w: PromDuration): Record<string, string> => ({ [SLO_LABELS.window]: w.toString() });

/**
 * Short-window event rates of one shape (the group at the global evaluation interval): two joined rules per window,
 * all events first (a latency shape's bad events are computed from them).
 */
export function shapeRateRules(shape: SliShape): RecordingRule[] {
  return shape.rawWindows.flatMap((w): RecordingRule[] => [
    { record: totalRateRecord(w), expr: shapeTotals(shape, w, 'rate'), labels: windowLabel(w) },
    { record: errorRateRecord(w), expr: shapeErrors(shape, w, 'rate'), labels: windowLabel(w) },
  ]);
}

/** A raw SLI's own event rates (its queries are arbitrary PromQL: it shares nothing). */
export function rawRateRules(slo: SloDefinition): RecordingRule[] {
  const labels = (w: PromDuration) => ({ ...slo.labels, ...sloIdLabels(slo), ...windowLabel(w) });
  return slo.sliWindows
    .filter((w) => w.source === 'raw')
    .flatMap((w): RecordingRule[] => [
      { record: errorRateRecord(w.window), expr: errorEventsRateExpr(slo.sli, w.window), labels: labels(w.window) },
      { record: totalRateRecord(w.window), expr: totalEventsRateExpr(slo.sli, w.window), labels: labels(w.window) },
    ]);
}

/** Every short window of the model (read from the raw series or summed from pieces), ascending. */
function shortWindowsOf(model: SloModel, source?: 'raw' | 'pieces'): PromDuration[] {
  const seconds = new Set<number>();
  for (const svc of model.services) for (const slo of svc.slos) for (const w of slo.sliWindows) if (w.source !== 'tiles' && (source === undefined || w.source === source)) seconds.add(w.window.seconds);
  return [...seconds].sort((a, b) => a - b).map((s) => PromDuration.seconds(s));
}

/** A window recorded as its two halves: the `half` window's recordings at the instant and one half before. */
export interface HalvedWindow {
  readonly window: PromDuration;
  readonly half: PromDuration;
}

/** The model's windows recorded from pieces, ascending: each is two of the raw window half as long (1h = two 30m). */
export function halvedWindows(model: SloModel): HalvedWindow[] {
  return halvesOf(shortWindowsOf(model, 'pieces'));
}

/** The halves of windows whose source is `pieces`. */
export function halvesOf(windows: readonly PromDuration[]): HalvedWindow[] {
  return windows.map((w) => ({ window: w, half: PromDuration.seconds(w.seconds / 2) }));
}

/**
 * The piece windows' event rates: the mean of the half window's recordings at the instant and one half before,
 * `(r + (r offset 30m or 0 * r)) / 2`, from one recorded series per SLO instead of every raw series. The halves meet
 * without overlap. A half missing (the SLO is newer than the window, Prometheus was down) counts as zero in the bad
 * and the total events alike; the bad events of a half with no bad-event series count as zero.
 */
export function pieceRules(model: SloModel): RecordingRule[] {
  return halvedWindows(model).flatMap(({ window, half }): RecordingRule[] => {
    const total = totalRateRecord(half);
    const mean = (now: string, of: string) => `(\n  ${now}\n  + (${of} offset ${half} or 0 * ${total})\n)\n/ 2`;
    return [
      { record: totalRateRecord(window), expr: mean(total, total), labels: windowLabel(window) },
      { record: errorRateRecord(window), expr: mean(`(${errorRateRecord(half)} or 0 * ${total})`, errorRateRecord(half)), labels: windowLabel(window) },
    ];
  });
}

/**
 * The short-window ratios: one rule per window for every SLO. A missing bad-event series (a service that never
 * failed exposes no `status="500"` series) counts as zero, so the ratio exists as soon as there is traffic.
 */
export function ratioRules(model: SloModel): RecordingRule[] {
  return shortWindowsOf(model).map((w) => ({
    record: sliErrorRatioRecord(w),
    expr: `(${errorRateRecord(w)} or 0 * ${totalRateRecord(w)})\n/\n${totalRateRecord(w)}`,
    labels: windowLabel(w),
  }));
}

/** Whether every SLO records the tile window from raw series (then the tiles are `rate × seconds` of it). */
export function tilesFromRates(model: SloModel): boolean {
  const t = model.settings.tileInterval.seconds;
  return model.services.every((svc) => svc.slos.every((slo) => slo.sliWindows.some((w) => w.source === 'raw' && w.window.seconds === t)));
}

/**
 * The tiles (the group with interval `tileInterval`): bad and all events of the last tile. From the tile-long rate
 * recordings when every SLO has them (the default: 5m), one rule each; otherwise per shape over the raw series.
 */
export function tileRules(model: SloModel, shapes: SloShapes): RecordingRule[] {
  const t = model.settings.tileInterval;
  const labels = windowLabel(t);
  if (tilesFromRates(model)) {
    return [
      { record: errorIncreaseRecord(t), expr: `(${errorRateRecord(t)} or 0 * ${totalRateRecord(t)}) * ${t.seconds}`, labels },
      { record: totalIncreaseRecord(t), expr: `${totalRateRecord(t)} * ${t.seconds}`, labels },
    ];
  }
  return [
    ...shapes.sli.flatMap((shape): RecordingRule[] => [
      { record: errorIncreaseRecord(t), expr: `${shapeErrors(shape, t, 'increase')}\nor\n0 * ${shapeTotals(shape, t, 'increase')}`, labels },
      { record: totalIncreaseRecord(t), expr: shapeTotals(shape, t, 'increase'), labels },
    ]),
    ...shapes.raw.flatMap((slo): RecordingRule[] => [
      { record: errorIncreaseRecord(t), expr: errorEventsIncreaseExpr(slo.sli, t), labels: { ...slo.labels, ...sloIdLabels(slo), ...labels } },
      { record: totalIncreaseRecord(t), expr: totalEventsIncreaseExpr(slo.sli, t), labels: { ...slo.labels, ...sloIdLabels(slo), ...labels } },
    ]),
  ];
}

/** `{slo_period="30d"}` or `{slo_period=~"28d|30d"}` */
function periodFilter(periods: readonly string[]): Record<string, string> {
  return { [SLO_LABELS.period]: periods.length === 1 ? periods[0] : `=~${periods.join('|')}` };
}

/**
 * Long windows and the period, from the tiles (the group with interval `longWindowInterval`): one rule per window
 * for every SLO having it; when some SLOs lack a window (another period), the rule keeps the SLOs of the periods
 * that have it.
 */
export function longWindowRules(model: SloModel, settings: SloSettings): RecordingRule[] {
  const t = settings.tileInterval;
  const byWindow = new Map<number, Set<string>>();
  const allPeriods = new Set<string>();
  for (const svc of model.services) {
    for (const slo of svc.slos) {
      allPeriods.add(slo.period.toString());
      for (const w of slo.sliWindows) if (w.source === 'tiles') (byWindow.get(w.window.seconds) ?? byWindow.set(w.window.seconds, new Set()).get(w.window.seconds)!).add(slo.period.toString());
    }
  }
  return [...byWindow.keys()]
    .sort((a, b) => a - b)
    .map((seconds) => {
      const w = PromDuration.seconds(seconds);
      const periods = [...byWindow.get(seconds)!].sort();
      const ratio = `sum_over_time(${errorIncreaseRecord(t)}[${w}])\n/\nsum_over_time(${totalIncreaseRecord(t)}[${w}])`;
      const expr = periods.length === allPeriods.size ? ratio : `(${ratio})\nand on (${SLO_LABELS.id})\n${definitionSelector(periodFilter(periods))}`;
      return { record: sliErrorRatioRecord(w), expr, labels: windowLabel(w) };
    });
}

/** Bad events over a window, from its rate recording (the bad-event guard). */
export function errorEventsOver(w: PromDuration): string {
  return `${errorRateRecord(w)} * ${w.seconds}`;
}

export { num, renderWindowQuery };
