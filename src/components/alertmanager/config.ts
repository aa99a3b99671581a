import { ConfigError, ConfigProblem, ConfigWarning, ProblemCollector, formatValue } from '../../common/errors';
import { durationProblems } from '../../common/duration';
import { toYaml } from '../../common/serialize';
import { ALERTMANAGER_TEMPLATE, configKeyProblems, didYouMeanText, hostPortProblems, httpUrlProblems, labelNameProblems, nonEmptyProblems, parseHttpUrl, templateProblems, wholeNumberProblems } from '../../common/validation';
import { PAGERDUTY_SEVERITY_TEMPLATE, SLACK_TEXT_TEMPLATE, SLACK_TITLE_TEMPLATE } from './defaults';
import { Matcher, MatcherInput } from './matcher';
import { Receiver, ReceiverIntegration, secretKeyUses } from './receiver';

/**
 * Typed model of `alertmanager.yml` (https://prometheus.io/docs/alerting/latest/configuration/), camelCase here,
 * validated by `validateAlertmanagerConfig` and mapped to upstream snake_case by `alertmanagerConfigDocument` only.
 * The rendered file uses `matchers`/`source_matchers`/`target_matchers` (0.22+; the deprecated `match`/`match_re`
 * are never used) and the `*_file` credential fields listed in receiver.ts; the tests check it with amtool and load
 * it into Alertmanager at the deployed release (VERSIONS.alertmanager).
 */

/** A node of the routing tree (https://prometheus.io/docs/alerting/latest/configuration/#route). */
export interface Route {
  /** Receiver of alerts that stop at this node. @default - the parent's receiver (required on the root) */
  readonly receiver?: string;
  /** All must match for an alert to enter this node (`severity="critical"`, or `Matcher.equal(...)`). Not on the root. @default - matches every alert */
  readonly matchers?: readonly MatcherInput[];
  /** Labels to group alerts by; `['...']` groups by all labels. @default - the parent's */
  readonly groupBy?: readonly string[];
  /** Wait before the first notification of a new group. @default - the parent's (30s on the root) */
  readonly groupWait?: string;
  /** Wait before notifying about new alerts in a group already notified. @default - the parent's (5m on the root) */
  readonly groupInterval?: string;
  /** Wait before re-sending a notification that did not change. @default - the parent's (4h on the root) */
  readonly repeatInterval?: string;
  /** Keep matching the following siblings after this node matched. Not on the root. @default false */
  readonly continue?: boolean;
  /** Child nodes, tried in order. @default - none */
  readonly routes?: readonly Route[];
}

/** Mutes target alerts while a source alert fires (https://prometheus.io/docs/alerting/latest/configuration/#inhibit_rule). */
export interface InhibitRule {
  /** Matchers selecting the alerts that inhibit. */
  readonly sourceMatchers: readonly MatcherInput[];
  /** Matchers selecting the alerts that are muted. */
  readonly targetMatchers: readonly MatcherInput[];
  /** Labels whose values must be equal on source and target. @default - none (any source mutes every target) */
  readonly equal?: readonly string[];
}

/** The `global` section (https://prometheus.io/docs/alerting/latest/configuration/#file-layout-and-global-settings). */
export interface AlertmanagerGlobalConfig {
  /**
   * `global.resolve_timeout`: resolve alerts that carry no end time after this long (Prometheus' alerts always carry
   * one). @default 5m
   */
  readonly resolveTimeout?: string;
  /** Default sender of email receivers. @default - none (each email receiver sets `from`) */
  readonly smtpFrom?: string;
  /** Default SMTP `host:port` of email receivers. @default - none (each email receiver sets `smarthost`) */
  readonly smtpSmarthost?: string;
  /** Hostname sent in SMTP HELO. @default - Alertmanager's default, `localhost` */
  readonly smtpHello?: string;
  /** Default SMTP AUTH user. @default - none */
  readonly smtpAuthUsername?: string;
  /**
   * Key of the credentials Secret holding the default SMTP password (rendered `smtp_auth_password_file`, Alertmanager
   * 0.25+). @default - none
   */
  readonly smtpAuthPasswordSecretKey?: string;
  /** Default STARTTLS requirement. @default - Alertmanager's default, true */
  readonly smtpRequireTls?: boolean;
}

