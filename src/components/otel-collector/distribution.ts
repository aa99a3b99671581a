import { VERSIONS } from '../../versions';

/**
 * The OpenTelemetry Collector components the stack configures or will configure, each with its Go module: the one
 * list from which `scripts/install-tools.sh` generates the OpenTelemetry Collector Builder manifest of the otelcol
 * the tests run. Every component type in every collector config the stack generates must be here
 * (test/components/otel-collector/distribution.test.ts), and `otelcol validate` then proves it exists at the
 * deployed release. The deployed image is the contrib distribution, which holds all of them.
 */
export type CollectorComponentKind = 'receiver' | 'processor' | 'exporter' | 'extension' | 'connector';

export interface CollectorComponent {
  readonly kind: CollectorComponentKind;
  /** The type as written in a config (`memory_limiter`, `otlp/jaeger` has type `otlp`). */
  readonly type: string;
  /** Go module path (its version is the collector release). */
  readonly module: string;
  /** What uses it. */
  readonly usedFor: string;
}

const CORE = 'go.opentelemetry.io/collector';
const CONTRIB = 'github.com/open-telemetry/opentelemetry-collector-contrib';

export const COLLECTOR_COMPONENTS: readonly CollectorComponent[] = [
  { kind: 'receiver', type: 'otlp', module: `${CORE}/receiver/otlpreceiver`, usedFor: 'agent and gateway OTLP in' },
  { kind: 'receiver', type: 'filelog', module: `${CONTRIB}/receiver/filelogreceiver`, usedFor: 'agent pod logs' },
  { kind: 'processor', type: 'memory_limiter', module: `${CORE}/processor/memorylimiterprocessor`, usedFor: 'every pipeline' },
  { kind: 'processor', type: 'batch', module: `${CORE}/processor/batchprocessor`, usedFor: 'every pipeline' },
  { kind: 'processor', type: 'k8sattributes', module: `${CONTRIB}/processor/k8sattributesprocessor`, usedFor: 'agent Kubernetes metadata' },
  { kind: 'processor', type: 'transform', module: `${CONTRIB}/processor/transformprocessor`, usedFor: 'gateway: the service label on OTLP metrics' },
  { kind: 'processor', type: 'resource', module: `${CONTRIB}/processor/resourceprocessor`, usedFor: 'resource attributes (scale-out tiers)' },
  { kind: 'processor', type: 'filter', module: `${CONTRIB}/processor/filterprocessor`, usedFor: 'gateway: each Prometheus shard\'s services (hashmod sharding)' },
  { kind: 'processor', type: 'tail_sampling', module: `${CONTRIB}/processor/tailsamplingprocessor`, usedFor: 'a tail-sampling tier (scale-out)' },
  { kind: 'exporter', type: 'otlp', module: `${CORE}/exporter/otlpexporter`, usedFor: 'agent → gateway, gateway → Jaeger' },
  { kind: 'exporter', type: 'otlphttp', module: `${CORE}/exporter/otlphttpexporter`, usedFor: 'gateway → Loki and Prometheus' },
  { kind: 'exporter', type: 'debug', module: `${CORE}/exporter/debugexporter`, usedFor: 'troubleshooting pipelines' },
  { kind: 'exporter', type: 'loadbalancing', module: `${CONTRIB}/exporter/loadbalancingexporter`, usedFor: 'trace-id routing to a tail-sampling tier (scale-out)' },
  { kind: 'exporter', type: 'file', module: `${CONTRIB}/exporter/fileexporter`, usedFor: 'capture in tests (what reaches a backend)' },
  { kind: 'extension', type: 'health_check', module: `${CONTRIB}/extension/healthcheckextension`, usedFor: 'liveness and readiness probes' },
  { kind: 'extension', type: 'file_storage', module: `${CONTRIB}/extension/storage/filestorage`, usedFor: 'agent filelog checkpoints, persistent queues' },
];

/**
 * Configuration providers (`${env:...}`, `file:`, `yaml:` for `--set`), from the collector's stable modules (v1.x),
 * at the version the builder of the deployed release defaults to. No http(s) providers: the stack never loads a
 * config over the network.
 */
export const COLLECTOR_PROVIDERS: readonly string[] = [
  `${CORE}/confmap/provider/envprovider`,
  `${CORE}/confmap/provider/fileprovider`,
  `${CORE}/confmap/provider/yamlprovider`,
];
/** The collector's stable module version released with VERSIONS.otelCollector (0.135.0 ↔ v1.41.0). */
export const COLLECTOR_STABLE_MODULE_VERSION = 'v1.41.0';

/** The collector release the components are built at (the deployed image's tag). */
export function collectorModuleVersion(): string {
  return `v${VERSIONS.otelCollector.tag.replace(/^v/, '')}`;
}

/** Is `type` (of a config id `type[/name]`) a component of this kind in the list? */
export function isKnownCollectorComponent(kind: CollectorComponentKind, type: string): boolean {
  return COLLECTOR_COMPONENTS.some((c) => c.kind === kind && c.type === type);
}

/**
 * The OpenTelemetry Collector Builder manifest (https://opentelemetry.io/docs/collector/custom-collector/) for an
 * otelcol with exactly `COLLECTOR_COMPONENTS`, at the deployed release, written to `outputPath`.
 */
export function builderManifest(outputPath: string): string {
  const version = collectorModuleVersion();
  const section = (kind: CollectorComponentKind) =>
    COLLECTOR_COMPONENTS.filter((c) => c.kind === kind).map((c) => `  - gomod: ${c.module} ${version}`);
  const lines = [
    '# Generated from src/components/otel-collector/distribution.ts by scripts/install-tools.sh. Do not edit.',
    'dist:',
    '  name: otelcol',
    '  module: observability-stack/otelcol',
    '  description: OpenTelemetry Collector with the components observability-stack configures (tests only)',
    `  version: ${version.slice(1)}`,
    `  output_path: ${JSON.stringify(outputPath)}`,
  ];
  for (const kind of ['receiver', 'processor', 'exporter', 'extension', 'connector'] as const) {
    const entries = section(kind);
    if (entries.length > 0) lines.push(`${kind}s:`, ...entries);
  }
  lines.push('providers:', ...COLLECTOR_PROVIDERS.map((m) => `  - gomod: ${m} ${COLLECTOR_STABLE_MODULE_VERSION}`));
  return `${lines.join('\n')}\n`;
}
