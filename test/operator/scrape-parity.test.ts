import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { ObservabilityStack, ObservabilityStackProps } from '../../src/stack';
import { ServiceSpec } from '../../src/slo';
import { WorkloadMonitorProps } from '../../src/components/prometheus';
import { configFile, K8sObject, synthObjects } from '../helpers/synth';
import { freePorts, getJson, LOOPBACK, Server, startServer, waitFor, waitForOk } from '../helpers/servers';
import { writeTree } from '../helpers/tools';
import { operatorScrapeJobs } from '../helpers/operator-emulator';

/**
 * Same targets, same labels, in both modes, shown by the real Prometheus (3.5, the release the stack deploys): the
 * stack's own scrape jobs (native mode) and the jobs the Prometheus Operator makes of the stack's operator resources
 * (emulated from its source, test/helpers/operator-emulator.ts) run side by side in one Prometheus against the same
 * discovered targets. With no Kubernetes API here, each job's `kubernetes_sd_configs` is replaced by a file of
 * target groups carrying the meta labels Kubernetes discovery would give (role pod, endpoints or service, as the
 * job's role), the only replacement; the relabeling is the real one. `/api/v1/targets` then lists, per job, the
 * targets after relabeling: their labels and scrape URLs must be the same.
 */

const meta = (prefix: string, labels: Record<string, string>, kind: 'label' | 'annotation') =>
  Object.fromEntries(Object.entries(labels).flatMap(([k, v]) => {
    const n = k.replace(/[^a-zA-Z0-9_]/g, '_');
    return [[`__meta_kubernetes_${prefix}_${kind}_${n}`, v], [`__meta_kubernetes_${prefix}_${kind}present_${n}`, 'true']];
  }));

interface Pod {
  namespace: string;
  name: string;
  phase: string;
  ip: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  containers: { name: string; ports: { name: string; number: number }[] }[];
}

/** What role `pod` discovery gives: one target per container port. */
function podTargets(p: Pod): { targets: string[]; labels: Record<string, string> }[] {
  return p.containers.flatMap((c) =>
    c.ports.map((port) => ({
      targets: [`${p.ip}:${port.number}`],
      labels: {
        __meta_kubernetes_namespace: p.namespace,
        __meta_kubernetes_pod_name: p.name,
        __meta_kubernetes_pod_phase: p.phase,
        __meta_kubernetes_pod_ip: p.ip,
        __meta_kubernetes_pod_node_name: 'node-a',
        __meta_kubernetes_pod_container_name: c.name,
        __meta_kubernetes_pod_container_port_name: port.name,
        __meta_kubernetes_pod_container_port_number: String(port.number),
        __meta_kubernetes_pod_container_port_protocol: 'TCP',
        ...meta('pod', p.labels, 'label'),
        ...meta('pod', p.annotations ?? {}, 'annotation'),
      },
    })),
  );
}

const PODS: Pod[] = [
  // annotated, with a sidecar port: native discovery gives two targets that relabel to one address
  {
    namespace: 'shop', name: 'orders-7f', phase: 'Running', ip: '10.1.0.5', labels: { 'app.kubernetes.io/name': 'order-service' },
    annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' },
    containers: [{ name: 'app', ports: [{ name: 'http', number: 8080 }] }, { name: 'istio-proxy', ports: [{ name: 'http-envoy-prom', number: 15090 }] }],
  },
  // annotated but finished
  { namespace: 'shop', name: 'report-job-1', phase: 'Succeeded', ip: '10.1.0.6', labels: { app: 'report' }, annotations: { 'prometheus.io/scrape': 'true' }, containers: [{ name: 'job', ports: [{ name: 'http', number: 8080 }] }] },
  // annotated, a path and scheme of its own, service from the `app` label
  {
    namespace: 'cart', name: 'cart-1', phase: 'Running', ip: '10.1.0.7', labels: { app: 'cart' },
    annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/internal/metrics', 'prometheus.io/scheme': 'https' },
    containers: [{ name: 'app', ports: [{ name: 'http', number: 8443 }] }],
  },
  {
    namespace: 'observability', name: 'kube-state-metrics-5d', phase: 'Running', ip: '10.1.0.8',
    labels: { 'app.kubernetes.io/name': 'kube-state-metrics', 'app.kubernetes.io/instance': 'kube-state-metrics' },
    containers: [{ name: 'kube-state-metrics', ports: [{ name: 'http-metrics', number: 8080 }, { name: 'telemetry', number: 8081 }] }],
  },
  {
    namespace: 'observability-agents', name: 'node-exporter-x2', phase: 'Running', ip: '10.0.0.3',
    labels: { 'app.kubernetes.io/name': 'node-exporter', 'app.kubernetes.io/instance': 'node-exporter' },
    containers: [{ name: 'node-exporter', ports: [{ name: 'metrics', number: 9100 }] }],
  },
  // a typed monitor's workload: port by name; a second port that must not be scraped
  { namespace: 'shop', name: 'payments-1', phase: 'Running', ip: '10.1.0.9', labels: { app: 'payments', 'app.kubernetes.io/name': 'payment-service' }, containers: [{ name: 'app', ports: [{ name: 'metrics', number: 9102 }, { name: 'http', number: 8080 }] }] },
  { namespace: 'shop', name: 'payments-2', phase: 'Pending', ip: '10.1.0.10', labels: { app: 'payments' }, containers: [{ name: 'app', ports: [{ name: 'metrics', number: 9102 }] }] },
];

