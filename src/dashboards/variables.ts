import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PROMETHEUS_DATASOURCE } from './queries';
import { sdk } from './sdk';

export interface LabelVariableOptions {
  /** The metric whose label values list the choices. */
  readonly metric: string;
  /** The label whose values are the choices. */
  readonly label: string;
  /** Shown next to the picker. @default - the variable name */
  readonly title?: string;
  /** Allow several values at once. @default true */
  readonly multi?: boolean;
  /** Offer an "All" choice. @default true */
  readonly includeAll?: boolean;
  /**
   * What "All" expands to. `.*` keeps the PromQL short with 100+ services (instead of a regex listing every value);
   * use it only with `=~` matchers.
   * @default '.*'
   */
  readonly allValue?: string;
}

/**
 * A template variable listing the values of one label, from the stack's Prometheus
 * (`label_values(metric, label)`, https://grafana.com/docs/grafana/latest/datasources/prometheus/template-variables/).
 * Refreshed when the dashboard loads, sorted alphabetically.
 */
export function labelValuesVariable(name: string, options: LabelVariableOptions): dashboard.QueryVariableBuilder {
  const query = `label_values(${options.metric}, ${options.label})`;
  const v = new sdk.dashboard.QueryVariableBuilder(name)
    .label(options.title ?? name)
    .datasource(PROMETHEUS_DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(sdk.dashboard.VariableRefresh.OnDashboardLoad)
    .sort(sdk.dashboard.VariableSort.AlphabeticalAsc)
    .multi(options.multi ?? true)
    .includeAll(options.includeAll ?? true);
  if (options.includeAll ?? true) v.allValue(options.allValue ?? '.*');
  return v;
}
