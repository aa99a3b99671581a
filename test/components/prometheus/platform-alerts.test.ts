import { AlertingRule, isAlertingRule } from '../../../src/common/rules';
import { PLATFORM_ALERT_NAMES, PLATFORM_RULE_GROUP, platformAlertRules, serviceOfPod } from '../../../src/components/prometheus';
import { APP_METRICS, EXPORTER_METRICS } from '../../../src/conventions';

function alert(name: string): AlertingRule {
  const rule = platformAlertRules().rules.find((r) => isAlertingRule(r) && r.alert === name);
  if (!rule || !isAlertingRule(rule)) throw new Error(`no alert ${name}`);
  return rule;
}

describe('platformAlertRules', () => {
  test('is one group with the seed\'s four alerts (SLOBreach belongs to the SLO rules)', () => {
    const group = platformAlertRules();
    expect(group.name).toBe(PLATFORM_RULE_GROUP);
    expect(group.rules.map((r) => (isAlertingRule(r) ? r.alert : r.record))).toEqual([
      'HighErrorRate',
      'HighLatency',
      'PodCrashLooping',
      'HighMemoryUsage',
    ]);
  });

  test.each([
    [PLATFORM_ALERT_NAMES.highErrorRate, '5m', 'critical'],
    [PLATFORM_ALERT_NAMES.highLatency, '10m', 'warning'],
    [PLATFORM_ALERT_NAMES.podCrashLooping, '5m', 'warning'],
    [PLATFORM_ALERT_NAMES.highMemoryUsage, '5m', 'warning'],
  ])('%s holds for %s with severity %s, a summary and a templated description', (name, forDuration, severity) => {
    const rule = alert(name);
    expect(rule.for).toBe(forDuration);
    expect(rule.labels).toEqual({ severity });
    expect(Object.keys(rule.annotations ?? {})).toEqual(['summary', 'description']);
    expect(rule.annotations!.description).toMatch(/\{\{ \$value \| humanize\w* \}\}/);
    expect(rule.annotations!.summary).toMatch(/\{\{ \$labels\.\w+ \}\}/);
  });

  test('HighErrorRate and HighLatency keep the seed\'s shapes over the application metrics', () => {
    expect(alert('HighErrorRate').expr).toBe(
      `sum by (service) (rate(${APP_METRICS.requestsTotal}{status=~"5.."}[5m])) / sum by (service) (rate(${APP_METRICS.requestsTotal}[5m])) > 0.05`,
    );
    expect(alert('HighLatency').expr).toBe(
      `histogram_quantile(0.95, sum by (service, le) (rate(${APP_METRICS.requestDuration}_bucket[5m]))) > 0.5`,
    );
  });

  test('HighMemoryUsage leaves out pod-level and sandbox cgroups and containers without a limit', () => {
    const expr = alert('HighMemoryUsage').expr;
    expect(expr).toContain(`${EXPORTER_METRICS.containerMemoryWorkingSet}{container!="", container!="POD"}`);
    expect(expr).toContain(`(max by (namespace, pod, container) (${EXPORTER_METRICS.containerMemoryLimit}{container!="", container!="POD"}) > 0)`);
  });

  test('PodCrashLooping needs increasing restarts and a CrashLoopBackOff wait', () => {
    const expr = alert('PodCrashLooping').expr;
    expect(expr).toContain(`increase(${EXPORTER_METRICS.containerRestarts}[15m]) > 0`);
    expect(expr).toContain('kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]');
  });

  test('pod-level alerts take service from the pod labels kube-state-metrics exposes, app.kubernetes.io/name first', () => {
    expect(serviceOfPod()).toBe(
      'max by (namespace, pod, service) (label_replace(label_replace(kube_pod_labels, "service", "$1", "label_app", "(.+)"), "service", "$1", "label_app_kubernetes_io_name", "(.+)"))',
    );
    expect(alert('PodCrashLooping').expr).toContain(`group_left (service) ${serviceOfPod()} or on (namespace, pod, container)`);
    expect(alert('HighMemoryUsage').expr).toContain(`group_left (service) ${serviceOfPod()} or on (namespace, pod, container)`);
  });
});
