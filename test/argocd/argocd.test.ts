import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App, Chart, Testing, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import * as yaml from 'js-yaml';
import { ARGOCD_ANNOTATIONS, ArgoCdApplication, ObservabilityApp, SYNC_WAVE, SYNC_WAVES, componentFileName } from '../../src/argocd';
import { ObservabilityStack, ObservabilityStackProps } from '../../src/stack';
import { DEMO_SERVICES, ORDER_SERVICE } from '../../src/slo';
import { TlsCertificate } from '../../src/common/tls';
import { schemaErrors } from '../helpers/schema';
import { K8sObject, synthObjects } from '../helpers/synth';

/**
 * Argo CD: sync waves by kind on every object (one pass), the Application (against Argo CD's CRD), and the
 * file-per-component layout of dist/.
 */

const ROOT = join(__dirname, '../..');
const SERVICES = [ORDER_SERVICE, ...DEMO_SERVICES];

function synth(props: ObservabilityStackProps = {}): K8sObject[] {
  return synthObjects(new ObservabilityStack(Testing.app(), 'observability', { services: SERVICES, ...props }));
}

const wave = (o: K8sObject) => Number(o.metadata.annotations?.[ARGOCD_ANNOTATIONS.syncWave]);

describe('sync waves', () => {
  const objects = synth({
    grafana: { ingress: { host: 'grafana.example.com', tls: TlsCertificate.fromCertManager({ issuer: { name: 'letsencrypt' } }) } },
    networkPolicies: { ingressController: { namespace: 'ingress-nginx' } },
  });

  test('every object carries the wave of its kind', () => {
    for (const o of objects) expect({ kind: o.kind, wave: wave(o) }).toEqual({ kind: o.kind, wave: SYNC_WAVES[o.kind] });
  });

  test('namespaces first, then identities and policies, config, Services, and the workloads last', () => {
    const byKind = (k: string) => [...new Set(objects.filter((o) => o.kind === k).map(wave))];
    expect(byKind('Namespace')).toEqual([SYNC_WAVE.foundations]);
    for (const k of ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'NetworkPolicy']) expect(byKind(k)).toEqual([SYNC_WAVE.identity]);
    for (const k of ['ConfigMap', 'Certificate']) expect(byKind(k)).toEqual([SYNC_WAVE.config]);
    expect(byKind('Service')).toEqual([SYNC_WAVE.services]);
    for (const k of ['Deployment', 'StatefulSet', 'DaemonSet', 'Ingress']) expect(byKind(k)).toEqual([SYNC_WAVE.workloads]);
    expect(SYNC_WAVE.foundations < SYNC_WAVE.identity && SYNC_WAVE.identity < SYNC_WAVE.config && SYNC_WAVE.config < SYNC_WAVE.services && SYNC_WAVE.services < SYNC_WAVE.workloads).toBe(true);
    // what only turns healthy with the workloads (Argo CD waits for a wave to be healthy) is never before them
    expect(SYNC_WAVES.PersistentVolumeClaim).toBe(SYNC_WAVE.workloads);
    expect(SYNC_WAVES.Ingress).toBe(SYNC_WAVE.workloads);
  });

  test('no hooks; the large rule and dashboard ConfigMaps are applied server-side', () => {
    expect(objects.filter((o) => o.metadata.annotations?.[ARGOCD_ANNOTATIONS.hook] !== undefined)).toEqual([]);
    const ssa = objects.filter((o) => o.metadata.annotations?.[ARGOCD_ANNOTATIONS.syncOptions] === 'ServerSideApply=true').map((o) => o.metadata.name);
    expect(ssa).toEqual(expect.arrayContaining(['prometheus-rules-0', 'grafana-dashboards-slos-0']));
  });

  test('objects added after construction get their wave too; a wave set on an object is kept', () => {
    const stack = new ObservabilityStack(Testing.app(), 'observability');
    const late = new ApiObject(stack, 'Late', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
    const pinned = new ApiObject(stack, 'Pinned', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pinned', annotations: { [ARGOCD_ANNOTATIONS.syncWave]: '-1' } } });
    void late;
    void pinned;
    const out = synthObjects(stack);
    expect(wave(out.find((o) => o.metadata.name === 'late')!)).toBe(SYNC_WAVE.config);
    expect(wave(out.find((o) => o.metadata.name === 'pinned')!)).toBe(-1);
    // synthesizing twice changes nothing
    expect(synthObjects(stack)).toEqual(out);
  });

  test('a kind without a wave goes with the workloads and synth warns once; syncWaves gives it one', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const stack = new ObservabilityStack(Testing.app(), 'observability');
      new ApiObject(stack, 'Custom', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
      new ApiObject(stack, 'Custom2', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2' } });
      expect(wave(synthObjects(stack).find((o) => o.kind === 'Widget')!)).toBe(SYNC_WAVE.workloads);
      expect(warn.mock.calls.map((c) => c[0])).toEqual([
        'observability/Custom: is a Widget, a kind without an Argo CD sync wave; it goes with the workloads (wave 4) (got "Widget"). Fix: give it a wave: argoCd: { syncWaves: { Widget: <wave> } }.',
      ]);
      const given = new ObservabilityStack(Testing.app(), 'observability', { argoCd: { syncWaves: { Widget: 2 } } });
      new ApiObject(given, 'Custom', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
      expect(wave(synthObjects(given).find((o) => o.kind === 'Widget')!)).toBe(2);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  test('argoCd: false writes no waves; a wave that is not a whole number fails synth', () => {
    expect(synth({ argoCd: false }).filter((o) => o.metadata.annotations?.[ARGOCD_ANNOTATIONS.syncWave] !== undefined)).toEqual([]);
    expect(() => new ObservabilityStack(new App(), 'observability', { argoCd: { syncWaves: { Widget: 1.5 } } })).toThrow(
      'observability.syncWaves.Widget: must be a whole number (Argo CD waves are integers, negative ones first) (got 1.5). Fix: use e.g. 2.',
    );
  });
});

describe('the Application', () => {
  function application(props: Partial<ConstructorParameters<typeof ArgoCdApplication>[2]> = {}): K8sObject {
    const chart = Testing.chart();
    new ArgoCdApplication(chart, 'Application', { repoUrl: 'https://github.com/example-org/observability-stack.git', path: 'dist/observability', ...props });
    return synthObjects(chart)[0];
  }

  test('a directory source, synced automatically, server-side, pruning last, valid against Argo CD\'s CRD (v3.5.1)', () => {
    const app = application();
    expect(app).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'observability', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://github.com/example-org/observability-stack.git', targetRevision: 'main', path: 'dist/observability' },
        destination: { server: 'https://kubernetes.default.svc' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true', 'PruneLast=true'] },
      },
    });
    expect(schemaErrors([app])).toEqual([]);
    const variant = application({ repoUrl: 'git@github.com:example-org/platform.git', recurse: true, automated: false, cascadeDelete: true, syncOptions: ['ServerSideApply=true'] });
    expect(variant.spec.source.directory).toEqual({ recurse: true });
    expect(variant.spec.syncPolicy.automated).toBeUndefined();
    expect((variant.metadata as { finalizers?: string[] }).finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(schemaErrors([variant])).toEqual([]);
  });

  test('the check is real: an unknown field fails the CRD schema', () => {
    const app = application();
    expect(schemaErrors([{ ...app, spec: { ...app.spec, source: { ...app.spec.source, repoUrl: 'x' } } }])[0]).toContain('.spec.source.repoUrl: is not a field of the CRD');
  });

  test.each<[string, object, string]>([
    ['a repository that is no URL', { repoUrl: 'github.com/example-org/x' }, 'test/Application.repoUrl: is not an http(s) URL (Argo CD clones it (an ssh URL is written git@host:org/repo.git)): it has no http:// or https:// scheme at character 1 (got "github.com/example-org/x"). Fix: give an absolute URL such as "https://github.com/example-org/observability-stack.git".'],
    ['a path leaving the repository', { path: '../secrets' }, 'test/Application.path: must be a folder of the repository, relative to its root, without ".." (got "../secrets"). Fix: write e.g. "dist/observability".'],
    ['a malformed sync option', { syncOptions: ['ServerSideApply'] }, 'test/Application.syncOptions[0]: is not an Argo CD sync option (`Name=value`) (got "ServerSideApply"). Fix: write e.g. "ServerSideApply=true".'],
  ])('%s fails with one clear line', (_what, props, message) => {
    expect(() => application(props)).toThrow(message);
  });
});

describe('the file-per-component layout', () => {
  function build(app: App) {
    new ObservabilityStack(app, 'observability', { services: SERVICES });
    new ArgoCdApplication(new Chart(app, 'argocd'), 'Application', { repoUrl: 'https://github.com/example-org/observability-stack.git', path: 'dist/observability' });
  }
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  function synthTo(layout: 'file-per-chart' | 'file-per-component'): string {
    const outdir = mkdtempSync(join(tmpdir(), 'obs-layout-'));
    dirs.push(outdir);
    const app = new ObservabilityApp({ outdir, layout });
    build(app);
    app.synth();
    return outdir;
  }

  test('one folder per chart, one file per component, holding exactly the objects of cdk8s\' own layout in its order', () => {
    const perChart = synthTo('file-per-chart');
    const perComponent = synthTo('file-per-component');
    expect(readdirSync(perComponent).sort()).toEqual(['argocd', 'observability']);
    expect(readdirSync(join(perComponent, 'argocd'))).toEqual(['application.k8s.yaml']);
    const files = readdirSync(join(perComponent, 'observability')).sort();
    expect(files).toEqual(['agent-namespace', 'alertmanager', 'blackbox-exporter', 'grafana', 'jaeger', 'kube-state-metrics', 'loki', 'namespace', 'network-policies', 'node-exporter', 'otel-agent', 'otel-gateway', 'prometheus'].map((f) => `${f}.k8s.yaml`));
    const chartDocs = Yaml.load(join(perChart, 'observability.k8s.yaml'));
    const componentDocs = files.flatMap((f) => Yaml.load(join(perComponent, 'observability', f)));
    const key = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(componentDocs.map(key).sort()).toEqual(chartDocs.map(key).sort());
    expect(componentDocs).toEqual(expect.arrayContaining(chartDocs));
    // within a file, cdk8s' order
    const prometheus = Yaml.load(join(perComponent, 'observability', 'prometheus.k8s.yaml')).map(key);
    expect(prometheus).toEqual(chartDocs.map(key).filter((k: string) => prometheus.includes(k)));
    // the objects of a component are in its file: the rule ConfigMaps with Prometheus, the SLO dashboards with Grafana
    expect(prometheus).toContain('ConfigMap/observability/prometheus-rules-0');
    expect(Yaml.load(join(perComponent, 'observability', 'grafana.k8s.yaml')).map(key)).toContain('ConfigMap/observability/grafana-dashboards-slos-0');
  });

  test('the committed dist/ is the default platform in this layout, and its Application deploys dist/observability', () => {
    const app = yaml.load(readFileSync(join(ROOT, 'dist/argocd/application.k8s.yaml'), 'utf8')) as K8sObject;
    expect(app.spec.source.path).toBe('dist/observability');
    expect(readdirSync(join(ROOT, 'dist/observability')).length).toBeGreaterThan(10);
    expect(schemaErrors([app])).toEqual([]);
  });

  test('file names are the components\' ids in kebab case', () => {
    expect(['OtelGateway', 'NetworkPolicies', 'Prometheus', 'KubeStateMetrics', 'Slos'].map(componentFileName)).toEqual(['otel-gateway', 'network-policies', 'prometheus', 'kube-state-metrics', 'slos']);
  });

  test('bad input still ends with one clear message (the checks cdk8s runs before writing)', () => {
    const app = new ObservabilityApp({ outdir: mkdtempSync(join(tmpdir(), 'obs-layout-')), layout: 'file-per-component' });
    dirs.push(app.outdir);
    const stack = new ObservabilityStack(app, 'observability', { alertmanager: { route: { receiver: 'oncall' } } });
    void stack;
    expect(() => app.synth()).toThrow(/^Validation failed with the following errors:\n {2}\[observability\/Alertmanager\] route\.receiver: names an unknown receiver/);
    // nothing written: every chart is serialized (and the app validated) before the first file
    expect(readdirSync(app.outdir)).toEqual([]);
  });

  test('objects of one kind and name in other namespaces go to their own components\' files', () => {
    const app = new ObservabilityApp({ outdir: mkdtempSync(join(tmpdir(), 'obs-layout-')), layout: 'file-per-component' });
    dirs.push(app.outdir);
    const chart = new Chart(app, 'platform', { namespace: 'observability' });
    const role = (scope: Construct, id: string, namespace?: string) =>
      new ApiObject(scope, id, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', ...(namespace ? { namespace } : {}) } });
    role(new Construct(chart, 'Agent'), 'Role', 'kube-system');
    role(new Construct(chart, 'Gateway'), 'Role');
    const other = new Construct(chart, 'Other');
    role(other, 'InDefault', 'default');
    role(other, 'InApps', 'apps');
    app.synth();
    const namespaces = (file: string) => Yaml.load(join(app.outdir, 'platform', file)).map((o: K8sObject) => o.metadata.namespace);
    expect(readdirSync(join(app.outdir, 'platform')).sort()).toEqual(['agent.k8s.yaml', 'gateway.k8s.yaml', 'other.k8s.yaml']);
    expect(namespaces('agent.k8s.yaml')).toEqual(['kube-system']);
    expect(namespaces('gateway.k8s.yaml')).toEqual(['observability']);
    expect(namespaces('other.k8s.yaml').sort()).toEqual(['apps', 'default']);
  });
});
