import { ConfigProblem, ProblemCollector } from '../common/errors';
import { cidrProblems, namespaceProblems, nonEmptyProblems } from '../common/validation';
import { ANY_ADDRESS, NetworkPeer, NetworkPort, networkPortsProblems } from './peer';

/** The stack's components, by the name of their prop on `ObservabilityStackProps`. */
export type StackComponentKey =
  | 'prometheus'
  | 'alertmanager'
  | 'grafana'
  | 'loki'
  | 'jaeger'
  | 'otelGateway'
  | 'otelSampler'
  | 'otelAgent'
  | 'nodeExporter'
  | 'kubeStateMetrics'
  | 'blackboxExporter'
  | 'openSearchDashboards';

export const STACK_COMPONENT_KEYS: readonly StackComponentKey[] = [
  'prometheus',
  'alertmanager',
  'grafana',
  'loki',
  'jaeger',
  'otelGateway',
  'otelSampler',
  'otelAgent',
  'nodeExporter',
  'kubeStateMetrics',
  'blackboxExporter',
  'openSearchDashboards',
];

/** An allow rule of your own, added to a component's policy. */
export interface NetworkRule {
  /** The component whose policy gets the rule. */
  readonly component: StackComponentKey;
  /** `ingress`: the peers may reach the component; `egress`: the component may reach the peers. */
  readonly direction: 'ingress' | 'egress';
  /** Who (at least one). */
  readonly peers: readonly NetworkPeer[];
  /** On which ports. @default - every port */
  readonly ports?: readonly NetworkPort[];
}

/** Where cluster DNS answers. */
export interface ClusterDnsProps {
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** The DNS pods' labels (kube-dns and CoreDNS both carry `k8s-app: kube-dns`). @default { 'k8s-app': 'kube-dns' } */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Also these addresses, e.g. NodeLocal DNSCache's `169.254.20.10/32`. @default - none */
  readonly cidrs?: readonly string[];
}

/**
 * Where the Kubernetes API server answers, after the `kubernetes` Service's translation: its endpoints are not pods,
 * so only addresses can select them. `kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`
 * shows the addresses and port.
 */
export interface ApiServerProps {
  /** @default - any address (`0.0.0.0/0`, `::/0`): narrow it to the control plane's addresses */
  readonly cidrs?: readonly string[];
  /** @default [443, 6443] (managed control planes serve 443, kubeadm 6443) */
  readonly ports?: readonly number[];
}

/** Where Alertmanager's receivers (PagerDuty, Slack, SMTP, webhooks) answer. */
export interface AlertReceiversProps {
  /** @default - any address */
  readonly cidrs?: readonly string[];
  /** @default [443 (HTTPS APIs), 587 (SMTP submission)] */
  readonly ports?: readonly NetworkPort[];
}

