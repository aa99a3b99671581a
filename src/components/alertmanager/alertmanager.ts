import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IAlertmanager, serviceHost, serviceUrl } from '../../common/endpoints';
import { ConfigError, ConfigProblem, ProblemCollector, formatProblem } from '../../common/errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { checksum } from '../../common/serialize';
import { stackService } from '../../common/service';
import { parseByteQuantity } from '../../common/quantity';
import { PortSpec, ResourceSpec, resourceProblems, secureStatefulSet } from '../../common/workload';
import { ALERT_LABELS, SCRAPE_ANNOTATIONS } from '../../conventions';
import { ImageVersion, VERSIONS } from '../../versions';
import {
  AlertmanagerConfigContext,
  AlertmanagerConfigModel,
  AlertmanagerGlobalConfig,
  InhibitRule,
  Route,
  globalProblems,
  inhibitRuleProblems,
  receiverProblems,
  renderAlertmanagerConfig,
  requiredSecretKeys,
  routeProblems,
  validateAlertmanagerConfig,
} from './config';
import {
  ALERTMANAGER_APP_NAME,
  ALERTMANAGER_COMPONENT,
  ALERTMANAGER_CONFIG_FILE,
  ALERTMANAGER_DEFAULTS,
  ALERTMANAGER_HEALTH,
  ALERTMANAGER_PATHS,
  ALERTMANAGER_PORTS,
  DEFAULT_EMAIL,
  DEFAULT_GROUP_BY,
  DEFAULT_RECEIVER_NAMES,
  DEFAULT_SECRET_KEYS,
  DEFAULT_SLACK_CHANNEL,
  DEFAULT_TIMING,
  ROUTED_SEVERITIES,
} from './defaults';
import { Matcher } from './matcher';
import { Receiver } from './receiver';

export interface AlertmanagerProps {
  /** @default observability */
  readonly namespace?: string;
  /** Name of the StatefulSet, its Services (`<name>`, `<name>-headless`) and ConfigMap (`<name>-config`). @default alertmanager */
  readonly name?: string;
  /** @default VERSIONS.alertmanager */
  readonly image?: ImageVersion;
  /**
   * Replicas. Above 1 they form a gossip cluster (silences and the notification log are shared, notifications are
   * deduplicated); Prometheus sends every alert to every replica. 3 is upstream's production recommendation.
   * @default 1 (clustering disabled)
   */
  readonly replicas?: number;
  /** Size of each replica's volume for `--storage.path` (silences, notification log). @default 2Gi */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default { cpuRequest: '50m', memoryRequest: '128Mi', memoryLimit: '256Mi' } */
  readonly resources?: ResourceSpec;
  /**
   * The Secret holding every receiver credential, created by the user (the stack never holds secret values). It is
   * mounted read-only at /etc/alertmanager/secrets and receivers read its keys through `*_file` fields; see
   * `requiredSecretKeys` for the keys it must contain.
   * @default alertmanager-credentials
   */
  readonly credentialsSecretName?: string;
  /**
   * The root of the routing tree. `addRoute()` appends children to it.
   * @default - receiver `email`; group by alertname and service; `severity="critical"` → pagerduty (continue) and
   * `severity=~"critical|warning"` → slack
   */
  readonly route?: Route;
  /**
   * @default - `pagerduty` (routing key in Secret key `pagerduty-routing-key`), `slack` (#alerts, webhook URL in
   * `slack-api-url`) and `email` (placeholder example.com addresses, password in `smtp-password`)
   */
  readonly receivers?: readonly Receiver[];
  /** @default - a critical alert mutes the warning alerts with the same alertname and service */
  readonly inhibitRules?: readonly InhibitRule[];
  /** `global.resolve_timeout`. @default 5m */
  readonly resolveTimeout?: string;
  /** Default sender of email receivers. @default - none (each email receiver sets `from`) */
  readonly smtpFrom?: string;
  /** Default SMTP `host:port` of email receivers. @default - none (each email receiver sets `smarthost`) */
  readonly smtpSmarthost?: string;
  /** Hostname sent in SMTP HELO. @default - Alertmanager's default, `localhost` */
  readonly smtpHello?: string;
  /** Default SMTP AUTH user. @default - none */
  readonly smtpAuthUsername?: string;
  /** Key of the credentials Secret holding the default SMTP password. @default - none */
  readonly smtpAuthPasswordSecretKey?: string;
  /** Default STARTTLS requirement. @default - Alertmanager's default, true */
  readonly smtpRequireTls?: boolean;
  /** `--web.external-url`: the base of links in notifications. @default - the in-cluster Service URL */
  readonly externalUrl?: string;
}

