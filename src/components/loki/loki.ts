import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ILoki, baseUrl, serviceUrl } from '../../common/endpoints';
import { ConfigError, emitWarnings } from '../../common/errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { defaultNamespace } from '../../common/namespace';
import { checksum } from '../../common/serialize';
import { stackService } from '../../common/service';
import { basePathWarnings, httpUrlProblems } from '../../common/validation';
import { secureStatefulSet } from '../../common/workload';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { SCRAPE_ANNOTATIONS } from '../../conventions';
import { ImageVersion } from '../../versions';
import { LokiConfig, lokiConfig, renderLokiConfig } from './config';
import { LOKI_APP_NAME, LOKI_COMPONENT, LOKI_CONFIG_FILE, LOKI_DEFAULTS, LOKI_HTTP_PATHS, LOKI_PATHS, LOKI_PORTS, LOKI_UID } from './defaults';
import { LokiModel, LokiProps, lokiModel } from './model';

/** A Loki that is not part of this stack. */
class ExternalLoki implements ILoki {
  public readonly pushUrl: string;
  public readonly otlpUrl: string;

  constructor(public readonly queryUrl: string) {
    this.pushUrl = `${queryUrl}${LOKI_HTTP_PATHS.push}`;
    this.otlpUrl = `${queryUrl}${LOKI_HTTP_PATHS.otlp}`;
  }
}

/** Endpoint paths the stack appends to a Loki base URL (longest first), which a base URL should not end with. */
const LOKI_ENDPOINT_PATHS = [LOKI_HTTP_PATHS.push, `${LOKI_HTTP_PATHS.otlp}/v1/logs`, LOKI_HTTP_PATHS.otlp, '/loki/api/v1/query_range', '/loki/api/v1/query', '/loki/api/v1'];

/**
 * Loki 3.x in single-binary mode (`-target=all`): one StatefulSet pod runs every module, stores chunks and the TSDB
 * index on its PersistentVolumeClaim (filesystem object store) and applies retention with its compactor. It takes
 * logs on the push API and natively over OTLP/HTTP (`otlpUrl`), and answers LogQL on the Service (`queryUrl`).
 *
 * Single-binary Loki does not scale out (the filesystem store is not shared); it handles tens of MB/s on one node.
 * Past that, run Loki's simple-scalable mode with an object store and point the stack at it with `Loki.fromUrl`.
 */
export class Loki extends Construct implements ILoki, INetworkComponent {
  /**
   * An external Loki (e.g. a scalable deployment or Grafana Cloud's gateway), by its base URL. Push and OTLP
   * endpoints are derived from it; a URL that already ends with one of them (`/loki/api/v1/push`, `/otlp`) warns.
   * @throws ConfigError when the URL is not an absolute http(s) URL.
   */
  public static fromUrl(url: string): ILoki {
    const problems = httpUrlProblems(url, 'Loki.fromUrl.url', { base: true, example: 'http://loki-gateway.logging.svc:80' });
    if (problems.length > 0) throw new ConfigError(problems);
    // A push or OTLP URL given as the base would become .../push/otlp/v1/logs: legal, almost surely a mistake.
    emitWarnings(basePathWarnings(url, 'Loki.fromUrl.url', { component: 'Loki', endpoints: LOKI_ENDPOINT_PATHS }));
    return new ExternalLoki(baseUrl(url));
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
  /** The validated props, every default resolved. */
  public readonly model: LokiModel;
  /** The typed model `loki.yaml` is rendered from. */
  public readonly config: LokiConfig;
  public readonly statefulSet: kplus.StatefulSet;
  /** ClusterIP Service on 3100. */
  public readonly service: kplus.Service;
  /** Headless governing Service (HTTP and gRPC). */
  public readonly headlessService: kplus.Service;
  public readonly configMap: kplus.ConfigMap;
  /**
   * What the network policies know: the HTTP port takes pushes (the gateway), queries (Grafana) and scrapes. The gRPC
   * port serves only the single binary's own modules, in-process: no one else needs it.
   */
  public readonly network: ComponentNetwork;

  constructor(scope: Construct, id: string, props: LokiProps = {}) {
    super(scope, id);
    const model = lokiModel(props, this.node.path, defaultNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    this.name = model.name;
    this.image = model.image;

    this.serviceName = this.name;
    this.queryUrl = serviceUrl(this.serviceName, this.namespace, LOKI_PORTS.http.port);
    this.pushUrl = `${this.queryUrl}${LOKI_HTTP_PATHS.push}`;
    this.otlpUrl = `${this.queryUrl}${LOKI_HTTP_PATHS.otlp}`;

    // generator: typed config data, serialized once
    this.config = lokiConfig(model);
    const configFile = renderLokiConfig(this.config);

    // constructs
    const identity: ComponentIdentity = { name: LOKI_APP_NAME, instance: this.name, component: LOKI_COMPONENT, version: this.image };
    const http = [LOKI_PORTS.http];
    this.network = { pods: { namespace: this.namespace, podSelector: selectorLabels(identity) }, ports: { ingest: http, query: http, metrics: http } };
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
      scheduling: model.scheduling,
      identity,
      namespace: this.namespace,
      service: this.headlessService,
      user: LOKI_UID,
      group: LOKI_UID,
      fsGroup: LOKI_UID,
      terminationGracePeriodSeconds: LOKI_DEFAULTS.terminationGracePeriodSeconds,
      podAnnotations: {
        'checksum/config': checksum(configFile),
        [SCRAPE_ANNOTATIONS.scrape]: 'true',
        [SCRAPE_ANNOTATIONS.port]: String(LOKI_PORTS.http.port),
      },
      claims: [{ name: 'data', mountPath: LOKI_PATHS.data, size: model.storageSize, storageClassName: model.storageClassName }],
      containers: [
        {
          name: 'loki',
          image: this.image,
          // https://grafana.com/docs/loki/latest/get-started/deployment-modes/#monolithic-mode
          args: ['-target=all', `-config.file=${LOKI_PATHS.configDir}/${LOKI_CONFIG_FILE}`],
          ports: [LOKI_PORTS.http, LOKI_PORTS.grpc],
          resources: model.resources,
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
}
