import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { WorkloadMonitorProps, workloadMonitorModel, workloadMonitorScrapeConfig } from '../../../src/components/prometheus';
import { ObservabilityStack, ObservabilityStackProps } from '../../../src/stack';
import { Cluster, Endpoint, podsOf } from '../../helpers/network-policy';
import { schemaErrors } from '../../helpers/schema';
import { configFile, configFiles, K8sObject, objectsOfKind, synthObjects } from '../../helpers/synth';
import { promConfigWithLocalPaths, promtool, writeTree } from '../../helpers/tools';

/**
 * A typed way to monitor a workload: the same spec renders as a scrape job of the stack's Prometheus (checked by
 * promtool), as a PodMonitor/ServiceMonitor in operator mode (checked against the operator's CRD; the same targets
 * and labels as the native job: test/operator/scrape-parity.test.ts), and as a NetworkPolicy flow.
 */

const PAYMENTS: WorkloadMonitorProps = {
  name: 'payments',
  selector: { 'app.kubernetes.io/name': 'payment-service' },
  namespaces: ['shop'],
  port: 'metrics',
  path: '/internal/metrics',
  interval: '30s',
  scrapeTimeout: '5s',
  scheme: 'https',
  relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_label_team'], targetLabel: 'team' }],
  metricRelabelings: [{ sourceLabels: ['__name__'], regex: 'go_gc_.*', action: 'drop' }],
};
const LEDGER: WorkloadMonitorProps = { name: 'ledger', target: 'service', selector: { app: 'ledger' }, port: 9102 };

function synth(props: ObservabilityStackProps) {
  const stack = new ObservabilityStack(Testing.app(), 'observability', props);
  return { stack, objects: synthObjects(stack) };
}

