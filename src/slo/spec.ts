import { DurationString } from '../common/duration';

/**
 * What users write: typed SLO definitions and the service catalog. Plain data (a catalog of 100+ services can be
 * loaded from JSON); `buildSloModel` (model.ts) validates it and resolves every default once.
 */

/**
 * The latency histogram buckets (seconds) a service is assumed to have when it declares none: the seed's buckets (the
 * Prometheus client libraries' defaults, 5 ms ... 10 s) plus 0.2, so the seed's "99% of requests under 200 ms" and
 * every threshold of the built-in SLO classes are bucket boundaries. The instrumentation kit's `DEFAULT_HTTP_BUCKETS`
 * (packages/instrumentation) are the same list, so a service instrumented with the kit needs to declare nothing; a
 * test keeps the two equal. A service whose histogram keeps the client defaults declares them in `histogramBuckets`
 * (and then cannot use a 0.2 s threshold).
 */
export const DEFAULT_HISTOGRAM_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5, 10]);

/** Time-based availability: A = (total time − downtime) / total time, one sample = one probe (or scrape). */
export interface AvailabilitySli {
  readonly kind: 'availability';
  /**
   * `probe`: blackbox-exporter's `probe_success` for the service; `up`: Prometheus' `up` of the service's scrape
   * targets (every target-sample counts, so one pod down out of four is 25% downtime for that sample).
   * @default 'up'
   */
  readonly source?: 'probe' | 'up';
}

/** Request-based latency: good = requests within `threshold`, from a histogram's `_bucket{le}` and `_count`. */
export interface LatencySli {
  readonly kind: 'latency';
  /** Seconds. Must be one of the service's histogram bucket boundaries (`histogramBuckets`). */
  readonly threshold: number;
}

/** Request-based error rate: bad = requests whose status label matches `errorStatus`. */
export interface ErrorRateSli {
  readonly kind: 'error-rate';
  /** RE2 regex on the status label. @default '5..' */
  readonly errorStatus?: string;
}

/**
 * Anything else: PromQL returning per-second rates of bad and of all events over `{{window}}` (the placeholder is
 * required; it is replaced by each window, e.g. `5m`). Results are summed into one series.
 * Example: `sum(rate(grpc_server_handled_total{grpc_code!="OK",service="x"}[{{window}}]))`.
 */
export interface RawSli {
  readonly kind: 'raw';
  readonly errorQuery: string;
  readonly totalQuery: string;
  /**
   * A series selector whose disappearance means the SLI has no data (for the absent-source alert).
   * @default - `absent()` of the total query
   */
  readonly sourceSelector?: string;
}

export type SliSpec = AvailabilitySli | LatencySli | ErrorRateSli | RawSli;

/** One alert tier (page or ticket). */
export interface TierSpec {
  /** @default true */
  readonly enabled?: boolean;
  /** The `severity` label. @default 'critical' for page, 'warning' for ticket */
  readonly severity?: string;
  /** Extra labels on this tier's alert only (e.g. a routing key). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations on this tier's alert only (Sloth's `page_alert.annotations` / `ticket_alert.annotations`), merged
   * key by key over the SLO's `alertAnnotations` and the generated annotations: these win. Resolved into
   * `TierModel.annotations`; the burn-rate rule generator does not emit them yet (pending its rewrite).
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface SloAnnotations {
  /** @default - "<service> <slo>: SLO error budget burn rate is too fast" */
  readonly summary?: string;
  /** Runbook link, as annotation `runbook_url`. @default - none */
  readonly runbookUrl?: string;
}

