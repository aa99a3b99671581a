import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { PART_OF } from '../common/labels';
import { ComponentNetwork, NetworkPeer, NetworkPort, toPolicyPort } from './peer';

/**
 * Flows → NetworkPolicy objects (pure, then one construct). A flow is one thing the stack needs on the network:
 * `from` may reach `to` on `ports`. A flow between two components becomes an egress rule in the source's policy and
 * an ingress rule in the destination's; a flow with peers outside the stack (applications, DNS, the API server,
 * receivers) becomes a rule on the component's side only. Kubernetes allows a connection when the source's egress
 * and the destination's ingress both allow it, and policies add up, so one policy per component is enough.
 */

/** One side of a flow: an in-stack component, or peers outside the stack. */
export type FlowEnd =
  | { readonly kind: 'component'; readonly name: string; readonly network: ComponentNetwork }
  | { readonly kind: 'peers'; readonly peers: readonly NetworkPeer[] };

export interface Flow {
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  /** Empty: every port. */
  readonly ports: readonly NetworkPort[];
  /** Why the stack needs it (SECURITY.md and the reachability table say the same). */
  readonly why: string;
}

/** A component's side of a flow, as a flow end. */
export function componentEnd(name: string, network: ComponentNetwork): FlowEnd {
  return { kind: 'component', name, network };
}

export function peersEnd(list: readonly NetworkPeer[]): FlowEnd {
  return { kind: 'peers', peers: list };
}

/** A component's policy: its pods, and the rules of every flow into and out of it. */
export interface ComponentPolicy {
  readonly name: string;
  readonly network: ComponentNetwork;
  readonly ingress: readonly k8s.NetworkPolicyIngressRule[];
  readonly egress: readonly k8s.NetworkPolicyEgressRule[];
}

/**
 * How the other side of a flow is written in a component's policy. A host-network component is reached at its
 * node's address: `nodes` selects those.
 */
function peersOf(end: FlowEnd, policyNamespace: string, nodes: readonly NetworkPeer[]): k8s.NetworkPolicyPeer[] {
  if (end.kind === 'peers') return end.peers.map((p) => p.toPolicyPeer(policyNamespace));
  if (end.network.hostNetwork) return nodes.map((p) => p.toPolicyPeer(policyNamespace));
  return [NetworkPeer.namespace(end.network.pods.namespace, end.network.pods.podSelector).toPolicyPeer(policyNamespace)];
}

function portsOf(ports: readonly NetworkPort[]): k8s.NetworkPolicyPort[] | undefined {
  return ports.length > 0 ? ports.map(toPolicyPort) : undefined;
}

/**
 * The rules of each component (pure), in the order of `components` and of the flows. A flow whose component side
 * is not among `components` is left out (its component is not part of the stack).
 */
export function componentPolicies(
  components: readonly { readonly name: string; readonly network: ComponentNetwork }[],
  flows: readonly Flow[],
  nodes: readonly NetworkPeer[],
): ComponentPolicy[] {
  return components.map((c) => {
    const ns = c.network.pods.namespace;
    const ingress: k8s.NetworkPolicyIngressRule[] = [];
    const egress: k8s.NetworkPolicyEgressRule[] = [];
    for (const f of flows) {
      if (f.to.kind === 'component' && f.to.name === c.name) ingress.push({ from: peersOf(f.from, ns, nodes), ports: portsOf(f.ports) });
      if (f.from.kind === 'component' && f.from.name === c.name) egress.push({ to: peersOf(f.to, ns, nodes), ports: portsOf(f.ports) });
    }
    return { name: c.name, network: c.network, ingress: dedupe(ingress), egress: dedupe(egress) };
  });
}

/** Identical rules (two flows with the same peers and ports) once. */
function dedupe<T>(rules: T[]): T[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const LABELS = { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'cdk8s' };

/** Denies every connection into and out of every pod of a namespace; the other policies then allow what is needed. */
export function defaultDenyPolicy(scope: Construct, id: string, namespace: string): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: 'default-deny', namespace, labels: LABELS },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
}

/** Every pod of the namespace may ask cluster DNS. */
export function dnsPolicy(scope: Construct, id: string, namespace: string, dns: { readonly peers: readonly NetworkPeer[]; readonly ports: readonly NetworkPort[] }): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: 'allow-dns', namespace, labels: LABELS },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: dns.peers.map((p) => p.toPolicyPeer(namespace)), ports: dns.ports.map(toPolicyPort) }],
    },
  });
}

/**
 * A component's policy, named after the component (`prometheus`, `otel-agent`, ...): both directions, so a
 * direction without rules denies everything. The rules are produced at synth (`rules()`), so what is wired after
 * construction is in them.
 */
export function componentPolicy(scope: Construct, id: string, name: string, network: ComponentNetwork, rules: () => ComponentPolicy): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name, namespace: network.pods.namespace, labels: LABELS },
    spec: Lazy.any({
      produce: () => {
        const r = rules();
        return {
          podSelector: { matchLabels: { ...network.pods.podSelector } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [...r.ingress],
          egress: [...r.egress],
        };
      },
    }),
  });
}