describe('workload monitors in native mode', () => {
  test('render as a scrape job: discovery of the role, keep-relabeling on the selector and the port, running pods, target labels, then the monitor\'s rules', () => {
    const job = workloadMonitorScrapeConfig(workloadMonitorModel(PAYMENTS, 'm'));
    expect(job).toMatchObject({ jobName: 'payments', scrapeInterval: '30s', scrapeTimeout: '5s', metricsPath: '/internal/metrics', scheme: 'https', kubernetesSdConfigs: [{ role: 'pod', namespaces: ['shop'] }] });
    expect(job.relabelConfigs!.slice(0, 3)).toEqual([
      { sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name', '__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name'], regex: '(payment-service);true', action: 'keep' },
      { sourceLabels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics', action: 'keep' },
      { sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' },
    ]);
    expect(job.relabelConfigs!.at(-1)).toEqual(PAYMENTS.relabelings![0]);
    expect(job.metricRelabelConfigs).toEqual(PAYMENTS.metricRelabelings);
    const ledger = workloadMonitorScrapeConfig(workloadMonitorModel(LEDGER, 'm'));
    expect(ledger.kubernetesSdConfigs).toEqual([{ role: 'endpoints', namespaces: undefined }]);
    expect(ledger.relabelConfigs!.slice(0, 2)).toEqual([
      { sourceLabels: ['__meta_kubernetes_service_label_app', '__meta_kubernetes_service_labelpresent_app'], regex: '(ledger);true', action: 'keep' },
      { sourceLabels: ['__meta_kubernetes_pod_container_port_number'], regex: '9102', action: 'keep' },
    ]);
  });

  test('promtool check config accepts the stack\'s prometheus.yml with the monitors\' jobs', () => {
    const { stack, objects } = synth({ monitors: [PAYMENTS] });
    stack.addMonitor(LEDGER);
    const again = synthObjects(stack);
    const jobs = (yaml.load(configFile(again, 'prometheus.yml')) as any).scrape_configs.map((j: any) => j.job_name);
    expect(jobs).toEqual(expect.arrayContaining(['payments', 'ledger']));
    expect(objects.length).toBeGreaterThan(0);
    const dir = writeTree({ 'rules/.keep': '' });
    for (const [key, content] of configFiles(again)) if (key.endsWith('.rules.yml')) writeFileSync(join(dir, 'rules', key.split('/').pop()!), content);
    writeFileSync(join(dir, 'prometheus.yml'), promConfigWithLocalPaths(configFile(again, 'prometheus.yml'), dir));
    const r = promtool(['check', 'config', 'prometheus.yml'], dir);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test.each<[string, Partial<WorkloadMonitorProps>, string]>([
    ['an empty selector', { selector: {} }, 'observability.monitors[0].selector: must hold at least one label (an empty selector would scrape every pod of the cluster) (got {}). Fix: select the workload by its labels, e.g. { "app.kubernetes.io/name": "payments" }.'],
    ['a port name that is no container port name', { port: 'Metrics_Port' }, 'observability.monitors[0].port: is not a container port name (at most 15 lowercase letters, digits and "-", with a letter) (got "Metrics_Port"). Fix: use the port number, or the name of the container port, e.g. "http-metrics".'],
    ['a path with a query', { path: 'metrics?format=prometheus' }, 'observability.monitors[0].path: must be an HTTP path starting with "/", without "?", "#" or spaces (got "metrics?format=prometheus"). Fix: write e.g. "/metrics" (query parameters go in params).'],
    ['a timeout longer than the interval', { interval: '10s', scrapeTimeout: '15s' }, 'observability.monitors[0].scrapeTimeout: must not be longer than the interval (10s) (got "15s"). Fix: shorten scrapeTimeout or lengthen interval.'],
    ['an unknown relabel action', { relabelings: [{ action: 'rename' as never, sourceLabels: ['a'] }] }, 'observability.monitors[0].relabelings[0].action: is not a relabel action (replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase) (got "rename"). Fix: use one of them in lowercase, e.g. "keep".'],
    ['a regex RE2 rejects', { relabelings: [{ sourceLabels: ['a'], regex: '(?!x).*', action: 'keep' }] }, 'observability.monitors[0].relabelings[0].regex: is not a regular expression Prometheus accepts (RE2): invalid or unsupported Perl syntax at character 1 ("(?!") (got "(?!x).*"). Fix: RE2 has no lookahead: match the text itself, or use a negative matcher (!~) for what must not match.'],
    ['a replace without a target', { relabelings: [{ sourceLabels: ['a'], regex: '(.+)' }] }, 'observability.monitors[0].relabelings[0].targetLabel: is required by action "replace". Fix: name the label to write, e.g. "service".'],
  ])('%s fails synth with one clear line', (_what, change, message) => {
    expect(() => new ObservabilityStack(new App(), 'observability', { monitors: [{ ...PAYMENTS, ...change } as WorkloadMonitorProps] })).toThrow(message);
  });

  test('a monitor named like another job is refused (the job label would mix them)', () => {
    expect(() => new ObservabilityStack(new App(), 'observability', { monitors: [{ ...PAYMENTS, name: 'kubernetes-pods' }] })).toThrow(
      'observability/Prometheus.scrapeConfigs[7].jobName: is already the name of a scrape job of this Prometheus',
    );
    expect(() => new ObservabilityStack(new App(), 'observability', { prometheusOperator: {}, monitors: [{ ...PAYMENTS, name: 'kubernetes-pods' }] })).toThrow(
      'observability/PrometheusOperator.monitors[kubernetes-pods].name: is already the name of a scrape job',
    );
  });
});

describe('workload monitors in operator mode', () => {
  test('render as a PodMonitor (pods) or a ServiceMonitor (a Service\'s endpoints), valid against the operator\'s CRDs', () => {
    const { objects } = synth({ prometheusOperator: {}, monitors: [PAYMENTS, LEDGER] });
    const pod = objectsOfKind(objects, 'PodMonitor').find((o) => o.metadata.name === 'payments')!;
    expect(pod.spec).toMatchObject({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'payment-service' } },
      namespaceSelector: { matchNames: ['shop'] },
      podMetricsEndpoints: [{ port: 'metrics', path: '/internal/metrics', interval: '30s', scrapeTimeout: '5s', scheme: 'https', metricRelabelings: [{ action: 'drop', regex: 'go_gc_.*', sourceLabels: ['__name__'] }] }],
    });
    const svc = objectsOfKind(objects, 'ServiceMonitor').find((o) => o.metadata.name === 'ledger')!;
    expect(svc.spec).toMatchObject({ selector: { matchLabels: { app: 'ledger' } }, namespaceSelector: { any: true }, endpoints: [{ targetPort: 9102, path: '/metrics' }] });
    expect(schemaErrors([pod, svc])).toEqual([]);
  });
});

describe('workload monitors and the NetworkPolicies', () => {
  const NODE = '192.168.0.10';
  function cluster(props: ObservabilityStackProps): { c: Cluster; pods: Endpoint[] } {
    const { objects } = synth(props);
    let n = 10;
    const pods = podsOf(objects as K8sObject[], () => `10.244.1.${n++}`, NODE);
    const labels = new Map([['shop', { 'kubernetes.io/metadata.name': 'shop' }], ['finance', { 'kubernetes.io/metadata.name': 'finance' }]]);
    return { c: new Cluster(objects, labels, { ipBlockMatchesPods: false }), pods };
  }
  const payments: Endpoint = { id: 'shop/payments', ip: '10.244.2.5', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'payment-service' }, ports: [{ name: 'metrics', port: 9102, protocol: 'TCP' }, { name: 'http', port: 8080, protocol: 'TCP' }] };
  const ledger: Endpoint = { id: 'finance/ledger', ip: '10.244.2.6', namespace: 'finance', labels: { app: 'ledger-pod' }, ports: [{ name: 'metrics', port: 9102, protocol: 'TCP' }] };

  test('with scrapePorts narrowed, Prometheus still reaches each monitor\'s port, and only that port', () => {
    const narrowed = { networkPolicies: { scrapePorts: [{ port: 8443 }] } };
    const before = cluster(narrowed);
    const prometheus = before.pods.find((p) => p.id === 'StatefulSet/prometheus')!;
    expect(before.c.connect(prometheus, payments, 9102)).toEqual({ allowed: false, deniedBy: 'egress' });
    const after = cluster({ ...narrowed, monitors: [PAYMENTS, { ...LEDGER, namespaces: ['finance'] }] });
    const prom = after.pods.find((p) => p.id === 'StatefulSet/prometheus')!;
    expect(after.c.connect(prom, payments, 9102)).toEqual({ allowed: true });
    expect(after.c.connect(prom, payments, 8080)).toEqual({ allowed: false, deniedBy: 'egress' });
    // a Service's endpoints, by container port number, in its namespace
    expect(after.c.connect(prom, ledger, 9102)).toEqual({ allowed: true });
  });
});
