import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { OtlpMetricsShard } from '../../common/endpoints';
import { ConfigError } from '../../common/errors';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { defaultNamespace } from '../../common/namespace';
import { stackService } from '../../common/service';
import { tlsSecret } from '../../common/tls';
import { ClaimSpec, MountSpec, secureDeployment, secureStatefulSet } from '../../common/workload';
import { METRICS_PORT, OTLP_PORTS, TLS_DIR, batchProcessor, collectorDnsNames, collectorEndpoints, collectorPodParts, healthCheck, memoryLimiter, otlpReceiver, telemetry } from './collector-pod';
import { TARGET_LABELS } from '../../conventions';
import { CollectorConfig, ExporterConfig, PipelineConfig, ProcessorConfig, SignalType } from './config';
import { COLLECTOR_APP_NAME, GATEWAY_DEFAULTS } from './defaults';
import { IOtlpGateway, OtelCollectorGatewayModel, OtelCollectorGatewayProps, otelCollectorGatewayModel } from './model';
import { LOAD_BALANCER_EXPORTER, loadBalancerRbac, loadBalancingExporter } from './tiers';

export type { OtelCollectorGatewayProps } from './model';

/** The claim template holding the gateway's persistent queue (`queueVolume: 'claim'`). */
export const QUEUE_CLAIM = 'queue';

/**
 * The collector gateway: a Deployment (a StatefulSet with a PersistentVolumeClaim per replica when the persistent
 * queue is on a claim, with its headless governing Service) behind a ClusterIP Service that receives OTLP (from the agents or directly
 * from applications), applies memory_limiter and batch, and exports each signal to the backend given by reference.
 * A pipeline exists only for the backends given; at least one is required.
 */
export class OtelCollectorGateway extends Construct implements IOtlpGateway, INetworkComponent {
  public readonly otlpGrpcEndpoint: string;
  public readonly otlpHttpUrl: string;
  public readonly serviceName: string;
  public readonly namespace: string;
  /** The signals this gateway has a pipeline for (an agent should only send these). */
  public readonly signals: readonly SignalType[];
  /** The validated props, every default resolved. */
  public readonly model: OtelCollectorGatewayModel;
  /** The validated collector configuration (`config.yaml`). */
  public readonly config: CollectorConfig;
  /** The gateway's pods: a StatefulSet when the persistent queue is on claims (`queueVolume: 'claim'`), else a Deployment. */
  public readonly workload: kplus.Deployment | kplus.StatefulSet;
  /** The workload when it is a Deployment (no persistent queue, or `queueVolume: 'emptyDir'`). */
  public readonly deployment?: kplus.Deployment;
  /** The workload when it is a StatefulSet (`persistentQueue` with `queueVolume: 'claim'`). */
  public readonly statefulSet?: kplus.StatefulSet;
  /** The ClusterIP Service the agents and applications send to. */
  public readonly service: kplus.Service;
  /** The StatefulSet's governing Service (`<name>-headless`), when the gateway is a StatefulSet. */
  public readonly headlessService?: kplus.Service;
  /** What the network policies know: OTLP in (from the agents, or applications without agents), internal metrics. */
  public readonly network: ComponentNetwork;

