import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { MAX_PROMETHEUS_SHARDS, PROMETHEUS_SHARD_TMP_LABEL, TARGET_LABELS, prometheusShardName } from '../../conventions';
import { IAlertmanager, IPrometheus, OtlpMetricsShard } from '../../common/endpoints';
import { ConfigError, ConfigProblem } from '../../common/errors';
import { PART_OF } from '../../common/labels';
import { RULE_FILE_SUFFIX, RuleFile, RuleGroup } from '../../common/rules';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { GlobalConfig } from './config';
import { DEFAULT_JOB_NAMES, KUBELET_PORT, PROMETHEUS_DEFAULTS } from './defaults';
import { PrometheusProps, PrometheusSidecar } from './model';
import { AddScrapeConfigOptions, Prometheus, PrometheusRuleFileInfo } from './prometheus';
import { RelabelConfig, ScrapeConfig } from './scrape-config';
import { cadvisorJob, kubernetesPodsJob, kubernetesServicesJob, prometheusSelfJob } from './scrape-jobs';
import { IPrometheusSink } from './sink';

/**
 * Hashmod sharding of Prometheus (pure helpers and the `PrometheusShards` construct).
 *
 * Prometheus' `hashmod` relabel action (model/relabel/relabel.go at v3.5.0, `case HashMod`): the md5 digest of the
 * source label values joined by the separator (`;` by default), the last 8 bytes of the digest read as a big-endian
 * uint64, modulo `modulus`. `prometheusHashmod` computes the same in TypeScript, so the stack knows at synth which
 * shard scrapes which service and places each service's SLO rules there. test/components/prometheus-shards-live.test.ts
 * proves the two agree by asking a real Prometheus which targets each shard keeps.
 */

/** Prometheus' `hashmod` of one joined source value (pure). */
export function prometheusHashmod(value: string, modulus: number): number {
  const digest = createHash('md5').update(value, 'utf8').digest();
  return Number(digest.readBigUInt64BE(8) % BigInt(modulus));
}

/**
 * The shard that scrapes a service: the `hashmod` of its `service` label modulo the shard count. Targets without a
 * `service` label go to shard 0 (the relabeling below pins them there).
 */
export function serviceShard(service: string, shards: number): number {
  return shards <= 1 || service === '' ? 0 : prometheusHashmod(service, shards);
}

/**
 * The relabelings that keep only shard `index`'s targets, appended after a job's own (so `service` is final): hash
 * `service` into a scratch label, pin targets without a `service` to shard 0, keep where it equals `index`.
 */
export function shardKeepRelabels(index: number, shards: number): RelabelConfig[] {
  return [
    { sourceLabels: [TARGET_LABELS.service], modulus: shards, targetLabel: PROMETHEUS_SHARD_TMP_LABEL, action: 'hashmod' },
    { sourceLabels: [TARGET_LABELS.service], regex: '', targetLabel: PROMETHEUS_SHARD_TMP_LABEL, replacement: '0', action: 'replace' },
    { sourceLabels: [PROMETHEUS_SHARD_TMP_LABEL], regex: String(index), action: 'keep' },
  ];
}

/** A job's shard-`index` copy: its relabelings with `shardKeepRelabels` appended (pure). */
export function shardedJob(job: ScrapeConfig, index: number, shards: number): ScrapeConfig {
  return { ...job, relabelConfigs: [...(job.relabelConfigs ?? []), ...shardKeepRelabels(index, shards)] };
}

/** The service whose per-service SLO rule file this is (`slo-<service>.rules.yml`), else undefined. */
export function sloRuleFileService(fileName: string): string | undefined {
  const m = /^slo-(.+)\.rules\.yml$/.exec(fileName);
  return m && fileName.endsWith(RULE_FILE_SUFFIX) ? m[1] : undefined;
}

/** Problems of `prometheus.shards` (pure). */
export function shardCountProblems(shards: unknown, path: string): ConfigProblem[] {
  if (Number.isInteger(shards) && (shards as number) >= 1 && (shards as number) <= MAX_PROMETHEUS_SHARDS) return [];
  return [{ path, message: `must be a whole number from 1 to ${MAX_PROMETHEUS_SHARDS}`, value: shards, fix: 'use 1 (one Prometheus, the default), or e.g. 4 to split the services over four Prometheus shards.' }];
}

