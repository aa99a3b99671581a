import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { serviceUrl } from '../../common/endpoints';
import { ConfigProblem, ConfigWarning, emitWarnings, ProblemCollector } from '../../common/errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { ComponentModel, componentModel } from '../../common/model';
import { DEFAULT_NAMESPACE, defaultNamespace } from '../../common/namespace';
import { checksum } from '../../common/serialize';
import { stackService } from '../../common/service';
import { wholeNumberProblems } from '../../common/validation';
import { ResourceSpec, SchedulableProps, secureDeployment } from '../../common/workload';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { ImageVersion, VERSIONS } from '../../versions';
import { JaegerSearchStorageModel, SEARCH_DEFAULTS, searchClientProblems } from '../jaeger/elasticsearch';
import { searchEgress } from '../jaeger/jaeger';
import { OpenSearchDashboardsConfig, renderOpenSearchDashboardsConfig } from './config';
import { OSD_APP_NAME, OSD_COMPONENT, OSD_CONFIG_FILE, OSD_DEFAULTS, OSD_PASSWORD_ENV, OSD_PATHS, OSD_PORT, OSD_STATUS_PATH, OSD_UID } from './defaults';

/**
 * OpenSearch Dashboards beside the OpenSearch cluster Jaeger stores its spans in (issue 15): the seed's "Kibana"
 * box where OpenSearch is the trace store. By default it reads the same cluster with the same Secret as Jaeger's
 * storage (URLs, user, password key, CA key); each can be overridden, e.g. for the cluster's own dashboards user.
 */
export interface OpenSearchDashboardsProps extends SchedulableProps {
  /** @default - the chart's namespace, else 'observability' */
  readonly namespace?: string;
  /** Name of the Deployment, Service and ConfigMap prefix (`app.kubernetes.io/instance`). @default 'opensearch-dashboards' */
  readonly name?: string;
  /**
   * The image. Its release must match the OpenSearch cluster's ("OpenSearch Dashboards 2.3.0 works with OpenSearch
   * 2.3.0"): give the cluster's release here, e.g. `{ repository: 'docker.io/opensearchproject/opensearch-dashboards', tag: '2.17.1' }`.
   * @default VERSIONS.openSearchDashboards
   */
  readonly image?: ImageVersion;
  /** @default 1 */
  readonly replicas?: number;
  /** @default - 100m CPU, 1Gi memory request and limit */
  readonly resources?: ResourceSpec;
  /** The cluster's HTTP(S) URLs (`opensearch.hosts`). @default - the Jaeger storage's `serverUrls` */
  readonly serverUrls?: readonly string[];
  /**
   * A Secret in the namespace holding the password and the CA, mounted read-only; the CA is read as a file, the
   * password through `${OPENSEARCH_PASSWORD}` (OpenSearch Dashboards has no password file: `OSD_PASSWORD_EXCEPTION`).
   * @default - the Jaeger storage's `secretName`
   */
  readonly secretName?: string;
  /** The server's own user (`opensearch.username`, e.g. `kibanaserver`). @default - the Jaeger storage's `username` */
  readonly username?: string;
  /** Key of the password in the Secret. @default - the Jaeger storage's `passwordKey` ('password') */
  readonly passwordKey?: string;
  /** Key of the cluster's CA certificate (PEM) in the Secret; https URLs only. @default - the Jaeger storage's `caKey` */
  readonly caKey?: string;
  /**
   * The Jaeger storage whose cluster it reads: the defaults of the fields above, and the index patterns to create
   * (`indexPatterns`). The stack passes its Jaeger's. @default - none: `serverUrls` is then required
   */
  readonly jaegerStorage?: JaegerSearchStorageModel;
}

