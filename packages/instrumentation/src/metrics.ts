import { isSpanContextValid, SpanContext, trace, TraceFlags } from '@opentelemetry/api';
import { collectDefaultMetrics, Counter, Gauge, Histogram, OpenMetricsContentType, Registry, Summary } from 'prom-client';
import { DEFAULT_HTTP_BUCKETS, EXEMPLAR_LABELS, HTTP_LABELS, HTTP_METRICS, TARGET_LABELS } from './conventions';

export interface MetricsOptions {
  /**
   * Where the metrics are registered. It must be an OpenMetrics registry (`new Registry(Registry.OPENMETRICS_CONTENT_TYPE)`):
   * exemplars exist only in the OpenMetrics exposition.
   * @default - a new OpenMetrics registry of this service
   */
  readonly registry?: Registry<OpenMetricsContentType>;
  /**
   * `http_request_duration_seconds` buckets. Every latency threshold of the service's SLOs must be one of them.
   * @default DEFAULT_HTTP_BUCKETS (the seed's buckets plus 0.2, for the seed's "99% < 200 ms" SLO)
   */
  readonly buckets?: readonly number[];
  /** prom-client's process and Node.js runtime metrics (`process_*`, `nodejs_*`). @default true */
  readonly defaultMetrics?: boolean;
}

/** One finished HTTP request, as the middleware reports it. */
export interface RequestObservation {
  /** Normalized method (`normalizeMethod`). */
  readonly method: string;
  /** Route template or `UNMATCHED_ROUTE`. */
  readonly endpoint: string;
  /** Status code, or `CLIENT_CLOSED_STATUS`. */
  readonly status: string;
  readonly durationSeconds: number;
  /** The request's server span: its trace id becomes the exemplar. @default - the active span */
  readonly spanContext?: SpanContext;
}

type Labels<T extends string> = Partial<Record<T, string | number>>;

/** A counter whose increments carry the active span's trace id as an exemplar. */
export interface BusinessCounter<T extends string> {
  readonly metric: Counter<T>;
  inc(labels?: Labels<T>, value?: number): void;
}

/** A histogram whose observations carry the active span's trace id as an exemplar. */
export interface BusinessHistogram<T extends string> {
  readonly metric: Histogram<T>;
  observe(labels: Labels<T>, value: number): void;
}

/** A summary (`_sum` and `_count`; quantiles only when asked for, since they cannot be aggregated across pods). */
export interface BusinessSummary<T extends string> {
  readonly metric: Summary<T>;
  observe(labels: Labels<T>, value: number): void;
}

/**
 * The exemplar labels of a span: `trace_id` and `span_id`, only when the span is valid and sampled (an unsampled
 * trace is not in Jaeger, so its exemplar would link to nothing).
 */
