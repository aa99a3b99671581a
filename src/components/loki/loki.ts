import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ILoki, serviceUrl } from '../../common/endpoints';
import { ConfigProblem, ProblemCollector } from '../../common/errors';
import { ComponentIdentity, recommendedLabels } from '../../common/labels';
import { parseByteQuantity } from '../../common/quantity';
import { checksum } from '../../common/serialize';
import { stackService } from '../../common/service';
import { ResourceSpec, resourceProblems, secureStatefulSet } from '../../common/workload';
import { logLevelProblems } from '../../common/log-level';
import { SCRAPE_ANNOTATIONS } from '../../conventions';
import { ImageVersion, VERSIONS } from '../../versions';
import {
  LokiConfigModel,
  ingestionLimitProblems,
  lokiConfigModel,
  renderLokiConfig,
  retentionProblems,
} from './config';
import {
  LOKI_APP_NAME,
  LOKI_COMPONENT,
  LOKI_CONFIG_FILE,
  LOKI_DEFAULTS,
  LOKI_HTTP_PATHS,
  LOKI_PATHS,
  LOKI_PORTS,
  LOKI_UID,
} from './defaults';

export interface LokiProps {
  /** @default 'observability' */
  readonly namespace?: string;
  /**
   * Name of the StatefulSet, the Service (`<name>`), the headless governing Service (`<name>-headless`) and the
   * ConfigMap (`<name>-config`).
   * @default 'loki'
   */
  readonly name?: string;
  /** @default VERSIONS.loki */
  readonly image?: ImageVersion;
  /**
   * How long logs are kept (`limits_config.retention_period`, enforced by the compactor), a Prometheus duration of at
   * least 24h.
   * @default '744h' (31 days)
   */
  readonly retention?: string;
  /** Size of the volume holding chunks, the TSDB index, the WAL and the compactor's work. @default '50Gi' */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default { cpuRequest: '500m', memoryRequest: '1Gi', memoryLimit: '2Gi' } */
  readonly resources?: ResourceSpec;
  /** Ingestion rate limit in MB/s (`limits_config.ingestion_rate_mb`) for the whole platform (one tenant). @default 16 */
  readonly ingestionRateMb?: number;
  /** Ingestion burst in MB (`limits_config.ingestion_burst_size_mb`), at least the rate. @default 32 */
  readonly ingestionBurstSizeMb?: number;
  /** `server.log_level`: debug, info, warn or error. @default 'info' */
  readonly logLevel?: string;
}

/** A Loki that is not part of this stack. */
class ExternalLoki implements ILoki {
  public readonly pushUrl: string;
  public readonly otlpUrl: string;

  constructor(public readonly queryUrl: string) {
    this.pushUrl = `${queryUrl}${LOKI_HTTP_PATHS.push}`;
    this.otlpUrl = `${queryUrl}${LOKI_HTTP_PATHS.otlp}`;
  }
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Loki 3.x in single-binary mode (`-target=all`): one StatefulSet pod runs every module, stores chunks and the TSDB
 * index on its PersistentVolumeClaim (filesystem object store) and applies retention with its compactor. It takes
 * logs on the push API and natively over OTLP/HTTP (`otlpUrl`), and answers LogQL on the Service (`queryUrl`).
 *
 * Single-binary Loki does not scale out (the filesystem store is not shared); it handles tens of MB/s on one node.
 * Past that, run Loki's simple-scalable mode with an object store and point the stack at it with `Loki.fromUrl`.
 */
export class Loki extends Construct implements ILoki {
  /**
   * An external Loki (e.g. a scalable deployment or Grafana Cloud's gateway), by its base URL. Push and OTLP
   * endpoints are derived from it.
   * @throws ConfigError when the URL is not an absolute http(s) URL.
   */
  public static fromUrl(url: string): ILoki {
    const c = new ProblemCollector();
    checkUrl(c, url, 'Loki.fromUrl.url');
    c.throwIfAny();
    return new ExternalLoki(url.replace(/\/+$/, ''));
  }