/** Options of `Alertmanager.addRoute`. */
export interface AddRouteOptions {
  /**
   * Insert before the root's existing children (after earlier `beforeExisting` additions) instead of after them.
   * @default false
   */
  readonly beforeExisting?: boolean;
}

/** Options of `Alertmanager.fromTargets`. */
export interface AlertmanagerTargetsOptions {
  /** Base URL (for Grafana). @default - `http://<first target>` */
  readonly url?: string;
}

const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?):(\d{1,5})$/;

/** An Alertmanager that is not part of this stack. */
class ExternalAlertmanager implements IAlertmanager {
  constructor(public readonly targets: readonly string[], public readonly url: string) {}
}

/**
 * Alertmanager as a StatefulSet: one PVC per replica for silences and the notification log, a ClusterIP Service
 * (`url`, for Grafana and people) and a headless Service giving each replica a stable DNS name (`targets`, for
 * Prometheus, and the gossip peers when clustered). The configuration is a typed routing tree and receivers,
 * rendered lazily, so `addReceiver`/`addRoute`/`addInhibitRule` after construction still land in `alertmanager.yml`.
 */
export class Alertmanager extends Construct implements IAlertmanager {
  /** An external Alertmanager cluster given by its replicas' `host:port` (never a load balancer in front of them). */
  public static fromTargets(targets: readonly string[], options: AlertmanagerTargetsOptions = {}): IAlertmanager {
    const c = new ProblemCollector();
    if (targets.length === 0) {
      c.add({ path: 'Alertmanager.fromTargets.targets', message: 'must not be empty', value: targets, fix: 'list every replica as host:port, e.g. ["alertmanager-0.alertmanager:9093"].' });
    }
    targets.forEach((t, i) => {
      const m = HOST_PORT.exec(t);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
        c.add({ path: `Alertmanager.fromTargets.targets[${i}]`, message: 'is not a host:port', value: t, fix: 'give host and port without scheme or path, e.g. "alertmanager-0.alertmanager.monitoring.svc:9093".' });
      }
    });
    const url = options.url ?? (targets.length > 0 ? `http://${targets[0]}` : '');
    if (options.url !== undefined) checkUrl(c, options.url, 'Alertmanager.fromTargets.url');
    c.throwIfAny();
    return new ExternalAlertmanager([...targets], url);
  }

  /**
   * An external Alertmanager reachable at one URL. Prometheus then notifies that one address: use `fromTargets` for
   * a cluster, so Prometheus reaches every replica.
   */
  public static fromUrl(url: string): IAlertmanager {
    const c = new ProblemCollector();
    const parsed = checkUrl(c, url, 'Alertmanager.fromUrl.url');
    c.throwIfAny();
    const port = parsed!.port || (parsed!.protocol === 'https:' ? '443' : '80');
    return new ExternalAlertmanager([`${parsed!.hostname}:${port}`], url.replace(/\/+$/, ''));
  }

  /** `host:port` of every replica, through the headless Service (Prometheus must not load-balance). */
  public readonly targets: readonly string[];
  /** The ClusterIP Service URL, e.g. `http://alertmanager.observability.svc:9093`. */
  public readonly url: string;
  public readonly namespace: string;
  public readonly name: string;
  public readonly replicas: number;
  public readonly image: ImageVersion;
  public readonly credentialsSecretName: string;
  /** Where the credentials Secret is mounted; every `*_file` field points into it. */
  public readonly secretsMountPath: string;
  /** Gossip clustering is on (replicas > 1). */
  public readonly clustered: boolean;
  public readonly statefulSet: kplus.StatefulSet;
  /** ClusterIP Service on 9093. */
  public readonly service: kplus.Service;
  /** Headless governing Service: per-replica DNS, and the gossip mesh when clustered. */
  public readonly headlessService: kplus.Service;
  public readonly configMap: kplus.ConfigMap;

  private readonly rootRoute: Route;
  /** Added with `beforeExisting`, in the order added. */
  private readonly firstRoutes: Route[] = [];
  private readonly lastRoutes: Route[] = [];
  private readonly receivers: Receiver[];
  private readonly inhibitRules: InhibitRule[];
  private readonly global: AlertmanagerGlobalConfig;
  private readonly ctx: AlertmanagerConfigContext;

  constructor(scope: Construct, id: string, props: AlertmanagerProps = {}) {
    super(scope, id);
    const d = ALERTMANAGER_DEFAULTS;
    this.namespace = props.namespace ?? d.namespace;
    this.name = props.name ?? d.name;
    this.image = props.image ?? VERSIONS.alertmanager;
    this.replicas = props.replicas ?? d.replicas;
    this.credentialsSecretName = props.credentialsSecretName ?? d.credentialsSecretName;
    this.secretsMountPath = ALERTMANAGER_PATHS.secretsDir;
    this.clustered = this.replicas > 1;
    this.ctx = { path: this.name, secretName: this.credentialsSecretName, secretsDir: this.secretsMountPath };

    this.global = {
      resolveTimeout: props.resolveTimeout ?? d.resolveTimeout,
      smtpFrom: props.smtpFrom,
      smtpSmarthost: props.smtpSmarthost,
      smtpHello: props.smtpHello,
      smtpAuthUsername: props.smtpAuthUsername,
      smtpAuthPasswordSecretKey: props.smtpAuthPasswordSecretKey,
      smtpRequireTls: props.smtpRequireTls,
    };
    this.receivers = [...(props.receivers ?? defaultReceivers())];
    this.rootRoute = props.route ?? defaultRoute();
    this.inhibitRules = [...(props.inhibitRules ?? defaultInhibitRules())];

    // Fail fast on what is wrong with the props themselves; cross-references (a route naming a receiver) are checked
    // when the config renders, since receivers may still be added.
    this.checkProps(props);
    // What can change after construction (a route naming a receiver added later, receivers and routes from addXxx
    // calls) is checked once the tree is complete: at `app.synth()`, before anything is rendered, so the problems come
    // out as "Validation failed with the following errors: [<path>] ..." instead of a serialization failure.
    this.node.addValidation({ validate: () => validateAlertmanagerConfig(this.model(), this.ctx).map(formatProblem) });

    const headlessName = `${this.name}-headless`;
    this.url = serviceUrl(this.name, this.namespace, ALERTMANAGER_PORTS.web.port);
    this.targets = Array.from(
      { length: this.replicas },
      (_, i) => `${this.podHost(i, headlessName)}:${ALERTMANAGER_PORTS.web.port}`,
    );

    const identity: ComponentIdentity = {
      name: ALERTMANAGER_APP_NAME,
      instance: this.name,
      component: ALERTMANAGER_COMPONENT,
      version: this.image,
    };
    const meshPorts: PortSpec[] = this.clustered ? [ALERTMANAGER_PORTS.meshTcp, ALERTMANAGER_PORTS.meshUdp] : [];

    this.headlessService = stackService(this, 'Headless', {
      identity,
      namespace: this.namespace,
      name: headlessName,
      headless: true,
      // Peers must find each other before they are ready (readiness waits for the gossip to settle).
      publishNotReadyAddresses: this.clustered,
      ports: [ALERTMANAGER_PORTS.web, ...meshPorts],
    });
    this.service = stackService(this, 'Service', {
      identity,
      namespace: this.namespace,
      name: this.name,
      ports: [ALERTMANAGER_PORTS.web],
    });

    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, namespace: this.namespace, labels: recommendedLabels(identity) },
    });
    this.configMap.addData(ALERTMANAGER_CONFIG_FILE, Lazy.any({ produce: () => this.renderConfig() }));
    const configVolume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' });
    const secretVolume = kplus.Volume.fromSecret(
      this,
      'SecretVolume',
      kplus.Secret.fromSecretName(this, 'Credentials', this.credentialsSecretName),
      { name: 'credentials', defaultMode: 0o440 },
    );

    this.statefulSet = secureStatefulSet(this, 'Resource', {
      identity,
      namespace: this.namespace,
      replicas: this.replicas,
      service: this.headlessService,
      podAnnotations: {
        'checksum/config': Lazy.any({ produce: () => checksum(this.renderConfig()) }),
        [SCRAPE_ANNOTATIONS.scrape]: 'true',
        [SCRAPE_ANNOTATIONS.port]: String(ALERTMANAGER_PORTS.web.port),
      },
      claims: [
        {
          name: 'storage',
          mountPath: ALERTMANAGER_PATHS.storage,
          size: props.storageSize ?? d.storageSize,
          storageClassName: props.storageClassName,
        },
      ],
      containers: [
        {
          name: 'alertmanager',
          image: this.image,
          args: this.args(headlessName, props.externalUrl ?? this.url),
          env: this.clustered ? { POD_IP: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) } : undefined,
          ports: [ALERTMANAGER_PORTS.web, ...meshPorts],
          resources: props.resources ?? d.resources,
          readiness: { path: ALERTMANAGER_HEALTH.ready, port: ALERTMANAGER_PORTS.web.port },
          liveness: { path: ALERTMANAGER_HEALTH.healthy, port: ALERTMANAGER_PORTS.web.port, initialDelaySeconds: 10 },
          mounts: [
            { volume: configVolume, path: ALERTMANAGER_PATHS.configDir },
            { volume: secretVolume, path: this.secretsMountPath },
          ],
          claimMounts: ['storage'],
        },
      ],
    });
    if (this.clustered) {
      // Spread the replicas over nodes, so losing a node keeps the cluster up (best effort: never blocks scheduling).
      ApiObject.of(this.statefulSet).addJsonPatch(
        JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
          {
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: selectorLabels(identity) },
          },
        ]),
      );
    }
  }

  /** Adds a receiver. @throws ConfigError when it is invalid or its name is taken. */
  public addReceiver(receiver: Receiver): this {
    const problems: ConfigProblem[] = [...receiverProblems(receiver, this.receivers.length, this.model(), this.ctx)];
    const taken = this.receivers.findIndex((r) => r.name === receiver.name);
    if (taken >= 0) problems.push(duplicateReceiver(this.name, this.receivers.length, taken, receiver.name));
    if (problems.length > 0) throw new ConfigError(problems);
    this.receivers.push(receiver);
    return this;
  }

  /**
   * Adds a child to the root route. The receiver it names may be added later.
   *
   * An alert stops at the first matching child unless that child sets `continue`. Children are tried in order, and
   * the default tree's Slack route takes every critical and warning alert: a route meant for some of those must be
   * added with `{ beforeExisting: true }` (or set `continue: true` on the routes before it).
   * @throws ConfigError when its matchers, durations or labels are malformed.
   */
  public addRoute(route: Route, options: AddRouteOptions = {}): this {
    const index = options.beforeExisting
      ? this.firstRoutes.length
      : this.firstRoutes.length + (this.rootRoute.routes ?? []).length + this.lastRoutes.length;
    const problems = routeProblems(route, `${this.name}.route.routes[${index}]`, false);
    if (problems.length > 0) throw new ConfigError(problems);
    (options.beforeExisting ? this.firstRoutes : this.lastRoutes).push(route);
    return this;
  }

  /** Adds an inhibit rule. @throws ConfigError when a matcher or label is malformed. */
  public addInhibitRule(rule: InhibitRule): this {
    const problems = inhibitRuleProblems(rule, `${this.name}.inhibitRules[${this.inhibitRules.length}]`);
    if (problems.length > 0) throw new ConfigError(problems);
    this.inhibitRules.push(rule);
    return this;
  }

  /** The configuration as it stands (root route with the added children). */
  public model(): AlertmanagerConfigModel {
    return {
      global: this.global,
      route: { ...this.rootRoute, routes: [...this.firstRoutes, ...(this.rootRoute.routes ?? []), ...this.lastRoutes] },
      receivers: [...this.receivers],
      inhibitRules: [...this.inhibitRules],
    };
  }

  /**
   * `alertmanager.yml` as it will be synthesized.
   * @throws ConfigError listing every problem (unknown receivers, duplicates, malformed matchers, ...).
   */
  public renderConfig(): string {
    return renderAlertmanagerConfig(this.model(), this.ctx);
  }

  /** The keys the credentials Secret must contain for the configured receivers (sorted). */
  public get requiredSecretKeys(): string[] {
    return requiredSecretKeys(this.model());
  }

  private podHost(ordinal: number, headlessName: string): string {
    return `${this.name}-${ordinal}.${serviceHost(headlessName, this.namespace)}`;
  }

  /**
   * Flags per https://prometheus.io/docs/alerting/latest/alertmanager/ and the README's "High Availability" section
   * (https://github.com/prometheus/alertmanager#high-availability): a single replica disables clustering with an
   * empty `--cluster.listen-address`; replicas list every peer (themselves included, which upstream ignores) and
   * advertise their pod IP, since pod networks are not always in the private ranges Alertmanager auto-detects.
   */
  private args(headlessName: string, externalUrl: string): string[] {
    const web = ALERTMANAGER_PORTS.web.port;
    const mesh = ALERTMANAGER_PORTS.meshTcp.port;
    const base = [
      `--config.file=${ALERTMANAGER_PATHS.configDir}/${ALERTMANAGER_CONFIG_FILE}`,
      `--storage.path=${ALERTMANAGER_PATHS.storage}`,
      `--web.listen-address=:${web}`,
      `--web.external-url=${externalUrl}`,
    ];
    if (!this.clustered) return [...base, '--cluster.listen-address='];
    return [
      ...base,
      `--cluster.listen-address=0.0.0.0:${mesh}`,
      `--cluster.advertise-address=[$(POD_IP)]:${mesh}`,
      // A replaced pod comes back with a new IP: stop retrying the old address after minutes, not the 6h default.
      '--cluster.reconnect-timeout=5m',
      ...Array.from({ length: this.replicas }, (_, i) => `--cluster.peer=${this.podHost(i, headlessName)}:${mesh}`),
    ];
  }

  private checkProps(props: AlertmanagerProps): void {
    const c = new ProblemCollector();
    // `<name>-headless` must stay a DNS label (63 characters); pods are `<name>-<ordinal>`.
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.name) || this.name.length > 54) {
      c.add({ path: 'Alertmanager.name', message: 'is not a DNS label of at most 54 characters', value: this.name, fix: 'use lowercase letters, digits and "-", e.g. "alertmanager".' });
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.namespace) || this.namespace.length > 63) {
      c.add({ path: `${this.name}.namespace`, message: 'is not a valid namespace name', value: this.namespace, fix: 'use lowercase letters, digits and "-", e.g. "observability".' });
    }
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      c.add({ path: `${this.name}.replicas`, message: 'must be a whole number >= 1', value: props.replicas, fix: 'use 1 for a single Alertmanager, or 3 for a highly available cluster.' });
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.credentialsSecretName)) {
      c.add({ path: `${this.name}.credentialsSecretName`, message: 'is not a valid Secret name', value: this.credentialsSecretName, fix: 'use lowercase letters, digits and "-", e.g. "alertmanager-credentials".' });
    }
    if (props.externalUrl !== undefined) checkUrl(c, props.externalUrl, `${this.name}.externalUrl`);
    if (props.storageSize !== undefined) c.check(() => parseByteQuantity(props.storageSize!, `${this.name}.storageSize`));
    c.addAll(resourceProblems(props.resources, `${this.name}.resources`));
    c.addAll(globalProblems(this.global, this.ctx));
    this.receivers.forEach((r, i) => {
      c.addAll(receiverProblems(r, i, this.model(), this.ctx));
      const first = this.receivers.findIndex((x) => x.name === r.name);
      if (first < i) c.add(duplicateReceiver(this.name, i, first, r.name));
    });
    c.addAll(routeProblems(this.rootRoute, `${this.name}.route`, true));
    this.inhibitRules.forEach((rule, i) => c.addAll(inhibitRuleProblems(rule, `${this.name}.inhibitRules[${i}]`)));
    c.throwIfAny();
  }
}

