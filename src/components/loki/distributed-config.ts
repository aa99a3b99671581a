import { SchedulableProps, SchedulingProps, schedulingProblems } from '../../common/workload';
import { PromDuration } from '../../common/duration';
import { ConfigProblem, ProblemCollector } from '../../common/errors';
import { LogLevel, logLevelProblems } from '../../common/log-level';
import { DEFAULT_NAMESPACE } from '../../common/namespace';
import { ByteSize } from '../../common/quantity';
import { serviceHost } from '../../common/endpoints';
import { toYaml } from '../../common/serialize';
import { cidrProblems, configKeyProblems, dns1123SubdomainProblems, hostPortProblems, hostProblems, nonEmptyProblems, portProblems, wholeNumberProblems } from '../../common/validation';
import { ImageVersion, VERSIONS } from '../../versions';
import { LOKI_DEFAULTS, LOKI_PORTS, LOKI_SCHEMA } from './defaults';
import { ingestionLimitProblems, retentionProblems } from './model';

/**
 * Loki 3.5 in distributed (microservices) mode, issue 15: the one `loki` binary of VERSIONS.loki run once per
 * `-target=` (https://grafana.com/docs/loki/v3.5.x/get-started/deployment-modes/#microservices-mode), every target
 * reading the same `loki.yaml`. This file is the pure part: props → model (validation) → the typed `loki.yaml`
 * document. Keys are those of docs/sources/shared/configuration.md at tag v3.5.5 (checked key by key in
 * test/components/loki/distributed.test.ts).
 */

/** The targets the stack runs, in start order. */
export const LOKI_TARGETS = ['distributor', 'ingester', 'querier', 'query-frontend', 'compactor'] as const;
export type LokiTarget = (typeof LOKI_TARGETS)[number];

/** memberlist's gossip port (`memberlist.bind_port`, default 7946): TCP and UDP. */
export const LOKI_MEMBERLIST_PORT = { name: 'memberlist', port: 7946 } as const;

/** Paths inside the distributed pods. */
export const LOKI_DISTRIBUTED_PATHS = {
  data: '/var/loki',
  /** `ingester.wal.dir` (on the ingester's PVC). */
  wal: '/var/loki/wal',
  /** `storage_config.tsdb_shipper.active_index_directory`: ingesters write TSDB heads here before shipping. */
  tsdbIndex: '/var/loki/tsdb-index',
  /** `storage_config.tsdb_shipper.cache_location`: queriers' downloaded index. */
  tsdbCache: '/var/loki/tsdb-cache',
  compactor: '/var/loki/compactor',
  /** The object-store credentials Secret. */
  credentials: '/etc/loki/objstore',
} as const;

/** Object storage of chunks and index. Credentials are a Secret read as a file (see `LokiObjectStorage`). */
export type LokiObjectStorage = LokiS3Storage | LokiGcsStorage;

/**
 * S3 or any S3-compatible store (MinIO, Ceph RGW, R2): `storage_config.aws`. Credentials: the Secret key
 * `credentialsKey` holds an AWS shared-credentials file (`[default]` / `aws_access_key_id` / `aws_secret_access_key`),
 * mounted and named by `AWS_SHARED_CREDENTIALS_FILE`: Loki's S3 client (pkg/storage/chunk/client/aws/
 * s3_storage_client.go) uses the AWS SDK's default credential chain when `access_key_id` is empty, and that chain
 * reads the file. Without `secretName` the chain's other sources apply (IRSA web identity, instance role).
 */
export interface LokiS3Storage {
  readonly type: 's3';
  /** `bucketnames` */
  readonly bucket: string;
  /** `region`, e.g. `eu-west-1`. */
  readonly region: string;
  /** `endpoint` for an S3-compatible store, a host (`minio.storage.svc:9000`). @default - AWS's regional endpoint */
  readonly endpoint?: string;
  /** `s3forcepathstyle`: path-style URLs, which most S3-compatible stores need. @default - true with an endpoint */
  readonly forcePathStyle?: boolean;
  /** The Secret holding the credentials file. @default - none (IRSA or the instance role) */
  readonly secretName?: string;
  /** @default 'credentials' */
  readonly credentialsKey?: string;
}

/**
 * Google Cloud Storage: `storage_config.gcs.bucket_name`. Credentials: the Secret key `credentialsKey` holds a
 * service-account JSON key, mounted and named by `GOOGLE_APPLICATION_CREDENTIALS` (Loki's GCS client falls back to
 * Google's default credentials when `service_account` is empty, pkg/storage/chunk/client/gcp/gcs_object_client.go).
 */
