import { DEFAULT_HTTP_BUCKETS, DEFAULT_OTLP_HTTP_ENDPOINT, otlpEndpoint, protocolWarning, SEED_HTTP_BUCKETS, selectedExporters } from '../src';

describe('otlpEndpoint', () => {
  test('defaults to the stack agent Service on OTLP/HTTP 4318', () => {
    expect(DEFAULT_OTLP_HTTP_ENDPOINT).toBe('http://otel-agent.observability-agents.svc:4318');
    expect(otlpEndpoint('traces', {}).url).toBe('http://otel-agent.observability-agents.svc:4318/v1/traces');
    expect(otlpEndpoint('logs', {}).url).toBe('http://otel-agent.observability-agents.svc:4318/v1/logs');
  });

  test('OTEL_EXPORTER_OTLP_ENDPOINT is a base: the signal path is appended', () => {
    expect(otlpEndpoint('traces', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      url: 'http://collector:4318/v1/traces',
      source: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    });
  });

  test('the signal-specific variable is used as is and wins', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom' };
    expect(otlpEndpoint('traces', env).url).toBe('http://b:4318/custom');
    expect(otlpEndpoint('logs', env).url).toBe('http://a:4318/v1/logs');
  });
});

describe('selectedExporters', () => {
  test('falls back when unset, honours none and OTEL_SDK_DISABLED', () => {
    expect(selectedExporters('OTEL_TRACES_EXPORTER', ['otlp'], {}).exporters).toEqual(['otlp']);
    expect(selectedExporters('OTEL_TRACES_EXPORTER', ['otlp'], { OTEL_TRACES_EXPORTER: 'none' }).exporters).toEqual([]);
    expect(selectedExporters('OTEL_TRACES_EXPORTER', ['otlp'], { OTEL_SDK_DISABLED: 'true' }).exporters).toEqual([]);
    expect(selectedExporters('OTEL_LOGS_EXPORTER', [], { OTEL_LOGS_EXPORTER: 'otlp,console' }).exporters).toEqual(['otlp', 'console']);
  });

  test('an exporter the kit does not have is reported', () => {
    const r = selectedExporters('OTEL_TRACES_EXPORTER', ['otlp'], { OTEL_TRACES_EXPORTER: 'zipkin,otlp' });
    expect(r.exporters).toEqual(['otlp']);
    expect(r.warnings).toEqual(['OTEL_TRACES_EXPORTER: "zipkin" is not an exporter of this kit (otlp, console, none); skipped.']);
  });
});

test('a protocol other than http/json is reported, not silently ignored', () => {
  expect(protocolWarning({})).toBeUndefined();
  expect(protocolWarning({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBeUndefined();
  expect(protocolWarning({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatch(/http\/json/);
});

test('the default buckets are the seed buckets plus 0.2 (the seed latency SLO needs le="0.2")', () => {
  expect(SEED_HTTP_BUCKETS).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  expect(SEED_HTTP_BUCKETS).not.toContain(0.2);
  expect(DEFAULT_HTTP_BUCKETS).toEqual([...SEED_HTTP_BUCKETS, 0.2].sort((a, b) => a - b));
});
