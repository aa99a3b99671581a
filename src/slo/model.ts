import { DurationInput, DurationString, PromDuration } from '../common/duration';
import { ConfigError, ProblemCollector } from '../common/errors';
import { memoByObject } from '../common/memo';
import { ALERT_LABELS, APP_LABELS, APP_METRICS, EXPORTER_METRICS, SEVERITY, SLO_ALERT_NAMES, SLO_LABELS, TARGET_LABELS } from '../conventions';
import { AlertWindows, cleanNumber, computeAlertWindows, sliWindows, TierAlertWindows } from './burn-rate';
import { errorBudget, objectiveProblems } from './budget';
import { expandServiceSlos, SLO_CLASSES } from './catalog';
import { DEFAULT_HISTOGRAM_BUCKETS, ServiceSpec, SliSpec, SloClass, SloSpec, TierSpec } from './spec';
import { promqlProblems } from '../promql';
import { dns1123LabelProblems, httpUrlProblems, labelNameProblems, metricNameProblems, PROMETHEUS_TEMPLATE, regexProblems, templateProblems } from '../common/validation';
import { WINDOW_PLACEHOLDER } from './promql-check';
import { DEFAULT_PERIOD, WINDOW_TABLES, WindowTable } from './windows';

/**
 * The SLO model: the catalog normalized and validated, every default resolved once, durations parsed. Generators
 * (rules/*.ts), the dashboards (dashboards/*.ts) and the promtool proofs (test support) read only this.
 */

/** Options of `buildSloModel`. */
export interface SloModelOptions {
  /** Default SLO period. @default '30d' */
  readonly period?: DurationString;
  /** SLO classes, merged over (and able to replace) the built-in `SLO_CLASSES`. @default SLO_CLASSES */
  readonly classes?: Readonly<Record<string, SloClass>>;
  /** Window tables by period, merged over the built-in Google 30d and 28d tables. @default WINDOW_TABLES */
  readonly windowTables?: Readonly<Record<string, WindowTable>>;
  /**
   * Prometheus' global evaluation interval the rules run at (the seed's 15s). Only the proof uses it.
   * @default '15s'
   */
  readonly evaluationInterval?: DurationInput;
  /** Interval of the short-window SLI, metadata and alert groups. @default - the global evaluation interval */
  readonly ruleInterval?: DurationString;
  /**
   * Tile length: every SLI records its bad and total events over the last tile once per tile, in a group with this
   * interval; the long windows and the period are sums over the tiles. @default '5m'
   */
  readonly tileInterval?: DurationString;
  /**
   * Interval of the group deriving the long-window ratios from the tiles, and of the services' SLO definitions
   * (constants). Must stay under Prometheus' 5m lookback delta so the alerts' instant reads never miss a sample.
   * @default '1m'
   */
  readonly longWindowInterval?: DurationString;
  /**
   * Windows up to this length follow the source at every evaluation (exact timing, as Sloth's); longer ones are
   * sums of tiles. @default '1h'
   */
  readonly rawWindowMax?: DurationString;
  /**
   * How a short window twice as long as another one is computed (1h, with the default windows 5m/30m/1h). `'pieces'`:
   * the sum of the shorter window's recording at the instant and one window before (`rate30m` + `rate30m offset
   * 30m`), so the raw series are not read over the longest short window at all; the halves meet without overlap and
   * the one scrape interval between them is estimated as `rate()` estimates a window's edges. A half missing (the SLO
   * is newer than the window, Prometheus was down) counts as no events in both the bad and the total events, so the
   * ratio is then that of the half there is. `'raw'`: every short window reads the raw series. @default 'pieces'
   */
  readonly shortWindows?: ShortWindowSource;
  /** The absent-source alert: `absent_over_time(source[window])` held for `for`. @default { window: '10m', for: '5m' } */
  readonly absent?: { readonly enabled?: boolean; readonly window?: DurationString; readonly for?: DurationString };
  /** The seed's `SLOBreach` alert (period SLI below objective). @default { enabled: true, for: '5m', severity: 'warning' } */
  readonly breach?: { readonly enabled?: boolean; readonly for?: DurationString; readonly severity?: string };
}

