import { DurationInput, durationInWords, PromDuration } from '../../common/duration';
import { ProblemCollector } from '../../common/errors';
import { AlertingRule, RuleGroup } from '../../common/rules';
import { fractionProblems, labelNameProblems, labelValueProblems, positiveNumberProblems } from '../../common/validation';
import {
  ALERT_LABELS,
  APP_LABELS,
  APP_METRICS,
  EXPORTER_METRICS,
  KUBE_STATE_METRICS,
  PLATFORM_ALERT_NAMES,
  PLATFORM_RULE_GROUP,
  SERVICE_NAME_POD_LABELS,
  SEVERITY,
  SLO_ANNOTATIONS,
  TARGET_LABELS,
} from '../../conventions';

/**
 * The seed's platform alerts — HighErrorRate, HighLatency, PodCrashLooping, HighMemoryUsage — with the seed's
 * thresholds, `for`, severities, summaries and descriptions as defaults, and only the corrections that make them
 * right against what today's exporters emit. Every departure from the seed's literal text is listed here, with its
 * reason, and in the README ("The seed's platform alerts"); `test/components/prometheus/promtool.test.ts` runs the
 * seed's literal rules beside these under `promtool test rules`, firing at the same times where the seed is right and
 * apart exactly where a correction applies. (The seed's fifth alert, SLOBreach, belongs to the SLO rules.)
 *
 * What the exporters emit, which the corrections follow:
 * - the application metrics carry `service`, attached by the scrape jobs' relabeling (the pod label
 *   `app.kubernetes.io/name`, else `app`); a platform of 100+ services has 100+ values of it;
 * - kube-state-metrics' series carry `namespace`/`pod`/`container` of the object they describe (its job honours
 *   them) and, with the stack's `--metric-labels-allowlist`, `kube_pod_labels` carries the pods'
 *   `label_app_kubernetes_io_name` / `label_app`, from which the pod-level alerts get their `service`;
 * - cAdvisor emits one series per container plus a pod-level cgroup (`container=""`) and, with the Docker runtime, the
 *   sandbox (`container="POD"`); `container_spec_memory_limit_bytes` is 0 for a container without a limit;
 *   `container_memory_usage_bytes` includes the reclaimable page cache, `container_memory_working_set_bytes` does not
 *   (the kubelet evicts and the kernel OOM-kills on the working set).
 */

export { KUBE_STATE_METRICS, PLATFORM_ALERT_NAMES, PLATFORM_RULE_GROUP } from '../../conventions';

// ---------------------------------------------------------------------------------------------------------------
// props

/** What every platform alert lets you change. */
export interface PlatformAlertOptions {
  /**
   * How long the condition must hold before the alert fires (Prometheus duration; `0s` fires on the first evaluation).
   * @default '5m' (the seed's, for every alert)
   */
  readonly for?: DurationInput;
  /** The `severity` label; the default Alertmanager routes page on `critical` and send `warning` to Slack. @default - the seed's */
  readonly severity?: string;
  /**
   * Annotations merged over the defaults: replace the seed's `summary` / `description` or add e.g. `runbook_url`.
   * Prometheus templates (`{{ $labels.service }}`, `{{ $value }}`) work in them.
   * @default - the seed's summary and description
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface HighErrorRateProps extends PlatformAlertOptions {
  /** Share of requests answered with a 5xx status, per service, strictly between 0 and 1. @default 0.01 (the seed's 1%) */
  readonly errorRatio?: number;
  /** The `rate()` window. @default '5m' (the seed's) */
  readonly window?: DurationInput;
}

export interface HighLatencyProps extends PlatformAlertOptions {
  /** The quantile, strictly between 0 and 1. @default 0.99 (the seed's p99) */
  readonly quantile?: number;
  /**
   * The latency threshold in seconds. Make it a bucket boundary of `http_request_duration_seconds` (the instrumentation
   * kit's buckets have 1): between two boundaries `histogram_quantile` interpolates.
   * @default 1 (the seed's)
   */
  readonly thresholdSeconds?: number;
  /** The `rate()` window. @default '5m' (the seed's) */
  readonly window?: DurationInput;
}

