/** Synth-time validation of PromQL and LogQL expressions (name rules live in src/common/validation.ts). */
export * from './promql';
export * from './logql';
export type { ExpressionProblem } from './source';
export { AGGREGATIONS, FUNCTIONS } from './promql-functions';
export type { AggregationSignature, FunctionSignature, ValueType } from './promql-functions';