/** How a short window twice as long as another one is computed (`SloModelOptions.shortWindows`). */
export type ShortWindowSource = 'pieces' | 'raw';

/**
 * Where an SLI window's ratio comes from: `raw`, the source series over the window; `pieces`, the sum of the
 * recordings of the raw window half as long, at the instant and one half before (a short window, updated at every
 * evaluation); `tiles`, the sum of the tiles (long windows and the period).
 */
export type SliWindowSource = 'raw' | 'pieces' | 'tiles';

export interface SliWindow {
  /** Canonical (`5m`, `30d`), as the recording names carry it. */
  readonly window: PromDuration;
  readonly source: SliWindowSource;
  /** True for the SLO period window (`30d`). */
  readonly isPeriod: boolean;
}

/** A label matcher of a source selector. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface ErrorRateSliModel {
  readonly kind: 'error-rate';
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
  readonly statusLabel: string;
  readonly errorStatus: string;
}

export interface LatencySliModel {
  readonly kind: 'latency';
  /** `<histogram>_bucket` */
  readonly bucketMetric: string;
  /** `<histogram>_count` */
  readonly countMetric: string;
  readonly matchers: readonly LabelMatcher[];
  /** Seconds. */
  readonly threshold: number;
  /** The `le` matcher of the threshold bucket (integers match both `1` and `1.0`, as clients and Prometheus 3 write them). */
  readonly le: LabelMatcher;
}

export interface AvailabilitySliModel {
  readonly kind: 'availability';
  readonly source: 'probe' | 'up';
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
}

export interface RawSliModel {
  readonly kind: 'raw';
  readonly errorQuery: string;
  readonly totalQuery: string;
  readonly sourceSelector?: string;
}

export type SliModel = ErrorRateSliModel | LatencySliModel | AvailabilitySliModel | RawSliModel;

export interface TierModel {
  readonly enabled: boolean;
  readonly severity: string;
  readonly labels: Readonly<Record<string, string>>;
  /** User annotations of this tier's alert: the SLO's `alertAnnotations` with the tier's `annotations` over them. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly windows: TierAlertWindows;
}

/** One SLO, fully resolved. */
export interface SloDefinition {
  /** `sloth_id`: `<service>-<slo>`, unique in the model. */
  readonly id: string;
  readonly service: string;
  readonly name: string;
  readonly description: string;
  /** Percent (99.9). */
  readonly objective: number;
  /** 0.999 */
  readonly objectiveRatio: number;
  /** 1 − objective ratio: 0.001 */
  readonly errorBudget: number;
  /** Canonical (`30d`), as the period recording's name carries it. */
  readonly period: PromDuration;
  readonly periodDays: number;
  readonly sli: SliModel;
  /** True for request-based SLIs (error rate, latency, raw): the low-traffic guard applies. */
  readonly requestBased: boolean;
  readonly alertWindows: AlertWindows;
  /** Every window the SLI is recorded over, ascending; the last is the period. */
  readonly sliWindows: readonly SliWindow[];
  readonly page: TierModel;
  readonly ticket: TierModel;
  /** Extra labels on every recording and alert (service labels merged with the SLO's). */
  readonly labels: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly runbookUrl?: string;
  /**
   * Requests per second both page-quick windows must carry before a page may fire (only when the spec sets it);
   * undefined: no rate guard.
   */
  readonly minRequestRate?: number;
  /**
   * Low-traffic guard on bad events: a page needs at least this many bad events over the page-quick long window (1h),
   * so one lone failure cannot page while a sustained outage of a 60 requests/hour service does. Request-based SLIs
   * only; undefined: no guard (`minRequestRate: 0`).
   */
  readonly minBadEvents?: number;
  readonly alertName: string;
}

export interface ServiceModel {
  readonly name: string;
  readonly className?: string;
  readonly slos: readonly SloDefinition[];
}

/** Resolved generation settings. */
export interface SloSettings {
  readonly evaluationInterval: PromDuration;
  readonly ruleInterval?: PromDuration;
  readonly tileInterval: PromDuration;
  readonly longWindowInterval: PromDuration;
  readonly rawWindowMax: PromDuration;
  readonly shortWindows: ShortWindowSource;
  readonly absent: { readonly enabled: boolean; readonly window: PromDuration; readonly for: PromDuration };
  readonly breach: { readonly enabled: boolean; readonly for: PromDuration; readonly severity: string };
}

export interface SloModel {
  readonly services: readonly ServiceModel[];
  readonly settings: SloSettings;
}

/** Every SLO of the model, in catalog order. */
export function allSlos(model: SloModel): readonly SloDefinition[] {
  return model.services.flatMap((s) => s.slos);
}

/** Labels the generator owns: user labels must not set them. */
const RESERVED_LABELS = new Set<string>([...Object.values(SLO_LABELS), ...Object.values(ALERT_LABELS), 'alertname']);

function checkLabels(labels: Readonly<Record<string, string>> | undefined, path: string, problems: ProblemCollector): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    const nameProblems = labelNameProblems(k, `${path}.${k}`);
    if (nameProblems.length > 0) {
      problems.addAll(nameProblems);
    } else if (RESERVED_LABELS.has(k)) {
      problems.add({ path: `${path}.${k}`, message: 'is a label the SLO generator sets itself', value: k, fix: `pick another name; ${[...RESERVED_LABELS].sort().join(', ')} are reserved.` });
    }
    if (typeof v !== 'string' || v === '') {
      problems.add({ path: `${path}.${k}`, message: 'must be a non-empty string', value: v });
    } else {
      // alerting rules expand their labels as templates too
      problems.addAll(templateProblems(v, `${path}.${k}`, PROMETHEUS_TEMPLATE));
    }
  }
}

