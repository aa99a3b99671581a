import { ResourceSpec } from '../../common/workload';

/**
 * Defaults of the Loki component, in one place. The construct resolves its props against these once, in its
 * constructor. Ports, paths and file layout follow the official image and Loki 3.x's single-binary example
 * (https://github.com/grafana/loki/blob/main/cmd/loki/loki-local-config.yaml).
 */

/** `app.kubernetes.io/name`: the upstream program. */
export const LOKI_APP_NAME = 'loki';

/** `app.kubernetes.io/component`. */
export const LOKI_COMPONENT = 'logs';

/**
 * Server ports: 3100 is `server.http_listen_port`'s conventional value (push, query, `/ready`, `/metrics`); 9095 is
 * `server.grpc_listen_port`'s default (https://grafana.com/docs/loki/latest/configure/#server).
 */
export const LOKI_PORTS = {
  http: { name: 'http', port: 3100 },
  grpc: { name: 'grpc', port: 9095 },
} as const;

/** HTTP paths (https://grafana.com/docs/loki/latest/reference/loki-http-api/). */
export const LOKI_HTTP_PATHS = {
  /** 200 once every module is running and the ingester has joined the ring. */
  ready: '/ready',
  /** Push API (protobuf or JSON streams). */
  push: '/loki/api/v1/push',
  /** Native OTLP ingestion base; OTLP/HTTP exporters append `/v1/logs`. */
  otlp: '/otlp',
} as const;

/** Where things live inside the pod. */
export const LOKI_PATHS = {
  /** The ConfigMap holding `loki.yaml` is mounted here. */
  configDir: '/etc/loki/config',
  /** The PVC: `common.path_prefix`. WAL, TSDB index, chunks, rules and the compactor's work all live below it. */
  data: '/var/loki',
  chunks: '/var/loki/chunks',
  rules: '/var/loki/rules',
  compactor: '/var/loki/compactor',
  /** Scratch space (the root filesystem is read-only). */
  tmp: '/tmp',
} as const;

/** The ConfigMap key, named as upstream names the file ("Supported contents and default values of loki.yaml"). */
export const LOKI_CONFIG_FILE = 'loki.yaml';

/** The `loki` user and group of the official image (cmd/loki/Dockerfile: `adduser -u 10001 ... loki`). */
export const LOKI_UID = 10001;

/**
 * The first (and only) schema period: TSDB index, schema v13, daily index tables. v13 + TSDB are required for
 * structured metadata and therefore for native OTLP ingestion; compactor retention needs the 24h index period.
 * A fixed date in the past, so the output is deterministic and a new install uses this schema from its first day
 * (https://grafana.com/docs/loki/latest/operations/storage/schema/).
 */
export const LOKI_SCHEMA = {
  from: '2024-04-01',
  store: 'tsdb',
  objectStore: 'filesystem',
  schema: 'v13',
  indexPrefix: 'index_',
  indexPeriod: '24h',
} as const;

export const LOKI_DEFAULTS = {
  name: 'loki',
  /** 31 days (`limits_config.retention_period`, enforced by the compactor). */
  retention: '744h',
  /** The compactor refuses shorter retention (https://grafana.com/docs/loki/latest/operations/storage/retention/). */
  minRetentionSeconds: 24 * 3600,
  storageSize: '50Gi',
  /**
   * Per-tenant ingestion limits. Everything lands in Loki's single tenant (`fake`, auth disabled), so these bound
   * the whole platform: 16 MB/s sustained with 32 MB bursts, well above Loki's 4/6 MB defaults, which a 100-service
   * platform outgrows.
   */
  ingestionRateMb: 16,
  ingestionBurstSizeMb: 32,
  /** Query-result cache inside the process (`query_range.results_cache.cache.embedded_cache`), as upstream's example. */
  resultsCacheMb: 100,
  logLevel: 'info',
  /** The deletion API stays closed (see LokiProps.deletionMode). */
  deletionMode: 'disabled' as const,
  /** Ingesters flush and close the WAL on shutdown: give them time. */
  terminationGracePeriodSeconds: 60,
  /** A single binary runs every module (distributor, ingester, querier, compactor, ...) in one process. */
  resources: { cpuRequest: '500m', memoryRequest: '1Gi', memoryLimit: '2Gi' } satisfies ResourceSpec,
} as const;
