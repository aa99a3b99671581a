import { rmSync } from 'node:fs';
import { renderRuleFile } from '../../../src/common/rules';
import { PLATFORM_ALERT_NAMES, platformAlertRules, PlatformAlertsProps } from '../../../src/components/prometheus';
import { promtool, writeTree } from '../../helpers/tools';
import { AlertTestCase, ExpectedAlert, InputSeries, renderPromtoolTestFile, series, TestGroup } from './promtool-test-file';

/**
 * The platform alerts under the real `promtool test rules` (Prometheus 3.5.0, .tools/bin), on the seed's metric names,
 * side by side with the seed's own rules as the seed writes them (SEED_RULES below, verbatim but for YAML
 * indentation). Each scenario runs twice on the same input series:
 * - where the seed's expression is right (one service, containers with a limit, no pod-level series), both fire at
 *   the same evaluation times with the same severity — ours with the extra `service` label;
 * - where a documented correction applies (platform/README.md "The seed's platform alerts"), the seed's expression
 *   misfires or stays silent and ours does what the seed's description says.
 * Timing: input every minute, rules evaluated every minute; a condition true from t=1m (the first `rate()` with two
 * samples) is pending until it has held for `for` (5m), so it fires from t=6m.
 */

/** The seed's `application_alerts` group, as the seed document writes it. */
const SEED_RULES = `groups:
  - name: application_alerts
    rules:
      - alert: HighErrorRate
        expr: |
          sum(rate(http_requests_total{status=~"5.."}[5m])) /
          sum(rate(http_requests_total[5m])) > 0.01
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: "High error rate detected"
          description: "Error rate is above 1% for 5 minutes"
      - alert: HighLatency
        expr: |
          histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket[5m])) by (le)) > 1
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "High latency detected"
          description: "P99 latency is above 1 second"
      - alert: PodCrashLooping
        expr: rate(kube_pod_container_status_restarts_total[15m]) > 0
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: "Pod is crash looping"
          description: "Pod {{ $labels.pod }} is restarting frequently"
      - alert: HighMemoryUsage
        expr: |
          (container_memory_usage_bytes / container_spec_memory_limit_bytes) > 0.9
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "High memory usage"
          description: "Container {{ $labels.container }} is using > 90% memory"
`;

/** A scenario: input series and, per rule set, what fires when (an empty list: silent at that time). */
interface Scenario {
  readonly name: string;
  readonly alert: string;
  readonly input: readonly InputSeries[];
  readonly ours: readonly [evalTime: string, alerts: readonly ExpectedAlert[]][];
  readonly seed?: readonly [evalTime: string, alerts: readonly ExpectedAlert[]][];
}

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function run(rules: string, scenario: Scenario, cases: Scenario['ours']): ReturnType<typeof promtool> {
  const group: TestGroup = {
    interval: '1m',
    inputSeries: scenario.input,
    alertRuleTests: cases.map(([evalTime, expAlerts]): AlertTestCase => ({ evalTime, alertname: scenario.alert, expAlerts })),
  };
  const dir = writeTree({
    'rules.yml': rules,
    'test.yml': renderPromtoolTestFile({ ruleFiles: ['rules.yml'], evaluationInterval: '1m', tests: [group] }),
  });
  tempDirs.push(dir);
  return promtool(['test', 'rules', 'test.yml'], dir);
}

const ours = (props: PlatformAlertsProps = {}) => renderRuleFile([platformAlertRules(props)]);

function expectPass(result: ReturnType<typeof promtool>): void {
  if (result.status !== 0) throw new Error(result.output);
  expect(result.output).toMatch(/SUCCESS/);
}

// ---------------------------------------------------------------------------------------------------------------
// input helpers (the seed's metric names)

const requests = (service: string, status: string, perMinute: number, values?: string): InputSeries => ({
  series: series('http_requests_total', { service, method: 'POST', endpoint: '/orders', status }),
  values: values ?? `0+${perMinute}x20`,
});

