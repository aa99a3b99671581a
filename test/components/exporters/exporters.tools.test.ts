import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { BlackboxExporter } from '../../../src/components/exporters/blackbox-exporter';
import { KubeStateMetrics } from '../../../src/components/exporters/kube-state-metrics';
import { DEFAULT_BLACKBOX_MODULES } from '../../../src/components/exporters/blackbox-config';
import { toYaml } from '../../../src/common/serialize';
import { configFile, synthObjects } from '../../helpers/synth';
import { promConfigWithLocalPaths, promtool, runTool, writeTree } from '../../helpers/tools';
import { minimalPrometheusConfig } from './scrape-render';

/**
 * The real upstream checkers on what the exporters generate:
 * - `promtool check config` (the deployed Prometheus release) on a minimal prometheus.yml holding every scrape job the
 *   exporters produce, Kubernetes discovery and relabeling included.
 * - `blackbox_exporter --config.check` (the deployed blackbox exporter release; strict field decoding) on the
 *   generated blackbox.yml.
 */

function stack(): { chart: Chart; ksm: KubeStateMetrics; bb: BlackboxExporter } {
  const chart = new Chart(Testing.app(), 'test');
  const ksm = new KubeStateMetrics(chart, 'ksm');
  const bb = new BlackboxExporter(chart, 'bb', {
    secretName: 'probe-credentials',
    modules: {
      ...DEFAULT_BLACKBOX_MODULES,
      http_auth: {
        prober: 'http',
        timeout: '5s',
        http: {
          validStatusCodes: [200, 204],
          basicAuth: { username: 'probe', passwordSecretKey: 'password' },
          tlsConfig: { caSecretKey: 'ca.crt', serverName: 'shop.example.com' },
          failIfBodyNotMatchesRegexp: ['"status":\\s*"ok"'],
        },
      },
      http_bearer: { prober: 'http', http: { bearerTokenSecretKey: 'token', followRedirects: false } },
      ssh_banner: { prober: 'tcp', tcp: { preferredIpProtocol: 'ip4', queryResponse: [{ expect: '^SSH-2.0-' }] } },
    },
  });
  return { chart, ksm, bb };
}

describe('exporters against the real checkers', () => {
  test('promtool accepts a prometheus.yml with the kube-state-metrics and blackbox probe jobs', () => {
    // GIVEN every job the exporters hand to Prometheus
    const { ksm, bb } = stack();
    const jobs = [
      ...ksm.scrapeConfigs(),
      bb.probeScrapeConfig({
        jobName: 'blackbox-http',
        module: 'http_2xx',
        interval: '30s',
        targets: [
          { service: 'order-service', url: 'http://order-service.shop.svc:8080/healthz' },
          { service: 'payment-service', url: 'https://payment-service.shop.svc/healthz' },
        ],
      }),
      bb.probeScrapeConfig({ jobName: 'blackbox-tcp', module: 'tcp_connect', targets: [{ service: 'db', url: 'postgres.data.svc:5432' }] }),
      bb.probeScrapeConfig({ jobName: 'blackbox-grpc', module: 'grpc', interval: '15s', scrapeTimeout: '10s', targets: [{ service: 'orders', url: 'orders.shop.svc:9090' }] }),
    ];
    // WHEN rendered into a minimal prometheus.yml and checked
    const dir = writeTree({});
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, promConfigWithLocalPaths(toYaml(minimalPrometheusConfig(jobs)), dir));
    const result = promtool(['check', 'config', file]);
    // THEN
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  test('promtool rejects a probe job whose relabeling is broken (the check is real)', () => {
    const { bb } = stack();
    const job = bb.probeScrapeConfig({ jobName: 'broken', module: 'http_2xx', targets: [{ service: 's', url: 'http://s/' }] });
    const broken = { ...job, relabelConfigs: [{ sourceLabels: ['__address__'], targetLabel: '__param_target', regex: '(' }] };
    const dir = writeTree({});
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, promConfigWithLocalPaths(toYaml(minimalPrometheusConfig([broken])), dir));
    expect(promtool(['check', 'config', file]).status).not.toBe(0);
  });

  test('blackbox_exporter --config.check accepts the generated blackbox.yml', () => {
    const { chart } = stack();
    const text = configFile(synthObjects(chart), 'blackbox.yml');
    const dir = writeTree({ 'blackbox.yml': text });
    const result = runTool('blackbox_exporter', ['--config.check', `--config.file=${join(dir, 'blackbox.yml')}`]);
    expect(result.output).toContain('Config file is ok');
    expect(result.status).toBe(0);
  });

  test('blackbox_exporter --config.check rejects an unknown field (the check is real)', () => {
    const dir = writeTree({ 'blackbox.yml': 'modules:\n  http_2xx:\n    prober: http\n    http:\n      preferred_ip_protocl: ip4\n' });
    expect(runTool('blackbox_exporter', ['--config.check', `--config.file=${join(dir, 'blackbox.yml')}`]).status).not.toBe(0);
  });
});
