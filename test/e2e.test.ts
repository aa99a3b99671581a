import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { kubernetesPodMetadata } from '@observability-stack/instrumentation';
import { DEMO_MAIN, LoadRequest, LoadResult, runLoad } from '@observability-stack/instrumentation/demo';
import { podAnnotationMeta, podLabelMeta } from '../src/components/prometheus/relabel';
import { SLO_RULE_GROUPS } from '../src/conventions';
import { serviceRuleGroupNames, SLO_SHARED_RULE_FILE, sloRuleFileName } from '../src/slo/rules/files';
import { allSlos, buildSloModel, ORDER_SERVICE, SloDefinition } from '../src/slo';
import { serviceOverviewDashboard } from '../src/components/grafana/service-overview';
import { toJson } from '../src/common/serialize';
import { freePorts, getJson, LOOPBACK, Server, startServer, waitFor, waitForOk } from './helpers/servers';
import { nextEvaluationMs } from './helpers/rule-phase';
import { defaultPlatformObjects, Started, startAlertmanager, startGateway, startJaeger, startLokiOtlpCapture } from './helpers/stack-servers';
import { configFile, configFiles, containersOf, K8sObject, parseYaml } from './helpers/synth';
import { promConfigWithLocalPaths, recordStandIn, writeTree } from './helpers/tools';

/**
 * From a service to a page, end to end, on the real programs at the deployed releases: the instrumentation kit's demo
 * order- and payment-service (spawned, `DEMO_MAIN`) under a bounded load on 127.0.0.1; Prometheus 3.5.0 running the
 * default platform's generated prometheus.yml, every generated rule file and the StatefulSet's flags; Alertmanager
 * 0.28.1 running the generated alertmanager.yml; the services' OTLP through the generated collector gateway (otelcol
 * 0.135.0) to Jaeger 2.10.0 and to a stand-in at Loki's OTLP path. An outage is injected (`PUT /admin/faults`); the
 * test checks that the order-service error-rate SLO pages PagerDuty and Slack within the time its burn-rate windows
 * predict, that the same SLO's ticket is inhibited while the page fires and the latency SLO's ticket is not, that no
 * rule fails to evaluate, and that exemplars and log lines carry the trace ids of spans the services exported.
 *
 * What only exists in a cluster is replaced, each replacement stated:
 * - Kubernetes discovery of the `kubernetes-pods` job → `file_sd_configs` with one target per pod carrying the
 *   `__meta_kubernetes_*` labels discovery would give it (PODS below: the pod IP 127.0.0.1, the declared container
 *   port 8080, the labels and scrape annotations of the kit's `kubernetesPodMetadata()`). The job's generated
 *   relabeling runs unchanged: it keeps annotated pods, drops finished ones, rewrites the address to the annotated
 *   port (the demo's real one), takes the path from the annotation and sets `namespace`, `pod` and `service`. The
 *   other jobs keep their Kubernetes discovery, which finds nothing without an API server (Prometheus logs it).
 * - The Alertmanager target `alertmanager-0.alertmanager-headless.observability.svc:9093` → the local Alertmanager.
 * - The receivers: the Slack URL is read from the Secret file `slack-api-url` as generated (the file holds the sink's
 *   URL); PagerDuty's events URL has no `*_file` form, so `global.pagerduty_url` is set to the sink (the routing key
 *   still comes from its Secret file); the email receiver's smarthost → a closed loopback port (nothing routes there).
 * - Mounted paths (config, rules, data, Secrets, the service-account token) → a temporary directory; the rule files'
 *   directory name is chosen so that the 5-minute tile group of order-service first evaluates about PHASE_LEAD_S after
 *   the start (test/helpers/rule-phase.ts: Prometheus' evaluation phase follows from the group name and file path)
 *   instead of anywhere in the first 5 minutes. No interval, window or threshold is changed: every timing below is
 *   the generated one (scrape and evaluation every 15 s, tiles every 5 m, long windows every 1 m).
 * - Listen addresses → 127.0.0.1 on free ports; the gateway's exporters → the local Jaeger, Loki stand-in and
 *   Prometheus (test/helpers/stack-servers.ts); the downward API → K8S_* variables of the demo processes.
 *
 * The traffic: 20 requests/s, 1 in 20 a `POST /orders` (which calls the payment-service), the rest `GET /health`.
 * The outage fails every order after a 300 ms delay: 5% of the requests are 5xx (the error-rate SLO, 99.9%, pages
 * above 14.4 × 0.1% = 1.44%) and 5% are slower than 200 ms (the latency SLO, 99%, opens a ticket above 3 × 1% over
 * 2h and 1d, and never pages: 14.4% and 6% are out of reach).
 */

jest.setTimeout(480_000);

const RATE_PER_SECOND = 20;
const ORDER_EVERY = 20; // 1 in 20 requests is an order
const FAULTS = { errorRate: 1, latencyMs: 300 };
/** Clean traffic before the outage: two scrapes of it, so every rate has a before. */
const WARMUP_SCRAPES = 2;
/** When the first 5-minute tile is evaluated, after the rule files are written (see the replacements above). */
const PHASE_LEAD_S = 150;
/**
 * The least outage time the tile must hold, as a multiple of the clean traffic before it, so that the latency share it
 * records (5% × F / (W + F)) clears the 3% ticket threshold by a margin: F ≥ 2.5 W gives 3.6%.
 */
