import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { colourSteps, statPanel, timeseriesPanel, ThresholdStep } from '../../dashboards/panels';
import { promQuery, RATE_INTERVAL, variableMatcher } from '../../dashboards/queries';
import { labelValuesVariable } from '../../dashboards/variables';
import { sdk } from '../../dashboards/sdk';

/**
 * The shape every database dashboard shares, built with the Grafana foundation SDK through the stack's panel
 * factories: one dashboard per kind (stable uid `database-<kind>`), an `instance` variable listing the databases of
 * that kind (the `instance` label is the database's address), an "up" stat first, then time series. Each kind lists
 * its panels as data (`DatabasePanel`); every query filters on `instance=~"$instance"`.
 */

/** The template variable every query filters on. */
export const INSTANCE_VARIABLE = 'instance';

/** `{instance=~"$instance", <more>}` */
export function byInstance(metric: string, ...matchers: string[]): string {
  return `${metric}{${[variableMatcher('instance', INSTANCE_VARIABLE), ...matchers].join(', ')}}`;
}

/** `rate(<selector>[$__rate_interval])` */
export function rateOf(selector: string): string {
  return `rate(${selector}[${RATE_INTERVAL}])`;
}

export interface DatabasePanelQuery {
  readonly expr: string;
  readonly legend: string;
}

export interface DatabasePanel {
  readonly title: string;
  readonly description: string;
  /** A Grafana unit id (`@grafana/grafana-foundation-sdk/units`). */
  readonly unit: string;
  readonly queries: readonly DatabasePanelQuery[];
  /** @default 12 */
  readonly width?: number;
  /** @default - automatic */
  readonly min?: number;
  readonly max?: number;
  readonly thresholds?: readonly ThresholdStep[];
  /** Stack the series. @default false */
  readonly stacked?: boolean;
}

export interface DatabaseDashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  /**
   * The first stat: a series every database of the kind has (its `*_up`), whose `instance` values the variable
   * lists; red below 1, green from 1.
   */
  readonly status: {
    readonly metric: string;
    readonly title: string;
    readonly description: string;
    /** @default - automatic (1 for an `*_up` series) */
    readonly max?: number;
  };
  readonly panels: readonly DatabasePanel[];
}

/** A database dashboard (pure: two calls return equal JSON models). */
export function databaseDashboard(spec: DatabaseDashboardSpec): dashboard.Dashboard {
  let id = 1;
  const builder = new sdk.dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags])
    .time({ from: 'now-3h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .tooltip(sdk.dashboard.DashboardCursorSync.Crosshair)
    .withVariable(labelValuesVariable(INSTANCE_VARIABLE, { metric: spec.status.metric, label: 'instance', title: 'Instance' }))
    .withPanel(
      statPanel({
        id: id++,
        title: spec.status.title,
        description: spec.status.description,
        unit: sdk.units.Short,
        decimals: 0,
        width: 24,
        height: 4,
        min: 0,
        max: spec.status.max,
        sparkline: true,
        targets: [promQuery(`min by (instance) (${byInstance(spec.status.metric)})`, { legend: '{{instance}}' })],
      })
        // Red at 0, green from 1.
        .thresholds(colourSteps('red', [{ value: 1, color: 'green' }]))
        .colorScheme(new sdk.dashboard.FieldColorBuilder().mode(sdk.dashboard.FieldColorModeId.Thresholds)),
    );
  const panels: cog.Builder<dashboard.Panel>[] = spec.panels.map((p) =>
    timeseriesPanel({
      id: id++,
      title: p.title,
      description: p.description,
      unit: p.unit,
      width: p.width,
      min: p.min,
      max: p.max,
      thresholds: p.thresholds,
      stacked: p.stacked,
      targets: p.queries.map((q) => promQuery(q.expr, { legend: q.legend })),
    }),
  );
  for (const p of panels) builder.withPanel(p);
  return builder.build();
}
