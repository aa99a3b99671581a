import * as yaml from 'js-yaml';
import { ConfigError } from '../../../src/common/errors';
import { CollectorConfig, parseComponentId } from '../../../src/components/otel-collector/config';
import { validateCollectorConfig } from '../../../src/components/otel-collector/config-checks';
import { collectorConfigDocument, renderCollectorConfig } from '../../../src/components/otel-collector/config-render';

/** A valid config: OTLP in, memory_limiter → batch, debug out. */
function base(overrides: Partial<CollectorConfig> = {}, service: Partial<CollectorConfig['service']> = {}): CollectorConfig {
  return {
    receivers: { otlp: { type: 'otlp', grpcEndpoint: '0.0.0.0:4317' } },
    processors: {
      memory_limiter: { type: 'memory_limiter', checkInterval: '1s', limitPercentage: 80, spikeLimitPercentage: 25 },
      batch: { type: 'batch' },
    },
    exporters: { debug: { type: 'debug' }, 'otlp/gateway': { type: 'otlp', endpoint: 'gw:4317', tls: { insecure: true } } },
    extensions: { health_check: { type: 'health_check', endpoint: '0.0.0.0:13133' } },
    ...overrides,
    service: {
      extensions: ['health_check'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['debug'] } },
      ...service,
    },
  };
}

function problemsOf(config: CollectorConfig): string[] {
  try {
    validateCollectorConfig(config);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message.split('\n');
  }
  return [];
}

describe('component ids', () => {
  test.each([
    ['otlp', { type: 'otlp' }],
    ['otlp/gateway', { type: 'otlp', name: 'gateway' }],
    ['file_storage/logs', { type: 'file_storage', name: 'logs' }],
  ])('%s splits into type and name', (id, expected) => {
    expect(parseComponentId(id)).toEqual(expected);
  });

  test('an id with a space or a second slash is refused', () => {
    // GIVEN a receiver keyed "otlp/a b" and an exporter keyed "otlp/a/b"
    const config = base({
      receivers: { otlp: { type: 'otlp' }, 'otlp/a b': { type: 'otlp' } },
      exporters: { debug: { type: 'debug' }, 'otlp/a/b': { type: 'otlp', endpoint: 'x:4317' } },
    });
    // THEN both are named
    expect(problemsOf(config)).toEqual([
      'receivers.otlp/a b: is not a valid receiver id (got "otlp/a b"). Fix: write `type` or `type/name`: a type of letters, digits and underscores starting with a letter, and a name without spaces or "/".',
      'exporters.otlp/a/b: is not a valid exporter id (got "otlp/a/b"). Fix: write `type` or `type/name`: a type of letters, digits and underscores starting with a letter, and a name without spaces or "/".',
    ]);
  });

  test('a typed config under an id of another type is refused', () => {
    const config = base({ receivers: { otlp: { type: 'filelog', include: ['/x'] } } });
    expect(problemsOf(config)).toContain(
      'receivers.otlp: holds a "filelog" receiver config under an id of type "otlp" (got "otlp"). Fix: key it "filelog" or "filelog/<name>", or use the typed config of the otlp receiver.',
    );
  });
});

