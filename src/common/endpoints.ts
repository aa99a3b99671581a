/**
 * What a consumer needs to know about a backend: its endpoints, nothing else. An in-stack component and an external
 * backend implement the same interface, so Grafana datasources, Prometheus alerting and collector exporters accept
 * either (the aws-cdk `ITopic` pattern).
 */

/** A Prometheus-compatible query and remote-write endpoint. */
export interface IPrometheus {
  /** Base URL for queries, e.g. `http://prometheus.observability.svc:9090`. */
  readonly queryUrl: string;
  /** Remote-write receiver URL (`/api/v1/write`); in-stack only with `remoteWriteReceiver: true`. */
  readonly remoteWriteUrl: string;
  /** OTLP metrics receiver URL (`/api/v1/otlp/v1/metrics`); requires `--web.enable-otlp-receiver` in-stack. */
  readonly otlpMetricsUrl: string;
  /**
   * The OTLP metrics URL of each replica of an HA group (per-pod DNS names of a headless Service). A collector sends
   * every metric to each of them, so every replica holds every series; through the one load-balanced URL each
   * replica would get only part of them. @default - the one `otlpMetricsUrl`
   */
  readonly replicaOtlpMetricsUrls?: readonly string[];
  /**
   * Hashmod shards (`prometheus.shards`): where each shard's pushed metrics go and which services' metrics it keeps,
   * by their `service` label. The first shard also keeps every service no shard lists, and metrics without one.
   * @default - one Prometheus: every pushed metric to every replica
   */
  readonly otlpMetricsShards?: readonly OtlpMetricsShard[];
}

/** One Prometheus shard as a destination of pushed (OTLP) metrics. */
export interface OtlpMetricsShard {
  /** The OTLP metrics URL of each replica of the shard. */
  readonly urls: readonly string[];
  /** The catalog services this shard scrapes (hashmod of `service`): their pushed metrics go here too. */
  readonly services: readonly string[];
}

/** An Alertmanager: `host:port` targets for Prometheus' `alerting.alertmanagers`. */
export interface IAlertmanager {
  /** `host:port` of every Alertmanager Prometheus should notify. */
  readonly targets: readonly string[];
  /** Base URL, for Grafana's Alertmanager datasource. */
  readonly url: string;
}

/** A Loki: query base URL and push endpoints. */
export interface ILoki {
  /** Base URL for queries, e.g. `http://loki.observability.svc:3100`. */
  readonly queryUrl: string;
  /** Push API (`/loki/api/v1/push`). */
  readonly pushUrl: string;
  /** OTLP HTTP base (the collector's `otlphttp` exporter appends `/v1/logs`): `<base>/otlp`. */
  readonly otlpUrl: string;
}

/** A Jaeger v2: query base URL and OTLP ingestion endpoints. */
export interface IJaeger {
  /** Jaeger query/UI base URL, e.g. `http://jaeger.observability.svc:16686`. */
  readonly queryUrl: string;
  /** OTLP gRPC `host:port` (4317). */
  readonly otlpGrpcEndpoint: string;
  /** OTLP HTTP base URL (4318). */
  readonly otlpHttpUrl: string;
}

/** An OpenTelemetry Collector that accepts OTLP. */
export interface IOtlpReceiver {
  /** OTLP gRPC `host:port`. */
  readonly otlpGrpcEndpoint: string;
  /** OTLP HTTP base URL. */
  readonly otlpHttpUrl: string;
}

/** The cluster-DNS host of a Service. */
export function serviceHost(serviceName: string, namespace: string): string {
  return `${serviceName}.${namespace}.svc`;
}

/** `http://<service>.<namespace>.svc:<port>` */
export function serviceUrl(serviceName: string, namespace: string, port: number, scheme = 'http'): string {
  return `${scheme}://${serviceHost(serviceName, namespace)}:${port}`;
}

/** A base URL without trailing slashes (paths are appended to it). */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
