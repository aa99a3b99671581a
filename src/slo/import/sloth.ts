import { DurationString } from '../../common/duration';
import { SliSpec, SloSpec, TierSpec } from '../spec';
import {
  ALERT_NAME,
  checkAnnotationMap,
  checkLabelMap,
  checkName,
  checkOptions,
  checkPeriod,
  guard,
  mergeServiceGroups,
  ServiceGroup,
  SloImportOptions,
  SloImportResult,
  sloLabels,
  timeAveragedSli,
  timeAveragedWarning,
  translateWindow,
  windowTables,
} from './common';
import { ImportContext, loadDocuments, newImportContext, YamlDocument, YamlMap } from './read';

/**
 * Import of Sloth SLO specs (https://sloth.dev): the `prometheus/v1` spec (github.com/slok/sloth,
 * pkg/prometheus/api/v1) and its Kubernetes resource `PrometheusServiceLevel` (`sloth.slok.dev/v1`,
 * pkg/kubernetes/api/sloth/v1), into the stack's ServiceSpecs. The recorded series keep Sloth's identity:
 * `sloth_id` = `<service>-<slo>`, `sloth_service`, `sloth_slo`, the spec's and the SLO's labels.
 */

export interface SlothImportOptions extends SloImportOptions {
  /**
   * The SLO period, what Sloth's `--default-slo-period` sets (the spec itself has none); must have a window table.
   * @default - none set: the stack's period applies (30d unless the stack's slo options say otherwise, as Sloth's)
   */
  readonly period?: DurationString;
}

const SLOTH_VERSION = 'prometheus/v1';
const K8S_API_VERSION = 'sloth.slok.dev/v1';
const K8S_KIND = 'PrometheusServiceLevel';

/** Field names of the two forms: the prometheus/v1 spec writes snake_case, the Kubernetes resource camelCase. */
interface FieldNames {
  readonly sloPlugins: string;
  readonly errorQuery: string;
  readonly totalQuery: string;
  readonly errorRatioQuery: string;
  readonly pageAlert: string;
  readonly ticketAlert: string;
  /** Name of the form in messages. */
  readonly form: string;
}

const SPEC_FIELDS: FieldNames = {
  sloPlugins: 'slo_plugins',
  errorQuery: 'error_query',
  totalQuery: 'total_query',
  errorRatioQuery: 'error_ratio_query',
  pageAlert: 'page_alert',
  ticketAlert: 'ticket_alert',
  form: 'a Sloth prometheus/v1 spec',
};

const K8S_FIELDS: FieldNames = {
  sloPlugins: 'sloPlugins',
  errorQuery: 'errorQuery',
  totalQuery: 'totalQuery',
  errorRatioQuery: 'errorRatioQuery',
  pageAlert: 'pageAlert',
  ticketAlert: 'ticketAlert',
  form: 'a PrometheusServiceLevel spec',
};

const STRING_FIX = (k: string): string => `give ${k} one value, e.g. ${k}: "value".`;

/** A plugin chain (`slo_plugins` / `plugins`): Sloth runs Go plugins while generating; the stack has none. */
function checkPlugins(parent: YamlMap, key: string, ctx: ImportContext): void {
  const plugins = parent.map(key, 'a Sloth SLO plugin list', ['overridePrevious', 'chain']);
  if (!plugins) return;
  const chain = plugins.list('chain') ?? [];
  const override = plugins.bool('overridePrevious');
  if (chain.length > 0 || override === true) {
    const ids = chain.map((c) => (c && typeof c === 'object' ? (c as { id?: unknown }).id : c));
    ctx.problems.add({
      path: parent.at(key),
      message: 'is a Sloth SLO plugin chain, which has no equivalent in the stack (Sloth runs these Go plugins while it generates rules)',
      value: override === true && chain.length === 0 ? { overridePrevious: true } : ids,
      fix: 'remove it; the stack generates its own SLI, metadata and alert rules, and its options (slo: { ... }) tune them.',
    });
  }
}

