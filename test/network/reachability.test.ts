import { Testing } from 'cdk8s';
import { join } from 'node:path';
import { Jaeger } from '../../src/components/jaeger';
import { ObservabilityStack, ObservabilityStackProps } from '../../src/stack';
import { DEMO_SERVICES, ORDER_SERVICE } from '../../src/slo';
import { expectGolden } from '../helpers/golden';
import { Cluster, Endpoint, Protocol, podsOf } from '../helpers/network-policy';
import { K8sObject, configFile, parseYaml } from '../helpers/synth';

/**
 * The reachability table: the synthesized NetworkPolicies evaluated with NetworkPolicy semantics
 * (test/helpers/network-policy.ts) in a small model cluster. The flows the stack NEEDS are read from the generated
 * configs themselves (exporter endpoints, datasource URLs, alerting targets, scrape jobs, gossip peers, probe
 * targets), resolved through the synthesized Services to pods and target ports, so the table follows the configs,
 * not the policy code. Every needed flow must be allowed and every forbidden one denied, with ipBlocks matching pod
 * addresses and without (the network plugins differ); the table is kept in reachability.md.
 */

const NODE_IP = '192.168.0.10';
const API_SERVER = { ip: '192.168.0.2', port: 6443 };

interface World {
  readonly objects: K8sObject[];
  readonly pods: Endpoint[];
  readonly stackPods: Endpoint[];
  readonly app: Endpoint;
  readonly ingress: Endpoint;
  readonly outsiders: Endpoint[];
  readonly namespaceLabels: Map<string, Record<string, string>>;
}

interface Row {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol: Protocol;
  readonly why: string;
}

function world(props: ObservabilityStackProps): World {
  const stack = new ObservabilityStack(Testing.app(), 'observability', props);
  const objects = Testing.synth(stack) as K8sObject[];
  let n = 10;
  const stackPods = podsOf(objects, () => `10.244.1.${n++}`, NODE_IP);
  const pod = (id: string, namespace: string, labels: Record<string, string>, ports: [string, number, Protocol?][]): Endpoint => ({
    id,
    ip: `10.244.2.${n++}`,
    namespace,
    labels,
    ports: ports.map(([name, port, protocol]) => ({ name, port, protocol: protocol ?? 'TCP' })),
  });
  const app = pod('shop/order-service', 'shop', { 'app.kubernetes.io/name': 'order-service' }, [['http', 8080]]);
  const ingress = pod('ingress-nginx/controller', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }, [['https', 443]]);
  const outsiders = [
    app,
    ingress,
    pod('shop/storefront', 'shop', { 'app.kubernetes.io/name': 'storefront' }, [['http', 8080]]),
    pod('kube-system/coredns', 'kube-system', { 'k8s-app': 'kube-dns' }, [['dns', 53, 'UDP'], ['dns-tcp', 53]]),
    pod('tracing/jaeger-collector', 'tracing', { 'app.kubernetes.io/name': 'jaeger-collector' }, [['otlp-grpc', 4317]]),
    pod('tracing/jaeger-query', 'tracing', { 'app.kubernetes.io/name': 'jaeger-query' }, [['http-query', 16686]]),
    { id: `node ${NODE_IP}`, ip: NODE_IP },
    { id: 'api-server', ip: API_SERVER.ip },
    { id: 'hooks.slack.com', ip: '203.0.113.10' },
    { id: 'events.pagerduty.com', ip: '203.0.113.11' },
    { id: 'smtp.example.com', ip: '203.0.113.25' },
  ];
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const ns of ['shop', 'ingress-nginx', 'kube-system', 'tracing']) namespaceLabels.set(ns, { 'kubernetes.io/metadata.name': ns });
  for (const o of objects.filter((x) => x.kind === 'Namespace')) namespaceLabels.set(o.metadata.name, { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name });
  return { objects, pods: [...stackPods, ...outsiders], stackPods, app, ingress, outsiders, namespaceLabels };
}

