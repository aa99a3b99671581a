import { createServer, RequestListener, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createInstrumentation, Instrumentation, InstrumentationOptions, LineSink } from '../src';

/** A node:http server on 127.0.0.1 (any port); `close()` stops it and drops keep-alive connections. */
export async function listen(handler: RequestListener): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Collects JSON log lines. */
export class LineCollector implements LineSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  get records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

/** A kit for tests: no default process metrics, logs to a collector, spans to the given exporters or the env. */
export function testKit(
  serviceName: string,
  options: Partial<InstrumentationOptions> & { exporters?: SpanExporter[] } = {},
): { kit: Instrumentation; logs: LineCollector } {
  const logs = new LineCollector();
  const kit = createInstrumentation({
    serviceName,
    env: {},
    metrics: { defaultMetrics: false },
    logs: { sink: logs },
    traces: options.exporters ? { exporters: options.exporters } : { exporters: [] },
    ...options,
  });
  return { kit, logs };
}

export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const PARENT_SPAN_ID = 'b7ad6b7169203331';
export const SAMPLED_PARENT = `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`;
export const UNSAMPLED_PARENT = `00-${TRACE_ID}-${PARENT_SPAN_ID}-00`;
