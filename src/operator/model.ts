import { DurationInput, PromDuration } from '../common/duration';
import { IAlertmanager, IPrometheus, serviceUrl } from '../common/endpoints';
import { ConfigProblem, ProblemCollector } from '../common/errors';
import { kubernetesLabelKeyProblems, kubernetesLabelValueProblems, namespaceProblems } from '../common/validation';
import { GlobalConfig } from '../components/prometheus/config';

/**
 * Operator mode: for clusters that already run the Prometheus Operator (kube-prometheus-stack). The stack then deploys
 * no Prometheus and no Alertmanager; it writes what it would load into them as the operator's resources —
 * `PrometheusRule`s (SLO rules, platform alerts), `PodMonitor`/`ServiceMonitor`/`Probe`/`ScrapeConfig`s (its scrape
 * jobs) and an `AlertmanagerConfig` (routes, receivers with Secret references, inhibitions) — labelled so the
 * operator's selectors pick them up, and points Grafana and the collector gateway at the operator's Prometheus and
 * Alertmanager by URL.
 *
 * Facts this relies on (kube-prometheus-stack 88.5.3, prometheus-operator v0.93.1):
 * - the chart's Prometheus selects PrometheusRules, ServiceMonitors, PodMonitors, Probes and ScrapeConfigs labelled
 *   `release: <Helm release name>` in every namespace (`*SelectorNilUsesHelmValues: true`, `*NamespaceSelector: {}`
 *   in its values.yaml; templates/prometheus/prometheus.yaml renders `matchLabels: { release: <release> }`);
 * - its Alertmanager selects every AlertmanagerConfig of every namespace (`alertmanagerConfigSelector: {}`,
 *   `alertmanagerConfigNamespaceSelector: {}`), with the operator's default matcher strategy `OnNamespace`;
 * - the operator creates a governing Service for each Prometheus and Alertmanager, `prometheus-operated:9090` and
 *   `alertmanager-operated:9093`, in their namespace, and labels the Prometheus pods `app.kubernetes.io/name:
 *   prometheus`, `app.kubernetes.io/managed-by: prometheus-operator` (pkg/prometheus/server/operator.go);
 * - an unset `scrapeInterval` / `evaluationInterval` of the Prometheus resource is 30s (the CRD's defaults).
 */

/**
 * How the operator confines an AlertmanagerConfig's routes (the Alertmanager resource's
 * `alertmanagerConfigMatcherStrategy.type`, pkg/alertmanager/amcfg.go):
 * - `OnNamespace` (the operator's default, kube-prometheus-stack's too): the operator adds `namespace="<the
 *   AlertmanagerConfig's namespace>"` to its top route and to both sides of its inhibit rules, so only alerts
 *   labelled with that namespace reach them. The stack's alerts mostly carry no `namespace` (SLO alerts aggregate it
 *   away) or the workload's (PodCrashLooping): so in this mode every alerting rule the stack writes gets the label
 *   `namespace: <stack namespace>`, and keeps the workload's namespace, where it had one, in `exported_namespace`.
 * - `OnNamespaceExceptForAlertmanagerNamespace`: as OnNamespace, except for AlertmanagerConfigs in the
 *   Alertmanager's own namespace: the stack puts its AlertmanagerConfig there (with the credentials Secret, which
 *   must live beside it) and leaves the alerts' labels alone.
 * - `None`: no matcher; the routes see every alert of the cluster, and the alerts' labels stay as they are.
 * Whatever the strategy, the operator sets `continue: true` on the top route, so an alert routed here also continues
 * to the Alertmanager's own routes.
 */
export type AlertmanagerConfigMatcherStrategy = 'OnNamespace' | 'OnNamespaceExceptForAlertmanagerNamespace' | 'None';