function readSli(slo: YamlMap, f: FieldNames, ctx: ImportContext): SliSpec | undefined {
  const sli = slo.map('sli', 'a Sloth SLI', ['events', 'raw', 'plugin'], true, 'give sli.events (error and total queries) or sli.raw (an error ratio query).');
  if (!sli) return undefined;
  const kinds = ['events', 'raw', 'plugin'].filter((k) => sli.has(k));
  if (kinds.length !== 1) {
    ctx.problems.add({
      path: sli.path,
      message: kinds.length === 0 ? 'has no SLI type' : `has ${kinds.length} SLI types (${kinds.join(', ')}); Sloth allows exactly one`,
      ...(kinds.length > 0 ? { value: kinds } : {}),
      fix: `give exactly one of events (${f.errorQuery} and ${f.totalQuery}) or raw (${f.errorRatioQuery}).`,
    });
    return undefined;
  }
  if (kinds[0] === 'plugin') {
    const plugin = sli.map('plugin', 'a Sloth SLI plugin', ['id', 'options']);
    ctx.problems.add({
      path: sli.at('plugin'),
      message: 'is a Sloth SLI plugin, which has no equivalent in the stack (a plugin is Go code Sloth runs to write the query)',
      value: plugin?.raw('id') ?? null,
      fix: `replace it with sli.events (${f.errorQuery}/${f.totalQuery}) or sli.raw (${f.errorRatioQuery}) holding the queries the plugin generates (sloth generate prints them).`,
    });
    return undefined;
  }
  const placeholderFix = (key: string): string => `write the range of every rate as [{{.window}}], e.g. ${key}: sum(rate(http_requests_total{code=~"5.."}[{{.window}}])); Sloth requires it too.`;
  const query = (m: YamlMap, key: string): string | undefined => {
    const q = m.str(key, true, placeholderFix(key));
    if (q === undefined) return undefined;
    const out = translateWindow(q, m.at(key), ctx);
    if (out !== undefined && !out.includes('{{window}}')) {
      ctx.problems.add({ path: m.at(key), message: 'must contain the {{.window}} placeholder', value: q, fix: placeholderFix(key) });
      return undefined;
    }
    return out;
  };
  if (kinds[0] === 'events') {
    const ev = sli.map('events', 'a Sloth events SLI', [f.errorQuery, f.totalQuery]);
    if (!ev) return undefined;
    const errorQuery = query(ev, f.errorQuery);
    const totalQuery = query(ev, f.totalQuery);
    if (errorQuery === undefined || totalQuery === undefined) return undefined;
    if (errorQuery === totalQuery) {
      ctx.problems.add({ path: ev.at(f.errorQuery), message: `is the same query as ${f.totalQuery} (the error ratio would always be 1)`, value: ev.raw(f.errorQuery), fix: `count only the bad events in ${f.errorQuery}; Sloth rejects this too.` });
      return undefined;
    }
    return { kind: 'raw', errorQuery, totalQuery };
  }
  const raw = sli.map('raw', 'a Sloth raw SLI', [f.errorRatioQuery]);
  if (!raw) return undefined;
  const ratio = query(raw, f.errorRatioQuery);
  if (ratio === undefined) return undefined;
  ctx.warnings.push(
    timeAveragedWarning(raw.at(f.errorRatioQuery), "Sloth's raw error-ratio SLI", `to weight by traffic, write sli.events with ${f.errorQuery} and ${f.totalQuery} instead.`),
  );
  return timeAveragedSli(ratio);
}

function withoutSeverity(labels: Readonly<Record<string, string>>): Record<string, string> {
  const rest: Record<string, string> = { ...labels };
  delete rest.severity;
  return rest;
}

/** Checks alert labels where they were written; `severity` is allowed (it becomes the tier's severity). */
function checkAlertLabels(labels: Readonly<Record<string, string>>, path: string, ctx: ImportContext): void {
  checkLabelMap(withoutSeverity(labels), path, ctx);
  if (labels.severity === '') ctx.problems.add({ path: `${path}.severity`, message: 'must not be empty', value: '', fix: 'give a severity or remove the label.' });
}

/** One alert tier: Sloth merges `alerting.labels/annotations` under the tier's own, and `disable` drops the alert. */
function readTier(alerting: YamlMap | undefined, key: string, shared: Readonly<Record<string, string>>, ctx: ImportContext): { enabled: boolean; spec?: TierSpec } {
  const tier = alerting?.map(key, 'a Sloth alert', ['disable', 'labels', 'annotations']);
  if (tier?.bool('disable') === true) return { enabled: false };
  const own = tier?.stringMap('labels', STRING_FIX) ?? {};
  const annotations = tier?.stringMap('annotations', STRING_FIX);
  checkAlertLabels(own, `${tier?.path}.labels`, ctx);
  const labels = { ...withoutSeverity(shared), ...withoutSeverity(own) };
  const severity = own.severity || shared.severity;
  checkAnnotationMap(annotations, `${tier?.path}.annotations`, ctx);
  const spec: TierSpec = {
    ...(severity ? { severity } : {}),
    ...(Object.keys(labels).length > 0 ? { labels: sorted(labels) } : {}),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations: sorted(annotations) } : {}),
  };
  return Object.keys(spec).length > 0 ? { enabled: true, spec } : { enabled: true };
}

function sorted(r: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}