export interface LokiGcsStorage {
  readonly type: 'gcs';
  readonly bucket: string;
  /** @default - none (Workload Identity) */
  readonly secretName?: string;
  /** @default 'key.json' */
  readonly credentialsKey?: string;
}

/** Per-tenant limits (`limits_config`), for the one tenant every service writes to (`auth_enabled: false`). */
export interface LokiTenantLimits {
  /** `ingestion_rate_mb` (MB/s, global strategy: shared by the distributors). @default 40 */
  readonly ingestionRateMb?: number;
  /** `ingestion_burst_size_mb`. @default 80 */
  readonly ingestionBurstSizeMb?: number;
  /** `per_stream_rate_limit` in MB/s. @default 5 */
  readonly perStreamRateLimitMb?: number;
  /** `per_stream_rate_limit_burst` in MB. @default 20 */
  readonly perStreamRateLimitBurstMb?: number;
  /** `max_global_streams_per_user`. @default 50000 */
  readonly maxGlobalStreamsPerUser?: number;
  /** `max_query_series`. @default 5000 */
  readonly maxQuerySeries?: number;
}

export interface LokiDistributedProps extends SchedulableProps {
  /** Chunks and index in this bucket. */
  readonly storage: LokiObjectStorage;
  /**
   * Where the object store answers, for the egress rule of the ingesters, queriers and compactor (port 443).
   * @default - any address ('0.0.0.0/0' and '::/0')
   */
  readonly objectStorageCidrs?: readonly string[];
  /** @default [443] */
  readonly objectStoragePorts?: readonly number[];
  /** @default - the chart's namespace, else 'observability' */
  readonly namespace?: string;
  /** Name prefix: `<name>-distributor`, `<name>-ingester`, ... @default 'loki' */
  readonly name?: string;
  /** @default VERSIONS.loki */
  readonly image?: ImageVersion;
  /** Ingester replicas (StatefulSet). @default 3 */
  readonly ingesterReplicas?: number;
  /** `common.replication_factor`: each stream written to this many ingesters. @default 3 */
  readonly replicationFactor?: number;
  /** @default 3 */
  readonly distributorReplicas?: number;
  /** @default 3 */
  readonly querierReplicas?: number;
  /** @default 2 */
  readonly queryFrontendReplicas?: number;
  /** Each ingester's volume: the WAL and the TSDB heads not yet shipped. @default '50Gi' */
  readonly ingesterStorageSize?: string;
  /** The compactor's work volume. @default '50Gi' */
  readonly compactorStorageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** `limits_config.retention_period`, at least 24h. @default '744h' */
  readonly retention?: string;
  readonly limits?: LokiTenantLimits;
  /** @default 'info' */
  readonly logLevel?: string;
}

export interface LokiDistributedModel {
  /** Placement of every part (the production profile's, or the user's). */
  readonly scheduling?: SchedulingProps;
  readonly namespace: string;
  readonly name: string;
  readonly image: ImageVersion;
  readonly storage: { readonly type: 's3' | 'gcs'; readonly bucket: string; readonly region?: string; readonly endpoint?: string; readonly forcePathStyle?: boolean; readonly secretName?: string; readonly credentialsKey: string };
  readonly objectStorageCidrs: readonly string[];
  readonly objectStoragePorts: readonly number[];
  readonly replicas: Readonly<Record<LokiTarget, number>>;
  readonly replicationFactor: number;
  readonly ingesterStorageSize: ByteSize;
  readonly compactorStorageSize: ByteSize;
  readonly storageClassName?: string;
  readonly retention: PromDuration;
  readonly limits: Required<LokiTenantLimits>;
  readonly logLevel: LogLevel;
}

/**
 * Limits for a 100+-service platform, each with its source:
 * - ingestion 40 MB/s, burst 80 MB: Loki's sizing guide's first tier is "less than 3TB/day", i.e. 3e12 B / 86400 s
 *   ≈ 35 MB/s for the whole cluster (docs/sources/setup/size/_index.md); one tenant holds all of it here, so its rate
 *   sits above that tier, the burst twice the rate (the default pair is 4/6).
 * - per stream 5 MB/s, burst 20 MB: "We typically recommend setting per_stream_rate_limit no higher than 5MB, and
 *   per_stream_rate_limit_burst no higher than 20MB" (docs/sources/operations/request-validation-rate-limits.md;
 *   defaults 3MB/15MB).
 * - 50000 global streams (default 5000): OTLP logs are indexed by k8s.pod.name and service.instance.id among others
 *   (pkg/loghttp/push/otlp_config.go's default index labels), so streams grow with pods: 1000 services × ~5 pods ×
 *   (old + new ReplicaSet during a rollout) × severity fan-out stays under it; 5000 is reached by 100 services at 50
 *   streams each.
 * - 5000 query series (default 500): `sum by (service_name)` over 1000 services returns 1000 series.
 */
