import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { IOtlpReceiver, serviceHost } from '../../common/endpoints';
import { ConfigError } from '../../common/errors';
import { ComponentIdentity, recommendedLabels } from '../../common/labels';
import { stackService } from '../../common/service';
import { MountSpec, ResourceSpec, secureDaemonSet } from '../../common/workload';
import { ImageVersion, VERSIONS } from '../../versions';
import { batchProcessor, checkCollectorProps, collectorPodParts, healthCheck, memoryLimiter, otlpReceiver, telemetry } from './collector-pod';
import {
  CollectorConfig,
  ExtensionConfig,
  K8sAttributesProcessorConfig,
  PipelineConfig,
  ReceiverConfig,
  SIGNAL_TYPES,
  SignalType,
} from './config';
import { AGENT_DEFAULTS, CHECKPOINT_HOST_DIR, COLLECTOR_APP_NAME, COLLECTOR_CONTAINER, ENV, OTEL_PORTS, POD_LOG_DIR } from './defaults';
import { OtelCollectorGateway } from './gateway';

export interface OtelCollectorAgentProps {
  /** Where the agent sends everything (OTLP/gRPC, plaintext in-cluster): usually an `OtelCollectorGateway`. */
  readonly gateway: IOtlpReceiver;
  /**
   * Must allow hostPath volumes and root (Pod Security `privileged`) when `podLogs` is on.
   * @default observability-agents
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
}

/** The k8sattributes RBAC the processor's README lists for what the agent extracts. */
export const K8S_ATTRIBUTES_RULES: readonly k8s.PolicyRule[] = [
  // pods and their namespaces: association and k8s.namespace.name / k8s.pod.* / k8s.node.name (from the pod spec).
  { apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] },
  // k8s.deployment.name is resolved through the pod's ReplicaSet. Nodes are NOT needed: the agent extracts neither
  // k8s.node.uid nor node labels.
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
];

/**
 * The collector agent: a DaemonSet in the agents namespace. Pods send OTLP to their own node's agent through a
 * Service with `internalTrafficPolicy: Local` (no hostPort); the agent also tails the node's pod logs (filelog with
 * the container parser), adds Kubernetes metadata (k8sattributes, limited to its node) and forwards everything to the
 * gateway. Processors: memory_limiter, k8sattributes, batch.
 */
export class OtelCollectorAgent extends Construct implements IOtlpReceiver {
  public readonly otlpGrpcEndpoint: string;
  public readonly otlpHttpUrl: string;
  public readonly serviceName: string;
  public readonly namespace: string;
  /** The validated collector configuration (`config.yaml`). */
  public readonly config: CollectorConfig;
  public readonly daemonSet: kplus.DaemonSet;
  public readonly service: kplus.Service;
  public readonly serviceAccount: kplus.ServiceAccount;

  constructor(scope: Construct, id: string, props: OtelCollectorAgentProps) {
    super(scope, id);
    this.namespace = props.namespace ?? AGENT_DEFAULTS.namespace;
    const name = props.name ?? AGENT_DEFAULTS.name;
    const image = props.image ?? VERSIONS.otelCollector;
    const resources = props.resources ?? AGENT_DEFAULTS.resources;
    this.serviceName = name;
    const host = serviceHost(this.serviceName, this.namespace);
    this.otlpGrpcEndpoint = `${host}:${OTEL_PORTS.otlpGrpc}`;
    this.otlpHttpUrl = `http://${host}:${OTEL_PORTS.otlpHttp}`;

    checkCollectorProps({ namespace: this.namespace, name, resources: props.resources }, this.node.path);
    const signals = props.signals ?? (props.gateway instanceof OtelCollectorGateway ? props.gateway.signals : SIGNAL_TYPES);
    const podLogs = props.podLogs ?? signals.includes('logs');
    const checkpoints = podLogs && (props.checkpoints ?? true);
    this.config = agentConfig({
      gatewayEndpoint: props.gateway.otlpGrpcEndpoint,
      signals,
      podLogs,
      checkpoints,
      namespace: this.namespace,
      name,
      path: this.node.path,
    });

    const identity: ComponentIdentity = { name: COLLECTOR_APP_NAME, instance: name, component: 'agent', version: image };
    const labels = recommendedLabels(identity);

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace: this.namespace, labels },
      automountToken: false,
    });
    const roleName = `${this.namespace}-${name}`;
    const role = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: roleName, labels },
      rules: K8S_ATTRIBUTES_RULES.map((r) => ({ ...r })),
    });
    const binding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: roleName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name, namespace: this.namespace }],
    });
    clusterScoped(role);
    clusterScoped(binding);

    const mounts: MountSpec[] = [];
    if (podLogs) {
      const logs = kplus.Volume.fromHostPath(this, 'PodLogs', 'varlogpods', {
        path: POD_LOG_DIR,
        type: kplus.HostPathVolumeType.DIRECTORY,
      });
      mounts.push({ volume: logs, path: POD_LOG_DIR, readOnly: true });
    }
    if (checkpoints) {
      const state = kplus.Volume.fromHostPath(this, 'Checkpoints', 'checkpoints', {
        path: checkpointHostPath(this.namespace, name),
        type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE,
      });
      mounts.push({ volume: state, path: CHECKPOINT_HOST_DIR, readOnly: false });
    }

    const parts = collectorPodParts(this, {
      identity,
      namespace: this.namespace,
      image,
      resources,
      config: this.config,
      env: { [ENV.nodeName]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME) },
      mounts,
      propsPath: this.node.path,
    });
    this.daemonSet = secureDaemonSet(this, 'Resource', {
      identity,
      namespace: this.namespace,
      containers: [parts.container],
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: true,
      podAnnotations: parts.podAnnotations,
      // Log files under /var/log/pods are root-owned (0640); root with ALL capabilities dropped can read them.
      hostAccess: podLogs ? { runAsRoot: true } : undefined,
      tolerateAllTaints: props.tolerateAllTaints ?? true,
    });

    this.service = stackService(this, 'Service', {
      identity,
      namespace: this.namespace,
      name: this.serviceName,
      ports: [
        { name: 'otlp-grpc', port: OTEL_PORTS.otlpGrpc },
        { name: 'otlp-http', port: OTEL_PORTS.otlpHttp },
      ],
    });
    // Each pod reaches the agent of its own node (https://kubernetes.io/docs/concepts/services-networking/service-traffic-policy/).
    ApiObject.of(this.service).addJsonPatch(JsonPatch.add('/spec/internalTrafficPolicy', 'Local'));
  }
}

