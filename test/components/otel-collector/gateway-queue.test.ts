import { Testing } from 'cdk8s';
import { ObservabilityStack } from '../../../src';
import { OtelCollectorGateway, OtelCollectorGatewayProps } from '../../../src/components/otel-collector/gateway';
import { schemaErrors } from '../../helpers/schema';
import { configFile, containersOf, findObject, parseYaml, synthObjects } from '../../helpers/synth';
import { upstreamProgramProblems } from '../../helpers/upstream';
import { JAEGER, LOKI, PROMETHEUS } from './fixtures';

/** The gateway's persistent queue: on a PersistentVolumeClaim per replica (a StatefulSet) by default, or an emptyDir. */

function synthGateway(props: Partial<OtelCollectorGatewayProps>) {
  const chart = Testing.chart();
  const gateway = new OtelCollectorGateway(chart, 'Gateway', { jaeger: JAEGER, loki: LOKI, prometheus: PROMETHEUS, ...props });
  const objects = synthObjects(chart);
  const config = parseYaml(configFile(objects, 'config.yaml'));
  return { gateway, objects, config };
}

describe('OtelCollectorGateway persistentQueue on a claim (the default)', () => {
  const { gateway, objects, config } = synthGateway({ persistentQueue: true, queueVolumeSize: '5Gi', queueStorageClassName: 'fast-ssd' });
  const set = findObject(objects, 'StatefulSet', 'otel-gateway');

  test('a StatefulSet with its headless governing Service, the ClusterIP Service for the agents kept, a PDB; all schema-valid', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/otel-gateway-config',
      'PodDisruptionBudget/otel-gateway',
      'Service/otel-gateway',
      'Service/otel-gateway-headless',
      'StatefulSet/otel-gateway',
    ]);
    expect(schemaErrors(objects)).toEqual([]);
    expect(set.spec.serviceName).toBe('otel-gateway-headless');
    expect(set.spec.replicas).toBe(2);
    expect(findObject(objects, 'Service', 'otel-gateway-headless').spec.clusterIP).toBe('None');
    expect(findObject(objects, 'Service', 'otel-gateway').spec.clusterIP).toBeUndefined();
    for (const name of ['otel-gateway', 'otel-gateway-headless']) expect(findObject(objects, 'Service', name).spec.selector).toEqual(set.spec.selector.matchLabels);
    expect(findObject(objects, 'PodDisruptionBudget', 'otel-gateway').spec.selector.matchLabels).toEqual(set.spec.selector.matchLabels);
    expect(gateway.workload).toBe(gateway.statefulSet);
    expect(gateway.deployment).toBeUndefined();
    expect(gateway.headlessService).toBeDefined();
  });

  test('one claim per replica of queueVolumeSize and the StorageClass, mounted read-write at the queue dir, no emptyDir', () => {
    expect(set.spec.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'queue', labels: set.spec.selector.matchLabels },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '5Gi' } } },
      },
    ]);
    const [container] = containersOf(set);
    expect(container.volumeMounts).toContainEqual({ name: 'queue', mountPath: '/var/lib/otelcol/queue' });
    expect(set.spec.template.spec.volumes.some((v: any) => v.emptyDir)).toBe(false);
  });

  test('the file_storage directory and its compaction directory are the claim mount', () => {
    const [container] = containersOf(set);
    const mount = container.volumeMounts.find((m: any) => m.name === 'queue').mountPath;
    expect(config.extensions['file_storage/queue'].directory).toBe(mount);
    expect(config.extensions['file_storage/queue'].compaction.directory).toBe(mount);
  });
});

describe("OtelCollectorGateway persistentQueue with queueVolume: 'emptyDir'", () => {
  test('a Deployment with the queue on an emptyDir of queueVolumeSize, the file_storage directory on it; schema-valid', () => {
    const { gateway, objects, config } = synthGateway({ persistentQueue: true, queueVolume: 'emptyDir', queueVolumeSize: '1Gi' });
    expect(objects.map((o) => o.kind)).not.toContain('StatefulSet');
    expect(schemaErrors(objects)).toEqual([]);
    const d = findObject(objects, 'Deployment', 'otel-gateway');
    expect(d.spec.template.spec.volumes).toContainEqual({ name: 'queue', emptyDir: { sizeLimit: '1024Mi' } });
    expect(containersOf(d)[0].volumeMounts).toContainEqual({ name: 'queue', mountPath: '/var/lib/otelcol/queue', readOnly: false });
    expect(config.extensions['file_storage/queue'].directory).toBe('/var/lib/otelcol/queue');
    expect(gateway.workload).toBe(gateway.deployment);
    expect(gateway.statefulSet).toBeUndefined();
  });

  test('without persistentQueue it stays a Deployment without a queue volume', () => {
    const { objects } = synthGateway({});
    expect(findObject(objects, 'Deployment', 'otel-gateway').spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['config']);
  });
});

describe('bad queue volume input', () => {
  test.each([
    [{ persistentQueue: true, queueVolume: 'disk' as any }, /Gateway\.queueVolume: is not a queue volume.*\(got "disk"\)/],
    [{ persistentQueue: true, queueVolume: 'emptyDir' as const, queueStorageClassName: 'fast' }, /Gateway\.queueStorageClassName: only applies with queueVolume: 'claim'/],
    [{ persistentQueue: true, queueStorageClassName: 'Fast_SSD' }, /Gateway\.queueStorageClassName: /],
    [{ queueVolume: 'claim' as const }, /Gateway\.queueVolume: only applies with persistentQueue: true/],
  ])('%j fails naming the field', (props, message) => {
    expect(() => synthGateway(props)).toThrow(message);
  });
});

test('in the stack: otelcol validate accepts the claim-backed gateway config, and the network policy selects its pods', () => {
  const objects = synthObjects(new ObservabilityStack(Testing.app(), 'observability', { otelGateway: { persistentQueue: true } }));
  const set = findObject(objects, 'StatefulSet', 'otel-gateway');
  expect(upstreamProgramProblems(objects)).toEqual([]);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && JSON.stringify(o.spec.podSelector) === JSON.stringify({ matchLabels: set.spec.selector.matchLabels }));
  expect(policies.length).toBeGreaterThan(0);
});
