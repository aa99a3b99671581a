import { createHash } from 'node:crypto';
import { PromDuration } from '../../common/duration';
import { memoByObject } from '../../common/memo';
import { SLO_LABELS } from '../../conventions';
import { allSlos, SliModel, SloDefinition, SloModel } from '../model';

/**
 * SLO shapes: which SLOs can share rules.
 *
 * - The **SLI shape** (kind, metric names, the fixed part of the selector, the names of the selector's per-service
 *   labels, the raw windows): SLOs of one SLI shape share one recording rule per window, aggregated
 *   `sum by (<selector labels>)` over the source and joined onto the SLOs' `slo:definition:info` series
 *   `on (<selector labels>)`. A latency threshold is a label value too: latency SLOs of one histogram share a shape
 *   whatever their thresholds, its bucket read aggregated `by (<selector labels>, le)`. Raw SLIs (arbitrary PromQL)
 *   are shapes of one.
 * - The **alerting shape** (windows, tiers and their severities, labels and annotations, the guard, alert name, texts
 *   after replacing the SLO's own names by `{{ $labels.sloth_* }}`): SLOs of one alerting shape share one alert rule
 *   per tier; their extra labels arrive with `group_left` from `slo:definition:info`.
 *
 * Ids are a readable prefix and a hash of the key, so they are stable across runs and catalog orders.
 */

export interface SliShape {
  readonly id: string;
  /** The SLI of the first SLO (every SLO of the shape has the same one, up to the selector's label values). */
  readonly sli: Exclude<SliModel, { kind: 'raw' }>;
  /** Names of the selector's per-service labels (`service`): the join labels. */
  readonly selectorLabels: readonly string[];
  /** Windows recorded from the raw series. */
  readonly rawWindows: readonly PromDuration[];
  /** Latency shapes: the distinct thresholds of its SLOs, ascending (one bucket read covers them all). */
  readonly thresholds: readonly number[];
  readonly slos: readonly SloDefinition[];
}

export interface AlertingShape {
  readonly id: string;
  /** The first SLO: its settings are every SLO's of the shape. */
  readonly first: SloDefinition;
  readonly slos: readonly SloDefinition[];
  /** `sloth_objective` and the extra labels of the shape's SLOs (the union of their names), joined onto the alerts with `group_left`. */
  readonly extraLabels: readonly string[];
}

export interface SloShapes {
  readonly sli: readonly SliShape[];
  /** Raw SLIs: per-SLO recordings. */
  readonly raw: readonly SloDefinition[];
  readonly alerting: readonly AlertingShape[];
  readonly sliShapeOf: ReadonlyMap<string, string>;
  readonly alertingOf: ReadonlyMap<string, string>;
}

function shortHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 10);
}

/** What SLOs sharing SLI recordings must have in common. */
function sliShapeKey(slo: SloDefinition): string | undefined {
  const sli = slo.sli;
  if (sli.kind === 'raw') return undefined;
  const names = sli.matchers.map((m) => m.name);
  const raw = slo.sliWindows.filter((w) => w.source === 'raw').map((w) => w.window.toString());
  const fixed =
    sli.kind === 'error-rate'
      ? [sli.metric, sli.statusLabel, sli.errorStatus]
      : sli.kind === 'latency'
        ? [sli.bucketMetric, sli.countMetric]
        : [sli.source, sli.metric];
  return JSON.stringify([sli.kind, ...fixed, names, raw]);
}

/**
 * Replaces the SLO's own id, service and name in a text by the label templates that expand to them, so SLOs whose
 * texts differ only by their names share one alert rule. Expansion gives back the same text, always. Texts that are
 * templates already are left alone.
 */
export function labelTemplate(text: string, slo: SloDefinition): string {
  return text.includes('{{') ? text : templaterOf(slo)(text);
}

/**
 * Per SLO, the replacement of its names: at each step the leftmost occurrence of any name, the longest name where
 * two start at the same place (what the alternation `id|service|name`, longest first, matches). A literal scan, not
 * a regular expression per SLO: compiling thousands of them cost more than the replacing (every text of every SLO
 * goes through it).
 */
