import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as common from '@grafana/grafana-foundation-sdk/common';

/**
 * A typed structural check of provisioned dashboard JSON against the Grafana foundation SDK's types. The TypeScript
 * SDK ships types and builders but no unmarshal or validation helper, so the shapes below are written out field by
 * field, each as a mapped type over the SDK interface (`{ [K in keyof Required<dashboard.Panel>]: ... }`): when the
 * SDK gains, renames or drops a field, this file stops compiling. At run time every object must
 *  - have every field the SDK marks required, with the right JSON type (and enum values from the SDK's enums), and
 *  - have no field the SDK type does not declare (what Grafana would ignore is a mistake here).
 * `dashboardShapeProblems` returns one line per problem, with a JSON path.
 */

type Check = (v: unknown) => boolean;
/** `[check, required]` for one field. */
type Field = readonly [Check, boolean];
type Shape<T> = { readonly [K in keyof Required<T>]: Field };

const isString: Check = (v) => typeof v === 'string';
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isBoolean: Check = (v) => typeof v === 'boolean';
const isObject: Check = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isArray: Check = (v) => Array.isArray(v);
const oneOf = (values: readonly unknown[]): Check => (v) => values.includes(v);
const enumValues = (e: Record<string, string | number>): readonly unknown[] => Object.values(e);
const either = (...checks: Check[]): Check => (v) => checks.some((c) => c(v));

const req = (c: Check): Field => [c, true];
const opt = (c: Check): Field => [c, false];

const DATASOURCE_REF: Shape<common.DataSourceRef> = { type: opt(isString), uid: opt(isString) };

const GRID_POS: Shape<dashboard.GridPos> = { h: req(isNumber), w: req(isNumber), x: req(isNumber), y: req(isNumber), static: opt(isBoolean) };

const DASHBOARD: Shape<dashboard.Dashboard> = {
  id: opt(either(isNumber, (v) => v === null)),
  uid: req(isString), // optional in the SDK; provisioning requires a stable one (Grafana.addDashboard enforces it)
  title: req(isString),
  description: opt(isString),
  revision: opt(isNumber),
  gnetId: opt(isString),
  tags: opt(isArray),
  timezone: opt(isString),
  editable: opt(isBoolean),
  graphTooltip: opt(oneOf(enumValues(dashboard.DashboardCursorSync as unknown as Record<string, number>))),
  time: opt(isObject),
  timepicker: opt(isObject),
  fiscalYearStartMonth: opt(isNumber),
  liveNow: opt(isBoolean),
  weekStart: opt(isString),
  refresh: opt(isString),
  schemaVersion: req(isNumber),
  version: opt(isNumber),
  panels: opt(isArray),
  templating: req(isObject),
  annotations: req(isObject),
  links: opt(isArray),
  snapshot: opt(isObject),
  preload: opt(isBoolean),
};

const PANEL: Shape<dashboard.Panel> = {
  type: req(isString),
  id: opt(isNumber),
  pluginVersion: opt(isString),
  targets: opt(isArray),
  title: opt(isString),
  description: opt(isString),
  transparent: opt(isBoolean),
  datasource: opt(isObject),
  gridPos: req(isObject), // optional in the SDK; without it Grafana stacks panels at 0,0
  links: opt(isArray),
  repeat: opt(isString),
  repeatDirection: opt(oneOf(['h', 'v'])),
  maxPerRow: opt(isNumber),
  maxDataPoints: opt(isNumber),
  transformations: opt(isArray),
  interval: opt(isString),
  timeFrom: opt(isString),
  timeShift: opt(isString),
  hideTimeOverride: opt(isBoolean),
  timeCompare: opt(isString),
  libraryPanel: opt(isObject),
  cacheTimeout: opt(isString),
  queryCachingTTL: opt(isNumber),
  options: opt(isObject),
  fieldConfig: opt(isObject),
};

