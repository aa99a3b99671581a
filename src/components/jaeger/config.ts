import { PromDuration } from '../../common/duration';
import { toYaml } from '../../common/serialize';
import { JAEGER_DEFAULTS, JAEGER_HEALTH_PATH, JAEGER_PATHS, JAEGER_PORTS, JAEGER_TRACE_STORE } from './defaults';
import { JaegerModel } from './model';
import { JaegerSearchStorageModel, isSearchStorage, searchBackendDocument } from './elasticsearch';
import { SAMPLING_STRATEGIES_FILE, remoteSamplingExtension } from './remote-sampling';

/**
 * Typed model of Jaeger v2's `config.yaml`. Jaeger v2 is an OpenTelemetry Collector distribution: the file has the
 * collector's shape (receivers, processors, exporters, extensions, service), with Jaeger's own extensions
 * `jaeger_storage` (storage backends) and `jaeger_query` (UI and query APIs) and the `jaeger_storage_exporter`.
 * camelCase here; `jaegerConfigDocument` maps it to upstream keys, `renderJaegerConfig` serializes it once.
 *
 * Keys follow upstream's examples and the component configs of the deployed release (VERSIONS.jaeger, 2.10, built on
 * collector 0.13x):
 * - https://github.com/jaegertracing/jaeger/blob/main/cmd/jaeger/config.yaml and config-badger.yaml
 * - jaeger_query: cmd/jaeger/internal/extension/jaegerquery/config.go (`storage.traces`, `http`, `grpc`)
 * - badger: internal/storage/v1/badger/config.go (`directories.keys|values`, `ephemeral`, `ttl.spans`)
 * - healthcheckv2: https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/extension/healthcheckv2extension/README.md
 * - internal telemetry: https://opentelemetry.io/docs/collector/internal-telemetry/ (`metrics.readers`; the old
 *   `metrics.address` is ignored since collector 0.123)
 * Every endpoint binds 0.0.0.0 explicitly: the collector's defaults bind localhost, unreachable from the Service.
 */
export interface JaegerMemoryBackend {
  readonly kind: 'memory';
  readonly maxTraces: number;
}

export interface JaegerBadgerBackend {
  readonly kind: 'badger';
  readonly keysDirectory: string;
  readonly valuesDirectory: string;
  /** false: keep data in the directories (true would use a temporary directory). */
  readonly ephemeral: boolean;
  /** `ttl.spans`, rendered as a Go duration (`72h`): Badger's field is a Go `time.Duration`, which has no `d` unit. */
  readonly spansTtl: PromDuration;
}

/** Elasticsearch or OpenSearch, an external cluster (elasticsearch.ts). */
export type JaegerSearchBackend = JaegerSearchStorageModel;

export type JaegerBackend = JaegerMemoryBackend | JaegerBadgerBackend | JaegerSearchBackend;

/** The typed model of Jaeger's `config.yaml`. */
export interface JaegerConfig {
  /** The backend's key in `jaeger_storage.backends`, referenced by the query and the exporter. */
  readonly storeName: string;
  readonly backend: JaegerBackend;
  /** `jaeger_query.http.endpoint`: UI and HTTP API. */
  readonly queryHttpEndpoint: string;
  /** `jaeger_query.grpc.endpoint`: gRPC query API. */
  readonly queryGrpcEndpoint: string;
  /** `healthcheckv2.http.endpoint` */
  readonly healthHttpEndpoint: string;
  /** `healthcheckv2.http.status.path` */
  readonly healthStatusPath: string;
  /** `receivers.otlp.protocols.grpc.endpoint` */
  readonly otlpGrpcEndpoint: string;
  /** `receivers.otlp.protocols.http.endpoint` */
  readonly otlpHttpEndpoint: string;
  /** `service.telemetry.metrics.level`: none, basic, normal or detailed. */
  readonly metricsLevel: string;
  /** Prometheus pull reader of the internal telemetry. */
  readonly metricsHost: string;
  readonly metricsPort: number;
  /** `service.telemetry.logs.level` */
  readonly logLevel: string;
  /** `extensions.remote_sampling.file.path`, when the SDKs get their strategies from Jaeger. @default - no extension */
  readonly samplingStrategiesPath?: string;
}

