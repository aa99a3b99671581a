import { ConfigError, ConfigProblem } from '../../common/errors';
import { DurationString, parseDuration } from '../../common/duration';
import { SliSpec, SloSpec, TierSpec } from '../spec';
import { DEFAULT_PERIOD, WindowTable } from '../windows';
import {
  checkName,
  checkOptions,
  checkPeriod,
  guard,
  hasWindowPlaceholder,
  mergeServiceGroups,
  RESERVED_LABELS,
  ServiceGroup,
  SloImportOptions,
  SloImportResult,
  sloLabels,
  timeAveragedSli,
  timeAveragedWarning,
  translateWindow,
  windowTables,
} from './common';
import { ImportContext, loadDocuments, newImportContext, YamlMap } from './read';

/**
 * Import of OpenSLO v1 (https://github.com/OpenSLO/OpenSLO, `apiVersion: openslo/v1`): Service, SLI, SLO (inline
 * indicator or indicatorRef; ratioMetric good/bad/raw with total; thresholdMetric), AlertPolicy and AlertCondition
 * (burn-rate conditions matched to the stack's multiwindow tiers), AlertNotificationTarget and DataSource references.
 * Only Prometheus metric sources map: the stack evaluates SLO rules in its own Prometheus.
 */

export type OpenSloImportOptions = SloImportOptions;

const API_VERSION = 'openslo/v1';
const KINDS = ['Service', 'SLI', 'SLO', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget', 'DataSource'] as const;
type Kind = (typeof KINDS)[number];
const METADATA_FIELDS = ['name', 'displayName', 'labels', 'annotations'];

/** An OpenSLO object read from the input (top level) or inlined in another. */
interface OsObject {
  readonly kind: Kind;
  readonly name: string;
  /** `openslo#2(SLO/web-availability)` */
  readonly path: string;
  readonly displayName?: string;
  readonly labels: unknown;
  readonly spec: unknown;
}

type Registry = Map<Kind, Map<string, OsObject>>;

interface Run {
  readonly ctx: ImportContext;
  readonly registry: Registry;
  readonly options: OpenSloImportOptions;
  readonly tables: Readonly<Record<string, WindowTable>>;
  /** DataSources already warned about (their connection details are not used). */
  readonly warnedSources: Set<string>;
  /** Labels of Service objects, read once so their warnings appear once. */
  readonly serviceLabels: Map<OsObject, Record<string, string>>;
}

function describeKinds(): string {
  return KINDS.join(', ');
}

/** Reads `metadata` of an object; the name is required. */
function readMetadata(parent: YamlMap): { name?: string; displayName?: string; labels: unknown } {
  const md = parent.map('metadata', 'OpenSLO metadata', METADATA_FIELDS, true, 'give metadata.name.');
  if (!md) return { labels: undefined };
  // annotations are implementation-specific metadata of the object (openslo.com/...): they have no meaning here.
  return { name: md.str('name', true), displayName: md.str('displayName'), labels: md.raw('labels') };
}

/** A top-level document object (or an item of a document that is a list of objects). */
function readTopLevel(value: unknown, path: string, ctx: ImportContext): OsObject | undefined {
  const v = value as Record<string, unknown>;
  const kindHint = v && typeof v === 'object' ? String(v.kind ?? '?') : '?';
  const nameHint = v && typeof v === 'object' && v.metadata && typeof v.metadata === 'object' ? String((v.metadata as { name?: unknown }).name ?? '?') : '?';
  const obj = YamlMap.from(value, `${path}(${kindHint}/${nameHint})`, ctx, 'an OpenSLO object', ['apiVersion', 'kind', 'metadata', 'spec']);
  if (!obj) return undefined;
  const apiVersion = obj.str('apiVersion', true, `write apiVersion: ${API_VERSION}.`);
  if (apiVersion !== undefined && apiVersion !== API_VERSION) {
    const fix =
      apiVersion === 'openslo/v1alpha'
        ? `rewrite it as ${API_VERSION} (objectives[].ratioMetrics → indicator.spec.ratioMetric with metricSource.spec.query, timeWindows → timeWindow, budgetTarget → target).`
        : apiVersion === 'sloth.slok.dev/v1' || apiVersion === undefined
          ? 'import Sloth specs with importSloth.'
          : `write it as ${API_VERSION}, the OpenSLO version the stack imports.`;
    ctx.problems.add({ path: obj.at('apiVersion'), message: `is not an OpenSLO version the stack imports (${API_VERSION})`, value: apiVersion, fix });
    return undefined;
  }
  const kind = obj.str('kind', true, `use one of ${describeKinds()}.`);
  if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) {
    ctx.problems.add({ path: obj.at('kind'), message: 'is not an OpenSLO v1 kind', value: kind, fix: `use one of ${describeKinds()}.` });
    return undefined;
  }
  const md = readMetadata(obj);
  if (kind === undefined || md.name === undefined) return undefined;
  return { kind: kind as Kind, name: md.name, path: obj.path, displayName: md.displayName, labels: md.labels, spec: obj.raw('spec') };
}

/**
 * An object given inline (`indicator`, an inline alert policy, condition or notification target) or by reference
 * (`indicatorRef`, `alertPolicyRef`, `conditionRef`, `targetRef`).
 */
