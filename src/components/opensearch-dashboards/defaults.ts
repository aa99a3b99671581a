import { ResourceSpec } from '../../common/workload';

/**
 * Defaults of OpenSearch Dashboards, in one place. Paths are those of the `opensearchproject/opensearch-dashboards`
 * image (home `/usr/share/opensearch-dashboards`, run as its user 1000), the port and status route those of
 * OpenSearch Dashboards itself (config/opensearch_dashboards.yml: `server.port: 5601`; src/core/server/status/routes/
 * status.ts: `GET /api/status`).
 */

/** `app.kubernetes.io/name`: the upstream program. */
export const OSD_APP_NAME = 'opensearch-dashboards';

/** `app.kubernetes.io/component`. */
export const OSD_COMPONENT = 'ui';

/** The HTTP port people open (`server.port`, upstream's default). */
export const OSD_PORT = { name: 'http', port: 5601 } as const;

/**
 * The status API: 200 with the overall state once the server is up. It requires authentication unless
 * `status.allowAnonymous` is true (src/core/server/status/routes/status.ts: `authRequired: !config.allowAnonymous`),
 * which the stack sets so the kubelet's probes (which send no credentials) are answered under the security plugin.
 */
export const OSD_STATUS_PATH = '/api/status';

/** The config file's name, as upstream names it. */
export const OSD_CONFIG_FILE = 'opensearch_dashboards.yml';

/** The image's user and group (the OpenSearch Helm chart runs it as `runAsUser: 1000`). */
export const OSD_UID = 1000;

/** Where things live inside the pod. */
export const OSD_PATHS = {
  /** The server binary of the image (run directly, with the generated config file). */
  binary: '/usr/share/opensearch-dashboards/bin/opensearch-dashboards',
  /** The ConfigMap holding opensearch_dashboards.yml. */
  configDir: '/etc/opensearch-dashboards/config',
  /** The Secret with the password and the CA, read as files (beside the config, not inside its volume). */
  secretDir: '/etc/opensearch-dashboards/opensearch',
  /** `path.data`'s default (the server's uuid file, the keystore): an emptyDir, the root filesystem is read-only. */
  data: '/usr/share/opensearch-dashboards/data',
  /** Node.js' temporary files: an emptyDir. */
  tmp: '/tmp',
} as const;

/** The environment variable the password reaches the server through (see `OSD_PASSWORD_EXCEPTION`). */
export const OSD_PASSWORD_ENV = 'OPENSEARCH_PASSWORD';

/**
 * Why the password is the one secret in the environment: OpenSearch Dashboards reads `opensearch.password` only from
 * its YAML config files or its keystore, and has no `*_file` variant of the setting; its config loader replaces
 * `${NAME}` in a config value with the environment variable NAME (packages/osd-config/src/raw/read_config.ts,
 * `replaceEnvVarRefs`). So the ConfigMap holds `opensearch.password: ${OPENSEARCH_PASSWORD}`, and the variable comes
 * from the Secret key by `secretKeyRef`: the value is never in a manifest, a ConfigMap or on the command line. The
 * keystore (`opensearch-dashboards-keystore add`) would need a writable copy built at every start by an init script
 * of our own. Jaeger's index cleaner (`ES_PASSWORD`) and kafka_exporter (`SASL_USER_PASSWORD`) are the other two.
 */
export const OSD_PASSWORD_EXCEPTION = 'opensearch.password has no file variant; the config loader substitutes ${OPENSEARCH_PASSWORD} from a secretKeyRef';

export const OSD_DEFAULTS = {
  name: 'opensearch-dashboards',
  replicas: 1,
  /** The OpenSearch Helm chart requests 100m and 512M; the server's Node.js heap grows with users and saved objects. */
  resources: { cpuRequest: '100m', memoryRequest: '1Gi' } satisfies ResourceSpec,
} as const;
