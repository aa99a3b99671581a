import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { ObservabilityStack, ObservabilityStackProps } from '../../../src/stack';
import { ConfigError } from '../../../src/common/errors';
import { ServiceSpec, buildSloModel } from '../../../src/slo';
import { allSlos } from '../../../src/slo/model';
import { prometheusHashmod, serviceShard, shardKeepRelabels, sloRuleFileService } from '../../../src/components/prometheus/shards';
import { configFiles, containersOf, findObject, K8sObject, synthObjects } from '../../helpers/synth';
import { promConfigWithLocalPaths, promtool, runToolAsync, writeTree } from '../../helpers/tools';
import { renderRuleTestFile, sloProof } from '../../helpers/slo-proof';
import { collectorConfigs, otelcolValidate } from '../../helpers/upstream';
import { Cluster, podsOf } from '../../helpers/network-policy';

/**
 * Hashmod sharding of Prometheus (`prometheus.shards`, issue 15): what goes to which shard, the errors, and the real
 * promtool on every shard's prometheus.yml and rule files. That the TypeScript assignment is the one Prometheus
 * computes is shown by the real Prometheus in shards-live.test.ts.
 */

const SHARDS = 3;
/** Each service one SLO, so a service's rule file is exactly one SLO's (the proof below reads one). */
const services: ServiceSpec[] = Array.from({ length: 12 }, (_, i) => ({
  name: `svc-${i}`,
  slos: [{ name: 'error-rate', objective: 99.9, sli: { kind: 'error-rate' } }],
}));
const PROPS: ObservabilityStackProps = {
  services,
  prometheus: { shards: SHARDS, replicas: 2 },
  thanos: { objectStorageSecret: 'thanos-objstore' },
  selfMonitoring: true,
};

