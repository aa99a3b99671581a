import { parseDuration } from '../../src/common/duration';
import { BenchRule } from './rulesets';

/**
 * Which recorded series must exist before a rule set can be measured, and from when.
 *
 * Evaluating a rule that reads another rule's recording costs what Prometheus pays only if that recording exists as
 * series: over the whole range the reader selects (`sum_over_time(tiles[30d])` reads 30 days of tiles). The
 * benchmark produces them with `promtool tsdb create-blocks-from rules`, which cannot see rules of the same run
 * ("rules that refer to other rules being backfilled is not supported",
 * https://prometheus.io/docs/prometheus/latest/storage/#backfilling-for-recording-rules): recordings are backfilled
 * in layers (layer 0 reads only raw series, layer k reads layers < k), each layer loaded before the next is computed,
 * and each recording only as far back as some reader needs it.
 */

/**
 * A series a rule reads: the metric name, the longest range it is selected over (0: an instant selector) and the
 * longest `offset` it is read at (`rate30m offset 30m` reads the recording half an hour back).
 */
export interface Read {
  readonly metric: string;
  readonly rangeSeconds: number;
  readonly offsetSeconds: number;
}

const NAME_CHAR = /[a-zA-Z0-9_:]/;

/** Skips a `{…}` matcher block starting at `i` (quotes respected); returns the index after it. */
function skipMatchers(expr: string, i: number): number {
  let quote: string | undefined;
  for (let j = i + 1; j < expr.length; j++) {
    const c = expr[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '}') return j + 1;
  }
  return expr.length;
}

/**
 * The reads of `expr` among `metrics` (recorded names): every occurrence of a name as a whole token, with the range
 * of the `[…]` that follows its optional matchers. Names inside string literals are not PromQL tokens but never occur
 * in the rules benchmarked here.
 */
export function readsOf(expr: string, metrics: ReadonlySet<string>): Read[] {
  const out = new Map<string, { range: number; offset: number }>();
  const token = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(expr)) !== null) {
    const name = m[0];
    const before = m.index > 0 ? expr[m.index - 1] : '';
    if (before && (NAME_CHAR.test(before) || before === '"')) continue;
    if (!metrics.has(name)) continue;
    let i = m.index + name.length;
    while (i < expr.length && /\s/.test(expr[i])) i++;
    if (expr[i] === '{') i = skipMatchers(expr, i);
    while (i < expr.length && /\s/.test(expr[i])) i++;
    let range = 0;
    if (expr[i] === '[') {
      const close = expr.indexOf(']', i);
      const inner = expr.slice(i + 1, close).split(':')[0].trim();
      range = parseDuration(inner, `range of ${name} in ${expr}`);
      i = close + 1;
      token.lastIndex = i;
    }
    const off = /^\s*offset\s+([0-9a-z]+)/.exec(expr.slice(i));
    const offset = off ? parseDuration(off[1], `offset of ${name} in ${expr}`) : 0;
    if (off) token.lastIndex = i + off[0].length;
    const prev = out.get(name) ?? { range: 0, offset: 0 };
    out.set(name, { range: Math.max(prev.range, range), offset: Math.max(prev.offset, offset) });
  }
  return [...out.entries()].map(([metric, r]) => ({ metric, rangeSeconds: r.range, offsetSeconds: r.offset })).sort((a, b) => (a.metric < b.metric ? -1 : 1));
}

/** Every range (seconds) selected anywhere in `expr`, raw or recorded. */
export function rangesOf(expr: string): number[] {
  const out: number[] = [];
  const re = /\[\s*([0-9a-z]+)\s*(?::[^\]]*)?\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(expr)) !== null) out.push(parseDuration(m[1], `range in ${expr}`));
  return out;
}

export interface PlannedRecording {
  readonly rule: BenchRule;
  readonly layer: number;
  /** Seconds before the evaluation instant from which the recording must exist (0: nobody reads it). */
  readonly needSeconds: number;
}