function duplicateReceiver(prefix: string, index: number, first: number, name: string): ConfigProblem {
  return {
    path: `${prefix}.receivers[${index}].name`,
    message: `duplicates the name of receivers[${first}]`,
    value: name,
    fix: 'give every receiver a unique name (combine integrations into one receiver with Receiver.and()).',
  };
}

function checkUrl(c: ProblemCollector, value: string, path: string): URL | undefined {
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return url;
  } catch {
    // reported below
  }
  c.add({ path, message: 'is not an http(s) URL', value, fix: 'give a URL such as "http://alertmanager.monitoring.svc:9093".' });
  return undefined;
}

/** The seed's receivers: PagerDuty pages, Slack #alerts, email (placeholder addresses: override `receivers`). */
export function defaultReceivers(): Receiver[] {
  return [
    Receiver.pagerDuty(DEFAULT_RECEIVER_NAMES.pagerDuty, { routingKeySecretKey: DEFAULT_SECRET_KEYS.pagerDutyRoutingKey }),
    Receiver.slack(DEFAULT_RECEIVER_NAMES.slack, { channel: DEFAULT_SLACK_CHANNEL, apiUrlSecretKey: DEFAULT_SECRET_KEYS.slackApiUrl }),
    Receiver.email(DEFAULT_RECEIVER_NAMES.email, {
      to: DEFAULT_EMAIL.to,
      from: DEFAULT_EMAIL.from,
      smarthost: DEFAULT_EMAIL.smarthost,
      authUsername: DEFAULT_EMAIL.authUsername,
      authPasswordSecretKey: DEFAULT_SECRET_KEYS.smtpPassword,
      requireTls: true,
    }),
  ];
}

