/**
 * Every metric, label and rule name the stack reads or writes, in one module. Generators import names from here and
 * never write them inline, so a rename is one line and Sloth compatibility is checked in one place.
 */

/** The seed's application metrics (what services expose; the stack's defaults). */
export const APP_METRICS = {
  requestsTotal: 'http_requests_total',
  requestDuration: 'http_request_duration_seconds',
  activeConnections: 'active_connections',
} as const;

/** Labels on the seed's application metrics. */
export const APP_LABELS = {
  method: 'method',
  endpoint: 'endpoint',
  status: 'status',
} as const;

/** Labels attached to every scraped series by relabeling. */
export const TARGET_LABELS = {
  /** From the pod label `app.kubernetes.io/name`, else `app`. */
  service: 'service',
  namespace: 'namespace',
  pod: 'pod',
  container: 'container',
  node: 'node',
} as const;

/** Kubernetes pod labels the `service` target label is derived from, in order of preference. */
export const SERVICE_NAME_POD_LABELS = ['app.kubernetes.io/name', 'app'] as const;

/** Annotations that opt pods and services into scraping (the seed's convention). */
export const SCRAPE_ANNOTATIONS = {
  scrape: 'prometheus.io/scrape',
  path: 'prometheus.io/path',
  port: 'prometheus.io/port',
  scheme: 'prometheus.io/scheme',
} as const;

/** Metrics of the exporters the seed's rules read. */
export const EXPORTER_METRICS = {
  /** kube-state-metrics */
  containerRestarts: 'kube_pod_container_status_restarts_total',
  /** cAdvisor (kubelet) */
  containerMemoryWorkingSet: 'container_memory_working_set_bytes',
  containerMemoryUsage: 'container_memory_usage_bytes',
  containerMemoryLimit: 'container_spec_memory_limit_bytes',
  /** blackbox-exporter */
  probeSuccess: 'probe_success',
  up: 'up',
} as const;

/** Alert labels every alert of the stack carries. */
export const ALERT_LABELS = {
  severity: 'severity',
  service: 'service',
  slo: 'slo',
  slothSeverity: 'sloth_severity',
} as const;

/** Severities: Alertmanager routes on these. */
export const SEVERITY = { critical: 'critical', warning: 'warning', info: 'info' } as const;

/** The seed's platform alerts (src/components/prometheus/platform-alerts.ts), in the rule group `platform`. */
export const PLATFORM_ALERT_NAMES = {
  highErrorRate: 'HighErrorRate',
  highLatency: 'HighLatency',
  podCrashLooping: 'PodCrashLooping',
  highMemoryUsage: 'HighMemoryUsage',
} as const;

/** The platform alerts' rule group (in the stack, the file `platform.rules.yml`). */
export const PLATFORM_RULE_GROUP = 'platform';

/** kube-state-metrics series the platform alerts read besides `EXPORTER_METRICS.containerRestarts`. */
export const KUBE_STATE_METRICS = {
  /** Present (value 1) while a container waits, with the `reason` (e.g. `CrashLoopBackOff`). */
  containerWaitingReason: 'kube_pod_container_status_waiting_reason',
  /** One series per pod, with the allowlisted pod labels as `label_<sanitized name>`. */
  podLabels: 'kube_pod_labels',
} as const;

/** Sloth's tier names (`sloth_severity`). */
export const SLOTH_SEVERITY = { page: 'page', ticket: 'ticket' } as const;

/** Sloth-compatible SLO recording rule names and labels (https://sloth.dev). */
export const SLO_METRICS = {
  /** `slo:sli_error:ratio_rate<window>` */
  sliErrorRatioPrefix: 'slo:sli_error:ratio_rate',
  objectiveRatio: 'slo:objective:ratio',
  errorBudgetRatio: 'slo:error_budget:ratio',
  timePeriodDays: 'slo:time_period:days',
  currentBurnRate: 'slo:current_burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
  periodErrorBudgetRemaining: 'slo:period_error_budget_remaining:ratio',
  info: 'sloth_slo_info',
  /**
   * One series per SLO (value 1), the only per-SLO rule: its labels carry the SLO's identity, objective, period, SLI
   * and alerting shapes, selector labels and extra labels; the shared rules join it with `on (...) group_left`.
   */
  definition: 'slo:definition:info',
} as const;

export const SLO_LABELS = {
  id: 'sloth_id',
  service: 'sloth_service',
  slo: 'sloth_slo',
  window: 'sloth_window',
  mode: 'sloth_mode',
  spec: 'sloth_spec',
  version: 'sloth_version',
  objective: 'sloth_objective',
  /** On `slo:definition:info`: the SLI shape (kind, metric names, selector labels, windows) whose shared rules record the SLO. */
  sliShape: 'slo_sli_shape',
  /** On `slo:definition:info`: the alerting shape (windows, tiers, guard, alert labels and annotations) whose shared alerts cover the SLO. */
  alerting: 'slo_alerting',
  /** On `slo:definition:info`: the SLO period (`30d`). */
  period: 'slo_period',
  /**
   * On `slo:definition:info` of a latency SLO: its threshold as the bucket's `le` value (`0.2`; an integer as Go
   * clients write it, `1`). The latency shape reads the buckets of all its thresholds at once and joins them
   * `on (<selector labels>, le)`.
   */
  threshold: 'le',
  /** On `slo:sli_events_by_class:rate<w>`: `1` on the bad events of an error-rate shape's single raw read. */
  bad: 'slo_bad',
} as const;

