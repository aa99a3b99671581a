import { context as otelContext, isSpanContextValid, trace } from '@opentelemetry/api';
import { AnyValueMap, Logger as OtlpLogger, SeverityNumber } from '@opentelemetry/api-logs';
import { LOG_FIELDS } from './conventions';

/** The seed's levels (its StructuredLogger writes INFO, WARNING, ERROR), plus DEBUG. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export const LOG_LEVELS: readonly LogLevel[] = Object.freeze(['DEBUG', 'INFO', 'WARNING', 'ERROR']);

const SEVERITY: Record<LogLevel, SeverityNumber> = {
  DEBUG: SeverityNumber.DEBUG,
  INFO: SeverityNumber.INFO,
  WARNING: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
};

/** Parses a level name (case-insensitive; `WARN` is `WARNING`), or undefined. */
export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  const v = value?.trim().toUpperCase();
  if (!v) return undefined;
  if (v === 'WARN') return 'WARNING';
  return (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : undefined;
}

/** Anything with `write(string)`: `process.stdout`, a file stream, a test's collector. */
export interface LineSink {
  write(line: string): unknown;
}

export interface LoggerOptions {
  /** The `service` field: the resource's `service.name`. */
  readonly service: string;
  /** Lines below this level are dropped. @default INFO */
  readonly level?: LogLevel;
  /** Where JSON lines go, one per record; `false` for none. @default process.stdout (what the stack's log agent tails) */
  readonly sink?: LineSink | false;
  /** Also emit each record over OTLP through this logger (OpenTelemetry logs SDK). @default - none */
  readonly otlp?: OtlpLogger;
  /** Context merged under every record's own context. @default {} */
  readonly baseContext?: Readonly<Record<string, unknown>>;
  /** @default () => new Date() */
  readonly clock?: () => Date;
}

/**
 * The seed's StructuredLogger, corrected: one JSON object per line with `timestamp` (ISO 8601, UTC), `level`,
 * `service`, `message`, `trace_id` and `span_id` of the **active** span (the seed invents a random UUID, which
 * matches no trace), and `context`. Without an active span the two ids are left out. The ids come before `context`
 * so that Grafana's derived field, which takes the first `trace_id` in the line, reads the kit's and not an
 * application key of the same name.
 */
export class StructuredLogger {
  readonly service: string;
  readonly level: LogLevel;
  private readonly sink: LineSink | false;
  private readonly otlp?: OtlpLogger;
  private readonly baseContext: Readonly<Record<string, unknown>>;
  private readonly clock: () => Date;

  constructor(options: LoggerOptions) {
    this.service = options.service;
    this.level = options.level ?? 'INFO';
    this.sink = options.sink === undefined ? process.stdout : options.sink;
    this.otlp = options.otlp;
    this.baseContext = options.baseContext ?? {};
    this.clock = options.clock ?? (() => new Date());
  }

  /** A logger whose records all carry `ctx` (under their own). */
  child(ctx: Readonly<Record<string, unknown>>): StructuredLogger {
    return new StructuredLogger({
      service: this.service,
      level: this.level,
      sink: this.sink,
      otlp: this.otlp,
      baseContext: { ...this.baseContext, ...ctx },
      clock: this.clock,
    });
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(this.level);
  }

  log(level: LogLevel, message: string, ctx: Readonly<Record<string, unknown>> = {}): void {
    if (!this.enabled(level)) return;
    const now = this.clock();
    const active = otelContext.active();
    const span = trace.getSpan(active)?.spanContext();
    const ids = span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : undefined;
    const merged = plain({ ...this.baseContext, ...ctx });
    if (this.sink) {
      const record: Record<string, unknown> = {
        [LOG_FIELDS.timestamp]: now.toISOString(),
        [LOG_FIELDS.level]: level,
        [LOG_FIELDS.service]: this.service,
        [LOG_FIELDS.message]: message,
      };
      if (ids) {
        record[LOG_FIELDS.traceId] = ids.traceId;
        record[LOG_FIELDS.spanId] = ids.spanId;
      }
      record[LOG_FIELDS.context] = merged;
      this.sink.write(`${JSON.stringify(record)}\n`);
    }
    // The SDK takes trace and span id from `context`; the resource carries service.name.
    this.otlp?.emit({
      timestamp: now,
      severityNumber: SEVERITY[level],
      severityText: level,
      body: message,
      attributes: merged as AnyValueMap,
      context: active,
    });
  }

  debug(message: string, ctx?: Readonly<Record<string, unknown>>): void {
    this.log('DEBUG', message, ctx);
  }
  info(message: string, ctx?: Readonly<Record<string, unknown>>): void {
    this.log('INFO', message, ctx);
  }
  warning(message: string, ctx?: Readonly<Record<string, unknown>>): void {
    this.log('WARNING', message, ctx);
  }
  warn(message: string, ctx?: Readonly<Record<string, unknown>>): void {
    this.log('WARNING', message, ctx);
  }
  error(message: string, ctx?: Readonly<Record<string, unknown>>): void {
    this.log('ERROR', message, ctx);
  }
}

/** JSON-safe copy: Errors as {type, message, stack}, bigints as strings, cycles as "[Circular]", functions dropped. */
export function plain(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const seen = new WeakSet<object>();
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (v instanceof Error) return { type: v.name, message: v.message, stack: v.stack };
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[Circular]';
      seen.add(v);
    }
    return v;
  });
  return json === undefined ? {} : (JSON.parse(json) as Record<string, unknown>);
}
