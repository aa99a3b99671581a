import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ConfigError, validationMessages } from '../common/errors';
import { PART_OF } from '../common/labels';
import { defaultNamespace } from '../common/namespace';
import {
  AddRouteOptions,
  AlertmanagerConfig as AlertmanagerConfigModel,
  AlertmanagerConfigContext,
  AlertmanagerProps,
  InhibitRule,
  Matcher,
  MatcherInput,
  Receiver,
  ReceiverIntegration,
  Route,
  alertmanagerContext,
  alertmanagerModel,
  duplicateReceiverName,
  inhibitRuleProblems,
  receiverProblems,
  routeProblems,
  validateAlertmanagerConfig,
} from '../components/alertmanager';
import {
  AlertmanagerConfig as AlertmanagerConfigObject,
  AlertmanagerConfigSpec,
  AlertmanagerConfigSpecReceivers,
} from '../../imports/monitoring.coreos.com';

/**
 * The stack's Alertmanager routing as an `AlertmanagerConfig` (monitoring.coreos.com/v1alpha1) for an Alertmanager
 * run by the Prometheus Operator: the same routing tree, receivers and inhibit rules the stack's own Alertmanager
 * would load (the seed's routing by default, plus the SLO inhibitions), validated by the same checks, with every
 * credential a reference to a key of the credentials Secret (which must live in the AlertmanagerConfig's namespace).
 *
 * What the operator does with it (pkg/alertmanager/amcfg.go of v0.93, `AddAlertmanagerConfigs`): the top route
 * becomes a child of the Alertmanager's root route, placed before the root's own children, with `continue: true` and
 * (strategy `OnNamespace`) the matcher `namespace="<this object's namespace>"`; receiver names become
 * `<namespace>/<name>/<receiver>`; inhibit rules get the namespace matcher on both sides. The Alertmanager-wide
 * `global` section is not part of an AlertmanagerConfig: the SMTP defaults (`smtpFrom`, `smtpSmarthost`, ...) are
 * written into each email receiver instead.
 */

/** What an AlertmanagerConfig takes of the Alertmanager props. */
export type OperatorAlertmanagerConfigProps = Pick<
  AlertmanagerProps,
  'name' | 'namespace' | 'route' | 'receivers' | 'inhibitRules' | 'credentialsSecretName' | 'smtpFrom' | 'smtpSmarthost' | 'smtpHello' | 'smtpAuthUsername' | 'smtpAuthPasswordSecretKey' | 'smtpRequireTls'
> & {
  /** Labels for the Alertmanager's `alertmanagerConfigSelector`. @default - none (kube-prometheus-stack selects every AlertmanagerConfig) */
  readonly selectorLabels?: Readonly<Record<string, string>>;
};

/** A matcher in the CRD's shape (`{ name, value, matchType }`, the same for routes and inhibit rules). */
function matcher(input: MatcherInput): { name: string; value: string; matchType: any } {
  const m = Matcher.from(input);
  return { name: m.label, value: m.value, matchType: m.operator };
}

/** A route node in the CRD's shape (child routes are untyped JSON in the CRD: the same shape, recursively). */
function route(r: Route): Record<string, unknown> {
  return {
    receiver: r.receiver,
    groupBy: r.groupBy ? [...r.groupBy] : undefined,
    matchers: r.matchers && r.matchers.length > 0 ? r.matchers.map(matcher) : undefined,
    continue: r.continue ? true : undefined,
    groupWait: r.groupWait,
    groupInterval: r.groupInterval,
    repeatInterval: r.repeatInterval,
    routes: r.routes && r.routes.length > 0 ? r.routes.map(route) : undefined,
  };
}

function secretKey(secretName: string, key: string) {
  return { name: secretName, key };
}

function receiver(r: Receiver, model: AlertmanagerConfigModel, secretName: string): AlertmanagerConfigSpecReceivers {
  const g = model.global;
  const of = <T extends ReceiverIntegration['type']>(type: T) => r.integrations.filter((i): i is Extract<ReceiverIntegration, { type: T }> => i.type === type);
  const list = <T>(items: T[]) => (items.length > 0 ? items : undefined);
  return {
    name: r.name,
    pagerdutyConfigs: list(of('pagerduty').map((i) => ({
      sendResolved: i.sendResolved ?? true,
      routingKey: secretKey(secretName, i.routingKeySecretKey),
      url: i.url,
      severity: i.severity,
      description: i.description,
    }))),
    slackConfigs: list(of('slack').map((i) => ({
      sendResolved: i.sendResolved ?? true,
      apiUrl: secretKey(secretName, i.apiUrlSecretKey),
      channel: i.channel,
      title: i.title,
      text: i.text,
    }))),
    emailConfigs: list(of('email').map((i) => {
      const password = i.authPasswordSecretKey ?? g.smtpAuthPasswordSecretKey;
      return {
        sendResolved: i.sendResolved ?? true,
        to: i.to,
        from: i.from ?? g.smtpFrom,
        smarthost: i.smarthost ?? g.smtpSmarthost,
        authUsername: i.authUsername ?? g.smtpAuthUsername,
        authPassword: password !== undefined ? secretKey(secretName, password) : undefined,
        requireTls: i.requireTls ?? g.smtpRequireTls,
      };
    })),
    webhookConfigs: list(of('webhook').map((i) => ({
      sendResolved: i.sendResolved ?? true,
      urlSecret: secretKey(secretName, i.urlSecretKey),
      maxAlerts: i.maxAlerts,
      httpConfig: i.bearerTokenSecretKey !== undefined ? { authorization: { type: 'Bearer', credentials: secretKey(secretName, i.bearerTokenSecretKey) } } : undefined,
    }))),
  };
}

