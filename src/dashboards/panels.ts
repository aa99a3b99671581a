import type * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as table from '@grafana/grafana-foundation-sdk/table';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { ConfigError } from '../common/errors';
import { PROMETHEUS_DATASOURCE } from './queries';
import { sdk } from './sdk';

/**
 * Panel factories shared by every dashboard of the stack: current Grafana visualizations only (`timeseries`, `stat`,
 * `heatmap`; the retired `graph` and `singlestat` are never produced), bound to the Prometheus datasource, with a
 * unit on every panel. Each returns the SDK builder so a dashboard can still adjust it.
 *
 * Units are Grafana unit ids; use the constants of `@grafana/grafana-foundation-sdk/units` (`RequestsPerSecond`
 * = `reqps`, `Percent` = `percent` for 0-100, `PercentUnit` = `percentunit` for 0-1, `Seconds` = `s`, `Short`).
 */

/** A colour step: the colour applies from `value` up. The base step (below the first value) is green. */
export interface ThresholdStep {
  readonly value: number;
  readonly color: string;
}

export interface PanelOptions {
  readonly title: string;
  /** @default - none */
  readonly description?: string;
  /** Grafana unit id (see the module doc). */
  readonly unit: string;
  /** The queries; their refIds are assigned by position (`A`, `B`, ...). */
  readonly targets: readonly prometheus.DataqueryBuilder[];
  /** Width in grid columns (the grid is 24 wide). @default 12 */
  readonly width?: number;
  /** Height in grid rows. @default 8 */
  readonly height?: number;
  /** Panel id, stable so `viewPanel=<id>` links keep working. @default - assigned by Grafana on load */
  readonly id?: number;
  /** @default - automatic */
  readonly min?: number;
  /** @default - automatic */
  readonly max?: number;
  /** @default - automatic */
  readonly decimals?: number;
  /** Colour steps (ascending values). @default - a single green step */
  readonly thresholds?: readonly ThresholdStep[];
}

/** The panel options every factory accepts, applied to any SDK panel builder. */
interface CommonPanelBuilder<T> {
  title(title: string): T;
  description(description: string): T;
  datasource(datasource: common.DataSourceRef): T;
  targets(targets: prometheus.DataqueryBuilder[]): T;
  span(w: number): T;
  height(h: number): T;
  id(id: number): T;
  unit(unit: string): T;
  min(min: number): T;
  max(max: number): T;
  decimals(decimals: number): T;
  thresholds(thresholds: dashboard.ThresholdsConfigBuilder): T;
}

function refId(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : `Q${index}`;
}

function checkGrid(o: PanelOptions, defaultWidth = 12): void {
  const width = o.width ?? defaultWidth;
  if (!Number.isInteger(width) || width < 1 || width > 24) {
    const fix = defaultWidth === 24 ? 'use e.g. 24 for the full dashboard width.' : 'use e.g. 12 for half the dashboard width.';
    throw new ConfigError({ path: `panel "${o.title}".width`, message: 'must be a whole number of grid columns from 1 to 24', value: width, fix });
  }
  const height = o.height ?? 8;
  if (!Number.isInteger(height) || height < 1) {
    throw new ConfigError({ path: `panel "${o.title}".height`, message: 'must be a positive whole number of grid rows', value: height, fix: 'use e.g. 8.' });
  }
  if (o.targets.length === 0) {
    throw new ConfigError({ path: `panel "${o.title}".targets`, message: 'must hold at least one query', value: [], fix: 'pass promQuery(...) targets.' });
  }
}

