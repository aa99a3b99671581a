import { context, SpanKind, SpanStatusCode, TextMapPropagator, trace, Tracer } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { OTHER_METHOD } from './conventions';
import { normalizeMethod } from './routes';

export interface FetchInstrumentationOptions {
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;
  /** @default globalThis.fetch (Node's built-in fetch) */
  readonly fetch?: typeof fetch;
}

/** A fetch that traces and propagates: `(url, init) => Promise<Response>`. */
export type TracedFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * Outgoing HTTP with Node's fetch: a CLIENT span (named by the method, child of the active span) whose context is
 * injected as `traceparent` / `tracestate` with the active `baggage`, so the next service continues the trace.
 * Status ERROR for a 4xx/5xx answer or a failed request (client spans count 4xx as errors in the semantic
 * conventions). The span ends when the response headers arrive.
 */
export function createTracedFetch(options: FetchInstrumentationOptions): TracedFetch {
  const doFetch = options.fetch ?? globalThis.fetch;
  return async (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input.href);
    const method = normalizeMethod((init.method ?? 'GET').toUpperCase());
    const safeUrl = new URL(url.href);
    safeUrl.username = '';
    safeUrl.password = '';
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const parent = context.active();
    const span = options.tracer.startSpan(
      method === OTHER_METHOD ? 'HTTP' : method,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          ...(method === OTHER_METHOD && init.method ? { [ATTR_HTTP_REQUEST_METHOD_ORIGINAL]: init.method } : {}),
          [ATTR_URL_FULL]: safeUrl.href,
          [ATTR_SERVER_ADDRESS]: url.hostname,
          [ATTR_SERVER_PORT]: port,
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    const headers = new Headers(init.headers);
    options.propagator.inject(ctx, headers, { set: (carrier, key, value) => carrier.set(key, value) });
    try {
      const response = await context.with(ctx, () => doFetch(url, { ...init, headers }));
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      if (response.status >= 400) {
        span.setAttribute(ATTR_ERROR_TYPE, String(response.status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      return response;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      span.recordException(err);
      span.setAttribute(ATTR_ERROR_TYPE, err.name || 'Error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      throw error;
    } finally {
      span.end();
    }
  };
}
