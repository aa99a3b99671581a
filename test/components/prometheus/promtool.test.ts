import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRuleFile } from '../../../src/common/rules';
import { platformAlertRules } from '../../../src/components/prometheus';
import { configFile, configFiles, synthObjects } from '../../helpers/synth';
import { promConfigWithLocalPaths, promtool, writeTree } from '../../helpers/tools';
import { FakeAlertmanager, sloLikeRuleFile, synthPrometheus } from './fixtures';

/**
 * The real upstream checker (promtool at the deployed Prometheus release, from .tools/bin) on what the Prometheus
 * construct generates:
 * - `promtool check config` on the synthesized prometheus.yml, Kubernetes discovery included (only the pod's paths
 *   are replaced, see promConfigWithLocalPaths), with every rule file;
 * - `promtool check rules` on the platform alerts (their `promtool test rules` cases are in
 *   platform-alerts-promtool.test.ts).
 */

/**
 * Writes the chart's prometheus.yml (pod paths replaced, see promConfigWithLocalPaths) and every rule file
 * under rules/, where the rewritten `rule_files` glob points; returns the config's path.
 */
function writeConfigTree(objects: ReturnType<typeof synthObjects>): string {
  const dir = writeTree({ 'rules/.keep': '' });
  for (const [key, content] of configFiles(objects)) {
    if (key.endsWith('.rules.yml')) writeFileSync(join(dir, 'rules', key.split('/').pop()!), content);
  }
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, promConfigWithLocalPaths(configFile(objects, 'prometheus.yml'), dir));
  return file;
}

describe('Prometheus against promtool', () => {
  test('promtool check config accepts the generated prometheus.yml with its rule files', () => {
    // GIVEN a Prometheus with an Alertmanager, extra jobs and rule files, some added after construction
    const { prometheus, objects } = synthPrometheus({
      alertmanagers: [new FakeAlertmanager(['alertmanager-0.alertmanager-headless.observability.svc:9093'])],
      externalLabels: { cluster: 'prod' },
      kubeletInsecureSkipVerify: true,
    });
    prometheus.addScrapeConfig({
      jobName: 'kube-state-metrics',
      honorLabels: true,
      kubernetesSdConfigs: [{ role: 'pod', namespaces: ['observability'] }],
      relabelConfigs: [{ sourceLabels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http-metrics', action: 'keep' }],
    });
    prometheus.addScrapeConfig({ jobName: 'static', scrapeInterval: '30s', scrapeTimeout: '20s', staticConfigs: [{ targets: ['db:9187'] }] });
    prometheus.addRuleGroup(platformAlertRules(), 'platform.rules.yml');
    prometheus.addRuleFile(sloLikeRuleFile('order-service'));
    // WHEN checked
    const result = promtool(['check', 'config', writeConfigTree(objects())]);
    // THEN
    expect(result.output).toMatch(/SUCCESS: .*prometheus\.yml is valid prometheus config file syntax/);
    expect(result.output).toMatch(/platform\.rules\.yml\n?.*SUCCESS: 4 rules found/);
    expect(result.output).toMatch(/slo-order-service\.rules\.yml\n?.*SUCCESS: 30 rules found/);
    expect(result.status).toBe(0);
  });

  test('promtool check config fails on a broken rule file (the check is real), which addRuleGroup refuses first', () => {
    const { prometheus, objects } = synthPrometheus();
    const broken = { name: 'broken', rules: [{ record: 'x:y', expr: 'sum(rate(up[5m])' }] };
    // The construct refuses it at synth time, naming the rule and pointing at the culprit...
    expect(() => prometheus.addRuleGroup(broken)).toThrow('test/prometheus.ruleFiles[broken.rules.yml].groups[broken].rules[0].expr: unclosed "(" at column 4');
    // ...and promtool, given the same file behind the construct's back, refuses it too.
    const config = writeConfigTree(objects());
    writeFileSync(join(config, '..', 'rules', 'broken.rules.yml'), renderRuleFile([broken]));
    const result = promtool(['check', 'config', config]);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/FAILED/);
  });

  test('promtool checks the Kubernetes discovery itself (3.x has it built in): an unknown role is refused', () => {
    const { objects } = synthPrometheus();
    const config = writeConfigTree(objects());
    writeFileSync(config, readFileSync(config, 'utf8').replace('role: pod', 'role: pods'));
    const result = promtool(['check', 'config', config]);
    expect(result.output).toMatch(/unknown Kubernetes SD role "pods"/);
    expect(result.status).not.toBe(0);
  });

  test('promtool check rules accepts the platform rules', () => {
    const dir = writeTree({ 'platform.rules.yml': renderRuleFile([platformAlertRules()]) });
    const result = promtool(['check', 'rules', join(dir, 'platform.rules.yml')]);
    expect(result.output).toMatch(/SUCCESS: 4 rules found/);
    expect(result.status).toBe(0);
  });
});
