import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IAlertmanager, IPrometheus } from '../common/endpoints';
import { ConfigError, ConfigProblem } from '../common/errors';
import { PART_OF } from '../common/labels';
import { defaultNamespace } from '../common/namespace';
import { RULE_FILE_SUFFIX, RuleFile, RuleGroup, renderRuleFile, ruleFileProblems } from '../common/rules';
import { namespaceProblems } from '../common/validation';
import { Alertmanager } from '../components/alertmanager';
import { AddScrapeConfigOptions, IPrometheusSink, Prometheus, ScrapeConfig, kubernetesPodsJob, kubernetesServicesJob, scrapeConfigProblems } from '../components/prometheus';
import { WorkloadMonitorModel, workloadMonitorScrapeConfig } from '../components/prometheus/workload-monitor';
import { NetworkPeer } from '../network/peer';
import { PodMonitor, Probe, PrometheusRule, ScrapeConfig as ScrapeConfigObject, ServiceMonitor } from '../../imports/monitoring.coreos.com';
import { OperatorAlertmanagerConfig, OperatorAlertmanagerConfigProps } from './alertmanager-config';
import { PrometheusOperatorModel, PrometheusOperatorProps, alertRoutingLabels, alertmanagerConfigNamespace, prometheusOperatorModel } from './model';
import { OperatorMonitor, operatorMonitorOfJob, operatorMonitorOfWorkload, untranslatableProblems } from './monitors';
import { prometheusRuleName, prometheusRuleSizeProblems, prometheusRuleSpec } from './rules';

export interface PrometheusOperatorResourcesProps extends PrometheusOperatorProps {
  /** Namespace of the resources (the PrometheusRules, monitors). @default - the chart's namespace */
  readonly resourceNamespace?: string;
  /**
   * The routing for the operator's Alertmanager, as an AlertmanagerConfig (in the resources' namespace, or the
   * Alertmanager's under `OnNamespaceExceptForAlertmanagerNamespace`), or `false` for none (the alerts then go where
   * the Alertmanager's own configuration sends them). Needs `alertmanager` (not `false`).
   * @default - the seed's routing, as the stack's own Alertmanager has it
   */
  readonly alertmanagerConfig?: OperatorAlertmanagerConfigProps | false;
}

/** Where a rule file went. */
export interface PrometheusRuleInfo {
  readonly fileName: string;
  /** The PrometheusRule's name. */
  readonly name: string;
  /** The rules rendered as a rule file, in bytes. */
  readonly bytes: number;
}

/** One operator resource the stack wrote, and the scrape job it stands for. */
export interface OperatorMonitorInfo {
  readonly kind: OperatorMonitor['kind'];
  readonly name: string;
  /** The job as the stack's own Prometheus would run it. */
  readonly job: ScrapeConfig;
}

/**
 * What the stack loads into Prometheus, as Prometheus Operator resources for a Prometheus the operator runs (operator
 * mode, see src/operator/model.ts): every rule file a `PrometheusRule`, every scrape job a `PodMonitor`,
 * `ServiceMonitor`, `Probe` or `ScrapeConfig` (src/operator/monitors.ts), every typed workload monitor a PodMonitor or
 * ServiceMonitor — each labelled for the operator's selectors. It takes rule files and scrape jobs exactly as the
 * stack's `Prometheus` does (`IPrometheusSink`), with the same checks, so the SLO rules, the platform alerts and the
 * exporters' jobs are wired to either.
 */
export class PrometheusOperatorResources extends Construct implements IPrometheusSink {
  /** The validated operator settings (`model.global`: the operator Prometheus' intervals). */
  public readonly model: PrometheusOperatorModel;
  /** Namespace of the resources. */
  public readonly namespace: string;
  /** The operator's Prometheus (Grafana, the collector gateway). */
  public readonly prometheus: IPrometheus;
  /** The operator's Alertmanager (Grafana), unless `alertmanager: false`. */
  public readonly alertmanager?: IAlertmanager;
  /** The operator's Prometheus pods, which scrape the stack's components (for the NetworkPolicies). */
  public readonly scrapers: NetworkPeer;
  /** Labels added to every alerting rule (the routing labels of `alertRoutingLabels`). */
  public readonly alertLabels: Readonly<Record<string, string>>;
  /** The routing, unless `alertmanagerConfig: false` or `alertmanager: false`. */
  public readonly alertmanagerConfig?: OperatorAlertmanagerConfig;