export interface SloSpec {
  /** DNS-1123 label, unique within the service (`availability`, `latency`, `error-rate`). */
  readonly name: string;
  /** Percentage of good events, strictly between 0 and 100 (99.9). */
  readonly objective: number;
  readonly sli: SliSpec;
  /** @default - the service's period, else the model's (30d) */
  readonly period?: DurationString;
  /** Free text, for dashboards. @default - generated from the SLI */
  readonly description?: string;
  /** `true`/`false` toggles the tier; an object tunes it. @default true */
  readonly page?: boolean | TierSpec;
  /** @default true */
  readonly ticket?: boolean | TierSpec;
  /** Extra labels on every recording and alert of this SLO (team, tier...). @default - the service's labels */
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: SloAnnotations;
  /**
   * Low-traffic guard (request-based SLIs). By default a page needs at least 2 bad events over the page-quick long
   * window (1h), so one lone failure cannot page (the workbook's warning: at 10 requests per hour one failure is a
   * 1000× burn at 99.9%) while a sustained outage of a low-traffic service still does. A positive value also requires
   * this many requests per second over both page-quick windows (1h and 5m); `0` disables every guard.
   * @default - the bad-event guard only; from the SLO class if set
   */
  readonly minRequestRate?: number;
  /** Name of the burn-rate alert (both tiers). @default 'SLOErrorBudgetBurn' */
  readonly alertName?: string;
  /**
   * Annotations on both tiers' burn-rate alerts (Sloth's `alerting.annotations`, e.g. `title`, `summary`,
   * `description`, `runbook` that notification templates read), merged key by key over the generated annotations
   * (these win); a tier's own `annotations` win over these. Resolved into `TierModel.annotations`; the burn-rate rule
   * generator does not emit them yet (pending its rewrite).
   * @default - none
   */
  readonly alertAnnotations?: Readonly<Record<string, string>>;
}

/** Overrides of a class-generated SLO (same fields, all optional); `false` drops the SLO. */
export type SloOverride = Partial<Omit<SloSpec, 'name' | 'sli'>> & { readonly sli?: SliSpec };

/** Metric names a service exposes, when they differ from the seed's (src/conventions.ts). */
export interface ServiceMetrics {
  /** Counter of requests with a status label. @default 'http_requests_total' */
  readonly requestsTotal?: string;
  /** Histogram base name (`<name>_bucket`, `<name>_count`). @default 'http_request_duration_seconds' */
  readonly requestDuration?: string;
  /** @default 'status' */
  readonly statusLabel?: string;
  /** @default 'probe_success' */
  readonly probeSuccess?: string;
  /** @default 'up' */
  readonly up?: string;
}

export interface ServiceSpec {
  /** DNS-1123 label, unique in the catalog; the value of the `service` label on its series. */
  readonly name: string;
  /**
   * An SLO class (`CRITICAL`, `HIGH_FAST`, `HIGH_SLOW`, `LOW` or one given in the model options): generates the
   * class's SLOs. @default - no class SLOs
   */
  readonly class?: string;
  /** Per-SLO overrides of the class's SLOs, by SLO name; `false` drops one. @default - none */
  readonly overrides?: Readonly<Record<string, SloOverride | false>>;
  /** SLOs of this service (besides its class's). @default - none */
  readonly slos?: readonly SloSpec[];
  /**
   * Label matchers selecting the service's series (equality only).
   * @default - `{ service: <name> }`
   */
  readonly matchers?: Readonly<Record<string, string>>;
  /** @default - the seed's names */
  readonly metrics?: ServiceMetrics;
  /** Bucket boundaries of the service's latency histogram (seconds). @default DEFAULT_HISTOGRAM_BUCKETS */
  readonly histogramBuckets?: readonly number[];
  /** Labels added to every SLO of the service (an SLO's own labels win). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default - the model's period (30d) */
  readonly period?: DurationString;
  /**
   * The URL the blackbox exporter probes for a probe-based availability SLI (`sli.source: 'probe'`), e.g.
   * `http://order-service.shop.svc:8080/healthz`. Required when the service has such an SLI.
   * @default - none
   */
  readonly probeUrl?: string;
}

/** An SLO class: objectives and thresholds shared by many services (SRE Workbook, "alerting at scale"). */
export interface SloClass {
  readonly description: string;
  /** Objective (percent) of the request error-rate SLO named `error-rate`. @default - no such SLO */
  readonly errorRate?: number;
  /** Latency SLOs, e.g. `{ name: 'latency-p99', objective: 99, threshold: 0.2 }`. @default - none */
  readonly latency?: readonly { readonly name: string; readonly objective: number; readonly threshold: number }[];
  /** Low-traffic guard for the class's SLOs. @default - see SloSpec.minRequestRate */
  readonly minRequestRate?: number;
  /** @default true */
  readonly page?: boolean | TierSpec;
  /** @default true */
  readonly ticket?: boolean | TierSpec;
}
