import { Chart, Testing } from 'cdk8s';
import { rmSync } from 'node:fs';
import { buildSloModel, DEMO_SERVICES, ORDER_SERVICE } from '../../src/slo';
import { PrometheusOperatorResources, ruleFileOfPrometheusRule } from '../../src/operator';
import { renderRuleTestFile, RuleTestFile, sloProofs } from '../helpers/slo-proof';
import { objectsOfKind, synthObjects } from '../helpers/synth';
import { runToolAsync, writeTree } from '../helpers/tools';

/**
 * The SLO proof (test/slo/proof.test.ts) run on rules extracted from PrometheusRules: every SLO shape of the default
 * platform, at the operator's default evaluation interval (30s), its rule file written as the PrometheusRule operator
 * mode writes, read back from the synthesized object, and the same generated `promtool test rules` cases run by the
 * real promtool. The one difference the cases allow for is operator mode's routing label: every alert carries
 * `namespace="observability"` (matcher strategy OnNamespace; the SLO alerts have no namespace of their own, so no
 * `exported_namespace`).
 */

const model = buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES], { evaluationInterval: '30s' });
const { proofs } = sloProofs(model);

/** The PrometheusRule's rule file, as synthesized. */
function throughPrometheusRule(file: (typeof proofs)[number]['ruleFiles'][number]): string {
  const chart = new Chart(Testing.app(), 'proof', { namespace: 'observability' });
  const resources = new PrometheusOperatorResources(chart, 'PrometheusOperator', { annotationScraping: false });
  resources.addRuleFile(file);
  const [rule] = objectsOfKind(synthObjects(chart), 'PrometheusRule');
  return ruleFileOfPrometheusRule(rule);
}

function withRoutingLabel(f: RuleTestFile): RuleTestFile {
  return {
    ...f,
    tests: f.tests.map((g) => ({
      ...g,
      alertRuleTests: g.alertRuleTests.map((a) => ({ ...a, expAlerts: a.expAlerts.map((e) => ({ ...e, expLabels: { ...e.expLabels, namespace: 'observability' } })) })),
    })),
  };
}

let dir: string | undefined;
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

test('every SLO shape passes its promtool proof with the rules read back from its PrometheusRule, at 30s evaluation', async () => {
  expect(proofs.length).toBe(6);
  expect(model.settings.evaluationInterval.seconds).toBe(30);
  const files: Record<string, string> = {};
  for (const p of proofs) {
    for (const f of p.ruleFiles) files[f.fileName] = throughPrometheusRule(f);
    expect(p.ruleFiles.some((f) => files[f.fileName].includes('namespace: observability'))).toBe(true);
    for (const f of p.testFiles) files[f.fileName] = renderRuleTestFile(withRoutingLabel(f));
  }
  dir = writeTree(files, 'operator-proof-');
  const tests = proofs.flatMap((p) => p.testFiles.map((f) => f.fileName));
  const results: { file: string; output: string }[] = [];
  for (let i = 0; i < tests.length; i += 2) {
    const batch = await Promise.all(tests.slice(i, i + 2).map(async (f) => ({ file: f, r: await runToolAsync('promtool', ['test', 'rules', f], dir) })));
    results.push(...batch.map(({ file, r }) => ({ file, output: r.status === 0 ? 'SUCCESS' : r.output })));
  }
  expect(results).toEqual(tests.map((file) => ({ file, output: 'SUCCESS' })));
}, 600_000);