function stackOf(props: ObservabilityStackProps): { stack: ObservabilityStack; objects: K8sObject[] } {
  const stack = new ObservabilityStack(Testing.app(), 'observability', props);
  return { stack, objects: synthObjects(stack) };
}

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message} | ${p.fix}`);
    throw e;
  }
  return [];
}

/** Shard k's files: its prometheus.yml and its rule files (by ConfigMap name). */
function shardFiles(objects: K8sObject[], k: number): { config: any; configText: string; rules: Map<string, string> } {
  const files = configFiles(objects);
  const configText = files.get(`prometheus-shard-${k}-config/prometheus.yml`)!;
  const rules = new Map<string, string>();
  for (const [key, content] of files) {
    const [cm, name] = key.split('/');
    if (cm.startsWith(`prometheus-shard-${k}-rules-`)) rules.set(name, content);
  }
  return { config: yaml.load(configText), configText, rules };
}

const { stack, objects } = stackOf(PROPS);

describe('the hashmod assignment (pure)', () => {
  test('is md5, last 8 bytes big-endian, modulo N; a target without service goes to shard 0', () => {
    // md5("svc-0") = 7cfd8ad8…; Prometheus reads bytes 8..15 as a big-endian uint64
    const digest = require('crypto').createHash('md5').update('svc-0').digest() as Buffer;
    expect(prometheusHashmod('svc-0', 1000)).toBe(Number(digest.readBigUInt64BE(8) % 1000n));
    expect(serviceShard('', 4)).toBe(0);
    expect(serviceShard('anything', 1)).toBe(0);
    const spread = new Set(services.map((s) => serviceShard(s.name, SHARDS)));
    expect(spread).toEqual(new Set([0, 1, 2]));
  });

  test('the keep relabelings hash the final service label, pin empty ones to 0, keep shard k', () => {
    expect(shardKeepRelabels(2, 4)).toEqual([
      { sourceLabels: ['service'], modulus: 4, targetLabel: '__tmp_prometheus_shard', action: 'hashmod' },
      { sourceLabels: ['service'], regex: '', targetLabel: '__tmp_prometheus_shard', replacement: '0', action: 'replace' },
      { sourceLabels: ['__tmp_prometheus_shard'], regex: '2', action: 'keep' },
    ]);
    expect(sloRuleFileService('slo-svc-3.rules.yml')).toBe('svc-3');
    expect(sloRuleFileService('slo.rules.yml')).toBeUndefined();
  });
});

describe('prometheus.shards in the stack', () => {
  test('shards: 1 is today\'s output, byte for byte', () => {
    const base = { services, thanos: { objectStorageSecret: 'thanos-objstore' }, prometheus: { replicas: 2 } };
    const one = stackOf({ ...base, prometheus: { replicas: 2, shards: 1 } }).objects;
    expect(JSON.stringify(one)).toBe(JSON.stringify(stackOf(base).objects));
  });

  test('N StatefulSets, each with its own config, the shard external label and its HA pair', () => {
    for (let k = 0; k < SHARDS; k++) {
      const sts = findObject(objects, 'StatefulSet', `prometheus-shard-${k}`);
      expect(sts.spec.replicas).toBe(2);
      expect(containersOf(sts).map((c: any) => c.name)).toEqual(['prometheus', 'thanos-sidecar']);
      const { config } = shardFiles(objects, k);
      expect(config.global.external_labels).toEqual({ prometheus_replica: '${POD_NAME}', prometheus_shard: String(k) });
      // both labels leave alerts: the copies of one alert (pushed series are on every shard) notify once
      expect(config.alerting.alert_relabel_configs).toEqual([{ action: 'labeldrop', regex: 'prometheus_replica|prometheus_shard' }]);
    }
    expect(objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'prometheus')).toBe(false);
  });

  test('application jobs run on every shard keeping its own services; platform jobs on shard 0 only', () => {
    const jobs = (k: number) => shardFiles(objects, k).config.scrape_configs.map((j: any) => j.job_name);
    expect(jobs(0)).toEqual(expect.arrayContaining(['prometheus', 'kubernetes-pods', 'kubernetes-services', 'node-exporter', 'cadvisor', 'kube-state-metrics', 'kubelet', 'alertmanager']));
    for (let k = 1; k < SHARDS; k++) expect(jobs(k)).toEqual(['prometheus', 'kubernetes-pods', 'kubernetes-services']);
    for (let k = 0; k < SHARDS; k++) {
      const pods = shardFiles(objects, k).config.scrape_configs.find((j: any) => j.job_name === 'kubernetes-pods');
      expect(pods.relabel_configs.slice(-1)).toEqual([{ source_labels: ['__tmp_prometheus_shard'], regex: String(k), action: 'keep' }]);
      // each shard scrapes only its own pods (its self job selects its instance)
      const self = shardFiles(objects, k).config.scrape_configs.find((j: any) => j.job_name === 'prometheus');
      expect(JSON.stringify(self.relabel_configs)).toContain(`prometheus-shard-${k}`);
    }
  });

  test('each service\'s SLO rules on its shard only; shared SLO rules, platform alerts and stack health on every shard; the rest on shard 0', () => {
    for (const s of services) {
      const k = serviceShard(s.name, SHARDS);
      expect(stack.prometheusShards!.shardOfService(s.name)).toBe(k);
      for (let j = 0; j < SHARDS; j++) expect({ service: s.name, shard: j, has: shardFiles(objects, j).rules.has(`slo-${s.name}.rules.yml`) }).toEqual({ service: s.name, shard: j, has: j === k });
    }
    for (let k = 0; k < SHARDS; k++) {
      const names = [...shardFiles(objects, k).rules.keys()];
      expect(names).toEqual(expect.arrayContaining(['slo.rules.yml', 'platform.rules.yml', 'stack-health.rules.yml']));
    }
  });

  test('a database\'s SLO follows its exporter to shard 0', () => {
    const { objects: o } = stackOf({ ...PROPS, databases: [{ kind: 'redis', name: 'sessions', host: 'sessions.shop.svc', credentials: { secretName: 'sessions-exporter' }, slo: {} }] });
    const holders = (file: string) => [0, 1, 2].filter((k) => shardFiles(o, k).rules.has(file));
    expect(holders('slo-sessions.rules.yml')).toEqual([0]);
    // and so do its alerts
    const alerts = [...shardFiles(o, 0).rules.keys()].filter((n) => n.startsWith('database-'));
    expect(alerts.length).toBe(1);
    expect(holders(alerts[0])).toEqual([0]);
  });

  test('Thanos Query reads every shard\'s sidecar and de-duplicates by replica; the gateway routes each shard\'s services to its replicas', () => {
    const query = findObject(objects, 'Deployment', 'thanos-query');
    const args: string[] = containersOf(query)[0].args;
    expect(args.filter((a) => a.startsWith('--query.replica-label='))).toEqual(['--query.replica-label=prometheus_replica']);
    const sd = JSON.parse(args.find((a) => a.startsWith('--endpoint.sd-config='))!.slice('--endpoint.sd-config='.length));
    expect(sd.endpoints.map((e: any) => e.address)).toEqual([
      ...[0, 1, 2].map((k) => `dns+prometheus-shard-${k}-headless.observability.svc:10901`),
      'dns+thanos-store.observability.svc:10901',
    ]);
    const doc = yaml.load(collectorConfigs(objects).find((c) => c.name.startsWith('otel-gateway'))!.text) as any;
    const byShard = (k: number) => services.map((s) => s.name).filter((n) => serviceShard(n, SHARDS) === k);
    for (let k = 0; k < SHARDS; k++) {
      const p = doc.service.pipelines[`metrics/prometheus-shard-${k}`];
      // each shard's pipeline exports to that shard's replicas only
      expect(p.exporters.map((id: string) => doc.exporters[id].metrics_endpoint)).toEqual(
        [0, 1].map((r) => `http://prometheus-shard-${k}-${r}.prometheus-shard-${k}-headless.observability.svc:9090/api/v1/otlp/v1/metrics`),
      );
      expect(p.processors).toEqual(['memory_limiter', 'transform/service-label', `filter/prometheus-shard-${k}`, 'batch']);
      const [condition] = doc.processors[`filter/prometheus-shard-${k}`].metrics.datapoint;
      // shard 0 drops the other shards' services (and keeps every other one); shard k keeps only its own
      const listed = k === 0 ? [1, 2].flatMap(byShard) : byShard(k);
      expect(condition).toBe(`${k === 0 ? '' : 'not '}IsMatch(attributes["service"], "^(?:${[...listed].sort().join('|')})$")`);
    }
    expect(doc.service.pipelines.metrics).toBeUndefined();
  });

  test('one NetworkPolicy selects every shard\'s pods; Thanos Query may reach their sidecars', () => {
    const policy = findObject(objects, 'NetworkPolicy', 'prometheus');
    const selector = policy.spec.podSelector.matchLabels;
    for (let k = 0; k < SHARDS; k++) {
      const podLabels = findObject(objects, 'StatefulSet', `prometheus-shard-${k}`).spec.template.metadata.labels;
      expect(Object.entries(selector).every(([l, v]) => podLabels[l] === v)).toBe(true);
    }
    const others = objects.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment').filter((o) => !o.metadata.name.startsWith('prometheus-shard-'));
    for (const o of others) expect({ o: o.metadata.name, selected: Object.entries(selector).every(([l, v]) => o.spec.template.metadata.labels[l] === v) }).toEqual({ o: o.metadata.name, selected: false });
    const fromQuery = policy.spec.ingress.filter((r: any) => r.from?.some((f: any) => f.podSelector?.matchLabels?.['app.kubernetes.io/instance'] === 'thanos-query'));
    expect(fromQuery.flatMap((r: any) => r.ports.map((p: any) => p.port))).toContain(10901);
  });

  test('the NetworkPolicy evaluator: Query reaches every shard\'s sidecar, the gateway pushes to every shard, every shard scrapes kube-state-metrics and an app, an app reaches no shard', () => {
    let n = 10;
    const pods = podsOf(objects, () => `10.244.1.${n++}`, '192.168.0.10');
    const app = { id: 'shop/order-service', ip: '10.244.2.1', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'order-service' }, ports: [{ name: 'http', port: 8080, protocol: 'TCP' as const }] };
    const ns = new Map<string, Record<string, string>>([['shop', { 'kubernetes.io/metadata.name': 'shop' }]]);
    for (const o of objects.filter((x) => x.kind === 'Namespace')) ns.set(o.metadata.name, { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name });
    const cluster = new Cluster(objects, ns, { ipBlockMatchesPods: false });
    const pod = (id: string) => pods.find((p) => p.id === id)!;
    const query = pod('Deployment/thanos-query');
    const gateway = pod('Deployment/otel-gateway');
    const ksm = pod('Deployment/kube-state-metrics');
    for (let k = 0; k < SHARDS; k++) {
      const shard = pod(`StatefulSet/prometheus-shard-${k}`);
      expect({ k, query: cluster.connect(query, shard, 10901).allowed, push: cluster.connect(gateway, shard, 9090).allowed, app: cluster.connect(shard, app, 8080).allowed })
        .toEqual({ k, query: true, push: true, app: true });
      expect({ k, ksm: cluster.connect(shard, ksm, 8080).allowed }).toEqual({ k, ksm: true });
      // an application reaches no shard
      expect({ k, fromApp: cluster.connect(app, shard, 9090).allowed }).toEqual({ k, fromApp: false });
    }
  });

  test('bad input: shards out of range, shards without thanos, shards in operator mode', () => {
    for (const shards of [0, 1.5, 65, '2' as any]) {
      expect(problemsOf(() => stackOf({ ...PROPS, prometheus: { shards } }))).toEqual([
        'observability.prometheus.shards: must be a whole number from 1 to 64 | use 1 (one Prometheus, the default), or e.g. 4 to split the services over four Prometheus shards.',
      ]);
    }
    expect(problemsOf(() => stackOf({ services, prometheus: { shards: 2 } }))[0]).toMatch(/^observability\.prometheus\.shards: needs thanos: .* \| add thanos: \{ objectStorageSecret/);
    expect(problemsOf(() => stackOf({ prometheusOperator: {}, prometheus: { shards: 2 } }))).toEqual([
      expect.stringMatching(/^observability\.prometheus\.shards: shards the stack's own Prometheus, which operator mode does not deploy \| shard the operator's Prometheus with its own `shards` field/),
    ]);
    const own = problemsOf(() => stackOf({ ...PROPS, prometheus: { shards: 2, externalLabels: { prometheus_shard: 'x' } } }));
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((p) => /externalLabels: sets "prometheus_shard", the label each shard sets itself/.test(p))).toBe(true);
  });
});