function byId(w: World, id: string): Endpoint {
  const e = w.pods.find((p) => p.id === id);
  if (!e) throw new Error(`no endpoint ${id}`);
  return e;
}

/** `svc.ns.svc[:port]`, `pod-N.svc.ns.svc`, with or without `.cluster.local`, to the pods and target ports behind it. */
function resolve(w: World, host: string, port: number): { to: Endpoint; port: number; protocol: Protocol }[] {
  const parts = host.replace(/\.cluster\.local$/, '').split('.');
  if (parts[parts.length - 1] !== 'svc') throw new Error(`not a cluster Service host: ${host}`);
  const [svcName, ns] = parts.length === 4 ? [parts[1], parts[2]] : [parts[0], parts[1]];
  const svc = w.objects.find((o) => o.kind === 'Service' && o.metadata.name === svcName && o.metadata.namespace === ns);
  if (!svc) {
    // A Service outside the stack: the model cluster's pod of that name, on the same port.
    const outside = w.outsiders.find((p) => p.namespace === ns && p.labels?.['app.kubernetes.io/name'] === svcName);
    if (!outside) throw new Error(`no Service ${ns}/${svcName}`);
    return [{ to: outside, port, protocol: 'TCP' }];
  }
  const selected = w.stackPods.filter((p) => p.namespace === ns && Object.entries(svc.spec.selector).every(([k, v]) => p.labels?.[k] === v));
  return svc.spec.ports
    .filter((sp: any) => sp.port === port)
    .flatMap((sp: any) =>
      selected.map((to) => {
        const target = typeof sp.targetPort === 'string' ? to.ports!.find((p) => p.name === sp.targetPort)!.port : sp.targetPort ?? sp.port;
        return { to, port: target, protocol: (sp.protocol ?? 'TCP') as Protocol };
      }),
    );
}

function resolveAddress(w: World, address: string): { to: Endpoint; port: number; protocol: Protocol }[] {
  if (/^https?:\/\//.test(address)) {
    const u = new URL(address);
    return resolve(w, u.hostname, u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80);
  }
  const i = address.lastIndexOf(':');
  return resolve(w, address.slice(0, i), Number(address.slice(i + 1)));
}

function workloadPod(w: World, kind: string, name: string): Endpoint | undefined {
  return w.stackPods.find((p) => p.id === `${kind}/${name}`);
}

