import { serviceShard } from '../components/prometheus/shards';
import { ProblemCollector } from '../common/errors';
import { positiveNumberProblems, wholeNumberProblems } from '../common/validation';

/**
 * Capacity sizing from the service catalog (pure): per-service load (pods, series per pod, log lines per second,
 * bytes per line, spans per second) and the retentions give active series, samples per second, Prometheus memory and
 * disk, Loki GB/day and disk, trace storage and collector replicas — and from them the requests, limits, replicas and
 * volume sizes the production profile emits. Every formula names its source in `SIZING_SOURCES`; every output is
 * monotonic in every load input (more load never yields less), which the tests check.
 */

/** The load of one service. Every field is per pod unless it says otherwise. */
export interface ServiceLoad {
  /** Pods (replicas) of the service. @default 3 */
  readonly pods?: number;
  /** Active series each pod exposes after relabeling (`scrape_samples_post_metric_relabeling`). @default 1000 */
  readonly seriesPerPod?: number;
  /** Log lines per second each pod writes. @default 2 */
  readonly logLinesPerSecond?: number;
  /** Average bytes per log line. @default 200 */
  readonly bytesPerLogLine?: number;
  /** Spans per second each pod emits (after head sampling). @default 5 */
  readonly spansPerSecond?: number;
}

/** What `sizeStack` reads. Services come from the catalog; `services` gives the load of the ones that differ. */
export interface SizingProps {
  /** The load of a service not listed in `services`. @default - the defaults of `ServiceLoad` */
  readonly defaultLoad?: ServiceLoad;
  /** Load by service name (names of the catalog); fields not given come from `defaultLoad`. @default - none */
  readonly services?: Readonly<Record<string, ServiceLoad>>;
  /**
   * Series of the platform itself (node-exporter, cAdvisor, kube-state-metrics, the stack's own components), not
   * counted per service. No upstream count exists per exporter: measure yours (`prometheus_tsdb_head_series`).
   * @default 100000
   */
  readonly platformSeries?: number;
  /** Bytes per sample on disk: Prometheus' storage docs give 1–2; 2 is the cautious end. @default 2 */
  readonly bytesPerSample?: number;
  /** Bytes per span in Badger. @default 450 */
  readonly bytesPerSpan?: number;
}

/** What the sizing needs from the rest of the stack. */
export interface SizingContext {
  /** Names of the catalog's services. */
  readonly services: readonly string[];
  readonly scrapeIntervalSeconds: number;
  readonly metricsRetentionSeconds: number;
  readonly logRetentionSeconds: number;
  readonly traceRetentionSeconds: number;
  /** Jaeger stores spans in Elasticsearch/OpenSearch (then 2 replicas, no volume of its own). @default false (Badger) */
  readonly jaegerSearchStorage?: boolean;
  /**
   * Hashmod shards of Prometheus (`prometheus.shards`): every shard gets the same resources, sized for the largest
   * shard (the platform series on shard 0, each service's on the shard its `service` hashes to). @default 1
   */
  readonly prometheusShards?: number;
}

/** One sized component. */
export interface SizedComponent {
  readonly replicas: number;
  readonly cpuRequestMillis: number;
  readonly memoryRequestMiB: number;
  readonly memoryLimitMiB: number;
  /** Volume per replica, GiB. */
  readonly volumeGiB?: number;
}

