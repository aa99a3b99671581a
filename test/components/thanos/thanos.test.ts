import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { ObservabilityStack } from '../../../src/stack';
import { schemaErrors } from '../../helpers/schema';
import { configFile, containersOf, findObject, K8sObject } from '../../helpers/synth';

/**
 * Thanos (issue 15): a sidecar in each Prometheus pod, Query de-duplicating by the replica label, Store Gateway and
 * Compactor on object storage from a Secret; Grafana reads Query. The generated flags are run by the real thanos
 * binary in thanos.live.test.ts.
 */

const stackObjects = () =>
  Testing.synth(new ObservabilityStack(Testing.app(), 'observability', { prometheus: { replicas: 2 }, thanos: { objectStorageSecret: 'thanos-objstore' } })) as K8sObject[];

describe('Thanos in the stack', () => {
  test('each Prometheus pod runs the sidecar on the same data claim; Prometheus keeps 2h blocks and a replica label', () => {
    const objects = stackObjects();
    const sts = findObject(objects, 'StatefulSet', 'prometheus');
    const [prom, sidecar] = containersOf(sts);
    expect(sidecar.name).toBe('thanos-sidecar');
    expect(sidecar.image).toBe('quay.io/thanos/thanos:v0.40.1');
    expect(sidecar.args).toEqual([
      'sidecar',
      '--tsdb.path=/prometheus',
      '--prometheus.url=http://localhost:9090',
      '--objstore.config-file=/etc/thanos/objstore/objstore.yml',
      '--grpc-address=0.0.0.0:10901',
      '--http-address=0.0.0.0:10902',
    ]);
    expect(sidecar.volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(['/etc/thanos/objstore', '/prometheus']);
    expect(prom.args).toEqual(expect.arrayContaining(['--storage.tsdb.min-block-duration=2h', '--storage.tsdb.max-block-duration=2h']));
    expect(prom.env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    const doc = yaml.load(configFile(objects, 'prometheus.yml')) as any;
    expect(doc.global.external_labels).toEqual({ prometheus_replica: '${POD_NAME}' });
    // AND alerts leave without it, so Alertmanager de-duplicates the pair
    expect(doc.alerting.alert_relabel_configs).toEqual([{ action: 'labeldrop', regex: 'prometheus_replica' }]);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('Query de-duplicates by the Prometheus replica label over the sidecars and the Store Gateways; Grafana reads Query', () => {
    const objects = stackObjects();
    const [query] = containersOf(findObject(objects, 'Deployment', 'thanos-query'));
    expect(query.args).toContain('--query.replica-label=prometheus_replica');
    const sd = JSON.parse(query.args.find((a: string) => a.startsWith('--endpoint.sd-config=')).slice('--endpoint.sd-config='.length));
    expect(sd).toEqual({ endpoints: [{ address: 'dns+prometheus-headless.observability.svc:10901' }, { address: 'dns+thanos-store.observability.svc:10901' }] });
    const datasources = objects.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret').map((o) => JSON.stringify(o.data ?? o.stringData ?? {})).join('\n');
    expect(datasources).toContain('http://thanos-query.observability.svc:10902');
    const [compactor] = containersOf(findObject(objects, 'StatefulSet', 'thanos-compactor'));
    expect(compactor.args).toEqual(expect.arrayContaining(['--wait', '--deduplication.replica-label=prometheus_replica', '--deduplication.func=penalty', '--retention.resolution-raw=30d']));
    expect(findObject(objects, 'StatefulSet', 'thanos-compactor').spec.replicas).toBe(1);
  });

  test('NetworkPolicies: Query reaches the sidecars and Store Gateways on gRPC, Grafana reaches Query, the bucket is reachable', () => {
    const objects = stackObjects();
    const policy = (name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name)!;
    expect(JSON.stringify(policy('prometheus').spec.ingress)).toContain('"app.kubernetes.io/instance":"thanos-query"');
    expect(JSON.stringify(policy('thanos-store').spec.ingress)).toContain('"port":10901');
    expect(JSON.stringify(policy('thanos-query').spec.ingress)).toContain('"app.kubernetes.io/instance":"grafana"');
    expect(JSON.stringify(policy('thanos-compactor').spec.egress)).toContain('"port":443');
    expect(JSON.stringify(policy('prometheus').spec.egress)).toContain('"port":443');
  });

  test('a bad Secret name fails synth', () => {
    expect(() => new ObservabilityStack(Testing.app(), 'observability', { thanos: { objectStorageSecret: 'Bad_Name' } })).toThrow(/thanos\.objectStorageSecret/);
  });
});
