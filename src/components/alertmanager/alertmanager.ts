import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IAlertmanager, baseUrl, serviceHost, serviceUrl } from '../../common/endpoints';
import { ConfigError, ConfigProblem, ProblemCollector, emitWarnings, validationMessages } from '../../common/errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { defaultNamespace } from '../../common/namespace';
import { checksum } from '../../common/serialize';
import { stackService } from '../../common/service';
import { hostPortProblems, httpUrlProblems, parseHttpUrl } from '../../common/validation';
import { PortSpec, secureStatefulSet, spreadOverNodes } from '../../common/workload';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { SCRAPE_ANNOTATIONS } from '../../conventions';
import { ImageVersion } from '../../versions';
import {
  AlertmanagerConfig,
  AlertmanagerConfigContext,
  InhibitRule,
  Route,
  duplicateReceiverName,
  inhibitRuleProblems,
  receiverProblems,
  renderAlertmanagerConfig,
  requiredSecretKeys,
  routeProblems,
  unreachableRouteWarnings,
  validateAlertmanagerConfig,
} from './config';
import {
  ALERTMANAGER_APP_NAME,
  ALERTMANAGER_COMPONENT,
  ALERTMANAGER_CONFIG_FILE,
  ALERTMANAGER_HEALTH,
  ALERTMANAGER_PATHS,
  ALERTMANAGER_PORTS,
} from './defaults';
import { AlertmanagerModel, AlertmanagerProps, alertmanagerContext, alertmanagerModel } from './model';
import { Receiver } from './receiver';

// The props live with the model; re-exported where the construct is.
export type { AlertmanagerProps } from './model';

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

/** An Alertmanager that is not part of this stack. */
class ExternalAlertmanager implements IAlertmanager {
  constructor(public readonly targets: readonly string[], public readonly url: string) {}
}

/**
 * Alertmanager as a StatefulSet: one PVC per replica for silences and the notification log, a ClusterIP Service
 * (`url`, for Grafana and people) and a headless Service giving each replica a stable DNS name (`targets`, for
 * Prometheus, and the gossip peers when clustered). The configuration (`config`) is a typed routing tree and
 * receivers, rendered lazily, so `addReceiver`/`addRoute`/`addInhibitRule` after construction still land in
 * `alertmanager.yml`.
 */
export class Alertmanager extends Construct implements IAlertmanager, INetworkComponent {
  /** An external Alertmanager cluster given by its replicas' `host:port` (never a load balancer in front of them). */
  public static fromTargets(targets: readonly string[], options: AlertmanagerTargetsOptions = {}): IAlertmanager {
    const c = new ProblemCollector();
    if (targets.length === 0) {
      c.add({ path: 'Alertmanager.fromTargets.targets', message: 'must not be empty', value: targets, fix: 'list every replica as host:port, e.g. ["alertmanager-0.alertmanager:9093"].' });
    }
    targets.forEach((t, i) => c.addAll(hostPortProblems(t, `Alertmanager.fromTargets.targets[${i}]`, { example: 'alertmanager-0.alertmanager.monitoring.svc:9093' })));
    const url = options.url ?? (targets.length > 0 ? `http://${targets[0]}` : '');
    if (options.url !== undefined) c.addAll(httpUrlProblems(options.url, 'Alertmanager.fromTargets.url', { example: 'http://alertmanager.monitoring.svc:9093' }));
    c.throwIfAny();
    return new ExternalAlertmanager([...targets], url);
  }