export function exemplarLabels(spanContext: SpanContext | undefined): Record<string, string> | undefined {
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  if ((spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return { [EXEMPLAR_LABELS.traceId]: spanContext.traceId, [EXEMPLAR_LABELS.spanId]: spanContext.spanId };
}

/**
 * A new registry that writes OpenMetrics (prom-client's constructor takes the content type; its type declaration
 * omits the parameter).
 */
export function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const Ctor = Registry as unknown as new (contentType: OpenMetricsContentType) => Registry<OpenMetricsContentType>;
  return new Ctor(Registry.OPENMETRICS_CONTENT_TYPE);
}

// prom-client types exemplar labels as the metric's own label names; they are any names (here trace_id, span_id).
type AnyExemplar<T extends string> = Partial<Record<T, string>>;
function asExemplar<T extends string>(labels: Record<string, string>): AnyExemplar<T> {
  return labels as AnyExemplar<T>;
}

function activeSpanContext(): SpanContext | undefined {
  return trace.getActiveSpan()?.spanContext();
}

/** Checks a bucket list: finite, positive, strictly increasing. */
export function checkBuckets(buckets: readonly number[]): void {
  if (buckets.length === 0) throw new TypeError('buckets must not be empty');
  buckets.forEach((b, i) => {
    if (!Number.isFinite(b) || b <= 0) throw new TypeError(`buckets[${i}] (${b}) must be a positive finite number of seconds`);
    if (i > 0 && b <= buckets[i - 1]) throw new TypeError(`buckets must increase strictly: ${buckets[i - 1]} then ${b} at index ${i}`);
  });
}

function checkLabelNames(metric: string, labelNames: readonly string[]): void {
  for (const l of labelNames) {
    if ((TARGET_LABELS as readonly string[]).includes(l)) {
      throw new TypeError(
        `${metric}: label "${l}" is attached by the stack's scrape relabeling to every series of the target; ` +
          `a metric label of that name would be renamed "exported_${l}". Leave it out (or name it differently).`,
      );
    }
  }
}

/**
 * The seed's HTTP metrics and the service's business metrics, in one OpenMetrics registry:
 * - `http_requests_total{method,endpoint,status}` (counter, exemplars),
 * - `http_request_duration_seconds{method,endpoint}` (histogram, exemplars, `DEFAULT_HTTP_BUCKETS`),
 * - `active_connections` (gauge: requests being served now). The seed labels it `service`; the kit does not, because
 *   the stack's relabeling already gives every series of the pod `service` (from `app.kubernetes.io/name`), and a
 *   metric label of that name would arrive as `exported_service`.
 */
export class ServiceMetrics {
  readonly registry: Registry<OpenMetricsContentType>;
  readonly buckets: readonly number[];
  readonly requestsTotal: Counter<'method' | 'endpoint' | 'status'>;
  readonly requestDuration: Histogram<'method' | 'endpoint'>;
  readonly activeConnections: Gauge;

  constructor(options: MetricsOptions = {}) {
    this.registry = options.registry ?? openMetricsRegistry();
    if (this.registry.contentType !== Registry.OPENMETRICS_CONTENT_TYPE) {
      throw new TypeError('metrics.registry must be an OpenMetrics registry (openMetricsRegistry()): exemplars exist only in OpenMetrics');
    }
    this.buckets = Object.freeze([...(options.buckets ?? DEFAULT_HTTP_BUCKETS)]);
    checkBuckets(this.buckets);
    const registers = [this.registry];
    this.requestsTotal = new Counter({
      name: HTTP_METRICS.requestsTotal,
      help: 'Total HTTP requests',
      labelNames: [HTTP_LABELS.method, HTTP_LABELS.endpoint, HTTP_LABELS.status],
      enableExemplars: true,
      registers,
    });
    this.requestDuration = new Histogram({
      name: HTTP_METRICS.requestDuration,
      help: 'HTTP request duration in seconds',
      labelNames: [HTTP_LABELS.method, HTTP_LABELS.endpoint],
      buckets: [...this.buckets],
      enableExemplars: true,
      registers,
    });
    this.activeConnections = new Gauge({
      name: HTTP_METRICS.activeConnections,
      help: 'Number of active connections (HTTP requests being served)',
      registers,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The exposition's Content-Type (OpenMetrics 1.0.0). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The OpenMetrics exposition of every metric of the registry. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  /** Counts and times one finished request, with its span's trace id as exemplar. */
  recordRequest(r: RequestObservation): void {
    const exemplar = exemplarLabels(r.spanContext ?? activeSpanContext());
    const counterLabels = { method: r.method, endpoint: r.endpoint, status: r.status };
    const histogramLabels = { method: r.method, endpoint: r.endpoint };
    if (exemplar) {
      this.requestsTotal.inc({ labels: counterLabels, value: 1, exemplarLabels: asExemplar(exemplar) });
      this.requestDuration.observe({ labels: histogramLabels, value: r.durationSeconds, exemplarLabels: asExemplar(exemplar) });
    } else {
      this.requestsTotal.inc({ labels: counterLabels, value: 1 });
      this.requestDuration.observe({ labels: histogramLabels, value: r.durationSeconds });
    }
  }

  /** A business counter (like the seed's `order_total{status,payment_method}`), exemplars from the active span. */
  counter<T extends string>(name: string, help: string, labelNames: readonly T[] = []): BusinessCounter<T> {
    checkLabelNames(name, labelNames);
    const metric = new Counter<T>({ name, help, labelNames: [...labelNames], enableExemplars: true, registers: [this.registry] });
    return {
      metric,
      inc(labels = {}, value = 1) {
        const exemplar = exemplarLabels(activeSpanContext());
        metric.inc(exemplar ? { labels, value, exemplarLabels: asExemplar<T>(exemplar) } : { labels, value });
      },
    };
  }

  /** A business histogram, exemplars from the active span. */
  histogram<T extends string>(name: string, help: string, labelNames: readonly T[], buckets: readonly number[]): BusinessHistogram<T> {
    checkLabelNames(name, labelNames);
    checkBuckets(buckets);
    const metric = new Histogram<T>({ name, help, labelNames: [...labelNames], buckets: [...buckets], enableExemplars: true, registers: [this.registry] });
    return {
      metric,
      observe(labels, value) {
        const exemplar = exemplarLabels(activeSpanContext());
        metric.observe(exemplar ? { labels, value, exemplarLabels: asExemplar<T>(exemplar) } : { labels, value });
      },
    };
  }

  /**
   * A business summary (like the seed's `order_value{currency}`). As the seed's prometheus_client Summary, it exposes
   * `_sum` and `_count` only unless `percentiles` are given (client-side quantiles cannot be summed across pods; use
   * a histogram for quantiles). OpenMetrics has no exemplars on summaries.
   */
  summary<T extends string>(name: string, help: string, labelNames: readonly T[] = [], percentiles: readonly number[] = []): BusinessSummary<T> {
    checkLabelNames(name, labelNames);
    const metric = new Summary<T>({ name, help, labelNames: [...labelNames], percentiles: [...percentiles], registers: [this.registry] });
    return {
      metric,
      observe(labels, value) {
        metric.observe(labels, value);
      },
    };
  }
}
