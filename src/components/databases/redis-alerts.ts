import { SEVERITY } from '../../conventions';
import { AlertDefinition, AlertTuning, exporterDownAlert, num, NumberAlertTuning } from './alerts';
import { REDIS_METRICS as M } from './metrics';

/**
 * Redis alerts, as redis_exporter v1.88.0's own mixin writes them (contrib/redis-mixin/alerts/redis.libsonnet:
 * RedisDown, RedisOutOfMemory, RedisTooManyConnections) and awesome-prometheus-alerts (_data/rules.yml, "Redis" /
 * oliver006/redis_exporter) for the rest, with these changes:
 * - memory is measured against `maxmemory` (awesome-prometheus-alerts "Redis out of configured maxmemory"): the
 *   mixin's `redis_total_system_memory_bytes` needs `--include-system-metrics` and is the node's memory, not the
 *   container's;
 * - connections are a share of `maxclients` (awesome-prometheus-alerts), not the mixin's fixed 100, from INFO's
 *   `maxclients` (`redis_max_clients`), which managed Redis services keep when they rename CONFIG;
 * - evictions (no community rule): keys evicted because maxmemory was reached. On a pure cache with an LRU/LFU policy
 *   that is by design: turn it off there (`keysEvicted: false`);
 * - counters and deltas are read over 5m, never 1m: Prometheus 3 ranges are left-open, so `[1m]` holds one sample of
 *   a job scraped every minute and `increase`/`delta` over it are empty (promtool shows it); thresholds stay per minute.
 */

/** Tuning of each Redis alert; `false` turns one off. */
export interface RedisAlertsProps {
  /** RedisDown: `redis_up` is 0. @default for 5m (the mixin's), critical */
  readonly down?: AlertTuning | false;
  /** RedisExporterDown: Prometheus cannot scrape the exporter. @default for 5m, warning */
  readonly exporterDown?: AlertTuning | false;
  /** RedisOutOfMemory: used memory over this share of maxmemory (only where maxmemory is set). @default 0.9, for 2m, warning */
  readonly outOfMemory?: NumberAlertTuning | false;
  /** RedisKeysEvicted: keys evicted in 5 minutes above this. @default 0, for 5m, warning */
  readonly keysEvicted?: NumberAlertTuning | false;
  /** RedisTooManyConnections: clients over this share of maxclients. @default 0.9, for 2m, warning */
  readonly tooManyConnections?: NumberAlertTuning | false;
  /** RedisRejectedConnections: connections refused at maxclients per minute, over 5m, above this. @default 5, warning */
  readonly rejectedConnections?: NumberAlertTuning | false;
  /** RedisMasterLinkDown: a replica lost its link to the master. @default for 2m, critical */
  readonly masterLinkDown?: AlertTuning | false;
  /** RedisReplicationBroken: the master lost a replica in the last 5 minutes. @default critical */
  readonly replicationBroken?: AlertTuning | false;
}

export const REDIS_ALERTS = {
  down: {
    alert: 'RedisDown',
    source: 'redis_exporter mixin RedisDown (redis_up == 0, for 5m, critical), as written',
    for: '5m',
    severity: SEVERITY.critical,
    expr: (c) => `${c.sel(M.up)} == 0`,
    summary: 'Redis {{ $labels.instance }} is down',
    description: 'redis_exporter cannot reach {{ $labels.instance }} ({{ $labels.service }}): the server is down, unreachable or refuses the exporter\'s password.',
  },
  exporterDown: exporterDownAlert('Redis', 'redis_exporter'),
  outOfMemory: {
    alert: 'RedisOutOfMemory',
    source: 'awesome-prometheus-alerts "Redis out of configured maxmemory" (> 90%, for 2m); the mixin\'s RedisOutOfMemory name',
    threshold: { kind: 'ratio', default: 0.9 },
    for: '2m',
    severity: SEVERITY.warning,
    expr: (c) => `${c.sel(M.memoryUsed)} / (${c.sel(M.memoryMax)} > 0) > ${num(c.threshold)}`,
    summary: 'Redis {{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory',
    description: 'Redis {{ $labels.instance }} holds {{ $value | humanizePercentage }} of its maxmemory: at 100% it evicts keys or, with noeviction, refuses writes.',
  },
  keysEvicted: {
    alert: 'RedisKeysEvicted',
    source: 'no community rule; evicted_keys counts keys dropped because maxmemory was reached (Redis key eviction docs)',
    threshold: { kind: 'number', default: 0 },
    for: '5m',
    severity: SEVERITY.warning,
    expr: (c) => `increase(${c.sel(M.evictedKeys)}[5m]) > ${num(c.threshold)}`,
    summary: 'Redis {{ $labels.instance }} evicts keys',
    description: 'Redis {{ $labels.instance }} evicted {{ $value | humanize }} keys in 5 minutes because maxmemory is reached: data is being dropped.',
  },
  tooManyConnections: {
    alert: 'RedisTooManyConnections',
    source: 'awesome-prometheus-alerts "Redis too many connections" (> 90% of maxclients, for 2m); the mixin\'s name',
    threshold: { kind: 'ratio', default: 0.9 },
    for: '2m',
    severity: SEVERITY.warning,
    expr: (c) => `${c.sel(M.connectedClients)} / (${c.sel(M.maxClients)} > 0) > ${num(c.threshold)}`,
    summary: 'Redis {{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxclients',
    description: 'Redis {{ $labels.instance }} has {{ $value | humanizePercentage }} of maxclients connected: new clients will be refused.',
  },
  rejectedConnections: {
    alert: 'RedisRejectedConnections',
    source: 'awesome-prometheus-alerts "Redis rejected connections" (increase over 1m > 5), per minute over 5m (see the module doc)',
    threshold: { kind: 'number', default: 5 },
    for: '0s',
    severity: SEVERITY.warning,
    expr: (c) => `rate(${c.sel(M.rejectedConnections)}[5m]) * 60 > ${num(c.threshold)}`,
    summary: 'Redis {{ $labels.instance }} refuses connections',
    description: 'Redis {{ $labels.instance }} refuses {{ $value | humanize }} connections per minute (maxclients reached).',
  },
  masterLinkDown: {
    alert: 'RedisMasterLinkDown',
    source: 'awesome-prometheus-alerts "Redis master link down" (for 2m, critical)',
    for: '2m',
    severity: SEVERITY.critical,
    expr: (c) => `${c.sel(M.masterLinkUp)} == 0`,
    summary: 'Redis replica {{ $labels.instance }} lost its master',
    description: 'Replica {{ $labels.instance }} has no link to master {{ $labels.master_host }}:{{ $labels.master_port }}: it serves stale data.',
  },
  replicationBroken: {
    alert: 'RedisReplicationBroken',
    source: 'awesome-prometheus-alerts "Redis replication broken" (delta(connected_slaves[1m]) < 0, critical), over 5m',
    for: '0s',
    severity: SEVERITY.critical,
    expr: (c) => `delta(${c.sel(M.connectedSlaves)}[5m]) < 0`,
    summary: 'Redis master {{ $labels.instance }} lost a replica',
    description: 'Redis {{ $labels.instance }} has fewer connected replicas than 5 minutes ago.',
  },
} as const satisfies Record<keyof RedisAlertsProps, AlertDefinition>;
