import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IPrometheus, serviceUrl } from '../../common/endpoints';
import { ProblemCollector } from '../../common/errors';
import { ComponentIdentity, selectorLabels } from '../../common/labels';
import { DEFAULT_NAMESPACE, defaultNamespace } from '../../common/namespace';
import { ByteSize } from '../../common/quantity';
import { stackService } from '../../common/service';
import { PROMETHEUS_DEFAULTS } from '../prometheus/defaults';
import { configKeyProblems, dns1123SubdomainProblems, durationProblems, wholeNumberProblems } from '../../common/validation';
import { MountSpec, PortSpec, Resources, SecureContainerSpec, parseResources, secureDeployment, secureStatefulSet, spreadOverNodes } from '../../common/workload';
import { ComponentNetwork, NetworkPeer } from '../../network/peer';
import { SCRAPE_ANNOTATIONS } from '../../conventions';
import { ImageVersion, VERSIONS } from '../../versions';

/**
 * Thanos (scale-out metrics, issue 15): a sidecar in each Prometheus pod uploads its 2h blocks to object storage and
 * serves its head over the StoreAPI; Store Gateways serve the uploaded blocks; one Compactor compacts, downsamples
 * and applies retention; Query fans a PromQL query out to all of them and de-duplicates the HA replicas by the
 * replica label (`--query.replica-label`). The object storage configuration (objstore.yml: `type`, `config`) is a
 * Secret the user creates, read as a file (`--objstore.config-file`). Every program is the one `thanos` binary of
 * VERSIONS.thanos; the tests run that release with the generated flags (test/components/thanos/thanos.live.test.ts).
 */

export const THANOS_PORTS = {
  grpc: { name: 'grpc', port: 10901 },
  http: { name: 'http', port: 10902 },
} as const;

/**
 * The user the Thanos pods run as. The image's own is 1001 (Dockerfile: `USER 1001`); the stack runs it above 10000,
 * as every pod it can (kube-score's low-UID check): /bin/thanos is world-executable and Thanos writes only to its
 * data volumes, which fsGroup makes writable.
 */
export const THANOS_UID = 10001;
export const THANOS_APP_NAME = 'thanos';
/** Where the objstore Secret is mounted. */
export const OBJSTORE_DIR = '/etc/thanos/objstore';
/**
 * The replica label Query and Compactor de-duplicate on by default: the one the stack's Prometheus HA pair carries
 * (`PrometheusProps.replicaLabel`); the stack passes the Prometheus model's own to `thanosModel`.
 */
export const THANOS_REPLICA_LABEL: string = PROMETHEUS_DEFAULTS.replicaLabel;

