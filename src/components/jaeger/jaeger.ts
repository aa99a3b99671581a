import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IJaeger, serviceHost, serviceUrl } from '../../common/endpoints';
import { ProblemCollector } from '../../common/errors';
import { ComponentIdentity, recommendedLabels } from '../../common/labels';
import { parseByteQuantity } from '../../common/quantity';
import { checksum } from '../../common/serialize';
import { stackService } from '../../common/service';
import { ClaimSpec, ResourceSpec, SecureContainerSpec, WorkloadSpec, resourceProblems, secureDeployment, secureStatefulSet } from '../../common/workload';
import { SCRAPE_ANNOTATIONS } from '../../conventions';
import { ImageVersion, VERSIONS } from '../../versions';
import { logLevelProblems } from '../../common/log-level';
import { JaegerConfigModel, jaegerConfigModel, renderJaegerConfig, storageProblems } from './config';
import {
  JAEGER_APP_NAME,
  JAEGER_COMPONENT,
  JAEGER_CONFIG_FILE,
  JAEGER_DEFAULTS,
  JAEGER_HEALTH_PATH,
  JAEGER_PATHS,
  JAEGER_PORTS,
  JAEGER_UID,
} from './defaults';
import { JaegerStorage } from './storage';

export interface JaegerProps {
  /** @default 'observability' */
  readonly namespace?: string;
  /**
   * Name of the workload, the Service (`<name>`) and the ConfigMap (`<name>-config`); with Badger also of the
   * headless governing Service (`<name>-headless`).
   * @default 'jaeger'
   */
  readonly name?: string;
  /** @default VERSIONS.jaeger */
  readonly image?: ImageVersion;
  /**
   * Where traces are kept: `JaegerStorage.memory()` (a Deployment; traces are lost on restart) or
   * `JaegerStorage.badger()` (a StatefulSet with a PersistentVolumeClaim).
   * @default JaegerStorage.memory() (50000 traces)
   */
  readonly storage?: JaegerStorage;
  /** @default { cpuRequest: '200m', memoryRequest: '512Mi', memoryLimit: '1Gi' } */
  readonly resources?: ResourceSpec;
  /** `service.telemetry.logs.level`: debug, info, warn or error. @default 'info' */
  readonly logLevel?: string;
}

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

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?):(\d{1,5})$/;

/**
 * Jaeger v2 (an OpenTelemetry Collector distribution; the v1 all-in-one is retired upstream), run with
 * `--config=/etc/jaeger/config.yaml`: it receives OTLP on 4317/4318, batches spans into its storage backend and
 * serves the UI and query APIs on 16686 (`queryUrl`, for Grafana's Jaeger datasource). Health is the
 * `healthcheckv2` extension on 13133; internal metrics are on 8888.
 */
