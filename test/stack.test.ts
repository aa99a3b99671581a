import { App, Testing } from 'cdk8s';
import { ObservabilityStack, ObservabilityStackProps } from '../src/stack';
import { DEMO_SERVICES, ORDER_SERVICE } from '../src/slo';
import { VERSIONS } from '../src/versions';
import { schemaErrors } from './helpers/schema';
import { configFile, configFiles, findObject, K8sObject, objectsOfKind, parseYaml } from './helpers/synth';
import { amtool, promConfigWithLocalPaths, promtool, writeTree } from './helpers/tools';

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

function synthStack(props: ObservabilityStackProps = {}): K8sObject[] {
  const app = Testing.app();
  const stack = new ObservabilityStack(app, 'observability', props);
  return Testing.synth(stack) as K8sObject[];
}

function podSpecs(objects: readonly K8sObject[]): { obj: K8sObject; spec: any }[] {
  return objects.filter((o) => WORKLOAD_KINDS.includes(o.kind)).map((obj) => ({ obj, spec: obj.spec.template.spec }));
}

const DEFAULT_PLATFORM = { services: [ORDER_SERVICE, ...DEMO_SERVICES] };

describe('ObservabilityStack: the default platform', () => {
  const objects = synthStack(DEFAULT_PLATFORM);

  test('matches the committed snapshot (safety net; the targeted tests below say what matters)', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object validates against its Kubernetes schema', () => {
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('no two objects share kind, namespace and name', () => {
    const keys = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  test('every ConfigMap stays under the 1 MiB object limit and every label value is at most 63 characters', () => {
    for (const cm of objectsOfKind(objects, 'ConfigMap')) {
      expect(Buffer.byteLength(JSON.stringify(cm))).toBeLessThan(1024 * 1024);
    }
    const tooLong = objects.flatMap((o) =>
      Object.entries(o.metadata.labels ?? {}).filter(([, v]) => v.length > 63).map(([k, v]) => `${o.kind}/${o.metadata.name} ${k}=${v}`),
    );
    expect(tooLong).toEqual([]);
  });

  test('creates the two namespaces with the Pod Security levels their pods need', () => {
    expect(findObject(objects, 'Namespace', 'observability').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    expect(findObject(objects, 'Namespace', 'observability-agents').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('every pod in the observability namespace meets Pod Security "restricted"', () => {
    const restricted = podSpecs(objects).filter(({ obj }) => obj.metadata.namespace === 'observability');
    expect(restricted.map(({ obj }) => obj.metadata.name).sort()).toEqual(
      ['alertmanager', 'blackbox-exporter', 'grafana', 'jaeger', 'kube-state-metrics', 'loki', 'otel-gateway', 'prometheus'].sort(),
    );
    for (const { obj, spec } of restricted) {
      const where = `${obj.kind}/${obj.metadata.name}`;
      expect([where, spec.hostNetwork ?? false, spec.hostPID ?? false, spec.hostIPC ?? false]).toEqual([where, false, false, false]);
      expect([where, (spec.volumes ?? []).filter((v: any) => v.hostPath)]).toEqual([where, []]);
      expect([where, spec.securityContext.seccompProfile]).toEqual([where, { type: 'RuntimeDefault' }]);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect([where, c.name, c.securityContext]).toEqual([
          where,
          c.name,
          expect.objectContaining({
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: expect.objectContaining({ drop: ['ALL'] }),
            seccompProfile: { type: 'RuntimeDefault' },
          }),
        ]);
        expect([where, c.name, (c.ports ?? []).filter((p: any) => p.hostPort)]).toEqual([where, c.name, []]);
      }
    }
  });

  test('only node-level collectors run in the agents namespace, and only they use host access', () => {
    const agents = podSpecs(objects).filter(({ obj }) => obj.metadata.namespace === 'observability-agents');
    expect(agents.map(({ obj }) => `${obj.kind}/${obj.metadata.name}`).sort()).toEqual(['DaemonSet/node-exporter', 'DaemonSet/otel-agent']);
    for (const { spec } of agents) {
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      }
    }
  });

  test('every container has pinned images from the versions table, requests, a memory limit and probes', () => {
    const pinned = new Set(Object.values(VERSIONS).map((v) => `${v.repository}:${v.tag}`));
    for (const { obj, spec } of podSpecs(objects)) {
      for (const c of spec.containers) {
        const where = `${obj.kind}/${obj.metadata.name}/${c.name}`;
        expect([where, pinned.has(c.image)]).toEqual([where, true]);
        expect([where, c.resources.requests.cpu !== undefined, c.resources.requests.memory !== undefined, c.resources.limits.memory !== undefined]).toEqual([where, true, true, true]);
        expect([where, c.readinessProbe !== undefined, c.livenessProbe !== undefined]).toEqual([where, true, true]);
      }
    }
  });

  test('holds no secret value: no Secret objects, no plain env values that look like credentials', () => {
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
    const plainSecrets = podSpecs(objects).flatMap(({ spec }) =>
      spec.containers.flatMap((c: any) => (c.env ?? []).filter((e: any) => /PASSWORD|TOKEN|SECRET|API_KEY/i.test(e.name) && !/__FILE$/.test(e.name) && e.value !== undefined)),
    );
    expect(plainSecrets).toEqual([]);
  });

  test('wires components by reference: Prometheus → Alertmanager, Grafana → backends, gateway → backends', () => {
    const prom = parseYaml(configFile(objects, 'prometheus.yml'));
    expect(prom.alerting.alertmanagers[0].static_configs[0].targets).toEqual([
      'alertmanager-0.alertmanager-headless.observability.svc:9093',
    ]);
    const datasources = parseYaml(configFile(objects, 'datasources.yaml')).datasources;
    expect(Object.fromEntries(datasources.map((d: any) => [d.uid, d.url]))).toMatchObject({
      prometheus: 'http://prometheus.observability.svc:9090',
      loki: 'http://loki.observability.svc:3100',
      jaeger: 'http://jaeger.observability.svc:16686',
    });
    const gateway = parseYaml(configFiles(objects).get('otel-gateway-config/config.yaml')!);
    const exporters = JSON.stringify(gateway.exporters);
    expect(exporters).toContain('jaeger.observability.svc:4317');
    expect(exporters).toContain('http://loki.observability.svc:3100/otlp');
    expect(exporters).toContain('http://prometheus.observability.svc:9090/api/v1/otlp/v1/metrics');
  });

  test('Prometheus gets the platform alerts, the shared SLO rules and one SLO definitions file per service; Grafana the SLO dashboards', () => {
    const ruleFiles = [...configFiles(objects).keys()].filter((k) => k.endsWith('.rules.yml')).map((k) => k.split('/')[1]).sort();
    expect(ruleFiles).toContain('platform.rules.yml');
    expect(ruleFiles).toContain('slo.rules.yml');
    expect(ruleFiles.length).toBe(1 + 1 + 1 + DEMO_SERVICES.length);
    const dashboards = [...configFiles(objects).keys()].filter((k) => k.endsWith('.json'));
    expect(dashboards.length).toBe(1 /* service overview */ + 1 /* SLO overview */ + 1 /* templated SLO detail */);
    expect(dashboards.map((k) => k.split('/')[1]).sort()).toEqual(expect.arrayContaining(['obs-slo-detail.json', 'obs-slo-overview.json']));
  });

  test("with slo.dashboards 'per-service' Grafana gets the SLO overview and one SLO dashboard per service instead", () => {
    const perService = synthStack({ ...DEFAULT_PLATFORM, slo: { dashboards: 'per-service' } });
    const dashboards = [...configFiles(perService).keys()].filter((k) => k.endsWith('.json')).map((k) => k.split('/')[1]);
    expect(dashboards.length).toBe(1 /* service overview */ + 1 /* SLO overview */ + 1 + DEMO_SERVICES.length);
    expect(dashboards).not.toContain('obs-slo-detail.json');
    expect(dashboards).toContain('obs-slo-order-service.json');
    expect(schemaErrors(perService)).toEqual([]);
  });

  test('prometheus.yml and every rule file pass promtool check config', () => {
    const files = configFiles(objects);
    const rules = Object.fromEntries([...files].filter(([k]) => k.endsWith('.rules.yml')).map(([k, v]) => [`rules/${k.split('/')[1]}`, v]));
    const dir = writeTree(rules);
    const config = promConfigWithLocalPaths(configFile(objects, 'prometheus.yml'), dir);
    const withConfig = writeTree({ 'prometheus.yml': config });
    const r = promtool(['check', 'config', `${withConfig}/prometheus.yml`]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
    const checked = promtool(['check', 'rules', ...Object.keys(rules).map((f) => `${dir}/${f}`)]);
    expect(checked.status).toBe(0);
  });

  test('alertmanager.yml passes amtool check-config, including the SLO inhibition', () => {
    const text = configFile(objects, 'alertmanager.yml');
    const doc = parseYaml(text);
    expect(doc.inhibit_rules).toContainEqual({
      source_matchers: ['sloth_severity="page"'],
      target_matchers: ['sloth_severity="ticket"'],
      equal: ['sloth_id', 'service', 'slo'],
    });
    const dir = writeTree({ 'alertmanager.yml': text });
    const r = amtool(['check-config', `${dir}/alertmanager.yml`]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test('synthesis is deterministic: two runs give byte-identical YAML', () => {
    const render = () => {
      const app = new App();
      new ObservabilityStack(app, 'observability', DEFAULT_PLATFORM);
      return app.synthYaml();
    };
    expect(render()).toBe(render());
  });
});

describe('ObservabilityStack: composition', () => {
  test('with no props at all it is a working stack (no SLOs, seed alerts and dashboards only)', () => {
    const objects = synthStack();
    expect(schemaErrors(objects)).toEqual([]);
    for (const kindName of ['StatefulSet/prometheus', 'StatefulSet/alertmanager', 'Deployment/grafana', 'StatefulSet/loki', 'Deployment/jaeger', 'Deployment/otel-gateway', 'DaemonSet/otel-agent', 'DaemonSet/node-exporter', 'Deployment/kube-state-metrics', 'Deployment/blackbox-exporter']) {
      const [kind, name] = kindName.split('/');
      expect(findObject(objects, kind, name)).toBeDefined();
    }
    const rules = [...configFiles(objects).keys()].filter((k) => k.endsWith('.rules.yml'));
    expect(rules.map((k) => k.split('/')[1])).toEqual(['platform.rules.yml']);
  });

  test('a disabled component is left out and nothing points at it', () => {
    const objects = synthStack({ jaeger: false, alertmanager: false });
    expect(objects.some((o) => o.metadata.name === 'jaeger')).toBe(false);
    expect(objects.some((o) => o.metadata.name === 'alertmanager')).toBe(false);
    const prom = parseYaml(configFile(objects, 'prometheus.yml'));
    expect(prom.alerting).toBeUndefined();
    const gateway = parseYaml(configFiles(objects).get('otel-gateway-config/config.yaml')!);
    expect(Object.keys(gateway.service.pipelines).sort()).toEqual(['logs', 'metrics']);
    const datasources = parseYaml(configFile(objects, 'datasources.yaml')).datasources.map((d: any) => d.uid);
    expect(datasources).not.toContain('jaeger');
  });

  test('namespaces are configurable and every namespaced object follows', () => {
    const objects = synthStack({ namespace: 'monitoring', agentNamespace: 'monitoring-agents' });
    const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace' && !o.kind.startsWith('Cluster')).map((o) => o.metadata.namespace));
    expect([...namespaces].sort()).toEqual(['monitoring', 'monitoring-agents']);
  });

  test('a probe-based availability SLO without a probe URL fails synth naming the field and the fix', () => {
    expect(() =>
      synthStack({ services: [{ name: 'shop', slos: [{ name: 'availability', objective: 99.9, sli: { kind: 'availability', source: 'probe' } }] }] }),
    ).toThrow("services.shop.probeUrl: is required: the service has a probe-based availability SLO ('sli.source: probe') (got undefined). Fix: set 'probeUrl'");
  });

  test('a probe-based availability SLO gets a blackbox probe job with the service label', () => {
    const objects = synthStack({
      services: [{ name: 'shop', probeUrl: 'http://shop.shop.svc:8080/healthz', slos: [{ name: 'availability', objective: 99.9, sli: { kind: 'availability', source: 'probe' } }] }],
    });
    const job = parseYaml(configFile(objects, 'prometheus.yml')).scrape_configs.find((j: any) => j.job_name === 'slo-probes');
    expect(job).toMatchObject({ metrics_path: '/probe', params: { module: ['http_2xx'] } });
    expect(job.static_configs).toEqual([{ targets: ['http://shop.shop.svc:8080/healthz'], labels: { service: 'shop' } }]);
  });
});
