import { existsSync, readFileSync, rmSync } from 'node:fs';
import { counterRequest, hexId, logRequest, postOtlp, traceRequest } from './helpers/otlp';
import { getJson, httpStatus, waitFor } from './helpers/servers';
import { defaultPlatformObjects, Started, startGateway, startJaeger, startLokiOtlpCapture, startPrometheus } from './helpers/stack-servers';
import { K8sObject } from './helpers/synth';
import { recordStandIn } from './helpers/tools';

/**
 * The telemetry path on the real programs, at the deployed releases: OTLP traces, logs and metrics sent to the
 * collector running the default platform's generated gateway config land in Jaeger (found by trace id through its
 * query API), at Loki's OTLP path, and in Prometheus (with the `service` label the SLO queries group by).
 *
 * Replacements (test/helpers/stack-servers.ts): every listener on 127.0.0.1 with a free port; mounted paths in a
 * temporary directory; the exporters' Service names → the loopback servers, scheme and path as generated.
 * Loki is not run (AGPL, see TOOLS_NOT_BUILT): a second real otelcol stands in at Loki's OTLP path
 * (`/otlp/v1/logs`) and records what Loki would receive; the LogQL side is not exercised here.
 */

jest.setTimeout(240_000);

let objects: K8sObject[];
let prometheus: Started & { url: string };
let jaeger: Started & { queryUrl: string; otlpGrpc: string };
let loki: Started & { baseUrl: string; file: string };
let gateway: Started & { otlpHttpUrl: string };

beforeAll(async () => {
  objects = defaultPlatformObjects();
  [prometheus, jaeger, loki] = await Promise.all([startPrometheus(objects), startJaeger(objects), startLokiOtlpCapture()]);
  gateway = await startGateway(objects, {
    'otlp/jaeger': jaeger.otlpGrpc,
    'otlphttp/loki': loki.baseUrl,
    'otlphttp/prometheus': `127.0.0.1:${prometheus.ports[9090]}`,
  });
});

const restartedJaegerDirs: string[] = [];

afterAll(async () => {
  const started = [gateway, jaeger, loki, prometheus].filter(Boolean);
  await Promise.all(started.map((s) => s.server.stop()));
  for (const dir of [...started.map((s) => s.dir), ...restartedJaegerDirs]) rmSync(dir, { recursive: true, force: true });
});

async function traceFound(traceId: string): Promise<any | undefined> {
  const r = await fetch(`${jaeger.queryUrl}/api/traces/${traceId}`, { signal: AbortSignal.timeout(5_000) });
  if (r.status !== 200) return undefined;
  const body = (await r.json()) as any;
  return body.data?.[0]?.spans?.length ? body.data[0] : undefined;
}

function capturedLogs(): any[] {
  if (!existsSync(loki.file)) return [];
  return readFileSync(loki.file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => JSON.parse(line).resourceLogs ?? []);
}

const attr = (attrs: any[], key: string) => attrs.find((a) => a.key === key)?.value?.stringValue;

describe('the servers run with the generated configs', () => {
  test('Prometheus 3.5 is ready, loaded every rule file and answers queries', async () => {
    const info = await getJson(`${prometheus.url}/api/v1/status/buildinfo`);
    expect(info.data.version).toBe('3.5.0');
    const rules = await getJson(`${prometheus.url}/api/v1/rules`);
    const groups: string[] = rules.data.groups.map((g: any) => g.name);
    expect(groups).toContain('platform');
    expect(groups).toContain('slo-alerts');
    expect(groups).toContain('slo-definitions-order-service');
    const q = await getJson(`${prometheus.url}/api/v1/query?query=${encodeURIComponent('vector(1)')}`);
    expect(q.data.result[0].value[1]).toBe('1');
  });

  test('Jaeger 2.10 answers its health check and query API', async () => {
    expect(await httpStatus(`http://127.0.0.1:${jaeger.ports[13133]}/status`)).toBe(200);
    const services = await getJson(`${jaeger.queryUrl}/api/services`);
    expect(Array.isArray(services.data ?? [])).toBe(true);
  });

  test("the gateway's health check answers", async () => {
    expect(await httpStatus(`http://127.0.0.1:${gateway.ports[13133]}/`)).toBe(200);
  });
});

