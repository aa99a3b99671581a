/**
 * A cluster that already runs kube-prometheus-stack (Helm release `monitoring` in namespace `monitoring`): operator
 * mode. The stack deploys Grafana, Loki, Jaeger, the collectors and blackbox-exporter, and hands its SLO rules,
 * platform alerts, scrape jobs and routing to the Prometheus Operator as PrometheusRules, PodMonitors/ServiceMonitors,
 * a Probe, a ScrapeConfig and an AlertmanagerConfig labelled `release: monitoring`. Two workloads are monitored with
 * typed monitors (a PodMonitor by port name, a ServiceMonitor by container port number).
 * Run: `node_modules/.bin/tsx examples/kube-prometheus-stack.ts` (writes to CDK8S_OUTDIR, default dist.examples/).
 */
import { App } from 'cdk8s';
import { ObservabilityStack, ORDER_SERVICE, synthOrExit } from 'observability-stack';

synthOrExit(() => {
  const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist.examples' });
  new ObservabilityStack(app, 'observability', {
    prometheusOperator: { release: 'monitoring', namespace: 'monitoring' },
    services: [
      ORDER_SERVICE,
      { name: 'checkout', class: 'HIGH_FAST', histogramBuckets: ORDER_SERVICE.histogramBuckets, probeUrl: 'http://checkout.shop.svc:8080/healthz', slos: [{ name: 'availability', objective: 99.9, sli: { kind: 'availability', source: 'probe' } }] },
    ],
    monitors: [
      { name: 'payments', selector: { 'app.kubernetes.io/name': 'payment-service' }, namespaces: ['shop'], port: 'metrics', interval: '30s' },
      {
        name: 'ledger',
        target: 'service',
        selector: { app: 'ledger' },
        namespaces: ['finance'],
        port: 9102,
        path: '/internal/metrics',
        metricRelabelings: [{ sourceLabels: ['__name__'], regex: 'go_gc_.*', action: 'drop' }],
      },
    ],
  });
  return app;
});