describe('pipeline validation', () => {
  test('a valid config passes', () => {
    expect(problemsOf(base())).toEqual([]);
  });

  test('a pipeline naming an undefined exporter names the pipeline, the id, the defined exporters and the fix', () => {
    // GIVEN a traces pipeline exporting to "otlp/jaeger", which is not defined
    const config = base({}, { pipelines: { traces: { receivers: ['otlp'], processors: [], exporters: ['otlp/jaeger'] } } });
    // THEN
    expect(() => validateCollectorConfig(config)).toThrow(ConfigError);
    expect(problemsOf(config)).toEqual([
      'service.pipelines.traces.exporters: names exporter "otlp/jaeger", which is not defined (defined exporters: "debug", "otlp/gateway"). Fix: define exporters["otlp/jaeger"] or remove "otlp/jaeger" from pipeline "traces".',
    ]);
  });

  test('undefined receivers and processors are reported the same way, all at once', () => {
    const config = base(
      { processors: {} },
      { pipelines: { 'logs/app': { receivers: ['filelog'], processors: ['batch'], exporters: ['debug'] } } },
    );
    expect(problemsOf(config)).toEqual([
      'service.pipelines.logs/app.receivers: names receiver "filelog", which is not defined (defined receivers: "otlp"). Fix: define receivers["filelog"] or remove "filelog" from pipeline "logs/app".',
      'service.pipelines.logs/app.processors: names processor "batch", which is not defined (no processors are defined). Fix: define processors["batch"] or remove "batch" from pipeline "logs/app".',
    ]);
  });

  test('a pipeline with no receivers or no exporters is refused', () => {
    const config = base({}, { pipelines: { metrics: { receivers: [], exporters: [] } } });
    expect(problemsOf(config)).toEqual([
      'service.pipelines.metrics.receivers: is empty: a pipeline needs at least one receiver. Fix: list one of the defined receivers: "otlp", or remove pipeline "metrics".',
      'service.pipelines.metrics.exporters: is empty: a pipeline needs at least one exporter. Fix: list one of the defined exporters: "debug", "otlp/gateway", or remove pipeline "metrics".',
    ]);
  });

  test('no pipeline at all is refused (the collector would not start)', () => {
    expect(problemsOf(base({}, { pipelines: {} }))).toEqual([
      'service.pipelines: is empty: the collector refuses to start without a pipeline. Fix: add a traces, metrics or logs pipeline.',
    ]);
  });

  test('a pipeline id must start with a signal type', () => {
    const config = base({}, { pipelines: { profiles: { receivers: ['otlp'], exporters: ['debug'] } } });
    expect(problemsOf(config)).toEqual([
      'service.pipelines.profiles: is not a valid pipeline id (got "profiles"). Fix: key pipelines "<signal>" or "<signal>/<name>" with a signal of traces, metrics, logs.',
    ]);
  });

  test('a component listed twice in a pipeline is refused', () => {
    const config = base({}, { pipelines: { traces: { receivers: ['otlp', 'otlp'], exporters: ['debug'] } } });
    expect(problemsOf(config)).toEqual(['service.pipelines.traces.receivers: lists receiver "otlp" more than once. Fix: list "otlp" once.']);
  });

  test('filelog only feeds logs pipelines', () => {
    const config = base(
      { receivers: { otlp: { type: 'otlp' }, filelog: { type: 'filelog', include: ['/var/log/pods/*/*/*.log'] } } },
      { pipelines: { traces: { receivers: ['filelog'], exporters: ['debug'] } } },
    );
    expect(problemsOf(config)).toEqual([
      'service.pipelines.traces.receivers: names receiver "filelog", which does not support traces (it supports logs). Fix: move "filelog" to a logs pipeline.',
    ]);
  });

  test('an enabled extension must be defined', () => {
    const config = base({}, { extensions: ['health_check', 'file_storage'] });
    expect(problemsOf(config)).toEqual([
      'service.extensions[1]: names extension "file_storage", which is not defined (defined extensions: "health_check"). Fix: define extensions["file_storage"] or remove "file_storage" from service.extensions.',
    ]);
  });

  test("filelog's storage extension must be defined and enabled", () => {
    const config = base(
      {
        receivers: { otlp: { type: 'otlp' }, filelog: { type: 'filelog', include: ['/x/*.log'], storage: 'file_storage' } },
        extensions: { health_check: { type: 'health_check', endpoint: ':13133' }, file_storage: { type: 'file_storage', directory: '/d' } },
      },
      { pipelines: { logs: { receivers: ['filelog'], exporters: ['debug'] } } },
    );
    expect(problemsOf(config)).toEqual([
      'receivers.filelog.storage: names extension "file_storage", which is not both defined and listed in service.extensions. Fix: define extensions["file_storage"] (a file_storage) and add "file_storage" to service.extensions.',
    ]);
  });

  test('the telemetry port must be a TCP port', () => {
    const config = base({}, { telemetry: { metrics: { prometheus: { host: '0.0.0.0', port: 70000 } } } });
    expect(problemsOf(config)).toEqual([
      'service.telemetry.metrics.prometheus.port: must be a TCP port (an integer from 1 to 65535) (got 70000). Fix: use e.g. 8888.',
    ]);
  });
});