function resolve(run: Run, value: unknown, path: string, kind: Kind, refKey: string, withKind: boolean): OsObject | undefined {
  const { ctx } = run;
  const v = value as Record<string, unknown>;
  if (v && typeof v === 'object' && !Array.isArray(v) && refKey in v) {
    const ref = YamlMap.from(value, path, ctx, `a reference to an ${kind}`, [refKey]);
    const name = ref?.str(refKey, true);
    if (name === undefined) return undefined;
    return lookup(run, kind, name, ref!.at(refKey));
  }
  const fields = withKind ? ['kind', 'metadata', 'spec'] : ['metadata', 'spec'];
  const obj = YamlMap.from(value, path, ctx, `an inline ${kind} (or {${refKey}: <name>})`, fields);
  if (!obj) return undefined;
  if (withKind) {
    const k = obj.str('kind', true, `write kind: ${kind}.`);
    if (k !== undefined && k !== kind) {
      ctx.problems.add({ path: obj.at('kind'), message: `must be ${kind} here`, value: k });
      return undefined;
    }
  }
  const md = readMetadata(obj);
  if (md.name === undefined) return undefined;
  return { kind, name: md.name, path: obj.path, displayName: md.displayName, labels: md.labels, spec: obj.raw('spec') };
}

function lookup(run: Run, kind: Kind, name: string, path: string): OsObject | undefined {
  const found = run.registry.get(kind)?.get(name);
  if (!found) {
    const known = [...(run.registry.get(kind)?.keys() ?? [])].sort();
    run.ctx.problems.add({
      path,
      message: `names no ${kind} of the input${known.length > 0 ? ` (there are ${known.join(', ')})` : ''}`,
      value: name,
      fix: `add the ${kind} document (kind: ${kind}, metadata.name: ${name}) to the same import, ${kind === 'DataSource' ? 'or give type: Prometheus instead of metricSourceRef' : 'or give it inline'}.`,
    });
  }
  return found;
}

/** Duration shorthand (`30d`, `4w`, `1h`; M = 30 days, Q = 90 days, Y = 365 days, as the OpenSLO Go SDK counts them). */
const SHORTHAND = /^(\d+)([mhdwMQY])$/;
const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400, w: 604800, M: 2592000, Q: 7776000, Y: 31536000 };

function shorthandSeconds(value: string | undefined, path: string, ctx: ImportContext, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const m = SHORTHAND.exec(value);
  if (!m || (Number(m[1]) === 0 && !allowZero)) {
    ctx.problems.add({ path, message: 'is not an OpenSLO duration shorthand', value, fix: 'write a positive whole number and one unit of m, h, d, w, M, Q, Y, e.g. 30d, 4w or 1h.' });
    return undefined;
  }
  return Number(m[1]) * UNIT_SECONDS[m[2]];
}

/** Seconds of a Prometheus duration of the window tables (`5m`, `1h`, `30d`). */
function tableSeconds(d: DurationString): number {
  return parseDuration(d, 'windowTables');
}

/**
 * OpenSLO metadata labels (string or list of strings) as Prometheus labels. Names Prometheus does not allow are
 * renamed (`cost-centre` → `cost_centre`) and lists are joined with ',', each with a warning.
 */
function readLabels(raw: unknown, path: string, ctx: ImportContext): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    ctx.problems.add({ path, message: 'must be a mapping of label names to a string or a list of strings', value: raw });
    return out;
  }
  const origin = new Map<string, string>();
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const at = `${path}.${key}`;
    let name = key.replace(/[^a-zA-Z0-9_]/g, '_');
    if (/^[0-9]/.test(name)) name = `_${name}`;
    if (name.startsWith('__')) name = name.replace(/^_+/, '');
    let text: string | undefined;
    const scalar = (x: unknown): x is string | number | boolean => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
    if (scalar(value)) text = String(value);
    else if (Array.isArray(value) && value.every(scalar)) {
      if (value.length === 0) {
        ctx.warnings.push({ path: at, message: 'is an empty list of values: no label is recorded', fix: 'give it a value or remove it.' });
        continue;
      }
      text = value.map(String).sort().join(',');
      if (value.length > 1) {
        ctx.warnings.push({ path: at, message: `has ${value.length} values; a Prometheus label holds one, so they are recorded joined as "${text}"`, fix: `match them with a regex (${name}=~".*${value[0]}.*"), or keep one value.` });
      }
    } else {
      ctx.problems.add({ path: at, message: 'must be a string or a list of strings', value, fix: `quote it: ${key}: "${String(value)}".` });
      continue;
    }
    if (name === '' || RESERVED_LABELS.includes(name)) {
      ctx.problems.add({ path: at, message: 'is a label the stack sets on SLO rules itself', value: key, fix: `rename the label; ${RESERVED_LABELS.join(', ')} are reserved.` });
      continue;
    }
    if (origin.has(name)) {
      ctx.problems.add({ path: at, message: `becomes the Prometheus label "${name}", as ${origin.get(name)} does`, value: key, fix: 'rename one of them.' });
      continue;
    }
    if (name !== key) ctx.warnings.push({ path: at, message: `is not a valid Prometheus label name and is recorded as "${name}"`, fix: `rename it to ${name} in the spec to silence this.` });
    if (text === '') {
      ctx.problems.add({ path: at, message: 'must not be empty (an empty label value is no label in Prometheus)', value: text, fix: 'give it a value or remove it.' });
      continue;
    }
    origin.set(name, at);
    out[name] = text;
  }
  return out;
}

