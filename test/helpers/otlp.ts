import { randomBytes } from 'node:crypto';

/**
 * OTLP/HTTP requests in the protocol's JSON encoding (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding:
 * trace and span ids as hex strings, 64-bit integers as decimal strings), as an instrumented service sends them.
 */

export const hexId = (bytes: number): string => randomBytes(bytes).toString('hex');

const nowNanos = (): string => `${BigInt(Date.now()) * 1_000_000n}`;

function resource(service: string, extra: Record<string, string> = {}): object {
  return {
    attributes: Object.entries({ 'service.name': service, 'service.namespace': 'shop', ...extra }).map(([key, value]) => ({ key, value: { stringValue: value } })),
  };
}

export function traceRequest(service: string, traceId: string, spanName: string): object {
  const start = BigInt(Date.now() - 20) * 1_000_000n;
  return {
    resourceSpans: [
      {
        resource: resource(service),
        scopeSpans: [
          {
            scope: { name: 'observability-stack-test' },
            spans: [
              { traceId, spanId: hexId(8), name: spanName, kind: 2, startTimeUnixNano: `${start}`, endTimeUnixNano: `${start + 15_000_000n}`, status: { code: 2 } },
            ],
          },
        ],
      },
    ],
  };
}

export function logRequest(service: string, body: string, traceId: string, spanId: string): object {
  return {
    resourceLogs: [
      {
        resource: resource(service),
        scopeLogs: [
          {
            scope: { name: 'observability-stack-test' },
            logRecords: [{ timeUnixNano: nowNanos(), observedTimeUnixNano: nowNanos(), severityNumber: 17, severityText: 'ERROR', body: { stringValue: body }, traceId, spanId }],
          },
        ],
      },
    ],
  };
}

/** A cumulative monotonic sum (a counter) with one data point. */
export function counterRequest(service: string, metric: string, value: number, attributes: Record<string, string>, startNanos: string): object {
  return {
    resourceMetrics: [
      {
        resource: resource(service, { 'service.instance.id': `${service}-0` }),
        scopeMetrics: [
          {
            scope: { name: 'observability-stack-test' },
            metrics: [
              {
                name: metric,
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: Object.entries(attributes).map(([key, v]) => ({ key, value: { stringValue: v } })),
                      startTimeUnixNano: startNanos,
                      timeUnixNano: nowNanos(),
                      asDouble: value,
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** POSTs one OTLP/HTTP JSON request to `<base>/v1/<signal>`; returns the HTTP status. */
export async function postOtlp(baseUrl: string, signal: 'traces' | 'logs' | 'metrics', body: object): Promise<number> {
  const r = await fetch(`${baseUrl}/v1/${signal}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  await r.arrayBuffer();
  return r.status;
}
