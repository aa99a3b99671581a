import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { IAlertmanager, IJaeger, ILoki, IPrometheus } from './common/endpoints';
import { ConfigError, ConfigProblem, emitWarnings, validationMessages } from './common/errors';
import { AGENT_NAMESPACE_CONTEXT, DEFAULT_AGENT_NAMESPACE, DEFAULT_NAMESPACE, stackNamespace } from './common/namespace';
import { namespaceProblems } from './common/validation';
import { Alertmanager, AlertmanagerProps, unknownServiceRouteWarnings } from './components/alertmanager';
import { BlackboxExporter, BlackboxExporterProps, KubeStateMetrics, KubeStateMetricsProps, NodeExporter, NodeExporterProps } from './components/exporters';
import { addDatabases, AnyDatabaseExporter, DatabaseSpec } from './components/databases';
import { Grafana, GrafanaProps } from './components/grafana';
import { Jaeger, JaegerProps } from './components/jaeger';
import { isSearchStorage } from './components/jaeger/elasticsearch';
import { OpenSearchDashboards, OpenSearchDashboardsProps, openSearchDashboardsStorageProblems } from './components/opensearch-dashboards';
import { Loki, LokiDistributed, LokiDistributedProps, LokiProps } from './components/loki';
import { OtelCollectorAgent, OtelCollectorAgentProps, OtelCollectorGateway, OtelCollectorGatewayProps } from './components/otel-collector';
import { OtelCollectorTailSampler, OtelCollectorTailSamplerProps, serviceLatencyThresholds } from './components/otel-collector/tiers';
import { allSlos, buildSloModel } from './slo/model';
import { PROMETHEUS_SIDECAR_ARGS, THANOS_PORTS, Thanos, ThanosProps, thanosModel, thanosSidecarContainer, thanosSidecarEndpoint } from './components/thanos/thanos';
import { PROMETHEUS_DEFAULTS, PROMETHEUS_PATHS } from './components/prometheus/defaults';
import { DEFAULT_JOB_NAMES, IPrometheusSink, platformAlertRules, PlatformAlertsProps, Prometheus, PrometheusProps, PrometheusSidecar } from './components/prometheus';
import { PrometheusShards, SHARDED_DEFAULT_JOBS, shardCountProblems } from './components/prometheus/shards';
import { SLO_SHARED_RULE_FILE } from './slo/rules/files';
import { WorkloadMonitorModel, WorkloadMonitorProps, workloadMonitorModel, workloadMonitorScrapeConfig } from './components/prometheus/workload-monitor';
import { applySyncWaves, SyncWaveProps } from './argocd/sync-waves';
import { operatorModeProblems, PrometheusOperatorProps, PrometheusOperatorResources } from './operator';
import { serviceOverviewDashboard } from './components/grafana';
import { NetworkPeer, NetworkPolicyProps, ScrapeTargetFlow, StackNetworkPolicies, workloadMonitorFlow } from './network';
import { ServiceSpec } from './slo';
import { ProductionDefaults, ProductionInput, ProductionProps, productionDefaults, underProfile } from './production/profile';
import { SizingResult, sizingReport } from './production/sizing';
import { SIZING_REPORTS } from './production/report';
import { HEARTBEAT_RECEIVER, KUBELET_JOB, STACK_HEALTH_FILE, componentScrapeJob, kubeletVolumeStatsJob, stackHealthDashboard, stackHealthRules, watchdogRoute } from './production/self-monitoring';
import { INetworkComponent } from './network/peer';
import { Receiver } from './components/alertmanager/receiver';

/** The platform alerts' rule file (on every shard with `prometheus.shards`: HighErrorRate and HighLatency read application metrics). */
const PLATFORM_RULE_FILE = 'platform.rules.yml';

/** Key of the Alertmanager credentials Secret holding the heartbeat receiver's URL (`selfMonitoring`). */
export const HEARTBEAT_URL_KEY = 'heartbeat-url';
import { SLO_PROBE_JOB, ServiceLevelObjectives, SloCatalogOptions } from './slo/construct';

/** True when a component prop is an endpoint (an external backend) rather than tuning of an in-stack one. */
function isEndpoint<T>(value: object | undefined, member: keyof T): value is T & object {
  return value !== undefined && member in value;
}

/**
 * A component's props without what the stack sets itself: the namespace (every component takes the stack's, the
 * node-level agents its agents namespace) and the wiring to other components.
 */
type Tuning<P, Wired extends keyof P = never> = Omit<P, 'namespace' | Wired>;