const OUTAGE_TO_WARMUP = 2.5;
/** Tolerance on predicted times for process scheduling and HTTP round trips on a shared 2-core machine. */
const SLACK_MS = 5_000;

const NAMESPACE = 'shop';
const PODS = {
  order: { name: 'order-service-7d4f9c6b8-x2k4p', uid: '7b9f0c3e-order', service: 'order-service' },
  payment: { name: 'payment-service-5c8d7f9b4-q8w2z', uid: '1e2d3c4b-payment', service: 'payment-service' },
} as const;

// ------------------------------------------------------------------------------------------------------------------
// the pieces

interface Received {
  readonly path: string;
  readonly at: number;
  readonly body: any;
}

/** The webhook sink on 127.0.0.1 standing in for PagerDuty's events API and Slack's incoming webhook. */
async function startSink(): Promise<{ server: HttpServer; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ path: req.url ?? '', at: Date.now(), body: body ? JSON.parse(body) : undefined });
      if (req.url?.startsWith('/pagerduty')) {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: 'e2e' }));
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, LOOPBACK, () => r()));
  return { server, url: `http://${LOOPBACK}:${(server.address() as { port: number }).port}`, received };
}

/** A demo service process (`node DEMO_MAIN <command>`), its JSON log lines collected from stdout. */
interface Demo {
  readonly proc: ChildProcess;
  readonly lines: any[];
  log(): string;
}

function spawnDemo(command: 'order' | 'payment', env: Record<string, string>): Demo {
  const proc = spawn(process.execPath, [DEMO_MAIN, command], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: any[] = [];
  let out = '';
  let partial = '';
  proc.stdout!.on('data', (d: Buffer) => {
    out += d;
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p));
      } catch {
        // not a log line
      }
    }
  });
  proc.stderr!.on('data', (d) => (out += d));
  return { proc, lines, log: () => out.slice(-4000) };
}

async function stopDemo(d: Demo | undefined): Promise<void> {
  if (!d || d.proc.exitCode !== null || d.proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => d.proc.kill('SIGKILL'), 5_000);
    d.proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    d.proc.kill('SIGTERM');
  });
}

/** The `__meta_kubernetes_*` labels Kubernetes pod discovery gives one container port of a pod (role `pod`). */
function podTarget(pod: { name: string; uid: string }, labels: Record<string, string>, annotations: Record<string, string>, phase = 'Running') {
  const meta: Record<string, string> = {
    __meta_kubernetes_namespace: NAMESPACE,
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_uid: pod.uid,
    __meta_kubernetes_pod_ip: LOOPBACK,
    __meta_kubernetes_pod_phase: phase,
    __meta_kubernetes_pod_ready: phase === 'Running' ? 'true' : 'false',
    __meta_kubernetes_pod_node_name: 'node-a',
    __meta_kubernetes_pod_host_ip: '10.0.0.11',
    __meta_kubernetes_pod_container_name: 'app',
    __meta_kubernetes_pod_container_image: 'registry.example.com/shop/app:1.0.0',
    __meta_kubernetes_pod_container_init: 'false',
    __meta_kubernetes_pod_container_port_name: 'http',
    __meta_kubernetes_pod_container_port_number: '8080',
    __meta_kubernetes_pod_container_port_protocol: 'TCP',
    __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
    __meta_kubernetes_pod_controller_name: pod.name.replace(/-[a-z0-9]+$/, ''),
  };
  for (const [k, v] of Object.entries(labels)) {
    meta[podLabelMeta(k)] = v;
    meta[podLabelMeta(k).replace('_pod_label_', '_pod_labelpresent_')] = 'true';
  }
  for (const [k, v] of Object.entries(annotations)) {
    meta[podAnnotationMeta(k)] = v;
    meta[podAnnotationMeta(k).replace('_pod_annotation_', '_pod_annotationpresent_')] = 'true';
  }
  // Discovery's address of a declared container port: <pod IP>:<container port>.
  return { targets: [`${LOOPBACK}:8080`], labels: meta };
}

interface Prom extends Started {
  readonly url: string;
  /** Path of the order-service rule file as Prometheus loaded it. */
  readonly orderRuleFile: string;
}

/**
 * Prometheus with the generated prometheus.yml (replacements above), every generated rule file in `rulesDir`, and
 * the StatefulSet's flags (config and data paths and the listen address moved).
 */