/** Applies the common options; `fieldUnit` is the unit of the field values when it differs from `o.unit`. */
function applyCommon<T extends CommonPanelBuilder<T>>(builder: T, o: PanelOptions, fieldUnit: string = o.unit): T {
  checkGrid(o);
  o.targets.forEach((t, i) => t.refId(refId(i)));
  builder
    .title(o.title)
    .datasource(PROMETHEUS_DATASOURCE)
    .targets([...o.targets])
    .span(o.width ?? 12)
    .height(o.height ?? 8)
    .unit(fieldUnit);
  if (o.description !== undefined) builder.description(o.description);
  if (o.id !== undefined) builder.id(o.id);
  if (o.min !== undefined) builder.min(o.min);
  if (o.max !== undefined) builder.max(o.max);
  if (o.decimals !== undefined) builder.decimals(o.decimals);
  const steps: dashboard.Threshold[] = [{ value: null, color: 'green' }, ...(o.thresholds ?? []).map((s) => ({ value: s.value, color: s.color }))];
  builder.thresholds(new sdk.dashboard.ThresholdsConfigBuilder().mode(sdk.dashboard.ThresholdsMode.Absolute).steps(steps));
  return builder;
}

export interface TimeseriesPanelOptions extends PanelOptions {
  /** Area fill under the lines, 0-100. @default 10 */
  readonly fillOpacity?: number;
  /** Stack the series (e.g. per-status request rates). @default false */
  readonly stacked?: boolean;
  /** Label of the y axis (the retired graph panel's `yaxes[].label`). @default - none */
  readonly axisLabel?: string;
}

/**
 * A time series panel: lines over time, legend as a list below, tooltip listing every series; thresholds, when given,
 * are drawn as dashed lines.
 */
export function timeseriesPanel(o: TimeseriesPanelOptions): timeseries.PanelBuilder {
  const p = applyCommon(new sdk.timeseries.PanelBuilder(), o)
    .lineWidth(1)
    .fillOpacity(o.fillOpacity ?? 10)
    .showPoints(sdk.common.VisibilityMode.Never)
    .legend(
      new sdk.common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(sdk.common.LegendDisplayMode.List)
        .placement(sdk.common.LegendPlacement.Bottom),
    )
    .tooltip(new sdk.common.VizTooltipOptionsBuilder().mode(sdk.common.TooltipDisplayMode.Multi).sort(sdk.common.SortOrder.Descending));
  if (o.stacked) p.stacking(new sdk.common.StackingConfigBuilder().mode(sdk.common.StackingMode.Normal));
  if (o.axisLabel !== undefined) p.axisLabel(o.axisLabel);
  if ((o.thresholds ?? []).length > 0) {
    p.thresholdsStyle(new sdk.common.GraphThresholdsStyleConfigBuilder().mode(sdk.common.GraphThresholdsStyleMode.Dashed));
  }
  return p;
}

export interface StatPanelOptions extends PanelOptions {
  /** How the series is reduced to one value (a Grafana reducer id). @default 'lastNotNull' */
  readonly reducer?: 'lastNotNull' | 'last' | 'mean' | 'max' | 'min' | 'sum';
  /** Draw the series behind the value. @default true */
  readonly sparkline?: boolean;
}

/** A stat panel: one big value per series, coloured by the thresholds. */
export function statPanel(o: StatPanelOptions): stat.PanelBuilder {
  return applyCommon(new sdk.stat.PanelBuilder(), o)
    .reduceOptions(new sdk.common.ReduceDataOptionsBuilder().values(false).calcs([o.reducer ?? 'lastNotNull']))
    .graphMode((o.sparkline ?? true) ? sdk.common.BigValueGraphMode.Area : sdk.common.BigValueGraphMode.None)
    .colorMode(sdk.common.BigValueColorMode.Value)
    .textMode(sdk.common.BigValueTextMode.Auto)
    .justifyMode(sdk.common.BigValueJustifyMode.Auto)
    .orientation(sdk.common.VizOrientation.Auto);
}

export interface HeatmapPanelOptions extends PanelOptions {
  /** Unit of the cell values (e.g. `reqps` for rates of bucket counters). @default 'short' */
  readonly cellUnit?: string;
}

/**
 * A heatmap of pre-bucketed data (Prometheus histogram buckets queried with `format: 'heatmap'`): Grafana does not
 * re-bucket (`calculate: false`); rows are the `le` buckets; `unit` is the unit of the bucket bounds (the y axis) and
 * `cellUnit` the unit of the cell values (also the field unit).
 */
