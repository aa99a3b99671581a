import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { parseDuration } from '../../common/duration';
import { IAlertmanager, IPrometheus, serviceUrl } from '../../common/endpoints';
import { ConfigError, ConfigProblem, ProblemCollector } from '../../common/errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { parseByteQuantity } from '../../common/quantity';
import { Rule, RuleFile, RuleGroup, isAlertingRule, renderRuleFile } from '../../common/rules';
import { checksum } from '../../common/serialize';
import { stackService } from '../../common/service';
import { ResourceSpec, resourceProblems, secureStatefulSet } from '../../common/workload';
import { labelNameProblems, metricNameProblems, promqlProblems } from '../../promql';
import { ImageVersion, VERSIONS } from '../../versions';
import {
  GlobalConfig,
  PrometheusConfig,
  durationProblem,
  formatRetentionSize,
  labelProblems,
  parseRetentionSize,
  renderPrometheusConfig,
  scrapeConfigProblems,
} from './config';
import { PROMETHEUS_DEFAULTS, PROMETHEUS_ENDPOINTS, PROMETHEUS_PATHS, RULE_FILE_SUFFIX } from './defaults';
import { ScrapeConfig } from './scrape-config';
import { defaultScrapeJobs } from './scrape-jobs';

export interface PrometheusProps {
  /** @default 'observability' */
  readonly namespace?: string;
  /**
   * Name of the StatefulSet and the ClusterIP Service; the prefix of the other namespaced objects. The cluster-scoped
   * ClusterRole and ClusterRoleBinding are named `<namespace>-<name>`, so they never collide with another Prometheus.
   * @default 'prometheus'
   */
  readonly name?: string;
  /** @default VERSIONS.prometheus */
  readonly image?: ImageVersion;
  /**
   * Replicas. Each replica scrapes every target and evaluates every rule on its own (an HA pair); Alertmanager
   * deduplicates their alerts.
   * @default 1
   */
  readonly replicas?: number;
  /** How long to keep samples (`--storage.tsdb.retention.time`), a Prometheus duration. @default '15d' */
  readonly retentionTime?: string;
  /**
   * The most bytes of blocks to keep (`--storage.tsdb.retention.size`): a whole number with unit B, KB, MB, GB, TB,
   * PB or EB (powers of 2: 1KB = 1024B). Must not exceed `storageSize`.
   * @default - 90% of storageSize, e.g. '45GB' for the default '50Gi'
   */
  readonly retentionSize?: string;
  /** Size of each replica's TSDB volume (a PersistentVolumeClaim), a Kubernetes quantity. @default '50Gi' */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Global `scrape_interval`. @default '15s' */
  readonly scrapeInterval?: string;
  /** Global `evaluation_interval` of rules. @default '15s' */
  readonly evaluationInterval?: string;
  /** Global `scrape_timeout`; at most scrapeInterval. @default '10s' */
  readonly scrapeTimeout?: string;
  /** `external_labels` added to alerts and to series leaving this Prometheus, e.g. `{ cluster: 'prod-eu' }`. @default - none */
  readonly externalLabels?: Readonly<Record<string, string>>;
  /** Alertmanagers to notify (read by reference: their `targets`). More with `addAlertmanager`. @default - none */
  readonly alertmanagers?: readonly IAlertmanager[];
  /** @default - 500m CPU and 2Gi memory requested, 4Gi memory limit */
  readonly resources?: ResourceSpec;
  /**
   * Add the default scrape jobs: `prometheus` (itself), `kubernetes-pods` and `kubernetes-services` (the
   * `prometheus.io/*` annotations), `node-exporter` and `cadvisor`.
   * @default true
   */
  readonly defaultScrapeJobs?: boolean;
  /** Namespace where node-exporter runs (the `node-exporter` job discovers pods there). @default 'observability-agents' */
  readonly agentNamespace?: string;
  /**
   * Accept samples this much older than the newest (`storage.tsdb.out_of_order_time_window`): OTLP pushes from
   * several collector replicas arrive out of order.
   * @default '30m'
   */
  readonly outOfOrderTimeWindow?: string;
  /**
   * Do not verify the kubelets' serving certificates in the `cadvisor` job. Needed on clusters whose kubelets serve
   * self-signed certificates (kubeadm without `serverTLSBootstrap`, kind); verification stays on by default.
   * @default false
   */
  readonly kubeletInsecureSkipVerify?: boolean;
}