/** What the generator reads of the model. */
export type JaegerConfigOptions = Pick<JaegerModel, 'storage' | 'logLevel'> & Partial<Pick<JaegerModel, 'remoteSampling'>>;

const ANY_HOST = '0.0.0.0';

/** The pure generator: the validated model → the typed model of `config.yaml`. */
export function jaegerConfig(options: JaegerConfigOptions): JaegerConfig {
  const s = options.storage;
  const backend: JaegerBackend = isSearchStorage(s)
    ? s
    : s.kind === 'memory'
      ? { kind: 'memory', maxTraces: s.maxTraces }
      : {
          kind: 'badger',
          keysDirectory: JAEGER_PATHS.badgerKeys,
          valuesDirectory: JAEGER_PATHS.badgerValues,
          ephemeral: false,
          spansTtl: s.ttl,
        };
  return {
    storeName: JAEGER_TRACE_STORE,
    backend,
    queryHttpEndpoint: `${ANY_HOST}:${JAEGER_PORTS.queryHttp.port}`,
    queryGrpcEndpoint: `${ANY_HOST}:${JAEGER_PORTS.queryGrpc.port}`,
    healthHttpEndpoint: `${ANY_HOST}:${JAEGER_PORTS.health.port}`,
    healthStatusPath: JAEGER_HEALTH_PATH,
    otlpGrpcEndpoint: `${ANY_HOST}:${JAEGER_PORTS.otlpGrpc.port}`,
    otlpHttpEndpoint: `${ANY_HOST}:${JAEGER_PORTS.otlpHttp.port}`,
    metricsLevel: JAEGER_DEFAULTS.metricsLevel,
    metricsHost: ANY_HOST,
    metricsPort: JAEGER_PORTS.metrics.port,
    logLevel: options.logLevel,
    samplingStrategiesPath: options.remoteSampling ? `${JAEGER_PATHS.configDir}/${SAMPLING_STRATEGIES_FILE}` : undefined,
  };
}

function backendDocument(b: JaegerBackend): Record<string, unknown> {
  if (isSearchStorage(b)) return searchBackendDocument(b);
  if (b.kind === 'memory') return { memory: { max_traces: b.maxTraces } };
  return {
    badger: {
      directories: { keys: b.keysDirectory, values: b.valuesDirectory },
      ephemeral: b.ephemeral,
      ttl: { spans: b.spansTtl.toGo() },
    },
  };
}

/** The one mapping of the model to upstream keys. */
export function jaegerConfigDocument(m: JaegerConfig): Record<string, unknown> {
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', ...(m.samplingStrategiesPath ? ['remote_sampling'] : []), 'healthcheckv2'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] },
      },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        metrics: {
          level: m.metricsLevel,
          readers: [{ pull: { exporter: { prometheus: { host: m.metricsHost, port: m.metricsPort } } } }],
        },
        logs: { level: m.logLevel },
      },
    },
    extensions: {
      healthcheckv2: {
        use_v2: true,
        http: { endpoint: m.healthHttpEndpoint, status: { enabled: true, path: m.healthStatusPath } },
      },
      jaeger_query: {
        storage: { traces: m.storeName },
        http: { endpoint: m.queryHttpEndpoint },
        grpc: { endpoint: m.queryGrpcEndpoint },
      },
      jaeger_storage: { backends: { [m.storeName]: backendDocument(m.backend) } },
      remote_sampling: m.samplingStrategiesPath ? remoteSamplingExtension(m.samplingStrategiesPath) : undefined,
    },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: m.otlpGrpcEndpoint }, http: { endpoint: m.otlpHttpEndpoint } } },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: m.storeName } },
  };
}

/** `config.yaml`, serialized once. */
export function renderJaegerConfig(m: JaegerConfig): string {
  return toYaml(jaegerConfigDocument(m));
}
