import { PromDuration } from '../../common/duration';
import { SLO_EVENT_METRICS, SLO_LABELS } from '../../conventions';
import { LabelMatcher, SliModel, SloDefinition } from '../model';
import { renderWindowQuery } from '../promql-check';

/**
 * PromQL rendering for the SLO generators: selectors, numbers and the SLI event expressions of each SLI kind.
 * Every metric and label name comes from src/conventions.ts or the model.
 */

/** A PromQL string literal (double-quoted; JSON escapes are valid Go/PromQL escapes). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** A number literal PromQL parses back to the same float (shortest round-trip form). */
export function num(value: number): string {
  return String(value);
}

/** `metric{a="b",c=~"d"}` */
export function selector(metric: string, matchers: readonly LabelMatcher[]): string {
  if (matchers.length === 0) return metric;
  return `${metric}{${matchers.map((m) => `${m.name}${m.op}${quote(m.value)}`).join(',')}}`;
}

/** The SLO's identifying labels (Sloth's `sloth_id`, `sloth_service`, `sloth_slo`). */
export function sloIdLabels(slo: SloDefinition): Record<string, string> {
  return { [SLO_LABELS.id]: slo.id, [SLO_LABELS.service]: slo.service, [SLO_LABELS.slo]: slo.name };
}

/** Sloth's filter on the SLO's id labels: `{sloth_id="a-b", sloth_service="a", sloth_slo="b"}`. */
export function sloFilter(slo: SloDefinition): string {
  const l = sloIdLabels(slo);
  return `{${Object.keys(l).sort().map((k) => `${k}=${quote(l[k])}`).join(', ')}}`;
}

/** Sorted copy of a label map (deterministic output, as Sloth's sorted YAML maps). */
export function sortedLabels(...maps: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const m of maps) Object.assign(merged, m);
  const out: Record<string, string> = {};
  for (const k of Object.keys(merged).sort()) out[k] = merged[k];
  return out;
}

/** Labels of an SLI recording over `window`: id labels, `sloth_window`, the SLO's extra labels. */
export function windowLabels(slo: SloDefinition, window: PromDuration): Record<string, string> {
  return sortedLabels(slo.labels, sloIdLabels(slo), { [SLO_LABELS.window]: window.toString() });
}

export const classifiedRateRecord = (w: PromDuration): string => `${SLO_EVENT_METRICS.classifiedRatePrefix}${w}`;
export const errorRateRecord = (w: PromDuration): string => `${SLO_EVENT_METRICS.errorRatePrefix}${w}`;
export const totalRateRecord = (w: PromDuration): string => `${SLO_EVENT_METRICS.totalRatePrefix}${w}`;
export const errorIncreaseRecord = (w: PromDuration): string => `${SLO_EVENT_METRICS.errorIncreasePrefix}${w}`;
export const totalIncreaseRecord = (w: PromDuration): string => `${SLO_EVENT_METRICS.totalIncreasePrefix}${w}`;

function errorSelector(sli: SliModel & { kind: 'error-rate' }): string {
  return selector(sli.metric, [...sli.matchers, { name: sli.statusLabel, op: '=~', value: sli.errorStatus }]);
}

function bucketSelector(sli: SliModel & { kind: 'latency' }): string {
  return selector(sli.bucketMetric, [...sli.matchers, sli.le]);
}

/**
 * Bad events per second over `window`, one series without labels. A missing error series (a service that never
 * failed exposes no `status="500"` series) counts as zero, so the ratio exists as soon as there is traffic.
 */
export function errorEventsRateExpr(sli: SliModel, window: PromDuration): string {
  switch (sli.kind) {
    case 'error-rate':
      return `sum(rate(${errorSelector(sli)}[${window}])) or vector(0)`;
    case 'latency':
      return `sum(rate(${selector(sli.countMetric, sli.matchers)}[${window}])) - sum(rate(${bucketSelector(sli)}[${window}]))`;
    case 'availability': {
      const s = selector(sli.metric, sli.matchers);
      return `(sum(count_over_time(${s}[${window}])) - sum(sum_over_time(${s}[${window}]))) / ${window.seconds}`;
    }
    case 'raw':
      return `sum(${renderWindowQuery(sli.errorQuery, window)}) or vector(0)`;
  }
}

/** All events per second over `window` (for time-based SLIs: samples per second). */
export function totalEventsRateExpr(sli: SliModel, window: PromDuration): string {
  switch (sli.kind) {
    case 'error-rate':
      return `sum(rate(${selector(sli.metric, sli.matchers)}[${window}]))`;
    case 'latency':
      return `sum(rate(${selector(sli.countMetric, sli.matchers)}[${window}]))`;
    case 'availability':
      return `sum(count_over_time(${selector(sli.metric, sli.matchers)}[${window}])) / ${window.seconds}`;
    case 'raw':
      return `sum(${renderWindowQuery(sli.totalQuery, window)})`;
  }
}

/** Bad events in the last tile (a count; for time-based SLIs: failed samples). */
export function errorEventsIncreaseExpr(sli: SliModel, tile: PromDuration): string {
  switch (sli.kind) {
    case 'error-rate':
      return `sum(increase(${errorSelector(sli)}[${tile}])) or vector(0)`;
    case 'latency':
      return `sum(increase(${selector(sli.countMetric, sli.matchers)}[${tile}])) - sum(increase(${bucketSelector(sli)}[${tile}]))`;
    case 'availability': {
      const s = selector(sli.metric, sli.matchers);
      return `sum(count_over_time(${s}[${tile}])) - sum(sum_over_time(${s}[${tile}]))`;
    }
    case 'raw':
      return `(sum(${renderWindowQuery(sli.errorQuery, tile)}) or vector(0)) * ${tile.seconds}`;
  }
}

/** All events in the last tile. */
export function totalEventsIncreaseExpr(sli: SliModel, tile: PromDuration): string {
  switch (sli.kind) {
    case 'error-rate':
      return `sum(increase(${selector(sli.metric, sli.matchers)}[${tile}]))`;
    case 'latency':
      return `sum(increase(${selector(sli.countMetric, sli.matchers)}[${tile}]))`;
    case 'availability':
      return `sum(count_over_time(${selector(sli.metric, sli.matchers)}[${tile}]))`;
    case 'raw':
      return `sum(${renderWindowQuery(sli.totalQuery, tile)}) * ${tile.seconds}`;
  }
}

/** The series whose absence means the SLI cannot be measured, as an expression that is 1 while it is absent. */
export function sourceAbsentExpr(sli: SliModel, window: PromDuration): string {
  switch (sli.kind) {
    case 'error-rate':
      return `absent_over_time(${selector(sli.metric, sli.matchers)}[${window}])`;
    case 'latency':
      return `absent_over_time(${bucketSelector(sli)}[${window}])`;
    case 'availability':
      return `absent_over_time(${selector(sli.metric, sli.matchers)}[${window}])`;
    case 'raw':
      return sli.sourceSelector ? `absent_over_time(${sli.sourceSelector}[${window}])` : `absent(${renderWindowQuery(sli.totalQuery, window)})`;
  }
}

/** A human-readable name of the SLI's source, for annotations. */
export function sourceDescription(sli: SliModel): string {
  switch (sli.kind) {
    case 'error-rate':
      return selector(sli.metric, sli.matchers);
    case 'latency':
      return bucketSelector(sli);
    case 'availability':
      return selector(sli.metric, sli.matchers);
    case 'raw':
      return sli.sourceSelector ?? 'the total query';
  }
}
