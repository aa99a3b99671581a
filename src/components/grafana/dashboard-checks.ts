import { ConfigProblem, formatValue } from '../../common/errors';
import { labelNameProblems } from '../../common/validation';
import { logqlProblems, promqlProblems } from '../../promql';
import { GrafanaDatasource } from './config';

/*
 * Synth-time checks of a dashboard as Grafana will load it (the provisioned JSON, parsed back): every datasource a
 * panel, query, variable or annotation references is provisioned (by uid, or by name for legacy string references)
 * or is one of Grafana's built-ins, and every query is valid in its datasource's language — PromQL for Prometheus
 * targets, LogQL for Loki targets — with Grafana's variables and macros (`$__rate_interval`, `$service`, ...)
 * standing in for durations and names.
 *
 * Datasource references: https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 * Built-in datasources ("-- Grafana --", "-- Mixed --", "-- Dashboard --"):
 *   https://grafana.com/docs/grafana/latest/datasources/#special-data-sources
 * Prometheus variable queries (label_values, label_names, metrics, query_result):
 *   https://grafana.com/docs/grafana/latest/datasources/prometheus/template-variables/#use-query-variables
 */

/** Grafana's special datasources, by uid: they need no provisioning. */
export const GRAFANA_BUILTIN_DATASOURCES: Readonly<Record<string, string>> = {
  '-- Grafana --': 'grafana',
  grafana: 'grafana',
  '-- Mixed --': 'mixed',
  '-- Dashboard --': 'dashboard',
};

type Json = Record<string, unknown>;

/** What a reference resolved to: a datasource plugin type (`prometheus`, `loki`, `mixed`, ...), or nothing known. */
interface Resolved {
  readonly type?: string;
}

interface Context {
  readonly path: string;
  readonly datasources: readonly GrafanaDatasource[];
  /** Datasource-type variables: name → plugin type they select (`prometheus`), if known. */
  readonly datasourceVariables: ReadonlyMap<string, string | undefined>;
  readonly problems: ConfigProblem[];
  /** Unknown datasource references, by uid or name: the first place and how many places use it (reported once). */
  readonly unknown: Map<string, { path: string; value: unknown; count: number }>;
}

function unknownDatasource(ctx: Context, key: string, path: string, value: unknown): void {
  const seen = ctx.unknown.get(key);
  if (seen) seen.count++;
  else ctx.unknown.set(key, { path, value, count: 1 });
}

const VARIABLE_REF = /^(?:\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\])$/;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function known(ctx: Context): string {
  const uids = ctx.datasources.map((d) => formatValue(d.uid));
  const provisioned = uids.length > 0 ? `one of the provisioned datasource uids (${uids.join(', ')})` : 'a provisioned datasource (none is: give Grafana a backend)';
  return `use ${provisioned}, a built-in ("-- Grafana --", "-- Mixed --", "-- Dashboard --") or a datasource variable ("\${datasource}")`;
}

/**
 * Resolves a datasource reference (`{ type, uid }`, a legacy name string, or absent for the default datasource).
 * Reports references to datasources that are not provisioned and `type`s that contradict the provisioned one.
 */
