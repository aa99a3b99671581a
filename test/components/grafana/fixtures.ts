import { DatasourceBackends } from '../../../src/components/grafana/config';

/** External-looking backends, as in-stack components or external services would expose them. */
export const BACKENDS: Required<DatasourceBackends> = {
  prometheus: { queryUrl: 'http://prometheus.observability.svc:9090', remoteWriteUrl: 'x', otlpMetricsUrl: 'x' },
  loki: { queryUrl: 'http://loki.observability.svc:3100', pushUrl: 'x', otlpUrl: 'x' },
  jaeger: { queryUrl: 'http://jaeger.observability.svc:16686', otlpGrpcEndpoint: 'x', otlpHttpUrl: 'x' },
  alertmanager: { targets: ['alertmanager.observability.svc:9093'], url: 'http://alertmanager.observability.svc:9093' },
};