/** The PromQL query of a metric (`{ metricSource: { metricSourceRef?, type?, spec: { query } } }`). */
function readMetricQuery(run: Run, value: unknown, path: string): string | undefined {
  const { ctx } = run;
  const metric = YamlMap.from(value, path, ctx, 'an OpenSLO metric', ['metricSource']);
  const source = metric?.map('metricSource', 'an OpenSLO metric source', ['metricSourceRef', 'type', 'spec'], true);
  if (!source) return undefined;
  const ref = source.str('metricSourceRef');
  let type = source.str('type');
  if (ref !== undefined) {
    const ds = lookup(run, 'DataSource', ref, source.at('metricSourceRef'));
    if (!ds) return undefined;
    const dsSpec = YamlMap.from(ds.spec, `${ds.path}.spec`, ctx, 'an OpenSLO DataSource spec', ['description', 'type', 'connectionDetails']);
    const dsType = dsSpec?.str('type', true);
    if (dsType === undefined) return undefined;
    if (type !== undefined && type.toLowerCase() !== dsType.toLowerCase()) {
      ctx.problems.add({ path: source.at('type'), message: `contradicts the type of DataSource ${ref} (${dsType})`, value: type, fix: 'leave type out when metricSourceRef names the DataSource, or make them agree.' });
      return undefined;
    }
    type = dsType;
    if (dsSpec!.has('connectionDetails') && !run.warnedSources.has(ref) && dsType.toLowerCase() === 'prometheus') {
      run.warnedSources.add(ref);
      ctx.warnings.push({
        path: `${ds.path}.spec.connectionDetails`,
        message: "is not used: the stack's own Prometheus evaluates the SLO rules, so the series must be in it",
        fix: 'scrape (or remote-write) the series into the stack\'s Prometheus; drop connectionDetails to silence this.',
      });
    }
  }
  if (type === undefined) {
    ctx.problems.add({ path: source.at('type'), message: 'is required when metricSourceRef is not given', fix: 'write type: Prometheus, or name a DataSource of type Prometheus in metricSourceRef.' });
    return undefined;
  }
  if (type.toLowerCase() !== 'prometheus') {
    ctx.problems.add({
      path: ref !== undefined ? source.at('metricSourceRef') : source.at('type'),
      message: `reads from ${type}, which has no equivalent in the stack (its SLO rules are PromQL evaluated by its own Prometheus)`,
      value: ref ?? type,
      fix: 'import SLIs on Prometheus metric sources only: export the metric to Prometheus and write the query in PromQL, or keep this SLO in the tool that reads it.',
    });
    return undefined;
  }
  const spec = source.map('spec', 'a Prometheus metric source spec', ['query'], true, 'write spec.query with the PromQL query.');
  const query = spec?.str('query', true, 'write the PromQL query, e.g. query: sum(rate(http_requests_total[{{.window}}])).');
  return query?.trim();
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** True when `s` is exactly one series selector (`name`, `name{...}` or `{...}`), quotes in matchers honoured. */
function isSelector(s: string): boolean {
  let i = METRIC_NAME.exec(s)?.[0].length ?? 0;
  if (i === s.length) return i > 0;
  if (s[i] !== '{') return false;
  let quote: string | undefined;
  for (i += 1; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '}') return i === s.length - 1;
  }
  return false;
}

