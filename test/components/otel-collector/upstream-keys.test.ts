import { Testing } from 'cdk8s';
import { OtelCollectorAgent } from '../../../src/components/otel-collector/agent';
import { parseComponentId } from '../../../src/components/otel-collector/config';
import { OtelCollectorGateway } from '../../../src/components/otel-collector/gateway';
import { configFiles, parseYaml, synthObjects } from '../../helpers/synth';
import { JAEGER, LOKI, PROMETHEUS } from './fixtures';

/**
 * The collector refuses to start on an unknown key. Every key the stack writes must be one the component's upstream
 * README documents for contrib 0.135; this table is transcribed from those READMEs (dotted paths, `[]` = list item).
 */
const TLS = ['tls', 'tls.insecure', 'tls.insecure_skip_verify', 'tls.ca_file', 'tls.cert_file', 'tls.key_file', 'tls.server_name_override'];
const DOCUMENTED: Record<string, readonly string[]> = {
  // https://github.com/open-telemetry/opentelemetry-collector/blob/main/receiver/otlpreceiver/README.md
  'receivers:otlp': ['protocols', 'protocols.grpc', 'protocols.grpc.endpoint', 'protocols.http', 'protocols.http.endpoint'],
  // https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/receiver/filelogreceiver/README.md
  // and pkg/stanza/docs/operators/container.md for the container operator.
  'receivers:filelog': [
    'include',
    'exclude',
    'start_at',
    'include_file_path',
    'include_file_name',
    'storage',
    'retry_on_failure',
    'retry_on_failure.enabled',
    'operators',
    'operators[].type',
    'operators[].id',
    'operators[].format',
    'operators[].add_metadata_from_filepath',
    'operators[].max_log_size',
  ],
  // https://github.com/open-telemetry/opentelemetry-collector/blob/main/processor/memorylimiterprocessor/README.md
  'processors:memory_limiter': ['check_interval', 'limit_mib', 'spike_limit_mib', 'limit_percentage', 'spike_limit_percentage'],
  // https://github.com/open-telemetry/opentelemetry-collector/blob/main/processor/batchprocessor/README.md
  'processors:batch': ['timeout', 'send_batch_size', 'send_batch_max_size'],
  // https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/processor/k8sattributesprocessor/README.md
  'processors:k8sattributes': [
    'auth_type',
    'passthrough',
    'filter',
    'filter.node_from_env_var',
    'filter.namespace',
    'extract',
    'extract.metadata',
    'extract.labels',
    'extract.labels[].tag_name',
    'extract.labels[].key',
    'extract.labels[].from',
    'extract.annotations',
    'extract.annotations[].tag_name',
    'extract.annotations[].key',
    'extract.annotations[].from',
    'pod_association',
    'pod_association[].sources',
    'pod_association[].sources[].from',
    'pod_association[].sources[].name',
  ],
  // https://github.com/open-telemetry/opentelemetry-collector/blob/main/exporter/otlpexporter/README.md
  'exporters:otlp': ['endpoint', ...TLS],
  // https://github.com/open-telemetry/opentelemetry-collector/blob/main/exporter/otlphttpexporter/README.md
  'exporters:otlphttp': ['endpoint', 'traces_endpoint', 'metrics_endpoint', 'logs_endpoint', ...TLS],
  // https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/extension/healthcheckextension/README.md
  'extensions:health_check': ['endpoint', 'path'],
  // https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/extension/storage/filestorage/README.md
  'extensions:file_storage': ['directory', 'create_directory', 'timeout', 'fsync', 'compaction', 'compaction.on_start', 'compaction.on_rebound', 'compaction.directory'],
};
// https://opentelemetry.io/docs/collector/internal-telemetry/ (pull reader syntax)
const SERVICE_KEYS = [
  'extensions',
  'pipelines',
  'telemetry',
  'telemetry.metrics',
  'telemetry.metrics.level',
  'telemetry.metrics.readers',
  'telemetry.metrics.readers[].pull',
  'telemetry.metrics.readers[].pull.exporter',
  'telemetry.metrics.readers[].pull.exporter.prometheus',
  'telemetry.metrics.readers[].pull.exporter.prometheus.host',
  'telemetry.metrics.readers[].pull.exporter.prometheus.port',
  'telemetry.logs',
  'telemetry.logs.level',
  'telemetry.logs.encoding',
];

/** Dotted key paths of a document, lists as `[]`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keyPaths(v, `${prefix}[]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
      const path = prefix ? `${prefix}.${k}` : k;
      return [path, ...keyPaths(v, path)];
    });
  }
  return [];
}

/** `section:id` → undocumented keys, for every component of a rendered config. */
function undocumentedKeys(doc: any): string[] {
  const out: string[] = [];
  for (const section of ['receivers', 'processors', 'exporters', 'extensions']) {
    for (const [id, cfg] of Object.entries<any>(doc[section] ?? {})) {
      const known = DOCUMENTED[`${section}:${parseComponentId(id).type}`];
      if (!known) {
        out.push(`${section}.${id}: no documented keys on record`);
        continue;
      }
      for (const k of keyPaths(cfg)) if (!known.includes(k)) out.push(`${section}.${id}.${k}`);
    }
  }
  for (const k of keyPaths(doc.service)) {
    if (!k.startsWith('pipelines.') && !k.startsWith('extensions[]') && !SERVICE_KEYS.includes(k)) out.push(`service.${k}`);
  }
  for (const k of Object.keys(doc)) if (!['receivers', 'processors', 'exporters', 'extensions', 'service'].includes(k)) out.push(k);
  return out;
}

test('every key of the agent and gateway configs is documented upstream', () => {
  // GIVEN the full stack wiring: a gateway with every backend and an agent with pod logs and checkpoints
  const chart = Testing.chart();
  const gateway = new OtelCollectorGateway(chart, 'Gateway', { jaeger: JAEGER, loki: LOKI, prometheus: PROMETHEUS });
  new OtelCollectorAgent(chart, 'Agent', { gateway });
  const files = configFiles(synthObjects(chart));
  // THEN both config files use documented keys only
  expect([...files.keys()].sort()).toEqual(['otel-agent-config/config.yaml', 'otel-gateway-config/config.yaml']);
  for (const text of files.values()) expect(undocumentedKeys(parseYaml(text))).toEqual([]);
});

test('the key check catches a typo', () => {
  expect(undocumentedKeys({ processors: { batch: { send_batch_sise: 1 } }, service: { pipelines: {} } })).toEqual([
    'processors.batch.send_batch_sise',
  ]);
});