/**
 * The seed's routing: critical alerts page (PagerDuty) and continue to Slack; warnings go to Slack; anything else
 * (e.g. `info`, or alerts without a severity) falls through to email.
 */
export function defaultRoute(): Route {
  const sev = ALERT_LABELS.severity;
  return {
    receiver: DEFAULT_RECEIVER_NAMES.email,
    groupBy: [...DEFAULT_GROUP_BY],
    groupWait: DEFAULT_TIMING.groupWait,
    groupInterval: DEFAULT_TIMING.groupInterval,
    repeatInterval: DEFAULT_TIMING.repeatInterval,
    routes: [
      {
        receiver: DEFAULT_RECEIVER_NAMES.pagerDuty,
        matchers: [Matcher.equal(sev, ROUTED_SEVERITIES.page)],
        groupWait: DEFAULT_TIMING.pageGroupWait,
        repeatInterval: DEFAULT_TIMING.pageRepeatInterval,
        continue: true,
      },
      {
        receiver: DEFAULT_RECEIVER_NAMES.slack,
        matchers: [Matcher.oneOf(sev, [ROUTED_SEVERITIES.page, ROUTED_SEVERITIES.ticket])],
      },
    ],
  };
}

/** A critical alert mutes the warnings of the same alert and service (the ticket tier of a paging SLO). */
export function defaultInhibitRules(): InhibitRule[] {
  const sev = ALERT_LABELS.severity;
  return [
    {
      sourceMatchers: [Matcher.equal(sev, ROUTED_SEVERITIES.page)],
      targetMatchers: [Matcher.equal(sev, ROUTED_SEVERITIES.ticket)],
      equal: [...DEFAULT_GROUP_BY],
    },
  ];
}
