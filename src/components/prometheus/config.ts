import { parseDuration } from '../../common/duration';
import { ConfigProblem } from '../../common/errors';
import { toYaml } from '../../common/serialize';
import { RelabelConfig, ScrapeConfig, StaticConfig } from './scrape-config';

/**
 * Typed model of `prometheus.yml` (https://prometheus.io/docs/prometheus/latest/configuration/configuration/),
 * camelCase here and mapped to upstream snake_case in `prometheusConfigDocument` only. The tests check and load it with
 * promtool and Prometheus at the deployed release (VERSIONS.prometheus).
 */

/** `global` (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#configuration-file). */
export interface GlobalConfig {
  readonly scrapeInterval: string;
  readonly scrapeTimeout: string;
  readonly evaluationInterval: string;
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
    readonly outOfOrderTimeWindow?: string;
  };
}

export interface PrometheusConfig {
  readonly global: GlobalConfig;
  readonly alerting?: { readonly alertmanagers: readonly AlertmanagerEndpointsConfig[] };
  /** Paths or globs of rule files. */
  readonly ruleFiles?: readonly string[];
  readonly scrapeConfigs: readonly ScrapeConfig[];
  readonly storage?: StorageConfig;
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
      scrape_interval: c.global.scrapeInterval,
      scrape_timeout: c.global.scrapeTimeout,
      evaluation_interval: c.global.evaluationInterval,
      external_labels: sortedRecord(c.global.externalLabels),
    },
    alerting:
      alertmanagers.length > 0
        ? {
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
    storage: c.storage?.tsdb ? { tsdb: { out_of_order_time_window: c.storage.tsdb.outOfOrderTimeWindow } } : undefined,
  };
}

/** Serializes `prometheus.yml` (YAML, generated header). */
export function renderPrometheusConfig(c: PrometheusConfig): string {
  return toYaml(prometheusConfigDocument(c));
}

// ---------------------------------------------------------------------------------------------------------------
// Validation of values Prometheus parses itself (so a mistake fails synth, not the pod)
// ---------------------------------------------------------------------------------------------------------------

/** Units of `--storage.tsdb.retention.size`, powers of 2 ("1KB is 1024B"), as the flag's doc lists them. */
const SIZE_UNITS: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40, PB: 2 ** 50, EB: 2 ** 60 };
const RETENTION_SIZE = /^([1-9]\d*)(B|KB|MB|GB|TB|PB|EB)$/;

/** Bytes of a `--storage.tsdb.retention.size` value (`512MB`, `45GB`); undefined when it is not one. */
export function parseRetentionSize(value: string): number | undefined {
  const m = typeof value === 'string' ? RETENTION_SIZE.exec(value) : null;
  return m ? Number(m[1]) * SIZE_UNITS[m[2]] : undefined;
}

/** The largest whole unit for some bytes, floored to whole MB: `45 GiB` → `45GB`, `1.5 GiB` → `1536MB`. */
export function formatRetentionSize(bytes: number): string {
  const mb = Math.max(1, Math.floor(bytes / SIZE_UNITS.MB));
  for (const unit of ['EB', 'PB', 'TB', 'GB']) {
    const per = SIZE_UNITS[unit] / SIZE_UNITS.MB;
    if (mb % per === 0) return `${mb / per}${unit}`;
  }
  return `${mb}MB`;
}

/** A problem when `value` is not a positive Prometheus duration, else undefined. */
export function durationProblem(value: string | undefined, path: string): ConfigProblem | undefined {
  if (value === undefined) return undefined;
  try {
    if (parseDuration(value, path) > 0) return undefined;
  } catch {
    // reported below
  }
  return {
    path,
    message: 'is not a positive Prometheus duration',
    value,
    fix: 'write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "15s", "5m", "15d".',
  };
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Problems of a label set (external labels, static labels): names must be Prometheus label names. */
export function labelProblems(labels: Readonly<Record<string, string>> | undefined, path: string): ConfigProblem[] {
  return Object.keys(labels ?? {})
    .filter((k) => !LABEL_NAME.test(k) || k.startsWith('__'))
    .map((k) => ({
      path: `${path}.${k}`,
      message: 'is not a valid label name (letters, digits and "_", not starting with a digit or "__")',
      value: k,
      fix: 'rename it, e.g. "cluster" or "region".',
    }));
}

/**
 * Problems of one scrape job against the global settings it inherits: a name, a target source, valid durations,
 * a timeout no longer than the interval (Prometheus refuses the file otherwise).
 */
export function scrapeConfigProblems(job: ScrapeConfig, global: GlobalConfig, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof job.jobName !== 'string' || job.jobName.trim() === '') {
    problems.push({ path: `${path}.jobName`, message: 'must not be empty', value: job.jobName, fix: 'name the job, e.g. "my-exporter".' });
  }
  for (const [key, value] of [
    ['scrapeInterval', job.scrapeInterval],
    ['scrapeTimeout', job.scrapeTimeout],
  ] as const) {
    const p = durationProblem(value, `${path}.${key}`);
    if (p) problems.push(p);
  }
  if (problems.length === 0) {
    const interval = parseDuration(job.scrapeInterval ?? global.scrapeInterval, `${path}.scrapeInterval`);
    // Prometheus caps an inherited global timeout at the job's interval; only an explicit one is an error.
    const timeout = job.scrapeTimeout !== undefined ? parseDuration(job.scrapeTimeout, `${path}.scrapeTimeout`) : 0;
    if (timeout > interval) {
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
  (job.staticConfigs ?? []).forEach((s, i) => problems.push(...labelProblems(s.labels, `${path}.staticConfigs[${i}].labels`)));
  return problems;
}
