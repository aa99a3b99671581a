import { formatDuration, parseDuration, PromDuration } from '../common/duration';
import { ConfigError, ProblemCollector } from '../common/errors';
import { ALERT_LABELS, APP_LABELS, APP_METRICS, EXPORTER_METRICS, SEVERITY, SLO_ALERT_NAMES, SLO_LABELS, TARGET_LABELS } from '../conventions';
import { AlertWindows, cleanNumber, computeAlertWindows, sliWindows, TierAlertWindows } from './burn-rate';
import { errorBudget } from './budget';
import { checkDnsLabel, expandServiceSlos, SLO_CLASSES } from './catalog';
import { DEFAULT_HISTOGRAM_BUCKETS, ServiceSpec, SliSpec, SloClass, SloSpec, TierSpec } from './spec';
import { promqlProblems } from '../promql';
import { WINDOW_PLACEHOLDER } from './promql-check';
import { DEFAULT_PERIOD, WINDOW_TABLES, WindowTable } from './windows';

/**
 * The SLO model: the catalog normalized and validated, every default resolved once. Generators (rules/*.ts), the
 * promtool proof (proof.ts) and the dashboards read only this.
 */

/** Options of `buildSloModel`. */
export interface SloModelOptions {
  /** Default SLO period. @default '30d' */
  readonly period?: PromDuration;
  /** SLO classes, merged over (and able to replace) the built-in `SLO_CLASSES`. @default SLO_CLASSES */
  readonly classes?: Readonly<Record<string, SloClass>>;
  /** Window tables by period, merged over the built-in Google 30d and 28d tables. @default WINDOW_TABLES */
  readonly windowTables?: Readonly<Record<string, WindowTable>>;
  /**
   * Prometheus' global evaluation interval the rules run at (the seed's 15s). Only the proof uses it.
   * @default '15s'
   */
  readonly evaluationInterval?: PromDuration;
  /** Interval of the short-window SLI, metadata and alert groups. @default - the global evaluation interval */
  readonly ruleInterval?: PromDuration;
  /**
   * Tile length: every SLI records its bad and total events over the last tile once per tile, in a group with this
   * interval; the long windows and the period are sums over the tiles. @default '5m'
   */
  readonly tileInterval?: PromDuration;
  /**
   * Interval of the group deriving the long-window ratios from the tiles. Must stay under Prometheus' 5m lookback
   * delta so the alerts' instant reads never miss a sample. @default '1m'
   */
  readonly longWindowInterval?: PromDuration;
  /** Windows up to this length are computed over the raw source series; longer ones from tiles. @default '1h' */
  readonly rawWindowMax?: PromDuration;
  /** The absent-source alert: `absent_over_time(source[window])` held for `for`. @default { window: '10m', for: '5m' } */
  readonly absent?: { readonly enabled?: boolean; readonly window?: PromDuration; readonly for?: PromDuration };
  /** The seed's `SLOBreach` alert (period SLI below objective). @default { enabled: true, for: '5m', severity: 'warning' } */
  readonly breach?: { readonly enabled?: boolean; readonly for?: PromDuration; readonly severity?: string };
}

/** Where an SLI window's ratio comes from. */
export type SliWindowSource = 'raw' | 'tiles';

export interface SliWindow {
  readonly window: PromDuration;
  readonly seconds: number;
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
  readonly period: PromDuration;
  readonly periodSeconds: number;
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
  /** Requests per second both page-quick windows must carry before a page may fire; undefined: no guard. */
  readonly minRequestRate?: number;
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
  readonly tileSeconds: number;
  readonly longWindowInterval: PromDuration;
  readonly rawWindowMaxSeconds: number;
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
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function checkLabels(labels: Readonly<Record<string, string>> | undefined, path: string, problems: ProblemCollector): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!LABEL_NAME.test(k) || k.startsWith('__')) {
      problems.add({ path: `${path}.${k}`, message: 'is not a valid Prometheus label name', value: k, fix: 'use [a-zA-Z_][a-zA-Z0-9_]* without a leading "__".' });
    } else if (RESERVED_LABELS.has(k)) {
      problems.add({ path: `${path}.${k}`, message: 'is a label the SLO generator sets itself', value: k, fix: `pick another name; ${[...RESERVED_LABELS].sort().join(', ')} are reserved.` });
    }
    if (typeof v !== 'string' || v === '') {
      problems.add({ path: `${path}.${k}`, message: 'must be a non-empty string', value: v });
    }
  }
}

