import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IJaeger, baseUrl, serviceHost, serviceUrl } from '../../common/endpoints';
import { ProblemCollector } from '../../common/errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { defaultNamespace } from '../../common/namespace';
import { checksum } from '../../common/serialize';
import { stackService } from '../../common/service';
import { hostPortProblems, httpUrlProblems } from '../../common/validation';
import { ClaimSpec, SecureContainerSpec, WorkloadSpec, secureDeployment, secureStatefulSet } from '../../common/workload';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { SCRAPE_ANNOTATIONS } from '../../conventions';
import { ImageVersion } from '../../versions';
import { JaegerConfig, jaegerConfig, renderJaegerConfig } from './config';
import { JAEGER_APP_NAME, JAEGER_COMPONENT, JAEGER_CONFIG_FILE, JAEGER_HEALTH_PATH, JAEGER_PATHS, JAEGER_PORTS, JAEGER_UID } from './defaults';
import { JaegerModel, JaegerProps, jaegerModel } from './model';
import { indexCleanerCronJob, indexCleanerIdentity, isSearchStorage, searchSecretMount } from './elasticsearch';
import { REMOTE_SAMPLING_PORTS, SAMPLING_STRATEGIES_FILE, renderSamplingStrategies } from './remote-sampling';
import { ComponentEgress, ComponentNetwork as JobNetwork, NetworkPeer } from '../../network/peer';
import { parseHttpUrl } from '../../common/validation';
import * as k8s from '../../../imports/k8s';

/** Endpoints of a Jaeger that is not part of this stack. */
export interface JaegerEndpoints {
  /** Query/UI base URL, e.g. `https://jaeger.example.com`. */
  readonly queryUrl: string;
  /** OTLP gRPC `host:port`, e.g. `jaeger-collector.tracing.svc:4317`. */
  readonly otlpGrpcEndpoint: string;
  /** OTLP HTTP base URL. @default - `http://<host of otlpGrpcEndpoint>:4318` */
  readonly otlpHttpUrl?: string;
}

/** A Jaeger that is not part of this stack. */
class ExternalJaeger implements IJaeger {
  constructor(
    public readonly queryUrl: string,
    public readonly otlpGrpcEndpoint: string,
    public readonly otlpHttpUrl: string,
  ) {}
}

/**
 * Jaeger v2 (an OpenTelemetry Collector distribution; the v1 all-in-one is retired upstream), run with
 * `--config=/etc/jaeger/config.yaml`: it receives OTLP on 4317/4318, batches spans into its storage backend and
 * serves the UI and query APIs on 16686 (`queryUrl`, for Grafana's Jaeger datasource). Health is the
 * `healthcheckv2` extension on 13133; internal metrics are on 8888.
 */
export class Jaeger extends Construct implements IJaeger, INetworkComponent {
  /**
   * An external Jaeger (e.g. one backed by OpenSearch), by its endpoints.
   * @throws ConfigError when a URL is not an http(s) URL or the gRPC endpoint is not `host:port`.
   */
  public static fromEndpoints(endpoints: JaegerEndpoints): IJaeger {
    const c = new ProblemCollector();
    c.addAll(httpUrlProblems(endpoints.queryUrl, 'Jaeger.fromEndpoints.queryUrl', { base: true, example: 'http://jaeger-query.tracing.svc:16686' }));
    c.addAll(hostPortProblems(endpoints.otlpGrpcEndpoint, 'Jaeger.fromEndpoints.otlpGrpcEndpoint', { example: 'jaeger-collector.tracing.svc:4317' }));
    if (endpoints.otlpHttpUrl !== undefined) {
      c.addAll(httpUrlProblems(endpoints.otlpHttpUrl, 'Jaeger.fromEndpoints.otlpHttpUrl', { base: true, example: 'http://jaeger-collector.tracing.svc:4318' }));
    }
    c.throwIfAny();
    const host = endpoints.otlpGrpcEndpoint.slice(0, endpoints.otlpGrpcEndpoint.lastIndexOf(':'));
    const otlpHttpUrl = endpoints.otlpHttpUrl ?? `http://${host}:${JAEGER_PORTS.otlpHttp.port}`;
    return new ExternalJaeger(baseUrl(endpoints.queryUrl), endpoints.otlpGrpcEndpoint, baseUrl(otlpHttpUrl));
  }

