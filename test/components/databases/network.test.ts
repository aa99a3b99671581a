import { Testing } from 'cdk8s';
import { NetworkPeer } from '../../../src/network';
import { ObservabilityStack } from '../../../src/stack';
import { Cluster, Endpoint, podsOf } from '../../helpers/network-policy';
import { K8sObject } from '../../helpers/synth';

/**
 * The database exporters under the stack's NetworkPolicies, evaluated with NetworkPolicy semantics
 * (test/helpers/network-policy.ts): Prometheus reaches each exporter's metrics port and nobody else does; each
 * exporter reaches its database on the database's port only — at the peers it names (`databasePeers`), else at any
 * pod or address — with ipBlocks matching pod addresses (Calico) and not (Cilium).
 */

const objects = Testing.synth(
  new ObservabilityStack(Testing.app(), 'observability', {
    databases: [
      { kind: 'postgres', name: 'orders-db', host: 'orders-db.shop.svc', credentials: { secretName: 's' }, databasePeers: [NetworkPeer.namespace('shop', { 'app.kubernetes.io/name': 'orders-db' })] },
      { kind: 'redis', name: 'cache', host: 'cache.shop.svc' },
      { kind: 'mysql', name: 'billing-db', host: 'billing-db.example.internal', credentials: { secretName: 's' }, databasePeers: [NetworkPeer.cidr('10.40.0.0/24')] },
    ],
  }),
) as K8sObject[];

let n = 10;
const stackPods = podsOf(objects, () => `10.244.1.${n++}`, '192.168.0.10');
const pod = (id: string, labels: Record<string, string>, port: number): Endpoint => ({
  id,
  ip: `10.244.2.${n++}`,
  namespace: id.split('/')[0],
  labels,
  ports: [{ name: 'p', port, protocol: 'TCP' }],
});
const ordersDb = pod('shop/orders-db', { 'app.kubernetes.io/name': 'orders-db' }, 5432);
const storefront = pod('shop/storefront', { 'app.kubernetes.io/name': 'storefront' }, 5432);
const cache = pod('shop/cache', { 'app.kubernetes.io/name': 'cache' }, 6379);
const managedDb: Endpoint = { id: 'billing-db.example.internal', ip: '10.40.0.7' };
const elsewhere: Endpoint = { id: 'somewhere', ip: '203.0.113.9' };
const namespaceLabels = new Map<string, Record<string, string>>([['shop', { 'kubernetes.io/metadata.name': 'shop' }]]);
for (const o of objects.filter((x) => x.kind === 'Namespace')) namespaceLabels.set(o.metadata.name, { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name });

function byId(id: string): Endpoint {
  return stackPods.find((p) => p.id === id)!;
}

describe.each([true, false])('with ipBlocks matching pods: %s', (ipBlockMatchesPods) => {
  const cluster = new Cluster(objects, namespaceLabels, { ipBlockMatchesPods });
  const prometheus = byId('StatefulSet/prometheus');
  const grafana = byId('Deployment/grafana');
  const pg = byId('Deployment/orders-db-exporter');
  const redis = byId('Deployment/cache-exporter');
  const mysql = byId('Deployment/billing-db-exporter');

  test.each([
    ['Prometheus scrapes postgres_exporter', prometheus, pg, 9187, true],
    ['Prometheus scrapes redis_exporter', prometheus, redis, 9121, true],
    ['Prometheus scrapes mysqld_exporter', prometheus, mysql, 9104, true],
    ['an application cannot read the exporter', storefront, pg, 9187, false],
    ['Grafana cannot read the exporter directly', grafana, pg, 9187, false],
    ['postgres_exporter reaches the database it names', pg, ordersDb, 5432, true],
    ['postgres_exporter reaches no other pod on 5432', pg, storefront, 5432, false],
    ['postgres_exporter reaches its database on no other port', pg, ordersDb, 22, false],
    ['postgres_exporter reaches no address outside', pg, elsewhere, 5432, false],
    ['redis_exporter (no databasePeers) reaches its database at any pod on 6379', redis, cache, 6379, true],
    ['redis_exporter reaches no pod on another port', redis, ordersDb, 5432, false],
    ['mysqld_exporter reaches the managed database\'s subnet on 3306', mysql, managedDb, 3306, true],
    ['mysqld_exporter reaches nothing else on 3306', mysql, elsewhere, 3306, false],
    ['an exporter cannot reach Prometheus', pg, prometheus, 9090, false],
  ] as const)('%s', (_why, from, to, port, allowed) => {
    expect(cluster.connect(from, to, port).allowed).toBe(allowed);
  });
});
