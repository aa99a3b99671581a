import { dump } from 'js-yaml';
import { renderRuleFile, RuleFile } from '../../src/common/rules';
import { SloModel, sloRuleGroupOrder } from '../../src/slo';
import { promtool, ToolResult, writeTree } from '../helpers/tools';

/** A `promql_expr_test` of a promtool unit test, in promtool's own field names. */
export interface ExprCheck {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: readonly { readonly labels: string; readonly value: number }[];
}

/** An input series of a promtool unit test (expanding notation: `0+60x20`, `_x5`, `stale`). */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/**
 * Runs the real `promtool test rules` on a model's SLO rule files: one test group at a 1m interval and evaluation
 * interval, the groups evaluated in the generator's order (`group_eval_order`), the given input series and checks.
 */
export function promtoolSloRules(model: SloModel, files: readonly RuleFile[], input: readonly InputSeries[], checks: readonly ExprCheck[], prefix: string): ToolResult {
  const test = {
    rule_files: files.map((f) => f.fileName),
    evaluation_interval: '1m',
    group_eval_order: sloRuleGroupOrder(model),
    tests: [{ interval: '1m', input_series: input, promql_expr_test: checks }],
  };
  const dir = writeTree({ ...Object.fromEntries(files.map((f) => [f.fileName, renderRuleFile(f.groups)])), 'test.yml': dump(test, { lineWidth: -1 }) }, prefix);
  return promtool(['test', 'rules', 'test.yml'], dir);
}
