import { ConfigError, formatProblem } from '../../src/common/errors';
import { PromQLOptions, promqlProblems, validatePromQL } from '../../src/promql';
import { promtool, writeTree } from '../helpers/tools';
import * as yaml from 'js-yaml';

interface ValidCase {
  readonly expr: string;
  readonly options?: PromQLOptions;
}

interface InvalidCase {
  readonly name: string;
  readonly expr: string;
  readonly options?: PromQLOptions;
  /** The formatted problems, line by line. */
  readonly message: readonly string[];
  /** promtool (the deployed release) rejects it too (false: only this stricter check does). @default true */
  readonly promtool?: boolean;
}

const PATH = 'slos.checkout.availability.query';

const VALID: readonly ValidCase[] = [
  // SLO rules: SLI ratios over rates with regex matchers, summed by service.
  { expr: 'sum by (service) (rate(http_requests_total{status=~"5..|429"}[5m])) / sum by (service) (rate(http_requests_total[5m]))' },
  { expr: 'sum(rate(http_requests_total{job="api",status=~"5.."}[5m])) by (service)' },
  { expr: '1 - (sum(rate(http_requests_total{status!~"5.."}[1h])) / sum(rate(http_requests_total[1h])))' },
  // Latency SLI: buckets under the threshold, and the quantile for dashboards.
  { expr: 'sum(rate(http_request_duration_seconds_bucket{le="0.2"}[5m])) / sum(rate(http_request_duration_seconds_count[5m]))' },
  { expr: 'histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket{service="order-service"}[5m])))' },
  // Period and budget rules over recorded series.
  { expr: 'sum_over_time(slo:sli_error:ratio_rate5m{sloth_id="order-service-availability"}[30d]) / ignoring (sloth_window) count_over_time(slo:sli_error:ratio_rate5m{sloth_id="order-service-availability"}[30d])' },
  { expr: 'absent_over_time(up{job="order-service"}[10m])' },
  // Multiwindow multi-burn-rate alert: comparisons joined by and/or.
  { expr: '(slo:sli_error:ratio_rate1h{sloth_id="x"} > (14.4 * 0.001)) and ignoring (sloth_window) (slo:sli_error:ratio_rate5m{sloth_id="x"} > (14.4 * 0.001)) or ignoring (sloth_window) (slo:sli_error:ratio_rate6h{sloth_id="x"} > (6 * 0.001))' },
  { expr: 'vector(1)' },
  { expr: 'sum(rate(http_requests_total[5m])) > bool 0' },
  { expr: 'rate(http_requests_total[5m] offset 1h)' },
  { expr: 'max_over_time(rate(http_requests_total[5m])[1h:1m])' },
  // Joins: one-to-one on(), many-to-one group_left.
  { expr: 'sum by (namespace) (kube_pod_info) * on (namespace) group_left (team) kube_namespace_labels' },
  { expr: 'slo:objective:ratio{sloth_service="order-service"} * on (sloth_id) group_left () sloth_slo_info' },
  { expr: 'topk(5, sum by (service) (rate(http_requests_total[5m])))' },
  { expr: 'clamp_min(1 - sum(http_requests_total) / sum(http_requests_total), 0)' },
  { expr: 'up == 0' },
  { expr: 'predict_linear(node_filesystem_avail_bytes[6h], 4 * 3600) < 0' },
  { expr: 'sum without (instance) (up)' },
  { expr: 'count_values("version", prometheus_build_info)' },
  { expr: 'quantile_over_time(0.95, http_request_duration_seconds_sum[10m])' },
  { expr: 'label_replace(up, "host", "$1", "instance", "(.*):\\\\d+")' },
  { expr: '-sum(up)' },
  { expr: 'time() - process_start_time_seconds' },
  { expr: '{__name__="up", job="a"}' },
  { expr: 'up{path=~`/api/\\d+`}' },
  { expr: 'up # a comment' },
  // Dashboards and raw SLO queries, with placeholders.
  { expr: 'sum(rate(http_requests_total{service=~"$service"}[$__rate_interval])) by (service)', options: { placeholders: true } },
  { expr: 'sum(rate(grpc_server_handled_total{grpc_code!="OK",service="x"}[{{window}}]))', options: { placeholders: true } },
  { expr: 'sum(rate(http_requests_total{service="${service}"}[$__interval])) / sum(rate(http_requests_total[[[interval]]]))', options: { placeholders: true } },
  { expr: 'sum(increase(http_requests_total[$__range] offset $__interval)) * $scale', options: { placeholders: true } },
  // Experimental features, when enabled.
  { expr: 'mad_over_time(http_request_duration_seconds_sum[5m])', options: { experimental: true } },
];

