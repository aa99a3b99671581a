/** Import of SLO specs written for Sloth (prometheus/v1, PrometheusServiceLevel) and OpenSLO v1 into ServiceSpecs. */
export { importSloth } from './sloth';
export type { SlothImportOptions } from './sloth';
export { importOpenSlo } from './openslo';
export type { OpenSloImportOptions } from './openslo';
export type { SloImportOptions, SloImportResult } from './common';
