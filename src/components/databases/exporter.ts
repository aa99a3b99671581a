import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DurationString, PromDuration } from '../../common/duration';
import { ConfigError, ProblemCollector } from '../../common/errors';
import { ComponentIdentity, selectorLabels } from '../../common/labels';
import { ComponentModel, componentModel } from '../../common/model';
import { stackService } from '../../common/service';
import { configKeyProblems, dns1123SubdomainProblems, durationProblems, flagProblems, componentNameProblems, nonEmptyProblems, portProblems } from '../../common/validation';
import { LINUX_NODES, ResourceSpec, secureDeployment } from '../../common/workload';
import { TARGET_LABELS } from '../../conventions';
import { ImageVersion } from '../../versions';
import { keepComponentPods } from '../prometheus/relabel';
import { IScrapeTarget, ScrapeConfig } from '../prometheus/scrape-config';
import { RuleFile, RuleGroup, RULE_FILE_SUFFIX } from '../../common/rules';
import { ServiceSpec, SloSpec, TierSpec } from '../../slo/spec';
import { ComponentNetwork, INetworkComponent, NetworkPeer } from '../../network/peer';
import { AlertDefinition, alertLabelProblems, alertRuleGroup, ResolvedAlert } from './alerts';
import {
  CREDENTIALS_DIR,
  DATABASE_EXPORTER_COMPONENT,
  DATABASE_EXPORTER_NAMES,
  DATABASE_EXPORTER_PORTS,
  DATABASE_EXPORTER_RESOURCES,
  DatabaseKind,
  METRICS_PORT_NAME,
} from './defaults';

/**
 * What every database and broker exporter shares: the props and model every kind extends, and the construct that
 * turns a kind's model into one Deployment (through the secure workload helper) and a headless Service, its own
 * Prometheus scrape job (`scrapeConfigs()`, added by reference), its alert rule file (`ruleFile()`), its dashboard
 * (`dashboard()`) and, for databases with a `*_up` series, an SLO subject (`sloService()`).
 *
 * Series of the job carry `instance` = the database's address (`orders-db.shop.svc:5432`, the thing they describe,
 * not the exporter pod), `service` = the database's `name` (what SLOs, alert routes and dashboards group by), and the
 * exporter's `namespace` and `pod`.
 *
 * Credentials are never values in the manifests: the construct mounts the keys it needs from an existing Secret
 * (mode 0440, group = the pod's fsGroup) and points the exporter at the files.
 */

/** The props every database exporter takes. */
export interface DatabaseExporterProps {
  /** @default - the chart's namespace, else 'observability' */
  readonly namespace?: string;
  /**
   * The database's name in the stack: the `service` label of its series, its SLO service, its rule file
   * (`database-<name>.rules.yml`). The Deployment and Service are `<name>-exporter`.
   * @default - the kind: 'postgres', 'mysql', 'redis', 'kafka'
   */
  readonly name?: string;
  /** @default - the exporter's entry in VERSIONS */
  readonly image?: ImageVersion;
  /** @default - DATABASE_EXPORTER_RESOURCES of the kind */
  readonly resources?: ResourceSpec;
  /** Prometheus job name. @default '<name>-exporter' */
  readonly jobName?: string;
  /** Scrape interval of the job (each scrape queries the database). @default - the global scrape_interval */
  readonly scrapeInterval?: DurationString;
  /** @default - the global scrape_timeout */
  readonly scrapeTimeout?: DurationString;
  /** Flags appended to the exporter's command line. @default - none */
  readonly extraArgs?: readonly string[];
  /** Labels on every alert of this database (team, routing key); `severity` is set per alert. @default - none */
  readonly alertLabels?: Readonly<Record<string, string>>;
  /**
   * Who the database is, for the exporter's NetworkPolicy egress rule (on the database's port only): e.g.
   * `[NetworkPeer.namespace('shop', { 'app.kubernetes.io/name': 'orders-db' })]` for an in-cluster server, or
   * `[NetworkPeer.cidr('10.20.0.5/32')]` for a managed one.
   * @default - any pod of any namespace and any address, on the database's port (the host name alone cannot tell)
   */
  readonly databasePeers?: readonly NetworkPeer[];
}

