import { IJaeger, ILoki, IOtlpReceiver, IPrometheus } from '../../../src/common/endpoints';

/** Backends with distinctive endpoints, so a test can tell that a value came from the object passed in. */
export const JAEGER: IJaeger = {
  queryUrl: 'http://tracing-ui.tracing.svc:16686',
  otlpGrpcEndpoint: 'jaeger-collector.tracing.svc:14317',
  otlpHttpUrl: 'http://jaeger-collector.tracing.svc:14318',
};

export const LOKI: ILoki = {
  queryUrl: 'http://logs.logging.svc:3100',
  pushUrl: 'http://logs.logging.svc:3100/loki/api/v1/push',
  otlpUrl: 'http://logs.logging.svc:3100/otlp',
};

export const PROMETHEUS: IPrometheus = {
  queryUrl: 'http://metrics.monitoring.svc:9090',
  remoteWriteUrl: 'http://metrics.monitoring.svc:9090/api/v1/write',
  otlpMetricsUrl: 'http://metrics.monitoring.svc:9090/api/v1/otlp/v1/metrics',
};

/** An external collector that is not an OtelCollectorGateway. */
export const EXTERNAL_GATEWAY: IOtlpReceiver = {
  otlpGrpcEndpoint: 'central-collector.telemetry.svc:4317',
  otlpHttpUrl: 'http://central-collector.telemetry.svc:4318',
};
