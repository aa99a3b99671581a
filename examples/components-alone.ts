/**
 * Components used alone, outside ObservabilityStack: a Prometheus and an Alertmanager in a chart of your own, wired by
 * reference, with a team's rule group and an external Loki for Grafana.
 * Run: `node_modules/.bin/tsx examples/components-alone.ts` (writes to CDK8S_OUTDIR, default dist.examples/). It imports only
 * from the package's public API, so it runs unchanged in a project that installed `observability-stack`.
 */
import { App, Chart } from 'cdk8s';
import { Alertmanager, Grafana, Loki, platformAlertRules, Prometheus, serviceOverviewDashboard, stackNamespace, synthOrExit } from 'observability-stack';

synthOrExit(() => {
  const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist.examples' });
  const chart = new Chart(app, 'team-monitoring');
  const namespace = 'team-monitoring';
  stackNamespace(chart, 'Namespace', { name: namespace, enforce: 'restricted' });
  const alertmanager = new Alertmanager(chart, 'Alertmanager', { namespace });
  const prometheus = new Prometheus(chart, 'Prometheus', { namespace, alertmanagers: [alertmanager], retentionTime: '7d', storageSize: '20Gi' });
  prometheus.addRuleGroup(platformAlertRules(), 'platform.rules.yml');
  prometheus.addRuleGroup(
    {
      name: 'team',
      rules: [
        {
          alert: 'QueueBacklog',
          expr: 'sum by (service) (queue_depth{team="orders"}) > 1000',
          for: '10m',
          labels: { severity: 'warning' },
          annotations: { summary: 'Queue backlog on {{ $labels.service }}' },
        },
      ],
    },
    'team.rules.yml',
  );
  const grafana = new Grafana(chart, 'Grafana', { namespace, prometheus, alertmanager, loki: Loki.fromUrl('http://loki-gateway.logging.svc') });
  grafana.addDashboard(serviceOverviewDashboard());
  return app;
});