export interface PrometheusShardsProps extends Omit<PrometheusProps, 'shard' | 'sidecars'> {
  /** How many shards (2 to 64; 1 would be one Prometheus: use `Prometheus`). */
  readonly shards: number;
  /** Jobs that every shard runs, each keeping only its own services (hashmod of `service`). Every other job runs on shard 0 only. */
  readonly shardedJobs: readonly string[];
  /**
   * Rule files every shard loads (rules that read application metrics, aggregate per service, or watch each shard's
   * own targets; none may fire on absent data). Others go to shard 0, per-service SLO files to their service's shard.
   */
  readonly everyShardRuleFiles: readonly string[];
  /**
   * The catalog's services: the gateway sends each one's pushed metrics to the shard that scrapes it (every other
   * pushed metric to shard 0). @default - none: every pushed metric to shard 0
   */
  readonly services?: readonly string[];
  /** The containers beside each shard's Prometheus (e.g. the Thanos sidecar), built per shard in its own scope. @default - none */
  readonly sidecars?: (scope: Construct, index: number) => readonly PrometheusSidecar[];
}

/**
 * N Prometheus shards, each its own StatefulSet (`<name>-shard-<k>`, an HA pair with `replicas: 2`) with its own
 * `prometheus.yml` and the external label `prometheus_shard="<k>"`. It is the stack's metrics sink in their place:
 * - scrape jobs: the `shardedJobs` (the application jobs that produce `service` from the pods and Services, the SLO
 *   probes, typed workload monitors) run on every shard, each keeping the targets whose `service` hashes to it; every
 *   other job (kubelet/cAdvisor, kube-state-metrics, node-exporter, the stack's own components, databases) runs on
 *   shard 0, so rules joining them (HighMemoryUsage: cAdvisor with kube-state-metrics) see all their inputs;
 * - rule files: a service's `slo-<service>.rules.yml` goes to the shard that scrapes the service (or shard 0 for a
 *   service pinned there, `pinToFirstShard`), the `everyShardRuleFiles` to every shard, the rest to shard 0;
 * - pushed OTLP metrics: the gateway keeps each shard's catalog services for it (`otlpMetricsShards`, a `filter`
 *   processor per shard on the final `service` label); services outside the catalog, and metrics without a
 *   `service`, go to shard 0 (the collector cannot compute the hashmod).
 */
export class PrometheusShards extends Construct implements IPrometheusSink, IPrometheus, INetworkComponent {
  public readonly shards: readonly Prometheus[];
  public readonly count: number;
  public readonly model: { readonly global: GlobalConfig };
  public readonly network: ComponentNetwork;
  /** Shard 0's Service (the global view is Thanos Query's). */
  public readonly queryUrl: string;
  public readonly remoteWriteUrl: string;
  public readonly otlpMetricsUrl: string;
  /** Every replica of every shard. */
  public readonly replicaOtlpMetricsUrls: readonly string[];

  private readonly shardedJobs: ReadonlySet<string>;
  private readonly everyShard: ReadonlySet<string>;
  private readonly pinned = new Set<string>();
  private readonly files: RuleFile[] = [];
  private readonly catalog: readonly string[];

