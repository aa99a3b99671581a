import { SCRAPE_ANNOTATIONS, TARGET_LABELS } from '../../conventions';
import { DEFAULT_JOB_NAMES, PROMETHEUS_PATHS } from './defaults';
import { DROP_NOT_RUNNING, keepPodsWithLabels, keepPortName, podAnnotationMeta, podTargetRelabels, serviceAnnotationMeta, serviceFromLabels, serviceLabelMeta } from './relabel';
import { RelabelConfig, ScrapeConfig } from './scrape-config';

/**
 * The default scrape jobs (pure generators): Prometheus' self-scrape and three of the seed's four jobs; the fourth,
 * `node-exporter`, is the NodeExporter's own job, handed over by reference (see NodeExporter.scrapeConfigs()).
 *
 * Meta labels of Kubernetes service discovery:
 * https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config.
 * The annotation handling (`prometheus.io/scrape`, `path`, `port`, `scheme`) follows the commented examples of
 * upstream's documentation/examples/prometheus-kubernetes.yml
 * (https://github.com/prometheus/prometheus/blob/main/documentation/examples/prometheus-kubernetes.yml), with the
 * annotation names of src/conventions.ts.
 *
 * Every job attaches the stack's target labels (TARGET_LABELS) instead of upstream's `labelmap` of every Kubernetes
 * label (which multiplies series and collides with labels the applications write):
 * - `namespace` and `pod` from the discovered pod,
 * - `service` from the pod label `app.kubernetes.io/name`, else `app` (SERVICE_NAME_POD_LABELS), so the seed's
 *   `sum by (service)` queries work on what the pods expose.
 * The `cadvisor` job attaches only `node`: cAdvisor's series already carry the `namespace`/`pod`/`container` of the
 * container they describe, and a target label would overwrite them.
 */

export interface DefaultScrapeJobsOptions {
  /** Namespace of the Prometheus pods (the self-scrape job discovers them there). */
  readonly namespace: string;
  /** Labels selecting the Prometheus pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** Name of Prometheus' container port. */
  readonly portName: string;
  /** Skip verifying the kubelets' serving certificates (self-signed on clusters without serverTLSBootstrap). */
  readonly kubeletInsecureSkipVerify: boolean;
}

/**
 * Honour `prometheus.io/scheme`, `prometheus.io/path` and `prometheus.io/port`, exactly as upstream's example does
 * for its `example.io/*` annotations. The port rewrite keeps the host of `__address__` and swaps the port.
 */
function annotationRelabels(meta: (annotation: string) => string): RelabelConfig[] {
  return [
    { sourceLabels: [meta(SCRAPE_ANNOTATIONS.scrape)], regex: 'true', action: 'keep' },
    { sourceLabels: [meta(SCRAPE_ANNOTATIONS.scheme)], regex: '(https?)', targetLabel: '__scheme__', action: 'replace' },
    { sourceLabels: [meta(SCRAPE_ANNOTATIONS.path)], regex: '(.+)', targetLabel: '__metrics_path__', action: 'replace' },
    {
      sourceLabels: ['__address__', meta(SCRAPE_ANNOTATIONS.port)],
      regex: '([^:]+)(?::\\d+)?;(\\d+)',
      replacement: '$1:$2',
      targetLabel: '__address__',
      action: 'replace',
    },
  ];
}

/** `kubernetes-pods`: every pod annotated `prometheus.io/scrape: "true"`, in every namespace. */
export function kubernetesPodsJob(): ScrapeConfig {
  return {
    jobName: DEFAULT_JOB_NAMES.pods,
    kubernetesSdConfigs: [{ role: 'pod' }],
    relabelConfigs: [...annotationRelabels(podAnnotationMeta), DROP_NOT_RUNNING, ...podTargetRelabels()],
  };
}

/**
 * `kubernetes-services`: every Service annotated `prometheus.io/scrape: "true"`, scraped through its cluster DNS
 * name (one of its pods per scrape). `service` is the Service's `app.kubernetes.io/name` (else `app`) label, else
 * its name. Annotate either the pods or the Service, not both, or the series are scraped twice.
 */
export function kubernetesServicesJob(): ScrapeConfig {
  return {
    jobName: DEFAULT_JOB_NAMES.services,
    kubernetesSdConfigs: [{ role: 'service' }],
    relabelConfigs: [
      ...annotationRelabels(serviceAnnotationMeta),
      { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: TARGET_LABELS.namespace, action: 'replace' },
      { sourceLabels: ['__meta_kubernetes_service_name'], targetLabel: TARGET_LABELS.service, action: 'replace' },
      ...serviceFromLabels(serviceLabelMeta),
    ],
  };
}

/**
 * `cadvisor`: container metrics from every kubelet's `/metrics/cadvisor`, over HTTPS with the pod's service-account
 * token and the cluster CA, as upstream's `kubernetes-cadvisor` example job does (direct to the kubelet, not proxied
 * through the API server). The token needs `get` on `nodes/metrics`. Timestamps cAdvisor exposes are ignored (they go
 * stale for idle containers; kube-prometheus does the same).
 */
export function cadvisorJob(o: Pick<DefaultScrapeJobsOptions, 'kubeletInsecureSkipVerify'>): ScrapeConfig {
  return {
    jobName: DEFAULT_JOB_NAMES.cadvisor,
    scheme: 'https',
    metricsPath: '/metrics/cadvisor',
    honorTimestamps: false,
    authorization: { credentialsFile: PROMETHEUS_PATHS.serviceAccountToken },
    tlsConfig: { caFile: PROMETHEUS_PATHS.serviceAccountCa, insecureSkipVerify: o.kubeletInsecureSkipVerify ? true : undefined },
    kubernetesSdConfigs: [{ role: 'node' }],
    relabelConfigs: [{ sourceLabels: ['__meta_kubernetes_node_name'], targetLabel: TARGET_LABELS.node, action: 'replace' }],
  };
}

/** `prometheus`: every replica of this Prometheus, on its web port, from each replica. */
export function prometheusSelfJob(o: Pick<DefaultScrapeJobsOptions, 'namespace' | 'selector' | 'portName'>): ScrapeConfig {
  return {
    jobName: DEFAULT_JOB_NAMES.prometheus,
    kubernetesSdConfigs: [{ role: 'pod', namespaces: [o.namespace] }],
    relabelConfigs: [...keepPodsWithLabels(o.selector), keepPortName(o.portName), DROP_NOT_RUNNING, ...podTargetRelabels()],
  };
}

/** Every default job, in a stable order. */
export function defaultScrapeJobs(o: DefaultScrapeJobsOptions): ScrapeConfig[] {
  return [prometheusSelfJob(o), kubernetesPodsJob(), kubernetesServicesJob(), cadvisorJob(o)];
}
