import { toYaml } from '../../../src/common/serialize';

/**
 * Typed model of a `promtool test rules` file (https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/),
 * camelCase here, snake_case in `renderPromtoolTestFile`. Only fields promtool 2.42 knows.
 */
export interface InputSeries {
  /** e.g. `http_requests_total{service="a",status="500"}` */
  readonly series: string;
  /** Expanding notation, e.g. `0+60x30`, `1x30`, `_x5 1x10`. */
  readonly values: string;
}

export interface ExpectedAlert {
  /** Labels besides `alertname` (promtool adds it). */
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface AlertTestCase {
  readonly evalTime: string;
  readonly alertname: string;
  /** Empty: the alert must not be firing at evalTime. */
  readonly expAlerts: readonly ExpectedAlert[];
}

export interface PromqlTestCase {
  readonly expr: string;
  readonly evalTime: string;
  readonly expSamples: readonly { readonly labels: string; readonly value: number }[];
}

export interface TestGroup {
  /** @default - the file's evaluationInterval */
  readonly interval?: string;
  readonly inputSeries: readonly InputSeries[];
  readonly alertRuleTests?: readonly AlertTestCase[];
  readonly promqlExprTests?: readonly PromqlTestCase[];
}

export interface PromtoolTestFile {
  readonly ruleFiles: readonly string[];
  readonly evaluationInterval?: string;
  /** Groups evaluated in this order at each step (`group_eval_order`). @default - promtool's own order */
  readonly groupEvalOrder?: readonly string[];
  readonly tests: readonly TestGroup[];
}

export function renderPromtoolTestFile(f: PromtoolTestFile): string {
  return toYaml(
    {
      rule_files: [...f.ruleFiles],
      evaluation_interval: f.evaluationInterval,
      group_eval_order: f.groupEvalOrder ? [...f.groupEvalOrder] : undefined,
      tests: f.tests.map((t) => ({
        interval: t.interval,
        input_series: t.inputSeries.map((s) => ({ series: s.series, values: s.values })),
        alert_rule_test: t.alertRuleTests?.map((a) => ({
          eval_time: a.evalTime,
          alertname: a.alertname,
          exp_alerts: a.expAlerts.map((e) => ({ exp_labels: { ...e.labels }, exp_annotations: e.annotations ? { ...e.annotations } : undefined })),
        })),
        promql_expr_test: t.promqlExprTests?.map((p) => ({
          expr: p.expr,
          eval_time: p.evalTime,
          exp_samples: p.expSamples.map((s) => ({ labels: s.labels, value: s.value })),
        })),
      })),
    },
    { header: false },
  );
}

/** `name{a="x",b="y"}` with labels in the given order. */
export function series(name: string, labels: Readonly<Record<string, string>>): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return `${name}{${body}}`;
}