function checkMetricName(name: string, path: string, problems: ProblemCollector): void {
  problems.addAll(metricNameProblems(name, path));
}

function formatSeconds(s: number): string {
  return s < 1 ? `${cleanNumber(s * 1000)} ms` : `${cleanNumber(s)} s`;
}

/** The bucket boundaries on each side of a value (for the "not a bucket boundary" error). */
export function nearestBuckets(buckets: readonly number[], value: number): number[] {
  const below = buckets.filter((b) => b < value);
  const above = buckets.filter((b) => b > value);
  return [...(below.length ? [below[below.length - 1]] : []), ...(above.length ? [above[0]] : [])];
}

/** A threshold as its bucket's `le` value, the one a Go client writes (`0.2`, `1`). */
export function thresholdLabelValue(threshold: number): string {
  return String(threshold);
}

/**
 * The bucket matcher of one or more thresholds: every spelling of each (`le="0.2"` for a single non-integer). Go
 * clients write le="1", Python clients and Prometheus 3's normalization le="1.0".
 */
export function leMatcher(thresholds: readonly number[]): LabelMatcher {
  if (thresholds.length === 1 && !Number.isInteger(thresholds[0])) return { name: SLO_LABELS.threshold, op: '=', value: thresholdLabelValue(thresholds[0]) };
  const spellings = thresholds.map((t) => {
    const v = thresholdLabelValue(t).replace(/\./g, '\\.');
    return Number.isInteger(t) ? `${v}|${v}\\.0` : v;
  });
  return { name: SLO_LABELS.threshold, op: '=~', value: spellings.join('|') };
}

/**
 * The labels an SLI's `slo:definition:info` carries for its shape's joins: the selector's per-service labels and a
 * latency SLI's threshold `le`.
 */
export function definitionJoinLabels(sli: SliModel): Record<string, string> {
  if (sli.kind === 'raw') return {};
  const out: Record<string, string> = {};
  for (const m of sli.matchers) out[m.name] = m.value;
  if (sli.kind === 'latency') out[SLO_LABELS.threshold] = thresholdLabelValue(sli.threshold);
  return out;
}

interface ServiceContext {
  readonly spec: ServiceSpec;
  readonly path: string;
  readonly matchers: readonly LabelMatcher[];
  readonly buckets: readonly number[];
}

