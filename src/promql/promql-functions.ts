/**
 * PromQL function and aggregation signatures, as Prometheus' parser declares them (promql/parser/functions.go:
 * https://github.com/prometheus/prometheus/blob/main/promql/parser/functions.go; documented at
 * https://prometheus.io/docs/prometheus/latest/querying/functions/). lezer-promql knows the names but not the types,
 * so argument counts and types are checked against this table.
 *
 * Functions marked `experimental` need `--enable-feature=promql-experimental-functions` on Prometheus 3.x and are
 * unknown to older servers.
 */

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export interface FunctionSignature {
  readonly args: readonly ValueType[];
  /** 0: exactly `args`; n > 0: the last arg is optional and may repeat up to n times; -1: repeats without limit. */
  readonly variadic?: number;
  readonly returns: ValueType;
  readonly experimental?: boolean;
}

const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const S: ValueType = 'scalar';
const STR: ValueType = 'string';

const vectorFn = (): FunctionSignature => ({ args: [V], returns: V });
const rangeFn = (experimental = false): FunctionSignature => ({ args: [M], returns: V, ...(experimental ? { experimental } : {}) });
const dateFn = (): FunctionSignature => ({ args: [V], variadic: 1, returns: V });

export const FUNCTIONS: Readonly<Record<string, FunctionSignature>> = {
  abs: vectorFn(),
  absent: vectorFn(),
  absent_over_time: rangeFn(),
  acos: vectorFn(),
  acosh: vectorFn(),
  asin: vectorFn(),
  asinh: vectorFn(),
  atan: vectorFn(),
  atanh: vectorFn(),
  avg_over_time: rangeFn(),
  ceil: vectorFn(),
  changes: rangeFn(),
  clamp: { args: [V, S, S], returns: V },
  clamp_max: { args: [V, S], returns: V },
  clamp_min: { args: [V, S], returns: V },
  cos: vectorFn(),
  cosh: vectorFn(),
  count_over_time: rangeFn(),
  days_in_month: dateFn(),
  day_of_month: dateFn(),
  day_of_week: dateFn(),
  day_of_year: dateFn(),
  deg: vectorFn(),
  delta: rangeFn(),
  deriv: rangeFn(),
  double_exponential_smoothing: { args: [M, S, S], returns: V, experimental: true },
  exp: vectorFn(),
  first_over_time: rangeFn(true),
  floor: vectorFn(),
  histogram_avg: vectorFn(),
  histogram_count: vectorFn(),
  histogram_fraction: { args: [S, S, V], returns: V },
  histogram_quantile: { args: [S, V], returns: V },
  histogram_quantiles: { args: [V, STR, S, S], variadic: 9, returns: V, experimental: true },
  histogram_stddev: vectorFn(),
  histogram_stdvar: vectorFn(),
  histogram_sum: vectorFn(),
  hour: dateFn(),
  idelta: rangeFn(),
  increase: rangeFn(),
  info: { args: [V, V], variadic: 1, returns: V, experimental: true },
  irate: rangeFn(),
  label_join: { args: [V, STR, STR, STR], variadic: -1, returns: V },
  label_replace: { args: [V, STR, STR, STR, STR], returns: V },
  last_over_time: rangeFn(),
  ln: vectorFn(),
  log10: vectorFn(),
  log2: vectorFn(),
  mad_over_time: rangeFn(true),
  max_over_time: rangeFn(),
  min_over_time: rangeFn(),
  minute: dateFn(),
  month: dateFn(),
  pi: { args: [], returns: S },
  predict_linear: { args: [M, S], returns: V },
  present_over_time: rangeFn(),
  quantile_over_time: { args: [S, M], returns: V },
  rad: vectorFn(),
  rate: rangeFn(),
  resets: rangeFn(),
  round: { args: [V, S], variadic: 1, returns: V },
  scalar: { args: [V], returns: S },
  sgn: vectorFn(),
  sin: vectorFn(),
  sinh: vectorFn(),
  sort: vectorFn(),
  sort_desc: vectorFn(),
  sort_by_label: { args: [V, STR], variadic: -1, returns: V, experimental: true },
  sort_by_label_desc: { args: [V, STR], variadic: -1, returns: V, experimental: true },
  sqrt: vectorFn(),
  start: { args: [], returns: S, experimental: true },
  end: { args: [], returns: S, experimental: true },
  start_timestamp: { args: [V], returns: V, experimental: true },
  step: { args: [], returns: S, experimental: true },
  range: { args: [], returns: S, experimental: true },
  stddev_over_time: rangeFn(),
  stdvar_over_time: rangeFn(),
  sum_over_time: rangeFn(),
  tan: vectorFn(),
  tanh: vectorFn(),
  time: { args: [], returns: S },
  timestamp: vectorFn(),
  ts_of_first_over_time: rangeFn(true),
  ts_of_last_over_time: rangeFn(true),
  ts_of_max_over_time: rangeFn(true),
  ts_of_min_over_time: rangeFn(true),
  vector: { args: [S], returns: V },
  year: dateFn(),
};

export interface AggregationSignature {
  /** The type of the parameter before the vector (`topk(5, x)`), if the aggregation takes one. */
  readonly param?: ValueType;
  readonly experimental?: boolean;
}

/** Aggregation operators (https://prometheus.io/docs/prometheus/latest/querying/operators/#aggregation-operators). */
export const AGGREGATIONS: Readonly<Record<string, AggregationSignature>> = {
  sum: {},
  avg: {},
  count: {},
  group: {},
  min: {},
  max: {},
  stddev: {},
  stdvar: {},
  topk: { param: S },
  bottomk: { param: S },
  quantile: { param: S },
  count_values: { param: STR },
  limitk: { param: S, experimental: true },
  limit_ratio: { param: S, experimental: true },
};

/** Keywords that may legitimately be followed by `(`. */
export const CALL_KEYWORDS: ReadonlySet<string> = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'atan2',
  'offset',
  'fill',
  'fill_left',
  'fill_right',
  'min_of',
  'max_of',
]);

/** The argument list of a function for messages, e.g. `histogram_quantile(scalar, instant-vector)`. */
export function usage(name: string, sig: FunctionSignature): string {
  const word = (t: ValueType): string => (t === 'vector' ? 'instant-vector' : t === 'matrix' ? 'range-vector' : t);
  const args = sig.args.map(word);
  const v = sig.variadic ?? 0;
  if (v !== 0 && args.length > 0) {
    const last = args.pop() as string;
    const optional = v === -1 || v > 1 ? `${last}, ...` : last;
    return `${name}(${args.join(', ')}${args.length > 0 ? '[, ' : '['}${optional}])`;
  }
  return `${name}(${args.join(', ')})`;
}
