/** SLOs as code: spec → model → pure rule generators, plus error-budget maths and the promtool proof. */
export * from './spec';
export * from './windows';
export * from './burn-rate';
export * from './budget';
export * from './catalog';
export * from './model';
export * from './rules';
export * from './examples';
export * from './proof';
export * from './warnings';
export * from './import';
