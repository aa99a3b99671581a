import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { byInstance, databaseDashboard, rateOf } from './dashboard';
import { MYSQL_METRICS as M } from './metrics';
import { sdk } from '../../dashboards/sdk';

/** The MySQL dashboard's stable uid. */
export const MYSQL_DASHBOARD_UID = 'database-mysql';

/**
 * MySQL / MariaDB: up, connection use, threads, queries, commands, slow queries, refused and aborted connections,
 * InnoDB lock waits and deadlocks, replication lag and the query response time distribution (where the
 * QUERY_RESPONSE_TIME plugin runs), on mysqld_exporter v0.19.0's series (metrics.ts).
 */
export function mysqlDashboard(): dashboard.Dashboard {
  return databaseDashboard({
    uid: MYSQL_DASHBOARD_UID,
    title: 'MySQL',
    description: 'MySQL and MariaDB servers watched by mysqld_exporter: availability, connections, queries, InnoDB, replication.',
    tags: ['observability-stack', 'databases', 'mysql'],
    status: { metric: M.up, title: 'MySQL up', description: `1 while the exporter reaches the server (${M.up}), 0 when it cannot.`, max: 1 },
    panels: [
      {
        title: 'Connections in use',
        description: 'Connected threads over max_connections.',
        unit: sdk.units.PercentUnit,
        min: 0,
        max: 1,
        thresholds: [{ value: 0.8, color: 'orange' }, { value: 1, color: 'red' }],
        queries: [{ expr: `max by (instance) (${byInstance(M.threadsConnected)}) / max by (instance) (${byInstance(M.maxConnections)})`, legend: '{{instance}}' }],
      },
      {
        title: 'Threads',
        description: 'Connected and running threads.',
        unit: sdk.units.Short,
        min: 0,
        queries: [
          { expr: `max by (instance) (${byInstance(M.threadsConnected)})`, legend: '{{instance}} connected' },
          { expr: `max by (instance) (${byInstance(M.threadsRunning)})`, legend: '{{instance}} running' },
        ],
      },
      {
        title: 'Queries',
        description: 'Statements per second sent by clients (Questions).',
        unit: sdk.units.OpsPerSecond,
        min: 0,
        queries: [{ expr: `sum by (instance) (${rateOf(byInstance(M.questions))})`, legend: '{{instance}}' }],
      },
      {
        title: 'Top commands',
        description: 'The ten most frequent statement types (Com_*).',
        unit: sdk.units.OpsPerSecond,
        min: 0,
        stacked: true,
        queries: [{ expr: `topk(10, sum by (instance, command) (${rateOf(byInstance(M.commands))}) > 0)`, legend: '{{instance}} {{command}}' }],
      },
      {
        title: 'Slow queries',
        description: 'Queries slower than long_query_time, per minute.',
        unit: sdk.units.Short,
        min: 0,
        queries: [{ expr: `sum by (instance) (${rateOf(byInstance(M.slowQueries))}) * 60`, legend: '{{instance}}' }],
      },
      {
        title: 'Refused and aborted connections',
        description: 'Connections refused at max_connections and failed connection attempts, per second.',
        unit: sdk.units.OpsPerSecond,
        min: 0,
        queries: [
          { expr: `sum by (instance) (${rateOf(byInstance(M.connectionErrors, 'error="max_connections"'))})`, legend: '{{instance}} refused (max_connections)' },
          { expr: `sum by (instance) (${rateOf(byInstance(M.abortedConnects))})`, legend: '{{instance}} aborted connects' },
        ],
      },
      {
        title: 'InnoDB lock waits and deadlocks',
        description: 'Row lock waits and deadlocks (MariaDB) per minute.',
        unit: sdk.units.Short,
        min: 0,
        queries: [
          { expr: `sum by (instance) (${rateOf(byInstance(M.innodbRowLockWaits))}) * 60`, legend: '{{instance}} row lock waits' },
          { expr: `sum by (instance) (${rateOf(byInstance(M.innodbDeadlocks))}) * 60`, legend: '{{instance}} deadlocks' },
        ],
      },
      {
        title: 'Replication lag',
        description: 'Seconds behind the source, minus the configured SQL_Delay (replicas only).',
        unit: sdk.units.Seconds,
        min: 0,
        queries: [
          {
            expr: `max by (instance, channel_name, connection_name) ((${byInstance(M.secondsBehindMaster)} or ${byInstance(M.secondsBehindSource)}) - ${byInstance(M.sqlDelay)})`,
            legend: '{{instance}} {{channel_name}}{{connection_name}}',
          },
        ],
      },
      {
        title: 'Query response time',
        description: 'p50 and p99 of every statement (QUERY_RESPONSE_TIME plugin: MariaDB, Percona Server; empty elsewhere).',
        unit: sdk.units.Seconds,
        min: 0,
        width: 24,
        queries: [
          { expr: `histogram_quantile(0.5, sum by (instance, le) (${rateOf(byInstance(`${M.queryResponseTime}_bucket`))}))`, legend: '{{instance}} p50' },
          { expr: `histogram_quantile(0.99, sum by (instance, le) (${rateOf(byInstance(`${M.queryResponseTime}_bucket`))}))`, legend: '{{instance}} p99' },
        ],
      },
    ],
  });
}
