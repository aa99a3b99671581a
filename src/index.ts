/**
 * The public API of `observability-stack`: re-exports only, and only what a consumer builds with — the constructs,
 * their props and interfaces, the value classes, the SLO spec types and the documented functions. Every other export
 * of a module under src/ (validators, renderers, model functions, defaults tables, dashboard factories, rule
 * generators) is internal: it may change in any release. aws-cdk keeps such helpers under `lib/private/`; here the
 * rule is this file, and `test/api/public-api.test.ts` pins the runtime names so a change to the surface is a
 * deliberate one (and a CHANGELOG line).
 *
 * Values and types are listed by name: the types are those of the props, of the public fields (`model`, `config`) and
 * of the SLO spec, so a consumer can name every type a public member has.
 */

// The stack and how to synthesize it.
export { ObservabilityStack } from './stack';
export type { ObservabilityStackProps, SelfMonitoringProps, StackPrometheusProps } from './stack';
export { HEARTBEAT_URL_KEY } from './stack';
export { synthOrExit } from './common/synth';
export type { SynthOutput } from './common/synth';

// Errors and value classes.
export { ConfigError, formatProblem } from './common/errors';
export type { ConfigProblem } from './common/errors';
export { PromDuration } from './common/duration';
export type { DurationInput, DurationOptions, DurationString } from './common/duration';
export { ByteSize } from './common/quantity';
export { VERSIONS } from './versions';
export type { ComponentName, ImageVersion } from './versions';

// Shared types of props: endpoints, rule files, pod settings, namespaces, log levels.
export type { IAlertmanager, IJaeger, ILoki, IOtlpReceiver, IPrometheus } from './common/endpoints';
export type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from './common/rules';
export type { Placement, SchedulableProps, SchedulingProps } from './common/workload';
export type { ClaimSpec, DeploymentSpec, HostAccess, MountSpec, NamedMountSpec, NamedVolumeSpec, PortSpec, ProbeSpec, ResourceSpec, Resources, SecureContainerSpec, StatefulSetSpec, WorkloadSpec } from './common/workload';
export { stackNamespace } from './common/namespace';
export type { PodSecurityLevel, StackNamespaceSpec } from './common/namespace';
export type { LogLevel } from './common/log-level';

// Network policies and TLS.
export { NetworkPeer, StackNetworkPolicies } from './network';
export type { AlertReceiversProps, ApiServerProps, ClusterDnsProps, ComponentEgress, ComponentNetwork, INetworkComponent, IngressControllerProps, NetworkPeerSpec, NetworkPolicyProps, NetworkPort, NetworkProtocol, NetworkRule, PortRole, StackComponentKey, StackNetworkPoliciesProps } from './network';
export { TlsCertificate } from './common/tls';
export type { CertManagerCertificateOptions, CertManagerIssuerRef } from './common/tls';

// Prometheus.
export { Prometheus, SEED_PLATFORM_ALERTS, platformAlertRules } from './components/prometheus';
export type { HighErrorRateProps, HighLatencyProps, HighMemoryUsageProps, PlatformAlertOptions, PlatformAlertsProps, PodCrashLoopingProps } from './components/prometheus/platform-alerts';
export type { PrometheusModel, PrometheusProps } from './components/prometheus/model';
export type { RemoteWriteAuth, RemoteWriteQueue, RemoteWriteSpec, RemoteWriteStore } from './components/prometheus/remote-write';
export type { PrometheusShardSpec, PrometheusSidecar } from './components/prometheus/model';
export { PrometheusShards, serviceShard } from './components/prometheus/shards';
export type { PrometheusShardsProps } from './components/prometheus/shards';
export { Thanos } from './components/thanos';
export type { ThanosModel, ThanosProps } from './components/thanos';
export type { AlertmanagerEndpointsConfig, GlobalConfig, PrometheusConfig, StorageConfig } from './components/prometheus/config';
export type { IScrapeTarget, KubernetesSdConfig, KubernetesSdRole, RelabelAction, RelabelConfig, ScrapeConfig, StaticConfig } from './components/prometheus/scrape-config';
export type { AddScrapeConfigOptions, PrometheusRuleFileInfo } from './components/prometheus/prometheus';

// Alertmanager.
export { Alertmanager, Matcher, Receiver, defaultInhibitRules, defaultReceivers, defaultRoute } from './components/alertmanager';
export { DEFAULT_INHIBIT_EQUAL } from './components/alertmanager/defaults';
export type { AlertmanagerModel, AlertmanagerProps } from './components/alertmanager/model';
export type { AlertmanagerConfig, AlertmanagerGlobalConfig, InhibitRule, Route } from './components/alertmanager/config';
export type { MatchOperator, MatcherInput } from './components/alertmanager/matcher';
export type { EmailReceiverOptions, PagerDutyReceiverOptions, ReceiverIntegration, SlackReceiverOptions, WebhookReceiverOptions } from './components/alertmanager/receiver';
export type { AddRouteOptions, AlertmanagerTargetsOptions } from './components/alertmanager/alertmanager';

