import { PromDuration } from '../../src/common/duration';
import { errorRatioThreshold } from '../../src/slo/burn-rate';
import { SloDefinition, SloSettings, TierModel } from '../../src/slo/model';
import { halvesOf } from '../../src/slo/rules/sli';

/**
 * Reference semantics of the generated SLO rules, evaluated on synthetic series the way `promtool test rules` of the
 * deployed Prometheus (3.5) evaluates them: every group at every evaluation step in the proof's group order, range
 * selectors left-open (`(t - range, t]`, Prometheus 3), `rate`/`increase` extrapolated as promql/functions.go
 * `extrapolatedRate` does, and floating-point operations in the same order as the PromQL and Go code, so values
 * match bit for bit.
 *
 * The proof (proof.ts) uses it to predict exactly which alerts fire when, then `promtool test rules` checks the real
 * rules agree. It knows the SLI kinds this package generates (not raw SLIs, whose queries are arbitrary PromQL).
 */

/** A synthetic input series: value `i` is at `i × stepSeconds`; `undefined` is a missing sample. */
export interface SimSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly values: readonly (number | undefined)[];
  readonly stepSeconds: number;
}

interface Point {
  readonly t: number; // ms
  readonly v: number;
}

/** Samples of a series within (startMs, endMs]: Prometheus 3 range selectors exclude the start. */
function pointsIn(s: SimSeries, startMs: number, endMs: number): Point[] {
  const stepMs = s.stepSeconds * 1000;
  const first = Math.max(0, Math.floor(startMs / stepMs) + 1);
  const last = Math.min(s.values.length - 1, Math.floor(endMs / stepMs));
  const out: Point[] = [];
  for (let i = first; i <= last; i++) {
    const v = s.values[i];
    if (v !== undefined) out.push({ t: i * stepMs, v });
  }
  return out;
}

