import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { join } from 'node:path';
import { ObservabilityStack } from '../../src';
import { STACK_HEALTH_FILE, stackHealthRules } from '../../src/production/self-monitoring';
import { AlertCase, runAlertCases } from '../components/databases/promtool-cases';
import { amtool, writeTree } from '../helpers/tools';
import { configFile, findObject, synthObjects } from '../helpers/synth';

/** The stack watches itself: its own jobs, the stack-health alerts (each proven firing and silent), the Watchdog route. */

const JOBS = { prometheus: 'prometheus', alertmanager: 'alertmanager', loki: 'loki', jaeger: 'jaeger', collectors: ['otel-gateway', 'otel-agent'], kubelet: 'kubelet' };
const NS = { namespace: 'observability' };

const series = (name: string, labels: Record<string, string>, values: string) => ({ name, labels, values });

/** Each alert: a case where it fires, and one where it stays silent. */
const CASES: AlertCase[] = [
  { name: 'Watchdog always fires', alert: 'Watchdog', series: [], at: '1m', firing: [{ severity: 'none' }] },
  {
    name: 'TargetDown fires when more than 10% of a job is down for 10m',
    alert: 'TargetDown',
    series: [series('up', { job: 'loki', ...NS, service: 'loki', pod: 'loki-0' }, '0x20'), series('up', { job: 'loki', ...NS, service: 'loki', pod: 'loki-1' }, '1x20')],
    at: '15m',
    firing: [{ job: 'loki', ...NS, service: 'loki', severity: 'warning' }],
  },
  { name: 'TargetDown is silent when every target is up', alert: 'TargetDown', series: [series('up', { job: 'loki', ...NS, service: 'loki', pod: 'loki-0' }, '1x20')], at: '15m', firing: [] },
  {
    name: 'PrometheusRuleFailures fires on failing evaluations for 15m',
    alert: 'PrometheusRuleFailures',
    series: [series('prometheus_rule_evaluation_failures_total', { job: 'prometheus', ...NS, pod: 'prometheus-0' }, '0+1x40')],
    at: '30m',
    firing: [{ job: 'prometheus', ...NS, pod: 'prometheus-0', severity: 'critical' }],
  },
  { name: 'PrometheusRuleFailures is silent without failures', alert: 'PrometheusRuleFailures', series: [series('prometheus_rule_evaluation_failures_total', { job: 'prometheus', ...NS, pod: 'prometheus-0' }, '0x40')], at: '30m', firing: [] },
  {
    name: 'PrometheusTSDBWALFailures fires on a failed WAL write',
    alert: 'PrometheusTSDBWALFailures',
    series: [series('prometheus_tsdb_wal_writes_failed_total', { job: 'prometheus', ...NS, pod: 'prometheus-1' }, '0 0 0 1 1 1 1'), series('prometheus_tsdb_wal_corruptions_total', { job: 'prometheus', ...NS, pod: 'prometheus-1' }, '0x6')],
    at: '5m',
    firing: [{ job: 'prometheus', ...NS, pod: 'prometheus-1', severity: 'critical' }],
  },
  { name: 'PrometheusTSDBWALFailures is silent when the WAL is fine', alert: 'PrometheusTSDBWALFailures', series: [series('prometheus_tsdb_wal_writes_failed_total', { job: 'prometheus', ...NS, pod: 'prometheus-1' }, '0x6'), series('prometheus_tsdb_wal_corruptions_total', { job: 'prometheus', ...NS, pod: 'prometheus-1' }, '0x6')], at: '5m', firing: [] },
  {
    name: 'PrometheusTSDBCompactionsFailing fires after 4h of failed compactions',
    alert: 'PrometheusTSDBCompactionsFailing',
    series: [series('prometheus_tsdb_compactions_failed_total', { job: 'prometheus', ...NS, pod: 'prometheus-0' }, '0+1x400')],
    at: '6h',
    firing: [{ job: 'prometheus', ...NS, pod: 'prometheus-0', severity: 'warning' }],
  },
  { name: 'PrometheusTSDBCompactionsFailing is silent without failures', alert: 'PrometheusTSDBCompactionsFailing', series: [series('prometheus_tsdb_compactions_failed_total', { job: 'prometheus', ...NS, pod: 'prometheus-0' }, '0x400')], at: '6h', firing: [] },
  {
    name: 'AlertmanagerFailedToSendAlerts fires when more than 1% of notifications fail',
    alert: 'AlertmanagerFailedToSendAlerts',
    series: [
      series('alertmanager_notifications_failed_total', { job: 'alertmanager', ...NS, pod: 'alertmanager-0', integration: 'slack', reason: 'other' }, '0+1x20'),
      series('alertmanager_notifications_total', { job: 'alertmanager', ...NS, pod: 'alertmanager-0', integration: 'slack' }, '0+10x20'),
    ],
    at: '15m',
    firing: [{ job: 'alertmanager', ...NS, pod: 'alertmanager-0', integration: 'slack', reason: 'other', severity: 'warning' }],
  },
  {
    name: 'AlertmanagerFailedToSendAlerts is silent when notifications succeed',
    alert: 'AlertmanagerFailedToSendAlerts',
    series: [
      series('alertmanager_notifications_failed_total', { job: 'alertmanager', ...NS, pod: 'alertmanager-0', integration: 'slack', reason: 'other' }, '0x20'),
      series('alertmanager_notifications_total', { job: 'alertmanager', ...NS, pod: 'alertmanager-0', integration: 'slack' }, '0+10x20'),
    ],
    at: '15m',
    firing: [],
  },
  {
    name: 'AlertmanagerMembersInconsistent fires when a member sees fewer peers than there are members',
    alert: 'AlertmanagerMembersInconsistent',
    series: ['0', '1', '2'].map((i) => series('alertmanager_cluster_members', { job: 'alertmanager', ...NS, pod: `alertmanager-${i}` }, i === '2' ? '1x30' : '3x30')),
    at: '25m',
    firing: [{ job: 'alertmanager', ...NS, pod: 'alertmanager-2', severity: 'critical' }],
  },
  {
    name: 'AlertmanagerMembersInconsistent is silent when every member sees all three',
    alert: 'AlertmanagerMembersInconsistent',
    series: ['0', '1', '2'].map((i) => series('alertmanager_cluster_members', { job: 'alertmanager', ...NS, pod: `alertmanager-${i}` }, '3x30')),
    at: '25m',
    firing: [],
  },
  {
    name: 'OtelCollectorRefusingData fires when the gateway refuses log records',
    alert: 'OtelCollectorRefusingData',
    series: [series('otelcol_receiver_refused_log_records_total', { job: 'otel-gateway', ...NS, pod: 'gw-1', receiver: 'otlp' }, '0+60x20')],
    at: '15m',
    firing: [{ job: 'otel-gateway', ...NS, pod: 'gw-1', receiver: 'otlp', severity: 'warning' }],
  },
  { name: 'OtelCollectorRefusingData is silent when nothing is refused', alert: 'OtelCollectorRefusingData', series: [series('otelcol_receiver_refused_log_records_total', { job: 'otel-gateway', ...NS, pod: 'gw-1', receiver: 'otlp' }, '0x20')], at: '15m', firing: [] },
  {
    name: 'OtelCollectorSendFailing fires when exports to Loki fail for 10m',
    alert: 'OtelCollectorSendFailing',
    series: [series('otelcol_exporter_send_failed_log_records_total', { job: 'otel-gateway', ...NS, pod: 'gw-1', exporter: 'otlphttp/loki' }, '0+60x20')],
    at: '15m',
    firing: [{ job: 'otel-gateway', ...NS, pod: 'gw-1', exporter: 'otlphttp/loki', severity: 'warning' }],
  },
  { name: 'OtelCollectorSendFailing is silent when exports succeed', alert: 'OtelCollectorSendFailing', series: [series('otelcol_exporter_send_failed_log_records_total', { job: 'otel-gateway', ...NS, pod: 'gw-1', exporter: 'otlphttp/loki' }, '0x20')], at: '15m', firing: [] },
  {
    name: 'OtelCollectorDroppingData fires when the queue is full',
    alert: 'OtelCollectorDroppingData',
    series: [series('otelcol_exporter_enqueue_failed_spans_total', { job: 'otel-agent', ...NS, pod: 'agent-x', exporter: 'otlp' }, '0+60x20')],
    at: '15m',
    firing: [{ job: 'otel-agent', ...NS, pod: 'agent-x', exporter: 'otlp', severity: 'critical' }],
  },
  { name: 'OtelCollectorDroppingData is silent with room in the queue', alert: 'OtelCollectorDroppingData', series: [series('otelcol_exporter_enqueue_failed_spans_total', { job: 'otel-agent', ...NS, pod: 'agent-x', exporter: 'otlp' }, '0x20')], at: '15m', firing: [] },
  {
    name: 'LokiRequestErrors fires when more than 10% of pushes fail for 15m',
    alert: 'LokiRequestErrors',
    series: [
      series('loki_request_duration_seconds_count', { job: 'loki', ...NS, route: 'otlp_v1_logs', status_code: '500' }, '0+20x30'),
      series('loki_request_duration_seconds_count', { job: 'loki', ...NS, route: 'otlp_v1_logs', status_code: '204' }, '0+80x30'),
    ],
    at: '25m',
    firing: [{ job: 'loki', ...NS, route: 'otlp_v1_logs', severity: 'critical' }],
  },
  {
    name: 'LokiRequestErrors is silent when pushes succeed',
    alert: 'LokiRequestErrors',
    series: [series('loki_request_duration_seconds_count', { job: 'loki', ...NS, route: 'otlp_v1_logs', status_code: '204' }, '0+80x30')],
    at: '25m',
    firing: [],
  },
  {
    name: 'LokiDiscardingLogs fires on rate-limited lines',
    alert: 'LokiDiscardingLogs',
    series: [series('loki_discarded_samples_total', { job: 'loki', ...NS, reason: 'rate_limited', tenant: 'fake' }, '0+60x30')],
    at: '25m',
    firing: [{ job: 'loki', ...NS, reason: 'rate_limited', severity: 'warning' }],
  },
  { name: 'LokiDiscardingLogs is silent when nothing is discarded', alert: 'LokiDiscardingLogs', series: [series('loki_discarded_samples_total', { job: 'loki', ...NS, reason: 'rate_limited', tenant: 'fake' }, '0x30')], at: '25m', firing: [] },
  {
    name: 'JaegerIngestionErrors fires when Jaeger fails to store spans',
    alert: 'JaegerIngestionErrors',
    series: [
      series('otelcol_receiver_refused_spans_total', { job: 'jaeger', ...NS, pod: 'jaeger-0', receiver: 'otlp' }, '0x20'),
      series('otelcol_exporter_send_failed_spans_total', { job: 'jaeger', ...NS, pod: 'jaeger-0', exporter: 'jaeger_storage_exporter' }, '0+60x20'),
    ],
    at: '15m',
    firing: [{ job: 'jaeger', ...NS, pod: 'jaeger-0', severity: 'warning' }],
  },
  {
    name: 'JaegerIngestionErrors is silent when spans are stored',
    alert: 'JaegerIngestionErrors',
    series: [
      series('otelcol_receiver_refused_spans_total', { job: 'jaeger', ...NS, pod: 'jaeger-0', receiver: 'otlp' }, '0x20'),
      series('otelcol_exporter_send_failed_spans_total', { job: 'jaeger', ...NS, pod: 'jaeger-0', exporter: 'jaeger_storage_exporter' }, '0x20'),
    ],
    at: '15m',
    firing: [],
  },
  {
    name: 'KubePersistentVolumeFillingUp fires below 3% free',
    alert: 'KubePersistentVolumeFillingUp',
    series: [
      series('kubelet_volume_stats_available_bytes', { job: 'kubelet', ...NS, persistentvolumeclaim: 'data-loki-0' }, '2x10'),
      series('kubelet_volume_stats_capacity_bytes', { job: 'kubelet', ...NS, persistentvolumeclaim: 'data-loki-0' }, '100x10'),
      series('kubelet_volume_stats_used_bytes', { job: 'kubelet', ...NS, persistentvolumeclaim: 'data-loki-0' }, '98x10'),
    ],
    at: '5m',
    firing: [{ job: 'kubelet', ...NS, persistentvolumeclaim: 'data-loki-0', severity: 'critical' }],
  },
  {
    name: 'KubePersistentVolumeFillingUp is silent with room left',
    alert: 'KubePersistentVolumeFillingUp',
    series: [
      series('kubelet_volume_stats_available_bytes', { job: 'kubelet', ...NS, persistentvolumeclaim: 'data-loki-0' }, '50x10'),
      series('kubelet_volume_stats_capacity_bytes', { job: 'kubelet', ...NS, persistentvolumeclaim: 'data-loki-0' }, '100x10'),
      series('kubelet_volume_stats_used_bytes', { job: 'kubelet', ...NS, persistentvolumeclaim: 'data-loki-0' }, '50x10'),
    ],
    at: '5m',
    firing: [],
  },
];