export interface ObservabilityStackProps extends ChartProps {
  /**
   * Namespace of every component except the node-level collectors. Labelled Pod Security `restricted`.
   * @default 'observability'
   */
  readonly namespace?: string;
  /**
   * Namespace of the node-level collectors that need host access (node-exporter, the log-reading collector agent).
   * Labelled Pod Security `privileged` (hostPath, hostNetwork, hostPID), warning and auditing at `restricted`.
   * @default 'observability-agents'
   */
  readonly agentNamespace?: string;
  /** Tune Prometheus, or shard it (`shards`). @default - defaults of `Prometheus` */
  readonly prometheus?: StackPrometheusProps;
  /** Tune Alertmanager, or `false` to leave it out (Prometheus then sends no alerts). @default - the seed's routing */
  readonly alertmanager?: Tuning<AlertmanagerProps> | false;
  /** Tune Grafana, or `false` to leave it out. */
  readonly grafana?: Tuning<GrafanaProps, 'prometheus' | 'loki' | 'jaeger' | 'alertmanager'> | false;
  /** Tune Loki, point at an external one (`Loki.fromUrl(...)`), or `false` to leave it out (no logs pipeline). */
  readonly loki?: Tuning<LokiProps> | ILoki | false;
  /** Tune Jaeger, point at an external one (`Jaeger.fromEndpoints(...)`), or `false` to leave it out (no traces pipeline). */
  readonly jaeger?: Tuning<JaegerProps> | IJaeger | false;
  /**
   * OpenSearch Dashboards beside the OpenSearch cluster Jaeger stores spans in (`jaeger.storage:
   * JaegerStorage.opensearch(...)`, required): the seed's "Kibana" box where OpenSearch is the trace store. It reads
   * the same cluster with the same Secret, user and CA as Jaeger's storage unless overridden here; its release must
   * match the cluster's (`image`). People reach it through the ingress controller (`networkPolicies.ingressController`)
   * or `kubectl port-forward`. Grafana stays the stack's UI (Explore on Loki, Jaeger, Prometheus).
   * @default - off
   */
  readonly openSearchDashboards?: Tuning<OpenSearchDashboardsProps, 'jaegerStorage'>;
  /** Tune the collector gateway, or `false` to leave out both collector tiers. */
  readonly otelGateway?: Tuning<OtelCollectorGatewayProps, 'jaeger' | 'loki' | 'prometheus'> | false;
  /**
   * Scale-out traces (issue 15): a tail-sampling tier between the gateway and Jaeger. The gateway becomes the
   * load-balancing tier (trace-id routing over the sampler's headless Service, `k8s` resolver); the sampler keeps
   * errors, traces slower than each service's latency SLO threshold (from `services`, unless
   * `sampling.serviceLatencyThresholds` is given) and a probabilistic baseline. Needs the gateway and Jaeger.
   * @default - off: the gateway exports every trace to Jaeger
   */
  readonly traceSampling?: Tuning<OtelCollectorTailSamplerProps, 'jaeger'>;
  /**
   * Scale-out metrics on Thanos (native mode): a sidecar in each Prometheus pod uploading to object storage (the
   * Secret `objectStorageSecret` holds objstore.yml), Query de-duplicating by the Prometheus replica label
   * (`prometheus.replicaLabel`, the pod name on each replica of an HA pair), Store Gateway and Compactor. Grafana's Prometheus datasource then reads Thanos Query.
   * @default - off
   */
  readonly thanos?: Tuning<ThanosProps>;
  /**
   * Scale-out logs: Loki in distributed mode (distributors, ingesters ×3 with replication factor 3, queriers,
   * query-frontends, a compactor) on a memberlist ring, chunks and TSDB index in object storage. The collector's
   * logs go to the distributors' OTLP endpoint, Grafana reads the query-frontends. Replaces the single binary:
   * leave `loki` unset.
   * @default - off: the single-binary Loki
   */
  readonly lokiDistributed?: LokiDistributedProps;
  /** Tune the collector node agent, or `false` to leave it out (applications then send OTLP to the gateway). */
  readonly otelAgent?: Tuning<OtelCollectorAgentProps, 'gateway'> | false;
  /** Tune node-exporter, or `false` to leave it out. */
  readonly nodeExporter?: Tuning<NodeExporterProps> | false;
  /** Tune kube-state-metrics, or `false` to leave it out (PodCrashLooping then never fires). */
  readonly kubeStateMetrics?: Tuning<KubeStateMetricsProps> | false;
  /** Tune blackbox-exporter, or `false` to leave it out (probe-based availability SLOs then fail synth). */
  readonly blackboxExporter?: Tuning<BlackboxExporterProps> | false;
  /**
   * The seed's platform alerts (HighErrorRate, HighLatency, PodCrashLooping, HighMemoryUsage) with the seed's
   * thresholds: `true`, tuned per alert (thresholds, `for`, severities, annotations; `false` leaves one out), or
   * `false` for none.
   * @default true
   */
  readonly platformAlerts?: boolean | PlatformAlertsProps;
  /** The service catalog with its SLOs: rules, alerts, inhibitions, probes and dashboards are generated from it. */
  readonly services?: readonly ServiceSpec[];
  /**
   * Databases and brokers to watch (PostgreSQL, MySQL/MariaDB, Redis, Kafka): one exporter each in the stack's
   * namespace, with its scrape job, alert rules, its kind's dashboard (folder `Databases`) and, with `slo`, an SLO
   * service in the catalog (src/components/databases/).
   * @default - none
   */
  readonly databases?: readonly DatabaseSpec[];
  /** Options of SLO generation (period, classes, ...). */
  readonly slo?: SloCatalogOptions;
  /**
   * NetworkPolicies for both namespaces: deny everything by default, then allow each flow the stack needs (see
   * SECURITY.md for every flow and why). Tune where DNS, the API server, the nodes and the receivers answer, who may
   * send OTLP and reach Grafana, add rules of your own, or `false` to ship no policies (the network stays open).
   * @default - the policies with their documented defaults
   */
  readonly networkPolicies?: NetworkPolicyProps | false;
  /**
   * Operator mode, for clusters that already run the Prometheus Operator (kube-prometheus-stack): the stack deploys no
   * Prometheus and no Alertmanager, and writes what it would load into them as the operator's resources instead
   * (PrometheusRules, PodMonitors/ServiceMonitors/Probes/ScrapeConfigs, an AlertmanagerConfig), labelled for the
   * operator's selectors; Grafana and the collector gateway use the operator's Prometheus and Alertmanager by URL.
   * `prometheus` props do not apply; `alertmanager` takes only its routing props (routes, receivers, inhibitRules,
   * credentialsSecretName, the smtp* defaults). node-exporter and kube-state-metrics are left out unless given
   * (kube-prometheus-stack runs both; two node-exporters cannot share a node's port). See src/operator/model.ts.
   * @default - native mode: the stack's own Prometheus and Alertmanager
   */
  readonly prometheusOperator?: PrometheusOperatorProps;
  /**
   * Workloads to scrape beyond the `prometheus.io/*` annotations (typed: selector, port, path, interval, scheme,
   * relabelings): a scrape job of the stack's Prometheus, or a PodMonitor/ServiceMonitor in operator mode. More with
   * `addMonitor()`. @default - none
   */
  readonly monitors?: readonly WorkloadMonitorProps[];
  /**
   * Argo CD sync waves on every object, by kind (src/argocd/sync-waves.ts: namespaces, then identities and policies,
   * config, Services, workloads), or `false` for none. @default - the waves of SYNC_WAVES
   */
  readonly argoCd?: SyncWaveProps | false;
  /**
   * The production profile (src/production/profile.ts): Prometheus ×2 (HA pair, each receiving every OTLP metric),
   * Alertmanager ×3 (gossip cluster), Grafana on a volume, Loki and Jaeger (Badger) on sized volumes, the collector
   * gateway sized with on-disk queues, hard anti-affinity, zone spreading and a PodDisruptionBudget for every
   * multi-replica workload, requests/limits/replicas/volumes from the catalog (`sizing`). `true` for its defaults.
   * Component props given explicitly win over it, field by field. The sizing report is `stack.sizingReport`, written
   * beside the manifests by `synthOrExit` (`<outdir>/<chart id>.sizing.md`).
   * @default - no profile (the components' own defaults)
   */
  readonly production?: boolean | ProductionProps;
  /**
   * The stack watching itself (src/production/self-monitoring.ts): a scrape job of its own for every component (and
   * the kubelet's volume statistics), the stack-health alerts (Watchdog, TargetDown, rule/TSDB/WAL failures,
   * notifications failing, Alertmanager members missing, collector refusing/failing/dropping, Loki and Jaeger
   * ingestion errors, volumes filling), the Watchdog routed to a heartbeat receiver, and the Stack Health dashboard.
   * Native mode only (kube-prometheus-stack ships its own). `true` for the default heartbeat receiver: a webhook
   * whose URL is the key `heartbeat-url` of the Alertmanager credentials Secret (a dead man's switch such as
   * healthchecks.io or an Opsgenie heartbeat).
   * @default - on with `production` (native mode), else off
   */
  readonly selfMonitoring?: boolean | SelfMonitoringProps;
}

