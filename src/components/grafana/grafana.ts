import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { ConfigMapPack, PackedConfigMap } from '../../common/configmap-pack';
import { serviceUrl } from '../../common/endpoints';
import { ConfigError } from '../../common/errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { defaultNamespace } from '../../common/namespace';
import { checksum } from '../../common/serialize';
import { tlsSecret } from '../../common/tls';
import { stackService } from '../../common/service';
import { MountSpec, secureDeployment } from '../../common/workload';
import { ComponentNetwork, INetworkComponent, NetworkPeer } from '../../network/peer';
import { ImageVersion } from '../../versions';
import {
  DASHBOARD_UID,
  DashboardProvider,
  GrafanaConfig,
  GrafanaDatasource,
  dashboardFile,
  folderKey,
  grafanaDatasources,
  renderDashboardProvidersFile,
  renderDatasourcesFile,
  renderGrafanaIni,
} from './config';
import { dashboardProblems } from './dashboard-checks';
import { GENERAL_FOLDER_KEY, GRAFANA_DEFAULTS, GRAFANA_PATHS } from './defaults';
import { GrafanaModel, GrafanaProps, grafanaModel } from './model';

/** What other components need from a Grafana: where it answers. */
export interface IGrafana {
  /** In-cluster base URL, e.g. `http://grafana.observability.svc:3000`. */
  readonly url: string;
  readonly serviceName: string;
  readonly namespace: string;
}

export interface AddDashboardOptions {
  /** Folder title. @default - the root ("General") folder */
  readonly folder?: string;
}

/** A provisioned dashboard and where it lives. */
export interface GrafanaDashboardInfo {
  readonly uid: string;
  readonly title: string;
  /** @default - the root folder */
  readonly folder?: string;
  readonly configMapName: string;
  readonly fileName: string;
  /** The file in the pod. */
  readonly path: string;
}

interface DashboardConfigMap extends PackedConfigMap {
  readonly name: string;
  readonly dir: string;
}

interface DashboardFolder {
  readonly key: string;
  readonly title?: string;
  readonly pack: ConfigMapPack<DashboardConfigMap>;
}

/**
 * Grafana, provisioned entirely from code: grafana.ini, datasources for the backends it is given (with trace, log and
 * metric correlations wired by stable uid), and dashboards from ConfigMaps. Admin credentials come from a Secret the
 * user creates; no secret value appears in any object.
 *
 * Dashboards added with `addDashboard` (also after construction) are packed into ConfigMaps of at most ~900 KiB per
 * folder; each ConfigMap is mounted in its own directory under its folder's provider path.
 */
export class Grafana extends Construct implements IGrafana, INetworkComponent {
  public readonly namespace: string;
  public readonly name: string;
  public readonly serviceName: string;
  public readonly url: string;
  public readonly image: ImageVersion;
  /** The validated props, every default resolved. */
  public readonly model: GrafanaModel;
  /** The provisioned datasources, in file order. */
  public readonly datasources: readonly GrafanaDatasource[];
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  /** The Ingress for people (`ingress` prop). */
  public readonly ingress?: k8s.KubeIngress;
  /** What the network policies know: one HTTP port, for people (through the ingress controller) and for scrapes. */
  public readonly network: ComponentNetwork;

  private readonly identity: ComponentIdentity;
  private readonly container: kplus.Container;
  private readonly iniFile: string;
  private readonly datasourcesFile: string;
  private readonly folders = new Map<string, DashboardFolder>();
  private readonly _dashboards: GrafanaDashboardInfo[] = [];

