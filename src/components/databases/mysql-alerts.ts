import { SEVERITY } from '../../conventions';
import { AlertDefinition, AlertTuning, DurationAlertTuning, exporterDownAlert, num, NumberAlertTuning } from './alerts';
import { MYSQL_METRICS as M } from './metrics';

/**
 * MySQL / MariaDB alerts. The mysqld mixin of mysqld_exporter v0.19.0 (mysqld-mixin/alerts/general.yaml) has one
 * alert, MySQLDown, kept as written; the rest follow awesome-prometheus-alerts (_data/rules.yml, "MySQL" /
 * mysqld_exporter), with these changes:
 * - replication rules read both column spellings, `SHOW SLAVE STATUS` (MariaDB, MySQL < 8.4: seconds_behind_master,
 *   slave_io_running, slave_sql_running) and `SHOW REPLICA STATUS` (MySQL 8.4: seconds_behind_source,
 *   replica_io_running, replica_sql_running); the series exist only on a replica, so the rules need no
 *   `master_server_id > 0` guard;
 * - deadlocks (not in the community rules) read MariaDB's `Innodb_deadlocks` status variable; Oracle MySQL has none,
 *   so there the rule stays silent;
 * - rejected connections (`Connection_errors_max_connections`, not in the community rules) are their own alert;
 * - counters are read over 5m, never 1m: Prometheus 3 ranges are left-open, so `[1m]` holds one sample of a job
 *   scraped every minute and `increase(...[1m])` is then always empty (promtool shows it); thresholds stay per minute.
 */

/** Tuning of each MySQL alert; `false` turns one off. */
export interface MysqlAlertsProps {
  /** MySQLDown: `mysql_up` is not 1. @default for 5m (the mixin's), critical */
  readonly down?: AlertTuning | false;
  /** MySQLExporterDown: Prometheus cannot scrape the exporter. @default for 5m, warning */
  readonly exporterDown?: AlertTuning | false;
  /** MySQLTooManyConnections: connected threads over this share of max_connections. @default 0.8, for 2m, warning */
  readonly tooManyConnections?: NumberAlertTuning | false;
  /** MySQLHighThreadsRunning: running threads over this share of max_connections. @default 0.6, for 2m, warning */
  readonly highThreadsRunning?: NumberAlertTuning | false;
  /** MySQLConnectionsRejected: connections refused at max_connections, per second over 5m, above this. @default 0, for 2m, warning */
  readonly connectionsRejected?: NumberAlertTuning | false;
  /** MySQLSlowQueries: slow queries (over long_query_time) per minute, over 5m, above this. @default 0, for 2m, warning */
  readonly slowQueries?: NumberAlertTuning | false;
  /** MySQLDeadlocks: InnoDB deadlocks per minute above this (MariaDB). @default 5, for 5m, warning */
  readonly deadlocks?: NumberAlertTuning | false;
  /** MySQLReplicaIoThreadNotRunning. @default for 1m, critical */
  readonly replicaIoThreadNotRunning?: AlertTuning | false;
  /** MySQLReplicaSqlThreadNotRunning. @default for 1m, critical */
  readonly replicaSqlThreadNotRunning?: AlertTuning | false;
  /** MySQLReplicationLag: a replica further behind (minus its configured SQL_Delay) than this. @default '30s', for 1m, critical */
  readonly replicationLag?: DurationAlertTuning | false;
  /** MySQLInnodbLogWaits: log writes stalling for a too small log buffer, per second over 15m. @default 10, warning */
  readonly innodbLogWaits?: NumberAlertTuning | false;
}

/** A replica-status column in either spelling, one series per replication channel. */
function replicaColumn(c: { sel(m: string): string }, mariadbName: string, mysql84Name: string): string {
  return `(${c.sel(mariadbName)} or ${c.sel(mysql84Name)})`;
}

