import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRuleFile } from '../../../src/common/rules';
import { PLATFORM_ALERT_NAMES, platformAlertRules } from '../../../src/components/prometheus';
import { configFile, configFiles, synthObjects } from '../../helpers/synth';
import { promConfigWithLocalPaths, promtool, writeTree } from '../../helpers/tools';
import { FakeAlertmanager, sloLikeRuleFile, synthPrometheus } from './fixtures';
import { AlertTestCase, InputSeries, PromtoolTestFile, TestGroup, renderPromtoolTestFile, series } from './promtool-test-file';

/**
 * The real upstream checker (promtool at the deployed Prometheus release, from .tools/bin) on what the Prometheus
 * construct generates:
 * - `promtool check config` on the synthesized prometheus.yml, Kubernetes discovery included (only the pod's paths
 *   are replaced, see promConfigWithLocalPaths), with every rule file;
 * - `promtool check rules` and `promtool test rules` on the platform alerts: each alert fires where it should and stays
 *   silent where it should not.
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

// ---------------------------------------------------------------------------------------------------------------
// promtool test rules: one firing and at least one silent case per platform alert
// ---------------------------------------------------------------------------------------------------------------

const shop = { namespace: 'shop' };

function podLabels(pod: string, labels: Record<string, string>): InputSeries {
  return { series: series('kube_pod_labels', { ...shop, pod, uid: `${pod}-uid`, ...labels }), values: '1x40' };
}

const highErrorRate: TestGroup = {
  interval: '1m',
  inputSeries: [
    // order-service: 1 of 10 requests per second fails → 10%
    { series: series('http_requests_total', { service: 'order-service', method: 'POST', endpoint: '/orders', status: '500' }), values: '0+60x40' },
    { series: series('http_requests_total', { service: 'order-service', method: 'POST', endpoint: '/orders', status: '200' }), values: '0+540x40' },
    // payment-service: 1% fails → silent
    { series: series('http_requests_total', { service: 'payment-service', method: 'POST', endpoint: '/pay', status: '503' }), values: '0+6x40' },
    { series: series('http_requests_total', { service: 'payment-service', method: 'POST', endpoint: '/pay', status: '200' }), values: '0+594x40' },
    // cart-service: only 4xx (client errors) → silent
    { series: series('http_requests_total', { service: 'cart-service', method: 'GET', endpoint: '/cart', status: '404' }), values: '0+300x40' },
    { series: series('http_requests_total', { service: 'cart-service', method: 'GET', endpoint: '/cart', status: '200' }), values: '0+300x40' },
  ],
  alertRuleTests: [
    // still pending: `for: 5m` not yet held
    { evalTime: '4m', alertname: PLATFORM_ALERT_NAMES.highErrorRate, expAlerts: [] },
    {
      evalTime: '15m',
      alertname: PLATFORM_ALERT_NAMES.highErrorRate,
      expAlerts: [
        {
          labels: { service: 'order-service', severity: 'critical' },
          annotations: {
            summary: 'High error rate on order-service',
            description: '10% of the requests to order-service failed with a 5xx status over the last 5m (threshold 5%).',
          },
        },
      ],
    },
  ],
};

function latencyBuckets(service: string, perBucket: Record<string, string>): InputSeries[] {
  return Object.entries(perBucket).map(([le, values]) => ({ series: series('http_request_duration_seconds_bucket', { service, le }), values }));
}

const highLatency: TestGroup = {
  interval: '1m',
  inputSeries: [
    // order-service: every request between 0.5s and 1s → p95 = 0.975s
    ...latencyBuckets('order-service', { '0.1': '0x40', '0.25': '0x40', '0.5': '0x40', '1': '0+60x40', '+Inf': '0+60x40' }),
    // payment-service: every request under 100ms → silent
    ...latencyBuckets('payment-service', { '0.1': '0+60x40', '0.25': '0+60x40', '0.5': '0+60x40', '1': '0+60x40', '+Inf': '0+60x40' }),
  ],
  alertRuleTests: [
    // pending for less than `for: 10m`
    { evalTime: '8m', alertname: PLATFORM_ALERT_NAMES.highLatency, expAlerts: [] },
    {
      evalTime: '15m',
      alertname: PLATFORM_ALERT_NAMES.highLatency,
      expAlerts: [
        {
          labels: { service: 'order-service', severity: 'warning' },
          annotations: {
            summary: 'High latency on order-service',
            description: 'The p95 latency of order-service is 975ms over the last 5m (threshold 500ms).',
          },
        },
      ],
    },
  ],
};

function container(pod: string, name: string): Record<string, string> {
  return { ...shop, pod, container: name };
}

const podCrashLooping: TestGroup = {
  interval: '1m',
  inputSeries: [
    // orders-1: restarts every minute and keeps being backed off → fires, service from app.kubernetes.io/name
    { series: series('kube_pod_container_status_restarts_total', { ...container('orders-1', 'app'), uid: 'orders-1-uid' }), values: '0+1x40' },
    {
      series: series('kube_pod_container_status_waiting_reason', { ...container('orders-1', 'app'), uid: 'orders-1-uid', reason: 'CrashLoopBackOff' }),
      values: '1x40',
    },
    podLabels('orders-1', { label_app_kubernetes_io_name: 'order-service', label_app: 'orders' }),
    // batch-7: crash looping, kube_pod_labels missing → still fires, without service
    { series: series('kube_pod_container_status_restarts_total', { ...container('batch-7', 'job'), uid: 'batch-7-uid' }), values: '0+1x40' },
    {
      series: series('kube_pod_container_status_waiting_reason', { ...container('batch-7', 'job'), uid: 'batch-7-uid', reason: 'CrashLoopBackOff' }),
      values: '1x40',
    },
    // cart-2: restarted once (an OOM kill) and is running again → silent
    { series: series('kube_pod_container_status_restarts_total', { ...container('cart-2', 'app'), uid: 'cart-2-uid' }), values: '0 0 0 1x37' },
    podLabels('cart-2', { label_app: 'cart' }),
    // image-9: waiting on an image pull, never restarted → silent
    { series: series('kube_pod_container_status_restarts_total', { ...container('image-9', 'app'), uid: 'image-9-uid' }), values: '0x40' },
    {
      series: series('kube_pod_container_status_waiting_reason', { ...container('image-9', 'app'), uid: 'image-9-uid', reason: 'ImagePullBackOff' }),
      values: '1x40',
    },
  ],
  alertRuleTests: [
    { evalTime: '3m', alertname: PLATFORM_ALERT_NAMES.podCrashLooping, expAlerts: [] },
    {
      evalTime: '15m',
      alertname: PLATFORM_ALERT_NAMES.podCrashLooping,
      expAlerts: [
        {
          labels: { ...container('orders-1', 'app'), uid: 'orders-1-uid', service: 'order-service', severity: 'warning' },
          annotations: {
            summary: 'Pod shop/orders-1 is crash looping',
            description: 'Container app of pod shop/orders-1 (service order-service) restarted 15 times in the last 15m and is in CrashLoopBackOff.',
          },
        },
        {
          labels: { ...container('batch-7', 'job'), uid: 'batch-7-uid', severity: 'warning' },
          annotations: {
            summary: 'Pod shop/batch-7 is crash looping',
            description: 'Container job of pod shop/batch-7 restarted 15 times in the last 15m and is in CrashLoopBackOff.',
          },
        },
      ],
    },
  ],
};

const MiB = 2 ** 20;

function cadvisor(metric: string, labels: Record<string, string>, bytes: number): InputSeries {
  return { series: series(metric, { ...labels, job: 'cadvisor', node: 'node-a' }), values: `${bytes}x40` };
}

const highMemoryUsage: TestGroup = {
  interval: '1m',
  inputSeries: [
    // orders-1/app: 950Mi of a 1Gi limit (92.77%) → fires, service from app.kubernetes.io/name
    cadvisor('container_memory_working_set_bytes', { ...container('orders-1', 'app'), id: '/kubepods/a' }, 950 * MiB),
    cadvisor('container_spec_memory_limit_bytes', { ...container('orders-1', 'app'), id: '/kubepods/a' }, 1024 * MiB),
    podLabels('orders-1', { label_app_kubernetes_io_name: 'order-service', label_app: 'orders' }),
    // orders-1's pod-level cgroup (container="") and sandbox (container="POD") series: never alert on their own
    cadvisor('container_memory_working_set_bytes', { ...container('orders-1', ''), id: '/kubepods/pod' }, 1000 * MiB),
    cadvisor('container_spec_memory_limit_bytes', { ...container('orders-1', ''), id: '/kubepods/pod' }, 1024 * MiB),
    cadvisor('container_memory_working_set_bytes', { ...container('orders-1', 'POD'), id: '/kubepods/pause' }, 1 * MiB),
    cadvisor('container_spec_memory_limit_bytes', { ...container('orders-1', 'POD'), id: '/kubepods/pause' }, 1 * MiB),
    // stock-3/app: no memory limit (limit 0) and 5Gi used → must not alert (no division by zero)
    cadvisor('container_memory_working_set_bytes', { ...container('stock-3', 'app'), id: '/kubepods/b' }, 5120 * MiB),
    cadvisor('container_spec_memory_limit_bytes', { ...container('stock-3', 'app'), id: '/kubepods/b' }, 0),
    // cart-2/app: 500Mi of 1Gi → silent
    cadvisor('container_memory_working_set_bytes', { ...container('cart-2', 'app'), id: '/kubepods/c' }, 500 * MiB),
    cadvisor('container_spec_memory_limit_bytes', { ...container('cart-2', 'app'), id: '/kubepods/c' }, 1024 * MiB),
    // restarting-4/app: old and new cgroup side by side (800Mi + 200Mi of 1Gi); each is under 90% → silent
    cadvisor('container_memory_working_set_bytes', { ...container('restarting-4', 'app'), id: '/kubepods/old' }, 800 * MiB),
    cadvisor('container_memory_working_set_bytes', { ...container('restarting-4', 'app'), id: '/kubepods/new' }, 200 * MiB),
    cadvisor('container_spec_memory_limit_bytes', { ...container('restarting-4', 'app'), id: '/kubepods/new' }, 1024 * MiB),
    // inventory-5/app: 1000Mi of 1Gi, pod labelled only `app` → fires with service from `app`
    cadvisor('container_memory_working_set_bytes', { ...container('inventory-5', 'app'), id: '/kubepods/d' }, 1000 * MiB),
    cadvisor('container_spec_memory_limit_bytes', { ...container('inventory-5', 'app'), id: '/kubepods/d' }, 1024 * MiB),
    podLabels('inventory-5', { label_app: 'inventory' }),
  ],
  alertRuleTests: [
    { evalTime: '3m', alertname: PLATFORM_ALERT_NAMES.highMemoryUsage, expAlerts: [] },
    {
      evalTime: '10m',
      alertname: PLATFORM_ALERT_NAMES.highMemoryUsage,
      expAlerts: [
        {
          labels: { ...container('inventory-5', 'app'), service: 'inventory', severity: 'warning' },
          annotations: {
            summary: 'Container app of shop/inventory-5 is near its memory limit',
            description: 'Container app of pod shop/inventory-5 uses 97.66% of its memory limit (threshold 90%); it will be OOM-killed at 100%.',
          },
        },
        {
          labels: { ...container('orders-1', 'app'), service: 'order-service', severity: 'warning' },
          annotations: {
            summary: 'Container app of shop/orders-1 is near its memory limit',
            description: 'Container app of pod shop/orders-1 uses 92.77% of its memory limit (threshold 90%); it will be OOM-killed at 100%.',
          },
        },
      ],
    },
  ],
};

const TEST_GROUPS: Record<string, TestGroup> = {
  [PLATFORM_ALERT_NAMES.highErrorRate]: highErrorRate,
  [PLATFORM_ALERT_NAMES.highLatency]: highLatency,
  [PLATFORM_ALERT_NAMES.podCrashLooping]: podCrashLooping,
  [PLATFORM_ALERT_NAMES.highMemoryUsage]: highMemoryUsage,
};

function runPromtoolTest(groups: readonly TestGroup[]): ReturnType<typeof promtool> {
  const testFile: PromtoolTestFile = { ruleFiles: ['platform.rules.yml'], evaluationInterval: '1m', tests: groups };
  const dir = writeTree({
    'platform.rules.yml': renderRuleFile([platformAlertRules()]),
    'platform.test.yml': renderPromtoolTestFile(testFile),
  });
  return promtool(['test', 'rules', 'platform.test.yml'], dir);
}

describe('platform alerts under promtool test rules', () => {
  test('every platform alert has a firing and a silent case', () => {
    const alerts = platformAlertRules().rules.map((r) => ('alert' in r ? r.alert : r.record));
    expect(Object.keys(TEST_GROUPS).sort()).toEqual([...alerts].sort());
    for (const group of Object.values(TEST_GROUPS)) {
      const cases = group.alertRuleTests as readonly AlertTestCase[];
      expect(cases.some((c) => c.expAlerts.length > 0)).toBe(true);
      expect(cases.some((c) => c.expAlerts.length === 0)).toBe(true);
    }
  });

  test.each(Object.keys(TEST_GROUPS))('%s fires where it should and stays silent elsewhere', (alert) => {
    const result = runPromtoolTest([TEST_GROUPS[alert]]);
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.status).toBe(0);
  });

  test('a wrong expectation fails (the test is real)', () => {
    // GIVEN the memory case, expecting the unlimited container stock-3 to alert
    const wrong: TestGroup = {
      ...highMemoryUsage,
      alertRuleTests: [
        {
          evalTime: '10m',
          alertname: PLATFORM_ALERT_NAMES.highMemoryUsage,
          expAlerts: [{ labels: { ...container('stock-3', 'app'), severity: 'warning' } }],
        },
      ],
    };
    const result = runPromtoolTest([wrong]);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/FAILED/);
  });
});
