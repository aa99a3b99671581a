import { Chart, Testing } from 'cdk8s';
import { join } from 'node:path';
import { renderRuleFile } from '../../../src/common/rules';
import { KafkaExporter, MysqlExporter, PostgresExporter, RedisExporter } from '../../../src/components/databases';
import { DatabaseExporter, DatabaseExporterModel } from '../../../src/components/databases/exporter';
import { promtool, writeTree } from '../../helpers/tools';
import { AlertCase, runAlertCases, Series } from './promtool-cases';

/**
 * Every database alert proven with `promtool test rules` (the deployed Prometheus release's promtool) on the rule
 * files the constructs generate, unmodified: each fires where it should, with exactly its labels, and stays silent
 * where it should not. The input series carry the exporters' real names and label sets at the pinned releases: as
 * scraped from the running exporters by live.tools.test.ts (postgres_exporter, mysqld_exporter, redis_exporter), or as
 * kafka_exporter v1.9.0's source declares them (kafka_exporter.go `setup()`), plus the target labels the stack's scrape
 * job attaches (job, instance = the database, service = its name, namespace, pod). Samples are one minute apart: a
 * database job scraped every minute (each scrape queries the database) is the slowest the rules must work at, and
 * Prometheus 3's left-open ranges then leave a single sample in a 1m window.
 */

function exporters(): { pg: PostgresExporter; my: MysqlExporter; rd: RedisExporter; kf: KafkaExporter; kf3: KafkaExporter } {
  const c = new Chart(Testing.app(), 'test', { namespace: 'observability' });
  return {
    pg: new PostgresExporter(c, 'Pg', { name: 'orders-db', host: 'orders-db.shop.svc', credentials: { secretName: 's' } }),
    my: new MysqlExporter(c, 'My', { name: 'billing-db', host: 'billing-mariadb.billing.svc', credentials: { secretName: 's' } }),
    rd: new RedisExporter(c, 'Rd', { name: 'cache', host: 'cache.shop.svc', credentials: { secretName: 's' } }),
    kf: new KafkaExporter(c, 'Kf', { name: 'events', brokers: ['kafka-0.kafka.events.svc:9092'] }),
    kf3: new KafkaExporter(c, 'Kf3', { name: 'events3', brokers: ['kafka-0.kafka3.events.svc:9092'], alerts: { brokersMissing: { threshold: 3 } } }),
  };
}

/** The target labels the stack's job gives every series of an exporter. */
function target(e: DatabaseExporter<DatabaseExporterModel>): Record<string, string> {
  return { job: e.model.jobName, instance: e.model.instance, namespace: 'observability', pod: `${e.model.name}-6d5f7c9b8-x2k4q`, service: e.database };
}

/** The labels aggregated alerts keep (namespace, service, job, instance). */
function group(e: DatabaseExporter<DatabaseExporterModel>): Record<string, string> {
  const { job, instance, namespace, service } = target(e);
  return { namespace, service, job, instance };
}

function s(name: string, labels: Record<string, string>, values: string): Series {
  return { name, labels, values };
}

function expectPass(e: DatabaseExporter<DatabaseExporterModel>, cases: AlertCase[]): void {
  const r = runAlertCases(e.ruleFile(), cases);
  expect(r.output).toMatch(/SUCCESS/);
  expect(r.status).toBe(0);
  // Every alert of the exporter has a firing case and a silent case.
  for (const rule of e.alertRules().rules) {
    const name = 'alert' in rule ? rule.alert : '';
    expect([name, cases.some((c) => c.alert === name && c.firing.length > 0), cases.some((c) => c.alert === name && c.firing.length === 0)]).toEqual([name, true, true]);
  }
}