/** The typed model of `alertmanager.yml`: everything it holds, defaults resolved. */
export interface AlertmanagerConfig {
  readonly global: AlertmanagerGlobalConfig;
  readonly route: Route;
  readonly receivers: readonly Receiver[];
  readonly inhibitRules: readonly InhibitRule[];
}

export interface AlertmanagerConfigContext {
  /** Prefix of every problem path, e.g. the Alertmanager's name. */
  readonly path: string;
  /** The credentials Secret (for messages). */
  readonly secretName: string;
  /** Where the Secret is mounted; `*_file` fields point at `<secretsDir>/<key>`. */
  readonly secretsDir: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: every problem of the whole model, collected, so one run shows them all.
// ---------------------------------------------------------------------------------------------------------------

function checkSecretKey(c: ProblemCollector, key: unknown, path: string, ctx: AlertmanagerConfigContext, what: string): void {
  if (typeof key !== 'string' || key.trim() === '') {
    c.add({
      path,
      message: `must name the key of Secret "${ctx.secretName}" that holds ${what}`,
      value: key,
      fix: `set it to a non-empty key, e.g. "${what.replace(/^the /, '').replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase()}", and create that key in the Secret.`,
    });
  } else {
    c.addAll(configKeyProblems(key, path));
  }
}

function checkDuration(c: ProblemCollector, value: string | undefined, path: string, positive: boolean): void {
  if (value === undefined) return;
  c.addAll(durationProblems(value, path, { positive }));
}

function checkMatchers(c: ProblemCollector, matchers: readonly MatcherInput[] | undefined, path: string): void {
  (matchers ?? []).forEach((m, i) => c.check(() => Matcher.from(m, `${path}[${i}]`)));
}

function checkLabelNames(c: ProblemCollector, labels: readonly string[] | undefined, path: string, allowAll: boolean): void {
  if (labels === undefined) return;
  const seen = new Set<string>();
  labels.forEach((l, i) => {
    if (allowAll && l === '...') {
      if (labels.length > 1) {
        c.add({ path, message: 'mixes "..." (group by all labels) with label names', value: labels, fix: 'use ["..."] alone or list label names only.' });
      }
    } else if (labelNameProblems(l, `${path}[${i}]`, { allowReserved: true }).length > 0) {
      c.addAll(labelNameProblems(l, `${path}[${i}]`, { allowReserved: true }));
    } else if (seen.has(l)) {
      c.add({ path: `${path}[${i}]`, message: 'repeats a label name', value: l, fix: 'list each label once.' });
    }
    seen.add(l);
  });
}

function checkHttpUrl(c: ProblemCollector, value: unknown, path: string, example: string): URL | undefined {
  c.addAll(httpUrlProblems(value, path, { example }));
  return parseHttpUrl(value);
}

function checkNonEmpty(c: ProblemCollector, value: unknown, path: string, fix: string): void {
  c.addAll(nonEmptyProblems(value, path, fix));
}

/** A notification field Alertmanager expands as a template: parsed with its function set. */
function checkTemplate(c: ProblemCollector, value: string | undefined, path: string): void {
  if (typeof value === 'string') c.addAll(templateProblems(value, path, ALERTMANAGER_TEMPLATE));
}

function checkSmarthost(c: ProblemCollector, value: string, path: string): void {
  c.addAll(hostPortProblems(value, path, { example: 'smtp.example.com:587' }));
}

function checkIntegration(c: ProblemCollector, integ: ReceiverIntegration, path: string, model: AlertmanagerConfig, ctx: AlertmanagerConfigContext): void {
  const g = model.global;
  const what: Record<string, string> = {
    routingKeySecretKey: 'the PagerDuty routing key',
    apiUrlSecretKey: 'the Slack webhook URL',
    authPasswordSecretKey: 'the SMTP password',
    bearerTokenSecretKey: 'the webhook bearer token',
    urlSecretKey: 'the webhook URL',
  };
  for (const use of secretKeyUses(integ)) checkSecretKey(c, use.key, `${path}.${use.option}`, ctx, what[use.option]);
  switch (integ.type) {
    case 'pagerduty':
      if (integ.severity !== undefined) checkNonEmpty(c, integ.severity, `${path}.severity`, 'omit it to use the alerts\' severity label, or give critical, error, warning or info.');
      checkTemplate(c, integ.severity, `${path}.severity`);
      checkTemplate(c, integ.description, `${path}.description`);
      if (integ.url !== undefined) checkHttpUrl(c, integ.url, `${path}.url`, 'https://events.pagerduty.com/v2/enqueue');
      break;
    case 'slack':
      checkNonEmpty(c, integ.channel, `${path}.channel`, 'name the channel, e.g. "#alerts".');
      if (integ.title !== undefined) checkNonEmpty(c, integ.title, `${path}.title`, 'omit it to use the default title.');
      if (integ.text !== undefined) checkNonEmpty(c, integ.text, `${path}.text`, 'omit it to use the default text.');
      for (const key of ['channel', 'title', 'text'] as const) checkTemplate(c, integ[key], `${path}.${key}`);
      break;
    case 'email':
      checkNonEmpty(c, integ.to, `${path}.to`, 'give the recipient address, e.g. "oncall@example.com".');
      checkTemplate(c, integ.to, `${path}.to`);
      if (integ.from === undefined && g.smtpFrom === undefined) {
        c.add({ path: `${path}.from`, message: 'is not set and there is no global smtpFrom', fix: 'set from on the receiver or the smtpFrom prop.' });
      } else if (integ.from !== undefined) {
        checkNonEmpty(c, integ.from, `${path}.from`, 'give the sender address, e.g. "alertmanager@example.com".');
      }
      if (integ.smarthost === undefined && g.smtpSmarthost === undefined) {
        c.add({ path: `${path}.smarthost`, message: 'is not set and there is no global smtpSmarthost', fix: 'set smarthost on the receiver or the smtpSmarthost prop, e.g. "smtp.example.com:587".' });
      } else if (integ.smarthost !== undefined) {
        checkSmarthost(c, integ.smarthost, `${path}.smarthost`);
      }
      if (integ.authPasswordSecretKey !== undefined && integ.authUsername === undefined && g.smtpAuthUsername === undefined) {
        c.add({ path: `${path}.authPasswordSecretKey`, message: 'is set but no authUsername is (Alertmanager authenticates only with a username)', value: integ.authPasswordSecretKey, fix: 'set authUsername on the receiver or the smtpAuthUsername prop.' });
      }
      break;
    case 'webhook':
      if (integ.maxAlerts !== undefined) c.addAll(wholeNumberProblems(integ.maxAlerts, `${path}.maxAlerts`, { min: 0, fix: 'use 0 for all alerts, or a positive limit.' }));
      break;
  }
}

function receiverPath(ctx: AlertmanagerConfigContext, r: Receiver, index: number): string {
  return typeof r.name === 'string' && r.name.trim() !== '' ? `${ctx.path}.receivers[${formatValue(r.name)}]` : `${ctx.path}.receivers[${index}]`;
}

/** Problems of one receiver on its own (name and integrations), without cross-references. */
export function receiverProblems(r: Receiver, index: number, model: AlertmanagerConfig, ctx: AlertmanagerConfigContext): ConfigProblem[] {
  const c = new ProblemCollector();
  const path = receiverPath(ctx, r, index);
  if (typeof r.name !== 'string' || r.name.trim() === '') {
    c.add({ path: `${path}.name`, message: 'must not be empty', value: r.name, fix: 'name the receiver; routes refer to it by name.' });
  }
  r.integrations.forEach((integ, i) => {
    const p = r.integrations.length === 1 ? path : `${path}.integrations[${i}]`;
    checkIntegration(c, integ, p, model, ctx);
  });
  return [...c.list];
}

function checkRoute(c: ProblemCollector, route: Route, path: string, known: readonly string[] | undefined, isRoot: boolean): void {
  if (isRoot) {
    if (route.receiver === undefined || route.receiver === '') {
      c.add({ path: `${path}.receiver`, message: 'must be set on the root route', value: route.receiver, fix: 'name the receiver of the alerts no child route takes.' });
    }
    if ((route.matchers ?? []).length > 0) {
      c.add({ path: `${path}.matchers`, message: 'must be empty on the root route (every alert enters the root)', value: route.matchers?.map(String), fix: 'move the matchers to a child route (addRoute).' });
    }
    if (route.continue) {
      c.add({ path: `${path}.continue`, message: 'cannot be set on the root route', value: true, fix: 'remove it; continue applies to sibling child routes.' });
    }
  }
  if (known !== undefined && route.receiver !== undefined && route.receiver !== '' && !known.includes(route.receiver)) {
    c.add({
      path: `${path}.receiver`,
      message: 'names an unknown receiver',
      value: route.receiver,
      fix: `${didYouMeanText(route.receiver, known)}use one of the known receivers (${knownList(known)}) or define a receiver named ${formatValue(route.receiver)} (receivers prop or addReceiver()).`,
    });
  }
  checkMatchers(c, route.matchers, `${path}.matchers`);
  checkLabelNames(c, route.groupBy, `${path}.groupBy`, true);
  checkDuration(c, route.groupWait, `${path}.groupWait`, false);
  checkDuration(c, route.groupInterval, `${path}.groupInterval`, true);
  checkDuration(c, route.repeatInterval, `${path}.repeatInterval`, true);
  (route.routes ?? []).forEach((child, i) => checkRoute(c, child, `${path}.routes[${i}]`, known, false));
}

function knownList(known: readonly string[]): string {
  return known.length > 0 ? known.map((k) => formatValue(k)).join(', ') : 'none defined yet';
}

/**
 * Problems of a routing (sub)tree. With `knownReceivers` undefined, only its own problems (matchers, durations,
 * labels, root rules), not whether the receivers it names exist.
 */
export function routeProblems(route: Route, path: string, isRoot: boolean, knownReceivers?: readonly string[]): ConfigProblem[] {
  const c = new ProblemCollector();
  checkRoute(c, route, path, knownReceivers, isRoot);
  return [...c.list];
}

/** Problems of one inhibit rule on its own. */
export function inhibitRuleProblems(rule: InhibitRule, path: string): ConfigProblem[] {
  const c = new ProblemCollector();
  for (const side of ['sourceMatchers', 'targetMatchers'] as const) {
    const list = rule[side];
    if (!Array.isArray(list) || list.length === 0) {
      c.add({ path: `${path}.${side}`, message: 'must have at least one matcher (an empty list matches every alert)', value: list, fix: 'add a matcher, e.g. severity="critical".' });
    } else {
      checkMatchers(c, list, `${path}.${side}`);
    }
  }
  checkLabelNames(c, rule.equal, `${path}.equal`, false);
  return [...c.list];
}

/** Problems of the global section. */
export function globalProblems(g: AlertmanagerGlobalConfig, ctx: AlertmanagerConfigContext): ConfigProblem[] {
  const c = new ProblemCollector();
  checkDuration(c, g.resolveTimeout, `${ctx.path}.resolveTimeout`, true);
  if (g.smtpSmarthost !== undefined) checkSmarthost(c, g.smtpSmarthost, `${ctx.path}.smtpSmarthost`);
  if (g.smtpAuthPasswordSecretKey !== undefined) {
    checkSecretKey(c, g.smtpAuthPasswordSecretKey, `${ctx.path}.smtpAuthPasswordSecretKey`, ctx, 'the SMTP password');
    if (g.smtpAuthUsername === undefined) {
      c.add({ path: `${ctx.path}.smtpAuthPasswordSecretKey`, message: 'is set but smtpAuthUsername is not', value: g.smtpAuthPasswordSecretKey, fix: 'set smtpAuthUsername too.' });
    }
  }
  return [...c.list];
}

/** Two receivers of one name (routes name receivers, so the name must be unique). */
export function duplicateReceiverName(path: string, index: number, first: number, name: string): ConfigProblem {
  return {
    path: `${path}.receivers[${index}].name`,
    message: `duplicates the name of receivers[${first}]`,
    value: name,
    fix: 'give every receiver a unique name (combine integrations into one receiver with Receiver.and()).',
  };
}

/** Every problem of the model: globals, receivers (and duplicate names), the routing tree, inhibit rules. */
export function validateAlertmanagerConfig(model: AlertmanagerConfig, ctx: AlertmanagerConfigContext): ConfigProblem[] {
  const c = new ProblemCollector();
  c.addAll(globalProblems(model.global, ctx));
  const firstIndex = new Map<string, number>();
  model.receivers.forEach((r, i) => {
    c.addAll(receiverProblems(r, i, model, ctx));
    if (typeof r.name !== 'string' || r.name.trim() === '') return;
    const first = firstIndex.get(r.name);
    if (first !== undefined) {
      c.add(duplicateReceiverName(ctx.path, i, first, r.name));
    } else {
      firstIndex.set(r.name, i);
    }
  });
  checkRoute(c, model.route, `${ctx.path}.route`, [...firstIndex.keys()], true);
  model.inhibitRules.forEach((rule, i) => c.addAll(inhibitRuleProblems(rule, `${ctx.path}.inhibitRules[${i}]`)));
  return [...c.list];
}

// ---------------------------------------------------------------------------------------------------------------
// Warnings: routes that are legal but almost surely a mistake.
// ---------------------------------------------------------------------------------------------------------------

function parsedMatchers(route: Route): Matcher[] | undefined {
  try {
    return (route.matchers ?? []).map((m) => Matcher.from(m));
  } catch {
    return undefined; // malformed: reported as an error
  }
}

/** Does every value `=~ pattern` accept include `value`? Judged with JavaScript only where RE2 and it agree. */
function regexAccepts(pattern: string, value: string): boolean | undefined {
  if (!/^[\w\s.*+?|()\[\]{}^$-]*$/.test(pattern)) return undefined; // escapes, classes, flags: do not judge
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return undefined;
  }
}