export interface SizingResult {
  readonly services: number;
  readonly pods: number;
  readonly activeSeries: number;
  readonly samplesPerSecond: number;
  /** Prometheus shards the sizing is for (1: one Prometheus holds every series). */
  readonly prometheusShards: number;
  /** Active series of each shard (one entry without shards). */
  readonly seriesPerShard: readonly number[];
  /** Prometheus head memory, bytes (per replica: each replica holds every series of its shard; the largest shard with shards). */
  readonly prometheusHeadBytes: number;
  /** Bytes of blocks over the retention (per replica). */
  readonly prometheusDiskBytes: number;
  readonly logBytesPerSecond: number;
  readonly logGBPerDay: number;
  readonly logDiskBytes: number;
  readonly spansPerSecond: number;
  readonly traceDiskBytes: number;
  /** Records per second through the gateway (spans + log lines; scraped metrics bypass it). */
  readonly gatewayItemsPerSecond: number;
  readonly prometheus: SizedComponent;
  readonly loki: SizedComponent;
  readonly jaeger: SizedComponent;
  readonly gateway: SizedComponent;
  /** Problems the sizing sees beyond what this stack can run (e.g. Loki past monolithic mode). */
  readonly warnings: readonly string[];
}

export const LOAD_DEFAULTS: Required<ServiceLoad> = {
  pods: 3,
  seriesPerPod: 1000,
  logLinesPerSecond: 2,
  bytesPerLogLine: 200,
  spansPerSecond: 5,
};

/** The constants of the formulas, each with its source. */
export const SIZING_CONSTANTS = {
  /** "a good rule of thumb should be around 3kB per series in the head" (robustperception.io, Why does Prometheus use so much RAM, Prometheus ≥ 2.20). */
  bytesPerSeries: 3 * 1024,
  /** Memory beyond the head for queries and rule evaluation: ×1.5 ("run … with 50% extra capacity", Mimir planning-capacity). */
  memoryHeadroom: 1.5,
  /** Retention at most 80–85% of the volume (Prometheus docs, storage.md, "Right-Sizing Retention Size"). */
  retentionShareOfVolume: 0.85,
  /** Loki monolithic mode: "up to approximately 20GB per day" (Loki docs, get-started/deployment-modes.md). */
  lokiMonolithicGBPerDay: 20,
  /** Collector: ~10k spans/s per core recommended (collector docs/performance.md, last at 99a4825^); 10k log records/s per core (Splunk distribution sizing). */
  collectorItemsPerCore: 10_000,
  /** Collector memory per core: 1 CPU : 2 GB (same sources). */
  collectorMiBPerCore: 2048,
  /** Prometheus CPU: one core per 100k samples/s ingested [assumption: no upstream figure; measure process_cpu_seconds_total]. */
  samplesPerSecondPerCore: 100_000,
  /** Loki single binary: one core per 4 MB/s pushed (the default per-tenant ingestion_rate_mb is 4, Loki configuration docs) [assumption]. */
  lokiMBpsPerCore: 4,
  /** Loki memory per MB/s pushed: 1 GiB, from the Loki sizing table's distributor+ingester tier [assumption, order of magnitude]. */
  lokiMiBPerMBps: 1024,
  /** Collector replicas at least 2 (a rollout or a node loss never stops ingestion), with ×1.5 headroom. */
  collectorHeadroom: 1.5,
  /** The backend outage the gateway's queue volume holds: its retry window (retryMaxElapsedTime, 1h under the profile). */
  gatewayOutageSeconds: 3600,
} as const;

