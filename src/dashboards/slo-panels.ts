import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import { ConfigError } from '../common/errors';
import type { PanelOptions, ThresholdStep } from './panels';
import { PROMETHEUS_DATASOURCE } from './queries';

/**
 * Panel pieces the SLO dashboards need beyond the shared factories of panels.ts: a table panel factory (same options
 * and conventions as `timeseriesPanel`/`statPanel`), colour steps with a base colour other than green, and the
 * burn-rate unit.
 */

/**
 * Burn rates are multiples of the sustainable error rate: Grafana's custom-unit syntax `suffix:<text>` prints them as
 * `14.4×` (https://grafana.com/docs/grafana/latest/panels-visualizations/configure-standard-options/#unit).
 */
export const BURN_RATE_UNIT = 'suffix:×';

/**
 * Absolute colour steps: `base` below the first step, each step's colour from its value up. Steps are sorted by value;
 * on equal values the first one given wins.
 */
export function colourSteps(base: string, steps: readonly ThresholdStep[]): dashboard.ThresholdsConfigBuilder {
  const sorted: ThresholdStep[] = [];
  for (const s of [...steps].sort((a, b) => a.value - b.value)) {
    if (!sorted.some((t) => t.value === s.value)) sorted.push(s);
  }
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
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

function refId(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : `Q${index}`;
}

/**
 * A table panel: one row per series of instant `format: 'table'` queries (their value columns are named
 * `Value #<refId>`, refIds assigned by position like the shared factories), cells coloured by the thresholds only
 * where a column override asks for it.
 */
export function tablePanel(o: TablePanelOptions): table.PanelBuilder {
  const width = o.width ?? 24;
  if (!Number.isInteger(width) || width < 1 || width > 24) {
    throw new ConfigError({ path: `panel "${o.title}".width`, message: 'must be a whole number of grid columns from 1 to 24', value: width, fix: 'use e.g. 24 for the full dashboard width.' });
  }
  const height = o.height ?? 8;
  if (!Number.isInteger(height) || height < 1) {
    throw new ConfigError({ path: `panel "${o.title}".height`, message: 'must be a positive whole number of grid rows', value: height, fix: 'use e.g. 8.' });
  }
  if (o.targets.length === 0) {
    throw new ConfigError({ path: `panel "${o.title}".targets`, message: 'must hold at least one query', value: [], fix: 'pass promQuery(...) targets.' });
  }
  o.targets.forEach((t, i) => t.refId(refId(i)));
  const p = new table.PanelBuilder()
    .title(o.title)
    .datasource(PROMETHEUS_DATASOURCE)
    .targets([...o.targets])
    .span(width)
    .height(height)
    .unit(o.unit)
    .thresholds(colourSteps('green', o.thresholds ?? []))
    .showHeader(true)
    .cellHeight(common.TableCellHeight.Sm)
    .filterable(o.filterable ?? true)
    .transformations([...(o.transformations ?? [])]);
  if (o.description !== undefined) p.description(o.description);
  if (o.id !== undefined) p.id(o.id);
  if (o.min !== undefined) p.min(o.min);
  if (o.max !== undefined) p.max(o.max);
  if (o.decimals !== undefined) p.decimals(o.decimals);
  if (o.sortBy !== undefined) p.sortBy([new common.TableSortByFieldStateBuilder().displayName(o.sortBy.column).desc(o.sortBy.desc)]);
  return p;
}
