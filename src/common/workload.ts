import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { ConfigError, ConfigProblem, ProblemCollector } from './errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from './labels';
import { ByteSize, byteSizeProblems, cpuProblems, parseCpuMillis } from './quantity';
import { dns1123SubdomainProblems, kubernetesLabelKeyProblems, kubernetesLabelValueProblems, wholeNumberProblems } from './validation';
import { ImageVersion, imageOf } from '../versions';

/**
 * The one place where pods are built. Every workload of the stack goes through here, so every container gets the
 * same secure defaults: non-root, read-only root filesystem, all capabilities dropped, no privilege escalation,
 * seccomp RuntimeDefault, cpu/memory requests and a memory limit, readiness and liveness probes.
 *
 * Everything a component needs of a pod is a field here — volumes and mounts by name, scheduling (nodeSelector,
 * tolerations, affinity, topology spread, priority class), host access — so components never patch pod specs by
 * array index. Where cdk8s-plus has no prop for a field, this helper (and only it) writes it into the object.
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

/**
 * Resources as users write them (Kubernetes quantities). The memory limit equals the request unless set: the
 * scheduler then reserves what is used.
 */
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

/** Resources parsed once (`parseResources`): what models hold and pods are built from. */
export interface Resources {
  readonly cpuRequestMillis: number;
  /** @default - no CPU limit */
  readonly cpuLimitMillis?: number;
  readonly memoryRequest: ByteSize;
  /** Equal to the request unless a limit was given. */
  readonly memoryLimit: ByteSize;
}

export interface MountSpec {
  readonly volume: kplus.Volume;
  readonly path: string;
  /** @default true */
  readonly readOnly?: boolean;
  readonly subPath?: string;
  /** Mount propagation (host mounts that must see filesystems mounted later). @default - none */
  readonly propagation?: kplus.MountPropagation;
}

/**
 * A volume the pod declares by name, with a source cdk8s-plus has no factory for (a projected volume). Listed before
 * the volumes of `mounts`, in the order given; containers mount it with `volumeMounts`.
 */
export interface NamedVolumeSpec {
  readonly name: string;
  /** The volume source, as the Kubernetes API writes it (without `name`). */
  readonly source: Omit<k8s.Volume, 'name'>;
}

/** A mount of a named volume (`WorkloadSpec.volumes`) or a claim template (`StatefulSetSpec.claims`), by name. */
export interface NamedMountSpec {
  readonly volume: string;
  readonly path: string;
  /** @default true (claims: false) */
  readonly readOnly?: boolean;
}

