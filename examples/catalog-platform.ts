/**
 * A platform team's catalog: services declare SLO classes, a few override them, one uses a probe-based availability
 * SLI and one a raw SLI over gRPC metrics; a team receiver gets its services' alerts; traces go to an external Jaeger.
 * People open Grafana through an Ingress with a cert-manager certificate; applications send OTLP to the node agents
 * over TLS; the NetworkPolicies know the ingress controller and the node subnet.
 * Run: `node_modules/.bin/tsx examples/catalog-platform.ts` (writes to CDK8S_OUTDIR, default dist.examples/).
 */
import { App } from 'cdk8s';
import { synthOrExit } from '../src/common/synth';
import { TlsCertificate } from '../src/common/tls';
import { Jaeger } from '../src/components/jaeger';
import { Matcher, Receiver } from '../src/components/alertmanager';
import { ObservabilityStack } from '../src/stack';
import { BUCKETS_WITH_200MS, ServiceSpec } from '../src/slo';

const services: ServiceSpec[] = [
  { name: 'checkout', class: 'CRITICAL', histogramBuckets: BUCKETS_WITH_200MS, labels: { team: 'payments' } },
  { name: 'cart', class: 'HIGH_FAST', histogramBuckets: BUCKETS_WITH_200MS, overrides: { 'error-rate': { objective: 99.95 } } },
  { name: 'search', class: 'HIGH_SLOW', period: '28d' },
  {
    name: 'storefront',
    probeUrl: 'http://storefront.shop.svc:8080/healthz',
    slos: [{ name: 'availability', objective: 99.5, sli: { kind: 'availability', source: 'probe' }, annotations: { runbookUrl: 'https://runbooks.example.com/storefront' } }],
  },
  {
    name: 'inventory-grpc',
    slos: [
      {
        name: 'grpc-errors',
        objective: 99.9,
        sli: {
          kind: 'raw',
          errorQuery: 'sum(rate(grpc_server_handled_total{grpc_service="inventory",grpc_code!="OK"}[{{window}}]))',
          totalQuery: 'sum(rate(grpc_server_handled_total{grpc_service="inventory"}[{{window}}]))',
        },
      },
    ],
  },
];

synthOrExit(() => {
  const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist.examples' });
  const stack = new ObservabilityStack(app, 'observability', {
    services,
    jaeger: Jaeger.fromEndpoints({ queryUrl: 'http://jaeger-query.tracing.svc:16686', otlpGrpcEndpoint: 'jaeger-collector.tracing.svc:4317' }),
    prometheus: { retentionTime: '30d', storageSize: '200Gi' },
    alertmanager: { replicas: 3 },
    grafana: {
      ingress: { host: 'grafana.example.com', ingressClassName: 'nginx', tls: TlsCertificate.fromCertManager({ issuer: { name: 'letsencrypt' } }) },
    },
    otelAgent: { tls: TlsCertificate.fromCertManager({ issuer: { name: 'internal-ca' } }) },
    networkPolicies: {
      ingressController: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
      nodeCidrs: ['10.0.0.0/16'],
    },
  });
  stack.alertmanager?.addReceiver(Receiver.slack('payments-slack', { channel: '#payments-alerts', apiUrlSecretKey: 'payments-slack-api-url' }));
  stack.alertmanager?.addRoute({ receiver: 'payments-slack', matchers: [Matcher.equal('team', 'payments')] }, { beforeExisting: true });
  return app;
});
