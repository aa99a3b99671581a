import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { IJaeger } from '../../common/endpoints';
import { ProblemCollector } from '../../common/errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { ComponentModel, componentModel } from '../../common/model';
import { defaultNamespace, DEFAULT_NAMESPACE } from '../../common/namespace';
import { stackService } from '../../common/service';
import { hostPortProblems, wholeNumberProblems } from '../../common/validation';
import { ResourceSpec, secureDeployment } from '../../common/workload';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { ImageVersion, VERSIONS } from '../../versions';
import { METRICS_PORT, OTLP_PORTS, batchProcessor, collectorPodParts, healthCheck, memoryLimiter, otlpReceiver, telemetry } from './collector-pod';
import { CollectorConfig, OpenComponentConfig } from './config';
import { COLLECTOR_APP_NAME, OTEL_PORTS } from './defaults';
import { TAIL_SAMPLING_DEFAULTS, TailSamplingModel, TailSamplingProps, tailSamplingModel, tailSamplingProcessor } from './tail-sampling';

const TAIL_SAMPLING_DEFAULT_THRESHOLD: string = TAIL_SAMPLING_DEFAULTS.latencyThreshold;

/**
 * The collector in three tiers for traces at scale: node agents → the gateway as a load-balancing tier (the
 * `loadbalancing` exporter, routing by trace id over the sampling tier's headless Service with the `k8s` resolver) →
 * the tail-sampling tier (`tail_sampling`: every span of a trace reaches one replica, which decides once the trace is
 * complete) → Jaeger. Keys checked against the v0.135.0 READMEs and config.go of exporter/loadbalancingexporter and
 * processor/tailsamplingprocessor; every generated config is run through `otelcol validate` in the tests.
 */

/** The sampling tier as the load-balancing tier sees it: a headless Service whose endpoints are the replicas. */
export interface ITraceSampler {
  /** The headless Service the `k8s` resolver watches. */
  readonly headlessServiceName: string;
  readonly namespace: string;
  /** The OTLP/gRPC port of every replica. */
  readonly otlpGrpcPort: number;
}

/**
 * The RBAC of the `k8s` resolver in its namespace (its README's example Role): 0.135's resolver lists and watches the
 * Service's core `endpoints`; `endpointslices` (discovery.k8s.io) are granted too, which later releases watch, so an
 * upgrade does not silently lose every backend.
 */
export const LOAD_BALANCER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
];

/** The loadbalancing exporter's own queue and retry (its "resiliency options 1"): data re-routed when a replica goes. */
export const LOAD_BALANCER_RESILIENCE = {
  retry_on_failure: { enabled: true, initial_interval: '1s', max_interval: '10s', max_elapsed_time: '60s' },
  sending_queue: { enabled: true, num_consumers: 10, queue_size: 5000 },
} as const;

/**
 * The load-balancing tier's traces exporter (pure): `routing_key: traceID` so every span of a trace reaches the same
 * sampling replica, the `k8s` resolver on the sampler's headless Service (`<service>.<namespace>`, its OTLP/gRPC
 * port), and OTLP/gRPC in plaintext inside the cluster to each replica.
 */
export function loadBalancingExporter(sampler: ITraceSampler): OpenComponentConfig {
  return {
    raw: {
      routing_key: 'traceID',
      protocol: { otlp: { tls: { insecure: true }, timeout: '5s' } },
      resolver: { k8s: { service: `${sampler.headlessServiceName}.${sampler.namespace}`, ports: [sampler.otlpGrpcPort] } },
      ...LOAD_BALANCER_RESILIENCE,
    },
  };
}

/** The exporter id of the load-balancing tier's traces pipeline. */
export const LOAD_BALANCER_EXPORTER = 'loadbalancing/sampler';

/**
 * A ServiceAccount with a Role and RoleBinding for the `k8s` resolver, in the sampler's namespace (where the Service
 * it watches is). Returns the ServiceAccount for the load-balancing tier's pods.
 */
