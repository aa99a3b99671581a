import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { ObservabilityStack } from '../../../src/stack';
import { ServiceSpec } from '../../../src/slo';
import { serviceShard } from '../../../src/components/prometheus/shards';
import { configFiles, synthObjects } from '../../helpers/synth';
import { freePorts, getJson, LOOPBACK, Server, startServer, waitFor, waitForOk } from '../../helpers/servers';
import { writeTree } from '../../helpers/tools';

/**
 * The shard assignment the stack computes in TypeScript (`serviceShard`: md5, last 8 bytes, modulo N) is the one the
 * real Prometheus (3.5.0, the deployed release) computes with `hashmod`: every shard's generated application jobs
 * (`kubernetes-pods`, `kubernetes-services`, `slo-probes`) run side by side in one Prometheus, renamed `<job>@<k>`,
 * over ~60 synthetic pods, Services and probes. With no Kubernetes API here, each job's `kubernetes_sd_configs` is
 * replaced by `static_configs` carrying the `__meta_kubernetes_*` labels Kubernetes discovery would give (the only
 * replacement; the relabeling is the generated one). `/api/v1/targets?state=any` then shows which shard kept each
 * target (active) and which dropped it: exactly one shard keeps each, the one `serviceShard` names.
 */

const SHARDS = 4;

const meta = (prefix: string, labels: Record<string, string>, kind: 'label' | 'annotation') =>
  Object.fromEntries(Object.entries(labels).flatMap(([k, v]) => {
    const n = k.replace(/[^a-zA-Z0-9_]/g, '_');
    return [[`__meta_kubernetes_${prefix}_${kind}_${n}`, v], [`__meta_kubernetes_${prefix}_${kind}present_${n}`, 'true']];
  }));

interface Synthetic {
  /** The `service` label the job must give it ('' for none). */
  readonly service: string;
  readonly target: string;
  readonly labels: Record<string, string>;
}

/** 50 annotated pods: `app.kubernetes.io/name`, only `app`, both (the first wins), or neither (no `service`: shard 0). */
const PODS: Synthetic[] = Array.from({ length: 50 }, (_, i) => {
  const name = `svc-${String(i).padStart(3, '0')}`;
  const kind = i % 5;
  const podLabels: Record<string, string> =
    kind === 0 ? { app: name } : kind === 1 ? { 'app.kubernetes.io/name': name, app: `other-${i}` } : kind === 4 && i % 10 === 4 ? { tier: 'batch' } : { 'app.kubernetes.io/name': name };
  const service = podLabels['app.kubernetes.io/name'] ?? podLabels.app ?? '';
  return {
    service,
    target: `${LOOPBACK}:${10000 + i}`,
    labels: {
      __meta_kubernetes_namespace: 'shop',
      __meta_kubernetes_pod_name: `${name}-0`,
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_container_port_name: 'http',
      ...meta('pod', podLabels, 'label'),
      ...meta('pod', { 'prometheus.io/scrape': 'true' }, 'annotation'),
    },
  };
});

/** 8 annotated Services: `service` from the Service's labels, else its name. */
const SERVICES: Synthetic[] = Array.from({ length: 8 }, (_, i) => {
  const name = `api-${i}`;
  const labels: Record<string, string> = i % 2 === 0 ? { app: `api-app-${i}` } : {};
  return {
    service: i % 2 === 0 ? `api-app-${i}` : name,
    target: `${name}.shop.svc:8080`,
    labels: { __meta_kubernetes_namespace: 'shop', __meta_kubernetes_service_name: name, ...meta('service', labels, 'label'), ...meta('service', { 'prometheus.io/scrape': 'true' }, 'annotation') },
  };
});

/** Probe-based availability SLOs: the probe job's static targets carry `service` themselves. */
const PROBED: ServiceSpec[] = Array.from({ length: 6 }, (_, i) => ({
  name: `probed-${i}`,
  probeUrl: `http://probed-${i}.shop.svc:8080/healthz`,
  slos: [{ name: 'availability', objective: 99.9, sli: { kind: 'availability', source: 'probe' } }],
}));

const JOBS = ['kubernetes-pods', 'kubernetes-services', 'slo-probes'] as const;

