import { SEVERITY } from '../../conventions';
import { AlertDefinition, AlertTuning, DurationAlertTuning, exporterDownAlert, num, NumberAlertTuning } from './alerts';
import { POSTGRES_METRICS as M } from './metrics';

/**
 * PostgreSQL alerts, as the postgres mixin of postgres_exporter v0.19.1 writes them (postgres_mixin/alerts/
 * postgres.libsonnet at the tag), with awesome-prometheus-alerts (samber/awesome-prometheus-alerts, _data/rules.yml,
 * "PostgreSQL" / postgres_exporter) where the mixin is silent or wrong. Differences, each on purpose:
 * - the mixin's replication lag and replication slot rules read `pg_replication_lag` and `pg_replication_slots_active`,
 *   which no collector of v0.19.1 exports; these read `pg_replication_lag_seconds` and
 *   `pg_replication_slot_slot_is_active` (collector/pg_replication.go, pg_replication_slot.go; seen live);
 * - the mixin's PostgreSQLSlowQueries takes `rate()` of the gauge `pg_stat_activity_max_tx_duration`; this compares
 *   the gauge itself (awesome-prometheus-alerts "Postgresql long-running transaction"), with the mixin's 2m;
 * - every rule aggregates by the database's identity (namespace, service, job, instance) instead of `without (pod,
 *   instance)`, because `instance` is the database's address here;
 * - PostgreSQLDown and PostgreSQLMaxConnectionsReached page (`critical`, as awesome-prometheus-alerts rates them; the
 *   mixin says `warning`); PostgreSQLExporterErrors is a `warning` (the mixin: `critical`): the database still serves.
 */

/** Tuning of each PostgreSQL alert; `false` turns one off. */
export interface PostgresAlertsProps {
  /** PostgreSQLDown: `pg_up` is 0 (the exporter cannot query the server). @default for 1m, critical */
  readonly down?: AlertTuning | false;
  /** PostgreSQLExporterDown: Prometheus cannot scrape the exporter. @default for 5m, warning */
  readonly exporterDown?: AlertTuning | false;
  /** PostgreSQLExporterErrors: the exporter's last scrape had errors. @default for 30m, warning */
  readonly exporterErrors?: AlertTuning | false;
  /** PostgreSQLHighConnections: connections over this share of max_connections − superuser_reserved. @default 0.8, for 10m, warning */
  readonly highConnections?: NumberAlertTuning | false;
  /** PostgreSQLMaxConnectionsReached: no connection left for ordinary roles. @default for 1m, critical */
  readonly maxConnectionsReached?: AlertTuning | false;
  /** PostgreSQLLongRunningTransactions: a transaction older than this. @default '2m', for 2m, warning */
  readonly longRunningTransactions?: DurationAlertTuning | false;
  /** PostgreSQLDeadlocks: deadlocks per minute in a database over this. @default 5, for 5m, warning */
  readonly deadlocks?: NumberAlertTuning | false;
  /** PostgreSQLReplicationLag: a replica further behind than this. @default '1h' (the mixin's), for 5m, warning */
  readonly replicationLag?: DurationAlertTuning | false;
  /** PostgreSQLInactiveReplicationSlot: a replication slot nobody consumes (WAL piles up). @default for 30m, warning */
  readonly inactiveReplicationSlot?: AlertTuning | false;
  /** PostgreSQLLowCacheHitRatio: buffer cache hit ratio of a database under this. @default 0.98, for 5m, warning */
  readonly cacheHitRatio?: NumberAlertTuning | false;
  /** PostgreSQLHighRollbackRatio: share of transactions rolled back over this. @default 0.1, for 5m, warning */
  readonly highRollbackRatio?: NumberAlertTuning | false;
  /** PostgreSQLTooManyLocks: locks held over this share of max_locks_per_transaction × max_connections. @default 0.2, for 5m, warning */
  readonly tooManyLocks?: NumberAlertTuning | false;
}

const DB = 'datname!~"template.*"';

