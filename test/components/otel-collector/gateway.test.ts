import { Chart, Testing } from 'cdk8s';
import { ConfigError } from '../../../src/common/errors';
import { checksum } from '../../../src/common/serialize';
import { OtelCollectorGateway, OtelCollectorGatewayProps } from '../../../src/components/otel-collector/gateway';
import { schemaErrors } from '../../helpers/schema';
import { configFile, containersOf, findObject, parseYaml, synthObjects } from '../../helpers/synth';
import { JAEGER, LOKI, PROMETHEUS } from './fixtures';

function synthGateway(props: OtelCollectorGatewayProps) {
  const chart = Testing.chart();
  const gateway = new OtelCollectorGateway(chart, 'Gateway', props);
  const objects = synthObjects(chart);
  const config = parseYaml(configFile(objects, 'config.yaml'));
  return { chart, gateway, objects, config };
}

const ALL = { jaeger: JAEGER, loki: LOKI, prometheus: PROMETHEUS };

describe('OtelCollectorGateway', () => {
  test('every object is valid against the Kubernetes schema', () => {
    const { objects } = synthGateway(ALL);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/otel-gateway-config',
      'Deployment/otel-gateway',
      // two replicas: a disruption budget keeps one serving through a node drain
      'PodDisruptionBudget/otel-gateway',
      'Service/otel-gateway',
    ]);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('a Deployment of 2 replicas in observability, built by the secure workload helper', () => {
    const { objects } = synthGateway(ALL);
    const deployment = findObject(objects, 'Deployment', 'otel-gateway');
    expect(deployment.metadata.namespace).toBe('observability');
    expect(deployment.spec.replicas).toBe(2);
    const [container] = containersOf(deployment);
    expect(container.image).toBe('docker.io/otel/opentelemetry-collector-contrib:0.135.0');
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('OTLP in through a ClusterIP Service on 4317/4318, and the endpoints it exposes', () => {
    const { objects, gateway } = synthGateway(ALL);
    const service = findObject(objects, 'Service', 'otel-gateway');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.internalTrafficPolicy).toBeUndefined();
    expect(service.spec.ports).toEqual([
      { name: 'otlp-grpc', port: 4317, protocol: 'TCP', targetPort: 4317 },
      { name: 'otlp-http', port: 4318, protocol: 'TCP', targetPort: 4318 },
    ]);
    expect(gateway.otlpGrpcEndpoint).toBe('otel-gateway.observability.svc:4317');
    expect(gateway.otlpHttpUrl).toBe('http://otel-gateway.observability.svc:4318');
    expect(gateway.serviceName).toBe('otel-gateway');
    expect(gateway.namespace).toBe('observability');
  });

  test('exporters point at the given backends by reference', () => {
    const { config } = synthGateway(ALL);
    expect(config.exporters).toEqual({
      'otlp/jaeger': { endpoint: JAEGER.otlpGrpcEndpoint, tls: { insecure: true } },
      'otlphttp/loki': { endpoint: LOKI.otlpUrl },
      'otlphttp/prometheus': { metrics_endpoint: PROMETHEUS.otlpMetricsUrl },
    });
    expect(config.service.pipelines).toEqual({
      traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp/jaeger'] },
      logs: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlphttp/loki'] },
      metrics: { receivers: ['otlp'], processors: ['memory_limiter', 'transform/service-label', 'batch'], exporters: ['otlphttp/prometheus'] },
    });
  });

  test('OTLP metrics get the service label from the resource service.name, unless a data point has one', () => {
    const { config } = synthGateway(ALL);
    expect(config.processors['transform/service-label']).toEqual({
      error_mode: 'ignore',
      metric_statements: [
        {
          context: 'datapoint',
          statements: ['set(attributes["service"], resource.attributes["service.name"]) where attributes["service"] == nil and resource.attributes["service.name"] != nil'],
        },
      ],
    });
    // (test/telemetry-path.test.ts proves the label on the series Prometheus stores)
    expect(synthGateway({ jaeger: JAEGER }).config.processors['transform/service-label']).toBeUndefined();
  });

  test('a backend that is not given gets no exporter and no pipeline', () => {
    // GIVEN only Jaeger
    const { config, gateway } = synthGateway({ jaeger: JAEGER });
    // THEN only traces flow
    expect(Object.keys(config.exporters)).toEqual(['otlp/jaeger']);
    expect(Object.keys(config.service.pipelines)).toEqual(['traces']);
    expect(gateway.signals).toEqual(['traces']);
  });

  test('no backend at all is refused: the collector would not start without a pipeline', () => {
    const chart = Testing.chart();
    expect(() => new OtelCollectorGateway(chart, 'Gateway', {})).toThrow(ConfigError);
    expect(() => new OtelCollectorGateway(Testing.chart(), 'Gateway', {})).toThrow(
      'test/Gateway: has no backend, so it would have no pipeline and the collector would refuse to start. Fix: pass at least one of jaeger (traces), loki (logs) or prometheus (metrics).',
    );
  });

  test('memory_limiter from the container limit: percentages in the config, GOMEMLIMIT at 80% of the limit', () => {
    const { objects, config } = synthGateway({ ...ALL, resources: { cpuRequest: '500m', memoryRequest: '1Gi', memoryLimit: '2Gi' } });
    expect(config.processors.memory_limiter).toEqual({ check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 });
    const [container] = containersOf(findObject(objects, 'Deployment', 'otel-gateway'));
    expect(container.env).toContainEqual({ name: 'GOMEMLIMIT', value: '1638MiB' });
    expect(container.resources).toEqual({ limits: { memory: '2048Mi' }, requests: { cpu: '500m', memory: '1024Mi' } });
  });

  test('health_check on 13133 backs both probes at the path it serves', () => {
    const { objects, config } = synthGateway(ALL);
    expect(config.extensions.health_check).toEqual({ endpoint: '${env:MY_POD_IP}:13133', path: '/' });
    expect(config.service.extensions).toEqual(['health_check']);
    const [container] = containersOf(findObject(objects, 'Deployment', 'otel-gateway'));
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe.httpGet).toEqual({ path: config.extensions.health_check.path, port: 13133, scheme: 'HTTP' });
    }
    expect(container.env).toContainEqual({ name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
  });

  test('internal metrics on 8888 with the pull-reader syntax, scraped through pod annotations', () => {
    const { objects, config } = synthGateway(ALL);
    expect(config.service.telemetry).toEqual({
      metrics: { readers: [{ pull: { exporter: { prometheus: { host: '${env:MY_POD_IP}', port: 8888 } } } }] },
    });
    const deployment = findObject(objects, 'Deployment', 'otel-gateway');
    expect(deployment.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8888',
      'prometheus.io/path': '/metrics',
    });
    expect(containersOf(deployment)[0].ports).toContainEqual({ containerPort: 8888, name: 'metrics', protocol: 'TCP' });
  });

  test('config.yaml is mounted from the ConfigMap and named by --config; its checksum rolls the pods', () => {
    const { objects } = synthGateway(ALL);
    const cm = findObject(objects, 'ConfigMap', 'otel-gateway-config');
    const deployment = findObject(objects, 'Deployment', 'otel-gateway');
    const [container] = containersOf(deployment);
    expect(container.args).toEqual(['--config=/conf/config.yaml']);
    expect(container.volumeMounts).toContainEqual({ mountPath: '/conf', name: 'config', readOnly: true });
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'otel-gateway-config' } });
    expect(deployment.spec.template.metadata.annotations['checksum/config']).toBe(checksum(cm.data['config.yaml']));
    // A different backend is a different config and a different checksum.
    const other = synthGateway({ jaeger: JAEGER }).objects;
    expect(findObject(other, 'Deployment', 'otel-gateway').spec.template.metadata.annotations['checksum/config']).not.toBe(
      deployment.spec.template.metadata.annotations['checksum/config'],
    );
  });

  test('namespace, name, replicas and image are props; every object is named and namespaced explicitly', () => {
    const chart = new Chart(Testing.app(), 'any-chart', { namespace: 'ignored' });
    new OtelCollectorGateway(chart, 'Gw', {
      ...ALL,
      namespace: 'telemetry',
      name: 'collector',
      replicas: 3,
      image: { repository: 'registry.local/otelcol-contrib', tag: '0.135.0' },
    });
    const objects = synthObjects(chart);
    expect(objects.map((o) => [o.kind, o.metadata.name, o.metadata.namespace])).toEqual([
      ['ConfigMap', 'collector-config', 'telemetry'],
      ['Deployment', 'collector', 'telemetry'],
      ['PodDisruptionBudget', 'collector', 'telemetry'],
      ['Service', 'collector', 'telemetry'],
    ]);
    const deployment = findObject(objects, 'Deployment', 'collector');
    expect(deployment.spec.replicas).toBe(3);
    expect(containersOf(deployment)[0].image).toBe('registry.local/otelcol-contrib:0.135.0');
  });

  test('synthesis is deterministic', () => {
    expect(synthGateway(ALL).objects).toEqual(synthGateway(ALL).objects);
  });
});
