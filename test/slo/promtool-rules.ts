import { renderRuleFile, RuleFile } from '../../src/common/rules';
import { SloModel, sloRuleGroupOrder } from '../../src/slo';
import { InputSeries, PromqlTestCase, renderPromtoolTestFile } from '../components/prometheus/promtool-test-file';
import { promtool, ToolResult, writeTree } from '../helpers/tools';

/**
 * Runs the real `promtool test rules` on a model's SLO rule files: one test group at a 1m interval and evaluation
 * interval, the groups evaluated in the generator's order (`group_eval_order`), the given input series and checks.
 */
export function promtoolSloRules(model: SloModel, files: readonly RuleFile[], inputSeries: readonly InputSeries[], promqlExprTests: readonly PromqlTestCase[], prefix: string): ToolResult {
  const test = renderPromtoolTestFile({
    ruleFiles: files.map((f) => f.fileName),
    evaluationInterval: '1m',
    groupEvalOrder: sloRuleGroupOrder(model),
    tests: [{ interval: '1m', inputSeries, promqlExprTests }],
  });
  const dir = writeTree({ ...Object.fromEntries(files.map((f) => [f.fileName, renderRuleFile(f.groups)])), 'test.yml': test }, prefix);
  return promtool(['test', 'rules', 'test.yml'], dir);
}