/** The validated props, every default resolved. */
export interface OpenSearchDashboardsModel extends ComponentModel {
  readonly replicas: number;
  readonly serverUrls: readonly string[];
  readonly secretName?: string;
  readonly username?: string;
  readonly passwordKey: string;
  readonly caKey?: string;
  /**
   * The index patterns to create in Dashboards Management for Jaeger's indices (`<indexPrefix>-jaeger-span-*` with
   * time field `startTimeMillis`, `<indexPrefix>-jaeger-service-*`); empty without a Jaeger storage.
   */
  readonly indexPatterns: readonly string[];
}

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function openSearchDashboardsModel(props: OpenSearchDashboardsProps = {}, path = 'OpenSearchDashboards', namespace = DEFAULT_NAMESPACE): OpenSearchDashboardsModel {
  const c = new ProblemCollector();
  const base = componentModel(props, { name: OSD_DEFAULTS.name, image: VERSIONS.openSearchDashboards, resources: OSD_DEFAULTS.resources }, path, namespace, c);
  const storage = props.jaegerStorage;
  const replicas = props.replicas ?? OSD_DEFAULTS.replicas;
  c.addAll(wholeNumberProblems(replicas, `${path}.replicas`, { fix: 'use 1 or more.' }));
  const serverUrls = [...(props.serverUrls ?? storage?.serverUrls ?? [])];
  const secretName = props.secretName ?? storage?.secretName;
  const username = props.username ?? storage?.username;
  const passwordKey = props.passwordKey ?? storage?.passwordKey ?? SEARCH_DEFAULTS.passwordKey;
  const caKey = props.caKey ?? storage?.caKey;
  c.addAll(searchClientProblems({ serverUrls, secretName, username, passwordKey, caKey }, path, storage ? 'is empty' : 'is required without a Jaeger storage to take it from'));
  c.throwIfAny();
  const indexPatterns = storage ? [`${storage.indexPrefix}-jaeger-span-*`, `${storage.indexPrefix}-jaeger-service-*`] : [];
  return { ...base, replicas, serverUrls, secretName, username, passwordKey, caKey, indexPatterns };
}

/** The typed `opensearch_dashboards.yml` of a model (pure). */
export function openSearchDashboardsConfig(m: OpenSearchDashboardsModel): OpenSearchDashboardsConfig {
  return {
    serverHost: '0.0.0.0',
    serverPort: OSD_PORT.port,
    serverName: m.name,
    hosts: m.serverUrls,
    username: m.username,
    passwordEnv: m.username !== undefined ? OSD_PASSWORD_ENV : undefined,
    certificateAuthorities: m.caKey !== undefined ? [`${OSD_PATHS.secretDir}/${m.caKey}`] : undefined,
    statusAllowAnonymous: true,
  };
}

/**
 * Suspicious settings (pure): no user with the upstream image, whose security plugin "requires a secured OpenSearch
 * cluster" (OpenSearch docs, Disabling security → Removing the OpenSearch Dashboards plugin) and logs in with
 * `opensearch.username`.
 */
export function openSearchDashboardsWarnings(m: OpenSearchDashboardsModel, path: string): ConfigWarning[] {
  if (m.username !== undefined || m.image.repository !== VERSIONS.openSearchDashboards.repository) return [];
  return [
    {
      code: 'OSD_NO_SERVER_USER',
      path: `${path}.username`,
      message: 'is unset, but the upstream image carries the security plugin, which requires a secured OpenSearch cluster and a server user',
      value: undefined,
      fix: 'give username (e.g. "kibanaserver") with secretName and passwordKey, or, for a cluster without security, an image built without the plugin (opensearch-dashboards-plugin remove securityDashboards).',
    },
  ];
}

/** Problems of `openSearchDashboards` on a stack whose Jaeger does not store in OpenSearch (pure). */
export function openSearchDashboardsStorageProblems(jaegerStorageKind: string | undefined, path: string): ConfigProblem[] {
  if (jaegerStorageKind === 'opensearch') return [];
  return [
    {
      path,
      message: 'needs Jaeger on OpenSearch storage: OpenSearch Dashboards reads only OpenSearch (Grafana reads the other stores)',
      value: jaegerStorageKind === undefined ? 'jaeger: no in-stack Jaeger' : `jaeger.storage: ${jaegerStorageKind}`,
      fix: 'set jaeger.storage to JaegerStorage.opensearch({ serverUrls, secretName, ... }), or drop openSearchDashboards.',
    },
  ];
}

