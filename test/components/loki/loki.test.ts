import { Chart, Testing } from 'cdk8s';
import { ConfigError } from '../../../src/common/errors';
import { Loki } from '../../../src/components/loki/loki';
import { LokiProps } from '../../../src/components/loki/model';
import { schemaErrors } from '../../helpers/schema';
import { K8sObject, configFile, containersOf, findObject, parseYaml, synthObjects } from '../../helpers/synth';

function build(props: LokiProps = {}): { chart: Chart; loki: Loki } {
  const chart = Testing.chart();
  return { chart, loki: new Loki(chart, 'Loki', props) };
}

function synth(props: LokiProps = {}): { objects: K8sObject[]; loki: Loki } {
  const { chart, loki } = build(props);
  return { objects: synthObjects(chart), loki };
}

function statefulSetOf(objects: readonly K8sObject[], name = 'loki'): K8sObject {
  return findObject(objects, 'StatefulSet', name);
}

describe('Loki', () => {
  test('GIVEN defaults THEN a StatefulSet, its Services and a ConfigMap in observability, all schema-valid', () => {
    // WHEN
    const { objects } = synth();
    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/loki-config',
      'Service/loki',
      'Service/loki-headless',
      'StatefulSet/loki',
    ]);
    expect(objects.every((o) => o.metadata.namespace === 'observability')).toBe(true);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('exposes the query, push and OTLP endpoints from the Service name and namespace', () => {
    const { loki } = synth();
    expect(loki).toMatchObject({
      serviceName: 'loki',
      namespace: 'observability',
      queryUrl: 'http://loki.observability.svc:3100',
      pushUrl: 'http://loki.observability.svc:3100/loki/api/v1/push',
      otlpUrl: 'http://loki.observability.svc:3100/otlp',
    });
  });

  test('GIVEN a name and namespace THEN every object and endpoint follows them', () => {
    // WHEN
    const { objects, loki } = synth({ name: 'logs', namespace: 'platform' });
    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/logs-config',
      'Service/logs',
      'Service/logs-headless',
      'StatefulSet/logs',
    ]);
    expect(objects.every((o) => o.metadata.namespace === 'platform')).toBe(true);
    expect(loki.otlpUrl).toBe('http://logs.platform.svc:3100/otlp');
    expect(statefulSetOf(objects, 'logs').spec.serviceName).toBe('logs-headless');
  });

  test('runs the single binary (-target=all) on the mounted loki.yaml', () => {
    const { objects } = synth();
    const sts = statefulSetOf(objects);
    const c = containersOf(sts)[0];
    expect(c.image).toBe('docker.io/grafana/loki:3.5.5');
    expect(c.args).toEqual(['-target=all', '-config.file=/etc/loki/config/loki.yaml']);
    const configMount = c.volumeMounts.find((m: any) => m.mountPath === '/etc/loki/config');
    const volume = sts.spec.template.spec.volumes.find((v: any) => v.name === configMount.name);
    expect(volume.configMap.name).toBe('loki-config');
    expect(Object.keys(findObject(objects, 'ConfigMap', 'loki-config').data)).toEqual(['loki.yaml']);
  });

  test('listens on http 3100 and grpc 9095; the Service serves 3100, the headless Service both', () => {
    const { objects } = synth();
    expect(containersOf(statefulSetOf(objects))[0].ports).toEqual([
      { containerPort: 3100, name: 'http', protocol: 'TCP' },
      { containerPort: 9095, name: 'grpc', protocol: 'TCP' },
    ]);
    expect(findObject(objects, 'Service', 'loki').spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'http', port: 3100, targetPort: 3100, protocol: 'TCP' }],
      selector: { 'app.kubernetes.io/name': 'loki', 'app.kubernetes.io/instance': 'loki' },
    });
    const headless = findObject(objects, 'Service', 'loki-headless').spec;
    expect(headless.clusterIP).toBe('None');
    expect(headless.ports.map((p: any) => p.port)).toEqual([3100, 9095]);
    const config = parseYaml(configFile(objects, 'loki.yaml'));
    expect(config.server).toMatchObject({ http_listen_port: 3100, grpc_listen_port: 9095 });
  });

  test('readiness probes /ready; liveness only checks the HTTP port answers (WAL replay keeps /ready at 503)', () => {
    const c = containersOf(statefulSetOf(synth().objects))[0];
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: 3100 });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 3100 });
    expect(c.livenessProbe.httpGet).toBeUndefined();
  });

  test('keeps chunks, rules, the TSDB index, the WAL and the compactor on one 50Gi PVC mounted at common.path_prefix', () => {
    // WHEN
    const { objects } = synth();
    const sts = statefulSetOf(objects);
    const config = parseYaml(configFile(objects, 'loki.yaml'));
    // THEN
    expect(sts.spec.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'loki', 'app.kubernetes.io/instance': 'loki' } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } },
      },
    ]);
    expect(containersOf(sts)[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/loki' });
    expect(config.common.path_prefix).toBe('/var/loki');
    for (const dir of [
      config.common.storage.filesystem.chunks_directory,
      config.common.storage.filesystem.rules_directory,
      config.compactor.working_directory,
    ]) {
      expect(dir.startsWith('/var/loki/')).toBe(true);
    }
  });

  test('GIVEN a storage size and class THEN the claim template requests them', () => {
    const sts = statefulSetOf(synth({ storageSize: '200Gi', storageClassName: 'fast-ssd' }).objects);
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '200Gi' } },
    });
  });

  test('runs as the image\'s loki user (10001) on a read-only root filesystem, with a writable /tmp', () => {
    const sts = statefulSetOf(synth().objects);
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, runAsNonRoot: true });
    const c = pod.containers[0];
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp', readOnly: false });
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1024Mi' }, limits: { memory: '2048Mi' } });
  });

  test('retention, ingestion limits and log level reach loki.yaml', () => {
    // WHEN
    const { objects } = synth({ retention: '14d', ingestionRateMb: 32, ingestionBurstSizeMb: 64, logLevel: 'warn' });
    const config = parseYaml(configFile(objects, 'loki.yaml'));
    // THEN
    expect(config.limits_config).toMatchObject({ retention_period: '14d', ingestion_rate_mb: 32, ingestion_burst_size_mb: 64 });
    expect(config.compactor).toMatchObject({ retention_enabled: true, delete_request_store: 'filesystem' });
    expect(config.server.log_level).toBe('warn');
  });

  test('the default retention is 744h (31 days)', () => {
    const config = parseYaml(configFile(synth().objects, 'loki.yaml'));
    expect(config.limits_config.retention_period).toBe('744h');
  });

  test('pods carry a checksum of loki.yaml (a config change rolls them) and the scrape annotations', () => {
    const a = statefulSetOf(synth().objects).spec.template.metadata.annotations;
    const b = statefulSetOf(synth({ retention: '30d' }).objects).spec.template.metadata.annotations;
    expect(a['checksum/config']).toMatch(/^[0-9a-f]{16}$/);
    expect(b['checksum/config']).not.toBe(a['checksum/config']);
    expect(a).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '3100' });
  });

  test('synthesis is deterministic', () => {
    expect(synth({ retention: '31d' }).objects).toEqual(synth({ retention: '31d' }).objects);
  });

  describe('bad input', () => {
    test('GIVEN a retention that is not a Prometheus duration THEN a ConfigError names the prop, the value and the fix', () => {
      expect(() => build({ retention: '31 days' })).toThrow(ConfigError);
      expect(() => build({ retention: '31 days' })).toThrow(
        'test/Loki.retention: is not a Prometheus duration: a space at character 3 is not a unit (got "31 days"). Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
      );
    });

    test('GIVEN a retention under 24h THEN it is refused with the compactor minimum', () => {
      expect(() => build({ retention: '12h' })).toThrow(
        'test/Loki.retention: must be at least 24h (the shortest retention the Loki compactor applies) (got "12h"). Fix: use e.g. "168h" (7 days) or "744h" (31 days).',
      );
    });

    test('GIVEN a burst below the rate THEN it is refused', () => {
      expect(() => build({ ingestionRateMb: 20, ingestionBurstSizeMb: 10 })).toThrow(
        'test/Loki.ingestionBurstSizeMb: must be at least ingestionRateMb (20) (got 10). Fix: set the burst to at least the rate, typically twice it.',
      );
    });

    test('GIVEN several mistakes THEN all are reported at once', () => {
      let error: ConfigError | undefined;
      try {
        build({ name: 'Loki_1', retention: 'forever', storageSize: 'big', ingestionRateMb: -1, logLevel: 'verbose' });
      } catch (e) {
        error = e as ConfigError;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error!.problems.map((p) => p.path)).toEqual([
        'test/Loki.name',
        'test/Loki.retention',
        'test/Loki.storageSize',
        'test/Loki.ingestionRateMb',
        'test/Loki.logLevel',
      ]);
      expect(error!.message).toContain('test/Loki.logLevel: must be one of debug, info, warn, error (got "verbose").');
    });
  });

  describe('Loki.fromUrl', () => {
    test('derives the push and OTLP endpoints from the base URL (trailing slashes dropped)', () => {
      expect(Loki.fromUrl('https://logs.example.com/')).toEqual({
        queryUrl: 'https://logs.example.com',
        pushUrl: 'https://logs.example.com/loki/api/v1/push',
        otlpUrl: 'https://logs.example.com/otlp',
      });
    });

    test('keeps a path prefix of a gateway', () => {
      expect(Loki.fromUrl('http://gateway.logging.svc/loki-a').pushUrl).toBe('http://gateway.logging.svc/loki-a/loki/api/v1/push');
    });

    test.each([
      ['loki:3100', 'it has no http:// or https:// scheme at character 1'],
      ['ftp://loki', 'its scheme "ftp" at character 1 is not http or https'],
      ['http://loki?x=1', 'it has a query at character 12, and a base URL gets paths appended'],
      ['', 'it is empty'],
    ])('refuses %j, saying why', (url, why) => {
      expect(() => Loki.fromUrl(url)).toThrow(`Loki.fromUrl.url: is not an http(s) base URL: ${why} (got ${JSON.stringify(url)}).`);
    });
  });
});
