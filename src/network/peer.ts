import * as k8s from '../../imports/k8s';
import { ConfigProblem } from '../common/errors';
import { PortSpec } from '../common/workload';
import { cidrProblems, kubernetesLabelKeyProblems, kubernetesLabelValueProblems, namespaceProblems, networkPortProblems } from '../common/validation';

/**
 * The vocabulary of the stack's NetworkPolicies (networking.k8s.io/v1,
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/): ports, the peers a flow comes from or
 * goes to, and what a component declares about its own pods (`ComponentNetwork`). Components declare; the stack's
 * flow list (stack-flows.ts) wires them; policy.ts writes the objects.
 */

export type NetworkProtocol = 'TCP' | 'UDP' | 'SCTP';

/** A port of a flow: a number (optionally the range `port`..`endPort`) or a container port name. */
export interface NetworkPort {
  readonly port: number | string;
  /** @default TCP */
  readonly protocol?: NetworkProtocol;
  /** The last port of a range (numeric `port` only). @default - the single port */
  readonly endPort?: number;
}

/** Every address: what "anywhere outside the cluster" means for an `ipBlock`, in both address families. */
export const ANY_ADDRESS: readonly string[] = ['0.0.0.0/0', '::/0'];

/** The label every namespace carries with its own name (Kubernetes 1.22+): how a policy selects one namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Who a flow comes from or goes to, outside the stack's own components (value class, cdk8s-plus style):
 * pods by namespace and labels, or addresses by CIDR.
 */
export class NetworkPeer {
  /** Every pod in every namespace (optionally only pods with these labels). */
  public static allNamespaces(podLabels?: Readonly<Record<string, string>>): NetworkPeer {
    return new NetworkPeer({ kind: 'pods', podLabels });
  }

  /** The pods of one namespace (optionally only those with these labels), e.g. an ingress controller's. */
  public static namespace(name: string, podLabels?: Readonly<Record<string, string>>): NetworkPeer {
    return new NetworkPeer({ kind: 'pods', namespace: name, podLabels });
  }

  /**
   * Addresses outside the pod network (nodes, the API server, SaaS endpoints), by CIDR, minus `except`. Whether an
   * `ipBlock` also matches pod addresses depends on the network plugin; the stack never relies on it.
   */
  public static cidr(cidr: string, except?: readonly string[]): NetworkPeer {
    return new NetworkPeer({ kind: 'cidr', cidr, except });
  }

  /** Any address: `0.0.0.0/0` and `::/0`. */
  public static anyAddress(): NetworkPeer[] {
    return ANY_ADDRESS.map((c) => NetworkPeer.cidr(c));
  }

  private constructor(public readonly spec: NetworkPeerSpec) {}

  /** The NetworkPolicy peer, as written in a policy of namespace `policyNamespace`. */
  public toPolicyPeer(policyNamespace: string): k8s.NetworkPolicyPeer {
    const s = this.spec;
    if (s.kind === 'cidr') return { ipBlock: { cidr: s.cidr, except: s.except && s.except.length > 0 ? [...s.except] : undefined } };
    const podSelector = s.podLabels && Object.keys(s.podLabels).length > 0 ? { matchLabels: { ...s.podLabels } } : undefined;
    if (s.namespace === undefined) return { namespaceSelector: {}, podSelector };
    if (s.namespace === policyNamespace) return { podSelector: podSelector ?? {} };
    return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: s.namespace } }, podSelector };
  }

  /** Problems of the peer as given (pure), under `path`. */
  public problems(path: string): ConfigProblem[] {
    const s = this.spec;
    if (s.kind === 'cidr') return [...cidrProblems(s.cidr, `${path}.cidr`), ...(s.except ?? []).flatMap((e, i) => cidrProblems(e, `${path}.except[${i}]`))];
    const problems: ConfigProblem[] = s.namespace !== undefined ? namespaceProblems(s.namespace, `${path}.namespace`) : [];
    for (const [k, v] of Object.entries(s.podLabels ?? {})) {
      problems.push(...kubernetesLabelKeyProblems(k, `${path}.podLabels`), ...kubernetesLabelValueProblems(v, `${path}.podLabels.${k}`));
    }
    return problems;
  }
}

export type NetworkPeerSpec =
  | { readonly kind: 'pods'; readonly namespace?: string; readonly podLabels?: Readonly<Record<string, string>> }
  | { readonly kind: 'cidr'; readonly cidr: string; readonly except?: readonly string[] };