export interface PodCrashLoopingProps extends PlatformAlertOptions {
  /** Restarts counted over this window (`rate(...[window]) > 0`). @default '15m' (the seed's) */
  readonly restartWindow?: DurationInput;
  /**
   * Also require the container to have been in `CrashLoopBackOff` within the last 5 minutes (kube-prometheus'
   * KubePodCrashLooping signal), so a single restart that recovers (an OOM kill, a node drain) does not fire.
   * @default false (the seed's: any restart within the window, held for `for`)
   */
  readonly requireBackOff?: boolean;
}

export interface HighMemoryUsageProps extends PlatformAlertOptions {
  /** Working set over the memory limit, per container, strictly between 0 and 1. @default 0.9 (the seed's 90%) */
  readonly memoryRatio?: number;
}

/** The platform alerts: each one tuned, left as the seed has it (omitted or `{}`), or `false` to leave it out. */
export interface PlatformAlertsProps {
  readonly highErrorRate?: HighErrorRateProps | false;
  readonly highLatency?: HighLatencyProps | false;
  readonly podCrashLooping?: PodCrashLoopingProps | false;
  readonly highMemoryUsage?: HighMemoryUsageProps | false;
}

// ---------------------------------------------------------------------------------------------------------------
// defaults: the seed's values

/** The seed's values of each alert (its `prometheus.yml` rules, `application_alerts` group). */
export const SEED_PLATFORM_ALERTS = {
  highErrorRate: {
    errorRatio: 0.01,
    window: '5m',
    for: '5m',
    severity: SEVERITY.critical,
    summary: 'High error rate detected',
  },
  highLatency: {
    quantile: 0.99,
    thresholdSeconds: 1,
    window: '5m',
    for: '5m',
    severity: SEVERITY.warning,
    summary: 'High latency detected',
  },
  podCrashLooping: {
    restartWindow: '15m',
    for: '5m',
    severity: SEVERITY.critical,
    summary: 'Pod is crash looping',
    description: 'Pod {{ $labels.pod }} is restarting frequently',
  },
  highMemoryUsage: {
    memoryRatio: 0.9,
    for: '5m',
    severity: SEVERITY.warning,
    summary: 'High memory usage',
  },
} as const;

/** The window of the optional CrashLoopBackOff confirmation (kube-prometheus uses the same). */
const BACKOFF_WINDOW = '5m';
const CRASH_LOOP_REASON = 'CrashLoopBackOff';

// ---------------------------------------------------------------------------------------------------------------
// model