describe('processor order (errors: memory_limiter first, batch last)', () => {
  test('memory_limiter after another processor is an error with the corrected order', () => {
    const config = base(
      { processors: { ...base().processors, k8sattributes: { type: 'k8sattributes' } } },
      { pipelines: { traces: { receivers: ['otlp'], processors: ['k8sattributes', 'memory_limiter', 'batch'], exporters: ['debug'] } } },
    );
    expect(problemsOf(config)).toEqual([
      'service.pipelines.traces.processors: puts "memory_limiter" at position 2; memory_limiter must be the first processor, so it refuses data before any other processor holds it (got ["k8sattributes","memory_limiter","batch"]). Fix: order the processors [memory_limiter, k8sattributes, batch].',
    ]);
  });

  test('batch before another processor is an error with the corrected order', () => {
    const config = base(
      { processors: { ...base().processors, k8sattributes: { type: 'k8sattributes' } } },
      { pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch', 'k8sattributes'], exporters: ['debug'] } } },
    );
    expect(problemsOf(config)).toEqual([
      'service.pipelines.traces.processors: puts "batch" at position 2 of 3; batch must be the last processor, so processors after it do not split its batches (got ["memory_limiter","batch","k8sattributes"]). Fix: order the processors [memory_limiter, k8sattributes, batch].',
    ]);
  });

  test('named instances count by type, and pipelines without them are not checked', () => {
    const config = base(
      {
        processors: {
          'memory_limiter/x': { type: 'memory_limiter', checkInterval: '1s', limitMib: 400 },
          'batch/big': { type: 'batch', sendBatchSize: 10000 },
          k8sattributes: { type: 'k8sattributes' },
        },
      },
      {
        pipelines: {
          traces: { receivers: ['otlp'], processors: ['memory_limiter/x', 'k8sattributes', 'batch/big'], exporters: ['debug'] },
          logs: { receivers: ['otlp'], processors: ['k8sattributes'], exporters: ['debug'] },
        },
      },
    );
    expect(problemsOf(config)).toEqual([]);
  });
});

describe('rendering to the upstream format', () => {
  test('typed models map to upstream snake_case keys', () => {
    // GIVEN every typed component
    const config: CollectorConfig = {
      receivers: {
        otlp: { type: 'otlp', grpcEndpoint: 'a:4317', httpEndpoint: 'a:4318' },
        filelog: {
          type: 'filelog',
          include: ['/var/log/pods/*/*/*.log'],
          exclude: ['/var/log/pods/ns_me-*_*/c/*.log'],
          startAt: 'end',
          includeFilePath: true,
          includeFileName: false,
          storage: 'file_storage',
          retryOnFailure: { enabled: true },
          operators: [{ type: 'container', id: 'container-parser', maxLogSize: '1MiB' }, { raw: { type: 'move', from: 'a', to: 'b' } }],
        },
      },
      processors: {
        memory_limiter: { type: 'memory_limiter', checkInterval: '1s', limitPercentage: 80, spikeLimitPercentage: 25 },
        k8sattributes: {
          type: 'k8sattributes',
          authType: 'serviceAccount',
          filter: { nodeFromEnvVar: 'K8S_NODE_NAME' },
          extract: { metadata: ['k8s.pod.name'], labels: [{ tagName: 'service.name', key: 'app.kubernetes.io/name', from: 'pod' }] },
          podAssociation: [{ sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] }, { sources: [{ from: 'connection' }] }],
        },
        batch: { type: 'batch', timeout: '200ms', sendBatchSize: 8192, sendBatchMaxSize: 10000 },
      },
      exporters: {
        'otlp/jaeger': { type: 'otlp', endpoint: 'jaeger:4317', tls: { insecure: true } },
        'otlphttp/prometheus': { type: 'otlphttp', metricsEndpoint: 'http://p:9090/api/v1/otlp/v1/metrics' },
        debug: { type: 'debug', verbosity: 'detailed' },
        'kafka/x': { raw: { brokers: ['k:9092'], protocol_version: '2.0.0' } },
      },
      extensions: {
        health_check: { type: 'health_check', endpoint: 'a:13133', path: '/' },
        file_storage: { type: 'file_storage', directory: '/var/lib/otelcol', createDirectory: true, compaction: { onStart: true } },
      },
      service: {
        extensions: ['health_check', 'file_storage'],
        telemetry: { metrics: { level: 'normal', prometheus: { host: 'a', port: 8888 } }, logs: { level: 'info', encoding: 'json' } },
        pipelines: {
          traces: { receivers: ['otlp'], processors: ['memory_limiter', 'k8sattributes', 'batch'], exporters: ['otlp/jaeger'] },
          metrics: { receivers: ['otlp'], exporters: ['otlphttp/prometheus', 'kafka/x'] },
          logs: { receivers: ['otlp', 'filelog'], processors: ['memory_limiter', 'batch'], exporters: ['debug'] },
        },
      },
    };
    // WHEN rendered
    const doc = yaml.load(renderCollectorConfig(config)) as any;
    // THEN
    expect(doc.receivers).toEqual({
      filelog: {
        include: ['/var/log/pods/*/*/*.log'],
        exclude: ['/var/log/pods/ns_me-*_*/c/*.log'],
        start_at: 'end',
        include_file_path: true,
        include_file_name: false,
        storage: 'file_storage',
        retry_on_failure: { enabled: true },
        operators: [{ type: 'container', id: 'container-parser', max_log_size: '1MiB' }, { type: 'move', from: 'a', to: 'b' }],
      },
      otlp: { protocols: { grpc: { endpoint: 'a:4317' }, http: { endpoint: 'a:4318' } } },
    });
    expect(doc.processors).toEqual({
      batch: { timeout: '200ms', send_batch_size: 8192, send_batch_max_size: 10000 },
      k8sattributes: {
        auth_type: 'serviceAccount',
        filter: { node_from_env_var: 'K8S_NODE_NAME' },
        extract: { metadata: ['k8s.pod.name'], labels: [{ tag_name: 'service.name', key: 'app.kubernetes.io/name', from: 'pod' }] },
        pod_association: [{ sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] }, { sources: [{ from: 'connection' }] }],
      },
      memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 },
    });
    expect(doc.exporters).toEqual({
      debug: { verbosity: 'detailed' },
      'kafka/x': { brokers: ['k:9092'], protocol_version: '2.0.0' },
      'otlp/jaeger': { endpoint: 'jaeger:4317', tls: { insecure: true } },
      'otlphttp/prometheus': { metrics_endpoint: 'http://p:9090/api/v1/otlp/v1/metrics' },
    });
    expect(doc.extensions).toEqual({
      file_storage: { directory: '/var/lib/otelcol', create_directory: true, compaction: { on_start: true } },
      health_check: { endpoint: 'a:13133', path: '/' },
    });
    // The pull-reader syntax of current collector releases (no `metrics.address`).
    expect(doc.service.telemetry).toEqual({
      metrics: { level: 'normal', readers: [{ pull: { exporter: { prometheus: { host: 'a', port: 8888 } } } }] },
      logs: { level: 'info', encoding: 'json' },
    });
    expect(doc.service.extensions).toEqual(['health_check', 'file_storage']);
    expect(doc.service.pipelines.traces.processors).toEqual(['memory_limiter', 'k8sattributes', 'batch']);
    expect(doc.service.pipelines.metrics).toEqual({ receivers: ['otlp'], exporters: ['otlphttp/prometheus', 'kafka/x'] });
  });

  test('component maps and pipelines are sorted; lists keep their order', () => {
    const a = collectorConfigDocument(base({ exporters: { 'otlp/gateway': { type: 'otlp', endpoint: 'g:4317' }, debug: { type: 'debug' } } }));
    expect(Object.keys(a.exporters as object)).toEqual(['debug', 'otlp/gateway']);
    expect(Object.keys(a)).toEqual(['extensions', 'receivers', 'processors', 'exporters', 'service']);
  });

  test('rendering is deterministic and carries the generated header', () => {
    const first = renderCollectorConfig(base());
    expect(renderCollectorConfig(base())).toBe(first);
    expect(first.startsWith('# Generated by observability-stack')).toBe(true);
  });

  test('an invalid config is never rendered', () => {
    expect(() => renderCollectorConfig(base({}, { pipelines: {} }))).toThrow(/service\.pipelines: is empty/);
  });
});