/** Port of Prometheus 3.5's promql `extrapolatedRate` for a float series (promql/functions.go). */
export function extrapolatedRate(points: readonly Point[], rangeStartMs: number, rangeEndMs: number, isCounter: boolean, isRate: boolean): number | undefined {
  if (points.length < 2) return undefined;
  let counterCorrection = 0;
  let lastValue = 0;
  for (const p of points) {
    if (isCounter && p.v < lastValue) counterCorrection += lastValue;
    lastValue = p.v;
  }
  const resultValue = lastValue - points[0].v + counterCorrection;
  let durationToStart = (points[0].t - rangeStartMs) / 1000;
  let durationToEnd = (rangeEndMs - points[points.length - 1].t) / 1000;
  const sampledInterval = (points[points.length - 1].t - points[0].t) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (points.length - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter && resultValue > 0 && points[0].v >= 0) {
    const durationToZero = sampledInterval * (points[0].v / resultValue);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  extrapolateToInterval += durationToStart;
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  extrapolateToInterval += durationToEnd;
  let factor = extrapolateToInterval / sampledInterval;
  if (isRate) factor /= (rangeEndMs - rangeStartMs) / 1000;
  return resultValue * factor;
}

/** `sum(f(series[w]))` over series in label order; undefined when no series yields a value. */
function sumOf(series: readonly SimSeries[], f: (s: SimSeries) => number | undefined): number | undefined {
  let acc: number | undefined;
  for (const s of series) {
    const v = f(s);
    if (v === undefined) continue;
    acc = acc === undefined ? v : acc + v;
  }
  return acc;
}

/** The synthetic source series of one SLO, by role. */
export type SimSource =
  | { readonly kind: 'error-rate'; readonly errorSeries: readonly SimSeries[]; readonly totalSeries: readonly SimSeries[] }
  | { readonly kind: 'latency'; readonly count: SimSeries; readonly bucket: SimSeries }
  | { readonly kind: 'availability'; readonly samples: SimSeries };

/** The series the absent-source alert watches. */
function absentSeries(src: SimSource): readonly SimSeries[] {
  switch (src.kind) {
    case 'error-rate':
      return src.totalSeries;
    case 'latency':
      return [src.bucket];
    case 'availability':
      return [src.samples];
  }
}

interface Events {
  readonly error?: number;
  readonly total?: number;
}

/**
 * Bad and all events over `wMs` before `tMs`: per second for the short-window recordings (`rate`), counts for the
 * tile recordings (`increase`). Dividing by 1 is exact, so both follow the PromQL's float operations.
 */
function windowEvents(src: SimSource, tMs: number, wMs: number, perSecond: boolean): Events {
  const start = tMs - wMs;
  const over = (s: SimSeries): number | undefined => extrapolatedRate(pointsIn(s, start, tMs), start, tMs, true, perSecond);
  switch (src.kind) {
    case 'error-rate':
      // `sum(rate(err)) or vector(0)`
      return { error: sumOf(src.errorSeries, over) ?? 0, total: sumOf(src.totalSeries, over) };
    case 'latency': {
      const c = sumOf([src.count], over);
      const b = sumOf([src.bucket], over);
      return { error: c !== undefined && b !== undefined ? c - b : undefined, total: c };
    }
    case 'availability': {
      const pts = pointsIn(src.samples, start, tMs);
      if (pts.length === 0) return {};
      let sum = 0;
      for (const p of pts) sum += p.v;
      const per = perSecond ? wMs / 1000 : 1;
      return { error: (pts.length - sum) / per, total: pts.length / per };
    }
  }
}

/** The event rates of the short-window recordings at `tMs` over `wMs`. */
function eventRates(src: SimSource, tMs: number, wMs: number): Events {
  return windowEvents(src, tMs, wMs, true);
}

/**
 * The tile recordings (events in the last tile) at `tMs`: `(rate<tile> or 0 * total rate<tile>) × tile seconds` of
 * the tile-long rate recordings, in the same float operations.
 */
function tileEvents(rates: Events, tileMs: number): Events {
  const secs = tileMs / 1000;
  const total = rates.total;
  const error = rates.error !== undefined ? rates.error : total !== undefined ? 0 * total : undefined;
  return { error: error === undefined ? undefined : error * secs, total: total === undefined ? undefined : total * secs };
}

/** A recorded series, for `sum_over_time` over left-open ranges. */
class Recorded {
  private readonly ts: number[] = [];
  private readonly vs: number[] = [];

  public add(tMs: number, v: number | undefined): void {
    if (v === undefined) return;
    this.ts.push(tMs);
    this.vs.push(v);
  }

  /**
   * sum_over_time over (startMs, endMs], compensated as Prometheus 3.5 sums (promql/functions.go `kahanSumInc`,
   * Neumaier's variant); undefined without samples.
   */
  public sumOver(startMs: number, endMs: number): number | undefined {
    const lo = upperBound(this.ts, startMs);
    const hi = upperBound(this.ts, endMs);
    if (hi <= lo) return undefined;
    // kahanSumInc, inlined (this runs for every window at every evaluation)
    const vs = this.vs;
    let sum = 0;
    let c = 0;
    for (let i = lo; i < hi; i++) {
      const inc = vs[i];
      const t = sum + inc;
      if (t - t !== 0) c = 0; // ±Inf or NaN
      else if ((sum < 0 ? -sum : sum) >= (inc < 0 ? -inc : inc)) c += sum - t + inc;
      else c += inc - t + sum;
      sum = t;
    }
    return sum - sum === 0 ? sum + c : sum;
  }
}

function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An alert's state after one evaluation. */
export interface SimAlert {
  readonly firing: boolean;
  /** The alert's value (burn alerts: the current burn rate; SLOBreach: the period SLI). */
  readonly value?: number;
}

/** Everything the rules produce at one evaluation. */
export interface SimTick {
  /** Seconds since the start of the series. */
  readonly t: number;
  /** `slo:sli_error:ratio_rate<window>` by window. */
  readonly ratios: Readonly<Record<string, number | undefined>>;
  /** `slo:sli_total_events:rate<window>` by raw window. */
  readonly totalRates: Readonly<Record<string, number | undefined>>;
  /** `slo:sli_error_events:rate<window>` by raw window (undefined: no series, as the shared recording). */
  readonly errorRates: Readonly<Record<string, number | undefined>>;
  readonly currentBurnRate?: number;
  readonly page: SimAlert;
  readonly ticket: SimAlert;
  readonly absent: SimAlert;
  readonly breach: SimAlert;
}

function holdState(cond: boolean, tMs: number, holdMs: number, active: { since?: number }): boolean {
  if (!cond) {
    active.since = undefined;
    return false;
  }
  if (active.since === undefined) active.since = tMs;
  return tMs - active.since >= holdMs;
}

function pairFires(ratios: Readonly<Record<string, number | undefined>>, tier: TierModel, budget: number): boolean {
  const over = (w: PromDuration, thr: number): boolean => {
    const r = ratios[String(w)];
    return r !== undefined && r > thr;
  };
  const q = tier.windows.quick;
  const s = tier.windows.slow;
  const tq = errorRatioThreshold(q, budget);
  const ts = errorRatioThreshold(s, budget);
  return (over(q.shortWindow, tq) && over(q.longWindow, tq)) || (over(s.shortWindow, ts) && over(s.longWindow, ts));
}

/**
 * Evaluates one SLO's rules every `evalStepSeconds` from 0 to `endSeconds` (inclusive) over the synthetic source,
 * in the proof's group order: short windows, tiles, long windows, metadata, alerts.
 */
export function simulateSlo(slo: SloDefinition, settings: SloSettings, src: SimSource, evalStepSeconds: number, endSeconds: number): SimTick[] {
  const tileMs = settings.tileInterval.seconds * 1000;
  // a sample within the absent window (`present_over_time`, left-open as Prometheus 3's ranges), held for `for`
  const absentMs = settings.absent.window.seconds * 1000;
  const absentForMs = settings.absent.for.seconds * 1000;
  const breachForMs = settings.breach.for.seconds * 1000;
  const errTiles = new Recorded();
  const totTiles = new Recorded();
  const absentActive: { since?: number } = {};
  const breachActive: { since?: number } = {};
  const watched = absentSeries(src);
  const out: SimTick[] = [];
  const budget = slo.errorBudget;
  const currentWindow = slo.alertWindows.page.quick.shortWindow;
  const guard = slo.page.windows.quick;
  const halved = halvesOf(slo.sliWindows.filter((x) => x.source === 'pieces').map((x) => x.window));
  // the recordings of the short windows at every evaluation, for the halves' `offset` reads: an instant read at T
  // sees the last evaluation at or before T (within the 5m lookback; evaluations are at most 5m apart)
  const history = new Map<string, Map<number, Events>>();
  const stepMs = evalStepSeconds * 1000;
  const recordedAt = (w: string, atMs: number): Events | undefined => (atMs < 0 ? undefined : history.get(w)?.get(Math.floor(atMs / stepMs) * stepMs));
  for (let t = 0; t <= endSeconds; t += evalStepSeconds) {
    const tMs = t * 1000;
    const ratios: Record<string, number | undefined> = {};
    const totalRates: Record<string, number | undefined> = {};
    const errorRates: Record<string, number | undefined> = {};
    const rawRates: Record<string, Events> = {};
    // slo-sli-recordings: event rates and their ratio, per raw window.
    for (const w of slo.sliWindows.filter((x) => x.source === 'raw')) {
      const e = eventRates(src, tMs, w.window.seconds * 1000);
      // the shared recording of bad events has no series where the source has none (error-rate: no error series)
      const error = src.kind === 'error-rate' && !src.errorSeries.some((x) => pointsIn(x, tMs - w.window.seconds * 1000, tMs).length >= 2) ? undefined : e.error;
      rawRates[String(w.window)] = { error, total: e.total };
      totalRates[String(w.window)] = e.total;
      errorRates[String(w.window)] = error;
      ratios[String(w.window)] = e.error !== undefined && e.total !== undefined ? e.error / e.total : undefined;
    }
    // the piece windows: the mean of the half window's recordings at the instant and one half before, a missing
    // half (or a half's missing bad events) counting as zero, summed left to right as PromQL does
    for (const { window, half } of halved) {
      const w = String(window);
      const now = rawRates[String(half)] ?? {};
      let total: number | undefined;
      let error: number | undefined;
      if (now.total !== undefined) {
        const zero = 0 * now.total;
        const then = recordedAt(String(half), tMs - half.seconds * 1000);
        total = (now.total + (then?.total ?? zero)) / 2;
        error = ((now.error ?? zero) + (then?.error ?? zero)) / 2;
      }
      rawRates[w] = { error, total };
      totalRates[w] = total;
      errorRates[w] = error;
      ratios[w] = error !== undefined && total !== undefined ? error / total : undefined;
    }
    for (const [w, e] of Object.entries(rawRates)) (history.get(w) ?? history.set(w, new Map()).get(w)!).set(tMs, e);
    // slo-sli-tiles
    const tile = tileEvents(rawRates[String(settings.tileInterval)] ?? {}, tileMs);
    errTiles.add(tMs, tile.error);
    totTiles.add(tMs, tile.total);
    // slo-sli-long-windows
    for (const w of slo.sliWindows.filter((x) => x.source === 'tiles')) {
      const e = errTiles.sumOver(tMs - w.window.seconds * 1000, tMs);
      const tot = totTiles.sumOver(tMs - w.window.seconds * 1000, tMs);
      ratios[String(w.window)] = e !== undefined && tot !== undefined ? e / tot : undefined;
    }
    // slo-meta-recordings
    const r5 = ratios[String(currentWindow)];
    const currentBurnRate = r5 === undefined ? undefined : r5 / budget;
    // slo-alerts
    // `unless on (sloth_id) (bad events < n)`: no bad-event series excludes nothing
    const bad = errorRates[String(guard.longWindow)];
    const badOk = slo.minBadEvents === undefined || bad === undefined || !(bad * guard.longWindow.seconds < slo.minBadEvents);
    const rateOk =
      slo.minRequestRate === undefined ||
      ![guard.longWindow, guard.shortWindow].some((w) => {
        const r = totalRates[String(w)];
        return r !== undefined && r < slo.minRequestRate!;
      });
    const guardOk = badOk && rateOk;
    const page = slo.page.enabled && currentBurnRate !== undefined && guardOk && pairFires(ratios, slo.page, budget);
    const ticket = slo.ticket.enabled && currentBurnRate !== undefined && pairFires(ratios, slo.ticket, budget);
    const hasSource = watched.some((s) => pointsIn(s, tMs - absentMs, tMs).length > 0);
    const absent = settings.absent.enabled && holdState(!hasSource, tMs, absentForMs, absentActive);
    const period = ratios[String(slo.period)];
    const sli = period === undefined ? undefined : 1 - period;
    const breach = settings.breach.enabled && holdState(sli !== undefined && sli < slo.objectiveRatio, tMs, breachForMs, breachActive);
    out.push({
      t,
      ratios,
      totalRates,
      errorRates,
      currentBurnRate,
      page: { firing: page, value: page ? currentBurnRate : undefined },
      ticket: { firing: ticket, value: ticket ? currentBurnRate : undefined },
      absent: { firing: absent, value: absent ? 1 : undefined },
      breach: { firing: breach, value: breach ? sli : undefined },
    });
  }
  return out;
}

/** Go's `fmt.Sprintf("%.<prec>g", v)` (strconv 'g': shortest digits after rounding, %e for large/small exponents). */
export function goFormatG(v: number, prec = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const [mant, expStr] = Math.abs(v).toExponential(prec - 1).split('e');
  const exp = Number(expStr);
  const digits = mant.replace('.', '').replace(/0+$/, '') || '0';
  const nd = digits.length;
  const dp = exp + 1;
  let eprec = prec;
  if (eprec > nd && nd >= dp) eprec = nd;
  if (exp < -4 || exp >= eprec) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= nd) return `${sign}${digits}${'0'.repeat(dp - nd)}`;
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/** Prometheus' template function `humanize` (SI prefixes, 4 significant digits). */
export function humanize(value: number): string {
  let v = value;
  if (v === 0 || Number.isNaN(v) || !Number.isFinite(v)) return goFormatG(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return goFormatG(v) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return goFormatG(v) + prefix;
}

/** Prometheus' template function `humanizePercentage`. */
export function humanizePercentage(value: number): string {
  return `${goFormatG(value * 100)}%`;
}
