import { Construct } from 'constructs';
import { IAlertmanager, IJaeger, ILoki, IPrometheus } from '../common/endpoints';
import { ConfigError } from '../common/errors';
import { INetworkComponent, NetworkPeer, NetworkPort, portsOf } from './peer';
import type { WorkloadMonitorModel } from '../components/prometheus/workload-monitor';
import type { LokiDistributedPart } from '../components/loki/distributed';
import { NetworkModel, NetworkPolicyProps, StackComponentKey, networkModel } from './model';
import { Flow, FlowEnd, componentEnd, componentPolicies, componentPolicy, defaultDenyPolicy, dnsPolicy, peersEnd } from './policy';
import type * as k8s from '../../imports/k8s';

/**
 * The flows of the whole stack, wired by reference: each component declares its pods and its ports by role
 * (`network`), and this one list says who may reach which role of whom. A port a component adds to a role (a
 * production profile's extra metrics port, Alertmanager's gossip when clustered) is allowed wherever that role is.
 */

/** A scrape target outside the stack that Prometheus must reach (a typed workload monitor). */
export interface ScrapeTargetFlow {
  /** For the reason of the rule. */
  readonly name: string;
  /** The target's pods. */
  readonly peers: readonly NetworkPeer[];
  /** Its metrics port; empty: every port. */
  readonly ports: readonly NetworkPort[];
}

/** The stack's components as the network sees them: in-stack ones declare their network, external ones are URLs. */
export interface StackNetworkInput {
  /** The in-stack Prometheus, or (operator mode) the operator's, known by URL. */
  readonly prometheus: IPrometheus | (INetworkComponent & IPrometheus);
  /**
   * Who scrapes the stack's components when Prometheus is not in the stack (operator mode: the operator's Prometheus
   * pods). @default - every pod of every namespace
   */
  readonly scrapers?: NetworkPeer;
  /** The in-stack Alertmanager, or one known by URL (Grafana reads it). */
  readonly alertmanager?: IAlertmanager | (INetworkComponent & IAlertmanager);
  readonly grafana?: INetworkComponent;
  readonly loki?: ILoki | (INetworkComponent & ILoki);
  readonly jaeger?: IJaeger | (INetworkComponent & IJaeger);
  readonly otelGateway?: INetworkComponent;
  /** The tail-sampling tier (scale-out traces): the gateway load-balances traces onto it, it exports to Jaeger. */
  readonly otelSampler?: INetworkComponent;
  readonly otelAgent?: INetworkComponent;
  readonly nodeExporter?: INetworkComponent;
  readonly kubeStateMetrics?: INetworkComponent;
  readonly blackboxExporter?: INetworkComponent;
  /** OpenSearch Dashboards beside Jaeger's OpenSearch: people reach its UI, it reaches the cluster (its egress). */
  readonly openSearchDashboards?: INetworkComponent;
  /** The database and broker exporters (src/components/databases), each with its policy name. @default - none */
  readonly databases?: readonly NamedNetworkComponent[];
  /**
   * Scheduled jobs of the stack's components (Jaeger's index cleaner), each with its policy name: only their declared
   * egress is allowed. @default - none
   */
  readonly jobs?: readonly NamedNetworkComponent[];
  /**
   * Thanos (scale-out metrics): Query, Store Gateway and Compactor, each with its policy name. Query reads the
   * sidecars' and Store Gateways' StoreAPI, Grafana reads Query, Prometheus scrapes all three. @default - none
   */
  readonly thanos?: { readonly query: NamedNetworkComponent; readonly store: NamedNetworkComponent; readonly compactor: NamedNetworkComponent };
  /**
   * Distributed Loki's parts (then also `loki`, without a network of its own): the gateway writes to the
   * distributors, Grafana reads the query-frontends, the parts gossip and call each other. @default - none
   */
  readonly lokiDistributed?: readonly LokiDistributedPart[];
  /** Workload monitors: Prometheus may reach each one's pods on its port (read when the flows are computed). */
  readonly scrapeTargets?: readonly ScrapeTargetFlow[];
}