function resolve(ref: unknown, path: string, ctx: Context, inherited: Resolved | undefined): Resolved | undefined {
  if (ref === undefined || ref === null) {
    if (inherited) return inherited;
    const def = ctx.datasources.find((d) => d.isDefault);
    return def ? { type: def.type } : undefined;
  }
  if (typeof ref === 'string') {
    const variable = VARIABLE_REF.exec(ref);
    if (variable) return resolveVariable(variable[1] ?? variable[2] ?? variable[3], ref, path, ctx);
    if (GRAFANA_BUILTIN_DATASOURCES[ref]) return { type: GRAFANA_BUILTIN_DATASOURCES[ref] };
    const byName = ctx.datasources.find((d) => d.name === ref || d.uid === ref);
    if (byName) return { type: byName.type };
    unknownDatasource(ctx, ref, path, ref);
    return {};
  }
  if (!isObject(ref)) {
    ctx.problems.push({ path, message: 'must be a datasource reference { type, uid }', value: ref, fix: `${known(ctx)}.` });
    return {};
  }
  const uid = ref.uid;
  const type = typeof ref.type === 'string' ? ref.type : undefined;
  if (uid === undefined || uid === null || uid === '') {
    // `{ type: 'prometheus' }` alone: Grafana picks the default datasource of that type.
    if (type === undefined) return resolve(undefined, path, ctx, inherited);
    if (ctx.datasources.some((d) => d.type === type) || Object.values(GRAFANA_BUILTIN_DATASOURCES).includes(type) || type === 'datasource') return { type };
    ctx.problems.push({ path, message: `asks for a datasource of type "${type}", but none is provisioned`, value: ref, fix: `${known(ctx)}.` });
    return {};
  }
  if (typeof uid !== 'string') {
    ctx.problems.push({ path: `${path}.uid`, message: 'must be a string', value: uid, fix: `${known(ctx)}.` });
    return {};
  }
  const variable = VARIABLE_REF.exec(uid);
  if (variable) return resolveVariable(variable[1] ?? variable[2] ?? variable[3], uid, `${path}.uid`, ctx);
  if (GRAFANA_BUILTIN_DATASOURCES[uid]) return { type: GRAFANA_BUILTIN_DATASOURCES[uid] };
  const ds = ctx.datasources.find((d) => d.uid === uid);
  if (!ds) {
    unknownDatasource(ctx, uid, `${path}.uid`, uid);
    return {};
  }
  if (type !== undefined && type !== ds.type && type !== 'datasource') {
    ctx.problems.push({
      path: `${path}.type`,
      message: `contradicts the provisioned datasource "${uid}", which is of type "${ds.type}"`,
      value: type,
      fix: `write { type: "${ds.type}", uid: "${uid}" }.`,
    });
  }
  return { type: ds.type };
}

function resolveVariable(name: string, ref: string, path: string, ctx: Context): Resolved {
  if (!ctx.datasourceVariables.has(name)) {
    ctx.problems.push({
      path,
      message: `references the variable "${name}", but the dashboard has no datasource variable of that name`,
      value: ref,
      fix: `add a datasource variable named "${name}" (DatasourceVariableBuilder), or reference a provisioned datasource by uid.`,
    });
    return {};
  }
  return { type: ctx.datasourceVariables.get(name) };
}

/** Checks a query expression in the language of its datasource. */
function checkExpr(expr: unknown, type: string | undefined, path: string, ctx: Context): void {
  if (expr === undefined) return;
  if (type === 'prometheus') ctx.problems.push(...promqlProblems(expr as string, path, { placeholders: true }));
  else if (type === 'loki') ctx.problems.push(...logqlProblems(expr as string, path, { placeholders: true }));
}

function checkTargets(targets: unknown, panelDs: Resolved | undefined, path: string, ctx: Context): void {
  if (!Array.isArray(targets)) return;
  targets.forEach((t, i) => {
    if (!isObject(t)) return;
    const at = `${path}.targets[${i}]`;
    const ds = resolve(t.datasource, `${at}.datasource`, ctx, panelDs?.type === 'mixed' ? undefined : panelDs);
    checkExpr(t.expr, ds?.type, `${at}.expr`, ctx);
  });
}

function checkPanels(panels: unknown, path: string, ctx: Context): void {
  if (!Array.isArray(panels)) return;
  panels.forEach((p, i) => {
    if (!isObject(p)) return;
    const at = `${path}[${i}]`;
    if (p.type === 'row') {
      // A collapsed row carries its panels; an expanded one has none (they follow it at the top level).
      checkPanels(p.panels, `${at}.panels`, ctx);
      return;
    }
    const hasQueries = Array.isArray(p.targets) && p.targets.length > 0;
    const ds = p.datasource !== undefined || hasQueries ? resolve(p.datasource, `${at}.datasource`, ctx, undefined) : undefined;
    if (hasQueries && p.datasource === undefined && ds === undefined) {
      ctx.problems.push({ path: `${at}.datasource`, message: 'is not set and no default datasource is provisioned', value: undefined, fix: `set the panel's datasource; ${known(ctx)}.` });
    }
    checkTargets(p.targets, ds, at, ctx);
  });
}