export const LOKI_DISTRIBUTED_DEFAULTS = {
  name: 'loki',
  objectStoragePorts: [443],
  replicas: { distributor: 3, ingester: 3, querier: 3, 'query-frontend': 2, compactor: 1 } satisfies Record<LokiTarget, number>,
  replicationFactor: 3,
  ingesterStorageSize: '50Gi',
  compactorStorageSize: '50Gi',
  limits: { ingestionRateMb: 40, ingestionBurstSizeMb: 80, perStreamRateLimitMb: 5, perStreamRateLimitBurstMb: 20, maxGlobalStreamsPerUser: 50000, maxQuerySeries: 5000 },
  /**
   * The ingester flushes every chunk to the bucket on shutdown (`ingester.wal.flush_on_shutdown`): a scale-down loses
   * nothing. Flushing up to 2h of chunks (`max_chunk_age`) takes minutes: give it 5.
   */
  ingesterTerminationGracePeriodSeconds: 300,
  resources: {
    // Loki's sizing guide, "less than 3TB/day" tier (docs/sources/setup/size/_index.md), requests only.
    distributor: { cpuRequest: '2', memoryRequest: '512Mi' },
    ingester: { cpuRequest: '2', memoryRequest: '4Gi' },
    querier: { cpuRequest: '1', memoryRequest: '1Gi' },
    'query-frontend': { cpuRequest: '1', memoryRequest: '2Gi' },
    compactor: { cpuRequest: '2', memoryRequest: '10Gi' },
  },
} as const;

const STORAGE_TYPES = ['s3', 'gcs'];