/** An existing Secret and the keys the exporter reads from it as files. */
export interface SecretKeyFile {
  readonly key: string;
  /** Absolute path of the mounted file. */
  readonly path: string;
}

export interface CredentialsModel {
  readonly secretName: string;
  /** Keys mounted as files under CREDENTIALS_DIR. */
  readonly files: readonly SecretKeyFile[];
  /** Keys read into environment variables (only where the exporter has no file option). @default - none */
  readonly env?: Readonly<Record<string, string>>;
}

/** A host and port the exporter connects to (the database): its egress flow. */
export interface DatabaseEndpoint {
  readonly host: string;
  readonly port: number;
}

/** The validated, defaulted model every kind's model extends. */
export interface DatabaseExporterModel extends ComponentModel {
  readonly kind: DatabaseKind;
  /** The database's name (`service` label, SLO service, rule file); `name` is the objects' `<name>-exporter`. */
  readonly database: string;
  /** The exporter's listen port. */
  readonly port: number;
  readonly jobName: string;
  readonly scrapeInterval?: PromDuration;
  readonly scrapeTimeout?: PromDuration;
  /** What the exporter connects to. */
  readonly endpoints: readonly DatabaseEndpoint[];
  /** The `instance` label of the job's series: the database's address. */
  readonly instance: string;
  readonly extraArgs: readonly string[];
  readonly alertLabels: Readonly<Record<string, string>>;
  readonly alerts: readonly ResolvedAlert[];
  readonly credentials?: CredentialsModel;
  /** Who the database is, for the egress rule. */
  readonly databasePeers: readonly NetworkPeer[];
}

/** The shared part of a kind's model (pure): name, namespace, image, resources, job, scrape timing, flags, alert labels. */
export function databaseExporterBase(
  props: DatabaseExporterProps,
  kind: DatabaseKind,
  image: ImageVersion,
  path: string,
  namespace: string,
  c: ProblemCollector,
): Omit<DatabaseExporterModel, 'endpoints' | 'instance' | 'alerts' | 'credentials'> {
  const database = props.name ?? kind;
  const nameProblems = componentNameProblems(database, `${path}.name`, { suffixes: ['-exporter'] });
  c.addAll(nameProblems);
  // The objects are `<name>-exporter`; a bad name is reported once, as the name the user wrote.
  const objectName = nameProblems.length === 0 ? `${database}-exporter` : `${kind}-exporter`;
  const base = componentModel({ ...props, name: objectName }, { name: objectName, image, resources: DATABASE_EXPORTER_RESOURCES[kind] }, path, namespace, c);
  const jobName = props.jobName ?? base.name;
  c.addAll(nonEmptyProblems(jobName, `${path}.jobName`, `omit it to use "${base.name}".`));
  const dur = (v: DurationString | undefined, key: string): PromDuration | undefined => {
    if (v === undefined) return undefined;
    const p = durationProblems(v, `${path}.${key}`, { positive: true });
    c.addAll(p);
    return p.length === 0 ? PromDuration.parse(v, `${path}.${key}`) : undefined;
  };
  const scrapeInterval = dur(props.scrapeInterval, 'scrapeInterval');
  const scrapeTimeout = dur(props.scrapeTimeout, 'scrapeTimeout');
  if (scrapeInterval && scrapeTimeout && scrapeTimeout.seconds > scrapeInterval.seconds) {
    c.add({ path: `${path}.scrapeTimeout`, message: `must not exceed scrapeInterval (${scrapeInterval})`, value: props.scrapeTimeout, fix: 'shorten the timeout or lengthen the interval.' });
  }
  const extraArgs = props.extraArgs ?? [];
  c.addAll(flagProblems(extraArgs, `${path}.extraArgs`, '--log.level=debug'));
  c.addAll(alertLabelProblems(props.alertLabels, `${path}.alertLabels`));
  const databasePeers = props.databasePeers ?? [NetworkPeer.allNamespaces(), ...NetworkPeer.anyAddress()];
  if (props.databasePeers !== undefined && databasePeers.length === 0) {
    c.add({ path: `${path}.databasePeers`, message: 'must list at least one peer', value: [], fix: 'omit it for any pod and any address, or name the database, e.g. NetworkPeer.namespace("shop").' });
  }
  databasePeers.forEach((p, i) => {
    if (!(p instanceof NetworkPeer)) c.add({ path: `${path}.databasePeers[${i}]`, message: 'is not a NetworkPeer', value: p, fix: 'build it with NetworkPeer.namespace(...) or NetworkPeer.cidr(...).' });
    else c.addAll(p.problems(`${path}.databasePeers[${i}]`));
  });
  return {
    ...base,
    kind,
    database,
    port: DATABASE_EXPORTER_PORTS[kind].port,
    jobName,
    scrapeInterval,
    scrapeTimeout,
    extraArgs,
    alertLabels: { ...(props.alertLabels ?? {}) },
    databasePeers,
  };
}