/** The ingress controller that serves Grafana to people. */
export interface IngressControllerProps {
  /** Its namespace, e.g. `ingress-nginx`. */
  readonly namespace: string;
  /** Its pods' labels. @default - every pod of the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/**
 * The stack's NetworkPolicies: both namespaces deny all traffic by default, then each component's policy allows
 * exactly the flows the stack needs (see SECURITY.md). Every default is documented with its reason.
 */
export interface NetworkPolicyProps {
  /** Cluster DNS, which every pod may ask (UDP and TCP 53). @default - kube-dns/CoreDNS pods in kube-system */
  readonly dns?: ClusterDnsProps;
  /** The API server, for the components that call it (Prometheus discovery, kube-state-metrics, the collector agent). */
  readonly apiServer?: ApiServerProps;
  /**
   * The nodes' addresses, where Prometheus scrapes the kubelets (cAdvisor) and node-exporter (host network).
   * @default - any address: narrow it to the node subnet
   */
  readonly nodeCidrs?: readonly string[];
  /** Alertmanager's receivers. @default - any address on 443 and 587 */
  readonly alertReceivers?: AlertReceiversProps;
  /**
   * The ingress controller that may reach Grafana's port (people → Grafana), and OpenSearch Dashboards' when the
   * stack runs it. Required with a Grafana Ingress.
   * @default - none: Grafana is reached through `kubectl port-forward` only
   */
  readonly ingressController?: IngressControllerProps;
  /** Who may send OTLP to the collector that receives from applications. @default - every pod of every namespace */
  readonly otlpClients?: readonly NetworkPeer[];
  /**
   * The ports Prometheus may scrape on pods outside the stack (the `prometheus.io/port` annotations choose them).
   * @default - every port
   */
  readonly scrapePorts?: readonly NetworkPort[];
  /** What blackbox-exporter may probe. @default - every pod and every address, on every port */
  readonly probeTargets?: readonly NetworkPeer[];
  /** Allow rules of your own (a team's OAuth provider for Grafana, an external Alertmanager, ...). @default - none */
  readonly extraRules?: readonly NetworkRule[];
}

/** The defaults, in one place. */
export const NETWORK_DEFAULTS = {
  dnsNamespace: 'kube-system',
  dnsPodLabels: { 'k8s-app': 'kube-dns' } as Readonly<Record<string, string>>,
  dnsPort: 53,
  apiServerPorts: [443, 6443] as readonly number[],
  alertReceiverPorts: [{ port: 443 }, { port: 587 }] as readonly NetworkPort[],
} as const;

/** The validated props, every default resolved into peers and ports. */
export interface NetworkModel {
  readonly dns: { readonly peers: readonly NetworkPeer[]; readonly ports: readonly NetworkPort[] };
  readonly apiServer: { readonly peers: readonly NetworkPeer[]; readonly ports: readonly NetworkPort[] };
  readonly nodes: readonly NetworkPeer[];
  readonly alertReceivers: { readonly peers: readonly NetworkPeer[]; readonly ports: readonly NetworkPort[] };
  readonly ingressController?: NetworkPeer;
  readonly otlpClients: readonly NetworkPeer[];
  /** Empty: every port. */
  readonly scrapePorts: readonly NetworkPort[];
  readonly probeTargets: readonly NetworkPeer[];
  readonly extraRules: readonly NetworkRule[];
}

function cidrPeers(cidrs: readonly string[] | undefined, path: string, c: ProblemCollector): NetworkPeer[] {
  const list = cidrs ?? ANY_ADDRESS;
  if (cidrs !== undefined && cidrs.length === 0) {
    c.add({ path, message: 'must list at least one CIDR block', value: [], fix: 'omit it for any address, or list the addresses, e.g. ["10.0.0.0/16"].' });
  }
  list.forEach((cidr, i) => c.addAll(cidrProblems(cidr, `${path}[${i}]`)));
  return list.map((cidr) => NetworkPeer.cidr(cidr));
}

function peerListProblems(peers: readonly NetworkPeer[] | undefined, path: string): ConfigProblem[] {
  if (peers === undefined) return [];
  const problems: ConfigProblem[] = peers.length === 0 ? [{ path, message: 'must list at least one peer', value: [], fix: 'omit it for the default, or list NetworkPeer.namespace(...) / NetworkPeer.cidr(...) values.' }] : [];
  peers.forEach((p, i) => {
    if (!(p instanceof NetworkPeer)) problems.push({ path: `${path}[${i}]`, message: 'is not a NetworkPeer', value: p, fix: 'build it with NetworkPeer.namespace(...), NetworkPeer.allNamespaces() or NetworkPeer.cidr(...).' });
    else problems.push(...p.problems(`${path}[${i}]`));
  });
  return problems;
}

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function networkModel(props: NetworkPolicyProps = {}, path = 'NetworkPolicies', components: readonly StackComponentKey[] = STACK_COMPONENT_KEYS): NetworkModel {
  const d = NETWORK_DEFAULTS;
  const c = new ProblemCollector();
  const dnsNamespace = props.dns?.namespace ?? d.dnsNamespace;
  c.addAll(namespaceProblems(dnsNamespace, `${path}.dns.namespace`));
  const dnsPeer = NetworkPeer.namespace(dnsNamespace, props.dns?.podLabels ?? d.dnsPodLabels);
  c.addAll(dnsPeer.problems(`${path}.dns`));
  const dnsCidrs = (props.dns?.cidrs ?? []).map((cidr, i) => (c.addAll(cidrProblems(cidr, `${path}.dns.cidrs[${i}]`, '169.254.20.10/32')), NetworkPeer.cidr(cidr)));

  const apiPorts = props.apiServer?.ports ?? d.apiServerPorts;
  if (apiPorts.length === 0) c.add({ path: `${path}.apiServer.ports`, message: 'must list at least one port', value: [], fix: 'omit it for [443, 6443].' });
  c.addAll(networkPortsProblems(apiPorts.map((port) => ({ port })), `${path}.apiServer.ports`));

  const receiverPorts = props.alertReceivers?.ports ?? d.alertReceiverPorts;
  c.addAll(networkPortsProblems(receiverPorts, `${path}.alertReceivers.ports`));
  c.addAll(networkPortsProblems(props.scrapePorts, `${path}.scrapePorts`));
  c.addAll(peerListProblems(props.otlpClients, `${path}.otlpClients`));
  c.addAll(peerListProblems(props.probeTargets, `${path}.probeTargets`));

  let ingressController: NetworkPeer | undefined;
  if (props.ingressController !== undefined) {
    c.addAll(nonEmptyProblems(props.ingressController.namespace, `${path}.ingressController.namespace`, 'name the ingress controller\'s namespace, e.g. "ingress-nginx".'));
    ingressController = NetworkPeer.namespace(props.ingressController.namespace, props.ingressController.podLabels);
    c.addAll(ingressController.problems(`${path}.ingressController`));
  }

  (props.extraRules ?? []).forEach((r, i) => {
    const at = `${path}.extraRules[${i}]`;
    if (!components.includes(r.component)) {
      c.add({
        path: `${at}.component`,
        message: STACK_COMPONENT_KEYS.includes(r.component) ? 'names a component this stack leaves out' : 'names no component of the stack',
        value: r.component,
        fix: `use one of ${components.map((k) => JSON.stringify(k)).join(', ')}.`,
      });
    }
    if (r.direction !== 'ingress' && r.direction !== 'egress') c.add({ path: `${at}.direction`, message: 'must be "ingress" or "egress"', value: r.direction });
    c.addAll(peerListProblems(r.peers ?? [], `${at}.peers`));
    c.addAll(networkPortsProblems(r.ports, `${at}.ports`));
  });

  const nodes = cidrPeers(props.nodeCidrs, `${path}.nodeCidrs`, c);
  const apiPeers = cidrPeers(props.apiServer?.cidrs, `${path}.apiServer.cidrs`, c);
  const receiverPeers = cidrPeers(props.alertReceivers?.cidrs, `${path}.alertReceivers.cidrs`, c);
  c.throwIfAny();
  return {
    dns: { peers: [dnsPeer, ...dnsCidrs], ports: [{ port: d.dnsPort, protocol: 'UDP' }, { port: d.dnsPort, protocol: 'TCP' }] },
    apiServer: { peers: apiPeers, ports: apiPorts.map((port) => ({ port })) },
    nodes,
    alertReceivers: { peers: receiverPeers, ports: receiverPorts },
    ingressController,
    otlpClients: props.otlpClients ?? [NetworkPeer.allNamespaces()],
    scrapePorts: props.scrapePorts ?? [],
    probeTargets: props.probeTargets ?? [NetworkPeer.allNamespaces(), ...NetworkPeer.anyAddress()],
    extraRules: props.extraRules ?? [],
  };
}
