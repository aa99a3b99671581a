import { Construct } from 'constructs';
import { ProblemCollector } from '../../common/errors';
import { DEFAULT_NAMESPACE, defaultNamespace } from '../../common/namespace';
import { hostProblems } from '../../common/validation';
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
} from './exporter';
import { POSTGRES_METRICS } from './metrics';
import { POSTGRES_ALERTS, PostgresAlertsProps } from './postgres-alerts';
import { postgresDashboard } from './postgres-dashboard';

/**
 * postgres_exporter for one PostgreSQL server, in the cluster or outside it
 * (https://github.com/prometheus-community/postgres_exporter, v0.19.1).
 *
 * Credentials come from an existing Secret, as files: the exporter reads `DATA_SOURCE_USER_FILE` and
 * `DATA_SOURCE_PASS_FILE` (exporter/datasource.go `GetDataSources`: `postgresql://<user>:<pass>@<DATA_SOURCE_URI>`,
 * both URL-escaped), and `DATA_SOURCE_URI` carries only `host:port/dbname?sslmode=...`. Create the role as upstream's
 * README advises: `CREATE USER postgres_exporter WITH PASSWORD '...'; GRANT pg_monitor TO postgres_exporter;`.
 *
 * No latency SLI: postgres_exporter exposes no latency histogram (pg_stat_statements, an opt-in collector, gives
 * per-query totals and means, not a distribution).
 */

export interface PostgresCredentials {
  /** An existing Secret in the exporter's namespace. */
  readonly secretName: string;
  /** The key holding the role name. @default 'username' */
  readonly usernameKey?: string;
  /** The key holding its password. @default 'password' */
  readonly passwordKey?: string;
  /**
   * A key holding the CA certificate (PEM) that signed the server's certificate, for `sslMode` `verify-ca` or
   * `verify-full` (libpq's `sslrootcert`). @default - none (the system roots)
   */
  readonly caKey?: string;
}

/** libpq `sslmode` values lib/pq (the exporter's driver, v1.10.9) supports. */
export type PostgresSslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

export interface PostgresExporterProps extends DatabaseExporterProps {
  /** The server's host: a Service name (`orders-db.shop.svc`) or an external host. */
  readonly host: string;
  /** @default 5432 */
  readonly port?: number;
  /** The database the exporter connects to (it reads server-wide views from there). @default 'postgres' */
  readonly dbname?: string;
  /** TLS to the server. `require` encrypts without verifying the server (lib/pq's default). @default 'require' */
  readonly sslMode?: PostgresSslMode;
  readonly credentials: PostgresCredentials;
  /** Tune or turn off alerts. @default - every alert with its default */
  readonly alerts?: PostgresAlertsProps;
}

export interface PostgresExporterModel extends DatabaseExporterModel {
  readonly kind: 'postgres';
  readonly dbname: string;
  readonly sslMode: PostgresSslMode;
  readonly usernameFile: string;
  readonly passwordFile: string;
  readonly caFile?: string;
}

const SSL_MODES: readonly PostgresSslMode[] = ['disable', 'require', 'verify-ca', 'verify-full'];
const DBNAME = /^[A-Za-z0-9_$-]{1,63}$/;

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function postgresExporterModel(props: PostgresExporterProps, path = 'PostgresExporter', namespace = DEFAULT_NAMESPACE): PostgresExporterModel {
  const c = new ProblemCollector();
  const base = databaseExporterBase(props, 'postgres', VERSIONS.postgresExporter, path, namespace, c);
  c.addAll(hostProblems(props.host, `${path}.host`, { example: 'orders-db.shop.svc' }));
  const port = databasePort(props.port, DATABASE_DEFAULT_PORTS.postgres, `${path}.port`, c);
  const dbname = props.dbname ?? 'postgres';
  if (typeof dbname !== 'string' || !DBNAME.test(dbname)) {
    c.add({ path: `${path}.dbname`, message: 'must be a database name of 1 to 63 letters, digits, "_", "$" or "-"', value: dbname, fix: 'use e.g. "postgres".' });
  }
  const sslMode = props.sslMode ?? 'require';
  if (!SSL_MODES.includes(sslMode)) c.add({ path: `${path}.sslMode`, message: `must be one of ${SSL_MODES.join(', ')}`, value: sslMode, fix: 'use "require", or "verify-full" with caKey.' });
  const cred = props.credentials;
  if (!cred || typeof cred !== 'object') {
    c.add({ path: `${path}.credentials`, message: 'is required: the exporter logs in with a role from an existing Secret', value: cred, fix: 'pass { secretName: "orders-db-exporter" } (keys username and password).' });
  }
  const usernameKey = cred?.usernameKey ?? 'username';
  const passwordKey = cred?.passwordKey ?? 'password';
  if (cred) secretRefProblems(cred.secretName, { usernameKey, passwordKey, caKey: cred.caKey }, `${path}.credentials`, c);
  if ((sslMode === 'verify-ca' || sslMode === 'verify-full') && cred && cred.caKey === undefined) {
    c.add({ path: `${path}.credentials.caKey`, message: `is needed with sslMode "${sslMode}" unless the server's certificate chains to a public root`, value: undefined, fix: 'name the Secret key holding the CA certificate (PEM), e.g. "ca.crt".' });
  }
  const alerts = resolveAlerts(POSTGRES_ALERTS, props.alerts as Record<string, never>, `${path}.alerts`, c);
  c.throwIfAny();
  const file = (key: string) => ({ key, path: `${CREDENTIALS_DIR}/${key}` });
  const files = [file(usernameKey), file(passwordKey), ...(cred.caKey !== undefined ? [file(cred.caKey)] : [])];
  const endpoint = { host: props.host, port };
  return {
    ...base,
    kind: 'postgres',
    endpoints: [endpoint],
    instance: hostPort(endpoint),
    alerts,
    credentials: { secretName: cred.secretName, files },
    dbname,
    sslMode,
    usernameFile: files[0].path,
    passwordFile: files[1].path,
    caFile: files[2]?.path,
  };
}

/** The `DATA_SOURCE_URI` (pure): host, port, database and TLS parameters; never credentials. */
export function postgresDataSourceUri(model: PostgresExporterModel): string {
  const params = [`sslmode=${model.sslMode}`, ...(model.caFile ? [`sslrootcert=${model.caFile}`] : [])];
  return `${model.instance}/${model.dbname}?${params.join('&')}`;
}

export const POSTGRES_KIND: DatabaseKindSpec<PostgresExporterModel> = {
  product: 'PostgreSQL',
  alertDefinitions: POSTGRES_ALERTS,
  container: (m) => ({
    // The config file (auth modules for multi-target probing) is not used; without it the exporter logs one warning.
    args: [`--web.listen-address=:${m.port}`, '--log.format=json'],
    env: {
      DATA_SOURCE_URI: postgresDataSourceUri(m),
      DATA_SOURCE_USER_FILE: m.usernameFile,
      DATA_SOURCE_PASS_FILE: m.passwordFile,
    },
  }),
  dashboard: postgresDashboard,
};

export class PostgresExporter extends DatabaseExporter<PostgresExporterModel> {
  constructor(scope: Construct, id: string, props: PostgresExporterProps) {
    super(scope, id, POSTGRES_KIND, (path) => postgresExporterModel(props, path, defaultNamespace(scope)));
  }

  /** This database as an SLO subject: availability from `pg_up` (see DatabaseSloOptions). */
  public sloService(options: DatabaseSloOptions = {}): ServiceSpec {
    return this.databaseService(POSTGRES_METRICS.up, options);
  }
}
