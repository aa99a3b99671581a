import { PromDuration } from '../../common/duration';
import { toYaml } from '../../common/serialize';
import { LOKI_DEFAULTS, LOKI_PATHS, LOKI_PORTS, LOKI_SCHEMA } from './defaults';
import { LokiModel } from './model';

/**
 * Typed model of `loki.yaml` for Loki 3.x in single-binary mode (`-target=all`) on a filesystem object store.
 * camelCase here; `lokiConfigDocument` maps it to upstream snake_case, `renderLokiConfig` serializes it once.
 *
 * Every key comes from the configuration reference (https://grafana.com/docs/loki/latest/configure/, generated from
 * docs/sources/shared/configuration.md) and upstream's single-binary example
 * (https://github.com/grafana/loki/blob/main/cmd/loki/loki-local-config.yaml). Loki refuses to start on an unknown
 * key, so the model carries only the keys it renders.
 */
export interface LokiServerConfig {
  /** `server.http_listen_port` */
  readonly httpListenPort: number;
  /** `server.grpc_listen_port` */
  readonly grpcListenPort: number;
  /** `server.log_level`: debug, info, warn or error. */
  readonly logLevel: string;
}

/** `common`: settings shared by every module of the single binary. */
export interface LokiCommonConfig {
  /** `common.path_prefix`: WAL, TSDB index and cache, rule scratch and compactor directories default below it. */
  readonly pathPrefix: string;
  /** `common.storage.filesystem.chunks_directory` */
  readonly chunksDirectory: string;
  /** `common.storage.filesystem.rules_directory` */
  readonly rulesDirectory: string;
  /** `common.replication_factor` */
  readonly replicationFactor: number;
  /** `common.ring.kvstore.store`: one process holds the whole ring. */
  readonly ringStore: 'inmemory';
  /** `common.instance_addr`: the address every module advertises in the (in-process) ring. */
  readonly instanceAddr: string;
}

/** One `schema_config.configs[]` entry (period_config). */
export interface LokiSchemaPeriod {
  /** `from`: first day, `YYYY-MM-DD`. */
  readonly from: string;
  readonly store: 'tsdb';
  readonly objectStore: 'filesystem';
  readonly schema: 'v13';
  readonly indexPrefix: string;
  readonly indexPeriod: string;
}

/** `compactor`: index compaction and retention (https://grafana.com/docs/loki/latest/operations/storage/retention/). */
export interface LokiCompactorConfig {
  readonly workingDirectory: string;
  readonly retentionEnabled: boolean;
  /** Store of delete requests; required when retention is enabled. */
  readonly deleteRequestStore: 'filesystem';
}

/** `limits_config`: global (single-tenant) limits. */
export interface LokiLimitsConfig {
  /** Applied by the compactor; rendered as written (`744h`, as Loki's docs write it). */
  readonly retentionPeriod: PromDuration;
  /** Native OTLP ingestion stores resource/log attributes as structured metadata: must be true. */
  readonly allowStructuredMetadata: boolean;
  readonly ingestionRateMb: number;
  readonly ingestionBurstSizeMb: number;
  /**
   * `limits_config.deletion_mode`: with `retention_enabled`, anything but `disabled` opens the compactor's log
   * deletion API (`/loki/api/v1/delete`) on the HTTP port. Loki's default is `filter-and-delete`
   * (https://grafana.com/docs/loki/latest/operations/storage/logs-deletion/).
   */
  readonly deletionMode: LokiDeletionMode;
}

/** `limits_config.deletion_mode` values. */
export type LokiDeletionMode = 'disabled' | 'filter-only' | 'filter-and-delete';

/** The typed model of `loki.yaml`. */
export interface LokiConfig {
  /** `auth_enabled`: false runs one tenant (`fake`); put an authenticating proxy in front for multi-tenancy. */
  readonly authEnabled: boolean;
  readonly server: LokiServerConfig;
  readonly common: LokiCommonConfig;
  readonly schemaPeriods: readonly LokiSchemaPeriod[];
  readonly compactor: LokiCompactorConfig;
  readonly limits: LokiLimitsConfig;
  /** `query_range.results_cache.cache.embedded_cache.max_size_mb` (cache enabled when set). */
  readonly resultsCacheMb?: number;
  /** `analytics.reporting_enabled` */
  readonly reportingEnabled: boolean;
}