/** Checks a credentials Secret reference: its name and every key it names (pure). */
export function secretRefProblems(secretName: unknown, keys: Readonly<Record<string, unknown>>, path: string, c: ProblemCollector): void {
  c.addAll(dns1123SubdomainProblems(secretName, `${path}.secretName`));
  for (const [prop, key] of Object.entries(keys)) if (key !== undefined) c.addAll(configKeyProblems(key, `${path}.${prop}`, 'password'));
}

/** The port prop of a database, checked (pure). */
export function databasePort(value: number | undefined, fallback: number, path: string, c: ProblemCollector): number {
  const port = value ?? fallback;
  c.addAll(portProblems(port, path, fallback));
  return port;
}

/** `host:port`, brackets kept for IPv6. */
export function hostPort(e: DatabaseEndpoint): string {
  return `${e.host}:${e.port}`;
}

/** What a kind contributes to the shared construct. */
export interface DatabaseKindSpec<M extends DatabaseExporterModel> {
  /** The product's name in alert names and titles (`PostgreSQL`). */
  readonly product: string;
  readonly alertDefinitions: Readonly<Record<string, AlertDefinition>>;
  /** The exporter's command line and plain environment (pure). */
  container(model: M): { readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> };
  /** The kind's dashboard (pure; one per kind, every database of the kind picked by its `instance`). */
  dashboard(): Dashboard;
}

/**
 * The exporter's scrape job (pure): its pod (by the selector labels, on the `metrics` port) in its namespace, with
 * `instance` = the database's address and `service` = the database's name.
 */
export function databaseScrapeConfig(model: DatabaseExporterModel, podSelector: Readonly<Record<string, string>>): ScrapeConfig {
  return {
    jobName: model.jobName,
    scrapeInterval: model.scrapeInterval?.toString(),
    scrapeTimeout: model.scrapeTimeout?.toString(),
    kubernetesSdConfigs: [{ role: 'pod', namespaces: [model.namespace] }],
    relabelConfigs: [
      ...keepComponentPods(podSelector, METRICS_PORT_NAME),
      { targetLabel: 'instance', replacement: model.instance },
      { targetLabel: TARGET_LABELS.service, replacement: model.database },
      { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: TARGET_LABELS.namespace },
      { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: TARGET_LABELS.pod },
    ],
  };
}

/** The file of an exporter's alert rules: `database-<name>.rules.yml`. */
export function databaseRuleFileName(database: string): string {
  return `database-${database}${RULE_FILE_SUFFIX}`;
}