/** Problems of a list of ports (pure), each under `<path>[i]`. */
export function networkPortsProblems(ports: readonly NetworkPort[] | undefined, path: string): ConfigProblem[] {
  return (ports ?? []).flatMap((p, i) => {
    const problems = networkPortProblems(p.port, p.endPort, `${path}[${i}]`);
    if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) {
      problems.push({ path: `${path}[${i}].protocol`, message: 'must be TCP, UDP or SCTP', value: p.protocol, fix: 'omit it for TCP.' });
    }
    return problems;
  });
}

/** The NetworkPolicy port of a port (TCP unless said otherwise). */
export function toPolicyPort(p: NetworkPort): k8s.NetworkPolicyPort {
  return {
    port: typeof p.port === 'number' ? k8s.IntOrString.fromNumber(p.port) : k8s.IntOrString.fromString(p.port),
    protocol: p.protocol ?? 'TCP',
    endPort: p.endPort,
  };
}

/** A container port as a flow port (by number: a named port would silently stop matching if renamed). */
export function portOf(p: PortSpec): NetworkPort {
  return { port: p.port, protocol: p.protocol ?? 'TCP' };
}

/** Pods of one namespace, selected by labels. */
export interface PodPeer {
  readonly namespace: string;
  readonly podSelector: Readonly<Record<string, string>>;
}

/**
 * What a component's ports are for, so flows are wired by role, never by number:
 * - `otlp`: OTLP from telemetry sources (the collectors);
 * - `ingest`: what the collector gateway writes to (Jaeger's OTLP, Loki's push/OTLP, Prometheus' OTLP receiver);
 * - `query`: what Grafana reads (Prometheus', Loki's and Jaeger's query APIs, Alertmanager's API);
 * - `alerts`: where Prometheus sends alerts (Alertmanager's API);
 * - `metrics`: what Prometheus scrapes;
 * - `peers`: cluster traffic between the replicas (Alertmanager's gossip);
 * - `probe`: where Prometheus asks for probes (blackbox-exporter);
 * - `ui`: what people open (Grafana, OpenSearch Dashboards);
 * - `sampling`: where SDKs fetch their sampling strategies (Jaeger's remote_sampling extension);
 * - `storeApi`: Thanos' gRPC StoreAPI (sidecars, Store Gateways), which Thanos Query reads;
 * - `grpc`: gRPC between the parts of a distributed engine (Loki's distributors → ingesters, queriers → frontends).
 */
export type PortRole = 'otlp' | 'ingest' | 'query' | 'alerts' | 'metrics' | 'peers' | 'probe' | 'ui' | 'sampling' | 'storeApi' | 'grpc';

/**
 * What a component tells the network policies about itself: its pods and the ports it serves, by role, taken from
 * the same constants its containers and Services are built from. A port a component adds to a role is allowed for
 * every flow of that role.
 */
export interface ComponentNetwork {
  /** The pods. */
  readonly pods: PodPeer;
  /**
   * The NetworkPolicy's name when the pods are several instances (the Prometheus shards share one policy).
   * @default - the pods' `app.kubernetes.io/instance` label
   */
  readonly policyName?: string;
  /** The ports it serves, by role. */
  readonly ports: Readonly<Partial<Record<PortRole, readonly PortSpec[]>>>;
  /**
   * The pods share their node's network (node-exporter): policies do not apply to them, and peers reach them at the
   * node's address, which only an `ipBlock` can select.
   */
  readonly hostNetwork?: boolean;
  /** The pods call the Kubernetes API (the same fact as their mounted service-account token). */
  readonly callsApiServer?: boolean;
  /** Ports the pods reach on every node's address (Prometheus: the kubelets' cAdvisor endpoint). @default - none */
  readonly nodePorts?: readonly PortSpec[];
  /**
   * Destinations outside the stack the pods connect to, each an egress rule of their policy (a database exporter's
   * database). @default - none
   */
  readonly egress?: readonly ComponentEgress[];
}

/** Where a component connects outside the stack: the peers, the ports, and why. */
export interface ComponentEgress {
  readonly peers: readonly NetworkPeer[];
  /** Empty: every port. */
  readonly ports: readonly NetworkPort[];
  readonly why: string;
}

/** A component that declares its network (every in-stack component). */
export interface INetworkComponent {
  readonly network: ComponentNetwork;
}

/** The ports of `roles` a component declares, deduplicated, in declaration order. */
export function portsOf(network: ComponentNetwork, ...roles: PortRole[]): NetworkPort[] {
  const seen = new Set<string>();
  const out: NetworkPort[] = [];
  for (const role of roles) {
    for (const p of network.ports[role] ?? []) {
      const port = portOf(p);
      const key = `${port.protocol}/${port.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(port);
    }
  }
  return out;
}
