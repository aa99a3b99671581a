import { DurationInput, PromDuration } from '../../common/duration';
import { ProblemCollector } from '../../common/errors';
import {
  dns1123LabelProblems,
  kubernetesLabelKeyProblems,
  kubernetesLabelValueProblems,
  metricsPathProblems,
  namespaceProblems,
  networkPortProblems,
  relabelConfigProblems,
} from '../../common/validation';
import { TARGET_LABELS } from '../../conventions';
import { DROP_NOT_RUNNING, escapeRelabelRegex, metaLabelName, podLabelMeta, serviceFromLabels } from './relabel';
import { RelabelConfig, ScrapeConfig } from './scrape-config';

/**
 * A typed way to monitor a workload beyond the `prometheus.io/*` annotations: which pods (or which Service's
 * endpoints), which port, path, interval, scheme and relabelings. The stack renders it as a scrape job of its own
 * Prometheus (`workloadMonitorScrapeConfig`: Kubernetes discovery with keep-relabeling on the selector, the way the
 * Prometheus Operator renders a PodMonitor or ServiceMonitor), or, in operator mode, as a `PodMonitor` /
 * `ServiceMonitor` (src/operator/monitors.ts). Both give the targets the same labels: `job` = the monitor's name,
 * `namespace`, `pod` and `service` (the pod's `app.kubernetes.io/name`, else `app`, else the Service's name), then
 * the monitor's own relabelings.
 */

/** What a monitor discovers. */
export type WorkloadMonitorTarget = 'pods' | 'service';

export interface WorkloadMonitorProps {
  /**
   * The monitor's name: the scrape job (`job` label) in native mode, the PodMonitor/ServiceMonitor's name in operator
   * mode. A DNS-1123 label.
   */
  readonly name: string;
  /**
   * `pods`: the pods whose labels match `selector` (a PodMonitor); `service`: the endpoints (pods) of the Services whose
   * labels match `selector` (a ServiceMonitor).
   * @default 'pods'
   */
  readonly target?: WorkloadMonitorTarget;
  /** Labels the pods (or, with `target: 'service'`, the Services) carry; every one must match. At least one. */
  readonly selector: Readonly<Record<string, string>>;
  /** Namespaces to look in. @default - every namespace */
  readonly namespaces?: readonly string[];
  /**
   * The metrics port: a name (a container port's name; with `target: 'service'`, a Service port's name) or a number
   * (a container port's number, which the pod must declare).
   */
  readonly port: string | number;
  /** @default '/metrics' */
  readonly path?: string;
  /** @default - the global scrape interval */
  readonly interval?: DurationInput;
  /** At most `interval`. @default - the global scrape timeout */
  readonly scrapeTimeout?: DurationInput;
  /** @default 'http' */
  readonly scheme?: 'http' | 'https';
  /** Keep the labels the target exposes when they clash with target labels. @default false */
  readonly honorLabels?: boolean;
  /** Relabel rules applied to each target after the stack's target labels. @default - none */
  readonly relabelings?: readonly RelabelConfig[];
  /** Relabel rules applied to each scraped series (`metric_relabel_configs`), e.g. to drop costly series. @default - none */
  readonly metricRelabelings?: readonly RelabelConfig[];
}

/** The validated monitor, defaults resolved, durations parsed. */
export interface WorkloadMonitorModel {
  readonly name: string;
  readonly target: WorkloadMonitorTarget;
  readonly selector: Readonly<Record<string, string>>;
  /** Empty: every namespace. */
  readonly namespaces: readonly string[];
  readonly port: string | number;
  readonly path: string;
  readonly interval?: PromDuration;
  readonly scrapeTimeout?: PromDuration;
  readonly scheme: 'http' | 'https';
  readonly honorLabels: boolean;
  readonly relabelings: readonly RelabelConfig[];
  readonly metricRelabelings: readonly RelabelConfig[];
}

export const WORKLOAD_MONITOR_DEFAULTS = { target: 'pods', path: '/metrics', scheme: 'http' } as const;