/** The stack's Prometheus: its props, and how many hashmod shards. */
export interface StackPrometheusProps extends Tuning<PrometheusProps, 'alertmanagers' | 'shard'> {
  /**
   * Hashmod sharding: N Prometheus shards (`prometheus-shard-<k>`, each an HA pair with `replicas: 2`, each with its
   * own prometheus.yml and the external label `prometheus_shard="<k>"`). The application jobs (the annotation jobs,
   * the SLO probes, `monitors`) run on every shard, each keeping the services whose `service` label hashes to it
   * (Prometheus' `hashmod`); the platform jobs (kubelet/cAdvisor, kube-state-metrics, node-exporter, the stack's own
   * components, databases) run on shard 0. Each service's SLO rules run on its shard; the shared SLO rules, the
   * platform alerts and stack health on every shard; the other rule files on shard 0. Needs `thanos` (Query is the global view Grafana
   * reads). Native mode only. A whole number from 1 to 64.
   * @default 1 - one Prometheus
   */
  readonly shards?: number;
}

/** Options of `selfMonitoring`. */
export interface SelfMonitoringProps {
  /** Where the Watchdog goes, every minute. @default - Receiver.webhook('heartbeat', { urlSecretKey: 'heartbeat-url' }) */
  readonly heartbeatReceiver?: Receiver;
}

/**
 * The whole observability stack in one chart: Prometheus, Alertmanager, Grafana, Loki, Jaeger, the OpenTelemetry
 * Collector (node agent + gateway) and the exporters, wired to each other by reference, plus the SLOs of a service
 * catalog. `new ObservabilityStack(app, 'observability')` alone is a working stack.
 */