const templaterOf = memoByObject((slo: SloDefinition): ((text: string) => string) => {
  const values: [string, string][] = (
    [
      [slo.id, SLO_LABELS.id],
      [slo.service, SLO_LABELS.service],
      [slo.name, SLO_LABELS.slo],
    ] as [string, string][]
  )
    .filter(([v]) => v.length > 0)
    .sort((a, b) => b[0].length - a[0].length);
  // a name equal to another (service "checkout", SLO "checkout") takes the later label, as it always did
  const literals = [...new Map(values)];
  return (text: string) => replaceLiterals(text, literals);
});

/** `text` with each leftmost occurrence of a literal replaced by `{{ $labels.<label> }}`; `values` longest first. */
function replaceLiterals(text: string, values: readonly (readonly [string, string])[]): string {
  let out = '';
  let from = 0;
  for (;;) {
    let at = -1;
    let match: readonly [string, string] | undefined;
    for (const v of values) {
      const i = text.indexOf(v[0], from);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        match = v;
      }
    }
    if (match === undefined) return from === 0 ? text : out + text.slice(from);
    out += `${text.slice(from, at)}{{ $labels.${match[1]} }}`;
    from = at + match[0].length;
  }
}

function templated(o: Readonly<Record<string, string>>, slo: SloDefinition): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) out[k] = labelTemplate(o[k], slo);
  return out;
}

/** The window table's part of the key, serialized once per table (SLOs of one period share the object). */
const windowsKey = memoByObject((w: SloDefinition['alertWindows']): unknown => JSON.parse(JSON.stringify(w)));

/** What SLOs sharing alert rules must have in common. */
function alertingKey(slo: SloDefinition): string {
  const tier = (t: SloDefinition['page']) => ({ enabled: t.enabled, severity: t.severity, labels: templated(t.labels, slo), annotations: templated(t.annotations, slo) });
  return JSON.stringify({
    period: slo.period.toString(),
    windows: windowsKey(slo.alertWindows),
    requestBased: slo.requestBased,
    minBadEvents: slo.minBadEvents ?? null,
    minRequestRate: slo.minRequestRate ?? null,
    alertName: slo.alertName,
    page: tier(slo.page),
    ticket: tier(slo.ticket),
    summary: labelTemplate(slo.summary, slo),
    runbookUrl: slo.runbookUrl !== undefined ? labelTemplate(slo.runbookUrl, slo) : null,
  });
}

/** Groups the model's SLOs by SLI shape and by alerting shape, in catalog order of their first SLO. */
export function sloShapes(model: SloModel): SloShapes {
  const sli = new Map<string, { first: SloDefinition; slos: SloDefinition[] }>();
  const alerting = new Map<string, { first: SloDefinition; slos: SloDefinition[] }>();
  const raw: SloDefinition[] = [];
  const sliShapeOf = new Map<string, string>();
  const alertingOf = new Map<string, string>();
  for (const slo of allSlos(model)) {
    const key = sliShapeKey(slo);
    if (key === undefined) {
      raw.push(slo);
      sliShapeOf.set(slo.id, 'raw');
    } else {
      const e = sli.get(key) ?? sli.set(key, { first: slo, slos: [] }).get(key)!;
      e.slos.push(slo);
    }
    const a = alertingKey(slo);
    const e = alerting.get(a) ?? alerting.set(a, { first: slo, slos: [] }).get(a)!;
    e.slos.push(slo);
  }
  const sliShapes: SliShape[] = [...sli.entries()].map(([key, { first, slos }]) => {
    const s = first.sli as SliShape['sli'];
    const id = `${s.kind}-${shortHash(key)}`;
    for (const slo of slos) sliShapeOf.set(slo.id, id);
    const thresholds = [...new Set(slos.flatMap((slo) => (slo.sli.kind === 'latency' ? [slo.sli.threshold] : [])))].sort((a, b) => a - b);
    return { id, sli: s, selectorLabels: s.matchers.map((m) => m.name), rawWindows: first.sliWindows.filter((w) => w.source === 'raw').map((w) => w.window), thresholds, slos };
  });
  const alertingShapes: AlertingShape[] = [...alerting.entries()].map(([key, { first, slos }]) => {
    const id = `a-${shortHash(key)}`;
    for (const slo of slos) alertingOf.set(slo.id, id);
    return { id, first, slos, extraLabels: [SLO_LABELS.objective, ...[...new Set(slos.flatMap((s) => Object.keys(s.labels)))].sort()] };
  });
  return { sli: sliShapes, raw, alerting: alertingShapes, sliShapeOf, alertingOf };
}