/** Cumulative histogram buckets of one service: `perMinute` observations per minute, all in the bucket ending at `slowLe`. */
function latency(service: string, perMinute: number, slowLe: string): InputSeries[] {
  const bounds = ['0.1', '0.25', '0.5', '1', '2.5', '+Inf'];
  const slowAt = bounds.indexOf(slowLe);
  return bounds.map((le, i) => ({
    series: series('http_request_duration_seconds_bucket', { service, method: 'POST', endpoint: '/orders', le }),
    values: i >= slowAt ? `0+${perMinute}x20` : '0x20',
  }));
}

const shop = { namespace: 'shop' };
const restarts = (pod: string, values: string): InputSeries => ({
  series: series('kube_pod_container_status_restarts_total', { ...shop, pod, container: 'app', uid: `${pod}-uid` }),
  values,
});
const podLabels = (pod: string, labels: Record<string, string>): InputSeries => ({
  series: series('kube_pod_labels', { ...shop, pod, uid: `${pod}-uid`, ...labels }),
  values: '1x20',
});

const MiB = 2 ** 20;
/** cAdvisor's labels of one cgroup. */
const cgroup = (pod: string, container: string, id: string) => ({ ...shop, pod, container, id, job: 'cadvisor', node: 'node-a' });
const gauge = (metric: string, labels: Record<string, string>, bytes: number): InputSeries => ({ series: series(metric, labels), values: `${bytes}x20` });
/** usage, working set and limit of one cgroup. */
function memory(labels: Record<string, string>, usage: number, workingSet: number, limit: number): InputSeries[] {
  return [
    gauge('container_memory_usage_bytes', labels, usage),
    gauge('container_memory_working_set_bytes', labels, workingSet),
    gauge('container_spec_memory_limit_bytes', labels, limit),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// scenarios

const errorAnnotations = { summary: 'High error rate detected', description: 'Error rate is above 1% for 5 minutes' };
const latencyAnnotations = { summary: 'High latency detected', description: 'P99 latency is above 1 second' };
const crashAnnotations = (pod: string) => ({ summary: 'Pod is crash looping', description: `Pod ${pod} is restarting frequently` });
const memoryAnnotations = { summary: 'High memory usage', description: 'Container app is using > 90% memory' };

const SCENARIOS: readonly Scenario[] = [
  // HighErrorRate ---------------------------------------------------------------------------------------------
  {
    name: 'one service answering 2% of its requests with a 5xx: both fire after 5 minutes, at the same time',
    alert: PLATFORM_ALERT_NAMES.highErrorRate,
    input: [requests('order-service', '500', 12), requests('order-service', '200', 588)],
    ours: [
      ['5m', []],
      ['6m', [{ labels: { service: 'order-service', severity: 'critical' }, annotations: errorAnnotations }]],
    ],
    seed: [
      ['5m', []],
      ['6m', [{ labels: { severity: 'critical' }, annotations: errorAnnotations }]],
    ],
  },
  {
    name: 'below the threshold (0.8%) or only client errors (4xx): both silent',
    alert: PLATFORM_ALERT_NAMES.highErrorRate,
    input: [
      requests('order-service', '503', 8),
      requests('order-service', '200', 992),
      requests('cart-service', '404', 300),
      requests('cart-service', '200', 300),
    ],
    ours: [['10m', []]],
    seed: [['10m', []]],
  },
  {
    name: 'counter resets (the pod restarted at 11m): rate() corrects for them; both keep firing, a healthy restart stays silent',
    alert: PLATFORM_ALERT_NAMES.highErrorRate,
    input: [
      requests('order-service', '500', 12, '0+12x10 0+12x10'),
      requests('order-service', '200', 588, '0+588x10 0+588x10'),
      requests('cart-service', '200', 200, '0+200x10 0+200x10'),
    ],
    ours: [['15m', [{ labels: { service: 'order-service', severity: 'critical' }, annotations: errorAnnotations }]]],
    seed: [['15m', [{ labels: { severity: 'critical' }, annotations: errorAnnotations }]]],
  },
  {
    name: 'correction (per service): a small service failing half its requests beside a large healthy one — the seed averages it away',
    alert: PLATFORM_ALERT_NAMES.highErrorRate,
    input: [
      requests('order-service', '500', 30),
      requests('order-service', '200', 30),
      requests('catalog-service', '200', 5940),
    ],
    ours: [['10m', [{ labels: { service: 'order-service', severity: 'critical' }, annotations: errorAnnotations }]]],
    seed: [['10m', []]],
  },
  // HighLatency -----------------------------------------------------------------------------------------------
  {
    name: 'one service whose requests take 1 to 2.5 s (p99 2.485 s): both fire after 5 minutes',
    alert: PLATFORM_ALERT_NAMES.highLatency,
    input: latency('order-service', 60, '2.5'),
    ours: [
      ['5m', []],
      ['6m', [{ labels: { service: 'order-service', severity: 'warning' }, annotations: latencyAnnotations }]],
    ],
    seed: [
      ['5m', []],
      ['6m', [{ labels: { severity: 'warning' }, annotations: latencyAnnotations }]],
    ],
  },
  {
    name: 'requests under 1 s (p99 0.995 s): both silent',
    alert: PLATFORM_ALERT_NAMES.highLatency,
    input: latency('order-service', 60, '1'),
    ours: [['10m', []]],
    seed: [['10m', []]],
  },
  {
    name: 'correction (per service): a slow service with 0.5% of the traffic — the seed\'s platform p99 is 0.1 s',
    alert: PLATFORM_ALERT_NAMES.highLatency,
    input: [...latency('order-service', 30, '2.5'), ...latency('catalog-service', 5970, '0.1')],
    ours: [['10m', [{ labels: { service: 'order-service', severity: 'warning' }, annotations: latencyAnnotations }]]],
    seed: [['10m', []]],
  },
  // PodCrashLooping -------------------------------------------------------------------------------------------
  {
    name: 'a container restarting every minute: both fire after 5 minutes; ours names the service from the pod label',
    alert: PLATFORM_ALERT_NAMES.podCrashLooping,
    input: [restarts('orders-1', '0+1x20'), podLabels('orders-1', { label_app_kubernetes_io_name: 'order-service', label_app: 'orders' })],
    ours: [
      ['5m', []],
      [
        '6m',
        [{ labels: { ...shop, pod: 'orders-1', container: 'app', uid: 'orders-1-uid', service: 'order-service', severity: 'critical' }, annotations: crashAnnotations('orders-1') }],
      ],
    ],
    seed: [
      ['5m', []],
      ['6m', [{ labels: { ...shop, pod: 'orders-1', container: 'app', uid: 'orders-1-uid', severity: 'critical' }, annotations: crashAnnotations('orders-1') }]],
    ],
  },
  {
    name: 'one restart at 2m (the seed\'s semantics, kept): both fire from 7m while it is in the 15m window, both resolve at 16m',
    alert: PLATFORM_ALERT_NAMES.podCrashLooping,
    input: [restarts('batch-7', '0 0 1x18')],
    ours: [
      ['6m', []],
      ['7m', [{ labels: { ...shop, pod: 'batch-7', container: 'app', uid: 'batch-7-uid', severity: 'critical' }, annotations: crashAnnotations('batch-7') }]],
      ['16m', []],
    ],
    seed: [
      ['6m', []],
      ['7m', [{ labels: { ...shop, pod: 'batch-7', container: 'app', uid: 'batch-7-uid', severity: 'critical' }, annotations: crashAnnotations('batch-7') }]],
      ['16m', []],
    ],
  },
  {
    name: 'a container that never restarted: both silent',
    alert: PLATFORM_ALERT_NAMES.podCrashLooping,
    input: [restarts('cart-2', '3x20'), podLabels('cart-2', { label_app: 'cart' })],
    ours: [['10m', []]],
    seed: [['10m', []]],
  },
  // HighMemoryUsage -------------------------------------------------------------------------------------------
  {
    name: 'a container at 950Mi of its 1Gi limit (no page cache): both fire after 5 minutes',
    alert: PLATFORM_ALERT_NAMES.highMemoryUsage,
    input: [...memory(cgroup('orders-1', 'app', '/kubepods/a'), 950 * MiB, 950 * MiB, 1024 * MiB), podLabels('orders-1', { label_app_kubernetes_io_name: 'order-service' })],
    // (gauges: the condition holds from t=0, so it fires from t=5m)
    ours: [
      ['4m', []],
      ['5m', [{ labels: { ...shop, pod: 'orders-1', container: 'app', service: 'order-service', severity: 'warning' }, annotations: memoryAnnotations }]],
    ],
    seed: [
      ['4m', []],
      ['5m', [{ labels: { ...cgroup('orders-1', 'app', '/kubepods/a'), severity: 'warning' }, annotations: memoryAnnotations }]],
    ],
  },
  {
    name: 'correction (no limit): the limit series is 0 and the seed divides by zero (+Inf > 0.9) — ours stays silent',
    alert: PLATFORM_ALERT_NAMES.highMemoryUsage,
    input: memory(cgroup('stock-3', 'app', '/kubepods/b'), 5120 * MiB, 5120 * MiB, 0),
    ours: [['10m', []]],
    seed: [['10m', [{ labels: { ...cgroup('stock-3', 'app', '/kubepods/b'), severity: 'warning' }, annotations: memoryAnnotations }]]],
  },
  {
    name: 'correction (working set): 1000Mi used of which 400Mi reclaimable page cache — the seed fires on usage, ours on the 600Mi working set stays silent',
    alert: PLATFORM_ALERT_NAMES.highMemoryUsage,
    input: memory(cgroup('reports-4', 'app', '/kubepods/c'), 1000 * MiB, 600 * MiB, 1024 * MiB),
    ours: [['10m', []]],
    seed: [['10m', [{ labels: { ...cgroup('reports-4', 'app', '/kubepods/c'), severity: 'warning' }, annotations: memoryAnnotations }]]],
  },
  {
    name: 'correction (POD and pod-level series): the pod cgroup (container="") and the sandbox (container="POD") near their limits are not containers',
    alert: PLATFORM_ALERT_NAMES.highMemoryUsage,
    input: [
      ...memory(cgroup('cart-2', 'app', '/kubepods/d/app'), 500 * MiB, 500 * MiB, 1024 * MiB),
      ...memory(cgroup('cart-2', '', '/kubepods/d'), 1000 * MiB, 1000 * MiB, 1024 * MiB),
      ...memory(cgroup('cart-2', 'POD', '/kubepods/d/pause'), 1 * MiB, 1 * MiB, 1 * MiB),
    ],
    ours: [['10m', []]],
    seed: [
      [
        '10m',
        [
          // (an empty label is no label)
          { labels: { ...shop, pod: 'cart-2', id: '/kubepods/d', job: 'cadvisor', node: 'node-a', severity: 'warning' }, annotations: { ...memoryAnnotations, description: 'Container  is using > 90% memory' } },
          { labels: { ...cgroup('cart-2', 'POD', '/kubepods/d/pause'), severity: 'warning' }, annotations: { ...memoryAnnotations, description: 'Container POD is using > 90% memory' } },
        ],
      ],
    ],
  },
  {
    name: 'a restarting container with its old and new cgroup side by side (800Mi + 200Mi of 1Gi): each under 90%, ours silent',
    alert: PLATFORM_ALERT_NAMES.highMemoryUsage,
    input: [
      gauge('container_memory_working_set_bytes', cgroup('restarting-5', 'app', '/kubepods/old'), 800 * MiB),
      gauge('container_memory_working_set_bytes', cgroup('restarting-5', 'app', '/kubepods/new'), 200 * MiB),
      gauge('container_spec_memory_limit_bytes', cgroup('restarting-5', 'app', '/kubepods/new'), 1024 * MiB),
    ],
    ours: [['10m', []]],
  },
];

describe('the platform alerts and the seed\'s own rules under promtool test rules', () => {
  test('every platform alert has a scenario where it fires and one where it stays silent, beside the seed', () => {
    const alerts = platformAlertRules().rules.map((r) => ('alert' in r ? r.alert : r.record));
    for (const alert of alerts) {
      const cases = SCENARIOS.filter((s) => s.alert === alert).flatMap((s) => s.ours);
      expect(cases.some(([, a]) => a.length > 0)).toBe(true);
      expect(cases.some(([, a]) => a.length === 0)).toBe(true);
      expect(SCENARIOS.some((s) => s.alert === alert && s.seed)).toBe(true);
    }
  });

  describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    test('ours', () => expectPass(run(ours(), scenario, scenario.ours)));
    if (scenario.seed) test("the seed's", () => expectPass(run(SEED_RULES, scenario, scenario.seed!)));
  });

  test('a wrong expectation fails (the test is real): the unlimited container does not alert', () => {
    const scenario = SCENARIOS.find((s) => s.name.startsWith('correction (no limit)'))!;
    const result = run(ours(), scenario, scenario.seed!);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/FAILED/);
  });
});