/** A component the stack holds a list of (database exporters): its policy's name and its network. */
export interface NamedNetworkComponent extends INetworkComponent {
  /** The policy's name: the component's `app.kubernetes.io/instance`. */
  readonly name: string;
}

/**
 * The flow of a typed workload monitor: its pods (by the selector, for `target: 'pods'`; every pod of its namespaces
 * for a Service's endpoints, whose selector names the Service) on its port. A numbered port is that port; a named
 * container port is that name (a NetworkPolicy's named port is the destination pod's); a Service port's name does
 * not say which container port it forwards to, so it allows every port of those pods.
 */
export function workloadMonitorFlow(m: WorkloadMonitorModel): ScrapeTargetFlow {
  const podLabels = m.target === 'pods' ? m.selector : undefined;
  const peers = m.namespaces.length > 0 ? m.namespaces.map((ns) => NetworkPeer.namespace(ns, podLabels)) : [NetworkPeer.allNamespaces(podLabels)];
  const ports: NetworkPort[] = typeof m.port === 'number' ? [{ port: m.port }] : m.target === 'pods' ? [{ port: m.port }] : [];
  return { name: m.name, peers, ports };
}

function inStack(value: object | undefined): value is INetworkComponent {
  return value !== undefined && 'network' in value;
}

/** Where an external backend answers: its URL's port, at any pod (another namespace) or any address. */
function external(address: string): { end: FlowEnd; ports: NetworkPort[] } {
  let port: number;
  if (/^https?:\/\//.test(address)) {
    const url = new URL(address);
    port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  } else {
    port = Number(address.slice(address.lastIndexOf(':') + 1));
  }
  return { end: peersEnd([NetworkPeer.allNamespaces(), ...NetworkPeer.anyAddress()]), ports: [{ port }] };
}

/** The in-stack components, by key, in a stable order. */
export function networkComponents(input: StackNetworkInput): { name: StackComponentKey; component: INetworkComponent }[] {
  const keys: StackComponentKey[] = ['prometheus', 'alertmanager', 'grafana', 'loki', 'jaeger', 'otelGateway', 'otelSampler', 'otelAgent', 'nodeExporter', 'kubeStateMetrics', 'blackboxExporter', 'openSearchDashboards'];
  return keys.flatMap((name) => {
    const value = input[name] as object | undefined;
    return inStack(value) ? [{ name, component: value }] : [];
  });
}

