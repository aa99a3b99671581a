import { ResourceSpec } from '../../common/workload';

/**
 * Defaults of the exporters, in one place. Each construct resolves its props against these once, in its constructor.
 */

/** Upstream program names: the `app.kubernetes.io/name` label Prometheus' jobs select on. */
export const EXPORTER_NAMES = {
  nodeExporter: 'node-exporter',
  kubeStateMetrics: 'kube-state-metrics',
  blackboxExporter: 'blackbox-exporter',
} as const;

/** The `app.kubernetes.io/component` of every exporter (as kube-prometheus labels them). */
export const EXPORTER_COMPONENT = 'exporter';

/** Upstream default ports and port names. */
export const EXPORTER_PORTS = {
  /** node_exporter `--web.listen-address` default (https://github.com/prometheus/node_exporter#installation-and-usage). */
  nodeExporter: { name: 'metrics', port: 9100 },
  /** kube-state-metrics `--port` / `--telemetry-port` defaults, names as in upstream's examples/standard. */
  kubeStateMetrics: { name: 'http-metrics', port: 8080 },
  kubeStateMetricsTelemetry: { name: 'telemetry', port: 8081 },
  /** blackbox_exporter `--web.listen-address` default. */
  blackboxExporter: { name: 'http', port: 9115 },
} as const;

/**
 * Resource defaults: small, overridable with the `resources` prop.
 * - node-exporter: one per node; tens of MiB in practice, the limit leaves room for big hosts.
 * - kube-state-metrics: upstream's README recommends "250MiB memory, 0.1 cores" as a starting point; memory grows
 *   with the number of objects in the cluster.
 * - blackbox-exporter: probes are cheap; kube-prometheus runs it with 10m / 20Mi.
 */
export const DEFAULT_RESOURCES = {
  nodeExporter: { cpuRequest: '50m', memoryRequest: '64Mi', memoryLimit: '128Mi' },
  kubeStateMetrics: { cpuRequest: '100m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
  blackboxExporter: { cpuRequest: '25m', memoryRequest: '32Mi', memoryLimit: '64Mi' },
} as const satisfies Record<string, ResourceSpec>;
