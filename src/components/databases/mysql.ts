import { Construct } from 'constructs';
import { ConfigError, ProblemCollector } from '../../common/errors';
import { DEFAULT_NAMESPACE, defaultNamespace } from '../../common/namespace';
import { hostProblems, nonEmptyProblems } from '../../common/validation';
import { ServiceSpec, SloSpec } from '../../slo/spec';
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
} from './exporter';
import { MYSQL_METRICS, MYSQL_QUERY_RESPONSE_TIME_BUCKETS } from './metrics';
import { MYSQL_ALERTS, MysqlAlertsProps } from './mysql-alerts';
import { mysqlDashboard } from './mysql-dashboard';

/**
 * mysqld_exporter for one MySQL or MariaDB server, in the cluster or outside it
 * (https://github.com/prometheus/mysqld_exporter, v0.19.0).
 *
 * Credentials come from an existing Secret, as a file: one key holds a MySQL option file whose `[client]` section
 * has `password` (and `user`, unless `username` is given), read with `--config.my-cnf` (config/config.go: an ini
 * file, `host`/`port` default to `--mysqld.address`, `user` to `--mysqld.username`). Create the user as upstream's
 * README advises: `CREATE USER 'exporter'@'%' IDENTIFIED BY '...' WITH MAX_USER_CONNECTIONS 3;
 * GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'exporter'@'%';` — on MariaDB 10.5+ also `SLAVE MONITOR`
 * (split from REPLICATION CLIENT there; without it `SHOW SLAVE STATUS` is denied and no replication series exist, as
 * the live test found) — then
 * `kubectl create secret generic orders-mysql-exporter --from-file=my.cnf` with
 * `[client]\nuser = exporter\npassword = ...`.
 *
 * Latency SLIs read `mysql_info_schema_query_response_time_seconds`, which only MariaDB and Percona Server fill (the
 * QUERY_RESPONSE_TIME plugin with `query_response_time_stats = ON`).
 */

export interface MysqlCredentials {
  /** An existing Secret in the exporter's namespace. */
  readonly secretName: string;
  /** The key holding the option file (`[client]` with `password`, and `user` unless `username` is set). @default 'my.cnf' */
  readonly myCnfKey?: string;
}

export interface MysqlExporterProps extends DatabaseExporterProps {
  /** The server's host: a Service name (`orders-mysql.shop.svc`) or an external host. */
  readonly host: string;
  /** @default 3306 */
  readonly port?: number;
  /** The login (`--mysqld.username`), when the option file has no `user`. Not secret. @default - the option file's */
  readonly username?: string;
  readonly credentials: MysqlCredentials;
  /** Tune or turn off alerts. @default - every alert with its default */
  readonly alerts?: MysqlAlertsProps;
}

export interface MysqlExporterModel extends DatabaseExporterModel {
  readonly kind: 'mysql';
  readonly username?: string;
  readonly myCnfFile: string;
}

/** Latency SLO of a MySQL/MariaDB server: share of statements faster than `threshold` seconds. */
export interface MysqlLatencySlo {
  /** Percent (99). */
  readonly objective: number;
  /** Seconds: a bucket bound of the response-time histogram (MYSQL_LATENCY_THRESHOLDS: 0.0001 ... 100000). */
  readonly threshold: number;
}

export interface MysqlSloOptions extends DatabaseSloOptions {
  /** A latency SLO `latency` from the QUERY_RESPONSE_TIME histogram (MariaDB, Percona Server). @default - none */
  readonly latency?: MysqlLatencySlo;
}

/**
 * The response-time bucket bounds a latency SLI can use: those whose `le` the exporter writes as the SLO model
 * matches it (`0.0001` ... `100000`; it writes 1e-05 and 1e+06 in exponent form).
 */
export const MYSQL_LATENCY_THRESHOLDS: readonly number[] = MYSQL_QUERY_RESPONSE_TIME_BUCKETS.filter((b) => b >= 1e-4 && b <= 1e5);

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function mysqlExporterModel(props: MysqlExporterProps, path = 'MysqlExporter', namespace = DEFAULT_NAMESPACE): MysqlExporterModel {
  const c = new ProblemCollector();
  const base = databaseExporterBase(props, 'mysql', VERSIONS.mysqldExporter, path, namespace, c);
  c.addAll(hostProblems(props.host, `${path}.host`, { example: 'orders-mysql.shop.svc' }));
  const port = databasePort(props.port, DATABASE_DEFAULT_PORTS.mysql, `${path}.port`, c);
  if (props.username !== undefined) c.addAll(nonEmptyProblems(props.username, `${path}.username`, 'give the login, or leave it out and put user = ... in the option file.'));
  const cred = props.credentials;
  if (!cred || typeof cred !== 'object') {
    c.add({ path: `${path}.credentials`, message: 'is required: the exporter logs in with an option file from an existing Secret', value: cred, fix: 'pass { secretName: "orders-mysql-exporter" } (key my.cnf).' });
  }
  const myCnfKey = cred?.myCnfKey ?? 'my.cnf';
  if (cred) secretRefProblems(cred.secretName, { myCnfKey }, `${path}.credentials`, c);
  const alerts = resolveAlerts(MYSQL_ALERTS, props.alerts as Record<string, never>, `${path}.alerts`, c);
  c.throwIfAny();
  const endpoint = { host: props.host, port };
  const myCnfFile = `${CREDENTIALS_DIR}/${myCnfKey}`;
  return {
    ...base,
    kind: 'mysql',
    endpoints: [endpoint],
    instance: hostPort(endpoint),
    alerts,
    credentials: { secretName: cred.secretName, files: [{ key: myCnfKey, path: myCnfFile }] },
    username: props.username,
    myCnfFile,
  };
}

export const MYSQL_KIND: DatabaseKindSpec<MysqlExporterModel> = {
  product: 'MySQL',
  alertDefinitions: MYSQL_ALERTS,
  container: (m) => ({
    args: [
      `--config.my-cnf=${m.myCnfFile}`,
      `--mysqld.address=${m.instance}`,
      ...(m.username !== undefined ? [`--mysqld.username=${m.username}`] : []),
      `--web.listen-address=:${m.port}`,
      '--log.format=json',
    ],
    env: {},
  }),
  dashboard: mysqlDashboard,
};

export class MysqlExporter extends DatabaseExporter<MysqlExporterModel> {
  constructor(scope: Construct, id: string, props: MysqlExporterProps) {
    super(scope, id, MYSQL_KIND, (path) => mysqlExporterModel(props, path, defaultNamespace(scope)));
  }

  /**
   * This database as an SLO subject: availability from `mysql_up`, and optionally latency from the query response
   * time histogram (see MysqlSloOptions).
   */
  public sloService(options: MysqlSloOptions = {}): ServiceSpec {
    const extra: SloSpec[] = [];
    if (options.latency !== undefined) {
      const t = options.latency.threshold;
      if (!MYSQL_LATENCY_THRESHOLDS.includes(t)) {
        throw new ConfigError({
          path: `${this.node.path}.sloService.latency.threshold`,
          message: 'is not a bucket bound of mysql_info_schema_query_response_time_seconds (range base 10)',
          value: t,
          fix: `use one of ${MYSQL_LATENCY_THRESHOLDS.join(', ')} seconds.`,
        });
      }
      extra.push({ name: 'latency', objective: options.latency.objective, sli: { kind: 'latency', threshold: t } });
    }
    return this.databaseService(MYSQL_METRICS.up, options, extra, MYSQL_LATENCY_THRESHOLDS, MYSQL_METRICS.queryResponseTime);
  }
}
