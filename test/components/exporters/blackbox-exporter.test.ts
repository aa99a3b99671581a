import { Chart, Testing } from 'cdk8s';
import {
  BLACKBOX_SECRETS_DIR,
  DEFAULT_BLACKBOX_MODULES,
  renderBlackboxConfig,
  validateBlackboxModules,
} from '../../../src/components/exporters/blackbox-config';
import { BlackboxExporter, BlackboxExporterProps, blackboxExporterModel, blackboxProbeScrapeConfig } from '../../../src/components/exporters/blackbox-exporter';
import { checksum } from '../../../src/common/serialize';
import { VERSIONS } from '../../../src/versions';
import { schemaErrors } from '../../helpers/schema';
import { configFile, containersOf, findObject, K8sObject, parseYaml, synthObjects } from '../../helpers/synth';

function synth(props: BlackboxExporterProps = {}): { objects: K8sObject[]; bb: BlackboxExporter } {
  const chart = new Chart(Testing.app(), 'test');
  const bb = new BlackboxExporter(chart, 'blackbox-exporter', props);
  return { objects: synthObjects(chart), bb };
}

const ORDER = { service: 'order-service', url: 'http://order-service.shop.svc:8080/healthz' };
const PAYMENT = { service: 'payment-service', url: 'https://payment-service.shop.svc/healthz' };

