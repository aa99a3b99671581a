import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ILoki, serviceUrl } from '../../common/endpoints';
import { ComponentIdentity, PART_OF, recommendedLabels, selectorLabels } from '../../common/labels';
import { defaultNamespace } from '../../common/namespace';
import { checksum } from '../../common/serialize';
import { stackService } from '../../common/service';
import { MountSpec, PortSpec, SecureContainerSpec, parseResources, secureDeployment, secureStatefulSet, spreadOverNodes } from '../../common/workload';
import { SCRAPE_ANNOTATIONS } from '../../conventions';
import { ComponentNetwork, NetworkPeer } from '../../network/peer';
import { LOKI_APP_NAME, LOKI_CONFIG_FILE, LOKI_HTTP_PATHS, LOKI_PATHS, LOKI_PORTS, LOKI_UID } from './defaults';
import {
  LOKI_DISTRIBUTED_DEFAULTS,
  LOKI_DISTRIBUTED_PATHS,
  LOKI_MEMBERLIST_PORT,
  LOKI_TARGETS,
  LokiDistributedModel,
  LokiDistributedProps,
  LokiTarget,
  lokiDistributedModel,
  lokiDistributedNames,
  renderLokiDistributedConfig,
} from './distributed-config';

/** One part of a distributed Loki as the network policies see it: its policy name and its network. */
export interface LokiDistributedPart {
  readonly name: string;
  readonly target: LokiTarget;
  readonly network: ComponentNetwork;
}

const MEMBERLIST_PORTS: readonly PortSpec[] = [
  { name: 'memberlist', port: LOKI_MEMBERLIST_PORT.port },
  { name: 'memberlist-udp', port: LOKI_MEMBERLIST_PORT.port, protocol: 'UDP' },
];

/**
 * Loki in distributed mode (scale-out logs, issue 15): distributors, ingesters (a StatefulSet, the WAL on each one's
 * volume, every stream on `replicationFactor` of them), queriers pulling work from the query-frontends
 * (`frontend_worker.frontend_address`), and one compactor applying retention, all on a memberlist ring joined through
 * one headless Service, chunks and TSDB index in object storage. Writes (push, OTLP) go to the distributors' Service
 * (`pushUrl`, `otlpUrl`), reads to the query-frontends' (`queryUrl`): the collector and Grafana take it as any ILoki.
 *
 * No index gateway: with TSDB each querier downloads the index tables it needs into its cache (`tsdb_shipper`), which
 * the sizing guide's first tier (under 3TB/day) carries; the index gateway is the next step when queriers' start-up or
 * cache size hurts (a StatefulSet more, `index_gateway_client.server_address`). No query scheduler either: with
 * 2 frontends, queriers connect to each directly, which the scheduler only replaces to scale frontends independently.
 */
export class LokiDistributed extends Construct implements ILoki {
  public readonly model: LokiDistributedModel;
  /** The query-frontends: e.g. `http://loki-query-frontend.observability.svc:3100`. */
  public readonly queryUrl: string;
  /** The distributors' push API. */
  public readonly pushUrl: string;
  /** The distributors' OTLP base. */
  public readonly otlpUrl: string;
  public readonly configMap: kplus.ConfigMap;
  public readonly ingesters: kplus.StatefulSet;
  public readonly compactor: kplus.StatefulSet;
  public readonly deployments: Readonly<Record<'distributor' | 'querier' | 'query-frontend', kplus.Deployment>>;
  /** Every part, in LOKI_TARGETS order, for the NetworkPolicies. */
  public readonly parts: readonly LokiDistributedPart[];

