import { ServiceSpec } from '../../src/slo';

/** Representative specs for golden files and promtool checks besides the seed's order-service. */
export const CHECKOUT_RAW_28D: ServiceSpec = {
  name: 'checkout',
  period: '28d',
  labels: { team: 'payments' },
  slos: [
    {
      name: 'grpc-errors',
      objective: 99.5,
      sli: {
        kind: 'raw',
        errorQuery: 'sum(rate(grpc_server_handled_total{grpc_service="checkout",grpc_code!="OK"}[{{window}}]))',
        totalQuery: 'sum(rate(grpc_server_handled_total{grpc_service="checkout"}[{{window}}]))',
        sourceSelector: 'grpc_server_handled_total{grpc_service="checkout"}',
      },
      ticket: false,
      page: { labels: { routing_key: 'payments' } },
      annotations: { summary: 'Checkout gRPC calls are failing', runbookUrl: 'https://runbooks.example.com/checkout/grpc-errors' },
    },
  ],
};

export const SEARCH_CLASS: ServiceSpec = {
  name: 'search',
  class: 'HIGH_SLOW',
  matchers: { service: 'search', namespace: 'shop' },
  metrics: { requestsTotal: 'search_requests_total', requestDuration: 'search_request_duration_seconds', statusLabel: 'code' },
  overrides: { 'latency-p95': false, 'error-rate': { objective: 99.95, minRequestRate: 1 } },
};
