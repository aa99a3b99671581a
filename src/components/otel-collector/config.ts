import { ConfigError, ConfigProblem } from '../../common/errors';
import { toYaml } from '../../common/serialize';

/**
 * Typed model of an OpenTelemetry Collector configuration file
 * (https://opentelemetry.io/docs/collector/configuration/): receivers, processors, exporters and extensions keyed by
 * their `type[/name]` id, and the `service` section that wires them into pipelines. camelCase here;
 * `collectorConfigDocument` maps it to upstream snake_case, `renderCollectorConfig` serializes it once.
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

/** `otlp` (gRPC) exporter (https://github.com/open-telemetry/opentelemetry-collector/blob/main/exporter/otlpexporter/README.md). */
export interface OtlpExporterConfig {
  readonly type: 'otlp';
  /** `host:port`. */
  readonly endpoint: string;
  readonly tls?: TlsClientConfig;
}

/**
 * `otlphttp` exporter (https://github.com/open-telemetry/opentelemetry-collector/blob/main/exporter/otlphttpexporter/README.md).
 * `endpoint` is a base URL (`/v1/<signal>` is appended); a per-signal URL is used as is. At least one is required.
 */
export interface OtlpHttpExporterConfig {
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
// Validation

type Kind = 'receiver' | 'processor' | 'exporter' | 'extension';
const SECTION: Record<Kind, 'receivers' | 'processors' | 'exporters' | 'extensions'> = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  extension: 'extensions',
};

/** The signals each typed component supports; open components are not checked. */
const SUPPORTED_SIGNALS: Partial<Record<string, readonly SignalType[]>> = {
  'receiver:filelog': ['logs'],
};

/** Component type `[a-zA-Z][0-9a-zA-Z_]{0,62}`, optionally `/name` (no spaces, no further slash). */
const COMPONENT_ID = /^[a-zA-Z][0-9a-zA-Z_]{0,62}(?:\/[^\s/]+)?$/;

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

function quoteList(ids: readonly string[]): string {
  return ids.map((i) => `"${i}"`).join(', ');
}

function definedList(kind: Kind, ids: readonly string[]): string {
  return ids.length === 0 ? `no ${SECTION[kind]} are defined` : `defined ${SECTION[kind]}: ${quoteList(ids)}`;
}

function checkSection(kind: Kind, section: Readonly<Record<string, object>> | undefined, out: ConfigProblem[]): void {
  for (const [id, cfg] of Object.entries(section ?? {})) {
    const path = `${SECTION[kind]}.${id}`;
    if (!COMPONENT_ID.test(id)) {
      out.push({
        path,
        message: `is not a valid ${kind} id`,
        value: id,
        fix: 'write `type` or `type/name`: a type of letters, digits and underscores starting with a letter, and a name without spaces or "/".',
      });
      continue;
    }
    if (!isOpenConfig(cfg)) {
      const typed = (cfg as { type: string }).type;
      const { type } = parseComponentId(id);
      if (typed !== type) {
        out.push({
          path,
          message: `holds a "${typed}" ${kind} config under an id of type "${type}"`,
          value: id,
          fix: `key it "${typed}" or "${typed}/<name>", or use the typed config of the ${type} ${kind}.`,
        });
      }
    }
  }
}

/**
 * Checks what the collector checks at start (pipelines name defined components, at least one receiver and one
 * exporter each, no component listed twice, enabled extensions exist, filelog's storage extension is enabled) plus
 * the collector docs' processor order: `memory_limiter` first and `batch` last in every pipeline that uses them.
 * The order rules are ERRORS, not warnings: every config this stack generates follows them, and a misordered
 * memory_limiter cannot apply backpressure before other processors buffer data.
 * @throws ConfigError listing every problem.
 */