/** Is `m` true of every alert that satisfies all of `given`? (false when it cannot be shown) */
function implied(m: Matcher, given: readonly Matcher[]): boolean {
  if (m.operator === '=~' && m.value.replace(/[()]/g, '') === '.*') return true; // matches every alert, with the label or without
  if (m.operator === '=' && m.value === '' && !given.some((g) => g.label === m.label)) return false;
  return given.some((g) => {
    if (g.label !== m.label) return false;
    if (g.operator === m.operator && g.value === m.value) return true;
    if (g.operator !== '=') return false;
    if (m.operator === '=~') return regexAccepts(m.value, g.value) === true;
    if (m.operator === '!~') return regexAccepts(m.value, g.value) === false;
    if (m.operator === '!=') return g.value !== m.value;
    return false;
  });
}

/**
 * Routes that can never receive an alert: an earlier sibling without `continue` takes every alert they match (a
 * catch-all without matchers takes everything). Each is reported at its path, naming the sibling that shadows it.
 */
export function unreachableRouteWarnings(route: Route, path: string): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const children = route.routes ?? [];
  const matchers = children.map(parsedMatchers);
  children.forEach((child, j) => {
    const mine = matchers[j];
    if (mine === undefined) return;
    for (let i = 0; i < j; i++) {
      const earlier = matchers[i];
      if (earlier === undefined || children[i].continue) continue;
      if (!earlier.every((m) => implied(m, mine))) continue;
      const what = earlier.length === 0 ? 'has no matchers, so it takes every alert,' : `takes every alert this route matches (${earlier.map(String).join(', ')})`;
      out.push({
        code: 'ROUTE_UNREACHABLE',
        path: `${path}.routes[${j}]`,
        message: `can never match: routes[${i}] before it ${what} and does not continue`,
        value: { receiver: child.receiver, matchers: mine.map(String) },
        fix: `add this route before routes[${i}] (addRoute(route, { beforeExisting: true })), or set continue: true on routes[${i}] if alerts should go to both.`,
      });
      break;
    }
  });
  children.forEach((child, j) => out.push(...unreachableRouteWarnings(child, `${path}.routes[${j}]`)));
  return out;
}