// Grafana.
export { Grafana, GrafanaStorage, serviceOverviewDashboard } from './components/grafana';
export type { GrafanaClaimOptions, GrafanaDatabaseProps, GrafanaEmptyDirOptions, GrafanaModel, GrafanaProps, GrafanaStorageModel } from './components/grafana/model';
export type { AlertmanagerJsonData, DashboardFile, DashboardProvider, DatasourceBackends, DatasourceOptions, ExemplarTraceIdDestination, GrafanaConfig, GrafanaDatasource, GrafanaIni, IniValue, JaegerJsonData, LokiDerivedField, LokiJsonData, PrometheusJsonData, TracesToLogsV2 } from './components/grafana/config';
export type { AddDashboardOptions, GrafanaDashboardInfo, IGrafana } from './components/grafana/grafana';

// Loki and Jaeger.
export { Loki, LokiDistributed } from './components/loki';
export type { LokiDistributedModel, LokiDistributedPart, LokiDistributedProps, LokiGcsStorage, LokiObjectStorage, LokiS3Storage, LokiTarget, LokiTenantLimits } from './components/loki';
export type { LokiModel, LokiProps } from './components/loki/model';
export type { LokiCommonConfig, LokiCompactorConfig, LokiConfig, LokiConfigOptions, LokiLimitsConfig, LokiSchemaPeriod, LokiServerConfig } from './components/loki/config';
export { Jaeger, JaegerStorage } from './components/jaeger';
export type { JaegerModel, JaegerProps, JaegerStorageModel } from './components/jaeger/model';
export type { JaegerBackend, JaegerBadgerBackend, JaegerConfig, JaegerConfigOptions, JaegerMemoryBackend, JaegerSearchBackend } from './components/jaeger/config';
export type { JaegerBadgerOptions, JaegerMemoryOptions } from './components/jaeger/storage';
export type { JaegerSearchStorageModel, JaegerSearchStorageOptions } from './components/jaeger/elasticsearch';
export type { RemoteSamplingModel, RemoteSamplingProps } from './components/jaeger/remote-sampling';
export type { JaegerEndpoints } from './components/jaeger/jaeger';
export { OpenSearchDashboards } from './components/opensearch-dashboards';
export type { OpenSearchDashboardsConfig, OpenSearchDashboardsModel, OpenSearchDashboardsProps } from './components/opensearch-dashboards';

// The OpenTelemetry Collector.
export { OtelCollectorAgent, OtelCollectorGateway } from './components/otel-collector';
export { OtelCollectorTailSampler } from './components/otel-collector/tiers';
export type { ITraceSampler, OtelCollectorTailSamplerModel, OtelCollectorTailSamplerProps } from './components/otel-collector/tiers';
export type { TailSamplingModel, TailSamplingProps } from './components/otel-collector/tail-sampling';
export type { GatewayQueueVolume, IOtlpGateway, OtelCollectorAgentModel, OtelCollectorAgentProps, OtelCollectorGatewayModel, OtelCollectorGatewayProps } from './components/otel-collector/model';
export type { BatchProcessorConfig, CollectorConfig, ComponentId, ContainerParserOperator, DebugExporterConfig, ExporterConfig, ExtensionConfig, FieldExtractConfig, FileStorageExtensionConfig, FilelogOperator, QueuedExporterConfig, RetryOnFailureConfig, SendingQueueConfig, FilelogReceiverConfig, HealthCheckExtensionConfig, K8sAttributesProcessorConfig, MemoryLimiterProcessorConfig, OpenComponentConfig, OtlpExporterConfig, OtlpHttpExporterConfig, OtlpReceiverConfig, PipelineConfig, PodAssociationSource, ProcessorConfig, ReceiverConfig, ServiceConfig, SignalType, TelemetryConfig, TlsClientConfig } from './components/otel-collector/config';

// Exporters.
export { BlackboxExporter, DEFAULT_BLACKBOX_MODULES, KUBE_STATE_METRICS_DEFAULT_COLLECTORS, KUBE_STATE_METRICS_SENSITIVE_COLLECTORS, KubeStateMetrics, NodeExporter } from './components/exporters';
export type { BlackboxConfig, BlackboxGrpcProbe, BlackboxHttpProbe, BlackboxModule, BlackboxProber, BlackboxTcpProbe, BlackboxTlsConfig, IpProtocol } from './components/exporters/blackbox-config';
export type { BlackboxExporterModel, BlackboxExporterProps, IBlackboxExporter, ProbeScrapeConfigSpec, ProbeTarget } from './components/exporters/blackbox-exporter';
export type { IKubeStateMetrics, KubeStateMetricsModel, KubeStateMetricsProps, PolicyRuleSpec } from './components/exporters/kube-state-metrics';
export type { INodeExporter, NodeExporterModel, NodeExporterProps } from './components/exporters/node-exporter';

