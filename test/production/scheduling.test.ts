import { Testing } from 'cdk8s';
import { ObservabilityStack } from '../../src';
import { ConfigError } from '../../src/common/errors';
import { findObject, objectsOfKind, synthObjects, K8sObject } from '../helpers/synth';

/** Scheduling goes through the one workload helper: every component takes it, and multi-replica ones get a PDB. */

const SCHEDULING = {
  nodeSelector: { pool: 'observability' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'observability', effect: 'NoSchedule' }],
  priorityClassName: 'observability-critical',
};

function podSpec(o: K8sObject): any {
  return o.spec.template.spec;
}

describe('scheduling on every component', () => {
  test('GIVEN scheduling on each component THEN each workload carries it, merged over its own placement', () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs', {
      prometheus: { scheduling: SCHEDULING },
      alertmanager: { scheduling: SCHEDULING },
      grafana: { scheduling: SCHEDULING },
      loki: { scheduling: SCHEDULING },
      jaeger: { scheduling: SCHEDULING },
      otelGateway: { scheduling: SCHEDULING },
      otelAgent: { scheduling: SCHEDULING },
      nodeExporter: { scheduling: SCHEDULING },
      kubeStateMetrics: { scheduling: SCHEDULING },
      blackboxExporter: { scheduling: SCHEDULING },
    });
    const workloads = synthObjects(stack).filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind));
    expect(workloads.length).toBeGreaterThanOrEqual(10);
    for (const w of workloads) {
      const spec = podSpec(w);
      expect({ name: w.metadata.name, pool: spec.nodeSelector?.pool, priority: spec.priorityClassName }).toEqual({ name: w.metadata.name, pool: 'observability', priority: 'observability-critical' });
      expect(spec.tolerations).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'dedicated' })]));
    }
    // The component's own placement stays: node-exporter still runs on Linux nodes and tolerates every taint.
    const nodeExporter = podSpec(findObject(workloads, 'DaemonSet', 'node-exporter'));
    expect(nodeExporter.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', pool: 'observability' });
    expect(nodeExporter.tolerations[0]).toEqual({ operator: 'Exists' });
  });

  test('GIVEN two replicas with required anti-affinity and zone spreading THEN hard anti-affinity, a zone constraint and a PDB', () => {
    const stack = new ObservabilityStack(Testing.app(), 'obs', {
      prometheus: { replicas: 2, scheduling: { podAntiAffinity: 'required', spreadOverZones: true } },
    });
    const objects = synthObjects(stack);
    const spec = podSpec(findObject(objects, 'StatefulSet', 'prometheus'));
    expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/name': 'prometheus' }) } },
    ]);
    expect(spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    const pdb = findObject(objects, 'PodDisruptionBudget', 'prometheus');
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } });
  });

  test('GIVEN the defaults THEN only the multi-replica collector gateway has a PDB, and no single replica gets anti-affinity', () => {
    const objects = synthObjects(new ObservabilityStack(Testing.app(), 'obs', { prometheus: { scheduling: { podAntiAffinity: 'required' } } }));
    expect(objectsOfKind(objects, 'PodDisruptionBudget').map((o) => o.metadata.name)).toEqual(['otel-gateway']);
    expect(podSpec(findObject(objects, 'StatefulSet', 'prometheus')).affinity).toBeUndefined();
  });

  test('GIVEN bad scheduling THEN synth fails naming each field', () => {
    const bad = () => new ObservabilityStack(Testing.app(), 'obs', {
      prometheus: { scheduling: { priorityClassName: 'Not_A_Name', podAntiAffinity: 'always' as any, maxUnavailable: 0, nodeSelector: { 'bad key!': 'x' } } },
    });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/Prometheus\.scheduling\.priorityClassName/);
    expect(bad).toThrow(/scheduling\.podAntiAffinity.*"always"/);
    expect(bad).toThrow(/scheduling\.maxUnavailable/);
    expect(bad).toThrow(/scheduling\.nodeSelector/);
  });
});
