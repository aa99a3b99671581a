import { ResourceSpec } from '../../common/workload';

/**
 * Defaults of the Jaeger v2 component, in one place. Ports follow Jaeger v2's defaults
 * (https://www.jaegertracing.io/docs/latest/deployment/ and cmd/jaeger/Dockerfile's EXPOSE list).
 */

/** `app.kubernetes.io/name`: the upstream program. */
export const JAEGER_APP_NAME = 'jaeger';

/** `app.kubernetes.io/component`. */
export const JAEGER_COMPONENT = 'tracing';

/**
 * Ports: the query service (UI and HTTP API 16686, gRPC API 16685), the OTLP receiver (gRPC 4317, HTTP 4318), the
 * `healthcheckv2` extension (13133) and the collector's internal telemetry (Prometheus metrics on 8888).
 */
export const JAEGER_PORTS = {
  queryHttp: { name: 'http-query', port: 16686 },
  queryGrpc: { name: 'grpc-query', port: 16685 },
  otlpGrpc: { name: 'otlp-grpc', port: 4317 },
  otlpHttp: { name: 'otlp-http', port: 4318 },
  health: { name: 'health', port: 13133 },
  metrics: { name: 'metrics', port: 8888 },
} as const;

/**
 * The `healthcheckv2` extension's HTTP status endpoint: 200 when the collector and its pipelines are up, 503 while
 * starting or stopping (https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/extension/healthcheckv2extension/README.md).
 * Jaeger's Helm chart probes the same path.
 */
export const JAEGER_HEALTH_PATH = '/status';

/** Where things live inside the pod. */
export const JAEGER_PATHS = {
  /** The ConfigMap holding `config.yaml` is mounted here. */
  configDir: '/etc/jaeger',
  /** Badger's PVC. */
  badger: '/var/lib/jaeger/badger',
  badgerKeys: '/var/lib/jaeger/badger/keys',
  badgerValues: '/var/lib/jaeger/badger/values',
  /** The image declares /tmp a volume; the root filesystem is read-only. */
  tmp: '/tmp',
} as const;

/** The ConfigMap key: Jaeger v2 reads `--config=/etc/jaeger/config.yaml`. */
export const JAEGER_CONFIG_FILE = 'config.yaml';

/** The image's user (cmd/jaeger/Dockerfile: `USER_UID=10001`). */
export const JAEGER_UID = 10001;

/** Name of the one storage backend in `jaeger_storage.backends`, referenced by the query and the exporter. */
export const JAEGER_TRACE_STORE = 'trace_store';

export const JAEGER_DEFAULTS = {
  name: 'jaeger',
  /** Memory backend: traces kept before the oldest are evicted (upstream's examples use 100000). */
  maxTraces: 50_000,
  /** Badger backend. */
  badgerSize: '20Gi',
  /** Badger's own default span TTL (72h). */
  badgerTtl: '72h',
  logLevel: 'info',
  /** Internal telemetry detail (`service.telemetry.metrics.level`), as upstream's examples. */
  metricsLevel: 'detailed',
  resources: { cpuRequest: '200m', memoryRequest: '512Mi', memoryLimit: '1Gi' } satisfies ResourceSpec,
} as const;