export interface ThanosProps {
  /** The Secret holding objstore.yml (https://thanos.io/tip/thanos/storage.md: `type: S3|GCS|AZURE|...`, `config`). */
  readonly objectStorageSecret: string;
  /** Key of objstore.yml in the Secret. @default 'objstore.yml' */
  readonly objectStorageKey?: string;
  /** Ports the object store answers on, for the NetworkPolicies. @default [443] */
  readonly objectStoragePorts?: readonly number[];
  /** @default - the chart's namespace, else 'observability' */
  readonly namespace?: string;
  /** Name prefix: `<name>-query`, `<name>-store`, `<name>-compactor`. @default 'thanos' */
  readonly name?: string;
  /** @default VERSIONS.thanos */
  readonly image?: ImageVersion;
  /** Query replicas (stateless). @default 2 */
  readonly queryReplicas?: number;
  /** Store Gateway replicas. @default 2 */
  readonly storeReplicas?: number;
  /** Store Gateway cache volume (index headers). @default '10Gi' */
  readonly storeStorageSize?: string;
  /** Compactor work volume: it downloads whole blocks to compact them. @default '50Gi' */
  readonly compactorStorageSize?: string;
  /** Retention of raw samples in the bucket. @default '30d' */
  readonly retentionRaw?: string;
  /** Retention of 5m downsampled data. @default '90d' */
  readonly retention5m?: string;
  /** Retention of 1h downsampled data. @default '1y' */
  readonly retention1h?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

export interface ThanosModel {
  readonly namespace: string;
  readonly name: string;
  readonly image: ImageVersion;
  readonly objectStorageSecret: string;
  readonly objectStorageKey: string;
  readonly objectStoragePorts: readonly number[];
  readonly queryReplicas: number;
  readonly storeReplicas: number;
  readonly storeStorageSize: ByteSize;
  readonly compactorStorageSize: ByteSize;
  readonly retentionRaw: string;
  readonly retention5m: string;
  readonly retention1h: string;
  readonly storageClassName?: string;
  /** The Prometheus replica label Query and Compactor de-duplicate on. */
  readonly replicaLabel: string;
}

export const THANOS_DEFAULTS = {
  name: 'thanos',
  objectStorageKey: 'objstore.yml',
  objectStoragePorts: [443],
  queryReplicas: 2,
  storeReplicas: 2,
  storeStorageSize: '10Gi',
  compactorStorageSize: '50Gi',
  retentionRaw: '30d',
  retention5m: '90d',
  retention1h: '1y',
  resources: {
    sidecar: { cpuRequest: '100m', memoryRequest: '256Mi' },
    query: { cpuRequest: '250m', memoryRequest: '1Gi' },
    store: { cpuRequest: '250m', memoryRequest: '2Gi' },
    compactor: { cpuRequest: '500m', memoryRequest: '2Gi' },
  },
} as const;

/** Validates and resolves the props (pure). @throws ConfigError naming each bad prop. */
export function thanosModel(props: ThanosProps, path = 'Thanos', namespace = DEFAULT_NAMESPACE, replicaLabel: string = THANOS_REPLICA_LABEL): ThanosModel {
  const c = new ProblemCollector();
  const d = THANOS_DEFAULTS;
  c.addAll(dns1123SubdomainProblems(props.objectStorageSecret, `${path}.objectStorageSecret`));
  const objectStorageKey = props.objectStorageKey ?? d.objectStorageKey;
  c.addAll(configKeyProblems(objectStorageKey, `${path}.objectStorageKey`, 'objstore.yml'));
  const queryReplicas = props.queryReplicas ?? d.queryReplicas;
  const storeReplicas = props.storeReplicas ?? d.storeReplicas;
  c.addAll(wholeNumberProblems(queryReplicas, `${path}.queryReplicas`, { fix: 'use 2.' }));
  c.addAll(wholeNumberProblems(storeReplicas, `${path}.storeReplicas`, { fix: 'use 2.' }));
  const storeStorageSize = c.value(() => ByteSize.parse(props.storeStorageSize ?? d.storeStorageSize, `${path}.storeStorageSize`));
  const compactorStorageSize = c.value(() => ByteSize.parse(props.compactorStorageSize ?? d.compactorStorageSize, `${path}.compactorStorageSize`));
  const retentionRaw = props.retentionRaw ?? d.retentionRaw;
  const retention5m = props.retention5m ?? d.retention5m;
  const retention1h = props.retention1h ?? d.retention1h;
  for (const [k, v] of [['retentionRaw', retentionRaw], ['retention5m', retention5m], ['retention1h', retention1h]] as const) c.addAll(durationProblems(v, `${path}.${k}`));
  if (props.storageClassName !== undefined) c.addAll(dns1123SubdomainProblems(props.storageClassName, `${path}.storageClassName`));
  const name = props.name ?? d.name;
  c.addAll(dns1123SubdomainProblems(name, `${path}.name`));
  c.throwIfAny();
  return {
    namespace: props.namespace ?? namespace,
    name,
    image: props.image ?? VERSIONS.thanos,
    objectStorageSecret: props.objectStorageSecret,
    objectStorageKey,
    replicaLabel,
    objectStoragePorts: [...(props.objectStoragePorts ?? d.objectStoragePorts)],
    queryReplicas,
    storeReplicas,
    storeStorageSize: storeStorageSize!,
    compactorStorageSize: compactorStorageSize!,
    retentionRaw,
    retention5m,
    retention1h,
    storageClassName: props.storageClassName,
  };
}

const OBJSTORE_FLAG = (m: ThanosModel) => `--objstore.config-file=${OBJSTORE_DIR}/${m.objectStorageKey}`;
const LISTEN = [`--grpc-address=0.0.0.0:${THANOS_PORTS.grpc.port}`, `--http-address=0.0.0.0:${THANOS_PORTS.http.port}`];

/** `thanos sidecar` beside Prometheus (pure): its TSDB, its local web port, uploads to the bucket. */
export function sidecarArgs(m: ThanosModel, tsdbPath: string, prometheusPort: number): string[] {
  return ['sidecar', `--tsdb.path=${tsdbPath}`, `--prometheus.url=http://localhost:${prometheusPort}`, OBJSTORE_FLAG(m), ...LISTEN];
}

/**
 * `thanos query` (pure): every StoreAPI by DNS (`dns+<headless Service>:<grpc port>` resolves every pod), given as
 * the endpoint config content (`--endpoint.sd-config`; the `--endpoint` flag is deprecated since 0.39), de-duplicating
 * by the replica label.
 */
export function queryArgs(endpoints: readonly string[], replicaLabel: string = THANOS_REPLICA_LABEL): string[] {
  const sd = JSON.stringify({ endpoints: endpoints.map((address) => ({ address })) });
  return ['query', ...LISTEN, `--query.replica-label=${replicaLabel}`, `--endpoint.sd-config=${sd}`];
}

/** `thanos store` (pure). */
export function storeArgs(m: ThanosModel): string[] {
  return ['store', '--data-dir=/var/thanos/store', OBJSTORE_FLAG(m), ...LISTEN];
}

/** `thanos compact` (pure): runs continuously, retention per resolution, offline de-duplication of the HA pair. */
export function compactorArgs(m: ThanosModel): string[] {
  return [
    'compact',
    '--wait',
    '--data-dir=/var/thanos/compact',
    OBJSTORE_FLAG(m),
    `--http-address=0.0.0.0:${THANOS_PORTS.http.port}`,
    `--retention.resolution-raw=${m.retentionRaw}`,
    `--retention.resolution-5m=${m.retention5m}`,
    `--retention.resolution-1h=${m.retention1h}`,
    // Prometheus replicas scrape at different instants: the penalty algorithm merges them (compact.go's advice).
    `--deduplication.replica-label=${m.replicaLabel}`,
    '--deduplication.func=penalty',
  ];
}

/** Query's address of the sidecars of a Prometheus: every pod of its headless Service, on the StoreAPI port (pure). */
export function thanosSidecarEndpoint(prometheus: { readonly name: string; readonly namespace: string }): string {
  return `dns+${prometheus.name}-headless.${prometheus.namespace}.svc:${THANOS_PORTS.grpc.port}`;
}

/** The Prometheus flags the sidecar's uploads need: equal min and max block durations (no local compaction). */
export const PROMETHEUS_SIDECAR_ARGS: readonly string[] = ['--storage.tsdb.min-block-duration=2h', '--storage.tsdb.max-block-duration=2h'];

function objstoreMount(scope: Construct, m: ThanosModel, id: string): MountSpec {
  const secret = kplus.Secret.fromSecretName(scope, `${id}SecretRef`, m.objectStorageSecret);
  return { volume: kplus.Volume.fromSecret(scope, `${id}Secret`, secret, { name: 'objstore', defaultMode: 0o440 }), path: OBJSTORE_DIR, readOnly: true };
}

const PORTS: readonly PortSpec[] = [THANOS_PORTS.grpc, THANOS_PORTS.http];
const probes = { readiness: { path: '/-/ready', port: THANOS_PORTS.http.port }, liveness: { path: '/-/healthy', port: THANOS_PORTS.http.port, initialDelaySeconds: 10, periodSeconds: 20 } };
const annotations = { [SCRAPE_ANNOTATIONS.scrape]: 'true', [SCRAPE_ANNOTATIONS.port]: String(THANOS_PORTS.http.port) };

/**
 * The sidecar container for each Prometheus pod (the Prometheus pod's extra-container hook), sharing its data claim.
 */
export function thanosSidecarContainer(scope: Construct, m: ThanosModel, options: { dataClaim: string; tsdbPath: string; prometheusPort: number }): SecureContainerSpec {
  return {
    name: 'thanos-sidecar',
    image: m.image,
    args: sidecarArgs(m, options.tsdbPath, options.prometheusPort),
    ports: PORTS,
    resources: parseResources(THANOS_DEFAULTS.resources.sidecar, 'Thanos.sidecar.resources'),
    ...probes,
    mounts: [objstoreMount(scope, m, 'Sidecar')],
    claimMounts: [options.dataClaim],
  };
}

/** Query, Store Gateway and Compactor, wired to the sidecars of a Prometheus (by its headless Service). */
export class Thanos extends Construct implements IPrometheus {
  public readonly model: ThanosModel;
  /** Thanos Query's HTTP API: Prometheus-compatible, Grafana's global view. */
  public readonly queryUrl: string;
  /** Where metrics are written: still the Prometheus (Thanos Query takes no writes). */
  public readonly remoteWriteUrl: string;
  public readonly otlpMetricsUrl: string;
  public readonly query: kplus.Deployment;
  public readonly store: kplus.StatefulSet;
  public readonly compactor: kplus.StatefulSet;
  /** The network of each part, for the NetworkPolicies. */
  public readonly networks: { readonly query: ComponentNetwork; readonly store: ComponentNetwork; readonly compactor: ComponentNetwork };