function resolveSli(sli: SliSpec, ctx: ServiceContext, path: string, problems: ProblemCollector): SliModel | undefined {
  const m = ctx.spec.metrics ?? {};
  if (!sli || typeof sli !== 'object') {
    problems.add({ path, message: 'is required', value: sli, fix: "give { kind: 'availability' | 'latency' | 'error-rate' | 'raw', ... }." });
    return undefined;
  }
  switch (sli.kind) {
    case 'error-rate': {
      const metric = m.requestsTotal ?? APP_METRICS.requestsTotal;
      const statusLabel = m.statusLabel ?? APP_LABELS.status;
      const errorStatus = sli.errorStatus ?? '5..';
      checkMetricName(metric, `${ctx.path}.metrics.requestsTotal`, problems);
      problems.addAll(labelNameProblems(statusLabel, `${ctx.path}.metrics.statusLabel`));
      problems.addAll(regexProblems(errorStatus, `${path}.errorStatus`));
      return { kind: 'error-rate', metric, matchers: ctx.matchers, statusLabel, errorStatus };
    }
    case 'latency': {
      const base = m.requestDuration ?? APP_METRICS.requestDuration;
      checkMetricName(base, `${ctx.path}.metrics.requestDuration`, problems);
      const t = sli.threshold;
      if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
        problems.add({ path: `${path}.threshold`, message: 'must be a positive number of seconds', value: t, fix: 'write e.g. 0.2 for 200 ms.' });
        return undefined;
      }
      if (!ctx.buckets.includes(t)) {
        const near = nearestBuckets(ctx.buckets, t);
        problems.add({
          path: `${path}.threshold`,
          message: `${t} is not a bucket boundary of ${base} (nearest boundaries: ${near.join(' and ')}); a latency SLI counts requests in the bucket le="${t}"`,
          value: t,
          fix: `declare histogramBuckets including ${t} on service ${ctx.spec.name} (and the same buckets in the application's histogram), or use ${near.map((b) => `${b} (${formatSeconds(b)})`).join(' or ')} as the threshold.`,
        });
      }
      return { kind: 'latency', bucketMetric: `${base}_bucket`, countMetric: `${base}_count`, matchers: ctx.matchers, threshold: t, le: leMatcher([t]) };
    }
    case 'availability': {
      const source = sli.source ?? 'up';
      if (source !== 'probe' && source !== 'up') {
        problems.add({ path: `${path}.source`, message: "must be 'probe' or 'up'", value: source });
        return undefined;
      }
      const metric = source === 'probe' ? (m.probeSuccess ?? EXPORTER_METRICS.probeSuccess) : (m.up ?? EXPORTER_METRICS.up);
      checkMetricName(metric, `${ctx.path}.metrics.${source === 'probe' ? 'probeSuccess' : 'up'}`, problems);
      return { kind: 'availability', source, metric, matchers: ctx.matchers };
    }
    case 'raw': {
      for (const key of ['errorQuery', 'totalQuery'] as const) {
        const q = sli[key];
        if (typeof q !== 'string' || !q.includes(WINDOW_PLACEHOLDER)) {
          problems.add({
            path: `${path}.${key}`,
            message: `must contain the ${WINDOW_PLACEHOLDER} placeholder`,
            value: q,
            fix: `write the range of every rate as [${WINDOW_PLACEHOLDER}], e.g. sum(rate(my_errors_total[${WINDOW_PLACEHOLDER}])); it is replaced by each window (5m, 30m, 1h).`,
          });
        } else {
          problems.addAll(promqlProblems(q, `${path}.${key}`, { placeholders: true }));
        }
      }
      if (sli.sourceSelector !== undefined) problems.addAll(promqlProblems(sli.sourceSelector, `${path}.sourceSelector`));
      return { kind: 'raw', errorQuery: sli.errorQuery, totalQuery: sli.totalQuery, sourceSelector: sli.sourceSelector };
    }
    default:
      problems.add({ path: `${path}.kind`, message: "must be 'availability', 'latency', 'error-rate' or 'raw'", value: (sli as { kind?: unknown }).kind });
      return undefined;
  }
}