const INVALID: readonly InvalidCase[] = [
  {
    name: 'an unclosed parenthesis points at the opening one',
    expr: 'sum(rate(http_requests_total[5m])',
    message: [
      'slos.checkout.availability.query: unclosed "(" at column 4 of the PromQL expression',
      '    sum(rate(http_requests_total[5m])',
      '       ^ here. Fix: add the matching ")".',
    ],
  },
  {
    name: 'a stray closing parenthesis',
    expr: 'sum(rate(http_requests_total[5m])))',
    message: [
      'slos.checkout.availability.query: unexpected ")" without a matching "(" at column 35 of the PromQL expression',
      '    sum(rate(http_requests_total[5m])))',
      '                                      ^ here. Fix: remove this ")" or add the missing "(" before it.',
    ],
  },
  {
    name: 'a bracket closed by the wrong kind',
    expr: 'sum(rate(http_requests_total[5m)])',
    message: [
      'slos.checkout.availability.query: unclosed "[" at column 29 of the PromQL expression',
      '    sum(rate(http_requests_total[5m)])',
      '                                ^ here. Fix: close it with "]" before the ")" at column 32.',
    ],
  },
  {
    name: 'rate() over an instant vector suggests the range',
    expr: 'rate(http_requests_total{job="api"})',
    message: [
      'slos.checkout.availability.query: rate() needs a range vector, but "http_requests_total{job="api"}" is an instant vector at column 6 of the PromQL expression',
      '    rate(http_requests_total{job="api"})',
      '         ^ here. Fix: give the selector a range: rate(http_requests_total{job="api"}[5m]).',
    ],
  },
  {
    name: 'a range vector inside an aggregation suggests rate()',
    expr: 'sum(http_requests_total[5m])',
    message: [
      'slos.checkout.availability.query: sum() needs an instant vector, but "http_requests_total[5m]" is a range vector at column 5 of the PromQL expression',
      '    sum(http_requests_total[5m])',
      '        ^ here. Fix: wrap it in rate(): rate(http_requests_total[5m]).',
    ],
  },
  {
    name: 'a range vector of a gauge suggests a function over time',
    expr: 'max(active_connections[5m])',
    message: [
      'slos.checkout.availability.query: max() needs an instant vector, but "active_connections[5m]" is a range vector at column 5 of the PromQL expression',
      '    max(active_connections[5m])',
      '        ^ here. Fix: wrap it in a function over time, e.g. avg_over_time(active_connections[5m]), or remove the range.',
    ],
  },
  {
    name: 'an unknown function suggests the closest name',
    expr: 'sum(rat(http_requests_total[5m]))',
    message: [
      'slos.checkout.availability.query: unknown function "rat" at column 5 of the PromQL expression',
      '    sum(rat(http_requests_total[5m]))',
      '        ^ here. Fix: did you mean "rate"? (https://prometheus.io/docs/prometheus/latest/querying/functions/)',
    ],
  },
  {
    name: 'function names are case-sensitive',
    expr: 'Rate(http_requests_total[5m])',
    message: [
      'slos.checkout.availability.query: unknown function "Rate" at column 1 of the PromQL expression',
      '    Rate(http_requests_total[5m])',
      '    ^ here. Fix: did you mean "rate"? Function names are case-sensitive. (https://prometheus.io/docs/prometheus/latest/querying/functions/)',
    ],
  },
  {
    name: 'an invalid duration unit',
    expr: 'rate(http_requests_total[5min])',
    message: [
      'slos.checkout.availability.query: invalid duration "5min" in the range at column 26 of the PromQL expression',
      '    rate(http_requests_total[5min])',
      '                             ^ here. Fix: write whole numbers with a unit (ms, s, m, h, d, w, y), largest unit first, e.g. "5m", "90s" or "1h30m".',
    ],
  },
  {
    name: 'a range without a unit',
    expr: 'rate(http_requests_total[300])',
    // Prometheus 3 reads a bare number as seconds; the stack requires the unit, so a range reads the same to everyone.
    promtool: false,
    message: [
      'slos.checkout.availability.query: the range "300" has no unit at column 26 of the PromQL expression',
      '    rate(http_requests_total[300])',
      '                             ^ here. Fix: give it a unit, e.g. "300s" for seconds.',
    ],
  },
  {
    name: 'a zero range',
    expr: 'rate(http_requests_total[0s])',
    message: [
      'slos.checkout.availability.query: the range "0s" must be longer than zero at column 26 of the PromQL expression',
      '    rate(http_requests_total[0s])',
      '                             ^ here. Fix: use a positive duration, e.g. 5m.',
    ],
  },
  {
    name: 'histogram_quantile without the quantile',
    expr: 'histogram_quantile(sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
    message: [
      'slos.checkout.availability.query: histogram_quantile() takes 2 arguments but got 1 at column 1 of the PromQL expression',
      '    histogram_quantile(sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
      '    ^ here. Fix: call it as histogram_quantile(scalar, instant-vector), e.g. histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) (https://prometheus.io/docs/prometheus/latest/querying/functions/).',
    ],
  },
  {
    name: 'histogram_quantile with swapped arguments',
    expr: 'histogram_quantile(sum by (le) (rate(http_request_duration_seconds_bucket[5m])), 0.99)',
    message: [
      'slos.checkout.availability.query: histogram_quantile() takes a scalar first, but "sum by (le) (rate(http_request_duration_seconds_bucket[5m]))" is an instant vector at column 20 of the PromQL expression',
      '    histogram_quantile(sum by (le) (rate(http_request_duration_seconds_bucket[5m])), 0.99)',
      '                       ^ here. Fix: swap the arguments: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))).',
    ],
  },
  {
    name: 'a scalar comparison without bool',
    expr: '1 > 0.5',
    message: [
      'slos.checkout.availability.query: comparing two scalars needs "bool" at column 3 of the PromQL expression',
      '    1 > 0.5',
      '      ^ here. Fix: write 1 > bool 0.5.',
    ],
  },
  {
    name: 'a missing comma between label matchers',
    expr: 'up{job="api" instance="a:9090"}',
    message: [
      'slos.checkout.availability.query: missing "," between label matchers at column 14 of the PromQL expression',
      '    up{job="api" instance="a:9090"}',
      '                 ^ here. Fix: separate label matchers with commas, e.g. {job="api", code="500"}.',
    ],
  },
  {
    name: 'an unquoted label value',
    expr: 'up{job=api}',
    message: [
      'slos.checkout.availability.query: unquoted label value "api" at column 8 of the PromQL expression',
      '    up{job=api}',
      '           ^ here. Fix: quote the value: job="api".',
    ],
  },
  {
    name: 'a single = as comparison',
    expr: 'up = 0',
    message: [
      'slos.checkout.availability.query: "=" is not a comparison operator at column 4 of the PromQL expression',
      '    up = 0',
      '       ^ here. Fix: compare with "==" (e.g. up == 0); a single "=" belongs in label matchers inside {}.',
    ],
  },
  {
    name: 'offset after a function call',
    expr: 'rate(http_requests_total[5m]) offset 1h',
    message: [
      'slos.checkout.availability.query: "offset" must follow a selector or a subquery, not a function call at column 31 of the PromQL expression',
      '    rate(http_requests_total[5m]) offset 1h',
      '                                  ^ here. Fix: move it next to the selector: rate(http_requests_total[5m] offset 1h).',
    ],
  },
  {
    name: 'a selector that matches every series',
    expr: '{job=~".*"}',
    message: [
      'slos.checkout.availability.query: the selector {job=~".*"} has no metric name and every matcher also matches an empty label, so it selects every series at column 1 of the PromQL expression',
      '    {job=~".*"}',
      '    ^ here. Fix: add a metric name, or a matcher that cannot match an empty value (e.g. job=~".+" instead of job=~".*").',
    ],
  },
  {
    name: 'an invalid escape in a regex string',
    expr: 'http_requests_total{path=~"/api/\\d+"}',
    message: [
      'slos.checkout.availability.query: invalid escape "\\d" in the string "/api/\\d+" at column 33 of the PromQL expression',
      '    http_requests_total{path=~"/api/\\d+"}',
      '                                    ^ here. Fix: double the backslash ("\\\\d") or use a backtick string (`...`) where backslashes are literal.',
    ],
  },
  {
    name: 'an invalid regular expression',
    expr: 'http_requests_total{path=~"/api/(v1"}',
    message: [
      'slos.checkout.availability.query: invalid regular expression "/api/(v1" (missing closing ), at character 6 of the regex) at column 27 of the PromQL expression',
      '    http_requests_total{path=~"/api/(v1"}',
      '                              ^ here. Fix: fix the regular expression (RE2 syntax: https://github.com/google/re2/wiki/Syntax); escape literal characters such as "(" or "." with a double backslash, e.g. "\\\\.".',
    ],
  },
  {
    name: 'grouping labels without parentheses',
    expr: 'sum by service (rate(http_requests_total[5m]))',
    message: [
      'slos.checkout.availability.query: "by" needs its labels in parentheses at column 8 of the PromQL expression',
      '    sum by service (rate(http_requests_total[5m]))',
      '           ^ here. Fix: write by (service).',
    ],
  },
  {
    name: 'an expression that ends after an operator',
    expr: 'sum(rate(http_requests_total[5m])) by (service) >',
    message: [
      'slos.checkout.availability.query: the expression ends unexpectedly after ">" at column 50 of the PromQL expression',
      '    sum(rate(http_requests_total[5m])) by (service) >',
      '                                                     ^ here. Fix: complete what follows ">" (e.g. the right-hand side of an operator) or remove it.',
    ],
  },
  {
    name: 'a range on a function call suggests a subquery',
    expr: 'rate(http_requests_total[5m])[1h]',
    message: [
      'slos.checkout.availability.query: a range "[1h]" can only follow a metric selector, not a function call (rate(http_requests_total[5m])) at column 30 of the PromQL expression',
      '    rate(http_requests_total[5m])[1h]',
      '                                 ^ here. Fix: make it a subquery by adding a colon: rate(http_requests_total[5m])[1h:] (or put the range on the selector inside, e.g. max_over_time(metric[1h])).',
    ],
  },
  {
    name: 'a range vector as the result of a rule',
    expr: 'http_requests_total[5m]',
    promtool: false, // promtool parses rules without evaluating them; Prometheus fails the rule at every evaluation
    message: [
      'slos.checkout.availability.query: the expression returns a range vector, but a rule or panel must return an instant vector or a scalar at column 1 of the PromQL expression',
      '    http_requests_total[5m]',
      '    ^ here. Fix: wrap it in rate(): rate(http_requests_total[5m]).',
    ],
  },
  {
    name: 'a set operator with a scalar',
    expr: 'up and 1',
    message: [
      'slos.checkout.availability.query: "and" needs instant vectors on both sides, but "1" is a scalar at column 8 of the PromQL expression',
      '    up and 1',
      '           ^ here. Fix: compare first to get a vector (e.g. metric > 1), or wrap the number in vector(1).',
    ],
  },
  {
    name: 'an experimental function',
    expr: 'mad_over_time(http_requests_total[5m])',
    message: [
      'slos.checkout.availability.query: the function "mad_over_time" is an experimental Prometheus feature at column 1 of the PromQL expression',
      '    mad_over_time(http_requests_total[5m])',
      '    ^ here. Fix: avoid it, or start Prometheus with --enable-feature=promql-experimental-functions and pass { experimental: true } to the validator.',
    ],
  },
  {
    name: 'an unterminated string',
    expr: 'up{job="api}',
    message: [
      'slos.checkout.availability.query: unterminated string at column 8 of the PromQL expression',
      '    up{job="api}',
      '           ^ here. Fix: end the string with a matching double quote (").',
    ],
  },
  {
    name: 'a multi-line expression points at the line',
    expr: 'sum(rate(http_requests_total{status=~"5.."}[5m]))\n/\nsum(rate(http_requests_total[5m))',
    message: [
      'slos.checkout.availability.query: unclosed "[" at line 3, column 29 of the PromQL expression',
      '    sum(rate(http_requests_total[5m))',
      '                                ^ here. Fix: close it with "]" before the ")" at line 3, column 32.',
    ],
  },
  {
    name: 'a Grafana variable without the placeholders option',
    expr: 'rate(http_requests_total[$__rate_interval])',
    message: [
      'slos.checkout.availability.query: "$__rate_interval" is a Grafana variable or template placeholder, not PromQL at column 26 of the PromQL expression',
      '    rate(http_requests_total[$__rate_interval])',
      '                             ^ here. Fix: validate it with { placeholders: true } (as dashboards and raw SLO queries are), or substitute the placeholder before validating.',
    ],
  },
  {
    name: 'placeholders keep original positions',
    expr: 'sum(rate(http_requests_total{service="$service"}[$__rate_interval])) by (service) / sum(rate(http_requests_total{service=~"${service}"}[$__rate_interval]) by (service)',
    options: { placeholders: true },
    message: [
      'slos.checkout.availability.query: unclosed "(" at column 88 of the PromQL expression',
      '    …l{service="$service"}[$__rate_interval])) by (service) / sum(rate(http_requests_total{service=~"${service}"}[$__rate_int…',
      '                                                                 ^ here. Fix: add the matching ")".',
    ],
  },
  {
    name: 'placeholders: missing range around a templated selector',
    expr: 'rate(http_requests_total{service="$service"})',
    options: { placeholders: true },
    message: [
      'slos.checkout.availability.query: rate() needs a range vector, but "http_requests_total{service="$service"}" is an instant vector at column 6 of the PromQL expression',
      '    rate(http_requests_total{service="$service"})',
      '         ^ here. Fix: give the selector a range: rate(http_requests_total{service="$service"}[5m]).',
    ],
  },
  {
    name: 'several semantic problems are reported together',
    expr: 'sum(rate(http_requests_total)) / sum(errors_total[5m])',
    message: [
      'slos.checkout.availability.query: rate() needs a range vector, but "http_requests_total" is an instant vector at column 10 of the PromQL expression',
      '    sum(rate(http_requests_total)) / sum(errors_total[5m])',
      '             ^ here. Fix: give the selector a range: rate(http_requests_total[5m]).',
      'slos.checkout.availability.query: sum() needs an instant vector, but "errors_total[5m]" is a range vector at column 38 of the PromQL expression',
      '    sum(rate(http_requests_total)) / sum(errors_total[5m])',
      '                                         ^ here. Fix: wrap it in rate(): rate(errors_total[5m]).',
    ],
  },

];

