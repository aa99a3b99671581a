import { ResourceSpec } from '../../common/workload';

/**
 * Prometheus defaults, in one place. The construct resolves its props against these once, in its constructor.
 * Ports, paths and endpoints follow the official image and docs
 * (https://prometheus.io/docs/prometheus/latest/command-line/prometheus/,
 * https://prometheus.io/docs/prometheus/latest/management_api/).
 */
export const PROMETHEUS_DEFAULTS = {
  name: 'prometheus',
  replicas: 1,
  replicaLabel: 'prometheus_replica',
  /** `--web.listen-address` default. */
  port: 9090,
  /** The container port's name; the self-scrape job keeps it. */
  portName: 'web',
  /** Prometheus' own default retention time. */
  retentionTime: '15d',
  storageSize: '50Gi',
  /** The default `retentionSize` is this share of `storageSize`, so size-based retention acts before the disk fills. */
  retentionSizeShareOfStorage: 0.9,
  /** The seed's global intervals. */
  scrapeInterval: '15s',
  evaluationInterval: '15s',
  /** Prometheus' default `scrape_timeout`. */
  scrapeTimeout: '10s',
  /**
   * Accept samples up to this old (`storage.tsdb.out_of_order_time_window`): OTLP pushes from several collector
   * replicas arrive out of order, as Prometheus' OpenTelemetry guide warns
   * (https://prometheus.io/docs/guides/opentelemetry/).
   */
  outOfOrderTimeWindow: '30m',
  /**
   * Resources: Prometheus' memory grows with active series (roughly 4-8 KiB per series); 2Gi holds a few hundred
   * thousand series, a platform of 100+ services should size this from `prometheus_tsdb_head_series`.
   */
  resources: { cpuRequest: '500m', memoryRequest: '2Gi', memoryLimit: '4Gi' } satisfies ResourceSpec,
  /** The image runs as `nobody`. */
  uid: 65534,
  gid: 65534,
  /** Let the TSDB head flush cleanly on shutdown (kube-prometheus gives it 600s). */
  terminationGracePeriodSeconds: 300,
  /**
   * Bytes of rule files per ConfigMap: the API server rejects objects over 1 MiB (etcd's request limit), so keep room
   * for metadata.
   */
  maxRuleConfigMapBytes: 900 * 1024,
} as const;

/** Where things live in the container. */
export const PROMETHEUS_PATHS = {
  /** The config ConfigMap is mounted as a directory (no subPath, so updates reach the pod). */
  configDir: '/etc/prometheus/config',
  configFile: '/etc/prometheus/config/prometheus.yml',
  /** Every rule ConfigMap is projected into this one directory. */
  rulesDir: '/etc/prometheus/rules',
  /** The image's default `--storage.tsdb.path`. */
  data: '/prometheus',
  /** The pod's service-account credentials (Kubernetes SD and the kubelet scrape use them). */
  serviceAccountToken: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  serviceAccountCa: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
} as const;


/**
 * The kubelet's HTTPS port (its `--port` default): Kubernetes discovery's `node` role addresses each node there, so
 * the `cadvisor` job scrapes it on every node's address.
 */
export const KUBELET_PORT = { name: 'kubelet', port: 10250 } as const;

/** HTTP endpoints (https://prometheus.io/docs/prometheus/latest/management_api/, .../querying/api/). */
export const PROMETHEUS_ENDPOINTS = {
  ready: '/-/ready',
  healthy: '/-/healthy',
  remoteWrite: '/api/v1/write',
  otlpMetrics: '/api/v1/otlp/v1/metrics',
} as const;

/** Names of the default scrape jobs (the node exporter brings its own, `node-exporter`). */
export const DEFAULT_JOB_NAMES = {
  prometheus: 'prometheus',
  pods: 'kubernetes-pods',
  services: 'kubernetes-services',
  cadvisor: 'cadvisor',
} as const;
