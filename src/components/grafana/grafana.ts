import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { ApiObject, JsonPatch, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { IAlertmanager, IJaeger, ILoki, IPrometheus, serviceUrl } from '../../common/endpoints';
import { ConfigError, ProblemCollector } from '../../common/errors';
import { ComponentIdentity, recommendedLabels } from '../../common/labels';
import { parseByteQuantity } from '../../common/quantity';
import { checksum } from '../../common/serialize';
import { stackService } from '../../common/service';
import { MountSpec, ResourceSpec, resourceProblems, secureDeployment } from '../../common/workload';
import { ImageVersion, VERSIONS } from '../../versions';
import {
  DashboardProvider,
  GrafanaDatasource,
  GrafanaIni,
  checkDuration,
  dashboardFile,
  defaultGrafanaIni,
  folderKey,
  grafanaDatasources,
  mergeIni,
  renderDashboardProvidersFile,
  renderDatasourcesFile,
  renderGrafanaIni,
  validateIni,
} from './config';
import { dashboardProblems } from './dashboard-checks';
import { GENERAL_FOLDER_KEY, GRAFANA_DEFAULTS, GRAFANA_PATHS } from './defaults';

/** What other components need from a Grafana: where it answers. */
export interface IGrafana {
  /** In-cluster base URL, e.g. `http://grafana.observability.svc:3000`. */
  readonly url: string;
  readonly serviceName: string;
  readonly namespace: string;
}

export interface GrafanaEmptyDirOptions {
  /** Evict the pod when the data directory grows past this (a Kubernetes quantity). @default - no limit */
  readonly sizeLimit?: string;
}

export interface GrafanaClaimOptions {
  /** Requested size, a Kubernetes quantity, e.g. `10Gi`. */
  readonly size: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/**
 * Where Grafana keeps its database (users, preferences, annotations, alert state). Datasources and dashboards are
 * provisioned from code on every start, so an emptyDir loses only what users changed by hand.
 */
export class GrafanaStorage {
  /** A pod-local directory, emptied when the pod is replaced. */
  public static emptyDir(options: GrafanaEmptyDirOptions = {}): GrafanaStorage {
    return new GrafanaStorage('emptyDir', options.sizeLimit);
  }

  /** A PersistentVolumeClaim (ReadWriteOnce; the Deployment then replaces its pod with the Recreate strategy). */
  public static persistentVolumeClaim(options: GrafanaClaimOptions): GrafanaStorage {
    return new GrafanaStorage('persistentVolumeClaim', options.size, options.storageClassName);
  }

  private constructor(
    public readonly kind: 'emptyDir' | 'persistentVolumeClaim',
    /** emptyDir: the size limit; claim: the requested size. */
    public readonly size?: string,
    public readonly storageClassName?: string,
  ) {}
}

export interface GrafanaProps {
  /** @default 'observability' */
  readonly namespace?: string;
  /** Name of the Deployment, Service and the prefix of every other object. @default 'grafana' */
  readonly name?: string;
  /** @default VERSIONS.grafana */
  readonly image?: ImageVersion;
  /**
   * The Secret holding the admin credentials under the keys `admin-user` and `admin-password`. You create it (the
   * stack never holds the value), e.g.
   * `kubectl -n observability create secret generic grafana-admin --from-literal=admin-user=admin --from-file=admin-password=./pw`.
   * Grafana reads it at start through `GF_SECURITY_ADMIN_*__FILE`; with persistent storage it only sets the password
   * of a new database.
   * @default 'grafana-admin'
   */
  readonly adminSecretName?: string;
  /** Provisions the default "Prometheus" datasource (uid `prometheus`). @default - no Prometheus datasource */
  readonly prometheus?: IPrometheus;
  /** Provisions the "Loki" datasource (uid `loki`). @default - no Loki datasource */
  readonly loki?: ILoki;
  /** Provisions the "Jaeger" datasource (uid `jaeger`). @default - no Jaeger datasource */
  readonly jaeger?: IJaeger;
  /** Provisions the "Alertmanager" datasource (uid `alertmanager`). @default - no Alertmanager datasource */
  readonly alertmanager?: IAlertmanager;
  /** Prometheus' scrape interval, so `$__rate_interval` spans at least four scrapes. @default - Grafana's 15s */
  readonly prometheusScrapeInterval?: string;
  /** The exemplar label that holds a trace id. @default 'trace_id' */
  readonly exemplarTraceIdLabel?: string;
  /**
   * Extra grafana.ini settings, merged over the defaults (analytics and update checks off, console logging, sign-up
   * and anonymous access off). Secrets are refused: reference a mounted file with `$__file{...}` instead.
   * @default - none
   */
  readonly settings?: GrafanaIni;
  /** @default - 100m CPU, 256Mi memory requested, 512Mi memory limit */
  readonly resources?: ResourceSpec;
  /** @default GrafanaStorage.emptyDir() */
  readonly storage?: GrafanaStorage;
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

interface DashboardChunk {
  readonly configMap: kplus.ConfigMap;
  readonly name: string;
  readonly dir: string;
  bytes: number;
}

interface DashboardFolder {
  readonly key: string;
  readonly title?: string;
  readonly chunks: DashboardChunk[];
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DASHBOARD_UID = /^[A-Za-z0-9_-]{1,40}$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Grafana, provisioned entirely from code: grafana.ini, datasources for the backends it is given (with trace, log and
 * metric correlations wired by stable uid), and dashboards from ConfigMaps. Admin credentials come from a Secret the
 * user creates; no secret value appears in any object.
 *
 * Dashboards added with `addDashboard` (also after construction) are packed into ConfigMaps of at most ~900 KiB per
 * folder; each ConfigMap is mounted in its own directory under its folder's provider path.
 */
export class Grafana extends Construct implements IGrafana {
  public readonly namespace: string;
  public readonly name: string;
  public readonly serviceName: string;
  public readonly url: string;
  public readonly image: ImageVersion;
  public readonly adminSecretName: string;
  public readonly resources: ResourceSpec;
  public readonly storage: GrafanaStorage;
  /** The provisioned datasources, in file order. */
  public readonly datasources: readonly GrafanaDatasource[];
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;

  private readonly identity: ComponentIdentity;
  private readonly container: kplus.Container;
  private readonly iniFile: string;
  private readonly datasourcesFile: string;
  private readonly folders = new Map<string, DashboardFolder>();
  private readonly _dashboards: GrafanaDashboardInfo[] = [];

  constructor(scope: Construct, id: string, props: GrafanaProps = {}) {
    super(scope, id);
    const path = this.node.path;

    // model: defaults resolved once, bad input reported together
    this.namespace = props.namespace ?? GRAFANA_DEFAULTS.namespace;
    this.name = props.name ?? GRAFANA_DEFAULTS.name;
    this.image = props.image ?? VERSIONS.grafana;
    this.adminSecretName = props.adminSecretName ?? GRAFANA_DEFAULTS.adminSecretName;
    this.resources = props.resources ?? GRAFANA_DEFAULTS.resources;
    this.storage = props.storage ?? GrafanaStorage.emptyDir();
    const ini = mergeIni(defaultGrafanaIni(GRAFANA_DEFAULTS.port), props.settings);
    const problems = new ProblemCollector();
    problems.check(() => checkName(`${path}.namespace`, this.namespace, DNS_LABEL, 63));
    problems.check(() => checkName(`${path}.name`, this.name, DNS_LABEL, 40));
    problems.check(() => checkName(`${path}.adminSecretName`, this.adminSecretName, DNS_SUBDOMAIN, 253));
    problems.check(() => checkDuration(props.prometheusScrapeInterval, `${path}.prometheusScrapeInterval`));
    problems.check(() => validateIni(ini, `${path}.settings`));
    if (this.storage.size !== undefined) problems.check(() => parseByteQuantity(this.storage.size!, `${path}.storage.size`));
    problems.addAll(resourceProblems(props.resources, `${path}.resources`));
    problems.throwIfAny();

    this.serviceName = this.name;
    this.url = serviceUrl(this.serviceName, this.namespace, GRAFANA_DEFAULTS.port);
    this.identity = { name: 'grafana', instance: this.name, component: 'visualization', version: this.image };

    // generators: typed config data, serialized once
    this.datasources = grafanaDatasources(props, {
      scrapeInterval: props.prometheusScrapeInterval,
      exemplarTraceIdLabel: props.exemplarTraceIdLabel ?? GRAFANA_DEFAULTS.exemplarTraceIdLabel,
    });
    this.iniFile = renderGrafanaIni(ini);
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

    const adminSecret = kplus.Secret.fromSecretName(this, 'AdminSecret', this.adminSecretName);
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

    const env = (value: string) => kplus.EnvValue.fromValue(value);
    this.deployment = secureDeployment(this, 'Resource', {
      identity: this.identity,
      namespace: this.namespace,
      user: GRAFANA_DEFAULTS.uid,
      group: GRAFANA_DEFAULTS.gid,
      fsGroup: GRAFANA_DEFAULTS.gid,
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
          },
          ports: [{ name: 'http', port: GRAFANA_DEFAULTS.port }],
          resources: this.resources,
          readiness: { path: GRAFANA_DEFAULTS.healthPath, port: GRAFANA_DEFAULTS.port, periodSeconds: 10 },
          // Database migrations on a first start or an upgrade can take a minute: give them room before restarting.
          liveness: { path: GRAFANA_DEFAULTS.healthPath, port: GRAFANA_DEFAULTS.port, initialDelaySeconds: 60, periodSeconds: 10, failureThreshold: 6 },
          mounts,
        },
      ],
    });
    this.container = this.deployment.containers[0];
    if (this.storage.kind === 'persistentVolumeClaim') {
      // A ReadWriteOnce claim cannot attach to a second pod: stop the old pod before starting the new one.
      ApiObject.of(this.deployment).addJsonPatch(JsonPatch.replace('/spec/strategy', { type: 'Recreate' }));
    }

    this.service = stackService(this, 'Service', {
      identity: this.identity,
      namespace: this.namespace,
      ports: [{ name: 'http', port: GRAFANA_DEFAULTS.port }],
    });
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
    let chunk = folder.chunks[folder.chunks.length - 1];
    if (!chunk || chunk.bytes + file.bytes > GRAFANA_DEFAULTS.maxDashboardConfigMapBytes) chunk = this.addChunk(folder);
    chunk.configMap.addData(file.fileName, file.content);
    chunk.bytes += file.bytes;

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
    const created: DashboardFolder = { key, title, chunks: [] };
    this.folders.set(key, created);
    return created;
  }

  private addChunk(folder: DashboardFolder): DashboardChunk {
    const index = folder.chunks.length;
    const name = `${this.name}-dashboards-${folder.key}-${index}`;
    const dir = `${GRAFANA_PATHS.dashboards}/${folder.key}/${index}`;
    const configMap = new kplus.ConfigMap(this, `Dashboards-${folder.key}-${index}`, {
      metadata: {
        name,
        namespace: this.namespace,
        labels: { ...recommendedLabels(this.identity), 'grafana.observability-stack/folder': folder.key },
        // Client-side apply copies the object into an annotation limited to 256 KiB; dashboard ConfigMaps can be
        // larger, so Argo CD applies them server-side
        // (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#server-side-apply).
        annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' },
      },
    });
    const volume = kplus.Volume.fromConfigMap(this, `DashboardsVolume-${folder.key}-${index}`, configMap, {
      name: `dashboards-${folder.key}-${index}`,
    });
    this.container.mount(dir, volume, { readOnly: true });
    const chunk: DashboardChunk = { configMap, name, dir, bytes: 0 };
    folder.chunks.push(chunk);
    return chunk;
  }

  private dataVolume(labels: Record<string, string>): kplus.Volume {
    if (this.storage.kind === 'emptyDir') {
      const sizeLimit = this.storage.size ? Size.mebibytes(Math.ceil(parseByteQuantity(this.storage.size, 'storage.size') / 2 ** 20)) : undefined;
      return kplus.Volume.fromEmptyDir(this, 'DataVolume', 'data', { sizeLimit });
    }
    const claimName = `${this.name}-data`;
    new k8s.KubePersistentVolumeClaim(this, 'DataClaim', {
      metadata: { name: claimName, namespace: this.namespace, labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: this.storage.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(this.storage.size!) } },
      },
    });
    const claim = kplus.PersistentVolumeClaim.fromClaimName(this, 'DataClaimRef', claimName);
    return kplus.Volume.fromPersistentVolumeClaim(this, 'DataVolume', claim, { name: 'data' });
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

function checkName(path: string, value: string, pattern: RegExp, max: number): void {
  if (typeof value !== 'string' || !pattern.test(value) || value.length > max) {
    throw new ConfigError({
      path,
      message: `must be a lower-case DNS name of at most ${max} characters`,
      value,
      fix: 'use lower-case letters, digits and "-", starting with a letter, e.g. "grafana".',
    });
  }
}