const usesPlaceholders = (c: { options?: PromQLOptions }): boolean => c.options?.placeholders === true;

describe('promqlProblems', () => {
  test.each(VALID.map((c) => [c.expr, c]))('accepts %s', (_, c) => {
    expect(promqlProblems(c.expr, PATH, c.options)).toEqual([]);
  });

  test.each(INVALID.map((c) => [c.name, c]))('%s', (_, c) => {
    // WHEN
    const problems = promqlProblems(c.expr, PATH, c.options);
    // THEN: one exact message per problem, naming the path, showing the expression and a caret, and the fix
    expect(problems.map(formatProblem).join('\n')).toBe(c.message.join('\n'));
  });

  test('every problem carries the path, the original expression, its line and column', () => {
    // GIVEN a dashboard query whose placeholders are replaced before parsing
    const expr = 'sum(rate(http_requests_total{service="$service"}[$__rate_interval]))\n  / sum(rate(http_requests_total{service="$service"}))';
    // WHEN
    const problems = promqlProblems(expr, 'dashboards.overview.panels[0].targets[0].expr', { placeholders: true });
    // THEN the position refers to the text as written, placeholders included
    expect(problems).toMatchObject([{ path: 'dashboards.overview.panels[0].targets[0].expr', expression: expr, line: 2, column: 14 }]);
    expect(problems[0]).not.toHaveProperty('value');
  });

  test('a non-string or empty expression is one problem with the value', () => {
    expect(promqlProblems(42 as unknown as string, PATH).map(formatProblem)).toEqual([
      `${PATH}: must be a PromQL expression string (got 42). Fix: write a PromQL expression, e.g. sum(rate(http_requests_total[5m])).`,
    ]);
    expect(promqlProblems('  ', PATH).map(formatProblem)).toEqual([
      `${PATH}: is an empty PromQL expression (got "  "). Fix: write a PromQL expression, e.g. sum(rate(http_requests_total[5m])).`,
    ]);
  });

  test('validatePromQL throws one ConfigError listing every problem, and passes valid expressions', () => {
    expect(() => validatePromQL('sum(rate(http_requests_total[5m]))', PATH)).not.toThrow();
    let error: unknown;
    try {
      validatePromQL('sum(rate(http_requests_total)) / sum(errors_total[5m])', PATH);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(2);
    expect((error as ConfigError).message).toMatch(/^slos\.checkout\.availability\.query: rate\(\) needs a range vector/);
  });
});

describe('promtool agrees', () => {
  // The lezer grammar is Prometheus' own UI grammar, but the proof is the real parser: promtool check rules.
  const rulesFile = (exprs: readonly string[]): string =>
    yaml.dump({ groups: [{ name: 'promql-validation', rules: exprs.map((expr, i) => ({ record: `case_${i}`, expr })) }] }, { lineWidth: -1 });

  test('promtool accepts every expression accepted here (placeholder-free, stable features)', () => {
    // GIVEN
    const exprs = VALID.filter((c) => !usesPlaceholders(c) && !c.options?.experimental).map((c) => c.expr);
    const dir = writeTree({ 'valid.rules.yml': rulesFile(exprs) });
    // WHEN
    const r = promtool(['check', 'rules', 'valid.rules.yml'], dir);
    // THEN
    expect(r.output).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(r.status).toBe(0);
  });

  test('promtool rejects every expression rejected here, except the stricter result-type check', () => {
    // GIVEN
    const cases = INVALID.filter((c) => !usesPlaceholders(c));
    const dir = writeTree({ 'invalid.rules.yml': rulesFile(cases.map((c) => c.expr)) });
    // WHEN
    const r = promtool(['check', 'rules', 'invalid.rules.yml'], dir);
    // THEN
    expect(r.status).not.toBe(0);
    cases.forEach((c, i) => {
      const rejected = r.output.includes(`"case_${i}": could not parse expression`);
      expect([c.name, rejected]).toEqual([c.name, c.promtool ?? true]);
    });
  });
});
