import { DurationInput, PromDuration } from '../../common/duration';
import { IAlertmanager, IJaeger, ILoki, IPrometheus } from '../../common/endpoints';
import { ProblemCollector } from '../../common/errors';
import { DEFAULT_NAMESPACE } from '../../common/namespace';
import { ByteSize } from '../../common/quantity';
import { ComponentModel, componentModel } from '../../common/model';
import { dns1123SubdomainProblems, kubernetesLabelKeyProblems, labelNameProblems } from '../../common/validation';
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
  c.throwIfAny();
  return {
    ...base,
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