/** What the generator reads of the model. */
export type LokiConfigOptions = Pick<LokiModel, 'retention' | 'ingestionRateMb' | 'ingestionBurstSizeMb' | 'logLevel' | 'deletionMode'>;

/** The pure generator: the validated model → the typed model of `loki.yaml`. */
export function lokiConfig(options: LokiConfigOptions): LokiConfig {
  return {
    authEnabled: false,
    server: {
      httpListenPort: LOKI_PORTS.http.port,
      grpcListenPort: LOKI_PORTS.grpc.port,
      logLevel: options.logLevel,
    },
    common: {
      pathPrefix: LOKI_PATHS.data,
      chunksDirectory: LOKI_PATHS.chunks,
      rulesDirectory: LOKI_PATHS.rules,
      replicationFactor: 1,
      ringStore: 'inmemory',
      instanceAddr: '127.0.0.1',
    },
    schemaPeriods: [
      {
        from: LOKI_SCHEMA.from,
        store: LOKI_SCHEMA.store,
        objectStore: LOKI_SCHEMA.objectStore,
        schema: LOKI_SCHEMA.schema,
        indexPrefix: LOKI_SCHEMA.indexPrefix,
        indexPeriod: LOKI_SCHEMA.indexPeriod,
      },
    ],
    compactor: {
      workingDirectory: LOKI_PATHS.compactor,
      retentionEnabled: true,
      deleteRequestStore: 'filesystem',
    },
    limits: {
      retentionPeriod: options.retention,
      allowStructuredMetadata: true,
      ingestionRateMb: options.ingestionRateMb,
      ingestionBurstSizeMb: options.ingestionBurstSizeMb,
      deletionMode: options.deletionMode,
    },
    resultsCacheMb: LOKI_DEFAULTS.resultsCacheMb,
    reportingEnabled: false,
  };
}

/** The one mapping of the model to upstream keys. */
export function lokiConfigDocument(m: LokiConfig): Record<string, unknown> {
  return {
    auth_enabled: m.authEnabled,
    server: {
      http_listen_port: m.server.httpListenPort,
      grpc_listen_port: m.server.grpcListenPort,
      log_level: m.server.logLevel,
    },
    common: {
      path_prefix: m.common.pathPrefix,
      storage: {
        filesystem: {
          chunks_directory: m.common.chunksDirectory,
          rules_directory: m.common.rulesDirectory,
        },
      },
      replication_factor: m.common.replicationFactor,
      ring: { kvstore: { store: m.common.ringStore } },
      instance_addr: m.common.instanceAddr,
    },
    schema_config: {
      configs: m.schemaPeriods.map((p) => ({
        from: p.from,
        store: p.store,
        object_store: p.objectStore,
        schema: p.schema,
        index: { prefix: p.indexPrefix, period: p.indexPeriod },
      })),
    },
    compactor: {
      working_directory: m.compactor.workingDirectory,
      retention_enabled: m.compactor.retentionEnabled,
      delete_request_store: m.compactor.deleteRequestStore,
    },
    limits_config: {
      retention_period: m.limits.retentionPeriod.toString(),
      allow_structured_metadata: m.limits.allowStructuredMetadata,
      ingestion_rate_mb: m.limits.ingestionRateMb,
      ingestion_burst_size_mb: m.limits.ingestionBurstSizeMb,
      deletion_mode: m.limits.deletionMode,
    },
    query_range:
      m.resultsCacheMb !== undefined
        ? { results_cache: { cache: { embedded_cache: { enabled: true, max_size_mb: m.resultsCacheMb } } } }
        : undefined,
    analytics: { reporting_enabled: m.reportingEnabled },
  };
}

/** `loki.yaml`, serialized once. */
export function renderLokiConfig(m: LokiConfig): string {
  return toYaml(lokiConfigDocument(m));
}
