import { toYaml } from '../../common/serialize';

/**
 * The typed model of `opensearch_dashboards.yml` and its one render function. Every key is one of the settings listed
 * in OpenSearch Dashboards' own config/opensearch_dashboards.yml, but `status.allowAnonymous`, which is the status
 * service's config schema (src/core/server/status/status_config.ts); the file is written with dotted keys, as that
 * sample file writes them (the loader accepts dotted and nested keys alike: packages/osd-config/src/raw/read_config.ts).
 */
export interface OpenSearchDashboardsConfig {
  /** `server.host`: every interface, so the Service and the kubelet reach it (upstream's default is localhost). */
  readonly serverHost: string;
  /** `server.port`. */
  readonly serverPort: number;
  /** `server.name`: shown in the UI and in `/api/status`. */
  readonly serverName: string;
  /** `opensearch.hosts`: the cluster's URLs. */
  readonly hosts: readonly string[];
  /** `opensearch.username`: the server's own user (maintenance of its `.opensearch_dashboards` index). */
  readonly username?: string;
  /** The environment variable `opensearch.password` is read from (`${NAME}`), never the password itself. */
  readonly passwordEnv?: string;
  /** `opensearch.ssl.certificateAuthorities`: PEM files of the cluster's CA. */
  readonly certificateAuthorities?: readonly string[];
  /** `status.allowAnonymous`: the kubelet's probes read `/api/status` without credentials. */
  readonly statusAllowAnonymous: boolean;
}

/** The document, upstream keys (pure). */
export function openSearchDashboardsConfigDocument(c: OpenSearchDashboardsConfig): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    'server.host': c.serverHost,
    'server.port': c.serverPort,
    'server.name': c.serverName,
    'opensearch.hosts': [...c.hosts],
  };
  if (c.username !== undefined) doc['opensearch.username'] = c.username;
  if (c.passwordEnv !== undefined) doc['opensearch.password'] = `\${${c.passwordEnv}}`;
  if (c.certificateAuthorities !== undefined) doc['opensearch.ssl.certificateAuthorities'] = [...c.certificateAuthorities];
  doc['status.allowAnonymous'] = c.statusAllowAnonymous;
  return doc;
}

/** `opensearch_dashboards.yml`, with the generated-file header. */
export function renderOpenSearchDashboardsConfig(c: OpenSearchDashboardsConfig): string {
  return toYaml(openSearchDashboardsConfigDocument(c));
}
