import { toYaml } from '../../common/serialize';
import {
  CollectorConfig,
  ExporterConfig,
  ExtensionConfig,
  FieldExtractConfig,
  FilelogOperator,
  ProcessorConfig,
  QueuedExporterConfig,
  ReceiverConfig,
  TelemetryConfig,
  TlsClientConfig,
  isOpenConfig,
} from './config';
import { validateCollectorConfig } from './config-checks';

/** The one mapping of the collector's typed config model to upstream snake_case, and its one serialization. */

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
    case 'otlp': {
      const tls = r.tls ? { cert_file: r.tls.certFile, key_file: r.tls.keyFile, min_version: r.tls.minVersion, reload_interval: r.tls.reloadInterval } : undefined;
      return {
        protocols: {
          grpc: r.grpcEndpoint !== undefined ? { endpoint: r.grpcEndpoint, tls } : undefined,
          http: r.httpEndpoint !== undefined ? { endpoint: r.httpEndpoint, tls } : undefined,
        },
      };
    }
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

function renderQueue(e: QueuedExporterConfig): Record<string, unknown> {
  const q = e.sendingQueue;
  const r = e.retryOnFailure;
  return {
    sending_queue: q ? { enabled: q.enabled, num_consumers: q.numConsumers, queue_size: q.queueSize, storage: q.storage } : undefined,
    retry_on_failure: r ? { enabled: r.enabled, initial_interval: r.initialInterval, max_interval: r.maxInterval, max_elapsed_time: r.maxElapsedTime } : undefined,
  };
}

function renderExporter(e: ExporterConfig): Record<string, unknown> {
  if (isOpenConfig(e)) return { ...e.raw };
  switch (e.type) {
    case 'otlp':
      return { endpoint: e.endpoint, tls: renderTls(e.tls), ...renderQueue(e) };
    case 'otlphttp':
      return {
        endpoint: e.endpoint,
        traces_endpoint: e.tracesEndpoint,
        metrics_endpoint: e.metricsEndpoint,
        logs_endpoint: e.logsEndpoint,
        tls: renderTls(e.tls),
        ...renderQueue(e),
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
