import { IncomingMessage, ServerResponse } from 'node:http';
import { context, Context, diag, DiagLogLevel, ROOT_CONTEXT, Span, TextMapPropagator, trace, Tracer } from '@opentelemetry/api';
import { Logger as OtlpLogger } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, ConsoleLogRecordExporter, LoggerProvider, LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ENV, METRICS_PATH, SCOPE_NAME } from './conventions';
import { createTracedFetch, TracedFetch } from './http-client';
import { HttpHandlerOptions, HttpServerInstrumentation, instrumentHttpHandler, NodeHttpHandler } from './http-server';
import { LineSink, LogLevel, parseLogLevel, StructuredLogger } from './logger';
import { MetricsOptions, ServiceMetrics } from './metrics';
import { createResource, resourceAttributes, ResourceOptions } from './resource';
import {
  createTracerProvider,
  extractContext,
  HeaderCarrier,
  injectContext,
  installGlobals,
  otlpEndpoint,
  protocolWarning,
  selectedExporters,
  spanExporter,
  traceFunction,
  TraceFunctionOptions,
  w3cPropagator,
  withSpan,
} from './tracing';

export interface TracesOptions {
  /**
   * Span exporters to use instead of the ones OTEL_TRACES_EXPORTER selects (default `otlp`: OTLP/HTTP to the
   * endpoint `otlpEndpoint('traces')` resolves, by default the stack's agent).
   * @default - from the environment
   */
  readonly exporters?: readonly SpanExporter[];
  /** Extra span processors (e.g. a SimpleSpanProcessor in tests). @default none */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** BatchSpanProcessor export delay. @default - OTEL_BSP_SCHEDULE_DELAY, else 5000 ms */
  readonly scheduledDelayMillis?: number;
}

export interface LogsOptions {
  /** Where JSON lines go; `false` for none. @default process.stdout (the stack's agent tails pod logs) */
  readonly sink?: LineSink | false;
  /** @default LOG_LEVEL, else INFO */
  readonly level?: LogLevel;
  /**
   * Also send every record over OTLP/HTTP (OpenTelemetry logs SDK) to `otlpEndpoint('logs')`. Off by default:
   * the stack's agent already ships stdout to Loki, and both would store every line twice.
   * @default - true when OTEL_LOGS_EXPORTER lists `otlp`
   */
  readonly otlp?: boolean;
  /** Log record exporters to use instead (tests). @default - from `otlp` / the environment */
  readonly exporters?: readonly LogRecordExporter[];
  /** BatchLogRecordProcessor export delay. @default - OTEL_BLRP_SCHEDULE_DELAY, else 1000 ms */
  readonly scheduledDelayMillis?: number;
}

export interface InstrumentationOptions extends ResourceOptions {
  /** The environment read for OTEL_*, K8S_* and LOG_LEVEL. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly metrics?: MetricsOptions;
  readonly traces?: TracesOptions;
  readonly logs?: LogsOptions;
  /** Paths the HTTP middleware neither traces nor counts. @default ['/metrics'] */
  readonly ignorePaths?: readonly string[];
  /**
   * Make this service's tracer provider the global one (`trace.getTracer()` of other libraries then use it). Only the
   * first call in a process can; later ones keep their provider to themselves.
   * @default true
   */
  readonly registerGlobal?: boolean;
  /**
   * Route the OpenTelemetry SDK's own warnings and errors (an unreachable collector, a refused export) into this
   * service's JSON log, so a broken trace pipeline shows in Loki instead of staying silent. Process-wide: only the
   * first service of a process that asks installs it.
   * @default true
   */
  readonly diagnostics?: boolean;
}

let diagInstalled = false;
let globalTracerRegistered = false;

/**
 * One service's instrumentation: metrics (prom-client, OpenMetrics with exemplars), traces (OpenTelemetry SDK,
 * OTLP), a trace-correlated JSON logger, and the HTTP middleware that ties them together. Create one per service
 * at start-up (`createInstrumentation`), and `shutdown()` it on exit so the last spans and logs are sent.
 */
export class Instrumentation {
  readonly serviceName: string;
  readonly resource: Resource;
  readonly metrics: ServiceMetrics;
  readonly tracerProvider: BasicTracerProvider;
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;
  readonly logger: StructuredLogger;
  readonly loggerProvider?: LoggerProvider;
  readonly server: HttpServerInstrumentation;
  /** Fetch with a CLIENT span and W3C trace context + baggage injected. */
  readonly fetch: TracedFetch;
  /** Configuration problems found at start (also logged as WARNING). */
  readonly warnings: readonly string[];

