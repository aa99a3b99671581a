/**
 * The metric names the database and broker add-ons read, per exporter, at the releases of src/versions.ts. Every name
 * here was checked in the exporter's source at that tag, and every name marked "live" is also read from the running
 * exporter by test/components/databases/live.tools.test.ts (the exporter built from its Go module at the pinned
 * release, pointed at a real server on 127.0.0.1). Names that only appear on replicas or with a non-default collector
 * say so. Rules and dashboards import them from here and never write them inline (as src/conventions.ts does for the
 * stack's own names; these live beside the add-ons that own them).
 */

/**
 * postgres_exporter v0.19.1 (github.com/prometheus-community/postgres_exporter).
 * - `pg_up`: exporter/postgres_exporter.go (`<namespace>_up`, 1 when the last scrape reached the server). live
 * - `pg_exporter_last_scrape_error`: exporter/postgres_exporter.go (`exporter` subsystem). live
 * - `pg_stat_activity_count`, `pg_stat_activity_max_tx_duration`: exporter/queries.go (the `pg_stat_activity` query,
 *   labels datname, state, usename, application_name, backend_type, wait_event(_type), server). live
 * - `pg_settings_max_connections`, `pg_settings_superuser_reserved_connections`, `pg_settings_max_locks_per_transaction`:
 *   exporter/pg_setting.go (every `pg_settings` row as `pg_settings_<name>`). live
 * - `pg_stat_database_*` (numbackends, xact_commit, xact_rollback, blks_hit, blks_read, deadlocks, temp_bytes):
 *   collector/pg_stat_database.go, labels datid, datname. live
 * - `pg_database_size_bytes`: collector/pg_database.go, label datname. live
 * - `pg_locks_count`: collector/pg_locks.go, labels datname, mode. live
 * - `pg_replication_lag_seconds`, `pg_replication_is_replica`: collector/pg_replication.go. live (lag is 0 on a
 *   primary). The postgres mixin of the same tag still reads the old `pg_replication_lag`, which no collector exports.
 * - `pg_replication_slot_slot_is_active`: collector/pg_replication_slot.go, labels slot_name, slot_type. live with a
 *   slot created by the test. The mixin's `pg_replication_slots_active` is likewise stale.
 */
export const POSTGRES_METRICS = {
  up: 'pg_up',
  lastScrapeError: 'pg_exporter_last_scrape_error',
  activityCount: 'pg_stat_activity_count',
  activityMaxTxDuration: 'pg_stat_activity_max_tx_duration',
  maxConnections: 'pg_settings_max_connections',
  superuserReservedConnections: 'pg_settings_superuser_reserved_connections',
  maxLocksPerTransaction: 'pg_settings_max_locks_per_transaction',
  numBackends: 'pg_stat_database_numbackends',
  xactCommit: 'pg_stat_database_xact_commit',
  xactRollback: 'pg_stat_database_xact_rollback',
  blksHit: 'pg_stat_database_blks_hit',
  blksRead: 'pg_stat_database_blks_read',
  deadlocks: 'pg_stat_database_deadlocks',
  tempBytes: 'pg_stat_database_temp_bytes',
  databaseSize: 'pg_database_size_bytes',
  locksCount: 'pg_locks_count',
  replicationLag: 'pg_replication_lag_seconds',
  isReplica: 'pg_replication_is_replica',
  replicationSlotActive: 'pg_replication_slot_slot_is_active',
} as const;

/**
 * mysqld_exporter v0.19.0 (github.com/prometheus/mysqld_exporter).
 * - `mysql_up`: collector/exporter.go (1 when the exporter could connect and ping). live
 * - `mysql_global_status_<name>`: collector/global_status.go, every `SHOW GLOBAL STATUS` variable lowercased;
 *   `Com_*` become `mysql_global_status_commands_total{command}`, `Connection_errors_*` become
 *   `mysql_global_status_connection_errors_total{error}`. live: threads_connected, threads_running, slow_queries,
 *   questions, aborted_connects, innodb_deadlocks (MariaDB; Oracle MySQL has no Innodb_deadlocks status variable),
 *   innodb_row_lock_waits, innodb_log_waits, uptime, commands_total, connection_errors_total.
 * - `mysql_global_variables_<name>`: collector/global_variables.go. live: max_connections, long_query_time.
 * - `mysql_slave_status_<column>`: collector/slave_status.go, every numeric column of `SHOW SLAVE STATUS` (MariaDB,
 *   MySQL < 8.4) or `SHOW REPLICA STATUS` (MySQL 8.4) lowercased, labels master_host, master_uuid, channel_name,
 *   connection_name; "Yes"/"No"/"Connecting" parse to 1/0/0 (collector/collector.go parseStatus). Present only on a
 *   replica: seconds_behind_master / seconds_behind_source, slave_io_running / replica_io_running,
 *   slave_sql_running / replica_sql_running, sql_delay. live against a MariaDB replica started by the test.
 * - `mysql_info_schema_query_response_time_seconds` (histogram, buckets of `query_response_time_range_base`, 10 by
 *   default: 1e-06 ... 1e+06 s): collector/info_schema_query_response_time.go, enabled by default, non-empty only where
 *   the QUERY_RESPONSE_TIME plugin is installed and `query_response_time_stats` is ON (MariaDB, Percona Server).
 *   live with the plugin installed by the test.
 */