/** Where each formula comes from (written into the sizing report). */
export const SIZING_SOURCES: readonly { readonly quantity: string; readonly formula: string; readonly source: string }[] = [
  { quantity: 'active series', formula: 'Σ services pods × seriesPerPod + platformSeries', source: 'definition (Mimir docs, planning-capacity.md: active series); platformSeries is an assumption: measure prometheus_tsdb_head_series' },
  { quantity: 'samples/s', formula: 'active series ÷ scrape interval (s)', source: 'Mimir docs, planning-capacity.md ("estimated rate")' },
  { quantity: 'Prometheus memory', formula: 'active series × 3 kB (head) × 1.5 headroom, per replica', source: 'robustperception.io "Why does Prometheus use so much RAM" (3 kB/series); Mimir planning-capacity.md (+50%)' },
  { quantity: 'Prometheus disk', formula: 'retention (s) × samples/s × 2 B; volume = disk ÷ 0.85', source: 'Prometheus docs storage.md ("1-2 bytes per sample", retention size at most 80–85% of the volume)' },
  { quantity: 'Loki GB/day', formula: 'Σ pods × lines/s × bytes/line × 86,400 ÷ 10⁹', source: 'arithmetic; mode limit ~20 GB/day monolithic: Loki docs deployment-modes.md' },
  { quantity: 'Loki disk', formula: 'GB/day × retention (days), uncompressed (no sourced ratio); volume = disk ÷ 0.85', source: 'arithmetic; no upstream compression ratio, so none is assumed (measure loki_ingester_chunk_compression_ratio)' },
  { quantity: 'trace disk', formula: 'Σ pods × spans/s × 450 B × retention (s); volume = disk ÷ 0.85', source: '~450 B/span derived from Tempo docs deployment-modes.md (monolithic: 25–35 MB/s ≈ 55k–80k spans/s)' },
  { quantity: 'Prometheus CPU', formula: '1 core per 100k samples/s (min 500m)', source: 'assumption (no upstream figure): measure process_cpu_seconds_total' },
  { quantity: 'Loki CPU / memory', formula: '1 core per 4 MB/s (min 500m); 1 GiB per MB/s (min 1 GiB), limit ×1.5', source: 'assumption; 4 MB/s = default ingestion_rate_mb (Loki configuration docs)' },
  { quantity: 'Jaeger CPU / memory', formula: 'as a collector: spans/s ÷ 10k cores, 2 GiB per core (min 200m / 512 MiB)', source: 'Jaeger v2 is an OpenTelemetry Collector; collector docs/performance.md' },
  { quantity: 'collector gateway', formula: 'cores = (spans/s + log lines/s) ÷ 10k × 1.5 (scraped metrics bypass the gateway); replicas = max(2, ⌈cores⌉), each up to 1 core and 2 GiB per core (min 250m / 1 GiB)', source: 'collector docs/performance.md (10k spans/s per core); Splunk OTel distribution "Sizing and scaling" (10k logs/s, 1 CPU : 2 GB)' },
  { quantity: 'gateway queue volume', formula: "per replica: (spans/s × 450 B + log bytes/s) × 3600 s (the 1h retry window of a backend outage) ÷ 0.85, min 2 GiB — the whole outage, since OTLP/gRPC connections are balanced per connection, not per record; a PersistentVolumeClaim per replica (queueVolume 'claim')", source: 'arithmetic over the figures above (the queue holds the OTLP batches, uncompressed: no sourced ratio); bounded also by sending_queue.queue_size batches per exporter' },
  { quantity: 'Jaeger replicas', formula: '2 on Elasticsearch/OpenSearch (the spans live in the search cluster); 1 on Badger', source: "Badger is an embedded store on one pod's disk (one writer per directory): a second replica would hold another part of the traces" },
];

const GiB = 2 ** 30;
const MiB = 2 ** 20;

function loadProblems(load: ServiceLoad | undefined, path: string, c: ProblemCollector): void {
  if (load === undefined) return;
  if (load.pods !== undefined) c.addAll(wholeNumberProblems(load.pods, `${path}.pods`, { min: 1, fix: 'use the number of replicas, e.g. 3.' }));
  if (load.seriesPerPod !== undefined) c.addAll(wholeNumberProblems(load.seriesPerPod, `${path}.seriesPerPod`, { min: 0, fix: 'use e.g. 1000 (scrape_samples_post_metric_relabeling).' }));
  for (const key of ['logLinesPerSecond', 'bytesPerLogLine', 'spansPerSecond'] as const) {
    const v = load[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      c.add({ path: `${path}.${key}`, message: 'must be a number of at least 0', value: v, fix: `use e.g. ${LOAD_DEFAULTS[key]}.` });
    }
  }
}