export class ObservabilityStack extends Chart {
  public readonly namespace: string;
  public readonly agentNamespace: string;
  /**
   * Where rule files and scrape jobs go, in either mode: the in-stack Prometheus, or the operator's resources
   * (`prometheusOperator`). `stack.metrics.addRuleGroup(...)` / `addScrapeConfig(...)` work in both.
   */
  public readonly metrics: IPrometheusSink;
  /** Operator mode: the PrometheusRules, monitors and AlertmanagerConfig the stack writes. */
  public readonly prometheusOperator?: PrometheusOperatorResources;
  /** The in-stack Alertmanager (native mode, unless `alertmanager: false`). */
  public readonly alertmanager?: Alertmanager;
  public readonly grafana?: Grafana;
  /** The in-stack Loki, or the external one given. */
  public readonly loki?: ILoki;
  /** The in-stack Jaeger, or the external one given. */
  public readonly jaeger?: IJaeger;
  public readonly otelGateway?: OtelCollectorGateway;
  /** OpenSearch Dashboards (`openSearchDashboards`). */
  public readonly openSearchDashboards?: OpenSearchDashboards;
  /** Distributed Loki (`lokiDistributed`), also `loki`. */
  public readonly lokiDistributed?: LokiDistributed;
  /** The Prometheus shards (`prometheus.shards` > 1); `prometheus` is then shard 0. */
  public readonly prometheusShards?: PrometheusShards;
  /** Thanos (`thanos`): the global view Grafana reads. */
  public readonly thanos?: Thanos;
  /** The tail-sampling tier (`traceSampling`). */
  public readonly otelSampler?: OtelCollectorTailSampler;
  public readonly otelAgent?: OtelCollectorAgent;
  public readonly nodeExporter?: NodeExporter;
  public readonly kubeStateMetrics?: KubeStateMetrics;
  public readonly blackboxExporter?: BlackboxExporter;
  /** The exporters of `databases`, in order. */
  public readonly databases: readonly AnyDatabaseExporter[];
  public readonly slos?: ServiceLevelObjectives;
  /** The NetworkPolicies (unless `networkPolicies: false`). */
  public readonly networkPolicies?: StackNetworkPolicies;
  /** The capacity sizing of the production profile (unless `production.sizing: false`). */
  public readonly sizing?: SizingResult;
  /** The sizing as a markdown report (written beside the manifests by `synthOrExit`). */
  public readonly sizingReport?: string;
  private readonly _monitors: WorkloadMonitorModel[] = [];

  private readonly _prometheus?: Prometheus;
  /** Prometheus → each workload monitor's port (read by the NetworkPolicies at synth). */
  private readonly monitorFlows: ScrapeTargetFlow[] = [];

