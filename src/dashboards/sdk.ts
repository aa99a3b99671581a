import type * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as table from '@grafana/grafana-foundation-sdk/table';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type * as units from '@grafana/grafana-foundation-sdk/units';

import { once } from '../common/memo';

/** The SDK packages the stack uses, by their subpath (`@grafana/grafana-foundation-sdk/<name>`). */
export interface Sdk {
  readonly common: typeof common;
  readonly dashboard: typeof dashboard;
  readonly heatmap: typeof heatmap;
  readonly prometheus: typeof prometheus;
  readonly stat: typeof stat;
  readonly table: typeof table;
  readonly timeseries: typeof timeseries;
  readonly units: typeof units;
}

const PACKAGES: readonly (keyof Sdk)[] = ['common', 'dashboard', 'heatmap', 'prometheus', 'stat', 'table', 'timeseries', 'units'];

/**
 * The Grafana foundation SDK's packages, each loaded on its first use and kept: the one place the stack's code loads
 * the SDK at run time. Every other module imports the SDK's types only (`import type`) and reaches its builders
 * through `sdk`, so loading the library, or synthesizing a stack without Grafana (`grafana: false`), never loads the
 * SDK (~240 modules: each panel package loads the dashboard v2 schemas too). A repeated access is a closure call,
 * not a `require()` (whose resolution, under tsx's hooks, costs far more).
 */
export const sdk = {} as Sdk;
for (const name of PACKAGES) {
  Object.defineProperty(sdk, name, { enumerable: true, get: once(() => require(`@grafana/grafana-foundation-sdk/${name}`)) });
}