/** SLO options of a database with an `*_up` series: one availability SLO by default. */
export interface DatabaseSloOptions {
  /**
   * Objective (percent) of the time-based availability SLO `availability`: the share of scrapes in which the exporter
   * reached the database (its `*_up` series, e.g. `pg_up`); `false` leaves it out.
   * @default 99.9
   */
  readonly availability?: number | false;
  /** @default - the SLO catalog's period (30d) */
  readonly period?: DurationString;
  /** @default true */
  readonly page?: boolean | TierSpec;
  /** @default true */
  readonly ticket?: boolean | TierSpec;
  /** Labels on every SLO recording and alert (team, tier). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The interface every database add-on offers. */
export interface IDatabaseExporter extends IScrapeTarget, INetworkComponent {
  readonly kind: DatabaseKind;
  readonly namespace: string;
  /** The database's name (`service` label). */
  readonly database: string;
  /** What the exporter connects to: its egress flows (for NetworkPolicies). */
  readonly endpoints: readonly DatabaseEndpoint[];
  readonly port: number;
  readonly portName: string;
  readonly podSelector: Readonly<Record<string, string>>;
  /** The alert rules as one rule group. */
  alertRules(): RuleGroup;
  /** The alert rules as a rule file for `Prometheus.addRuleFile`. */
  ruleFile(): RuleFile;
  /** The kind's dashboard, for `Grafana.addDashboard` (once per kind). */
  dashboard(): Dashboard;
}

/**
 * The exporter's network (pure): its pod, its metrics port (role `metrics`: Prometheus scrapes it) and its one egress
 * flow, to the database's port(s) at `databasePeers`.
 */
export function databaseExporterNetwork(model: DatabaseExporterModel, podSelector: Readonly<Record<string, string>>, appName: string): ComponentNetwork {
  const ports = [...new Set(model.endpoints.map((e) => e.port))].map((port) => ({ port }));
  return {
    pods: { namespace: model.namespace, podSelector },
    ports: { metrics: [{ name: METRICS_PORT_NAME, port: model.port }] },
    egress: [{ peers: model.databasePeers, ports, why: `${appName} queries ${model.instance}` }],
  };
}

/**
 * The construct every kind builds on: `new PostgresExporter(...)` etc. pass their kind spec and model. Use it alone
 * by handing its parts to Prometheus and Grafana:
 *
 * ```ts
 * for (const job of db.scrapeConfigs()) prometheus.addScrapeConfig(job);
 * prometheus.addRuleFile(db.ruleFile());
 * grafana.addDashboard(db.dashboard(), { folder: 'Databases' });
 * ```
 */
export abstract class DatabaseExporter<M extends DatabaseExporterModel> extends Construct implements IDatabaseExporter {
  public readonly kind: DatabaseKind;
  public readonly namespace: string;
  public readonly database: string;
  public readonly serviceName: string;
  public readonly endpoints: readonly DatabaseEndpoint[];
  public readonly port: number;
  public readonly portName: string = METRICS_PORT_NAME;
  public readonly appName: string;
  public readonly podSelector: Readonly<Record<string, string>>;
  /** The resolved model. */
  public readonly model: M;
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  private readonly spec: DatabaseKindSpec<M>;

