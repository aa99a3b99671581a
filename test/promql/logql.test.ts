import { ConfigError, formatProblem } from '../../src/common/errors';
import { LogQLOptions, logqlProblems, validateLogQL } from '../../src/promql';

interface ValidCase {
  readonly expr: string;
  readonly options?: LogQLOptions;
}

interface InvalidCase {
  readonly name: string;
  readonly expr: string;
  readonly options?: LogQLOptions;
  readonly message: readonly string[];
}

const PATH = 'slos.checkout.availability.query';

// Query shapes from the Loki documentation (https://grafana.com/docs/loki/latest/query/log_queries/ and
// https://grafana.com/docs/loki/latest/query/metric_queries/).
const VALID: readonly ValidCase[] = [
  { expr: '{namespace="x"} |= "error" | json | line_format "{{.level}}: {{.msg}}"' },
  { expr: 'sum by (service) (count_over_time({app="x"}[5m]))', options: { metric: true } },
  { expr: '{app="api", namespace=~"prod|staging"} != "healthz" |~ `status=5\d\d` | logfmt | level="error" or level="warn"' },
  { expr: 'sum(rate({app="api"} |= "timeout" [5m])) by (pod) > 0.1', options: { metric: true } },
  { expr: 'quantile_over_time(0.99, {app="api"} | json | unwrap duration(latency) [5m]) by (service)' },
  { expr: 'sum(rate({app="api"} | json | status >= 500 [5m])) / sum(rate({app="api"}[5m]))' },
  { expr: 'topk(5, sum by (path) (bytes_rate({app="nginx"}[1h])))' },
  { expr: '{app="api"} | pattern "<ip> - <_> <status>" | status="500" | drop ip' },
  { expr: 'absent_over_time({app="api"}[10m])' },
  { expr: 'sum(count_over_time({app="api"}[5m] offset 1h))' },
  { expr: 'sum by (level) (count_over_time({app="api"} | json | __error__="" [1m]))' },
  // Grafana Explore / dashboard queries with variables.
  { expr: 'sum by (level) (count_over_time({namespace="$namespace", app=~"${app}"} |= "$search" [$__auto]))', options: { placeholders: true } },
  { expr: 'rate({app="api"}[$__interval])', options: { placeholders: true, metric: true } },
];