function checkMetricName(name: string, path: string, problems: ProblemCollector): void {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
    problems.add({ path, message: 'is not a valid Prometheus metric name', value: name, fix: 'use [a-zA-Z_:][a-zA-Z0-9_:]*.' });
  }
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

function leMatcher(threshold: number): LabelMatcher {
  if (Number.isInteger(threshold)) {
    // Go clients write le="1", Python clients and Prometheus 3's normalization le="1.0".
    return { name: 'le', op: '=~', value: `${threshold}|${threshold}\\.0` };
  }
  return { name: 'le', op: '=', value: String(threshold) };
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
      if (!LABEL_NAME.test(statusLabel)) problems.add({ path: `${ctx.path}.metrics.statusLabel`, message: 'is not a valid label name', value: statusLabel });
      try {
        new RegExp(`^(?:${errorStatus})$`);
      } catch {
        problems.add({ path: `${path}.errorStatus`, message: 'is not a valid regular expression', value: errorStatus, fix: 'write an RE2 regex such as "5.." or "5..|429".' });
      }
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
      return { kind: 'latency', bucketMetric: `${base}_bucket`, countMetric: `${base}_count`, matchers: ctx.matchers, threshold: t, le: leMatcher(t) };
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
    if (!LABEL_NAME.test(k)) problems.add({ path: `${path}.${k}`, message: 'is not a valid annotation name', value: k, fix: 'use [a-zA-Z_][a-zA-Z0-9_]*.' });
    if (typeof v !== 'string') problems.add({ path: `${path}.${k}`, message: 'must be a string', value: v });
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

/** Default low-traffic guard: the long page window must hold ⌈1/(factor × budget)⌉ requests (one failure can't page). */
export function defaultMinRequestRate(pageQuickFactor: number, budget: number, longWindowSeconds: number): number {
  const requests = Math.ceil(cleanNumber(1 / (pageQuickFactor * budget)));
  return Number((requests / longWindowSeconds).toPrecision(4));
}

function resolveSettings(options: SloModelOptions, problems: ProblemCollector): SloSettings {
  const dur = (v: PromDuration, path: string): number => {
    try {
      return parseDuration(v, path);
    } catch (e) {
      if (e instanceof ConfigError) problems.addAll(e.problems);
      else throw e;
      return NaN;
    }
  };
  const evaluationInterval = options.evaluationInterval ?? '15s';
  dur(evaluationInterval, 'options.evaluationInterval');
  if (options.ruleInterval !== undefined) dur(options.ruleInterval, 'options.ruleInterval');
  const tileInterval = options.tileInterval ?? '5m';
  const tileSeconds = dur(tileInterval, 'options.tileInterval');
  if (tileSeconds < 60 || tileSeconds > 1800) {
    problems.add({ path: 'options.tileInterval', message: 'must be between 1m and 30m', value: tileInterval, fix: "keep the default '5m': the 2h window then sums 24 tiles." });
  }
  const longWindowInterval = options.longWindowInterval ?? '1m';
  if (dur(longWindowInterval, 'options.longWindowInterval') >= 300) {
    problems.add({ path: 'options.longWindowInterval', message: "must be shorter than Prometheus' 5m lookback delta", value: longWindowInterval, fix: "use '1m' (the default) or '2m', so alerts reading these recordings never see a gap." });
  }
  const rawWindowMaxSeconds = dur(options.rawWindowMax ?? '1h', 'options.rawWindowMax');
  const absentWindow = options.absent?.window ?? '10m';
  const absentFor = options.absent?.for ?? '5m';
  dur(absentWindow, 'options.absent.window');
  dur(absentFor, 'options.absent.for');
  const breachFor = options.breach?.for ?? '5m';
  dur(breachFor, 'options.breach.for');
  return {
    evaluationInterval,
    ruleInterval: options.ruleInterval,
    tileInterval,
    tileSeconds,
    longWindowInterval,
    rawWindowMaxSeconds,
    absent: { enabled: options.absent?.enabled ?? true, window: absentWindow, for: absentFor },
    breach: { enabled: options.breach?.enabled ?? true, for: breachFor, severity: options.breach?.severity ?? SEVERITY.warning },
  };
}

function resolveSlo(
  slo: SloSpec,
  ctx: ServiceContext,
  path: string,
  tables: Readonly<Record<string, WindowTable>>,
  defaultPeriod: PromDuration,
  settings: SloSettings,
  problems: ProblemCollector,
): SloDefinition | undefined {
  const before = problems.list.length;
  const nameErr = checkDnsLabel(slo.name, `${path}.name`, 'an SLO name');
  if (nameErr) problems.addAll(nameErr.problems);
  const o = slo.objective;
  if (typeof o !== 'number' || !Number.isFinite(o) || o <= 0 || o >= 100) {
    problems.add({ path: `${path}.objective`, message: 'must be a percentage strictly between 0 and 100', value: o, fix: 'write e.g. 99.9 for "99.9% of events are good" (100 leaves no error budget).' });
  }
  const period = slo.period ?? ctx.spec.period ?? defaultPeriod;
  const table = tables[period];
  if (!table) {
    problems.add({ path: `${path}.period`, message: 'has no alert window table', value: period, fix: `use one of ${Object.keys(tables).sort().join(', ')}, or pass a table for it in the model options' windowTables.` });
  }
  const sli = resolveSli(slo.sli, ctx, `${path}.sli`, problems);
  checkLabels(slo.labels, `${path}.labels`, problems);
  checkAnnotations(slo.alertAnnotations, `${path}.alertAnnotations`, problems);
  const runbookUrl = slo.annotations?.runbookUrl;
  if (runbookUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(runbookUrl)) {
    problems.add({ path: `${path}.annotations.runbookUrl`, message: 'must be an http(s) URL', value: runbookUrl });
  }
  const alertName = slo.alertName ?? SLO_ALERT_NAMES.burnRate;
  if (!LABEL_NAME.test(alertName)) problems.add({ path: `${path}.alertName`, message: 'must be a valid alert name ([a-zA-Z_][a-zA-Z0-9_]*)', value: alertName });
  if (slo.minRequestRate !== undefined && (typeof slo.minRequestRate !== 'number' || !Number.isFinite(slo.minRequestRate) || slo.minRequestRate < 0)) {
    problems.add({ path: `${path}.minRequestRate`, message: 'must be a number of requests per second, 0 or more', value: slo.minRequestRate, fix: 'use 0 to disable the low-traffic guard.' });
  }
  let alertWindows: AlertWindows | undefined;
  if (table) {
    try {
      alertWindows = computeAlertWindows(table, `windowTables.${period}`);
    } catch (e) {
      if (e instanceof ConfigError) problems.addAll(e.problems);
      else throw e;
    }
  }
  if (problems.list.length > before || !sli || !alertWindows) return undefined;

  const periodSeconds = parseDuration(period, `${path}.period`);
  const budget = errorBudget(o);
  const requestBased = sli.kind !== 'availability';
  const windows = sliWindows(alertWindows, period).map((w): SliWindow => {
    const seconds = parseDuration(w, 'window');
    return { window: w, seconds, source: seconds <= settings.rawWindowMaxSeconds && seconds !== periodSeconds ? 'raw' : 'tiles', isPeriod: seconds === periodSeconds };
  });
  const smallestTiled = Math.min(...windows.filter((w) => w.source === 'tiles').map((w) => w.seconds));
  if (settings.tileSeconds * 4 > smallestTiled) {
    problems.add({ path: 'options.tileInterval', message: `must be at most a quarter of the shortest tiled window (${formatDuration(smallestTiled)})`, value: settings.tileInterval });
    return undefined;
  }
  let minRequestRate: number | undefined;
  if (requestBased) {
    const pq = alertWindows.page.quick;
    minRequestRate = slo.minRequestRate ?? defaultMinRequestRate(pq.factor, budget, pq.longSeconds);
    if (minRequestRate === 0) minRequestRate = undefined;
    if (minRequestRate !== undefined && pq.longSeconds > settings.rawWindowMaxSeconds) {
      problems.add({ path: `${path}.minRequestRate`, message: `needs the page-quick windows (${pq.shortWindow}, ${pq.longWindow}) to be recorded from raw series, but rawWindowMax is shorter`, value: minRequestRate, fix: `raise options.rawWindowMax to ${pq.longWindow}, or set minRequestRate: 0.` });
      return undefined;
    }
  }
  const labels = { ...(ctx.spec.labels ?? {}), ...(slo.labels ?? {}) };
  return {
    id: `${ctx.spec.name}-${slo.name}`,
    service: ctx.spec.name,
    name: slo.name,
    description: slo.description ?? describe(sli, o, period),
    objective: o,
    objectiveRatio: cleanNumber(o / 100),
    errorBudget: budget,
    period,
    periodSeconds,
    periodDays: cleanNumber(periodSeconds / 86400),
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
    alertName,
  };
}

function serviceMatchers(spec: ServiceSpec, path: string, problems: ProblemCollector): LabelMatcher[] {
  const given = spec.matchers ?? { [TARGET_LABELS.service]: spec.name };
  const names = Object.keys(given).sort((a, b) => (a === TARGET_LABELS.service ? -1 : b === TARGET_LABELS.service ? 1 : a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) problems.add({ path: `${path}.matchers`, message: 'must select something', value: given, fix: `leave it out to select { ${TARGET_LABELS.service}: "${spec.name}" }.` });
  return names.map((name) => {
    if (!LABEL_NAME.test(name)) problems.add({ path: `${path}.matchers.${name}`, message: 'is not a valid label name', value: name });
    return { name, op: '=' as const, value: given[name] };
  });
}

/**
 * Validates the catalog and resolves every default. Collects every problem and throws them together as one
 * ConfigError (each naming its path, the value and the fix).
 */
export function buildSloModel(services: readonly ServiceSpec[], options: SloModelOptions = {}): SloModel {
  const problems = new ProblemCollector();
  const settings = resolveSettings(options, problems);
  const classes = { ...SLO_CLASSES, ...(options.classes ?? {}) };
  const tables = { ...WINDOW_TABLES, ...(options.windowTables ?? {}) };
  const defaultPeriod = options.period ?? DEFAULT_PERIOD;
  const seen = new Map<string, number>();
  const ids = new Map<string, string>();
  const out: ServiceModel[] = [];
  services.forEach((spec, i) => {
    const key = typeof spec?.name === 'string' && spec.name !== '' ? spec.name : `[${i}]`;
    const path = `services.${key}`;
    const err = checkDnsLabel(spec?.name, `${path}.name`, 'a service name');
    if (err) {
      problems.addAll(err.problems);
      return;
    }
    if (seen.has(spec.name)) {
      problems.add({ path: `services[${i}].name`, message: `duplicates services[${seen.get(spec.name)}]`, value: spec.name, fix: 'declare each service once; put all its SLOs in one entry.' });
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
      const def = resolveSlo(slo, ctx, sloPath, tables, defaultPeriod, settings, problems);
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
