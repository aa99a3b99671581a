/**
 * The keys of Loki's configuration reference at the deployed release, the one transcription both Loki configs (the
 * single binary's and the distributed targets') are checked against. Loki refuses to start on an unknown key, and it
 * is not run by the tests (AGPL, TOOLS_NOT_BUILT in src/versions.ts; its module does not even download: sum.golang.org
 * answers 404 for github.com/grafana/loki/v3@v3.5.5), so this is the best check that remains. Source:
 * docs/sources/shared/configuration.md at tag v3.5.5 (https://grafana.com/docs/loki/v3.5.x/configure/, read
 * 2026-12-02 from github:grafana/loki), block by block as below, and the yaml tags of the Go structs named. Dotted
 * paths, `[]` = a list item. Only keys the stack writes are listed.
 */
export const LOKI_DOCUMENTED_KEYS: ReadonlySet<string> = new Set([
  'auth_enabled',
  // ### server
  'server.http_listen_port',
  'server.grpc_listen_port',
  'server.log_level',
  // ### common: path_prefix, storage.filesystem, replication_factor, ring.kvstore.store, instance_addr, compactor_address
  'common.path_prefix',
  'common.storage.filesystem.chunks_directory',
  'common.storage.filesystem.rules_directory',
  'common.replication_factor',
  'common.ring.kvstore.store',
  'common.instance_addr',
  'common.compactor_address',
  // ### memberlist (dskit kv/memberlist): join_members, bind_port, cluster_label
  'memberlist.join_members[]',
  'memberlist.bind_port',
  'memberlist.cluster_label',
  // ### ingester → wal (pkg/ingester/wal.go: enabled, dir, flush_on_shutdown; CLI -ingester.flush-on-shutdown)
  'ingester.wal.enabled',
  'ingester.wal.dir',
  'ingester.wal.flush_on_shutdown',
  // ### frontend
  'frontend.log_queries_longer_than',
  'frontend.compress_responses',
  // ### frontend_worker
  'frontend_worker.frontend_address',
  // ### query_range → cache_config
  'query_range.results_cache.cache.embedded_cache.enabled',
  'query_range.results_cache.cache.embedded_cache.max_size_mb',
  // ### schema_config / period_config
  'schema_config.configs[].from',
  'schema_config.configs[].store',
  'schema_config.configs[].object_store',
  'schema_config.configs[].schema',
  'schema_config.configs[].index.prefix',
  'schema_config.configs[].index.period',
  // ### storage_config: tsdb_shipper; aws (aws_storage_config inlines s3_storage_config: bucketnames, region,
  // endpoint, s3forcepathstyle; pkg/storage/chunk/client/aws/s3_storage_client.go yaml tags); gcs (gcs_storage_config:
  // bucket_name, pkg/storage/chunk/client/gcp/gcs_object_client.go)
  'storage_config.tsdb_shipper.active_index_directory',
  'storage_config.tsdb_shipper.cache_location',
  'storage_config.aws.bucketnames',
  'storage_config.aws.region',
  'storage_config.aws.endpoint',
  'storage_config.aws.s3forcepathstyle',
  'storage_config.gcs.bucket_name',
  // ### compactor
  'compactor.working_directory',
  'compactor.retention_enabled',
  'compactor.delete_request_store',
  // ### limits_config (pkg/validation/limits.go: `deletion_mode`, flag -compactor.deletion-mode, default filter-and-delete)
  'limits_config.retention_period',
  'limits_config.allow_structured_metadata',
  'limits_config.ingestion_rate_mb',
  'limits_config.ingestion_burst_size_mb',
  'limits_config.per_stream_rate_limit',
  'limits_config.per_stream_rate_limit_burst',
  'limits_config.max_global_streams_per_user',
  'limits_config.max_query_series',
  'limits_config.deletion_mode',
  // ### analytics
  'analytics.reporting_enabled',
]);