  /** e.g. `http://jaeger.observability.svc:16686` */
  public readonly queryUrl: string;
  /** e.g. `jaeger.observability.svc:4317` */
  public readonly otlpGrpcEndpoint: string;
  /** e.g. `http://jaeger.observability.svc:4318` */
  public readonly otlpHttpUrl: string;
  public readonly serviceName: string;
  public readonly namespace: string;
  public readonly name: string;
  public readonly image: ImageVersion;
  /** The validated props, every default resolved. */
  public readonly model: JaegerModel;
  /** The typed model `config.yaml` is rendered from. */
  public readonly config: JaegerConfig;
  /** A Deployment (memory) or a StatefulSet (Badger). */
  public readonly workload: kplus.Deployment | kplus.StatefulSet;
  /** ClusterIP Service: query, OTLP, health and metrics ports. */
  public readonly service: kplus.Service;
  /** Badger only: the headless governing Service. */
  public readonly headlessService?: kplus.Service;
  /** Elasticsearch/OpenSearch only: the daily index cleaner. */
  public readonly indexCleaner?: k8s.KubeCronJob;
  /** The index cleaner's pods for the network policies (its own policy: egress to the cluster only). */
  public readonly indexCleanerNetwork?: { readonly name: string; readonly network: JobNetwork };
  public readonly configMap: kplus.ConfigMap;
  /**
   * What the network policies know: OTLP in (the gateway), the HTTP query API (Grafana), internal metrics. The gRPC
   * query API and the health port have no client in the stack (the kubelet's probes are always allowed).
   */
  public readonly network: ComponentNetwork;