export function loadBalancerRbac(scope: Construct, identity: ComponentIdentity, namespace: string, sampler: ITraceSampler): kplus.ServiceAccount {
  const labels = recommendedLabels(identity);
  const name = identity.instance;
  const serviceAccount = new kplus.ServiceAccount(scope, 'ServiceAccount', { metadata: { name, namespace, labels }, automountToken: false });
  const roleName = `${name}-resolver`;
  new k8s.KubeRole(scope, 'ResolverRole', {
    metadata: { name: roleName, namespace: sampler.namespace, labels },
    rules: LOAD_BALANCER_RULES.map((r) => ({ ...r, apiGroups: [...r.apiGroups!], resources: [...r.resources!], verbs: [...r.verbs] })),
  });
  new k8s.KubeRoleBinding(scope, 'ResolverRoleBinding', {
    metadata: { name: roleName, namespace: sampler.namespace, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  });
  return serviceAccount;
}

export const SAMPLER_DEFAULTS = {
  name: 'otel-sampler',
  /** Three, so a lost replica moves a third of the traces (the resolver re-hashes R/N of the routes). */
  replicas: 3,
  /** Traces are held whole for decision_wait: memory, not CPU, is what a sampler needs. */
  resources: { cpuRequest: '500m', memoryRequest: '2Gi' } satisfies ResourceSpec,
} as const;

export interface OtelCollectorTailSamplerProps {
  /** Where kept traces go (OTLP/gRPC, plaintext in-cluster). */
  readonly jaeger: IJaeger;
  /** The sampling decision. @default - keep errors, traces slower than 200ms and a 10% baseline, decided after 10s */
  readonly sampling?: TailSamplingProps;
  /** @default - the chart's namespace, else 'observability' */
  readonly namespace?: string;
  /** Name of the Deployment, headless Service and ConfigMap prefix. @default otel-sampler */
  readonly name?: string;
  /** @default 3 */
  readonly replicas?: number;
  /** @default VERSIONS.otelCollector (the contrib distribution) */
  readonly image?: ImageVersion;
  /** memory_limiter and GOMEMLIMIT follow the memory limit. @default { cpuRequest: '500m', memoryRequest: '2Gi' } */
  readonly resources?: ResourceSpec;
}

export interface OtelCollectorTailSamplerModel extends ComponentModel {
  readonly replicas: number;
  readonly sampling: TailSamplingModel;
  readonly jaegerEndpoint: string;
}

/**
 * Resolves and validates the sampler's props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function otelCollectorTailSamplerModel(props: OtelCollectorTailSamplerProps, path = 'OtelCollectorTailSampler', namespace = DEFAULT_NAMESPACE): OtelCollectorTailSamplerModel {
  const c = new ProblemCollector();
  const base = componentModel(props, { name: SAMPLER_DEFAULTS.name, image: VERSIONS.otelCollector, resources: SAMPLER_DEFAULTS.resources }, path, namespace, c);
  const replicas = props.replicas ?? SAMPLER_DEFAULTS.replicas;
  c.addAll(wholeNumberProblems(replicas, `${path}.replicas`, { fix: 'use 3 (the default): a lost replica then re-routes a third of the traces.' }));
  c.addAll(hostPortProblems(props.jaeger?.otlpGrpcEndpoint, `${path}.jaeger.otlpGrpcEndpoint`, { example: 'jaeger.observability.svc:4317' }));
  const sampling = c.value(() => tailSamplingModel(props.sampling, `${path}.sampling`));
  c.throwIfAny();
  return { ...base, replicas, sampling: sampling!, jaegerEndpoint: props.jaeger.otlpGrpcEndpoint };
}

/** The sampling tier's pipeline (pure): OTLP → memory_limiter → tail_sampling → batch → Jaeger. */
export function tailSamplerConfig(model: OtelCollectorTailSamplerModel): CollectorConfig {
  return {
    extensions: { health_check: healthCheck() },
    receivers: { otlp: otlpReceiver(false) },
    processors: {
      memory_limiter: memoryLimiter(),
      tail_sampling: tailSamplingProcessor(model.sampling, model.replicas),
      batch: batchProcessor(),
    },
    exporters: { 'otlp/jaeger': { type: 'otlp', endpoint: model.jaegerEndpoint, tls: { insecure: true } } },
    service: {
      extensions: ['health_check'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'tail_sampling', 'batch'], exporters: ['otlp/jaeger'] } },
      telemetry: telemetry(),
    },
  };
}