async function startPrometheus(objects: readonly K8sObject[], dir: string, rulesDir: string, web: number, amTarget: string, podsFile: string): Promise<Prom> {
  mkdirSync(join(dir, rulesDir), { recursive: true });
  for (const [key, content] of configFiles(objects)) {
    if (key.endsWith('.rules.yml')) writeFileSync(join(dir, rulesDir, key.split('/')[1]), content);
  }
  const doc = yaml.load(promConfigWithLocalPaths(configFile(objects, 'prometheus.yml'), dir)) as any;
  doc.rule_files = doc.rule_files.map((f: string) => join(dir, rulesDir, f.split('/').pop()!));
  const pods = doc.scrape_configs.find((j: any) => j.job_name === 'kubernetes-pods');
  expect(pods.kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
  delete pods.kubernetes_sd_configs;
  pods.file_sd_configs = [{ files: [podsFile] }];
  expect(doc.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager-0.alertmanager-headless.observability.svc:9093']);
  doc.alerting.alertmanagers[0].static_configs[0].targets = [amTarget];
  writeFileSync(join(dir, 'prometheus.yml'), yaml.dump(doc, { lineWidth: -1, noRefs: true }));
  const generated: string[] = containersOf(objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'prometheus')!)[0].args;
  const args = [
    ...generated.map((a) =>
      a.startsWith('--config.file=') ? `--config.file=${join(dir, 'prometheus.yml')}` : a.startsWith('--storage.tsdb.path=') ? `--storage.tsdb.path=${join(dir, 'data')}` : a,
    ),
    `--web.listen-address=${LOOPBACK}:${web}`,
  ];
  const server = startServer('prometheus', args);
  const url = `http://${LOOPBACK}:${web}`;
  await waitForOk(`${url}/-/ready`, server, 60_000);
  return { server, ports: { 9090: web }, dir, url, orderRuleFile: join(dir, rulesDir, SLO_SHARED_RULE_FILE) };
}

const query = async (prom: Prom, q: string): Promise<any[]> => (await getJson(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`)).data.result;
const promAlerts = async (prom: Prom): Promise<any[]> => (await getJson(`${prom.url}/api/v1/alerts`)).data.alerts;

const isBurn = (labels: Record<string, string>, slo: string, tier: 'page' | 'ticket') =>
  labels.alertname === 'SLOErrorBudgetBurn' && labels.service === ORDER_SERVICE.name && labels.slo === slo && labels.sloth_severity === tier;

// ------------------------------------------------------------------------------------------------------------------
// the run

let objects: K8sObject[];
let sink: Awaited<ReturnType<typeof startSink>>;
let prom: Prom;
let am: Started & { url: string };
let jaeger: Started & { queryUrl: string; otlpGrpc: string };
let loki: Started & { file: string; baseUrl: string };
let gateway: Started & { otlpHttpUrl: string };
let order: Demo;
let payment: Demo;
let orderUrl: string;
let load: Promise<LoadResult>;
const stopLoad = new AbortController();
const dirs: string[] = [];
const servers: Server[] = [];
const times: Record<string, number> = {};
const predicted: Record<string, number> = {};
let sloOf: (name: string) => SloDefinition;
let tileGroup: string;
let longGroup: string;
let alertGroup: string;
let predictedTileMs: number;
let rulesDir = '';
let phases: { sli: number; tile: number; long: number; meta: number; alert: number };

/** Milliseconds of a generated duration (`15s`, `1m`, `5m`). */
function durationMs(d: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(d);
  if (!m) throw new Error(`unexpected duration ${d}`);
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

/** The i-th request: 1 in ORDER_EVERY an order, else a health check. */
function plan(i: number): LoadRequest {
  if (i % ORDER_EVERY === 0) {
    return { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: { amount: 10 + (i % 90), currency: 'USD', payment_method: 'card' } };
  }
  return { method: 'GET', path: '/health' };
}

beforeAll(async () => {
  times.start = Date.now();
  objects = defaultPlatformObjects();
  const model = buildSloModel([ORDER_SERVICE]);
  sloOf = (name) => allSlos(model).find((s) => s.name === name)!;
  // the SLO rules are shared by every SLO: the groups of slo.rules.yml
  tileGroup = SLO_RULE_GROUPS.tiles;
  longGroup = SLO_RULE_GROUPS.longWindows;
  alertGroup = SLO_RULE_GROUPS.alerts;

  sink = await startSink();
  const [orderPort, paymentPort, closedPort, promPort] = await freePorts(4);
  orderUrl = `http://${LOOPBACK}:${orderPort}`;
  const secrets = {
    'pagerduty-routing-key': 'e2e-routing-key\n',
    'slack-api-url': `${sink.url}/slack\n`,
    'smtp-password': 'unused\n',
  };
  const startedAm = startAlertmanager(objects, {
    secrets,
    rewrite: (doc) => {
      doc.global = { ...doc.global, pagerduty_url: `${sink.url}/pagerduty` };
      for (const r of doc.receivers) for (const e of r.email_configs ?? []) e.smarthost = `${LOOPBACK}:${closedPort}`;
    },
  });
  const startedJaeger = startJaeger(objects);
  const startedLoki = startLokiOtlpCapture();
  [am, jaeger, loki] = await Promise.all([startedAm, startedJaeger, startedLoki]);
  servers.push(am.server, jaeger.server, loki.server);

  gateway = await startGateway(objects, {
    'otlp/jaeger': jaeger.otlpGrpc,
    'otlphttp/loki': loki.baseUrl,
    // (Prometheus starts on this port below; the demo sends it no metrics)
    'otlphttp/prometheus': `${LOOPBACK}:${promPort}`,
  });
  servers.push(gateway.server);
  recordStandIn('loki 3.5.5', "the demo's OTLP logs at Loki's path /otlp/v1/logs (an otelcol stands in)");

  // The services: OTLP (traces and logs) to the gateway, the downward API as K8S_* variables.
  const common = { HOST: LOOPBACK, OTEL_EXPORTER_OTLP_ENDPOINT: gateway.otlpHttpUrl, OTEL_LOGS_EXPORTER: 'otlp', OTEL_BSP_SCHEDULE_DELAY: '500', K8S_NAMESPACE_NAME: NAMESPACE, K8S_NODE_NAME: 'node-a', K8S_POD_IP: LOOPBACK };
  payment = spawnDemo('payment', { ...common, PORT: String(paymentPort), K8S_POD_NAME: PODS.payment.name, K8S_POD_UID: PODS.payment.uid });
  await waitFor('payment-service listening', async () => (payment.lines.some((l) => l.message === 'listening') ? true : undefined), 30_000, payment.log);
  order = spawnDemo('order', { ...common, PORT: String(orderPort), PAYMENT_URL: `http://${LOOPBACK}:${paymentPort}`, K8S_POD_NAME: PODS.order.name, K8S_POD_UID: PODS.order.uid });
  await waitFor('order-service listening', async () => (order.lines.some((l) => l.message === 'listening') ? true : undefined), 30_000, order.log);

  // The bounded load: paced, stopped by the test (abort) or after 8 minutes at the latest.
  times.loadStart = Date.now();
  load = runLoad({ baseUrl: orderUrl, maxRequests: RATE_PER_SECOND * 480, maxDurationMs: 480_000, ratePerSecond: RATE_PER_SECOND, concurrency: 4, plan, signal: stopLoad.signal });

  // Prometheus last, once the services answer and carry traffic: a target scraped before its pod listens would be
  // `up == 0`, and the availability SLO would page on the start-up itself.
  //
  // The pods as discovery would describe them: order-service labelled the kit's way (app.kubernetes.io/name, plus a
  // legacy `app` that must lose), payment-service only `app` (the fallback), a pod without the scrape annotation
  // and a finished one (both dropped by the generated relabeling).
  const orderMeta = kubernetesPodMetadata(PODS.order.service, orderPort);
  const paymentMeta = kubernetesPodMetadata(PODS.payment.service, paymentPort);
  const dir = writeTree({}, 'obs-e2e-');
  dirs.push(dir);
  const podsFile = join(dir, 'pods.json');
  writeFileSync(
    podsFile,
    JSON.stringify([
      podTarget(PODS.order, { ...orderMeta.labels, app: 'orders', 'pod-template-hash': '7d4f9c6b8' }, orderMeta.annotations),
      podTarget(PODS.payment, { app: PODS.payment.service }, paymentMeta.annotations),
      podTarget({ name: 'batch-report-28d1c', uid: 'no-annotation' }, { 'app.kubernetes.io/name': 'report-job' }, {}),
      podTarget({ name: 'migrate-schema-x8k2v', uid: 'finished' }, { 'app.kubernetes.io/name': 'migrate' }, orderMeta.annotations, 'Succeeded'),
    ]),
  );

  // The rule files' directory: the first whose tile-group phase puts its first evaluation PHASE_LEAD_S from now (the
  // short-window group, whose 5m rates the tile multiplies, 1 to 6 s before it), the long-window group's next
  // evaluation 1 to 10 s after it, the metadata group's (the alert conditions) and then the alert group's 1 to 6 s
  // after each other (no ties, no needless wait). The group intervals are the generated ones.
  const promDir = join(dir, 'prometheus');
  const intervalMs = (name: string, file = SLO_SHARED_RULE_FILE) =>
    durationMs(parseYaml(configFile(objects, file)).groups.find((g: any) => g.name === name).interval ?? parseYaml(configFile(objects, 'prometheus.yml')).global.evaluation_interval);
  phases = { sli: intervalMs(SLO_RULE_GROUPS.sli), tile: intervalMs(tileGroup), long: intervalMs(longGroup), meta: intervalMs(SLO_RULE_GROUPS.meta), alert: intervalMs(alertGroup) };
  const defsName = serviceRuleGroupNames(PODS.order.service)[0];
  const defsFile = sloRuleFileName(PODS.order.service);
  const defsInterval = intervalMs(defsName, defsFile);
  const target = Date.now() + PHASE_LEAD_S * 1000;
  for (let k = 0; k < 1_000_000 && !rulesDir; k++) {
    const file = join(promDir, `rules-${k}`, SLO_SHARED_RULE_FILE);
    const tile = nextEvaluationMs(tileGroup, file, phases.tile, Date.now());
    if (Math.abs(tile - target) > 2_000) continue;
    const sli = nextEvaluationMs(SLO_RULE_GROUPS.sli, file, phases.sli, tile - phases.sli);
    if (tile - sli < 1_000 || tile - sli > 6_000) continue;
    const long = nextEvaluationMs(longGroup, file, phases.long, tile);
    const meta = nextEvaluationMs(SLO_RULE_GROUPS.meta, file, phases.meta, long);
    const alert = nextEvaluationMs(alertGroup, file, phases.alert, meta);
    if (long - tile < 1_000 || long - tile > 10_000 || meta - long < 1_000 || meta - long > 6_000 || alert - meta < 1_000 || alert - meta > 6_000) continue;
    // the SLO definitions (a constant, recorded once a minute) first evaluated soon after the start, so the SLIs are
    // recorded before the outage
    const defs = nextEvaluationMs(defsName, join(promDir, `rules-${k}`, defsFile), defsInterval, Date.now());
    if (defs - Date.now() > 25_000) continue;
    rulesDir = `rules-${k}`;
  }
  expect(rulesDir).not.toBe('');
  prom = await startPrometheus(objects, promDir, rulesDir, promPort, `${LOOPBACK}:${am.ports[9093]}`, podsFile);
  servers.push(prom.server);
});

afterAll(async () => {
  stopLoad.abort();
  const result = load ? await load : undefined;
  await Promise.all([stopDemo(order), stopDemo(payment)]);
  await Promise.all(servers.map((s) => s.stop()));
  await new Promise((r) => (sink ? sink.server.close(r) : r(undefined)));
  for (const s of [prom, am, jaeger, loki, gateway]) if (s) dirs.push(s.dir);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  times.end = Date.now();
  const at = (t?: number) => (t === undefined || times.faults === undefined ? 'n/a' : `${((t - times.faults) / 1000).toFixed(1)} s`);
  process.stdout.write(
    [
      '',
      'end-to-end timings (after the faults were switched on):',
      `  page in Prometheus     measured ${at(times.pageFires)}, predicted ≤ ${at(predicted.pageFires)}`,
      `  page at PagerDuty      measured ${at(times.pagerDuty)}, predicted ≤ ${at(predicted.pagerDuty)}`,
      `  page at Slack          measured ${at(times.slack)}, predicted ≤ ${at(predicted.slack)}`,
      `  first tile evaluated   measured ${at(times.tile)}, predicted ${at(predictedTileMs)}`,
      `  tickets in Prometheus  measured ${at(times.ticketFires)}, predicted ${at(predicted.ticketFires)}`,
      `  faults ${((times.faults - times.loadStart) / 1000).toFixed(1)} s after the load started, ${((times.faults - times.firstScrape) / 1000).toFixed(1)} s after the first scrape; load ${JSON.stringify(result?.byStatus ?? {})}, ${result?.networkErrors ?? 0} network errors`,
      `  whole test ${((times.end - times.start) / 1000).toFixed(0)} s`,
      '',
    ].join('\n'),
  );
});

// ------------------------------------------------------------------------------------------------------------------
// the checks, in order

describe('from a service to a page, on the real programs', () => {
  test('the generated relabeling turns the discovered pods into targets with namespace, pod and service', async () => {
    const targets = await waitFor(
      'both demo targets up',
      async () => {
        const t = (await getJson(`${prom.url}/api/v1/targets?state=any`)).data;
        const pods = t.activeTargets.filter((x: any) => x.labels.job === 'kubernetes-pods');
        return pods.length === 2 && pods.every((x: any) => x.health === 'up') ? t : undefined;
      },
      60_000,
      () => prom.server.log() + order.log(),
    );
    const byPod = (name: string) => targets.activeTargets.find((x: any) => x.labels.pod === name);
    times.firstScrape = Date.parse(byPod(PODS.order.name).lastScrape);
    // the address 127.0.0.1:8080 (container port) rewritten to the annotated port, the path from the annotation
    expect(byPod(PODS.order.name)).toMatchObject({
      scrapeUrl: `${orderUrl}/metrics`,
      labels: { job: 'kubernetes-pods', namespace: NAMESPACE, pod: PODS.order.name, service: 'order-service', instance: new URL(orderUrl).host },
    });
    // app.kubernetes.io/name wins over app; without it, app is the service
    expect(byPod(PODS.payment.name).labels).toMatchObject({ service: 'payment-service', namespace: NAMESPACE });
    // the unannotated pod and the finished one are dropped
    const dropped = targets.droppedTargets.map((x: any) => x.discoveredLabels.__meta_kubernetes_pod_name);
    expect(dropped).toEqual(expect.arrayContaining(['batch-report-28d1c', 'migrate-schema-x8k2v']));
    expect(targets.activeTargets.filter((x: any) => x.labels.job === 'kubernetes-pods')).toHaveLength(2);
  });

  test('before the outage: traffic is measured and no SLO alert of order-service is pending or firing', async () => {
    // (and the SLO definitions' first evaluation: a constant, recorded once a minute, so on a fresh Prometheus the SLI
    // recordings that join it start up to a minute after the start)
    await waitFor(
      `${WARMUP_SCRAPES} scrapes of the traffic and the SLI recorded`,
      async () => {
        const r = await query(prom, 'count_over_time(http_requests_total{service="order-service", endpoint="/health", status="200"}[5m])');
        if (Number(r[0]?.value[1] ?? 0) < WARMUP_SCRAPES + 1) return undefined;
        return (await query(prom, 'slo:sli_error:ratio_rate5m{sloth_id="order-service-error-rate"}')).length > 0 ? true : undefined;
      },
      90_000,
      () => prom.server.log(),
    );
    const alerts = (await promAlerts(prom)).filter((a) => a.labels.service === 'order-service' && a.labels.alertname === 'SLOErrorBudgetBurn');
    expect(alerts).toEqual([]);
    // the SLIs are recorded: all good so far
    const errorRatio = await query(prom, 'slo:sli_error:ratio_rate5m{sloth_id="order-service-error-rate"}');
    expect(Number(errorRatio[0].value[1])).toBe(0);
  });

  test('the outage pages PagerDuty and Slack within the time the burn-rate windows predict', async () => {
    // GIVEN the faults switched on
    const res = await fetch(`${orderUrl}/admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(FAULTS) });
    expect(res.status).toBe(200);
    times.faults = Date.now();
    // the clean traffic in the windows: at most what was sent since the load started
    const warmupS = (times.faults - times.loadStart) / 1000;
    // the tickets: the first tile holding enough of the outage (normally the first one the phase placed; after a slow
    // start, the next), then the long-window group's and the alert group's next evaluations
    // (the tile's increase() counts from the first scrape: its clean part is the time since then)
    const tileWarmupMs = times.faults - times.firstScrape;
    predictedTileMs = nextEvaluationMs(tileGroup, prom.orderRuleFile, phases.tile, times.faults + OUTAGE_TO_WARMUP * tileWarmupMs);
    const longAfterTile = nextEvaluationMs(longGroup, prom.orderRuleFile, phases.long, predictedTileMs);
    // (the ticket condition is recorded in the long-window group, right after the long windows it compares, and its
    // alert is evaluated right after it, in the same group)
    predicted.ticketFires = longAfterTile;
    // WHEN the error-rate SLO's page windows (5m and 1h, both holding all data here) cross 14.4 × budget:
    // errors are visible from the first scrape of the new 5xx series, at most one scrape after the switch, so the
    // ratio e·(t − S)/(W + t) passes threshold θ at t = (e·S + θ·W)/(e − θ); then one scrape to see it, the recording
    // group and the alert group (each evaluated every 15 s), and Alertmanager's group_wait of the route.
    const slo = sloOf('error-rate');
    const theta = slo.alertWindows.page.quick.factor * slo.errorBudget;
    const e = FAULTS.errorRate / ORDER_EVERY;
    const global = parseYaml(configFile(objects, 'prometheus.yml')).global;
    const scrapeS = Number(String(global.scrape_interval).replace(/s$/, ''));
    const evalS = Number(String(global.evaluation_interval).replace(/s$/, ''));
    const route = parseYaml(configFile(objects, 'alertmanager.yml')).route;
    const groupWaitS = (r: any) => Number(String(r.group_wait ?? route.group_wait).replace(/s$/, ''));
    const pdRoute = route.routes.find((r: any) => r.receiver === 'pagerduty');
    const slackRoute = route.routes.find((r: any) => r.receiver === 'slack');
    const crossS = (e * scrapeS + theta * warmupS) / (e - theta);
    predicted.pageFires = times.faults + (crossS + scrapeS + 2 * evalS) * 1000 + SLACK_MS;
    predicted.pagerDuty = predicted.pageFires + groupWaitS(pdRoute) * 1000;
    predicted.slack = predicted.pageFires + groupWaitS(slackRoute) * 1000;

    // THEN Prometheus fires the page (and only the error-rate SLO's)
    const page = await waitFor(
      'the error-rate page in Prometheus',
      async () => (await promAlerts(prom)).find((a) => isBurn(a.labels, 'error-rate', 'page') && a.state === 'firing'),
      predicted.pageFires - Date.now(),
      () => prom.server.log(),
    );
    times.pageFires = Date.parse(page.activeAt);
    expect(page.labels).toMatchObject({ severity: 'critical', sloth_id: 'order-service-error-rate' });
    // AND PagerDuty receives it with the routing key from its Secret file
    const pd = await waitFor('the page at PagerDuty', async () => sink.received.find((r) => r.path.startsWith('/pagerduty')), predicted.pagerDuty - Date.now(), () => am.server.log());
    times.pagerDuty = pd.at;
    expect(pd.body).toMatchObject({ routing_key: 'e2e-routing-key', event_action: 'trigger', payload: { severity: 'critical' } });
    expect(pd.body.payload.custom_details.firing).toMatch(/slo = error-rate/);
    expect(pd.body.payload.custom_details.firing).toMatch(/sloth_severity = page/);
    // AND Slack (continue: true), on the channel and with the title the stack configures
    const slack = await waitFor('the page at Slack', async () => sink.received.find((r) => r.path === '/slack'), predicted.slack - Date.now(), () => am.server.log());
    times.slack = slack.at;
    expect(slack.body.channel).toBe('#alerts');
    expect(slack.body.attachments[0].title).toBe('[FIRING:1] SLOErrorBudgetBurn (order-service)');
    expect(slack.body.attachments[0].text).toContain('(page) order-service error-rate');
    // AND the routes picked exactly these receivers (not email)
    const inAm = (await getJson(`${am.url}/api/v2/alerts`)).find((a: any) => isBurn(a.labels, 'error-rate', 'page'));
    expect(inAm.receivers.map((r: any) => r.name).sort()).toEqual(['pagerduty', 'slack']);
  });

  test("at the first 5-minute tile, both SLOs' tickets fire; the error-rate ticket is inhibited by its page, the latency ticket is not", async () => {
    // The tickets (2h/1d and 6h/3d windows) read the 5-minute tiles: the first tile group evaluation (its phase chosen
    // above), then the long-window group's next evaluation (every 1 m: the long windows, then the ticket condition)
    // and the alert group's (every 15 s).
    const tickets = await waitFor(
      'both tickets in Prometheus',
      async () => {
        const firing = (await promAlerts(prom)).filter((a) => a.state === 'firing');
        const e = firing.find((a) => isBurn(a.labels, 'error-rate', 'ticket'));
        const l = firing.find((a) => isBurn(a.labels, 'latency', 'ticket'));
        return e && l ? { e, l } : undefined;
      },
      predicted.ticketFires + SLACK_MS - Date.now(),
      () => prom.server.log(),
    );
    times.ticketFires = Math.max(Date.parse(tickets.e.activeAt), Date.parse(tickets.l.activeAt));
    // the tile was evaluated where the phase said
    const groups = (await getJson(`${prom.url}/api/v1/rules`)).data.groups;
    const tile = groups.find((g: any) => g.name === tileGroup);
    expect(tile.file).toBe(prom.orderRuleFile); // the path whose hash gave the phase
    times.tile = Date.parse(tile.lastEvaluation);
    // (at or before the predicted slot, on the phase Prometheus' hash of the group gives)
    const offBy = (((predictedTileMs - times.tile) % phases.tile) + phases.tile) % phases.tile;
    expect(Math.min(offBy, phases.tile - offBy)).toBeLessThan(1_000);
    expect(times.tile).toBeLessThan(predictedTileMs + 1_000);
    // the tile saw the shares the scenario is built on: latency between the ticket (3%) and page (6%) thresholds
    const share = async (id: string) =>
      Number((await query(prom, `slo:sli_error_events:increase5m{sloth_id="${id}"} / slo:sli_total_events:increase5m{sloth_id="${id}"}`))[0].value[1]);
    const latencyShare = await share('order-service-latency');
    expect(latencyShare).toBeGreaterThan(sloOf('latency').alertWindows.ticket.quick.factor * sloOf('latency').errorBudget);
    expect(latencyShare).toBeLessThan(sloOf('latency').alertWindows.page.slow.factor * sloOf('latency').errorBudget);

    // THEN in Alertmanager: the page and the latency ticket are active, the error-rate ticket is muted by the page
    const inAm = await waitFor(
      'the tickets in Alertmanager',
      async () => {
        const all: any[] = await getJson(`${am.url}/api/v2/alerts`);
        const page = all.find((a) => isBurn(a.labels, 'error-rate', 'page'));
        const e = all.find((a) => isBurn(a.labels, 'error-rate', 'ticket'));
        const l = all.find((a) => isBurn(a.labels, 'latency', 'ticket'));
        return page && e && l ? { page, e, l } : undefined;
      },
      SLACK_MS,
      () => am.server.log(),
    );
    expect(inAm.page.status).toMatchObject({ state: 'active', inhibitedBy: [] });
    expect(inAm.e.status).toMatchObject({ state: 'suppressed', inhibitedBy: [inAm.page.fingerprint] });
    expect(inAm.l.status).toMatchObject({ state: 'active', inhibitedBy: [] });
    expect(inAm.l.receivers.map((r: any) => r.name)).toEqual(['slack']);
    // AND no notification ever carried the muted ticket; the latency SLO never paged
    for (const r of sink.received) expect(JSON.stringify(r.body)).not.toContain('(ticket) order-service error-rate');
    expect((await promAlerts(prom)).filter((a) => isBurn(a.labels, 'latency', 'page'))).toEqual([]);
    // AND the seed's platform alert sees the outage too (pending: it holds for 5 minutes)
    const high = (await promAlerts(prom)).find((a) => a.labels.alertname === 'HighErrorRate' && a.labels.service === 'order-service');
    expect(high?.state).toBe('pending');
  });

  test("no rule fails to evaluate (Prometheus' rule-group health), and order-service's rules have all run", async () => {
    const groups: any[] = (await getJson(`${prom.url}/api/v1/rules`)).data.groups;
    const rules = groups.flatMap((g) => g.rules.map((r: any) => ({ group: g.name, name: r.name, health: r.health, lastError: r.lastError })));
    expect(rules.length).toBeGreaterThan(50);
    expect(rules.filter((r) => r.health === 'err' || r.lastError)).toEqual([]);
    // the SLO rules: order-service's definitions and the shared groups
    const order = rules.filter((r) => r.group === `${SLO_RULE_GROUPS.definitions}-${ORDER_SERVICE.name}` || Object.values(SLO_RULE_GROUPS).includes(r.group));
    expect(order.length).toBeGreaterThan(30);
    expect(order.filter((r) => r.health !== 'ok')).toEqual([]);
    // and the counter Prometheus keeps of failed evaluations is zero
    const metrics = await (await fetch(`${prom.url}/metrics`)).text();
    const failures = metrics
      .split('\n')
      .filter((l) => l.startsWith('prometheus_rule_evaluation_failures_total{'))
      .map((l) => Number(l.split(' ').pop()));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((v) => v === 0)).toBe(true);
  });

  test('exemplars carry the trace ids of spans the services exported (found in Jaeger through the gateway)', async () => {
    const now = Math.ceil(Date.now() / 1000);
    const exemplars = async (q: string): Promise<any[]> =>
      (await getJson(`${prom.url}/api/v1/query_exemplars?query=${encodeURIComponent(q)}&start=${Math.floor(times.start / 1000)}&end=${now + 60}`)).data.flatMap((s: any) =>
        s.exemplars.map((e: any) => ({ ...e.labels, series: s.seriesLabels })),
      );
    const failed = await exemplars('http_requests_total{service="order-service", status="500"}');
    const slow = await exemplars('http_request_duration_seconds_bucket{service="order-service", endpoint="/orders"}');
    expect(failed.length).toBeGreaterThan(0);
    expect(slow.length).toBeGreaterThan(0);
    const trace = async (id: string): Promise<any | undefined> => {
      const r = await fetch(`${jaeger.queryUrl}/api/traces/${id}`, { signal: AbortSignal.timeout(5_000) });
      return r.status === 200 ? ((await r.json()) as any).data?.[0] : undefined;
    };
    // a failed request's exemplar: its trace, with the exemplar's span as an order-service server span in error
    for (const ex of failed.slice(-3)) {
      const t = await waitFor(`trace ${ex.trace_id} in Jaeger`, () => trace(ex.trace_id), 30_000, () => gateway.server.log());
      const span = t.spans.find((s: any) => s.spanID === ex.span_id);
      expect(span).toBeDefined();
      expect(t.processes[span.processID].serviceName).toBe('order-service');
      expect(span.operationName).toBe('POST /orders');
      expect(span.tags).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'otel.status_code', value: 'ERROR' }), expect.objectContaining({ key: 'http.response.status_code', value: 500 })]));
    }
    for (const ex of slow.slice(-3)) {
      const t = await waitFor(`trace ${ex.trace_id} in Jaeger`, () => trace(ex.trace_id), 30_000, () => gateway.server.log());
      expect(t.spans.map((s: any) => s.spanID)).toContain(ex.span_id);
    }
  });

  test('log lines carry the trace and span ids of the active span, which Grafana links to the trace in Jaeger', async () => {
    const created = order.lines.filter((l) => l.message === 'Order created');
    expect(created.length).toBeGreaterThan(0);
    const datasources = parseYaml(configFile(objects, 'datasources.yaml')).datasources;
    const derived = datasources.find((d: any) => d.type === 'loki').jsonData.derivedFields.find((f: any) => f.matcherType === 'regex');
    for (const line of created.slice(-3)) {
      // the derived field finds the id in the raw line as the agent ships it
      expect(new RegExp(derived.matcherRegex).exec(JSON.stringify(line))?.[1]).toBe(line.trace_id);
      const t = await waitFor(
        `trace ${line.trace_id} in Jaeger`,
        async () => {
          const r = await fetch(`${jaeger.queryUrl}/api/traces/${line.trace_id}`, { signal: AbortSignal.timeout(5_000) });
          return r.status === 200 ? ((await r.json()) as any).data?.[0] : undefined;
        },
        30_000,
        () => gateway.server.log(),
      );
      // the log's span is in the trace, and the trace crosses into payment-service (W3C trace context)
      expect(t.spans.map((s: any) => s.spanID)).toContain(line.span_id);
      expect(new Set(t.spans.map((s: any) => t.processes[s.processID].serviceName))).toEqual(new Set(['order-service', 'payment-service']));
    }
    // the same records over OTLP reached Loki's OTLP path with their trace ids
    const wanted = new Set(created.map((l) => l.trace_id));
    const atLoki = await waitFor(
      "the order logs at Loki's OTLP path",
      async () => {
        if (!existsSync(loki.file)) return undefined;
        const records = readFileSync(loki.file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .flatMap((l) => JSON.parse(l).resourceLogs.flatMap((rl: any) => rl.scopeLogs.flatMap((sl: any) => sl.logRecords)));
        const hit = records.filter((r: any) => wanted.has(r.traceId) && r.body?.stringValue === 'Order created');
        return hit.length > 0 ? hit : undefined;
      },
      30_000,
      () => gateway.server.log() + loki.server.log(),
    );
    expect(atLoki[0].spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  test("the Service Overview dashboard's queries return the demo's data from this Prometheus", async () => {
    const panels = JSON.parse(toJson(serviceOverviewDashboard())).panels;
    for (const p of panels) {
      const expr = p.targets[0].expr.replace(/\$__rate_interval/g, '1m').replace(/\$service/g, 'order-service');
      const result = await query(prom, expr);
      expect({ panel: p.title, series: result.length }).toEqual({ panel: p.title, series: expect.any(Number) });
      expect(result.length).toBeGreaterThan(0);
      if (p.title === 'Error Rate') {
        // 5% of the requests fail: the panel reads about 5 (percent)
        expect(Number(result[0].value[1])).toBeGreaterThan(2);
        expect(Number(result[0].value[1])).toBeLessThan(8);
      }
    }
  });
});
