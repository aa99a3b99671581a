import { AlertingRule, RuleGroup } from '../../common/rules';
import {
  ALERT_LABELS,
  APP_LABELS,
  APP_METRICS,
  EXPORTER_METRICS,
  SERVICE_NAME_POD_LABELS,
  SEVERITY,
  SLO_ANNOTATIONS,
  TARGET_LABELS,
} from '../../conventions';

/**
 * The seed's platform alerts (HighErrorRate, HighLatency, PodCrashLooping, HighMemoryUsage), written against what
 * the exporters emit today:
 * - the application metrics carry `service` (attached by the scrape jobs' relabeling);
 * - kube-state-metrics' series carry `namespace`/`pod`/`container` of the object they describe (its job honours
 *   them) and, with the stack's `--metric-labels-allowlist`, `kube_pod_labels` carries the pods'
 *   `label_app_kubernetes_io_name` / `label_app`, from which the pod-level alerts get their `service`;
 * - cAdvisor emits one series per container plus pod-level (`container=""`) and sandbox (`container="POD"`) cgroup
 *   series, and `container_spec_memory_limit_bytes` is 0 for a container without a limit.
 * (SLOBreach belongs to the SLO rules.)
 *
 * Names not yet in src/conventions.ts live here until they move there.
 */

/** Alert names of the platform rules (the seed's). */
export const PLATFORM_ALERT_NAMES = {
  highErrorRate: 'HighErrorRate',
  highLatency: 'HighLatency',
  podCrashLooping: 'PodCrashLooping',
  highMemoryUsage: 'HighMemoryUsage',
} as const;

/** The rule group (and, in the stack, the file `platform.rules.yml`). */
export const PLATFORM_RULE_GROUP = 'platform';

/** kube-state-metrics series the platform rules read besides `EXPORTER_METRICS.containerRestarts`. */
export const KUBE_STATE_METRICS = {
  /** Present (value 1) while a container waits, with the `reason`. */
  containerWaitingReason: 'kube_pod_container_status_waiting_reason',
  /** One series per pod, with the allowlisted pod labels as `label_<sanitized name>`. */
  podLabels: 'kube_pod_labels',
} as const;

/** Thresholds of the seed's alerts. */
export const PLATFORM_THRESHOLDS = {
  /** Share of requests answered 5xx. */
  errorRatio: 0.05,
  /** p95 latency, seconds. */
  latencyP95Seconds: 0.5,
  latencyQuantile: 0.95,
  /** Working set / memory limit. */
  memoryRatio: 0.9,
} as const;

const RATE_WINDOW = '5m';
const RESTART_WINDOW = '15m';
const CRASH_LOOP_REASON = 'CrashLoopBackOff';

/** `by (a, b)` */
function by(...labels: string[]): string {
  return `by (${labels.join(', ')})`;
}