export function heatmapPanel(o: HeatmapPanelOptions): heatmap.PanelBuilder {
  const cellUnit = o.cellUnit ?? 'short';
  return applyCommon(new sdk.heatmap.PanelBuilder(), o, cellUnit)
    .calculate(false)
    .rowsFrame(new sdk.heatmap.RowsHeatmapOptionsBuilder().layout(sdk.common.HeatmapCellLayout.Le))
    .yAxis(new sdk.heatmap.YAxisConfigBuilder().unit(o.unit))
    .cellValues(new sdk.heatmap.CellValuesBuilder().unit(cellUnit))
    .color(
      new sdk.heatmap.HeatmapColorOptionsBuilder()
        .mode(sdk.heatmap.HeatmapColorMode.Scheme)
        .scheme('Spectral')
        .fill('dark-orange')
        .scale(sdk.heatmap.HeatmapColorScale.Exponential)
        .exponent(0.5)
        .steps(64),
    )
    .showValue(sdk.common.VisibilityMode.Never)
    .cellGap(1)
    .showLegend()
    .tooltip(new sdk.heatmap.HeatmapTooltipBuilder().mode(sdk.common.TooltipDisplayMode.Single).yHistogram(true));
}

/**
 * Absolute colour steps: `base` below the first step, each step's colour from its value up. Steps are sorted by value;
 * on equal values the first one given wins.
 */
export function colourSteps(base: string, steps: readonly ThresholdStep[]): dashboard.ThresholdsConfigBuilder {
  const sorted: ThresholdStep[] = [];
  for (const s of [...steps].sort((a, b) => a.value - b.value)) {
    if (!sorted.some((t) => t.value === s.value)) sorted.push(s);
  }
  return new sdk.dashboard.ThresholdsConfigBuilder()
    .mode(sdk.dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...sorted.map((s) => ({ value: s.value, color: s.color }))]);
}

/** The same steps as a field-config override value (`thresholds`), for table columns. */
export function colourStepsOverride(base: string, steps: readonly ThresholdStep[]): dashboard.DynamicConfigValue {
  return { id: 'thresholds', value: colourSteps(base, steps).build() };
}

export interface TablePanelOptions extends PanelOptions {
  /** Data transformations, applied in order (e.g. `merge`, `organize`). @default - none */
  readonly transformations?: readonly dashboard.DataTransformerConfig[];
  /** Initial sort, by column display name. @default - the order of the data */
  readonly sortBy?: { readonly column: string; readonly desc: boolean };
  /** Per-column filter in the header. @default true */
  readonly filterable?: boolean;
}

/**
 * A table panel: one row per series of instant `format: 'table'` queries (their value columns are named
 * `Value #<refId>`, refIds assigned by position like the other factories), cells coloured by the thresholds only
 * where a column override asks for it. Full width by default.
 */
export function tablePanel(o: TablePanelOptions): table.PanelBuilder {
  checkGrid(o, 24);
  o.targets.forEach((t, i) => t.refId(refId(i)));
  const p = new sdk.table.PanelBuilder()
    .title(o.title)
    .datasource(PROMETHEUS_DATASOURCE)
    .targets([...o.targets])
    .span(o.width ?? 24)
    .height(o.height ?? 8)
    .unit(o.unit)
    .thresholds(colourSteps('green', o.thresholds ?? []))
    .showHeader(true)
    .cellHeight(sdk.common.TableCellHeight.Sm)
    .filterable(o.filterable ?? true)
    .transformations([...(o.transformations ?? [])]);
  if (o.description !== undefined) p.description(o.description);
  if (o.id !== undefined) p.id(o.id);
  if (o.min !== undefined) p.min(o.min);
  if (o.max !== undefined) p.max(o.max);
  if (o.decimals !== undefined) p.decimals(o.decimals);
  if (o.sortBy !== undefined) p.sortBy([new sdk.common.TableSortByFieldStateBuilder().displayName(o.sortBy.column).desc(o.sortBy.desc)]);
  return p;
}
