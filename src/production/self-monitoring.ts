import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RuleFile, RuleGroup } from '../common/rules';
import { ComponentNetwork } from '../network/peer';
import { timeseriesPanel, statPanel } from '../dashboards/panels';
import { promQuery } from '../dashboards/queries';
import { KUBELET_PORT, PROMETHEUS_PATHS } from '../components/prometheus/defaults';
import { componentTargetLabels, keepComponentPods } from '../components/prometheus/relabel';
import { ScrapeConfig } from '../components/prometheus/scrape-config';
import { Route } from '../components/alertmanager/config';
import { sdk } from '../dashboards/sdk';

/**
 * The stack watching itself (pure generators): a scrape job per component on its own metrics port, the kubelet's
 * `/metrics` for volume usage, the stack-health alert rules, the Watchdog route to a heartbeat receiver and the
 * stack-health dashboard. Names and expressions follow the community mixins where one exists (kube-prometheus
 * `general.rules`, prometheus-mixin, alertmanager-mixin, loki-mixin, kubernetes-mixin); each rule says where from.
 */

/** The job names the rules select on (each is the component's job of `componentScrapeJob`). */
export interface StackJobs {
  readonly prometheus: string;
  readonly alertmanager?: string;
  readonly loki?: string;
  readonly jaeger?: string;
  /** Collector tiers (gateway, agent). */
  readonly collectors: readonly string[];
  /** The kubelet job with `kubelet_volume_stats_*`. */
  readonly kubelet?: string;
}

export const STACK_HEALTH_FILE = 'stack-health.rules.yml';
export const STACK_HEALTH_DASHBOARD_UID = 'stack-health';
export const WATCHDOG_ALERT = 'Watchdog';
export const HEARTBEAT_RECEIVER = 'heartbeat';
/** How often the Watchdog is re-sent to the heartbeat receiver: a dead man's switch expects it at least this often. */
export const HEARTBEAT_REPEAT_INTERVAL = '1m';
export const KUBELET_JOB = 'kubelet';

/** A job of its own for one component: its running pods, on its metrics port (the first one named). */
export function componentScrapeJob(jobName: string, network: ComponentNetwork): ScrapeConfig | undefined {
  const port = network.ports.metrics?.[0];
  if (!network.pods || !port) return undefined;
  return {
    jobName,
    kubernetesSdConfigs: [{ role: 'pod', namespaces: [network.pods.namespace] }],
    relabelConfigs: [...keepComponentPods(network.pods.podSelector, port.name), ...componentTargetLabels(jobName)],
  };
}

/**
 * `kubelet`: each kubelet's own `/metrics` (port 10250, the service-account token), keeping only the volume
 * statistics the PVC alerts need (`kubelet_volume_stats_*`), so the job adds few series.
 */
export function kubeletVolumeStatsJob(insecureSkipVerify = false): ScrapeConfig {
  return {
    jobName: KUBELET_JOB,
    scheme: 'https',
    metricsPath: '/metrics',
    authorization: { credentialsFile: PROMETHEUS_PATHS.serviceAccountToken },
    tlsConfig: { caFile: PROMETHEUS_PATHS.serviceAccountCa, insecureSkipVerify: insecureSkipVerify ? true : undefined },
    kubernetesSdConfigs: [{ role: 'node' }],
    relabelConfigs: [
      { sourceLabels: ['__address__'], regex: '([^:]+)(?::\\d+)?', replacement: `$1:${KUBELET_PORT.port}`, targetLabel: '__address__', action: 'replace' },
      { sourceLabels: ['__meta_kubernetes_node_name'], targetLabel: 'node', action: 'replace' },
    ],
    metricRelabelConfigs: [{ sourceLabels: ['__name__'], regex: 'kubelet_volume_stats_.+', action: 'keep' }],
  };
}

function jobMatcher(jobs: readonly string[]): string {
  return jobs.length === 1 ? `job="${jobs[0]}"` : `job=~"${jobs.join('|')}"`;
}