/** The `label_*` name kube-state-metrics gives a Kubernetes label. */
function ksmLabel(kubernetesLabel: string): string {
  return `label_${kubernetesLabel.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/**
 * One series per pod (value 1) with `service` from the pod label `app.kubernetes.io/name`, else `app`
 * (SERVICE_NAME_POD_LABELS), from kube-state-metrics' `kube_pod_labels`: label_replace in reverse preference order,
 * each only when its label is non-empty, so the preferred label wins.
 */
export function serviceOfPod(): string {
  const { namespace, pod, service } = TARGET_LABELS;
  let expr: string = KUBE_STATE_METRICS.podLabels;
  for (const label of [...SERVICE_NAME_POD_LABELS].reverse()) {
    expr = `label_replace(${expr}, "${service}", "$1", "${ksmLabel(label)}", "(.+)")`;
  }
  return `max ${by(namespace, pod, service)} (${expr})`;
}

/**
 * Adds `service` to a per-container expression by joining `serviceOfPod()` (value 1, so the value is unchanged).
 * Containers whose pod has no `kube_pod_labels` series (kube-state-metrics absent or lagging) keep alerting without
 * `service`: the `or` adds them back, matched on the container's identity.
 */
export function withServiceLabel(expr: string): string {
  const { namespace, pod, container, service } = TARGET_LABELS;
  return (
    `(${expr}) * on (${namespace}, ${pod}) group_left (${service}) ${serviceOfPod()}` +
    ` or on (${namespace}, ${pod}, ${container}) (${expr})`
  );
}

function highErrorRate(): AlertingRule {
  const s = TARGET_LABELS.service;
  const total = APP_METRICS.requestsTotal;
  return {
    alert: PLATFORM_ALERT_NAMES.highErrorRate,
    expr:
      `sum ${by(s)} (rate(${total}{${APP_LABELS.status}=~"5.."}[${RATE_WINDOW}]))` +
      ` / sum ${by(s)} (rate(${total}[${RATE_WINDOW}])) > ${PLATFORM_THRESHOLDS.errorRatio}`,
    for: '5m',
    labels: { [ALERT_LABELS.severity]: SEVERITY.critical },
    annotations: {
      [SLO_ANNOTATIONS.summary]: `High error rate on {{ $labels.${s} }}`,
      [SLO_ANNOTATIONS.description]:
        `{{ $value | humanizePercentage }} of the requests to {{ $labels.${s} }} failed with a 5xx status over the last ${RATE_WINDOW}` +
        ` (threshold ${PLATFORM_THRESHOLDS.errorRatio * 100}%).`,
    },
  };
}

function highLatency(): AlertingRule {
  const s = TARGET_LABELS.service;
  const q = PLATFORM_THRESHOLDS.latencyQuantile;
  return {
    alert: PLATFORM_ALERT_NAMES.highLatency,
    expr:
      `histogram_quantile(${q}, sum ${by(s, 'le')} (rate(${APP_METRICS.requestDuration}_bucket[${RATE_WINDOW}])))` +
      ` > ${PLATFORM_THRESHOLDS.latencyP95Seconds}`,
    for: '10m',
    labels: { [ALERT_LABELS.severity]: SEVERITY.warning },
    annotations: {
      [SLO_ANNOTATIONS.summary]: `High latency on {{ $labels.${s} }}`,
      [SLO_ANNOTATIONS.description]:
        `The p${q * 100} latency of {{ $labels.${s} }} is {{ $value | humanizeDuration }} over the last ${RATE_WINDOW}` +
        ` (threshold ${PLATFORM_THRESHOLDS.latencyP95Seconds * 1000}ms).`,
    },
  };
}

/**
 * Restarts increasing over 15m (the seed's signal) while the container was in CrashLoopBackOff within the last 5m
 * (kube-prometheus' KubePodCrashLooping signal). A single restart that recovers (an OOM kill, a node drain) does not
 * page; a container the kubelet keeps backing off does. The value is the number of restarts in 15m.
 */
function podCrashLooping(): AlertingRule {
  const { namespace, pod, container, service } = TARGET_LABELS;
  const restarts = `increase(${EXPORTER_METRICS.containerRestarts}[${RESTART_WINDOW}]) > 0`;
  const backingOff = `max_over_time(${KUBE_STATE_METRICS.containerWaitingReason}{reason="${CRASH_LOOP_REASON}"}[5m]) >= 1`;
  return {
    alert: PLATFORM_ALERT_NAMES.podCrashLooping,
    expr: withServiceLabel(`${restarts} and on (${namespace}, ${pod}, ${container}) ${backingOff}`),
    for: '5m',
    labels: { [ALERT_LABELS.severity]: SEVERITY.warning },
    annotations: {
      [SLO_ANNOTATIONS.summary]: `Pod {{ $labels.${namespace} }}/{{ $labels.${pod} }} is crash looping`,
      [SLO_ANNOTATIONS.description]:
        `Container {{ $labels.${container} }} of pod {{ $labels.${namespace} }}/{{ $labels.${pod} }}` +
        `{{ if $labels.${service} }} (service {{ $labels.${service} }}){{ end }} restarted {{ $value | humanize }} times` +
        ` in the last ${RESTART_WINDOW} and is in ${CRASH_LOOP_REASON}.`,
    },
  };
}

/**
 * Working set over the memory limit, per container. Only real containers (`container` neither "" nor "POD"), only
 * containers with a limit (`> 0`: no division by zero, which would give +Inf and alert on every unlimited container),
 * and `max` per container so the old and new cgroup of a restarting container are not added up.
 */
function highMemoryUsage(): AlertingRule {
  const { namespace, pod, container } = TARGET_LABELS;
  const real = `${container}!="", ${container}!="POD"`;
  const key = by(namespace, pod, container);
  const ratio =
    `max ${key} (${EXPORTER_METRICS.containerMemoryWorkingSet}{${real}})` +
    ` / on (${namespace}, ${pod}, ${container})` +
    ` (max ${key} (${EXPORTER_METRICS.containerMemoryLimit}{${real}}) > 0)` +
    ` > ${PLATFORM_THRESHOLDS.memoryRatio}`;
  return {
    alert: PLATFORM_ALERT_NAMES.highMemoryUsage,
    expr: withServiceLabel(ratio),
    for: '5m',
    labels: { [ALERT_LABELS.severity]: SEVERITY.warning },
    annotations: {
      [SLO_ANNOTATIONS.summary]: `Container {{ $labels.${container} }} of {{ $labels.${namespace} }}/{{ $labels.${pod} }} is near its memory limit`,
      [SLO_ANNOTATIONS.description]:
        `Container {{ $labels.${container} }} of pod {{ $labels.${namespace} }}/{{ $labels.${pod} }} uses {{ $value | humanizePercentage }}` +
        ` of its memory limit (threshold ${PLATFORM_THRESHOLDS.memoryRatio * 100}%); it will be OOM-killed at 100%.`,
    },
  };
}

/** The platform alert rules, one group. */
export function platformAlertRules(): RuleGroup {
  return { name: PLATFORM_RULE_GROUP, rules: [highErrorRate(), highLatency(), podCrashLooping(), highMemoryUsage()] };
}