describe('every shard against the real promtool', () => {
  let dir: string | undefined;
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  test('promtool check config accepts each shard\'s prometheus.yml with exactly its rule files', () => {
    for (let k = 0; k < SHARDS; k++) {
      const { configText, rules } = shardFiles(objects, k);
      const d = writeTree({ 'rules/.keep': '' }, `shard-${k}-`);
      for (const [name, content] of rules) writeFileSync(join(d, 'rules', name), content);
      writeFileSync(join(d, 'prometheus.yml'), promConfigWithLocalPaths(configText, d));
      const result = promtool(['check', 'config', join(d, 'prometheus.yml')]);
      expect({ shard: k, status: result.status, output: result.status === 0 ? '' : result.output }).toEqual({ shard: k, status: 0, output: '' });
      for (const name of rules.keys()) expect(result.output).toContain(`${name}`);
      const rulesCheck = promtool(['check', 'rules', ...[...rules.keys()].map((n) => join(d, 'rules', n))]);
      expect({ shard: k, status: rulesCheck.status }).toEqual({ shard: k, status: 0 });
      rmSync(d, { recursive: true, force: true });
    }
  });

  test('otelcol validate accepts the gateway with one filtered metrics pipeline per shard', () => {
    const gateway = collectorConfigs(objects).find((c) => c.name.startsWith('otel-gateway'))!;
    expect((gateway.text.match(/otlphttp\/prometheus-shard-\d+-\d+:/g) ?? []).length).toBe(SHARDS * 2);
    const r = otelcolValidate(gateway);
    expect({ output: r.status === 0 ? 'valid' : r.output.trim() }).toEqual({ output: 'valid' });
  });

  test('a shard\'s own SLO rules page for its service with nothing from another shard (promtool test rules, the SLO proof)', async () => {
    // GIVEN a service on shard 2 and the proof of its SLO, run on shard 2's own copies of the two files it needs
    const model = buildSloModel(services, { evaluationInterval: stack.metrics.model.global.evaluationInterval });
    const service = services.find((s) => serviceShard(s.name, SHARDS) === 2)!.name;
    const slo = allSlos(model).find((s) => s.service === service)!;
    const proof = sloProof(model, slo);
    const { rules } = shardFiles(objects, 2);
    const files: Record<string, string> = {};
    for (const f of proof.ruleFiles) {
      const own = f.fileName.slice(slo.id.length + 1);
      expect(rules.has(own)).toBe(true);
      files[f.fileName] = rules.get(own)!;
    }
    for (const t of proof.testFiles) files[t.fileName] = renderRuleTestFile(t);
    dir = writeTree(files, 'shard-proof-');
    // WHEN promtool runs the proof's cases
    const results = await Promise.all(proof.testFiles.map(async (t) => ({ file: t.fileName, r: await runToolAsync('promtool', ['test', 'rules', t.fileName], dir) })));
    // THEN the burn-rate page, the ticket, the breach and the absent alert fire as proven
    expect(results.map(({ file, r }) => ({ file, output: r.status === 0 ? 'SUCCESS' : r.output }))).toEqual(proof.testFiles.map((t) => ({ file: t.fileName, output: 'SUCCESS' })));
    expect(proof.testFiles.flatMap((t) => t.tests.flatMap((g) => g.alertRuleTests.filter((a) => a.expAlerts.length > 0).map((a) => a.alertname)))).toEqual(expect.arrayContaining(['SLOErrorBudgetBurn', 'SLOSourceMetricAbsent']));
  }, 300_000);
});
