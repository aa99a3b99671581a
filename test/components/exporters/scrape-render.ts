import { RelabelConfig, ScrapeConfig } from '../../../src/components/prometheus/scrape-config';

/**
 * A tiny TEST-ONLY renderer of the typed ScrapeConfig model to Prometheus' snake_case
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config), because
 * `renderScrapeConfig` (src/components/prometheus/config.ts, owned by the Prometheus component) did not exist yet
 * when these tests were written. Swap it for the real one once it is exported.
 */

function relabel(r: RelabelConfig): Record<string, unknown> {
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

export function renderScrapeConfigForTest(c: ScrapeConfig): Record<string, unknown> {
  return {
    job_name: c.jobName,
    scrape_interval: c.scrapeInterval,
    scrape_timeout: c.scrapeTimeout,
    metrics_path: c.metricsPath,
    scheme: c.scheme,
    params: c.params ? Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, [...v]])) : undefined,
    honor_labels: c.honorLabels,
    kubernetes_sd_configs: c.kubernetesSdConfigs?.map((k) => ({
      role: k.role,
      namespaces: k.namespaces ? { names: [...k.namespaces] } : undefined,
      selectors: k.selectors?.map((s) => ({ role: s.role, label: s.label, field: s.field })),
    })),
    static_configs: c.staticConfigs?.map((s) => ({ targets: [...s.targets], labels: s.labels ? { ...s.labels } : undefined })),
    bearer_token_file: c.bearerTokenFile,
    tls_config: c.tlsConfig
      ? { ca_file: c.tlsConfig.caFile, server_name: c.tlsConfig.serverName, insecure_skip_verify: c.tlsConfig.insecureSkipVerify }
      : undefined,
    relabel_configs: c.relabelConfigs?.map(relabel),
    metric_relabel_configs: c.metricRelabelConfigs?.map(relabel),
    sample_limit: c.sampleLimit,
  };
}

/** A minimal prometheus.yml holding the given jobs. */
export function minimalPrometheusConfig(jobs: readonly ScrapeConfig[]): Record<string, unknown> {
  return {
    global: { scrape_interval: '30s', scrape_timeout: '10s' },
    scrape_configs: jobs.map(renderScrapeConfigForTest),
  };
}