function readSlo(value: unknown, path: string, service: string | undefined, f: FieldNames, options: SlothImportOptions, ctx: ImportContext): SloSpec | undefined {
  const slo = YamlMap.from(value, path, ctx, 'a Sloth SLO', ['name', 'objective', 'description', 'labels', 'plugins', 'sli', 'alerting']);
  if (!slo) return undefined;
  const before = ctx.problems.list.length;
  const name = slo.str('name', true);
  checkName(name, slo.at('name'), 'an SLO name', ctx, service ? ` (sloth_id becomes "${service}-${suggest(name)}")` : '');
  const objective = slo.num('objective', true, 'write the percentage of good events, e.g. objective: 99.9.');
  if (objective !== undefined && (objective <= 0 || objective >= 100)) {
    ctx.problems.add({
      path: slo.at('objective'),
      message: objective === 100 ? 'is 100, which leaves no error budget: Sloth accepts it, but no burn rate can be computed against a zero budget' : 'must be a percentage strictly between 0 and 100',
      value: objective,
      fix: 'write e.g. 99.9 for "99.9% of events are good".',
    });
  }
  const description = slo.str('description');
  const labels = slo.stringMap('labels', STRING_FIX);
  checkLabelMap(labels, slo.at('labels'), ctx);
  checkPlugins(slo, 'plugins', ctx);
  const sli = readSli(slo, f, ctx);

  const alerting = slo.map('alerting', 'Sloth alerting', ['name', 'labels', 'annotations', f.pageAlert, f.ticketAlert]);
  const alertLabels = alerting?.stringMap('labels', STRING_FIX) ?? {};
  checkAlertLabels(alertLabels, `${alerting?.path}.labels`, ctx);
  const alertAnnotations = alerting?.stringMap('annotations', STRING_FIX);
  checkAnnotationMap(alertAnnotations, `${alerting?.path}.annotations`, ctx);
  const page = readTier(alerting, f.pageAlert, alertLabels, ctx);
  const ticket = readTier(alerting, f.ticketAlert, alertLabels, ctx);
  const alertName = alerting?.str('name');
  if ((page.enabled || ticket.enabled) && alertName === undefined) {
    ctx.problems.add({
      path: `${slo.path}.alerting.name`,
      message: 'is required while the page or the ticket alert is enabled',
      fix: `name the alerts (alerting.name: MyServiceHighErrorRate), or disable both with ${f.pageAlert}.disable and ${f.ticketAlert}.disable; Sloth requires the same.`,
    });
  } else if (alertName !== undefined && !ALERT_NAME.test(alertName)) {
    ctx.problems.add({ path: alerting!.at('name'), message: 'is not a valid alert name', value: alertName, fix: 'use [a-zA-Z_][a-zA-Z0-9_]*, e.g. MyServiceHighErrorRate.' });
  }
  if (ctx.problems.list.length > before || name === undefined || objective === undefined || !sli) return undefined;

  const runbook = alertAnnotations?.runbook;
  const own = sloLabels(labels, options);
  return {
    name,
    objective,
    sli,
    ...(options.period !== undefined ? { period: options.period } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(own ? { labels: own } : {}),
    ...(page.enabled ? (page.spec ? { page: page.spec } : {}) : { page: false }),
    ...(ticket.enabled ? (ticket.spec ? { ticket: ticket.spec } : {}) : { ticket: false }),
    ...(alertName !== undefined && (page.enabled || ticket.enabled) ? { alertName } : {}),
    ...(alertAnnotations && Object.keys(alertAnnotations).length > 0 ? { alertAnnotations: sorted(alertAnnotations) } : {}),
    ...(runbook !== undefined && /^https?:\/\/\S+$/.test(runbook) ? { annotations: { runbookUrl: runbook } } : {}),
    ...guard(options),
  };
}

function suggest(name: string | undefined): string {
  return (name ?? '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The service, labels and SLOs of one spec body (the prometheus/v1 document, or the resource's `spec`). */
function readBody(body: YamlMap, f: FieldNames, options: SlothImportOptions, ctx: ImportContext): ServiceGroup | undefined {
  const before = ctx.problems.list.length;
  const service = body.str('service', true, 'name the service, e.g. service: "myservice".');
  const serviceOk = checkName(service, body.at('service'), 'a service name', ctx, ' (sloth_id and sloth_service change with it)');
  const labels = body.stringMap('labels', STRING_FIX) ?? {};
  checkLabelMap(labels, body.at('labels'), ctx);
  checkPlugins(body, f.sloPlugins, ctx);
  const list = body.list('slos', true, 'declare at least one SLO under slos; Sloth requires one too.');
  if (list && list.length === 0) ctx.problems.add({ path: body.at('slos'), message: 'must hold at least one SLO', value: [], fix: 'declare the SLOs of the service; Sloth requires one too.' });
  const slos: SloSpec[] = [];
  const sloPaths: string[] = [];
  (list ?? []).forEach((v, i) => {
    const path = `${body.at('slos')}[${i}]`;
    const slo = readSlo(v, path, serviceOk ? service : undefined, f, options, ctx);
    if (slo) {
      slos.push(slo);
      sloPaths.push(path);
    }
  });
  if (ctx.problems.list.length > before || !service) return undefined;
  return { service, labels, slos, sloPaths };
}

function readDocument(doc: YamlDocument, options: SlothImportOptions, ctx: ImportContext): ServiceGroup | undefined {
  const v = doc.value as Record<string, unknown>;
  const isObject = v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject && 'version' in v) {
    const spec = YamlMap.from(v, doc.path, ctx, SPEC_FIELDS.form, ['version', 'service', 'labels', 'slo_plugins', 'slos']);
    if (!spec) return undefined;
    const version = spec.str('version', true);
    if (version !== undefined && version !== SLOTH_VERSION) {
      ctx.problems.add({ path: spec.at('version'), message: 'is not a Sloth spec version the stack imports', value: version, fix: `use version: "${SLOTH_VERSION}" (Sloth's only spec version).` });
      return undefined;
    }
    return readBody(spec, SPEC_FIELDS, options, ctx);
  }
  if (isObject && ('apiVersion' in v || 'kind' in v)) {
    const name = v.metadata && typeof v.metadata === 'object' ? (v.metadata as { name?: unknown }).name : undefined;
    const path = `${doc.path}(${String(v.kind ?? '?')}/${String(name ?? '?')})`;
    const res = YamlMap.from(v, path, ctx, `a ${K8S_KIND} resource`, ['apiVersion', 'kind', 'metadata', 'spec'], ['status']);
    if (!res) return undefined;
    const apiVersion = res.str('apiVersion', true);
    const kind = res.str('kind', true);
    if (typeof apiVersion === 'string' && apiVersion.startsWith('openslo/')) {
      ctx.problems.add({ path: res.at('apiVersion'), message: 'is an OpenSLO object, not a Sloth spec', value: apiVersion, fix: 'import it with importOpenSlo.' });
      return undefined;
    }
    if (apiVersion !== K8S_API_VERSION || kind !== K8S_KIND) {
      ctx.problems.add({
        path: res.path,
        message: `is not a Sloth resource the stack imports (apiVersion ${K8S_API_VERSION}, kind ${K8S_KIND})`,
        value: `${String(apiVersion)}/${String(kind)}`,
        fix: `import ${K8S_KIND} resources (or prometheus/v1 specs) only; leave other objects out of the input.`,
      });
      return undefined;
    }
    // metadata (name, namespace, labels, ...) is the Kubernetes object's own and does not reach the rules, as in Sloth.
    const body = res.map('spec', `a ${K8S_KIND} spec`, ['service', 'labels', 'sloPlugins', 'slos'], true, 'give spec.service and spec.slos.');
    return body ? readBody(body, K8S_FIELDS, options, ctx) : undefined;
  }
  ctx.problems.add({
    path: doc.path,
    message: `is neither a Sloth prometheus/v1 spec (version: "${SLOTH_VERSION}") nor a ${K8S_KIND} resource (apiVersion: ${K8S_API_VERSION})`,
    value: isObject ? Object.keys(v) : v,
    fix: 'import Sloth specs only; each YAML document holds one spec.',
  });
  return undefined;
}

/**
 * Imports Sloth SLO specs from YAML text: one or many documents (`---`), each a `prometheus/v1` spec or a
 * `PrometheusServiceLevel` resource. Returns the service specs (documents naming the same service merged) and the
 * warnings of lossy mappings; throws one ConfigError listing every problem, each naming its document and field
 * (`sloth#2.slos[0].sli.plugin: ...`), when something has no equivalent in the stack.
 *
 * @example
 * const { services, warnings } = importSloth(readFileSync('slos/myservice.yml', 'utf8'), { source: 'slos/myservice.yml' });
 * warnings.forEach((w) => console.warn(formatProblem(w)));
 * new ObservabilityStack(app, 'observability', { services });
 */
export function importSloth(text: string, options: SlothImportOptions = {}): SloImportResult {
  const source = options.source ?? 'sloth';
  const ctx = newImportContext();
  checkOptions(options, ctx);
  if (options.period !== undefined) checkPeriod(options.period, 'options.period', windowTables(options), ctx, '');
  const docs = loadDocuments(text, source, ctx);
  if (docs.length === 0 && ctx.problems.list.length === 0) {
    ctx.problems.add({ path: source, message: 'holds no Sloth spec', fix: `give at least one document with version: "${SLOTH_VERSION}" or kind: ${K8S_KIND}.` });
  }
  const groups = docs.map((d) => readDocument(d, options, ctx)).filter((g): g is ServiceGroup => g !== undefined);
  const services = mergeServiceGroups(groups, ctx);
  ctx.problems.throwIfAny();
  return { services, warnings: ctx.warnings };
}
