import { DEFAULT_HTTP_BUCKETS, routeOf, UNMATCHED_ROUTE } from '../src';
import { findSamples, parseExposition, ParsedExposition } from '../src/testing';
import { listen, SAMPLED_PARENT, testKit, TRACE_ID, UNSAMPLED_PARENT } from './helpers';

/** A node:http service with the kit's middleware: routes /orders and /orders/:id, a held request, and /metrics. */
async function service() {
  const { kit } = testKit('order-service');
  const metrics = kit.metricsHandler();
  let release: (() => void) | undefined;
  const held = new Promise<void>((r) => (release = r));
  let entered: () => void = () => undefined;
  const holdEntered = new Promise<void>((r) => (entered = r));
  const handler = kit.httpHandler(
    async (req, res) => {
      if (req.url === '/metrics') return metrics(req, res);
      const m = routeOf(req);
      if (m?.route === '/hold') {
        entered();
        await held;
      }
      res.statusCode = m ? (m.route === '/orders' && req.method === 'POST' ? 201 : 200) : 404;
      res.end(JSON.stringify(m ?? null));
    },
    { routes: ['/orders', '/orders/:id', '/hold'] },
  );
  const srv = await listen((req, res) => void handler(req, res));
  const scrape = async (): Promise<{ text: string; parsed: ParsedExposition; contentType: string | null }> => {
    const res = await fetch(`${srv.url}/metrics`);
    const text = await res.text();
    return { text, parsed: parseExposition(text), contentType: res.headers.get('content-type') };
  };
  return { kit, srv, scrape, release: () => release?.(), holdEntered };
}

