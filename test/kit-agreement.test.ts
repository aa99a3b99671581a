import { Testing } from 'cdk8s';
import {
  createInstrumentation,
  DEFAULT_HTTP_BUCKETS,
  DEFAULT_OTLP_HTTP_ENDPOINT,
  EXEMPLAR_LABELS,
  HTTP_LABELS,
  HTTP_METRICS,
  kubernetesPodMetadata,
  LOG_FIELDS,
} from '@observability-stack/instrumentation';
import { APP_LABELS, APP_METRICS, SCRAPE_ANNOTATIONS, SERVICE_NAME_POD_LABELS } from '../src/conventions';
import { SEED_PLATFORM_ALERTS } from '../src/components/prometheus';
import { allSlos, buildSloModel, DEFAULT_HISTOGRAM_BUCKETS, DEMO_SERVICES, ORDER_SERVICE } from '../src/slo';
import { ObservabilityStack } from '../src/stack';
import { configFile, K8sObject, parseYaml } from './helpers/synth';

/**
 * The stack and the Node.js instrumentation kit (packages/instrumentation, a package of its own) must agree on names
 * neither can import from the other: these tests read both — the kit's exported conventions and the stack's
 * synthesized default platform — and fail when one side changes alone.
 */

let stack: ObservabilityStack;
let objects: K8sObject[];

beforeAll(() => {
  const emit = process.emitWarning;
  process.emitWarning = (() => undefined) as typeof process.emitWarning; // the demo catalog's 90% objectives warn
  try {
    stack = new ObservabilityStack(Testing.app(), 'observability', { services: [ORDER_SERVICE, ...DEMO_SERVICES] });
    objects = Testing.synth(stack) as K8sObject[];
  } finally {
    process.emitWarning = emit;
  }
});

function datasource(type: string): any {
  const doc = parseYaml(configFile(objects, 'datasources.yaml'));
  const ds = doc.datasources.find((d: any) => d.type === type);
  if (!ds) throw new Error(`no ${type} datasource`);
  return ds;
}

describe('the stack and the instrumentation kit agree', () => {
  test("Grafana's exemplar trace-id label is the kit's exemplar label", () => {
    const destinations = datasource('prometheus').jsonData.exemplarTraceIdDestinations;
    expect(destinations).toEqual([expect.objectContaining({ name: EXEMPLAR_LABELS.traceId, datasourceUid: 'jaeger' })]);
  });

  test("Grafana's Loki derived field extracts the trace id from a line the kit's logger writes in a span", () => {
    // GIVEN a kit logging into memory, inside a span (no exporter: the span only has to be active)
    const lines: string[] = [];
    const kit = createInstrumentation({
      serviceName: 'order-service',
      env: {},
      traces: { exporters: [] },
      logs: { sink: { write: (l: string) => lines.push(l) } },
      registerGlobal: false,
      diagnostics: false,
    });
    let traceId = '';
    kit.withSpan('create-order', (span) => {
      traceId = span.spanContext().traceId;
      // an application key that also looks like a trace id must not shadow the kit's
      kit.logger.info('Order created', { order_id: 'ord-1', upstream: { traceId: 'ffffffffffffffffffffffffffffffff' } });
    });
    const line = lines.find((l) => l.includes('Order created'))!;
    expect(JSON.parse(line)[LOG_FIELDS.traceId]).toBe(traceId);
    // WHEN Grafana applies the derived field (its regex is Go RE2; this one means the same in JavaScript)
    const field = datasource('loki').jsonData.derivedFields.find((f: any) => f.matcherType === 'regex');
    const match = new RegExp(field.matcherRegex).exec(line);
    // THEN the first capture is the span's trace id, and the link goes to Jaeger
    expect(match?.[1]).toBe(traceId);
    // (`$$` is the provisioning file's escape of `$`: Grafana links to the captured value itself)
    expect(field).toMatchObject({ datasourceUid: 'jaeger', url: '$${__value.raw}' });
    // AND the OTLP path (Loki 3 structured metadata) is read by the label `trace_id`, the kit's field name
    expect(datasource('loki').jsonData.derivedFields.find((f: any) => f.matcherType === 'label').matcherRegex).toBe(LOG_FIELDS.traceId);
    void kit.shutdown();
  });

  test("the kit's default OTLP endpoint is the agent Service's OTLP/HTTP URL for the default props", () => {
    expect(stack.otelAgent!.otlpHttpUrl).toBe(DEFAULT_OTLP_HTTP_ENDPOINT);
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'otel-agent')!;
    const port = svc.spec.ports.find((p: any) => p.name === 'otlp-http').port;
    expect(`http://${svc.metadata.name}.${svc.metadata.namespace}.svc:${port}`).toBe(DEFAULT_OTLP_HTTP_ENDPOINT);
    // (node-local: each pod reaches the agent on its own node)
    expect(svc.spec.internalTrafficPolicy).toBe('Local');
  });

  test("the kit's default buckets hold every latency threshold of the default platform (SLOs and HighLatency)", () => {
    const thresholds = allSlos(buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES]))
      .flatMap((s) => (s.sli.kind === 'latency' ? [s.sli.threshold] : []))
      .concat(SEED_PLATFORM_ALERTS.highLatency.thresholdSeconds);
    expect(thresholds.length).toBeGreaterThan(1);
    for (const t of new Set(thresholds)) expect(DEFAULT_HTTP_BUCKETS).toContain(t);
    // and the order-service histogram the SLOs are generated against is the kit's (its own buckets, else the defaults)
    expect([...(ORDER_SERVICE.histogramBuckets ?? DEFAULT_HISTOGRAM_BUCKETS)].sort((a, b) => a - b)).toEqual([...DEFAULT_HTTP_BUCKETS]);
  });

  test("the kit's metric and label names are the stack's", () => {
    expect(HTTP_METRICS).toEqual(APP_METRICS);
    expect(HTTP_LABELS).toEqual(APP_LABELS);
  });

  test("the kit's pod metadata carries what the stack's scrape job keeps and derives `service` from", () => {
    const meta = kubernetesPodMetadata('order-service', 8080);
    expect(meta.labels[SERVICE_NAME_POD_LABELS[0]]).toBe('order-service');
    expect(meta.annotations).toMatchObject({ [SCRAPE_ANNOTATIONS.scrape]: 'true', [SCRAPE_ANNOTATIONS.port]: '8080' });
  });
});