/** Every flow the generated configs need, resolved to pods and ports. */
function neededFlows(w: World): Row[] {
  const rows: Row[] = [];
  const add = (from: Endpoint, targets: { to: Endpoint; port: number; protocol: Protocol }[], why: string) => {
    if (targets.length === 0) throw new Error(`${why}: resolves to nothing`);
    for (const t of targets) rows.push({ from, to: t.to, port: t.port, protocol: t.protocol, why });
  };
  const files = (key: string) => w.objects.filter((o) => o.kind === 'ConfigMap' && o.data?.[key] !== undefined);

  // The collectors' exporters: agent → gateway, gateway → backends.
  for (const cm of files('config.yaml')) {
    const workload = cm.metadata.name.replace(/-config$/, '');
    const from = workloadPod(w, 'Deployment', workload) ?? workloadPod(w, 'StatefulSet', workload) ?? workloadPod(w, 'DaemonSet', workload);
    if (!from || !from.labels?.['app.kubernetes.io/name']?.includes('opentelemetry-collector')) continue;
    for (const [name, e] of Object.entries<any>(parseYaml(cm.data['config.yaml']).exporters ?? {})) {
      for (const address of [e.endpoint, e.metrics_endpoint].filter((x) => typeof x === 'string')) add(from, resolveAddress(w, address), `${workload} exporter ${name}`);
    }
  }
  // Grafana's datasources.
  const grafana = workloadPod(w, 'Deployment', 'grafana');
  if (grafana) for (const ds of parseYaml(configFile(w.objects, 'datasources.yaml')).datasources) add(grafana, resolveAddress(w, ds.url), `Grafana datasource ${ds.name}`);

  // Prometheus: alerting targets, scrape jobs.
  const prom = workloadPod(w, 'StatefulSet', 'prometheus')!;
  const promYml = parseYaml(configFile(w.objects, 'prometheus.yml'));
  for (const am of promYml.alerting?.alertmanagers ?? []) for (const sc of am.static_configs) for (const t of sc.targets) add(prom, resolveAddress(w, t), 'Prometheus alerting');
  for (const job of promYml.scrape_configs) {
    const relabels: any[] = job.relabel_configs ?? [];
    if (job.static_configs) {
      // Probe jobs: the scrape goes to the exporter (`__address__` replaced), the probe to each target.
      const exporter = relabels.find((r) => r.target_label === '__address__' && r.replacement)?.replacement;
      const blackbox = w.stackPods.find((p) => p.labels?.['app.kubernetes.io/name'] === 'blackbox-exporter')!;
      if (exporter) add(prom, resolveAddress(w, exporter), `Prometheus job ${job.job_name} (probe request)`);
      for (const sc of job.static_configs) for (const t of sc.targets) add(blackbox, resolveAddress(w, t), `blackbox-exporter probes for ${job.job_name}`);
      continue;
    }
    const role = job.kubernetes_sd_configs?.[0]?.role;
    if (role === 'node') {
      add(prom, [{ to: byId(w, `node ${NODE_IP}`), port: 10250, protocol: 'TCP' }], `Prometheus job ${job.job_name} (kubelet)`);
      continue;
    }
    const namespaces: string[] | undefined = job.kubernetes_sd_configs?.[0]?.namespaces?.names;
    const keepLabel = (label: string) => relabels.find((r) => r.action === 'keep' && r.source_labels?.length === 1 && r.source_labels[0] === label)?.regex;
    const annotated = keepLabel('__meta_kubernetes_pod_annotation_prometheus_io_scrape') ?? keepLabel('__meta_kubernetes_service_annotation_prometheus_io_scrape');
    const portName = keepLabel('__meta_kubernetes_pod_container_port_name');
    const appName = keepLabel('__meta_kubernetes_pod_label_app_kubernetes_io_name');
    const instance = keepLabel('__meta_kubernetes_pod_label_app_kubernetes_io_instance');
    for (const pod of w.stackPods) {
      if (namespaces && !namespaces.includes(pod.namespace!)) continue;
      if (annotated) {
        if (role !== 'pod' || pod.annotations?.['prometheus.io/scrape'] !== 'true') continue;
        const port = Number(pod.annotations['prometheus.io/port']);
        add(prom, [{ to: pod, port, protocol: 'TCP' }], `Prometheus job ${job.job_name}`);
        continue;
      }
      if (appName && pod.labels?.['app.kubernetes.io/name'] !== appName) continue;
      if (instance && pod.labels?.['app.kubernetes.io/instance'] !== instance) continue;
      if (!appName && !instance) continue;
      const ports = (pod.ports ?? []).filter((p) => portName === undefined || p.name === portName);
      add(prom, ports.map((p) => ({ to: pod, port: p.port, protocol: p.protocol })), `Prometheus job ${job.job_name}`);
    }
  }
  // Applications annotated for scraping, in their own namespace.
  add(prom, [{ to: w.app, port: 8080, protocol: 'TCP' }], 'Prometheus job kubernetes-pods (an application)');

  // Alertmanager: gossip peers, receivers.
  const am = workloadPod(w, 'StatefulSet', 'alertmanager');
  if (am) {
    const args: string[] = w.objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'alertmanager')!.spec.template.spec.containers[0].args;
    for (const peer of args.filter((a) => a.startsWith('--cluster.peer=')).map((a) => a.slice('--cluster.peer='.length))) add(am, resolveAddress(w, peer), 'Alertmanager gossip');
    const amYml = parseYaml(configFile(w.objects, 'alertmanager.yml'));
    const smtpPort = Number(String(amYml.receivers.flatMap((r: any) => r.email_configs ?? [])[0]?.smarthost ?? 'x:587').split(':')[1]);
    add(am, [{ to: byId(w, 'hooks.slack.com'), port: 443, protocol: 'TCP' }], 'Alertmanager receiver slack');
    add(am, [{ to: byId(w, 'events.pagerduty.com'), port: 443, protocol: 'TCP' }], 'Alertmanager receiver pagerduty');
    add(am, [{ to: byId(w, 'smtp.example.com'), port: smtpPort, protocol: 'TCP' }], 'Alertmanager receiver email');
  }

  // Every pod: DNS; the pods that mount a token: the API server.
  const dns = byId(w, 'kube-system/coredns');
  for (const pod of w.stackPods.filter((p) => !p.hostNetwork)) {
    add(pod, [{ to: dns, port: 53, protocol: 'UDP' }, { to: dns, port: 53, protocol: 'TCP' }], 'cluster DNS');
    if (pod.automountToken) add(pod, [{ to: byId(w, 'api-server'), port: API_SERVER.port, protocol: 'TCP' }], 'Kubernetes API');
  }

  // Applications → the collector that faces them; people → Grafana through the ingress controller.
  const agentSvc = w.objects.find((o) => o.kind === 'Service' && o.metadata.name === 'otel-agent');
  const facing = agentSvc ?? w.objects.find((o) => o.kind === 'Service' && o.metadata.name === 'otel-gateway');
  if (facing) {
    for (const p of facing.spec.ports) add(w.app, resolve(w, `${facing.metadata.name}.${facing.metadata.namespace}.svc`, p.port), 'application OTLP');
  }
  if (grafana) add(w.ingress, resolve(w, 'grafana.observability.svc', 3000), 'people → Grafana (ingress controller)');
  // Replicas are one pod in the model cluster: each flow once.
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.from.id}|${r.to.id}|${r.port}|${r.protocol}|${r.why}`;
    return !seen.has(key) && (seen.add(key), true);
  });
}

/** An application pod against every port of the components it must not reach. */
function forbiddenFlows(w: World): Row[] {
  const rows: Row[] = [];
  const guarded = ['prometheus', 'alertmanager', 'loki', 'jaeger', 'kube-state-metrics', 'grafana', 'blackbox-exporter', 'otel-gateway'];
  for (const pod of w.stackPods.filter((p) => guarded.includes(p.labels?.['app.kubernetes.io/instance'] ?? ''))) {
    // With an agent, applications send to the agent: the gateway takes only the agents' traffic.
    if (pod.labels?.['app.kubernetes.io/instance'] === 'otel-gateway' && !w.stackPods.some((p) => p.labels?.['app.kubernetes.io/instance'] === 'otel-agent')) continue;
    for (const p of pod.ports ?? []) rows.push({ from: w.app, to: pod, port: p.port, protocol: p.protocol, why: 'an application pod' });
  }
  return rows;
}

function table(needed: Row[], forbidden: Row[], verdict: (r: Row) => string): string {
  const line = (r: Row, expect: string) => `| ${r.from.id} | ${r.to.id} | ${r.port}/${r.protocol} | ${r.why} | ${expect} | ${verdict(r)} |`;
  return [
    '| from | to | port | why | expected | evaluated |',
    '| --- | --- | --- | --- | --- | --- |',
    ...needed.map((r) => line(r, 'allowed')),
    ...forbidden.map((r) => line(r, 'denied')),
  ].join('\n');
}

const SCENARIOS: { name: string; golden: string; props: ObservabilityStackProps }[] = [
  {
    name: 'the default platform (src/main.ts) with an ingress controller',
    golden: 'reachability-default.md',
    props: { services: [ORDER_SERVICE, ...DEMO_SERVICES], networkPolicies: { ingressController: { namespace: 'ingress-nginx' } } },
  },
  {
    name: 'a clustered Alertmanager, a probe-based SLO and an external Jaeger',
    golden: 'reachability-catalog.md',
    props: {
      services: [{ name: 'storefront', probeUrl: 'http://storefront.shop.svc:8080/healthz', slos: [{ name: 'availability', objective: 99.5, sli: { kind: 'availability', source: 'probe' } }] }],
      alertmanager: { replicas: 3 },
      jaeger: Jaeger.fromEndpoints({ queryUrl: 'http://jaeger-query.tracing.svc:16686', otlpGrpcEndpoint: 'jaeger-collector.tracing.svc:4317' }),
      networkPolicies: { ingressController: { namespace: 'ingress-nginx' } },
    },
  },
  {
    name: 'the production profile (HA pairs, per-replica OTLP export, self-monitoring jobs, kubelet volume stats)',
    golden: 'reachability-production.md',
    props: {
      services: [ORDER_SERVICE, ...DEMO_SERVICES],
      production: { sizing: false },
      networkPolicies: { ingressController: { namespace: 'ingress-nginx' } },
    },
  },
];

describe.each(SCENARIOS)('reachability: $name', ({ props, golden }) => {
  const w = world(props);
  const needed = neededFlows(w);
  const forbidden = forbiddenFlows(w);
  const modes = [
    { name: 'ipBlocks do not match pods (Cilium)', cluster: new Cluster(w.objects, w.namespaceLabels, { ipBlockMatchesPods: false }) },
    { name: 'ipBlocks match pods (Calico)', cluster: new Cluster(w.objects, w.namespaceLabels, { ipBlockMatchesPods: true }) },
  ];

  test.each(modes)('every flow the configs need is allowed ($name)', ({ cluster }) => {
    const refused = needed.filter((r) => !cluster.connect(r.from, r.to, r.port, r.protocol).allowed);
    expect(refused.map((r) => `${r.from.id} → ${r.to.id}:${r.port}/${r.protocol} (${r.why}): ${cluster.connect(r.from, r.to, r.port, r.protocol).deniedBy}`)).toEqual([]);
    expect(needed.length).toBeGreaterThan(30);
  });

  test.each(modes)('an application pod reaches none of Prometheus, Alertmanager, Loki, Jaeger, kube-state-metrics, Grafana ($name)', ({ cluster }) => {
    const open = forbidden.filter((r) => cluster.connect(r.from, r.to, r.port, r.protocol).allowed);
    expect(open.map((r) => `${r.to.id}:${r.port}/${r.protocol}`)).toEqual([]);
    const instances = new Set(forbidden.map((r) => r.to.labels?.['app.kubernetes.io/instance']));
    for (const c of ['prometheus', 'alertmanager', 'loki', 'kube-state-metrics', 'grafana']) expect(instances).toContain(c);
  });

  test('Grafana answers the named ingress namespace only, and not another pod of the app namespace', () => {
    const cluster = modes[1].cluster;
    const grafana = w.stackPods.find((p) => p.labels?.['app.kubernetes.io/instance'] === 'grafana')!;
    expect(cluster.connect(w.ingress, grafana, 3000).allowed).toBe(true);
    expect(cluster.connect(w.app, grafana, 3000)).toEqual({ allowed: false, deniedBy: 'ingress' });
  });

  test('every stack pod is selected by a policy in both directions', () => {
    const cluster = modes[0].cluster;
    const unselected = w.stackPods.filter((p) => p.namespace && (cluster.selecting({ ...p, hostNetwork: false }, 'Ingress').length === 0 || cluster.selecting({ ...p, hostNetwork: false }, 'Egress').length === 0));
    expect(unselected.map((p) => p.id)).toEqual([]);
    // Each has a policy of its own, besides the namespace's default deny and DNS.
    for (const p of w.stackPods) {
      const own = cluster.selecting({ ...p, hostNetwork: false }, 'Ingress').filter((x) => Object.keys(x.spec.podSelector.matchLabels ?? {}).length > 0);
      expect([p.id, own.length]).toEqual([p.id, 1]);
    }
  });

  test('the reachability table as it stands (reachability-*.md)', () => {
    const strict = modes[0].cluster;
    const t = table(needed, forbidden, (r) => {
      const v = strict.connect(r.from, r.to, r.port, r.protocol);
      return v.allowed ? 'allowed' : `denied (${v.deniedBy})`;
    });
    expectGolden(join(__dirname, golden), `${t}\n`);
  });
});

describe('NetworkPolicy semantics of the evaluator itself', () => {
  const ns = new Map([['a', { 'kubernetes.io/metadata.name': 'a' }], ['b', { 'kubernetes.io/metadata.name': 'b' }]]);
  const pa: Endpoint = { id: 'a/x', ip: '10.0.0.1', namespace: 'a', labels: { app: 'x' }, ports: [{ name: 'web', port: 80, protocol: 'TCP' }] };
  const pb: Endpoint = { id: 'b/y', ip: '10.0.0.2', namespace: 'b', labels: { app: 'y' }, ports: [{ name: 'web', port: 8080, protocol: 'TCP' }] };
  const policy = (namespace: string, spec: any): K8sObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec });

  test('no policy: everything is allowed; an empty ingress list isolates', () => {
    expect(new Cluster([], ns, { ipBlockMatchesPods: false }).connect(pa, pb, 8080).allowed).toBe(true);
    const deny = new Cluster([policy('b', { podSelector: {}, policyTypes: ['Ingress'] })], ns, { ipBlockMatchesPods: false });
    expect(deny.connect(pa, pb, 8080)).toEqual({ allowed: false, deniedBy: 'ingress' });
  });

  test('a podSelector peer means the policy\'s namespace; with a namespaceSelector it means that namespace', () => {
    const sameNs = new Cluster([policy('b', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }] }] })], ns, { ipBlockMatchesPods: false });
    expect(sameNs.connect(pa, pb, 8080).allowed).toBe(false);
    const otherNs = new Cluster([policy('b', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } }, podSelector: { matchLabels: { app: 'x' } } }] }] })], ns, { ipBlockMatchesPods: false });
    expect(otherNs.connect(pa, pb, 8080).allowed).toBe(true);
  });

  test('named ports are the destination\'s, ranges include endPort, protocols must match', () => {
    const c = (ports: any[]) => new Cluster([policy('b', { podSelector: {}, ingress: [{ ports }] })], ns, { ipBlockMatchesPods: false });
    expect(c([{ port: 'web' }]).connect(pa, pb, 8080).allowed).toBe(true);
    expect(c([{ port: 'web' }]).connect(pa, pb, 80).allowed).toBe(false);
    expect(c([{ port: 8000, endPort: 8080 }]).connect(pa, pb, 8080).allowed).toBe(true);
    expect(c([{ port: 8080, protocol: 'UDP' }]).connect(pa, pb, 8080).allowed).toBe(false);
  });

  test('egress is the source\'s business, ingress the destination\'s, and policies add up', () => {
    const egressOnly = policy('a', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    expect(new Cluster([egressOnly], ns, { ipBlockMatchesPods: false }).connect(pa, pb, 8080)).toEqual({ allowed: false, deniedBy: 'egress' });
    expect(new Cluster([egressOnly], ns, { ipBlockMatchesPods: true }).connect(pa, pb, 8080).allowed).toBe(true);
    const more = policy('a', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] }] });
    expect(new Cluster([egressOnly, more], ns, { ipBlockMatchesPods: false }).connect(pa, pb, 8080).allowed).toBe(true);
    const ext: Endpoint = { id: 'ext', ip: '203.0.113.1' };
    expect(new Cluster([policy('a', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['203.0.113.0/24'] } }] }] })], ns, { ipBlockMatchesPods: false }).connect(pa, ext, 443).allowed).toBe(false);
  });
});
