import { K8sObject } from './synth';

/**
 * A NetworkPolicy evaluator (networking.k8s.io/v1 semantics, https://kubernetes.io/docs/concepts/services-networking/network-policies/),
 * written for the tests from the API's rules, independent of the code that writes the policies:
 * - a pod is isolated for a direction when some policy of its namespace selects it and lists that policy type
 *   (`policyTypes`, else Ingress plus Egress when the policy has egress rules);
 * - a connection is allowed when the source's egress allows it (or the source is not isolated for egress) AND the
 *   destination's ingress allows it; policies add up (any rule of any selecting policy);
 * - a rule without peers matches every peer, without ports every port; a peer is a podSelector (the policy's
 *   namespace), a namespaceSelector (every pod of the matching namespaces), both (pods of those namespaces), or an
 *   ipBlock (a CIDR minus `except`);
 * - a port is a number, a range (`endPort`), or a name looked up among the DESTINATION pod's container ports
 *   (ingress and egress alike); the protocol defaults to TCP;
 * - host-network pods are not subject to policies, and their traffic carries the node's address;
 * - whether an ipBlock matches pod addresses is left to the network plugin: `ipBlockMatchesPods` chooses
 *   (Calico: yes; Cilium: no), and the tests run both.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface PortDecl {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** A pod, a node (host network) or an address outside the cluster. */
export interface Endpoint {
  readonly id: string;
  readonly ip: string;
  /** Pods only. */
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ports?: readonly PortDecl[];
  /** A pod on its node's network: not subject to policies, seen at the node's address. */
  readonly hostNetwork?: boolean;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly automountToken?: boolean;
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export function selectorMatches(sel: LabelSelector | undefined, labels: Readonly<Record<string, string>> = {}): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipv4(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  return m ? ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0 : undefined;
}

/** IPv4 addresses against IPv4 CIDRs; an IPv6 CIDR never matches an IPv4 address. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const a = ipv4(ip);
  const b = ipv4(base);
  if (a === undefined || b === undefined) return false;
  const n = Number(bits);
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (a & mask) === (b & mask);
}

export interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface PolicyPort {
  readonly port?: number | string;
  readonly endPort?: number;
  readonly protocol?: Protocol;
}

export interface Verdict {
  readonly allowed: boolean;
  /** Which side refused, when not allowed. */
  readonly deniedBy?: 'egress' | 'ingress';
}

export interface ClusterOptions {
  readonly ipBlockMatchesPods: boolean;
}

export class Cluster {
  private readonly policies: K8sObject[];

  constructor(
    objects: readonly K8sObject[],
    private readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>,
    private readonly options: ClusterOptions,
  ) {
    this.policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  }

  private isPod(e: Endpoint): boolean {
    return e.namespace !== undefined && !e.hostNetwork;
  }

  private types(policy: K8sObject): string[] {
    return policy.spec.policyTypes ?? ['Ingress', ...(policy.spec.egress ? ['Egress'] : [])];
  }

  /** The policies that select a pod for a direction. */
  public selecting(pod: Endpoint, type: 'Ingress' | 'Egress'): K8sObject[] {
    if (!this.isPod(pod)) return [];
    return this.policies.filter((p) => p.metadata.namespace === pod.namespace && selectorMatches(p.spec.podSelector, pod.labels) && this.types(p).includes(type));
  }

  private peerMatches(peer: PolicyPeer, policyNamespace: string, e: Endpoint): boolean {
    if (peer.ipBlock) {
      if (this.isPod(e) && !this.options.ipBlockMatchesPods) return false;
      return inCidr(e.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((x) => inCidr(e.ip, x));
    }
    if (!this.isPod(e)) return false;
    const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, this.namespaceLabels.get(e.namespace!) ?? {}) : e.namespace === policyNamespace;
    return nsOk && selectorMatches(peer.podSelector ?? {}, e.labels);
  }

  private portMatches(p: PolicyPort, dst: Endpoint, port: number, protocol: Protocol): boolean {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
    // A named port is the destination pod's container port of that name.
    return this.isPod(dst) && (dst.ports ?? []).some((d) => d.name === p.port && d.port === port && d.protocol === protocol);
  }

  private rulesAllow(rules: readonly { peers?: PolicyPeer[]; ports?: PolicyPort[] }[], ns: string, other: Endpoint, dst: Endpoint, port: number, protocol: Protocol): boolean {
    return rules.some(
      (r) =>
        (r.peers === undefined || r.peers.length === 0 || r.peers.some((peer) => this.peerMatches(peer, ns, other))) &&
        (r.ports === undefined || r.ports.length === 0 || r.ports.some((p) => this.portMatches(p, dst, port, protocol))),
    );
  }

  public egressAllows(src: Endpoint, dst: Endpoint, port: number, protocol: Protocol): boolean {
    const policies = this.selecting(src, 'Egress');
    if (policies.length === 0) return true;
    return policies.some((p) => this.rulesAllow((p.spec.egress ?? []).map((r: any) => ({ peers: r.to, ports: r.ports })), p.metadata.namespace!, dst, dst, port, protocol));
  }

  public ingressAllows(src: Endpoint, dst: Endpoint, port: number, protocol: Protocol): boolean {
    const policies = this.selecting(dst, 'Ingress');
    if (policies.length === 0) return true;
    return policies.some((p) => this.rulesAllow((p.spec.ingress ?? []).map((r: any) => ({ peers: r.from, ports: r.ports })), p.metadata.namespace!, src, dst, port, protocol));
  }

  public connect(src: Endpoint, dst: Endpoint, port: number, protocol: Protocol = 'TCP'): Verdict {
    if (!this.egressAllows(src, dst, port, protocol)) return { allowed: false, deniedBy: 'egress' };
    if (!this.ingressAllows(src, dst, port, protocol)) return { allowed: false, deniedBy: 'ingress' };
    return { allowed: true };
  }
}

/** The pods of the synthesized workloads (one per workload; a DaemonSet's pod on `node`), with addresses from `ip`. */
export function podsOf(objects: readonly K8sObject[], ip: (index: number) => string, nodeIp: string): Endpoint[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind))
    .map((w, i) => {
      const spec = w.spec.template.spec;
      const hostNetwork = spec.hostNetwork === true;
      return {
        id: `${w.kind}/${w.metadata.name}`,
        ip: hostNetwork ? nodeIp : ip(i),
        namespace: w.metadata.namespace,
        labels: w.spec.template.metadata.labels,
        annotations: w.spec.template.metadata.annotations ?? {},
        hostNetwork,
        automountToken: spec.automountServiceAccountToken === true,
        ports: spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => ({ name: p.name, port: p.containerPort, protocol: p.protocol ?? 'TCP' }))),
      };
    });
}
