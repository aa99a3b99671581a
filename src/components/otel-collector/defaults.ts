import { ResourceSpec } from '../../common/workload';

/**
 * Ports, paths and defaults of the OpenTelemetry Collector, from the collector docs
 * (https://opentelemetry.io/docs/collector/configuration/, https://opentelemetry.io/docs/collector/internal-telemetry/)
 * and the component READMEs linked in config.ts.
 */
export const OTEL_PORTS = {
  /** OTLP/gRPC */
  otlpGrpc: 4317,
  /** OTLP/HTTP */
  otlpHttp: 4318,
  /** Internal telemetry, Prometheus `/metrics`. */
  metrics: 8888,
  /** health_check extension. */
  health: 13133,
} as const;

/** Upstream program name (`app.kubernetes.io/name`). */
export const COLLECTOR_APP_NAME = 'opentelemetry-collector';
/** The collector container's name (also used to exclude the agent's own log files). */
export const COLLECTOR_CONTAINER = 'otel-collector';

/**
 * The config file: `config.yaml`, the name the collector docs and the contrib image use
 * (`/etc/otelcol-contrib/config.yaml`). Upstream's Helm chart names its ConfigMap key `relay` and mounts it as
 * `/conf/relay.yaml`; this stack keeps the file's own name as the key, as for every other config file it generates.
 */
export const CONFIG_FILE = 'config.yaml';
/** Where the ConfigMap is mounted (as in upstream's Helm chart). */
export const CONFIG_DIR = '/conf';

/** The health_check extension's path; the probes use the same constant. */
export const HEALTH_PATH = '/';

/**
 * Environment variables set from the downward API. Listeners bind to the pod IP rather than 0.0.0.0, as the
 * collector's security guidance and upstream's Helm chart do (`${env:MY_POD_IP}`).
 */
export const ENV = {
  podIp: 'MY_POD_IP',
  nodeName: 'K8S_NODE_NAME',
  goMemLimit: 'GOMEMLIMIT',
} as const;

/**
 * memory_limiter as percentages of the container's cgroup memory limit, so they follow the `resources` prop; with
 * GOMEMLIMIT at 80% of the limit (the memory_limiter README's advice), the same split upstream's Helm chart uses.
 */
export const MEMORY_LIMITER = { checkInterval: '1s', limitPercentage: 80, spikeLimitPercentage: 25 } as const;
export const GOMEMLIMIT_RATIO = 0.8;

/** batch: upstream's defaults, written out. */
export const BATCH = { timeout: '200ms', sendBatchSize: 8192 } as const;

/** Pod logs on every node (`/var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log`). */
export const POD_LOG_DIR = '/var/log/pods';
/** Host directory under which each agent keeps its filelog checkpoints (file_storage). */
export const CHECKPOINT_HOST_DIR = '/var/lib/otelcol';

export const AGENT_DEFAULTS = {
  name: 'otel-agent',
  /** Per node; the k8sattributes README sizes an agent at 256–512Mi for ~100 pods per node. */
  resources: { cpuRequest: '100m', memoryRequest: '512Mi' } satisfies ResourceSpec,
} as const;

export const GATEWAY_DEFAULTS = {
  name: 'otel-gateway',
  replicas: 2,
  /** Batches per exporter queue: exporterhelper sizes it as seconds of outage × requests per second. */
  queueSize: 5000,
  queueVolumeSize: '2Gi',
  /** An outage an on-call can fix (upstream's 300s drops data after five minutes). */
  retryMaxElapsedTime: '1h',
  /** Where the gateway's file_storage keeps the sending queues. */
  queueDir: '/var/lib/otelcol/queue',
  resources: { cpuRequest: '250m', memoryRequest: '1Gi' } satisfies ResourceSpec,
} as const;