/** The stack-health rule file (pure). Every alert has `severity`; the Watchdog has `severity: none`. */
export function stackHealthRules(jobs: StackJobs): RuleFile {
  const prom = `job="${jobs.prometheus}"`;
  const groups: RuleGroup[] = [
    {
      name: 'stack-health.general',
      rules: [
        {
          // kube-prometheus general.rules: always firing, so its absence at the receiver means the pipeline is broken.
          alert: WATCHDOG_ALERT,
          expr: 'vector(1)',
          labels: { severity: 'none' },
          annotations: {
            summary: 'An alert that should always be firing to certify that Alertmanager is working properly.',
            description: 'This alert always fires. It is routed to the heartbeat receiver (a dead man\'s switch): when it stops arriving, Prometheus, Alertmanager or the path between them is down.',
          },
        },
        {
          // kube-prometheus general.rules TargetDown.
          alert: 'TargetDown',
          expr: '100 * (count by (job, namespace, service) (up == 0) / count by (job, namespace, service) (up)) > 10',
          for: '10m',
          labels: { severity: 'warning' },
          annotations: {
            summary: 'One or more targets are unreachable.',
            description: '{{ printf "%.4g" $value }}% of the {{ $labels.job }}/{{ $labels.service }} targets in {{ $labels.namespace }} namespace are down.',
          },
        },
      ],
    },
    {
      name: 'stack-health.prometheus',
      rules: [
        {
          // prometheus-mixin PrometheusRuleFailures.
          alert: 'PrometheusRuleFailures',
          expr: `increase(prometheus_rule_evaluation_failures_total{${prom}}[5m]) > 0`,
          for: '15m',
          labels: { severity: 'critical' },
          annotations: {
            summary: 'Prometheus is failing rule evaluations.',
            description: 'Prometheus {{ $labels.namespace }}/{{ $labels.pod }} has failed to evaluate {{ printf "%.0f" $value }} rules in the last 5m.',
          },
        },
        {
          // prometheus-mixin PrometheusTSDBCompactionsFailing.
          alert: 'PrometheusTSDBCompactionsFailing',
          expr: `increase(prometheus_tsdb_compactions_failed_total{${prom}}[3h]) > 0`,
          for: '4h',
          labels: { severity: 'warning' },
          annotations: { summary: 'Prometheus has issues compacting blocks.', description: 'Prometheus {{ $labels.namespace }}/{{ $labels.pod }} has detected {{ $value | humanize }} compaction failures over the last 3h.' },
        },
        {
          // prometheus-mixin PrometheusTSDBReloadsFailing.
          alert: 'PrometheusTSDBReloadsFailing',
          expr: `increase(prometheus_tsdb_reloads_failures_total{${prom}}[3h]) > 0`,
          for: '4h',
          labels: { severity: 'warning' },
          annotations: { summary: 'Prometheus has issues reloading blocks from disk.', description: 'Prometheus {{ $labels.namespace }}/{{ $labels.pod }} has detected {{ $value | humanize }} reload failures over the last 3h.' },
        },
        {
          // No mixin alert: prometheus_tsdb_wal_corruptions_total / wal_writes_failed_total are the WAL's own counters.
          alert: 'PrometheusTSDBWALFailures',
          expr: `increase(prometheus_tsdb_wal_writes_failed_total{${prom}}[15m]) > 0 or increase(prometheus_tsdb_wal_corruptions_total{${prom}}[15m]) > 0`,
          labels: { severity: 'critical' },
          annotations: { summary: 'Prometheus fails to write its WAL or found it corrupt.', description: 'Prometheus {{ $labels.namespace }}/{{ $labels.pod }}: WAL writes failing or corruptions detected; samples since the last block may be lost on a restart. Check the volume.' },
        },
        {
          // prometheus-mixin PrometheusErrorSendingAlertsToAnyAlertmanager.
          alert: 'PrometheusErrorSendingAlertsToAnyAlertmanager',
          expr: `min without (alertmanager) (rate(prometheus_notifications_errors_total{${prom}}[5m]) / rate(prometheus_notifications_sent_total{${prom}}[5m])) * 100 > 3`,
          for: '15m',
          labels: { severity: 'critical' },
          annotations: { summary: 'Prometheus encounters more than 3% errors sending alerts to any Alertmanager.', description: '{{ printf "%.1f" $value }}% minimum errors while sending alerts from Prometheus {{ $labels.namespace }}/{{ $labels.pod }} to any Alertmanager.' },
        },
      ],
    },
  ];
  if (jobs.alertmanager) {
    const am = `job="${jobs.alertmanager}"`;
    groups.push({
      name: 'stack-health.alertmanager',
      rules: [
        {
          // alertmanager-mixin AlertmanagerFailedToSendAlerts (the "notifications failing").
          alert: 'AlertmanagerFailedToSendAlerts',
          expr: `(rate(alertmanager_notifications_failed_total{${am}}[5m]) / ignoring (reason) group_left rate(alertmanager_notifications_total{${am}}[5m])) > 0.01`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: { summary: 'An Alertmanager instance failed to send notifications.', description: 'Alertmanager {{ $labels.namespace }}/{{ $labels.pod }} failed to send {{ $value | humanizePercentage }} of notifications to {{ $labels.integration }}.' },
        },
        {
          // alertmanager-mixin AlertmanagerMembersInconsistent (the "cluster members missing").
          alert: 'AlertmanagerMembersInconsistent',
          expr: `max_over_time(alertmanager_cluster_members{${am}}[5m]) < on (namespace, job) group_left count by (namespace, job) (max_over_time(alertmanager_cluster_members{${am}}[5m]))`,
          for: '15m',
          labels: { severity: 'critical' },
          annotations: { summary: 'A member of an Alertmanager cluster has not found all other cluster members.', description: 'Alertmanager {{ $labels.namespace }}/{{ $labels.pod }} has only found {{ $value }} members of the {{ $labels.job }} cluster.' },
        },
      ],
    });
  }
  if (jobs.collectors.length > 0) {
    const sel = jobMatcher(jobs.collectors);
    const signals = (prefix: string) =>
      ['spans', 'metric_points', 'log_records'].map((s) => `sum by (job, namespace, pod, ${prefix.includes('receiver') ? 'receiver' : 'exporter'}) (rate(${prefix}_${s}_total{${sel}}[5m]))`).join(' or ');
    groups.push({
      name: 'stack-health.collector',
      rules: [
        {
          // Collector internal telemetry (`_total` added by the Prometheus exporter, opentelemetry.io internal-telemetry docs).
          alert: 'OtelCollectorRefusingData',
          expr: `(${signals('otelcol_receiver_refused')}) > 0`,
          for: '5m',
          labels: { severity: 'warning' },
          annotations: { summary: 'The collector refuses telemetry (memory_limiter or a full queue pushes back).', description: '{{ $labels.job }} {{ $labels.pod }} refuses {{ $value | humanize }} items/s on receiver {{ $labels.receiver }}: senders retry or drop.' },
        },
        {
          alert: 'OtelCollectorSendFailing',
          expr: `(${signals('otelcol_exporter_send_failed')}) > 0`,
          for: '10m',
          labels: { severity: 'warning' },
          annotations: { summary: 'The collector fails to send telemetry to a backend.', description: '{{ $labels.job }} {{ $labels.pod }} fails to send {{ $value | humanize }} items/s through {{ $labels.exporter }}: the backend is down or refusing; data waits in the queue until retries run out.' },
        },
        {
          alert: 'OtelCollectorDroppingData',
          expr: `(${signals('otelcol_exporter_enqueue_failed')}) > 0`,
          for: '5m',
          labels: { severity: 'critical' },
          annotations: { summary: 'The collector drops telemetry: its sending queue is full.', description: '{{ $labels.job }} {{ $labels.pod }} drops {{ $value | humanize }} items/s at {{ $labels.exporter }} (queue full).' },
        },
      ],
    });
  }
  const ingestion: RuleGroup['rules'][number][] = [];
  if (jobs.loki) {
    const loki = `job="${jobs.loki}"`;
    ingestion.push(
      {
        // loki-mixin LokiRequestErrors.
        alert: 'LokiRequestErrors',
        expr: `100 * sum by (namespace, job, route) (rate(loki_request_duration_seconds_count{${loki}, status_code=~"5.."}[2m])) / sum by (namespace, job, route) (rate(loki_request_duration_seconds_count{${loki}}[2m])) > 10`,
        for: '15m',
        labels: { severity: 'critical' },
        annotations: { summary: 'Loki answers many requests with errors.', description: '{{ $labels.job }} {{ $labels.route }} is experiencing {{ printf "%.2f" $value }}% errors.' },
      },
      {
        // Loki's discarded-samples counter (rate limits, too old, too long, …), per reason.
        alert: 'LokiDiscardingLogs',
        expr: `sum by (namespace, job, reason) (rate(loki_discarded_samples_total{${loki}}[5m])) > 0`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: { summary: 'Loki discards log lines it receives.', description: 'Loki discards {{ $value | humanize }} lines/s ({{ $labels.reason }}): raise the limit or fix the sender.' },
      },
    );
  }
  if (jobs.jaeger) {
    const jaeger = `job="${jobs.jaeger}"`;
    ingestion.push({
      // Jaeger v2 is a collector: the same receiver/exporter counters, its storage exporter included.
      alert: 'JaegerIngestionErrors',
      expr: `sum by (namespace, job, pod) (rate(otelcol_receiver_refused_spans_total{${jaeger}}[5m])) + sum by (namespace, job, pod) (rate(otelcol_exporter_send_failed_spans_total{${jaeger}}[5m])) > 0`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: { summary: 'Jaeger refuses spans or fails to store them.', description: 'Jaeger {{ $labels.pod }} loses {{ $value | humanize }} spans/s: check its storage volume.' },
    });
  }
  if (ingestion.length > 0) groups.push({ name: 'stack-health.ingestion', rules: ingestion });
  if (jobs.kubelet) {
    const k = `job="${jobs.kubelet}"`;
    groups.push({
      name: 'stack-health.volumes',
      rules: [
        {
          // kubernetes-mixin KubePersistentVolumeFillingUp (critical tier).
          alert: 'KubePersistentVolumeFillingUp',
          expr: `(kubelet_volume_stats_available_bytes{${k}} / kubelet_volume_stats_capacity_bytes{${k}}) < 0.03 and kubelet_volume_stats_used_bytes{${k}} > 0`,
          for: '1m',
          labels: { severity: 'critical' },
          annotations: { summary: 'PersistentVolume is filling up.', description: 'The PersistentVolume claimed by {{ $labels.persistentvolumeclaim }} in namespace {{ $labels.namespace }} is only {{ $value | humanizePercentage }} free.' },
        },
        {
          // kubernetes-mixin KubePersistentVolumeFillingUp (warning tier: full within four days).
          alert: 'KubePersistentVolumeFillingUpSoon',
          expr: `(kubelet_volume_stats_available_bytes{${k}} / kubelet_volume_stats_capacity_bytes{${k}}) < 0.15 and kubelet_volume_stats_used_bytes{${k}} > 0 and predict_linear(kubelet_volume_stats_available_bytes{${k}}[6h], 4 * 24 * 3600) < 0`,
          for: '1h',
          labels: { severity: 'warning' },
          annotations: { summary: 'PersistentVolume is filling up.', description: 'Based on recent sampling, the PersistentVolume claimed by {{ $labels.persistentvolumeclaim }} in namespace {{ $labels.namespace }} is expected to fill up within four days. Currently {{ $value | humanizePercentage }} is available.' },
        },
      ],
    });
  }
  return { fileName: STACK_HEALTH_FILE, groups };
}