/** Every flow the stack needs (pure), plus the extra rules. */
export function stackFlows(input: StackNetworkInput, model: NetworkModel): Flow[] {
  const flows: Flow[] = [];
  const end = (name: StackComponentKey): FlowEnd => componentEnd(name, (input[name] as INetworkComponent).network);
  const net = (name: StackComponentKey) => (input[name] as INetworkComponent).network;
  const add = (from: FlowEnd, to: FlowEnd, ports: readonly NetworkPort[], why: string) => {
    // A role the component does not serve (no ports) is no flow; an empty list on an outside peer means every port.
    if (to.kind === 'component' && ports.length === 0) return;
    flows.push({ from, to, ports, why });
  };
  /** `from` → an in-stack component's `role` ports, or an external backend's URL port. */
  const toBackend = (from: FlowEnd, name: 'loki' | 'jaeger' | 'prometheus', address: string, role: 'ingest' | 'query', why: string) => {
    const backend = input[name];
    if (name === 'loki' && input.lokiDistributed) {
      const part = input.lokiDistributed.find((p) => p.target === (role === 'ingest' ? 'distributor' : 'query-frontend'))!;
      add(from, componentEnd(part.name, part.network), portsOf(part.network, role), why);
    } else if (inStack(backend)) add(from, end(name), portsOf(backend.network, role), why);
    else {
      const e = external(address);
      add(from, e.end, e.ports, `${why} (external)`);
    }
  };

  // Telemetry in: applications → the collector that faces them (the node agent, else the gateway) → the backends.
  const facing: StackComponentKey | undefined = input.otelAgent ? 'otelAgent' : input.otelGateway ? 'otelGateway' : undefined;
  if (facing) add(peersEnd(model.otlpClients), end(facing), portsOf(net(facing), 'otlp'), 'applications send OTLP traces, metrics and logs');
  if (input.otelAgent && input.otelGateway) add(end('otelAgent'), end('otelGateway'), portsOf(net('otelGateway'), 'otlp'), 'the node agents forward to the gateway');
  if (input.otelGateway) {
    const gw = end('otelGateway');
    if (input.otelSampler) {
      const sampler = end('otelSampler');
      add(gw, sampler, portsOf(net('otelSampler'), 'otlp'), 'the gateway load-balances traces by trace id onto the tail-sampling replicas');
      if (input.jaeger) toBackend(sampler, 'jaeger', input.jaeger.otlpGrpcEndpoint, 'ingest', 'the tail-sampling tier exports the kept traces to Jaeger');
    } else if (input.jaeger) toBackend(gw, 'jaeger', input.jaeger.otlpGrpcEndpoint, 'ingest', 'the gateway exports traces to Jaeger');
    if (input.loki) toBackend(gw, 'loki', input.loki.otlpUrl, 'ingest', 'the gateway exports logs to Loki');
    toBackend(gw, 'prometheus', input.prometheus.otlpMetricsUrl, 'ingest', 'the gateway exports metrics to Prometheus (OTLP)');
  }

  // Applications' SDKs fetch head-sampling strategies from Jaeger (remote_sampling), where it serves them.
  if (inStack(input.jaeger)) add(peersEnd(model.otlpClients), end('jaeger'), portsOf(net('jaeger'), 'sampling'), 'applications fetch their sampling strategies from Jaeger');

  // Grafana reads every datasource.
  if (input.grafana) {
    const g = end('grafana');
    toBackend(g, 'prometheus', input.prometheus.queryUrl, 'query', 'Grafana queries Prometheus');
    if (input.loki) toBackend(g, 'loki', input.loki.queryUrl, 'query', 'Grafana queries Loki');
    if (input.jaeger) toBackend(g, 'jaeger', input.jaeger.queryUrl, 'query', 'Grafana queries Jaeger');
    if (inStack(input.alertmanager)) add(g, end('alertmanager'), portsOf(net('alertmanager'), 'query'), 'Grafana reads alerts and silences from Alertmanager');
    else if (input.alertmanager) {
      const e = external(input.alertmanager.url);
      add(g, e.end, e.ports, 'Grafana reads alerts and silences from Alertmanager (external)');
    }
    if (model.ingressController) add(peersEnd([model.ingressController]), g, portsOf(net('grafana'), 'ui'), 'people open Grafana through the ingress controller');
  }
  // OpenSearch Dashboards: people, through the ingress controller (else kubectl port-forward only). Its egress to the
  // OpenSearch cluster is the component egress below, as Jaeger's.
  if (input.openSearchDashboards && model.ingressController) {
    add(peersEnd([model.ingressController]), end('openSearchDashboards'), portsOf(net('openSearchDashboards'), 'ui'), 'people open OpenSearch Dashboards through the ingress controller');
  }

  // Alerting. Without an in-stack Prometheus (operator mode), the operator's Prometheus pods scrape the components.
  const promInStack = inStack(input.prometheus);
  const prom = promInStack ? end('prometheus') : peersEnd([input.scrapers ?? NetworkPeer.allNamespaces()]);
  if (promInStack && inStack(input.alertmanager)) {
    const am = end('alertmanager');
    add(prom, am, portsOf(net('alertmanager'), 'alerts'), 'Prometheus sends alerts to every Alertmanager replica');
    add(am, am, portsOf(net('alertmanager'), 'peers'), 'Alertmanager replicas gossip silences and the notification log');
    add(am, peersEnd(model.alertReceivers.peers), model.alertReceivers.ports, 'Alertmanager notifies its receivers (PagerDuty, Slack, SMTP)');
  }

  // Scraping: every component's metrics ports, the probes, the kubelets, and the applications.
  for (const { name, component: c } of networkComponents(input)) add(prom, end(name), portsOf(c.network, 'metrics'), `Prometheus scrapes ${name}`);
  if (input.blackboxExporter) add(prom, end('blackboxExporter'), portsOf(net('blackboxExporter'), 'probe'), 'Prometheus asks blackbox-exporter for probes');
  if (promInStack) {
    const nodePorts = (net('prometheus').nodePorts ?? []).map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' }) as NetworkPort);
    if (nodePorts.length > 0) add(prom, peersEnd(model.nodes), nodePorts, 'Prometheus scrapes every kubelet (cAdvisor)');
    add(prom, peersEnd([NetworkPeer.allNamespaces()]), model.scrapePorts, 'Prometheus scrapes annotated pods and Services in every namespace');
    for (const t of input.scrapeTargets ?? []) add(prom, peersEnd(t.peers), t.ports, `Prometheus scrapes ${t.name} (a workload monitor)`);
  }
  if (input.blackboxExporter) add(end('blackboxExporter'), peersEnd(model.probeTargets), [], 'blackbox-exporter probes the endpoints of probe-based SLOs');

  // Databases and brokers: Prometheus scrapes each exporter, and each exporter reaches its database (its egress).
  for (const db of input.databases ?? []) {
    const e = componentEnd(db.name, db.network);
    add(prom, e, portsOf(db.network, 'metrics'), `Prometheus scrapes ${db.name}`);
    for (const out of db.network.egress ?? []) add(e, peersEnd(out.peers), out.ports, out.why);
  }

  if (input.thanos) {
    const t = input.thanos;
    const q = componentEnd(t.query.name, t.query.network);
    const st = componentEnd(t.store.name, t.store.network);
    const co = componentEnd(t.compactor.name, t.compactor.network);
    if (promInStack) add(q, end('prometheus'), portsOf(net('prometheus'), 'storeApi'), 'Thanos Query reads the sidecars\' StoreAPI');
    add(q, st, portsOf(t.store.network, 'storeApi'), 'Thanos Query reads the Store Gateways\' StoreAPI');
    if (input.grafana) add(end('grafana'), q, portsOf(t.query.network, 'query'), 'Grafana queries Thanos Query (the global, de-duplicated view)');
    for (const part of [t.query, t.store, t.compactor]) {
      add(prom, componentEnd(part.name, part.network), portsOf(part.network, 'metrics'), `Prometheus scrapes ${part.name}`);
      for (const out of part.network.egress ?? []) add(componentEnd(part.name, part.network), peersEnd(out.peers), out.ports, out.why);
    }
    void co;
  }
  if (input.lokiDistributed) {
    const parts = input.lokiDistributed;
    const e = (t: LokiDistributedPart['target']) => {
      const p = parts.find((x) => x.target === t)!;
      return { end: componentEnd(p.name, p.network), network: p.network };
    };
    for (const a of parts) for (const b of parts) add(componentEnd(a.name, a.network), componentEnd(b.name, b.network), portsOf(b.network, 'peers'), `Loki's ${a.target} gossips the memberlist ring with the ${b.target}`);
    add(e('distributor').end, e('ingester').end, portsOf(e('ingester').network, 'grpc'), 'Loki\'s distributors write each stream to its ingesters (gRPC)');
    add(e('querier').end, e('ingester').end, portsOf(e('ingester').network, 'grpc'), 'Loki\'s queriers read recent logs from the ingesters (gRPC)');
    add(e('querier').end, e('query-frontend').end, portsOf(e('query-frontend').network, 'grpc'), 'Loki\'s queriers pull queries from the query-frontends (frontend_worker, gRPC)');
    for (const p of parts) {
      add(prom, componentEnd(p.name, p.network), portsOf(p.network, 'metrics'), `Prometheus scrapes ${p.name}`);
      for (const out of p.network.egress ?? []) add(componentEnd(p.name, p.network), peersEnd(out.peers), out.ports, `Loki's ${p.target} ${out.why}`);
    }
  }
  for (const job of input.jobs ?? []) {
    const e = componentEnd(job.name, job.network);
    for (const out of job.network.egress ?? []) add(e, peersEnd(out.peers), out.ports, out.why);
  }

  // Destinations outside the stack that components declare (Jaeger's Elasticsearch/OpenSearch cluster).
  for (const { name, component: c } of networkComponents(input)) {
    for (const out of c.network.egress ?? []) add(end(name), peersEnd(out.peers), out.ports, out.why);
  }

  // The API server, for the components that call it.
  for (const { name, component: c } of networkComponents(input)) {
    if (c.network.callsApiServer) add(end(name), peersEnd(model.apiServer.peers), model.apiServer.ports, `${name} calls the Kubernetes API`);
  }

  // Destinations outside the stack a component declares (Grafana's external database).
  for (const { name, component: c } of networkComponents(input)) {
    for (const out of c.network.egress ?? []) add(end(name), peersEnd(out.peers), out.ports, out.why);
  }

  for (const r of model.extraRules) {
    if (!inStack(input[r.component] as object | undefined)) continue;
    const e = end(r.component);
    if (r.direction === 'ingress') add(peersEnd(r.peers), e, r.ports ?? [], 'extra rule (ingress)');
    else add(e, peersEnd(r.peers), r.ports ?? [], 'extra rule (egress)');
  }
  return flows;
}