export interface BackfillStep {
  readonly layer: number;
  /** Backfill the rules from this many seconds before the evaluation instant up to it. */
  readonly fromSeconds: number;
  readonly rules: readonly BenchRule[];
}

export interface PlanOptions {
  /** Prometheus' lookback delta (instant selectors see a sample up to this old). */
  readonly lookbackSeconds: number;
  /** Seconds of history: nothing can be backfilled from before the data starts. */
  readonly historySeconds: number;
  /** Needs are rounded up to a multiple of this, so rules with similar needs share a promtool run. */
  readonly granularitySeconds: number;
}

/**
 * Layers every recording rule by what it reads, and computes how far back each must be backfilled: a reader
 * evaluated over [T − need(r), T] that selects recording p over range ρ needs p from T − need(r) − ρ (an instant
 * read, from the lookback delta), plus one interval of p for the alignment of its evaluations. Every rule (alerts
 * too) is evaluated once at T by the measurement, so its reads count with need 0.
 */
export function planRecordings(rules: readonly BenchRule[], o: PlanOptions): PlannedRecording[] {
  const recordings = rules.filter((r) => r.kind === 'record');
  const names = new Set(recordings.map((r) => r.name));
  const producers = new Map<string, BenchRule[]>();
  for (const r of recordings) producers.set(r.name, [...(producers.get(r.name) ?? []), r]);
  const reads = new Map<BenchRule, Read[]>(rules.map((r) => [r, readsOf(r.expr, names)]));

  const layer = new Map<BenchRule, number>();
  const visiting = new Set<BenchRule>();
  const layerOf = (r: BenchRule): number => {
    const known = layer.get(r);
    if (known !== undefined) return known;
    if (visiting.has(r)) throw new Error(`recording rules read each other in a cycle (at ${r.name} in ${r.file})`);
    visiting.add(r);
    let l = 0;
    for (const rd of reads.get(r) ?? []) for (const p of producers.get(rd.metric) ?? []) l = Math.max(l, layerOf(p) + 1);
    visiting.delete(r);
    layer.set(r, l);
    return l;
  };
  for (const r of rules) layerOf(r);

  const need = new Map<BenchRule, number>(recordings.map((r) => [r, 0]));
  // Readers before what they read: higher layers first, so a reader's need is final when it propagates.
  const ordered = [...rules].sort((a, b) => layerOf(b) - layerOf(a));
  for (const reader of ordered) {
    const from = reader.kind === 'record' ? need.get(reader) ?? 0 : 0;
    for (const rd of reads.get(reader) ?? []) {
      for (const p of producers.get(rd.metric) ?? []) {
        const back = from + rd.offsetSeconds + (rd.rangeSeconds > 0 ? rd.rangeSeconds : o.lookbackSeconds) + p.intervalSeconds;
        need.set(p, Math.max(need.get(p) ?? 0, back));
      }
    }
  }
  return recordings.map((rule) => {
    const raw = need.get(rule) ?? 0;
    const rounded = raw === 0 ? 0 : Math.ceil(raw / o.granularitySeconds) * o.granularitySeconds;
    return { rule, layer: layerOf(rule), needSeconds: Math.min(rounded, o.historySeconds) };
  });
}

/** Backfill steps in layer order: one per (layer, start), recordings nobody reads left out. */
export function backfillSteps(planned: readonly PlannedRecording[]): BackfillStep[] {
  const steps = new Map<string, { layer: number; fromSeconds: number; rules: BenchRule[] }>();
  for (const p of planned) {
    if (p.needSeconds === 0) continue;
    const key = `${p.layer}/${p.needSeconds}`;
    const step = steps.get(key) ?? { layer: p.layer, fromSeconds: p.needSeconds, rules: [] };
    step.rules.push(p.rule);
    steps.set(key, step);
  }
  return [...steps.values()].sort((a, b) => a.layer - b.layer || b.fromSeconds - a.fromSeconds);
}