  constructor(scope: Construct, id: string, props: JaegerProps = {}) {
    super(scope, id);
    const model = jaegerModel(props, this.node.path, defaultNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    this.name = model.name;
    this.image = model.image;

    this.serviceName = this.name;
    this.queryUrl = serviceUrl(this.serviceName, this.namespace, JAEGER_PORTS.queryHttp.port);
    this.otlpGrpcEndpoint = `${serviceHost(this.serviceName, this.namespace)}:${JAEGER_PORTS.otlpGrpc.port}`;
    this.otlpHttpUrl = serviceUrl(this.serviceName, this.namespace, JAEGER_PORTS.otlpHttp.port);

    // generator: typed config data, serialized once
    this.config = jaegerConfig(model);
    const configFile = renderJaegerConfig(this.config);

    // constructs
    const identity: ComponentIdentity = { name: JAEGER_APP_NAME, instance: this.name, component: JAEGER_COMPONENT, version: this.image };
    const search = isSearchStorage(model.storage) ? model.storage : undefined;
    const samplingPorts = model.remoteSampling ? [REMOTE_SAMPLING_PORTS.http, REMOTE_SAMPLING_PORTS.grpc] : [];
    this.network = {
      pods: { namespace: this.namespace, podSelector: selectorLabels(identity) },
      ports: {
        ingest: [JAEGER_PORTS.otlpGrpc, JAEGER_PORTS.otlpHttp],
        query: [JAEGER_PORTS.queryHttp],
        metrics: [JAEGER_PORTS.metrics],
        ...(samplingPorts.length > 0 ? { sampling: samplingPorts } : {}),
      },
      egress: search ? searchEgress(search.serverUrls, `Jaeger writes and reads spans in ${search.kind}`) : undefined,
    };
    const ports = [
      JAEGER_PORTS.queryHttp,
      JAEGER_PORTS.queryGrpc,
      JAEGER_PORTS.otlpGrpc,
      JAEGER_PORTS.otlpHttp,
      JAEGER_PORTS.health,
      JAEGER_PORTS.metrics,
      ...samplingPorts,
    ];
    this.service = stackService(this, 'Service', { identity, namespace: this.namespace, name: this.serviceName, ports });

    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, namespace: this.namespace, labels: recommendedLabels(identity) },
      data: {
        [JAEGER_CONFIG_FILE]: configFile,
        ...(model.remoteSampling ? { [SAMPLING_STRATEGIES_FILE]: renderSamplingStrategies(model.remoteSampling) } : {}),
      },
    });
    const configVolume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' });
    const tmpVolume = kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp');

    const storage = model.storage;
    const searchMount = search ? searchSecretMount(this, search) : undefined;
    const badger = storage.kind === 'badger';
    const container: SecureContainerSpec = {
      name: 'jaeger',
      image: this.image,
      args: [`--config=${JAEGER_PATHS.configDir}/${JAEGER_CONFIG_FILE}`],
      ports,
      resources: model.resources,
      readiness: { path: JAEGER_HEALTH_PATH, port: JAEGER_PORTS.health.port, initialDelaySeconds: 5 },
      // Badger replays its value log on start before the extensions come up: allow for it before restarting.
      liveness: { path: JAEGER_HEALTH_PATH, port: JAEGER_PORTS.health.port, initialDelaySeconds: 15, periodSeconds: 15, failureThreshold: 5 },
      mounts: [
        { volume: configVolume, path: JAEGER_PATHS.configDir },
        { volume: tmpVolume, path: JAEGER_PATHS.tmp, readOnly: false },
        ...(searchMount ? [searchMount] : []),
      ],
      claimMounts: badger ? ['badger'] : undefined,
    };
    const workload: WorkloadSpec = {
      scheduling: model.scheduling,
      identity,
      namespace: this.namespace,
      user: JAEGER_UID,
      group: JAEGER_UID,
      fsGroup: JAEGER_UID,
      podAnnotations: {
        'checksum/config': model.remoteSampling ? checksum(configFile, renderSamplingStrategies(model.remoteSampling)) : checksum(configFile),
        [SCRAPE_ANNOTATIONS.scrape]: 'true',
        [SCRAPE_ANNOTATIONS.port]: String(JAEGER_PORTS.metrics.port),
      },
      containers: [container],
    };

    if (storage.kind === 'badger') {
      this.headlessService = stackService(this, 'Headless', {
        identity,
        namespace: this.namespace,
        name: `${this.name}-headless`,
        headless: true,
        ports,
      });
      const claim: ClaimSpec = {
        name: 'badger',
        mountPath: JAEGER_PATHS.badger,
        size: storage.size,
        storageClassName: storage.storageClassName,
      };
      this.workload = secureStatefulSet(this, 'Resource', { ...workload, service: this.headlessService, claims: [claim] });
    } else {
      this.workload = secureDeployment(this, 'Resource', { ...workload, replicas: model.replicas });
    }
    if (search) {
      this.indexCleaner = indexCleanerCronJob(this, identity, this.namespace, search);
      const cleaner = indexCleanerIdentity(identity, search);
      this.indexCleanerNetwork = {
        name: cleaner.instance,
        network: { pods: { namespace: this.namespace, podSelector: selectorLabels(cleaner) }, ports: {}, egress: searchEgress(search.serverUrls, `the index cleaner deletes old indices in ${search.kind}`) },
      };
    }
  }
}

/** Egress to an external search cluster: its URLs' ports, at any pod or address (pure). */
export function searchEgress(urls: readonly string[], why: string): ComponentEgress[] {
  const ports = [...new Set(urls.map((u) => {
    const url = parseHttpUrl(u)!;
    return url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  }))].sort((a, b) => a - b);
  return [{ peers: [NetworkPeer.allNamespaces(), ...NetworkPeer.anyAddress()], ports: ports.map((port) => ({ port })), why }];
}