describe('BlackboxExporter', () => {
  test('every synthesized object is valid against the Kubernetes schema', () => {
    const { objects } = synth();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/blackbox-exporter-config',
      'Deployment/blackbox-exporter',
      'Service/blackbox-exporter',
    ]);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('blackbox.yml holds the default modules, in upstream snake_case', () => {
    const doc = parseYaml(configFile(synth().objects, 'blackbox.yml'));
    expect(Object.keys(doc.modules)).toEqual(['grpc', 'grpc_tls', 'http_2xx', 'http_post_2xx', 'tcp_connect']);
    expect(doc.modules.http_2xx).toEqual({ prober: 'http', http: { preferred_ip_protocol: 'ip4' } });
    expect(doc.modules.http_post_2xx).toEqual({
      prober: 'http',
      http: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}', preferred_ip_protocol: 'ip4' },
    });
    expect(doc.modules.tcp_connect).toEqual({ prober: 'tcp', tcp: { preferred_ip_protocol: 'ip4' } });
    expect(doc.modules.grpc).toEqual({ prober: 'grpc', grpc: { tls: false, preferred_ip_protocol: 'ip4' } });
  });

  test('renders every modelled field to its upstream name', () => {
    const doc = renderBlackboxConfig({ modules: {
      web: {
        prober: 'http',
        timeout: '5s',
        http: {
          validStatusCodes: [200, 204],
          validHttpVersions: ['HTTP/1.1', 'HTTP/2.0'],
          followRedirects: false,
          failIfNotSsl: true,
          failIfBodyNotMatchesRegexp: ['ok'],
          ipProtocolFallback: false,
          tlsConfig: { serverName: 'shop.example.com', caSecretKey: 'ca.crt' },
          basicAuth: { username: 'probe', passwordSecretKey: 'password' },
        },
      },
      api: { prober: 'http', http: { bearerTokenSecretKey: 'token' } },
      ssh: { prober: 'tcp', tcp: { queryResponse: [{ expect: '^SSH-2.0-' }, { send: 'QUIT' }, { startTls: true }] } },
      health: { prober: 'grpc', grpc: { service: 'orders.v1.Orders', tls: true } },
    } });
    expect(doc.modules).toEqual({
      api: { prober: 'http', timeout: undefined, http: expect.objectContaining({ authorization: { type: 'Bearer', credentials_file: `${BLACKBOX_SECRETS_DIR}/token` } }), tcp: undefined, grpc: undefined },
      health: expect.objectContaining({ grpc: expect.objectContaining({ service: 'orders.v1.Orders', tls: true }) }),
      ssh: expect.objectContaining({ tcp: expect.objectContaining({ query_response: [{ expect: '^SSH-2.0-' }, { send: 'QUIT' }, { starttls: true }] }) }),
      web: expect.objectContaining({
        timeout: '5s',
        http: expect.objectContaining({
          valid_status_codes: [200, 204],
          valid_http_versions: ['HTTP/1.1', 'HTTP/2.0'],
          follow_redirects: false,
          fail_if_not_ssl: true,
          fail_if_body_not_matches_regexp: ['ok'],
          ip_protocol_fallback: false,
          tls_config: { server_name: 'shop.example.com', ca_file: `${BLACKBOX_SECRETS_DIR}/ca.crt`, insecure_skip_verify: undefined },
          basic_auth: { username: 'probe', password_file: `${BLACKBOX_SECRETS_DIR}/password` },
        }),
      }),
    });
    // No secret value anywhere in the document: only file paths.
    expect(JSON.stringify(doc)).not.toMatch(/"password":/);
  });

  test('mounts blackbox.yml from its ConfigMap and rolls the pods when it changes', () => {
    const { objects, bb } = synth();
    const d = findObject(objects, 'Deployment', 'blackbox-exporter');
    const c = containersOf(d)[0];
    expect(c.image).toBe(`${VERSIONS.blackboxExporter.repository}:${VERSIONS.blackboxExporter.tag}`);
    expect(c.args).toEqual(['--config.file=/etc/blackbox_exporter/blackbox.yml', '--web.listen-address=:9115']);
    expect(c.volumeMounts).toEqual([{ name: 'config', mountPath: '/etc/blackbox_exporter', readOnly: true }]);
    expect(d.spec.template.spec.volumes).toEqual([{ name: 'config', configMap: { name: 'blackbox-exporter-config' } }]);
    const text = configFile(objects, 'blackbox.yml');
    expect(d.spec.template.metadata.annotations['checksum/config']).toBe(checksum(text));
    expect(bb.configText).toBe(text);
    const other = synth({ modules: { http_2xx: DEFAULT_BLACKBOX_MODULES.http_2xx } });
    expect(findObject(other.objects, 'Deployment', 'blackbox-exporter').spec.template.metadata.annotations['checksum/config']).not.toBe(
      checksum(text),
    );
  });

  test('port 9115, probes on /-/healthy, a ClusterIP Service, non-root and read-only', () => {
    const { objects, bb } = synth();
    const d = findObject(objects, 'Deployment', 'blackbox-exporter');
    const c = containersOf(d)[0];
    expect(c.ports).toEqual([{ name: 'http', containerPort: 9115, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/-/healthy', port: 9115 });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/-/healthy', port: 9115 });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(d.spec.template.spec.hostNetwork).toBeFalsy();
    expect(findObject(objects, 'Service', 'blackbox-exporter').spec).toMatchObject({ ports: [{ name: 'http', port: 9115 }] });
    expect(findObject(objects, 'Service', 'blackbox-exporter').spec.clusterIP).toBeUndefined();
    expect(bb.probeAddress).toBe('blackbox-exporter.observability.svc:9115');
    // Its own /metrics goes through the generic pod job.
    expect(d.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9115' });
  });

  test('a Secret named by the user is mounted for credential files', () => {
    const { objects } = synth({
      secretName: 'probe-credentials',
      modules: { ...DEFAULT_BLACKBOX_MODULES, http_auth: { prober: 'http', http: { bearerTokenSecretKey: 'token' } } },
    });
    const d = findObject(objects, 'Deployment', 'blackbox-exporter');
    expect(d.spec.template.spec.volumes).toEqual(
      expect.arrayContaining([{ name: 'secrets', secret: { secretName: 'probe-credentials' } }]),
    );
    expect(containersOf(d)[0].volumeMounts).toEqual(
      expect.arrayContaining([{ name: 'secrets', mountPath: BLACKBOX_SECRETS_DIR, readOnly: true }]),
    );
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(schemaErrors(objects)).toEqual([]);
  });

  describe('probeScrapeConfig', () => {
    test('renders the upstream multi-target relabeling with a service label per target', () => {
      const job = synth().bb.probeScrapeConfig({ jobName: 'blackbox-http', module: 'http_2xx', targets: [ORDER, PAYMENT], interval: '30s' });
      expect(job).toEqual({
        jobName: 'blackbox-http',
        scrapeInterval: '30s',
        scrapeTimeout: undefined,
        metricsPath: '/probe',
        params: { module: ['http_2xx'] },
        staticConfigs: [
          { targets: ['http://order-service.shop.svc:8080/healthz'], labels: { service: 'order-service' } },
          { targets: ['https://payment-service.shop.svc/healthz'], labels: { service: 'payment-service' } },
        ],
        relabelConfigs: [
          { sourceLabels: ['__address__'], targetLabel: '__param_target' },
          { sourceLabels: ['__param_target'], targetLabel: 'instance' },
          { targetLabel: '__address__', replacement: 'blackbox-exporter.observability.svc:9115' },
        ],
      });
    });

    test('tcp and grpc modules take host:port targets', () => {
      const { bb } = synth();
      expect(bb.probeScrapeConfig({ jobName: 'tcp', module: 'tcp_connect', targets: [{ service: 'db', url: 'postgres.data.svc:5432' }] }).staticConfigs).toEqual([
        { targets: ['postgres.data.svc:5432'], labels: { service: 'db' } },
      ]);
      expect(() => bb.probeScrapeConfig({ jobName: 'g', module: 'grpc', targets: [{ service: 'orders', url: 'http://orders:9090' }] })).toThrow(
        /probeScrapeConfig\(g\)\.targets\[0\]\.url: is not a host:port \(module "grpc" uses the grpc prober\) \(got "http:\/\/orders:9090"\)/,
      );
    });

    test('bad specs fail with a ConfigError naming the path, the value and the fix', () => {
      const { bb } = synth();
      expect(() => bb.probeScrapeConfig({ jobName: 'x', module: 'http_3xx', targets: [ORDER] })).toThrow(
        /probeScrapeConfig\(x\)\.module: is not a module of this blackbox exporter \(got "http_3xx"\)\. Fix: use one of grpc, grpc_tls, http_2xx, http_post_2xx, tcp_connect/,
      );
      expect(() => bb.probeScrapeConfig({ jobName: 'x', module: 'http_2xx', targets: [{ service: 'a', url: 'order-service:8080' }] })).toThrow(
        /targets\[0\]\.url: is not an http\(s\) URL/,
      );
      expect(() => bb.probeScrapeConfig({ jobName: 'x', module: 'http_2xx', targets: [ORDER, ORDER] })).toThrow(/targets\[1\]\.url: is listed twice/);
      expect(() => bb.probeScrapeConfig({ jobName: 'x', module: 'http_2xx', targets: [] })).toThrow(/targets: must list at least one target/);
      expect(() => bb.probeScrapeConfig({ jobName: 'x', module: 'http_2xx', targets: [{ service: '', url: ORDER.url }] })).toThrow(
        /targets\[0\]\.service: must name the service/,
      );
      expect(() => bb.probeScrapeConfig({ jobName: 'x', module: 'http_2xx', targets: [ORDER], interval: '30 seconds' })).toThrow(
        /probeScrapeConfig\(x\)\.interval: is not a Prometheus duration: .*\(got "30 seconds"\)/,
      );
      expect(() => bb.probeScrapeConfig({ jobName: 'x', module: 'http_2xx', targets: [ORDER], interval: '10s', scrapeTimeout: '15s' })).toThrow(
        /scrapeTimeout: must not exceed the interval \(10s\)/,
      );
    });

    test('the pure function and the method agree', () => {
      const { bb } = synth({ namespace: 'probes', name: 'bb', port: 9116 });
      const spec = { jobName: 'j', module: 'http_2xx', targets: [ORDER] };
      expect(bb.probeScrapeConfig(spec)).toEqual(blackboxProbeScrapeConfig('bb.probes.svc:9116', DEFAULT_BLACKBOX_MODULES, spec));
    });
  });

  test('bad modules and props fail with a ConfigError naming each problem', () => {
    expect(() =>
      validateBlackboxModules(
        {
          'bad name': { prober: 'http' },
          codes: { prober: 'http', timeout: 'soon', http: { validStatusCodes: [200, 42] } },
          mixed: { prober: 'tcp', http: {} } as never,
        },
        false,
      ),
    ).toThrow(
      /BlackboxExporter\.modules\.bad name: is not a valid module name[\s\S]*modules\.codes\.timeout: is not a Prometheus duration: .*\(got "soon"\)[\s\S]*modules\.codes\.http\.validStatusCodes\[1\]: is not an HTTP status code \(got 42\)[\s\S]*modules\.mixed\.http: is set but the prober is "tcp"/,
    );
    expect(() => blackboxExporterModel({ modules: { a: { prober: 'http', http: { basicAuth: { username: 'u', passwordSecretKey: 'pw' } } } } })).toThrow(
      /BlackboxExporter\.secretName: is required: modules read credentials from Secret keys "pw"/,
    );
    expect(() => blackboxExporterModel({ modules: {} })).toThrow(/BlackboxExporter\.modules: must define at least one module/);
    expect(() => blackboxExporterModel({ replicas: 0, port: 0 })).toThrow(/BlackboxExporter\.port: must be a TCP port[\s\S]*BlackboxExporter\.replicas: must be a whole number of at least 1/);
  });

  test('synthesis is deterministic, whatever the order modules are given in', () => {
    const reversed = Object.fromEntries(Object.entries(DEFAULT_BLACKBOX_MODULES).reverse());
    expect(synth({ modules: reversed }).objects).toEqual(synth().objects);
  });
});