export interface PrometheusOperatorProps {
  /**
   * The Helm release name of kube-prometheus-stack: its default selectors match the label `release: <release>`.
   * @default 'kube-prometheus-stack'
   */
  readonly release?: string;
  /**
   * The labels every operator resource carries, for the Prometheus' `ruleSelector`, `serviceMonitorSelector`,
   * `podMonitorSelector`, `probeSelector`, `scrapeConfigSelector` (and the Alertmanager's
   * `alertmanagerConfigSelector`). Give them when your Prometheus selects by other labels.
   * @default { release: <release> }
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** The namespace of the operator's Prometheus and Alertmanager. @default 'monitoring' */
  readonly namespace?: string;
  /**
   * The operator's Prometheus, for Grafana's datasource and the collector gateway's OTLP metrics (its OTLP receiver
   * must be on: kube-prometheus-stack value `prometheus.prometheusSpec.enableOTLPReceiver: true`).
   * @default - `http://prometheus-operated.<namespace>.svc:9090`, the governing Service the operator creates
   */
  readonly prometheus?: IPrometheus;
  /**
   * The operator's Alertmanager, for Grafana's Alertmanager datasource, or `false` for none.
   * @default - `http://alertmanager-operated.<namespace>.svc:9093`
   */
  readonly alertmanager?: IAlertmanager | false;
  /**
   * Labels of the operator's Prometheus pods, in `namespace`: the NetworkPolicies let them scrape the stack's
   * components. @default { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/managed-by': 'prometheus-operator' }
   */
  readonly prometheusPodLabels?: Readonly<Record<string, string>>;
  /** The Prometheus resource's `scrapeInterval` (Grafana's `$__rate_interval` reads it). @default '30s' (the operator's default) */
  readonly scrapeInterval?: DurationInput;
  /** The Prometheus resource's `evaluationInterval` (the SLO rules are built for it). @default '30s' (the operator's default) */
  readonly evaluationInterval?: DurationInput;
  /** The Alertmanager resource's `alertmanagerConfigMatcherStrategy.type`. @default 'OnNamespace' (the operator's default) */
  readonly alertmanagerConfigMatcherStrategy?: AlertmanagerConfigMatcherStrategy;
  /**
   * Scrape the pods and Services annotated `prometheus.io/scrape: "true"`, as the stack's own Prometheus does: a
   * PodMonitor and a ScrapeConfig (role `service`), with the same relabeling. kube-prometheus-stack has no annotation
   * scraping of its own. @default true
   */
  readonly annotationScraping?: boolean;
}

/** The validated operator settings, every default resolved. */
export interface PrometheusOperatorModel {
  readonly release: string;
  readonly selectorLabels: Readonly<Record<string, string>>;
  readonly namespace: string;
  readonly prometheus: IPrometheus;
  readonly alertmanager?: IAlertmanager;
  readonly prometheusPodLabels: Readonly<Record<string, string>>;
  /** What the operator's Prometheus runs rules and scrapes at (the scrape timeout is Prometheus' default, 10s). */
  readonly global: GlobalConfig;
  readonly alertmanagerConfigMatcherStrategy: AlertmanagerConfigMatcherStrategy;
  readonly annotationScraping: boolean;
}

export const PROMETHEUS_OPERATOR_DEFAULTS = {
  release: 'kube-prometheus-stack',
  namespace: 'monitoring',
  prometheusService: 'prometheus-operated',
  prometheusPort: 9090,
  alertmanagerService: 'alertmanager-operated',
  alertmanagerPort: 9093,
  prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/managed-by': 'prometheus-operator' } as Readonly<Record<string, string>>,
  scrapeInterval: '30s',
  evaluationInterval: '30s',
  /** Prometheus' own default `scrape_timeout`. */
  scrapeTimeout: '10s',
  alertmanagerConfigMatcherStrategy: 'OnNamespace' as AlertmanagerConfigMatcherStrategy,
} as const;

const STRATEGIES: readonly AlertmanagerConfigMatcherStrategy[] = ['OnNamespace', 'OnNamespaceExceptForAlertmanagerNamespace', 'None'];

function labelMapProblems(labels: Readonly<Record<string, string>>, path: string, what: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (Object.keys(labels).length === 0) problems.push({ path, message: `must hold at least one label (${what})`, value: labels, fix: 'give the labels, e.g. { release: "kube-prometheus-stack" }.' });
  for (const [k, v] of Object.entries(labels)) problems.push(...kubernetesLabelKeyProblems(k, path), ...kubernetesLabelValueProblems(v, `${path}.${k}`));
  return problems;
}