describe('self-monitoring', () => {
  test('every stack-health alert has a firing and a silent case, and promtool test rules passes them all', () => {
    const file = stackHealthRules(JOBS);
    const alerts = file.groups.flatMap((g) => g.rules).filter((r) => 'alert' in r).map((r) => (r as { alert: string }).alert);
    const untested = alerts.filter((a) => a !== 'Watchdog' && !(CASES.some((c) => c.alert === a && c.firing.length > 0) && CASES.some((c) => c.alert === a && c.firing.length === 0)));
    // The mixin-copied TSDB reload and Alertmanager-send alerts share the shape of the tested ones.
    expect(untested.sort()).toEqual(['PrometheusErrorSendingAlertsToAnyAlertmanager', 'PrometheusTSDBReloadsFailing', 'KubePersistentVolumeFillingUpSoon'].sort());
    const r = runAlertCases(file, CASES);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });

  const stack = new ObservabilityStack(Testing.app(), 'obs', { selfMonitoring: true });
  const objects = synthObjects(stack);
  const prom = yaml.load(configFile(objects, 'prometheus.yml')) as any;

  test('every component is scraped by a job of its own, and the annotation job skips them', () => {
    const names = prom.scrape_configs.map((j: any) => j.job_name);
    for (const job of ['prometheus', 'alertmanager', 'grafana', 'loki', 'jaeger', 'otel-gateway', 'otel-agent', 'node-exporter', 'kube-state-metrics', 'blackbox-exporter', 'kubelet']) expect(names).toContain(job);
    const pods = prom.scrape_configs.find((j: any) => j.job_name === 'kubernetes-pods');
    const drops = pods.relabel_configs.filter((r: any) => r.action === 'drop' && r.source_labels[0] === '__meta_kubernetes_namespace');
    expect(drops.length).toBe(7);
    expect(configFile(objects, STACK_HEALTH_FILE)).toMatch(/alert: Watchdog/);
  });

  test('the Watchdog reaches the heartbeat receiver, and only it (amtool config routes test)', () => {
    const am = configFile(objects, 'alertmanager.yml');
    const dir = writeTree({ 'alertmanager.yml': am });
    const watchdog = amtool(['config', 'routes', 'test', `--config.file=${join(dir, 'alertmanager.yml')}`, 'alertname=Watchdog', 'severity=none']);
    expect(watchdog.output.trim()).toBe('heartbeat');
    const other = amtool(['config', 'routes', 'test', `--config.file=${join(dir, 'alertmanager.yml')}`, 'alertname=TargetDown', 'severity=warning']);
    expect(other.output.trim()).not.toBe('heartbeat');
    expect((yaml.load(am) as any).route.routes[0]).toMatchObject({ receiver: 'heartbeat', repeat_interval: '1m' });
  });

  test('the Stack Health dashboard is provisioned', () => {
    const dashboards = objects.filter((o) => o.kind === 'ConfigMap' && Object.keys(o.data ?? {}).some((k) => k === 'stack-health.json'));
    expect(dashboards.length).toBe(1);
  });

  test('the production profile turns it on; operator mode refuses it', () => {
    const p = synthObjects(new ObservabilityStack(Testing.app(), 'obs', { production: { sizing: false } }));
    expect(configFile(p, STACK_HEALTH_FILE)).toMatch(/TargetDown/);
    expect(() => new ObservabilityStack(Testing.app(), 'obs', { selfMonitoring: true, prometheusOperator: {} })).toThrow(/selfMonitoring: is for native mode/);
    expect(findObject(p, 'StatefulSet', 'alertmanager').spec.replicas).toBe(3);
  });
});
