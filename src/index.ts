// Public API: re-exports only.
export * from './stack';
export * from './versions';
export * from './conventions';
export * from './common/errors';
export * from './common/endpoints';
export * from './common/labels';
export * from './common/rules';
export * from './common/validation';
export * from './common/namespace';
export * from './common/workload';
export * from './common/log-level';
export * from './common/tls';
export * from './network';
export * from './components/prometheus';
export * from './components/alertmanager';
export * from './components/grafana';
export * from './components/loki';
export * from './components/jaeger';
export * from './components/otel-collector';
export * from './components/exporters';
export * from './dashboards';
export * from './slo';
export * from './slo/construct';
export * from './promql';
export * from './argocd';
export * from './operator';

// Names several modules export: the explicit export picks the one the public API means.
export type { InhibitRule } from './components/alertmanager';
export { selector } from './dashboards';
export { sanitizeLabelName } from './common/validation';