const INVALID: readonly InvalidCase[] = [
  {
    name: 'a range aggregation without a range',
    expr: 'count_over_time({app="api"} |= "error")',
    message: [
      'slos.checkout.availability.query: count_over_time() needs a range after its log query at column 39 of the LogQL expression',
      '    count_over_time({app="api"} |= "error")',
      '                                          ^ here. Fix: add one, e.g. count_over_time({app="api"} |= "error" [5m]).',
    ],
  },
  {
    name: 'an unknown range aggregation suggests the closest one',
    expr: 'sum(cont_over_time({app="api"}[5m]))',
    message: [
      'slos.checkout.availability.query: unknown function "cont_over_time" at column 5 of the LogQL expression',
      '    sum(cont_over_time({app="api"}[5m]))',
      '        ^ here. Fix: did you mean "count_over_time"? (https://grafana.com/docs/loki/latest/query/metric_queries/)',
    ],
  },
  {
    name: 'an empty stream selector',
    expr: '{}',
    message: [
      'slos.checkout.availability.query: the stream selector "{}" is empty at column 1 of the LogQL expression',
      '    {}',
      '    ^ here. Fix: add at least one label matcher, e.g. {app="api"}.',
    ],
  },
  {
    name: 'a selector whose matchers all match empty',
    expr: '{app=~".*", env!="prod"}',
    message: [
      'slos.checkout.availability.query: the stream selector {app=~".*", env!="prod"} needs at least one "=" or "=~" matcher that cannot match an empty value at column 1 of the LogQL expression',
      '    {app=~".*", env!="prod"}',
      '    ^ here. Fix: add one, e.g. {app="api"}; =~".*" matches everything, use =~".+" instead.',
    ],
  },
  {
    name: 'an invalid duration in the range',
    expr: 'rate({app="api"}[5x])',
    message: [
      'slos.checkout.availability.query: invalid duration "5x" in the range at column 18 of the LogQL expression',
      '    rate({app="api"}[5x])',
      '                     ^ here. Fix: write whole numbers with a unit (ms, s, m, h, d, w, y), largest unit first, e.g. "5m", "90s" or "1h30m".',
    ],
  },
  {
    name: 'a misspelled parser stage',
    expr: '{app="api"} | jsn | level="error"',
    message: [
      'slos.checkout.availability.query: "| jsn" is neither a known pipeline stage nor a complete label filter at column 15 of the LogQL expression',
      '    {app="api"} | jsn | level="error"',
      '                  ^ here. Fix: did you mean "| json"?',
    ],
  },
  {
    name: 'a line filter without quotes',
    expr: '{app="api"} |= error',
    message: [
      'slos.checkout.availability.query: the line filter "|=" needs a quoted string at column 16 of the LogQL expression',
      '    {app="api"} |= error',
      '                   ^ here. Fix: quote it: |= "error".',
    ],
  },
  {
    name: 'sum_over_time without unwrap',
    expr: 'sum_over_time({app="api"} | json [5m])',
    message: [
      'slos.checkout.availability.query: sum_over_time() aggregates numbers, so it needs "| unwrap <label>" to read them from the log lines at column 1 of the LogQL expression',
      '    sum_over_time({app="api"} | json [5m])',
      '    ^ here. Fix: add it before the range, e.g. sum_over_time({app="api"} | json | unwrap duration_ms [5m]), or count lines with count_over_time() instead (https://grafana.com/docs/loki/latest/query/metric_queries/).',
    ],
  },
  {
    name: 'count_over_time with unwrap',
    expr: 'count_over_time({app="api"} | json | unwrap bytes [5m])',
    message: [
      'slos.checkout.availability.query: count_over_time() works on log lines and cannot take "| unwrap bytes" at column 36 of the LogQL expression',
      '    count_over_time({app="api"} | json | unwrap bytes [5m])',
      '                                       ^ here. Fix: remove the unwrap stage, or aggregate the unwrapped values with sum_over_time(), avg_over_time(), max_over_time() or quantile_over_time().',
    ],
  },
  {
    name: 'unwrap in a log query',
    expr: '{app="api"} | logfmt | unwrap latency',
    message: [
      'slos.checkout.availability.query: "| unwrap" only works inside a range aggregation at column 24 of the LogQL expression',
      '    {app="api"} | logfmt | unwrap latency',
      '                           ^ here. Fix: aggregate the unwrapped values over a range, e.g. sum_over_time({app="api"} | logfmt | unwrap latency [5m]).',
    ],
  },
  {
    name: 'a range on a log query',
    expr: '{app="api"}[5m]',
    message: [
      'slos.checkout.availability.query: a range needs a range aggregation around the log query at column 12 of the LogQL expression',
      '    {app="api"}[5m]',
      '               ^ here. Fix: wrap it in one, e.g. count_over_time({app="api"}[5m]) or rate(...) (https://grafana.com/docs/loki/latest/query/metric_queries/).',
    ],
  },
  {
    name: 'a missing comma between stream matchers',
    expr: '{app="api" namespace="prod"}',
    message: [
      'slos.checkout.availability.query: missing "," between label matchers at column 12 of the LogQL expression',
      '    {app="api" namespace="prod"}',
      '               ^ here. Fix: separate label matchers with commas, e.g. {app="api", namespace="prod"}.',
    ],
  },
  {
    name: 'an invalid regular expression in a line filter',
    expr: '{app="api"} |~ "timeout(s"',
    message: [
      'slos.checkout.availability.query: invalid regular expression "timeout(s" (missing closing ), at character 8 of the regex) at column 16 of the LogQL expression',
      '    {app="api"} |~ "timeout(s"',
      '                   ^ here. Fix: fix the regular expression (RE2 syntax: https://github.com/google/re2/wiki/Syntax); escape literal characters such as "(" or "." with a double backslash, e.g. "\\\\.".',
    ],
  },
  {
    name: 'an unclosed aggregation',
    expr: 'sum by (service) (count_over_time({app="api"}[5m])',
    message: [
      'slos.checkout.availability.query: unclosed "(" at column 18 of the LogQL expression',
      '    sum by (service) (count_over_time({app="api"}[5m])',
      '                     ^ here. Fix: add the matching ")".',
    ],
  },
  {
    name: 'a log query where a metric is required',
    expr: '{namespace="x"} |= "error" | json',
    options: { metric: true },
    message: [
      'slos.checkout.availability.query: this is a log query, but a metric query is expected here at column 1 of the LogQL expression',
      '    {namespace="x"} |= "error" | json',
      '    ^ here. Fix: turn it into a metric, e.g. sum(count_over_time({namespace="x"} |= "error" | json [5m])) (https://grafana.com/docs/loki/latest/query/metric_queries/).',
    ],
  },
  {
    name: 'a Grafana variable without the placeholders option',
    expr: 'sum(rate({app="api"}[$__auto]))',
    message: [
      'slos.checkout.availability.query: "$__auto" is a Grafana variable or template placeholder, not LogQL at column 22 of the LogQL expression',
      '    sum(rate({app="api"}[$__auto]))',
      '                         ^ here. Fix: validate it with { placeholders: true } (as dashboards and raw SLO queries are), or substitute the placeholder before validating.',
    ],
  },

];

describe('logqlProblems', () => {
  test.each(VALID.map((c) => [c.expr, c]))('accepts %s', (_, c) => {
    expect(logqlProblems(c.expr, PATH, c.options)).toEqual([]);
  });

  test.each(INVALID.map((c) => [c.name, c]))('%s', (_, c) => {
    // WHEN
    const problems = logqlProblems(c.expr, PATH, c.options);
    // THEN
    expect(problems.map(formatProblem).join('\n')).toBe(c.message.join('\n'));
  });

  test('placeholders keep the positions of the original text', () => {
    // GIVEN a Grafana query with a variable before the mistake
    const expr = 'sum(rate({app=~"${app:regex}"}[$__auto])) by level';
    // WHEN
    const problems = logqlProblems(expr, 'dashboards.logs.panels[1].targets[0].expr', { placeholders: true });
    // THEN the column is the one of "level" in the text as written
    expect(problems).toMatchObject([{ path: 'dashboards.logs.panels[1].targets[0].expr', expression: expr, line: 1, column: expr.indexOf('level') + 1 }]);
    expect(problems[0].message).toMatch(/^"by" needs its labels in parentheses/);
  });

  test('a non-string or empty expression is one problem with the value', () => {
    expect(logqlProblems('', PATH).map(formatProblem)).toEqual([
      `${PATH}: is an empty LogQL expression (got ""). Fix: write a LogQL expression, e.g. sum by (app) (count_over_time({app="api"} |= "error" [5m])).`,
    ]);
  });

  test('validateLogQL throws a ConfigError and passes valid expressions', () => {
    expect(() => validateLogQL('{app="api"} |= "error"', PATH)).not.toThrow();
    expect(() => validateLogQL('{app="api"} |= error', PATH)).toThrow(ConfigError);
    expect(() => validateLogQL('{app="api"} |= error', PATH)).toThrow(/^slos\.checkout\.availability\.query: the line filter "\|=" needs a quoted string at column 16/);
  });
});
