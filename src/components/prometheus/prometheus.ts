import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { PortRole } from '../../network/peer';
import type { PortSpec } from '../../common/workload';
import { POD_NAME_ENV, alertReplicaLabelDrop, remoteWriteEgress, remoteWriteMounts, renderRemoteWrite } from './remote-write';
import * as k8s from '../../../imports/k8s';
import { ConfigMapPack, DataConfigMap, PackedConfigMap, configMapEntryBytes } from '../../common/configmap-pack';
import { IAlertmanager, IPrometheus, baseUrl, serviceUrl } from '../../common/endpoints';
import { ConfigError, ConfigProblem, emitWarnings } from '../../common/errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { clusterScoped, defaultNamespace } from '../../common/namespace';
import { RULE_FILE_SUFFIX, RuleFile, RuleGroup, renderRuleFile, ruleFileProblems } from '../../common/rules';
import { checksum } from '../../common/serialize';
import { stackService } from '../../common/service';
import { basePathWarnings, httpUrlProblems } from '../../common/validation';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { addVolumeSource, secureStatefulSet, spreadOverNodes } from '../../common/workload';
import { PrometheusConfig, renderPrometheusConfig, scrapeConfigProblems } from './config';
import { DEFAULT_JOB_NAMES, KUBELET_PORT, PROMETHEUS_DEFAULTS, PROMETHEUS_ENDPOINTS, PROMETHEUS_PATHS } from './defaults';
import { PrometheusModel, PrometheusProps, prometheusModel } from './model';
import { prometheusArgs, prometheusClusterRoleRules } from './pod';
import { RelabelConfig, ScrapeConfig } from './scrape-config';
import { escapeRelabelRegex, podLabelMeta } from './relabel';
import { defaultScrapeJobs } from './scrape-jobs';
import { PROMETHEUS_SHARD_LABEL } from '../../conventions';

/** A Prometheus outside this stack, known by its base URL. */
class ExternalPrometheus implements IPrometheus {
  public readonly remoteWriteUrl: string;
  public readonly otlpMetricsUrl: string;
  constructor(public readonly queryUrl: string) {
    this.remoteWriteUrl = `${queryUrl}${PROMETHEUS_ENDPOINTS.remoteWrite}`;
    this.otlpMetricsUrl = `${queryUrl}${PROMETHEUS_ENDPOINTS.otlpMetrics}`;
  }
}

/** Where a rule file lives. */
export interface PrometheusRuleFileInfo {
  readonly fileName: string;
  readonly configMapName: string;
  /** The file in the pod. */
  readonly path: string;
  /** Serialized size in bytes. */
  readonly bytes: number;
}

/** Options of `Prometheus.addScrapeConfig`. */
export interface AddScrapeConfigOptions {
  /** Insert the job before the job of this name (keeps related jobs together in prometheus.yml). @default - last */
  readonly before?: string;
}

interface RuleConfigMap extends PackedConfigMap {
  readonly name: string;
}

interface StoredRuleFile {
  readonly file: RuleFile;
  readonly content: string;
  readonly info: PrometheusRuleFileInfo;
}

const RULES_VOLUME = 'rules';

/** Endpoint paths the stack appends to a Prometheus base URL (longest first), which a base URL should not end with. */
const PROMETHEUS_ENDPOINT_PATHS = [PROMETHEUS_ENDPOINTS.otlpMetrics, '/api/v1/otlp', PROMETHEUS_ENDPOINTS.remoteWrite, '/api/v1/query_range', '/api/v1/query', '/api/v1'];

/**
 * Prometheus 3 as a StatefulSet with one PersistentVolumeClaim per replica for the TSDB, a ServiceAccount with only
 * the read access Kubernetes service discovery and the kubelet's cAdvisor endpoint need, a ClusterIP Service on 9090
 * and the StatefulSet's headless governing Service.
 *
 * `prometheus.yml` (`config`) is a typed model rendered lazily, so scrape jobs and Alertmanagers added after
 * construction land in it. Rule files (`addRuleFile`, `addRuleGroup`) are packed, in the order added, into ConfigMaps
 * of at most ~900 KiB (the API server's object limit is 1 MiB), all projected into one directory that `rule_files`
 * globs; a thousand services' SLO rules fit. The pods carry a `checksum/config` of the config and every rule file, so
 * a change rolls them (the image has no config reloader).
 *
 * It accepts pushes on the OTLP receiver (`/api/v1/otlp/v1/metrics`, where the collector gateway sends metrics) and,
 * with `remoteWriteReceiver`, on the remote-write receiver (`/api/v1/write`). Neither is authenticated: the stack's
 * NetworkPolicies let only the gateway push (see SECURITY.md).
 */