  /** e.g. `http://loki.observability.svc:3100` */
  public readonly queryUrl: string;
  /** e.g. `http://loki.observability.svc:3100/loki/api/v1/push` */
  public readonly pushUrl: string;
  /** e.g. `http://loki.observability.svc:3100/otlp` (the collector's `otlphttp` exporter appends `/v1/logs`). */
  public readonly otlpUrl: string;
  public readonly serviceName: string;
  public readonly namespace: string;
  public readonly name: string;
  public readonly image: ImageVersion;
  public readonly retention: string;
  public readonly storageSize: string;
  public readonly resources: ResourceSpec;
  /** The configuration model `loki.yaml` is rendered from. */
  public readonly config: LokiConfigModel;
  public readonly statefulSet: kplus.StatefulSet;
  /** ClusterIP Service on 3100. */
  public readonly service: kplus.Service;
  /** Headless governing Service (HTTP and gRPC). */
  public readonly headlessService: kplus.Service;
  public readonly configMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: LokiProps = {}) {
    super(scope, id);
    const d = LOKI_DEFAULTS;

    // model: defaults resolved once, every problem reported together
    this.namespace = props.namespace ?? d.namespace;
    this.name = props.name ?? d.name;
    this.image = props.image ?? VERSIONS.loki;
    this.retention = props.retention ?? d.retention;
    this.storageSize = props.storageSize ?? d.storageSize;
    this.resources = props.resources ?? d.resources;
    const ingestionRateMb = props.ingestionRateMb ?? d.ingestionRateMb;
    const ingestionBurstSizeMb = props.ingestionBurstSizeMb ?? d.ingestionBurstSizeMb;
    const logLevel = props.logLevel ?? d.logLevel;
    this.checkProps(ingestionRateMb, ingestionBurstSizeMb, logLevel);

    this.serviceName = this.name;
    this.queryUrl = serviceUrl(this.serviceName, this.namespace, LOKI_PORTS.http.port);
    this.pushUrl = `${this.queryUrl}${LOKI_HTTP_PATHS.push}`;
    this.otlpUrl = `${this.queryUrl}${LOKI_HTTP_PATHS.otlp}`;

    // generator: typed config data, serialized once
    this.config = lokiConfigModel({ retention: this.retention, ingestionRateMb, ingestionBurstSizeMb, logLevel });
    const configFile = renderLokiConfig(this.config);

    // constructs
    const identity: ComponentIdentity = { name: LOKI_APP_NAME, instance: this.name, component: LOKI_COMPONENT, version: this.image };
    this.headlessService = stackService(this, 'Headless', {
      identity,
      namespace: this.namespace,
      name: `${this.name}-headless`,
      headless: true,
      ports: [LOKI_PORTS.http, LOKI_PORTS.grpc],
    });
    this.service = stackService(this, 'Service', {
      identity,
      namespace: this.namespace,
      name: this.serviceName,
      ports: [LOKI_PORTS.http],
    });

    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, namespace: this.namespace, labels: recommendedLabels(identity) },
      data: { [LOKI_CONFIG_FILE]: configFile },
    });
    const configVolume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' });
    const tmpVolume = kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp');

    this.statefulSet = secureStatefulSet(this, 'Resource', {
      identity,
      namespace: this.namespace,
      service: this.headlessService,
      user: LOKI_UID,
      group: LOKI_UID,
      fsGroup: LOKI_UID,
      terminationGracePeriodSeconds: d.terminationGracePeriodSeconds,
      podAnnotations: {
        'checksum/config': checksum(configFile),
        [SCRAPE_ANNOTATIONS.scrape]: 'true',
        [SCRAPE_ANNOTATIONS.port]: String(LOKI_PORTS.http.port),
      },
      claims: [{ name: 'data', mountPath: LOKI_PATHS.data, size: this.storageSize, storageClassName: props.storageClassName }],
      containers: [
        {
          name: 'loki',
          image: this.image,
          // https://grafana.com/docs/loki/latest/get-started/deployment-modes/#monolithic-mode
          args: ['-target=all', `-config.file=${LOKI_PATHS.configDir}/${LOKI_CONFIG_FILE}`],
          ports: [LOKI_PORTS.http, LOKI_PORTS.grpc],
          resources: this.resources,
          // /ready is 503 until every module runs and the ingester has been ACTIVE in the ring for
          // min_ready_duration (15s): it gates traffic.
          readiness: { path: LOKI_HTTP_PATHS.ready, port: LOKI_PORTS.http.port, initialDelaySeconds: 15 },
          // Liveness only asks whether the server answers: /ready also stays 503 while a large WAL replays after a
          // restart, and restarting then would only start the replay over.
          liveness: { port: LOKI_PORTS.http.port, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 },
          mounts: [
            { volume: configVolume, path: LOKI_PATHS.configDir },
            { volume: tmpVolume, path: LOKI_PATHS.tmp, readOnly: false },
          ],
          claimMounts: ['data'],
        },
      ],
    });
  }

  private checkProps(ingestionRateMb: number, ingestionBurstSizeMb: number, logLevel: string): void {
    const c = new ProblemCollector();
    const at = this.node.path;
    // `<name>-headless` must stay a DNS label (63 characters).
    if (typeof this.name !== 'string' || !DNS_LABEL.test(this.name) || this.name.length > 54) {
      c.add({ path: `${at}.name`, message: 'must be a lower-case DNS label of at most 54 characters', value: this.name, fix: 'use lower-case letters, digits and "-", starting with a letter, e.g. "loki".' });
    }
    if (typeof this.namespace !== 'string' || !DNS_LABEL.test(this.namespace) || this.namespace.length > 63) {
      c.add({ path: `${at}.namespace`, message: 'must be a lower-case DNS label of at most 63 characters', value: this.namespace, fix: 'use e.g. "observability".' });
    }
    c.addAll(retentionProblems(this.retention, `${at}.retention`));
    c.check(() => parseByteQuantity(this.storageSize, `${at}.storageSize`));
    c.addAll(ingestionLimitProblems(ingestionRateMb, ingestionBurstSizeMb, at));
    c.addAll(logLevelProblems(logLevel, `${at}.logLevel`));
    c.addAll(resourceProblems(this.resources, `${at}.resources`));
    c.throwIfAny();
  }
}

function checkUrl(c: ProblemCollector, value: string, path: string): void {
  const problem: ConfigProblem = { path, message: 'is not an absolute http(s) URL', value, fix: 'give the base URL, e.g. "http://loki-gateway.logging.svc:80".' };
  try {
    const url = new URL(value);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.search !== '' || url.hash !== '') c.add(problem);
  } catch {
    c.add(problem);
  }
}
