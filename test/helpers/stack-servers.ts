import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { DEMO_SERVICES, ORDER_SERVICE } from '../../src/slo';
import { ObservabilityStack } from '../../src/stack';
import { freePorts, LOOPBACK, Server, startServer, waitFor, waitForOk } from './servers';
import { configFile, configFiles, containersOf, K8sObject } from './synth';
import { promConfigWithLocalPaths, writeTree } from './tools';
import { collectorConfigWithLocalPaths, collectorConfigs, collectorPodEnv, jaegerConfigs, jaegerConfigWithLocalPaths } from './upstream';

/**
 * The stack's servers started on this machine with the configs and flags the stack generated. What only exists in
 * a cluster is replaced, and every replacement is made (and listed) here:
 * - listen addresses (`:9090`, `0.0.0.0:<port>`, `${env:MY_POD_IP}:<port>`) → 127.0.0.1 on a free port per listener;
 * - paths of mounted volumes (config, rules, data, checkpoints, Secrets) → files and directories in a temporary
 *   directory (promConfigWithLocalPaths, collectorConfigWithLocalPaths, jaegerConfigWithLocalPaths);
 * - Service DNS names of the backends in the gateway's exporters → the loopback address and port of the server
 *   started here, keeping the generated scheme and path (`/otlp`, `/api/v1/otlp/v1/metrics`);
 * - the loadbalancing exporter's `k8s` resolver (it needs an API server's Endpoints) → the `static` resolver with the
 *   loopback addresses of the sampling replicas started here; routing key, protocol, queue and retry as generated;
 * - Kubernetes discovery in prometheus.yml is kept as generated: with no API server here Prometheus logs that it
 *   cannot create it and runs on without those targets.
 */

/** The default platform of src/main.ts, synthesized (it raises no warning; any warning prints). */
export function defaultPlatformObjects(): K8sObject[] {
  return Testing.synth(new ObservabilityStack(Testing.app(), 'observability', { services: [ORDER_SERVICE, ...DEMO_SERVICES] })) as K8sObject[];
}

export interface Started {
  readonly server: Server;
  /** Listener ports by the port the generated config or flags use (9090, 4317, 16686, ...). */
  readonly ports: Readonly<Record<number, number>>;
  /** The temporary directory holding its files. */
  readonly dir: string;
}

const LISTEN = /^(?:0\.0\.0\.0|\$\{env:MY_POD_IP\}|localhost|127\.0\.0\.1)?:(\d+)$/;

