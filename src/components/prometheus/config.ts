import { PromDuration } from '../../common/duration';
import { ConfigProblem } from '../../common/errors';
import { toYaml } from '../../common/serialize';
import { durationProblems, labelSetProblems, regexProblems } from '../../common/validation';
import { RelabelConfig, ScrapeConfig, StaticConfig } from './scrape-config';

/**
 * Typed model of `prometheus.yml` (https://prometheus.io/docs/prometheus/latest/configuration/configuration/),
 * camelCase here and mapped to upstream snake_case in `prometheusConfigDocument` only. The tests check and load it with
 * promtool and Prometheus at the deployed release (VERSIONS.prometheus).
 */

/** `global` (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#configuration-file). */
export interface GlobalConfig {
  readonly scrapeInterval: PromDuration;
  readonly scrapeTimeout: PromDuration;
  readonly evaluationInterval: PromDuration;
  /** Labels added to every series and alert leaving this Prometheus (federation, remote write, Alertmanager). */
  readonly externalLabels?: Readonly<Record<string, string>>;
}

/** One `alerting.alertmanagers` entry (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#alertmanager_config). */
export interface AlertmanagerEndpointsConfig {
  /** Every replica as `host:port`: Prometheus sends each alert to all of them (never through a load balancer). */
  readonly staticConfigs: readonly StaticConfig[];
  /** @default http */
  readonly scheme?: 'http' | 'https';
  /** @default - none */
  readonly pathPrefix?: string;
  /** @default - Prometheus' default (10s) */
  readonly timeout?: string;
}

/** `storage` (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#tsdb). */
export interface StorageConfig {
  readonly tsdb?: {
    /** How old a sample may be and still be ingested. */
    readonly outOfOrderTimeWindow?: PromDuration;
  };
}

export interface PrometheusConfig {
  readonly global: GlobalConfig;
  readonly alerting?: {
    readonly alertmanagers: readonly AlertmanagerEndpointsConfig[];
    /** Applied to alerts before they are sent (an HA pair drops its replica label here). */
    readonly alertRelabelConfigs?: readonly RelabelConfig[];
  };
  /** Paths or globs of rule files. */
  readonly ruleFiles?: readonly string[];
  readonly scrapeConfigs: readonly ScrapeConfig[];
  readonly storage?: StorageConfig;
  /** `remote_write` entries, already in upstream keys (remote-write.ts renders them). @default - none */
  readonly remoteWrite?: readonly Record<string, unknown>[];
}

function sortedRecord(r: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (!r || Object.keys(r).length === 0) return undefined;
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
}

/** `<relabel_config>` (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config). */
export function renderRelabelConfig(r: RelabelConfig): Record<string, unknown> {
  return {
    source_labels: r.sourceLabels ? [...r.sourceLabels] : undefined,
    separator: r.separator,
    regex: r.regex,
    modulus: r.modulus,
    target_label: r.targetLabel,
    replacement: r.replacement,
    action: r.action,
  };
}

function renderStaticConfig(s: StaticConfig): Record<string, unknown> {
  return { targets: [...s.targets], labels: sortedRecord(s.labels) };
}

/** `<scrape_config>` (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config). */
export function renderScrapeConfig(c: ScrapeConfig): Record<string, unknown> {
  return {
    job_name: c.jobName,
    scrape_interval: c.scrapeInterval,
    scrape_timeout: c.scrapeTimeout,
    metrics_path: c.metricsPath,
    scheme: c.scheme,
    params: c.params ? Object.fromEntries(Object.keys(c.params).sort().map((k) => [k, [...c.params![k]]])) : undefined,
    honor_labels: c.honorLabels,
    honor_timestamps: c.honorTimestamps,
    sample_limit: c.sampleLimit,
    authorization: c.authorization ? { type: c.authorization.type, credentials_file: c.authorization.credentialsFile } : undefined,
    bearer_token_file: c.bearerTokenFile,
    tls_config: c.tlsConfig
      ? { ca_file: c.tlsConfig.caFile, server_name: c.tlsConfig.serverName, insecure_skip_verify: c.tlsConfig.insecureSkipVerify }
      : undefined,
    kubernetes_sd_configs: c.kubernetesSdConfigs?.map((k) => ({
      role: k.role,
      namespaces: k.namespaces ? { names: [...k.namespaces] } : undefined,
      selectors: k.selectors?.map((s) => ({ role: s.role, label: s.label, field: s.field })),
    })),
    static_configs: c.staticConfigs?.map(renderStaticConfig),
    relabel_configs: c.relabelConfigs?.map(renderRelabelConfig),
    metric_relabel_configs: c.metricRelabelConfigs?.map(renderRelabelConfig),
  };
}