/** The Watchdog's route: to the heartbeat receiver only, re-sent every minute (a dead man's switch expects it). */
export function watchdogRoute(receiver = HEARTBEAT_RECEIVER): Route {
  return {
    receiver,
    matchers: [`alertname="${WATCHDOG_ALERT}"`],
    groupWait: '0s',
    groupInterval: '1m',
    repeatInterval: HEARTBEAT_REPEAT_INTERVAL,
  };
}

/** The stack-health dashboard (pure): targets up per job, rule failures, notifications, collector flow, volumes. */
export function stackHealthDashboard(jobs: StackJobs): dashboard.Dashboard {
  const prom = `job="${jobs.prometheus}"`;
  const builder = new sdk.dashboard.DashboardBuilder('Stack Health')
    .uid(STACK_HEALTH_DASHBOARD_UID)
    .description('The observability stack watching itself: its targets, rule evaluation, notifications, collector flow and volumes.')
    .tags(['observability-stack', 'stack-health'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .withPanel(statPanel({ id: 1, title: 'Targets down', description: 'Scrape targets of the stack\'s jobs that are down.', unit: sdk.units.Short, targets: [promQuery('count(up == 0) or vector(0)')] }))
    .withPanel(
      timeseriesPanel({ id: 2, title: 'Targets up by job', description: 'Share of each job\'s targets up.', unit: sdk.units.PercentUnit, min: 0, max: 1, targets: [promQuery('avg by (job) (up)', { legend: '{{job}}' })] }),
    )
    .withPanel(
      timeseriesPanel({ id: 3, title: 'Rule evaluation failures', description: 'Failed rule evaluations per second, per Prometheus replica.', unit: sdk.units.OpsPerSecond, min: 0, targets: [promQuery(`sum by (pod) (rate(prometheus_rule_evaluation_failures_total{${prom}}[5m]))`, { legend: '{{pod}}' })] }),
    )
    .withPanel(
      timeseriesPanel({ id: 4, title: 'Head series', description: 'Active series in each Prometheus replica\'s head.', unit: sdk.units.Short, min: 0, targets: [promQuery(`prometheus_tsdb_head_series{${prom}}`, { legend: '{{pod}}' })] }),
    );
  let id = 5;
  if (jobs.alertmanager) {
    builder.withPanel(
      timeseriesPanel({ id: id++, title: 'Notifications failing', description: 'Failed notifications per second, per integration.', unit: sdk.units.OpsPerSecond, min: 0, targets: [promQuery(`sum by (integration) (rate(alertmanager_notifications_failed_total{job="${jobs.alertmanager}"}[5m]))`, { legend: '{{integration}}' })] }),
    );
    builder.withPanel(
      timeseriesPanel({ id: id++, title: 'Alertmanager cluster members', description: 'Members each Alertmanager sees.', unit: sdk.units.Short, min: 0, targets: [promQuery(`alertmanager_cluster_members{job="${jobs.alertmanager}"}`, { legend: '{{pod}}' })] }),
    );
  }
  if (jobs.collectors.length > 0) {
    const sel = jobMatcher(jobs.collectors);
    builder.withPanel(
      timeseriesPanel({
        id: id++,
        title: 'Collector: refused, send-failed, dropped',
        description: 'Items per second the collectors refuse, fail to send, or drop (queue full).',
        unit: sdk.units.Short,
        min: 0,
        targets: [
          promQuery(`sum by (job) (rate({__name__=~"otelcol_receiver_refused_.+_total", ${sel}}[5m]))`, { legend: 'refused {{job}}' }),
          promQuery(`sum by (job) (rate({__name__=~"otelcol_exporter_send_failed_.+_total", ${sel}}[5m]))`, { legend: 'send failed {{job}}' }),
          promQuery(`sum by (job) (rate({__name__=~"otelcol_exporter_enqueue_failed_.+_total", ${sel}}[5m]))`, { legend: 'dropped {{job}}' }),
        ],
      }),
    );
    builder.withPanel(
      timeseriesPanel({ id: id++, title: 'Collector queue fill', description: 'Sending-queue size over capacity, per exporter.', unit: sdk.units.PercentUnit, min: 0, max: 1, targets: [promQuery(`max by (exporter) (otelcol_exporter_queue_size{${sel}} / otelcol_exporter_queue_capacity{${sel}})`, { legend: '{{exporter}}' })] }),
    );
  }
  if (jobs.kubelet) {
    builder.withPanel(
      timeseriesPanel({ id: id++, title: 'Volumes used', description: 'Share of each PersistentVolumeClaim used.', unit: sdk.units.PercentUnit, min: 0, max: 1, targets: [promQuery(`1 - kubelet_volume_stats_available_bytes{job="${jobs.kubelet}"} / kubelet_volume_stats_capacity_bytes{job="${jobs.kubelet}"}`, { legend: '{{namespace}}/{{persistentvolumeclaim}}' })] }),
    );
  }
  return builder.build();
}