function inhibitRule(rule: InhibitRule) {
  return {
    sourceMatch: rule.sourceMatchers.map(matcher),
    targetMatch: rule.targetMatchers.map(matcher),
    equal: rule.equal && rule.equal.length > 0 ? [...rule.equal] : undefined,
  };
}

/**
 * The AlertmanagerConfig spec of a routing model (pure). The defaults the stack's own Alertmanager renders for
 * PagerDuty's severity and Slack's title and text (templates naming the alerts' labels) are left to the operator's
 * Alertmanager templates, whose defaults kube-prometheus-stack users already know; set them on the receivers to keep them.
 */
export function alertmanagerConfigSpec(model: AlertmanagerConfigModel, secretName: string): AlertmanagerConfigSpec {
  return {
    route: route(model.route) as AlertmanagerConfigSpec['route'],
    receivers: model.receivers.map((r) => receiver(r, model, secretName)),
    inhibitRules: model.inhibitRules.length > 0 ? model.inhibitRules.map(inhibitRule) : undefined,
  };
}

/**
 * The AlertmanagerConfig of operator mode: validated like the stack's Alertmanager (at construction, and the whole
 * tree at synth, after `addReceiver`/`addRoute`/`addInhibitRule`), rendered lazily.
 */
export class OperatorAlertmanagerConfig extends Construct {
  public readonly namespace: string;
  public readonly name: string;
  public readonly credentialsSecretName: string;
  public readonly resource: AlertmanagerConfigObject;
  private readonly firstRoutes: Route[] = [];
  private readonly lastRoutes: Route[] = [];
  private readonly receivers: Receiver[];
  private readonly inhibitRules: InhibitRule[];
  private readonly root: Route;
  private readonly global: AlertmanagerConfigModel['global'];
  private readonly ctx: AlertmanagerConfigContext;

  constructor(scope: Construct, id: string, props: OperatorAlertmanagerConfigProps = {}) {
    super(scope, id);
    const model = alertmanagerModel(props, this.node.path, defaultNamespace(this));
    this.namespace = model.namespace;
    this.name = model.name;
    this.credentialsSecretName = model.credentialsSecretName;
    this.ctx = alertmanagerContext(model, this.node.path);
    this.receivers = [...model.receivers];
    this.inhibitRules = [...model.inhibitRules];
    this.root = model.route;
    this.global = model.global;
    this.node.addValidation({ validate: () => validationMessages(this, validateAlertmanagerConfig(this.config, this.ctx)) });
    this.resource = new AlertmanagerConfigObject(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/component': 'alert-routing', 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'cdk8s', ...props.selectorLabels },
      },
      spec: Lazy.any({ produce: () => alertmanagerConfigSpec(this.config, this.credentialsSecretName) }) as unknown as AlertmanagerConfigSpec,
    });
  }

  /** The routing model as it stands (root route with the added children). */
  public get config(): AlertmanagerConfigModel {
    return {
      global: this.global,
      route: { ...this.root, routes: [...this.firstRoutes, ...(this.root.routes ?? []), ...this.lastRoutes] },
      receivers: [...this.receivers],
      inhibitRules: [...this.inhibitRules],
    };
  }

  /** The keys the credentials Secret must hold (sorted). */
  public get requiredSecretKeys(): string[] {
    const keys = this.receivers.flatMap((r) => r.secretKeys);
    if (this.global.smtpAuthPasswordSecretKey) keys.push(this.global.smtpAuthPasswordSecretKey);
    return [...new Set(keys)].sort();
  }

  /** Adds a receiver. @throws ConfigError when it is invalid or its name is taken. */
  public addReceiver(r: Receiver): this {
    const problems = [...receiverProblems(r, this.receivers.length, this.config, this.ctx)];
    const taken = this.receivers.findIndex((x) => x.name === r.name);
    if (taken >= 0) problems.push(duplicateReceiverName(this.node.path, this.receivers.length, taken, r.name));
    if (problems.length > 0) throw new ConfigError(problems);
    this.receivers.push(r);
    return this;
  }

  /** Adds a child to the top route (see `Alertmanager.addRoute`). @throws ConfigError when it is malformed. */
  public addRoute(r: Route, options: AddRouteOptions = {}): this {
    const index = options.beforeExisting ? this.firstRoutes.length : this.firstRoutes.length + (this.root.routes ?? []).length + this.lastRoutes.length;
    const problems = routeProblems(r, `${this.node.path}.route.routes[${index}]`, false);
    if (problems.length > 0) throw new ConfigError(problems);
    (options.beforeExisting ? this.firstRoutes : this.lastRoutes).push(r);
    return this;
  }

  /** Adds an inhibit rule. @throws ConfigError when a matcher or label is malformed. */
  public addInhibitRule(rule: InhibitRule): this {
    const problems = inhibitRuleProblems(rule, `${this.node.path}.inhibitRules[${this.inhibitRules.length}]`);
    if (problems.length > 0) throw new ConfigError(problems);
    this.inhibitRules.push(rule);
    return this;
  }
}