export class Prometheus extends Construct implements IPrometheus, INetworkComponent {
  /**
   * A Prometheus outside this stack (or one managed elsewhere), for Grafana datasources and collector exporters.
   * Its remote-write and OTLP receivers must be enabled for those URLs to work.
   * @throws ConfigError when `url` is not an http(s) base URL.
   */
  public static fromUrl(url: string): IPrometheus {
    const problems = httpUrlProblems(url, 'Prometheus.fromUrl.url', { base: true, example: 'http://prometheus.monitoring.svc:9090' });
    if (problems.length > 0) throw new ConfigError(problems);
    emitWarnings(basePathWarnings(url, 'Prometheus.fromUrl.url', { component: 'Prometheus', endpoints: PROMETHEUS_ENDPOINT_PATHS }));
    return new ExternalPrometheus(baseUrl(url));
  }

  public readonly namespace: string;
  public readonly name: string;
  /** The ClusterIP Service's name. */
  public readonly serviceName: string;
  /** `http://<name>.<namespace>.svc:9090` */
  public readonly queryUrl: string;
  public readonly remoteWriteUrl: string;
  public readonly otlpMetricsUrl: string;
  /** Each replica's OTLP URL through the headless Service (`<name>-<i>.<name>-headless.<namespace>.svc`). */
  public readonly replicaOtlpMetricsUrls: readonly string[];
  public readonly port: number = PROMETHEUS_DEFAULTS.port;
  /** The validated props, every default resolved. */
  public readonly model: PrometheusModel;
  /** Labels selecting the Prometheus pods. */
  public readonly podSelector: Readonly<Record<string, string>>;
  /**
   * What the network policies know: the web port serves the OTLP receiver (ingest), the query API and its own
   * metrics; it calls the API server (discovery) and every kubelet (cAdvisor, with the default jobs).
   */
  public readonly network: ComponentNetwork;
  public readonly serviceAccount: kplus.ServiceAccount;
  public readonly clusterRole: k8s.KubeClusterRole;
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;
  public readonly statefulSet: kplus.StatefulSet;
  /** ClusterIP Service on 9090. */
  public readonly service: kplus.Service;
  /** The StatefulSet's governing Service (per-replica DNS names). */
  public readonly headlessService: kplus.Service;
  /** Holds `prometheus.yml`. */
  public readonly configMap: k8s.KubeConfigMap;

  private readonly identity: ComponentIdentity;
  private readonly scrapeConfigs: ScrapeConfig[] = [];
  /** Pods the annotation job skips (they have a job of their own): namespace and selector labels. */
  private readonly annotationExclusions: { readonly namespace: string; readonly selector: Readonly<Record<string, string>> }[] = [];
  private readonly alertmanagers: IAlertmanager[] = [];
  private readonly storedRuleFiles: StoredRuleFile[] = [];
  private readonly rulePack: ConfigMapPack<RuleConfigMap>;