interface AlertModel {
  readonly for: PromDuration;
  readonly severity: string;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface HighErrorRateModel extends AlertModel {
  readonly errorRatio: number;
  readonly window: PromDuration;
}

export interface HighLatencyModel extends AlertModel {
  readonly quantile: number;
  readonly thresholdSeconds: number;
  readonly window: PromDuration;
}

export interface PodCrashLoopingModel extends AlertModel {
  readonly restartWindow: PromDuration;
  readonly requireBackOff: boolean;
}

export interface HighMemoryUsageModel extends AlertModel {
  readonly memoryRatio: number;
}

/** The validated platform alerts, every default resolved; an absent member is an alert left out. */
export interface PlatformAlertsModel {
  readonly highErrorRate?: HighErrorRateModel;
  readonly highLatency?: HighLatencyModel;
  readonly podCrashLooping?: PodCrashLoopingModel;
  readonly highMemoryUsage?: HighMemoryUsageModel;
}

/** `0.01` → `1%`, `0.005` → `0.5%` (no floating-point tails). */
function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(12))}%`;
}

/** `0.99` → `P99`, `0.999` → `P99.9`. */
function quantileName(q: number): string {
  return `P${Number((q * 100).toPrecision(12))}`;
}

/** `1` → `1 second`, `0.5` → `0.5 seconds`. */
function secondsInWords(s: number): string {
  return `${s} second${s === 1 ? '' : 's'}`;
}

/**
 * The platform alerts' model (pure): every default resolved, every value checked, all problems thrown together as one
 * ConfigError with paths under `path` (the stack passes `<stack path>.platformAlerts`).
 */
export function platformAlertsModel(props: PlatformAlertsProps = {}, path = 'platformAlerts'): PlatformAlertsModel {
  const c = new ProblemCollector();
  const common = (p: PlatformAlertOptions, at: string, seed: { for: string; severity: string }) => {
    const forDuration = c.value(() => PromDuration.from(p.for ?? seed.for, `${at}.for`));
    const severity = p.severity ?? seed.severity;
    c.addAll(labelValueProblems(severity, `${at}.severity`));
    for (const key of Object.keys(p.annotations ?? {})) c.addAll(labelNameProblems(key, `${at}.annotations.${key}`));
    return { for: forDuration, severity };
  };
  const window = (value: DurationInput | undefined, fallback: string, at: string) =>
    c.value(() => PromDuration.from(value ?? fallback, at, { positive: true }));
  const out: {
    highErrorRate?: HighErrorRateModel;
    highLatency?: HighLatencyModel;
    podCrashLooping?: PodCrashLoopingModel;
    highMemoryUsage?: HighMemoryUsageModel;
  } = {};

  if (props.highErrorRate !== false) {
    const p = props.highErrorRate ?? {};
    const at = `${path}.highErrorRate`;
    const seed = SEED_PLATFORM_ALERTS.highErrorRate;
    const base = common(p, at, seed);
    const errorRatio = p.errorRatio ?? seed.errorRatio;
    c.addAll(fractionProblems(errorRatio, `${at}.errorRatio`, { what: 'the share of requests answered 5xx', fix: 'write e.g. 0.01 for 1%.' }));
    const w = window(p.window, seed.window, `${at}.window`);
    if (base.for && w) {
      out.highErrorRate = {
        ...base,
        for: base.for,
        errorRatio,
        window: w,
        annotations: {
          [SLO_ANNOTATIONS.summary]: seed.summary,
          // The seed: "Error rate is above 1% for 5 minutes".
          [SLO_ANNOTATIONS.description]: `Error rate is above ${percent(errorRatio)} for ${durationInWords(base.for)}`,
          ...p.annotations,
        },
      };
    }
  }

  if (props.highLatency !== false) {
    const p = props.highLatency ?? {};
    const at = `${path}.highLatency`;
    const seed = SEED_PLATFORM_ALERTS.highLatency;
    const base = common(p, at, seed);
    const quantile = p.quantile ?? seed.quantile;
    const thresholdSeconds = p.thresholdSeconds ?? seed.thresholdSeconds;
    c.addAll(fractionProblems(quantile, `${at}.quantile`, { what: 'the latency quantile', fix: 'write e.g. 0.99 for the p99.' }));
    c.addAll(positiveNumberProblems(thresholdSeconds, `${at}.thresholdSeconds`, { what: 'seconds', fix: 'write e.g. 1 for one second, 0.5 for 500 ms.' }));
    const w = window(p.window, seed.window, `${at}.window`);
    if (base.for && w) {
      out.highLatency = {
        ...base,
        for: base.for,
        quantile,
        thresholdSeconds,
        window: w,
        annotations: {
          [SLO_ANNOTATIONS.summary]: seed.summary,
          // The seed: "P99 latency is above 1 second".
          [SLO_ANNOTATIONS.description]: `${quantileName(quantile)} latency is above ${secondsInWords(thresholdSeconds)}`,
          ...p.annotations,
        },
      };
    }
  }

  if (props.podCrashLooping !== false) {
    const p = props.podCrashLooping ?? {};
    const at = `${path}.podCrashLooping`;
    const seed = SEED_PLATFORM_ALERTS.podCrashLooping;
    const base = common(p, at, seed);
    const restartWindow = window(p.restartWindow, seed.restartWindow, `${at}.restartWindow`);
    if (base.for && restartWindow) {
      out.podCrashLooping = {
        ...base,
        for: base.for,
        restartWindow,
        requireBackOff: p.requireBackOff ?? false,
        annotations: { [SLO_ANNOTATIONS.summary]: seed.summary, [SLO_ANNOTATIONS.description]: seed.description, ...p.annotations },
      };
    }
  }

  if (props.highMemoryUsage !== false) {
    const p = props.highMemoryUsage ?? {};
    const at = `${path}.highMemoryUsage`;
    const seed = SEED_PLATFORM_ALERTS.highMemoryUsage;
    const base = common(p, at, seed);
    const memoryRatio = p.memoryRatio ?? seed.memoryRatio;
    c.addAll(fractionProblems(memoryRatio, `${at}.memoryRatio`, { what: 'working set over the memory limit', fix: 'write e.g. 0.9 for 90%.' }));
    if (base.for) {
      out.highMemoryUsage = {
        ...base,
        for: base.for,
        memoryRatio,
        annotations: {
          [SLO_ANNOTATIONS.summary]: seed.summary,
          // The seed: "Container {{ $labels.container }} is using > 90% memory".
          [SLO_ANNOTATIONS.description]: `Container {{ $labels.${TARGET_LABELS.container} }} is using > ${percent(memoryRatio)} memory`,
          ...p.annotations,
        },
      };
    }
  }

  c.throwIfAny();
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// expressions

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

/**
 * The seed: `sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.01`.
 * Departure: `by (service)` on both sums. The seed's sums run over the whole platform, so one failing service among
 * 100+ healthy ones is averaged away (a service with 2% of the traffic failing completely is a 2% platform error rate
 * at most), and the alert carries no `service`, which the Alertmanager routes and groups on. Counter resets (a
 * restarted pod) need nothing beyond the seed's `rate()`, which corrects for them.
 */
export function highErrorRateRule(m: HighErrorRateModel): AlertingRule {
  const s = TARGET_LABELS.service;
  const total = APP_METRICS.requestsTotal;
  return {
    alert: PLATFORM_ALERT_NAMES.highErrorRate,
    expr:
      `sum(rate(${total}{${APP_LABELS.status}=~"5.."}[${m.window}])) ${by(s)}` +
      ` / sum(rate(${total}[${m.window}])) ${by(s)} > ${m.errorRatio}`,
    for: m.for.toString(),
    labels: { [ALERT_LABELS.severity]: m.severity },
    annotations: { ...m.annotations },
  };
}

/**
 * The seed: `histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket[5m])) by (le)) > 1`.
 * Departure: `by (le, service)`. The seed's quantile is of the whole platform's requests, so one slow service is lost
 * among fast ones (a service with 0.5% of the traffic can be entirely slow under a platform p99 of 10 ms), and the
 * alert carries no `service`.
 */
export function highLatencyRule(m: HighLatencyModel): AlertingRule {
  const s = TARGET_LABELS.service;
  return {
    alert: PLATFORM_ALERT_NAMES.highLatency,
    expr: `histogram_quantile(${m.quantile}, sum(rate(${APP_METRICS.requestDuration}_bucket[${m.window}])) ${by('le', s)}) > ${m.thresholdSeconds}`,
    for: m.for.toString(),
    labels: { [ALERT_LABELS.severity]: m.severity },
    annotations: { ...m.annotations },
  };
}

/**
 * The seed: `rate(kube_pod_container_status_restarts_total[15m]) > 0`, fired after 5m.
 * Departure: the result is joined with the pod's `service` (withServiceLabel), so Alertmanager groups and routes it
 * per service like the other alerts; pods without `kube_pod_labels` still alert. Which containers fire, and when, is
 * the seed's. With `requireBackOff`, a restart must also coincide with a CrashLoopBackOff wait (opt-in).
 */
export function podCrashLoopingRule(m: PodCrashLoopingModel): AlertingRule {
  const { namespace, pod, container } = TARGET_LABELS;
  const restarts = `rate(${EXPORTER_METRICS.containerRestarts}[${m.restartWindow}]) > 0`;
  const backingOff = `max_over_time(${KUBE_STATE_METRICS.containerWaitingReason}{reason="${CRASH_LOOP_REASON}"}[${BACKOFF_WINDOW}]) >= 1`;
  return {
    alert: PLATFORM_ALERT_NAMES.podCrashLooping,
    expr: withServiceLabel(m.requireBackOff ? `${restarts} and on (${namespace}, ${pod}, ${container}) ${backingOff}` : restarts),
    for: m.for.toString(),
    labels: { [ALERT_LABELS.severity]: m.severity },
    annotations: { ...m.annotations },
  };
}

/**
 * The seed: `(container_memory_usage_bytes / container_spec_memory_limit_bytes) > 0.9`. Departures, each for what
 * cAdvisor emits:
 * - the working set instead of usage: usage includes the page cache the kernel reclaims before any OOM kill, so a
 *   container reading files sits near its limit while healthy; the kubelet and the OOM killer act on the working set;
 * - only containers with a limit (`> 0`): the limit is 0 for a container without one, and x / 0 = +Inf > 0.9 would
 *   alert on every unlimited container;
 * - only real containers (`container` neither "" nor "POD"): the pod-level cgroup and the sandbox are not containers
 *   (the pod cgroup's limit is the pod's, and the seed's text names a container);
 * - `max by (namespace, pod, container)` on both sides: around a restart cAdvisor briefly reports the old and the new
 *   cgroup of one container (different `id`), which the seed's one-to-one division would pair or miss arbitrarily;
 * - joined with the pod's `service` (withServiceLabel).
 */
export function highMemoryUsageRule(m: HighMemoryUsageModel): AlertingRule {
  const { namespace, pod, container } = TARGET_LABELS;
  const real = `${container}!="", ${container}!="POD"`;
  const key = by(namespace, pod, container);
  const ratio =
    `max ${key} (${EXPORTER_METRICS.containerMemoryWorkingSet}{${real}})` +
    ` / on (${namespace}, ${pod}, ${container})` +
    ` (max ${key} (${EXPORTER_METRICS.containerMemoryLimit}{${real}}) > 0)` +
    ` > ${m.memoryRatio}`;
  return {
    alert: PLATFORM_ALERT_NAMES.highMemoryUsage,
    expr: withServiceLabel(ratio),
    for: m.for.toString(),
    labels: { [ALERT_LABELS.severity]: m.severity },
    annotations: { ...m.annotations },
  };
}

/**
 * The platform alert rules, one group, in the seed's order (alerts set to `false` left out).
 * @throws ConfigError when a prop is invalid, every problem at once, under `path`.
 */
export function platformAlertRules(props: PlatformAlertsProps = {}, path = 'platformAlerts'): RuleGroup {
  const m = platformAlertsModel(props, path);
  const rules: AlertingRule[] = [];
  if (m.highErrorRate) rules.push(highErrorRateRule(m.highErrorRate));
  if (m.highLatency) rules.push(highLatencyRule(m.highLatency));
  if (m.podCrashLooping) rules.push(podCrashLoopingRule(m.podCrashLooping));
  if (m.highMemoryUsage) rules.push(highMemoryUsageRule(m.highMemoryUsage));
  return { name: PLATFORM_RULE_GROUP, rules };
}