/**
 * Route matchers on the `service` label naming services the SLO catalog does not have (a typo, a renamed service):
 * SLO alerts carry only catalog names. A service that only platform alerts name (any scraped pod's) is legal.
 */
export function unknownServiceRouteWarnings(route: Route, path: string, services: readonly string[], serviceLabel = 'service'): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  if (services.length === 0) return out;
  (parsedMatchers(route) ?? []).forEach((m, i) => {
    if (m.label !== serviceLabel) return;
    const names = m.operator === '=' ? [m.value] : m.operator === '=~' && /^[a-z0-9-]+(\|[a-z0-9-]+)*$/.test(m.value) ? m.value.split('|') : [];
    for (const name of names.filter((n) => !services.includes(n))) {
      const guess = didYouMeanText(name, services);
      out.push({
        code: 'ROUTE_UNKNOWN_SERVICE',
        path: `${path}.matchers[${i}]`,
        message: `names service ${JSON.stringify(name)}, which is not in the SLO catalog: no SLO alert carries it (only platform alerts of a pod labelled so would)`,
        value: String(m),
        fix: `${guess}use a service of the catalog (${services.slice(0, 5).join(', ')}${services.length > 5 ? ', ...' : ''}), or add the service to the catalog.`,
      });
    }
  });
  (route.routes ?? []).forEach((child, j) => out.push(...unknownServiceRouteWarnings(child, `${path}.routes[${j}]`, services, serviceLabel)));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering: the one camelCase → snake_case mapping of alertmanager.yml.