/**
 * Resolves and validates the operator props (pure); `Prometheus.fromUrl` / `Alertmanager.fromUrl` build the default
 * endpoints (passed in, so this module does not depend on the components).
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function prometheusOperatorModel(
  props: PrometheusOperatorProps,
  path: string,
  endpoints: { prometheus: (url: string) => IPrometheus; alertmanager: (url: string) => IAlertmanager },
): PrometheusOperatorModel {
  const d = PROMETHEUS_OPERATOR_DEFAULTS;
  const c = new ProblemCollector();
  const release = props.release ?? d.release;
  c.addAll(kubernetesLabelValueProblems(release, `${path}.release`));
  const selectorLabels = props.selectorLabels ?? { release };
  c.addAll(labelMapProblems(selectorLabels, `${path}.selectorLabels`, 'the operator selects resources by them'));
  const namespace = props.namespace ?? d.namespace;
  c.addAll(namespaceProblems(namespace, `${path}.namespace`));
  const prometheusPodLabels = props.prometheusPodLabels ?? d.prometheusPodLabels;
  c.addAll(labelMapProblems(prometheusPodLabels, `${path}.prometheusPodLabels`, 'the NetworkPolicies let these pods scrape'));
  const positive = { positive: true };
  const scrapeInterval = c.value(() => PromDuration.from(props.scrapeInterval ?? d.scrapeInterval, `${path}.scrapeInterval`, positive));
  const evaluationInterval = c.value(() => PromDuration.from(props.evaluationInterval ?? d.evaluationInterval, `${path}.evaluationInterval`, positive));
  const strategy = props.alertmanagerConfigMatcherStrategy ?? d.alertmanagerConfigMatcherStrategy;
  if (!STRATEGIES.includes(strategy)) {
    c.add({ path: `${path}.alertmanagerConfigMatcherStrategy`, message: `must be one of ${STRATEGIES.join(', ')}`, value: strategy, fix: 'use the type your Alertmanager resource sets (OnNamespace unless you changed it).' });
  }
  c.throwIfAny();
  const prometheus = props.prometheus ?? endpoints.prometheus(serviceUrl(d.prometheusService, namespace, d.prometheusPort));
  const alertmanager = props.alertmanager === false ? undefined : (props.alertmanager ?? endpoints.alertmanager(serviceUrl(d.alertmanagerService, namespace, d.alertmanagerPort)));
  const scrapeTimeout = PromDuration.parse(d.scrapeTimeout, `${path}.scrapeTimeout`);
  return {
    release,
    selectorLabels: { ...selectorLabels },
    namespace,
    prometheus,
    alertmanager,
    prometheusPodLabels: { ...prometheusPodLabels },
    global: {
      scrapeInterval: scrapeInterval!,
      evaluationInterval: evaluationInterval!,
      // Prometheus caps the timeout at the interval: a 5s interval scrapes with a 5s timeout.
      scrapeTimeout: scrapeTimeout.seconds > scrapeInterval!.seconds ? scrapeInterval! : scrapeTimeout,
    },
    alertmanagerConfigMatcherStrategy: strategy,
    annotationScraping: props.annotationScraping ?? true,
  };
}

/**
 * The stack props that configure components operator mode does not deploy (the stack's own Prometheus and
 * Alertmanager), or that clash with what kube-prometheus-stack runs: each one a problem with its fix.
 */
export function operatorModeProblems(
  props: { readonly prometheus?: object; readonly alertmanager?: object | false },
  path: string,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(props.prometheus ?? {})) {
    if (key === 'shards') {
      problems.push({
        path: `${path}.prometheus.shards`,
        message: 'shards the stack\'s own Prometheus, which operator mode does not deploy',
        value: (props.prometheus as Record<string, unknown>)[key],
        fix: 'shard the operator\'s Prometheus with its own `shards` field (kube-prometheus-stack: prometheus.prometheusSpec.shards), and leave prometheus.shards out.',
      });
      continue;
    }
    problems.push({
      path: `${path}.prometheus.${key}`,
      message: 'tunes the stack\'s own Prometheus, which operator mode does not deploy',
      value: (props.prometheus as Record<string, unknown>)[key],
      fix: 'set it on the operator\'s Prometheus resource (kube-prometheus-stack: prometheus.prometheusSpec), and the intervals as prometheusOperator.scrapeInterval / evaluationInterval.',
    });
  }
  const routing = new Set(['route', 'receivers', 'inhibitRules', 'credentialsSecretName', 'name', 'smtpFrom', 'smtpSmarthost', 'smtpHello', 'smtpAuthUsername', 'smtpAuthPasswordSecretKey', 'smtpRequireTls']);
  if (props.alertmanager) {
    for (const key of Object.keys(props.alertmanager).filter((k) => !routing.has(k))) {
      problems.push({
        path: `${path}.alertmanager.${key}`,
        message: 'tunes the stack\'s own Alertmanager, which operator mode does not deploy (its AlertmanagerConfig takes routes, receivers, inhibitRules, credentialsSecretName, name and the smtp* defaults)',
        value: (props.alertmanager as Record<string, unknown>)[key],
        fix: 'set it on the operator\'s Alertmanager resource (kube-prometheus-stack: alertmanager.alertmanagerSpec), or remove it.',
      });
    }
  }
  return problems;
}

/** The namespace the stack's AlertmanagerConfig goes to: the stack's, or the Alertmanager's (see the strategies). */
export function alertmanagerConfigNamespace(model: Pick<PrometheusOperatorModel, 'alertmanagerConfigMatcherStrategy' | 'namespace'>, stackNamespace: string): string {
  return model.alertmanagerConfigMatcherStrategy === 'OnNamespaceExceptForAlertmanagerNamespace' ? model.namespace : stackNamespace;
}

/**
 * The labels every alerting rule gets so the AlertmanagerConfig's routes see it: under `OnNamespace`, `namespace` set
 * to the AlertmanagerConfig's namespace and the alert's own namespace kept in `exported_namespace` (a rule label
 * template that expands to nothing, and so adds no label, when the alert has none); else none.
 */
export function alertRoutingLabels(strategy: AlertmanagerConfigMatcherStrategy, configNamespace: string | undefined): Readonly<Record<string, string>> {
  if (strategy !== 'OnNamespace' || configNamespace === undefined) return {};
  return { exported_namespace: '{{ $labels.namespace }}', namespace: configNamespace };
}