/** Every listener port of a collector-shaped config (otelcol, Jaeger v2): endpoints and the telemetry reader. */
function listenPorts(doc: any): number[] {
  const ports = new Set<number>();
  const walk = (v: any): void => {
    if (typeof v === 'string') {
      const m = LISTEN.exec(v);
      if (m) ports.add(Number(m[1]));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk({ receivers: doc.receivers, extensions: doc.extensions });
  for (const r of doc.service?.telemetry?.metrics?.readers ?? []) {
    const p = r.pull?.exporter?.prometheus;
    if (p?.port) ports.add(Number(p.port));
  }
  return [...ports].sort((a, b) => a - b);
}

/** Listen addresses → 127.0.0.1:<mapped port> (receivers, extensions, the telemetry reader). */
function toLoopback(doc: any, ports: Readonly<Record<number, number>>): void {
  const walk = (v: any): any => {
    if (typeof v === 'string') {
      const m = LISTEN.exec(v);
      return m && ports[Number(m[1])] ? `${LOOPBACK}:${ports[Number(m[1])]}` : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  doc.receivers = walk(doc.receivers);
  doc.extensions = walk(doc.extensions);
  for (const r of doc.service?.telemetry?.metrics?.readers ?? []) {
    const p = r.pull?.exporter?.prometheus;
    if (p?.port) {
      p.host = LOOPBACK;
      p.port = ports[Number(p.port)];
    }
  }
}

async function portMap(generated: readonly number[]): Promise<Record<number, number>> {
  const free = await freePorts(generated.length);
  return Object.fromEntries(generated.map((p, i) => [p, free[i]]));
}

function workload(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const w = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!w) throw new Error(`no ${kind}/${name} in the synthesized objects`);
  return w;
}

/**
 * Prometheus with the generated prometheus.yml, every rule file and the StatefulSet's flags; `statefulSet` picks one
 * of several (a shard, `prometheus-shard-<k>`: its own config and rule ConfigMaps, `<name>-config` / `<name>-rules-*`).
 */
export async function startPrometheus(
  objects: readonly K8sObject[],
  options: { env?: Readonly<Record<string, string>>; statefulSet?: string } = {},
): Promise<Started & { url: string }> {
  const dir = writeTree({});
  const sts = options.statefulSet ?? 'prometheus';
  const own = (key: string) => options.statefulSet === undefined || key.startsWith(`${sts}-`);
  for (const [key, content] of configFiles(objects)) {
    if (key.endsWith('.rules.yml') && own(key)) {
      mkdirSync(join(dir, 'rules'), { recursive: true });
      writeFileSync(join(dir, 'rules', key.split('/')[1]), content);
    }
  }
  const config = options.statefulSet === undefined ? configFile(objects, 'prometheus.yml') : configFiles(objects).get(`${sts}-config/prometheus.yml`);
  if (config === undefined) throw new Error(`no ${sts}-config/prometheus.yml in the synthesized objects`);
  writeFileSync(join(dir, 'prometheus.yml'), promConfigWithLocalPaths(config, dir));
  const [web] = await freePorts(1);
  const args: string[] = containersOf(workload(objects, 'StatefulSet', sts))[0].args;
  const local = [
    ...args.map((a) =>
      a.startsWith('--config.file=') ? `--config.file=${join(dir, 'prometheus.yml')}` : a.startsWith('--storage.tsdb.path=') ? `--storage.tsdb.path=${join(dir, 'data')}` : a,
    ),
    // Prometheus listens on :9090 by default (the StatefulSet relies on it).
    `--web.listen-address=${LOOPBACK}:${web}`,
  ];
  // `env`: what the pod's environment gives Prometheus (POD_NAME for the replica's external label).
  const server = startServer('prometheus', local, options.env ? { env: { ...process.env, ...options.env } } : {});
  const url = `http://${LOOPBACK}:${web}`;
  await waitForOk(`${url}/-/ready`, server, 60_000);
  return { server, ports: { 9090: web }, dir, url };
}

/** Jaeger v2 with the generated config.yaml (memory or Badger storage) and the Deployment's flags. */
export async function startJaeger(objects: readonly K8sObject[], reuse?: Readonly<Record<number, number>>): Promise<Started & { queryUrl: string; otlpGrpc: string }> {
  const [config] = jaegerConfigs(objects);
  const dir = writeTree({});
  const doc = jaegerConfigWithLocalPaths(config.text, dir);
  const ports = reuse ?? (await portMap(listenPorts(doc)));
  toLoopback(doc, ports);
  writeFileSync(join(dir, 'config.yaml'), yaml.dump(doc, { lineWidth: -1, noRefs: true }));
  const w = objects.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === 'jaeger')!;
  const args: string[] = containersOf(w)[0].args.map((a: string) => (a.startsWith('--config=') ? `--config=${join(dir, 'config.yaml')}` : a));
  const server = startServer('jaeger', args);
  const health = doc.extensions.healthcheckv2.http.status.path;
  await waitForOk(`http://${LOOPBACK}:${ports[13133]}${health}`, server, 60_000);
  return { server, ports, dir, queryUrl: `http://${LOOPBACK}:${ports[16686]}`, otlpGrpc: `${LOOPBACK}:${ports[4317]}` };
}

/** Where the gateway's exporters send, by exporter id: a `host:port` (gRPC) or a base URL (HTTP). */
export type GatewayBackends = Readonly<Record<string, string>>;

/**
 * The gateway with its generated config.yaml: listeners on loopback, each exporter's host and port replaced by the
 * given backend's (scheme and path as generated).
 */
export async function startGateway(
  objects: readonly K8sObject[],
  backends: GatewayBackends,
  reuse?: Pick<Started, 'dir' | 'ports'>,
): Promise<Started & { otlpHttpUrl: string }> {
  const config = collectorConfigs(objects).find((c) => c.name.startsWith('otel-gateway-config/'))!;
  // A restart (`reuse`): the same directory (the file_storage queue in it) and the same ports.
  const dir = reuse?.dir ?? writeTree({});
  const doc = collectorConfigWithLocalPaths(config.text, dir);
  const ports = reuse?.ports ?? (await portMap(listenPorts(doc)));
  toLoopback(doc, ports);
  for (const [id, exporter] of Object.entries<any>(doc.exporters)) {
    const to = backends[id];
    if (!to) throw new Error(`no loopback backend given for exporter ${id}`);
    if (exporter.resolver?.k8s) {
      exporter.resolver = { static: { hostnames: to.split(',') } };
      continue;
    }
    for (const key of ['endpoint', 'traces_endpoint', 'metrics_endpoint', 'logs_endpoint']) {
      if (typeof exporter[key] !== 'string') continue;
      exporter[key] = /^https?:\/\//.test(exporter[key]) ? exporter[key].replace(/^(https?:\/\/)[^/]+/, `$1${to}`) : to;
    }
  }
  writeFileSync(join(dir, 'config.yaml'), yaml.dump(doc, { lineWidth: -1, noRefs: true }));
  const args: string[] = containersOf(objects.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === 'otel-gateway')!)[0].args.map((a: string) =>
    a.startsWith('--config=') ? `--config=${join(dir, 'config.yaml')}` : a,
  );
  const server = startServer('otelcol', args, { env: collectorPodEnv() });
  const health = doc.extensions.health_check;
  await waitForOk(`http://${LOOPBACK}:${ports[13133]}${health.path ?? '/'}`, server, 60_000);
  return { server, ports, dir, otlpHttpUrl: `http://${LOOPBACK}:${ports[4318]}` };
}

/**
 * The tail-sampling tier (the Deployment `name`) with its generated config.yaml: listeners on loopback, the Jaeger
 * exporter's endpoint → `jaegerOtlpGrpc`.
 */
export async function startSampler(objects: readonly K8sObject[], jaegerOtlpGrpc: string, name = 'otel-sampler'): Promise<Started & { otlpGrpc: string }> {
  const config = collectorConfigs(objects).find((c) => c.name.startsWith(`${name}-config/`))!;
  const dir = writeTree({});
  const doc = collectorConfigWithLocalPaths(config.text, dir);
  const ports = await portMap(listenPorts(doc));
  toLoopback(doc, ports);
  doc.exporters['otlp/jaeger'].endpoint = jaegerOtlpGrpc;
  writeFileSync(join(dir, 'config.yaml'), yaml.dump(doc, { lineWidth: -1, noRefs: true }));
  const args: string[] = containersOf(workload(objects, 'Deployment', name))[0].args.map((a: string) => (a.startsWith('--config=') ? `--config=${join(dir, 'config.yaml')}` : a));
  const server = startServer('otelcol', args, { env: collectorPodEnv() });
  await waitForOk(`http://${LOOPBACK}:${ports[13133]}${doc.extensions.health_check.path ?? '/'}`, server, 60_000);
  return { server, ports, dir, otlpGrpc: `${LOOPBACK}:${ports[4317]}` };
}

/**
 * A stand-in for Loki's OTLP endpoint (Loki itself is not run here, see TOOLS_NOT_BUILT): a second, real otelcol
 * whose OTLP/HTTP receiver serves logs at Loki's path, `<base>/otlp/v1/logs`, and writes what arrives as OTLP JSON
 * lines (the file exporter). It accepts logs nowhere else, so an arrival proves the gateway used Loki's path.
 */
export async function startLokiOtlpCapture(): Promise<Started & { baseUrl: string; file: string }> {
  const dir = writeTree({});
  const [port, health] = await freePorts(2);
  const file = join(dir, 'received.jsonl');
  const config = {
    receivers: { otlp: { protocols: { http: { endpoint: `${LOOPBACK}:${port}`, logs_url_path: '/otlp/v1/logs' } } } },
    exporters: { file: { path: file, flush_interval: '100ms' } },
    extensions: { health_check: { endpoint: `${LOOPBACK}:${health}` } },
    service: { extensions: ['health_check'], pipelines: { logs: { receivers: ['otlp'], exporters: ['file'] } }, telemetry: { metrics: { level: 'none' } } },
  };
  writeFileSync(join(dir, 'config.yaml'), yaml.dump(config));
  const server = startServer('otelcol', [`--config=${join(dir, 'config.yaml')}`]);
  await waitForOk(`http://${LOOPBACK}:${health}/`, server, 30_000);
  return { server, ports: { 3100: port }, dir, baseUrl: `${LOOPBACK}:${port}`, file };
}

export { waitFor };

/** Where Alertmanager's pod mounts the credentials Secret (every `*_file` of alertmanager.yml points in there). */
const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';

export interface AlertmanagerOptions {
  /** Contents of the credentials Secret's keys, as files (the kubelet mounts the real Secret). */
  readonly secrets: Readonly<Record<string, string>>;
  /** Changes to the parsed alertmanager.yml beyond the paths (each caller states its own). */
  readonly rewrite?: (doc: any) => void;
}

/**
 * Alertmanager with the generated alertmanager.yml and the StatefulSet's flags. Replacements: the Secret's mount
 * (`/etc/alertmanager/secrets/<key>`) → files in a temporary directory holding `secrets`; `--storage.path` → that
 * directory; `--web.listen-address=:9093` → 127.0.0.1 on a free port; whatever `rewrite` changes. The cluster stays
 * off (`--cluster.listen-address=` as generated for one replica).
 */
export async function startAlertmanager(objects: readonly K8sObject[], options: AlertmanagerOptions): Promise<Started & { url: string; config: string }> {
  const dir = writeTree(Object.fromEntries(Object.entries(options.secrets).map(([k, v]) => [`secrets/${k}`, v])), 'obs-am-');
  const doc = yaml.load(configFile(objects, 'alertmanager.yml').split(`${ALERTMANAGER_SECRETS_DIR}/`).join(`${join(dir, 'secrets')}/`)) as any;
  options.rewrite?.(doc);
  const config = yaml.dump(doc, { lineWidth: -1, noRefs: true });
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  mkdirSync(join(dir, 'data'), { recursive: true });
  const [web] = await freePorts(1);
  const args: string[] = containersOf(workload(objects, 'StatefulSet', 'alertmanager'))[0].args.map((a: string) => {
    if (a.startsWith('--config.file=')) return `--config.file=${join(dir, 'alertmanager.yml')}`;
    if (a.startsWith('--storage.path=')) return `--storage.path=${join(dir, 'data')}`;
    if (a.startsWith('--web.listen-address=')) return `--web.listen-address=${LOOPBACK}:${web}`;
    return a;
  });
  if (!args.includes('--cluster.listen-address=')) throw new Error(`expected a single Alertmanager without clustering, got ${args.join(' ')}`);
  const server = startServer('alertmanager', args);
  const url = `http://${LOOPBACK}:${web}`;
  await waitForOk(`${url}/-/ready`, server, 30_000);
  return { server, ports: { 9093: web }, dir, url, config };
}