  constructor(scope: Construct, id: string, given: ObservabilityStackProps = {}) {
    const profile = given.production ? productionDefaults(given.production === true ? {} : given.production, productionInput(given), `${id}.production`) : undefined;
    const props = profile ? withProfile(given, profile) : given;
    // The chart's namespace is every component's default; the agents namespace reaches the node agents as context.
    const namespace = props.namespace ?? DEFAULT_NAMESPACE;
    super(scope, id, { ...props, namespace });
    this.namespace = namespace;
    this.sizing = profile?.sizing;
    this.sizingReport = profile?.sizing && profile.sizingContext ? sizingReport(profile.sizing, profile.sizingContext) : undefined;
    if (this.sizingReport !== undefined) SIZING_REPORTS.set(this, this.sizingReport);
    this.agentNamespace = props.agentNamespace ?? DEFAULT_AGENT_NAMESPACE;
    checkNamespaces(this.namespace, this.agentNamespace, this.node.path);
    this.node.setContext(AGENT_NAMESPACE_CONTEXT, this.agentNamespace);
    // Two objects of one kind, namespace and name would overwrite each other on apply: refuse to synthesize them.
    this.node.addValidation({ validate: () => validationMessages(this, duplicateObjectProblems(this)) });

    stackNamespace(this, 'Namespace', { name: this.namespace, enforce: 'restricted' });
    stackNamespace(this, 'AgentNamespace', { name: this.agentNamespace, enforce: 'privileged' });

    const operator = props.prometheusOperator;
    if (operator) {
      const problems = operatorModeProblems(props, this.node.path);
      if (problems.length > 0) throw new ConfigError(problems);
      this.prometheusOperator = new PrometheusOperatorResources(this, 'PrometheusOperator', {
        ...operator,
        alertmanagerConfig: props.alertmanager === false ? false : { ...props.alertmanager },
      });
      this.metrics = this.prometheusOperator;
    } else {
      if (props.alertmanager !== false) {
        this.alertmanager = new Alertmanager(this, 'Alertmanager', { ...props.alertmanager });
      }
      const thanos = props.thanos ? thanosModel(props.thanos, `${this.node.path}.thanos`, namespace, props.prometheus?.replicaLabel) : undefined;
      const { shards = 1, ...prometheusProps } = props.prometheus ?? {};
      const shardProblems = shardCountProblems(shards, `${this.node.path}.prometheus.shards`);
      if (shardProblems.length === 0 && shards > 1 && !thanos) {
        shardProblems.push({
          path: `${this.node.path}.prometheus.shards`,
          message: 'needs thanos: with shards, no one Prometheus holds every series, and Thanos Query (reading every shard\'s sidecar) is the global view Grafana and the SLO dashboards read',
          value: shards,
          fix: 'add thanos: { objectStorageSecret: "<Secret holding objstore.yml>" }, or leave shards out.',
        });
      }
      if (shardProblems.length > 0) throw new ConfigError(shardProblems);
      const thanosSidecar = (scope: Construct, m: NonNullable<typeof thanos>): PrometheusSidecar => ({
        container: thanosSidecarContainer(scope, m, { dataClaim: 'data', tsdbPath: PROMETHEUS_PATHS.data, prometheusPort: PROMETHEUS_DEFAULTS.port }),
        prometheusArgs: PROMETHEUS_SIDECAR_ARGS,
        ports: { storeApi: [THANOS_PORTS.grpc], metrics: [THANOS_PORTS.http] },
        egress: [{ peers: [NetworkPeer.allNamespaces(), ...NetworkPeer.anyAddress()], ports: m.objectStoragePorts.map((port) => ({ port })), why: 'the Thanos sidecar uploads blocks to object storage' }],
      });
      if (shards > 1 && thanos) {
        const group = new PrometheusShards(this, 'Prometheus', {
          ...prometheusProps,
          shards,
          alertmanagers: this.alertmanager ? [this.alertmanager] : [],
          shardedJobs: [...SHARDED_DEFAULT_JOBS, SLO_PROBE_JOB],
          // The gateway routes each catalog service's pushed metrics to its shard.
          services: (props.services ?? []).map((s) => s.name),
          // Stack health too: TargetDown and the rule/TSDB failures watch each shard's own targets and itself (no rule
          // of it fires on absent data), and the Watchdog of every shard is one alert at Alertmanager.
          everyShardRuleFiles: [SLO_SHARED_RULE_FILE, PLATFORM_RULE_FILE, STACK_HEALTH_FILE],
          sidecars: (scope) => [...(prometheusProps.sidecars ?? []), thanosSidecar(scope, thanos)],
        });
        this.prometheusShards = group;
        this._prometheus = group.shards[0];
        this.metrics = group;
        this.thanos = new Thanos(this, 'Thanos', {
          ...props.thanos!,
          prometheus: group,
          sidecarEndpoints: group.shards.map(thanosSidecarEndpoint),
        });
      } else {
        this._prometheus = new Prometheus(this, 'Prometheus', {
          ...prometheusProps,
          alertmanagers: this.alertmanager ? [this.alertmanager] : [],
          ...(thanos ? { sidecars: [...(prometheusProps.sidecars ?? []), thanosSidecar(this, thanos)] } : {}),
        });
        this.metrics = this._prometheus;
        if (thanos) {
          const prom = this._prometheus;
          this.thanos = new Thanos(this, 'Thanos', { ...props.thanos!, prometheus: prom, sidecarEndpoints: [thanosSidecarEndpoint(prom)] });
        }
      }
    }
    // The endpoints consumers read: the in-stack components, or the operator's by URL.
    const prometheusEndpoint: IPrometheus = this.prometheusShards ?? this._prometheus ?? this.prometheusOperator!.prometheus;
    const alertmanagerEndpoint: IAlertmanager | undefined = this.alertmanager ?? this.prometheusOperator?.alertmanager;
    if (props.platformAlerts !== false) {
      const platform = platformAlertRules(props.platformAlerts === true ? {} : props.platformAlerts, `${this.node.path}.platformAlerts`);
      if (platform.rules.length > 0) this.metrics.addRuleGroup(platform, PLATFORM_RULE_FILE);
    }

    if (props.lokiDistributed) {
      if (props.loki !== undefined) {
        throw new ConfigError({
          path: `${this.node.path}.loki`,
          message: 'must be unset with lokiDistributed (the distributed Loki is the stack\'s Loki)',
          value: props.loki === false ? false : isEndpoint<ILoki>(props.loki, 'queryUrl') ? props.loki.queryUrl : props.loki,
          fix: 'drop loki, or drop lokiDistributed.',
        });
      }
      this.lokiDistributed = new LokiDistributed(this, 'LokiDistributed', props.lokiDistributed);
      this.loki = this.lokiDistributed;
    } else if (props.loki !== false) this.loki = isEndpoint<ILoki>(props.loki, 'queryUrl') ? props.loki : new Loki(this, 'Loki', { ...props.loki });
    if (props.jaeger !== false) {
      this.jaeger = isEndpoint<IJaeger>(props.jaeger, 'otlpGrpcEndpoint') ? props.jaeger : new Jaeger(this, 'Jaeger', { ...props.jaeger });
    }

    if (props.openSearchDashboards) {
      const storage = this.jaeger instanceof Jaeger ? this.jaeger.model.storage : undefined;
      const problems = openSearchDashboardsStorageProblems(storage?.kind, `${this.node.path}.openSearchDashboards`);
      if (problems.length > 0) throw new ConfigError(problems);
      this.openSearchDashboards = new OpenSearchDashboards(this, 'OpenSearchDashboards', {
        ...props.openSearchDashboards,
        jaegerStorage: storage && isSearchStorage(storage) ? storage : undefined,
      });
    }

    if (props.traceSampling) {
      if (!this.jaeger || props.otelGateway === false) {
        throw new ConfigError({
          path: `${this.node.path}.traceSampling`,
          message: 'needs the collector gateway (the load-balancing tier) and a Jaeger to export the kept traces to',
          value: { otelGateway: props.otelGateway === false ? false : 'on', jaeger: this.jaeger ? 'on' : false },
          fix: 'keep otelGateway and jaeger, or drop traceSampling.',
        });
      }
      const sampling = props.traceSampling.sampling ?? {};
      const thresholds =
        sampling.serviceLatencyThresholds ?? serviceLatencyThresholds(allSlos(buildSloModel(props.services ?? [], props.slo ?? {}, `${this.node.path}.services`)), sampling.latencyThreshold);
      this.otelSampler = new OtelCollectorTailSampler(this, 'OtelSampler', {
        ...props.traceSampling,
        sampling: { ...sampling, serviceLatencyThresholds: thresholds },
        jaeger: this.jaeger,
      });
    }
    if (props.otelGateway !== false) {
      this.otelGateway = new OtelCollectorGateway(this, 'OtelGateway', {
        ...props.otelGateway,
        traceSampler: this.otelSampler,
        jaeger: this.jaeger,
        loki: this.loki,
        prometheus: prometheusEndpoint,
      });
      if (props.otelAgent !== false) {
        this.otelAgent = new OtelCollectorAgent(this, 'OtelAgent', { ...props.otelAgent, gateway: this.otelGateway });
      }
    }

    // Exporters hand Prometheus their own scrape jobs, by reference (the node exporter's sits with the seed's jobs).
    // In operator mode kube-prometheus-stack runs both exporters already: the stack's only when given.
    if (operator ? props.nodeExporter !== undefined && props.nodeExporter !== false : props.nodeExporter !== false) {
      this.nodeExporter = new NodeExporter(this, 'NodeExporter', { ...props.nodeExporter });
      const before = this.metrics.jobs.some((j) => j.jobName === DEFAULT_JOB_NAMES.cadvisor) ? DEFAULT_JOB_NAMES.cadvisor : undefined;
      for (const job of this.nodeExporter.scrapeConfigs()) this.metrics.addScrapeConfig(job, { before });
    }
    if (operator ? props.kubeStateMetrics !== undefined && props.kubeStateMetrics !== false : props.kubeStateMetrics !== false) {
      this.kubeStateMetrics = new KubeStateMetrics(this, 'KubeStateMetrics', { ...props.kubeStateMetrics });
      for (const job of this.kubeStateMetrics.scrapeConfigs()) this.metrics.addScrapeConfig(job);
    }
    if (props.blackboxExporter !== false) {
      this.blackboxExporter = new BlackboxExporter(this, 'BlackboxExporter', { ...props.blackboxExporter });
    }

    if (props.grafana !== false) {
      this.grafana = new Grafana(this, 'Grafana', {
        prometheusScrapeInterval: this.metrics.model.global.scrapeInterval,
        ...props.grafana,
        // With Thanos, the global de-duplicated view of every replica and the bucket.
        prometheus: this.thanos ?? prometheusEndpoint,
        loki: this.loki,
        jaeger: this.jaeger,
        alertmanager: alertmanagerEndpoint,
      });
      this.grafana.addDashboard(serviceOverviewDashboard());
    }

    // Databases: exporters with their jobs, rules and dashboards, by reference; their SLO services join the catalog.
    const databases = addDatabases(this, props.databases ?? [], { prometheus: this.metrics, grafana: this.grafana });
    // With shards, the database exporters' jobs run on shard 0: so do their SLOs.
    this.prometheusShards?.pinToFirstShard(databases.sloServices.map((s) => s.name));
    this.databases = databases.exporters;
    const services = [...(props.services ?? []), ...databases.sloServices];

    if (services.length > 0) {
      this.slos = new ServiceLevelObjectives(this, 'Slos', {
        ...props.slo,
        services,
        prometheus: this.metrics,
        alertmanager: this.alertmanager ?? this.prometheusOperator?.alertmanagerConfig,
        grafana: this.grafana,
        blackboxExporter: this.blackboxExporter,
      });
      // A route for a service the catalog does not have (a typo, a renamed service) never gets an SLO alert.
      const alertmanager = this.alertmanager;
      const names = services.map((s) => s.name);
      if (alertmanager) {
        this.node.addValidation({ validate: () => (emitWarnings(unknownServiceRouteWarnings(alertmanager.config.route, `${alertmanager.node.path}.route`, names)), []) });
      }
    }

    for (const m of props.monitors ?? []) this.addMonitor(m);

    const selfMonitoring = props.selfMonitoring ?? (props.production && !operator ? true : false);
    if (selfMonitoring) {
      if (operator) {
        throw new ConfigError({
          path: `${this.node.path}.selfMonitoring`,
          message: 'is for native mode: in operator mode kube-prometheus-stack scrapes Prometheus and Alertmanager and ships Watchdog, TargetDown and their alerts',
          value: props.selfMonitoring,
          fix: 'leave selfMonitoring out in operator mode.',
        });
      }
      this.addSelfMonitoring(selfMonitoring === true ? {} : selfMonitoring);
    }

    this.checkExposure(props);
    if (props.networkPolicies !== false) {
      this.networkPolicies = new StackNetworkPolicies(this, 'NetworkPolicies', {
        policies: props.networkPolicies ?? {},
        input: {
          prometheus: this.prometheusShards ?? this._prometheus ?? prometheusEndpoint,
          scrapers: this.prometheusOperator?.scrapers,
          alertmanager: this.alertmanager ?? alertmanagerEndpoint,
          grafana: this.grafana,
          loki: this.loki,
          lokiDistributed: this.lokiDistributed?.parts,
          jaeger: this.jaeger,
          otelGateway: this.otelGateway,
          otelSampler: this.otelSampler,
          otelAgent: this.otelAgent,
          nodeExporter: this.nodeExporter,
          kubeStateMetrics: this.kubeStateMetrics,
          blackboxExporter: this.blackboxExporter,
          openSearchDashboards: this.openSearchDashboards,
          databases: this.databases.map((d) => ({ name: d.model.name, network: d.network })),
          jobs: this.jaeger instanceof Jaeger && this.jaeger.indexCleanerNetwork ? [this.jaeger.indexCleanerNetwork] : [],
          thanos: this.thanos
            ? {
                query: { name: `${this.thanos.model.name}-query`, network: this.thanos.networks.query },
                store: { name: `${this.thanos.model.name}-store`, network: this.thanos.networks.store },
                compactor: { name: `${this.thanos.model.name}-compactor`, network: this.thanos.networks.compactor },
              }
            : undefined,
          scrapeTargets: this.monitorFlows,
        },
      });
    }
    if (props.argoCd !== false) applySyncWaves(this, props.argoCd);
  }