/** Problems of `SizingProps` (pure), each under `<path>.<field>`; a load for a service not in the catalog is one. */
export function sizingProblems(props: SizingProps, services: readonly string[], path: string): ProblemCollector {
  const c = new ProblemCollector();
  loadProblems(props.defaultLoad, `${path}.defaultLoad`, c);
  for (const [name, load] of Object.entries(props.services ?? {})) {
    if (!services.includes(name)) {
      c.add({ path: `${path}.services`, message: 'names a service that is not in the catalog', value: name, fix: services.length > 0 ? `use one of: ${services.slice(0, 10).join(', ')}${services.length > 10 ? ', …' : ''}.` : 'add the service to services, or drop its load.' });
    }
    loadProblems(load, `${path}.services.${name}`, c);
  }
  if (props.platformSeries !== undefined) c.addAll(wholeNumberProblems(props.platformSeries, `${path}.platformSeries`, { min: 0, fix: 'use e.g. 100000.' }));
  if (props.bytesPerSample !== undefined) c.addAll(positiveNumberProblems(props.bytesPerSample, `${path}.bytesPerSample`, { what: 'bytes per sample', fix: 'use 1 to 2 (Prometheus storage docs).' }));
  if (props.bytesPerSpan !== undefined) c.addAll(positiveNumberProblems(props.bytesPerSpan, `${path}.bytesPerSpan`, { what: 'bytes per span', fix: 'use e.g. 450.' }));
  return c;
}

function volumeGiB(bytes: number, minimumGiB: number): number {
  return Math.max(minimumGiB, Math.ceil(bytes / SIZING_CONSTANTS.retentionShareOfVolume / GiB));
}

/** Round memory up to a whole 256 MiB, at least `min`. */
function memoryMiB(bytes: number, min: number): number {
  return Math.max(min, Math.ceil(bytes / MiB / 256) * 256);
}

/**
 * Sizes the stack (pure). Minimums are the components' own defaults, so a small catalog never gets less than a
 * default stack.
 * @throws ConfigError naming each bad input.
 */
