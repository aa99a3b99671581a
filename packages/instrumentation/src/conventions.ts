/**
 * Every name the kit writes and the stack reads, in one module: metric and label names, buckets, log fields,
 * exemplar labels, environment variables and default endpoints. The stack's own conventions live in the root
 * library's `src/conventions.ts`; the values that must agree are listed in the README ("What the stack expects").
 */

/** The seed's application metrics (the stack's SLO rules and dashboards read these names). */
export const HTTP_METRICS = {
  requestsTotal: 'http_requests_total',
  requestDuration: 'http_request_duration_seconds',
  activeConnections: 'active_connections',
} as const;

/** Labels of the seed's HTTP metrics. */
export const HTTP_LABELS = {
  method: 'method',
  /** The route template (`/orders/:id`), never the raw path. */
  endpoint: 'endpoint',
  /** The response status code as a decimal string (`"200"`), matched by the stack's `status=~"5.."`. */
  status: 'status',
} as const;

/**
 * Label names the kit never puts on a metric: the stack's scrape relabeling attaches them to every series from the
 * target (`service` from the pod label `app.kubernetes.io/name` or `app`, `namespace` and `pod` from discovery). A
 * metric label of the same name would be renamed `exported_<name>` at scrape (`honor_labels: false`), so the seed's
 * `by (service)` would group on the target's value anyway and the metric's copy would only cost a label.
 */
export const TARGET_LABELS = ['service', 'namespace', 'pod', 'job', 'instance'] as const;

/**
 * The seed's histogram buckets, literally (`http_request_duration_seconds`, the prometheus_client defaults).
 * They have no `le="0.2"` bucket, so the seed's own latency SLO ("99% of requests < 200 ms") cannot be measured on them.
 */
export const SEED_HTTP_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/**
 * The kit's default buckets: the seed's plus 0.2, so the latency SLI `le="0.2"` of the seed's "99% < 200 ms" SLO exists.
 * The stack's default `histogramBuckets` for order-service are the same list.
 */
export const DEFAULT_HTTP_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5, 10]);

/**
 * The `endpoint` label (and the span's `http.route` is then absent) for a request that matched no route: one fixed
 * value, so scanners probing random paths add one series, not one per path. Route templates start with `/`, so it
 * never collides with one.
 */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * `method` label and `http.request.method` for a method outside the known set (OpenTelemetry HTTP semantic
 * conventions: `_OTHER`), so arbitrary method strings cannot create series.
 */
export const OTHER_METHOD = '_OTHER';

