import {
  Attributes,
  context,
  Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  Span,
  SpanKind,
  SpanStatusCode,
  TextMapPropagator,
  Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_OTLP_HTTP_ENDPOINT, ENV, OTLP_PATHS } from './conventions';

export type OtlpSignal = keyof typeof OTLP_PATHS;

export interface ResolvedEndpoint {
  readonly url: string;
  /** Where the URL came from: the signal's variable, the generic one, or the stack's agent. */
  readonly source: string;
}

/**
 * The OTLP/HTTP URL of a signal (pure), as the OpenTelemetry exporter specification resolves it:
 * `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT` as is; else `OTEL_EXPORTER_OTLP_ENDPOINT` plus `/v1/<signal>`; else the
 * stack's in-cluster agent (`http://otel-agent.observability-agents.svc:4318/v1/<signal>`).
 */
export function otlpEndpoint(signal: OtlpSignal, env: NodeJS.ProcessEnv = process.env): ResolvedEndpoint {
  const specificName = signal === 'traces' ? ENV.otlpTracesEndpoint : ENV.otlpLogsEndpoint;
  const specific = env[specificName]?.trim();
  if (specific) return { url: specific, source: specificName };
  const generic = env[ENV.otlpEndpoint]?.trim();
  if (generic) return { url: joinPath(generic, OTLP_PATHS[signal]), source: ENV.otlpEndpoint };
  return { url: joinPath(DEFAULT_OTLP_HTTP_ENDPOINT, OTLP_PATHS[signal]), source: 'default (the stack agent)' };
}

function joinPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}

/** Exporters named by `OTEL_TRACES_EXPORTER` / `OTEL_LOGS_EXPORTER` that the kit implements. */
export type ExporterName = 'otlp' | 'console' | 'none';

/**
 * The exporters a `OTEL_<SIGNAL>_EXPORTER` variable selects (pure): a comma-separated list of `otlp`, `console`,
 * `none`; unknown names are reported and skipped. `OTEL_SDK_DISABLED=true` turns every exporter off.
 */
export function selectedExporters(
  variable: string,
  fallback: readonly ExporterName[],
  env: NodeJS.ProcessEnv = process.env,
): { exporters: ExporterName[]; warnings: string[] } {
  if (env[ENV.sdkDisabled]?.trim().toLowerCase() === 'true') return { exporters: [], warnings: [] };
  const raw = env[variable]?.trim();
  if (!raw) return { exporters: [...fallback], warnings: [] };
  const warnings: string[] = [];
  const names = new Set<ExporterName>();
  for (const n of raw.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')) {
    if (n === 'otlp' || n === 'console' || n === 'none') names.add(n);
    else warnings.push(`${variable}: "${n}" is not an exporter of this kit (otlp, console, none); skipped.`);
  }
  if (names.has('none')) return { exporters: [], warnings };
  return { exporters: [...names], warnings };
}

/**
 * The kit sends OTLP/HTTP with JSON bodies (`@opentelemetry/exporter-trace-otlp-http`); the collector's OTLP
 * receiver takes JSON and protobuf on the same port. Another protocol asked for is reported, not silently ignored.
 */
export function protocolWarning(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const p = env[ENV.otlpProtocol]?.trim();
  if (!p || p === 'http/json') return undefined;
  return `${ENV.otlpProtocol}=${p}: this kit exports OTLP over HTTP with JSON bodies (http/json) to port 4318; the collector's OTLP receiver accepts it there.`;
}

export interface TracerProviderOptions {
  readonly resource: Resource;
  /** Exporters (the kit's selection), or span processors given outright (tests, custom pipelines). */
  readonly exporters?: readonly SpanExporter[];
  readonly spanProcessors?: readonly SpanProcessor[];
  /** BatchSpanProcessor delay between exports. @default 5000 (the SDK's) */
  readonly scheduledDelayMillis?: number;
}

/** A tracer provider with one BatchSpanProcessor per exporter. The sampler follows OTEL_TRACES_SAMPLER (SDK). */
export function createTracerProvider(options: TracerProviderOptions): BasicTracerProvider {
  const processors: SpanProcessor[] = [
    ...(options.spanProcessors ?? []),
    ...(options.exporters ?? []).map((e) =>
      // Only what is given: BatchSpanProcessor falls back to OTEL_BSP_* for the rest.
      options.scheduledDelayMillis === undefined ? new BatchSpanProcessor(e) : new BatchSpanProcessor(e, { scheduledDelayMillis: options.scheduledDelayMillis }),
    ),
  ];
  return new BasicTracerProvider({ resource: options.resource, spanProcessors: processors });
}

