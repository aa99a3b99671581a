import { IJaeger, ILoki, IOtlpReceiver, IPrometheus } from '../../common/endpoints';
import { ConfigProblem, ProblemCollector } from '../../common/errors';
import { DEFAULT_AGENT_NAMESPACE, DEFAULT_NAMESPACE } from '../../common/namespace';
import { ComponentModel, componentModel } from '../../common/model';
import { didYouMeanText, dns1123SubdomainProblems, goDurationProblems, hostPortProblems, wholeNumberProblems } from '../../common/validation';
import { ByteSize } from '../../common/quantity';
import { TlsCertificate } from '../../common/tls';
import { ResourceSpec, SchedulableProps } from '../../common/workload';
import { ImageVersion, VERSIONS } from '../../versions';
import { SIGNAL_TYPES, SignalType } from './config';
import { AGENT_DEFAULTS, GATEWAY_DEFAULTS } from './defaults';
import type { ITraceSampler } from './tiers';

/** A collector that says which signals it has pipelines for (the in-stack gateway). */
export interface IOtlpGateway extends IOtlpReceiver {
  /** The signals the gateway has a pipeline for: an agent should only send these. */
  readonly signals: readonly SignalType[];
}

function isGateway(r: IOtlpReceiver): r is IOtlpGateway {
  return Array.isArray((r as Partial<IOtlpGateway>).signals);
}

export interface OtelCollectorGatewayProps extends SchedulableProps {
  /** Traces go to this Jaeger's OTLP/gRPC endpoint (plaintext in-cluster). @default - no traces pipeline */
  readonly jaeger?: IJaeger;
  /**
   * Scale-out: traces go to this tail-sampling tier instead (`loadbalancing` exporter, routing by trace id over its
   * headless Service with the `k8s` resolver; the gateway gets a ServiceAccount and a Role to watch its endpoints),
   * which exports the kept traces to Jaeger. See tiers.ts. @default - traces straight to `jaeger`
   */
  readonly traceSampler?: ITraceSampler;
  /** Logs go to this Loki's OTLP endpoint (`otlphttp`). @default - no logs pipeline */
  readonly loki?: ILoki;
  /** Metrics go to this Prometheus's OTLP receiver (`otlphttp` `metrics_endpoint`). @default - no metrics pipeline */
  readonly prometheus?: IPrometheus;
  /** @default - the chart's namespace, else 'observability' */
  readonly namespace?: string;
  /** Name of the Deployment, Service and ConfigMap prefix. @default otel-gateway */
  readonly name?: string;
  /** @default 2 (a rollout or a node loss never stops ingestion) */
  readonly replicas?: number;
  /** @default VERSIONS.otelCollector (the contrib distribution) */
  readonly image?: ImageVersion;
  /**
   * memory_limiter and GOMEMLIMIT follow the memory limit.
   * @default { cpuRequest: '250m', memoryRequest: '1Gi' } (limit = request)
   */
  readonly resources?: ResourceSpec;
  /**
   * TLS on the OTLP receivers (gRPC and HTTP): a Secret you create, or a cert-manager Certificate for the Service's
   * names (`<name>`, `<name>.<namespace>`, `<name>.<namespace>.svc[.cluster.local]`). Clients then send to
   * `https://...:4318` / gRPC with TLS.
   * @default - plaintext inside the cluster
   */
  readonly tls?: TlsCertificate;
  /**
   * Keep each exporter's sending queue on disk (a `file_storage` extension on a volume of the pod) and retry for
   * `retryMaxElapsedTime`, so a backend outage or a collector restart does not drop what was already accepted. Where
   * the queue lives is `queueVolume`: by default a PersistentVolumeClaim per replica (the gateway is then a
   * StatefulSet), so the queue also survives the pod's deletion (rollout, node drain).
   * @default false (queues in memory, upstream's 5-minute retry)
   */
  readonly persistentQueue?: boolean;
  /**
   * The queue's volume, with `persistentQueue`: `'claim'` makes the gateway a StatefulSet with one
   * PersistentVolumeClaim per replica (the queue survives the pod's deletion: a rescheduled pod gets its claim
   * back); `'emptyDir'` keeps a Deployment with an emptyDir (for clusters without storage: the queue survives
   * container restarts only — crash, OOM kill — not the pod's deletion).
   * @default 'claim'
   */
  readonly queueVolume?: GatewayQueueVolume;
  /** Batches each exporter's queue holds (`sending_queue.queue_size`). @default 5000 */
  readonly queueSize?: number;
  /** Size of the queue volume (the claim's request, or the emptyDir's size limit). @default '2Gi' */
  readonly queueVolumeSize?: string;
  /** StorageClass of the queue claims (`queueVolume: 'claim'`). @default - the cluster's default */
  readonly queueStorageClassName?: string;
  /** How long a batch is retried before it is dropped (`retry_on_failure.max_elapsed_time`), a Go duration. @default '1h' with persistentQueue, else upstream's 300s */
  readonly retryMaxElapsedTime?: string;
}