// ---------------------------------------------------------------------------------------------------------------

function secretFile(ctx: AlertmanagerConfigContext, key: string): string {
  return `${ctx.secretsDir}/${key}`;
}

function matcherStrings(list: readonly MatcherInput[] | undefined): string[] | undefined {
  return list && list.length > 0 ? list.map((m) => Matcher.from(m).toString()) : undefined;
}

function renderRoute(route: Route): Record<string, unknown> {
  return {
    receiver: route.receiver,
    group_by: route.groupBy ? [...route.groupBy] : undefined,
    matchers: matcherStrings(route.matchers),
    continue: route.continue ? true : undefined,
    group_wait: route.groupWait,
    group_interval: route.groupInterval,
    repeat_interval: route.repeatInterval,
    routes: route.routes && route.routes.length > 0 ? route.routes.map(renderRoute) : undefined,
  };
}

function renderIntegration(i: ReceiverIntegration, ctx: AlertmanagerConfigContext): [string, Record<string, unknown>] {
  switch (i.type) {
    case 'pagerduty':
      return ['pagerduty_configs', {
        send_resolved: i.sendResolved ?? true,
        routing_key_file: secretFile(ctx, i.routingKeySecretKey),
        url: i.url,
        severity: i.severity ?? PAGERDUTY_SEVERITY_TEMPLATE,
        description: i.description,
      }];
    case 'slack':
      return ['slack_configs', {
        send_resolved: i.sendResolved ?? true,
        api_url_file: secretFile(ctx, i.apiUrlSecretKey),
        channel: i.channel,
        title: i.title ?? SLACK_TITLE_TEMPLATE,
        text: i.text ?? SLACK_TEXT_TEMPLATE,
      }];
    case 'email':
      return ['email_configs', {
        send_resolved: i.sendResolved ?? true,
        to: i.to,
        from: i.from,
        smarthost: i.smarthost,
        auth_username: i.authUsername,
        auth_password_file: i.authPasswordSecretKey !== undefined ? secretFile(ctx, i.authPasswordSecretKey) : undefined,
        require_tls: i.requireTls,
      }];
    case 'webhook':
      return ['webhook_configs', {
        send_resolved: i.sendResolved ?? true,
        url_file: secretFile(ctx, i.urlSecretKey),
        max_alerts: i.maxAlerts,
        http_config: i.bearerTokenSecretKey !== undefined
          ? { authorization: { type: 'Bearer', credentials_file: secretFile(ctx, i.bearerTokenSecretKey) } }
          : undefined,
      }];
  }
}