  /**
   * An external Alertmanager reachable at one URL. Prometheus then notifies that one address: use `fromTargets` for
   * a cluster, so Prometheus reaches every replica.
   */
  public static fromUrl(url: string): IAlertmanager {
    const problems = httpUrlProblems(url, 'Alertmanager.fromUrl.url', { example: 'http://alertmanager.monitoring.svc:9093' });
    if (problems.length > 0) throw new ConfigError(problems);
    const parsed = parseHttpUrl(url)!;
    const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
    return new ExternalAlertmanager([`${parsed.hostname}:${port}`], baseUrl(url));
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
  /** The validated props, every default resolved. */
  public readonly model: AlertmanagerModel;
  public readonly statefulSet: kplus.StatefulSet;
  /** ClusterIP Service on 9093. */
  public readonly service: kplus.Service;
  /** Headless governing Service: per-replica DNS, and the gossip mesh when clustered. */
  public readonly headlessService: kplus.Service;
  public readonly configMap: kplus.ConfigMap;
  /**
   * What the network policies know: the web port takes alerts (Prometheus), API reads (Grafana) and scrapes; the
   * gossip ports (TCP and UDP) connect the replicas when clustered.
   */
  public readonly network: ComponentNetwork;

  /** Added with `beforeExisting`, in the order added. */
  private readonly firstRoutes: Route[] = [];
  private readonly lastRoutes: Route[] = [];
  private readonly receivers: Receiver[];
  private readonly inhibitRules: InhibitRule[];
  private readonly ctx: AlertmanagerConfigContext;

  constructor(scope: Construct, id: string, props: AlertmanagerProps = {}) {
    super(scope, id);
    // Fails fast on what is wrong with the props themselves; cross-references (a route naming a receiver) are checked
    // once the tree is complete, since receivers may still be added.
    const model = alertmanagerModel(props, this.node.path, defaultNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    this.name = model.name;
    this.image = model.image;
    this.replicas = model.replicas;
    this.credentialsSecretName = model.credentialsSecretName;
    this.secretsMountPath = ALERTMANAGER_PATHS.secretsDir;
    this.clustered = model.clustered;
    this.ctx = alertmanagerContext(model, this.node.path);
    this.receivers = [...model.receivers];
    this.inhibitRules = [...model.inhibitRules];

    // What can change after construction (a route naming a receiver added later, receivers and routes from addXxx
    // calls) is checked once the tree is complete: at `app.synth()`, before anything is rendered, so the problems come
    // out as "Validation failed with the following errors: [<path>] ..." instead of a serialization failure.
    this.node.addValidation({ validate: () => validationMessages(this, validateAlertmanagerConfig(this.config, this.ctx)) });
    // Legal but almost surely a mistake: a route that an earlier catch-all (or a broader route) shadows.
    this.node.addValidation({ validate: () => (emitWarnings(unreachableRouteWarnings(this.config.route, `${this.node.path}.route`)), []) });

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
    const web = [ALERTMANAGER_PORTS.web];
    this.network = {
      pods: { namespace: this.namespace, podSelector: selectorLabels(identity) },
      ports: { alerts: web, query: web, metrics: web, peers: meshPorts },
    };

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
      scheduling: model.scheduling,
      identity,
      namespace: this.namespace,
      replicas: this.replicas,
      service: this.headlessService,
      podAnnotations: {
        'checksum/config': Lazy.any({ produce: () => checksum(this.renderConfig()) }),
        [SCRAPE_ANNOTATIONS.scrape]: 'true',
        [SCRAPE_ANNOTATIONS.port]: String(ALERTMANAGER_PORTS.web.port),
      },
      claims: [{ name: 'storage', mountPath: ALERTMANAGER_PATHS.storage, size: model.storageSize, storageClassName: model.storageClassName }],
      // Spread the replicas over nodes, so losing a node keeps the cluster up.
      topologySpreadConstraints: this.clustered ? [spreadOverNodes(identity)] : undefined,
      containers: [
        {
          name: 'alertmanager',
          image: this.image,
          args: this.args(headlessName, model.externalUrl ?? this.url),
          env: this.clustered ? { POD_IP: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) } : undefined,
          ports: [ALERTMANAGER_PORTS.web, ...meshPorts],
          resources: model.resources,
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
  }

  /** Adds a receiver. @throws ConfigError when it is invalid or its name is taken. */
  public addReceiver(receiver: Receiver): this {
    const problems: ConfigProblem[] = [...receiverProblems(receiver, this.receivers.length, this.config, this.ctx)];
    const taken = this.receivers.findIndex((r) => r.name === receiver.name);
    if (taken >= 0) problems.push(duplicateReceiverName(this.node.path, this.receivers.length, taken, receiver.name));
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
      : this.firstRoutes.length + (this.model.route.routes ?? []).length + this.lastRoutes.length;
    const problems = routeProblems(route, `${this.node.path}.route.routes[${index}]`, false);
    if (problems.length > 0) throw new ConfigError(problems);
    (options.beforeExisting ? this.firstRoutes : this.lastRoutes).push(route);
    return this;
  }

  /** Adds an inhibit rule. @throws ConfigError when a matcher or label is malformed. */
  public addInhibitRule(rule: InhibitRule): this {
    const problems = inhibitRuleProblems(rule, `${this.node.path}.inhibitRules[${this.inhibitRules.length}]`);
    if (problems.length > 0) throw new ConfigError(problems);
    this.inhibitRules.push(rule);
    return this;
  }

  /** The `alertmanager.yml` model as it stands (the root route with the added children). */
  public get config(): AlertmanagerConfig {
    const root = this.model.route;
    return {
      global: this.model.global,
      route: { ...root, routes: [...this.firstRoutes, ...(root.routes ?? []), ...this.lastRoutes] },
      receivers: [...this.receivers],
      inhibitRules: [...this.inhibitRules],
    };
  }

  /**
   * `alertmanager.yml` as it will be synthesized.
   * @throws ConfigError listing every problem (unknown receivers, duplicates, malformed matchers, ...).
   */
  public renderConfig(): string {
    return renderAlertmanagerConfig(this.config, this.ctx);
  }

  /** The keys the credentials Secret must contain for the configured receivers (sorted). */
  public get requiredSecretKeys(): string[] {
    return requiredSecretKeys(this.config);
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
}