describe('PostgreSQL alerts under promtool', () => {
  const { pg } = exporters();
  const T = target(pg);
  const G = group(pg);
  // pg_stat_activity_count / max_tx_duration label sets as postgres_exporter v0.19.1 writes them (exporter/queries.go).
  const activity = (state: string, datname = 'orders') => ({ ...T, application_name: 'order-service', backend_type: 'client backend', datname, server: T.instance, state, usename: 'orders' });
  const settings = (name: string, v: number) => s(`pg_settings_${name}`, { ...T, server: T.instance }, `${v}x40`);
  const db = (datname = 'orders') => ({ ...T, datid: '16384', datname });
  const cases: AlertCase[] = [
    {
      name: 'PostgreSQLDown fires 1m after pg_up drops to 0, with the database in its labels',
      alert: 'PostgreSQLDown',
      series: [s('pg_up', T, '1 1 1 0x10')],
      at: '5m',
      firing: [{ ...T, severity: 'critical' }],
      annotations: {
        summary: 'PostgreSQL orders-db.shop.svc:5432 is not answering the exporter',
        description: "postgres_exporter cannot query orders-db.shop.svc:5432 (orders-db): the server is down, unreachable or refuses the exporter's login.",
      },
    },
    { name: 'PostgreSQLDown is silent while pg_up is 1', alert: 'PostgreSQLDown', series: [s('pg_up', T, '1x10')], at: '5m', firing: [] },
    { name: 'PostgreSQLDown waits its 1m', alert: 'PostgreSQLDown', series: [s('pg_up', T, '1 1 1 0x10')], at: '3m', firing: [] },
    { name: 'PostgreSQLExporterDown fires after 5m without a scrape', alert: 'PostgreSQLExporterDown', series: [s('up', T, '0x10')], at: '6m', firing: [{ ...T, severity: 'warning' }] },
    { name: 'PostgreSQLExporterDown is silent while scraped', alert: 'PostgreSQLExporterDown', series: [s('up', T, '1x10')], at: '6m', firing: [] },
    {
      name: 'PostgreSQLExporterErrors fires after 30m of scrape errors',
      alert: 'PostgreSQLExporterErrors',
      series: [s('pg_exporter_last_scrape_error', T, '1x40')],
      at: '31m',
      firing: [{ ...T, severity: 'warning' }],
    },
    { name: 'PostgreSQLExporterErrors is silent without errors', alert: 'PostgreSQLExporterErrors', series: [s('pg_exporter_last_scrape_error', T, '0x40')], at: '31m', firing: [] },
    {
      name: 'PostgreSQLHighConnections fires at 85 of 97 usable connections (87.63%)',
      alert: 'PostgreSQLHighConnections',
      series: [s('pg_stat_activity_count', activity('active'), '60x20'), s('pg_stat_activity_count', activity('idle'), '25x20'), settings('max_connections', 100), settings('superuser_reserved_connections', 3)],
      at: '12m',
      firing: [{ ...G, severity: 'warning' }],
      annotations: {
        summary: 'PostgreSQL orders-db.shop.svc:5432 uses 87.63% of its connections',
        description: 'orders-db.shop.svc:5432 has 87.63% of max_connections (minus the superuser reserve) in use: new clients will soon be refused. Check for connection leaks or add a pooler.',
      },
    },
    {
      name: 'PostgreSQLHighConnections is silent at 70 of 97',
      alert: 'PostgreSQLHighConnections',
      series: [s('pg_stat_activity_count', activity('active'), '70x20'), settings('max_connections', 100), settings('superuser_reserved_connections', 3)],
      at: '12m',
      firing: [],
    },
    {
      name: 'PostgreSQLMaxConnectionsReached fires when every usable connection is taken',
      alert: 'PostgreSQLMaxConnectionsReached',
      series: [s('pg_stat_activity_count', activity('active'), '97x20'), settings('max_connections', 100), settings('superuser_reserved_connections', 3)],
      at: '3m',
      firing: [{ ...G, severity: 'critical' }],
    },
    {
      name: 'PostgreSQLMaxConnectionsReached is silent with one connection left',
      alert: 'PostgreSQLMaxConnectionsReached',
      series: [s('pg_stat_activity_count', activity('active'), '96x20'), settings('max_connections', 100), settings('superuser_reserved_connections', 3)],
      at: '3m',
      firing: [],
    },
    {
      name: 'PostgreSQLLongRunningTransactions fires for a 5-minute transaction, not for template databases',
      alert: 'PostgreSQLLongRunningTransactions',
      series: [s('pg_stat_activity_max_tx_duration', activity('idle in transaction'), '300x10'), s('pg_stat_activity_max_tx_duration', activity('active', 'template1'), '9000x10')],
      at: '4m',
      firing: [{ ...G, datname: 'orders', severity: 'warning' }],
    },
    {
      name: 'PostgreSQLLongRunningTransactions is silent at 60 s',
      alert: 'PostgreSQLLongRunningTransactions',
      series: [s('pg_stat_activity_max_tx_duration', activity('active'), '60x10')],
      at: '4m',
      firing: [],
    },
    {
      name: 'PostgreSQLDeadlocks fires at 10 deadlocks per minute',
      alert: 'PostgreSQLDeadlocks',
      series: [s('pg_stat_database_deadlocks', db(), '0+10x20')],
      at: '12m',
      firing: [{ ...G, datname: 'orders', severity: 'warning' }],
    },
    { name: 'PostgreSQLDeadlocks is silent at 2 per minute', alert: 'PostgreSQLDeadlocks', series: [s('pg_stat_database_deadlocks', db(), '0+2x20')], at: '12m', firing: [] },
    {
      name: 'PostgreSQLReplicationLag fires on a replica over an hour behind',
      alert: 'PostgreSQLReplicationLag',
      series: [s('pg_replication_lag_seconds', T, '4000x10'), s('pg_replication_is_replica', T, '1x10')],
      at: '7m',
      firing: [{ ...G, severity: 'warning' }],
    },
    {
      name: 'PostgreSQLReplicationLag is silent on a primary',
      alert: 'PostgreSQLReplicationLag',
      series: [s('pg_replication_lag_seconds', T, '4000x10'), s('pg_replication_is_replica', T, '0x10')],
      at: '7m',
      firing: [],
    },
    {
      name: 'PostgreSQLInactiveReplicationSlot fires after 30m without a consumer',
      alert: 'PostgreSQLInactiveReplicationSlot',
      series: [s('pg_replication_slot_slot_is_active', { ...T, slot_name: 'replica_1', slot_type: 'physical' }, '0x40')],
      at: '31m',
      firing: [{ ...T, slot_name: 'replica_1', slot_type: 'physical', severity: 'warning' }],
    },
    {
      name: 'PostgreSQLInactiveReplicationSlot is silent for a consumed slot',
      alert: 'PostgreSQLInactiveReplicationSlot',
      series: [s('pg_replication_slot_slot_is_active', { ...T, slot_name: 'replica_1', slot_type: 'physical' }, '1x40')],
      at: '31m',
      firing: [],
    },
    {
      name: 'PostgreSQLLowCacheHitRatio fires at a 90% hit ratio',
      alert: 'PostgreSQLLowCacheHitRatio',
      series: [s('pg_stat_database_blks_hit', db(), '0+5400x20'), s('pg_stat_database_blks_read', db(), '0+600x20')],
      at: '12m',
      firing: [{ ...G, datname: 'orders', severity: 'warning' }],
    },
    {
      name: 'PostgreSQLLowCacheHitRatio is silent at 99.5% and for a database that reads nothing',
      alert: 'PostgreSQLLowCacheHitRatio',
      series: [
        s('pg_stat_database_blks_hit', db(), '0+5970x20'),
        s('pg_stat_database_blks_read', db(), '0+30x20'),
        s('pg_stat_database_blks_hit', db('idle'), '7x20'),
        s('pg_stat_database_blks_read', db('idle'), '3x20'),
      ],
      at: '12m',
      firing: [],
    },
    {
      name: 'PostgreSQLHighRollbackRatio fires when 20% of transactions roll back',
      alert: 'PostgreSQLHighRollbackRatio',
      series: [s('pg_stat_database_xact_rollback', db(), '0+1200x20'), s('pg_stat_database_xact_commit', db(), '0+4800x20')],
      at: '12m',
      firing: [{ ...G, datname: 'orders', severity: 'warning' }],
    },
    {
      name: 'PostgreSQLHighRollbackRatio is silent at 1%',
      alert: 'PostgreSQLHighRollbackRatio',
      series: [s('pg_stat_database_xact_rollback', db(), '0+60x20'), s('pg_stat_database_xact_commit', db(), '0+5940x20')],
      at: '12m',
      firing: [],
    },
    {
      name: 'PostgreSQLTooManyLocks fires at 5000 locks of a 6400-entry lock table',
      alert: 'PostgreSQLTooManyLocks',
      series: [s('pg_locks_count', { ...T, datname: 'orders', mode: 'rowexclusivelock' }, '5000x20'), settings('max_locks_per_transaction', 64), settings('max_connections', 100)],
      at: '7m',
      firing: [{ ...G, severity: 'warning' }],
    },
    {
      name: 'PostgreSQLTooManyLocks is silent at 100 locks',
      alert: 'PostgreSQLTooManyLocks',
      series: [s('pg_locks_count', { ...T, datname: 'orders', mode: 'rowexclusivelock' }, '100x20'), settings('max_locks_per_transaction', 64), settings('max_connections', 100)],
      at: '7m',
      firing: [],
    },
  ];

  test('every alert fires where it should and is silent where it should not', () => expectPass(pg, cases));
});

