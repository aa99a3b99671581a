import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** An OTLP attribute value as the JSON encoding writes it (`{"stringValue":"x"}`, ...), decoded. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

type JsonAnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: JsonKeyValue[] };
  bytesValue?: string;
};
type JsonKeyValue = { key: string; value?: JsonAnyValue };

function decodeValue(v: JsonAnyValue | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(decodeValue);
  if (v.kvlistValue) return decodeAttributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

/** OTLP JSON `KeyValue[]` → a plain object. */
export function decodeAttributes(kvs: readonly JsonKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of kvs ?? []) out[kv.key] = decodeValue(kv.value);
  return out;
}

/** OTLP span kinds (the protocol's enum, not the JS API's). */
export const OTLP_SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
/** OTLP status codes. */
export const OTLP_STATUS = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly status: { readonly code: number; readonly message?: string };
  readonly attributes: Record<string, AttributeValue>;
  readonly events: readonly { readonly name: string; readonly attributes: Record<string, AttributeValue> }[];
  readonly resource: Record<string, AttributeValue>;
  readonly scope: string;
}

export interface ReceivedLogRecord {
  readonly traceId?: string;
  readonly spanId?: string;
  readonly severityNumber?: number;
  readonly severityText?: string;
  readonly body: AttributeValue;
  readonly attributes: Record<string, AttributeValue>;
  readonly resource: Record<string, AttributeValue>;
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number; message?: string };
  attributes?: JsonKeyValue[];
  events?: { name: string; attributes?: JsonKeyValue[] }[];
}
interface JsonTraces {
  resourceSpans?: { resource?: { attributes?: JsonKeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: JsonSpan[] }[] }[];
}
interface JsonLogs {
  resourceLogs?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeLogs?: { logRecords?: { traceId?: string; spanId?: string; severityNumber?: number; severityText?: string; body?: JsonAnyValue; attributes?: JsonKeyValue[] }[] }[];
  }[];
}

const MAX_BODY = 16 * 1024 * 1024;

/**
 * An OTLP/HTTP receiver for tests, on 127.0.0.1: accepts JSON-encoded `POST /v1/traces` and `POST /v1/logs` (what
 * the kit's exporters send) and keeps what it received, decoded. Protobuf bodies are refused with 415, so a
 * misconfigured exporter shows up as an export error rather than as silence. Stop it with `close()`.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly logs: ReceivedLogRecord[] = [];
  /** `METHOD path content-type` of every request received. */
  readonly requests: string[] = [];
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<OtlpReceiver> {
    let receiver: OtlpReceiver | undefined;
    const server = createServer((req, res) => receiver?.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    receiver = new OtlpReceiver(server, `http://127.0.0.1:${port}`);
    return receiver;
  }

  /** Spans of one service (`service.name`). */
  spansOf(serviceName: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.resource['service.name'] === serviceName);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const type = String(req.headers['content-type'] ?? '');
    this.requests.push(`${req.method} ${req.url} ${type}`);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const reply = (status: number, body: unknown): void => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || (req.url !== '/v1/traces' && req.url !== '/v1/logs')) return reply(404, { message: 'POST /v1/traces or /v1/logs' });
      if (!type.startsWith('application/json')) return reply(415, { message: `this test receiver decodes JSON only (got ${type})` });
      if (size > MAX_BODY) return reply(413, { message: 'too large' });
      let doc: unknown;
      try {
        doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { message: 'not JSON' });
      }
      if (req.url === '/v1/traces') this.addTraces(doc as JsonTraces);
      else this.addLogs(doc as JsonLogs);
      return reply(200, { partialSuccess: {} });
    });
  }

  private addTraces(doc: JsonTraces): void {
    for (const rs of doc.resourceSpans ?? []) {
      const resource = decodeAttributes(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            name: s.name,
            kind: s.kind,
            status: { code: s.status?.code ?? 0, message: s.status?.message },
            attributes: decodeAttributes(s.attributes),
            events: (s.events ?? []).map((e) => ({ name: e.name, attributes: decodeAttributes(e.attributes) })),
            resource,
            scope: ss.scope?.name ?? '',
          });
        }
      }
    }
  }

  private addLogs(doc: JsonLogs): void {
    for (const rl of doc.resourceLogs ?? []) {
      const resource = decodeAttributes(rl.resource?.attributes);
      for (const sl of rl.scopeLogs ?? []) {
        for (const r of sl.logRecords ?? []) {
          this.logs.push({
            traceId: r.traceId || undefined,
            spanId: r.spanId || undefined,
            severityNumber: r.severityNumber,
            severityText: r.severityText,
            body: decodeValue(r.body),
            attributes: decodeAttributes(r.attributes),
            resource,
          });
        }
      }
    }
  }
}
