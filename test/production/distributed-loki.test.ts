import { Testing } from 'cdk8s';
import { ObservabilityStack } from '../../src';
import { K8sObject, objectsOfKind, synthObjects } from '../helpers/synth';

/** The production profile with the distributed Loki: Loki runs no part alone (but the compactor) and is spread and budgeted. */

const SERVICES = Array.from({ length: 20 }, (_, i) => ({ name: `svc-${i}`, class: 'LOW' }));
const LOKI = { storage: { type: 's3' as const, bucket: 'logs', region: 'eu-west-1', secretName: 'loki-s3' } };

describe('production profile with lokiDistributed', () => {
  const objects: K8sObject[] = synthObjects(new ObservabilityStack(Testing.app(), 'obs', { services: SERVICES, production: true, lokiDistributed: LOKI }));
  const lokiParts = objects.filter((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name.startsWith('loki-'));

  test('is accepted: the profile sizes no single-binary Loki and there is none', () => {
    expect(lokiParts.map((o) => o.metadata.name).sort()).toEqual(['loki-compactor', 'loki-distributor', 'loki-ingester', 'loki-querier', 'loki-query-frontend']);
    expect(objects.find((o) => o.metadata.name === 'loki')).toBeUndefined();
  });

  test('every multi-replica part has hard anti-affinity over nodes, zone spreading and a PodDisruptionBudget of 1', () => {
    const pdbs = objectsOfKind(objects, 'PodDisruptionBudget');
    for (const w of lokiParts.filter((o) => o.spec.replicas > 1)) {
      const pod = w.spec.template.spec;
      expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]).toMatchObject({ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: w.spec.selector.matchLabels } });
      expect(pod.topologySpreadConstraints.map((t: any) => t.topologyKey)).toContain('topology.kubernetes.io/zone');
      expect(pdbs.find((p) => p.metadata.name === w.metadata.name)?.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: w.spec.selector.matchLabels } });
    }
    // AND the one compactor is alone on purpose (two would compact and delete the same tables)
    expect(lokiParts.find((o) => o.metadata.name === 'loki-compactor')!.spec.replicas).toBe(1);
  });
});