function shardJobs(): any[] {
  const stack = new ObservabilityStack(Testing.app(), 'observability', {
    services: PROBED,
    prometheus: { shards: SHARDS },
    thanos: { objectStorageSecret: 'thanos-objstore' },
    networkPolicies: false,
  });
  const files = configFiles(synthObjects(stack));
  return Array.from({ length: SHARDS }, (_, k) => {
    const config = yaml.load(files.get(`prometheus-shard-${k}-config/prometheus.yml`)!) as any;
    return config.scrape_configs
      .filter((j: any) => (JOBS as readonly string[]).includes(j.job_name))
      .map((j: any) => {
        const { kubernetes_sd_configs: sd, ...rest } = j;
        const role = sd?.[0]?.role;
        const discovered = role === 'pod' ? PODS : role === 'service' ? SERVICES : undefined;
        return {
          ...rest,
          job_name: `${j.job_name}@${k}`,
          ...(discovered ? { static_configs: discovered.map((t) => ({ targets: [t.target], labels: t.labels })) } : {}),
        };
      });
  }).flat();
}

let server: Server | undefined;
let dir: string | undefined;
afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('each target is kept by exactly one shard, the one the TypeScript hashmod names (real Prometheus 3.5)', async () => {
  // GIVEN every shard's application jobs over the synthetic targets
  const jobs = shardJobs();
  expect(jobs.map((j) => j.job_name).sort()).toEqual(JOBS.flatMap((n) => Array.from({ length: SHARDS }, (_, k) => `${n}@${k}`)).sort());
  dir = writeTree({}, 'shards-live-');
  writeFileSync(join(dir, 'prometheus.yml'), yaml.dump(JSON.parse(JSON.stringify({ global: { scrape_interval: '1h', scrape_timeout: '10s' }, scrape_configs: jobs })), { lineWidth: -1 }));
  // WHEN one Prometheus runs them all
  const [port] = await freePorts(1);
  server = startServer('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${LOOPBACK}:${port}`]);
  const url = `http://${LOOPBACK}:${port}`;
  await waitForOk(`${url}/-/ready`, server, 60_000);
  const expected = { 'kubernetes-pods': PODS.length, 'kubernetes-services': SERVICES.length, 'slo-probes': PROBED.length };
  const targets = await waitFor('every shard job to list all of its targets, kept or dropped', async () => {
    const t = await getJson(`${url}/api/v1/targets?state=any`);
    const count = (job: string) => [...t.data.activeTargets, ...t.data.droppedTargets].filter((x: any) => (x.scrapePool ?? x.discoveredLabels?.job) === job).length;
    return JOBS.every((n) => Array.from({ length: SHARDS }, (_, k) => count(`${n}@${k}`)).every((c) => c === expected[n])) ? t.data : undefined;
  }, 30_000, () => server!.log());
  // THEN per job, the shards that kept each service are exactly the one serviceShard computes
  const kept = new Map<string, number[]>();
  for (const a of targets.activeTargets) {
    const [job, k] = String(a.scrapePool).split('@');
    const key = `${job}/${a.labels.service ?? ''}/${a.discoveredLabels.__address__}`;
    kept.set(key, [...(kept.get(key) ?? []), Number(k)]);
  }
  const want = new Map<string, number[]>();
  const add = (job: string, s: Synthetic) => want.set(`${job}/${s.service}/${s.target}`, [serviceShard(s.service, SHARDS)]);
  PODS.forEach((p) => add('kubernetes-pods', p));
  SERVICES.forEach((s) => add('kubernetes-services', s));
  PROBED.forEach((s) => add('slo-probes', { service: s.name, target: s.probeUrl!, labels: {} }));
  expect(Object.fromEntries([...kept].sort())).toEqual(Object.fromEntries([...want].sort()));
  // AND every shard got some (the assignment spreads), the unnamed pods went to shard 0, and the drops add up
  expect(new Set([...want.values()].flat())).toEqual(new Set([0, 1, 2, 3]));
  expect(PODS.filter((p) => p.service === '').length).toBeGreaterThan(0);
  const total = PODS.length + SERVICES.length + PROBED.length;
  expect(targets.activeTargets.length).toBe(total);
  expect(targets.droppedTargets.filter((d: any) => String(d.scrapePool ?? d.discoveredLabels?.job).includes('@')).length).toBe(total * (SHARDS - 1));
}, 120_000);
