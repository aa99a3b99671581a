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
 * v2 schemas too). `require` caches, so a repeated access costs a property lookup.
 */
export const sdk = {
  get common(): typeof common {
    return require('@grafana/grafana-foundation-sdk/common');
  },
  get dashboard(): typeof dashboard {
    return require('@grafana/grafana-foundation-sdk/dashboard');
  },
  get heatmap(): typeof heatmap {
    return require('@grafana/grafana-foundation-sdk/heatmap');
  },
  get prometheus(): typeof prometheus {
    return require('@grafana/grafana-foundation-sdk/prometheus');
  },
  get stat(): typeof stat {
    return require('@grafana/grafana-foundation-sdk/stat');
  },
  get table(): typeof table {
    return require('@grafana/grafana-foundation-sdk/table');
  },
  get timeseries(): typeof timeseries {
    return require('@grafana/grafana-foundation-sdk/timeseries');
  },
  get units(): typeof units {
    return require('@grafana/grafana-foundation-sdk/units');
  },
};