/** `slo:sli_error:ratio_rate5m` for window `5m` (a duration renders in its Prometheus form). */
export function sliErrorRatioRecord(window: string | { toString(): string }): string {
  return `${SLO_METRICS.sliErrorRatioPrefix}${window}`;
}

/** Stable Grafana datasource uids: dashboards and correlations reference these, never generated ids. */
export const DATASOURCE_UIDS = {
  prometheus: 'prometheus',
  loki: 'loki',
  jaeger: 'jaeger',
  alertmanager: 'alertmanager',
} as const;

/**
 * Stable Grafana dashboard uids of the SLO dashboards, under the stack's own prefix `obs-`, so they sit beside the
 * community Sloth dashboards a team may provision too: grafana.com 14348 "SLO / Detail" has uid `slo-detail` and
 * 14643 "High level Sloth SLOs" uid `high-level-sloth-slos` (revisions 5 and 2).
 */
export const SLO_DASHBOARD_UIDS = {
  overview: 'obs-slo-overview',
  detail: 'obs-slo-detail',
  /** Per-service dashboards: `obs-slo-<service>`. */
  servicePrefix: 'obs-slo-',
} as const;

/**
 * Intermediate SLI recordings of the SLO generator (not Sloth names; the Sloth-named `slo:sli_error:ratio_rate<w>`
 * series are derived from them). One series per SLO, labelled like the ratio recordings.
 * - `slo:sli_error_events:rate<w>` / `slo:sli_total_events:rate<w>`: bad / all events per second over `<w>`, from the
 *   raw source series, for the short windows (evaluated every cycle).
 * - `slo:sli_error_events:increase<tile>` / `slo:sli_total_events:increase<tile>`: bad / all events in the last tile,
 *   recorded once per tile by a slow group; the long windows (2h ... period) are traffic-weighted sums over them.
 */
export const SLO_EVENT_METRICS = {
  /**
   * `slo:sli_events_by_class:rate<w>`: an error-rate shape's one raw read per short window, events per second
   * `sum by (<selector labels>, slo_bad)` (`slo_bad="1"` on the statuses that are errors); its bad and all events
   * are summed from it, so the raw series are read once per window, not twice.
   */
  classifiedRatePrefix: 'slo:sli_events_by_class:rate',
  errorRatePrefix: 'slo:sli_error_events:rate',
  totalRatePrefix: 'slo:sli_total_events:rate',
  errorIncreasePrefix: 'slo:sli_error_events:increase',
  totalIncreasePrefix: 'slo:sli_total_events:increase',
  /** The current burn rate of SLOs whose page windows fire now (guard applied); the page alerts join their labels onto it. */
  pageBurn: 'slo:page_burn_rate:ratio',
  /** The current burn rate of SLOs whose ticket windows fire now. */
  ticketBurn: 'slo:ticket_burn_rate:ratio',
  /** The period SLI of SLOs below their objective (value: the SLI). */
  breach: 'slo:period_sli_breach:ratio',
  /** One series (value 1) per SLO whose source series have had no samples over the absent window. */
  sourceAbsent: 'slo:sli_source_absent:info',
  /**
   * One series (value 1) per latency SLO and spelling of its threshold bucket's `le`: `0.2`, and for an integer both
   * `1` (Go clients) and `1.0` (Python clients, Prometheus 3's normalization). The bucket reads join on it.
   */
  threshold: 'slo:sli_threshold:info',
} as const;

/**
 * Rule-group names of the SLO rule files: the shared file `slo.rules.yml` holds one group of each name; a service's
 * file `slo-<service>.rules.yml` holds `<definitions>-<service>` (and, for raw SLIs, `<sli>-<service>` and
 * `<alerts>-<service>`).
 */
export const SLO_RULE_GROUPS = {
  definitions: 'slo-definitions',
  sli: 'slo-sli-recordings',
  tiles: 'slo-sli-tiles',
  longWindows: 'slo-sli-long-windows',
  meta: 'slo-meta-recordings',
  alerts: 'slo-alerts',
} as const;

/** Alert names of the SLO rules. */
export const SLO_ALERT_NAMES = {
  /** Multiwindow multi-burn-rate alert; page and ticket tiers share the name, as Sloth's do. */
  burnRate: 'SLOErrorBudgetBurn',
  /** The SLI's source series disappeared. */
  sourceAbsent: 'SLOSourceMetricAbsent',
  /** The seed's alert: the SLI over the whole period is below the objective. */
  breach: 'SLOBreach',
} as const;

/** Annotation keys of the SLO alerts. */
export const SLO_ANNOTATIONS = {
  title: 'title',
  summary: 'summary',
  description: 'description',
  runbookUrl: 'runbook_url',
} as const;

/** Values of the `sloth_mode`/`sloth_spec`/`sloth_version` labels of `sloth_slo_info` for rules this stack generates. */
export const SLO_INFO_VALUES = {
  mode: 'observability-stack',
  spec: 'observability-stack/slo/v1',
  version: 'v1',
} as const;

/**
 * Hashmod sharding of Prometheus (`prometheus.shards`): the external label naming each shard's series and alerts, the
 * scratch label the scrape jobs hash the `service` label into (`__tmp_` labels are Prometheus' documented scratch
 * space and never reach the TSDB), and the name of shard k (its StatefulSet, Services and ConfigMaps).
 */
export const PROMETHEUS_SHARD_LABEL = 'prometheus_shard';
export const PROMETHEUS_SHARD_TMP_LABEL = '__tmp_prometheus_shard';
export const MAX_PROMETHEUS_SHARDS = 64;
export function prometheusShardName(base: string, shard: number): string {
  return `${base}-shard-${shard}`;
}
