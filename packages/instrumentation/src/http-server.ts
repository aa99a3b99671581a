import { IncomingMessage, ServerResponse } from 'node:http';
import { Attributes, context, Context, Span, SpanKind, SpanStatusCode, TextMapPropagator, trace, Tracer } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { CLIENT_CLOSED_STATUS, METRICS_PATH, OTHER_METHOD, UNMATCHED_ROUTE } from './conventions';
import { ServiceMetrics } from './metrics';
import { normalizeMethod, RouteMatch, RouteTable } from './routes';
import { extractContext } from './tracing';

export interface ServerInstrumentationOptions {
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;
  readonly metrics: ServiceMetrics;
  /**
   * Requests neither traced nor counted (matched on the path without query string, any method).
   * @default ['/metrics'] (Prometheus' scrapes would otherwise make a span every 15 s)
   */
  readonly ignorePaths?: readonly string[];
}

const scopes = new WeakMap<IncomingMessage, RequestScope>();

/** One request being served: its server span, the context to run the handler in, and its route once known. */
export class RequestScope {
  readonly span: Span;
  /** The request's context: the extracted remote parent (and baggage) with the server span active. */
  readonly context: Context;
  readonly method: string;
  private routeTemplate?: string;
  private routeParams: Readonly<Record<string, string>> = {};
  private exception?: Error;

  constructor(span: Span, ctx: Context, method: string) {
    this.span = span;
    this.context = ctx;
    this.method = method;
  }

  /** The route template; undefined means unmatched (`endpoint="unmatched"`, no `http.route`). */
  setRoute(template: string | undefined, params: Readonly<Record<string, string>> = {}): void {
    this.routeTemplate = template;
    this.routeParams = params;
  }

  get route(): string | undefined {
    return this.routeTemplate;
  }

  get params(): Readonly<Record<string, string>> {
    return this.routeParams;
  }

  /**
   * Records an exception of the handler on the span (event `exception`, `error.type`). The span's status becomes
   * ERROR when the response is a 5xx (or never completes after the exception); a handled error answered with a 4xx
   * stays a client error, as the HTTP semantic conventions say for server spans.
   */
  recordException(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.exception = err;
    this.span.recordException(err);
    this.span.setAttribute(ATTR_ERROR_TYPE, err.name || 'Error');
  }

  /** @internal */
  get recordedException(): Error | undefined {
    return this.exception;
  }
}

/** The scope of a request the kit instruments (for handlers that want the route or the span). */
export function requestScope(req: IncomingMessage): RequestScope | undefined {
  return scopes.get(req);
}

/** The matched route of a request (template and parameters), as the node:http middleware resolved it. */
export function routeOf(req: IncomingMessage): RouteMatch | undefined {
  const scope = scopes.get(req);
  return scope?.route !== undefined ? { route: scope.route, params: scope.params } : undefined;
}

/**
 * The framework-independent core of the middleware: for each request it extracts the W3C trace context and baggage,
 * starts a SERVER span, binds the request's and response's event listeners to the span's context (so body parsing
 * and `finish` callbacks run in it), counts the request in `active_connections`, and when the response finishes (or
 * the client goes away) names the span `METHOD route`, sets the semantic-convention attributes and status, ends it,
 * and records `http_requests_total` and `http_request_duration_seconds` with the trace id as exemplar.
 */
export class HttpServerInstrumentation {
  private readonly tracer: Tracer;
  private readonly propagator: TextMapPropagator;
  private readonly metrics: ServiceMetrics;
  private readonly ignorePaths: ReadonlySet<string>;

  constructor(options: ServerInstrumentationOptions) {
    this.tracer = options.tracer;
    this.propagator = options.propagator;
    this.metrics = options.metrics;
    this.ignorePaths = new Set(options.ignorePaths ?? [METRICS_PATH]);
  }

