import { DurationInput, PromDuration } from '../../common/duration';
import { IAlertmanager, IJaeger, ILoki, IPrometheus } from '../../common/endpoints';
import { ProblemCollector } from '../../common/errors';
import { DEFAULT_NAMESPACE } from '../../common/namespace';
import { ByteSize } from '../../common/quantity';
import { ComponentModel, componentModel } from '../../common/model';
import { dns1123SubdomainProblems, hostPortProblems, kubernetesLabelKeyProblems, labelNameProblems, nonEmptyProblems, wholeNumberProblems } from '../../common/validation';
import { NetworkPeer } from '../../network/peer';
import { ResourceSpec, SchedulableProps } from '../../common/workload';
import { ImageVersion, VERSIONS } from '../../versions';
import { ConfigProblem } from '../../common/errors';
import { TlsCertificate } from '../../common/tls';
import { GrafanaIni, defaultGrafanaIni, exposureIni, mergeIni, validateIni } from './config';
import { GRAFANA_DEFAULTS } from './defaults';

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

/**
 * An external PostgreSQL or MySQL that Grafana keeps its state in: what lets more than one replica run
 * (https://grafana.com/docs/grafana/latest/setup-grafana/set-up-for-high-availability/). The credentials come from a
 * Secret you create, read as files (`GF_DATABASE_USER__FILE`, `GF_DATABASE_PASSWORD__FILE`: the image's run.sh
 * exports each `GF_*__FILE`'s content).
 */
export interface GrafanaDatabaseProps {
  readonly type: 'postgres' | 'mysql';
  /** `host:port` of the server. */
  readonly host: string;
  /** The database's name. */
  readonly name: string;
  /** The Secret holding the keys `user` and `password`. */
  readonly credentialsSecretName: string;
  /** PostgreSQL `ssl_mode`. @default 'require' (postgres); MySQL ignores it */
  readonly sslMode?: 'disable' | 'require' | 'verify-full';
  /** Who the server is, for Grafana's NetworkPolicy egress rule (on its port). @default - any pod and any address */
  readonly peers?: readonly NetworkPeer[];
}

/** Grafana for people: an Ingress at a host, optionally over TLS. */
export interface GrafanaIngressProps {
  /** The host people open, e.g. `grafana.example.com`; Grafana's `domain` and `root_url` follow it. */
  readonly host: string;
  /** @default - the cluster's default IngressClass */
  readonly ingressClassName?: string;
  /**
   * TLS at the ingress controller: a Secret you create, or a cert-manager Certificate the stack writes. With TLS,
   * Grafana's cookies are `Secure` and it sends HSTS.
   * @default - no TLS (plain HTTP: do not use beyond a trusted network)
   */
  readonly tls?: TlsCertificate;
  /** Annotations for the ingress controller (e.g. timeouts). @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface GrafanaProps extends SchedulableProps {
  /** @default - the chart's namespace, else 'observability' */
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
  readonly prometheusScrapeInterval?: DurationInput;
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
  /** Keep Grafana's state in an external PostgreSQL or MySQL (needed for `replicas` > 1). @default - SQLite in `storage` */
  readonly database?: GrafanaDatabaseProps;
  /**
   * Replicas; more than one needs `database` and `secretKeySecretName` (every replica must decrypt what another
   * encrypted), and a storage that is not a ReadWriteOnce claim. @default 1
   */
  readonly replicas?: number;
  /** The Secret holding the key `secret-key`, Grafana's `[security] secret_key` shared by every replica. @default - Grafana's built-in key (one replica only) */
  readonly secretKeySecretName?: string;
  /**
   * An Ingress for people. The stack's NetworkPolicies then need the ingress controller's namespace
   * (`networkPolicies.ingressController`).
   * @default - no Ingress (reach Grafana with `kubectl port-forward`)
   */
  readonly ingress?: GrafanaIngressProps;
}

/** The storage choice, validated. */
export type GrafanaStorageModel =
  | { readonly kind: 'emptyDir'; readonly sizeLimit?: ByteSize }
  | { readonly kind: 'persistentVolumeClaim'; readonly size: ByteSize; readonly storageClassName?: string };