// Databases as data sources: exporters with their alerts, dashboards and SLO sources.
export { KafkaExporter, MysqlExporter, PostgresExporter, RedisExporter, DATABASE_DEFAULT_PORTS, KAFKA_ALERTS, MYSQL_ALERTS, POSTGRES_ALERTS, REDIS_ALERTS } from './components/databases';
export type { DatabaseExporterModel, DatabaseExporterProps, DatabaseKind, DatabaseSloOptions, DatabaseSpec, DurationAlertTuning, IDatabaseExporter, KafkaAlertsProps, KafkaDatabaseSpec, KafkaExporterModel, KafkaExporterProps, KafkaSasl, KafkaSaslMechanism, KafkaTls, MysqlAlertsProps, MysqlCredentials, MysqlDatabaseSpec, MysqlExporterModel, MysqlExporterProps, MysqlLatencySlo, MysqlSloOptions, NumberAlertTuning, PostgresAlertsProps, PostgresCredentials, PostgresDatabaseSpec, PostgresExporterModel, PostgresExporterProps, PostgresSslMode, RedisAlertsProps, RedisCredentials, RedisDatabaseSpec, RedisExporterModel, RedisExporterProps, SecretKeyFile } from './components/databases';

// Argo CD and clusters that already run the Prometheus Operator.
export { ArgoCdApplication, ObservabilityApp, SYNC_WAVES } from './argocd';
export { PrometheusOperatorResources } from './operator';
export type { ArgoCdApplicationProps, DistLayout, ObservabilityAppProps, SyncWaveProps } from './argocd';
export { OperatorAlertmanagerConfig } from './operator';
export type { AlertmanagerConfigMatcherStrategy, OperatorAlertmanagerConfigProps, OperatorMonitor, OperatorMonitorKind, PrometheusOperatorModel, PrometheusOperatorProps, PrometheusOperatorResourcesProps } from './operator';
export type { IPrometheusSink } from './components/prometheus/sink';
export type { WorkloadMonitorModel, WorkloadMonitorProps, WorkloadMonitorTarget } from './components/prometheus/workload-monitor';

// SLOs as code.
// The production profile: HA, durable stores, sizing from the catalog, the stack watching itself.
export { GRAFANA_SECRET_KEY_SECRET, productionDefaults } from './production/profile';
export type { ProductionDefaults, ProductionInput, ProductionProps } from './production/profile';
export { LOAD_DEFAULTS, SIZING_CONSTANTS, SIZING_SOURCES, sizeStack, sizingReport } from './production/sizing';
export type { ServiceLoad, SizedComponent, SizingContext, SizingProps, SizingResult } from './production/sizing';
export { writeSizingReports } from './production/report';
export { HEARTBEAT_RECEIVER, STACK_HEALTH_DASHBOARD_UID, STACK_HEALTH_FILE, WATCHDOG_ALERT, componentScrapeJob, kubeletVolumeStatsJob, stackHealthDashboard, stackHealthRules, watchdogRoute } from './production/self-monitoring';
export type { StackJobs } from './production/self-monitoring';

export { ServiceLevelObjectives } from './slo/construct';
export type { ServiceLevelObjectivesProps, SloCatalogOptions } from './slo/construct';
export { DEFAULT_HISTOGRAM_BUCKETS } from './slo/spec';
export type { AvailabilitySli, ErrorRateSli, LatencySli, RawSli, ServiceMetrics, ServiceSpec, SliSpec, SloAnnotations, SloClass, SloOverride, SloSpec, TierSpec } from './slo/spec';
export { SLO_CLASSES } from './slo/catalog';
export { DEMO_SERVICES, ORDER_SERVICE } from './slo/examples';
export { GOOGLE_28D, GOOGLE_30D, WINDOW_TABLES } from './slo/windows';
export type { TierWindows, WindowSpec, WindowTable } from './slo/windows';
export { buildSloModel } from './slo/model';
export type { AvailabilitySliModel, ErrorRateSliModel, LabelMatcher, LatencySliModel, RawSliModel, ServiceModel, SliModel, SliWindow, ShortWindowSource, SliWindowSource, SloDefinition, SloModel, SloModelOptions, SloSettings, TierModel } from './slo/model';
export type { AlertSpeed, AlertTier, AlertWindow, AlertWindows, TierAlertWindows } from './slo/burn-rate';
export { budgetConsumed, budgetMinutes, burnRate, errorBudget, timeToExhaustion } from './slo/budget';
export type { SloDashboardsMode } from './slo/dashboards';
export { importOpenSlo, importSloth } from './slo/import';
export type { OpenSloImportOptions, SloImportOptions, SloImportResult, SlothImportOptions } from './slo/import';

// PromQL and LogQL, checked with the upstream grammars.
export { validateLogQL, validatePromQL } from './promql';
export type { ExpressionProblem, LogQLOptions, LogQLProblem, PromQLOptions, PromQLProblem } from './promql';