/** Annotation keys follow Prometheus' label-name rules; values are strings (templates allowed). */
function checkAnnotations(annotations: Readonly<Record<string, string>> | undefined, path: string, problems: ProblemCollector): void {
  for (const [k, v] of Object.entries(annotations ?? {})) {
    if (labelNameProblems(k, path, { allowReserved: true }).length > 0) problems.add({ path: `${path}.${k}`, message: 'is not a valid annotation name (annotation names follow Prometheus label-name rules)', value: k, fix: 'use [a-zA-Z_][a-zA-Z0-9_]*.' });
    if (typeof v !== 'string') problems.add({ path: `${path}.${k}`, message: 'must be a string', value: v });
    else problems.addAll(templateProblems(v, `${path}.${k}`, PROMETHEUS_TEMPLATE));
  }
}

function resolveTier(
  spec: boolean | TierSpec | undefined,
  defaultSeverity: string,
  windows: TierAlertWindows,
  sloAnnotations: Readonly<Record<string, string>> | undefined,
  path: string,
  problems: ProblemCollector,
): TierModel {
  const t: TierSpec = typeof spec === 'object' && spec !== null ? spec : { enabled: spec ?? true };
  const severity = t.severity ?? defaultSeverity;
  if (typeof severity !== 'string' || severity === '') problems.add({ path: `${path}.severity`, message: 'must be a non-empty string', value: severity });
  checkLabels(t.labels, `${path}.labels`, problems);
  checkAnnotations(t.annotations, `${path}.annotations`, problems);
  return { enabled: t.enabled ?? true, severity, labels: { ...(t.labels ?? {}) }, annotations: { ...(sloAnnotations ?? {}), ...(t.annotations ?? {}) }, windows };
}

function describe(sli: SliModel, objective: number, period: PromDuration): string {
  switch (sli.kind) {
    case 'error-rate':
      return `${objective}% of requests succeed (${sli.statusLabel} !~ "${sli.errorStatus}") over ${period}`;
    case 'latency':
      return `${objective}% of requests complete within ${formatSeconds(sli.threshold)} over ${period}`;
    case 'availability':
      return `${objective}% of ${sli.source === 'probe' ? 'probes' : 'scrapes of its targets'} succeed (${sli.metric}) over ${period}`;
    case 'raw':
      return `${objective}% of events are good over ${period}`;
  }
}

/** Bad events the page-quick long window must hold before a page may fire: one lone failure never pages. */
export const DEFAULT_MIN_BAD_EVENTS = 2;

/** The rate at which the long page window holds ⌈1/(factor × budget)⌉ requests (the guard before the bad-event guard). */
export function defaultMinRequestRate(pageQuickFactor: number, budget: number, longWindowSeconds: number): number {
  const requests = Math.ceil(cleanNumber(1 / (pageQuickFactor * budget)));
  return Number((requests / longWindowSeconds).toPrecision(4));
}

function resolveSettings(options: SloModelOptions, problems: ProblemCollector, path: string): SloSettings {
  const dur = (v: DurationInput, key: string): PromDuration => problems.value(() => PromDuration.from(v, `${path}.${key}`)) ?? PromDuration.seconds(NaN);
  const evaluationInterval = dur(options.evaluationInterval ?? '15s', 'evaluationInterval');
  const ruleInterval = options.ruleInterval !== undefined ? dur(options.ruleInterval, 'ruleInterval') : undefined;
  const tileInterval = dur(options.tileInterval ?? '5m', 'tileInterval');
  if (tileInterval.seconds < 60 || tileInterval.seconds > 1800) {
    problems.add({ path: `${path}.tileInterval`, message: 'must be between 1m and 30m', value: options.tileInterval, fix: "keep the default '5m': the 2h window then sums 24 tiles." });
  }
  const longWindowInterval = dur(options.longWindowInterval ?? '1m', 'longWindowInterval');
  if (longWindowInterval.seconds >= 300) {
    problems.add({ path: `${path}.longWindowInterval`, message: "must be shorter than Prometheus' 5m lookback delta", value: options.longWindowInterval, fix: "use '1m' (the default) or '2m', so alerts reading these recordings never see a gap." });
  }
  const shortWindows = options.shortWindows ?? 'pieces';
  if (shortWindows !== 'pieces' && shortWindows !== 'raw') {
    problems.add({ path: `${path}.shortWindows`, message: "must be 'pieces' or 'raw'", value: options.shortWindows, fix: "leave it out ('pieces': a window twice as long as another, 1h, is the sum of its two halves), or use 'raw' to read the raw series for every short window." });
  }
  return {
    evaluationInterval,
    ruleInterval,
    tileInterval,
    longWindowInterval,
    rawWindowMax: dur(options.rawWindowMax ?? '1h', 'rawWindowMax'),
    shortWindows,
    absent: { enabled: options.absent?.enabled ?? true, window: dur(options.absent?.window ?? '10m', 'absent.window'), for: dur(options.absent?.for ?? '5m', 'absent.for') },
    breach: { enabled: options.breach?.enabled ?? true, for: dur(options.breach?.for ?? '5m', 'breach.for'), severity: options.breach?.severity ?? SEVERITY.warning },
  };
}