/** cdk8s gives every object its Chart's namespace; a cluster-scoped object must carry none. */
function clusterScoped(obj: ApiObject): void {
  if (Chart.of(obj).namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

/** One host directory per agent: two agents on a node must not share a bbolt file (its lock would block one). */
export function checkpointHostPath(namespace: string, name: string): string {
  return `${CHECKPOINT_HOST_DIR}/${namespace}_${name}`;
}

export interface AgentConfigSpec {
  readonly gatewayEndpoint: string;
  readonly signals: readonly SignalType[];
  readonly podLogs: boolean;
  readonly checkpoints: boolean;
  /** The agent's namespace and name, to exclude its own log files. */
  readonly namespace: string;
  readonly name: string;
  readonly path: string;
}

/** The agent's pipelines: OTLP (and pod logs) → memory_limiter → k8sattributes → batch → the gateway. */
export function agentConfig(spec: AgentConfigSpec): CollectorConfig {
  const signals = SIGNAL_TYPES.filter((s) => spec.signals.includes(s));
  if (signals.length === 0) {
    throw new ConfigError({
      path: `${spec.path}.signals`,
      message: 'is empty, so the agent would have no pipeline',
      value: spec.signals,
      fix: `list at least one of ${SIGNAL_TYPES.join(', ')}.`,
    });
  }
  if (spec.podLogs && !signals.includes('logs')) {
    throw new ConfigError({
      path: `${spec.path}.signals`,
      message: 'leaves out logs while podLogs is on, so the pod logs the agent reads would go nowhere',
      value: spec.signals,
      fix: 'add "logs" to signals (and give the gateway a loki), or set podLogs: false.',
    });
  }

  const receivers: Record<string, ReceiverConfig> = { otlp: otlpReceiver() };
  const extensions: Record<string, ExtensionConfig> = { health_check: healthCheck() };
  if (spec.checkpoints) extensions.file_storage = { type: 'file_storage', directory: CHECKPOINT_HOST_DIR };
  if (spec.podLogs) {
    receivers.filelog = {
      type: 'filelog',
      include: [`${POD_LOG_DIR}/*/*/*.log`],
      // The agent's own logs: reading them would feed its export errors back into its input.
      exclude: [`${POD_LOG_DIR}/${spec.namespace}_${spec.name}-*_*/${COLLECTOR_CONTAINER}/*.log`],
      // Without a stored offset (first start on a node), skip history; with checkpoints, resume where it stopped.
      startAt: 'end',
      // The container parser reads k8s.* from log.file.path; the file name alone adds nothing.
      includeFilePath: true,
      includeFileName: false,
      storage: spec.checkpoints ? 'file_storage' : undefined,
      // Hold and resend a batch memory_limiter refuses instead of dropping it.
      retryOnFailure: { enabled: true },
      operators: [{ type: 'container', id: 'container-parser' }],
    };
  }
  const k8sattributes: K8sAttributesProcessorConfig = {
    type: 'k8sattributes',
    authType: 'serviceAccount',
    passthrough: false,
    filter: { nodeFromEnvVar: ENV.nodeName },
    extract: {
      metadata: ['k8s.namespace.name', 'k8s.pod.name', 'k8s.pod.uid', 'k8s.deployment.name', 'k8s.node.name'],
      // Applications that set service.name keep it: the processor never overwrites an attribute.
      labels: [{ tagName: 'service.name', key: 'app.kubernetes.io/name', from: 'pod' }],
    },
    podAssociation: [
      // Set by the container parser (pod logs) or by SDKs that report it.
      { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
      { sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] },
      // OTLP straight from a pod on this node.
      { sources: [{ from: 'connection' }] },
    ],
  };
  const pipelines: Record<string, PipelineConfig> = {};
  for (const signal of signals) {
    pipelines[signal] = {
      receivers: signal === 'logs' && spec.podLogs ? ['otlp', 'filelog'] : ['otlp'],
      processors: ['memory_limiter', 'k8sattributes', 'batch'],
      exporters: ['otlp/gateway'],
    };
  }
  return {
    extensions,
    receivers,
    processors: { memory_limiter: memoryLimiter(), k8sattributes, batch: batchProcessor() },
    exporters: { 'otlp/gateway': { type: 'otlp', endpoint: spec.gatewayEndpoint, tls: { insecure: true } } },
    service: {
      extensions: Object.keys(extensions).sort(),
      pipelines,
      telemetry: telemetry(),
    },
  };
}