export class Jaeger extends Construct implements IJaeger {
  /**
   * An external Jaeger (e.g. one backed by OpenSearch), by its endpoints.
   * @throws ConfigError when a URL is not an http(s) URL or the gRPC endpoint is not `host:port`.
   */
  public static fromEndpoints(endpoints: JaegerEndpoints): IJaeger {
    const c = new ProblemCollector();
    checkUrl(c, endpoints.queryUrl, 'Jaeger.fromEndpoints.queryUrl', 'http://jaeger-query.tracing.svc:16686');
    const m = HOST_PORT.exec(endpoints.otlpGrpcEndpoint ?? '');
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      c.add({
        path: 'Jaeger.fromEndpoints.otlpGrpcEndpoint',
        message: 'is not a host:port',
        value: endpoints.otlpGrpcEndpoint,
        fix: 'give host and port without scheme, e.g. "jaeger-collector.tracing.svc:4317".',
      });
    }
    if (endpoints.otlpHttpUrl !== undefined) {
      checkUrl(c, endpoints.otlpHttpUrl, 'Jaeger.fromEndpoints.otlpHttpUrl', 'http://jaeger-collector.tracing.svc:4318');
    }
    c.throwIfAny();
    const host = endpoints.otlpGrpcEndpoint.slice(0, endpoints.otlpGrpcEndpoint.lastIndexOf(':'));
    const otlpHttpUrl = endpoints.otlpHttpUrl ?? `http://${host}:${JAEGER_PORTS.otlpHttp.port}`;
    return new ExternalJaeger(trimSlash(endpoints.queryUrl), endpoints.otlpGrpcEndpoint, trimSlash(otlpHttpUrl));
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
  public readonly storage: JaegerStorage;
  public readonly resources: ResourceSpec;
  /** The configuration model `config.yaml` is rendered from. */
  public readonly config: JaegerConfigModel;
  /** A Deployment (memory) or a StatefulSet (Badger). */
  public readonly workload: kplus.Deployment | kplus.StatefulSet;
  /** ClusterIP Service: query, OTLP, health and metrics ports. */
  public readonly service: kplus.Service;
  /** Badger only: the headless governing Service. */
  public readonly headlessService?: kplus.Service;
  public readonly configMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: JaegerProps = {}) {
    super(scope, id);
    const d = JAEGER_DEFAULTS;

    // model: defaults resolved once, every problem reported together
    this.namespace = props.namespace ?? d.namespace;
    this.name = props.name ?? d.name;
    this.image = props.image ?? VERSIONS.jaeger;
    this.storage = props.storage ?? JaegerStorage.memory();
    this.resources = props.resources ?? d.resources;
    const logLevel = props.logLevel ?? d.logLevel;
    this.checkProps(logLevel);

    this.serviceName = this.name;
    this.queryUrl = serviceUrl(this.serviceName, this.namespace, JAEGER_PORTS.queryHttp.port);
    this.otlpGrpcEndpoint = `${serviceHost(this.serviceName, this.namespace)}:${JAEGER_PORTS.otlpGrpc.port}`;
    this.otlpHttpUrl = serviceUrl(this.serviceName, this.namespace, JAEGER_PORTS.otlpHttp.port);

    // generator: typed config data, serialized once
    this.config = jaegerConfigModel({ storage: this.storage, logLevel });
    const configFile = renderJaegerConfig(this.config);

    // constructs
    const identity: ComponentIdentity = { name: JAEGER_APP_NAME, instance: this.name, component: JAEGER_COMPONENT, version: this.image };
    const ports = [
      JAEGER_PORTS.queryHttp,
      JAEGER_PORTS.queryGrpc,
      JAEGER_PORTS.otlpGrpc,
      JAEGER_PORTS.otlpHttp,
      JAEGER_PORTS.health,
      JAEGER_PORTS.metrics,
    ];
    this.service = stackService(this, 'Service', { identity, namespace: this.namespace, name: this.serviceName, ports });

    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, namespace: this.namespace, labels: recommendedLabels(identity) },
      data: { [JAEGER_CONFIG_FILE]: configFile },
    });
    const configVolume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' });
    const tmpVolume = kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp');

    const badger = this.storage.kind === 'badger';
    const container: SecureContainerSpec = {
      name: 'jaeger',
      image: this.image,
      args: [`--config=${JAEGER_PATHS.configDir}/${JAEGER_CONFIG_FILE}`],
      ports,
      resources: this.resources,
      readiness: { path: JAEGER_HEALTH_PATH, port: JAEGER_PORTS.health.port, initialDelaySeconds: 5 },
      // Badger replays its value log on start before the extensions come up: allow for it before restarting.
      liveness: { path: JAEGER_HEALTH_PATH, port: JAEGER_PORTS.health.port, initialDelaySeconds: 15, periodSeconds: 15, failureThreshold: 5 },
      mounts: [
        { volume: configVolume, path: JAEGER_PATHS.configDir },
        { volume: tmpVolume, path: JAEGER_PATHS.tmp, readOnly: false },
      ],
      claimMounts: badger ? ['badger'] : undefined,
    };
    const workload: WorkloadSpec = {
      identity,
      namespace: this.namespace,
      user: JAEGER_UID,
      group: JAEGER_UID,
      fsGroup: JAEGER_UID,
      podAnnotations: {
        'checksum/config': checksum(configFile),
        [SCRAPE_ANNOTATIONS.scrape]: 'true',
        [SCRAPE_ANNOTATIONS.port]: String(JAEGER_PORTS.metrics.port),
      },
      containers: [container],
    };

    if (badger) {
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
        size: this.storage.size!,
        storageClassName: this.storage.storageClassName,
      };
      this.workload = secureStatefulSet(this, 'Resource', { ...workload, service: this.headlessService, claims: [claim] });
    } else {
      this.workload = secureDeployment(this, 'Resource', workload);
    }
  }

  private checkProps(logLevel: string): void {
    const c = new ProblemCollector();
    const at = this.node.path;
    // With Badger, `<name>-headless` must stay a DNS label (63 characters).
    if (typeof this.name !== 'string' || !DNS_LABEL.test(this.name) || this.name.length > 54) {
      c.add({ path: `${at}.name`, message: 'must be a lower-case DNS label of at most 54 characters', value: this.name, fix: 'use lower-case letters, digits and "-", starting with a letter, e.g. "jaeger".' });
    }
    if (typeof this.namespace !== 'string' || !DNS_LABEL.test(this.namespace) || this.namespace.length > 63) {
      c.add({ path: `${at}.namespace`, message: 'must be a lower-case DNS label of at most 63 characters', value: this.namespace, fix: 'use e.g. "observability".' });
    }
    c.addAll(storageProblems(this.storage, `${at}.storage`));
    if (this.storage.kind === 'badger') c.check(() => parseByteQuantity(this.storage.size!, `${at}.storage.size`));
    c.addAll(logLevelProblems(logLevel, `${at}.logLevel`));
    c.addAll(resourceProblems(this.resources, `${at}.resources`));
    c.throwIfAny();
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function checkUrl(c: ProblemCollector, value: string, path: string, example: string): void {
  const problem = { path, message: 'is not an absolute http(s) URL', value, fix: `give a base URL such as "${example}".` };
  try {
    const url = new URL(value);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.search !== '' || url.hash !== '') c.add(problem);
  } catch {
    c.add(problem);
  }
}