  constructor(options: InstrumentationOptions) {
    installGlobals();
    const env = options.env ?? process.env;
    const warnings: string[] = [];

    const resolved = resourceAttributes(options, env);
    warnings.push(...resolved.warnings);
    this.resource = createResource(resolved.attributes);
    this.serviceName = String(resolved.attributes[ATTR_SERVICE_NAME]);

    this.metrics = new ServiceMetrics(options.metrics);
    this.propagator = w3cPropagator();

    const traces = options.traces ?? {};
    let exporters: SpanExporter[];
    if (traces.exporters) {
      exporters = [...traces.exporters];
    } else {
      const sel = selectedExporters(ENV.tracesExporter, ['otlp'], env);
      warnings.push(...sel.warnings);
      exporters = sel.exporters.filter((n) => n !== 'none').map((n) => spanExporter(n as 'otlp' | 'console', env));
    }
    const logs = options.logs ?? {};
    let logExporters: LogRecordExporter[];
    if (logs.exporters) {
      logExporters = [...logs.exporters];
    } else {
      const sel = selectedExporters(ENV.logsExporter, logs.otlp ? ['otlp'] : [], env);
      warnings.push(...sel.warnings);
      logExporters = sel.exporters.map((n) =>
        n === 'console' ? new ConsoleLogRecordExporter() : new OTLPLogExporter({ url: otlpEndpoint('logs', env).url }),
      );
    }
    const pw = protocolWarning(env);
    if (pw && (exporters.length > 0 || logExporters.length > 0)) warnings.push(pw);

    this.tracerProvider = createTracerProvider({
      resource: this.resource,
      exporters,
      spanProcessors: traces.spanProcessors,
      scheduledDelayMillis: traces.scheduledDelayMillis,
    });
    if ((options.registerGlobal ?? true) && !globalTracerRegistered) {
      globalTracerRegistered = true;
      trace.setGlobalTracerProvider(this.tracerProvider);
    }
    this.tracer = this.tracerProvider.getTracer(SCOPE_NAME);

    let otlpLogger: OtlpLogger | undefined;
    if (logExporters.length > 0) {
      const processors: LogRecordProcessor[] = logExporters.map(
        (exporter) => new BatchLogRecordProcessor(logs.scheduledDelayMillis === undefined ? { exporter } : { exporter, scheduledDelayMillis: logs.scheduledDelayMillis }),
      );
      this.loggerProvider = new LoggerProvider({ resource: this.resource, processors });
      otlpLogger = this.loggerProvider.getLogger(SCOPE_NAME);
    }
    const level = logs.level ?? parseLogLevel(env[ENV.logLevel]);
    if (env[ENV.logLevel] && !parseLogLevel(env[ENV.logLevel])) {
      warnings.push(`${ENV.logLevel}=${env[ENV.logLevel]} is not a level (DEBUG, INFO, WARNING, ERROR); using INFO.`);
    }
    this.logger = new StructuredLogger({ service: this.serviceName, level, sink: logs.sink, otlp: otlpLogger });

    this.server = new HttpServerInstrumentation({
      tracer: this.tracer,
      propagator: this.propagator,
      metrics: this.metrics,
      ignorePaths: options.ignorePaths,
    });
    this.fetch = createTracedFetch({ tracer: this.tracer, propagator: this.propagator });

    this.warnings = warnings;
    for (const w of warnings) this.logger.warning(w);
    if ((options.diagnostics ?? true) && !diagInstalled) {
      diagInstalled = true;
      const log = this.logger;
      const line = (args: unknown[]): string => `opentelemetry: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`;
      diag.setLogger(
        {
          // In the root context: an export failure belongs to no request's trace.
          error: (...args) => context.with(ROOT_CONTEXT, () => log.error(line(args))),
          warn: (...args) => context.with(ROOT_CONTEXT, () => log.warning(line(args))),
          info: () => undefined,
          debug: () => undefined,
          verbose: () => undefined,
        },
        { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
      );
    }
  }

  /** The node:http middleware (see `instrumentHttpHandler`). */
  httpHandler(handler: NodeHttpHandler, options?: HttpHandlerOptions): NodeHttpHandler {
    return instrumentHttpHandler(this.server, handler, options);
  }

  /** A node:http handler serving the OpenMetrics exposition (mount it at `/metrics`). */
  metricsHandler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (_req, res) => {
      this.metrics.exposition().then(
        (body) => {
          res.statusCode = 200;
          res.setHeader('Content-Type', this.metrics.contentType);
          res.end(body);
        },
        (error: unknown) => {
          res.statusCode = 500;
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.end(`metrics collection failed: ${error instanceof Error ? error.message : String(error)}\n`);
        },
      );
    };
  }

  /** Where the exposition is conventionally served. */
  get metricsPath(): string {
    return METRICS_PATH;
  }

  /** Runs `fn` in a new active span (status OK on return, exception + ERROR on a throw). */
  withSpan<R>(name: string, fn: (span: Span) => R, options?: TraceFunctionOptions): R {
    return withSpan(this.tracer, name, fn, options);
  }

  /** The seed's `trace_function`: wraps `fn` so each call runs in its own span. */
  traceFunction<A extends unknown[], R>(name: string | undefined, fn: (...args: A) => R, options?: TraceFunctionOptions): (...args: A) => R {
    return traceFunction(this.tracer, name, fn, options);
  }

  /** Writes the active (or given) context's trace context and baggage into headers. */
  inject<T extends Record<string, string>>(headers: T, ctx?: Context): T {
    return injectContext(this.propagator, headers, ctx);
  }

  /** The context carried by incoming headers. */
  extract(headers: HeaderCarrier, base?: Context): Context {
    return extractContext(this.propagator, headers, base);
  }

  /** Sends every finished span and log record now. */
  async forceFlush(): Promise<void> {
    await Promise.all([this.tracerProvider.forceFlush(), this.loggerProvider?.forceFlush()]);
  }

  /** Flushes and stops the exporters (call on SIGTERM). */
  async shutdown(): Promise<void> {
    await Promise.all([this.tracerProvider.shutdown(), this.loggerProvider?.shutdown()]);
  }
}

export function createInstrumentation(options: InstrumentationOptions): Instrumentation {
  return new Instrumentation(options);
}