/** Validates and resolves the props (pure). @throws ConfigError naming each bad prop. */
export function lokiDistributedModel(props: LokiDistributedProps, path = 'LokiDistributed', namespace = DEFAULT_NAMESPACE): LokiDistributedModel {
  const c = new ProblemCollector();
  const d = LOKI_DISTRIBUTED_DEFAULTS;
  const name = props.name ?? d.name;
  c.addAll(dns1123SubdomainProblems(name, `${path}.name`));
  const s = props.storage as unknown as { type?: string; bucket?: string; region?: string; endpoint?: string; secretName?: string; credentialsKey?: string } | undefined;
  if (s === undefined || !STORAGE_TYPES.includes(s.type as string)) {
    c.add({ path: `${path}.storage.type`, message: 'must be one of "s3", "gcs"', value: s?.type, fix: 'use { type: "s3", bucket, region } (S3 or S3-compatible) or { type: "gcs", bucket }.' });
  } else {
    if (s.bucket === undefined || s.bucket === '') {
      c.add({ path: `${path}.storage.bucket`, message: 'is required: Loki keeps chunks and index only in the bucket', value: s.bucket, fix: 'name an existing bucket, e.g. "loki-chunks".' });
    } else c.addAll(dns1123SubdomainProblems(s.bucket, `${path}.storage.bucket`));
    if (s.type === 's3') {
      c.addAll(nonEmptyProblems(s.region, `${path}.storage.region`, 'give the bucket\'s region, e.g. "eu-west-1" (any value for MinIO).'));
      if (s.endpoint !== undefined && hostProblems(s.endpoint, '', { example: '' }).length > 0) c.addAll(hostPortProblems(s.endpoint, `${path}.storage.endpoint`, { example: 'minio.storage.svc:9000' }));
    }
    if (s.secretName !== undefined) c.addAll(dns1123SubdomainProblems(s.secretName, `${path}.storage.secretName`));
    if (s.credentialsKey !== undefined) c.addAll(configKeyProblems(s.credentialsKey, `${path}.storage.credentialsKey`, s.type === 's3' ? 'credentials' : 'key.json'));
  }
  const cidrs = props.objectStorageCidrs ?? [];
  cidrs.forEach((cidr, i) => c.addAll(cidrProblems(cidr, `${path}.objectStorageCidrs[${i}]`)));
  const ports = props.objectStoragePorts ?? d.objectStoragePorts;
  ports.forEach((p, i) => c.addAll(portProblems(p, `${path}.objectStoragePorts[${i}]`, 443)));
  const replicas: Record<LokiTarget, number> = {
    distributor: props.distributorReplicas ?? d.replicas.distributor,
    ingester: props.ingesterReplicas ?? d.replicas.ingester,
    querier: props.querierReplicas ?? d.replicas.querier,
    'query-frontend': props.queryFrontendReplicas ?? d.replicas['query-frontend'],
    compactor: 1,
  };
  const replicaProps: [string, number][] = [['distributorReplicas', replicas.distributor], ['ingesterReplicas', replicas.ingester], ['querierReplicas', replicas.querier], ['queryFrontendReplicas', replicas['query-frontend']]];
  for (const [k, v] of replicaProps) c.addAll(wholeNumberProblems(v, `${path}.${k}`, { min: 1, fix: 'use 3.' }));
  const replicationFactor = props.replicationFactor ?? d.replicationFactor;
  c.addAll(replicationFactorProblems(replicationFactor, replicas.ingester, path));
  const retention = props.retention ?? LOKI_DEFAULTS.retention;
  c.addAll(retentionProblems(retention, `${path}.retention`));
  const limits = { ...d.limits, ...props.limits };
  c.addAll(ingestionLimitProblems(limits.ingestionRateMb, limits.ingestionBurstSizeMb, `${path}.limits`));
  c.addAll(ingestionLimitProblems(limits.perStreamRateLimitMb, limits.perStreamRateLimitBurstMb, `${path}.limits`).map((p) => ({ ...p, path: p.path.replace('ingestionRateMb', 'perStreamRateLimitMb').replace('ingestionBurstSizeMb', 'perStreamRateLimitBurstMb'), message: p.message.replace('ingestionRateMb', 'perStreamRateLimitMb') })));
  c.addAll(wholeNumberProblems(limits.maxGlobalStreamsPerUser, `${path}.limits.maxGlobalStreamsPerUser`, { min: 1, fix: 'use 50000.' }));
  c.addAll(wholeNumberProblems(limits.maxQuerySeries, `${path}.limits.maxQuerySeries`, { min: 1, fix: 'use 5000.' }));
  const logLevel = props.logLevel ?? LOKI_DEFAULTS.logLevel;
  c.addAll(logLevelProblems(logLevel, `${path}.logLevel`));
  const ingesterStorageSize = c.value(() => ByteSize.parse(props.ingesterStorageSize ?? d.ingesterStorageSize, `${path}.ingesterStorageSize`));
  const compactorStorageSize = c.value(() => ByteSize.parse(props.compactorStorageSize ?? d.compactorStorageSize, `${path}.compactorStorageSize`));
  if (props.storageClassName !== undefined) c.addAll(dns1123SubdomainProblems(props.storageClassName, `${path}.storageClassName`));
  c.addAll(schedulingProblems(props.scheduling, `${path}.scheduling`));
  c.throwIfAny();
  const st = props.storage;
  return {
    scheduling: props.scheduling,
    namespace: props.namespace ?? namespace,
    name,
    image: props.image ?? VERSIONS.loki,
    storage:
      st.type === 's3'
        ? { type: 's3', bucket: st.bucket, region: st.region, endpoint: st.endpoint, forcePathStyle: st.forcePathStyle ?? st.endpoint !== undefined, secretName: st.secretName, credentialsKey: st.credentialsKey ?? 'credentials' }
        : { type: 'gcs', bucket: st.bucket, secretName: st.secretName, credentialsKey: st.credentialsKey ?? 'key.json' },
    objectStorageCidrs: [...cidrs],
    objectStoragePorts: [...ports],
    replicas,
    replicationFactor,
    ingesterStorageSize: ingesterStorageSize!,
    compactorStorageSize: compactorStorageSize!,
    storageClassName: props.storageClassName,
    retention: PromDuration.parse(retention, `${path}.retention`),
    limits,
    logLevel: logLevel as LogLevel,
  };
}

/**
 * The replication factor is a whole number no larger than the ingesters: a write needs a quorum of
 * floor(RF/2)+1 of RF ingesters (pkg/distributor), and a ring with fewer ingesters than RF refuses every push.
 */
export function replicationFactorProblems(rf: unknown, ingesters: number, path: string): ConfigProblem[] {
  const problems = wholeNumberProblems(rf, `${path}.replicationFactor`, { min: 1, fix: 'use 3.' });
  if (problems.length === 0 && typeof ingesters === 'number' && (rf as number) > ingesters) {
    problems.push({
      path: `${path}.replicationFactor`,
      message: `must be at most ingesterReplicas (${ingesters}): each stream is written to replicationFactor distinct ingesters`,
      value: rf,
      fix: `raise ingesterReplicas to at least ${rf as number}, or lower replicationFactor.`,
    });
  }
  return problems;
}