export const POSTGRES_ALERTS = {
  down: {
    alert: 'PostgreSQLDown',
    source: 'postgres mixin PostgreSQLDown (pg_up != 1, for 1m); critical as awesome-prometheus-alerts "Postgresql down"',
    for: '1m',
    severity: SEVERITY.critical,
    expr: (c) => `${c.sel(M.up)} != 1`,
    summary: 'PostgreSQL {{ $labels.instance }} is not answering the exporter',
    description: 'postgres_exporter cannot query {{ $labels.instance }} ({{ $labels.service }}): the server is down, unreachable or refuses the exporter\'s login.',
  },
  exporterDown: exporterDownAlert('PostgreSQL', 'postgres_exporter'),
  exporterErrors: {
    alert: 'PostgreSQLExporterErrors',
    source: 'postgres mixin PostgresHasExporterErrors (for 30m; warning here, critical there)',
    for: '30m',
    severity: SEVERITY.warning,
    expr: (c) => `${c.sel(M.lastScrapeError)} > 0`,
    summary: 'postgres_exporter has errors scraping {{ $labels.instance }}',
    description: 'Some of postgres_exporter\'s queries against {{ $labels.instance }} fail (missing grants for pg_monitor, an unsupported server version): some series are missing.',
  },
  highConnections: {
    alert: 'PostgreSQLHighConnections',
    source: 'postgres mixin PostgreSQLHighConnections (> 80% of max_connections - superuser_reserved_connections, for 10m), as a ratio',
    threshold: { kind: 'ratio', default: 0.8 },
    for: '10m',
    severity: SEVERITY.warning,
    expr: (c) =>
      `sum ${c.by()} (${c.sel(M.activityCount)}) / (sum ${c.by()} (${c.sel(M.maxConnections)}) - sum ${c.by()} (${c.sel(M.superuserReservedConnections)})) > ${num(c.threshold)}`,
    summary: 'PostgreSQL {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its connections',
    description: '{{ $labels.instance }} has {{ $value | humanizePercentage }} of max_connections (minus the superuser reserve) in use: new clients will soon be refused. Check for connection leaks or add a pooler.',
  },
  maxConnectionsReached: {
    alert: 'PostgreSQLMaxConnectionsReached',
    source: 'postgres mixin PostgreSQLMaxConnectionsReached (>= max_connections - superuser_reserved_connections, for 1m); critical as awesome-prometheus-alerts',
    for: '1m',
    severity: SEVERITY.critical,
    expr: (c) =>
      `sum ${c.by()} (${c.sel(M.activityCount)}) >= sum ${c.by()} (${c.sel(M.maxConnections)}) - sum ${c.by()} (${c.sel(M.superuserReservedConnections)})`,
    summary: 'PostgreSQL {{ $labels.instance }} refuses new connections',
    description: '{{ $labels.instance }} has {{ $value }} connections, every connection ordinary roles may open: new clients are refused.',
  },
  longRunningTransactions: {
    alert: 'PostgreSQLLongRunningTransactions',
    source: 'awesome-prometheus-alerts "Postgresql long-running transaction" (max_tx_duration > 2m, for 2m); the mixin\'s PostgreSQLSlowQueries intent',
    threshold: { kind: 'duration', default: '2m' },
    for: '2m',
    severity: SEVERITY.warning,
    expr: (c) => `max ${c.by('datname')} (${c.sel(M.activityMaxTxDuration, DB)}) > ${num(c.threshold)}`,
    summary: 'A transaction on {{ $labels.instance }}/{{ $labels.datname }} has run for {{ $value | humanizeDuration }}',
    description: 'The oldest open transaction on database {{ $labels.datname }} of {{ $labels.instance }} has run for {{ $value | humanizeDuration }}: it holds locks, blocks vacuum (bloat) and delays replicas.',
  },
  deadlocks: {
    alert: 'PostgreSQLDeadlocks',
    source: 'postgres mixin PostgresHasHighDeadLocks (rate over 5m × 60 > 5, for 5m)',
    threshold: { kind: 'number', default: 5 },
    for: '5m',
    severity: SEVERITY.warning,
    expr: (c) => `max ${c.by('datname')} (rate(${c.sel(M.deadlocks, DB)}[5m]) * 60) > ${num(c.threshold)}`,
    summary: 'Deadlocks on {{ $labels.instance }}/{{ $labels.datname }}',
    description: 'Database {{ $labels.datname }} of {{ $labels.instance }} resolves {{ $value | humanize }} deadlocks per minute: transactions are being aborted. Look for conflicting lock orders in the server log.',
  },
  replicationLag: {
    alert: 'PostgreSQLReplicationLag',
    source: 'postgres mixin PostgresReplicationLaggingMore1Hour (lag > 3600 s on a replica, for 5m), on pg_replication_lag_seconds',
    threshold: { kind: 'duration', default: '1h' },
    for: '5m',
    severity: SEVERITY.warning,
    expr: (c) => `(max ${c.by()} (${c.sel(M.replicationLag)}) > ${num(c.threshold)}) and ${c.on()} (max ${c.by()} (${c.sel(M.isReplica)}) == 1)`,
    summary: 'PostgreSQL replica {{ $labels.instance }} is {{ $value | humanizeDuration }} behind',
    description: 'Replica {{ $labels.instance }} last replayed a transaction {{ $value | humanizeDuration }} ago: reads from it are stale. Check the network to the primary and the replica\'s load.',
  },
  inactiveReplicationSlot: {
    alert: 'PostgreSQLInactiveReplicationSlot',
    source: 'postgres mixin PostgresHasReplicationSlotUsed (slot inactive, for 30m) and awesome-prometheus-alerts "Postgresql unused replication slot", on pg_replication_slot_slot_is_active',
    for: '30m',
    severity: SEVERITY.warning,
    expr: (c) => `${c.sel(M.replicationSlotActive)} == 0`,
    summary: 'Replication slot {{ $labels.slot_name }} on {{ $labels.instance }} is inactive',
    description: 'No consumer reads replication slot {{ $labels.slot_name }} ({{ $labels.slot_type }}) on {{ $labels.instance }}: the server keeps its WAL until the disk fills. Reconnect the consumer or drop the slot.',
  },
  cacheHitRatio: {
    alert: 'PostgreSQLLowCacheHitRatio',
    source: 'postgres mixin PostgreSQLCacheHitRatio (< 0.98, for 5m), only while the database reads blocks (awesome-prometheus-alerts)',
    threshold: { kind: 'ratio', default: 0.98 },
    for: '5m',
    severity: SEVERITY.warning,
    expr: (c) => {
      const hit = `sum ${c.by('datname')} (rate(${c.sel(M.blksHit, DB)}[5m]))`;
      const read = `sum ${c.by('datname')} (rate(${c.sel(M.blksRead, DB)}[5m]))`;
      return `${hit} / (${hit} + ${read} > 0) < ${num(c.threshold)}`;
    },
    summary: 'PostgreSQL {{ $labels.instance }}/{{ $labels.datname }} cache hit ratio is {{ $value | humanizePercentage }}',
    description: 'Only {{ $value | humanizePercentage }} of the blocks database {{ $labels.datname }} reads come from shared buffers: queries wait on disk. Consider raising shared_buffers or the memory limit.',
  },
  highRollbackRatio: {
    alert: 'PostgreSQLHighRollbackRatio',
    source: 'postgres mixin PostgresHasTooManyRollbacks (> 0.10, for 5m)',
    threshold: { kind: 'ratio', default: 0.1 },
    for: '5m',
    severity: SEVERITY.warning,
    expr: (c) => {
      const rollback = `sum ${c.by('datname')} (rate(${c.sel(M.xactRollback, DB)}[5m]))`;
      const commit = `sum ${c.by('datname')} (rate(${c.sel(M.xactCommit, DB)}[5m]))`;
      return `${rollback} / (${rollback} + ${commit} > 0) > ${num(c.threshold)}`;
    },
    summary: 'PostgreSQL {{ $labels.instance }}/{{ $labels.datname }} rolls back {{ $value | humanizePercentage }} of its transactions',
    description: '{{ $value | humanizePercentage }} of the transactions on database {{ $labels.datname }} end in a rollback: an application is failing its writes.',
  },
  tooManyLocks: {
    alert: 'PostgreSQLTooManyLocks',
    source: 'postgres mixin PostgresAcquiredTooManyLocks (locks / (max_locks_per_transaction × max_connections) > 0.20, for 5m)',
    threshold: { kind: 'ratio', default: 0.2 },
    for: '5m',
    severity: SEVERITY.warning,
    expr: (c) =>
      `sum ${c.by()} (${c.sel(M.locksCount, DB)}) / (max ${c.by()} (${c.sel(M.maxLocksPerTransaction)}) * max ${c.by()} (${c.sel(M.maxConnections)})) > ${num(c.threshold)}`,
    summary: 'PostgreSQL {{ $labels.instance }} holds {{ $value | humanizePercentage }} of its lock table',
    description: 'Locks held on {{ $labels.instance }} fill {{ $value | humanizePercentage }} of the shared lock table (max_locks_per_transaction × max_connections); when it is full, transactions fail with "out of shared memory".',
  },
} as const satisfies Record<keyof PostgresAlertsProps, AlertDefinition>;
