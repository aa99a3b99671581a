import { OTLP_SPAN_KIND, OTLP_STATUS, OtlpReceiver, ReceivedSpan } from '../src/testing';
import { RunningService, startOrderService, startPaymentService } from '../src/demo';
import { LineCollector, PARENT_SPAN_ID, SAMPLED_PARENT, TRACE_ID } from './helpers';

/**
 * Two services chained over real loopback HTTP — the demo order-service (Fastify middleware) calling the demo
 * payment-service (node:http middleware) with the kit's fetch — exporting OTLP/HTTP to a loopback receiver.
 */
describe('trace context and baggage across two services, exported over OTLP', () => {
  let receiver: OtlpReceiver;
  let payment: RunningService;
  let order: RunningService;
  const orderLogs = new LineCollector();
  const paymentLogs = new LineCollector();
  let body: { id: string; payment: { id: string; received: { traceparent: string; baggage: Record<string, string> } } };
  let spans: { order: ReceivedSpan[]; payment: ReceivedSpan[] };

  const envFor = (pod: string) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,service.namespace=shop',
    K8S_POD_NAME: pod,
    K8S_POD_UID: `${pod}-uid`,
    K8S_NAMESPACE_NAME: 'shop',
    K8S_NODE_NAME: 'node-1',
  });

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    payment = await startPaymentService({
      instrumentation: { env: envFor('payment-5f6d'), logs: { sink: paymentLogs }, metrics: { defaultMetrics: false } },
    });
    order = await startOrderService({
      paymentUrl: payment.url,
      instrumentation: { env: envFor('order-7d9c'), logs: { sink: orderLogs }, metrics: { defaultMetrics: false } },
    });
    const res = await fetch(`${order.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: SAMPLED_PARENT, baggage: 'customer.tier=gold,session.id=s-1' },
      body: JSON.stringify({ amount: 42.5, currency: 'EUR', payment_method: 'paypal' }),
    });
    expect(res.status).toBe(201);
    body = (await res.json()) as typeof body;
    await Promise.all([order.kit.forceFlush(), payment.kit.forceFlush()]);
    spans = { order: receiver.spansOf('order-service'), payment: receiver.spansOf('payment-service') };
  });

  afterAll(async () => {
    await order?.close();
    await payment?.close();
    await receiver?.close();
  });

  const one = (list: ReceivedSpan[], name: string): ReceivedSpan => {
    const found = list.filter((s) => s.name === name);
    expect(found.map((s) => s.name)).toEqual([name]);
    return found[0];
  };

  test('the OTLP export reached the loopback receiver as OTLP/HTTP JSON on /v1/traces', () => {
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests.every((r) => r.startsWith('POST /v1/traces application/json'))).toBe(true);
  });

  test('the incoming traceparent is extracted: the order server span continues the caller trace', () => {
    const server = one(spans.order, 'POST /orders');
    expect(server.kind).toBe(OTLP_SPAN_KIND.SERVER);
    expect(server.traceId).toBe(TRACE_ID);
    expect(server.parentSpanId).toBe(PARENT_SPAN_ID);
  });

  test('the outgoing call carries a traceparent naming the client span, and the baggage', () => {
    const client = one(spans.order, 'POST');
    const server = one(spans.order, 'POST /orders');
    expect(client.kind).toBe(OTLP_SPAN_KIND.CLIENT);
    expect(client.parentSpanId).toBe(server.spanId);
    expect(body.payment.received.traceparent).toBe(`00-${TRACE_ID}-${client.spanId}-01`);
    expect(body.payment.received.baggage).toEqual({ 'customer.tier': 'gold', 'session.id': 's-1' });
  });

  test('parent/child links across both services form one trace', () => {
    const orderServer = one(spans.order, 'POST /orders');
    const save = one(spans.order, 'save-order');
    const client = one(spans.order, 'POST');
    const paymentServer = one(spans.payment, 'POST /payments');
    const charge = one(spans.payment, 'charge-card');
    expect([orderServer, save, client, paymentServer, charge].every((s) => s.traceId === TRACE_ID)).toBe(true);
    expect(save.parentSpanId).toBe(orderServer.spanId);
    expect(save.kind).toBe(OTLP_SPAN_KIND.INTERNAL);
    expect(paymentServer.parentSpanId).toBe(client.spanId);
    expect(paymentServer.kind).toBe(OTLP_SPAN_KIND.SERVER);
    expect(charge.parentSpanId).toBe(paymentServer.spanId);
    expect(charge.status.code).toBe(OTLP_STATUS.OK);
  });

  test('server spans have the HTTP semantic-convention attributes, named by method and route template', () => {
    const s = one(spans.order, 'POST /orders');
    expect(s.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/orders',
      'http.response.status_code': 201,
      'url.path': '/orders',
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': order.port,
      'client.address': '127.0.0.1',
      'network.protocol.version': '1.1',
    });
    expect(s.status.code).toBe(OTLP_STATUS.UNSET);
    expect(one(spans.payment, 'POST /payments').attributes).toMatchObject({ 'http.route': '/payments', 'http.response.status_code': 201 });
    expect(one(spans.order, 'POST').attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.full': `${payment.url}/payments`,
      'server.address': '127.0.0.1',
      'server.port': payment.port,
      'http.response.status_code': 201,
    });
  });

  test('resource attributes come from code, OTEL_RESOURCE_ATTRIBUTES and the downward API environment', () => {
    const r = one(spans.order, 'POST /orders').resource;
    expect(r).toMatchObject({
      'service.name': 'order-service',
      'service.version': '1.0.0',
      'service.namespace': 'shop',
      'deployment.environment.name': 'test',
      'k8s.pod.name': 'order-7d9c',
      'k8s.pod.uid': 'order-7d9c-uid',
      'k8s.namespace.name': 'shop',
      'k8s.node.name': 'node-1',
      'telemetry.sdk.language': 'nodejs',
    });
    expect(one(spans.payment, 'POST /payments').resource).toMatchObject({ 'service.name': 'payment-service', 'k8s.pod.name': 'payment-5f6d' });
  });

  test('each service logs with the trace id and span id of its active span', () => {
    const created = orderLogs.records.find((r) => r.message === 'Order created')!;
    const captured = paymentLogs.records.find((r) => r.message === 'Payment captured')!;
    expect(created).toMatchObject({ level: 'INFO', service: 'order-service', trace_id: TRACE_ID, span_id: one(spans.order, 'POST /orders').spanId });
    expect(created.context).toMatchObject({ order_id: body.id, amount: 42.5, currency: 'EUR', payment_method: 'paypal', customer_tier: 'gold' });
    expect(captured).toMatchObject({ service: 'payment-service', trace_id: TRACE_ID, span_id: one(spans.payment, 'POST /payments').spanId });
  });
});
