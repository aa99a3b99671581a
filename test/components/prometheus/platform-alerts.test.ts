import { Testing } from 'cdk8s';
import { ConfigError } from '../../../src/common/errors';
import { AlertingRule, isAlertingRule, RuleGroup } from '../../../src/common/rules';
import {
  PLATFORM_ALERT_NAMES,
  PLATFORM_RULE_GROUP,
  platformAlertRules,
  platformAlertsModel,
  PlatformAlertsProps,
  SEED_PLATFORM_ALERTS,
  serviceOfPod,
} from '../../../src/components/prometheus';
import { ObservabilityStack } from '../../../src/stack';
import { configFile } from '../../helpers/synth';

function alert(name: string, props: PlatformAlertsProps = {}): AlertingRule {
  const rule = platformAlertRules(props).rules.find((r) => isAlertingRule(r) && r.alert === name);
  if (!rule || !isAlertingRule(rule)) throw new Error(`no alert ${name}`);
  return rule;
}

const names = (g: RuleGroup) => g.rules.map((r) => (isAlertingRule(r) ? r.alert : r.record));

describe('platformAlertRules: the seed\'s alerts as the seed writes them', () => {
  test('is one group with the seed\'s four alerts, in the seed\'s order (SLOBreach belongs to the SLO rules)', () => {
    const group = platformAlertRules();
    expect(group.name).toBe(PLATFORM_RULE_GROUP);
    expect(names(group)).toEqual(['HighErrorRate', 'HighLatency', 'PodCrashLooping', 'HighMemoryUsage']);
  });

  test.each([
    [PLATFORM_ALERT_NAMES.highErrorRate, 'critical', 'High error rate detected', 'Error rate is above 1% for 5 minutes'],
    [PLATFORM_ALERT_NAMES.highLatency, 'warning', 'High latency detected', 'P99 latency is above 1 second'],
    [PLATFORM_ALERT_NAMES.podCrashLooping, 'critical', 'Pod is crash looping', 'Pod {{ $labels.pod }} is restarting frequently'],
    [PLATFORM_ALERT_NAMES.highMemoryUsage, 'warning', 'High memory usage', 'Container {{ $labels.container }} is using > 90% memory'],
  ])('%s: for 5m, severity %s, the seed\'s summary and description', (name, severity, summary, description) => {
    const rule = alert(name);
    expect(rule.for).toBe('5m');
    expect(rule.labels).toEqual({ severity });
    expect(rule.annotations).toEqual({ summary, description });
  });

  test('HighErrorRate and HighLatency are the seed\'s expressions with `by (service)` added', () => {
    expect(alert('HighErrorRate').expr).toBe(
      'sum(rate(http_requests_total{status=~"5.."}[5m])) by (service) / sum(rate(http_requests_total[5m])) by (service) > 0.01',
    );
    expect(alert('HighLatency').expr).toBe('histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket[5m])) by (le, service)) > 1');
  });

  test('PodCrashLooping is the seed\'s restart rate over 15m, joined with the pod\'s service', () => {
    const restarts = 'rate(kube_pod_container_status_restarts_total[15m]) > 0';
    expect(alert('PodCrashLooping').expr).toBe(`(${restarts}) * on (namespace, pod) group_left (service) ${serviceOfPod()} or on (namespace, pod, container) (${restarts})`);
    expect(alert('PodCrashLooping').expr).not.toContain('CrashLoopBackOff');
  });

  test('HighMemoryUsage: working set over the limit, without pod-level and sandbox cgroups or containers without a limit', () => {
    const expr = alert('HighMemoryUsage').expr;
    expect(expr).toContain('max by (namespace, pod, container) (container_memory_working_set_bytes{container!="", container!="POD"})');
    expect(expr).toContain('(max by (namespace, pod, container) (container_spec_memory_limit_bytes{container!="", container!="POD"}) > 0) > 0.9');
    expect(expr).not.toContain('container_memory_usage_bytes');
  });

  test('pod-level alerts take service from the pod labels kube-state-metrics exposes, app.kubernetes.io/name first', () => {
    expect(serviceOfPod()).toBe(
      'max by (namespace, pod, service) (label_replace(label_replace(kube_pod_labels, "service", "$1", "label_app", "(.+)"), "service", "$1", "label_app_kubernetes_io_name", "(.+)"))',
    );
    expect(alert('HighMemoryUsage').expr).toContain(`group_left (service) ${serviceOfPod()} or on (namespace, pod, container)`);
  });

  test('the seed values live in one table', () => {
    expect(SEED_PLATFORM_ALERTS.highErrorRate).toMatchObject({ errorRatio: 0.01, for: '5m', severity: 'critical' });
    expect(SEED_PLATFORM_ALERTS.highLatency).toMatchObject({ quantile: 0.99, thresholdSeconds: 1, for: '5m', severity: 'warning' });
    expect(SEED_PLATFORM_ALERTS.podCrashLooping).toMatchObject({ restartWindow: '15m', for: '5m', severity: 'critical' });
    expect(SEED_PLATFORM_ALERTS.highMemoryUsage).toMatchObject({ memoryRatio: 0.9, for: '5m', severity: 'warning' });
  });
});