describe('overridden thresholds and `for`', () => {
  test('HighErrorRate at 5% for 10m: silent on a 2% error rate, fires on 10% after 10 minutes, the description follows', () => {
    const props: PlatformAlertsProps = { highErrorRate: { errorRatio: 0.05, for: '10m' } };
    const description = 'Error rate is above 5% for 10 minutes';
    const scenario: Scenario = {
      name: 'override',
      alert: PLATFORM_ALERT_NAMES.highErrorRate,
      input: [requests('order-service', '500', 12), requests('order-service', '200', 588), requests('cart-service', '500', 60), requests('cart-service', '200', 540)],
      ours: [
        ['10m', []],
        ['11m', [{ labels: { service: 'cart-service', severity: 'critical' }, annotations: { summary: 'High error rate detected', description } }]],
      ],
    };
    expectPass(run(ours(props), scenario, scenario.ours));
  });

  test('HighLatency p95 over 2 s, PodCrashLooping requiring CrashLoopBackOff, HighMemoryUsage at 99%', () => {
    const props: PlatformAlertsProps = {
      highLatency: { quantile: 0.95, thresholdSeconds: 2, for: '1m', severity: 'critical' },
      podCrashLooping: { requireBackOff: true },
      highMemoryUsage: { memoryRatio: 0.99 },
    };
    const rules = ours(props);
    // p95 of requests in (1, 2.5] is 2.425 s > 2 s: fires after 1 minute held, as critical
    expectPass(
      run(
        rules,
        { name: 'latency', alert: PLATFORM_ALERT_NAMES.highLatency, input: latency('order-service', 60, '2.5'), ours: [] },
        [
          ['1m', []],
          ['2m', [{ labels: { service: 'order-service', severity: 'critical' }, annotations: { summary: 'High latency detected', description: 'P95 latency is above 2 seconds' } }]],
        ],
      ),
    );
    // one restart without a CrashLoopBackOff wait: silent; a restarting container that is backed off: fires
    expectPass(
      run(
        rules,
        {
          name: 'crash',
          alert: PLATFORM_ALERT_NAMES.podCrashLooping,
          input: [
            restarts('batch-7', '0 0 1x18'),
            restarts('orders-1', '0+1x20'),
            { series: series('kube_pod_container_status_waiting_reason', { ...shop, pod: 'orders-1', container: 'app', uid: 'orders-1-uid', reason: 'CrashLoopBackOff' }), values: '1x20' },
          ],
          ours: [],
        },
        [['10m', [{ labels: { ...shop, pod: 'orders-1', container: 'app', uid: 'orders-1-uid', severity: 'critical' }, annotations: crashAnnotations('orders-1') }]]],
      ),
    );
    // 950Mi of 1Gi (92.8%) is under 99%
    expectPass(
      run(
        rules,
        { name: 'memory', alert: PLATFORM_ALERT_NAMES.highMemoryUsage, input: memory(cgroup('orders-1', 'app', '/kubepods/a'), 950 * MiB, 950 * MiB, 1024 * MiB), ours: [] },
        [['10m', []]],
      ),
    );
  });
});
