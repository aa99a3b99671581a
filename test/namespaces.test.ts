import { Chart, Testing } from 'cdk8s';
import { ConfigError } from '../src/common/errors';
import { AGENT_NAMESPACE_CONTEXT } from '../src/common/namespace';
import { Alertmanager } from '../src/components/alertmanager';
import { NodeExporter } from '../src/components/exporters';
import { Grafana } from '../src/components/grafana';
import { Loki } from '../src/components/loki';
import { Prometheus } from '../src/components/prometheus';
import { ObservabilityStack } from '../src/stack';
import { schemaErrors } from './helpers/schema';
import { K8sObject, configFile, configFiles, synthObjects } from './helpers/synth';
import { amtool, promConfigWithLocalPaths, promtool, writeTree } from './helpers/tools';

/**
 * One namespace rule (a DNS-1123 label, src/common/validation.ts) and one default (the chart's namespace, the
 * stack's agents namespace for node agents, src/common/namespace.ts) for every component.
 */

function synthStack(namespace: string, agentNamespace: string): K8sObject[] {
  const stack = new ObservabilityStack(Testing.app(), 'observability', {
    namespace,
    agentNamespace,
    services: [{ name: 'shop', slos: [{ name: 'errors', objective: 99.9, sli: { kind: 'error-rate' } }] }],
  });
  return synthObjects(stack);
}

describe('namespaces', () => {
  test('a namespace starting with a digit (a valid DNS-1123 label) synthesizes, and promtool and amtool accept the configs', () => {
    // GIVEN the namespace the issue reported: Kubernetes accepts it, every component used to refuse parts of it
    const objects = synthStack('9lives', '9lives-agents');
    // THEN every object lands where it should and validates against the Kubernetes schema
    const namespaced = objects.filter((o) => o.kind !== 'Namespace' && !o.kind.startsWith('Cluster'));
    expect([...new Set(namespaced.map((o) => o.metadata.namespace))].sort()).toEqual(['9lives', '9lives-agents']);
    expect(schemaErrors(objects)).toEqual([]);
    // AND the rendered prometheus.yml and alertmanager.yml pass the upstream checkers
    const dir = writeTree(
      Object.fromEntries([...configFiles(objects)].filter(([k]) => k.endsWith('.rules.yml')).map(([k, v]) => [`rules/${k.split('/')[1]}`, v])),
      'obs-9lives-',
    );
    const prom = writeTree({ 'prometheus.yml': promConfigWithLocalPaths(configFile(objects, 'prometheus.yml'), dir) }, 'obs-9lives-prom-');
    const checked = promtool(['check', 'config', 'prometheus.yml'], prom);
    expect(checked.output).not.toMatch(/FAILED/);
    expect(checked.status).toBe(0);
    expect(configFile(objects, 'prometheus.yml')).toContain('alertmanager-0.alertmanager-headless.9lives.svc:9093');
    const am = writeTree(
      { 'alertmanager.yml': configFile(objects, 'alertmanager.yml').replace(/\/etc\/alertmanager\/secrets\//g, 'secrets/'), 'secrets/pagerduty-routing-key': 'k', 'secrets/slack-api-url': 'https://hooks.slack.com/x', 'secrets/smtp-password': 'p' },
      'obs-9lives-am-',
    );
    const amChecked = amtool(['check-config', 'alertmanager.yml'], am);
    expect(amChecked.output).toMatch(/SUCCESS/);
    expect(amChecked.status).toBe(0);
  });

  test('a namespace that is not a DNS-1123 label fails with one message, whichever component would have refused it', () => {
    expect(() => synthStack('Team_A', 'team-a-agents')).toThrow(
      new ConfigError({
        path: 'observability.namespace',
        message:
          'is not a valid Kubernetes name: it contains uppercase letters; Kubernetes names (DNS-1123 labels) are at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit',
        value: 'Team_A',
        fix: 'use "team-a".',
      }).message,
    );
    // The same rule and sentence for a component used alone, under its construct path.
    expect(() => new Loki(Testing.chart(), 'Loki', { namespace: 'Team_A' })).toThrow(/^test\/Loki\.namespace: is not a valid Kubernetes name: it contains uppercase letters; Kubernetes names \(DNS-1123 labels\)/);
    expect(() => new Prometheus(Testing.chart(), 'Prometheus', { namespace: 'Team_A' })).toThrow(/^test\/Prometheus\.namespace: is not a valid Kubernetes name: it contains uppercase letters; Kubernetes names \(DNS-1123 labels\)/);
  });

  test('components take the chart\'s namespace when their props name none', () => {
    const chart = new Chart(Testing.app(), 'team', { namespace: 'team-monitoring' });
    const alertmanager = new Alertmanager(chart, 'Alertmanager');
    const prometheus = new Prometheus(chart, 'Prometheus', { alertmanagers: [alertmanager] });
    new Grafana(chart, 'Grafana', { prometheus });
    expect([alertmanager.namespace, prometheus.namespace]).toEqual(['team-monitoring', 'team-monitoring']);
    expect(prometheus.queryUrl).toBe('http://prometheus.team-monitoring.svc:9090');
    const objects = synthObjects(chart);
    const namespaced = objects.filter((o) => !o.kind.startsWith('Cluster'));
    expect([...new Set(namespaced.map((o) => o.metadata.namespace))]).toEqual(['team-monitoring']);
  });

  test('without a chart namespace, the stack default: observability, and observability-agents for node agents', () => {
    const chart = Testing.chart();
    expect(new Prometheus(chart, 'Prometheus').namespace).toBe('observability');
    expect(new NodeExporter(chart, 'NodeExporter').namespace).toBe('observability-agents');
  });

  test('cluster-scoped objects (Namespaces, ClusterRoles, their bindings) carry no namespace, in a chart that has one', () => {
    const objects = synthObjects(new ObservabilityStack(Testing.app(), 'observability'));
    const clusterScoped = objects.filter((o) => o.kind === 'Namespace' || o.kind.startsWith('Cluster'));
    expect(clusterScoped.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/observability-agents-otel-agent',
      'ClusterRole/observability-kube-state-metrics',
      'ClusterRole/observability-prometheus',
      'ClusterRoleBinding/observability-agents-otel-agent',
      'ClusterRoleBinding/observability-kube-state-metrics',
      'ClusterRoleBinding/observability-prometheus',
      'Namespace/observability',
      'Namespace/observability-agents',
    ]);
    for (const o of clusterScoped) expect([o.kind, o.metadata.name, o.metadata.namespace]).toEqual([o.kind, o.metadata.name, undefined]);
  });

  test('node agents take the stack\'s agents namespace', () => {
    const stack = new ObservabilityStack(Testing.app(), 'observability', { namespace: 'mon', agentNamespace: 'mon-nodes' });
    expect(stack.node.tryGetContext(AGENT_NAMESPACE_CONTEXT)).toBe('mon-nodes');
    expect([stack.nodeExporter?.namespace, stack.otelAgent?.namespace]).toEqual(['mon-nodes', 'mon-nodes']);
    expect([stack.prometheus.namespace, stack.kubeStateMetrics?.namespace, stack.otelGateway?.namespace]).toEqual(['mon', 'mon', 'mon']);
  });
});