  constructor(scope: Construct, id: string, props: LokiDistributedProps) {
    super(scope, id);
    const m = lokiDistributedModel(props, this.node.path, defaultNamespace(this));
    this.model = m;
    const names = lokiDistributedNames(m.name);
    const ident = (t: LokiTarget): ComponentIdentity => ({ name: LOKI_APP_NAME, instance: names.part(t), component: t, version: m.image });
    this.queryUrl = serviceUrl(names.part('query-frontend'), m.namespace, LOKI_PORTS.http.port);
    this.pushUrl = `${serviceUrl(names.part('distributor'), m.namespace, LOKI_PORTS.http.port)}${LOKI_HTTP_PATHS.push}`;
    this.otlpUrl = `${serviceUrl(names.part('distributor'), m.namespace, LOKI_PORTS.http.port)}${LOKI_HTTP_PATHS.otlp}`;

    const configFile = renderLokiDistributedConfig(m);
    const common: ComponentIdentity = { name: LOKI_APP_NAME, instance: m.name, component: 'logs', version: m.image };
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${m.name}-config`, namespace: m.namespace, labels: recommendedLabels(common) },
      data: { [LOKI_CONFIG_FILE]: configFile },
    });
    // The ring: every Loki pod of this stack, ready or not (an ingester must gossip before it turns ready).
    const ring = stackService(this, 'Memberlist', { identity: common, namespace: m.namespace, name: names.memberlist, headless: true, publishNotReadyAddresses: true, ports: [MEMBERLIST_PORTS[0]] });
    ApiObject.of(ring).addJsonPatch(JsonPatch.replace('/spec/selector', lokiRingSelector()));

    const objectStore = [
      {
        peers: m.objectStorageCidrs.length > 0 ? m.objectStorageCidrs.map((c) => NetworkPeer.cidr(c)) : NetworkPeer.anyAddress(),
        ports: m.objectStoragePorts.map((port) => ({ port })),
        why: 'reads and writes chunks and index in object storage',
      },
    ];
    const http = [LOKI_PORTS.http];
    const grpc = [LOKI_PORTS.grpc];
    const network = (t: LokiTarget): ComponentNetwork => ({
      pods: { namespace: m.namespace, podSelector: selectorLabels(ident(t)) },
      ports: {
        metrics: http,
        peers: MEMBERLIST_PORTS,
        ...(t === 'distributor' ? { ingest: http } : {}),
        ...(t === 'query-frontend' ? { query: http, grpc } : {}),
        ...(t === 'ingester' ? { grpc } : {}),
      },
      egress: t === 'ingester' || t === 'querier' || t === 'compactor' ? objectStore : undefined,
    });
    this.parts = LOKI_TARGETS.map((t) => ({ name: names.part(t), target: t, network: network(t) }));

    const configVolume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' });
    const credentials = credentialsMount(this, m);
    const container = (t: LokiTarget, extra: Partial<SecureContainerSpec> = {}): SecureContainerSpec => ({
      name: t,
      image: m.image,
      // -config.expand-env is not needed: no value comes from the environment.
      args: [`-target=${t}`, `-config.file=${LOKI_PATHS.configDir}/${LOKI_CONFIG_FILE}`],
      ports: [LOKI_PORTS.http, LOKI_PORTS.grpc, MEMBERLIST_PORTS[0], MEMBERLIST_PORTS[1]],
      resources: parseResources(LOKI_DISTRIBUTED_DEFAULTS.resources[t], `${this.node.path}.${t}.resources`),
      readiness: { path: LOKI_HTTP_PATHS.ready, port: LOKI_PORTS.http.port, initialDelaySeconds: 15 },
      liveness: { port: LOKI_PORTS.http.port, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 },
      env: credentials?.env,
      ...extra,
      mounts: [{ volume: configVolume, path: LOKI_PATHS.configDir }, ...(credentials ? [credentials.mount] : []), ...(extra.mounts ?? [])],
    });
    const pod = (t: LokiTarget) => ({
      scheduling: m.scheduling,
      identity: ident(t),
      namespace: m.namespace,
      user: LOKI_UID,
      group: LOKI_UID,
      fsGroup: LOKI_UID,
      podAnnotations: { 'checksum/config': checksum(configFile), [SCRAPE_ANNOTATIONS.scrape]: 'true', [SCRAPE_ANNOTATIONS.port]: String(LOKI_PORTS.http.port) },
      topologySpreadConstraints: m.replicas[t] > 1 ? [spreadOverNodes(ident(t))] : undefined,
    });
    const scratch = (t: LokiTarget): MountSpec => ({ volume: kplus.Volume.fromEmptyDir(this, `${t}Scratch`, 'data'), path: LOKI_DISTRIBUTED_PATHS.data, readOnly: false });
    const tmp = (t: LokiTarget): MountSpec => ({ volume: kplus.Volume.fromEmptyDir(this, `${t}Tmp`, 'tmp'), path: LOKI_PATHS.tmp, readOnly: false });

    const deployment = (t: 'distributor' | 'querier' | 'query-frontend') => {
      const d = secureDeployment(this, t, { ...pod(t), replicas: m.replicas[t], containers: [container(t, { mounts: [scratch(t), tmp(t)] })] });
      stackService(this, `${t}Service`, { identity: ident(t), namespace: m.namespace, name: names.part(t), ports: [LOKI_PORTS.http, LOKI_PORTS.grpc] });
      return d;
    };
    this.deployments = { distributor: deployment('distributor'), querier: deployment('querier'), 'query-frontend': deployment('query-frontend') };
    // A query-frontend's /ready is 503 until a querier has connected to it, and queriers find frontends through this
    // Service: it must list frontends before they are ready, or neither side ever becomes ready.
    stackService(this, 'QueryFrontendHeadless', { identity: ident('query-frontend'), namespace: m.namespace, name: names.queryFrontendHeadless, headless: true, publishNotReadyAddresses: true, ports: [LOKI_PORTS.grpc] });

    const ingesterSvc = stackService(this, 'IngesterHeadless', { identity: ident('ingester'), namespace: m.namespace, name: names.ingesterHeadless, headless: true, ports: [LOKI_PORTS.http, LOKI_PORTS.grpc] });
    this.ingesters = secureStatefulSet(this, 'ingester', {
      ...pod('ingester'),
      replicas: m.replicas.ingester,
      service: ingesterSvc,
      // Flushing on shutdown (ingester.wal.flush_on_shutdown) takes minutes; one at a time keeps the quorum.
      terminationGracePeriodSeconds: LOKI_DISTRIBUTED_DEFAULTS.ingesterTerminationGracePeriodSeconds,
      podManagementPolicy: kplus.PodManagementPolicy.ORDERED_READY,
      claims: [{ name: 'data', mountPath: LOKI_DISTRIBUTED_PATHS.data, size: m.ingesterStorageSize, storageClassName: m.storageClassName }],
      containers: [container('ingester', { mounts: [tmp('ingester')], claimMounts: ['data'] })],
    });
    stackService(this, 'ingesterService', { identity: ident('ingester'), namespace: m.namespace, name: names.part('ingester'), ports: [LOKI_PORTS.http, LOKI_PORTS.grpc] });

    const compactorSvc = stackService(this, 'CompactorHeadless', { identity: ident('compactor'), namespace: m.namespace, name: names.compactorHeadless, headless: true, ports: [LOKI_PORTS.http, LOKI_PORTS.grpc] });
    // Exactly one: two compactors on one bucket would compact and delete the same tables.
    this.compactor = secureStatefulSet(this, 'compactor', {
      ...pod('compactor'),
      replicas: 1,
      service: compactorSvc,
      claims: [{ name: 'data', mountPath: LOKI_DISTRIBUTED_PATHS.data, size: m.compactorStorageSize, storageClassName: m.storageClassName }],
      containers: [container('compactor', { mounts: [tmp('compactor')], claimMounts: ['data'] })],
    });
    stackService(this, 'compactorService', { identity: ident('compactor'), namespace: m.namespace, name: names.part('compactor'), ports: [LOKI_PORTS.http, LOKI_PORTS.grpc] });
  }
}

/** The memberlist Service's selector: every pod of `app.kubernetes.io/name: loki` the stack runs. */
export function lokiRingSelector(): Record<string, string> {
  return { 'app.kubernetes.io/name': LOKI_APP_NAME, 'app.kubernetes.io/part-of': PART_OF };
}

/** The credentials Secret as a file, and the environment variable naming it for the SDK's default chain. */
function credentialsMount(scope: Construct, m: LokiDistributedModel): { mount: MountSpec; env: Record<string, kplus.EnvValue> } | undefined {
  const s = m.storage;
  if (s.secretName === undefined) return undefined;
  const secret = kplus.Secret.fromSecretName(scope, 'ObjstoreSecretRef', s.secretName);
  const file = `${LOKI_DISTRIBUTED_PATHS.credentials}/${s.credentialsKey}`;
  const variable = s.type === 's3' ? 'AWS_SHARED_CREDENTIALS_FILE' : 'GOOGLE_APPLICATION_CREDENTIALS';
  return {
    mount: { volume: kplus.Volume.fromSecret(scope, 'ObjstoreSecret', secret, { name: 'objstore', defaultMode: 0o440 }), path: LOKI_DISTRIBUTED_PATHS.credentials, readOnly: true },
    env: { [variable]: kplus.EnvValue.fromValue(file) },
  };
}
