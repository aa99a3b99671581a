import { OtlpReceiver } from '../src/testing';
import { parseLogLevel, plain, StructuredLogger } from '../src';
import { LineCollector, SAMPLED_PARENT, testKit, TRACE_ID, listen } from './helpers';

/** The stack's Grafana Loki derived field (src/components/grafana/config.ts, TRACE_ID_LOG_REGEX): first match wins. */
const GRAFANA_TRACE_ID_REGEX = /[Tt]race_?[Ii][Dd]["=:\s]+(\w+)/;

describe('JSON logs', () => {
  test('a line has timestamp, level, service, message, the active span ids, and context, in that order', () => {
    const { kit, logs } = testKit('order-service');
    let ids = { traceId: '', spanId: '' };
    kit.withSpan('work', (span) => {
      ids = span.spanContext();
      kit.logger.info('Order created', { order_id: '123', user_id: 'user-456', amount: 99.99 });
    });
    const [line] = logs.lines;
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(['timestamp', 'level', 'service', 'message', 'trace_id', 'span_id', 'context']);
    expect(record).toMatchObject({
      level: 'INFO',
      service: 'order-service',
      message: 'Order created',
      trace_id: ids.traceId,
      span_id: ids.spanId,
      context: { order_id: '123', user_id: 'user-456', amount: 99.99 },
    });
    expect(new Date(record.timestamp as string).toISOString()).toBe(record.timestamp);
    expect(line.endsWith('\n')).toBe(true);
  });

  test('without an active span no trace id is invented (the seed wrote a random UUID)', () => {
    const { kit, logs } = testKit('order-service');
    kit.logger.warning('Cache cold');
    expect(logs.records[0]).not.toHaveProperty('trace_id');
    expect(logs.records[0]).not.toHaveProperty('span_id');
    expect(logs.records[0].level).toBe('WARNING');
  });

  test("Grafana's derived field reads the kit's trace id even when the context holds another traceId key", () => {
    const { kit, logs } = testKit('order-service');
    let traceId = '';
    kit.withSpan('work', (span) => {
      traceId = span.spanContext().traceId;
      kit.logger.error('Upstream failed', { upstream: { traceId: 'ffffffffffffffffffffffffffffffff' } });
    });
    expect(GRAFANA_TRACE_ID_REGEX.exec(logs.lines[0])?.[1]).toBe(traceId);
  });

  test('levels below the minimum are dropped; LOG_LEVEL sets it; a bad value warns', () => {
    const a = testKit('s', { env: { LOG_LEVEL: 'warn' } });
    a.kit.logger.info('dropped');
    a.kit.logger.warning('kept');
    expect(a.logs.records.map((r) => r.message)).toEqual(['kept']);
    const b = testKit('s', { env: { LOG_LEVEL: 'loud' } });
    expect(b.logs.records[0]).toMatchObject({ level: 'WARNING', message: expect.stringMatching(/LOG_LEVEL=loud is not a level/) });
    expect(parseLogLevel('debug')).toBe('DEBUG');
    expect(parseLogLevel('nope')).toBeUndefined();
  });

  test('context is made JSON-safe: errors, bigints, cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const out = plain({ err: new TypeError('bad'), n: BigInt(12), cyclic, f: () => 1 });
    expect(out.err).toMatchObject({ type: 'TypeError', message: 'bad' });
    expect(out.n).toBe('12');
    expect(out.cyclic).toEqual({ a: 1, self: '[Circular]' });
    expect(out).not.toHaveProperty('f');
  });

  test('child loggers add their context under each record', () => {
    const sink = new LineCollector();
    const log = new StructuredLogger({ service: 's', sink }).child({ request_id: 'r1' });
    log.info('x', { step: 2 });
    expect(sink.records[0].context).toEqual({ request_id: 'r1', step: 2 });
  });
});

describe('logs over OTLP', () => {
  test('records reach a loopback OTLP/HTTP receiver with the trace and span id of the request span', async () => {
    const receiver = await OtlpReceiver.start();
    const lines = new LineCollector();
    // Both: the JSON line for the agent (stdout in production) and the OTLP record, with the same ids.
    const { kit } = testKit('order-service', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, K8S_NAMESPACE_NAME: 'shop' },
      logs: { otlp: true, sink: lines },
      traces: {},
    });
    const srv = await listen(
      kit.httpHandler(
        (_req, res) => {
          kit.logger.info('Handled', { step: 'one', nested: { ok: true } });
          res.end('ok');
        },
        { routes: ['/work'] },
      ),
    );
    try {
      await (await fetch(`${srv.url}/work`, { headers: { traceparent: SAMPLED_PARENT } })).text();
      await kit.forceFlush();
      const spans = receiver.spansOf('order-service');
      const server = spans.find((s) => s.name === 'GET /work')!;
      expect(server.traceId).toBe(TRACE_ID);
      const record = receiver.logs.find((l) => l.body === 'Handled')!;
      expect(record).toMatchObject({
        traceId: TRACE_ID,
        spanId: server.spanId,
        severityText: 'INFO',
        severityNumber: 9,
        attributes: { step: 'one', nested: { ok: true } },
        resource: { 'service.name': 'order-service', 'k8s.namespace.name': 'shop' },
      });
      expect(receiver.requests.some((r) => r.startsWith('POST /v1/logs application/json'))).toBe(true);
      expect(lines.records.find((r) => r.message === 'Handled')).toMatchObject({ trace_id: TRACE_ID, span_id: server.spanId });
    } finally {
      await srv.close();
      await kit.shutdown();
      await receiver.close();
    }
  });
});