const ROW_PANEL: Shape<dashboard.RowPanel> = {
  type: req(oneOf(['row'])),
  collapsed: req(isBoolean),
  title: opt(isString),
  datasource: opt(isObject),
  gridPos: opt(isObject),
  id: req(isNumber),
  panels: req(isArray),
  repeat: opt(isString),
};

const FIELD_CONFIG_SOURCE: Shape<dashboard.FieldConfigSource> = { defaults: req(isObject), overrides: req(isArray) };

const VARIABLE: Shape<dashboard.VariableModel> = {
  type: req(oneOf(enumValues(dashboard.VariableType as unknown as Record<string, string>))),
  name: req(isString),
  label: opt(isString),
  hide: opt(oneOf(enumValues(dashboard.VariableHide as unknown as Record<string, number>))),
  skipUrlSync: opt(isBoolean),
  description: opt(isString),
  query: opt(either(isString, isObject)),
  datasource: opt(isObject),
  current: opt(isObject),
  multi: opt(isBoolean),
  allowCustomValue: opt(isBoolean),
  options: opt(isArray),
  refresh: opt(oneOf(enumValues(dashboard.VariableRefresh as unknown as Record<string, number>))),
  sort: opt(oneOf(enumValues(dashboard.VariableSort as unknown as Record<string, number>))),
  includeAll: opt(isBoolean),
  allValue: opt(isString),
  regex: opt(isString),
  staticOptions: opt(isArray),
  staticOptionsOrder: opt(oneOf(['before', 'after', 'sorted'])),
  auto: opt(isBoolean),
  auto_min: opt(isString),
  auto_count: opt(isNumber),
  definition: opt(isString),
};

const ANNOTATION: Shape<dashboard.AnnotationQuery> = {
  name: req(isString),
  datasource: opt(isObject),
  enable: req(isBoolean),
  hide: opt(isBoolean),
  iconColor: req(isString),
  filter: opt(isObject),
  target: opt(isObject),
  type: opt(isString),
  builtIn: opt(isNumber),
  placement: opt(isString),
  expr: opt(isString),
  textFormat: opt(isString),
  titleFormat: opt(isString),
  tagKeys: opt(isString),
  step: opt(isString),
  useValueForTime: opt(isBoolean),
  mappings: opt(isObject),
};

/** The Prometheus query variant (the SDK's `_implementsDataqueryVariant` marker is not data). */
const PROMETHEUS_QUERY: Shape<Omit<prometheus.Dataquery, '_implementsDataqueryVariant'>> = {
  adhocFilters: opt(isArray),
  datasource: opt(isObject),
  editorMode: opt(isString),
  exemplar: opt(isBoolean),
  expr: req(isString),
  format: opt(isString),
  groupByKeys: opt(isArray),
  hide: opt(isBoolean),
  instant: opt(isBoolean),
  intervalFactor: opt(isNumber),
  intervalMs: opt(isNumber),
  legendFormat: opt(isString),
  maxDataPoints: opt(isNumber),
  queryType: opt(isString),
  range: opt(isBoolean),
  refId: req(isString), // optional in the SDK; Grafana needs it to tell a panel's queries apart
  resultAssertions: opt(isObject),
  scopes: opt(isArray),
  timeRange: opt(isObject),
  interval: opt(isString),
};

function checkShape<T>(value: unknown, shape: Shape<T>, path: string, out: string[]): value is Record<string, unknown> {
  if (!isObject(value)) {
    out.push(`${path}: must be an object (got ${JSON.stringify(value)})`);
    return false;
  }
  const obj = value as Record<string, unknown>;
  const fields = shape as Record<string, Field>;
  for (const [key, [check, required]] of Object.entries(fields)) {
    if (obj[key] === undefined) {
      if (required) out.push(`${path}.${key}: is required`);
    } else if (!check(obj[key])) {
      out.push(`${path}.${key}: has the wrong type or value (got ${JSON.stringify(obj[key])})`);
    }
  }
  for (const key of Object.keys(obj)) {
    if (!(key in fields)) out.push(`${path}.${key}: is not a field of the SDK type`);
  }
  return true;
}

