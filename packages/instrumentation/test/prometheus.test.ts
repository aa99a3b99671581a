import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad, RunningService, startOrderService } from '../src/demo';
import { OtlpReceiver } from '../src/testing';
import { LineCollector } from './helpers';

/**
 * The exposition as a real Prometheus reads it: scraped (OpenMetrics negotiated by Prometheus' default Accept
 * header) with exemplar storage on, then queried. The binary is the repository's Prometheus at the release the stack
 * deploys (`npm run tools` at the repository root builds it into .tools/bin), or PROMETHEUS_BIN. A missing binary
 * fails the test with the fix: it is never skipped.
 */
const PROMETHEUS = process.env.PROMETHEUS_BIN ?? join(__dirname, '..', '..', '..', '.tools', 'bin', 'prometheus');
const probe = spawnSync(PROMETHEUS, ['--version'], { encoding: 'utf8' });
const available = probe.status === 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, attempts = 60, everyMs = 500): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a real Prometheus scraping the demo', () => {
  beforeAll(() => {
    if (!available) {
      throw new Error(`no Prometheus at ${PROMETHEUS}: run \`npm run tools\` at the repository root (it builds the deployed release into .tools/bin), or set PROMETHEUS_BIN`);
    }
  });

  let dir: string;
  let prom: ChildProcess;
  let promUrl: string;
  let svc: RunningService;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    svc = await startOrderService({
      instrumentation: { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, logs: { sink: new LineCollector() }, metrics: { defaultMetrics: false } },
    });
    dir = mkdtempSync(join(tmpdir(), 'kit-prom-'));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    // The label discovery + the stack's relabeling would give the pod: service from app.kubernetes.io/name.
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s }',
        'scrape_configs:',
        '  - job_name: kubernetes-pods',
        `    static_configs: [{ targets: ['${new URL(svc.url).host}'], labels: { service: order-service, namespace: shop } }]`,
        '',
      ].join('\n'),
    );
    prom = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--enable-feature=exemplar-storage',
      ],
      { stdio: 'ignore' },
    );
    await runLoad({ baseUrl: svc.url, maxRequests: 30, maxDurationMs: 20000, concurrency: 2 });
    await svc.kit.forceFlush();
  });

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise((r) => prom.once('exit', r));
      prom.kill('SIGTERM');
      await exited;
    }
    await svc?.close();
    await receiver?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const query = async (q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
    return ((await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
  };

  test('the seed queries see the series, grouped by the target service label, endpoint the template', async () => {
    const rows = await poll('scraped http_requests_total', async () => {
      const r = await query('sum by (service, endpoint, status) (http_requests_total)');
      return r.reduce((a, x) => a + Number(x.value[1]), 0) === 30 ? r : undefined;
    });
    expect(rows.every((r) => r.metric.service === 'order-service')).toBe(true);
    expect(new Set(rows.map((r) => r.metric.endpoint))).toEqual(new Set(['/orders', '/orders/:id', '/health']));
    // No metric label collided with the target's service label.
    expect(await query('count(http_requests_total{exported_service!=""})')).toEqual([]);
    const le = await query('count by (le) (http_request_duration_seconds_bucket{endpoint="/orders"})');
    expect(le.map((r) => r.metric.le)).toContain('0.2');
    expect(await query('active_connections')).toHaveLength(1);
  });

  test('exemplars are stored with the trace ids of spans the service exported', async () => {
    const traceIds = new Set(receiver.spansOf('order-service').map((s) => s.traceId));
    const exemplars = await poll('exemplars', async () => {
      const res = await fetch(`${promUrl}/api/v1/query_exemplars?query=${encodeURIComponent('http_request_duration_seconds_bucket{endpoint="/orders"}')}&start=0&end=${Math.ceil(Date.now() / 1000) + 60}`);
      const data = ((await res.json()) as { data: { exemplars: { labels: Record<string, string> }[] }[] }).data;
      const all = data.flatMap((d) => d.exemplars);
      return all.length > 0 ? all : undefined;
    });
    expect(exemplars.every((e) => traceIds.has(e.labels.trace_id))).toBe(true);
    expect(exemplars.every((e) => /^[0-9a-f]{16}$/.test(e.labels.span_id))).toBe(true);
  });
});
