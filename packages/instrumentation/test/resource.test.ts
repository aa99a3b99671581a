import { createResource, kubernetesPodEnv, kubernetesPodMetadata, resourceAttributes } from '../src';

describe('resourceAttributes', () => {
  test('code gives service.name and version when the environment says nothing', () => {
    expect(resourceAttributes({ serviceName: 'order-service', serviceVersion: '1.2.3' }, {}).attributes).toEqual({
      'service.name': 'order-service',
      'service.version': '1.2.3',
    });
  });

  test('the downward API variables become k8s.* attributes', () => {
    const env = { K8S_POD_NAME: 'order-7d9c', K8S_POD_UID: 'uid-1', K8S_POD_IP: '10.1.2.3', K8S_NAMESPACE_NAME: 'shop', K8S_NODE_NAME: 'node-a' };
    expect(resourceAttributes({ serviceName: 'order-service' }, env).attributes).toMatchObject({
      'k8s.pod.name': 'order-7d9c',
      'k8s.pod.uid': 'uid-1',
      'k8s.pod.ip': '10.1.2.3',
      'k8s.namespace.name': 'shop',
      'k8s.node.name': 'node-a',
    });
  });

  test('OTEL_RESOURCE_ATTRIBUTES overrides code and the downward API, percent-decoded', () => {
    const env = { K8S_NAMESPACE_NAME: 'shop', OTEL_RESOURCE_ATTRIBUTES: 'k8s.namespace.name=other, deployment.environment.name=prod%20eu ,service.version=2' };
    expect(resourceAttributes({ serviceName: 'order-service', serviceVersion: '1' }, env).attributes).toMatchObject({
      'k8s.namespace.name': 'other',
      'deployment.environment.name': 'prod eu',
      'service.version': '2',
    });
  });

  test('OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES and over code', () => {
    const env = { OTEL_SERVICE_NAME: 'checkout', OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes' };
    expect(resourceAttributes({ serviceName: 'order-service' }, env).attributes['service.name']).toBe('checkout');
    expect(resourceAttributes({ serviceName: 'order-service' }, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes' }).attributes['service.name']).toBe('from-attributes');
  });

  test('malformed entries are skipped with one warning each, the rest kept', () => {
    const r = resourceAttributes({ serviceName: 's' }, { OTEL_RESOURCE_ATTRIBUTES: 'novalue,=x,team=payments,bad=%E0%A4%A' });
    expect(r.attributes.team).toBe('payments');
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings[0]).toMatch(/skipped "novalue"/);
    expect(r.warnings[2]).toMatch(/percent-encoding/);
  });

  test('the SDK resource keeps the SDK defaults and our attributes', () => {
    const res = createResource({ 'service.name': 'order-service' });
    expect(res.attributes['service.name']).toBe('order-service');
    expect(res.attributes['telemetry.sdk.language']).toBe('nodejs');
  });
});

describe('pod spec helpers', () => {
  test('kubernetesPodEnv lists one downward API field per variable the kit reads', () => {
    expect(kubernetesPodEnv()).toEqual([
      { name: 'K8S_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'K8S_POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      { name: 'K8S_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'K8S_NAMESPACE_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ]);
  });

  test('kubernetesPodMetadata gives the label the stack names the service from and the scrape annotations', () => {
    expect(kubernetesPodMetadata('order-service', 8080)).toEqual({
      labels: { 'app.kubernetes.io/name': 'order-service' },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' },
    });
  });
});
