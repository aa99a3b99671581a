import { ProblemCollector } from '../../common/errors';
import { DEFAULT_NAMESPACE } from '../../common/namespace';
import { ByteSize } from '../../common/quantity';
import { ComponentModel, componentModel } from '../../common/model';
import { dns1123SubdomainProblems, httpUrlProblems, wholeNumberProblems } from '../../common/validation';
import { ResourceSpec, SchedulableProps } from '../../common/workload';
import { ImageVersion, VERSIONS } from '../../versions';
import {
  AlertmanagerConfigContext,
  AlertmanagerGlobalConfig,
  InhibitRule,
  duplicateReceiverName,
  Route,
  globalProblems,
  inhibitRuleProblems,
  receiverProblems,
  routeProblems,
} from './config';
import { ALERTMANAGER_DEFAULTS, ALERTMANAGER_PATHS, defaultInhibitRules, defaultReceivers, defaultRoute } from './defaults';
import { Receiver } from './receiver';

/** The `global` settings of alertmanager.yml are props of their own (`resolveTimeout`, `smtpFrom`, ...). */
export interface AlertmanagerProps extends AlertmanagerGlobalConfig, SchedulableProps {
  /** @default - the chart's namespace, else 'observability' */
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
  /** `--web.external-url`: the base of links in notifications. @default - the in-cluster Service URL */
  readonly externalUrl?: string;
}

/**
 * The validated Alertmanager settings, every default resolved. `route`, `receivers` and `inhibitRules` are the ones
 * given (or the defaults); `Alertmanager.config` holds them with what `addXxx` added.
 */
export interface AlertmanagerModel extends ComponentModel {
  readonly replicas: number;
  /** Gossip clustering is on (replicas > 1). */
  readonly clustered: boolean;
  readonly storageSize: ByteSize;
  readonly storageClassName?: string;
  readonly credentialsSecretName: string;
  /** @default - the in-cluster Service URL */
  readonly externalUrl?: string;
  readonly global: AlertmanagerGlobalConfig;
  readonly route: Route;
  readonly receivers: readonly Receiver[];
  readonly inhibitRules: readonly InhibitRule[];
}

/** `<name>-headless` is the StatefulSet's governing Service (and the gossip mesh). */
export const ALERTMANAGER_NAME_SUFFIXES = ['-headless'] as const;

/** The context the config checks and render need: problem paths under `path`, `*_file` paths into the Secret. */
export function alertmanagerContext(model: Pick<AlertmanagerModel, 'credentialsSecretName'>, path: string): AlertmanagerConfigContext {
  return { path, secretName: model.credentialsSecretName, secretsDir: ALERTMANAGER_PATHS.secretsDir };
}

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`. Receivers named by routes are
 * checked once the tree is complete (at synth: more may be added).
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function alertmanagerModel(props: AlertmanagerProps = {}, path = 'Alertmanager', namespace = DEFAULT_NAMESPACE): AlertmanagerModel {
  const d = ALERTMANAGER_DEFAULTS;
  const c = new ProblemCollector();
  const base = componentModel(
    props,
    { name: d.name, image: VERSIONS.alertmanager, resources: d.resources, nameOptions: { suffixes: ALERTMANAGER_NAME_SUFFIXES, statefulSet: true } },
    path,
    namespace,
    c,
  );
  const replicas = props.replicas ?? d.replicas;
  const credentialsSecretName = props.credentialsSecretName ?? d.credentialsSecretName;
  const global: AlertmanagerGlobalConfig = {
    resolveTimeout: props.resolveTimeout ?? d.resolveTimeout,
    smtpFrom: props.smtpFrom,
    smtpSmarthost: props.smtpSmarthost,
    smtpHello: props.smtpHello,
    smtpAuthUsername: props.smtpAuthUsername,
    smtpAuthPasswordSecretKey: props.smtpAuthPasswordSecretKey,
    smtpRequireTls: props.smtpRequireTls,
  };
  const receivers = [...(props.receivers ?? defaultReceivers())];
  const route = props.route ?? defaultRoute();
  const inhibitRules = [...(props.inhibitRules ?? defaultInhibitRules())];
  const ctx = alertmanagerContext({ credentialsSecretName }, path);

  c.addAll(wholeNumberProblems(replicas, `${path}.replicas`, { fix: 'use 1 for a single Alertmanager, or 3 for a highly available cluster.' }));
  c.addAll(dns1123SubdomainProblems(credentialsSecretName, `${path}.credentialsSecretName`));
  if (props.externalUrl !== undefined) c.addAll(httpUrlProblems(props.externalUrl, `${path}.externalUrl`, { example: 'https://alertmanager.example.com' }));
  const storageSize = c.value(() => ByteSize.parse(props.storageSize ?? d.storageSize, `${path}.storageSize`));
  if (props.storageClassName !== undefined) c.addAll(dns1123SubdomainProblems(props.storageClassName, `${path}.storageClassName`));
  c.addAll(globalProblems(global, ctx));
  const config = { global, route, receivers, inhibitRules };
  receivers.forEach((r, i) => {
    c.addAll(receiverProblems(r, i, config, ctx));
    const first = receivers.findIndex((x) => x.name === r.name);
    if (first < i) c.add(duplicateReceiverName(path, i, first, r.name));
  });
  c.addAll(routeProblems(route, `${path}.route`, true));
  inhibitRules.forEach((rule, i) => c.addAll(inhibitRuleProblems(rule, `${path}.inhibitRules[${i}]`)));
  c.throwIfAny();
  return {
    ...base,
    replicas,
    clustered: replicas > 1,
    storageSize: storageSize!,
    storageClassName: props.storageClassName,
    credentialsSecretName,
    externalUrl: props.externalUrl,
    global,
    route,
    receivers,
    inhibitRules,
  };
}
