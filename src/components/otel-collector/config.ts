/**
 * Typed model of an OpenTelemetry Collector configuration file
 * (https://opentelemetry.io/docs/collector/configuration/): receivers, processors, exporters and extensions keyed by
 * their `type[/name]` id, and the `service` section that wires them into pipelines. camelCase here; the checks the
 * collector applies at start are in config-checks.ts, the one mapping to upstream snake_case in config-render.ts.
 *
 * The components this stack generates have typed models whose keys were checked against each component's upstream
 * README for the deployed release (VERSIONS.otelCollector, contrib 0.135): an unknown key stops the collector at
 * start, so the typed models only carry keys that exist. Any other component takes an open object (`{ raw: {...} }`)
 * whose upstream keys are written verbatim.
 *
 * Component type names are those of 0.135 (`k8sattributes`, `filelog`); later releases renamed some to snake_case
 * (`k8s_attributes`) and keep the old names as deprecated aliases.
 */

/** The signal types a pipeline can carry (`profiles` is experimental behind a feature gate: not modelled). */
export type SignalType = 'traces' | 'metrics' | 'logs';
export const SIGNAL_TYPES: readonly SignalType[] = ['traces', 'metrics', 'logs'];

/** Any component's configuration as upstream keys, rendered verbatim (already snake_case). */
export interface OpenComponentConfig {
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Client TLS settings (configtls.ClientConfig). */
export interface TlsClientConfig {
  /** Plaintext (no TLS at all) for gRPC; for HTTP the URL scheme decides. @default false */
  readonly insecure?: boolean;
  /** Encrypt but do not verify the server certificate. @default false */
  readonly insecureSkipVerify?: boolean;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverNameOverride?: string;
}

/**
 * Server TLS settings of a receiver protocol (configtls.ServerConfig,
 * https://github.com/open-telemetry/opentelemetry-collector/blob/v0.135.0/config/configtls/README.md).
 */
export interface TlsServerConfig {
  readonly certFile: string;
  readonly keyFile: string;
  /** The oldest TLS version accepted. @default 1.2 (the collector's default) */
  readonly minVersion?: '1.2' | '1.3';
  /** Re-read the files this often, so a renewed certificate is served without a restart. @default - never */
  readonly reloadInterval?: string;
}

// ---------------------------------------------------------------------------------------------------------------------
// Receivers

/**
 * `otlp` receiver (https://github.com/open-telemetry/opentelemetry-collector/blob/main/receiver/otlpreceiver/README.md).
 * A protocol whose endpoint is unset is disabled.
 */
export interface OtlpReceiverConfig {
  readonly type: 'otlp';
  /** gRPC server `host:port`. @default - gRPC disabled */
  readonly grpcEndpoint?: string;
  /** HTTP server `host:port`. @default - HTTP disabled */
  readonly httpEndpoint?: string;
  /** TLS on both protocols. @default - plaintext */
  readonly tls?: TlsServerConfig;
}

/**
 * The stanza `container` operator: parses docker, cri-o and containerd log lines and, from `log.file.path`, adds
 * `k8s.namespace.name`, `k8s.pod.name`, `k8s.pod.uid`, `k8s.container.name` and `k8s.container.restart_count`
 * (https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/pkg/stanza/docs/operators/container.md).
 */
export interface ContainerParserOperator {
  readonly type: 'container';
  /** @default container */
  readonly id?: string;
  /** @default - detected from each line */
  readonly format?: 'docker' | 'crio' | 'containerd';
  /** Needs `includeFilePath: true` on the receiver. @default true */
  readonly addMetadataFromFilepath?: boolean;
  /** Maximum size of a recombined partial log, e.g. `1MiB`. @default 1MiB */
  readonly maxLogSize?: string;
}

export type FilelogOperator = ContainerParserOperator | OpenComponentConfig;

/** `filelog` receiver (https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/receiver/filelogreceiver/README.md). */
export interface FilelogReceiverConfig {
  readonly type: 'filelog';
  /** Globs of the files to read. */
  readonly include: readonly string[];
  /** Globs excluded from `include`. @default [] */
  readonly exclude?: readonly string[];
  /** Where to start in a file with no stored offset. @default end */
  readonly startAt?: 'beginning' | 'end';
  /** Add `log.file.path` (the container parser needs it). @default false */
  readonly includeFilePath?: boolean;
  /** Add `log.file.name`. @default true */
  readonly includeFileName?: boolean;
  /** Id of a storage extension that persists file offsets across restarts. @default - offsets in memory only */
  readonly storage?: string;
  /** Pause and resend a batch refused downstream (e.g. by memory_limiter) instead of dropping it. @default - disabled */
  readonly retryOnFailure?: { readonly enabled: boolean };
  readonly operators?: readonly FilelogOperator[];
}

export type ReceiverConfig = OtlpReceiverConfig | FilelogReceiverConfig | OpenComponentConfig;

// ---------------------------------------------------------------------------------------------------------------------
// Processors

/**
 * `memory_limiter` processor
 * (https://github.com/open-telemetry/opentelemetry-collector/blob/main/processor/memorylimiterprocessor/README.md).
 * Fixed MiB limits take precedence over percentages of the cgroup limit.
 */
export interface MemoryLimiterProcessorConfig {
  readonly type: 'memory_limiter';
  /** Time between memory checks; upstream recommends `1s`. */
  readonly checkInterval: string;
  readonly limitPercentage?: number;
  readonly spikeLimitPercentage?: number;
  readonly limitMib?: number;
  readonly spikeLimitMib?: number;
}

/** `batch` processor (https://github.com/open-telemetry/opentelemetry-collector/blob/main/processor/batchprocessor/README.md). */
export interface BatchProcessorConfig {
  readonly type: 'batch';
  /** @default 200ms */
  readonly timeout?: string;
  /** @default 8192 */
  readonly sendBatchSize?: number;
  /** Upper bound of a batch; 0 means none. @default 0 */
  readonly sendBatchMaxSize?: number;
}

/** A label or annotation copied onto the resource (k8sattributes `extract.labels` / `extract.annotations`). */
export interface FieldExtractConfig {
  /** Resource attribute to set. */
  readonly tagName: string;
  /** Label or annotation key. */
  readonly key: string;
  /** @default pod */
  readonly from?: 'pod' | 'namespace' | 'node' | 'deployment' | 'statefulset' | 'daemonset' | 'job';
}

export type PodAssociationSource = { readonly from: 'connection' } | { readonly from: 'resource_attribute'; readonly name: string };

/**
 * `k8sattributes` processor
 * (https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/processor/k8sattributesprocessor/README.md).
 * It never overwrites a resource attribute the data already carries, so an extracted label is a fallback.
 */
export interface K8sAttributesProcessorConfig {
  readonly type: 'k8sattributes';
  /** @default serviceAccount */
  readonly authType?: 'none' | 'serviceAccount' | 'kubeConfig';
  /** Only tag the connection IP, no API calls. @default false */
  readonly passthrough?: boolean;
  readonly filter?: {
    /** Watch only the pods of the node named by this environment variable (downward API `spec.nodeName`). */
    readonly nodeFromEnvVar?: string;
    readonly namespace?: string;
  };
  readonly extract?: {
    /** @default - k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.pod.start_time, k8s.deployment.name, k8s.node.name */
    readonly metadata?: readonly string[];
    readonly labels?: readonly FieldExtractConfig[];
    readonly annotations?: readonly FieldExtractConfig[];
  };
  /** Rules tried in order; each needs all its sources (at most 4). @default - the connection IP only */
  readonly podAssociation?: readonly { readonly sources: readonly PodAssociationSource[] }[];
}

export type ProcessorConfig = MemoryLimiterProcessorConfig | BatchProcessorConfig | K8sAttributesProcessorConfig | OpenComponentConfig;

// ---------------------------------------------------------------------------------------------------------------------
// Exporters

/**
 * `sending_queue` of an exporter (exporterhelper,
 * https://github.com/open-telemetry/opentelemetry-collector/blob/v0.135.0/exporter/exporterhelper/README.md).
 */
export interface SendingQueueConfig {
  /** @default true */
  readonly enabled?: boolean;
  /** @default 10 */
  readonly numConsumers?: number;
  /** Batches (requests) held. @default 1000 */
  readonly queueSize?: number;
  /** Id of a storage extension (`file_storage`): the queue then lives on disk and survives a restart. @default - in memory */
  readonly storage?: string;
}

/** `retry_on_failure` of an exporter (exporterhelper). */
export interface RetryOnFailureConfig {
  /** @default true */
  readonly enabled?: boolean;
  /** @default 5s */
  readonly initialInterval?: string;
  /** @default 30s */
  readonly maxInterval?: string;
  /** Give a batch up after this long (`0s`: never). @default 300s */
  readonly maxElapsedTime?: string;
}

/** What every queued exporter shares. */
export interface QueuedExporterConfig {
  readonly sendingQueue?: SendingQueueConfig;
  readonly retryOnFailure?: RetryOnFailureConfig;
}

/** `otlp` (gRPC) exporter (https://github.com/open-telemetry/opentelemetry-collector/blob/main/exporter/otlpexporter/README.md). */
export interface OtlpExporterConfig extends QueuedExporterConfig {
  readonly type: 'otlp';
  /** `host:port`. */
  readonly endpoint: string;
  readonly tls?: TlsClientConfig;
}

/**
 * `otlphttp` exporter (https://github.com/open-telemetry/opentelemetry-collector/blob/main/exporter/otlphttpexporter/README.md).
 * `endpoint` is a base URL (`/v1/<signal>` is appended); a per-signal URL is used as is. At least one is required.
 */
export interface OtlpHttpExporterConfig extends QueuedExporterConfig {
  readonly type: 'otlphttp';
  readonly endpoint?: string;
  readonly tracesEndpoint?: string;
  readonly metricsEndpoint?: string;
  readonly logsEndpoint?: string;
  readonly tls?: TlsClientConfig;
}

/** `debug` exporter (https://github.com/open-telemetry/opentelemetry-collector/blob/main/exporter/debugexporter/README.md). */
export interface DebugExporterConfig {
  readonly type: 'debug';
  /** @default basic */
  readonly verbosity?: 'basic' | 'normal' | 'detailed';
}

export type ExporterConfig = OtlpExporterConfig | OtlpHttpExporterConfig | DebugExporterConfig | OpenComponentConfig;

// ---------------------------------------------------------------------------------------------------------------------
// Extensions

/** `health_check` extension (https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/extension/healthcheckextension/README.md). */
export interface HealthCheckExtensionConfig {
  readonly type: 'health_check';
  /** `host:port`. @default localhost:13133 (unreachable from the kubelet: always set it in a pod) */
  readonly endpoint: string;
  /** @default / */
  readonly path?: string;
}

/** `file_storage` extension (https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/extension/storage/filestorage/README.md). */
export interface FileStorageExtensionConfig {
  readonly type: 'file_storage';
  readonly directory: string;
  /** Create the directory when missing. @default false */
  readonly createDirectory?: boolean;
  /** Wait for the file lock this long. @default 1s */
  readonly timeout?: string;
  /** fsync after each write. @default false */
  readonly fsync?: boolean;
  readonly compaction?: { readonly onStart?: boolean; readonly onRebound?: boolean; readonly directory?: string };
}

export type ExtensionConfig = HealthCheckExtensionConfig | FileStorageExtensionConfig | OpenComponentConfig;

// ---------------------------------------------------------------------------------------------------------------------
// Service

export interface PipelineConfig {
  readonly receivers: readonly string[];
  /** Applied in order. @default [] */
  readonly processors?: readonly string[];
  readonly exporters: readonly string[];
}

/**
 * `service.telemetry` (https://opentelemetry.io/docs/collector/internal-telemetry/). Metrics are exposed for scraping
 * with the `readers: [pull: exporter: prometheus]` syntax of current releases (`metrics.address` is gone).
 */
export interface TelemetryConfig {
  readonly metrics?: {
    /** @default basic */
    readonly level?: 'none' | 'basic' | 'normal' | 'detailed';
    /** Serve `/metrics` for Prometheus on this host and port. @default - the collector's default (localhost:8888) */
    readonly prometheus?: { readonly host: string; readonly port: number };
  };
  readonly logs?: {
    /** @default info */
    readonly level?: 'debug' | 'info' | 'warn' | 'error';
    /** @default console */
    readonly encoding?: 'console' | 'json';
  };
}

export interface ServiceConfig {
  /** Extensions to start (defining one is not enough). @default [] */
  readonly extensions?: readonly string[];
  /** Pipelines keyed `traces|metrics|logs[/name]`. */
  readonly pipelines: Readonly<Record<string, PipelineConfig>>;
  readonly telemetry?: TelemetryConfig;
}

export interface CollectorConfig {
  readonly receivers: Readonly<Record<string, ReceiverConfig>>;
  readonly processors?: Readonly<Record<string, ProcessorConfig>>;
  readonly exporters: Readonly<Record<string, ExporterConfig>>;
  readonly extensions?: Readonly<Record<string, ExtensionConfig>>;
  readonly service: ServiceConfig;
}

// ---------------------------------------------------------------------------------------------------------------------
// Component ids

/** Component type `[a-zA-Z][0-9a-zA-Z_]{0,62}`, optionally `/name` (no spaces, no further slash). */
export const COMPONENT_ID = /^[a-zA-Z][0-9a-zA-Z_]{0,62}(?:\/[^\s/]+)?$/;

export interface ComponentId {
  readonly type: string;
  readonly name?: string;
}

/** Splits `type[/name]`. */
export function parseComponentId(id: string): ComponentId {
  const slash = id.indexOf('/');
  return slash < 0 ? { type: id } : { type: id.slice(0, slash), name: id.slice(slash + 1) };
}

export function isOpenConfig(c: object): c is OpenComponentConfig {
  return 'raw' in c;
}
