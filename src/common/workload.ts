import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { ConfigError, ConfigProblem, ProblemCollector } from './errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from './labels';
import { parseByteQuantity, parseCpuMillis } from './quantity';
import { imageOf } from '../versions';

/**
 * The one place where pods are built. Every workload of the stack goes through here, so every container gets the
 * same secure defaults: non-root, read-only root filesystem, all capabilities dropped, no privilege escalation,
 * seccomp RuntimeDefault, cpu/memory requests and a memory limit, readiness and liveness probes.
 *
 * A pod that needs host access (node-exporter, the log-reading agent) says so explicitly with `hostAccess`; it must
 * run in a namespace whose Pod Security level allows it.
 */

export interface PortSpec {
  readonly name: string;
  readonly port: number;
  /** @default TCP */
  readonly protocol?: 'TCP' | 'UDP';
}

export interface ProbeSpec {
  /** HTTP path; omit for a TCP socket probe. */
  readonly path?: string;
  readonly port: number;
  /** @default 0 */
  readonly initialDelaySeconds?: number;
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
}

/** Kubernetes quantities. The memory limit equals the request unless set: the scheduler then reserves what is used. */
export interface ResourceSpec {
  /** e.g. `100m` */
  readonly cpuRequest: string;
  /** e.g. `256Mi` */
  readonly memoryRequest: string;
  /** @default - equal to memoryRequest */
  readonly memoryLimit?: string;
  /** @default - no CPU limit (throttling hurts latency more than it protects neighbours) */
  readonly cpuLimit?: string;
}