function renderReceiver(r: Receiver, ctx: AlertmanagerConfigContext): Record<string, unknown> {
  const out: Record<string, unknown> = { name: r.name };
  for (const integ of r.integrations) {
    const [field, cfg] = renderIntegration(integ, ctx);
    out[field] = [...((out[field] as unknown[] | undefined) ?? []), cfg];
  }
  return out;
}

/** The upstream `alertmanager.yml` document (snake_case), for a validated model. */
export function alertmanagerConfigDocument(model: AlertmanagerConfig, ctx: AlertmanagerConfigContext): Record<string, unknown> {
  const g = model.global;
  return {
    global: {
      resolve_timeout: g.resolveTimeout,
      smtp_from: g.smtpFrom,
      smtp_smarthost: g.smtpSmarthost,
      smtp_hello: g.smtpHello,
      smtp_auth_username: g.smtpAuthUsername,
      smtp_auth_password_file: g.smtpAuthPasswordSecretKey !== undefined ? secretFile(ctx, g.smtpAuthPasswordSecretKey) : undefined,
      smtp_require_tls: g.smtpRequireTls,
    },
    route: renderRoute(model.route),
    receivers: model.receivers.map((r) => renderReceiver(r, ctx)),
    inhibit_rules: model.inhibitRules.length > 0 ? model.inhibitRules.map(renderInhibitRule) : undefined,
  };
}

/** One `inhibit_rules` entry (snake_case). */
export function renderInhibitRule(rule: InhibitRule): Record<string, unknown> {
  return {
    source_matchers: matcherStrings(rule.sourceMatchers),
    target_matchers: matcherStrings(rule.targetMatchers),
    equal: rule.equal && rule.equal.length > 0 ? [...rule.equal] : undefined,
  };
}

/**
 * Validates the model and serializes `alertmanager.yml`.
 * @throws ConfigError listing every problem of the model.
 */
export function renderAlertmanagerConfig(model: AlertmanagerConfig, ctx: AlertmanagerConfigContext): string {
  const problems = validateAlertmanagerConfig(model, ctx);
  if (problems.length > 0) throw new ConfigError(problems);
  return toYaml(alertmanagerConfigDocument(model, ctx));
}

/** The credentials-Secret keys a model reads (sorted, unique): what the user's Secret must contain. */
export function requiredSecretKeys(model: AlertmanagerConfig): string[] {
  const keys = model.receivers.flatMap((r) => r.secretKeys);
  if (model.global.smtpAuthPasswordSecretKey) keys.push(model.global.smtpAuthPasswordSecretKey);
  return [...new Set(keys)].sort();
}