/** A volume claim template (StatefulSet only): one PVC per replica. */
export interface ClaimSpec {
  readonly name: string;
  readonly mountPath: string;
  /** Requested storage. */
  readonly size: ByteSize;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

export interface SecureContainerSpec {
  readonly name: string;
  readonly image: ImageVersion;
  readonly args?: readonly string[];
  readonly command?: readonly string[];
  readonly env?: Readonly<Record<string, kplus.EnvValue>>;
  readonly ports?: readonly PortSpec[];
  readonly resources: Resources;
  readonly readiness: ProbeSpec;
  readonly liveness: ProbeSpec;
  readonly mounts?: readonly MountSpec[];
  /** Claims (by name) from the StatefulSet's claim templates to mount in this container, at their `mountPath`. */
  readonly claimMounts?: readonly string[];
  /** Mounts of the pod's named volumes (`WorkloadSpec.volumes`), after `mounts` and `claimMounts`. */
  readonly volumeMounts?: readonly NamedMountSpec[];
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

/** Tolerate every taint: node-level DaemonSets run on every node. */
export const TOLERATE_EVERY_TAINT: readonly k8s.Toleration[] = [{ operator: 'Exists' }];

/** Linux-only images: keep the pods off Windows nodes (kube-prometheus does the same). */
export const LINUX_NODES: Readonly<Record<string, string>> = { 'kubernetes.io/os': 'linux' };

/**
 * Spread a component's replicas over nodes, best effort (never blocks scheduling), so losing a node keeps the others
 * up (https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/).
 */
export function spreadOverNodes(identity: ComponentIdentity): k8s.TopologySpreadConstraint {
  return {
    maxSkew: 1,
    topologyKey: 'kubernetes.io/hostname',
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selectorLabels(identity) },
  };
}

/**
 * Where a component's pods may run, as users write it (every component's `scheduling` prop): merged over the
 * component's own placement (its `kubernetes.io/os` selector, its node spreading), never replacing what it needs.
 */
export interface SchedulingProps {
  /** Node labels the pods require, added to the component's own (`kubernetes.io/os: linux` where it has one). @default - any node */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the pods tolerate, after the component's own (node agents tolerate every taint already). @default - none */
  readonly tolerations?: readonly k8s.Toleration[];
  /** Node and pod (anti-)affinity, as the Kubernetes API writes it; replaces `podAntiAffinity` below when it sets one. @default - none */
  readonly affinity?: k8s.Affinity;
  /** More topology spread constraints, after the component's own. @default - none */
  readonly topologySpreadConstraints?: readonly k8s.TopologySpreadConstraint[];
  /** The PriorityClass of the pods (e.g. a class above the workloads they watch, so they are evicted last). @default - the cluster's default */
  readonly priorityClassName?: string;
  /**
   * Replicas of one component on different nodes: `required` (hard: a second replica stays Pending rather than share
   * a node), `preferred` (soft) or `none`. Only applies to workloads with more than one replica.
   * @default 'none' (the component's best-effort node spreading only)
   */
  readonly podAntiAffinity?: 'required' | 'preferred' | 'none';
  /**
   * Spread replicas over zones (`topology.kubernetes.io/zone`, `ScheduleAnyway`: a single-zone cluster still
   * schedules). Only applies to workloads with more than one replica.
   * @default false
   */
  readonly spreadOverZones?: boolean;
  /**
   * The PodDisruptionBudget of a workload with more than one replica: at most this many pods evicted at once.
   * @default 1
   */
  readonly maxUnavailable?: number;
}

/** The `scheduling` prop every component takes. */
export interface SchedulableProps {
  /**
   * Where the pods run: nodeSelector, tolerations, affinity, topology spread, priorityClassName, and with several
   * replicas hard or soft anti-affinity, zone spreading and the PodDisruptionBudget (`SchedulingProps`).
   * @default - the component's own placement
   */
  readonly scheduling?: SchedulingProps;
}

/** Problems of a `scheduling` prop (pure), each under `<path>.<field>`. */
export function schedulingProblems(s: SchedulingProps | undefined, path: string): ConfigProblem[] {
  if (s === undefined) return [];
  const c = new ProblemCollector();
  if (s === null || typeof s !== 'object') {
    c.add({ path, message: 'must be an object', value: s, fix: 'pass e.g. { nodeSelector: { pool: "observability" }, priorityClassName: "observability" }.' });
    return [...c.list];
  }
  for (const [k, v] of Object.entries(s.nodeSelector ?? {})) {
    c.addAll(kubernetesLabelKeyProblems(k, `${path}.nodeSelector`));
    c.addAll(kubernetesLabelValueProblems(v, `${path}.nodeSelector.${k}`));
  }
  if (s.priorityClassName !== undefined) c.addAll(dns1123SubdomainProblems(s.priorityClassName, `${path}.priorityClassName`));
  if (s.podAntiAffinity !== undefined && !['required', 'preferred', 'none'].includes(s.podAntiAffinity)) {
    c.add({ path: `${path}.podAntiAffinity`, message: 'must be "required", "preferred" or "none"', value: s.podAntiAffinity, fix: 'use "required" for production HA.' });
  }
  if (s.maxUnavailable !== undefined) c.addAll(wholeNumberProblems(s.maxUnavailable, `${path}.maxUnavailable`, { min: 1, fix: 'use 1: one pod at a time leaves the others serving.' }));
  for (const [i, t] of (s.tolerations ?? []).entries()) {
    if (t === null || typeof t !== 'object') c.add({ path: `${path}.tolerations.${i}`, message: 'must be a toleration object', value: t, fix: 'pass e.g. { key: "dedicated", operator: "Equal", value: "observability", effect: "NoSchedule" }.' });
  }
  return [...c.list];
}

/**
 * The pod placement of one workload (pure): the component's own placement, then the user's `scheduling`, then the
 * HA rules that only mean something with several replicas (hard or soft anti-affinity over nodes, zone spreading).
 */
export function placement(identity: ComponentIdentity, replicas: number, own: Placement, user: SchedulingProps = {}): Placement {
  const selector = { matchLabels: selectorLabels(identity) };
  const spread = [...(own.topologySpreadConstraints ?? []), ...(user.topologySpreadConstraints ?? [])];
  let affinity = user.affinity ? { ...own.affinity, ...user.affinity } : own.affinity;
  if (replicas > 1) {
    if (user.spreadOverZones) spread.push({ maxSkew: 1, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector });
    const mode = user.podAntiAffinity ?? 'none';
    if (mode !== 'none' && affinity?.podAntiAffinity === undefined) {
      const term = { topologyKey: HOST_TOPOLOGY_KEY, labelSelector: selector };
      affinity = {
        ...affinity,
        podAntiAffinity: mode === 'required'
          ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
          : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
      };
    }
  }
  const nodeSelector = own.nodeSelector || user.nodeSelector ? { ...own.nodeSelector, ...user.nodeSelector } : undefined;
  const tolerations = [...(own.tolerations ?? []), ...(user.tolerations ?? [])];
  return {
    nodeSelector,
    tolerations: tolerations.length > 0 ? tolerations : undefined,
    affinity,
    topologySpreadConstraints: spread.length > 0 ? spread : undefined,
    priorityClassName: user.priorityClassName ?? own.priorityClassName,
  };
}

/** The scheduling fields of a pod. */
export interface Placement {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly k8s.Toleration[];
  readonly affinity?: k8s.Affinity;
  readonly topologySpreadConstraints?: readonly k8s.TopologySpreadConstraint[];
  readonly priorityClassName?: string;
}

export const HOST_TOPOLOGY_KEY = 'kubernetes.io/hostname';
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';

export interface WorkloadSpec {
  readonly identity: ComponentIdentity;
  /**
   * The user's placement (the component's `scheduling` prop), merged over the fields below by `placement`; with more
   * than one replica it also adds the PodDisruptionBudget. @default - the component's own placement only
   */
  readonly scheduling?: SchedulingProps;
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
  /** Volumes declared by name (see `NamedVolumeSpec`). @default - none */
  readonly volumes?: readonly NamedVolumeSpec[];
  /** Nodes the pods may run on, by label. @default - any node */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the pods tolerate (`TOLERATE_EVERY_TAINT` for node agents). @default - none */
  readonly tolerations?: readonly k8s.Toleration[];
  /** Node and pod (anti-)affinity. @default - none */
  readonly affinity?: k8s.Affinity;
  /** How replicas spread over nodes or zones (`spreadOverNodes(identity)`). @default - none */
  readonly topologySpreadConstraints?: readonly k8s.TopologySpreadConstraint[];
  /** The PriorityClass of the pods. @default - the cluster's default priority */
  readonly priorityClassName?: string;
  /** Seconds to let the process shut down cleanly. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
}

export interface DeploymentSpec extends WorkloadSpec {
  /** @default 1 */
  readonly replicas?: number;
  /** `Recreate` stops the old pod first (a ReadWriteOnce volume attaches to one pod). @default RollingUpdate */
  readonly strategy?: 'RollingUpdate' | 'Recreate';
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

// ---------------------------------------------------------------------------------------------------------------
// resources

function toMemory(bytes: number, text: string, path: string): Size {
  if (bytes % 2 ** 30 === 0) return Size.gibibytes(bytes / 2 ** 30);
  if (bytes % 2 ** 20 === 0) return Size.mebibytes(bytes / 2 ** 20);
  if (bytes % 1024 === 0) return Size.kibibytes(bytes / 1024);
  throw new ConfigError({ path, message: 'must be a whole number of KiB', value: text, fix: 'use e.g. "512Mi".' });
}

/**
 * Problems of a `resources` prop (pure), each naming `<path>.<field>`: every quantity parses, memory is a whole number
 * of KiB (what the pod spec can express here), and no limit is below its request (the API server refuses that pod).
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
    const problems = cpuProblems(value, `${path}.${key}`);
    c.addAll(problems);
    return problems.length === 0 ? parseCpuMillis(value, `${path}.${key}`) : undefined;
  };
  const memory = (key: 'memoryRequest' | 'memoryLimit'): number | undefined => {
    const value = resources[key];
    if (value === undefined) return undefined;
    const problems = byteSizeProblems(value, `${path}.${key}`);
    if (problems.length > 0) {
      c.addAll(problems);
      return undefined;
    }
    const bytes = ByteSize.parse(value, `${path}.${key}`).bytes;
    return c.value(() => (toMemory(bytes, value, `${path}.${key}`), bytes));
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

/**
 * Parses a `resources` prop once, into what models hold.
 * @throws ConfigError with every problem of `resourceProblems`.
 */
export function parseResources(resources: ResourceSpec, path: string): Resources {
  const problems = resourceProblems(resources, path);
  if (problems.length > 0) throw new ConfigError(problems);
  const memoryRequest = ByteSize.parse(resources.memoryRequest, `${path}.memoryRequest`);
  return {
    cpuRequestMillis: parseCpuMillis(resources.cpuRequest, `${path}.cpuRequest`),
    cpuLimitMillis: resources.cpuLimit !== undefined ? parseCpuMillis(resources.cpuLimit, `${path}.cpuLimit`) : undefined,
    memoryRequest,
    memoryLimit: resources.memoryLimit !== undefined ? ByteSize.parse(resources.memoryLimit, `${path}.memoryLimit`) : memoryRequest,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// pods

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

function toContainerProps(c: SecureContainerSpec, w: WorkloadSpec, at: string): kplus.ContainerProps {
  const path = `${at}.containers.${c.name}.resources`;
  const r = c.resources;
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
      cpu: { request: kplus.Cpu.millis(r.cpuRequestMillis), limit: r.cpuLimitMillis !== undefined ? kplus.Cpu.millis(r.cpuLimitMillis) : undefined },
      memory: {
        request: toMemory(r.memoryRequest.bytes, r.memoryRequest.toKubernetes(), `${path}.memoryRequest`),
        limit: toMemory(r.memoryLimit.bytes, r.memoryLimit.toKubernetes(), `${path}.memoryLimit`),
      },
    },
    readiness: toProbe(c.readiness),
    liveness: toProbe(c.liveness),
    volumeMounts: (c.mounts ?? []).map((m) => ({
      path: m.path,
      volume: m.volume,
      readOnly: m.readOnly ?? true,
      subPath: m.subPath,
      propagation: m.propagation,
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

function podProps(w: WorkloadSpec, at: string): kplus.PodProps & { podMetadata: { labels: Record<string, string>; annotations?: Record<string, string> } } {
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
    containers: w.containers.map((c) => toContainerProps(c, w, at)),
    terminationGracePeriod: Duration.seconds(w.terminationGracePeriodSeconds ?? 30),
    dns: w.hostAccess?.hostNetwork ? { policy: kplus.DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET } : undefined,
  };
}

const POD_SPEC = '/spec/template/spec';

/** The named volumes of each workload, in pod order: where `addVolumeSource` finds them. */
const NAMED_VOLUMES = new WeakMap<kplus.Workload, readonly string[]>();

/**
 * Writes what cdk8s-plus has no prop for: metadata labels, the stable selector, pod-level seccomp, hostPID,
 * scheduling, named volumes and mounts. (JSON patches apply to the L1 object before its JSON mapping, so they use
 * the L1 prop names — `hostPid` — which equal the API's everywhere else.)
 */
function finish(workload: kplus.Workload, spec: WorkloadSpec, at: string, claims: readonly ClaimSpec[] = [], replicas = 1): void {
  const w = { ...spec, ...placement(spec.identity, replicas, spec, spec.scheduling) };
  const api = ApiObject.of(workload);
  for (const [k, v] of Object.entries(recommendedLabels(w.identity))) api.metadata.addLabel(k, v);
  workload.select(kplus.LabelSelector.of({ labels: selectorLabels(w.identity) }));
  // cdk8s-plus labels every pod with its construct address; the stable selector labels make it redundant noise.
  api.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
  api.addJsonPatch(JsonPatch.add(`${POD_SPEC}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }));
  if (w.hostAccess?.hostPID) api.addJsonPatch(JsonPatch.add(`${POD_SPEC}/hostPid`, true));
  if (w.nodeSelector) api.addJsonPatch(JsonPatch.add(`${POD_SPEC}/nodeSelector`, { ...w.nodeSelector }));
  if (w.tolerations && w.tolerations.length > 0) api.addJsonPatch(JsonPatch.add(`${POD_SPEC}/tolerations`, w.tolerations.map((t) => ({ ...t }))));
  if (w.affinity) api.addJsonPatch(JsonPatch.add(`${POD_SPEC}/affinity`, w.affinity));
  if (w.topologySpreadConstraints && w.topologySpreadConstraints.length > 0) {
    api.addJsonPatch(JsonPatch.add(`${POD_SPEC}/topologySpreadConstraints`, w.topologySpreadConstraints.map((t) => ({ ...t }))));
  }
  if (w.priorityClassName !== undefined) api.addJsonPatch(JsonPatch.add(`${POD_SPEC}/priorityClassName`, w.priorityClassName));

  // Named volumes go first, before the volumes cdk8s-plus derives from `mounts` (none: the list is created).
  const volumes = w.volumes ?? [];
  const podHasVolumes = w.containers.some((c) => (c.mounts ?? []).length > 0);
  if (volumes.length > 0) {
    if (podHasVolumes) volumes.forEach((v, i) => api.addJsonPatch(JsonPatch.add(`${POD_SPEC}/volumes/${i}`, { name: v.name, ...v.source })));
    else api.addJsonPatch(JsonPatch.add(`${POD_SPEC}/volumes`, volumes.map((v) => ({ name: v.name, ...v.source }))));
  }
  NAMED_VOLUMES.set(workload, volumes.map((v) => v.name));

  w.containers.forEach((c, i) => {
    const where = `${at}.containers.${c.name}`;
    const mounts: { name: string; mountPath: string; readOnly?: boolean }[] = [];
    for (const claimName of c.claimMounts ?? []) {
      const claim = claims.find((x) => x.name === claimName);
      if (!claim) {
        throw new ConfigError({
          path: `${where}.claimMounts`,
          message: 'names a claim template that does not exist',
          value: claimName,
          fix: claims.length > 0 ? `declare it in claims (${claims.map((x) => x.name).join(', ')}).` : 'declare it in claims.',
        });
      }
      mounts.push({ name: claim.name, mountPath: claim.mountPath });
    }
    for (const m of c.volumeMounts ?? []) {
      if (!volumes.some((v) => v.name === m.volume)) {
        throw new ConfigError({
          path: `${where}.volumeMounts`,
          message: 'names a volume the pod does not declare',
          value: m.volume,
          fix: volumes.length > 0 ? `declare it in volumes (${volumes.map((v) => v.name).join(', ')}).` : 'declare it in volumes.',
        });
      }
      mounts.push({ name: m.volume, mountPath: m.path, readOnly: m.readOnly ?? true });
    }
    if (mounts.length === 0) return;
    const containerPath = `${POD_SPEC}/containers/${i}/volumeMounts`;
    if ((c.mounts ?? []).length > 0) for (const m of mounts) api.addJsonPatch(JsonPatch.add(`${containerPath}/-`, m));
    else api.addJsonPatch(JsonPatch.add(containerPath, mounts));
  });
}

/**
 * Appends a source to a named projected volume of a workload built here (sources that arrive after construction,
 * such as Prometheus' rule ConfigMaps).
 * @throws Error when the workload has no such named volume (a bug, not bad input).
 */
export function addVolumeSource(workload: kplus.Workload, volume: string, source: k8s.VolumeProjection): void {
  const index = (NAMED_VOLUMES.get(workload) ?? []).indexOf(volume);
  if (index < 0) throw new Error(`${workload.node.path} has no named volume "${volume}"`);
  ApiObject.of(workload).addJsonPatch(JsonPatch.add(`${POD_SPEC}/volumes/${index}/projected/sources/-`, source));
}

/**
 * Problems in a spec are reported under the component's construct path (`<scope path>.containers.<name>...`).
 */
export function secureDeployment(scope: Construct, id: string, spec: DeploymentSpec): kplus.Deployment {
  const d = new kplus.Deployment(scope, id, {
    ...podProps(spec, scope.node.path),
    metadata: { name: spec.identity.instance, namespace: spec.namespace },
    replicas: spec.replicas ?? 1,
    strategy: spec.strategy === 'Recreate' ? kplus.DeploymentStrategy.recreate() : undefined,
    select: false,
  });
  finish(d, spec, scope.node.path, [], spec.replicas ?? 1);
  disruptionBudget(scope, id, spec, spec.replicas ?? 1);
  return d;
}

/**
 * A PodDisruptionBudget for a workload of more than one replica (`maxUnavailable`, default 1), so a node drain
 * never takes every replica at once (https://kubernetes.io/docs/tasks/run-application/configure-pdb/). Single-replica
 * workloads get none: a budget of 0 would block every drain.
 */
function disruptionBudget(scope: Construct, id: string, spec: WorkloadSpec, replicas: number): void {
  if (replicas <= 1) return;
  // One budget per workload: a construct holding several (Thanos' Query, Store Gateway) names each after its workload.
  new k8s.KubePodDisruptionBudget(scope, id === 'Resource' ? 'DisruptionBudget' : `${id}DisruptionBudget`, {
    metadata: { name: spec.identity.instance, namespace: spec.namespace, labels: recommendedLabels(spec.identity) },
    spec: {
      maxUnavailable: k8s.IntOrString.fromNumber(Math.min(spec.scheduling?.maxUnavailable ?? 1, replicas - 1)),
      selector: { matchLabels: selectorLabels(spec.identity) },
      // Evict a pod that is not ready anyway, so a broken replica never blocks a drain.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}

export function secureDaemonSet(scope: Construct, id: string, spec: WorkloadSpec): kplus.DaemonSet {
  const d = new kplus.DaemonSet(scope, id, {
    ...podProps(spec, scope.node.path),
    metadata: { name: spec.identity.instance, namespace: spec.namespace },
    select: false,
  });
  finish(d, spec, scope.node.path);
  return d;
}

export function secureStatefulSet(scope: Construct, id: string, spec: StatefulSetSpec): kplus.StatefulSet {
  const s = new kplus.StatefulSet(scope, id, {
    ...podProps(spec, scope.node.path),
    metadata: { name: spec.identity.instance, namespace: spec.namespace },
    replicas: spec.replicas ?? 1,
    service: spec.service,
    podManagementPolicy: spec.podManagementPolicy ?? kplus.PodManagementPolicy.PARALLEL,
    select: false,
  });
  const claims = spec.claims ?? [];
  if (claims.length > 0) {
    ApiObject.of(s).addJsonPatch(
      JsonPatch.add(
        '/spec/volumeClaimTemplates',
        claims.map((c) => ({
          metadata: { name: c.name, labels: selectorLabels(spec.identity) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(c.storageClassName !== undefined ? { storageClassName: c.storageClassName } : {}),
            // The patch lands on a typed L1 object, whose resolver expects Quantity values.
            resources: { requests: { storage: k8s.Quantity.fromString(c.size.toKubernetes()) } },
          },
        })),
      ),
    );
  }
  finish(s, spec, scope.node.path, claims, spec.replicas ?? 1);
  disruptionBudget(scope, id, spec, spec.replicas ?? 1);
  // cdk8s-plus binds the governing Service through its address label; select by the stable labels instead.
  ApiObject.of(spec.service).addJsonPatch(JsonPatch.replace('/spec/selector', selectorLabels(spec.identity)));
  return s;
}