  /** The typed workload monitors, as validated, in the order added. */
  public get monitors(): readonly WorkloadMonitorModel[] {
    return [...this._monitors];
  }

  /**
   * The in-stack Prometheus (native mode); with `prometheus.shards`, shard 0 (the platform jobs, stack health), and
   * `prometheusShards` holds every shard.
   * @throws ConfigError in operator mode, which deploys none: use `metrics` (rules, jobs) or `prometheusOperator`.
   */
  public get prometheus(): Prometheus {
    if (this._prometheus) return this._prometheus;
    throw new ConfigError({
      path: `${this.node.path}.prometheus`,
      message: 'does not exist in operator mode (prometheusOperator is set): the operator runs Prometheus',
      fix: 'add rules and scrape jobs through stack.metrics (addRuleGroup, addRuleFile, addScrapeConfig), or read stack.prometheusOperator.',
    });
  }

  /**
   * Monitors a workload (typed: selector, port, path, interval, scheme, relabelings): a scrape job of the stack's
   * Prometheus, or a PodMonitor/ServiceMonitor in operator mode; the NetworkPolicies let the stack's Prometheus reach
   * its port.
   * @throws ConfigError when the monitor is malformed or its name is the name of another job.
   */
  public addMonitor(props: WorkloadMonitorProps): WorkloadMonitorModel {
    const model = workloadMonitorModel(props, `${this.node.path}.monitors[${this._monitors.length}]`);
    if (this.prometheusOperator) this.prometheusOperator.addWorkloadMonitor(model);
    else if (this.prometheusShards) this.prometheusShards.addShardedScrapeConfig(workloadMonitorScrapeConfig(model));
    else this._prometheus!.addScrapeConfig(workloadMonitorScrapeConfig(model));
    this._monitors.push(model);
    this.monitorFlows.push(workloadMonitorFlow(model));
    return model;
  }

