import type * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as table from '@grafana/grafana-foundation-sdk/table';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type * as units from '@grafana/grafana-foundation-sdk/units';

/**
 * The Grafana foundation SDK's packages, loaded on first use: the one place the stack's code loads the SDK at run
 * time. Every other module imports the SDK's types only (`import type`) and reaches its builders through `sdk`, so
 * loading the library, or synthesizing a stack without Grafana (`grafana: false`) or a catalog without dashboards,
 * never loads the SDK (its packages are ~470 modules, ~160 ms to load: each panel package loads the dashboard
 * v2 schemas too). Each package is kept once loaded: a repeated access is a property read, not a `require()` (whose
 * resolution, under tsx's hooks, costs far more).
 */
const loaded: {
  common?: typeof common;
  dashboard?: typeof dashboard;
  heatmap?: typeof heatmap;
  prometheus?: typeof prometheus;
  stat?: typeof stat;
  table?: typeof table;
  timeseries?: typeof timeseries;
  units?: typeof units;
} = {};

export const sdk = {
  get common(): typeof common {
    return (loaded.common ??= require('@grafana/grafana-foundation-sdk/common'));
  },
  get dashboard(): typeof dashboard {
    return (loaded.dashboard ??= require('@grafana/grafana-foundation-sdk/dashboard'));
  },
  get heatmap(): typeof heatmap {
    return (loaded.heatmap ??= require('@grafana/grafana-foundation-sdk/heatmap'));
  },
  get prometheus(): typeof prometheus {
    return (loaded.prometheus ??= require('@grafana/grafana-foundation-sdk/prometheus'));
  },
  get stat(): typeof stat {
    return (loaded.stat ??= require('@grafana/grafana-foundation-sdk/stat'));
  },
  get table(): typeof table {
    return (loaded.table ??= require('@grafana/grafana-foundation-sdk/table'));
  },
  get timeseries(): typeof timeseries {
    return (loaded.timeseries ??= require('@grafana/grafana-foundation-sdk/timeseries'));
  },
  get units(): typeof units {
    return (loaded.units ??= require('@grafana/grafana-foundation-sdk/units'));
  },
};
