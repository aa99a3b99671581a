import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { byInstance, databaseDashboard, rateOf } from './dashboard';
import { POSTGRES_METRICS as M } from './metrics';
import { sdk } from '../../dashboards/sdk';

/** The PostgreSQL dashboard's stable uid. */
export const POSTGRES_DASHBOARD_UID = 'database-postgres';

const DB = 'datname!~"template.*"';

/**
 * PostgreSQL: up, connection use against the usable maximum, connections by state, transactions, the oldest open
 * transaction, deadlocks, cache hit ratio, replication lag, database size and locks — the signals of the alerts, on
 * postgres_exporter v0.19.1's series (metrics.ts).
 */
export function postgresDashboard(): dashboard.Dashboard {
  const usable = `(sum by (instance) (${byInstance(M.maxConnections)}) - sum by (instance) (${byInstance(M.superuserReservedConnections)}))`;
  return databaseDashboard({
    uid: POSTGRES_DASHBOARD_UID,
    title: 'PostgreSQL',
    description: 'PostgreSQL servers watched by postgres_exporter: availability, connections, transactions, locks, replication.',
    tags: ['observability-stack', 'databases', 'postgres'],
    status: { metric: M.up, title: 'PostgreSQL up', description: `1 while the exporter reaches the server (${M.up}), 0 when it cannot.`, max: 1 },
    panels: [
      {
        title: 'Connections in use',
        description: 'Client connections over max_connections minus superuser_reserved_connections (what ordinary roles may open).',
        unit: sdk.units.PercentUnit,
        min: 0,
        max: 1,
        thresholds: [{ value: 0.8, color: 'orange' }, { value: 1, color: 'red' }],
        queries: [{ expr: `sum by (instance) (${byInstance(M.activityCount)}) / ${usable}`, legend: '{{instance}}' }],
      },
      {
        title: 'Connections by state',
        description: 'Client connections per state (active, idle, idle in transaction, ...).',
        unit: sdk.units.Short,
        min: 0,
        stacked: true,
        queries: [{ expr: `sum by (instance, state) (${byInstance(M.activityCount)}) > 0`, legend: '{{instance}} {{state}}' }],
      },
      {
        title: 'Transactions',
        description: 'Commits and rollbacks per second.',
        unit: sdk.units.OpsPerSecond,
        min: 0,
        queries: [
          { expr: `sum by (instance) (${rateOf(byInstance(M.xactCommit, DB))})`, legend: '{{instance}} commits' },
          { expr: `sum by (instance) (${rateOf(byInstance(M.xactRollback, DB))})`, legend: '{{instance}} rollbacks' },
        ],
      },
      {
        title: 'Oldest open transaction',
        description: 'Age of the longest-running transaction per database (pg_stat_activity).',
        unit: sdk.units.Seconds,
        min: 0,
        thresholds: [{ value: 120, color: 'orange' }],
        queries: [{ expr: `max by (instance, datname) (${byInstance(M.activityMaxTxDuration, DB)})`, legend: '{{instance}}/{{datname}}' }],
      },
      {
        title: 'Deadlocks',
        description: 'Deadlocks per minute per database.',
        unit: sdk.units.Short,
        min: 0,
        queries: [{ expr: `sum by (instance, datname) (${rateOf(byInstance(M.deadlocks, DB))}) * 60`, legend: '{{instance}}/{{datname}}' }],
      },
      {
        title: 'Cache hit ratio',
        description: 'Share of block reads served from shared buffers.',
        unit: sdk.units.PercentUnit,
        max: 1,
        thresholds: [{ value: 0.98, color: 'green' }],
        queries: [
          {
            expr: `sum by (instance, datname) (${rateOf(byInstance(M.blksHit, DB))}) / (sum by (instance, datname) (${rateOf(byInstance(M.blksHit, DB))}) + sum by (instance, datname) (${rateOf(byInstance(M.blksRead, DB))}) > 0)`,
            legend: '{{instance}}/{{datname}}',
          },
        ],
      },
      {
        title: 'Replication lag',
        description: 'Seconds since a replica replayed its last transaction (0 on a primary).',
        unit: sdk.units.Seconds,
        min: 0,
        queries: [{ expr: `max by (instance) (${byInstance(M.replicationLag)}) and on (instance) (max by (instance) (${byInstance(M.isReplica)}) == 1)`, legend: '{{instance}}' }],
      },
      {
        title: 'Database size',
        description: 'Size of each database on disk.',
        unit: sdk.units.BytesIEC,
        min: 0,
        queries: [{ expr: `sum by (instance, datname) (${byInstance(M.databaseSize, DB)})`, legend: '{{instance}}/{{datname}}' }],
      },
      {
        title: 'Locks by mode',
        description: 'Locks held, per lock mode.',
        unit: sdk.units.Short,
        min: 0,
        stacked: true,
        width: 24,
        queries: [{ expr: `sum by (instance, mode) (${byInstance(M.locksCount)}) > 0`, legend: '{{instance}} {{mode}}' }],
      },
    ],
  });
}