describe('OTLP through the gateway', () => {
  test('a trace lands in Jaeger, found by its trace id', async () => {
    const traceId = hexId(16);
    expect(await postOtlp(gateway.otlpHttpUrl, 'traces', traceRequest('order-service', traceId, 'POST /orders'))).toBe(200);
    const trace = await waitFor('the trace in Jaeger', () => traceFound(traceId), 30_000, () => gateway.server.log());
    expect(trace.traceID).toBe(traceId);
    expect(trace.spans[0].operationName).toBe('POST /orders');
    expect(trace.processes[trace.spans[0].processID].serviceName).toBe('order-service');
  });

  test("a log line reaches Loki's OTLP path with its trace id and service attributes", async () => {
    recordStandIn('loki 3.5.5', "OTLP at Loki's path /otlp/v1/logs (an otelcol stands in)");
    const traceId = hexId(16);
    const spanId = hexId(8);
    expect(await postOtlp(gateway.otlpHttpUrl, 'logs', logRequest('order-service', `order ${traceId.slice(0, 6)} failed`, traceId, spanId))).toBe(200);
    const got = await waitFor(
      'the log at the Loki stand-in',
      async () => capturedLogs().find((rl) => rl.scopeLogs.some((sl: any) => sl.logRecords.some((r: any) => r.traceId === traceId))),
      30_000,
      () => gateway.server.log() + loki.server.log(),
    );
    const record = got.scopeLogs.flatMap((sl: any) => sl.logRecords).find((r: any) => r.traceId === traceId);
    expect(record.body.stringValue).toBe(`order ${traceId.slice(0, 6)} failed`);
    expect(record.spanId).toBe(spanId);
    expect(record.severityText).toBe('ERROR');
    expect(attr(got.resource.attributes, 'service.name')).toBe('order-service');
    expect(attr(got.resource.attributes, 'service.namespace')).toBe('shop');
  });

  test('a counter lands in Prometheus with the service label the SLO queries group by', async () => {
    const start = `${BigInt(Date.now() - 60_000) * 1_000_000n}`;
    const metric = `checkout_orders_${hexId(3)}`;
    expect(await postOtlp(gateway.otlpHttpUrl, 'metrics', counterRequest('order-service', metric, 42, { status: '200' }, start))).toBe(200);
    const series = await waitFor(
      'the series in Prometheus',
      async () => {
        const q = await getJson(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(`${metric}_total`)}`);
        return q.data.result[0];
      },
      30_000,
      () => gateway.server.log() + prometheus.server.log(),
    );
    expect(series.metric).toMatchObject({ __name__: `${metric}_total`, service: 'order-service', status: '200', job: 'shop/order-service', instance: 'order-service-0' });
    expect(series.value[1]).toBe('42');
    // AND the SLO queries' grouping finds it
    const grouped = await getJson(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(`sum by (service) (${metric}_total)`)}`);
    expect(grouped.data.result).toEqual([{ metric: { service: 'order-service' }, value: [expect.any(Number), '42'] }]);
  });
});

describe("the gateway's queue while a backend is down", () => {
  test('traces sent while Jaeger is stopped are delivered after it is back (in-memory sending queue + retry)', async () => {
    // GIVEN Jaeger stopped (memory storage: it comes back empty, so whatever it holds later came from the queue)
    await jaeger.server.stop();
    restartedJaegerDirs.push(jaeger.dir);
    const ids = Array.from({ length: 20 }, () => hexId(16));
    const downAt = Date.now();
    // WHEN 20 traces are sent, one every 250 ms, and Jaeger stays down for 15 s in all
    for (const id of ids) {
      expect(await postOtlp(gateway.otlpHttpUrl, 'traces', traceRequest('payment-service', id, 'charge'))).toBe(200);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 15_000 - (Date.now() - downAt))));
    jaeger = await startJaeger(objects, jaeger.ports);
    const upAt = Date.now();
    // THEN every trace arrives once the exporter's retry reaches it
    const arrived = await waitFor(
      'all 20 queued traces in Jaeger',
      async () => {
        const found = await Promise.all(ids.map((id) => traceFound(id)));
        const n = found.filter(Boolean).length;
        return n === ids.length ? n : undefined;
      },
      90_000,
      () => gateway.server.log(),
    );
    const seconds = (Date.now() - upAt) / 1000;
    process.stdout.write(`queue: ${arrived}/${ids.length} traces sent during a ${((upAt - downAt) / 1000).toFixed(1)} s Jaeger outage arrived ${seconds.toFixed(1)} s after it came back\n`);
    expect(arrived).toBe(ids.length);
    // AND the gateway said it was retrying, not dropping
    expect(gateway.server.log()).toMatch(/Exporting failed\. Will retry the request after interval/);
    expect(gateway.server.log()).not.toMatch(/Dropping data|dropped_items|Exporting failed\. Dropping data/);
  });
});