/** True when the whole query is one `sum(...)` call (so wrapping it in another sum changes nothing). */
function isSum(query: string): boolean {
  const m = /^sum\s*\(/.exec(query);
  if (!m) return false;
  let depth = 0;
  let quote: string | undefined;
  for (let i = m[0].length - 1; i < query.length; i++) {
    const c = query[i];
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i === query.length - 1;
  }
  return false;
}

/** `sum(q)`, or q itself when it is a sum already. */
function sumOf(query: string): string {
  return isSum(query) ? query : `sum(${query})`;
}

/** The selector a counter query names: `sel` or `sum(sel)` / `sum by (...) (sel)` / `sum(sel) by (...)`. */
function counterSelector(query: string): string | undefined {
  const q = query.trim();
  if (isSelector(q)) return q;
  const m = /^sum\s*(?:(?:by|without)\s*\([^()]*\)\s*)?\(([\s\S]*)\)\s*(?:(?:by|without)\s*\([^()]*\))?$/.exec(q);
  return m && isSelector(m[1].trim()) ? m[1].trim() : undefined;
}

/**
 * A good/bad/total query as a query over `{{window}}`: a query with a window placeholder is used as written; a
 * counter (`counter: true`) selector or sum of one becomes `sum(rate(<selector>[{{window}}]))`; a gauge
 * (`counter: false`) sums its values at each evaluation step over the window.
 */
function windowedQuery(run: Run, query: string, counter: boolean | undefined, path: string, gaugeWarned: { done: boolean }): string | undefined {
  if (hasWindowPlaceholder(query)) return translateWindow(query, path, run.ctx);
  if (counter === true) {
    const sel = counterSelector(query);
    if (sel === undefined) {
      run.ctx.problems.add({
        path,
        message: 'is a counter query without a {{.window}} placeholder that is not a series selector or a sum() of one, so its rate cannot be taken for the SLO windows',
        value: query,
        fix: 'write the rate over the window yourself, e.g. sum(rate(http_requests_total{code!~"5.."}[{{.window}}])), or give the bare counter selector.',
      });
      return undefined;
    }
    return `sum(rate(${sel}[{{window}}]))`;
  }
  if (!gaugeWarned.done) {
    gaugeWarned.done = true;
    run.ctx.warnings.push({
      path,
      message: 'is a gauge query (ratioMetric.counter is not true): its values at each evaluation step over a window are summed as events (sum_over_time of a subquery)',
      fix: 'set counter: true if the query is a counter, or write the events over the window with a {{.window}} placeholder.',
    });
  }
  return `sum_over_time((${query})[{{window}}:])`;
}

/** Bad events when `sli <op> value` is the good condition (the negation, as a 0/1 series). */
const NEGATED_OP: Record<string, string> = { lt: '>=', lte: '>', gt: '<=', gte: '<' };
const OP_TEXT: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

interface SliSource {
  /** Builds the SLI for one objective (threshold SLIs need the objective's op and value). */
  readonly build: (objective: YamlMap) => SliSpec | undefined;
  readonly kind: 'ratio' | 'threshold';
  readonly labels: Record<string, string>;
}

function readSli(run: Run, sli: OsObject): SliSource | undefined {
  const { ctx } = run;
  const spec = YamlMap.from(sli.spec, `${sli.path}.spec`, ctx, 'an OpenSLO SLI spec', ['description', 'thresholdMetric', 'ratioMetric']);
  if (!spec) return undefined;
  const labels = readLabels(sli.labels, `${sli.path}.metadata.labels`, ctx);
  const kinds = ['thresholdMetric', 'ratioMetric'].filter((k) => spec.has(k));
  if (kinds.length !== 1) {
    ctx.problems.add({ path: spec.path, message: kinds.length === 0 ? 'has no metric' : 'has both thresholdMetric and ratioMetric', fix: 'give exactly one of ratioMetric or thresholdMetric.' });
    return undefined;
  }
  if (kinds[0] === 'thresholdMetric') {
    const query = readMetricQuery(run, spec.raw('thresholdMetric'), spec.at('thresholdMetric'));
    if (query === undefined) return undefined;
    const at = `${spec.at('thresholdMetric')}.metricSource.spec.query`;
    if (hasWindowPlaceholder(query)) {
      ctx.problems.add({ path: at, message: 'is a threshold query with a {{.window}} placeholder; a threshold SLI compares the value at each evaluation step', value: query, fix: 'write the query with a fixed range (e.g. [2m]) or none.' });
      return undefined;
    }
    return {
      kind: 'threshold',
      labels,
      build: (objective) => {
        const op = objective.str('op', true, 'give op (lt, lte, gt or gte): good is "<sli> <op> <value>".');
        const value = objective.num('value', true, 'give the threshold the SLI value is compared with.');
        if (op !== undefined && !(op in NEGATED_OP)) {
          ctx.problems.add({ path: objective.at('op'), message: 'must be lt, lte, gt or gte', value: op });
          return undefined;
        }
        if (op === undefined || value === undefined) return undefined;
        ctx.warnings.push({
          path: at,
          message: `is a thresholdMetric: each evaluation step of a subquery over the window (at Prometheus' evaluation interval) counts as one occurrence, bad unless the value is ${OP_TEXT[op]} ${value}`,
          fix: 'to count requests instead of samples, write a ratioMetric with bad (or good) and total queries.',
        });
        return {
          kind: 'raw',
          errorQuery: `sum_over_time(((${query}) ${NEGATED_OP[op]} bool ${value})[{{window}}:])`,
          totalQuery: `count_over_time((${query})[{{window}}:])`,
        };
      },
    };
  }
  const ratio = spec.map('ratioMetric', 'an OpenSLO ratio metric', ['counter', 'good', 'bad', 'total', 'rawType', 'raw']);
  if (!ratio) return undefined;
  const counter = ratio.bool('counter');
  const parts = ['good', 'bad', 'raw'].filter((k) => ratio.has(k));
  const gaugeWarned = { done: false };
  if (ratio.has('raw')) {
    if (parts.length > 1 || ratio.has('total')) {
      ctx.problems.add({ path: ratio.path, message: 'combines raw with good, bad or total', value: [...parts, ...(ratio.has('total') ? ['total'] : [])], fix: 'give either raw (with rawType) or good/bad with total.' });
      return undefined;
    }
    const rawType = ratio.str('rawType', true, 'write rawType: success (the query is good/total) or failure (bad/total).');
    if (rawType !== undefined && rawType !== 'success' && rawType !== 'failure') {
      ctx.problems.add({ path: ratio.at('rawType'), message: 'must be success or failure', value: rawType });
      return undefined;
    }
    const q = readMetricQuery(run, ratio.raw('raw'), ratio.at('raw'));
    if (q === undefined || rawType === undefined) return undefined;
    const at = `${ratio.at('raw')}.metricSource.spec.query`;
    const windowed = hasWindowPlaceholder(q) ? translateWindow(q, at, ctx) : `avg_over_time((${q})[{{window}}:])`;
    if (windowed === undefined) return undefined;
    const errorRatio = rawType === 'failure' ? windowed : `1 - (${windowed})`;
    ctx.warnings.push(timeAveragedWarning(at, 'a raw (precomputed) ratio', 'to weight by traffic, give good (or bad) and total queries instead of raw.'));
    return { kind: 'ratio', labels, build: () => timeAveragedSli(errorRatio) };
  }
  if (parts.length !== 1 || !ratio.has('total')) {
    ctx.problems.add({
      path: ratio.path,
      message: parts.length > 1 ? 'has both good and bad' : !ratio.has('total') ? 'has no total' : 'has neither good nor bad',
      fix: 'give total with exactly one of good or bad (or raw with rawType).',
    });
    return undefined;
  }
  if (ratio.has('rawType')) ctx.problems.add({ path: ratio.at('rawType'), message: 'applies to raw only', value: ratio.raw('rawType'), fix: 'remove it.' });
  const which = parts[0] as 'good' | 'bad';
  const numerator = readMetricQuery(run, ratio.raw(which), ratio.at(which));
  const total = readMetricQuery(run, ratio.raw('total'), ratio.at('total'));
  if (numerator === undefined || total === undefined) return undefined;
  const n = windowedQuery(run, numerator, counter, `${ratio.at(which)}.metricSource.spec.query`, gaugeWarned);
  const t = windowedQuery(run, total, counter, `${ratio.at('total')}.metricSource.spec.query`, gaugeWarned);
  if (n === undefined || t === undefined) return undefined;
  // bad = total − good; a good series that does not exist yet (nothing succeeded) counts as zero.
  const errorQuery = which === 'bad' ? n : `${sumOf(t)} - (${sumOf(n)} or vector(0))`;
  return { kind: 'ratio', labels, build: () => ({ kind: 'raw', errorQuery, totalQuery: t }) };
}

/** The objective (percent) of an OpenSLO objective: `target` (ratio) or `targetPercent`. */
function readTarget(objective: YamlMap, ctx: ImportContext): number | undefined {
  const target = objective.num('target');
  const percent = objective.num('targetPercent');
  if ((target === undefined) === (percent === undefined)) {
    ctx.problems.add({ path: objective.path, message: target === undefined ? 'has no target' : 'has both target and targetPercent', fix: 'give exactly one: target: 0.999 or targetPercent: 99.9.' });
    return undefined;
  }
  if (target !== undefined && !(target > 0 && target < 1)) {
    ctx.problems.add({ path: objective.at('target'), message: 'must be a ratio strictly between 0 and 1', value: target, fix: 'write e.g. 0.999 for 99.9% (0 leaves no SLO, 1 no error budget).' });
    return undefined;
  }
  if (percent !== undefined && !(percent > 0 && percent < 100)) {
    ctx.problems.add({ path: objective.at('targetPercent'), message: 'must be a percentage strictly between 0 and 100', value: percent, fix: 'write e.g. 99.9.' });
    return undefined;
  }
  return percent ?? Number((target! * 100).toPrecision(12));
}

/** One of the stack's alert windows for a period, with its burn-rate factor. */
interface StackWindow {
  readonly tier: 'page' | 'ticket';
  readonly longWindow: DurationString;
  readonly shortWindow: DurationString;
  readonly longSeconds: number;
  readonly shortSeconds: number;
  readonly factor: number;
}

function stackWindows(table: WindowTable): StackWindow[] {
  const period = tableSeconds(table.period);
  return (['page', 'ticket'] as const).flatMap((tier) =>
    (['quick', 'slow'] as const).map((speed) => {
      const w = table[tier][speed];
      const longSeconds = tableSeconds(w.longWindow);
      return { tier, longWindow: w.longWindow, shortWindow: w.shortWindow, longSeconds, shortSeconds: tableSeconds(w.shortWindow), factor: Number(((w.budgetShare * period) / longSeconds).toPrecision(4)) };
    }),
  );
}

function describeWindows(windows: readonly StackWindow[], period: string): string {
  return `${windows.map((w) => `${w.factor} over ${w.longWindow} (${w.tier})`).join(', ')} for a ${period} period`;
}

interface TierDraft {
  readonly windows: Set<StackWindow>;
  severity?: { readonly value: string; readonly path: string };
  readonly labels: Record<string, string>;
  readonly labelPaths: Record<string, string>;
}

/** The page/ticket tiers an SLO's alert policies ask for. No policy: no burn-rate alerts, as in OpenSLO. */
function readAlertPolicies(run: Run, spec: YamlMap, period: DurationString): { page: TierSpec | false; ticket: TierSpec | false; matched: boolean } {
  const { ctx } = run;
  const list = spec.list('alertPolicies') ?? [];
  const table = run.tables[period];
  const windows = table ? stackWindows(table) : [];
  const tiers: Record<'page' | 'ticket', TierDraft> = {
    page: { windows: new Set(), labels: {}, labelPaths: {} },
    ticket: { windows: new Set(), labels: {}, labelPaths: {} },
  };
  list.forEach((item, i) => {
    const policy = resolve(run, item, `${spec.at('alertPolicies')}[${i}]`, 'AlertPolicy', 'alertPolicyRef', true);
    if (!policy) return;
    const ps = YamlMap.from(policy.spec, `${policy.path}.spec`, ctx, 'an OpenSLO AlertPolicy spec', ['description', 'alertWhenNoData', 'alertWhenResolved', 'alertWhenBreaching', 'conditions', 'notificationTargets']);
    if (!ps) return;
    const policyLabels = readLabels(policy.labels, `${policy.path}.metadata.labels`, ctx);
    if (ps.bool('alertWhenResolved') === true) {
      ctx.warnings.push({ path: ps.at('alertWhenResolved'), message: "is a receiver setting in Alertmanager (send_resolved), not part of the SLO's rules", fix: 'set send_resolved on the Alertmanager receivers that should notify on resolution.' });
    }
    // alertWhenNoData: the stack always alerts when an SLI's source series disappear (SLOSourceMetricAbsent).
    ps.bool('alertWhenNoData');
    const targets = ps.list('notificationTargets') ?? [];
    const targetNames = targets
      .map((t, j) => resolve(run, t, `${ps.at('notificationTargets')}[${j}]`, 'AlertNotificationTarget', 'targetRef', true))
      .filter((t): t is OsObject => t !== undefined)
      .map((t) => t.name);
    if (targetNames.length > 0) {
      ctx.warnings.push({
        path: ps.at('notificationTargets'),
        message: `are not carried (${targetNames.join(', ')}): Alertmanager routes SLO alerts on their labels (severity, service, slo, sloth_severity)`,
        fix: "route these alerts to the matching receivers in the stack's Alertmanager routes.",
      });
    }
    const breaching = ps.bool('alertWhenBreaching');
    const conditions = ps.list('conditions', true, 'give one burn-rate condition (conditionRef or inline AlertCondition).');
    if (!conditions) return;
    if (conditions.length !== 1) {
      ctx.problems.add({ path: ps.at('conditions'), message: `has ${conditions.length} conditions; OpenSLO allows exactly one per alert policy`, value: conditions.length, fix: 'split it into one alert policy per condition.' });
      return;
    }
    if (breaching === false) {
      ctx.warnings.push({ path: ps.at('alertWhenBreaching'), message: 'is false, so this policy never alerts on a burning budget: it enables no alert tier', fix: 'remove the policy, or set alertWhenBreaching: true.' });
      return;
    }
    const cond = resolve(run, conditions[0], `${ps.at('conditions')}[0]`, 'AlertCondition', 'conditionRef', true);
    if (!cond) return;
    const cs = YamlMap.from(cond.spec, `${cond.path}.spec`, ctx, 'an OpenSLO AlertCondition spec', ['description', 'severity', 'condition']);
    if (!cs) return;
    const severity = cs.str('severity', true, 'give the severity, e.g. severity: page.');
    const c = cs.map('condition', 'an OpenSLO alert condition', ['kind', 'op', 'threshold', 'lookbackWindow', 'alertAfter'], true);
    if (!c || severity === undefined) return;
    const kind = c.str('kind') ?? 'burnrate';
    if (kind !== 'burnrate') {
      ctx.problems.add({ path: c.at('kind'), message: 'is an alert condition kind the stack has no equivalent for (it alerts on burn rates)', value: kind, fix: 'use kind: burnrate.' });
      return;
    }
    const op = c.str('op', true, 'write op: gt (alert when the burn rate exceeds the threshold).');
    if (op !== undefined && op !== 'gt' && op !== 'gte') {
      ctx.problems.add({
        path: c.at('op'),
        message: (op === 'lt' || op === 'lte') ? "alerts while the burn rate is below the threshold; the stack's burn-rate alerts fire above it" : 'must be gt or gte',
        value: op,
        fix: 'use op: gt.',
      });
      return;
    }
    const threshold = c.num('threshold', true, 'give the burn rate to alert above, e.g. threshold: 14.4.');
    const lookback = shorthandSeconds(c.str('lookbackWindow', true, 'give the long window, e.g. lookbackWindow: 1h.'), c.at('lookbackWindow'), ctx);
    const alertAfter = shorthandSeconds(c.str('alertAfter'), c.at('alertAfter'), ctx, true);
    if (op === undefined || threshold === undefined || lookback === undefined || !table) return;
    const match = windows.find((w) => w.longSeconds === lookback && Math.abs(w.factor - threshold) <= 1e-3 * w.factor);
    if (!match) {
      ctx.problems.add({
        path: c.path,
        message: `is a burn rate of ${threshold} over ${c.str('lookbackWindow')}, which matches none of the stack's multiwindow alerts`,
        value: { threshold, lookbackWindow: c.str('lookbackWindow') },
        fix: `use one of ${describeWindows(windows, period)}; the stack alerts on these window pairs only.`,
      });
      return;
    }
    if (alertAfter !== undefined && alertAfter > match.shortSeconds) {
      ctx.problems.add({
        path: c.at('alertAfter'),
        message: `holds the alert longer than the ${match.shortWindow} short window of this tier, which the stack cannot express (its burn-rate alerts have no "for")`,
        value: c.str('alertAfter'),
        fix: `set alertAfter to at most ${match.shortWindow} (the short window already requires the burn to last) or remove it.`,
      });
      return;
    }
    if (alertAfter !== undefined && alertAfter > 0) {
      ctx.warnings.push({ path: c.at('alertAfter'), message: `is approximated by the ${match.shortWindow} short window (the burn rate must also exceed ${match.factor} over the last ${match.shortWindow})`, fix: 'remove alertAfter to silence this.' });
    }
    const draft = tiers[match.tier];
    draft.windows.add(match);
    // The tier's own name (page/ticket) or the stack's default severity keeps the stack's severity, which Alertmanager routes on.
    const defaultSeverity = match.tier === 'page' ? ['page', 'critical'] : ['ticket', 'warning'];
    if (!defaultSeverity.includes(severity)) {
      if (draft.severity && draft.severity.value !== severity) {
        ctx.problems.add({ path: cs.at('severity'), message: `differs from the severity of another condition of the ${match.tier} tier (${draft.severity.value} at ${draft.severity.path})`, value: severity, fix: 'give both conditions of a tier one severity.' });
      } else {
        draft.severity = { value: severity, path: cs.at('severity') };
      }
    }
    const labels = { ...policyLabels, ...readLabels(cond.labels, `${cond.path}.metadata.labels`, ctx) };
    for (const [k, v] of Object.entries(labels)) {
      if (k in draft.labels && draft.labels[k] !== v) {
        ctx.problems.add({ path: `${policy.path}.metadata.labels.${k}`, message: `differs from the label of another policy of the ${match.tier} tier (${draft.labelPaths[k]})`, value: v, fix: 'give the policies of one tier the same labels.' });
        continue;
      }
      draft.labels[k] = v;
      draft.labelPaths[k] = `${policy.path}.metadata.labels.${k}`;
    }
  });
  const out = (tier: 'page' | 'ticket'): TierSpec | false => {
    const d = tiers[tier];
    if (d.windows.size === 0) return false;
    const all = windows.filter((w) => w.tier === tier);
    const missing = all.filter((w) => !d.windows.has(w));
    if (missing.length > 0) {
      ctx.warnings.push({
        path: spec.at('alertPolicies'),
        message: `asks for the ${tier} tier over ${[...d.windows].map((w) => `${w.longWindow}/${w.shortWindow}`).join(', ')} only; the stack's ${tier} alert always pairs both its windows, so it also fires at ${missing.map((w) => `${w.factor}× over ${w.longWindow}/${w.shortWindow}`).join(', ')}`,
        fix: `add a condition for ${missing.map((w) => `${w.factor} over ${w.longWindow}`).join(', ')} to state it, or accept the extra window.`,
      });
    }
    const labels = Object.keys(d.labels).sort();
    return {
      ...(d.severity ? { severity: d.severity.value } : {}),
      ...(labels.length > 0 ? { labels: Object.fromEntries(labels.map((k) => [k, d.labels[k]])) } : {}),
    };
  };
  const page = out('page');
  const ticket = out('ticket');
  return { page, ticket, matched: page !== false || ticket !== false };
}

/** The period of an SLO's `timeWindow` (rolling only), or undefined when it has none. */
function readPeriod(run: Run, spec: YamlMap): DurationString | undefined | null {
  const { ctx } = run;
  const list = spec.list('timeWindow');
  if (list === undefined) return undefined;
  if (list.length !== 1) {
    ctx.problems.add({ path: spec.at('timeWindow'), message: `must hold exactly one time window (has ${list.length})`, fix: 'give one rolling window, e.g. - duration: 30d, isRolling: true.' });
    return null;
  }
  const w = YamlMap.from(list[0], `${spec.at('timeWindow')}[0]`, ctx, 'an OpenSLO time window', ['duration', 'isRolling', 'calendar']);
  if (!w) return null;
  const duration = w.str('duration', true, 'give the window length, e.g. duration: 30d.');
  if (w.has('calendar') || w.bool('isRolling') !== true) {
    ctx.problems.add({
      path: w.has('calendar') ? w.at('calendar') : w.at('isRolling'),
      message: w.has('calendar')
        ? "is a calendar-aligned time window, which has no equivalent in the stack (its error budgets roll over the last period, as Sloth's do)"
        : 'must be true: a time window without isRolling: true is calendar-aligned in OpenSLO, which has no equivalent in the stack',
      value: w.has('calendar') ? w.raw('calendar') : (w.raw('isRolling') ?? null),
      fix: `use a rolling window: duration: ${duration !== undefined && /^\d+[dw]$/.test(duration) ? duration : '30d'}, isRolling: true (and no calendar).`,
    });
    return null;
  }
  const seconds = shorthandSeconds(duration, w.at('duration'), ctx);
  if (seconds === undefined) return null;
  if (seconds % 86400 !== 0) {
    ctx.problems.add({ path: w.at('duration'), message: 'must be whole days for an SLO period', value: duration, fix: 'use 30d or 28d (4w).' });
    return null;
  }
  const period = `${seconds / 86400}d`;
  if (/[MQY]$/.test(duration!)) {
    ctx.warnings.push({ path: w.at('duration'), message: `is counted as ${period} (M = 30 days, Q = 90, Y = 365, as the OpenSLO Go SDK does)`, fix: `write ${period} to say so.` });
  }
  return checkPeriod(period, w.at('duration'), run.tables, ctx, 'a rolling period the stack can alert on: ') ? period : null;
}

/** The SLOs (one per objective) an OpenSLO SLO gives. */
function convertSlo(run: Run, slo: OsObject): ServiceGroup | undefined {
  const { ctx, options } = run;
  const before = ctx.problems.list.length;
  const spec = YamlMap.from(slo.spec, `${slo.path}.spec`, ctx, 'an OpenSLO SLO spec', ['description', 'service', 'indicator', 'indicatorRef', 'budgetingMethod', 'timeWindow', 'objectives', 'alertPolicies']);
  if (!spec) return undefined;
  checkName(slo.name, `${slo.path}.metadata.name`, 'an SLO name', ctx, ' (sloth_slo and sloth_id change with it)');
  const service = spec.str('service', true, 'name the service the SLO belongs to.');
  checkName(service, spec.at('service'), 'a service name', ctx, ' (sloth_service and sloth_id change with it)');

  let sliObject: OsObject | undefined;
  const composite = (spec.list('objectives') ?? []).some((o) => o !== null && typeof o === 'object' && ('indicator' in o || 'indicatorRef' in o));
  if (composite && !spec.has('indicator') && !spec.has('indicatorRef')) {
    // A composite SLO: its objectives carry the indicators; reported per objective below.
  } else if (spec.has('indicator') === spec.has('indicatorRef')) {
    ctx.problems.add({ path: spec.path, message: spec.has('indicator') ? 'has both indicator and indicatorRef' : 'has neither indicator nor indicatorRef', fix: 'give the SLI inline (indicator) or by name (indicatorRef).' });
  } else if (spec.has('indicator')) {
    sliObject = resolve(run, spec.raw('indicator'), spec.at('indicator'), 'SLI', 'indicatorRef', false);
  } else {
    const ref = spec.str('indicatorRef');
    if (ref !== undefined) sliObject = lookup(run, 'SLI', ref, spec.at('indicatorRef'));
  }
  const sli = sliObject ? readSli(run, sliObject) : undefined;

  const method = spec.str('budgetingMethod', true, 'write budgetingMethod: Occurrences (good events / all events).');
  if (method !== undefined && method !== 'Occurrences') {
    const known = method === 'Timeslices' || method === 'RatioTimeslices';
    ctx.problems.add({
      path: spec.at('budgetingMethod'),
      message: known
        ? `is ${method}, which has no equivalent in the stack (its SLIs count good and bad events over rolling windows, not ${method === 'Timeslices' ? 'good time slices' : 'averages of time-slice ratios'})`
        : 'must be Occurrences, Timeslices or RatioTimeslices',
      value: method,
      fix: 'use budgetingMethod: Occurrences.',
    });
  }
  const period = readPeriod(run, spec);

  const objectives = spec.list('objectives', true, 'give at least one objective, e.g. - target: 0.999.') ?? [];
  if (spec.has('objectives') && objectives.length === 0) ctx.problems.add({ path: spec.at('objectives'), message: 'must hold at least one objective', value: [] });
  if (sli?.kind === 'threshold' && objectives.length > 1) {
    ctx.problems.add({ path: spec.at('objectives'), message: `has ${objectives.length} objectives; a thresholdMetric SLO has exactly one in OpenSLO`, value: objectives.length, fix: 'declare one SLO per threshold.' });
  }
  const alerting = readAlertPolicies(run, spec, period ?? DEFAULT_PERIOD);
  const labels = { ...(sli?.labels ?? {}), ...readLabels(slo.labels, `${slo.path}.metadata.labels`, ctx) };
  const baseDescription = spec.str('description') ?? slo.displayName;

  const slos: SloSpec[] = [];
  const sloPaths: string[] = [];
  objectives.forEach((value, i) => {
    const path = `${spec.at('objectives')}[${i}]`;
    const o = YamlMap.from(value, path, ctx, 'an OpenSLO objective', ['displayName', 'op', 'value', 'target', 'targetPercent', 'timeSliceTarget', 'timeSliceWindow', 'indicator', 'indicatorRef', 'compositeWeight']);
    if (!o) return;
    const composite = ['indicator', 'indicatorRef', 'compositeWeight'].filter((k) => o.has(k));
    if (composite.length > 0) {
      ctx.problems.add({ path: o.at(composite[0]), message: 'makes this a composite SLO, which has no equivalent in the stack', value: composite, fix: 'declare one SLO per indicator (each with its own objective) instead of a composite.' });
      return;
    }
    const objective = readTarget(o, ctx);
    for (const k of ['timeSliceTarget', 'timeSliceWindow']) {
      if (o.has(k)) ctx.warnings.push({ path: o.at(k), message: 'applies to time-slice budgeting only and is ignored with Occurrences', fix: `remove ${k}.` });
    }
    if (sli?.kind === 'ratio') {
      for (const k of ['op', 'value']) {
        if (o.has(k)) ctx.problems.add({ path: o.at(k), message: 'applies to thresholdMetric SLIs only', value: o.raw(k), fix: `remove ${k}: a ratio SLI's objective is its target.` });
      }
    }
    const built = sli?.build(o);
    if (objective === undefined || !built) return;
    const name = objectives.length > 1 ? `${slo.name}-${i}` : slo.name;
    if (objectives.length > 1) checkName(name, path, `the SLO name of objective ${i} ("<name>-<index>")`, ctx, '');
    const description = [baseDescription, objectives.length > 1 ? o.str('displayName') : undefined].filter((d) => d !== undefined && d !== '').join(' — ');
    const own = sloLabels(labels, options);
    const periodSpec = period ?? (alerting.matched ? DEFAULT_PERIOD : undefined);
    slos.push({
      name,
      objective,
      sli: built,
      ...(periodSpec !== undefined ? { period: periodSpec } : {}),
      ...(description !== '' ? { description } : {}),
      ...(own ? { labels: own } : {}),
      ...(alerting.page === false ? { page: false } : Object.keys(alerting.page).length > 0 ? { page: alerting.page } : {}),
      ...(alerting.ticket === false ? { ticket: false } : Object.keys(alerting.ticket).length > 0 ? { ticket: alerting.ticket } : {}),
      ...guard(options),
    });
    sloPaths.push(path);
  });
  if (ctx.problems.list.length > before || service === undefined) return undefined;
  const svc = run.registry.get('Service')?.get(service);
  const serviceLabels = svc ? readServiceLabels(run, svc) : {};
  return { service, labels: serviceLabels, slos, sloPaths };
}

/** A Service object's labels (read once, so its warnings appear once). */
function readServiceLabels(run: Run, svc: OsObject): Record<string, string> {
  const cached = run.serviceLabels.get(svc);
  if (cached) return cached;
  YamlMap.from(svc.spec ?? {}, `${svc.path}.spec`, run.ctx, 'an OpenSLO Service spec', ['description']);
  const labels = readLabels(svc.labels, `${svc.path}.metadata.labels`, run.ctx);
  run.serviceLabels.set(svc, labels);
  return labels;
}

/**
 * Imports OpenSLO v1 objects from YAML text: one or many documents (`---`), each an object or a list of objects, of
 * kinds Service, SLI, SLO, AlertPolicy, AlertCondition, AlertNotificationTarget and DataSource; references
 * (`indicatorRef`, `alertPolicyRef`, `conditionRef`, `targetRef`, `metricSourceRef`) resolve within the input.
 * Every SLO objective becomes one stack SLO (`<slo>` or, with several objectives, `<slo>-<index>`) of the service
 * `spec.service`. Returns the service specs and the warnings of lossy mappings; throws one ConfigError listing every
 * problem (`openslo#2(SLO/web-availability).spec.timeWindow[0].calendar: ...`) when something has no equivalent.
 *
 * @example
 * const { services, warnings } = importOpenSlo(readFileSync('slos/web.yaml', 'utf8'), { source: 'slos/web.yaml' });
 */
export function importOpenSlo(text: string, options: OpenSloImportOptions = {}): SloImportResult {
  const source = options.source ?? 'openslo';
  const ctx = newImportContext();
  checkOptions(options, ctx);
  const registry: Registry = new Map(KINDS.map((k) => [k, new Map<string, OsObject>()]));
  const order: OsObject[] = [];
  for (const doc of loadDocuments(text, source, ctx)) {
    const items = Array.isArray(doc.value) ? doc.value.map((v, i) => ({ v, path: `${doc.path}[${i}]` })) : [{ v: doc.value, path: doc.path }];
    for (const { v, path } of items) {
      const obj = readTopLevel(v, path, ctx);
      if (!obj) continue;
      const byName = registry.get(obj.kind)!;
      const first = byName.get(obj.name);
      if (first) {
        ctx.problems.add({ path: obj.path, message: `is a second ${obj.kind} named "${obj.name}" (the first is ${first.path})`, value: obj.name, fix: `give each ${obj.kind} its own metadata.name.` });
        continue;
      }
      byName.set(obj.name, obj);
      order.push(obj);
    }
  }
  const run: Run = { ctx, registry, options, tables: windowTables(options), warnedSources: new Set(), serviceLabels: new Map() };
  const slos = order.filter((o) => o.kind === 'SLO');
  if (slos.length === 0 && ctx.problems.list.length === 0) {
    ctx.problems.add({ path: source, message: 'holds no OpenSLO SLO', fix: `give at least one object with apiVersion: ${API_VERSION} and kind: SLO.` });
  }
  const groups = slos.map((s) => convertSlo(run, s)).filter((g): g is ServiceGroup => g !== undefined);
  const services = mergeServiceGroups(groups, ctx);
  if (ctx.problems.list.length > 0) throw new ConfigError(dedupe(ctx.problems.list));
  return { services, warnings: dedupe(ctx.warnings) };
}

/** Each problem or warning once (a shared SLI or alert policy is read once per SLO using it). */
function dedupe(warnings: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.path}\u0000${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