/** The validated Grafana settings, every default resolved (the backends stay references: see `GrafanaProps`). */
export interface GrafanaModel extends ComponentModel {
  readonly adminSecretName: string;
  /** Prometheus' scrape interval for `$__rate_interval`. @default - Grafana's */
  readonly prometheusScrapeInterval?: PromDuration;
  readonly exemplarTraceIdLabel: string;
  /** grafana.ini: the defaults with the settings merged over them, checked. */
  readonly ini: GrafanaIni;
  readonly storage: GrafanaStorageModel;
  readonly ingress?: GrafanaIngressProps;
  readonly replicas: number;
  readonly database?: GrafanaDatabaseProps & { readonly port: number };
  readonly secretKeySecretName?: string;
}

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function grafanaModel(props: GrafanaProps = {}, path = 'Grafana', namespace = DEFAULT_NAMESPACE): GrafanaModel {
  const d = GRAFANA_DEFAULTS;
  const c = new ProblemCollector();
  const base = componentModel(props, { name: d.name, image: VERSIONS.grafana, resources: d.resources }, path, namespace, c);
  const adminSecretName = props.adminSecretName ?? d.adminSecretName;
  const storage = props.storage ?? GrafanaStorage.emptyDir();
  const exemplarTraceIdLabel = props.exemplarTraceIdLabel ?? d.exemplarTraceIdLabel;
  const ingress = props.ingress;
  if (ingress !== undefined) c.addAll(ingressProblems(ingress, `${path}.ingress`));
  const exposure = ingress ? { host: ingress.host, tls: ingress.tls !== undefined } : undefined;
  const ini = mergeIni(mergeIni(defaultGrafanaIni(d.port), exposureIni(exposure)), props.settings);
  c.addAll(dns1123SubdomainProblems(adminSecretName, `${path}.adminSecretName`));
  const scrapeInterval =
    props.prometheusScrapeInterval !== undefined
      ? c.value(() => PromDuration.from(props.prometheusScrapeInterval!, `${path}.prometheusScrapeInterval`, { positive: true }))
      : undefined;
  c.addAll(labelNameProblems(exemplarTraceIdLabel, `${path}.exemplarTraceIdLabel`));
  c.check(() => validateIni(ini, `${path}.settings`));
  const size = storage.size !== undefined ? c.value(() => ByteSize.parse(storage.size!, `${path}.storage.size`)) : undefined;
  if (storage.storageClassName !== undefined) c.addAll(dns1123SubdomainProblems(storage.storageClassName, `${path}.storage.storageClassName`));
  const replicas = props.replicas ?? 1;
  c.addAll(wholeNumberProblems(replicas, `${path}.replicas`, { min: 1, fix: 'use 1, or 2 with an external database.' }));
  let database: GrafanaModel['database'];
  if (props.database) {
    const db = props.database;
    if (db.type !== 'postgres' && db.type !== 'mysql') c.add({ path: `${path}.database.type`, message: 'must be "postgres" or "mysql"', value: db.type, fix: 'use "postgres" or "mysql".' });
    c.addAll(hostPortProblems(db.host, `${path}.database.host`, { example: 'grafana-db.example.com:5432' }));
    c.addAll(nonEmptyProblems(db.name, `${path}.database.name`, 'name the database, e.g. "grafana".'));
    c.addAll(dns1123SubdomainProblems(db.credentialsSecretName, `${path}.database.credentialsSecretName`));
    for (const [i, peer] of (db.peers ?? []).entries()) c.addAll(peer.problems(`${path}.database.peers[${i}]`));
    const port = Number(/:(\d+)$/.exec(String(db.host))?.[1] ?? (db.type === 'mysql' ? 3306 : 5432));
    database = { ...db, port };
  }
  if (props.secretKeySecretName !== undefined) c.addAll(dns1123SubdomainProblems(props.secretKeySecretName, `${path}.secretKeySecretName`));
  if (replicas > 1) {
    if (!props.database) c.add({ path: `${path}.replicas`, message: 'needs an external database: replicas on SQLite would each keep their own users, dashboards and alert state', value: replicas, fix: 'set database ({ type: "postgres", host, name, credentialsSecretName }), or use 1 replica on GrafanaStorage.persistentVolumeClaim.' });
    if (props.secretKeySecretName === undefined) c.add({ path: `${path}.secretKeySecretName`, message: 'is required with more than one replica: each replica must decrypt the datasource secrets another encrypted', value: undefined, fix: 'create a Secret with the key secret-key and name it here.' });
    if (storage.kind === 'persistentVolumeClaim') c.add({ path: `${path}.storage`, message: 'is a ReadWriteOnce claim, which a second replica cannot mount', value: 'persistentVolumeClaim', fix: 'use GrafanaStorage.emptyDir() with an external database.' });
  }
  c.throwIfAny();
  return {
    ...base,
    replicas,
    database,
    secretKeySecretName: props.secretKeySecretName,
    adminSecretName,
    prometheusScrapeInterval: scrapeInterval,
    exemplarTraceIdLabel,
    ini,
    ingress,
    storage: storage.kind === 'emptyDir' ? { kind: 'emptyDir', sizeLimit: size } : { kind: 'persistentVolumeClaim', size: size!, storageClassName: storage.storageClassName },
  };
}

function ingressProblems(ingress: GrafanaIngressProps, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [...dns1123SubdomainProblems(ingress.host, `${path}.host`)];
  if (ingress.ingressClassName !== undefined) problems.push(...dns1123SubdomainProblems(ingress.ingressClassName, `${path}.ingressClassName`));
  if (ingress.tls !== undefined) {
    if (!(ingress.tls instanceof TlsCertificate)) {
      problems.push({ path: `${path}.tls`, message: 'is not a TlsCertificate', value: ingress.tls, fix: 'use TlsCertificate.fromSecret(...) or TlsCertificate.fromCertManager(...).' });
    } else problems.push(...ingress.tls.problems(`${path}.tls`));
  }
  for (const key of Object.keys(ingress.annotations ?? {})) problems.push(...kubernetesLabelKeyProblems(key, `${path}.annotations`));
  return problems;
}