  private readonly storedRuleFiles: { file: RuleFile; info: PrometheusRuleInfo }[] = [];
  private readonly monitors: OperatorMonitorInfo[] = [];
  private readonly objects = new Map<string, ApiObject>();

  constructor(scope: Construct, id: string, props: PrometheusOperatorResourcesProps = {}) {
    super(scope, id);
    const { resourceNamespace, alertmanagerConfig, ...operator } = props;
    this.model = prometheusOperatorModel(operator, this.node.path, { prometheus: (u) => Prometheus.fromUrl(u), alertmanager: (u) => Alertmanager.fromUrl(u) });
    this.namespace = resourceNamespace ?? defaultNamespace(this);
    const problems = namespaceProblems(this.namespace, `${this.node.path}.resourceNamespace`);
    if (problems.length > 0) throw new ConfigError(problems);
    this.prometheus = this.model.prometheus;
    this.alertmanager = this.model.alertmanager;
    this.scrapers = NetworkPeer.namespace(this.model.namespace, this.model.prometheusPodLabels);
    if (this.alertmanager && alertmanagerConfig !== false) {
      this.alertmanagerConfig = new OperatorAlertmanagerConfig(this, 'AlertmanagerConfig', {
        ...alertmanagerConfig,
        namespace: alertmanagerConfigNamespace(this.model, this.namespace),
        selectorLabels: { ...this.model.selectorLabels, ...alertmanagerConfig?.selectorLabels },
      });
    }
    this.alertLabels = alertRoutingLabels(this.model.alertmanagerConfigMatcherStrategy, this.alertmanagerConfig?.namespace);
    if (this.model.annotationScraping) {
      this.addScrapeConfig(kubernetesPodsJob());
      this.addScrapeConfig(kubernetesServicesJob());
    }
  }

  /** The rule files, in the order added. */
  public get ruleFiles(): readonly RuleFile[] {
    return this.storedRuleFiles.map((r) => r.file);
  }

  /** Where each rule file went. */
  public get ruleInfo(): readonly PrometheusRuleInfo[] {
    return this.storedRuleFiles.map((r) => r.info);
  }

  /** The scrape jobs (translated jobs and workload monitors), as the stack's own Prometheus would run them. */
  public get jobs(): readonly ScrapeConfig[] {
    return this.monitors.map((m) => m.job);
  }

  /** Every scrape resource written, in order. */
  public get monitorResources(): readonly OperatorMonitorInfo[] {
    return [...this.monitors];
  }