  constructor(scope: Construct, id: string, props: GrafanaProps = {}) {
    super(scope, id);
    const model = grafanaModel(props, this.node.path, defaultNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    this.name = model.name;
    this.image = model.image;
    this.serviceName = this.name;
    this.url = serviceUrl(this.serviceName, this.namespace, GRAFANA_DEFAULTS.port);
    this.identity = { name: 'grafana', instance: this.name, component: 'visualization', version: this.image };
    const http = [{ name: 'http', port: GRAFANA_DEFAULTS.port }];
    const db = model.database;
    this.network = {
      pods: { namespace: this.namespace, podSelector: selectorLabels(this.identity) },
      ports: { ui: http, metrics: http },
      egress: db ? [{ peers: db.peers ?? [NetworkPeer.allNamespaces(), ...NetworkPeer.anyAddress()], ports: [{ port: db.port, protocol: 'TCP' }], why: `Grafana keeps its state in ${db.type} at ${db.host}` }] : undefined,
    };

    // generators: typed config data, serialized once
    this.datasources = grafanaDatasources(props, {
      scrapeInterval: model.prometheusScrapeInterval,
      exemplarTraceIdLabel: model.exemplarTraceIdLabel,
    });
    this.iniFile = renderGrafanaIni(model.ini);
    this.datasourcesFile = renderDatasourcesFile(this.datasources);

    // constructs
    const labels = recommendedLabels(this.identity);
    const configName = `${this.name}-config`;
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: configName, namespace: this.namespace, labels },
      data: Lazy.any({ produce: () => this.configData() }),
    });
    const config = kplus.ConfigMap.fromConfigMapName(this, 'ConfigRef', configName);
    const configVolume = (volumeId: string, volumeName: string, key: string) =>
      kplus.Volume.fromConfigMap(this, volumeId, config, { name: volumeName, items: { [key]: { path: key } } });

    const adminSecret = kplus.Secret.fromSecretName(this, 'AdminSecret', model.adminSecretName);
    const adminVolume = kplus.Volume.fromSecret(this, 'AdminVolume', adminSecret, {
      name: 'admin',
      defaultMode: 0o440,
      items: {
        [GRAFANA_DEFAULTS.adminUserKey]: { path: GRAFANA_DEFAULTS.adminUserKey },
        [GRAFANA_DEFAULTS.adminPasswordKey]: { path: GRAFANA_DEFAULTS.adminPasswordKey },
      },
    });

    const mounts: MountSpec[] = [
      { volume: configVolume('ConfigVolume', 'config', 'grafana.ini'), path: GRAFANA_PATHS.configDir },
      { volume: configVolume('DatasourcesVolume', 'provisioning-datasources', 'datasources.yaml'), path: GRAFANA_PATHS.provisioningDatasources },
      { volume: configVolume('ProvidersVolume', 'provisioning-dashboards', 'dashboards.yaml'), path: GRAFANA_PATHS.provisioningDashboards },
      { volume: adminVolume, path: GRAFANA_PATHS.adminSecret },
      { volume: this.dataVolume(labels), path: GRAFANA_PATHS.data, readOnly: false },
      { volume: kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp'), path: GRAFANA_PATHS.tmp, readOnly: false },
    ];
    const fileEnv: Record<string, kplus.EnvValue> = {};
    if (db) {
      const secret = kplus.Secret.fromSecretName(this, 'DatabaseSecret', db.credentialsSecretName);
      mounts.push({
        volume: kplus.Volume.fromSecret(this, 'DatabaseVolume', secret, { name: 'database', defaultMode: 0o440, items: { user: { path: 'user' }, password: { path: 'password' } } }),
        path: GRAFANA_PATHS.databaseSecret,
      });
      // [database] from the environment (GF_<SECTION>_<KEY>); user and password as files through the image's run.sh.
      fileEnv.GF_DATABASE_TYPE = kplus.EnvValue.fromValue(db.type);
      fileEnv.GF_DATABASE_HOST = kplus.EnvValue.fromValue(db.host);
      fileEnv.GF_DATABASE_NAME = kplus.EnvValue.fromValue(db.name);
      fileEnv.GF_DATABASE_USER__FILE = kplus.EnvValue.fromValue(`${GRAFANA_PATHS.databaseSecret}/user`);
      fileEnv.GF_DATABASE_PASSWORD__FILE = kplus.EnvValue.fromValue(`${GRAFANA_PATHS.databaseSecret}/password`);
      if (db.type === 'postgres') fileEnv.GF_DATABASE_SSL_MODE = kplus.EnvValue.fromValue(db.sslMode ?? 'require');
    }
    if (model.secretKeySecretName) {
      const secret = kplus.Secret.fromSecretName(this, 'SecretKeySecret', model.secretKeySecretName);
      mounts.push({ volume: kplus.Volume.fromSecret(this, 'SecretKeyVolume', secret, { name: 'secret-key', defaultMode: 0o440, items: { 'secret-key': { path: 'secret-key' } } }), path: GRAFANA_PATHS.secretKey });
      fileEnv.GF_SECURITY_SECRET_KEY__FILE = kplus.EnvValue.fromValue(`${GRAFANA_PATHS.secretKey}/secret-key`);
    }

    const env = (value: string) => kplus.EnvValue.fromValue(value);
    this.deployment = secureDeployment(this, 'Resource', {
      scheduling: model.scheduling,
      identity: this.identity,
      namespace: this.namespace,
      replicas: model.replicas,
      user: GRAFANA_DEFAULTS.uid,
      group: GRAFANA_DEFAULTS.gid,
      fsGroup: GRAFANA_DEFAULTS.gid,
      // A ReadWriteOnce claim cannot attach to a second pod: stop the old pod before starting the new one.
      strategy: model.storage.kind === 'persistentVolumeClaim' ? 'Recreate' : undefined,
      podAnnotations: { 'checksum/config': Lazy.any({ produce: () => this.configChecksum() }) },
      containers: [
        {
          name: 'grafana',
          image: this.image,
          env: {
            GF_PATHS_CONFIG: env(GRAFANA_PATHS.configFile),
            GF_PATHS_DATA: env(GRAFANA_PATHS.data),
            GF_PATHS_PROVISIONING: env(GRAFANA_PATHS.provisioning),
            // The official image's run.sh reads each GF_*__FILE and exports its content as GF_* before starting
            // Grafana (https://grafana.com/docs/grafana/latest/setup-grafana/configure-docker/#configure-grafana-with-docker-secrets).
            GF_SECURITY_ADMIN_USER__FILE: env(`${GRAFANA_PATHS.adminSecret}/${GRAFANA_DEFAULTS.adminUserKey}`),
            GF_SECURITY_ADMIN_PASSWORD__FILE: env(`${GRAFANA_PATHS.adminSecret}/${GRAFANA_DEFAULTS.adminPasswordKey}`),
            ...fileEnv,
          },
          ports: http,
          resources: model.resources,
          readiness: { path: GRAFANA_DEFAULTS.healthPath, port: GRAFANA_DEFAULTS.port, periodSeconds: 10 },
          // Database migrations on a first start or an upgrade can take a minute: give them room before restarting.
          liveness: { path: GRAFANA_DEFAULTS.healthPath, port: GRAFANA_DEFAULTS.port, initialDelaySeconds: 60, periodSeconds: 10, failureThreshold: 6 },
          mounts,
        },
      ],
    });
    this.container = this.deployment.containers[0];

    this.service = stackService(this, 'Service', {
      identity: this.identity,
      namespace: this.namespace,
      ports: http,
    });

    const ing = model.ingress;
    if (ing) {
      const secretName = ing.tls ? tlsSecret(this, 'Certificate', ing.tls, { namespace: this.namespace, name: this.name, dnsNames: [ing.host], labels }) : undefined;
      this.ingress = new k8s.KubeIngress(this, 'Ingress', {
        metadata: { name: this.name, namespace: this.namespace, labels, annotations: ing.annotations ? { ...ing.annotations } : undefined },
        spec: {
          ingressClassName: ing.ingressClassName,
          tls: secretName ? [{ hosts: [ing.host], secretName }] : undefined,
          rules: [
            {
              host: ing.host,
              http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: this.serviceName, port: { name: http[0].name } } } }] },
            },
          ],
        },
      });
    }
  }

  /** Every provisioned dashboard, in the order added. */
  public get dashboards(): readonly GrafanaDashboardInfo[] {
    return [...this._dashboards];
  }

  /**
   * Provisions a dashboard built with `@grafana/grafana-foundation-sdk` (`new DashboardBuilder(...).uid(...).build()`).
   * It lands in the folder's last ConfigMap, or a new one when that would pass ~900 KiB, so adding a dashboard never
   * moves the others.
   * Every query is validated in its datasource's language (PromQL for Prometheus targets, LogQL for Loki targets, with
   * Grafana's variables and macros as placeholders), and every datasource a panel, query, variable or annotation
   * references must be provisioned here or be a Grafana built-in (see `dashboardProblems`).
   * @throws ConfigError when the uid is missing or already used, the title is taken in that folder, a query is invalid
   * or names a datasource Grafana does not have, or the dashboard alone is too large for a ConfigMap.
   */
  public addDashboard(dashboard: Dashboard, options: AddDashboardOptions = {}): GrafanaDashboardInfo {
    const uid = (dashboard as { uid?: unknown } | undefined)?.uid;
    const at = `${this.node.path}.dashboards[${typeof uid === 'string' && DASHBOARD_UID.test(uid) ? uid : this._dashboards.length}]`;
    const file = dashboardFile(dashboard, at);
    const key = folderKey(options.folder, `${at}.folder`);
    // Checked on the JSON as provisioned, so what is validated is exactly what Grafana will load.
    const problems = dashboardProblems(JSON.parse(file.content), this.datasources, at);
    if (problems.length > 0) throw new ConfigError(problems);
    const taken = this._dashboards.find((d) => d.uid === file.uid);
    if (taken) {
      throw new ConfigError({
        path: `${at}.uid`,
        message: `is already used by the dashboard "${taken.title}"`,
        value: file.uid,
        fix: 'give every dashboard its own uid (Grafana identifies dashboards by uid across all folders).',
      });
    }
    const sameTitle = this._dashboards.find((d) => d.title === file.title && folderKeyOf(d) === key);
    if (sameTitle) {
      throw new ConfigError({
        path: `${at}.title`,
        message: `is already the title of dashboard "${sameTitle.uid}" in the same folder`,
        value: file.title,
        fix: 'give dashboards of one folder distinct titles, or put one in another folder.',
      });
    }
    if (file.bytes > GRAFANA_DEFAULTS.maxDashboardConfigMapBytes) {
      throw new ConfigError({
        path: at,
        message: `serializes to ${file.bytes} bytes, more than the ${GRAFANA_DEFAULTS.maxDashboardConfigMapBytes} a dashboard ConfigMap may hold`,
        value: file.uid,
        fix: 'split it into several dashboards (e.g. one per row) linked together.',
      });
    }

    const folder = this.folder(key, options.folder, `${at}.folder`);
    const chunk = folder.pack.add(file.fileName, file.content);

    const info: GrafanaDashboardInfo = {
      uid: file.uid,
      title: file.title,
      folder: options.folder,
      configMapName: chunk.name,
      fileName: file.fileName,
      path: `${chunk.dir}/${file.fileName}`,
    };
    this._dashboards.push(info);
    return info;
  }

  private folder(key: string, title: string | undefined, path: string): DashboardFolder {
    const existing = this.folders.get(key);
    if (existing) {
      if (existing.title !== title) {
        throw new ConfigError({
          path,
          message: `maps to the same folder key "${key}" as the folder "${existing.title}"`,
          value: title,
          fix: 'use the exact same title for one folder, or titles that differ in more than case and punctuation.',
        });
      }
      return existing;
    }
    const created: DashboardFolder = {
      key,
      title,
      pack: new ConfigMapPack<DashboardConfigMap>(GRAFANA_DEFAULTS.maxDashboardConfigMapBytes, (index) => this.openDashboardConfigMap(key, index)),
    };
    this.folders.set(key, created);
    return created;
  }

  private openDashboardConfigMap(key: string, index: number): DashboardConfigMap {
    const name = `${this.name}-dashboards-${key}-${index}`;
    const dir = `${GRAFANA_PATHS.dashboards}/${key}/${index}`;
    const configMap = new kplus.ConfigMap(this, `Dashboards-${key}-${index}`, {
      metadata: {
        name,
        namespace: this.namespace,
        labels: { ...recommendedLabels(this.identity), 'grafana.observability-stack/folder': key },
        // Client-side apply copies the object into an annotation limited to 256 KiB; dashboard ConfigMaps can be
        // larger, so Argo CD applies them server-side
        // (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#server-side-apply).
        annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' },
      },
    });
    const volume = kplus.Volume.fromConfigMap(this, `DashboardsVolume-${key}-${index}`, configMap, { name: `dashboards-${key}-${index}` });
    this.container.mount(dir, volume, { readOnly: true });
    return { configMap, name, dir, bytes: 0 };
  }

  private dataVolume(labels: Record<string, string>): kplus.Volume {
    const storage = this.model.storage;
    if (storage.kind === 'emptyDir') {
      const sizeLimit = storage.sizeLimit ? Size.mebibytes(Math.ceil(storage.sizeLimit.bytes / 2 ** 20)) : undefined;
      return kplus.Volume.fromEmptyDir(this, 'DataVolume', 'data', { sizeLimit });
    }
    const claimName = `${this.name}-data`;
    new k8s.KubePersistentVolumeClaim(this, 'DataClaim', {
      metadata: { name: claimName, namespace: this.namespace, labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: storage.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(storage.size.toKubernetes()) } },
      },
    });
    const claim = kplus.PersistentVolumeClaim.fromClaimName(this, 'DataClaimRef', claimName);
    return kplus.Volume.fromPersistentVolumeClaim(this, 'DataVolume', claim, { name: 'data' });
  }

  /** The typed models of grafana.ini, datasources.yaml and dashboards.yaml, as they stand. */
  public get config(): GrafanaConfig {
    return { ini: this.model.ini, datasources: this.datasources, dashboardProviders: this.providers() };
  }

  private providers(): DashboardProvider[] {
    return [...this.folders.values()].map((f) => ({
      name: f.key,
      folder: f.title,
      folderUid: f.key === GENERAL_FOLDER_KEY ? undefined : f.key,
      path: `${GRAFANA_PATHS.dashboards}/${f.key}`,
      updateIntervalSeconds: GRAFANA_DEFAULTS.dashboardUpdateIntervalSeconds,
    }));
  }

  private configData(): Record<string, string> {
    return {
      'grafana.ini': this.iniFile,
      'datasources.yaml': this.datasourcesFile,
      'dashboards.yaml': renderDashboardProvidersFile(this.providers()),
    };
  }

  /** Files Grafana reads only at start; dashboards are re-read while running and need no restart. */
  private configChecksum(): string {
    const data = this.configData();
    return checksum(data['grafana.ini'], data['datasources.yaml'], data['dashboards.yaml']);
  }
}

function folderKeyOf(d: GrafanaDashboardInfo): string {
  return folderKey(d.folder, 'folder');
}