describe('MySQL alerts under promtool', () => {
  const { my } = exporters();
  const T = target(my);
  // SHOW SLAVE STATUS series labels (collector/slave_status.go); channel_name and connection_name are empty on MariaDB's
  // default connection, and Prometheus drops empty labels.
  const replica = { ...T, master_host: 'billing-mariadb-0.billing.svc', master_uuid: '' };
  const R = { ...T, master_host: 'billing-mariadb-0.billing.svc' };
  const cases: AlertCase[] = [
    { name: 'MySQLDown fires after 5m of mysql_up 0', alert: 'MySQLDown', series: [s('mysql_up', T, '0x10')], at: '6m', firing: [{ ...T, severity: 'critical' }] },
    { name: 'MySQLDown is silent while up', alert: 'MySQLDown', series: [s('mysql_up', T, '1x10')], at: '6m', firing: [] },
    { name: 'MySQLExporterDown fires after 5m without a scrape', alert: 'MySQLExporterDown', series: [s('up', T, '0x10')], at: '6m', firing: [{ ...T, severity: 'warning' }] },
    { name: 'MySQLExporterDown is silent while scraped', alert: 'MySQLExporterDown', series: [s('up', T, '1x10')], at: '6m', firing: [] },
    {
      name: 'MySQLTooManyConnections fires at 130 of 151 connections',
      alert: 'MySQLTooManyConnections',
      series: [s('mysql_global_status_threads_connected', T, '130x10'), s('mysql_global_variables_max_connections', T, '151x10')],
      at: '4m',
      firing: [{ ...T, severity: 'warning' }],
      annotations: {
        summary: 'MySQL billing-mariadb.billing.svc:3306 uses 86.09% of max_connections',
        description: 'billing-mariadb.billing.svc:3306 has 86.09% of max_connections connected: new clients will soon be refused with "Too many connections".',
      },
    },
    {
      name: 'MySQLTooManyConnections is silent at 100 of 151',
      alert: 'MySQLTooManyConnections',
      series: [s('mysql_global_status_threads_connected', T, '100x10'), s('mysql_global_variables_max_connections', T, '151x10')],
      at: '4m',
      firing: [],
    },
    {
      name: 'MySQLHighThreadsRunning fires at 100 running of 151',
      alert: 'MySQLHighThreadsRunning',
      series: [s('mysql_global_status_threads_running', T, '100x10'), s('mysql_global_variables_max_connections', T, '151x10')],
      at: '4m',
      firing: [{ ...T, severity: 'warning' }],
    },
    {
      name: 'MySQLHighThreadsRunning is silent at 10 running',
      alert: 'MySQLHighThreadsRunning',
      series: [s('mysql_global_status_threads_running', T, '10x10'), s('mysql_global_variables_max_connections', T, '151x10')],
      at: '4m',
      firing: [],
    },
    {
      name: 'MySQLConnectionsRejected fires while connections are refused at max_connections',
      alert: 'MySQLConnectionsRejected',
      series: [s('mysql_global_status_connection_errors_total', { ...T, error: 'max_connections' }, '0+60x10')],
      at: '5m',
      firing: [{ ...T, error: 'max_connections', severity: 'warning' }],
    },
    {
      name: 'MySQLConnectionsRejected is silent for other connection errors',
      alert: 'MySQLConnectionsRejected',
      series: [s('mysql_global_status_connection_errors_total', { ...T, error: 'max_connections' }, '4x10'), s('mysql_global_status_connection_errors_total', { ...T, error: 'accept' }, '0+60x10')],
      at: '5m',
      firing: [],
    },
    {
      name: 'MySQLSlowQueries fires with new slow queries every minute',
      alert: 'MySQLSlowQueries',
      series: [s('mysql_global_status_slow_queries', T, '0+3x10')],
      at: '5m',
      firing: [{ ...T, severity: 'warning' }],
    },
    { name: 'MySQLSlowQueries is silent without new slow queries', alert: 'MySQLSlowQueries', series: [s('mysql_global_status_slow_queries', T, '42x10')], at: '5m', firing: [] },
    {
      name: 'MySQLDeadlocks fires at 10 InnoDB deadlocks per minute',
      alert: 'MySQLDeadlocks',
      series: [s('mysql_global_status_innodb_deadlocks', T, '0+10x20')],
      at: '12m',
      firing: [{ ...T, severity: 'warning' }],
    },
    { name: 'MySQLDeadlocks is silent at 1 per minute', alert: 'MySQLDeadlocks', series: [s('mysql_global_status_innodb_deadlocks', T, '0+1x20')], at: '12m', firing: [] },
    {
      name: 'MySQLReplicaIoThreadNotRunning fires for MariaDB (slave_io_running) and MySQL 8.4 (replica_io_running) replicas',
      alert: 'MySQLReplicaIoThreadNotRunning',
      series: [s('mysql_slave_status_slave_io_running', replica, '0x10'), s('mysql_slave_status_replica_io_running', { ...replica, channel_name: 'eu' }, '0x10')],
      at: '3m',
      firing: [
        { ...R, severity: 'critical' },
        { ...R, channel_name: 'eu', severity: 'critical' },
      ],
    },
    {
      name: 'MySQLReplicaIoThreadNotRunning is silent while the thread runs',
      alert: 'MySQLReplicaIoThreadNotRunning',
      series: [s('mysql_slave_status_slave_io_running', replica, '1x10')],
      at: '3m',
      firing: [],
    },
    {
      name: 'MySQLReplicaSqlThreadNotRunning fires when the SQL thread stops',
      alert: 'MySQLReplicaSqlThreadNotRunning',
      series: [s('mysql_slave_status_slave_sql_running', replica, '1 1 0x10'), s('mysql_slave_status_replica_sql_running', { ...replica, channel_name: 'eu' }, '1x10')],
      at: '5m',
      firing: [{ ...R, severity: 'critical' }],
    },
    {
      name: 'MySQLReplicaSqlThreadNotRunning is silent while the thread runs',
      alert: 'MySQLReplicaSqlThreadNotRunning',
      series: [s('mysql_slave_status_slave_sql_running', replica, '1x10')],
      at: '5m',
      firing: [],
    },
    {
      name: 'MySQLReplicationLag fires 100 s behind, counts a delayed replica from its delay, and reads MySQL 8.4\'s seconds_behind_source',
      alert: 'MySQLReplicationLag',
      series: [
        s('mysql_slave_status_seconds_behind_master', replica, '100x10'),
        s('mysql_slave_status_sql_delay', replica, '0x10'),
        s('mysql_slave_status_seconds_behind_source', { ...replica, channel_name: 'eu' }, '3700x10'),
        s('mysql_slave_status_sql_delay', { ...replica, channel_name: 'eu' }, '3600x10'),
      ],
      at: '3m',
      firing: [
        { ...R, severity: 'critical' },
        { ...R, channel_name: 'eu', severity: 'critical' },
      ],
    },
    {
      name: 'MySQLReplicationLag is silent for a replica within its configured delay',
      alert: 'MySQLReplicationLag',
      series: [s('mysql_slave_status_seconds_behind_master', replica, '3610x10'), s('mysql_slave_status_sql_delay', replica, '3600x10')],
      at: '3m',
      firing: [],
    },
    {
      name: 'MySQLInnodbLogWaits fires at 15 log waits per second',
      alert: 'MySQLInnodbLogWaits',
      series: [s('mysql_global_status_innodb_log_waits', T, '0+900x20')],
      at: '16m',
      firing: [{ ...T, severity: 'warning' }],
    },
    { name: 'MySQLInnodbLogWaits is silent at 1 per second', alert: 'MySQLInnodbLogWaits', series: [s('mysql_global_status_innodb_log_waits', T, '0+60x20')], at: '16m', firing: [] },
  ];

  test('every alert fires where it should and is silent where it should not', () => expectPass(my, cases));
});