/** What role `endpoints` discovery gives for the pods behind a Service. */
function endpointTargets(service: string, serviceLabels: Record<string, string>, portName: string, pod: Pod): { targets: string[]; labels: Record<string, string> }[] {
  return podTargets(pod).map((t) => ({
    targets: t.targets,
    labels: {
      ...t.labels,
      __meta_kubernetes_service_name: service,
      ...meta('service', serviceLabels, 'label'),
      __meta_kubernetes_endpoint_port_name: portName,
      __meta_kubernetes_endpoint_ready: 'true',
      __meta_kubernetes_endpoint_address_target_kind: 'Pod',
      __meta_kubernetes_endpoint_address_target_name: pod.name,
    },
  }));
}

const LEDGER: Pod = { namespace: 'finance', name: 'ledger-0', phase: 'Running', ip: '10.1.0.11', labels: { 'app.kubernetes.io/name': 'ledger' }, containers: [{ name: 'app', ports: [{ name: 'metrics', number: 9102 }] }] };
const ENDPOINTS = [...endpointTargets('ledger', { app: 'ledger' }, 'metrics', LEDGER), ...endpointTargets('other', { app: 'other' }, 'metrics', { ...LEDGER, name: 'other-0', ip: '10.1.0.12' })];

/** What role `service` discovery gives: one target per Service port. */
const SERVICES_SD = [
  {
    targets: ['checkout.shop.svc:8080'],
    labels: { __meta_kubernetes_namespace: 'shop', __meta_kubernetes_service_name: 'checkout', __meta_kubernetes_service_port_name: 'http', ...meta('service', { app: 'checkout' }, 'label'), ...meta('service', { 'prometheus.io/scrape': 'true' }, 'annotation') },
  },
  { targets: ['quiet.shop.svc:8080'], labels: { __meta_kubernetes_namespace: 'shop', __meta_kubernetes_service_name: 'quiet', ...meta('service', { app: 'quiet' }, 'label') } },
];

const PROBED: ServiceSpec[] = [
  { name: 'checkout', probeUrl: 'http://checkout.shop.svc:8080/healthz', slos: [{ name: 'availability', objective: 99.9, sli: { kind: 'availability', source: 'probe' } }] },
  { name: 'basket', probeUrl: 'http://basket.shop.svc:8080/ready', slos: [{ name: 'availability', objective: 99.5, sli: { kind: 'availability', source: 'probe' } }] },
];
const MONITORS: WorkloadMonitorProps[] = [
  { name: 'payments', selector: { app: 'payments' }, port: 'metrics', relabelings: [{ targetLabel: 'team', replacement: 'payments' }] },
  { name: 'ledger', target: 'service', selector: { app: 'ledger' }, namespaces: ['finance'], port: 'metrics', path: '/internal/metrics' },
];
const PROPS: ObservabilityStackProps = { services: PROBED, monitors: MONITORS, networkPolicies: false };

function objects(props: ObservabilityStackProps): K8sObject[] {
  return synthObjects(new ObservabilityStack(Testing.app(), 'observability', props));
}

/** The job with its discovery replaced by the file of its role's targets. */
function fileDiscovery(job: any, dir: string): any {
  const sd = job.kubernetes_sd_configs;
  if (!sd) return job;
  const role = sd[0].role;
  const { kubernetes_sd_configs: _k, ...rest } = job;
  return { ...rest, file_sd_configs: [{ files: [join(dir, `${role}.json`)] }] };
}