  constructor(scope: Construct, id: string, props: PrometheusProps = {}) {
    super(scope, id);
    const model = prometheusModel(props, this.node.path, defaultNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    this.name = model.name;
    this.serviceName = model.name;
    this.queryUrl = serviceUrl(this.serviceName, this.namespace, this.port);
    this.remoteWriteUrl = `${this.queryUrl}${PROMETHEUS_ENDPOINTS.remoteWrite}`;
    this.otlpMetricsUrl = `${this.queryUrl}${PROMETHEUS_ENDPOINTS.otlpMetrics}`;
    this.replicaOtlpMetricsUrls = Array.from(
      { length: model.replicas },
      (_, i) => `http://${model.name}-${i}.${model.name}-headless.${model.namespace}.svc:${this.port}${PROMETHEUS_ENDPOINTS.otlpMetrics}`,
    );
    this.identity = { name: 'prometheus', instance: model.name, component: 'metrics', version: model.image };
    this.podSelector = selectorLabels(this.identity);
    const labels = recommendedLabels(this.identity);
    const clusterName = `${model.namespace}-${model.name}`;

    // The token is mounted by the pod (it talks to the API server), not by default for every user of the account.
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: model.name, namespace: model.namespace, labels },
      automountToken: false,
    });
    this.clusterRole = clusterScoped(new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: clusterName, labels },
      rules: prometheusClusterRoleRules().map((r) => ({ ...r })),
    }));
    this.clusterRoleBinding = clusterScoped(new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
      subjects: [{ kind: 'ServiceAccount', name: model.name, namespace: model.namespace }],
    }));

    const ports = [{ name: PROMETHEUS_DEFAULTS.portName, port: this.port }];
    const sidecars = props.sidecars ?? [];
    const roles: Partial<Record<PortRole, PortSpec[]>> = { ingest: [...ports], query: [...ports], metrics: [...ports] };
    for (const s of sidecars) for (const [role, list] of Object.entries(s.ports ?? {})) roles[role as PortRole] = [...(roles[role as PortRole] ?? []), ...(list ?? [])];
    const egress = [...(model.remoteWrite ? remoteWriteEgress(model.remoteWrite) : []), ...sidecars.flatMap((s) => s.egress ?? [])];
    this.network = {
      pods: { namespace: model.namespace, podSelector: this.podSelector },
      ports: roles,
      callsApiServer: true,
      nodePorts: model.defaultScrapeJobs ? [KUBELET_PORT] : [],
      egress: egress.length > 0 ? egress : undefined,
    };
    this.headlessService = stackService(this, 'Headless', {
      identity: this.identity,
      namespace: model.namespace,
      name: `${model.name}-headless`,
      headless: true,
      ports,
    });
    this.service = stackService(this, 'Service', { identity: this.identity, namespace: model.namespace, name: model.name, ports });

    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${model.name}-config`, namespace: model.namespace, labels },
      data: Lazy.any({ produce: () => ({ 'prometheus.yml': this.renderConfig() }) }),
    });
    const configVolume = kplus.Volume.fromConfigMap(
      this,
      'ConfigVolume',
      kplus.ConfigMap.fromConfigMapName(this, 'ConfigRef', `${model.name}-config`),
      { name: 'config' },
    );

    this.statefulSet = secureStatefulSet(this, 'Resource', {
      scheduling: model.scheduling,
      identity: this.identity,
      namespace: model.namespace,
      replicas: model.replicas,
      service: this.headlessService,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: this.network.callsApiServer,
      user: PROMETHEUS_DEFAULTS.uid,
      group: PROMETHEUS_DEFAULTS.gid,
      fsGroup: PROMETHEUS_DEFAULTS.gid,
      terminationGracePeriodSeconds: PROMETHEUS_DEFAULTS.terminationGracePeriodSeconds,
      podAnnotations: { 'checksum/config': Lazy.any({ produce: () => this.configChecksum() }) },
      claims: [{ name: 'data', mountPath: PROMETHEUS_PATHS.data, size: model.storageSize, storageClassName: model.storageClassName }],
      // The rule ConfigMaps are created as rule files are added (also after construction): one projected volume
      // gathers them into one directory, each new ConfigMap adding a source (addVolumeSource).
      volumes: [{ name: RULES_VOLUME, source: { projected: { sources: [] } } }],
      // Spread the replicas over nodes, so losing a node keeps one scraping.
      topologySpreadConstraints: model.replicas > 1 ? [spreadOverNodes(this.identity)] : undefined,
      containers: [
        {
          name: 'prometheus',
          image: model.image,
          args: [...prometheusArgs(model), ...sidecars.flatMap((s) => s.prometheusArgs ?? [])],
          ports,
          resources: model.resources,
          // /-/ready fails until the WAL is replayed (minutes on a big TSDB); /-/healthy answers as soon as the web
          // server runs, so liveness never kills a replay (https://prometheus.io/docs/prometheus/latest/management_api/).
          readiness: { path: PROMETHEUS_ENDPOINTS.ready, port: this.port, periodSeconds: 5, failureThreshold: 3 },
          liveness: { path: PROMETHEUS_ENDPOINTS.healthy, port: this.port, initialDelaySeconds: 30, periodSeconds: 15, failureThreshold: 4 },
          mounts: [{ volume: configVolume, path: PROMETHEUS_PATHS.configDir }, ...remoteWriteMounts(this, model.remoteWrite ?? [])],
          // The HA replica label's value (`${POD_NAME}` in external_labels, expanded by Prometheus 3).
          env: Object.values(model.global.externalLabels ?? {}).some((v) => v.includes(`\${${POD_NAME_ENV}}`)) ? { [POD_NAME_ENV]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME) } : undefined,
          claimMounts: ['data'],
          volumeMounts: [{ volume: RULES_VOLUME, path: PROMETHEUS_PATHS.rulesDir }],
        },
        ...sidecars.map((s) => s.container),
      ],
    });

    this.rulePack = new ConfigMapPack<RuleConfigMap>(PROMETHEUS_DEFAULTS.maxRuleConfigMapBytes, (index) => this.openRuleConfigMap(index));

    if (model.defaultScrapeJobs) {
      for (const job of defaultScrapeJobs({
        namespace: model.namespace,
        selector: this.podSelector,
        portName: PROMETHEUS_DEFAULTS.portName,
        kubeletInsecureSkipVerify: model.kubeletInsecureSkipVerify,
      })) {
        this.addScrapeConfig(job);
      }
    }
    for (const am of props.alertmanagers ?? []) this.addAlertmanager(am);
  }

  /** The rule files, in the order added. */
  public get ruleFiles(): readonly RuleFile[] {
    return this.storedRuleFiles.map((r) => r.file);
  }

  /** Where each rule file lives (ConfigMap, path in the pod, size). */
  public get ruleFileInfo(): readonly PrometheusRuleFileInfo[] {
    return this.storedRuleFiles.map((r) => r.info);
  }

  /** The names of the ConfigMaps holding rule files. */
  public get ruleConfigMapNames(): readonly string[] {
    return this.rulePack.configMaps.map((c) => c.name);
  }

  /** The scrape jobs, in file order. */
  public get jobs(): readonly ScrapeConfig[] {
    return [...this.scrapeConfigs];
  }

  /**
   * Adds a scrape job (exporters hand theirs over this way), last or before another job.
   * @throws ConfigError when a job of that name exists, the job is malformed, or `before` names no job.
   */
  public addScrapeConfig(job: ScrapeConfig, options: AddScrapeConfigOptions = {}): this {
    const path = `${this.node.path}.scrapeConfigs[${this.scrapeConfigs.length}]`;
    const problems = scrapeConfigProblems(job, this.model.global, path);
    if (this.scrapeConfigs.some((j) => j.jobName === job.jobName)) {
      problems.push({
        path: `${path}.jobName`,
        message: `is already the name of a scrape job of this Prometheus (job names must be unique; the job label would mix both)`,
        value: job.jobName,
        fix: `rename the new job, e.g. "${job.jobName}-2", or drop the default jobs with defaultScrapeJobs: false to replace "${job.jobName}".`,
      });
    }
    const before = options.before === undefined ? this.scrapeConfigs.length : this.scrapeConfigs.findIndex((j) => j.jobName === options.before);
    if (before < 0) {
      problems.push({
        path: `${path}.before`,
        message: 'names no scrape job of this Prometheus',
        value: options.before,
        fix: `use one of ${this.scrapeConfigs.map((j) => JSON.stringify(j.jobName)).join(', ') || '(no jobs yet)'}, or leave it out to add the job last.`,
      });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    this.scrapeConfigs.splice(before, 0, job);
    return this;
  }

  /**
   * Sends alerts to an Alertmanager (all of its `targets`, read when the config renders).
   * @throws ConfigError when it is already added.
   */
  public addAlertmanager(alertmanager: IAlertmanager): this {
    if (this.alertmanagers.includes(alertmanager)) {
      throw new ConfigError({
        path: `${this.node.path}.alertmanagers`,
        message: 'already holds this Alertmanager',
        value: [...alertmanager.targets],
        fix: 'add each Alertmanager once.',
      });
    }
    this.alertmanagers.push(alertmanager);
    return this;
  }

  /**
   * Adds a rule file. It lands in the last rule ConfigMap, or a new one when that would pass ~900 KiB, so adding a
   * file never moves the others. Every rule is checked as Prometheus checks it at load (`ruleFileProblems` in
   * src/common/rules.ts), so a bad rule fails synth instead of the pod; all problems of the file are reported together.
   * @throws ConfigError when the name is not `<name>.rules.yml` or is taken, the file is empty, a group name repeats,
   * a rule is malformed (PromQL, names, labels, durations), or the file alone is too large for a ConfigMap.
   */
  public addRuleFile(file: RuleFile): PrometheusRuleFileInfo {
    const path = `${this.node.path}.ruleFiles[${typeof file.fileName === 'string' && file.fileName !== '' ? file.fileName : this.storedRuleFiles.length}]`;
    const problems: ConfigProblem[] = ruleFileProblems(file, path);
    const taken = this.storedRuleFiles.find((r) => r.file.fileName === file.fileName);
    if (taken) {
      problems.push({
        path: `${path}.fileName`,
        message: `is already the name of a rule file (in ConfigMap ${taken.info.configMapName})`,
        value: file.fileName,
        fix: 'give every rule file its own name, or put the groups into one file.',
      });
    }
    if (problems.length > 0) throw new ConfigError(problems);

    const content = renderRuleFile(file.groups);
    const bytes = configMapEntryBytes(file.fileName, content);
    if (!this.rulePack.fits(bytes)) {
      throw new ConfigError({
        path,
        message: `serializes to ${bytes} bytes, more than the ${this.rulePack.maxBytes} a rule ConfigMap may hold (Kubernetes objects are limited to 1 MiB)`,
        value: file.fileName,
        fix: 'split it into several rule files (e.g. one per service or per rule group).',
      });
    }
    const configMap = this.rulePack.add(file.fileName, content);
    const info: PrometheusRuleFileInfo = {
      fileName: file.fileName,
      configMapName: configMap.name,
      path: `${PROMETHEUS_PATHS.rulesDir}/${file.fileName}`,
      bytes,
    };
    this.storedRuleFiles.push({ file, content, info });
    return info;
  }

  /** Adds one rule group as its own rule file. @default fileName `<group name>.rules.yml` */
  public addRuleGroup(group: RuleGroup, fileName?: string): PrometheusRuleFileInfo {
    return this.addRuleFile({ fileName: fileName ?? `${group.name}${RULE_FILE_SUFFIX}`, groups: [group] });
  }

  /** The `prometheus.yml` model, as it stands. */
  public get config(): PrometheusConfig {
    return {
      global: this.model.global,
      alerting: {
        alertmanagers: this.alertmanagers.map((am) => ({ staticConfigs: [{ targets: [...am.targets] }] })),
        alertRelabelConfigs: this.alertRelabelConfigs(),
      },
      ruleFiles: [`${PROMETHEUS_PATHS.rulesDir}/*${RULE_FILE_SUFFIX}`],
      scrapeConfigs: this.scrapeConfigs.map((j) => (j.jobName === DEFAULT_JOB_NAMES.pods && this.annotationExclusions.length > 0 ? this.withExclusions(j) : j)),
      storage: { tsdb: { outOfOrderTimeWindow: this.model.outOfOrderTimeWindow } },
      remoteWrite: renderRemoteWrite(this.model.remoteWrite ?? [], this.model.global.externalLabels, this.model.replicaLabel),
    };
  }

  /** Drops the replica labels (and a shard's shard label) from alerts, so the copies of one alert notify once. */
  private alertRelabelConfigs(): RelabelConfig[] | undefined {
    return alertReplicaLabelDrop(this.model.global.externalLabels ?? {}, this.model.replicaLabel, this.model.shard !== undefined ? [PROMETHEUS_SHARD_LABEL] : []);
  }

  /**
   * Keeps the `kubernetes-pods` annotation job away from pods that a job of their own scrapes (the stack's components
   * under self-monitoring), so their series are not scraped twice under two job names.
   */
  public excludeFromAnnotationJob(namespace: string, selector: Readonly<Record<string, string>>): this {
    this.annotationExclusions.push({ namespace, selector });
    return this;
  }

  private withExclusions(job: ScrapeConfig): ScrapeConfig {
    const drops: RelabelConfig[] = this.annotationExclusions.map((e) => {
      const labels = Object.keys(e.selector).sort();
      return {
        sourceLabels: ['__meta_kubernetes_namespace', ...labels.map(podLabelMeta)],
        regex: [e.namespace, ...labels.map((l) => e.selector[l])].map(escapeRelabelRegex).join(';'),
        action: 'drop',
      };
    });
    return { ...job, relabelConfigs: [...drops, ...(job.relabelConfigs ?? [])] };
  }

  /** `prometheus.yml`, as it stands. */
  public renderConfig(): string {
    return renderPrometheusConfig(this.config);
  }

  private openRuleConfigMap(index: number): RuleConfigMap {
    const name = `${this.name}-rules-${index}`;
    const configMap = new DataConfigMap(this, `Rules-${index}`, {
      name,
      namespace: this.namespace,
      labels: recommendedLabels(this.identity),
      // Client-side apply copies the object into an annotation limited to 256 KiB; rule ConfigMaps can be larger,
      // so Argo CD applies them server-side (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#server-side-apply).
      annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' },
    });
    addVolumeSource(this.statefulSet, RULES_VOLUME, { configMap: { name } });
    return { configMap, name, bytes: 0 };
  }

  /** Prometheus reads config and rules only at start or on reload: roll the pods when any of them changes. */
  private configChecksum(): string {
    return checksum(this.renderConfig(), ...this.storedRuleFiles.flatMap((r) => [r.file.fileName, r.content]));
  }
}