export const MYSQL_ALERTS = {
  down: {
    alert: 'MySQLDown',
    source: 'mysqld mixin MySQLDown (mysql_up != 1, for 5m, critical), as written',
    for: '5m',
    severity: SEVERITY.critical,
    expr: (c) => `${c.sel(M.up)} != 1`,
    summary: 'MySQL {{ $labels.instance }} is not answering the exporter',
    description: 'mysqld_exporter cannot connect to {{ $labels.instance }} ({{ $labels.service }}): the server is down, unreachable or refuses the exporter\'s login.',
  },
  exporterDown: exporterDownAlert('MySQL', 'mysqld_exporter'),
  tooManyConnections: {
    alert: 'MySQLTooManyConnections',
    source: 'awesome-prometheus-alerts "MySQL too many connections (> 80%)" (max_over_time(threads_connected[1m]) / max_connections, for 2m)',
    threshold: { kind: 'ratio', default: 0.8 },
    for: '2m',
    severity: SEVERITY.warning,
    expr: (c) => `max_over_time(${c.sel(M.threadsConnected)}[1m]) / (${c.sel(M.maxConnections)} > 0) > ${num(c.threshold)}`,
    summary: 'MySQL {{ $labels.instance }} uses {{ $value | humanizePercentage }} of max_connections',
    description: '{{ $labels.instance }} has {{ $value | humanizePercentage }} of max_connections connected: new clients will soon be refused with "Too many connections".',
  },
  highThreadsRunning: {
    alert: 'MySQLHighThreadsRunning',
    source: 'awesome-prometheus-alerts "MySQL high threads running" (> 60% of max_connections, for 2m)',
    threshold: { kind: 'ratio', default: 0.6 },
    for: '2m',
    severity: SEVERITY.warning,
    expr: (c) => `max_over_time(${c.sel(M.threadsRunning)}[1m]) / (${c.sel(M.maxConnections)} > 0) > ${num(c.threshold)}`,
    summary: 'MySQL {{ $labels.instance }} runs {{ $value | humanizePercentage }} of max_connections at once',
    description: 'Threads running on {{ $labels.instance }} reach {{ $value | humanizePercentage }} of max_connections: queries queue up on CPU or locks.',
  },
  connectionsRejected: {
    alert: 'MySQLConnectionsRejected',
    source: 'Connection_errors_max_connections (SHOW GLOBAL STATUS), the MySQL analogue of awesome-prometheus-alerts "Redis rejected connections"',
    threshold: { kind: 'number', default: 0 },
    for: '2m',
    severity: SEVERITY.warning,
    expr: (c) => `rate(${c.sel(M.connectionErrors, 'error="max_connections"')}[5m]) > ${num(c.threshold)}`,
    summary: 'MySQL {{ $labels.instance }} refuses connections at max_connections',
    description: '{{ $labels.instance }} refuses {{ $value | humanize }} connections per second because max_connections is reached.',
  },
  slowQueries: {
    alert: 'MySQLSlowQueries',
    source: 'awesome-prometheus-alerts "MySQL slow queries" (increase(slow_queries[1m]) > 0, for 2m), per minute over 5m (see the module doc)',
    threshold: { kind: 'number', default: 0 },
    for: '2m',
    severity: SEVERITY.warning,
    expr: (c) => `rate(${c.sel(M.slowQueries)}[5m]) * 60 > ${num(c.threshold)}`,
    summary: 'MySQL {{ $labels.instance }} has slow queries',
    description: '{{ $labels.instance }} logs {{ $value | humanize }} queries per minute slower than long_query_time.',
  },
  deadlocks: {
    alert: 'MySQLDeadlocks',
    source: 'MariaDB Innodb_deadlocks, with the postgres mixin\'s deadlock rule shape (rate over 5m × 60 > 5, for 5m)',
    threshold: { kind: 'number', default: 5 },
    for: '5m',
    severity: SEVERITY.warning,
    expr: (c) => `rate(${c.sel(M.innodbDeadlocks)}[5m]) * 60 > ${num(c.threshold)}`,
    summary: 'InnoDB deadlocks on {{ $labels.instance }}',
    description: '{{ $labels.instance }} resolves {{ $value | humanize }} InnoDB deadlocks per minute: transactions are being rolled back (SHOW ENGINE INNODB STATUS shows the latest).',
  },
  replicaIoThreadNotRunning: {
    alert: 'MySQLReplicaIoThreadNotRunning',
    source: 'awesome-prometheus-alerts "MySQL Slave IO thread not running" (for 1m, critical), both column spellings',
    for: '1m',
    severity: SEVERITY.critical,
    expr: (c) => `${replicaColumn(c, M.slaveIoRunning, M.replicaIoRunning)} == 0`,
    summary: 'MySQL replica {{ $labels.instance }} does not receive from {{ $labels.master_host }}',
    description: 'The replication I/O thread of {{ $labels.instance }} (channel "{{ $labels.channel_name }}{{ $labels.connection_name }}") is not running: the replica no longer receives changes from {{ $labels.master_host }}.',
  },
  replicaSqlThreadNotRunning: {
    alert: 'MySQLReplicaSqlThreadNotRunning',
    source: 'awesome-prometheus-alerts "MySQL Slave SQL thread not running" (for 1m, critical), both column spellings',
    for: '1m',
    severity: SEVERITY.critical,
    expr: (c) => `${replicaColumn(c, M.slaveSqlRunning, M.replicaSqlRunning)} == 0`,
    summary: 'MySQL replica {{ $labels.instance }} stopped applying changes',
    description: 'The replication SQL thread of {{ $labels.instance }} is not running: received changes are not applied (SHOW REPLICA STATUS shows Last_SQL_Error).',
  },
  replicationLag: {
    alert: 'MySQLReplicationLag',
    source: 'awesome-prometheus-alerts "MySQL Slave replication lag" (seconds_behind_master - sql_delay > 30, for 1m, critical); the mixin records the same difference as instance:mysql_slave_lag_seconds',
    threshold: { kind: 'duration', default: '30s' },
    for: '1m',
    severity: SEVERITY.critical,
    expr: (c) => `(${replicaColumn(c, M.secondsBehindMaster, M.secondsBehindSource)} - ${c.sel(M.sqlDelay)}) > ${num(c.threshold)}`,
    summary: 'MySQL replica {{ $labels.instance }} is {{ $value | humanizeDuration }} behind',
    description: 'Replica {{ $labels.instance }} applies changes {{ $value | humanizeDuration }} later than its configured delay: reads from it are stale.',
  },
  innodbLogWaits: {
    alert: 'MySQLInnodbLogWaits',
    source: 'awesome-prometheus-alerts "MySQL InnoDB log waits" (rate(innodb_log_waits[15m]) > 10)',
    threshold: { kind: 'number', default: 10 },
    for: '0s',
    severity: SEVERITY.warning,
    expr: (c) => `rate(${c.sel(M.innodbLogWaits)}[15m]) > ${num(c.threshold)}`,
    summary: 'MySQL {{ $labels.instance }} stalls on InnoDB log writes',
    description: 'InnoDB on {{ $labels.instance }} waits {{ $value | humanize }} times per second for log buffer space: raise innodb_log_buffer_size.',
  },
} as const satisfies Record<keyof MysqlAlertsProps, AlertDefinition>;
