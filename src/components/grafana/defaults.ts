import { ResourceSpec } from '../../common/workload';

/**
 * Grafana defaults, in one place. Paths follow the official image
 * (https://grafana.com/docs/grafana/latest/setup-grafana/configure-docker/#default-paths).
 */
export const GRAFANA_DEFAULTS = {
  name: 'grafana',
  /** The HTTP port (`[server] http_port`). */
  port: 3000,
  /** The Secret the user creates with the admin credentials. */
  adminSecretName: 'grafana-admin',
  adminUserKey: 'admin-user',
  adminPasswordKey: 'admin-password',
  /** The `grafana` user of the official image. */
  uid: 472,
  gid: 472,
  /** Health endpoint: 200 when the database is reachable (https://grafana.com/docs/grafana/latest/developers/http_api/other/#health-api). */
  healthPath: '/api/health',
  resources: { cpuRequest: '100m', memoryRequest: '256Mi', memoryLimit: '512Mi' } satisfies ResourceSpec,
  /** Label of the trace id on exemplars, as OpenTelemetry SDKs and client_golang write them. */
  exemplarTraceIdLabel: 'trace_id',
  /** How often Grafana rescans the dashboard folders (ConfigMap updates reach the files within ~1 min). */
  dashboardUpdateIntervalSeconds: 30,
  /**
   * Bytes of dashboard JSON per ConfigMap: the API server rejects objects over 1 MiB (etcd's request limit), so keep
   * room for metadata.
   */
  maxDashboardConfigMapBytes: 900 * 1024,
} as const;

/** Where things live in the container. */
export const GRAFANA_PATHS = {
  /** `GF_PATHS_CONFIG` points here; a directory so no subPath mount is needed. */
  configDir: '/etc/grafana/config',
  configFile: '/etc/grafana/config/grafana.ini',
  /** The image's `GF_PATHS_PROVISIONING`. */
  provisioning: '/etc/grafana/provisioning',
  provisioningDatasources: '/etc/grafana/provisioning/datasources',
  provisioningDashboards: '/etc/grafana/provisioning/dashboards',
  /** One directory per dashboard folder, one sub-directory per ConfigMap of that folder. */
  dashboards: '/etc/grafana/dashboards',
  adminSecret: '/etc/grafana/secrets/admin',
  /** The external database's credentials (`database`). */
  databaseSecret: '/etc/grafana/secrets/database',
  /** The shared `secret_key` (`secretKeySecretName`). */
  secretKey: '/etc/grafana/secrets/secret-key',
  /** The image's `GF_PATHS_DATA`: sqlite database, plugins, rendered images, search index. Must be writable. */
  data: '/var/lib/grafana',
  tmp: '/tmp',
} as const;

/** Grafana's root folder: dashboards added without a folder land here. */
export const GENERAL_FOLDER_KEY = 'general';