/** The table of a period: by the key as written (`30d`), else the table whose period is as long (`720h`). */
function windowTable(period: DurationString, tables: Readonly<Record<string, WindowTable>>): { readonly key: string; readonly table: WindowTable } | undefined {
  if (tables[period]) return { key: period, table: tables[period] };
  const seconds = durationSeconds(period);
  if (seconds === undefined) return undefined;
  const key = Object.keys(tables).find((k) => durationSeconds(k) === seconds);
  return key !== undefined ? { key, table: tables[key] } : undefined;
}

function durationSeconds(text: string): number | undefined {
  try {
    return PromDuration.parse(text, 'period').seconds;
  } catch (e) {
    if (ConfigError.isConfigError(e)) return undefined;
    throw e;
  }
}

function resolveSlo(
  slo: SloSpec,
  ctx: ServiceContext,
  path: string,
  tables: Readonly<Record<string, WindowTable>>,
  defaultPeriod: DurationString,
  settings: SloSettings,
  optionsPath: string,
  problems: ProblemCollector,
): SloDefinition | undefined {
  const before = problems.list.length;
  problems.addAll(dns1123LabelProblems(slo.name, `${path}.name`));
  const o = slo.objective;
  problems.addAll(objectiveProblems(o, `${path}.objective`));
  const periodText = slo.period ?? ctx.spec.period ?? defaultPeriod;
  const found = windowTable(periodText, tables);
  if (!found) {
    problems.add({ path: `${path}.period`, message: 'has no alert window table', value: periodText, fix: `use one of ${Object.keys(tables).sort().join(', ')}, or pass a table for it in the model options' windowTables.` });
  }
  const sli = resolveSli(slo.sli, ctx, `${path}.sli`, problems);
  checkLabels(slo.labels, `${path}.labels`, problems);
  checkAnnotations(slo.alertAnnotations, `${path}.alertAnnotations`, problems);
  if (slo.annotations?.summary !== undefined) problems.addAll(templateProblems(slo.annotations.summary, `${path}.annotations.summary`, PROMETHEUS_TEMPLATE));
  const runbookUrl = slo.annotations?.runbookUrl;
  if (runbookUrl !== undefined) problems.addAll(httpUrlProblems(runbookUrl, `${path}.annotations.runbookUrl`, { example: 'https://runbooks.example.com/order-service' }));
  const alertName = slo.alertName ?? SLO_ALERT_NAMES.burnRate;
  problems.addAll(labelNameProblems(alertName, `${path}.alertName`, { allowReserved: true }));
  if (slo.minRequestRate !== undefined && (typeof slo.minRequestRate !== 'number' || !Number.isFinite(slo.minRequestRate) || slo.minRequestRate < 0)) {
    problems.add({ path: `${path}.minRequestRate`, message: 'must be a number of requests per second, 0 or more', value: slo.minRequestRate, fix: 'use 0 to disable the low-traffic guard.' });
  }
  const alertWindows = found ? problems.value(() => alertWindowsOf(found.table, `windowTables.${found.key}`)) : undefined;
  if (problems.list.length > before || !sli || !alertWindows || !found) return undefined;

  // The canonical period (`30d`, whatever the spelling), as the period recording and the labels carry it.
  const period = PromDuration.seconds(PromDuration.parse(found.table.period, `windowTables.${found.key}.period`).seconds);
  const budget = errorBudget(o);
  const requestBased = sli.kind !== 'availability';
  const all = sliWindows(alertWindows, period);
  const short = (w: PromDuration) => w.seconds <= settings.rawWindowMax.seconds && w.seconds !== period.seconds;
  const sources = new Map<number, SliWindowSource>();
  for (const w of all) {
    // a short window twice as long as one read from the raw series is its two halves (pieces)
    const half = sources.get(w.seconds / 2);
    sources.set(w.seconds, !short(w) ? 'tiles' : settings.shortWindows === 'pieces' && half === 'raw' ? 'pieces' : 'raw');
  }
  const windows = all.map((w): SliWindow => ({ window: w, source: sources.get(w.seconds)!, isPeriod: w.seconds === period.seconds }));
  const smallestTiled = Math.min(...windows.filter((w) => w.source === 'tiles').map((w) => w.window.seconds));
  if (settings.tileInterval.seconds * 4 > smallestTiled) {
    problems.add({ path: `${optionsPath}.tileInterval`, message: `must be at most a quarter of the shortest tiled window (${PromDuration.seconds(smallestTiled)})`, value: settings.tileInterval.toString() });
    return undefined;
  }
  let minRequestRate: number | undefined;
  let minBadEvents: number | undefined;
  if (requestBased) {
    const pq = alertWindows.page.quick;
    minRequestRate = slo.minRequestRate;
    minBadEvents = minRequestRate === 0 ? undefined : DEFAULT_MIN_BAD_EVENTS;
    if (minRequestRate === 0) minRequestRate = undefined;
    if ((minRequestRate !== undefined || minBadEvents !== undefined) && pq.longWindow.seconds > settings.rawWindowMax.seconds) {
      problems.add({ path: `${path}.minRequestRate`, message: `needs the page-quick windows (${pq.shortWindow}, ${pq.longWindow}) to be recorded from raw series, but rawWindowMax is shorter`, value: minRequestRate, fix: `raise rawWindowMax to ${pq.longWindow}, or set minRequestRate: 0.` });
      return undefined;
    }
  }
  const labels = { ...(ctx.spec.labels ?? {}), ...(slo.labels ?? {}) };
  const selectorLabels = sli.kind === 'raw' ? [] : sli.matchers.map((m) => m.name);
  const clash = Object.keys(labels).filter((k) => selectorLabels.includes(k));
  if (clash.length > 0) {
    problems.add({
      path: `${path}.labels.${clash[0]}`,
      message: `is also a label of the service's selector (${selectorLabels.join(', ')}): the shared SLO rules join the SLO's metadata on the selector's labels`,
      value: clash[0],
      fix: 'rename the extra label (e.g. prefix it with the team or owner).',
    });
    return undefined;
  }
  return {
    id: `${ctx.spec.name}-${slo.name}`,
    service: ctx.spec.name,
    name: slo.name,
    description: slo.description ?? describe(sli, o, period),
    objective: o,
    objectiveRatio: cleanNumber(o / 100),
    errorBudget: budget,
    period,
    periodDays: cleanNumber(period.seconds / 86400),
    sli,
    requestBased,
    alertWindows,
    sliWindows: windows,
    page: resolveTier(slo.page, SEVERITY.critical, alertWindows.page, slo.alertAnnotations, `${path}.page`, problems),
    ticket: resolveTier(slo.ticket, SEVERITY.warning, alertWindows.ticket, slo.alertAnnotations, `${path}.ticket`, problems),
    labels,
    summary: slo.annotations?.summary ?? `${ctx.spec.name} ${slo.name}: SLO error budget burn rate is too fast`,
    runbookUrl,
    minRequestRate,
    minBadEvents,
    alertName,
  };
}