export const MYSQL_METRICS = {
  up: 'mysql_up',
  threadsConnected: 'mysql_global_status_threads_connected',
  threadsRunning: 'mysql_global_status_threads_running',
  maxConnections: 'mysql_global_variables_max_connections',
  slowQueries: 'mysql_global_status_slow_queries',
  questions: 'mysql_global_status_questions',
  commands: 'mysql_global_status_commands_total',
  connectionErrors: 'mysql_global_status_connection_errors_total',
  abortedConnects: 'mysql_global_status_aborted_connects',
  innodbDeadlocks: 'mysql_global_status_innodb_deadlocks',
  innodbRowLockWaits: 'mysql_global_status_innodb_row_lock_waits',
  innodbLogWaits: 'mysql_global_status_innodb_log_waits',
  uptime: 'mysql_global_status_uptime',
  secondsBehindMaster: 'mysql_slave_status_seconds_behind_master',
  secondsBehindSource: 'mysql_slave_status_seconds_behind_source',
  sqlDelay: 'mysql_slave_status_sql_delay',
  slaveIoRunning: 'mysql_slave_status_slave_io_running',
  replicaIoRunning: 'mysql_slave_status_replica_io_running',
  slaveSqlRunning: 'mysql_slave_status_slave_sql_running',
  replicaSqlRunning: 'mysql_slave_status_replica_sql_running',
  queryResponseTime: 'mysql_info_schema_query_response_time_seconds',
} as const;

/** Bucket bounds of `mysql_info_schema_query_response_time_seconds` at the default range base 10, as the exporter writes `le`. */
export const MYSQL_QUERY_RESPONSE_TIME_BUCKETS: readonly number[] = [1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000, 10000, 100000, 1e6];

/**
 * redis_exporter v1.88.0 (github.com/oliver006/redis_exporter), namespace `redis`.
 * - `redis_up`: exporter/exporter.go (1 when the last scrape reached Redis). live
 * - INFO fields mapped in exporter/exporter.go (`metricMapGauges`, `metricMapCounters`): connected_clients,
 *   blocked_clients, used_memory → memory_used_bytes, maxmemory → memory_max_bytes, evicted_keys →
 *   evicted_keys_total, expired_keys → expired_keys_total, rejected_connections → rejected_connections_total,
 *   keyspace_hits/misses → keyspace_hits_total/keyspace_misses_total, connected_slaves, total_commands_processed →
 *   commands_processed_total, mem_fragmentation_ratio. live
 * - `redis_max_clients` (INFO `maxclients`, exporter/exporter.go): live.
 * - `redis_db_keys{db}`: exporter/info.go (from the INFO keyspace section). live
 * - `redis_master_link_up{master_host,master_port}`: exporter/info.go, only on a replica. live against a replica.
 * - `redis_commands_latencies_usec` (histogram, per `cmd`): exporter/latency.go, from `LATENCY HISTOGRAM` (Redis 7+).
 *   Redis reports only non-empty buckets, at bounds such as 1, 2, 4, ... 132, 264, 528, 2113 µs, so a given bucket
 *   may be missing: no latency SLI is built on it (see README).
 */
export const REDIS_METRICS = {
  up: 'redis_up',
  connectedClients: 'redis_connected_clients',
  maxClients: 'redis_max_clients',
  blockedClients: 'redis_blocked_clients',
  memoryUsed: 'redis_memory_used_bytes',
  memoryMax: 'redis_memory_max_bytes',
  evictedKeys: 'redis_evicted_keys_total',
  expiredKeys: 'redis_expired_keys_total',
  rejectedConnections: 'redis_rejected_connections_total',
  keyspaceHits: 'redis_keyspace_hits_total',
  keyspaceMisses: 'redis_keyspace_misses_total',
  commandsProcessed: 'redis_commands_processed_total',
  connectedSlaves: 'redis_connected_slaves',
  masterLinkUp: 'redis_master_link_up',
  dbKeys: 'redis_db_keys',
  memFragmentationRatio: 'redis_mem_fragmentation_ratio',
} as const;

/**
 * kafka_exporter v1.9.0 (github.com/danielqsj/kafka_exporter, kafka_exporter.go `setup()`), namespace `kafka`.
 * Source only: the Go module proxy does not serve this module (see TOOLS_NOT_BUILT), and no Kafka broker is available
 * here, so these names are checked against the source at the tag, not against a running exporter.
 * - `kafka_brokers` (l.853): brokers in the client's metadata.
 * - `kafka_topic_partitions{topic}` (l.863), `kafka_topic_partition_in_sync_replica{topic,partition}` (l.891),
 *   `kafka_topic_partition_replicas` (l.885), `kafka_topic_partition_under_replicated_partition` (l.903, 1 when
 *   in-sync < replicas), `kafka_topic_partition_leader` (l.879), `kafka_topic_partition_current_offset` (l.868).
 * - `kafka_consumergroup_lag{consumergroup,topic,partition}` (l.921), `kafka_consumergroup_lag_sum{consumergroup,topic}`
 *   (l.933), `kafka_consumergroup_members{consumergroup}` (l.939).
 */
export const KAFKA_METRICS = {
  brokers: 'kafka_brokers',
  topicPartitions: 'kafka_topic_partitions',
  inSyncReplicas: 'kafka_topic_partition_in_sync_replica',
  replicas: 'kafka_topic_partition_replicas',
  underReplicated: 'kafka_topic_partition_under_replicated_partition',
  partitionLeader: 'kafka_topic_partition_leader',
  currentOffset: 'kafka_topic_partition_current_offset',
  consumerGroupLag: 'kafka_consumergroup_lag',
  consumerGroupLagSum: 'kafka_consumergroup_lag_sum',
  consumerGroupMembers: 'kafka_consumergroup_members',
} as const;

/** Prometheus' own per-target series (the exporter's scrape). */
export const SCRAPE_METRICS = { up: 'up' } as const;