  constructor(scope: Construct, id: string, props: PrometheusShardsProps) {
    super(scope, id);
    const { shards: count, shardedJobs, everyShardRuleFiles, sidecars, defaultScrapeJobs, alertmanagers, services: _services, ...rest } = props;
    const problems = shardCountProblems(count, `${this.node.path}.shards`);
    if (problems.length > 0) throw new ConfigError(problems);
    this.count = count;
    this.shardedJobs = new Set(shardedJobs);
    this.everyShard = new Set(everyShardRuleFiles);
    const base = props.name ?? PROMETHEUS_DEFAULTS.name;
    this.shards = Array.from({ length: count }, (_, k) => {
      const shard = new Prometheus(this, `Shard${k}`, {
        ...rest,
        name: prometheusShardName(base, k),
        shard: { index: k, count },
        defaultScrapeJobs: false,
        sidecars: sidecars ? sidecars(new Construct(this, `Sidecars${k}`), k) : undefined,
      });
      return shard;
    });
    const first = this.shards[0];
    this.model = first.model;
    this.queryUrl = first.queryUrl;
    this.remoteWriteUrl = first.remoteWriteUrl;
    this.otlpMetricsUrl = first.otlpMetricsUrl;
    this.replicaOtlpMetricsUrls = this.shards.flatMap((s) => s.replicaOtlpMetricsUrls);
    this.catalog = [...new Set(props.services ?? [])].sort();
    const withDefaults = defaultScrapeJobs ?? true;
    // Every shard's pods carry these labels (recommendedLabels of the identity all shards share), and only they do
    // among the stack's pods: the NetworkPolicies treat the shards as one Prometheus.
    this.network = {
      ...first.network,
      pods: { namespace: first.namespace, podSelector: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'metrics', 'app.kubernetes.io/part-of': PART_OF } },
      policyName: base,
      nodePorts: withDefaults ? [KUBELET_PORT] : [],
    };
    if (withDefaults) {
      this.shards.forEach((s, k) => {
        s.addScrapeConfig(prometheusSelfJob({ namespace: s.namespace, selector: s.podSelector, portName: PROMETHEUS_DEFAULTS.portName }));
        s.addScrapeConfig(shardedJob(kubernetesPodsJob(), k, count));
        s.addScrapeConfig(shardedJob(kubernetesServicesJob(), k, count));
      });
      first.addScrapeConfig(cadvisorJob({ kubeletInsecureSkipVerify: first.model.kubeletInsecureSkipVerify }));
    }
    for (const am of alertmanagers ?? []) this.addAlertmanager(am);
  }

  /** Shard 0's jobs (the platform jobs live there; the sharded jobs are on every shard). */
  public get jobs(): readonly ScrapeConfig[] {
    return this.shards[0].jobs;
  }

  /** Every rule file, in the order added, once. */
  public get ruleFiles(): readonly RuleFile[] {
    return [...this.files];
  }

  /** Which shards load a rule file (pure placement of the file's name). */
  public shardsOfRuleFile(fileName: string): number[] {
    if (this.everyShard.has(fileName)) return this.shards.map((_, k) => k);
    const service = sloRuleFileService(fileName);
    return [service === undefined || this.pinned.has(service) ? 0 : serviceShard(service, this.count)];
  }

  /** Each shard's replicas and the catalog services whose pushed metrics it keeps (the gateway routes by `service`). */
  public get otlpMetricsShards(): readonly OtlpMetricsShard[] {
    return this.shards.map((s, k) => ({ urls: s.replicaOtlpMetricsUrls, services: this.catalog.filter((svc) => this.shardOfService(svc) === k) }));
  }

  /** The shard scraping a service (shard 0 for a pinned one). */
  public shardOfService(service: string): number {
    return this.pinned.has(service) ? 0 : serviceShard(service, this.count);
  }

  /**
   * Services whose series come from shard-0 jobs (database exporters): their SLO rule files go to shard 0. Call
   * before their rule files are added.
   */
  public pinToFirstShard(services: readonly string[]): this {
    for (const s of services) this.pinned.add(s);
    return this;
  }

  /** A `shardedJobs` job on every shard (each keeping its services), any other on shard 0. */
  public addScrapeConfig(job: ScrapeConfig, options: AddScrapeConfigOptions = {}): this {
    if (this.shardedJobs.has(job.jobName)) this.addShardedScrapeConfig(job, options);
    else this.shards[0].addScrapeConfig(job, options);
    return this;
  }

  /** A job on every shard, each keeping the targets whose `service` hashes to it. */
  public addShardedScrapeConfig(job: ScrapeConfig, options: AddScrapeConfigOptions = {}): this {
    this.shards.forEach((s, k) => s.addScrapeConfig(shardedJob(job, k, this.count), options));
    return this;
  }

  public addRuleFile(file: RuleFile): PrometheusRuleFileInfo[] {
    const infos = this.shardsOfRuleFile(file.fileName).map((k) => this.shards[k].addRuleFile(file));
    this.files.push(file);
    return infos;
  }

  public addRuleGroup(group: RuleGroup, fileName?: string): PrometheusRuleFileInfo[] {
    return this.addRuleFile({ fileName: fileName ?? `${group.name}${RULE_FILE_SUFFIX}`, groups: [group] });
  }

  /** Every shard sends its alerts to the Alertmanager. */
  public addAlertmanager(alertmanager: IAlertmanager): this {
    for (const s of this.shards) s.addAlertmanager(alertmanager);
    return this;
  }

  /** Keeps the annotation job of every shard away from pods that a job of their own scrapes. */
  public excludeFromAnnotationJob(namespace: string, selector: Readonly<Record<string, string>>): this {
    for (const s of this.shards) s.excludeFromAnnotationJob(namespace, selector);
    return this;
  }
}

/** Job names every shard runs (sharded by `service`): the annotation jobs; the stack adds the SLO probes and the monitors. */
export const SHARDED_DEFAULT_JOBS: readonly string[] = [DEFAULT_JOB_NAMES.pods, DEFAULT_JOB_NAMES.services];