function serviceMatchers(spec: ServiceSpec, path: string, problems: ProblemCollector): LabelMatcher[] {
  const given = spec.matchers ?? { [TARGET_LABELS.service]: spec.name };
  const names = Object.keys(given).sort((a, b) => (a === TARGET_LABELS.service ? -1 : b === TARGET_LABELS.service ? 1 : a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) problems.add({ path: `${path}.matchers`, message: 'must select something', value: given, fix: `leave it out to select { ${TARGET_LABELS.service}: "${spec.name}" }.` });
  return names.map((name) => {
    problems.addAll(labelNameProblems(name, `${path}.matchers.${name}`, { allowReserved: true }));
    return { name, op: '=' as const, value: given[name] };
  });
}

/** A table's alert windows, computed once per table (every SLO of its period shares them; a bad table throws each time). */
const alertWindowsOf = memoByObject(computeAlertWindows);

/**
 * Validates the catalog and resolves every default. Collects every problem and throws them together as one
 * ConfigError, each naming its path (`<path>.services.<service>...` and `<path>.<option>` under a construct's path;
 * `services.<service>...` and `options.<option>` without one), the value and the fix.
 */
export function buildSloModel(services: readonly ServiceSpec[], options: SloModelOptions = {}, path?: string): SloModel {
  const problems = new ProblemCollector();
  const servicesPath = path !== undefined ? `${path}.services` : 'services';
  const optionsPath = path ?? 'options';
  const settings = resolveSettings(options, problems, optionsPath);
  const classes = { ...SLO_CLASSES, ...(options.classes ?? {}) };
  const tables = { ...WINDOW_TABLES, ...(options.windowTables ?? {}) };
  const defaultPeriod = options.period ?? DEFAULT_PERIOD;
  const seen = new Map<string, number>();
  const ids = new Map<string, string>();
  const out: ServiceModel[] = [];
  services.forEach((spec, i) => {
    const key = typeof spec?.name === 'string' && spec.name !== '' ? spec.name : `[${i}]`;
    const path = `${servicesPath}.${key}`;
    const nameProblems = dns1123LabelProblems(spec?.name, `${path}.name`);
    if (nameProblems.length > 0) {
      problems.addAll(nameProblems);
      return;
    }
    if (seen.has(spec.name)) {
      problems.add({ path: `${servicesPath}[${i}].name`, message: `duplicates services[${seen.get(spec.name)}]`, value: spec.name, fix: 'declare each service once; put all its SLOs in one entry.' });
      return;
    }
    seen.set(spec.name, i);
    const buckets = spec.histogramBuckets ?? DEFAULT_HISTOGRAM_BUCKETS;
    if (!Array.isArray(buckets) || buckets.some((b, j) => typeof b !== 'number' || !(b > 0) || !Number.isFinite(b) || (j > 0 && b <= buckets[j - 1]))) {
      problems.add({ path: `${path}.histogramBuckets`, message: 'must be positive, finite and strictly ascending', value: buckets });
    }
    checkLabels(spec.labels, `${path}.labels`, problems);
    const ctx: ServiceContext = { spec, path, matchers: serviceMatchers(spec, path, problems), buckets };
    const slos: SloDefinition[] = [];
    const names = new Set<string>();
    for (const slo of expandServiceSlos(spec, classes, path, problems)) {
      const sloPath = `${path}.slos.${slo?.name ?? '?'}`;
      if (names.has(slo.name)) {
        problems.add({ path: `${sloPath}.name`, message: `duplicates another SLO of service ${spec.name}`, value: slo.name, fix: 'SLO names must be unique within a service.' });
        continue;
      }
      names.add(slo.name);
      const def = resolveSlo(slo, ctx, sloPath, tables, defaultPeriod, settings, optionsPath, problems);
      if (!def) continue;
      const clash = ids.get(def.id);
      if (clash) {
        problems.add({ path: sloPath, message: `has the same sloth_id "${def.id}" as ${clash}`, value: def.id, fix: 'rename the service or the SLO so "<service>-<slo>" is unique.' });
        continue;
      }
      ids.set(def.id, sloPath);
      slos.push(def);
    }
    out.push({ name: spec.name, className: spec.class, slos });
  });
  problems.throwIfAny();
  return { services: out, settings };
}
