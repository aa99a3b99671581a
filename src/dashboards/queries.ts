import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { DATASOURCE_UIDS } from '../conventions';
import { sdk } from './sdk';

/**
 * Query factories shared by every dashboard of the stack. Queries are bound to the provisioned Prometheus datasource
 * by its stable uid (`DATASOURCE_UIDS.prometheus`), never by name or a generated id, so a dashboard keeps working when
 * the datasource is renamed or Grafana is reinstalled.
 */

/** The Prometheus datasource the Grafana construct provisions. */
export const PROMETHEUS_DATASOURCE: DataSourceRef = { type: 'prometheus', uid: DATASOURCE_UIDS.prometheus };

/**
 * Grafana's rate window: at least four scrape intervals, grows with the dashboard step
 * (https://grafana.com/docs/grafana/latest/datasources/prometheus/template-variables/#use-__rate_interval).
 */
export const RATE_INTERVAL = '$__rate_interval';

export interface PromQueryOptions {
  /** Legend template, e.g. `{{service}}`. @default - Grafana's default (the series labels) */
  readonly legend?: string;
  /** Query id inside its panel. @default 'A' */
  readonly refId?: string;
  /** `heatmap` for histogram buckets drawn by a heatmap panel; `table` for tables. @default 'time_series' */
  readonly format?: 'time_series' | 'table' | 'heatmap';
  /** Evaluate once at the end of the range (stat panels, tables) instead of over the range. @default false */
  readonly instant?: boolean;
  /** Minimum step, e.g. `1m`. @default - the datasource's scrape interval */
  readonly interval?: string;
  /** Fetch exemplars (trace ids) along with the series. @default false */
  readonly exemplar?: boolean;
}

/** The SDK's format of a query (a function, not a table: the SDK loads on first use, see ./sdk). */
function queryFormat(format: NonNullable<PromQueryOptions['format']>): prometheus.PromQueryFormat {
  const f = sdk.prometheus.PromQueryFormat;
  return { time_series: f.TimeSeries, table: f.Table, heatmap: f.Heatmap }[format];
}

/** A PromQL query target against the stack's Prometheus datasource. */
export function promQuery(expr: string, options: PromQueryOptions = {}): prometheus.DataqueryBuilder {
  const q = new sdk.prometheus.DataqueryBuilder()
    .datasource(PROMETHEUS_DATASOURCE)
    .refId(options.refId ?? 'A')
    .expr(expr)
    .editorMode(sdk.prometheus.QueryEditorMode.Code)
    .format(queryFormat(options.format ?? 'time_series'));
  if (options.instant) q.instant();
  else q.range();
  if (options.legend !== undefined) q.legendFormat(options.legend);
  if (options.interval !== undefined) q.interval(options.interval);
  if (options.exemplar) q.exemplar(true);
  return q;
}

/** `label=~"$variable"`: matches what a multi-value template variable selected (`.*` for All). */
export function variableMatcher(label: string, variable: string): string {
  return `${label}=~"$${variable}"`;
}

/** `metric{m1, m2}` (or just `metric` without matchers). */
export function selector(metric: string, matchers: readonly string[] = []): string {
  return matchers.length > 0 ? `${metric}{${matchers.join(', ')}}` : metric;
}

/** `rate(<vector>[<window>])`, over `$__rate_interval` by default. */
export function rate(vectorSelector: string, window: string = RATE_INTERVAL): string {
  return `rate(${vectorSelector}[${window}])`;
}

/** `sum by (l1, l2) (<expr>)`, or `sum(<expr>)` without labels. */
export function sumBy(labels: readonly string[], expr: string): string {
  return labels.length > 0 ? `sum by (${labels.join(', ')}) (${expr})` : `sum(${expr})`;
}
