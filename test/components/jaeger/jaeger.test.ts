import { Chart, Testing } from 'cdk8s';
import { ConfigError } from '../../../src/common/errors';
import { Jaeger } from '../../../src/components/jaeger/jaeger';
import { JaegerProps } from '../../../src/components/jaeger/model';
import { JaegerStorage } from '../../../src/components/jaeger/storage';
import { schemaErrors } from '../../helpers/schema';
import { K8sObject, configFile, containersOf, findObject, objectsOfKind, parseYaml, synthObjects } from '../../helpers/synth';

function build(props: JaegerProps = {}): { chart: Chart; jaeger: Jaeger } {
  const chart = Testing.chart();
  return { chart, jaeger: new Jaeger(chart, 'Jaeger', props) };
}

function synth(props: JaegerProps = {}): { objects: K8sObject[]; jaeger: Jaeger } {
  const { chart, jaeger } = build(props);
  return { objects: synthObjects(chart), jaeger };
}

const PORTS = [
  { name: 'http-query', port: 16686 },
  { name: 'grpc-query', port: 16685 },
  { name: 'otlp-grpc', port: 4317 },
  { name: 'otlp-http', port: 4318 },
  { name: 'health', port: 13133 },
  { name: 'metrics', port: 8888 },
];

describe('Jaeger', () => {
  describe('with memory storage (the default)', () => {
    test('THEN a Deployment, a Service and a ConfigMap in observability, no volume claim, all schema-valid', () => {
      // WHEN
      const { objects, jaeger } = synth();
      // THEN
      expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'ConfigMap/jaeger-config',
        'Deployment/jaeger',
        'Service/jaeger',
      ]);
      expect(objects.every((o) => o.metadata.namespace === 'observability')).toBe(true);
      expect(schemaErrors(objects)).toEqual([]);
      expect(objectsOfKind(objects, 'PersistentVolumeClaim')).toEqual([]);
      expect(jaeger.model.storage.kind).toBe('memory');
      expect(parseYaml(configFile(objects, 'config.yaml')).extensions.jaeger_storage.backends.trace_store).toEqual({ memory: { max_traces: 50000 } });
    });

    test('GIVEN maxTraces THEN the memory backend keeps that many', () => {
      const { objects } = synth({ storage: JaegerStorage.memory({ maxTraces: 200000 }) });
      expect(parseYaml(configFile(objects, 'config.yaml')).extensions.jaeger_storage.backends.trace_store.memory).toEqual({ max_traces: 200000 });
    });
  });

  test('exposes the query and OTLP endpoints from the Service name and namespace', () => {
    expect(synth().jaeger).toMatchObject({
      serviceName: 'jaeger',
      namespace: 'observability',
      queryUrl: 'http://jaeger.observability.svc:16686',
      otlpGrpcEndpoint: 'jaeger.observability.svc:4317',
      otlpHttpUrl: 'http://jaeger.observability.svc:4318',
    });
    expect(synth({ name: 'traces', namespace: 'tracing' }).jaeger).toMatchObject({
      queryUrl: 'http://traces.tracing.svc:16686',
      otlpGrpcEndpoint: 'traces.tracing.svc:4317',
      otlpHttpUrl: 'http://traces.tracing.svc:4318',
    });
  });

  test('runs jaegertracing/jaeger (v2) with --config pointing at the mounted config.yaml', () => {
    const { objects } = synth();
    const d = findObject(objects, 'Deployment', 'jaeger');
    const c = containersOf(d)[0];
    expect(c.image).toBe('docker.io/jaegertracing/jaeger:2.10.0');
    expect(c.args).toEqual(['--config=/etc/jaeger/config.yaml']);
    const mount = c.volumeMounts.find((m: any) => m.mountPath === '/etc/jaeger');
    const volume = d.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
    expect(volume.configMap.name).toBe('jaeger-config');
    expect(Object.keys(findObject(objects, 'ConfigMap', 'jaeger-config').data)).toEqual(['config.yaml']);
  });

  test('the Service and the container serve query 16686/16685, OTLP 4317/4318, health 13133 and metrics 8888', () => {
    const { objects } = synth();
    const svc = findObject(objects, 'Service', 'jaeger');
    expect(svc.spec.ports).toEqual(PORTS.map((p) => ({ ...p, targetPort: p.port, protocol: 'TCP' })));
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'jaeger', 'app.kubernetes.io/instance': 'jaeger' });
    expect(containersOf(findObject(objects, 'Deployment', 'jaeger'))[0].ports).toEqual(
      PORTS.map((p) => ({ containerPort: p.port, name: p.name, protocol: 'TCP' })),
    );
  });

  test('the ports the config listens on are the ports the Service exposes', () => {
    const { objects } = synth();
    const config = parseYaml(configFile(objects, 'config.yaml'));
    const listened = [
      config.extensions.jaeger_query.http.endpoint,
      config.extensions.jaeger_query.grpc.endpoint,
      config.receivers.otlp.protocols.grpc.endpoint,
      config.receivers.otlp.protocols.http.endpoint,
      config.extensions.healthcheckv2.http.endpoint,
      `0.0.0.0:${config.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port}`,
    ];
    expect(listened).toEqual(PORTS.map((p) => `0.0.0.0:${p.port}`));
  });

  test('probes the healthcheckv2 status endpoint, /status on 13133', () => {
    const c = containersOf(findObject(synth().objects, 'Deployment', 'jaeger'))[0];
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/status', port: 13133 });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/status', port: 13133 });
  });

  test('runs as the image user (10001) on a read-only root filesystem, with a writable /tmp, scraped on 8888', () => {
    const d = findObject(synth().objects, 'Deployment', 'jaeger');
    const pod = d.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, runAsNonRoot: true });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp', readOnly: false });
    expect(d.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8888' });
    expect(d.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{16}$/);
  });

  describe('with Badger storage', () => {
    test('THEN a StatefulSet with a PVC mounted where the Badger directories are, and a headless Service', () => {
      // WHEN
      const { objects } = synth({ storage: JaegerStorage.badger({ size: '100Gi', storageClassName: 'standard-rwo', ttl: '7d' }) });
      // THEN
      expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'ConfigMap/jaeger-config',
        'Service/jaeger',
        'Service/jaeger-headless',
        'StatefulSet/jaeger',
      ]);
      expect(schemaErrors(objects)).toEqual([]);
      const sts = findObject(objects, 'StatefulSet', 'jaeger');
      expect(sts.spec.serviceName).toBe('jaeger-headless');
      expect(findObject(objects, 'Service', 'jaeger-headless').spec.clusterIP).toBe('None');
      expect(sts.spec.volumeClaimTemplates).toEqual([
        {
          metadata: { name: 'badger', labels: { 'app.kubernetes.io/name': 'jaeger', 'app.kubernetes.io/instance': 'jaeger' } },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard-rwo', resources: { requests: { storage: '100Gi' } } },
        },
      ]);
      expect(containersOf(sts)[0].volumeMounts).toContainEqual({ name: 'badger', mountPath: '/var/lib/jaeger/badger' });
      const badger = parseYaml(configFile(objects, 'config.yaml')).extensions.jaeger_storage.backends.trace_store.badger;
      expect(badger.directories.keys.startsWith('/var/lib/jaeger/badger/')).toBe(true);
      expect(badger.directories.values.startsWith('/var/lib/jaeger/badger/')).toBe(true);
      expect(badger).toMatchObject({ ephemeral: false, ttl: { spans: '168h' } });
    });

    test('GIVEN no options THEN 20Gi on the default StorageClass and a 72h TTL', () => {
      const { objects } = synth({ storage: JaegerStorage.badger() });
      const sts = findObject(objects, 'StatefulSet', 'jaeger');
      expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } });
      expect(parseYaml(configFile(objects, 'config.yaml')).extensions.jaeger_storage.backends.trace_store.badger.ttl).toEqual({ spans: '72h' });
    });
  });

  test('synthesis is deterministic', () => {
    const props = { storage: JaegerStorage.badger({ ttl: '5d' }) };
    expect(synth(props).objects).toEqual(synth(props).objects);
  });

  test('a config change changes the pod checksum', () => {
    const a = findObject(synth().objects, 'Deployment', 'jaeger').spec.template.metadata.annotations['checksum/config'];
    const b = findObject(synth({ logLevel: 'debug' }).objects, 'Deployment', 'jaeger').spec.template.metadata.annotations['checksum/config'];
    expect(b).not.toBe(a);
  });

  describe('bad input', () => {
    test('GIVEN maxTraces 0 THEN a ConfigError names the prop and the fix', () => {
      expect(() => build({ storage: JaegerStorage.memory({ maxTraces: 0 }) })).toThrow(
        'test/Jaeger.storage.maxTraces: must be a whole number of at least 1 (got 0). Fix: use e.g. 50000 (memory grows with it: budget ~10 KiB per trace).',
      );
    });

    test('GIVEN a Badger TTL that is not a Prometheus duration THEN it is refused', () => {
      expect(() => build({ storage: JaegerStorage.badger({ ttl: '1 week' }) })).toThrow(
        'test/Jaeger.storage.ttl: is not a Prometheus duration: a space at character 2 is not a unit (got "1 week"). Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
      );
    });

    test('GIVEN several mistakes THEN all are reported at once', () => {
      let error: ConfigError | undefined;
      try {
        build({ name: 'Jaeger', storage: JaegerStorage.badger({ size: 'lots', ttl: '10s' }), logLevel: 'trace' });
      } catch (e) {
        error = e as ConfigError;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error!.problems.map((p) => p.path)).toEqual([
        'test/Jaeger.name',
        'test/Jaeger.storage.ttl',
        'test/Jaeger.storage.size',
        'test/Jaeger.logLevel',
      ]);
    });
  });

  describe('Jaeger.fromEndpoints', () => {
    test('GIVEN all endpoints THEN it returns them (trailing slashes dropped)', () => {
      expect(
        Jaeger.fromEndpoints({
          queryUrl: 'https://jaeger.example.com/',
          otlpGrpcEndpoint: 'collector.tracing.svc:4317',
          otlpHttpUrl: 'http://collector.tracing.svc:4318/',
        }),
      ).toEqual({
        queryUrl: 'https://jaeger.example.com',
        otlpGrpcEndpoint: 'collector.tracing.svc:4317',
        otlpHttpUrl: 'http://collector.tracing.svc:4318',
      });
    });

    test('GIVEN no OTLP HTTP URL THEN it is derived from the gRPC host on 4318', () => {
      expect(Jaeger.fromEndpoints({ queryUrl: 'http://q:16686', otlpGrpcEndpoint: 'collector.tracing.svc:4317' }).otlpHttpUrl).toBe(
        'http://collector.tracing.svc:4318',
      );
    });

    test('GIVEN a bad URL and a gRPC endpoint with a scheme THEN both are reported', () => {
      expect(() => Jaeger.fromEndpoints({ queryUrl: 'jaeger:16686', otlpGrpcEndpoint: 'http://collector:4317' })).toThrow(
        [
          'Jaeger.fromEndpoints.queryUrl: is not an http(s) base URL: it has no http:// or https:// scheme at character 1 (got "jaeger:16686"). Fix: give an absolute URL such as "http://jaeger-query.tracing.svc:16686".',
          'Jaeger.fromEndpoints.otlpGrpcEndpoint: is not a host:port (got "http://collector:4317"). Fix: give a host and a port from 1 to 65535, without scheme or path, e.g. "jaeger-collector.tracing.svc:4317".',
        ].join('\n'),
      );
    });
  });
});
