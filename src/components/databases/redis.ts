import { Construct } from 'constructs';
import { ProblemCollector } from '../../common/errors';
import { DEFAULT_NAMESPACE, defaultNamespace } from '../../common/namespace';
import { hostProblems, nonEmptyProblems } from '../../common/validation';
import { ServiceSpec } from '../../slo/spec';
import { VERSIONS } from '../../versions';
import { resolveAlerts } from './alerts';
import { CREDENTIALS_DIR, DATABASE_DEFAULT_PORTS } from './defaults';
import {
  databaseExporterBase,
  DatabaseExporter,
  DatabaseExporterModel,
  DatabaseExporterProps,
  DatabaseKindSpec,
  databasePort,
  DatabaseSloOptions,
  hostPort,
  secretRefProblems,
  SecretKeyFile,
} from './exporter';
import { REDIS_METRICS } from './metrics';
import { REDIS_ALERTS, RedisAlertsProps } from './redis-alerts';
import { redisDashboard } from './redis-dashboard';

/**
 * redis_exporter for one Redis server, in the cluster or outside it (https://github.com/oliver006/redis_exporter,
 * v1.88.0).
 *
 * The password comes from an existing Secret, as a file: redis_exporter's `--redis.password-file`
 * (`REDIS_PASSWORD_FILE`) is a JSON object mapping the Redis URI to its password (exporter/pwd_file.go; looked up by
 * `redis://[<user>@]<host>:<port>`, exporter/redis.go `lookupPasswordInPasswordMap`). `passwordFileUri` on the model
 * and the construct is the exact key to write:
 * `kubectl create secret generic cache-redis-exporter --from-literal=password-file.json='{"redis://cache.shop.svc:6379":"..."}'`.
 *
 * No latency SLI: `redis_commands_latencies_usec` comes from `LATENCY HISTOGRAM`, which reports only non-empty
 * buckets at irregular bounds (1, 2, 4, ... 132, 264, 528, 2113 µs ...), so the bucket of a threshold may not exist.
 */

export interface RedisCredentials {
  /** An existing Secret in the exporter's namespace. */
  readonly secretName: string;
  /** The key holding the password file (JSON: `{ "<passwordFileUri>": "<password>" }`). @default 'password-file.json' */
  readonly passwordFileKey?: string;
  /** A key holding the CA certificate (PEM) of a TLS server (`tls: true`). @default - the system roots */
  readonly caKey?: string;
}

export interface RedisExporterProps extends DatabaseExporterProps {
  /** The server's host: a Service name (`cache.shop.svc`) or an external host. */
  readonly host: string;
  /** @default 6379 */
  readonly port?: number;
  /** Connect with TLS (`rediss://`). @default false */
  readonly tls?: boolean;
  /** An ACL user (Redis 6+, `--redis.user`). Not secret. @default - the default user */
  readonly username?: string;
  /** The password file, from an existing Secret. @default - no password (a server without AUTH) */
  readonly credentials?: RedisCredentials;
  /** Tune or turn off alerts. @default - every alert with its default */
  readonly alerts?: RedisAlertsProps;
}

export interface RedisExporterModel extends DatabaseExporterModel {
  readonly kind: 'redis';
  /** `redis://host:port` (or `rediss://`), the exporter's `--redis.addr`. */
  readonly redisUri: string;
  /** The key of the password file's JSON object the exporter looks the password up by. */
  readonly passwordFileUri: string;
  readonly username?: string;
  readonly passwordFile?: string;
  readonly caFile?: string;
}

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function redisExporterModel(props: RedisExporterProps, path = 'RedisExporter', namespace = DEFAULT_NAMESPACE): RedisExporterModel {
  const c = new ProblemCollector();
  const base = databaseExporterBase(props, 'redis', VERSIONS.redisExporter, path, namespace, c);
  c.addAll(hostProblems(props.host, `${path}.host`, { example: 'cache.shop.svc' }));
  const port = databasePort(props.port, DATABASE_DEFAULT_PORTS.redis, `${path}.port`, c);
  if (props.username !== undefined) c.addAll(nonEmptyProblems(props.username, `${path}.username`, 'give the ACL user, or leave it out for the default user.'));
  const cred = props.credentials;
  const passwordFileKey = cred?.passwordFileKey ?? 'password-file.json';
  if (cred) secretRefProblems(cred.secretName, { passwordFileKey, caKey: cred.caKey }, `${path}.credentials`, c);
  if (cred?.caKey !== undefined && !props.tls) {
    c.add({ path: `${path}.credentials.caKey`, message: 'is only read over TLS', value: cred.caKey, fix: 'set tls: true, or leave caKey out.' });
  }
  const alerts = resolveAlerts(REDIS_ALERTS, props.alerts as Record<string, never>, `${path}.alerts`, c);
  c.throwIfAny();
  const endpoint = { host: props.host, port };
  const scheme = props.tls ? 'rediss' : 'redis';
  const redisUri = `${scheme}://${hostPort(endpoint)}`;
  const passwordFileUri = `${scheme}://${props.username !== undefined ? `${encodeURIComponent(props.username)}@` : ''}${hostPort(endpoint)}`;
  const files: SecretKeyFile[] = cred
    ? [{ key: passwordFileKey, path: `${CREDENTIALS_DIR}/${passwordFileKey}` }, ...(cred.caKey !== undefined ? [{ key: cred.caKey, path: `${CREDENTIALS_DIR}/${cred.caKey}` }] : [])]
    : [];
  return {
    ...base,
    kind: 'redis',
    endpoints: [endpoint],
    instance: hostPort(endpoint),
    alerts,
    credentials: cred ? { secretName: cred.secretName, files } : undefined,
    redisUri,
    passwordFileUri,
    username: props.username,
    passwordFile: files[0]?.path,
    caFile: files[1]?.path,
  };
}

export const REDIS_KIND: DatabaseKindSpec<RedisExporterModel> = {
  product: 'Redis',
  alertDefinitions: REDIS_ALERTS,
  container: (m) => ({
    args: [
      `--redis.addr=${m.redisUri}`,
      ...(m.username !== undefined ? [`--redis.user=${m.username}`] : []),
      ...(m.passwordFile !== undefined ? [`--redis.password-file=${m.passwordFile}`] : []),
      ...(m.caFile !== undefined ? [`--tls-ca-cert-file=${m.caFile}`] : []),
      `--web.listen-address=:${m.port}`,
      '--log-format=json',
    ],
    env: {},
  }),
  dashboard: redisDashboard,
};

export class RedisExporter extends DatabaseExporter<RedisExporterModel> {
  /** The key the password file must map to the password (`redis://[<user>@]<host>:<port>`). */
  public readonly passwordFileUri: string;

  constructor(scope: Construct, id: string, props: RedisExporterProps) {
    super(scope, id, REDIS_KIND, (path) => redisExporterModel(props, path, defaultNamespace(scope)));
    this.passwordFileUri = this.model.passwordFileUri;
  }

  /** This database as an SLO subject: availability from `redis_up` (see DatabaseSloOptions). */
  public sloService(options: DatabaseSloOptions = {}): ServiceSpec {
    return this.databaseService(REDIS_METRICS.up, options);
  }
}