describe('Redis alerts under promtool', () => {
  const { rd } = exporters();
  const T = target(rd);
  const MB = 1024 * 1024;
  const link = { ...T, master_host: 'cache-0.cache.shop.svc', master_port: '6379' };
  const cases: AlertCase[] = [
    {
      name: 'RedisDown fires after 5m of redis_up 0',
      alert: 'RedisDown',
      series: [s('redis_up', T, '0x10')],
      at: '6m',
      firing: [{ ...T, severity: 'critical' }],
      annotations: {
        summary: 'Redis cache.shop.svc:6379 is down',
        description: "redis_exporter cannot reach cache.shop.svc:6379 (cache): the server is down, unreachable or refuses the exporter's password.",
      },
    },
    { name: 'RedisDown is silent while up', alert: 'RedisDown', series: [s('redis_up', T, '1x10')], at: '6m', firing: [] },
    { name: 'RedisExporterDown fires after 5m without a scrape', alert: 'RedisExporterDown', series: [s('up', T, '0x10')], at: '6m', firing: [{ ...T, severity: 'warning' }] },
    { name: 'RedisExporterDown is silent while scraped', alert: 'RedisExporterDown', series: [s('up', T, '1x10')], at: '6m', firing: [] },
    {
      name: 'RedisOutOfMemory fires at 95% of maxmemory',
      alert: 'RedisOutOfMemory',
      series: [s('redis_memory_used_bytes', T, `${950 * MB}x10`), s('redis_memory_max_bytes', T, `${1000 * MB}x10`)],
      at: '4m',
      firing: [{ ...T, severity: 'warning' }],
    },
    {
      name: 'RedisOutOfMemory is silent without maxmemory (0: unlimited)',
      alert: 'RedisOutOfMemory',
      series: [s('redis_memory_used_bytes', T, `${950 * MB}x10`), s('redis_memory_max_bytes', T, '0x10')],
      at: '4m',
      firing: [],
    },
    { name: 'RedisKeysEvicted fires while keys are evicted', alert: 'RedisKeysEvicted', series: [s('redis_evicted_keys_total', T, '0+100x20')], at: '12m', firing: [{ ...T, severity: 'warning' }] },
    { name: 'RedisKeysEvicted is silent without evictions', alert: 'RedisKeysEvicted', series: [s('redis_evicted_keys_total', T, '7x20')], at: '12m', firing: [] },
    {
      name: 'RedisTooManyConnections fires at 9500 of 10000 clients',
      alert: 'RedisTooManyConnections',
      series: [s('redis_connected_clients', T, '9500x10'), s('redis_max_clients', T, '10000x10')],
      at: '4m',
      firing: [{ ...T, severity: 'warning' }],
    },
    {
      name: 'RedisTooManyConnections is silent at 100 of 10000',
      alert: 'RedisTooManyConnections',
      series: [s('redis_connected_clients', T, '100x10'), s('redis_max_clients', T, '10000x10')],
      at: '4m',
      firing: [],
    },
    {
      name: 'RedisRejectedConnections fires at 10 refused connections a minute',
      alert: 'RedisRejectedConnections',
      series: [s('redis_rejected_connections_total', T, '0+10x10')],
      at: '3m',
      firing: [{ ...T, severity: 'warning' }],
    },
    { name: 'RedisRejectedConnections is silent at 2 a minute', alert: 'RedisRejectedConnections', series: [s('redis_rejected_connections_total', T, '0+2x10')], at: '3m', firing: [] },
    { name: 'RedisMasterLinkDown fires after 2m without a master link', alert: 'RedisMasterLinkDown', series: [s('redis_master_link_up', link, '0x10')], at: '3m', firing: [{ ...link, severity: 'critical' }] },
    { name: 'RedisMasterLinkDown is silent with the link up', alert: 'RedisMasterLinkDown', series: [s('redis_master_link_up', link, '1x10')], at: '3m', firing: [] },
    {
      name: 'RedisReplicationBroken fires the minute a replica is lost',
      alert: 'RedisReplicationBroken',
      series: [s('redis_connected_slaves', T, '2 2 2 1x10')],
      at: '3m',
      firing: [{ ...T, severity: 'critical' }],
    },
    {
      name: 'RedisReplicationBroken is silent once the count has been stable for 5 minutes',
      alert: 'RedisReplicationBroken',
      series: [s('redis_connected_slaves', T, '2 2 2 1x10')],
      at: '9m',
      firing: [],
    },
  ];

  test('every alert fires where it should and is silent where it should not', () => expectPass(rd, cases));
});

