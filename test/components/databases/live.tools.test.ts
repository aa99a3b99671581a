import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { CREDENTIALS_DIR, MysqlExporter, PostgresExporter, RedisExporter } from '../../../src/components/databases';
import { DatabaseExporter, DatabaseExporterModel } from '../../../src/components/databases/exporter';
import { Mariadb, Postgres, Redis, startMariadb, startPostgres, startRedis } from '../../helpers/database-servers';
import { parseExposition, Sample, sampleNames, seriesFromPhases } from '../../helpers/exposition';
import { freePorts, LOOPBACK, Server, startServer, waitFor, waitForOk } from '../../helpers/servers';
import { containersOf, findObject, synthObjects } from '../../helpers/synth';
import { AlertCase, runAlertCases } from './promtool-cases';

/**
 * The exporters at the releases the stack deploys (built from their Go modules into .tools/bin) against real servers
 * from Debian's packages (PostgreSQL 15, MariaDB 10.11, Redis 7.0), all on 127.0.0.1, started with the command line
 * and environment the constructs generate (only the listen address and the mounted Secret directory are local). They
 * prove, per exporter:
 * 1. the generated flags and environment start it, credentials read from the files, and its probe path answers;
 * 2. every metric name its alert rules and dashboard read is one it really serves (state the names need — a replica,
 *    a replication slot, the QUERY_RESPONSE_TIME plugin — is set up here; names of other server versions are listed
 *    with the reason);
 * 3. its alerts fire on what it really served: its scrapes become promtool input series (one sample a minute per
 *    phase), and `promtool test rules` runs the generated rule file on them — a database stopped, a transaction held
 *    open, a real deadlock, an unconsumed replication slot, a slow query, a replica cut from its primary, evicted keys
 *    and refused connections.
 * Each server and exporter is stopped, and every temporary file removed, by the test that made it.
 */

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'observability' });
}

/** The generated container's args and env, with the listen address on loopback and the Secret mount replaced. */
function localCommand(e: DatabaseExporter<DatabaseExporterModel>, port: number, credentials: string): { args: string[]; env: Record<string, string> } {
  const container = containersOf(findObject(synthObjects(e.node.scope as Chart), 'Deployment', e.model.name))[0];
  const local = (v: string) => v.split(CREDENTIALS_DIR).join(credentials);
  const args = (container.args as string[]).map((a) => (a.startsWith('--web.listen-address=') ? `--web.listen-address=${LOOPBACK}:${port}` : local(a)));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const v of container.env ?? []) env[v.name] = local(v.value);
  return { args, env };
}

/** Writes the Secret's keys where the exporter reads them (the kubelet's job in the cluster). */
function writeSecret(dir: string, keys: Record<string, string>): string {
  const d = join(dir, 'credentials');
  mkdirSync(d, { recursive: true });
  for (const [k, v] of Object.entries(keys)) writeFileSync(join(d, k), v, { mode: 0o400 });
  return d;
}

async function scrape(port: number): Promise<Sample[]> {
  const r = await fetch(`http://${LOOPBACK}:${port}/metrics`, { signal: AbortSignal.timeout(20_000) });
  if (!r.ok) throw new Error(`GET /metrics: HTTP ${r.status}`);
  return parseExposition(await r.text());
}

function value(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** Scrapes until `ok` holds (bounded), returning that scrape. */
function scrapeUntil(what: string, port: number, ok: (s: Sample[]) => boolean, server: Server, timeoutMs = 30_000): Promise<Sample[]> {
  return waitFor(what, async () => {
    const s = await scrape(port);
    return ok(s) ? s : undefined;
  }, timeoutMs, server.log);
}

/** The metric names an exporter's alert rules and dashboard read (Prometheus' own `up` aside). */
function referencedMetrics(e: DatabaseExporter<DatabaseExporterModel>): string[] {
  const exprs = [...e.alertRules().rules.map((r) => r.expr), ...JSON.stringify(e.dashboard()).match(/"expr":"(?:[^"\\]|\\.)*"/g)!.map((x) => JSON.parse(x.slice(7)) as string)];
  const names = new Set<string>();
  for (const expr of exprs) for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) names.add(m[1]);
  names.delete('up');
  return [...names].sort();
}

/** The target labels the stack's scrape job gives the exporter's series. */
function target(e: DatabaseExporter<DatabaseExporterModel>): Record<string, string> {
  return { job: e.model.jobName, instance: e.model.instance, namespace: 'observability', pod: `${e.model.name}-6d5f7c9b8-x2k4q`, service: e.database };
}

