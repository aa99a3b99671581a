/**
 * Typed model of a Prometheus `scrape_config` (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config).
 * camelCase here; `renderScrapeConfig` (in config.ts) maps it to upstream snake_case. Components that need scraping
 * (exporters, probes) build these and hand them to `Prometheus.addScrapeConfig`.
 */

export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

export interface RelabelConfig {
  readonly sourceLabels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly modulus?: number;
  readonly targetLabel?: string;
  readonly replacement?: string;
  /** @default replace */
  readonly action?: RelabelAction;
}

export type KubernetesSdRole = 'node' | 'service' | 'pod' | 'endpoints' | 'endpointslice' | 'ingress';

export interface KubernetesSdConfig {
  readonly role: KubernetesSdRole;
  /** Namespaces to discover in. @default - all namespaces */
  readonly namespaces?: readonly string[];
  /** Label/field selectors per role, passed to the API server. */
  readonly selectors?: readonly { readonly role: KubernetesSdRole; readonly label?: string; readonly field?: string }[];
}

export interface StaticConfig {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ScrapeConfig {
  /** Unique job name. */
  readonly jobName: string;
  /** @default - the global scrape_interval */
  readonly scrapeInterval?: string;
  /** @default - the global scrape_timeout */
  readonly scrapeTimeout?: string;
  /** @default /metrics */
  readonly metricsPath?: string;
  /** @default http */
  readonly scheme?: 'http' | 'https';
  readonly params?: Readonly<Record<string, readonly string[]>>;
  readonly honorLabels?: boolean;
  readonly kubernetesSdConfigs?: readonly KubernetesSdConfig[];
  readonly staticConfigs?: readonly StaticConfig[];
  /**
   * Read a bearer token from this file (e.g. the pod's service-account token). Deprecated upstream in favour of
   * `authorization.credentialsFile`; prefer that.
   */
  readonly bearerTokenFile?: string;
  /**
   * The `Authorization` header (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config,
   * `authorization`).
   */
  readonly authorization?: {
    /** @default Bearer */
    readonly type?: string;
    /** Read the credentials from this file (a mounted Secret or the service-account token), never inline. */
    readonly credentialsFile?: string;
  };
  /**
   * Use the timestamps the target exposes. cAdvisor exposes stale ones for idle containers, so the stack's `cadvisor`
   * job sets it to false (as kube-prometheus does).
   * @default true
   */
  readonly honorTimestamps?: boolean;
  readonly tlsConfig?: {
    readonly caFile?: string;
    readonly serverName?: string;
    readonly insecureSkipVerify?: boolean;
  };
  readonly relabelConfigs?: readonly RelabelConfig[];
  readonly metricRelabelConfigs?: readonly RelabelConfig[];
  /** Per-scrape limit on samples; 0 means no limit. @default - none */
  readonly sampleLimit?: number;
}

/**
 * A component that brings its own scrape jobs (exporters), handed to Prometheus by reference:
 * `for (const job of exporter.scrapeConfigs()) prometheus.addScrapeConfig(job)`.
 */
export interface IScrapeTarget {
  /** The jobs that scrape this component, for `Prometheus.addScrapeConfig`. */
  scrapeConfigs(): ScrapeConfig[];
}