/** Service names of the distributed parts. */
export function lokiDistributedNames(name: string) {
  return {
    part: (t: LokiTarget) => `${name}-${t}`,
    /** Headless Service every part joins the memberlist ring through. */
    memberlist: `${name}-memberlist`,
    /** Headless Service of the query-frontends: each querier worker connects to every frontend it resolves. */
    queryFrontendHeadless: `${name}-query-frontend-headless`,
    ingesterHeadless: `${name}-ingester-headless`,
    compactorHeadless: `${name}-compactor-headless`,
  };
}

/** The `loki.yaml` every target reads (pure), as the upstream document (snake_case keys). */
export function lokiDistributedConfigDocument(m: LokiDistributedModel): Record<string, unknown> {
  const n = lokiDistributedNames(m.name);
  const p = LOKI_DISTRIBUTED_PATHS;
  const store = m.storage.type;
  return {
    auth_enabled: false,
    server: { http_listen_port: LOKI_PORTS.http.port, grpc_listen_port: LOKI_PORTS.grpc.port, log_level: m.logLevel },
    common: {
      path_prefix: p.data,
      replication_factor: m.replicationFactor,
      ring: { kvstore: { store: 'memberlist' } },
      compactor_address: `http://${serviceHost(n.part('compactor'), m.namespace)}:${LOKI_PORTS.http.port}`,
    },
    memberlist: {
      // dskit resolves `dns+` entries to every A record: every Loki pod behind the headless Service.
      join_members: [`dns+${serviceHost(n.memberlist, m.namespace)}:${LOKI_MEMBERLIST_PORT.port}`],
      bind_port: LOKI_MEMBERLIST_PORT.port,
      // A pod of another Loki cluster that reached this one's port would merge the rings: refuse its gossip.
      cluster_label: `${m.namespace}.${m.name}`,
    },
    ingester: {
      wal: { enabled: true, dir: p.wal, flush_on_shutdown: true },
    },
    frontend: { log_queries_longer_than: '10s', compress_responses: true },
    frontend_worker: { frontend_address: `${serviceHost(n.queryFrontendHeadless, m.namespace)}:${LOKI_PORTS.grpc.port}` },
    query_range: { results_cache: { cache: { embedded_cache: { enabled: true, max_size_mb: LOKI_DEFAULTS.resultsCacheMb } } } },
    schema_config: {
      configs: [{ from: LOKI_SCHEMA.from, store: 'tsdb', object_store: store, schema: 'v13', index: { prefix: LOKI_SCHEMA.indexPrefix, period: LOKI_SCHEMA.indexPeriod } }],
    },
    storage_config: {
      tsdb_shipper: { active_index_directory: p.tsdbIndex, cache_location: p.tsdbCache },
      ...(m.storage.type === 's3'
        ? {
            aws: {
              bucketnames: m.storage.bucket,
              region: m.storage.region,
              ...(m.storage.endpoint !== undefined ? { endpoint: m.storage.endpoint } : {}),
              s3forcepathstyle: m.storage.forcePathStyle ?? false,
            },
          }
        : { gcs: { bucket_name: m.storage.bucket } }),
    },
    compactor: { working_directory: p.compactor, retention_enabled: true, delete_request_store: store },
    limits_config: {
      retention_period: m.retention.toString(),
      allow_structured_metadata: true,
      ingestion_rate_mb: m.limits.ingestionRateMb,
      ingestion_burst_size_mb: m.limits.ingestionBurstSizeMb,
      // bytes: the flag type is flagext.ByteSize, which takes "5MB"
      per_stream_rate_limit: `${m.limits.perStreamRateLimitMb}MB`,
      per_stream_rate_limit_burst: `${m.limits.perStreamRateLimitBurstMb}MB`,
      max_global_streams_per_user: m.limits.maxGlobalStreamsPerUser,
      max_query_series: m.limits.maxQuerySeries,
      // The deletion API stays closed, as on the single binary (auth_enabled: false lets anyone reaching a port delete).
      // Disabled, the queriers never ask the compactor for delete requests (pkg/compactor/deletion/
      // tenant_delete_requests_client.go), so no querier → compactor flow is opened.
      deletion_mode: 'disabled',
    },
    analytics: { reporting_enabled: false },
  };
}

export function renderLokiDistributedConfig(m: LokiDistributedModel): string {
  return toYaml(lokiDistributedConfigDocument(m));
}
