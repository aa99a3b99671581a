import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { routeOf } from '../src';
import { startOrderService, startPaymentService } from '../src/demo';
import { findSamples, OTLP_STATUS, OtlpReceiver, parseExposition } from '../src/testing';
import { LineCollector, listen, testKit } from './helpers';

function memoryKit(name: string) {
  const exporter = new InMemorySpanExporter();
  const t = testKit(name, { traces: { exporters: [], spanProcessors: [new SimpleSpanProcessor(exporter)] } });
  return { ...t, spans: (): ReadableSpan[] => exporter.getFinishedSpans() };
}

describe('traceFunction (the seed trace_function)', () => {
  test('success: status OK, span ended, value returned', async () => {
    const { kit, spans } = memoryKit('s');
    const add = kit.traceFunction('add', async (a: number, b: number) => a + b);
    await expect(add(2, 3)).resolves.toBe(5);
    expect(spans()).toHaveLength(1);
    expect(spans()[0]).toMatchObject({ name: 'add', kind: SpanKind.INTERNAL, status: { code: SpanStatusCode.OK } });
  });

  test('an async rejection is recorded as an exception, status ERROR with the message, and re-thrown', async () => {
    const { kit, spans } = memoryKit('s');
    const charge = kit.traceFunction(undefined, async function chargeCard(): Promise<never> {
      throw new RangeError('card declined');
    });
    await expect(charge()).rejects.toThrow('card declined');
    const [span] = spans();
    expect(span.name).toBe('chargeCard');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card declined' });
    const ev = span.events.find((e) => e.name === 'exception')!;
    expect(ev.attributes).toMatchObject({ 'exception.type': 'RangeError', 'exception.message': 'card declined' });
    expect(String(ev.attributes?.['exception.stacktrace'])).toMatch(/RangeError: card declined/);
  });

  test('a synchronous throw likewise; nested spans are children of the active one', () => {
    const { kit, spans } = memoryKit('s');
    const inner = kit.traceFunction('inner', () => {
      throw new Error('boom');
    });
    expect(() => kit.withSpan('outer', () => inner())).toThrow('boom');
    const byName = Object.fromEntries(spans().map((s) => [s.name, s]));
    expect(byName.inner.parentSpanContext?.spanId).toBe(byName.outer.spanContext().spanId);
    expect(byName.inner.status.code).toBe(SpanStatusCode.ERROR);
    expect(byName.outer.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('server errors', () => {
  test('node:http: a throwing handler answers 500, its span is ERROR with the exception, and status="500" is counted', async () => {
    const { kit, spans } = memoryKit('s');
    const srv = await listen(
      kit.httpHandler(
        (req, res) => {
          if (routeOf(req)?.route === '/bad/:id') throw new Error('handler exploded');
          if (routeOf(req)?.route === '/teapot') throw Object.assign(new Error('short and stout'), { statusCode: 418 });
          res.end('ok');
        },
        { routes: ['/bad/:id', '/teapot'] },
      ),
    );
    try {
      expect((await fetch(`${srv.url}/bad/7`)).status).toBe(500);
      expect((await fetch(`${srv.url}/teapot`)).status).toBe(418);
      const bad = spans().find((s) => s.name === 'GET /bad/:id')!;
      expect(bad.kind).toBe(SpanKind.SERVER);
      expect(bad.status).toEqual({ code: SpanStatusCode.ERROR, message: 'handler exploded' });
      expect(bad.events.map((e) => e.name)).toEqual(['exception']);
      expect(bad.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': 'Error', 'http.route': '/bad/:id' });
      // A 4xx is the client's error: the server span's status stays unset.
      const teapot = spans().find((s) => s.name === 'GET /teapot')!;
      expect(teapot.status.code).toBe(SpanStatusCode.UNSET);
      const parsed = parseExposition(await kit.metrics.exposition());
      expect(findSamples(parsed, 'http_requests_total', { endpoint: '/bad/:id', status: '500' })[0].value).toBe(1);
      expect(findSamples(parsed, 'http_requests_total', { endpoint: '/teapot', status: '418' })[0].value).toBe(1);
    } finally {
      await srv.close();
    }
  });

  test('Fastify: an injected fault is a 500 with an ERROR span carrying the exception; a 400 is not an error', async () => {
    const receiver = await OtlpReceiver.start();
    const svc = await startOrderService({
      faults: { errorRate: 1 },
      instrumentation: { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, logs: { sink: new LineCollector() }, metrics: { defaultMetrics: false } },
    });
    try {
      const post = (body: unknown) => fetch(`${svc.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post({ amount: 10 })).status).toBe(500);
      expect((await post({ amount: -1 })).status).toBe(400);
      await svc.kit.forceFlush();
      const [failed, rejected] = receiver.spansOf('order-service').filter((s) => s.name === 'POST /orders');
      expect(failed.status).toEqual({ code: OTLP_STATUS.ERROR, message: 'injected fault: order store unavailable' });
      expect(failed.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.message': 'injected fault: order store unavailable' } });
      expect(failed.attributes['http.response.status_code']).toBe(500);
      expect(rejected.status.code).toBe(OTLP_STATUS.UNSET);
      expect(rejected.attributes['http.response.status_code']).toBe(400);
      const parsed = parseExposition(await svc.kit.metrics.exposition());
      expect(findSamples(parsed, 'http_requests_total', { endpoint: '/orders', status: '500' })[0].value).toBe(1);
      expect(findSamples(parsed, 'order_total', { status: 'failed' })[0].value).toBe(1);
    } finally {
      await svc.close();
      await receiver.close();
    }
  });

  test('a downstream failure: payment charge-card ERROR, payment 500, order 502 — each span ERROR in its own service', async () => {
    const receiver = await OtlpReceiver.start();
    const quiet = { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, logs: { sink: new LineCollector() }, metrics: { defaultMetrics: false } };
    const payment = await startPaymentService({ faults: { errorRate: 1 }, instrumentation: quiet });
    const order = await startOrderService({ paymentUrl: payment.url, instrumentation: quiet });
    try {
      const res = await fetch(`${order.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount":5}' });
      expect(res.status).toBe(502);
      await Promise.all([order.kit.forceFlush(), payment.kit.forceFlush()]);
      const byName = (svc: string, name: string) => receiver.spansOf(svc).find((s) => s.name === name)!;
      expect(byName('payment-service', 'charge-card').status).toEqual({ code: OTLP_STATUS.ERROR, message: 'injected fault: card network timeout' });
      expect(byName('payment-service', 'POST /payments').status.code).toBe(OTLP_STATUS.ERROR);
      expect(byName('order-service', 'POST').attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500' });
      expect(byName('order-service', 'POST').status.code).toBe(OTLP_STATUS.ERROR);
      expect(byName('order-service', 'POST /orders').attributes['http.response.status_code']).toBe(502);
      expect(byName('order-service', 'POST /orders').status.code).toBe(OTLP_STATUS.ERROR);
    } finally {
      await order.close();
      await payment.close();
      await receiver.close();
    }
  });

  test('a client that hangs up is counted as status="499", not as a server error', async () => {
    const { kit } = memoryKit('s');
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((r) => (entered = r));
    const srv = await listen(kit.httpHandler(() => entered(), { routes: ['/slow'] }));
    try {
      const ac = new AbortController();
      const req = fetch(`${srv.url}/slow`, { signal: ac.signal }).catch(() => undefined);
      await inHandler;
      ac.abort();
      await req;
      // The server sees the socket close; bounded wait for the close to be processed.
      let count = 0;
      for (let i = 0; i < 100 && count === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        count = findSamples(parseExposition(await kit.metrics.exposition()), 'http_requests_total', { endpoint: '/slow', status: '499' })[0]?.value ?? 0;
      }
      expect(count).toBe(1);
      expect(findSamples(parseExposition(await kit.metrics.exposition()), 'active_connections')[0].value).toBe(0);
    } finally {
      await srv.close();
    }
  });
});