/** The validated Prometheus settings, every default resolved. */
export interface PrometheusModel {
  readonly namespace: string;
  readonly name: string;
  readonly image: ImageVersion;
  readonly replicas: number;
  readonly retentionTime: string;
  readonly retentionSize: string;
  readonly storageSize: string;
  readonly storageClassName?: string;
  readonly global: GlobalConfig;
  readonly resources: ResourceSpec;
  readonly defaultScrapeJobs: boolean;
  readonly agentNamespace: string;
  readonly outOfOrderTimeWindow: string;
  readonly kubeletInsecureSkipVerify: boolean;
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function dnsProblem(value: string, path: string, max: number, pattern = DNS_LABEL): ConfigProblem | undefined {
  if (typeof value === 'string' && value.length <= max && pattern.test(value)) return undefined;
  return {
    path,
    message: `must be a lower-case DNS name of at most ${max} characters`,
    value,
    fix: 'use lower-case letters, digits and "-", starting with a letter, e.g. "prometheus".',
  };
}

/**
 * Resolves and validates the props (pure). Every problem is reported at once.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function prometheusModel(props: PrometheusProps = {}, path = 'Prometheus'): PrometheusModel {
  const d = PROMETHEUS_DEFAULTS;
  const problems = new ProblemCollector();
  const storageSize = props.storageSize ?? d.storageSize;
  let storageBytes: number | undefined;
  problems.check(() => {
    storageBytes = parseByteQuantity(storageSize, `${path}.storageSize`);
  });
  const retentionSize =
    props.retentionSize ?? (storageBytes !== undefined ? formatRetentionSize(storageBytes * d.retentionSizeShareOfStorage) : '');
  const model: PrometheusModel = {
    namespace: props.namespace ?? d.namespace,
    name: props.name ?? d.name,
    image: props.image ?? VERSIONS.prometheus,
    replicas: props.replicas ?? d.replicas,
    retentionTime: props.retentionTime ?? d.retentionTime,
    retentionSize,
    storageSize,
    storageClassName: props.storageClassName,
    global: {
      scrapeInterval: props.scrapeInterval ?? d.scrapeInterval,
      scrapeTimeout: props.scrapeTimeout ?? d.scrapeTimeout,
      evaluationInterval: props.evaluationInterval ?? d.evaluationInterval,
      externalLabels: props.externalLabels,
    },
    resources: props.resources ?? d.resources,
    defaultScrapeJobs: props.defaultScrapeJobs ?? true,
    agentNamespace: props.agentNamespace ?? d.agentNamespace,
    outOfOrderTimeWindow: props.outOfOrderTimeWindow ?? d.outOfOrderTimeWindow,
    kubeletInsecureSkipVerify: props.kubeletInsecureSkipVerify ?? false,
  };

  const add = (p: ConfigProblem | undefined) => p && problems.add(p);
  add(dnsProblem(model.namespace, `${path}.namespace`, 63));
  add(dnsProblem(model.agentNamespace, `${path}.agentNamespace`, 63));
  // `<name>-headless` must stay a DNS label, and StatefulSet pod names get a revision-hash label of their name.
  add(dnsProblem(model.name, `${path}.name`, 40));
  if (model.storageClassName !== undefined) add(dnsProblem(model.storageClassName, `${path}.storageClassName`, 253, DNS_SUBDOMAIN));
  if (!model.image || !model.image.repository || !model.image.tag || model.image.tag === 'latest') {
    problems.add({ path: `${path}.image`, message: 'must name a repository and a pinned tag', value: model.image, fix: 'pass { repository: "quay.io/prometheus/prometheus", tag: "v3.5.0" }.' });
  }
  if (!Number.isInteger(model.replicas) || model.replicas < 1) {
    problems.add({ path: `${path}.replicas`, message: 'must be a whole number of at least 1', value: model.replicas, fix: 'use 1, or 2 for an HA pair.' });
  }
  add(durationProblem(model.retentionTime, `${path}.retentionTime`));
  add(durationProblem(model.global.scrapeInterval, `${path}.scrapeInterval`));
  add(durationProblem(model.global.scrapeTimeout, `${path}.scrapeTimeout`));
  add(durationProblem(model.global.evaluationInterval, `${path}.evaluationInterval`));
  add(durationProblem(model.outOfOrderTimeWindow, `${path}.outOfOrderTimeWindow`));
  const globalDurationsOk = [model.global.scrapeInterval, model.global.scrapeTimeout].every((v) => durationProblem(v, 'x') === undefined);
  if (globalDurationsOk && parseDuration(model.global.scrapeTimeout, 't') > parseDuration(model.global.scrapeInterval, 'i')) {
    problems.add({
      path: `${path}.scrapeTimeout`,
      message: `must not be longer than scrapeInterval (${model.global.scrapeInterval})`,
      value: model.global.scrapeTimeout,
      fix: 'shorten scrapeTimeout or lengthen scrapeInterval.',
    });
  }
  problems.addAll(labelProblems(model.global.externalLabels, `${path}.externalLabels`));
  problems.addAll(resourceProblems(props.resources, `${path}.resources`));
  if (storageBytes !== undefined) {
    const retentionBytes = parseRetentionSize(model.retentionSize);
    if (retentionBytes === undefined) {
      problems.add({
        path: `${path}.retentionSize`,
        message: 'is not a Prometheus size (a whole number with unit B, KB, MB, GB, TB, PB or EB)',
        value: model.retentionSize,
        fix: 'write e.g. "45GB" (powers of 2: 1GB = 1024MB); omit it for 90% of storageSize.',
      });
    } else if (retentionBytes > storageBytes) {
      problems.add({
        path: `${path}.retentionSize`,
        message: `is larger than storageSize (${storageSize}): the disk would fill before size-based retention deletes anything`,
        value: model.retentionSize,
        fix: `set it below storageSize, e.g. "${formatRetentionSize(storageBytes * PROMETHEUS_DEFAULTS.retentionSizeShareOfStorage)}", or grow storageSize.`,
      });
    }
  }
  problems.throwIfAny();
  return model;
}

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

interface RuleChunk {
  readonly configMap: kplus.ConfigMap;
  readonly name: string;
  bytes: number;
}

interface StoredRuleFile {
  readonly file: RuleFile;
  readonly content: string;
  readonly info: PrometheusRuleFileInfo;
}

const RULE_FILE_NAME = /^[A-Za-z0-9][-._A-Za-z0-9]*$/;
const RULES_VOLUME = 'rules';

/**
 * Prometheus 3 as a StatefulSet with one PersistentVolumeClaim per replica for the TSDB, a ServiceAccount with only
 * the read access Kubernetes service discovery and the kubelet's cAdvisor endpoint need, a ClusterIP Service on 9090
 * and the StatefulSet's headless governing Service.
 *
 * `prometheus.yml` is a typed model rendered lazily, so scrape jobs and Alertmanagers added after construction land
 * in it. Rule files (`addRuleFile`, `addRuleGroup`) are packed, in the order added, into ConfigMaps of at most
 * ~900 KiB (the API server's object limit is 1 MiB), all projected into one directory that `rule_files` globs; a
 * thousand services' SLO rules fit. The pods carry a `checksum/config` of the config and every rule file, so a change
 * rolls them (the image has no config reloader).
 *
 * It accepts pushes on the remote-write receiver (`/api/v1/write`) and the OTLP receiver (`/api/v1/otlp/v1/metrics`,
 * where the collector gateway sends metrics). Neither is authenticated: keep the Service inside the cluster.
 */
export class Prometheus extends Construct implements IPrometheus {
  /**
   * A Prometheus outside this stack (or one managed elsewhere), for Grafana datasources and collector exporters.
   * Its remote-write and OTLP receivers must be enabled for those URLs to work.
   * @throws ConfigError when `url` is not an http(s) URL.
   */
  public static fromUrl(url: string): IPrometheus {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.search !== '' || parsed.hash !== '') {
      throw new ConfigError({
        path: 'Prometheus.fromUrl.url',
        message: 'is not an http(s) base URL',
        value: url,
        fix: 'pass the base URL without query or fragment, e.g. "http://prometheus.monitoring.svc:9090".',
      });
    }
    return new ExternalPrometheus(url.replace(/\/+$/, ''));
  }

