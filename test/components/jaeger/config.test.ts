import { PromDuration } from '../../../src/common/duration';
import { jaegerConfig, renderJaegerConfig } from '../../../src/components/jaeger/config';
import { jaegerModel, storageProblems } from '../../../src/components/jaeger/model';
import { JaegerStorage } from '../../../src/components/jaeger/storage';
import { parseYaml } from '../../helpers/synth';
import { jaegerValidate } from '../../helpers/upstream';

function doc(storage: JaegerStorage, logLevel = 'info'): any {
  return parseYaml(renderJaegerConfig(jaegerConfig(jaegerModel({ storage, logLevel }))));
}

describe('Jaeger config.yaml', () => {
  test('GIVEN memory storage THEN it is upstream\'s collector-shaped config with one memory backend', () => {
    expect(doc(JaegerStorage.memory())).toEqual({
      service: {
        extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
        pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
        telemetry: {
          resource: { 'service.name': 'jaeger' },
          metrics: { level: 'detailed', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }] },
          logs: { level: 'info' },
        },
      },
      extensions: {
        healthcheckv2: { use_v2: true, http: { endpoint: '0.0.0.0:13133', status: { enabled: true, path: '/status' } } },
        jaeger_query: {
          storage: { traces: 'trace_store' },
          http: { endpoint: '0.0.0.0:16686' },
          grpc: { endpoint: '0.0.0.0:16685' },
        },
        jaeger_storage: { backends: { trace_store: { memory: { max_traces: 50000 } } } },
      },
      receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
      processors: { batch: {} },
      exporters: { jaeger_storage_exporter: { trace_storage: 'trace_store' } },
    });
  });

  test('GIVEN badger storage THEN the backend keeps keys and values on disk (not ephemeral) with a Go-duration TTL', () => {
    const d = doc(JaegerStorage.badger({ ttl: '7d' }));
    expect(d.extensions.jaeger_storage).toEqual({
      backends: {
        trace_store: {
          badger: {
            directories: { keys: '/var/lib/jaeger/badger/keys', values: '/var/lib/jaeger/badger/values' },
            ephemeral: false,
            ttl: { spans: '168h' },
          },
        },
      },
    });
  });

  test('the query, the exporter and the storage refer to the same backend name', () => {
    const d = doc(JaegerStorage.memory());
    const backends = Object.keys(d.extensions.jaeger_storage.backends);
    expect(backends).toEqual([d.extensions.jaeger_query.storage.traces]);
    expect(backends).toEqual([d.exporters.jaeger_storage_exporter.trace_storage]);
  });

  test('every pipeline component and listed extension is configured', () => {
    const d = doc(JaegerStorage.memory());
    const t = d.service.pipelines.traces;
    for (const r of t.receivers) expect(d.receivers).toHaveProperty([r]);
    for (const p of t.processors) expect(d.processors).toHaveProperty([p]);
    for (const e of t.exporters) expect(d.exporters).toHaveProperty([e]);
    expect(Object.keys(d.extensions).sort()).toEqual([...d.service.extensions].sort());
  });

  test.each([
    ['memory', JaegerStorage.memory()],
    ['badger', JaegerStorage.badger()],
  ])('jaeger validate (the deployed Jaeger release) accepts the %s storage config', (_, storage) => {
    // Badger's directories (a PersistentVolumeClaim in the pod) are replaced by temporary ones (jaegerValidate).
    const r = jaegerValidate({ name: 'config.yaml', text: renderJaegerConfig(jaegerConfig(jaegerModel({ storage, logLevel: 'info' }))) });
    expect(r.output).not.toMatch(/error/i);
    expect(r.status).toBe(0);
  });

  test('jaeger validate refuses a misspelled key (the check is real)', () => {
    const text = renderJaegerConfig(jaegerConfig(jaegerModel({ storage: JaegerStorage.memory(), logLevel: 'info' }))).replace('max_traces:', 'max_trace:');
    const r = jaegerValidate({ name: 'config.yaml', text });
    expect(r.output).toContain('max_trace');
    expect(r.status).not.toBe(0);
  });

  test('never uses the collector\'s removed service.telemetry.metrics.address', () => {
    expect(renderJaegerConfig(jaegerConfig(jaegerModel({ storage: JaegerStorage.memory(), logLevel: 'info' })))).not.toMatch(/address:/);
  });

  test('the log level is mapped to service.telemetry.logs.level', () => {
    expect(doc(JaegerStorage.memory(), 'debug').service.telemetry.logs).toEqual({ level: 'debug' });
  });
});

describe('Go durations (Badger TTL)', () => {
  test.each([
    [259200, '72h'],
    [604800, '168h'],
    [5400, '1h30m'],
    [90, '1m30s'],
    [0.5, '500ms'],
    [0, '0s'],
  ])('%d seconds → %s', (seconds, expected) => {
    expect(PromDuration.seconds(seconds).toGo()).toBe(expected);
  });
});

describe('storageProblems', () => {
  test('accepts the defaults', () => {
    expect(storageProblems(JaegerStorage.memory(), 'j.storage')).toEqual([]);
    expect(storageProblems(JaegerStorage.badger(), 'j.storage')).toEqual([]);
  });

  test.each([0, -5, 1.5, Number.NaN])('refuses maxTraces %d', (maxTraces) => {
    expect(storageProblems(JaegerStorage.memory({ maxTraces }), 'j.storage')).toEqual([
      expect.objectContaining({ path: 'j.storage.maxTraces', message: 'must be a whole number of at least 1' }),
    ]);
  });

  test('refuses a TTL that is not a Prometheus duration, or under a minute', () => {
    expect(storageProblems(JaegerStorage.badger({ ttl: '3 days' }), 'j.storage')).toEqual([
      expect.objectContaining({ path: 'j.storage.ttl', message: 'is not a Prometheus duration: a space at character 2 is not a unit', value: '3 days' }),
    ]);
    expect(storageProblems(JaegerStorage.badger({ ttl: '30s' }), 'j.storage')).toEqual([
      expect.objectContaining({ path: 'j.storage.ttl', message: 'must be at least 1m', value: '30s' }),
    ]);
  });
});