  /**
   * `sidecarEndpoints`: one StoreAPI address per Prometheus group (each shard's headless Service with `prometheus.shards`).
   * With shards every series lives on one shard (pushed metrics too: the gateway routes them by `service`), so Query
   * de-duplicates by the replica label only and the shard label stays on the series.
   */
  constructor(scope: Construct, id: string, props: ThanosProps & { readonly prometheus: IPrometheus; readonly sidecarEndpoints: readonly string[] }) {
    super(scope, id);
    const m = thanosModel(props, this.node.path, defaultNamespace(this));
    this.model = m;
    const ident = (component: string): ComponentIdentity => ({ name: THANOS_APP_NAME, instance: `${m.name}-${component}`, component, version: m.image });
    const q = ident('query');
    const st = ident('store');
    const co = ident('compactor');
    this.queryUrl = serviceUrl(q.instance, m.namespace, THANOS_PORTS.http.port);
    this.remoteWriteUrl = props.prometheus.remoteWriteUrl;
    this.otlpMetricsUrl = props.prometheus.otlpMetricsUrl;
    const objectStore = [{ peers: [NetworkPeer.allNamespaces(), ...NetworkPeer.anyAddress()], ports: m.objectStoragePorts.map((port) => ({ port })), why: 'reads and writes blocks in object storage' }];
    const net = (i: ComponentIdentity, ports: ComponentNetwork['ports'], egress = true): ComponentNetwork => ({
      pods: { namespace: m.namespace, podSelector: selectorLabels(i) },
      ports,
      egress: egress ? objectStore : undefined,
    });
    this.networks = {
      query: net(q, { query: [THANOS_PORTS.http], metrics: [THANOS_PORTS.http] }, false),
      store: net(st, { storeApi: [THANOS_PORTS.grpc], metrics: [THANOS_PORTS.http] }),
      compactor: net(co, { metrics: [THANOS_PORTS.http] }),
    };
    const res = (k: keyof typeof THANOS_DEFAULTS.resources, p: string): Resources => parseResources(THANOS_DEFAULTS.resources[k], p);

    const storeSvc = stackService(this, 'StoreService', { identity: st, namespace: m.namespace, name: st.instance, ports: PORTS, headless: true });
    this.query = secureDeployment(this, 'Query', {
      identity: q,
      namespace: m.namespace,
      replicas: m.queryReplicas,
      user: THANOS_UID,
      group: THANOS_UID,
      podAnnotations: annotations,
      topologySpreadConstraints: m.queryReplicas > 1 ? [spreadOverNodes(q)] : undefined,
      containers: [{ name: 'thanos-query', image: m.image, args: queryArgs([...props.sidecarEndpoints, `dns+${st.instance}.${m.namespace}.svc:${THANOS_PORTS.grpc.port}`], m.replicaLabel), ports: PORTS, resources: res('query', `${this.node.path}.query.resources`), ...probes }],
    });
    stackService(this, 'QueryService', { identity: q, namespace: m.namespace, name: q.instance, ports: PORTS });
    this.store = secureStatefulSet(this, 'Store', {
      identity: st,
      namespace: m.namespace,
      replicas: m.storeReplicas,
      service: storeSvc,
      user: THANOS_UID,
      group: THANOS_UID,
      fsGroup: THANOS_UID,
      podAnnotations: annotations,
      claims: [{ name: 'data', mountPath: '/var/thanos/store', size: m.storeStorageSize, storageClassName: m.storageClassName }],
      containers: [{ name: 'thanos-store', image: m.image, args: storeArgs(m), ports: PORTS, resources: res('store', `${this.node.path}.store.resources`), ...probes, mounts: [objstoreMount(this, m, 'Store')], claimMounts: ['data'] }],
    });
    const compactorSvc = stackService(this, 'CompactorService', { identity: co, namespace: m.namespace, name: co.instance, ports: [THANOS_PORTS.http], headless: true });
    // Exactly one: two compactors on one bucket would compact the same blocks.
    this.compactor = secureStatefulSet(this, 'Compactor', {
      identity: co,
      namespace: m.namespace,
      replicas: 1,
      service: compactorSvc,
      user: THANOS_UID,
      group: THANOS_UID,
      fsGroup: THANOS_UID,
      podAnnotations: annotations,
      claims: [{ name: 'data', mountPath: '/var/thanos/compact', size: m.compactorStorageSize, storageClassName: m.storageClassName }],
      containers: [{ name: 'thanos-compactor', image: m.image, args: compactorArgs(m), ports: [THANOS_PORTS.http], resources: res('compactor', `${this.node.path}.compactor.resources`), ...probes, mounts: [objstoreMount(this, m, 'Compactor')], claimMounts: ['data'] }],
    });
  }
}