function checkPanels(panels: unknown[], path: string, out: string[], ids: Map<number, string>): void {
  panels.forEach((item, i) => {
    const p = item as Record<string, unknown>;
    const at = `${path}[${i}]`;
    const row = isObject(p) && p.type === 'row';
    if (!(row ? checkShape(p, ROW_PANEL, at, out) : checkShape(p, PANEL, at, out))) return;
    if (!isObject(p)) return;
    if (typeof p.id === 'number') {
      if (ids.has(p.id)) out.push(`${at}.id: ${p.id} is also the id of ${ids.get(p.id)}`);
      ids.set(p.id, at);
    }
    if (p.datasource !== undefined) checkShape(p.datasource, DATASOURCE_REF, `${at}.datasource`, out);
    if (isObject(p.gridPos) && checkShape(p.gridPos, GRID_POS, `${at}.gridPos`, out)) {
      const g = p.gridPos as unknown as dashboard.GridPos;
      if (g.x < 0 || g.w < 1 || g.x + g.w > 24) out.push(`${at}.gridPos: does not fit the 24-column grid (x=${g.x}, w=${g.w})`);
    }
    if (row) {
      checkPanels(p.panels as unknown[], `${at}.panels`, out, ids);
      return;
    }
    if (p.fieldConfig !== undefined) checkShape(p.fieldConfig, FIELD_CONFIG_SOURCE, `${at}.fieldConfig`, out);
    const refIds = new Set<string>();
    ((p.targets as unknown[] | undefined) ?? []).forEach((t, j) => {
      const tat = `${at}.targets[${j}]`;
      // Every target of the stack's dashboards is a Prometheus query (the only datasource they use).
      if (!checkShape(t, PROMETHEUS_QUERY, tat, out)) return;
      if (t.datasource !== undefined) checkShape(t.datasource, DATASOURCE_REF, `${tat}.datasource`, out);
      if (typeof t.refId === 'string') {
        if (refIds.has(t.refId)) out.push(`${tat}.refId: "${t.refId}" repeats in the panel`);
        refIds.add(t.refId);
      }
    });
  });
}

/** Every structural problem of a dashboard JSON document (empty when it matches the SDK's `dashboard.Dashboard`). */
export function dashboardShapeProblems(json: unknown, path = '$'): string[] {
  const out: string[] = [];
  if (!checkShape(json, DASHBOARD, path, out)) return out;
  const templating = json.templating as Record<string, unknown> | undefined;
  if (templating !== undefined && isObject(templating)) {
    for (const key of Object.keys(templating)) if (key !== 'list') out.push(`${path}.templating.${key}: is not a field of the SDK type`);
    const names = new Set<string>();
    ((templating.list as unknown[] | undefined) ?? []).forEach((v, i) => {
      const at = `${path}.templating.list[${i}]`;
      if (!checkShape(v, VARIABLE, at, out)) return;
      if (v.datasource !== undefined) checkShape(v.datasource, DATASOURCE_REF, `${at}.datasource`, out);
      if (typeof v.name === 'string') {
        if (names.has(v.name)) out.push(`${at}.name: "${v.name}" repeats`);
        names.add(v.name);
      }
    });
  }
  const annotations = json.annotations as Record<string, unknown> | undefined;
  if (annotations !== undefined && isObject(annotations)) {
    for (const key of Object.keys(annotations)) if (key !== 'list') out.push(`${path}.annotations.${key}: is not a field of the SDK type`);
    ((annotations.list as unknown[] | undefined) ?? []).forEach((a, i) => {
      const at = `${path}.annotations.list[${i}]`;
      if (checkShape(a, ANNOTATION, at, out) && a.datasource !== undefined) checkShape(a.datasource, DATASOURCE_REF, `${at}.datasource`, out);
    });
  }
  checkPanels((json.panels as unknown[] | undefined) ?? [], `${path}.panels`, out, new Map());
  return out;
}