export function sizeStack(props: SizingProps, ctx: SizingContext, path = 'production.sizing'): SizingResult {
  const problems = sizingProblems(props, ctx.services, path);
  problems.throwIfAny();
  const base = { ...LOAD_DEFAULTS, ...props.defaultLoad };
  let pods = 0;
  const platformSeries = props.platformSeries ?? 100_000;
  let series = platformSeries;
  const shards = ctx.prometheusShards ?? 1;
  // Platform jobs (kubelet, kube-state-metrics, node-exporter, the components) run on shard 0.
  const seriesPerShard = Array.from({ length: shards }, (_, i) => (i === 0 ? platformSeries : 0));
  let logBytes = 0;
  let logLines = 0;
  let spans = 0;
  for (const name of ctx.services) {
    const l = { ...base, ...props.services?.[name] };
    pods += l.pods;
    series += l.pods * l.seriesPerPod;
    seriesPerShard[serviceShard(name, shards)] += l.pods * l.seriesPerPod;
    logLines += l.pods * l.logLinesPerSecond;
    logBytes += l.pods * l.logLinesPerSecond * l.bytesPerLogLine;
    spans += l.pods * l.spansPerSecond;
  }
  const k = SIZING_CONSTANTS;
  const samplesPerSecond = series / ctx.scrapeIntervalSeconds;
  // One Prometheus (per replica) holds the largest shard's series: every shard gets the resources of that one.
  const shardSeries = Math.max(...seriesPerShard);
  const shardSamplesPerSecond = shardSeries / ctx.scrapeIntervalSeconds;
  const headBytes = shardSeries * k.bytesPerSeries;
  const promDisk = ctx.metricsRetentionSeconds * shardSamplesPerSecond * (props.bytesPerSample ?? 2);
  const logGBPerDay = (logBytes * 86_400) / 1e9;
  const logDisk = logBytes * ctx.logRetentionSeconds;
  const traceDisk = spans * (props.bytesPerSpan ?? 450) * ctx.traceRetentionSeconds;
  const items = spans + logLines;
  const cores = (items / k.collectorItemsPerCore) * k.collectorHeadroom;
  const gatewayReplicas = Math.max(2, Math.ceil(cores));
  // Each replica's claim holds the whole outage: agents keep long-lived OTLP/gRPC connections, balanced per
  // connection, so one replica may carry more than its share (and the others' while they are rescheduled).
  const gatewayQueueBytes = (spans * (props.bytesPerSpan ?? 450) + logBytes) * k.gatewayOutageSeconds;
  // Each replica gets up to one core (the unit of the per-core figures); past two cores, more replicas instead.
  const perReplicaCores = Math.min(1, cores / 2);

  const promMemory = memoryMiB(headBytes * k.memoryHeadroom, 2048);
  const logMBps = logBytes / 1e6;
  const spanCores = spans / k.collectorItemsPerCore;
  const warnings: string[] = [];
  if (logGBPerDay > k.lokiMonolithicGBPerDay) {
    warnings.push(
      `Logs: ${logGBPerDay.toFixed(1)} GB/day is past what monolithic Loki serves (~${k.lokiMonolithicGBPerDay} GB/day, Loki deployment-modes docs): run Loki in distributed mode on object storage and point the stack at it (Loki.fromUrl).`,
    );
  }
  return {
    services: ctx.services.length,
    pods,
    activeSeries: series,
    samplesPerSecond,
    prometheusShards: shards,
    seriesPerShard,
    prometheusHeadBytes: headBytes,
    prometheusDiskBytes: promDisk,
    logBytesPerSecond: logBytes,
    logGBPerDay,
    logDiskBytes: logDisk,
    spansPerSecond: spans,
    traceDiskBytes: traceDisk,
    gatewayItemsPerSecond: items,
    prometheus: {
      replicas: 2,
      cpuRequestMillis: Math.max(500, Math.ceil((shardSamplesPerSecond / k.samplesPerSecondPerCore) * 10) * 100),
      memoryRequestMiB: promMemory,
      memoryLimitMiB: Math.max(4096, memoryMiB(promMemory * MiB * k.memoryHeadroom, 0)),
      volumeGiB: volumeGiB(promDisk, 50),
    },
    loki: {
      replicas: 1,
      cpuRequestMillis: Math.max(500, Math.ceil((logMBps / k.lokiMBpsPerCore) * 10) * 100),
      memoryRequestMiB: memoryMiB(logMBps * k.lokiMiBPerMBps * MiB, 1024),
      memoryLimitMiB: memoryMiB(logMBps * k.lokiMiBPerMBps * k.memoryHeadroom * MiB, 2048),
      volumeGiB: volumeGiB(logDisk, 50),
    },
    jaeger: {
      replicas: ctx.jaegerSearchStorage ? 2 : 1,
      cpuRequestMillis: Math.max(200, Math.ceil(spanCores * 10) * 100),
      memoryRequestMiB: memoryMiB(spanCores * k.collectorMiBPerCore * MiB, 512),
      memoryLimitMiB: memoryMiB(spanCores * k.collectorMiBPerCore * k.memoryHeadroom * MiB, 1024),
      ...(ctx.jaegerSearchStorage ? {} : { volumeGiB: volumeGiB(traceDisk, 20) }),
    },
    gateway: {
      replicas: gatewayReplicas,
      cpuRequestMillis: Math.max(250, Math.ceil(perReplicaCores * 10) * 100),
      memoryRequestMiB: memoryMiB(perReplicaCores * k.collectorMiBPerCore * MiB, 1024),
      memoryLimitMiB: memoryMiB(perReplicaCores * k.collectorMiBPerCore * MiB, 1024),
      // The sending queues on disk (a PersistentVolumeClaim per replica).
      volumeGiB: volumeGiB(gatewayQueueBytes, 2),
    },
    warnings,
  };
}

