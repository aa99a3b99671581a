import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { App, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { Prometheus } from '../../src/components/prometheus';
import { ObservabilityStack, ObservabilityStackProps } from '../../src/stack';
import { DEMO_SERVICES, ORDER_SERVICE } from '../../src/slo';
import { ruleFileOfPrometheusRule } from '../../src/operator';
import { ruleFileDocument } from '../../src/common/rules';
import { crdSchema, openApiProblems, schemaErrors } from '../helpers/schema';
import { configFile, K8sObject, objectsOfKind, parseYaml, synthObjects } from '../helpers/synth';
import { amtool, promtool, writeTree } from '../helpers/tools';
import { KPS_DEFAULT_ALERTMANAGER_CONFIG, MatcherStrategy, operatorAlertmanagerConfig, operatorScrapeJobs } from '../helpers/operator-emulator';

/**
 * Operator mode: a team keeps its kube-prometheus-stack and gets the stack's rules, scrape jobs and routing as
 * Prometheus Operator resources, checked against the operator's CRDs (v0.93.1), proven with promtool and amtool.
 */

const SERVICES = [ORDER_SERVICE, ...DEMO_SERVICES];

function synth(props: ObservabilityStackProps = {}): { stack: ObservabilityStack; objects: K8sObject[] } {
  const stack = new ObservabilityStack(Testing.app(), 'observability', { services: SERVICES, prometheusOperator: {}, ...props });
  return { stack, objects: synthObjects(stack) };
}

function nativeRuleFiles(): Map<string, unknown> {
  const stack = new ObservabilityStack(Testing.app(), 'observability', { services: SERVICES });
  return new Map(stack.prometheus.ruleFiles.map((f) => [f.fileName.replace(/\.rules\.yml$/, ''), JSON.parse(JSON.stringify(ruleFileDocument(f.groups)))]));
}

const OPERATOR_KINDS = ['PrometheusRule', 'ServiceMonitor', 'PodMonitor', 'Probe', 'ScrapeConfig', 'AlertmanagerConfig'];
const { stack, objects } = synth();
const operatorObjects = objects.filter((o) => OPERATOR_KINDS.includes(o.kind));

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tree(files: Record<string, string>): string {
  const dir = writeTree(files, 'obs-operator-');
  tempDirs.push(dir);
  return dir;
}

describe('operator mode: what is deployed', () => {
  test('no Prometheus and no Alertmanager of the stack\'s own; Grafana, Loki, Jaeger, the collectors and blackbox stay', () => {
    const workloads = objects.filter((o) => ['StatefulSet', 'Deployment', 'DaemonSet'].includes(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(workloads).toEqual(['DaemonSet/otel-agent', 'Deployment/blackbox-exporter', 'Deployment/grafana', 'Deployment/jaeger', 'Deployment/otel-gateway', 'StatefulSet/loki']);
    expect(objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('prometheus'))).toBe(false);
  });

  test('kube-prometheus-stack\'s own node-exporter and kube-state-metrics are used unless the stack\'s are asked for', () => {
    expect(stack.nodeExporter).toBeUndefined();
    expect(stack.kubeStateMetrics).toBeUndefined();
    const withExporters = synth({ nodeExporter: {}, kubeStateMetrics: {} }).objects;
    const monitors = objectsOfKind(withExporters, 'PodMonitor').map((o) => o.metadata.name).sort();
    expect(monitors).toEqual(['kube-state-metrics', 'kube-state-metrics-telemetry', 'kubernetes-pods', 'node-exporter']);
    expect(schemaErrors(withExporters.filter((o) => OPERATOR_KINDS.includes(o.kind)))).toEqual([]);
  });

  test('Grafana and the collector gateway use the operator\'s Prometheus and Alertmanager by URL', () => {
    const datasources = parseYaml(configFile(objects, 'datasources.yaml')).datasources;
    expect(datasources.find((d: any) => d.type === 'prometheus').url).toBe('http://prometheus-operated.monitoring.svc:9090');
    expect(datasources.find((d: any) => d.type === 'alertmanager').url).toBe('http://alertmanager-operated.monitoring.svc:9093');
    const gateway = parseYaml(configFile(objects.filter((o) => o.metadata.name.startsWith('otel-gateway')), 'config.yaml'));
    expect(JSON.stringify(gateway.exporters)).toContain('http://prometheus-operated.monitoring.svc:9090/api/v1/otlp/v1/metrics');
  });

  test('stack.prometheus explains that operator mode has none; stack.metrics takes rules and jobs in both modes', () => {
    expect(() => stack.prometheus).toThrow('observability.prometheus: does not exist in operator mode (prometheusOperator is set): the operator runs Prometheus. Fix: add rules and scrape jobs through stack.metrics');
    expect(stack.metrics).toBe(stack.prometheusOperator);
    const native = new ObservabilityStack(Testing.app(), 'observability');
    expect(native.metrics).toBe(native.prometheus);
    expect(native.metrics).toBeInstanceOf(Prometheus);
  });
});

describe('operator mode: the resources against the operator\'s CRDs', () => {
  test('every PrometheusRule, PodMonitor, ScrapeConfig and the AlertmanagerConfig is valid against the CRD schemas of v0.93.1', () => {
    expect(operatorObjects.map((o) => o.kind).sort()).toEqual(['AlertmanagerConfig', 'PodMonitor', 'PrometheusRule', 'PrometheusRule', 'PrometheusRule', 'PrometheusRule', 'PrometheusRule', 'PrometheusRule', 'PrometheusRule', 'ScrapeConfig']);
    expect(schemaErrors(operatorObjects)).toEqual([]);
  });

  test('the AlertmanagerConfig\'s child routes (untyped JSON in the CRD) are valid routes too', () => {
    const routeSchema = crdSchema('monitoring.coreos.com.yaml', 'monitoring.coreos.com/v1alpha1', 'AlertmanagerConfig').properties.spec.properties.route;
    const am = objectsOfKind(objects, 'AlertmanagerConfig')[0];
    const children = (r: any): any[] => (r.routes ?? []).flatMap((c: any) => [c, ...children(c)]);
    const all = children(am.spec.route);
    expect(all.length).toBe(2);
    for (const r of all) expect(openApiProblems(r, routeSchema, '.route')).toEqual([]);
  });

  test('the check is real: a misspelt field or a bad duration fails the schema', () => {
    const rule = objectsOfKind(objects, 'PrometheusRule')[0];
    const bad = { ...rule, spec: { groups: [{ ...rule.spec.groups[0], interval: '5 minutes', extra: 1 }] } };
    expect(schemaErrors([bad])[0]).toMatch(/interval: "5 minutes" does not match .*; .*\.extra: is not a field of the CRD/);
  });

  test('every resource carries kube-prometheus-stack\'s selector label release=<release>, or the labels given', () => {
    for (const o of operatorObjects) expect(o.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/part-of': 'observability-stack' });
    const custom = synth({ prometheusOperator: { release: 'monitoring' } }).objects.filter((o) => OPERATOR_KINDS.includes(o.kind));
    for (const o of custom) expect(o.metadata.labels!.release).toBe('monitoring');
    const own = synth({ prometheusOperator: { selectorLabels: { prometheus: 'platform' } } }).objects.filter((o) => OPERATOR_KINDS.includes(o.kind));
    for (const o of own) {
      expect(o.metadata.labels!.prometheus).toBe('platform');
      expect(o.metadata.labels!.release).toBeUndefined();
    }
  });

  test('PrometheusRules are applied server-side by Argo CD and carry their sync wave', () => {
    for (const o of objectsOfKind(objects, 'PrometheusRule')) {
      expect(o.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'ServerSideApply=true', 'argocd.argoproj.io/sync-wave': '2' });
    }
  });
});

describe('operator mode: the PrometheusRules hold the rules the stack proves', () => {
  const native = nativeRuleFiles();
  const rules = objectsOfKind(objects, 'PrometheusRule');

  test('one PrometheusRule per rule file of the native stack, with the same groups and rules; alerts get the routing labels', () => {
    expect(rules.map((r) => r.metadata.name).sort()).toEqual([...native.keys()].sort());
    for (const r of rules) {
      const groups = (yaml.load(ruleFileOfPrometheusRule(r)) as any).groups;
      const strip = groups.map((g: any) => ({
        ...g,
        rules: g.rules.map((x: any) => {
          if (!x.alert) return x;
          expect(x.labels).toMatchObject({ namespace: 'observability', exported_namespace: '{{ $labels.namespace }}' });
          const { namespace: _n, exported_namespace: _e, ...labels } = x.labels;
          return { ...x, labels };
        }),
      }));
      expect({ groups: strip }).toEqual(native.get(r.metadata.name));
    }
  });

  test('promtool check rules accepts every rule file extracted from the PrometheusRules', () => {
    const files = Object.fromEntries(rules.map((r) => [`${r.metadata.name}.rules.yml`, ruleFileOfPrometheusRule(r)]));
    const dir = tree(files);
    const result = promtool(['check', 'rules', ...Object.keys(files)], dir);
    expect(result.output).toMatch(/slo-order-service\.rules\.yml\s+SUCCESS: \d+ rules found/);
    expect(result.status).toBe(0);
  });

  test('with matcher strategy None (or the Alertmanager\'s namespace) the alerts keep their own labels', () => {
    for (const strategy of ['None', 'OnNamespaceExceptForAlertmanagerNamespace'] as const) {
      const r = synth({ prometheusOperator: { alertmanagerConfigMatcherStrategy: strategy } }).objects;
      const platform = objectsOfKind(r, 'PrometheusRule').find((o) => o.metadata.name === 'platform')!;
      expect(yaml.load(ruleFileOfPrometheusRule(platform))).toEqual(native.get('platform'));
    }
  });

  test('under OnNamespace a workload alert is routed by the stack\'s namespace and keeps the workload\'s as exported_namespace (promtool)', () => {
    const platform = rules.find((o) => o.metadata.name === 'platform')!;
    const c = (pod: string) => `{namespace="shop",pod="${pod}",container="app",uid="${pod}-uid"}`;
    const test = {
      rule_files: ['platform.rules.yml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          { series: `kube_pod_container_status_restarts_total${c('orders-1')}`, values: '0+1x40' },
          { series: `kube_pod_container_status_waiting_reason{namespace="shop",pod="orders-1",container="app",uid="orders-1-uid",reason="CrashLoopBackOff"}`, values: '1x40' },
          { series: 'kube_pod_labels{namespace="shop",pod="orders-1",uid="orders-1-uid",label_app_kubernetes_io_name="order-service"}', values: '1x40' },
          { series: 'http_requests_total{service="order-service",status="500"}', values: '0+60x40' },
          { series: 'http_requests_total{service="order-service",status="200"}', values: '0+540x40' },
        ],
        alert_rule_test: [
          {
            eval_time: '15m',
            alertname: 'PodCrashLooping',
            exp_alerts: [{
              exp_labels: { namespace: 'observability', exported_namespace: 'shop', pod: 'orders-1', container: 'app', uid: 'orders-1-uid', service: 'order-service', severity: 'critical' },
              // the annotations read the expression's labels (the seed's text names the pod)
              exp_annotations: { summary: 'Pod is crash looping', description: 'Pod orders-1 is restarting frequently' },
            }],
          },
          // an alert without a namespace of its own gets only the routing namespace
          {
            eval_time: '15m',
            alertname: 'HighErrorRate',
            exp_alerts: [{
              exp_labels: { namespace: 'observability', service: 'order-service', severity: 'critical' },
              exp_annotations: { summary: 'High error rate detected', description: 'Error rate is above 1% for 5 minutes' },
            }],
          },
        ],
      }],
    };
    const dir = tree({ 'platform.rules.yml': ruleFileOfPrometheusRule(platform), 'platform.test.yml': yaml.dump(test) });
    const result = promtool(['test', 'rules', 'platform.test.yml'], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});

describe('operator mode: the AlertmanagerConfig, as the operator merges it into kube-prometheus-stack\'s Alertmanager (amtool)', () => {
  const am = objectsOfKind(objects, 'AlertmanagerConfig')[0];

  test('references every credential as a key of the credentials Secret, never a value', () => {
    expect(am.metadata).toMatchObject({ name: 'alertmanager', namespace: 'observability' });
    const receivers = Object.fromEntries(am.spec.receivers.map((r: any) => [r.name, r]));
    expect(receivers.pagerduty.pagerdutyConfigs[0].routingKey).toEqual({ name: 'alertmanager-credentials', key: 'pagerduty-routing-key' });
    expect(receivers.slack.slackConfigs[0].apiURL).toEqual({ name: 'alertmanager-credentials', key: 'slack-api-url' });
    expect(receivers.email.emailConfigs[0].authPassword).toEqual({ name: 'alertmanager-credentials', key: 'smtp-password' });
    expect(am.spec.inhibitRules.length).toBe(2);
  });

  /** kube-prometheus-stack's default configuration, plus a route of the team's own for critical alerts (to see `continue`). */
  const base = {
    ...KPS_DEFAULT_ALERTMANAGER_CONFIG,
    route: { ...KPS_DEFAULT_ALERTMANAGER_CONFIG.route, routes: [...KPS_DEFAULT_ALERTMANAGER_CONFIG.route.routes, { receiver: 'team-oncall', matchers: ['severity="critical"'] }] },
    receivers: [...KPS_DEFAULT_ALERTMANAGER_CONFIG.receivers, { name: 'team-oncall' }],
  };

  function merged(strategy: MatcherStrategy, objs: readonly K8sObject[] = objects): string {
    const secretsDir = tree(Object.fromEntries(['pagerduty-routing-key', 'slack-api-url', 'smtp-password'].map((k) => [`alertmanager-credentials/${k}`, `dummy-${k}\n`])));
    const config = operatorAlertmanagerConfig(base, objectsOfKind(objs, 'AlertmanagerConfig'), strategy, 'monitoring', secretsDir);
    return join(tree({ 'alertmanager.yml': yaml.dump(JSON.parse(JSON.stringify(config)), { lineWidth: -1 }) }), 'alertmanager.yml');
  }

  function routesTo(file: string, labels: string[]): string {
    const r = amtool(['config', 'routes', 'test', `--config.file=${file}`, ...labels]);
    return r.output.trim().split('\n').pop()!;
  }

  test('amtool accepts the merged configuration', () => {
    const r = amtool(['check-config', merged('OnNamespace')]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test('OnNamespace: the SLO alerts (labelled namespace=observability) page and ticket as in native mode, and continue to the team\'s own routes', () => {
    const file = merged('OnNamespace');
    const prefix = 'observability/alertmanager/';
    expect(routesTo(file, ['alertname=SLOErrorBudgetBurn', 'severity=critical', 'service=order-service', 'namespace=observability'])).toBe(`${prefix}pagerduty,${prefix}slack,team-oncall`);
    expect(routesTo(file, ['alertname=SLOErrorBudgetBurn', 'severity=warning', 'service=order-service', 'namespace=observability'])).toBe(`${prefix}slack`);
    expect(routesTo(file, ['alertname=Deploy', 'namespace=observability'])).toBe(`${prefix}email`);
    // without the routing label (what an alert of another namespace looks like), the stack's routes do not see it
    expect(routesTo(file, ['alertname=SLOErrorBudgetBurn', 'severity=warning', 'service=order-service'])).toBe('null');
    expect(routesTo(file, ['alertname=KubePodCrashLooping', 'severity=critical', 'namespace=shop'])).toBe('team-oncall');
  });

  test('None: the routes take every alert of the cluster, whatever its namespace', () => {
    const file = merged('None', synth({ prometheusOperator: { alertmanagerConfigMatcherStrategy: 'None' } }).objects);
    expect(routesTo(file, ['alertname=SLOErrorBudgetBurn', 'severity=warning', 'service=order-service'])).toBe('observability/alertmanager/slack');
    expect(routesTo(file, ['alertname=KubePodCrashLooping', 'severity=critical', 'namespace=shop'])).toBe('observability/alertmanager/pagerduty,observability/alertmanager/slack,team-oncall');
  });

  test('OnNamespaceExceptForAlertmanagerNamespace: the AlertmanagerConfig sits in the Alertmanager\'s namespace and sees every alert', () => {
    const objs = synth({ prometheusOperator: { alertmanagerConfigMatcherStrategy: 'OnNamespaceExceptForAlertmanagerNamespace' } }).objects;
    const cfg = objectsOfKind(objs, 'AlertmanagerConfig')[0];
    expect(cfg.metadata.namespace).toBe('monitoring');
    const file = merged('OnNamespaceExceptForAlertmanagerNamespace', objs);
    expect(routesTo(file, ['alertname=SLOErrorBudgetBurn', 'severity=warning', 'service=order-service'])).toBe('monitoring/alertmanager/slack');
  });

  test('alertmanager: false leaves the routing to the Alertmanager\'s own configuration (no AlertmanagerConfig, no routing labels)', () => {
    const objs = synth({ alertmanager: false }).objects;
    expect(objectsOfKind(objs, 'AlertmanagerConfig')).toEqual([]);
    const platform = objectsOfKind(objs, 'PrometheusRule').find((o) => o.metadata.name === 'platform')!;
    expect(ruleFileOfPrometheusRule(platform)).not.toContain('exported_namespace');
  });
});

describe('operator mode: the scrape jobs as the operator will run them', () => {
  test('the emulated operator configuration of every scrape resource passes promtool check config', () => {
    const objs = synth({
      nodeExporter: {},
      kubeStateMetrics: {},
      services: [...SERVICES, { name: 'checkout', probeUrl: 'http://checkout.shop.svc:8080/healthz', slos: [{ name: 'availability', objective: 99.9, sli: { kind: 'availability', source: 'probe' } }] }],
      monitors: [
        { name: 'payments', selector: { app: 'payments' }, port: 'metrics', interval: '30s', metricRelabelings: [{ sourceLabels: ['__name__'], regex: 'go_.*', action: 'drop' }] },
        { name: 'ledger', target: 'service', selector: { app: 'ledger' }, namespaces: ['finance'], port: 9102, scheme: 'https', path: '/internal/metrics' },
      ],
    }).objects;
    const kinds = objs.filter((o) => ['PodMonitor', 'ServiceMonitor', 'Probe', 'ScrapeConfig'].includes(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual([
      'PodMonitor/kube-state-metrics',
      'PodMonitor/kube-state-metrics-telemetry',
      'PodMonitor/kubernetes-pods',
      'PodMonitor/node-exporter',
      'PodMonitor/payments',
      'Probe/slo-probes',
      'ScrapeConfig/kubernetes-services',
      'ServiceMonitor/ledger',
    ]);
    expect(schemaErrors(objs.filter((o) => OPERATOR_KINDS.includes(o.kind)))).toEqual([]);
    const config = { global: { scrape_interval: '30s', evaluation_interval: '30s' }, scrape_configs: operatorScrapeJobs(objs) };
    const dir = tree({ 'prometheus.yml': yaml.dump(JSON.parse(JSON.stringify(config)), { lineWidth: -1 }) });
    const r = promtool(['check', 'config', '--syntax-only', 'prometheus.yml'], dir);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test('a job reading credentials from files cannot be an operator resource, and says why', () => {
    expect(() =>
      stack.metrics.addScrapeConfig({ jobName: 'kubelet', scheme: 'https', authorization: { credentialsFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' }, kubernetesSdConfigs: [{ role: 'node' }] }),
    ).toThrow(
      'observability/PrometheusOperator.scrapeConfigs[2].authorization.credentialsFile: reads a file in the Prometheus pod, which an operator-managed Prometheus does not mount (the operator\'s resources take credentials from Secrets) (got "kubelet"). Fix: leave this job out in operator mode, or write the operator resource for it yourself with a Secret reference.',
    );
  });
});

describe('operator mode: bad input', () => {
  test.each<[string, ObservabilityStackProps, string]>([
    [
      'a prop of the stack\'s own Prometheus',
      { prometheus: { retentionTime: '30d' } },
      'observability.prometheus.retentionTime: tunes the stack\'s own Prometheus, which operator mode does not deploy (got "30d"). Fix: set it on the operator\'s Prometheus resource (kube-prometheus-stack: prometheus.prometheusSpec), and the intervals as prometheusOperator.scrapeInterval / evaluationInterval.',
    ],
    [
      'a prop of the stack\'s own Alertmanager',
      { alertmanager: { replicas: 3 } },
      'observability.alertmanager.replicas: tunes the stack\'s own Alertmanager, which operator mode does not deploy (its AlertmanagerConfig takes routes, receivers, inhibitRules, credentialsSecretName, name and the smtp* defaults) (got 3). Fix: set it on the operator\'s Alertmanager resource (kube-prometheus-stack: alertmanager.alertmanagerSpec), or remove it.',
    ],
    [
      'an unknown matcher strategy',
      { prometheusOperator: { alertmanagerConfigMatcherStrategy: 'OnCluster' as never } },
      'observability/PrometheusOperator.alertmanagerConfigMatcherStrategy: must be one of OnNamespace, OnNamespaceExceptForAlertmanagerNamespace, None (got "OnCluster"). Fix: use the type your Alertmanager resource sets (OnNamespace unless you changed it).',
    ],
    [
      'no selector labels',
      { prometheusOperator: { selectorLabels: {} } },
      'observability/PrometheusOperator.selectorLabels: must hold at least one label (the operator selects resources by them) (got {}). Fix: give the labels, e.g. { release: "kube-prometheus-stack" }.',
    ],
  ])('%s', (_what, props, message) => {
    expect(() => new ObservabilityStack(new App(), 'observability', { prometheusOperator: {}, ...props })).toThrow(message);
  });
});