/** Where the gateway's persistent queue lives (see `OtelCollectorGatewayProps.queueVolume`). */
export type GatewayQueueVolume = 'claim' | 'emptyDir';

const QUEUE_VOLUMES: readonly GatewayQueueVolume[] = ['claim', 'emptyDir'];

/** The validated gateway settings (the backends stay references: see `OtelCollectorGatewayProps`). */
export interface OtelCollectorGatewayModel extends ComponentModel {
  readonly replicas: number;
  readonly tls?: TlsCertificate;
  /** The on-disk queue, when on. */
  readonly persistentQueue?: {
    readonly queueSize: number;
    readonly volume: GatewayQueueVolume;
    readonly volumeSize: ByteSize;
    readonly storageClassName?: string;
    readonly retryMaxElapsedTime: string;
  };
}

export interface OtelCollectorAgentProps extends SchedulableProps {
  /** Where the agent sends everything (OTLP/gRPC, plaintext in-cluster): usually an `OtelCollectorGateway`. */
  readonly gateway: IOtlpReceiver;
  /**
   * Must allow hostPath volumes and root (Pod Security `privileged`) when `podLogs` is on.
   * @default - the stack's agents namespace, else 'observability-agents'
   */
  readonly namespace?: string;
  /** Name of the DaemonSet, Service, ServiceAccount and ConfigMap prefix. @default otel-agent */
  readonly name?: string;
  /** @default VERSIONS.otelCollector (the contrib distribution, which has filelog and k8sattributes) */
  readonly image?: ImageVersion;
  /**
   * memory_limiter and GOMEMLIMIT follow the memory limit.
   * @default { cpuRequest: '100m', memoryRequest: '512Mi' } (limit = request)
   */
  readonly resources?: ResourceSpec;
  /**
   * Tail every pod's log files under /var/log/pods (hostPath, read-only; the container runs as root to read them,
   * everything else stays locked down). Off: no hostPath, no root, OTLP only.
   * @default - true when the agent forwards logs (see `signals`)
   */
  readonly podLogs?: boolean;
  /**
   * Keep filelog offsets in a file_storage extension on a hostPath (`/var/lib/otelcol/<namespace>_<name>`), so a
   * restarted agent neither re-reads nor skips log lines. Only with `podLogs`.
   * @default true
   */
  readonly checkpoints?: boolean;
  /**
   * The signals to forward (one pipeline each).
   * @default - the gateway's signals when it is an OtelCollectorGateway, else traces, metrics and logs
   */
  readonly signals?: readonly SignalType[];
  /** Run on every node, tainted or not, so every pod's logs and OTLP have a local agent. @default true */
  readonly tolerateAllTaints?: boolean;
  /**
   * TLS on the OTLP receivers (gRPC and HTTP): a Secret you create, or a cert-manager Certificate for the Service's
   * names (`<name>`, `<name>.<namespace>`, `<name>.<namespace>.svc[.cluster.local]`). Clients then send to
   * `https://...:4318` / gRPC with TLS.
   * @default - plaintext inside the cluster
   */
  readonly tls?: TlsCertificate;
}

/** The validated agent settings, every default resolved. */
export interface OtelCollectorAgentModel extends ComponentModel {
  /** Where everything goes (`host:port`, OTLP/gRPC). */
  readonly gatewayEndpoint: string;
  /** The signals forwarded, in the collector's order. */
  readonly signals: readonly SignalType[];
  readonly podLogs: boolean;
  readonly checkpoints: boolean;
  readonly tolerateAllTaints: boolean;
  readonly tls?: TlsCertificate;
}