/**
 * The tail-sampling tier: a Deployment of collectors behind a headless Service (its endpoints are what the
 * load-balancing tier's `k8s` resolver hashes trace ids onto), each holding whole traces for `decision_wait` and
 * exporting the kept ones to Jaeger.
 */
export class OtelCollectorTailSampler extends Construct implements ITraceSampler, INetworkComponent {
  public readonly headlessServiceName: string;
  public readonly namespace: string;
  public readonly otlpGrpcPort = OTEL_PORTS.otlpGrpc;
  public readonly model: OtelCollectorTailSamplerModel;
  /** The validated collector configuration (`config.yaml`). */
  public readonly config: CollectorConfig;
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  /** OTLP in (from the load-balancing tier), internal metrics; it reaches Jaeger's ingest port. */
  public readonly network: ComponentNetwork;

  constructor(scope: Construct, id: string, props: OtelCollectorTailSamplerProps) {
    super(scope, id);
    const model = otelCollectorTailSamplerModel(props, this.node.path, defaultNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    this.headlessServiceName = model.name;
    this.config = tailSamplerConfig(model);
    const identity: ComponentIdentity = { name: COLLECTOR_APP_NAME, instance: model.name, component: 'sampler', version: model.image };
    this.network = { pods: { namespace: this.namespace, podSelector: selectorLabels(identity) }, ports: { otlp: OTLP_PORTS.filter((p) => p.port === OTEL_PORTS.otlpGrpc), metrics: [METRICS_PORT] } };
    const parts = collectorPodParts(this, { identity, namespace: this.namespace, image: model.image, resources: model.resources, config: this.config });
    this.deployment = secureDeployment(this, 'Resource', {
      identity,
      namespace: this.namespace,
      replicas: model.replicas,
      containers: [parts.container],
      podAnnotations: parts.podAnnotations,
    });
    this.service = stackService(this, 'Service', {
      identity,
      namespace: this.namespace,
      name: this.headlessServiceName,
      ports: OTLP_PORTS.filter((p) => p.port === OTEL_PORTS.otlpGrpc),
      headless: true,
    });
  }
}

/**
 * Per-service latency thresholds for the sampler from SLO latency thresholds (pure): each service's tightest latency
 * SLO threshold, as a duration. Thresholds equal to `platformThreshold` are left out: the platform policy keeps those
 * services' slow traces already, and a catalog of a thousand services on one class stays one policy.
 */
export function serviceLatencyThresholds(slos: readonly { readonly service: string; readonly sli: { readonly kind: string; readonly threshold?: number } }[], platformThreshold: string = TAIL_SAMPLING_DEFAULT_THRESHOLD): Record<string, string> {
  const platformMs = tailSamplingModel({ latencyThreshold: platformThreshold }).latencyThresholdMs;
  const tightest = new Map<string, number>();
  for (const s of slos) {
    if (s.sli.kind !== 'latency' || s.sli.threshold === undefined) continue;
    const ms = Math.round(s.sli.threshold * 1000);
    tightest.set(s.service, Math.min(ms, tightest.get(s.service) ?? Infinity));
  }
  const out: Record<string, string> = {};
  for (const [service, ms] of [...tightest].sort(([a], [b]) => a.localeCompare(b))) {
    if (ms !== platformMs && ms > 0) out[service] = `${ms}ms`;
  }
  return out;
}