export function validateCollectorConfig(config: CollectorConfig): void {
  const problems: ConfigProblem[] = [];
  checkSection('receiver', config.receivers, problems);
  checkSection('processor', config.processors, problems);
  checkSection('exporter', config.exporters, problems);
  checkSection('extension', config.extensions, problems);

  const defined: Record<Kind, string[]> = {
    receiver: Object.keys(config.receivers ?? {}).sort(),
    processor: Object.keys(config.processors ?? {}).sort(),
    exporter: Object.keys(config.exporters ?? {}).sort(),
    extension: Object.keys(config.extensions ?? {}).sort(),
  };
  const sections: Record<Kind, Readonly<Record<string, object>>> = {
    receiver: config.receivers ?? {},
    processor: config.processors ?? {},
    exporter: config.exporters ?? {},
    extension: config.extensions ?? {},
  };

  const enabledExtensions = config.service.extensions ?? [];
  enabledExtensions.forEach((ext, i) => {
    if (!(ext in sections.extension)) {
      problems.push({
        path: `service.extensions[${i}]`,
        message: `names extension "${ext}", which is not defined (${definedList('extension', defined.extension)})`,
        fix: `define extensions["${ext}"] or remove "${ext}" from service.extensions.`,
      });
    }
  });
  for (const dup of duplicates(enabledExtensions)) {
    problems.push({ path: 'service.extensions', message: `lists extension "${dup}" more than once`, fix: 'list each extension once.' });
  }

  const pipelineIds = Object.keys(config.service.pipelines ?? {});
  if (pipelineIds.length === 0) {
    problems.push({
      path: 'service.pipelines',
      message: 'is empty: the collector refuses to start without a pipeline',
      fix: 'add a traces, metrics or logs pipeline.',
    });
  }

  for (const pid of pipelineIds) {
    const p = config.service.pipelines[pid];
    const path = `service.pipelines.${pid}`;
    const { type: signal } = parseComponentId(pid);
    if (!COMPONENT_ID.test(pid) || !(SIGNAL_TYPES as readonly string[]).includes(signal)) {
      problems.push({
        path,
        message: 'is not a valid pipeline id',
        value: pid,
        fix: `key pipelines "<signal>" or "<signal>/<name>" with a signal of ${SIGNAL_TYPES.join(', ')}.`,
      });
      continue;
    }
    const lists: [Kind, readonly string[]][] = [
      ['receiver', p.receivers ?? []],
      ['processor', p.processors ?? []],
      ['exporter', p.exporters ?? []],
    ];
    for (const [kind, ids] of lists) {
      const listPath = `${path}.${SECTION[kind]}`;
      ids.forEach((id) => {
        const cfg = sections[kind][id];
        if (cfg === undefined) {
          problems.push({
            path: listPath,
            message: `names ${kind} "${id}", which is not defined (${definedList(kind, defined[kind])})`,
            fix: `define ${SECTION[kind]}["${id}"] or remove "${id}" from pipeline "${pid}".`,
          });
          return;
        }
        const supported = isOpenConfig(cfg) ? undefined : SUPPORTED_SIGNALS[`${kind}:${(cfg as { type: string }).type}`];
        if (supported && !supported.includes(signal as SignalType)) {
          problems.push({
            path: listPath,
            message: `names ${kind} "${id}", which does not support ${signal} (it supports ${supported.join(', ')})`,
            fix: `move "${id}" to a ${supported.join(' or ')} pipeline.`,
          });
        }
      });
      for (const dup of duplicates(ids)) {
        problems.push({ path: listPath, message: `lists ${kind} "${dup}" more than once`, fix: `list "${dup}" once.` });
      }
    }
    for (const kind of ['receiver', 'exporter'] as const) {
      if ((kind === 'receiver' ? p.receivers : p.exporters)?.length ?? 0) continue;
      problems.push({
        path: `${path}.${SECTION[kind]}`,
        message: `is empty: a pipeline needs at least one ${kind}`,
        fix:
          defined[kind].length > 0
            ? `list one of the ${definedList(kind, defined[kind])}, or remove pipeline "${pid}".`
            : `define a ${kind} under ${SECTION[kind]} and list it, or remove pipeline "${pid}".`,
      });
    }
    problems.push(...processorOrderProblems(pid, p.processors ?? []));
  }

  for (const [id, r] of Object.entries(config.receivers ?? {})) {
    if (isOpenConfig(r) || r.type !== 'filelog' || r.storage === undefined) continue;
    if (!enabledExtensions.includes(r.storage) || !(r.storage in sections.extension)) {
      problems.push({
        path: `receivers.${id}.storage`,
        message: `names extension "${r.storage}", which is not both defined and listed in service.extensions`,
        fix: `define extensions["${r.storage}"] (a file_storage) and add "${r.storage}" to service.extensions.`,
      });
    }
  }

  const prom = config.service.telemetry?.metrics?.prometheus;
  if (prom && !(Number.isInteger(prom.port) && prom.port > 0 && prom.port < 65536)) {
    problems.push({
      path: 'service.telemetry.metrics.prometheus.port',
      message: 'is not a TCP port',
      value: prom.port,
      fix: 'use an integer from 1 to 65535, e.g. 8888.',
    });
  }

  if (problems.length > 0) throw new ConfigError(problems);
}

