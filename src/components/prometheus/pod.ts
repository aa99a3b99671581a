import { PROMETHEUS_PATHS } from './defaults';
import { PrometheusModel } from './model';

/** What the Prometheus pod needs besides its config files: read access to the Kubernetes API, and its command line. */

/** A ClusterRole rule, as the RBAC API writes it. */
export interface PrometheusPolicyRule {
  readonly apiGroups?: string[];
  readonly resources?: string[];
  readonly nonResourceUrLs?: string[];
  readonly verbs: string[];
}

/**
 * Read-only access for Kubernetes service discovery (roles node, service, pod, endpoints, endpointslice) and the
 * kubelet's `/metrics/cadvisor` (authorized as `get` on `nodes/metrics`), plus `/metrics` of the API server. As
 * upstream's RBAC example (documentation/examples/rbac-setup.yml) without `nodes/proxy` and ingresses, which the
 * stack's jobs do not use.
 */
export function prometheusClusterRoleRules(): PrometheusPolicyRule[] {
  const read = ['get', 'list', 'watch'];
  return [
    { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: read },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
    { nonResourceUrLs: ['/metrics'], verbs: ['get'] },
  ];
}

/**
 * Prometheus' command line (pure). Flags: https://prometheus.io/docs/prometheus/latest/command-line/prometheus/
 * (Prometheus 3: the OTLP receiver is a flag, no longer a feature flag).
 *
 * Only the write endpoints a feature uses are on: the OTLP receiver, where the collector gateway pushes metrics, and
 * the remote-write receiver only with `remoteWriteReceiver`. `--web.enable-lifecycle` (`POST /-/reload`, `/-/quit`)
 * stays off: no reloader runs beside Prometheus (a config change rolls the pods through their checksum annotation),
 * so the only client of those endpoints would be whoever else reaches the port. The admin API stays off too.
 *
 * Exemplar storage is still a feature flag in 3.5
 * (https://prometheus.io/docs/prometheus/latest/feature_flags/#exemplars-storage): without it Prometheus drops the
 * exemplars it scrapes, and Grafana's exemplar → Jaeger link has nothing to show.
 */
export function prometheusArgs(model: PrometheusModel): string[] {
  return [
    ...(model.externalUrl !== undefined ? [`--web.external-url=${model.externalUrl}`] : []),
    `--config.file=${PROMETHEUS_PATHS.configFile}`,
    `--storage.tsdb.path=${PROMETHEUS_PATHS.data}`,
    `--storage.tsdb.retention.time=${model.retentionTime}`,
    `--storage.tsdb.retention.size=${model.retentionSize.toPrometheus()}`,
    ...(model.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
    '--web.enable-otlp-receiver',
    '--enable-feature=exemplar-storage',
  ];
}
