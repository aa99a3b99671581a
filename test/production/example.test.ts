import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { K8sObject } from '../helpers/synth';

/**
 * examples/production.ts, run as `cdk8s synth` would: the "done when" on its output (test/artifacts.test.ts
 * runs the shared example checks on it too: schema, promtool, amtool, otelcol and jaeger validate).
 */

const ROOT = join(__dirname, '..', '..');

describe('examples/production.ts (120 services)', () => {
  const out = mkdtempSync(join(tmpdir(), 'obs-production-'));
  let objects: K8sObject[] = [];
  let report = '';
  beforeAll(() => {
    const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['examples/production.ts'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: out }, timeout: 110_000 });
    if (r.status !== 0) throw new Error(r.stderr);
    objects = (yaml.loadAll(readFileSync(join(out, 'observability.k8s.yaml'), 'utf8')) as K8sObject[]).filter(Boolean);
    if (existsSync(join(out, 'observability.sizing.md'))) report = readFileSync(join(out, 'observability.sizing.md'), 'utf8');
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('no stateful component runs alone where the issue asks for HA, and every multi-replica workload is budgeted and spread', () => {
    const byName = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
    expect(byName('StatefulSet', 'prometheus').spec.replicas).toBe(2);
    expect(byName('StatefulSet', 'alertmanager').spec.replicas).toBe(3);
    // AND every stateful workload (one with claims, or Grafana/Jaeger/Loki parts) runs more than once, except Loki's
    // compactor, which must run alone (two would compact and delete the same tables)
    const stateful = objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && (o.kind === 'StatefulSet' || /^(grafana|jaeger|loki)/.test(o.metadata.name)));
    expect(stateful.filter((o) => o.spec.replicas < 2).map((o) => o.metadata.name)).toEqual(['loki-compactor']);
    expect(stateful.map((o) => o.metadata.name).sort()).toEqual(expect.arrayContaining(['grafana', 'jaeger', 'loki-ingester', 'otel-gateway', 'prometheus', 'alertmanager']));
    const multi = objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.spec.replicas > 1);
    const pdbs = new Set(objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name));
    for (const w of multi) {
      expect({ name: w.metadata.name, pdb: pdbs.has(w.metadata.name) }).toEqual({ name: w.metadata.name, pdb: true });
      expect(w.spec.template.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    }
  });

  test('the sizing report is written beside the manifests and matches what the manifests request', () => {
    expect(report).toMatch(/^# Capacity sizing/);
    expect(report).toContain('Catalog: 120 services');
    const volume = /\| Prometheus \| 2 \| \d+m \| \d+Mi \| \d+Mi \| (\d+Gi) \|/.exec(report)![1];
    const sts = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'prometheus')!;
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(volume);
  });

  test('the Watchdog is routed to the heartbeat receiver, and Prometheus and Alertmanager carry their external URLs', () => {
    const am = objects.find((o) => o.kind === 'ConfigMap' && o.data?.['alertmanager.yml'])!.data['alertmanager.yml'];
    expect((yaml.load(am) as any).route.routes[0]).toMatchObject({ receiver: 'heartbeat', matchers: ['alertname="Watchdog"'] });
    const prom = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'prometheus')!;
    expect(prom.spec.template.spec.containers[0].args).toContain('--web.external-url=https://prometheus.example.com');
  });
});