function duplicates(ids: readonly string[]): string[] {
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}

/** memory_limiter first, batch last (https://github.com/open-telemetry/opentelemetry-collector/tree/main/processor#recommended-processors). */
function processorOrderProblems(pid: string, processors: readonly string[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const path = `service.pipelines.${pid}.processors`;
  const typeOf = (id: string) => parseComponentId(id).type;
  const limiters = processors.filter((id) => typeOf(id) === 'memory_limiter');
  if (limiters.length > 0 && typeOf(processors[0]) !== 'memory_limiter') {
    const fixed = [limiters[0], ...processors.filter((id) => id !== limiters[0])];
    out.push({
      path,
      message: `puts "${limiters[0]}" at position ${processors.indexOf(limiters[0]) + 1}; memory_limiter must be the first processor, so it refuses data before any other processor holds it`,
      value: processors,
      fix: `order the processors [${fixed.join(', ')}].`,
    });
  }
  const batches = processors.filter((id) => typeOf(id) === 'batch');
  const last = batches[batches.length - 1];
  if (last !== undefined && typeOf(processors[processors.length - 1]) !== 'batch') {
    const fixed = [...processors.filter((id) => id !== last), last];
    out.push({
      path,
      message: `puts "${last}" at position ${processors.indexOf(last) + 1} of ${processors.length}; batch must be the last processor, so processors after it do not split its batches`,
      value: processors,
      fix: `order the processors [${fixed.join(', ')}].`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Render

function renderTls(t: TlsClientConfig | undefined): Record<string, unknown> | undefined {
  if (!t) return undefined;
  return {
    insecure: t.insecure,
    insecure_skip_verify: t.insecureSkipVerify,
    ca_file: t.caFile,
    cert_file: t.certFile,
    key_file: t.keyFile,
    server_name_override: t.serverNameOverride,
  };
}

function renderOperator(o: FilelogOperator): Record<string, unknown> {
  if (isOpenConfig(o)) return { ...o.raw };
  return {
    type: 'container',
    id: o.id,
    format: o.format,
    add_metadata_from_filepath: o.addMetadataFromFilepath,
    max_log_size: o.maxLogSize,
  };
}

function renderReceiver(r: ReceiverConfig): Record<string, unknown> {
  if (isOpenConfig(r)) return { ...r.raw };
  switch (r.type) {
    case 'otlp':
      return {
        protocols: {
          grpc: r.grpcEndpoint !== undefined ? { endpoint: r.grpcEndpoint } : undefined,
          http: r.httpEndpoint !== undefined ? { endpoint: r.httpEndpoint } : undefined,
        },
      };
    case 'filelog':
      return {
        include: [...r.include],
        exclude: r.exclude ? [...r.exclude] : undefined,
        start_at: r.startAt,
        include_file_path: r.includeFilePath,
        include_file_name: r.includeFileName,
        storage: r.storage,
        retry_on_failure: r.retryOnFailure ? { enabled: r.retryOnFailure.enabled } : undefined,
        operators: r.operators ? r.operators.map(renderOperator) : undefined,
      };
  }
}

function renderFieldExtract(f: FieldExtractConfig): Record<string, unknown> {
  return { tag_name: f.tagName, key: f.key, from: f.from };
}

function renderProcessor(p: ProcessorConfig): Record<string, unknown> {
  if (isOpenConfig(p)) return { ...p.raw };
  switch (p.type) {
    case 'memory_limiter':
      return {
        check_interval: p.checkInterval,
        limit_mib: p.limitMib,
        spike_limit_mib: p.spikeLimitMib,
        limit_percentage: p.limitPercentage,
        spike_limit_percentage: p.spikeLimitPercentage,
      };
    case 'batch':
      return { timeout: p.timeout, send_batch_size: p.sendBatchSize, send_batch_max_size: p.sendBatchMaxSize };
    case 'k8sattributes':
      return {
        auth_type: p.authType,
        passthrough: p.passthrough,
        filter: p.filter ? { node_from_env_var: p.filter.nodeFromEnvVar, namespace: p.filter.namespace } : undefined,
        extract: p.extract
          ? {
              metadata: p.extract.metadata ? [...p.extract.metadata] : undefined,
              labels: p.extract.labels?.map(renderFieldExtract),
              annotations: p.extract.annotations?.map(renderFieldExtract),
            }
          : undefined,
        pod_association: p.podAssociation?.map((a) => ({ sources: a.sources.map((s) => ({ ...s })) })),
      };
  }
}

function renderExporter(e: ExporterConfig): Record<string, unknown> {
  if (isOpenConfig(e)) return { ...e.raw };
  switch (e.type) {
    case 'otlp':
      return { endpoint: e.endpoint, tls: renderTls(e.tls) };
    case 'otlphttp':
      return {
        endpoint: e.endpoint,
        traces_endpoint: e.tracesEndpoint,
        metrics_endpoint: e.metricsEndpoint,
        logs_endpoint: e.logsEndpoint,
        tls: renderTls(e.tls),
      };
    case 'debug':
      return { verbosity: e.verbosity };
  }
}

function renderExtension(x: ExtensionConfig): Record<string, unknown> {
  if (isOpenConfig(x)) return { ...x.raw };
  switch (x.type) {
    case 'health_check':
      return { endpoint: x.endpoint, path: x.path };
    case 'file_storage':
      return {
        directory: x.directory,
        create_directory: x.createDirectory,
        timeout: x.timeout,
        fsync: x.fsync,
        compaction: x.compaction
          ? { on_start: x.compaction.onStart, on_rebound: x.compaction.onRebound, directory: x.compaction.directory }
          : undefined,
      };
  }
}

function renderTelemetry(t: TelemetryConfig | undefined): Record<string, unknown> | undefined {
  if (!t) return undefined;
  return {
    metrics: t.metrics
      ? {
          level: t.metrics.level,
          readers: t.metrics.prometheus
            ? [{ pull: { exporter: { prometheus: { host: t.metrics.prometheus.host, port: t.metrics.prometheus.port } } } }]
            : undefined,
        }
      : undefined,
    logs: t.logs ? { level: t.logs.level, encoding: t.logs.encoding } : undefined,
  };
}

/** Component maps carry no order: sorted by id so the output is stable. */
function sortedMap<T>(m: Readonly<Record<string, T>> | undefined, render: (v: T) => Record<string, unknown>): Record<string, unknown> | undefined {
  const keys = Object.keys(m ?? {}).sort();
  if (keys.length === 0) return undefined;
  return Object.fromEntries(keys.map((k) => [k, render(m![k])]));
}

/** The upstream document (snake_case) of a validated config. @throws ConfigError when the config is invalid. */
export function collectorConfigDocument(config: CollectorConfig): Record<string, unknown> {
  validateCollectorConfig(config);
  const pipelines = Object.keys(config.service.pipelines).sort();
  return {
    extensions: sortedMap(config.extensions, renderExtension),
    receivers: sortedMap(config.receivers, renderReceiver),
    processors: sortedMap(config.processors, renderProcessor),
    exporters: sortedMap(config.exporters, renderExporter),
    service: {
      extensions: config.service.extensions && config.service.extensions.length > 0 ? [...config.service.extensions] : undefined,
      telemetry: renderTelemetry(config.service.telemetry),
      pipelines: Object.fromEntries(
        pipelines.map((pid) => {
          const p = config.service.pipelines[pid];
          return [pid, { receivers: [...p.receivers], processors: p.processors && p.processors.length > 0 ? [...p.processors] : undefined, exporters: [...p.exporters] }];
        }),
      ),
    },
  };
}

/** The collector's `config.yaml`: validated, rendered, serialized once. */
export function renderCollectorConfig(config: CollectorConfig): string {
  return toYaml(collectorConfigDocument(config));
}
