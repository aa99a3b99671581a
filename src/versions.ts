/**
 * Every container image the stack deploys, pinned, in one table.
 *
 * Upgrading a component is a one-line change here; the `app.kubernetes.io/version` label follows the tag.
 * Tags are exact upstream release tags (never `latest`).
 */
export interface ImageVersion {
  /** Registry and repository, without tag. */
  readonly repository: string;
  /** The pinned tag. */
  readonly tag: string;
}

export const VERSIONS = {
  prometheus: { repository: 'quay.io/prometheus/prometheus', tag: 'v3.5.0' },
  alertmanager: { repository: 'quay.io/prometheus/alertmanager', tag: 'v0.28.1' },
  grafana: { repository: 'docker.io/grafana/grafana', tag: '12.2.0' },
  loki: { repository: 'docker.io/grafana/loki', tag: '3.5.5' },
  jaeger: { repository: 'docker.io/jaegertracing/jaeger', tag: '2.10.0' },
  otelCollector: { repository: 'docker.io/otel/opentelemetry-collector-contrib', tag: '0.135.0' },
  nodeExporter: { repository: 'quay.io/prometheus/node-exporter', tag: 'v1.9.1' },
  kubeStateMetrics: { repository: 'registry.k8s.io/kube-state-metrics/kube-state-metrics', tag: 'v2.16.0' },
  blackboxExporter: { repository: 'quay.io/prometheus/blackbox-exporter', tag: 'v0.27.0' },
} as const satisfies Record<string, ImageVersion>;

export type ComponentName = keyof typeof VERSIONS;

/** `repository:tag` for a component, or for an override. */
export function imageOf(version: ImageVersion): string {
  return `${version.repository}:${version.tag}`;
}

/** The version label value (`v` prefix dropped, as kube-prometheus does). */
export function versionLabel(version: ImageVersion): string {
  return version.tag.replace(/^v/, '');
}