/** The methods kept as they are (RFC 9110 plus PATCH, as the OpenTelemetry HTTP semantic conventions list them). */
export const KNOWN_METHODS: readonly string[] = Object.freeze(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

/**
 * `status` of a request whose client went away before the response was complete (the convention nginx made common).
 * Not a 5xx: the stack's error-rate SLIs (`status=~"5.."`) do not count a client that hung up as a server error.
 */
export const CLIENT_CLOSED_STATUS = '499';

/**
 * Exemplar labels. `trace_id` is what the stack's Grafana Prometheus datasource reads
 * (`exemplarTraceIdDestinations[].name`, default `trace_id`, `src/components/grafana/defaults.ts`), so an exemplar
 * dot links to the trace in Jaeger. Both together are 63 characters, under OpenMetrics' 128-character limit.
 */
export const EXEMPLAR_LABELS = {
  traceId: 'trace_id',
  spanId: 'span_id',
} as const;

/**
 * Fields of a JSON log line, in the order they are written. `trace_id` is what the stack's Grafana Loki datasource
 * extracts (derived field `TraceID`, regex `[Tt]race_?[Ii][Dd]["=:\s]+(\w+)` in `src/components/grafana/config.ts`)
 * and what Loki 3's OTLP ingestion names the trace id of a record (structured metadata `trace_id`). The regex takes
 * the first match in the line, so the trace id is written before `context`, whose keys are the application's.
 */
export const LOG_FIELDS = {
  timestamp: 'timestamp',
  level: 'level',
  service: 'service',
  message: 'message',
  traceId: 'trace_id',
  spanId: 'span_id',
  context: 'context',
} as const;

/**
 * Environment variables the kit reads. The `OTEL_*` ones are the OpenTelemetry SDK configuration conventions; the
 * `K8S_*` ones are set from the downward API in the pod spec (see `kubernetesPodEnv()`).
 */
export const ENV = {
  serviceName: 'OTEL_SERVICE_NAME',
  resourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  otlpTracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  otlpLogsEndpoint: 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
  otlpProtocol: 'OTEL_EXPORTER_OTLP_PROTOCOL',
  tracesExporter: 'OTEL_TRACES_EXPORTER',
  logsExporter: 'OTEL_LOGS_EXPORTER',
  sdkDisabled: 'OTEL_SDK_DISABLED',
  /** Minimum level of the JSON logger: DEBUG, INFO, WARNING or ERROR. */
  logLevel: 'LOG_LEVEL',
  podName: 'K8S_POD_NAME',
  podUid: 'K8S_POD_UID',
  podIp: 'K8S_POD_IP',
  namespace: 'K8S_NAMESPACE_NAME',
  nodeName: 'K8S_NODE_NAME',
} as const;

/**
 * Downward API environment → resource attribute. `k8s.pod.uid` and `k8s.pod.ip` are the keys the stack's collector
 * agent associates telemetry with its pod by (k8sattributes `pod_association`, `src/components/otel-collector/agent.ts`).
 */
export const DOWNWARD_API_ATTRIBUTES: readonly { readonly env: string; readonly attribute: string; readonly fieldPath: string }[] = Object.freeze([
  { env: ENV.podName, attribute: 'k8s.pod.name', fieldPath: 'metadata.name' },
  { env: ENV.podUid, attribute: 'k8s.pod.uid', fieldPath: 'metadata.uid' },
  { env: ENV.podIp, attribute: 'k8s.pod.ip', fieldPath: 'status.podIP' },
  { env: ENV.namespace, attribute: 'k8s.namespace.name', fieldPath: 'metadata.namespace' },
  { env: ENV.nodeName, attribute: 'k8s.node.name', fieldPath: 'spec.nodeName' },
]);

/**
 * The stack's collector agent: a DaemonSet behind the Service `otel-agent` in namespace `observability-agents` with
 * `internalTrafficPolicy: Local` (each pod reaches its own node's agent), OTLP/gRPC 4317 and OTLP/HTTP 4318
 * (`AGENT_DEFAULTS` and `OTEL_PORTS` in `src/components/otel-collector/defaults.ts`). The kit sends OTLP/HTTP.
 */
export const STACK_AGENT = {
  service: 'otel-agent',
  namespace: 'observability-agents',
  otlpGrpcPort: 4317,
  otlpHttpPort: 4318,
} as const;

/** Default OTLP/HTTP base URL: the stack's in-cluster agent (`http://otel-agent.observability-agents.svc:4318`). */
export const DEFAULT_OTLP_HTTP_ENDPOINT = `http://${STACK_AGENT.service}.${STACK_AGENT.namespace}.svc:${STACK_AGENT.otlpHttpPort}`;

/** Signal paths appended to a base OTLP/HTTP endpoint (OTLP specification). */
export const OTLP_PATHS = {
  traces: 'v1/traces',
  logs: 'v1/logs',
} as const;

/** The pod annotations the stack's `kubernetes-pods` scrape job keeps (the seed's convention). */
export const SCRAPE_ANNOTATIONS = {
  scrape: 'prometheus.io/scrape',
  port: 'prometheus.io/port',
  path: 'prometheus.io/path',
} as const;

/** The pod label the stack derives the `service` target label from (first choice; `app` is the fallback). */
export const SERVICE_POD_LABEL = 'app.kubernetes.io/name';

/** Where the kit serves the exposition by default. */
export const METRICS_PATH = '/metrics';

/** Instrumentation scope of the kit's spans and log records. */
export const SCOPE_NAME = '@observability-stack/instrumentation';