  /** Jobs, rules, the Watchdog route and the dashboard of `selfMonitoring` (native mode). */
  private addSelfMonitoring(options: SelfMonitoringProps): void {
    const prometheus = this._prometheus!;
    const own = (name: string | undefined, c: INetworkComponent | undefined): string | undefined => {
      if (!c || !name || prometheus.jobs.some((j) => j.jobName === name)) return undefined;
      const job = componentScrapeJob(name, c.network);
      if (!job) return undefined;
      prometheus.addScrapeConfig(job);
      if (c.network.pods) (this.prometheusShards ?? prometheus).excludeFromAnnotationJob(c.network.pods.namespace, c.network.pods.podSelector);
      return name;
    };
    const loki = this.loki instanceof Loki ? this.loki : undefined;
    const jaeger = this.jaeger instanceof Jaeger ? this.jaeger : undefined;
    const jobs = {
      prometheus: DEFAULT_JOB_NAMES.prometheus,
      alertmanager: own(this.alertmanager?.name, this.alertmanager),
      loki: own(loki?.name, loki),
      jaeger: own(jaeger?.name, jaeger),
      collectors: [own(this.otelGateway?.serviceName, this.otelGateway), own(this.otelAgent?.model.name, this.otelAgent)].filter((j): j is string => j !== undefined),
      kubelet: KUBELET_JOB,
    };
    own(this.grafana?.name, this.grafana);
    own(this.blackboxExporter?.model.name, this.blackboxExporter);
    prometheus.addScrapeConfig(kubeletVolumeStatsJob(prometheus.model.kubeletInsecureSkipVerify));
    (this.prometheusShards ?? prometheus).addRuleFile(stackHealthRules(jobs));
    if (this.alertmanager) {
      const receiver = options.heartbeatReceiver ?? Receiver.webhook(HEARTBEAT_RECEIVER, { urlSecretKey: HEARTBEAT_URL_KEY });
      this.alertmanager.addReceiver(receiver);
      this.alertmanager.addRoute(watchdogRoute(receiver.name), { beforeExisting: true });
    }
    this.grafana?.addDashboard(stackHealthDashboard(jobs));
  }