/** native job → the operator resource's job, by the resource kinds' job names. */
const PAIRS: [string, string][] = [
  ['kubernetes-pods', 'podMonitor/observability/kubernetes-pods/0'],
  ['kubernetes-services', 'scrapeConfig/observability/kubernetes-services'],
  ['node-exporter', 'podMonitor/observability/node-exporter/0'],
  ['kube-state-metrics', 'podMonitor/observability/kube-state-metrics/0'],
  ['kube-state-metrics-telemetry', 'podMonitor/observability/kube-state-metrics-telemetry/0'],
  ['slo-probes', 'probe/observability/slo-probes'],
  ['payments', 'podMonitor/observability/payments/0'],
  ['ledger', 'serviceMonitor/observability/ledger/0'],
];

let server: Server | undefined;
let dir: string | undefined;
afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('every native scrape job and its operator resource give the same targets with the same labels and URLs (real Prometheus)', async () => {
  // GIVEN the native jobs and the operator's jobs for the same stack
  const nativeJobs = (yaml.load(configFile(objects(PROPS), 'prometheus.yml')) as any).scrape_configs;
  const operatorJobs = operatorScrapeJobs(objects({ ...PROPS, prometheusOperator: {}, nodeExporter: {}, kubeStateMetrics: {} }));
  dir = writeTree({
    'pod.json': JSON.stringify([...PODS.flatMap(podTargets)]),
    'endpoints.json': JSON.stringify(ENDPOINTS),
    'service.json': JSON.stringify(SERVICES_SD),
  }, 'scrape-parity-');
  const compared = PAIRS.map(([n]) => n);
  const jobs = [...nativeJobs.filter((j: any) => compared.includes(j.job_name)), ...operatorJobs].map((j: any) => fileDiscovery(j, dir!));
  expect(jobs.map((j: any) => j.job_name).sort()).toEqual(PAIRS.flat().sort());
  writeFileSync(join(dir, 'prometheus.yml'), yaml.dump(JSON.parse(JSON.stringify({ global: { scrape_interval: '1h', scrape_timeout: '10s' }, scrape_configs: jobs })), { lineWidth: -1 }));
  // WHEN one Prometheus runs them all
  const [port] = await freePorts(1);
  server = startServer('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${LOOPBACK}:${port}`]);
  const url = `http://${LOOPBACK}:${port}`;
  await waitForOk(`${url}/-/ready`, server, 60_000);
  const pools = await waitFor('every scrape pool to list its targets', async () => {
    const t = await getJson(`${url}/api/v1/targets?state=active`);
    const byPool = new Map<string, { labels: Record<string, string>; scrapeUrl: string }[]>();
    for (const a of t.data.activeTargets) byPool.set(a.scrapePool, [...(byPool.get(a.scrapePool) ?? []), { labels: a.labels, scrapeUrl: a.scrapeUrl }]);
    return PAIRS.flat().every((p) => byPool.has(p)) ? byPool : undefined;
  }, 30_000, () => server!.log());
  // THEN each pair lists the same targets
  const sorted = (xs: { labels: Record<string, string>; scrapeUrl: string }[]) => [...xs].map((x) => JSON.stringify({ scrapeUrl: x.scrapeUrl, labels: Object.fromEntries(Object.entries(x.labels).sort()) })).sort();
  for (const [native, operator] of PAIRS) {
    expect({ job: native, targets: sorted(pools.get(operator)!) }).toEqual({ job: native, targets: sorted(pools.get(native)!) });
  }
  // AND the relabeling did select: one target for the sidecar pod, none for finished or pending pods or other ports
  expect(pools.get('kubernetes-pods')!.map((t) => t.scrapeUrl).sort()).toEqual(['http://10.1.0.5:8080/metrics', 'https://10.1.0.7:8443/internal/metrics']);
  expect(pools.get('payments')!).toEqual([{ scrapeUrl: 'http://10.1.0.9:9102/metrics', labels: { instance: '10.1.0.9:9102', job: 'payments', namespace: 'shop', pod: 'payments-1', service: 'payment-service', team: 'payments' } }]);
  expect(pools.get('ledger')!.map((t) => t.labels)).toEqual([{ instance: '10.1.0.11:9102', job: 'ledger', namespace: 'finance', pod: 'ledger-0', service: 'ledger' }]);
  expect(pools.get('slo-probes')!.map((t) => t.labels.service).sort()).toEqual(['basket', 'checkout']);
}, 120_000);
