import { Testing } from 'cdk8s';
import { ObservabilityStack } from '../../src/stack';
import { DEMO_SERVICES, ORDER_SERVICE } from '../../src/slo';
import { Cluster, Endpoint, podsOf } from '../helpers/network-policy';
import { objectsOfKind, synthObjects } from '../helpers/synth';

/**
 * Operator mode and the NetworkPolicies: the operator's Prometheus (pods labelled by the operator, in its namespace)
 * scrapes the stack's components and asks blackbox-exporter for probes; Grafana and the gateway reach the operator's
 * Prometheus and Alertmanager. The stack writes no policy in the operator's namespace (its pods are not the stack's).
 */

const stack = new ObservabilityStack(Testing.app(), 'observability', {
  services: [ORDER_SERVICE, ...DEMO_SERVICES, { name: 'checkout', probeUrl: 'http://checkout.shop.svc:8080/healthz', slos: [{ name: 'availability', objective: 99.9, sli: { kind: 'availability', source: 'probe' } }] }],
  prometheusOperator: {},
});
const objects = synthObjects(stack);
let n = 10;
const pods = podsOf(objects, () => `10.244.1.${n++}`, '192.168.0.10');
const pod = (id: string) => pods.find((p) => p.id === id)!;
const namespaces = new Map(['monitoring', 'shop', 'observability', 'observability-agents'].map((ns) => [ns, { 'kubernetes.io/metadata.name': ns }]));
const cluster = new Cluster(objects, namespaces, { ipBlockMatchesPods: false });

const operatorPrometheus: Endpoint = {
  id: 'monitoring/prometheus-kube-prometheus-stack-prometheus-0',
  ip: '10.244.3.5',
  namespace: 'monitoring',
  labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/managed-by': 'prometheus-operator', 'app.kubernetes.io/instance': 'kube-prometheus-stack-prometheus', prometheus: 'kube-prometheus-stack-prometheus' },
  ports: [{ name: 'http-web', port: 9090, protocol: 'TCP' }],
};
const operatorAlertmanager: Endpoint = { id: 'monitoring/alertmanager-0', ip: '10.244.3.6', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'alertmanager' }, ports: [{ name: 'http-web', port: 9093, protocol: 'TCP' }] };
const grafanaOperator: Endpoint = { id: 'monitoring/grafana', ip: '10.244.3.7', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' }, ports: [] };

test('no policy in the operator\'s namespace, and none for a Prometheus or Alertmanager of the stack\'s', () => {
  const policies = objectsOfKind(objects, 'NetworkPolicy');
  expect(policies.map((p) => p.metadata.namespace).filter((ns) => ns === 'monitoring')).toEqual([]);
  expect(policies.map((p) => p.metadata.name)).not.toContain('prometheus');
  expect(policies.map((p) => p.metadata.name)).not.toContain('alertmanager');
});

test.each([
  ['Deployment/grafana', 3000],
  ['StatefulSet/loki', 3100],
  ['Deployment/otel-gateway', 8888],
  ['Deployment/blackbox-exporter', 9115],
])('the operator\'s Prometheus reaches %s on its metrics (or probe) port %p; another pod of its namespace does not', (id, port) => {
  expect(cluster.connect(operatorPrometheus, pod(id), port)).toEqual({ allowed: true });
  expect(cluster.connect(grafanaOperator, pod(id), port)).toEqual({ allowed: false, deniedBy: 'ingress' });
});

test('Grafana reaches the operator\'s Prometheus and Alertmanager, the gateway its OTLP receiver', () => {
  expect(cluster.connect(pod('Deployment/grafana'), operatorPrometheus, 9090)).toEqual({ allowed: true });
  expect(cluster.connect(pod('Deployment/grafana'), operatorAlertmanager, 9093)).toEqual({ allowed: true });
  expect(cluster.connect(pod('Deployment/otel-gateway'), operatorPrometheus, 9090)).toEqual({ allowed: true });
});
