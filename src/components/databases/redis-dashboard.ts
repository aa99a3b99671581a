import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { byInstance, databaseDashboard, rateOf } from './dashboard';
import { REDIS_METRICS as M } from './metrics';
import { sdk } from '../../dashboards/sdk';

/** The Redis dashboard's stable uid. */
export const REDIS_DASHBOARD_UID = 'database-redis';

/**
 * Redis: up, memory against maxmemory, evictions and expirations, clients against maxclients, refused connections,
 * commands, keyspace hit ratio, keys and replicas, on redis_exporter v1.88.0's series (metrics.ts).
 */
export function redisDashboard(): dashboard.Dashboard {
  return databaseDashboard({
    uid: REDIS_DASHBOARD_UID,
    title: 'Redis',
    description: 'Redis servers watched by redis_exporter: availability, memory and evictions, clients, commands, hit ratio, replication.',
    tags: ['observability-stack', 'databases', 'redis'],
    status: { metric: M.up, title: 'Redis up', description: `1 while the exporter reaches the server (${M.up}), 0 when it cannot.`, max: 1 },
    panels: [
      {
        title: 'Memory used',
        description: 'used_memory against maxmemory (no maxmemory line when unlimited).',
        unit: sdk.units.BytesIEC,
        min: 0,
        queries: [
          { expr: `max by (instance) (${byInstance(M.memoryUsed)})`, legend: '{{instance}} used' },
          { expr: `max by (instance) (${byInstance(M.memoryMax)}) > 0`, legend: '{{instance}} maxmemory' },
        ],
      },
      {
        title: 'Evicted and expired keys',
        description: 'Keys evicted at maxmemory and keys expired by TTL, per second.',
        unit: sdk.units.OpsPerSecond,
        min: 0,
        queries: [
          { expr: `sum by (instance) (${rateOf(byInstance(M.evictedKeys))})`, legend: '{{instance}} evicted' },
          { expr: `sum by (instance) (${rateOf(byInstance(M.expiredKeys))})`, legend: '{{instance}} expired' },
        ],
      },
      {
        title: 'Clients',
        description: 'Connected clients over maxclients, and clients blocked on a blocking command.',
        unit: sdk.units.Short,
        min: 0,
        queries: [
          { expr: `max by (instance) (${byInstance(M.connectedClients)})`, legend: '{{instance}} connected' },
          { expr: `max by (instance) (${byInstance(M.blockedClients)})`, legend: '{{instance}} blocked' },
        ],
      },
      {
        title: 'Rejected connections',
        description: 'Connections refused because maxclients was reached, per second.',
        unit: sdk.units.OpsPerSecond,
        min: 0,
        queries: [{ expr: `sum by (instance) (${rateOf(byInstance(M.rejectedConnections))})`, legend: '{{instance}}' }],
      },
      {
        title: 'Commands',
        description: 'Commands processed per second.',
        unit: sdk.units.OpsPerSecond,
        min: 0,
        queries: [{ expr: `sum by (instance) (${rateOf(byInstance(M.commandsProcessed))})`, legend: '{{instance}}' }],
      },
      {
        title: 'Keyspace hit ratio',
        description: 'Share of key lookups that found the key.',
        unit: sdk.units.PercentUnit,
        min: 0,
        max: 1,
        queries: [
          {
            expr: `sum by (instance) (${rateOf(byInstance(M.keyspaceHits))}) / (sum by (instance) (${rateOf(byInstance(M.keyspaceHits))}) + sum by (instance) (${rateOf(byInstance(M.keyspaceMisses))}) > 0)`,
            legend: '{{instance}}',
          },
        ],
      },
      {
        title: 'Keys',
        description: 'Keys per logical database.',
        unit: sdk.units.Short,
        min: 0,
        queries: [{ expr: `sum by (instance, db) (${byInstance(M.dbKeys)})`, legend: '{{instance}} {{db}}' }],
      },
      {
        title: 'Replication',
        description: 'Replicas connected to a master, and the master link of a replica (1 up, 0 down).',
        unit: sdk.units.Short,
        min: 0,
        queries: [
          { expr: `max by (instance) (${byInstance(M.connectedSlaves)})`, legend: '{{instance}} replicas' },
          { expr: `max by (instance) (${byInstance(M.masterLinkUp)})`, legend: '{{instance}} master link' },
        ],
      },
    ],
  });
}