  public readonly namespace: string;
  public readonly name: string;
  /** The ClusterIP Service's name. */
  public readonly serviceName: string;
  /** `http://<name>.<namespace>.svc:9090` */
  public readonly queryUrl: string;
  public readonly remoteWriteUrl: string;
  public readonly otlpMetricsUrl: string;
  public readonly port: number = PROMETHEUS_DEFAULTS.port;
  /** The validated settings. */
  public readonly model: PrometheusModel;
  /** Labels selecting the Prometheus pods. */
  public readonly podSelector: Readonly<Record<string, string>>;
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
  private readonly alertmanagers: IAlertmanager[] = [];
  private readonly storedRuleFiles: StoredRuleFile[] = [];
  private readonly ruleChunks: RuleChunk[] = [];

  constructor(scope: Construct, id: string, props: PrometheusProps = {}) {
    super(scope, id);
    const model = prometheusModel(props, this.node.path);
    this.model = model;
    this.namespace = model.namespace;
    this.name = model.name;
    this.serviceName = model.name;
    this.queryUrl = serviceUrl(this.serviceName, this.namespace, this.port);
    this.remoteWriteUrl = `${this.queryUrl}${PROMETHEUS_ENDPOINTS.remoteWrite}`;
    this.otlpMetricsUrl = `${this.queryUrl}${PROMETHEUS_ENDPOINTS.otlpMetrics}`;
    this.identity = { name: 'prometheus', instance: model.name, component: 'metrics', version: model.image };
    this.podSelector = selectorLabels(this.identity);
    const labels = recommendedLabels(this.identity);
    const clusterName = `${model.namespace}-${model.name}`;

    // The token is mounted by the pod (it talks to the API server), not by default for every user of the account.
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: model.name, namespace: model.namespace, labels },
      automountToken: false,
    });
    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: clusterName, labels },
      rules: prometheusClusterRoleRules().map((r) => ({ ...r })),
    });
    this.clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
      subjects: [{ kind: 'ServiceAccount', name: model.name, namespace: model.namespace }],
    });

    const ports = [{ name: PROMETHEUS_DEFAULTS.portName, port: this.port }];
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
      identity: this.identity,
      namespace: model.namespace,
      replicas: model.replicas,
      service: this.headlessService,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: true,
      user: PROMETHEUS_DEFAULTS.uid,
      group: PROMETHEUS_DEFAULTS.gid,
      fsGroup: PROMETHEUS_DEFAULTS.gid,
      terminationGracePeriodSeconds: PROMETHEUS_DEFAULTS.terminationGracePeriodSeconds,
      podAnnotations: { 'checksum/config': Lazy.any({ produce: () => this.configChecksum() }) },
      claims: [{ name: 'data', mountPath: PROMETHEUS_PATHS.data, size: model.storageSize, storageClassName: model.storageClassName }],
      containers: [
        {
          name: 'prometheus',
          image: model.image,
          args: prometheusArgs(model),
          ports,
          resources: model.resources,
          // /-/ready fails until the WAL is replayed (minutes on a big TSDB); /-/healthy answers as soon as the web
          // server runs, so liveness never kills a replay (https://prometheus.io/docs/prometheus/latest/management_api/).
          readiness: { path: PROMETHEUS_ENDPOINTS.ready, port: this.port, periodSeconds: 5, failureThreshold: 3 },
          liveness: { path: PROMETHEUS_ENDPOINTS.healthy, port: this.port, initialDelaySeconds: 30, periodSeconds: 15, failureThreshold: 4 },
          mounts: [{ volume: configVolume, path: PROMETHEUS_PATHS.configDir }],
          claimMounts: ['data'],
        },
      ],
    });

    if (model.replicas > 1) {
      // Spread the replicas over nodes, so losing a node keeps one scraping (best effort: never blocks scheduling).
      ApiObject.of(this.statefulSet).addJsonPatch(
        JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
          {
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { ...this.podSelector } },
          },
        ]),
      );
    }

    // The rule ConfigMaps are created as rule files are added (also after construction), so the projected volume is
    // built with patches: the volume goes first in the list, and each new ConfigMap appends one source to it.
    // (Patches apply to the L1 object before its JSON mapping: L1 prop names, which equal the API's here.)
    ApiObject.of(this.statefulSet).addJsonPatch(
      JsonPatch.add('/spec/template/spec/volumes/0', { name: RULES_VOLUME, projected: { sources: [] } }),
      JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: RULES_VOLUME, mountPath: PROMETHEUS_PATHS.rulesDir, readOnly: true }),
    );

    if (model.defaultScrapeJobs) {
      for (const job of defaultScrapeJobs({
        namespace: model.namespace,
        selector: this.podSelector,
        portName: PROMETHEUS_DEFAULTS.portName,
        agentNamespace: model.agentNamespace,
        nodeExporterAppName: PROMETHEUS_DEFAULTS.nodeExporterAppName,
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
    return this.ruleChunks.map((c) => c.name);
  }

  /** The scrape jobs, in file order. */
  public get jobs(): readonly ScrapeConfig[] {
    return [...this.scrapeConfigs];
  }

  /**
   * Adds a scrape job (exporters hand theirs over this way).
   * @throws ConfigError when a job of that name exists, or the job is malformed.
   */
  public addScrapeConfig(job: ScrapeConfig): this {
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
    if (problems.length > 0) throw new ConfigError(problems);
    this.scrapeConfigs.push(job);
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
   * file never moves the others. Every rule is checked as Prometheus checks it at load (see `ruleFileProblems`), so a
   * bad rule fails synth instead of the pod; all problems of the file are reported together.
   * @throws ConfigError when the name is not `<name>.rules.yml` or is taken, the file is empty, a group name repeats,
   * a rule is malformed (PromQL, names, labels, durations), or the file alone is too large for a ConfigMap.
   */
  public addRuleFile(file: RuleFile): PrometheusRuleFileInfo {
    const path = `${this.node.path}.ruleFiles[${typeof file.fileName === 'string' && file.fileName !== '' ? file.fileName : this.storedRuleFiles.length}]`;
    const problems = ruleFileProblems(file, path);
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
    const bytes = Buffer.byteLength(content, 'utf8') + Buffer.byteLength(file.fileName, 'utf8');
    const max = PROMETHEUS_DEFAULTS.maxRuleConfigMapBytes;
    if (bytes > max) {
      throw new ConfigError({
        path,
        message: `serializes to ${bytes} bytes, more than the ${max} a rule ConfigMap may hold (Kubernetes objects are limited to 1 MiB)`,
        value: file.fileName,
        fix: 'split it into several rule files (e.g. one per service or per rule group).',
      });
    }
    let chunk = this.ruleChunks[this.ruleChunks.length - 1];
    if (!chunk || chunk.bytes + bytes > max) chunk = this.addRuleChunk();
    chunk.configMap.addData(file.fileName, content);
    chunk.bytes += bytes;
    const info: PrometheusRuleFileInfo = {
      fileName: file.fileName,
      configMapName: chunk.name,
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
  public config(): PrometheusConfig {
    return {
      global: this.model.global,
      alerting: {
        alertmanagers: this.alertmanagers.map((am) => ({ staticConfigs: [{ targets: [...am.targets] }] })),
      },
      ruleFiles: [`${PROMETHEUS_PATHS.rulesDir}/*${RULE_FILE_SUFFIX}`],
      scrapeConfigs: [...this.scrapeConfigs],
      storage: { tsdb: { outOfOrderTimeWindow: this.model.outOfOrderTimeWindow } },
    };
  }

  /** `prometheus.yml`, as it stands. */
  public renderConfig(): string {
    return renderPrometheusConfig(this.config());
  }

  private addRuleChunk(): RuleChunk {
    const index = this.ruleChunks.length;
    const name = `${this.name}-rules-${index}`;
    const configMap = new kplus.ConfigMap(this, `Rules-${index}`, {
      metadata: {
        name,
        namespace: this.namespace,
        labels: recommendedLabels(this.identity),
        // Client-side apply copies the object into an annotation limited to 256 KiB; rule ConfigMaps can be larger,
        // so Argo CD applies them server-side (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#server-side-apply).
        annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' },
      },
    });
    ApiObject.of(this.statefulSet).addJsonPatch(
      JsonPatch.add('/spec/template/spec/volumes/0/projected/sources/-', { configMap: { name } }),
    );
    const chunk: RuleChunk = { configMap, name, bytes: 0 };
    this.ruleChunks.push(chunk);
    return chunk;
  }

  /** Prometheus reads config and rules only at start or on reload: roll the pods when any of them changes. */
  private configChecksum(): string {
    return checksum(this.renderConfig(), ...this.storedRuleFiles.flatMap((r) => [r.file.fileName, r.content]));
  }
}

/** A ClusterRole rule, as the RBAC API writes it. */
export interface PrometheusPolicyRule {
  readonly apiGroups?: string[];
  readonly resources?: string[];
  readonly nonResourceUrLs?: string[];
  readonly verbs: string[];
}

/**
 * Read-only access for Kubernetes service discovery (roles node, service, pod, endpoints, endpointslice) and the
 * kubelet's `/metrics/cadvisor` (authorized as `get` on `nodes/metrics`), plus `/metrics` of the API server. As
 * upstream's RBAC example (documentation/examples/rbac-setup.yml) without `nodes/proxy` and ingresses, which the
 * stack's jobs do not use.
 */
export function prometheusClusterRoleRules(): PrometheusPolicyRule[] {
  const read = ['get', 'list', 'watch'];
  return [
    { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: read },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
    { nonResourceUrLs: ['/metrics'], verbs: ['get'] },
  ];
}

/**
 * Prometheus' command line (pure). Flags: https://prometheus.io/docs/prometheus/latest/command-line/prometheus/
 * (Prometheus 3: the OTLP receiver is a flag, no longer a feature flag).
 */
export function prometheusArgs(model: PrometheusModel): string[] {
  return [
    `--config.file=${PROMETHEUS_PATHS.configFile}`,
    `--storage.tsdb.path=${PROMETHEUS_PATHS.data}`,
    `--storage.tsdb.retention.time=${model.retentionTime}`,
    `--storage.tsdb.retention.size=${model.retentionSize}`,
    '--web.enable-lifecycle',
    '--web.enable-remote-write-receiver',
    '--web.enable-otlp-receiver',
  ];
}

/** Problems of a rule file that Prometheus would refuse at load (https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/). */
export function ruleFileProblems(file: RuleFile, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof file.fileName !== 'string' || !file.fileName.endsWith(RULE_FILE_SUFFIX) || !RULE_FILE_NAME.test(file.fileName) || file.fileName.length > 253) {
    problems.push({
      path: `${path}.fileName`,
      message: `must be a ConfigMap key ending "${RULE_FILE_SUFFIX}" (letters, digits, "-", "_", ".")`,
      value: file.fileName,
      fix: `name it e.g. "order-service${RULE_FILE_SUFFIX}"; rule_files loads only files ending "${RULE_FILE_SUFFIX}".`,
    });
  }
  if (!file.groups || file.groups.length === 0) {
    problems.push({ path: `${path}.groups`, message: 'must hold at least one rule group', value: file.fileName, fix: 'add a group, or do not add the file.' });
  }
  const seen = new Set<string>();
  (file.groups ?? []).forEach((g, i) => {
    const named = typeof g.name === 'string' && g.name.trim() !== '';
    const at = `${path}.groups[${named && !seen.has(g.name) ? g.name : i}]`;
    if (!named) {
      problems.push({ path: `${at}.name`, message: 'must not be empty', value: g.name, fix: 'name the group.' });
    } else if (seen.has(g.name)) {
      problems.push({ path: `${at}.name`, message: 'repeats a group name of the same file (Prometheus refuses the file)', value: g.name, fix: 'give every group of a file its own name.' });
    }
    seen.add(g.name);
    const p = durationProblem(g.interval, `${at}.interval`);
    if (p) problems.push(p);
    if (!g.rules || g.rules.length === 0) {
      problems.push({ path: `${at}.rules`, message: 'must hold at least one rule', value: g.name, fix: 'add rules, or leave the group out.' });
    }
    (g.rules ?? []).forEach((rule, j) => problems.push(...ruleProblems(rule, `${at}.rules[${j}]`)));
  });
  return problems;
}

function nonNegativeDurationProblem(value: string | undefined, path: string): ConfigProblem | undefined {
  if (value === undefined) return undefined;
  try {
    parseDuration(value, path);
    return undefined;
  } catch (e) {
    return e instanceof ConfigError ? e.problems[0] : { path, message: 'is not a Prometheus duration', value };
  }
}

/**
 * Problems of one rule, as Prometheus' rule-file loader (`rulefmt`) refuses them: exactly one of `record` and
 * `alert`; a recording rule's name a valid metric name; an alert name non-empty; `expr` valid PromQL (parsed and
 * type-checked by src/promql, with a caret at the culprit); label and annotation names valid label names; label
 * values strings; `for`/`keepFiringFor` Prometheus durations (0s allowed).
 * (https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/,
 * https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/)
 */
export function ruleProblems(rule: Rule, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (rule === null || typeof rule !== 'object') {
    return [{ path, message: 'must be a recording rule { record, expr } or an alerting rule { alert, expr }', value: rule, fix: 'pass an object.' }];
  }
  const hasRecord = 'record' in rule && (rule as { record?: unknown }).record !== undefined;
  const hasAlert = 'alert' in rule && (rule as { alert?: unknown }).alert !== undefined;
  if (hasRecord && hasAlert) {
    problems.push({ path, message: 'sets both "record" and "alert" (Prometheus refuses the file)', value: { record: (rule as { record?: unknown }).record, alert: (rule as { alert?: unknown }).alert }, fix: 'make it either a recording rule or an alerting rule.' });
  } else if (!hasRecord && !hasAlert) {
    problems.push({ path, message: 'sets neither "record" nor "alert" (Prometheus refuses the file)', value: Object.keys(rule), fix: 'name the recorded series with record, or the alert with alert.' });
  }
  if (hasAlert && isAlertingRule(rule)) {
    if (typeof rule.alert !== 'string' || rule.alert.trim() === '') {
      problems.push({ path: `${path}.alert`, message: 'must be a non-empty alert name', value: rule.alert, fix: 'name the alert, e.g. "HighErrorRate".' });
    }
    const forProblem = nonNegativeDurationProblem(rule.for, `${path}.for`);
    if (forProblem) problems.push(forProblem);
    const keepProblem = nonNegativeDurationProblem(rule.keepFiringFor, `${path}.keepFiringFor`);
    if (keepProblem) problems.push(keepProblem);
    for (const key of Object.keys(rule.annotations ?? {})) problems.push(...labelNameProblems(key, `${path}.annotations.${key}`));
  } else if (hasRecord) {
    problems.push(...metricNameProblems((rule as { record: unknown }).record, `${path}.record`));
  }
  problems.push(...promqlProblems(rule.expr, `${path}.expr`));
  for (const [key, value] of Object.entries(rule.labels ?? {})) {
    const nameProblems = labelNameProblems(key, `${path}.labels.${key}`);
    problems.push(...nameProblems);
    if (nameProblems.length === 0 && typeof value !== 'string') {
      problems.push({ path: `${path}.labels.${key}`, message: 'must be a string label value', value, fix: 'quote the value.' });
    }
  }
  return problems;
}