function n(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

function gib(bytes: number): string {
  return `${(bytes / GiB).toFixed(1)} GiB`;
}

/** The sizing report (markdown, deterministic), written beside the manifests. */
export function sizingReport(r: SizingResult, ctx: SizingContext): string {
  const days = (s: number) => `${+(s / 86_400).toFixed(2)} d`;
  const row = (name: string, c: SizedComponent) =>
    `| ${name} | ${c.replicas} | ${c.cpuRequestMillis}m | ${c.memoryRequestMiB}Mi | ${c.memoryLimitMiB}Mi | ${c.volumeGiB !== undefined ? `${c.volumeGiB}Gi` : '–'} |`;
  return [
    '# Capacity sizing',
    '',
    '<!-- generated by observability-stack (src/production/sizing.ts); do not edit -->',
    '',
    `Catalog: ${r.services} services, ${n(r.pods)} pods. Scrape interval ${ctx.scrapeIntervalSeconds}s; retention: metrics ${days(ctx.metricsRetentionSeconds)}, logs ${days(ctx.logRetentionSeconds)}, traces ${days(ctx.traceRetentionSeconds)}.`,
    '',
    '## Load',
    '',
    '| quantity | value |',
    '|---|---|',
    `| active series | ${n(r.activeSeries)} |`,
    `| samples/s | ${n(r.samplesPerSecond)} |`,
    ...(r.prometheusShards > 1
      ? [`| series per Prometheus shard (${r.prometheusShards}; each sized for the largest) | ${r.seriesPerShard.map(n).join(' / ')} |`]
      : []),
    `| Prometheus head memory (per replica${r.prometheusShards > 1 ? ', largest shard' : ''}) | ${gib(r.prometheusHeadBytes)} |`,
    `| Prometheus blocks over the retention (per replica${r.prometheusShards > 1 ? ', largest shard' : ''}) | ${gib(r.prometheusDiskBytes)} |`,
    `| log volume | ${(r.logBytesPerSecond / 1e6).toFixed(2)} MB/s = ${r.logGBPerDay.toFixed(1)} GB/day |`,
    `| Loki disk over the retention | ${gib(r.logDiskBytes)} |`,
    `| spans/s | ${n(r.spansPerSecond)} |`,
    `| trace storage over the retention | ${gib(r.traceDiskBytes)} |`,
    `| items/s through the gateway | ${n(r.gatewayItemsPerSecond)} |`,
    '',
    '## What the profile sets',
    '',
    '| component | replicas | CPU request | memory request | memory limit | volume per replica |',
    '|---|---|---|---|---|---|',
    row(r.prometheusShards > 1 ? `Prometheus (each of ${r.prometheusShards} shards)` : 'Prometheus', r.prometheus),
    row('Loki', r.loki),
    row(ctx.jaegerSearchStorage ? 'Jaeger (Elasticsearch/OpenSearch)' : 'Jaeger (Badger)', r.jaeger),
    row('collector gateway (volume: sending queue)', r.gateway),
    '',
    ctx.jaegerSearchStorage
      ? 'Jaeger runs 2 replicas (anti-affinity, PodDisruptionBudget): its spans live in the search cluster, not in the pod.'
      : "Jaeger runs 1 replica: Badger keeps the spans on one pod's disk, so a second replica would hold another part of the traces. Store them in Elasticsearch/OpenSearch (`JaegerStorage.opensearch`) to run 2.",
    '',
    ...(r.warnings.length > 0 ? ['## Warnings', '', ...r.warnings.map((w) => `- ${w}`), ''] : []),
    '## Formulas and sources',
    '',
    '| quantity | formula | source |',
    '|---|---|---|',
    ...SIZING_SOURCES.map((s) => `| ${s.quantity} | ${s.formula} | ${s.source} |`),
    '',
  ].join('\n');
}