  protected constructor(scope: Construct, id: string, spec: DatabaseKindSpec<M>, model: (path: string) => M) {
    super(scope, id);
    this.spec = spec;
    this.model = model(this.node.path);
    const m = this.model;
    this.kind = m.kind;
    this.namespace = m.namespace;
    this.database = m.database;
    this.serviceName = m.name;
    this.endpoints = m.endpoints;
    this.port = m.port;
    this.appName = DATABASE_EXPORTER_NAMES[m.kind];

    const identity: ComponentIdentity = { name: this.appName, instance: m.name, component: DATABASE_EXPORTER_COMPONENT, version: m.image };
    this.podSelector = selectorLabels(identity);
    const ports = [{ name: METRICS_PORT_NAME, port: m.port }];
    const { args, env } = spec.container(m);

    const envValues: Record<string, kplus.EnvValue> = {};
    for (const [k, v] of Object.entries(env)) envValues[k] = kplus.EnvValue.fromValue(v);
    const mounts = [];
    if (m.credentials) {
      const secret = kplus.Secret.fromSecretName(this, 'Credentials', m.credentials.secretName);
      for (const [k, key] of Object.entries(m.credentials.env ?? {})) envValues[k] = kplus.EnvValue.fromSecretValue({ secret, key });
      if (m.credentials.files.length > 0) {
        const items: Record<string, { path: string }> = {};
        for (const f of m.credentials.files) items[f.key] = { path: f.path.slice(CREDENTIALS_DIR.length + 1) };
        const volume = kplus.Volume.fromSecret(this, 'CredentialsVolume', secret, { name: 'credentials', defaultMode: 0o440, items });
        mounts.push({ volume, path: CREDENTIALS_DIR });
      }
    }
    const health = DATABASE_EXPORTER_PORTS[m.kind].healthPath;
    this.deployment = secureDeployment(this, 'Resource', {
      scheduling: this.model.scheduling,
      identity,
      namespace: m.namespace,
      nodeSelector: LINUX_NODES,
      // NO prometheus.io/scrape annotation: its own job (scrapeConfigs()) labels the series with the database.
      containers: [
        {
          name: this.appName,
          image: m.image,
          args: [...args, ...m.extraArgs],
          env: Object.keys(envValues).length > 0 ? envValues : undefined,
          ports,
          resources: m.resources,
          mounts,
          // Readiness: the health path answers without querying the database (a database outage shows as
          // <kind>_up 0, not as an unready or restarting exporter). Liveness is lighter and more lenient: the
          // process still accepts connections on its port.
          readiness: { path: health, port: m.port, periodSeconds: 10 },
          liveness: { port: m.port, initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 6 },
        },
      ],
    });
    this.service = stackService(this, 'Service', { identity, namespace: m.namespace, ports, headless: true });
  }

  /** Its pod, metrics port and egress to the database, for the stack's NetworkPolicies. */
  public get network(): ComponentNetwork {
    return databaseExporterNetwork(this.model, this.podSelector, this.appName);
  }

  /** Its scrape job, for `Prometheus.addScrapeConfig` (see `databaseScrapeConfig`). */
  public scrapeConfigs(): ScrapeConfig[] {
    return [databaseScrapeConfig(this.model, this.podSelector)];
  }

  public alertRules(): RuleGroup {
    return alertRuleGroup(`database-${this.database}`, this.model.jobName, this.spec.alertDefinitions, this.model.alerts, this.model.alertLabels);
  }

  public ruleFile(): RuleFile {
    return { fileName: databaseRuleFileName(this.database), groups: [this.alertRules()] };
  }

  public dashboard(): Dashboard {
    return this.spec.dashboard();
  }

  /**
   * An SLO subject for this database (pure): a ServiceSpec named after the database, selecting the job's series,
   * whose availability SLI reads `upMetric` (time-based: each scrape is one sample, 0 counts as down), plus `extra`
   * SLOs of the kind.
   */
  protected databaseService(upMetric: string, options: DatabaseSloOptions, extra: readonly SloSpec[] = [], histogramBuckets?: readonly number[], requestDuration?: string): ServiceSpec {
    const path = `${this.node.path}.sloService`;
    const availability = options.availability ?? 99.9;
    if (availability !== false && typeof availability !== 'number') {
      throw new ConfigError({ path: `${path}.availability`, message: 'must be an objective in percent or false', value: availability, fix: 'write e.g. 99.9.' });
    }
    const slos: SloSpec[] = [
      ...(availability !== false ? [{ name: 'availability', objective: availability, sli: { kind: 'availability' as const, source: 'up' as const } }] : []),
      ...extra,
    ].map((s) => ({ ...s, page: options.page, ticket: options.ticket }));
    if (slos.length === 0) {
      throw new ConfigError({ path, message: 'defines no SLO', value: options, fix: 'keep the availability SLO (the default) or add one.' });
    }
    return {
      name: this.database,
      matchers: { job: this.model.jobName },
      metrics: { up: upMetric, ...(requestDuration ? { requestDuration } : {}) },
      ...(histogramBuckets ? { histogramBuckets } : {}),
      ...(options.period !== undefined ? { period: options.period } : {}),
      ...(options.labels ? { labels: { ...options.labels } } : {}),
      slos,
    };
  }
}