describe('platformAlertRules: every threshold, window and `for` overridable', () => {
  test('thresholds, windows, `for`, severities and annotations reach the rules, and the default texts follow them', () => {
    const props: PlatformAlertsProps = {
      highErrorRate: { errorRatio: 0.005, window: '10m', for: '2m', severity: 'warning', annotations: { runbook_url: 'https://runbooks.example.com/errors' } },
      highLatency: { quantile: 0.95, thresholdSeconds: 0.5, window: '2m', for: '10m' },
      podCrashLooping: { restartWindow: '30m', for: '15m', severity: 'warning', requireBackOff: true },
      highMemoryUsage: { memoryRatio: 0.8, for: '1h', annotations: { summary: 'Memory of {{ $labels.container }} is high' } },
    };
    const e = alert('HighErrorRate', props);
    expect(e.expr).toBe('sum(rate(http_requests_total{status=~"5.."}[10m])) by (service) / sum(rate(http_requests_total[10m])) by (service) > 0.005');
    expect(e).toMatchObject({
      for: '2m',
      labels: { severity: 'warning' },
      annotations: { summary: 'High error rate detected', description: 'Error rate is above 0.5% for 2 minutes', runbook_url: 'https://runbooks.example.com/errors' },
    });
    const l = alert('HighLatency', props);
    expect(l.expr).toBe('histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket[2m])) by (le, service)) > 0.5');
    expect(l).toMatchObject({ for: '10m', annotations: { description: 'P95 latency is above 0.5 seconds' } });
    const c = alert('PodCrashLooping', props);
    expect(c.expr).toContain('rate(kube_pod_container_status_restarts_total[30m]) > 0 and on (namespace, pod, container) max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1');
    expect(c).toMatchObject({ for: '15m', labels: { severity: 'warning' } });
    const m = alert('HighMemoryUsage', props);
    expect(m.expr).toContain('> 0) > 0.8');
    expect(m).toMatchObject({
      for: '1h',
      annotations: { summary: 'Memory of {{ $labels.container }} is high', description: 'Container {{ $labels.container }} is using > 80% memory' },
    });
  });

  test('`false` leaves an alert out', () => {
    expect(names(platformAlertRules({ highLatency: false, podCrashLooping: false }))).toEqual(['HighErrorRate', 'HighMemoryUsage']);
  });

  test('every bad value is reported at once, with its path', () => {
    let error: unknown;
    try {
      platformAlertsModel(
        {
          highErrorRate: { errorRatio: 1, window: '0s' },
          highLatency: { quantile: 99, thresholdSeconds: -1 },
          podCrashLooping: { for: '5 minutes' },
          highMemoryUsage: { memoryRatio: 0, severity: ' ', annotations: { 'runbook-url': 'x' } },
        },
        'observability.platformAlerts',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual([
      'observability.platformAlerts.highErrorRate.errorRatio',
      'observability.platformAlerts.highErrorRate.window',
      'observability.platformAlerts.highLatency.quantile',
      'observability.platformAlerts.highLatency.thresholdSeconds',
      'observability.platformAlerts.podCrashLooping.for',
      'observability.platformAlerts.highMemoryUsage.severity',
      'observability.platformAlerts.highMemoryUsage.annotations.runbook-url',
      'observability.platformAlerts.highMemoryUsage.memoryRatio',
    ]);
  });
});

describe('the stack and the platform alerts', () => {
  const ruleFile = (props: ConstructorParameters<typeof ObservabilityStack>[2]) =>
    configFile(Testing.synth(new ObservabilityStack(Testing.app(), 'observability', props)) as never, 'platform.rules.yml');

  test('by default the stack ships the seed\'s four alerts in platform.rules.yml', () => {
    const text = ruleFile({});
    for (const name of Object.values(PLATFORM_ALERT_NAMES)) expect(text).toContain(`alert: ${name}`);
    expect(text).toContain('> 0.01');
  });

  test('the stack passes the tuning through, and `false` ships none', () => {
    expect(ruleFile({ platformAlerts: { highErrorRate: { errorRatio: 0.02 }, highLatency: false } })).toContain('> 0.02');
    expect(ruleFile({ platformAlerts: { highErrorRate: { errorRatio: 0.02 }, highLatency: false } })).not.toContain('HighLatency');
    expect(() => ruleFile({ platformAlerts: false })).toThrow(/platform\.rules\.yml/);
  });
});