/** The upstream document (snake_case) for a config model. */
export function prometheusConfigDocument(c: PrometheusConfig): Record<string, unknown> {
  const alertmanagers = c.alerting?.alertmanagers ?? [];
  return {
    global: {
      scrape_interval: c.global.scrapeInterval.toString(),
      scrape_timeout: c.global.scrapeTimeout.toString(),
      evaluation_interval: c.global.evaluationInterval.toString(),
      external_labels: sortedRecord(c.global.externalLabels),
    },
    alerting:
      alertmanagers.length > 0
        ? {
            alert_relabel_configs: c.alerting?.alertRelabelConfigs?.map(renderRelabelConfig),
            alertmanagers: alertmanagers.map((a) => ({
              scheme: a.scheme,
              path_prefix: a.pathPrefix,
              timeout: a.timeout,
              static_configs: a.staticConfigs.map(renderStaticConfig),
            })),
          }
        : undefined,
    rule_files: c.ruleFiles && c.ruleFiles.length > 0 ? [...c.ruleFiles] : undefined,
    scrape_configs: c.scrapeConfigs.map(renderScrapeConfig),
    storage: c.storage?.tsdb ? { tsdb: { out_of_order_time_window: c.storage.tsdb.outOfOrderTimeWindow?.toString() } } : undefined,
    remote_write: c.remoteWrite && c.remoteWrite.length > 0 ? c.remoteWrite.map((r) => ({ ...r })) : undefined,
  };
}

/** Serializes `prometheus.yml` (YAML, generated header). */
export function renderPrometheusConfig(c: PrometheusConfig): string {
  return toYaml(prometheusConfigDocument(c));
}

// ---------------------------------------------------------------------------------------------------------------
// Checks of scrape jobs added to the file (so a mistake fails synth, not the pod)

/**
 * Problems of one scrape job against the global settings it inherits: a name, a target source, valid durations,
 * a timeout no longer than the interval (Prometheus refuses the file otherwise), valid static label names.
 */
export function scrapeConfigProblems(job: ScrapeConfig, global: GlobalConfig, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof job.jobName !== 'string' || job.jobName.trim() === '') {
    problems.push({ path: `${path}.jobName`, message: 'must not be empty', value: job.jobName, fix: 'name the job, e.g. "my-exporter".' });
  }
  for (const key of ['scrapeInterval', 'scrapeTimeout'] as const) {
    if (job[key] !== undefined) problems.push(...durationProblems(job[key], `${path}.${key}`, { positive: true }));
  }
  if (problems.length === 0) {
    const interval = job.scrapeInterval !== undefined ? PromDuration.parse(job.scrapeInterval, `${path}.scrapeInterval`) : global.scrapeInterval;
    // Prometheus caps an inherited global timeout at the job's interval; only an explicit one is an error.
    const timeout = job.scrapeTimeout !== undefined ? PromDuration.parse(job.scrapeTimeout, `${path}.scrapeTimeout`).seconds : 0;
    if (timeout > interval.seconds) {
      problems.push({
        path: `${path}.scrapeTimeout`,
        message: `must not be longer than the scrape interval (${job.scrapeInterval ?? global.scrapeInterval})`,
        value: job.scrapeTimeout,
        fix: 'shorten the timeout or lengthen scrapeInterval.',
      });
    }
  }
  if ((job.kubernetesSdConfigs?.length ?? 0) === 0 && (job.staticConfigs?.length ?? 0) === 0) {
    problems.push({
      path,
      message: 'has no targets: neither kubernetesSdConfigs nor staticConfigs',
      value: job.jobName,
      fix: 'add a Kubernetes service-discovery block or static targets.',
    });
  }
  (job.staticConfigs ?? []).forEach((s, i) => problems.push(...labelSetProblems(s.labels, `${path}.staticConfigs[${i}].labels`)));
  for (const key of ['relabelConfigs', 'metricRelabelConfigs'] as const) {
    (job[key] ?? []).forEach((r, i) => {
      if (r.regex !== undefined) problems.push(...regexProblems(r.regex, `${path}.${key}[${i}].regex`));
    });
  }
  return problems;
}
