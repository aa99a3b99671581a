import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { JaegerStorage, ObservabilityStack, ObservabilityStackProps } from '../../src';
import { manifestProblems, upstreamCheckerProblems } from '../helpers/artifacts';
import { upstreamProgramProblems } from '../helpers/upstream';
import { K8sObject, configFile, findObject, objectsOfKind, synthObjects } from '../helpers/synth';

/** The production profile: nothing stateful alone, nothing lost on a restart, spread and budgeted, sized. */

const SERVICES = Array.from({ length: 120 }, (_, i) => ({ name: `svc-${String(i).padStart(3, '0')}`, class: 'LOW' }));

function synth(props: ObservabilityStackProps = {}): { stack: ObservabilityStack; objects: K8sObject[] } {
  const stack = new ObservabilityStack(Testing.app(), 'obs', { services: SERVICES, production: true, ...props });
  return { stack, objects: synthObjects(stack) };
}

const WORKLOADS = ['Deployment', 'StatefulSet'];

describe('production profile', () => {
  const { stack, objects } = synth();
  const workload = (kind: string, name: string) => findObject(objects, kind, name);

  test('no stateful component runs alone, except the ones the issue allows (Loki, Jaeger Badger, Grafana on a volume)', () => {
    expect(workload('StatefulSet', 'prometheus').spec.replicas).toBe(2);
    expect(workload('StatefulSet', 'alertmanager').spec.replicas).toBe(3);
    expect(workload('StatefulSet', 'otel-gateway').spec.replicas).toBeGreaterThanOrEqual(2);
  });

  test('every multi-replica workload has a PDB of maxUnavailable 1, hard anti-affinity over nodes and zone spreading', () => {
    const multi = objects.filter((o) => WORKLOADS.includes(o.kind) && o.spec.replicas > 1);
    expect(multi.map((o) => o.metadata.name).sort()).toEqual(['alertmanager', 'otel-gateway', 'prometheus']);
    const pdbs = objectsOfKind(objects, 'PodDisruptionBudget');
    for (const w of multi) {
      const pdb = pdbs.find((p) => p.metadata.name === w.metadata.name);
      expect(pdb?.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: w.spec.selector.matchLabels } });
      const pod = w.spec.template.spec;
      expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]).toMatchObject({ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: w.spec.selector.matchLabels } });
      expect(pod.topologySpreadConstraints.map((t: any) => t.topologyKey)).toContain('topology.kubernetes.io/zone');
    }
  });

  test('nothing is lost on a pod restart: every stateful store is on a volume, the queues on disk, the agent checkpoints on the host', () => {
    for (const name of ['prometheus', 'alertmanager', 'loki', 'jaeger', 'otel-gateway']) {
      expect({ name, claims: workload('StatefulSet', name).spec.volumeClaimTemplates?.length ?? 0 }).toEqual({ name, claims: 1 });
    }
    const grafana = workload('Deployment', 'grafana').spec.template.spec;
    expect(grafana.volumes.some((v: any) => v.persistentVolumeClaim)).toBe(true);
    const gateway = yaml.load(findObject(objects, 'ConfigMap', 'otel-gateway-config').data['config.yaml']) as any;
    expect(gateway.service.extensions).toContain('file_storage/queue');
    for (const [id, e] of Object.entries<any>(gateway.exporters)) {
      expect({ id, storage: e.sending_queue?.storage, retry: e.retry_on_failure?.enabled }).toEqual({ id, storage: 'file_storage/queue', retry: true });
    }
    expect(gateway.processors.memory_limiter).toBeDefined();
    const gatewayEnv = workload('StatefulSet', 'otel-gateway').spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(gatewayEnv).toContain('GOMEMLIMIT');
    const agent = yaml.load(findObject(objects, 'ConfigMap', 'otel-agent-config').data['config.yaml']) as any;
    expect(agent.receivers.filelog.storage).toBe('file_storage');
  });

  test('each Prometheus replica receives every OTLP metric: one exporter per pod, both in the metrics pipeline', () => {
    const gateway = yaml.load(findObject(objects, 'ConfigMap', 'otel-gateway-config').data['config.yaml']) as any;
    expect(gateway.service.pipelines.metrics.exporters).toEqual(['otlphttp/prometheus-0', 'otlphttp/prometheus-1']);
    expect(gateway.exporters['otlphttp/prometheus-1'].metrics_endpoint).toBe('http://prometheus-1.prometheus-headless.observability.svc:9090/api/v1/otlp/v1/metrics');
  });

  test('the replicas differ by a replica external label from the pod name, dropped before alerts leave', () => {
    const prom = yaml.load(configFile(objects, 'prometheus.yml')) as any;
    expect(prom.global.external_labels).toEqual({ prometheus_replica: '${POD_NAME}' });
    expect(prom.alerting.alert_relabel_configs).toEqual([{ action: 'labeldrop', regex: 'prometheus_replica' }]);
    const env = workload('StatefulSet', 'prometheus').spec.template.spec.containers[0].env;
    expect(env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
  });

  test('resources and volumes follow the sizing', () => {
    const s = stack.sizing!;
    const prom = workload('StatefulSet', 'prometheus');
    expect(prom.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${s.prometheus.volumeGiB}Gi`);
    expect(prom.spec.template.spec.containers[0].resources.requests.memory).toBe(`${s.prometheus.memoryRequestMiB}Mi`);
    expect(prom.spec.template.spec.containers[0].args).toContain(`--storage.tsdb.retention.size=${Math.floor(s.prometheus.volumeGiB! * 0.85)}GB`);
    expect(workload('StatefulSet', 'loki').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${s.loki.volumeGiB}Gi`);
    expect(workload('StatefulSet', 'jaeger').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${s.jaeger.volumeGiB}Gi`);
    // The gateway's queue claim holds a 1h backend outage.
    const queue = workload('StatefulSet', 'otel-gateway').spec.volumeClaimTemplates[0];
    expect(queue.metadata.name).toBe('queue');
    expect(queue.spec.resources.requests.storage).toBe(`${s.gateway.volumeGiB}Gi`);
    expect(stack.sizingReport).toContain(`| collector gateway (volume: sending queue) | ${s.gateway.replicas} |`);
    expect(stack.sizingReport).toMatch(/Jaeger runs 1 replica: Badger keeps the spans on one pod's disk/);
    expect(workload('StatefulSet', 'otel-gateway').spec.replicas).toBe(s.gateway.replicas);
    expect(stack.sizingReport).toMatch(/^# Capacity sizing/);
  });

  test('the manifests pass the schema checks, and promtool check config/rules and amtool check-config accept the configs', () => {
    expect(manifestProblems(objects)).toEqual([]);
    expect(upstreamCheckerProblems(objects)).toEqual([]);
  });

  test('otelcol validate accepts the gateway (file_storage queues, one exporter per replica) and the agent; jaeger validate accepts Badger', () => {
    expect(upstreamProgramProblems(objects)).toEqual([]);
  });

  test('GIVEN explicit component props THEN they win over the profile, field by field', () => {
    const { objects: o } = synth({ prometheus: { replicas: 3, scheduling: { podAntiAffinity: 'preferred' } }, alertmanager: { replicas: 5 } });
    const prom = findObject(o, 'StatefulSet', 'prometheus');
    expect(prom.spec.replicas).toBe(3);
    expect(prom.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toBeDefined();
    // The profile's zone spreading stays under the override.
    expect(prom.spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toContain('topology.kubernetes.io/zone');
    expect(findObject(o, 'StatefulSet', 'alertmanager').spec.replicas).toBe(5);
  });

  test('GIVEN priorityClassName THEN every pod carries it, node agents included', () => {
    const { objects: o } = synth({ production: { priorityClassName: 'observability' } });
    for (const w of o.filter((x) => [...WORKLOADS, 'DaemonSet'].includes(x.kind))) {
      expect({ name: w.metadata.name, p: w.spec.template.spec.priorityClassName }).toEqual({ name: w.metadata.name, p: 'observability' });
    }
  });

  test('GIVEN bad profile input THEN synth fails naming the field', () => {
    expect(() => synth({ production: { priorityClassName: 'Bad_Name' } })).toThrow(/obs\.production\.priorityClassName: .*\(got "Bad_Name"\)/);
    expect(() => synth({ production: { sizing: { defaultLoad: { pods: -1 } } } })).toThrow(/obs\.production\.sizing\.defaultLoad\.pods/);
  });
});

describe('Jaeger on OpenSearch under the profile', () => {
  const storage = JaegerStorage.opensearch({ serverUrls: ['https://opensearch.search.svc:9200'], secretName: 'jaeger-os', username: 'jaeger', caKey: 'ca.crt' });
  const { stack, objects } = synth({ jaeger: { storage } });

  test('2 replicas with hard anti-affinity, zone spreading and a PDB; no Badger volume', () => {
    const j = findObject(objects, 'Deployment', 'jaeger');
    expect(j.spec.replicas).toBe(2);
    expect(j.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(j.spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toContain('topology.kubernetes.io/zone');
    expect(findObject(objects, 'PodDisruptionBudget', 'jaeger').spec.maxUnavailable).toBe(1);
    expect(objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'jaeger')).toBe(false);
    expect(stack.sizing!.jaeger).toMatchObject({ replicas: 2 });
    expect(stack.sizing!.jaeger.volumeGiB).toBeUndefined();
    expect(stack.sizingReport).toContain('| Jaeger (Elasticsearch/OpenSearch) | 2 |');
  });

  test('an explicit jaeger.replicas still wins', () => {
    expect(findObject(synth({ jaeger: { storage, replicas: 3 } }).objects, 'Deployment', 'jaeger').spec.replicas).toBe(3);
  });

  test('jaeger validate accepts the OpenSearch config', () => {
    expect(upstreamProgramProblems(objects)).toEqual([]);
  });
});

describe('the gateway queue on an emptyDir under the profile (clusters without storage)', () => {
  test("otelGateway.queueVolume: 'emptyDir' wins: a Deployment with the queue on an emptyDir", () => {
    const { objects } = synth({ otelGateway: { queueVolume: 'emptyDir' } });
    const d = findObject(objects, 'Deployment', 'otel-gateway');
    expect(d.spec.template.spec.volumes).toContainEqual(expect.objectContaining({ name: 'queue', emptyDir: expect.anything() }));
  });
});

describe('Grafana on an external database', () => {
  const database = { type: 'postgres' as const, host: 'grafana-db.example.com:5432', name: 'grafana', credentialsSecretName: 'grafana-db' };

  test('GIVEN the profile and a database THEN two replicas read the credentials and the shared secret_key from Secrets as files, and may reach the database', () => {
    const { objects } = synth({ grafana: { database } });
    const d = findObject(objects, 'Deployment', 'grafana');
    expect(d.spec.replicas).toBe(2);
    const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      GF_DATABASE_TYPE: 'postgres',
      GF_DATABASE_HOST: 'grafana-db.example.com:5432',
      GF_DATABASE_NAME: 'grafana',
      GF_DATABASE_USER__FILE: '/etc/grafana/secrets/database/user',
      GF_DATABASE_PASSWORD__FILE: '/etc/grafana/secrets/database/password',
      GF_DATABASE_SSL_MODE: 'require',
      GF_SECURITY_SECRET_KEY__FILE: '/etc/grafana/secrets/secret-key/secret-key',
    });
    expect(JSON.stringify(d)).not.toMatch(/GF_DATABASE_PASSWORD"/);
    const secrets = d.spec.template.spec.volumes.filter((v: any) => v.secret).map((v: any) => v.secret.secretName);
    expect(secrets).toEqual(expect.arrayContaining(['grafana-db', 'grafana-secret-key']));
    expect(findObject(objects, 'PodDisruptionBudget', 'grafana').spec.maxUnavailable).toBe(1);
    const policy = findObject(objects, 'NetworkPolicy', 'grafana');
    expect(JSON.stringify(policy.spec.egress)).toContain('5432');
  });

  test('GIVEN two replicas without a database or a shared key THEN synth fails naming both', () => {
    const bad = () => new ObservabilityStack(Testing.app(), 'obs', { grafana: { replicas: 2 } });
    expect(bad).toThrow(/Grafana\.replicas: needs an external database/);
    expect(bad).toThrow(/Grafana\.secretKeySecretName: is required with more than one replica/);
  });
});

describe('the profile in operator mode', () => {
  test('GIVEN prometheusOperator THEN the profile leaves Prometheus and Alertmanager to the operator and hardens the rest', () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs', { services: SERVICES.slice(0, 4), production: true, prometheusOperator: {} });
    const o = synthObjects(stack);
    expect(o.some((x) => x.kind === 'StatefulSet' && x.metadata.name === 'prometheus')).toBe(false);
    expect(findObject(o, 'StatefulSet', 'jaeger').spec.volumeClaimTemplates).toHaveLength(1);
    expect(findObject(o, 'PodDisruptionBudget', 'otel-gateway').spec.maxUnavailable).toBe(1);
    expect(o.some((x) => x.kind === 'PrometheusRule')).toBe(true);
  });
});
