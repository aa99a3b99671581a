/** Synth-time validation of PromQL and LogQL expressions and of the names that become Prometheus or Kubernetes names. */
export * from './promql';
export * from './logql';
export * from './names';
export type { ExpressionProblem } from './source';
export { AGGREGATIONS, FUNCTIONS } from './promql-functions';
export type { AggregationSignature, FunctionSignature, ValueType } from './promql-functions';