export interface MountSpec {
  readonly volume: kplus.Volume;
  readonly path: string;
  /** @default true */
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

/** A volume claim template (StatefulSet only): one PVC per replica. */
export interface ClaimSpec {
  readonly name: string;
  readonly mountPath: string;
  /** Requested storage, a Kubernetes quantity, e.g. `50Gi`. */
  readonly size: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

export interface SecureContainerSpec {
  readonly name: string;
  readonly image: import('../versions').ImageVersion;
  readonly args?: readonly string[];
  readonly command?: readonly string[];
  readonly env?: Readonly<Record<string, kplus.EnvValue>>;
  readonly ports?: readonly PortSpec[];
  readonly resources: ResourceSpec;
  readonly readiness: ProbeSpec;
  readonly liveness: ProbeSpec;
  readonly mounts?: readonly MountSpec[];
  /** Claims (by name) from the StatefulSet's claim templates to mount in this container. */
  readonly claimMounts?: readonly string[];
  /** Run as this UID. @default - the pod's user */
  readonly user?: number;
  /** Extra Linux capabilities to add back after dropping ALL (e.g. none for every component of this stack). */
  readonly addCapabilities?: readonly kplus.Capability[];
}

export interface HostAccess {
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  /** Run as root (needed to read other pods' log files on most distributions). @default false */
  readonly runAsRoot?: boolean;
}

export interface WorkloadSpec {
  readonly identity: ComponentIdentity;
  readonly namespace: string;
  readonly containers: readonly SecureContainerSpec[];
  readonly serviceAccount?: kplus.IServiceAccount;
  /** Mount the service account token (only for pods that talk to the Kubernetes API). @default false */
  readonly automountServiceAccountToken?: boolean;
  /** @default 65534 (nobody) */
  readonly user?: number;
  /** @default 65534 */
  readonly group?: number;
  /** Group that owns mounted volumes. @default - same as group */
  readonly fsGroup?: number;
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Host namespaces for node-level collectors. @default - none */
  readonly hostAccess?: HostAccess;
  /** Tolerate every taint (node-level DaemonSets run on every node). @default false */
  readonly tolerateAllTaints?: boolean;
  /** Seconds to let the process shut down cleanly. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
}

export interface DeploymentSpec extends WorkloadSpec {
  /** @default 1 */
  readonly replicas?: number;
}

export interface StatefulSetSpec extends WorkloadSpec {
  /** @default 1 */
  readonly replicas?: number;
  /** The governing (headless) Service. */
  readonly service: kplus.Service;
  readonly claims?: readonly ClaimSpec[];
  /** @default PARALLEL (members of a cluster can start together) */
  readonly podManagementPolicy?: kplus.PodManagementPolicy;
}

/**
 * Problems of a `resources` prop (pure), each naming `<path>.<field>`: every quantity parses, memory is a whole number
 * of KiB (what the pod spec can express here), and no limit is below its request (the API server refuses that pod).
 * Components call it in their model, so a typo fails at construction with the construct path.
 */
export function resourceProblems(resources: ResourceSpec | undefined, path: string): ConfigProblem[] {
  if (resources === undefined) return [];
  const c = new ProblemCollector();
  if (resources === null || typeof resources !== 'object') {
    c.add({ path, message: 'must be an object with cpuRequest and memoryRequest', value: resources, fix: 'pass e.g. { cpuRequest: "100m", memoryRequest: "256Mi", memoryLimit: "512Mi" }.' });
    return [...c.list];
  }
  const cpu = (key: 'cpuRequest' | 'cpuLimit'): number | undefined => {
    const value = resources[key];
    if (value === undefined) return undefined;
    let millis: number | undefined;
    c.check(() => (millis = parseCpuMillis(value, `${path}.${key}`)));
    return millis;
  };
  const memory = (key: 'memoryRequest' | 'memoryLimit'): number | undefined => {
    const value = resources[key];
    if (value === undefined) return undefined;
    let bytes: number | undefined;
    c.check(() => {
      toMemory(value, `${path}.${key}`);
      bytes = parseByteQuantity(value, `${path}.${key}`);
    });
    return bytes;
  };
  for (const key of ['cpuRequest', 'memoryRequest'] as const) {
    if (resources[key] === undefined) c.add({ path: `${path}.${key}`, message: 'is required', value: undefined, fix: key === 'cpuRequest' ? 'set it, e.g. "100m".' : 'set it, e.g. "256Mi".' });
  }
  const cpuRequest = cpu('cpuRequest');
  const cpuLimit = cpu('cpuLimit');
  const memoryRequest = memory('memoryRequest');
  const memoryLimit = memory('memoryLimit');
  if (cpuRequest !== undefined && cpuLimit !== undefined && cpuLimit < cpuRequest) {
    c.add({ path: `${path}.cpuLimit`, message: `must not be less than cpuRequest (${resources.cpuRequest})`, value: resources.cpuLimit, fix: 'raise the limit, lower the request, or omit cpuLimit (no CPU limit).' });
  }
  if (memoryRequest !== undefined && memoryLimit !== undefined && memoryLimit < memoryRequest) {
    c.add({ path: `${path}.memoryLimit`, message: `must not be less than memoryRequest (${resources.memoryRequest})`, value: resources.memoryLimit, fix: 'raise the limit, lower the request, or omit memoryLimit (limit = request).' });
  }
  return [...c.list];
}

function toMemory(value: string, path: string): Size {
  const bytes = parseByteQuantity(value, path);
  if (bytes % 2 ** 30 === 0) return Size.gibibytes(bytes / 2 ** 30);
  if (bytes % 2 ** 20 === 0) return Size.mebibytes(bytes / 2 ** 20);
  if (bytes % 1024 === 0) return Size.kibibytes(bytes / 1024);
  throw new ConfigError({ path, message: 'must be a whole number of KiB', value, fix: 'use e.g. "512Mi".' });
}

function toProbe(p: ProbeSpec): kplus.Probe {
  const opts = {
    initialDelaySeconds: Duration.seconds(p.initialDelaySeconds ?? 0),
    periodSeconds: Duration.seconds(p.periodSeconds ?? 10),
    timeoutSeconds: Duration.seconds(p.timeoutSeconds ?? 5),
    failureThreshold: p.failureThreshold ?? 3,
  };
  return p.path !== undefined
    ? kplus.Probe.fromHttpGet(p.path, { ...opts, port: p.port })
    : kplus.Probe.fromTcpSocket({ ...opts, port: p.port });
}

function toContainerProps(c: SecureContainerSpec, w: WorkloadSpec): kplus.ContainerProps {
  const path = `${w.identity.instance}.containers.${c.name}.resources`;
  const memoryRequest = toMemory(c.resources.memoryRequest, `${path}.memoryRequest`);
  const memoryLimit = toMemory(c.resources.memoryLimit ?? c.resources.memoryRequest, `${path}.memoryLimit`);
  const cpuRequest = kplus.Cpu.millis(parseCpuMillis(c.resources.cpuRequest, `${path}.cpuRequest`));
  const cpuLimit = c.resources.cpuLimit ? kplus.Cpu.millis(parseCpuMillis(c.resources.cpuLimit, `${path}.cpuLimit`)) : undefined;
  const root = w.hostAccess?.runAsRoot ?? false;
  return {
    name: c.name,
    image: imageOf(c.image),
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    args: c.args ? [...c.args] : undefined,
    command: c.command ? [...c.command] : undefined,
    envVariables: c.env ? { ...c.env } : undefined,
    ports: (c.ports ?? []).map((p) => ({
      name: p.name,
      number: p.port,
      protocol: p.protocol === 'UDP' ? kplus.Protocol.UDP : kplus.Protocol.TCP,
    })),
    resources: {
      cpu: { request: cpuRequest, limit: cpuLimit },
      memory: { request: memoryRequest, limit: memoryLimit },
    },
    readiness: toProbe(c.readiness),
    liveness: toProbe(c.liveness),
    volumeMounts: (c.mounts ?? []).map((m) => ({
      path: m.path,
      volume: m.volume,
      readOnly: m.readOnly ?? true,
      subPath: m.subPath,
    })),
    securityContext: {
      ensureNonRoot: !root,
      user: root ? 0 : c.user ?? w.user ?? 65534,
      group: root ? 0 : w.group ?? 65534,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: [kplus.Capability.ALL], add: c.addCapabilities ? [...c.addCapabilities] : undefined },
      seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    },
  };
}

function podProps(w: WorkloadSpec): kplus.PodProps & { podMetadata: { labels: Record<string, string>; annotations?: Record<string, string> } } {
  const root = w.hostAccess?.runAsRoot ?? false;
  return {
    podMetadata: {
      labels: recommendedLabels(w.identity),
      annotations: w.podAnnotations ? { ...w.podAnnotations } : undefined,
    },
    serviceAccount: w.serviceAccount,
    automountServiceAccountToken: w.automountServiceAccountToken ?? false,
    hostNetwork: w.hostAccess?.hostNetwork,
    securityContext: {
      ensureNonRoot: !root,
      user: root ? 0 : w.user ?? 65534,
      group: root ? 0 : w.group ?? 65534,
      fsGroup: w.fsGroup ?? (root ? undefined : w.group ?? 65534),
      fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
    },
    containers: w.containers.map((c) => toContainerProps(c, w)),
    terminationGracePeriod: Duration.seconds(w.terminationGracePeriodSeconds ?? 30),
    dns: w.hostAccess?.hostNetwork ? { policy: kplus.DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET } : undefined,
  };
}

/** Applies what cdk8s-plus has no prop for: pod-level seccomp, hostPID, tolerations, metadata labels. */
function finish(workload: kplus.Workload, w: WorkloadSpec): void {
  const api = ApiObject.of(workload);
  for (const [k, v] of Object.entries(recommendedLabels(w.identity))) api.metadata.addLabel(k, v);
  workload.select(kplus.LabelSelector.of({ labels: selectorLabels(w.identity) }));
  // cdk8s-plus labels every pod with its construct address; the stable selector labels make it redundant noise.
  api.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
  api.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
  if (w.hostAccess?.hostPID) api.addJsonPatch(JsonPatch.add('/spec/template/spec/hostPid', true) /* L1 prop name: patches apply before the L1 toJson mapping */);
  if (w.tolerateAllTaints) api.addJsonPatch(JsonPatch.add('/spec/template/spec/tolerations', [{ operator: 'Exists' }]));
}

export function secureDeployment(scope: Construct, id: string, spec: DeploymentSpec): kplus.Deployment {
  const d = new kplus.Deployment(scope, id, {
    ...podProps(spec),
    metadata: { name: spec.identity.instance, namespace: spec.namespace },
    replicas: spec.replicas ?? 1,
    select: false,
  });
  finish(d, spec);
  return d;
}

export function secureDaemonSet(scope: Construct, id: string, spec: WorkloadSpec): kplus.DaemonSet {
  const d = new kplus.DaemonSet(scope, id, {
    ...podProps(spec),
    metadata: { name: spec.identity.instance, namespace: spec.namespace },
    select: false,
  });
  finish(d, spec);
  return d;
}

function claimSize(c: ClaimSpec, spec: StatefulSetSpec): k8s.Quantity {
  parseByteQuantity(c.size, `${spec.identity.instance}.claims.${c.name}.size`);
  // The patch lands on a typed L1 object, whose resolver expects Quantity values.
  return k8s.Quantity.fromString(c.size);
}

export function secureStatefulSet(scope: Construct, id: string, spec: StatefulSetSpec): kplus.StatefulSet {
  const s = new kplus.StatefulSet(scope, id, {
    ...podProps(spec),
    metadata: { name: spec.identity.instance, namespace: spec.namespace },
    replicas: spec.replicas ?? 1,
    service: spec.service,
    podManagementPolicy: spec.podManagementPolicy ?? kplus.PodManagementPolicy.PARALLEL,
    select: false,
  });
  finish(s, spec);
  // cdk8s-plus binds the governing Service through its address label; select by the stable labels instead.
  ApiObject.of(spec.service).addJsonPatch(JsonPatch.replace('/spec/selector', selectorLabels(spec.identity)));
  const claims = spec.claims ?? [];
  if (claims.length > 0) {
    const api = ApiObject.of(s);
    api.addJsonPatch(
      JsonPatch.add(
        '/spec/volumeClaimTemplates',
        claims.map((c) => ({
          metadata: { name: c.name, labels: selectorLabels(spec.identity) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(c.storageClassName !== undefined ? { storageClassName: c.storageClassName } : {}),
            resources: { requests: { storage: claimSize(c, spec) } },
          },
        })),
      ),
    );
    spec.containers.forEach((c, i) => {
      for (const claimName of c.claimMounts ?? []) {
        const claim = claims.find((x) => x.name === claimName);
        if (!claim) {
          throw new ConfigError({
            path: `${spec.identity.instance}.containers.${c.name}.claimMounts`,
            message: 'names a claim template that does not exist',
            value: claimName,
            fix: `declare it in claims (${claims.map((x) => x.name).join(', ')}).`,
          });
        }
        api.addJsonPatch(
          JsonPatch.add(`/spec/template/spec/containers/${i}/volumeMounts/-`, { name: claim.name, mountPath: claim.mountPath }),
        );
      }
    });
  }
  return s;
}
