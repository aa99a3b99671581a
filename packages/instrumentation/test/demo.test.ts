import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DEMO_MAIN, FaultInjector, isLoopback, orderServicePlan, runLoad, startOrderService } from '../src/demo';
import { findSamples, OtlpReceiver, parseExposition } from '../src/testing';
import { LineCollector } from './helpers';

describe('fault switch', () => {
  test('errors are spread evenly: errorRate 0.25 fails exactly every fourth request', () => {
    const f = new FaultInjector({ errorRate: 0.25 });
    expect(Array.from({ length: 8 }, () => f.shouldFail())).toEqual([false, false, false, true, false, false, false, true]);
    f.set({ errorRate: 0 });
    expect(Array.from({ length: 4 }, () => f.shouldFail())).toEqual([false, false, false, false]);
  });
  test('bad settings are refused with the reason', () => {
    expect(() => new FaultInjector({ errorRate: 2 })).toThrow(/errorRate must be a number from 0 to 1/);
    expect(() => new FaultInjector({ latencyMs: -1 })).toThrow(/latencyMs/);
  });
});

describe('load generator', () => {
  test('refuses a target outside loopback', async () => {
    expect(isLoopback('http://127.0.0.1:8080')).toBe(true);
    expect(isLoopback('http://[::1]:8080')).toBe(true);
    expect(isLoopback('http://10.0.0.1')).toBe(false);
    await expect(runLoad({ baseUrl: 'http://10.0.0.1:8080', maxRequests: 1, maxDurationMs: 10 })).rejects.toThrow(/not a loopback address/);
    await expect(runLoad({ baseUrl: 'http://127.0.0.1:1', maxRequests: 0, maxDurationMs: 10 })).rejects.toThrow(/maxRequests/);
  });

  test('stops at maxRequests, and the error switch shows in the counts the service exposes', async () => {
    const svc = await startOrderService({ faults: { errorRate: 0.5 }, instrumentation: { env: { OTEL_TRACES_EXPORTER: 'none' }, logs: { sink: new LineCollector() }, metrics: { defaultMetrics: false } } });
    try {
      // Only POST /orders and GET /orders/:id pass the fault switch; plan of 20 = 14 POST, 4 GET orders, 2 GET /health.
      const result = await runLoad({ baseUrl: svc.url, maxRequests: 20, maxDurationMs: 60000, concurrency: 1 });
      expect(result.stoppedBy).toBe('requests');
      expect(result.sent).toBe(20);
      expect(result.networkErrors).toBe(0);
      const parsed = parseExposition(await svc.kit.metrics.exposition());
      const total = findSamples(parsed, 'http_requests_total').reduce((a, s) => a + s.value, 0);
      expect(total).toBe(20);
      const errors = findSamples(parsed, 'http_requests_total', { status: '500' }).reduce((a, s) => a + s.value, 0);
      expect(errors).toBe(9); // every second of the 18 requests that pass the switch
      expect(result.byStatus['500']).toBe(9);
      expect(findSamples(parsed, 'http_requests_total', { endpoint: '/health', status: '200' })[0].value).toBe(2);
    } finally {
      await svc.close();
    }
  });

  test('stops at maxDurationMs when the service is slow', async () => {
    const svc = await startOrderService({ faults: { latencyMs: 100 }, instrumentation: { env: { OTEL_TRACES_EXPORTER: 'none' }, logs: { sink: false }, metrics: { defaultMetrics: false } } });
    try {
      const result = await runLoad({ baseUrl: svc.url, maxRequests: 1000, maxDurationMs: 300, concurrency: 1, plan: () => orderServicePlan(0) });
      expect(result.stoppedBy).toBe('duration');
      expect(result.sent).toBeLessThan(1000);
    } finally {
      await svc.close();
    }
  });
});

/** Reads JSON lines of a child's stdout until one matches. */
function waitForLine(child: ChildProcess, match: (r: Record<string, unknown>) => boolean, lines: Record<string, unknown>[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`no matching line; got ${JSON.stringify(lines)}`)), 20000);
    rl.on('line', (l) => {
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(l) as Record<string, unknown>;
      } catch {
        return;
      }
      lines.push(r);
      if (match(r)) {
        clearTimeout(timer);
        resolve(r);
      }
    });
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}; lines ${JSON.stringify(lines)}`)));
  });
}

describe('the demo program (spawned, as another package test would run it)', () => {
  test('`all` serves order → payment on loopback, exports OTLP, and stops on SIGTERM', async () => {
    expect(existsSync(DEMO_MAIN)).toBe(true); // built by the package's test script (tsc -p tsconfig.build.json)
    const receiver = await OtlpReceiver.start();
    const child = spawn(process.execPath, [DEMO_MAIN, 'all'], {
      env: { PATH: process.env.PATH, PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100', K8S_POD_NAME: 'order-1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: Record<string, unknown>[] = [];
    try {
      const listening = await waitForLine(child, (r) => r.service === 'order-service' && r.message === 'listening', lines);
      const url = (listening.context as { url: string }).url;
      expect(isLoopback(url)).toBe(true);
      const result = await runLoad({ baseUrl: url, maxRequests: 10, maxDurationMs: 30000, concurrency: 2 });
      expect(result.byStatus['201']).toBe(7);
      const metrics = parseExposition(await (await fetch(`${url}/metrics`)).text());
      expect(findSamples(metrics, 'http_requests_total', { method: 'POST', endpoint: '/orders', status: '201' })[0].value).toBe(7);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // Shutdown flushed the spans of both services.
      expect(receiver.spansOf('order-service').filter((s) => s.name === 'POST /orders')).toHaveLength(7);
      expect(receiver.spansOf('payment-service').filter((s) => s.name === 'POST /payments')).toHaveLength(7);
      expect(receiver.spansOf('order-service')[0].resource['k8s.pod.name']).toBe('order-1');
      // Two services in one process: no SDK complaint (e.g. a second global registration) in the log.
      expect(lines.filter((r) => r.level === 'ERROR' || r.level === 'WARNING')).toEqual([]);
      const created = lines.filter((r) => r.message === 'Order created');
      expect(created).toHaveLength(7);
      const traceIds = new Set(receiver.spansOf('order-service').map((s) => s.traceId));
      expect(created.every((r) => traceIds.has(r.trace_id as string))).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await receiver.close();
    }
  });
});