  constructor(scope: Construct, id: string, props: OtelCollectorGatewayProps) {
    super(scope, id);
    const model = otelCollectorGatewayModel(props, this.node.path, defaultNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    const { name, image } = model;
    this.serviceName = name;
    const endpoints = collectorEndpoints(name, this.namespace, model.tls !== undefined);
    this.otlpGrpcEndpoint = endpoints.otlpGrpcEndpoint;
    this.otlpHttpUrl = endpoints.otlpHttpUrl;

    this.config = gatewayConfig(props, this.node.path, model.tls !== undefined, model.persistentQueue);
    this.signals = Object.keys(this.config.service.pipelines) as SignalType[];

    const identity: ComponentIdentity = { name: COLLECTOR_APP_NAME, instance: name, component: 'gateway', version: image };
    // As the load-balancing tier, the k8s resolver watches the sampler's endpoints through the API server.
    this.network = {
      pods: { namespace: this.namespace, podSelector: selectorLabels(identity) },
      ports: { otlp: OTLP_PORTS, metrics: [METRICS_PORT] },
      callsApiServer: props.traceSampler !== undefined ? true : undefined,
    };
    const serviceAccount = props.traceSampler ? loadBalancerRbac(this, identity, this.namespace, props.traceSampler) : undefined;
    const mounts: MountSpec[] = [];
    if (model.tls) {
      const secretName = tlsSecret(this, 'Certificate', model.tls, { namespace: this.namespace, name, dnsNames: collectorDnsNames(name, this.namespace), labels: recommendedLabels(identity) });
      const secret = kplus.Secret.fromSecretName(this, 'TlsSecret', secretName);
      mounts.push({ volume: kplus.Volume.fromSecret(this, 'TlsVolume', secret, { name: 'tls', defaultMode: 0o440 }), path: TLS_DIR, readOnly: true });
    }
    const claims: ClaimSpec[] = [];
    if (model.persistentQueue?.volume === 'claim') {
      // One claim per replica: a pod deleted and rescheduled (rollout, node drain) gets its queue back.
      claims.push({ name: QUEUE_CLAIM, mountPath: GATEWAY_DEFAULTS.queueDir, size: model.persistentQueue.volumeSize, storageClassName: model.persistentQueue.storageClassName });
    } else if (model.persistentQueue) {
      // On an emptyDir the queue outlives a container restart only (see OtelCollectorGatewayProps.queueVolume).
      const queue = kplus.Volume.fromEmptyDir(this, 'QueueVolume', 'queue', { sizeLimit: Size.mebibytes(model.persistentQueue.volumeSize.wholeMebibytes) });
      mounts.push({ volume: queue, path: GATEWAY_DEFAULTS.queueDir, readOnly: false });
    }
    const parts = collectorPodParts(this, {
      identity,
      namespace: this.namespace,
      image,
      resources: model.resources,
      config: this.config,
      mounts,
    });
    const pod = {
      scheduling: model.scheduling,
      identity,
      namespace: this.namespace,
      replicas: model.replicas,
      podAnnotations: parts.podAnnotations,
      serviceAccount,
      automountServiceAccountToken: serviceAccount !== undefined ? true : undefined,
    };
    if (claims.length > 0) {
      this.headlessService = stackService(this, 'Headless', { identity, namespace: this.namespace, name: `${name}-headless`, headless: true, ports: OTLP_PORTS });
      this.statefulSet = secureStatefulSet(this, 'Resource', {
        ...pod,
        service: this.headlessService,
        claims,
        containers: [{ ...parts.container, claimMounts: claims.map((c) => c.name) }],
      });
      this.workload = this.statefulSet;
    } else {
      this.deployment = secureDeployment(this, 'Resource', { ...pod, containers: [parts.container] });
      this.workload = this.deployment;
    }
    this.service = stackService(this, 'Service', {
      identity,
      namespace: this.namespace,
      name: this.serviceName,
      ports: OTLP_PORTS,
    });
  }
}

/** The on-disk queue settings of `gatewayConfig`. */
export interface GatewayQueue {
  readonly queueSize: number;
  readonly retryMaxElapsedTime: string;
}

/** The storage extension holding the gateway's queues. */
export const QUEUE_STORAGE = 'file_storage/queue';

/**
 * The gateway's pipelines (pure): one per backend given, each OTLP → memory_limiter → batch → that backend. A
 * Prometheus HA group (`replicaOtlpMetricsUrls`) gets one exporter per replica in the metrics pipeline, so each
 * replica receives every metric. With `queue`, every exporter keeps its sending queue in `file_storage` and retries
 * for `retryMaxElapsedTime`. With `traceSampler`, traces go to the tail-sampling tier through the load-balancing
 * exporter (which keeps its own queue: it re-routes a failed batch to another sampler).
 */
export function gatewayConfig(props: Pick<OtelCollectorGatewayProps, 'jaeger' | 'loki' | 'prometheus' | 'traceSampler'>, path: string, tls = false, queue?: GatewayQueue): CollectorConfig {
  const exporters: Record<string, ExporterConfig> = {};
  const pipelines: Record<string, PipelineConfig> = {};
  const queued = queue
    ? {
        sendingQueue: { enabled: true, queueSize: queue.queueSize, storage: QUEUE_STORAGE },
        retryOnFailure: { enabled: true, maxElapsedTime: queue.retryMaxElapsedTime },
      }
    : {};
  const pipeline = (exporter: string): PipelineConfig => ({
    receivers: ['otlp'],
    processors: ['memory_limiter', 'batch'],
    exporters: [exporter],
  });
  if (props.traceSampler) {
    // Scale-out: every span of a trace to one tail-sampling replica, which exports the kept traces to Jaeger.
    exporters[LOAD_BALANCER_EXPORTER] = loadBalancingExporter(props.traceSampler);
    pipelines.traces = pipeline(LOAD_BALANCER_EXPORTER);
  } else if (props.jaeger) {
    // Jaeger v2 is itself a collector: OTLP/gRPC, plaintext inside the cluster.
    exporters['otlp/jaeger'] = { type: 'otlp', endpoint: props.jaeger.otlpGrpcEndpoint, tls: { insecure: true }, ...queued };
    pipelines.traces = pipeline('otlp/jaeger');
  }
  if (props.loki) {
    // Loki's native OTLP ingestion; otlphttp appends /v1/logs to the base URL.
    exporters['otlphttp/loki'] = { type: 'otlphttp', endpoint: props.loki.otlpUrl, ...queued };
    pipelines.logs = pipeline('otlphttp/loki');
  }
  const processors: Record<string, ProcessorConfig> = { memory_limiter: memoryLimiter(), batch: batchProcessor() };
  if (props.prometheus) {
    // Prometheus's OTLP receiver takes metrics only, at a full URL: one exporter per URL, one pipeline per destination.
    processors[SERVICE_LABEL_PROCESSOR] = serviceLabelTransform();
    const toPrometheus = (pipelineId: string, urls: readonly string[], exporterId: (i: number) => string, filter?: { id: string; config: ProcessorConfig }): void => {
      const ids = urls.map((url, i) => {
        exporters[exporterId(i)] = { type: 'otlphttp', metricsEndpoint: url, ...queued };
        return exporterId(i);
      });
      if (filter) processors[filter.id] = filter.config;
      pipelines[pipelineId] = { receivers: ['otlp'], processors: ['memory_limiter', SERVICE_LABEL_PROCESSOR, ...(filter ? [filter.id] : []), 'batch'], exporters: ids };
    };
    const shards = props.prometheus.otlpMetricsShards ?? [];
    if (shards.length > 1) {
      // Hashmod shards: one pipeline per shard, keeping the services that shard scrapes (by the final `service` label,
      // after the service-label transform); every other service and unlabelled metrics on shard 0.
      shards.forEach((shard, k) => {
        const config = shardFilter(k, shards);
        toPrometheus(`metrics/prometheus-shard-${k}`, shard.urls, (i) => `otlphttp/prometheus-shard-${k}-${i}`, config && { id: `filter/prometheus-shard-${k}`, config });
      });
    } else {
      // An HA group gets every metric on each replica (through the one load-balanced URL each would get part of them).
      const replicas = props.prometheus.replicaOtlpMetricsUrls ?? [];
      if (replicas.length > 1) toPrometheus('metrics', replicas, (i) => `otlphttp/prometheus-${i}`);
      else toPrometheus('metrics', [props.prometheus.otlpMetricsUrl], () => 'otlphttp/prometheus');
    }
  }
  if (Object.keys(pipelines).length === 0) {
    throw new ConfigError({
      path,
      message: 'has no backend, so it would have no pipeline and the collector would refuse to start',
      fix: 'pass at least one of jaeger (traces), loki (logs) or prometheus (metrics).',
    });
  }
  return {
    extensions: {
      health_check: healthCheck(),
      ...(queue ? { [QUEUE_STORAGE]: { type: 'file_storage' as const, directory: GATEWAY_DEFAULTS.queueDir, compaction: { onStart: true, onRebound: true, directory: GATEWAY_DEFAULTS.queueDir } } } : {}),
    },
    receivers: { otlp: otlpReceiver(tls) },
    processors,
    exporters,
    service: { extensions: queue ? ['health_check', QUEUE_STORAGE] : ['health_check'], pipelines, telemetry: telemetry() },
  };
}

/** The gateway's metrics-pipeline processor that gives OTLP metrics the `service` label (serviceLabelTransform). */
export const SERVICE_LABEL_PROCESSOR = 'transform/service-label';

/**
 * Scraped series carry a `service` label (relabeling from the pod's app.kubernetes.io/name) and every SLO and
 * dashboard query groups `by (service)`. Prometheus' OTLP receiver turns resource attributes into `job`/`instance`
 * and `target_info` only (promote_resource_attributes would add `service_name`, not `service`), so the gateway copies
 * the resource's `service.name` onto each data point as `service`, unless the point already has one
 * (transform processor, OTTL datapoint context:
 * https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/processor/transformprocessor/README.md).
 */
/** `^(?:a|b)$` over service names (DNS labels; a `.` is matched literally, without a backslash to escape in OTTL). */
function serviceAlternation(services: readonly string[]): string {
  return `^(?:${services.map((s) => s.replace(/\./g, '[.]')).join('|')})$`;
}

/**
 * The `filter` processor of shard `k`'s metrics pipeline (pure): it drops the data points the shard must not keep, by
 * their `service` attribute (https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/processor/filterprocessor/README.md:
 * a data point matching a `datapoint` condition is dropped). Shard 0 drops the other shards' services and keeps the
 * rest (services outside the catalog, data points without `service`); shard k > 0 keeps only its own. None when
 * shard 0 has nothing to drop.
 */
export function shardFilter(k: number, shards: readonly OtlpMetricsShard[]): ProcessorConfig | undefined {
  const label = `attributes["${TARGET_LABELS.service}"]`;
  let condition: string;
  if (k === 0) {
    const others = shards.slice(1).flatMap((s) => s.services).sort();
    if (others.length === 0) return undefined;
    condition = `IsMatch(${label}, "${serviceAlternation(others)}")`;
  } else {
    const own = shards[k].services;
    condition = own.length === 0 ? 'true' : `not IsMatch(${label}, "${serviceAlternation(own)}")`;
  }
  return { raw: { error_mode: 'ignore', metrics: { datapoint: [condition] } } };
}

export function serviceLabelTransform(): ProcessorConfig {
  const label = TARGET_LABELS.service;
  return {
    raw: {
      error_mode: 'ignore',
      metric_statements: [
        {
          context: 'datapoint',
          statements: [`set(attributes["${label}"], resource.attributes["service.name"]) where attributes["${label}"] == nil and resource.attributes["service.name"] != nil`],
        },
      ],
    },
  };
}
