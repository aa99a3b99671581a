/** SLOs as code: spec → model → pure rule generators and dashboards, plus error-budget maths. */
export * from './spec';
export * from './windows';
export * from './burn-rate';
export * from './budget';
export * from './catalog';
export * from './model';
export * from './rules';
export * from './dashboards';
export * from './examples';
export * from './warnings';
export * from './import';
