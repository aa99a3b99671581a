import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { IOtlpReceiver } from '../../common/endpoints';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { clusterScoped, defaultAgentNamespace } from '../../common/namespace';
import { stackService } from '../../common/service';
import { tlsSecret } from '../../common/tls';
import { MountSpec, TOLERATE_EVERY_TAINT, secureDaemonSet } from '../../common/workload';
import { METRICS_PORT, OTLP_PORTS, TLS_DIR, batchProcessor, collectorDnsNames, collectorEndpoints, collectorPodParts, healthCheck, memoryLimiter, otlpReceiver, telemetry } from './collector-pod';
import { CollectorConfig, ExtensionConfig, K8sAttributesProcessorConfig, PipelineConfig, ReceiverConfig } from './config';
import { CHECKPOINT_HOST_DIR, COLLECTOR_APP_NAME, COLLECTOR_CONTAINER, ENV, POD_LOG_DIR } from './defaults';
import { OtelCollectorAgentModel, OtelCollectorAgentProps, otelCollectorAgentModel } from './model';

export type { OtelCollectorAgentProps } from './model';

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
export class OtelCollectorAgent extends Construct implements IOtlpReceiver, INetworkComponent {
  public readonly otlpGrpcEndpoint: string;
  public readonly otlpHttpUrl: string;
  public readonly serviceName: string;
  public readonly namespace: string;
  /** The validated props, every default resolved. */
  public readonly model: OtelCollectorAgentModel;
  /** The validated collector configuration (`config.yaml`). */
  public readonly config: CollectorConfig;
  public readonly daemonSet: kplus.DaemonSet;
  public readonly service: kplus.Service;
  public readonly serviceAccount: kplus.ServiceAccount;
  /** What the network policies know: OTLP in, internal metrics; k8sattributes calls the API server. */
  public readonly network: ComponentNetwork;

  constructor(scope: Construct, id: string, props: OtelCollectorAgentProps) {
    super(scope, id);
    const model = otelCollectorAgentModel(props, this.node.path, defaultAgentNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    const { name, image, podLogs, checkpoints } = model;
    this.serviceName = name;
    const endpoints = collectorEndpoints(name, this.namespace, model.tls !== undefined);
    this.otlpGrpcEndpoint = endpoints.otlpGrpcEndpoint;
    this.otlpHttpUrl = endpoints.otlpHttpUrl;
    this.config = agentConfig(model);

    const identity: ComponentIdentity = { name: COLLECTOR_APP_NAME, instance: name, component: 'agent', version: image };
    const labels = recommendedLabels(identity);
    this.network = {
      pods: { namespace: this.namespace, podSelector: selectorLabels(identity) },
      ports: { otlp: OTLP_PORTS, metrics: [METRICS_PORT] },
      callsApiServer: true,
    };

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace: this.namespace, labels },
      automountToken: false,
    });
    const roleName = `${this.namespace}-${name}`;
    clusterScoped(
      new k8s.KubeClusterRole(this, 'ClusterRole', {
        metadata: { name: roleName, labels },
        rules: K8S_ATTRIBUTES_RULES.map((r) => ({ ...r })),
      }),
    );
    clusterScoped(
      new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
        metadata: { name: roleName, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
        subjects: [{ kind: 'ServiceAccount', name, namespace: this.namespace }],
      }),
    );

    const mounts: MountSpec[] = [];
    if (podLogs) {
      const logs = kplus.Volume.fromHostPath(this, 'PodLogs', 'varlogpods', {
        path: POD_LOG_DIR,
        type: kplus.HostPathVolumeType.DIRECTORY,
      });
      mounts.push({ volume: logs, path: POD_LOG_DIR, readOnly: true });
    }
    if (model.tls) {
      const secretName = tlsSecret(this, 'Certificate', model.tls, { namespace: this.namespace, name, dnsNames: collectorDnsNames(name, this.namespace), labels });
      const secret = kplus.Secret.fromSecretName(this, 'TlsSecret', secretName);
      mounts.push({ volume: kplus.Volume.fromSecret(this, 'TlsVolume', secret, { name: 'tls', defaultMode: 0o440 }), path: TLS_DIR, readOnly: true });
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
      resources: model.resources,
      config: this.config,
      env: { [ENV.nodeName]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME) },
      mounts,
    });
    this.daemonSet = secureDaemonSet(this, 'Resource', {
      scheduling: model.scheduling,
      identity,
      namespace: this.namespace,
      containers: [parts.container],
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: this.network.callsApiServer,
      podAnnotations: parts.podAnnotations,
      // Log files under /var/log/pods are root-owned (0640); root with ALL capabilities dropped can read them.
      hostAccess: podLogs ? { runAsRoot: true } : undefined,
      tolerations: model.tolerateAllTaints ? TOLERATE_EVERY_TAINT : undefined,
    });

    this.service = stackService(this, 'Service', {
      identity,
      namespace: this.namespace,
      name: this.serviceName,
      ports: OTLP_PORTS,
      // Each pod reaches the agent of its own node.
      internalTrafficPolicy: 'Local',
    });
  }
}

/** One host directory per agent: two agents on a node must not share a bbolt file (its lock would block one). */
export function checkpointHostPath(namespace: string, name: string): string {
  return `${CHECKPOINT_HOST_DIR}/${namespace}_${name}`;
}

/** The agent's pipelines (pure): OTLP (and pod logs) → memory_limiter → k8sattributes → batch → the gateway. */
export function agentConfig(spec: OtelCollectorAgentModel): CollectorConfig {
  const signals = spec.signals;
  const receivers: Record<string, ReceiverConfig> = { otlp: otlpReceiver(spec.tls !== undefined) };
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