  /** Starts instrumenting a request; undefined when its path is ignored. */
  begin(req: IncomingMessage, res: ServerResponse): RequestScope | undefined {
    const path = pathOf(req.url);
    if (this.ignorePaths.has(path)) return undefined;
    const started = process.hrtime.bigint();
    const method = normalizeMethod(req.method);
    const parent = extractContext(this.propagator, req.headers, context.active());
    const span = this.tracer.startSpan(spanName(method, undefined), { kind: SpanKind.SERVER, attributes: requestAttributes(req, method, path) }, parent);
    const ctx = trace.setSpan(parent, span);
    context.bind(ctx, req);
    context.bind(ctx, res);
    const scope = new RequestScope(span, ctx, method);
    scopes.set(req, scope);
    this.metrics.activeConnections.inc();

    let done = false;
    const finish = (completed: boolean): void => {
      if (done) return;
      done = true;
      this.metrics.activeConnections.dec();
      const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = scope.route;
      if (route !== undefined) span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.updateName(spanName(method, route));
      let status: string;
      if (completed) {
        status = String(res.statusCode);
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
        if (res.statusCode >= 500) {
          if (!scope.recordedException) span.setAttribute(ATTR_ERROR_TYPE, status);
          span.setStatus({ code: SpanStatusCode.ERROR, message: scope.recordedException?.message });
        }
      } else {
        // The client went away before the response was complete.
        status = CLIENT_CLOSED_STATUS;
        if (scope.recordedException) span.setStatus({ code: SpanStatusCode.ERROR, message: scope.recordedException.message });
      }
      span.end();
      this.metrics.recordRequest({ method, endpoint: route ?? UNMATCHED_ROUTE, status, durationSeconds, spanContext: span.spanContext() });
    };
    res.once('finish', () => finish(true));
    res.once('close', () => finish(res.writableFinished));
    return scope;
  }
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

/** `GET /orders/:id`; `GET` without a route; `HTTP` for a method outside the known set (semantic conventions). */
export function spanName(method: string, route: string | undefined): string {
  const m = method === OTHER_METHOD ? 'HTTP' : method;
  return route !== undefined ? `${m} ${route}` : m;
}

function requestAttributes(req: IncomingMessage, method: string, path: string): Attributes {
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_PATH]: path,
    [ATTR_URL_SCHEME]: (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
    [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
  };
  if (method === OTHER_METHOD && req.method) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = req.method;
  const host = req.headers.host;
  if (host) {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
    if (m) {
      attributes[ATTR_SERVER_ADDRESS] = m[1];
      if (m[2]) attributes[ATTR_SERVER_PORT] = Number(m[2]);
    }
  }
  if (req.socket.remoteAddress) attributes[ATTR_CLIENT_ADDRESS] = req.socket.remoteAddress;
  const ua = req.headers['user-agent'];
  if (ua) attributes[ATTR_USER_AGENT_ORIGINAL] = ua;
  return attributes;
}

export type NodeHttpHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface HttpHandlerOptions {
  /**
   * The service's route templates (`['/orders', '/orders/:id']`); a request's `endpoint` is the template it matches
   * (`RouteTable`), `unmatched` otherwise. The handler reads the match with `routeOf(req)`.
   */
  readonly routes?: readonly string[] | RouteTable;
  /** Or: the route template of a request, from the service's own router. Takes precedence over `routes`. */
  readonly route?: (req: IncomingMessage) => string | undefined;
}

/**
 * Middleware for `node:http`: wraps a request handler (`http.createServer(handler)`) so every request is traced,
 * counted and timed, and the handler runs with the request's span active. A handler that throws (or whose promise
 * rejects) has the exception recorded and, if nothing was sent yet, the error's `statusCode` (400–599, the
 * http-errors convention) or 500 sent.
 */
export function instrumentHttpHandler(server: HttpServerInstrumentation, handler: NodeHttpHandler, options: HttpHandlerOptions = {}): NodeHttpHandler {
  const table = options.routes === undefined ? undefined : options.routes instanceof RouteTable ? options.routes : new RouteTable(options.routes);
  return (req, res) => {
    const scope = server.begin(req, res);
    if (!scope) return handler(req, res);
    if (options.route) {
      scope.setRoute(options.route(req));
    } else if (table) {
      const m = table.match(req.url ?? '/');
      scope.setRoute(m?.route, m?.params);
    }
    const fail = (error: unknown): void => {
      scope.recordException(error);
      if (!res.headersSent) {
        res.statusCode = errorStatus(error);
        res.end();
      } else if (!res.writableEnded) {
        res.destroy(error instanceof Error ? error : undefined);
      }
    };
    return context.with(scope.context, () => {
      try {
        const result = handler(req, res);
        if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
          return (result as Promise<unknown>).then(undefined, fail);
        }
        return result;
      } catch (error) {
        fail(error);
        return undefined;
      }
    });
  };
}

/** The status an escaped error asks for (`statusCode` or `status`, 400–599), else 500. */
export function errorStatus(error: unknown): number {
  if (typeof error === 'object' && error !== null) {
    const e = error as { statusCode?: unknown; status?: unknown };
    const code = typeof e.statusCode === 'number' ? e.statusCode : e.status;
    if (typeof code === 'number' && Number.isInteger(code) && code >= 400 && code <= 599) return code;
  }
  return 500;
}