export interface StackNetworkPoliciesProps {
  readonly policies: NetworkPolicyProps;
  readonly input: StackNetworkInput;
}

/**
 * The NetworkPolicies of a stack: in each namespace a default deny of both directions and DNS for every pod, then one
 * policy per component with the rules of its flows. The flows are computed once, at synth.
 */
export class StackNetworkPolicies extends Construct {
  public readonly model: NetworkModel;
  /** The policy objects, by component key (database exporters by their name). */
  public readonly policies: ReadonlyMap<StackComponentKey | string, k8s.KubeNetworkPolicy>;
  private readonly input: StackNetworkInput;
  private computed?: ReturnType<typeof componentPolicies>;

  constructor(scope: Construct, id: string, props: StackNetworkPoliciesProps) {
    super(scope, id);
    this.input = props.input;
    const components = networkComponents(props.input);
    this.model = networkModel(props.policies, this.node.path, components.map((c) => c.name));
    const thanosParts = props.input.thanos ? [props.input.thanos.query, props.input.thanos.store, props.input.thanos.compactor] : [];
    const databases = [...(props.input.databases ?? []), ...(props.input.jobs ?? []), ...thanosParts, ...(props.input.lokiDistributed ?? [])];
    const namespaces = [...new Set([...components.map((c) => c.component.network.pods.namespace), ...databases.map((d) => d.network.pods.namespace)])];
    namespaces.forEach((ns, i) => {
      defaultDenyPolicy(this, `DefaultDeny-${i}`, ns);
      dnsPolicy(this, `Dns-${i}`, ns, this.model.dns);
    });
    const policies = new Map<StackComponentKey | string, k8s.KubeNetworkPolicy>();
    for (const { name, component: c } of components) {
      const instance = c.network.policyName ?? c.network.pods.podSelector['app.kubernetes.io/instance'];
      if (instance === undefined) throw new ConfigError({ path: `${this.node.path}.${name}`, message: 'declares pods without an app.kubernetes.io/instance label', fix: 'select the pods with selectorLabels(identity).' });
      policies.set(name, componentPolicy(this, name, instance, c.network, () => this.rules().find((p) => p.name === name)!));
    }
    for (const d of databases) policies.set(d.name, componentPolicy(this, `database-${d.name}`, d.name, d.network, () => this.rules().find((p) => p.name === d.name)!));
    this.policies = policies;
  }

  /** Every flow, as it stands (computed at synth). */
  public get flows(): Flow[] {
    return stackFlows(this.input, this.model);
  }

  private rules(): ReturnType<typeof componentPolicies> {
    if (!this.computed) {
      const components = [
        ...networkComponents(this.input).map((c) => ({ name: c.name as string, network: c.component.network })),
        ...(this.input.databases ?? []).map((d) => ({ name: d.name, network: d.network })),
        ...(this.input.jobs ?? []).map((d) => ({ name: d.name, network: d.network })),
        ...(this.input.thanos ? [this.input.thanos.query, this.input.thanos.store, this.input.thanos.compactor] : []).map((d) => ({ name: d.name, network: d.network })),
        ...(this.input.lokiDistributed ?? []).map((d) => ({ name: d.name, network: d.network })),
      ];
      this.computed = componentPolicies(components, this.flows, this.model.nodes);
    }
    return this.computed;
  }
}