describe('Kafka alerts under promtool', () => {
  const { kf, kf3 } = exporters();
  const T = target(kf);
  const G = group(kf);
  const T3 = target(kf3);
  const part = (topic: string, partition: string) => ({ ...T, topic, partition });
  const lag = (partition: string, consumergroup = 'billing', topic = 'orders') => ({ ...T, consumergroup, topic, partition });
  const cases: AlertCase[] = [
    { name: 'KafkaExporterDown fires after 5m without a scrape', alert: 'KafkaExporterDown', series: [s('up', T, '0x10')], at: '6m', firing: [{ ...T, severity: 'warning' }] },
    { name: 'KafkaExporterDown is silent while scraped', alert: 'KafkaExporterDown', series: [s('up', T, '1x10')], at: '6m', firing: [] },
    { name: 'KafkaBrokersMissing (default: at least 1) fires with no broker left', alert: 'KafkaBrokersMissing', series: [s('kafka_brokers', T, '0x10')], at: '6m', firing: [{ ...G, severity: 'critical' }] },
    { name: 'KafkaBrokersMissing is silent with brokers', alert: 'KafkaBrokersMissing', series: [s('kafka_brokers', T, '1x10')], at: '6m', firing: [] },
    {
      name: 'KafkaUnderReplicatedPartitions fires per topic with an under-replicated partition',
      alert: 'KafkaUnderReplicatedPartitions',
      series: [s('kafka_topic_partition_under_replicated_partition', part('orders', '0'), '1x10'), s('kafka_topic_partition_under_replicated_partition', part('orders', '1'), '0x10')],
      at: '6m',
      firing: [{ ...G, topic: 'orders', severity: 'warning' }],
      annotations: {
        summary: 'Kafka topic orders has 1 under-replicated partitions',
        description: '1 partitions of topic orders in cluster events have fewer in-sync replicas than replicas: durability is reduced until the followers catch up.',
      },
    },
    {
      name: 'KafkaUnderReplicatedPartitions is silent when every partition is in sync',
      alert: 'KafkaUnderReplicatedPartitions',
      series: [s('kafka_topic_partition_under_replicated_partition', part('orders', '0'), '0x10')],
      at: '6m',
      firing: [],
    },
    {
      name: 'KafkaConsumerGroupLag fires for a group 12000 messages behind over its partitions',
      alert: 'KafkaConsumerGroupLag',
      series: [s('kafka_consumergroup_lag', lag('0'), '6000x10'), s('kafka_consumergroup_lag', lag('1'), '6000x10'), s('kafka_consumergroup_lag', lag('0', 'audit'), '10x10')],
      at: '2m',
      firing: [{ ...G, consumergroup: 'billing', severity: 'warning' }],
    },
    { name: 'KafkaConsumerGroupLag is silent at 500 messages', alert: 'KafkaConsumerGroupLag', series: [s('kafka_consumergroup_lag', lag('0'), '500x10')], at: '2m', firing: [] },
    {
      name: 'KafkaConsumerGroupLagIncreasing fires after 15 minutes of growing lag',
      alert: 'KafkaConsumerGroupLagIncreasing',
      series: [s('kafka_consumergroup_lag', lag('0'), '0+100x30'), s('kafka_consumergroup_lag', lag('0', '', '__consumer_offsets'), '0+100x30')],
      at: '22m',
      firing: [{ ...G, topic: 'orders', consumergroup: 'billing', severity: 'warning' }],
    },
    {
      name: 'KafkaConsumerGroupLagIncreasing is silent for a steady lag',
      alert: 'KafkaConsumerGroupLagIncreasing',
      series: [s('kafka_consumergroup_lag', lag('0'), '5000x30')],
      at: '22m',
      firing: [],
    },
  ];

  test('every alert fires where it should and is silent where it should not', () => expectPass(kf, cases));

  test('a tuned threshold is the one promtool sees: 2 of an expected 3 brokers', () => {
    const r = runAlertCases(kf3.ruleFile(), [
      { name: 'fires at 2 of 3', alert: 'KafkaBrokersMissing', series: [s('kafka_brokers', T3, '2x10')], at: '6m', firing: [{ ...group(kf3), severity: 'critical' }] },
      { name: 'silent at 3', alert: 'KafkaBrokersMissing', series: [s('kafka_brokers', T3, '3x10')], at: '6m', firing: [] },
    ]);
    expect(r.status).toBe(0);
  });
});

describe('the promtool cases are real', () => {
  test('a wrong expectation fails (an alert that is silent is expected to fire)', () => {
    const { pg } = exporters();
    const T = target(pg);
    const r = runAlertCases(pg.ruleFile(), [{ name: 'wrong', alert: 'PostgreSQLDown', series: [s('pg_up', T, '1x10')], at: '5m', firing: [{ ...T, severity: 'critical' }] }]);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/FAILED/);
  });

  test('promtool check rules accepts every generated rule file, templates included', () => {
    const all = exporters();
    const files = [all.pg, all.my, all.rd, all.kf].map((e) => e.ruleFile());
    const dir = writeTree(Object.fromEntries(files.map((f) => [f.fileName, renderRuleFile(f.groups)])));
    const r = promtool(['check', 'rules', ...files.map((f) => join(dir, f.fileName))]);
    expect(r.output.match(/SUCCESS: \d+ rules found/g)).toEqual(['SUCCESS: 12 rules found', 'SUCCESS: 11 rules found', 'SUCCESS: 8 rules found', 'SUCCESS: 5 rules found']);
    expect(r.status).toBe(0);
  });
});