/**
 * Resolves and validates the gateway's props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function otelCollectorGatewayModel(props: OtelCollectorGatewayProps, path = 'OtelCollectorGateway', namespace = DEFAULT_NAMESPACE): OtelCollectorGatewayModel {
  const c = new ProblemCollector();
  const base = componentModel(props, { name: GATEWAY_DEFAULTS.name, image: VERSIONS.otelCollector, resources: GATEWAY_DEFAULTS.resources }, path, namespace, c);
  const replicas = props.replicas ?? GATEWAY_DEFAULTS.replicas;
  c.addAll(wholeNumberProblems(replicas, `${path}.replicas`, { fix: 'use 2 (the default) so a rollout never stops ingestion.' }));
  c.addAll(tlsProblems(props.tls, `${path}.tls`));
  let persistentQueue: OtelCollectorGatewayModel['persistentQueue'];
  if (props.persistentQueue) {
    const queueSize = props.queueSize ?? GATEWAY_DEFAULTS.queueSize;
    c.addAll(wholeNumberProblems(queueSize, `${path}.queueSize`, { min: 1, fix: 'use e.g. 5000 batches.' }));
    const retryMaxElapsedTime = props.retryMaxElapsedTime ?? GATEWAY_DEFAULTS.retryMaxElapsedTime;
    c.addAll(goDurationProblems(retryMaxElapsedTime, `${path}.retryMaxElapsedTime`, '1h'));
    const volumeSize = c.value(() => ByteSize.parse(props.queueVolumeSize ?? GATEWAY_DEFAULTS.queueVolumeSize, `${path}.queueVolumeSize`));
    const volume = props.queueVolume ?? 'claim';
    if (!QUEUE_VOLUMES.includes(volume)) {
      c.add({ path: `${path}.queueVolume`, message: "is not a queue volume (allowed: 'claim', 'emptyDir')", value: volume, fix: `${didYouMeanText(volume, QUEUE_VOLUMES)}use 'claim' (a PersistentVolumeClaim per replica) or 'emptyDir' (no storage in the cluster).` });
    }
    if (props.queueStorageClassName !== undefined) {
      c.addAll(dns1123SubdomainProblems(props.queueStorageClassName, `${path}.queueStorageClassName`));
      if (volume === 'emptyDir') c.add({ path: `${path}.queueStorageClassName`, message: "only applies with queueVolume: 'claim'", value: props.queueStorageClassName, fix: "drop it, or use queueVolume: 'claim'." });
    }
    persistentQueue = {
      queueSize,
      volume,
      volumeSize: volumeSize!,
      ...(props.queueStorageClassName !== undefined && volume === 'claim' ? { storageClassName: props.queueStorageClassName } : {}),
      retryMaxElapsedTime,
    };
  } else {
    for (const key of ['queueSize', 'queueVolume', 'queueVolumeSize', 'queueStorageClassName', 'retryMaxElapsedTime'] as const) {
      if (props[key] !== undefined) c.add({ path: `${path}.${key}`, message: 'only applies with persistentQueue: true', value: props[key], fix: 'set persistentQueue: true, or drop it.' });
    }
  }
  c.throwIfAny();
  return { ...base, replicas, tls: props.tls, persistentQueue };
}

/**
 * Resolves and validates the agent's props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function otelCollectorAgentModel(props: OtelCollectorAgentProps, path = 'OtelCollectorAgent', namespace = DEFAULT_AGENT_NAMESPACE): OtelCollectorAgentModel {
  const c = new ProblemCollector();
  const base = componentModel(props, { name: AGENT_DEFAULTS.name, image: VERSIONS.otelCollector, resources: AGENT_DEFAULTS.resources }, path, namespace, c);
  c.addAll(hostPortProblems(props.gateway.otlpGrpcEndpoint, `${path}.gateway.otlpGrpcEndpoint`, { example: 'otel-gateway.observability.svc:4317' }));
  const given = props.signals ?? (isGateway(props.gateway) ? props.gateway.signals : SIGNAL_TYPES);
  const signals = SIGNAL_TYPES.filter((s) => given.includes(s));
  const podLogs = props.podLogs ?? signals.includes('logs');
  if (signals.length === 0) {
    c.add({ path: `${path}.signals`, message: 'is empty, so the agent would have no pipeline', value: given, fix: `list at least one of ${SIGNAL_TYPES.join(', ')}.` });
  } else if (podLogs && !signals.includes('logs')) {
    c.add({
      path: `${path}.signals`,
      message: 'leaves out logs while podLogs is on, so the pod logs the agent reads would go nowhere',
      value: given,
      fix: 'add "logs" to signals (and give the gateway a loki), or set podLogs: false.',
    });
  }
  c.addAll(tlsProblems(props.tls, `${path}.tls`));
  c.throwIfAny();
  return {
    ...base,
    tls: props.tls,
    gatewayEndpoint: props.gateway.otlpGrpcEndpoint,
    signals,
    podLogs,
    checkpoints: podLogs && (props.checkpoints ?? true),
    tolerateAllTaints: props.tolerateAllTaints ?? true,
  };
}

function tlsProblems(tls: TlsCertificate | undefined, path: string): ConfigProblem[] {
  if (tls === undefined) return [];
  if (!(tls instanceof TlsCertificate)) return [{ path, message: 'is not a TlsCertificate', value: tls, fix: 'use TlsCertificate.fromSecret(...) or TlsCertificate.fromCertManager(...).' }];
  return tls.problems(path);
}