export class OpenSearchDashboards extends Construct implements INetworkComponent {
  public readonly namespace: string;
  public readonly name: string;
  /** e.g. `http://opensearch-dashboards.observability.svc:5601` */
  public readonly url: string;
  /** The validated props, every default resolved. */
  public readonly model: OpenSearchDashboardsModel;
  /** The typed model `opensearch_dashboards.yml` is rendered from. */
  public readonly config: OpenSearchDashboardsConfig;
  public readonly configMap: kplus.ConfigMap;
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  /** What the network policies know: the UI port (people, through the ingress controller) and the cluster egress. */
  public readonly network: ComponentNetwork;

  constructor(scope: Construct, id: string, props: OpenSearchDashboardsProps = {}) {
    super(scope, id);
    const model = openSearchDashboardsModel(props, this.node.path, defaultNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    this.name = model.name;
    this.url = serviceUrl(model.name, model.namespace, OSD_PORT.port);
    this.config = openSearchDashboardsConfig(model);
    emitWarnings(openSearchDashboardsWarnings(model, this.node.path));
    const configFile = renderOpenSearchDashboardsConfig(this.config);

    const identity: ComponentIdentity = { name: OSD_APP_NAME, instance: model.name, component: OSD_COMPONENT, version: model.image };
    this.network = {
      pods: { namespace: model.namespace, podSelector: selectorLabels(identity) },
      ports: { ui: [OSD_PORT] },
      egress: searchEgress(model.serverUrls, 'OpenSearch Dashboards reads and writes its saved objects and queries the indices in OpenSearch'),
    };
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${model.name}-config`, namespace: model.namespace, labels: recommendedLabels(identity) },
      data: { [OSD_CONFIG_FILE]: configFile },
    });
    const configVolume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' });
    const dataVolume = kplus.Volume.fromEmptyDir(this, 'DataVolume', 'data');
    const tmpVolume = kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp');
    const secret = model.secretName !== undefined ? kplus.Secret.fromSecretName(this, 'SecretRef', model.secretName) : undefined;
    const secretMount = secret ? [{ volume: kplus.Volume.fromSecret(this, 'SecretVolume', secret, { name: 'opensearch', defaultMode: 0o440 }), path: OSD_PATHS.secretDir }] : [];
    const env = secret && model.username !== undefined ? { [OSD_PASSWORD_ENV]: kplus.EnvValue.fromSecretValue({ secret, key: model.passwordKey }) } : undefined;

    this.deployment = secureDeployment(this, 'Resource', {
      scheduling: model.scheduling,
      identity,
      namespace: model.namespace,
      replicas: model.replicas,
      user: OSD_UID,
      group: OSD_UID,
      fsGroup: OSD_UID,
      podAnnotations: { 'checksum/config': checksum(configFile) },
      containers: [
        {
          name: OSD_APP_NAME,
          image: model.image,
          command: [OSD_PATHS.binary],
          args: [`--config=${OSD_PATHS.configDir}/${OSD_CONFIG_FILE}`],
          env,
          ports: [OSD_PORT],
          resources: model.resources,
          // The server optimizes nothing at start (the image ships built bundles), but it waits for OpenSearch.
          readiness: { path: OSD_STATUS_PATH, port: OSD_PORT.port, initialDelaySeconds: 10, periodSeconds: 10 },
          liveness: { path: OSD_STATUS_PATH, port: OSD_PORT.port, initialDelaySeconds: 60, periodSeconds: 20, failureThreshold: 6 },
          mounts: [
            { volume: configVolume, path: OSD_PATHS.configDir },
            { volume: dataVolume, path: OSD_PATHS.data, readOnly: false },
            { volume: tmpVolume, path: OSD_PATHS.tmp, readOnly: false },
            ...secretMount,
          ],
        },
      ],
    });
    this.service = stackService(this, 'Service', { identity, namespace: model.namespace, ports: [OSD_PORT] });
  }
}