  /** What the exposure props need of each other: checked once every component exists. */
  private checkExposure(props: ObservabilityStackProps): void {
    const problems: ConfigProblem[] = [];
    if (this.grafana?.model.ingress && props.networkPolicies !== false && !props.networkPolicies?.ingressController) problems.push(ingressControllerMissing(this.node.path));
    if (this.otelGateway?.model.tls && this.otelAgent) {
      problems.push({
        path: `${this.node.path}.otelGateway.tls`,
        message: 'needs the agents to trust the gateway\'s certificate, which they cannot mount from another namespace; with agents, applications send to the agent',
        value: 'TlsCertificate',
        fix: 'put tls on otelAgent (the collector applications send to), or set otelAgent: false so applications send to the gateway.',
      });
    }
    if (problems.length > 0) throw new ConfigError(problems);
  }
}

/** What the production profile reads of the other props: the catalog's names and the retentions. */
function productionInput(props: ObservabilityStackProps): ProductionInput {
  const loki = props.loki && !isEndpoint<ILoki>(props.loki, 'queryUrl') ? props.loki : undefined;
  return {
    services: (props.services ?? []).map((s) => s.name),
    scrapeInterval: props.prometheus?.scrapeInterval,
    metricsRetention: props.prometheus?.retentionTime,
    logRetention: loki?.retention,
    grafanaDatabase: props.grafana !== false && props.grafana?.database !== undefined,
    // A valid shard count only (bad ones fail where prometheus.shards is read, with their own message).
    prometheusShards: Number.isInteger(props.prometheus?.shards) && props.prometheus!.shards! > 1 ? props.prometheus!.shards : undefined,
    jaegerSearchStorage: props.jaeger !== false && !isEndpoint<IJaeger>(props.jaeger || undefined, 'otlpGrpcEndpoint') && ['elasticsearch', 'opensearch'].includes((props.jaeger as JaegerProps | undefined)?.storage?.kind ?? ''),
  };
}

/** The props with the profile's defaults under each component's. */
function withProfile(props: ObservabilityStackProps, p: ProductionDefaults): ObservabilityStackProps {
  return {
    ...props,
    // Operator mode: the operator runs Prometheus and Alertmanager (their HA is the operator's Prometheus resource).
    prometheus: props.prometheusOperator ? props.prometheus : underProfile(props.prometheus, p.prometheus),
    alertmanager: props.prometheusOperator ? props.alertmanager : underProfile(props.alertmanager, p.alertmanager),
    grafana: underProfile(props.grafana, p.grafana),
    // With the distributed Loki the profile places its parts (each multi-replica part gets its anti-affinity and
    // disruption budget from the workload helper); the single binary's sizing does not apply.
    loki: props.lokiDistributed ? props.loki : underProfile(props.loki, p.loki, isEndpoint<ILoki>(props.loki || undefined, 'queryUrl')),
    lokiDistributed: props.lokiDistributed ? underProfile(props.lokiDistributed, { scheduling: p.scheduling }) : undefined,
    jaeger: underProfile(props.jaeger, p.jaeger, isEndpoint<IJaeger>(props.jaeger || undefined, 'otlpGrpcEndpoint')),
    otelGateway: underProfile(props.otelGateway, p.otelGateway),
    otelAgent: underProfile(props.otelAgent, p.otelAgent),
    nodeExporter: underProfile(props.nodeExporter, p.nodeAgents),
    kubeStateMetrics: underProfile(props.kubeStateMetrics, { scheduling: p.scheduling }),
    blackboxExporter: underProfile(props.blackboxExporter, { scheduling: p.scheduling }),
  };
}

function ingressControllerMissing(path: string): ConfigProblem {
  return {
    path: `${path}.networkPolicies.ingressController`,
    message: 'is required with a Grafana Ingress: the default deny keeps every other namespace away from Grafana, the ingress controller included',
    value: undefined,
    fix: 'name the controller\'s namespace, e.g. { namespace: "ingress-nginx" } (podLabels narrow it to its pods), or set networkPolicies: false.',
  };
}

function checkNamespaces(namespace: string, agentNamespace: string, path: string): void {
  const problems: ConfigProblem[] = [...namespaceProblems(namespace, `${path}.namespace`), ...namespaceProblems(agentNamespace, `${path}.agentNamespace`)];
  if (problems.length === 0 && namespace === agentNamespace) {
    problems.push({
      path: `${path}.agentNamespace`,
      message: 'must differ from namespace: the node agents need a namespace at Pod Security "privileged", the rest runs at "restricted"',
      value: agentNamespace,
      fix: `use e.g. "${namespace}-agents".`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Problems for API objects of the chart that share kind, namespace and name (pure; the chart is read, not changed). */
export function duplicateObjectProblems(chart: Chart): ConfigProblem[] {
  const first = new Map<string, ApiObject>();
  const problems: ConfigProblem[] = [];
  for (const c of chart.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const key = `${c.kind}/${c.metadata.namespace ?? ''}/${c.name}`;
    const seen = first.get(key);
    if (!seen) {
      first.set(key, c);
      continue;
    }
    problems.push({
      path: c.node.path,
      message: `is a ${c.kind} named "${c.name}"${c.metadata.namespace ? ` in namespace "${c.metadata.namespace}"` : ''}, like ${seen.node.path}: one would overwrite the other`,
      value: c.name,
      fix: 'give one of them another name (each component has a name prop), or put it in another namespace.',
    });
  }
  return problems;
}