describe('exposition over loopback HTTP', () => {
  let s: Awaited<ReturnType<typeof service>>;
  beforeAll(async () => {
    s = await service();
    for (const id of ['1', '2', '3']) await (await fetch(`${s.srv.url}/orders/${id}?x=${id}`)).text();
    await (await fetch(`${s.srv.url}/orders`, { method: 'POST', body: '{}' })).text();
    for (const p of ['/wp-login.php', '/a/b/c', '/orders/1/2']) await (await fetch(`${s.srv.url}${p}`)).text();
    await (await fetch(`${s.srv.url}/orders/9`, { headers: { traceparent: SAMPLED_PARENT } })).text();
  });
  afterAll(async () => {
    s.release();
    await s.srv.close();
    await s.kit.shutdown();
  });

  test('is OpenMetrics, ends with # EOF, and has the seed names and types', async () => {
    const { parsed, contentType } = await s.scrape();
    expect(contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(parsed.eof).toBe(true);
    // OpenMetrics names the counter family without _total; its samples are http_requests_total.
    expect(parsed.families.get('http_requests')?.type).toBe('counter');
    expect(parsed.families.get('http_request_duration_seconds')?.type).toBe('histogram');
    expect(parsed.families.get('active_connections')?.type).toBe('gauge');
  });

  test('http_requests_total has method, endpoint and status; endpoint is the route template, never the path', async () => {
    const { parsed } = await s.scrape();
    const samples = findSamples(parsed, 'http_requests_total');
    expect(samples.every((x) => Object.keys(x.labels).sort().join() === 'endpoint,method,status')).toBe(true);
    expect(findSamples(parsed, 'http_requests_total', { method: 'GET', endpoint: '/orders/:id', status: '200' })[0].value).toBe(4);
    expect(findSamples(parsed, 'http_requests_total', { method: 'POST', endpoint: '/orders', status: '201' })[0].value).toBe(1);
    const endpoints = new Set(samples.map((x) => x.labels.endpoint));
    expect([...endpoints].sort()).toEqual(['/orders', '/orders/:id', UNMATCHED_ROUTE].sort());
    // Three different unknown paths: one series.
    expect(findSamples(parsed, 'http_requests_total', { endpoint: UNMATCHED_ROUTE, status: '404' })[0].value).toBe(3);
    // The scrape itself is not counted.
    expect(samples.some((x) => x.labels.endpoint.includes('metrics'))).toBe(false);
  });

  test('the histogram has the default buckets (the seed buckets plus le="0.2") and method, endpoint', async () => {
    const { parsed } = await s.scrape();
    const buckets = findSamples(parsed, 'http_request_duration_seconds_bucket', { method: 'GET', endpoint: '/orders/:id' });
    expect(buckets.map((b) => b.labels.le)).toEqual([...DEFAULT_HTTP_BUCKETS.map(String), '+Inf']);
    expect(buckets.map((b) => b.labels.le)).toContain('0.2');
    expect(buckets[buckets.length - 1].value).toBe(4);
    expect(findSamples(parsed, 'http_request_duration_seconds_count', { method: 'GET', endpoint: '/orders/:id' })[0].value).toBe(4);
    expect(Object.keys(buckets[0].labels).sort()).toEqual(['endpoint', 'le', 'method']);
  });

  test('active_connections carries no service label (the stack attaches service from the pod label)', async () => {
    const { parsed } = await s.scrape();
    const [g] = findSamples(parsed, 'active_connections');
    expect(g.labels).toEqual({});
    expect(g.value).toBe(0);
  });

  test('exemplars carry the trace id of the request (continued from the incoming traceparent)', async () => {
    const { parsed } = await s.scrape();
    const [counter] = findSamples(parsed, 'http_requests_total', { method: 'GET', endpoint: '/orders/:id', status: '200' });
    expect(counter.exemplar?.labels.trace_id).toBe(TRACE_ID);
    expect(counter.exemplar?.labels.span_id).toMatch(/^[0-9a-f]{16}$/);
    const withExemplar = findSamples(parsed, 'http_request_duration_seconds_bucket', { endpoint: '/orders/:id' }).filter((b) => b.exemplar);
    expect(withExemplar.length).toBeGreaterThan(0);
    expect(withExemplar.some((b) => b.exemplar?.labels.trace_id === TRACE_ID)).toBe(true);
    // An exemplar sits in the bucket its value falls in.
    for (const b of withExemplar) expect(b.exemplar!.value).toBeLessThanOrEqual(b.labels.le === '+Inf' ? Infinity : Number(b.labels.le));
  });
});

test('active_connections counts requests being served, and returns to 0 when they finish', async () => {
  const s = await service();
  try {
    const pending = fetch(`${s.srv.url}/hold`).then((r) => r.text());
    await s.holdEntered;
    const during = findSamples((await s.scrape()).parsed, 'active_connections')[0].value;
    s.release();
    await pending;
    const after = findSamples((await s.scrape()).parsed, 'active_connections')[0].value;
    expect(during).toBe(1);
    expect(after).toBe(0);
  } finally {
    s.release();
    await s.srv.close();
    await s.kit.shutdown();
  }
});

test('an unsampled incoming trace leaves no exemplar (it would link to a trace Jaeger does not have)', async () => {
  const s = await service();
  try {
    await (await fetch(`${s.srv.url}/orders/1`, { headers: { traceparent: UNSAMPLED_PARENT } })).text();
    const [c] = findSamples((await s.scrape()).parsed, 'http_requests_total', { endpoint: '/orders/:id' });
    expect(c.value).toBe(1);
    expect(c.exemplar).toBeUndefined();
  } finally {
    await s.srv.close();
    await s.kit.shutdown();
  }
});

describe('business metrics', () => {
  test('the seed order_total counter and order_value summary, counter exemplar from the active span', async () => {
    const { kit } = testKit('order-service');
    try {
      const orders = kit.metrics.counter('order_total', 'Total number of orders', ['status', 'payment_method']);
      const value = kit.metrics.summary('order_value', 'Order value in dollars', ['currency']);
      let traceId = '';
      kit.withSpan('checkout', (span) => {
        traceId = span.spanContext().traceId;
        orders.inc({ status: 'created', payment_method: 'card' });
        value.observe({ currency: 'USD' }, 99.99);
      });
      orders.inc({ status: 'failed', payment_method: 'card' });
      const parsed = parseExposition(await kit.metrics.exposition());
      expect(parsed.families.get('order')?.type).toBe('counter');
      const [created] = findSamples(parsed, 'order_total', { status: 'created', payment_method: 'card' });
      expect(created.value).toBe(1);
      expect(created.exemplar?.labels.trace_id).toBe(traceId);
      expect(findSamples(parsed, 'order_total', { status: 'failed' })[0].exemplar).toBeUndefined();
      expect(parsed.families.get('order_value')?.type).toBe('summary');
      expect(findSamples(parsed, 'order_value_sum', { currency: 'USD' })[0].value).toBeCloseTo(99.99);
      expect(findSamples(parsed, 'order_value_count', { currency: 'USD' })[0].value).toBe(1);
      // Like the seed's prometheus_client Summary: no client-side quantiles unless asked for.
      expect(findSamples(parsed, 'order_value').some((x) => 'quantile' in x.labels)).toBe(false);
    } finally {
      await kit.shutdown();
    }
  });

  test('a business metric may not use a label the stack attaches to every series', () => {
    const { kit } = testKit('order-service');
    expect(() => kit.metrics.counter('signups_total', 'Signups', ['service'])).toThrow(/"service" is attached by the stack's scrape relabeling.*exported_service/);
    expect(() => kit.metrics.summary('x', 'x', ['namespace'])).toThrow(/exported_namespace/);
  });

  test('custom buckets are checked', () => {
    expect(() => testKit('s', { metrics: { buckets: [0.1, 0.1], defaultMetrics: false } })).toThrow(/increase strictly/);
    expect(() => testKit('s', { metrics: { buckets: [], defaultMetrics: false } })).toThrow(/must not be empty/);
  });
});