/**
 * Resolves and validates a monitor (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function workloadMonitorModel(props: WorkloadMonitorProps, path: string): WorkloadMonitorModel {
  const c = new ProblemCollector();
  c.addAll(dns1123LabelProblems(props.name, `${path}.name`));
  const target = props.target ?? WORKLOAD_MONITOR_DEFAULTS.target;
  if (target !== 'pods' && target !== 'service') {
    c.add({ path: `${path}.target`, message: 'must be "pods" or "service"', value: target, fix: 'use "pods" (a PodMonitor) or "service" (a ServiceMonitor).' });
  }
  const selector = props.selector ?? {};
  if (Object.keys(selector).length === 0) {
    c.add({ path: `${path}.selector`, message: 'must hold at least one label (an empty selector would scrape every pod of the cluster)', value: props.selector, fix: 'select the workload by its labels, e.g. { "app.kubernetes.io/name": "payments" }.' });
  }
  for (const [k, v] of Object.entries(selector)) {
    c.addAll(kubernetesLabelKeyProblems(k, `${path}.selector`));
    c.addAll(kubernetesLabelValueProblems(v, `${path}.selector.${k}`));
  }
  (props.namespaces ?? []).forEach((ns, i) => c.addAll(namespaceProblems(ns, `${path}.namespaces[${i}]`)));
  c.addAll(networkPortProblems(props.port, undefined, path).map((p) => ({ ...p, path: `${path}.port` })));
  const metricsPath = props.path ?? WORKLOAD_MONITOR_DEFAULTS.path;
  c.addAll(metricsPathProblems(metricsPath, `${path}.path`));
  const scheme = props.scheme ?? WORKLOAD_MONITOR_DEFAULTS.scheme;
  if (scheme !== 'http' && scheme !== 'https') c.add({ path: `${path}.scheme`, message: 'must be "http" or "https"', value: scheme, fix: 'use "http" or "https".' });
  const interval = props.interval !== undefined ? c.value(() => PromDuration.from(props.interval!, `${path}.interval`, { positive: true })) : undefined;
  const scrapeTimeout = props.scrapeTimeout !== undefined ? c.value(() => PromDuration.from(props.scrapeTimeout!, `${path}.scrapeTimeout`, { positive: true })) : undefined;
  if (interval && scrapeTimeout && scrapeTimeout.seconds > interval.seconds) {
    c.add({ path: `${path}.scrapeTimeout`, message: `must not be longer than the interval (${interval})`, value: props.scrapeTimeout?.toString(), fix: 'shorten scrapeTimeout or lengthen interval.' });
  }
  (props.relabelings ?? []).forEach((r, i) => c.addAll(relabelConfigProblems(r, `${path}.relabelings[${i}]`)));
  (props.metricRelabelings ?? []).forEach((r, i) => c.addAll(relabelConfigProblems(r, `${path}.metricRelabelings[${i}]`)));
  c.throwIfAny();
  return {
    name: props.name,
    target,
    selector: Object.fromEntries(Object.keys(selector).sort().map((k) => [k, selector[k]])),
    namespaces: [...(props.namespaces ?? [])],
    port: props.port,
    path: metricsPath,
    interval,
    scrapeTimeout,
    scheme,
    honorLabels: props.honorLabels ?? false,
    relabelings: [...(props.relabelings ?? [])],
    metricRelabelings: [...(props.metricRelabelings ?? [])],
  };
}

/** Keep the objects carrying `label=value`: present and equal, as the operator's relabel selector does. */
function keepLabel(kind: 'pod' | 'service', label: string, value: string): RelabelConfig {
  const name = metaLabelName(label);
  return {
    sourceLabels: [`__meta_kubernetes_${kind}_label_${name}`, `__meta_kubernetes_${kind}_labelpresent_${name}`],
    regex: `(${escapeRelabelRegex(value)});true`,
    action: 'keep',
  };
}

/** Keep the targets of the monitor's port, by name or number, as a PodMonitor's `port`/`portNumber` or a ServiceMonitor's `port`/`targetPort`. */
function keepPort(m: WorkloadMonitorModel): RelabelConfig {
  if (typeof m.port === 'number') return { sourceLabels: ['__meta_kubernetes_pod_container_port_number'], regex: String(m.port), action: 'keep' };
  const meta = m.target === 'service' ? '__meta_kubernetes_endpoint_port_name' : '__meta_kubernetes_pod_container_port_name';
  return { sourceLabels: [meta], regex: escapeRelabelRegex(m.port), action: 'keep' };
}

/**
 * The target labels every monitor gives, in both modes: `namespace`, `pod`, and `service` from the pod's
 * `app.kubernetes.io/name` (else `app`; for Service endpoints, else the Service's name).
 */
export function workloadMonitorTargetLabels(m: Pick<WorkloadMonitorModel, 'target'>): RelabelConfig[] {
  return [
    { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: TARGET_LABELS.namespace, action: 'replace' },
    { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: TARGET_LABELS.pod, action: 'replace' },
    ...(m.target === 'service' ? [{ sourceLabels: ['__meta_kubernetes_service_name'], targetLabel: TARGET_LABELS.service, action: 'replace' as const }] : []),
    ...serviceFromLabels(podLabelMeta),
  ];
}

/**
 * The monitor as a scrape job of the stack's Prometheus (pure): Kubernetes discovery (role `pod`, or `endpoints` for
 * a Service), keep-relabeling on the selector and the port, running pods only, the target labels, then the monitor's
 * relabelings.
 */
export function workloadMonitorScrapeConfig(m: WorkloadMonitorModel): ScrapeConfig {
  const kind = m.target === 'service' ? 'service' : 'pod';
  return {
    jobName: m.name,
    scrapeInterval: m.interval?.toString(),
    scrapeTimeout: m.scrapeTimeout?.toString(),
    metricsPath: m.path,
    scheme: m.scheme,
    honorLabels: m.honorLabels ? true : undefined,
    kubernetesSdConfigs: [{ role: m.target === 'service' ? 'endpoints' : 'pod', namespaces: m.namespaces.length > 0 ? [...m.namespaces] : undefined }],
    relabelConfigs: [
      ...Object.entries(m.selector).map(([k, v]) => keepLabel(kind, k, v)),
      keepPort(m),
      DROP_NOT_RUNNING,
      ...workloadMonitorTargetLabels(m),
      ...m.relabelings,
    ],
    metricRelabelConfigs: m.metricRelabelings.length > 0 ? [...m.metricRelabelings] : undefined,
  };
}
