import * as kplus from 'cdk8s-plus-28';
import { Testing } from 'cdk8s';
import { ConfigError } from '../../src/common/errors';
import { ComponentIdentity } from '../../src/common/labels';
import { ByteSize } from '../../src/common/quantity';
import { stackService } from '../../src/common/service';
import {
  LINUX_NODES,
  SecureContainerSpec,
  TOLERATE_EVERY_TAINT,
  addVolumeSource,
  parseResources,
  secureDaemonSet,
  secureDeployment,
  secureStatefulSet,
  spreadOverNodes,
} from '../../src/common/workload';
import { VERSIONS } from '../../src/versions';
import { schemaErrors } from '../helpers/schema';
import { findObject, synthObjects } from '../helpers/synth';

/**
 * The secure workload helper carries every pod option components need as a field (scheduling, named volumes and
 * mounts, host access, strategy), so no component patches a pod spec.
 */

const ID: ComponentIdentity = { name: 'demo', instance: 'demo', component: 'test', version: VERSIONS.prometheus };

function container(extra: Partial<SecureContainerSpec> = {}): SecureContainerSpec {
  return {
    name: 'demo',
    image: VERSIONS.prometheus,
    resources: parseResources({ cpuRequest: '10m', memoryRequest: '16Mi' }, 'resources'),
    readiness: { path: '/', port: 8080 },
    liveness: { path: '/', port: 8080 },
    ...extra,
  };
}

describe('secure workload helper', () => {
  test('scheduling fields land on the pod spec, as the API writes them', () => {
    // GIVEN
    const chart = Testing.chart();
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['obs'] }] }] } } };
    // WHEN
    secureDeployment(chart, 'D', {
      identity: ID,
      namespace: 'ns',
      replicas: 2,
      containers: [container()],
      nodeSelector: LINUX_NODES,
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'observability', effect: 'NoSchedule' }],
      affinity,
      topologySpreadConstraints: [spreadOverNodes(ID)],
      priorityClassName: 'observability-critical',
    });
    const objects = synthObjects(chart);
    // THEN
    const pod = findObject(objects, 'Deployment', 'demo').spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'observability', effect: 'NoSchedule' }]);
    expect(pod.affinity).toEqual(affinity);
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/instance': 'demo' } } },
    ]);
    expect(pod.priorityClassName).toBe('observability-critical');
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('without scheduling fields the pod spec carries none of them', () => {
    const chart = Testing.chart();
    secureDeployment(chart, 'D', { identity: ID, namespace: 'ns', containers: [container()] });
    const pod = findObject(synthObjects(chart), 'Deployment', 'demo').spec.template.spec;
    for (const field of ['nodeSelector', 'tolerations', 'affinity', 'topologySpreadConstraints', 'priorityClassName', 'hostPID']) expect(pod).not.toHaveProperty(field);
  });

  test('node agents: host namespaces and every taint tolerated', () => {
    const chart = Testing.chart();
    secureDaemonSet(chart, 'A', { identity: ID, namespace: 'agents', containers: [container()], hostAccess: { hostNetwork: true, hostPID: true }, tolerations: TOLERATE_EVERY_TAINT });
    const pod = findObject(synthObjects(chart), 'DaemonSet', 'demo').spec.template.spec;
    expect([pod.hostNetwork, pod.hostPID, pod.dnsPolicy, pod.tolerations]).toEqual([true, true, 'ClusterFirstWithHostNet', [{ operator: 'Exists' }]]);
  });

  test('named volumes come first, are mounted by name after the other mounts, and take sources added later', () => {
    // GIVEN a StatefulSet with a ConfigMap mount, a claim and a named projected volume
    const chart = Testing.chart();
    const config = kplus.Volume.fromConfigMap(chart, 'Cfg', kplus.ConfigMap.fromConfigMapName(chart, 'CfgRef', 'demo-config'), { name: 'config' });
    const service = stackService(chart, 'Headless', { identity: ID, namespace: 'ns', name: 'demo-headless', headless: true, ports: [{ name: 'web', port: 8080 }] });
    const sts = secureStatefulSet(chart, 'S', {
      identity: ID,
      namespace: 'ns',
      service,
      claims: [{ name: 'data', mountPath: '/data', size: ByteSize.parse('1Gi', 'size') }],
      volumes: [{ name: 'rules', source: { projected: { sources: [] } } }],
      containers: [container({ mounts: [{ volume: config, path: '/etc/demo' }], claimMounts: ['data'], volumeMounts: [{ volume: 'rules', path: '/etc/rules' }] })],
    });
    // WHEN sources arrive after construction
    addVolumeSource(sts, 'rules', { configMap: { name: 'rules-0' } });
    addVolumeSource(sts, 'rules', { configMap: { name: 'rules-1' } });
    const objects = synthObjects(chart);
    // THEN
    const pod = findObject(objects, 'StatefulSet', 'demo').spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: 'rules', projected: { sources: [{ configMap: { name: 'rules-0' } }, { configMap: { name: 'rules-1' } }] } },
      { name: 'config', configMap: { name: 'demo-config' } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/demo', readOnly: true },
      { name: 'data', mountPath: '/data' },
      { name: 'rules', mountPath: '/etc/rules', readOnly: true },
    ]);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('a pod with only named volumes gets them as its whole volume list', () => {
    const chart = Testing.chart();
    secureDeployment(chart, 'D', {
      identity: ID,
      namespace: 'ns',
      volumes: [{ name: 'scratch', source: { emptyDir: {} } }],
      containers: [container({ volumeMounts: [{ volume: 'scratch', path: '/scratch', readOnly: false }] })],
    });
    const pod = findObject(synthObjects(chart), 'Deployment', 'demo').spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'scratch', emptyDir: {} }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'scratch', mountPath: '/scratch', readOnly: false }]);
  });

  test('a mount of an undeclared volume or claim is a ConfigError naming the container', () => {
    expect(() => secureDeployment(Testing.chart(), 'D', { identity: ID, namespace: 'ns', containers: [container({ volumeMounts: [{ volume: 'nope', path: '/x' }] })] })).toThrow(
      new ConfigError({ path: 'test.containers.demo.volumeMounts', message: 'names a volume the pod does not declare', value: 'nope', fix: 'declare it in volumes.' }).message,
    );
    const chart = Testing.chart();
    const service = stackService(chart, 'H', { identity: ID, namespace: 'ns', name: 'demo-headless', headless: true, ports: [] });
    expect(() => secureStatefulSet(chart, 'S', { identity: ID, namespace: 'ns', service, containers: [container({ claimMounts: ['data'] })] })).toThrow(/test\.containers\.demo\.claimMounts: names a claim template that does not exist \(got "data"\)/);
  });

  test('the Recreate strategy for pods holding a ReadWriteOnce volume', () => {
    const chart = Testing.chart();
    secureDeployment(chart, 'D', { identity: ID, namespace: 'ns', containers: [container()], strategy: 'Recreate' });
    expect(findObject(synthObjects(chart), 'Deployment', 'demo').spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('resources are parsed once: the memory limit defaults to the request, CPU in millicores', () => {
    const r = parseResources({ cpuRequest: '0.5', memoryRequest: '1Gi' }, 'r');
    expect([r.cpuRequestMillis, r.cpuLimitMillis, r.memoryRequest.bytes, r.memoryLimit.bytes]).toEqual([500, undefined, 2 ** 30, 2 ** 30]);
    expect(() => parseResources({ cpuRequest: '1', memoryRequest: '1G' }, 'r')).toThrow(/^r\.memoryRequest: must be a whole number of KiB/);
  });
});