const LABEL_VALUES = /^\s*label_values\(\s*(?:(.*?)\s*,\s*)?([^,()\s]+)\s*\)\s*$/s;
const LABEL_NAMES = /^\s*label_names\(\s*(.*?)\s*\)\s*$/s;
const QUERY_RESULT = /^\s*query_result\(\s*(.*)\s*\)\s*$/s;
const METRICS = /^\s*metrics\(.*\)\s*$/s;

/** A Prometheus variable query: one of Grafana's query functions, or a series selector. */
function checkPrometheusVariableQuery(query: string, path: string, ctx: Context): void {
  const options = { placeholders: true };
  if (METRICS.test(query)) return;
  const values = LABEL_VALUES.exec(query);
  if (values) {
    if (values[1] !== undefined && values[1] !== '') ctx.problems.push(...promqlProblems(values[1], path, options));
    if (!/^\$|^\[\[/.test(values[2])) ctx.problems.push(...labelNameProblems(values[2], path, { allowReserved: true }));
    return;
  }
  const names = LABEL_NAMES.exec(query);
  if (names) {
    if (names[1] !== '') ctx.problems.push(...promqlProblems(names[1], path, options));
    return;
  }
  const result = QUERY_RESULT.exec(query);
  ctx.problems.push(...promqlProblems(result ? result[1] : query, path, options));
}

function checkVariables(list: unknown, path: string, ctx: Context): void {
  if (!Array.isArray(list)) return;
  list.forEach((v, i) => {
    if (!isObject(v)) return;
    const at = `${path}[${i}]`;
    if (v.type !== 'query') return;
    const ds = resolve(v.datasource, `${at}.datasource`, ctx, undefined);
    const query = isObject(v.query) ? v.query.query ?? v.query.expr : v.query;
    if (typeof query !== 'string' || query.trim() === '') return;
    if (ds?.type === 'prometheus') checkPrometheusVariableQuery(query, `${at}.query`, ctx);
    else if (ds?.type === 'loki' && !/^\s*label_(names|values)\(/.test(query)) ctx.problems.push(...logqlProblems(query, `${at}.query`, { placeholders: true }));
  });
}

function checkAnnotations(list: unknown, path: string, ctx: Context): void {
  if (!Array.isArray(list)) return;
  list.forEach((a, i) => {
    if (!isObject(a)) return;
    const at = `${path}[${i}]`;
    const ds = resolve(a.datasource, `${at}.datasource`, ctx, undefined);
    checkExpr(a.expr, ds?.type, `${at}.expr`, ctx);
    if (isObject(a.target)) checkExpr(a.target.expr, ds?.type, `${at}.target.expr`, ctx);
  });
}

/**
 * Every problem of a dashboard model (as provisioned: the JSON parsed back) against the datasources Grafana is given.
 * `path` names the dashboard, e.g. `observability/Grafana.dashboards[obs-slo-overview]`.
 */
export function dashboardProblems(model: unknown, datasources: readonly GrafanaDatasource[], path: string): ConfigProblem[] {
  if (!isObject(model)) return [{ path, message: 'must be a dashboard object', value: model, fix: 'pass new DashboardBuilder(...).build().' }];
  const templating = isObject(model.templating) ? model.templating.list : undefined;
  const datasourceVariables = new Map<string, string | undefined>();
  if (Array.isArray(templating)) {
    for (const v of templating) {
      if (isObject(v) && v.type === 'datasource' && typeof v.name === 'string') {
        datasourceVariables.set(v.name, typeof v.query === 'string' && v.query !== '' ? v.query : undefined);
      }
    }
  }
  const ctx: Context = { path, datasources, datasourceVariables, problems: [], unknown: new Map() };
  checkVariables(templating, `${path}.templating.list`, ctx);
  checkAnnotations(isObject(model.annotations) ? model.annotations.list : undefined, `${path}.annotations.list`, ctx);
  checkPanels(model.panels, `${path}.panels`, ctx);
  const unknown: ConfigProblem[] = [...ctx.unknown.values()].map((u) => ({
    path: u.path,
    message: `names a datasource that is not provisioned${u.count === 2 ? ' (as does 1 more reference in this dashboard)' : u.count > 2 ? ` (as do ${u.count - 1} more references in this dashboard)` : ''}`,
    value: u.value,
    fix: `${known(ctx)}.`,
  }));
  return [...unknown, ...ctx.problems];
}