  /**
   * Adds a rule file as a PrometheusRule named after it (`slo-order-service.rules.yml` → `slo-order-service`),
   * checked as Prometheus checks it at load, and against the operator's size limit.
   * @throws ConfigError when the name is taken, a rule is malformed or the file is too large.
   */
  public addRuleFile(file: RuleFile): PrometheusRuleInfo {
    const path = `${this.node.path}.ruleFiles[${typeof file.fileName === 'string' && file.fileName !== '' ? file.fileName : this.storedRuleFiles.length}]`;
    const problems: ConfigProblem[] = ruleFileProblems(file, path);
    const name = problems.length === 0 ? prometheusRuleName(file.fileName) : '';
    const taken = this.storedRuleFiles.find((r) => r.info.name === name);
    if (name !== '' && taken) {
      problems.push({ path: `${path}.fileName`, message: `becomes the PrometheusRule "${name}", like ${taken.file.fileName}`, value: file.fileName, fix: 'give every rule file its own name.' });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    const spec = prometheusRuleSpec(file, this.alertLabels);
    const bytes = Buffer.byteLength(renderRuleFile(file.groups), 'utf8');
    const size = prometheusRuleSizeProblems(file, bytes, path);
    if (size.length > 0) throw new ConfigError(size);
    this.objects.set(`PrometheusRule/${name}`, new PrometheusRule(this, `PrometheusRule-${name}`, {
      metadata: {
        name,
        namespace: this.namespace,
        labels: this.labels('rules'),
        // Rule files of large catalogs pass the 256 KiB client-side apply annotation: Argo CD applies them server-side.
        annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' },
      },
      spec,
    }));
    const info = { fileName: file.fileName, name, bytes };
    this.storedRuleFiles.push({ file, info });
    return info;
  }

  /** Adds one rule group as its own rule file. @default fileName `<group name>.rules.yml` */
  public addRuleGroup(group: RuleGroup, fileName?: string): PrometheusRuleInfo {
    return this.addRuleFile({ fileName: fileName ?? `${group.name}${RULE_FILE_SUFFIX}`, groups: [group] });
  }

  /**
   * Adds a scrape job, as the operator resource that discovers the same targets with the same labels
   * (src/operator/monitors.ts). `options.before` is checked but changes nothing: the operator orders jobs itself.
   * @throws ConfigError when the job is malformed, its name is taken, or it reads credentials from files.
   */
  public addScrapeConfig(job: ScrapeConfig, options: AddScrapeConfigOptions = {}): this {
    const path = `${this.node.path}.scrapeConfigs[${this.monitors.length}]`;
    const problems = [...scrapeConfigProblems(job, this.model.global, path), ...untranslatableProblems(job, path), ...this.takenProblems(job.jobName, `${path}.jobName`)];
    if (options.before !== undefined && !this.monitors.some((m) => m.job.jobName === options.before)) {
      problems.push({ path: `${path}.before`, message: 'names no scrape job', value: options.before, fix: 'name an existing job, or leave it out.' });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    this.write(operatorMonitorOfJob(job), job);
    return this;
  }

  /**
   * Adds a typed workload monitor as a PodMonitor (pods) or ServiceMonitor (a Service's endpoints).
   * @throws ConfigError when its name is the name of another job (the `job` label would mix them).
   */
  public addWorkloadMonitor(monitor: WorkloadMonitorModel): this {
    const problems = this.takenProblems(monitor.name, `${this.node.path}.monitors[${monitor.name}].name`);
    if (problems.length > 0) throw new ConfigError(problems);
    this.write(operatorMonitorOfWorkload(monitor), workloadMonitorScrapeConfig(monitor));
    return this;
  }

  private takenProblems(jobName: string, path: string): ConfigProblem[] {
    if (!this.monitors.some((m) => m.job.jobName === jobName)) return [];
    return [{ path, message: 'is already the name of a scrape job (job names must be unique; the job label would mix both)', value: jobName, fix: `rename it, e.g. "${jobName}-2".` }];
  }

  private write(m: OperatorMonitor, job: ScrapeConfig): void {
    const key = `${m.kind}/${m.name}`;
    if (this.objects.has(key)) {
      throw new ConfigError({ path: `${this.node.path}.${m.kind}[${m.name}]`, message: `would be a second ${m.kind} named "${m.name}" (job "${job.jobName}")`, value: job.jobName, fix: 'give the jobs names that differ after lowercasing and replacing characters other than letters, digits, "-" and ".".' });
    }
    const metadata = { name: m.name, namespace: this.namespace, labels: this.labels('scraping') };
    const id = `${m.kind}-${m.name}`;
    const object =
      m.kind === 'PodMonitor' ? new PodMonitor(this, id, { metadata, spec: m.spec })
        : m.kind === 'ServiceMonitor' ? new ServiceMonitor(this, id, { metadata, spec: m.spec })
          : m.kind === 'Probe' ? new Probe(this, id, { metadata, spec: m.spec })
            : new ScrapeConfigObject(this, id, { metadata, spec: m.spec });
    this.objects.set(key, object);
    this.monitors.push({ kind: m.kind, name: m.name, job });
  }

  private labels(component: string): Record<string, string> {
    return { 'app.kubernetes.io/component': component, 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'cdk8s', ...this.model.selectorLabels };
  }
}