function group(e: DatabaseExporter<DatabaseExporterModel>): Record<string, string> {
  const { job, instance, namespace, service } = target(e);
  return { namespace, service, job, instance };
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // The database servers run as their packages' users when the tests run as root: they must traverse it.
  chmodSync(dir, 0o711);
  return dir;
}

// ---------------------------------------------------------------------------------------------------------------

describe('postgres_exporter v0.19.1 against PostgreSQL 15', () => {
  let dir: string;
  let pg: Postgres | undefined;
  let exporter: Server | undefined;
  let construct: PostgresExporter;
  let exporterPort: number;
  let baseline: Sample[];
  let loaded: Sample[];
  let down: Sample[];
  const sessions: { end(): Promise<void> }[] = [];

  beforeAll(async () => {
    dir = tempDir('obs-pg-');
    const [dbPort, port] = await freePorts(2);
    exporterPort = port;
    const pgDir = join(dir, 'server');
    mkdirSync(pgDir);
    pg = await startPostgres(pgDir, dbPort, { max_connections: '20', deadlock_timeout: '200ms' });
    // The role upstream's README advises: pg_monitor, nothing more.
    pg.psql("CREATE USER postgres_exporter WITH PASSWORD 'exporter-pw'; GRANT pg_monitor TO postgres_exporter;");
    pg.psql('CREATE DATABASE orders;');
    pg.psql('CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0);', 'orders');
    construct = new PostgresExporter(chart(), 'Pg', {
      name: 'orders-db',
      host: LOOPBACK,
      port: dbPort,
      sslMode: 'disable',
      credentials: { secretName: 'orders-db-exporter' },
      // Thresholds are props: short ones let a real transaction and a real deadlock trip them within seconds.
      alerts: { longRunningTransactions: { threshold: '2s', for: '1m' }, deadlocks: { threshold: 0, for: '0s' } },
    });
    const credentials = writeSecret(dir, { username: 'postgres_exporter\n', password: 'exporter-pw\n' });
    const { args, env } = localCommand(construct, exporterPort, credentials);
    exporter = startServer('postgres_exporter', args, { env, cwd: dir });
    await waitForOk(`http://${LOOPBACK}:${exporterPort}/`, exporter);

    baseline = await scrapeUntil('pg_up 1', exporterPort, (s) => value(s, 'pg_up') === 1, exporter);
    // A replication slot nobody consumes, a transaction held open, and a real deadlock.
    pg.psql("SELECT pg_create_physical_replication_slot('replica_1');");
    const held = pg.session('orders');
    sessions.push(held);
    held.send('BEGIN; SELECT txid_current();');
    const a = pg.session('orders');
    const b = pg.session('orders');
    sessions.push(a, b);
    // Each step waits until the server has run the previous one (a loaded machine may start the sessions late).
    const reached = (query: string, state: string) =>
      waitFor(`"${query}" to be ${state}`, async () => (Number(pg!.psql(`SELECT count(*) FROM pg_stat_activity WHERE query = '${query}' AND state = '${state}';`).trim()) > 0 ? true : undefined), 20_000, pg!.log);
    a.send('BEGIN; UPDATE t SET v = 1 WHERE id = 1;');
    await reached('UPDATE t SET v = 1 WHERE id = 1;', 'idle in transaction');
    b.send('BEGIN; UPDATE t SET v = 2 WHERE id = 2;');
    await reached('UPDATE t SET v = 2 WHERE id = 2;', 'idle in transaction');
    a.send('UPDATE t SET v = 1 WHERE id = 2;');
    await reached('UPDATE t SET v = 1 WHERE id = 2;', 'active');
    b.send('UPDATE t SET v = 2 WHERE id = 1;');
    await waitFor('PostgreSQL to detect the deadlock', async () => (pg!.log().includes('deadlock detected') ? true : undefined), 20_000, pg.log);
    // The victim reports its statistics once its (failed) transaction block ends.
    a.send('ROLLBACK;');
    b.send('ROLLBACK;');
    await waitFor('the deadlock to be counted', async () => (pg!.psql("SELECT deadlocks FROM pg_stat_database WHERE datname = 'orders';").trim() === '1' ? true : undefined), 20_000, pg.log);
    loaded = await scrapeUntil(
      'the slot, the open transaction and the deadlock in the scrape',
      exporterPort,
      (s) => value(s, 'pg_stat_database_deadlocks', { datname: 'orders' }) === 1 && value(s, 'pg_replication_slot_slot_is_active', { slot_name: 'replica_1' }) === 0 && (value(s, 'pg_stat_activity_max_tx_duration', { datname: 'orders', state: 'idle in transaction' }) ?? 0) > 2,
      exporter,
    );
    for (const s of sessions.splice(0)) await s.end();
    await pg.stop();
    down = await scrapeUntil('pg_up 0 once the server is stopped', exporterPort, (s) => value(s, 'pg_up') === 0, exporter);
  });

  afterAll(async () => {
    for (const s of sessions) await s.end();
    await exporter?.stop();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the generated command line starts it: it logs in with the mounted user and password files', () => {
    const { env } = localCommand(construct, exporterPort, '/c');
    expect(env).toMatchObject({ DATA_SOURCE_USER_FILE: '/c/username', DATA_SOURCE_PASS_FILE: '/c/password' });
    expect(env.DATA_SOURCE_URI).not.toContain('exporter-pw');
    expect(value(baseline, 'pg_up')).toBe(1);
    expect(exporter!.log()).not.toContain('exporter-pw');
  });

  test('it serves every metric the rules and the dashboard read', () => {
    const served = new Set([...sampleNames(baseline), ...sampleNames(loaded)]);
    expect(referencedMetrics(construct).filter((n) => !served.has(n))).toEqual([]);
    expect(referencedMetrics(construct)).toEqual(
      expect.arrayContaining(['pg_up', 'pg_stat_activity_count', 'pg_stat_activity_max_tx_duration', 'pg_replication_lag_seconds', 'pg_replication_slot_slot_is_active', 'pg_stat_database_deadlocks']),
    );
  });

  test('its alerts fire on what it served: a held transaction, a deadlock, an unconsumed slot, the server stopped', () => {
    const T = target(construct);
    const G = group(construct);
    const series = seriesFromPhases([{ samples: baseline, minutes: 10 }, { samples: loaded, minutes: 35 }, { samples: down, minutes: 10 }], T);
    const silent = (alert: string, at: string): AlertCase => ({ name: `${alert} is silent at ${at}`, alert, series, at, firing: [] });
    const cases: AlertCase[] = [
      ...['PostgreSQLDown', 'PostgreSQLExporterErrors', 'PostgreSQLHighConnections', 'PostgreSQLMaxConnectionsReached', 'PostgreSQLLongRunningTransactions', 'PostgreSQLDeadlocks', 'PostgreSQLInactiveReplicationSlot', 'PostgreSQLReplicationLag', 'PostgreSQLTooManyLocks', 'PostgreSQLHighRollbackRatio'].map((a) => silent(a, '9m')),
      { name: 'the held transaction trips PostgreSQLLongRunningTransactions', alert: 'PostgreSQLLongRunningTransactions', series, at: '13m', firing: [{ ...G, datname: 'orders', severity: 'warning' }] },
      { name: 'the deadlock trips PostgreSQLDeadlocks', alert: 'PostgreSQLDeadlocks', series, at: '12m', firing: [{ ...G, datname: 'orders', severity: 'warning' }] },
      { name: 'the unconsumed slot trips PostgreSQLInactiveReplicationSlot after 30m', alert: 'PostgreSQLInactiveReplicationSlot', series, at: '42m', firing: [{ ...T, slot_name: 'replica_1', slot_type: 'physical', severity: 'warning' }] },
      silent('PostgreSQLInactiveReplicationSlot', '38m'),
      ...['PostgreSQLExporterErrors', 'PostgreSQLHighConnections', 'PostgreSQLReplicationLag', 'PostgreSQLDown'].map((a) => silent(a, '42m')),
      { name: 'the stopped server trips PostgreSQLDown', alert: 'PostgreSQLDown', series, at: '47m', firing: [{ ...T, severity: 'critical' }] },
    ];
    const r = runAlertCases(construct.ruleFile(), cases);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('mysqld_exporter v0.19.0 against a MariaDB 10.11 replica', () => {
  let dir: string;
  let primary: Mariadb | undefined;
  let replica: Mariadb | undefined;
  let exporter: Server | undefined;
  let construct: MysqlExporter;
  let exporterPort: number;
  let baseline: Sample[];
  let loaded: Sample[];
  let cut: Sample[];
  let down: Sample[];

  beforeAll(async () => {
    dir = tempDir('obs-mysql-');
    const [primaryPort, replicaPort, port] = await freePorts(3);
    exporterPort = port;
    [primary, replica] = await Promise.all([
      startMariadb(dir, 'primary', primaryPort, ['--server-id=1', '--log-bin=mysql-bin']),
      startMariadb(dir, 'replica', replicaPort, ['--server-id=2', '--long-query-time=0.1', '--plugin-load-add=query_response_time', '--query-response-time-stats=ON']),
    ]);
    primary.sql("CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl-pw'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';");
    replica.sql(
      `CHANGE MASTER TO MASTER_HOST='${LOOPBACK}', MASTER_PORT=${primaryPort}, MASTER_USER='repl', MASTER_PASSWORD='repl-pw', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos; START SLAVE;`,
    );
    // The user upstream's README advises, plus SLAVE MONITOR: MariaDB 10.5+ split it from REPLICATION CLIENT, and
    // without it SHOW SLAVE STATUS fails ("Error 1227 (42000): Access denied; you need (at least one of) the SUPER,
    // SLAVE MONITOR privilege(s)"), so no replication series (README, "Databases and brokers").
    replica.sql("CREATE USER 'exporter'@'127.0.0.1' IDENTIFIED BY 'exporter-pw' WITH MAX_USER_CONNECTIONS 3; GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT ON *.* TO 'exporter'@'127.0.0.1';");
    construct = new MysqlExporter(chart(), 'My', { name: 'billing-db', host: LOOPBACK, port: replicaPort, credentials: { secretName: 'billing-db-exporter' } });
    const credentials = writeSecret(dir, { 'my.cnf': '[client]\nuser = exporter\npassword = exporter-pw\n' });
    const { args, env } = localCommand(construct, exporterPort, credentials);
    exporter = startServer('mysqld_exporter', args, { env, cwd: dir });
    await waitForOk(`http://${LOOPBACK}:${exporterPort}/`, exporter);
    baseline = await scrapeUntil('mysql_up 1 and a running replica', exporterPort, (s) => value(s, 'mysql_up') === 1 && value(s, 'mysql_slave_status_slave_io_running') === 1, exporter);
    replica.sql('SELECT SLEEP(0.3);');
    loaded = await scrapeUntil('the slow query', exporterPort, (s) => (value(s, 'mysql_global_status_slow_queries') ?? 0) >= 1, exporter);
    await primary.stop();
    cut = await scrapeUntil('the replica\'s I/O thread to stop', exporterPort, (s) => value(s, 'mysql_slave_status_slave_io_running') === 0, exporter);
    await replica.stop();
    down = await scrapeUntil('mysql_up 0 once the server is stopped', exporterPort, (s) => value(s, 'mysql_up') === 0, exporter);
  });

  afterAll(async () => {
    await exporter?.stop();
    await replica?.stop();
    await primary?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the generated command line starts it: it logs in with the mounted option file', () => {
    expect(localCommand(construct, exporterPort, '/c').args).toContain('--config.my-cnf=/c/my.cnf');
    expect(value(baseline, 'mysql_up')).toBe(1);
  });

  test('it serves every metric the rules and the dashboard read (MySQL 8.4\'s SHOW REPLICA STATUS spellings aside)', () => {
    // MariaDB and MySQL < 8.4 answer SHOW SLAVE STATUS; MySQL 8.4 only SHOW REPLICA STATUS, whose columns the exporter
    // exports under these names (collector/slave_status.go lowercases each column): source-checked, not served here.
    const mysql84Only = ['mysql_slave_status_replica_io_running', 'mysql_slave_status_replica_sql_running', 'mysql_slave_status_seconds_behind_source'];
    const served = new Set([...sampleNames(baseline), ...sampleNames(loaded)]);
    expect(referencedMetrics(construct).filter((n) => !served.has(n) && !mysql84Only.includes(n))).toEqual([]);
    expect(served.has('mysql_info_schema_query_response_time_seconds_bucket')).toBe(true);
    expect(baseline.filter((s) => s.name === 'mysql_info_schema_query_response_time_seconds_bucket').map((s) => s.labels.le)).toEqual(
      expect.arrayContaining(['0.0001', '0.001', '0.01', '0.1', '1', '10']),
    );
  });

  test('its alerts fire on what it served: a slow query, the replica cut from its primary, the server stopped', () => {
    const T = target(construct);
    const replicaLabels = Object.fromEntries(Object.entries(cut.find((s) => s.name === 'mysql_slave_status_slave_io_running')!.labels).filter(([, v]) => v !== ''));
    const series = seriesFromPhases([{ samples: baseline, minutes: 10 }, { samples: loaded, minutes: 10 }, { samples: cut, minutes: 10 }, { samples: down, minutes: 10 }], T);
    const silent = (alert: string, at: string): AlertCase => ({ name: `${alert} is silent at ${at}`, alert, series, at, firing: [] });
    const cases: AlertCase[] = [
      ...['MySQLDown', 'MySQLSlowQueries', 'MySQLReplicaIoThreadNotRunning', 'MySQLReplicaSqlThreadNotRunning', 'MySQLReplicationLag', 'MySQLTooManyConnections', 'MySQLConnectionsRejected'].map((a) => silent(a, '9m')),
      { name: 'the slow query trips MySQLSlowQueries', alert: 'MySQLSlowQueries', series, at: '13m', firing: [{ ...T, severity: 'warning' }] },
      { name: 'the stopped primary trips MySQLReplicaIoThreadNotRunning', alert: 'MySQLReplicaIoThreadNotRunning', series, at: '22m', firing: [{ ...T, ...replicaLabels, severity: 'critical' }] },
      silent('MySQLReplicaSqlThreadNotRunning', '22m'),
      { name: 'the stopped replica trips MySQLDown', alert: 'MySQLDown', series, at: '36m', firing: [{ ...T, severity: 'critical' }] },
    ];
    const r = runAlertCases(construct.ruleFile(), cases);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('redis_exporter v1.88.0 against Redis 7.0 and a replica', () => {
  let dir: string;
  let master: Redis | undefined;
  let replica: Redis | undefined;
  const exporters: Server[] = [];
  let construct: RedisExporter;
  let replicaConstruct: RedisExporter;
  let ports: { master: number; replica: number };
  let baseline: Sample[];
  let loaded: Sample[];
  let down: Sample[];
  let linked: Sample[];
  let unlinked: Sample[];
  const PASSWORD = 'redis-test-pw';

  beforeAll(async () => {
    dir = tempDir('obs-redis-');
    const [masterPort, replicaPort, exporterPort, replicaExporterPort] = await freePorts(4);
    ports = { master: exporterPort, replica: replicaExporterPort };
    master = await startRedis(dir, masterPort, ['--maxmemory', '2mb', '--maxmemory-policy', 'allkeys-lru', '--maxclients', '8', '--repl-diskless-sync-delay', '0'], PASSWORD);
    replica = await startRedis(join(dir), replicaPort, ['--replicaof', LOOPBACK, String(masterPort), '--masterauth', PASSWORD, '--dbfilename', 'replica.rdb'], PASSWORD);
    const c = chart();
    // One scrape after the evictions stands for the rest of its phase, so the counter steps once: `for` 1m instead of 5m.
    construct = new RedisExporter(c, 'Rd', { name: 'cache', host: LOOPBACK, port: masterPort, credentials: { secretName: 'cache-exporter' }, alerts: { keysEvicted: { for: '1m' } } });
    replicaConstruct = new RedisExporter(c, 'RdReplica', { name: 'cache-replica', host: LOOPBACK, port: replicaPort, credentials: { secretName: 'cache-replica-exporter' } });
    // redis_exporter's password file maps the exact URI the construct names to the password.
    const masterCredentials = writeSecret(join(dir, 'm'), { 'password-file.json': JSON.stringify({ [construct.passwordFileUri]: PASSWORD }) });
    const replicaCredentials = writeSecret(join(dir, 'r'), { 'password-file.json': JSON.stringify({ [replicaConstruct.passwordFileUri]: PASSWORD }) });
    for (const [e, port, cred] of [
      [construct, exporterPort, masterCredentials],
      [replicaConstruct, replicaExporterPort, replicaCredentials],
    ] as const) {
      const { args, env } = localCommand(e, port, cred);
      const server = startServer('redis_exporter', args, { env, cwd: dir });
      exporters.push(server);
      await waitForOk(`http://${LOOPBACK}:${port}/health`, server);
    }
    baseline = await scrapeUntil('redis_up 1', ports.master, (s) => value(s, 'redis_up') === 1, exporters[0]);
    linked = await scrapeUntil('the replica\'s master link', ports.replica, (s) => value(s, 'redis_master_link_up') === 1, exporters[1]);
    // Fill past maxmemory (LRU evicts), then knock on the door with more clients than maxclients allows.
    master.cli('EVAL', "for i=1,6000 do redis.call('SET', 'k'..i, string.rep('x', 512)) end return 1", '0');
    const sockets: Socket[] = [];
    let refused = 0;
    // Each socket reads (else Node never sees the server's "-ERR max number of clients reached" and close).
    for (let i = 0; i < 40; i++) sockets.push(connect({ host: LOOPBACK, port: masterPort }).on('data', () => undefined).on('error', () => undefined).on('close', () => refused++));
    await waitFor('Redis to refuse the clients past maxclients', async () => (refused >= 30 ? true : undefined), 20_000, master.log);
    for (const sock of sockets) sock.destroy();
    loaded = await scrapeUntil('evictions and refused connections', ports.master, (s) => (value(s, 'redis_evicted_keys_total') ?? 0) > 0 && (value(s, 'redis_rejected_connections_total') ?? 0) >= 30, exporters[0]);
    await master.stop();
    unlinked = await scrapeUntil('the replica to lose its master link', ports.replica, (s) => value(s, 'redis_master_link_up') === 0, exporters[1]);
    down = await scrapeUntil('redis_up 0 once the server is stopped', ports.master, (s) => value(s, 'redis_up') === 0, exporters[0]);
  });

  afterAll(async () => {
    for (const e of exporters) await e.stop();
    await replica?.stop();
    await master?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the generated command line starts it: it reads the password from the mounted password file', () => {
    expect(localCommand(construct, ports.master, '/c').args).toContain('--redis.password-file=/c/password-file.json');
    expect(value(baseline, 'redis_up')).toBe(1);
    expect(exporters[0].log()).not.toContain(PASSWORD);
  });

  test('it serves every metric the rules and the dashboard read', () => {
    const served = new Set([...sampleNames(baseline), ...sampleNames(loaded), ...sampleNames(linked)]);
    expect([...new Set([...referencedMetrics(construct), ...referencedMetrics(replicaConstruct)])].filter((n) => !served.has(n))).toEqual([]);
  });

  test('its alerts fire on what it served: evictions, refused connections, the master stopped (replica and master view)', () => {
    const T = target(construct);
    const series = seriesFromPhases([{ samples: baseline, minutes: 10 }, { samples: loaded, minutes: 10 }, { samples: down, minutes: 10 }], T);
    const used = value(loaded, 'redis_memory_used_bytes')! / value(loaded, 'redis_memory_max_bytes')!;
    const silent = (alert: string, at: string): AlertCase => ({ name: `${alert} is silent at ${at}`, alert, series, at, firing: [] });
    const cases: AlertCase[] = [
      ...['RedisDown', 'RedisKeysEvicted', 'RedisRejectedConnections', 'RedisOutOfMemory', 'RedisTooManyConnections'].map((a) => silent(a, '9m')),
      { name: 'evictions trip RedisKeysEvicted', alert: 'RedisKeysEvicted', series, at: '12m', firing: [{ ...T, severity: 'warning' }] },
      { name: 'refused connections trip RedisRejectedConnections', alert: 'RedisRejectedConnections', series, at: '11m', firing: [{ ...T, severity: 'warning' }] },
      // What the server reported decides: at maxmemory used_memory sits just under it.
      { name: `RedisOutOfMemory follows used/maxmemory (${used.toFixed(3)})`, alert: 'RedisOutOfMemory', series, at: '14m', firing: used > 0.9 ? [{ ...T, severity: 'warning' }] : [] },
      { name: 'the stopped server trips RedisDown', alert: 'RedisDown', series, at: '26m', firing: [{ ...T, severity: 'critical' }] },
    ];
    const r = runAlertCases(construct.ruleFile(), cases);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);

    const R = target(replicaConstruct);
    const linkLabels = Object.fromEntries(Object.entries(unlinked.find((s) => s.name === 'redis_master_link_up')!.labels).filter(([, v]) => v !== ''));
    const replicaSeries = seriesFromPhases([{ samples: linked, minutes: 10 }, { samples: unlinked, minutes: 10 }], R);
    const rr = runAlertCases(replicaConstruct.ruleFile(), [
      { name: 'RedisMasterLinkDown is silent while linked', alert: 'RedisMasterLinkDown', series: replicaSeries, at: '9m', firing: [] },
      { name: 'the stopped master trips RedisMasterLinkDown on the replica', alert: 'RedisMasterLinkDown', series: replicaSeries, at: '13m', firing: [{ ...R, ...linkLabels, severity: 'critical' }] },
    ]);
    expect(rr.output).toMatch(/SUCCESS/);
    expect(rr.status).toBe(0);
  });
});