/** The span exporter for a selected name. */
export function spanExporter(name: Exclude<ExporterName, 'none'>, env: NodeJS.ProcessEnv = process.env): SpanExporter {
  if (name === 'console') return new ConsoleSpanExporter();
  return new OTLPTraceExporter({ url: otlpEndpoint('traces', env).url });
}

/** W3C Trace Context (`traceparent`, `tracestate`) and W3C Baggage (`baggage`), the stack's propagation format. */
export function w3cPropagator(): TextMapPropagator {
  return new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
}

let globalsInstalled = false;

/**
 * Installs the process-wide pieces the OpenTelemetry API needs, once and only where nothing else installed them: an
 * AsyncLocalStorage context manager (so the active span follows async code) and the W3C propagator.
 */
export function installGlobals(): void {
  if (globalsInstalled) return;
  globalsInstalled = true;
  const manager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(manager)) manager.disable();
  propagation.setGlobalPropagator(w3cPropagator());
}

/** Header carrier of node:http (`IncomingHttpHeaders`), fetch (`Headers`) or a plain object. */
export type HeaderCarrier = Record<string, string | string[] | undefined>;

/** The context carried by incoming headers (trace context and baggage), on top of `base`. */
export function extractContext(propagator: TextMapPropagator, headers: HeaderCarrier, base: Context = context.active()): Context {
  return propagator.extract(base, headers, defaultTextMapGetter);
}

/** Writes the trace context and baggage of `ctx` into outgoing headers; returns them. */
export function injectContext<T extends Record<string, string>>(propagator: TextMapPropagator, headers: T, ctx: Context = context.active()): T {
  propagator.inject(ctx, headers, defaultTextMapSetter);
  return headers;
}

export interface TraceFunctionOptions {
  readonly attributes?: Attributes;
  /** @default SpanKind.INTERNAL */
  readonly kind?: SpanKind;
  /**
   * Set status OK when the function returns, as the seed's `trace_function` does (the OpenTelemetry guidance leaves
   * this to applications; instrumentation libraries leave success Unset).
   * @default true
   */
  readonly okOnSuccess?: boolean;
}

/** Records an exception on a span and sets status ERROR with its message. */
export function recordError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

/**
 * Runs `fn` in a new active span named `name`: on return (or promise resolution) status OK, on a throw (or
 * rejection) the exception is recorded, status ERROR, and the error re-thrown. The span ends either way.
 */
export function withSpan<R>(tracer: Tracer, name: string, fn: (span: Span) => R, options: TraceFunctionOptions = {}): R {
  return tracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, (span) => {
    const ok = (): void => {
      if (options.okOnSuccess ?? true) span.setStatus({ code: SpanStatusCode.OK });
      span.end();
    };
    const fail = (error: unknown): never => {
      recordError(span, error);
      span.end();
      throw error;
    };
    let result: R;
    try {
      result = fn(span);
    } catch (error) {
      return fail(error);
    }
    if (isPromiseLike(result)) {
      return result.then(
        (v) => {
          ok();
          return v;
        },
        (e: unknown) => fail(e),
      ) as R;
    }
    ok();
    return result;
  });
}

/**
 * The seed's `trace_function` decorator as a wrapper: `traceFunction(tracer, 'charge', charge)` returns a function
 * with the same signature whose every call runs in its own span (see `withSpan`). The span name defaults to the
 * function's name.
 */
export function traceFunction<A extends unknown[], R>(
  tracer: Tracer,
  name: string | undefined,
  fn: (...args: A) => R,
  options: TraceFunctionOptions = {},
): (...args: A) => R {
  const spanName = name ?? (fn.name || 'anonymous');
  return function traced(this: unknown, ...args: A): R {
    return withSpan(tracer, spanName, () => fn.apply(this, args), options);
  };
}

function isPromiseLike<T>(v: T | PromiseLike<unknown>): v is PromiseLike<unknown> & T {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
