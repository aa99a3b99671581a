import { Testing } from 'cdk8s';
import { serviceShard } from '../../src/components/prometheus/shards';
import { LOAD_DEFAULTS, SIZING_SOURCES, SizingContext, SizingResult, sizeStack, sizingReport } from '../../src/production/sizing';
import { ObservabilityStack } from '../../src/stack';
import { containersOf, findObject, synthObjects } from '../helpers/synth';

/** Capacity sizing: the formulas, their monotonicity, their inputs' validation, the report. */

function ctx(services: number): SizingContext {
  return {
    services: Array.from({ length: services }, (_, i) => `svc-${i}`),
    scrapeIntervalSeconds: 15,
    metricsRetentionSeconds: 15 * 86_400,
    logRetentionSeconds: 31 * 86_400,
    traceRetentionSeconds: 3 * 86_400,
  };
}

/** Every number of a result that must never fall when load rises. */
function numbers(r: SizingResult): Record<string, number> {
  const out: Record<string, number> = {
    activeSeries: r.activeSeries,
    samplesPerSecond: r.samplesPerSecond,
    prometheusHeadBytes: r.prometheusHeadBytes,
    prometheusDiskBytes: r.prometheusDiskBytes,
    logGBPerDay: r.logGBPerDay,
    logDiskBytes: r.logDiskBytes,
    spansPerSecond: r.spansPerSecond,
    traceDiskBytes: r.traceDiskBytes,
    gatewayItemsPerSecond: r.gatewayItemsPerSecond,
  };
  for (const c of ['prometheus', 'loki', 'jaeger', 'gateway'] as const) {
    for (const [k, v] of Object.entries(r[c])) out[`${c}.${k}`] = v as number;
  }
  return out;
}

describe('capacity sizing', () => {
  test('GIVEN 100 services at the default load THEN the formulas give the documented numbers', () => {
    const r = sizeStack({}, ctx(100));
    const pods = 100 * LOAD_DEFAULTS.pods;
    expect(r.activeSeries).toBe(pods * LOAD_DEFAULTS.seriesPerPod + 100_000);
    expect(r.samplesPerSecond).toBeCloseTo(r.activeSeries / 15);
    expect(r.prometheusHeadBytes).toBe(r.activeSeries * 3 * 1024);
    expect(r.prometheusDiskBytes).toBeCloseTo(15 * 86_400 * r.samplesPerSecond * 2);
    // Retention at most 85% of the volume.
    expect(r.prometheus.volumeGiB! * 0.85 * 2 ** 30).toBeGreaterThanOrEqual(r.prometheusDiskBytes);
    expect(r.logGBPerDay).toBeCloseTo((pods * LOAD_DEFAULTS.logLinesPerSecond * LOAD_DEFAULTS.bytesPerLogLine * 86_400) / 1e9);
    expect(r.gateway.replicas).toBeGreaterThanOrEqual(2);
    expect(r.prometheus.replicas).toBe(2);
  });

  test.each([
    ['services', (n: number) => [{}, ctx(n)] as const],
    ['pods', (n: number) => [{ defaultLoad: { pods: n } }, ctx(100)] as const],
    ['seriesPerPod', (n: number) => [{ defaultLoad: { seriesPerPod: n * 100 } }, ctx(100)] as const],
    ['logLinesPerSecond', (n: number) => [{ defaultLoad: { logLinesPerSecond: n } }, ctx(100)] as const],
    ['bytesPerLogLine', (n: number) => [{ defaultLoad: { bytesPerLogLine: n * 50 } }, ctx(100)] as const],
    ['spansPerSecond', (n: number) => [{ defaultLoad: { spansPerSecond: n * 10 } }, ctx(100)] as const],
  ])('more %s never yields less of anything', (_name, input) => {
    let previous: Record<string, number> | undefined;
    for (const n of [1, 2, 5, 10, 50, 200, 1000]) {
      const [props, c] = input(n);
      const now = numbers(sizeStack(props, c));
      if (previous) for (const [k, v] of Object.entries(now)) expect({ k, n, v: v >= previous[k] }).toEqual({ k, n, v: true });
      previous = now;
    }
  });

  test('GIVEN 1000 services THEN the report warns that the logs outgrow monolithic Loki', () => {
    const r = sizeStack({}, ctx(1000));
    expect(r.logGBPerDay).toBeGreaterThan(20);
    expect(r.warnings.join('\n')).toMatch(/past what monolithic Loki serves/);
    expect(sizeStack({}, ctx(100)).warnings).toEqual([]);
  });

  test('GIVEN a per-service load THEN that service counts with it and the others with the default', () => {
    const base = sizeStack({}, ctx(2));
    const heavy = sizeStack({ services: { 'svc-1': { pods: 13 } } }, ctx(2));
    expect(heavy.pods).toBe(base.pods + 10);
    expect(heavy.activeSeries - base.activeSeries).toBe(10 * LOAD_DEFAULTS.seriesPerPod);
  });

  test('GIVEN bad inputs THEN one problem each, naming the field', () => {
    const bad = () => sizeStack({ defaultLoad: { pods: 0, logLinesPerSecond: -1 }, services: { nope: {} }, bytesPerSample: 0 }, ctx(2), 'obs.production.sizing');
    expect(bad).toThrow(/obs\.production\.sizing\.defaultLoad\.pods/);
    expect(bad).toThrow(/defaultLoad\.logLinesPerSecond: must be a number of at least 0 \(got -1\)/);
    expect(bad).toThrow(/services: names a service that is not in the catalog \(got "nope"\)/);
    expect(bad).toThrow(/bytesPerSample/);
  });

  test('the report names a source for every formula and is deterministic', () => {
    const report = sizingReport(sizeStack({}, ctx(120)), ctx(120));
    expect(report).toBe(sizingReport(sizeStack({}, ctx(120)), ctx(120)));
    for (const s of SIZING_SOURCES) {
      expect(s.source.length).toBeGreaterThan(5);
      expect(report).toContain(`| ${s.quantity} | ${s.formula} | ${s.source} |`);
    }
    expect(report).toMatch(/\| Prometheus \| 2 \|/);
  });
});

describe('capacity sizing with Prometheus shards', () => {
  test('GIVEN 1000 services on 4 shards THEN each shard is sized for the largest shard, not for the whole catalog', () => {
    const one = sizeStack({}, ctx(1000));
    const four = sizeStack({}, { ...ctx(1000), prometheusShards: 4 });
    // the shards' series add up to the catalog's; platform series on shard 0, each service's on its hash shard
    expect(four.seriesPerShard.reduce((a, b) => a + b, 0)).toBe(one.activeSeries);
    const expected = [0, 1, 2, 3].map((k) => (k === 0 ? 100_000 : 0) + ctx(1000).services.filter((s) => serviceShard(s, 4) === k).length * 3 * 1000);
    expect(four.seriesPerShard).toEqual(expected);
    const largest = Math.max(...expected);
    expect(four.prometheusHeadBytes).toBe(largest * 3 * 1024);
    expect(four.activeSeries).toBe(one.activeSeries);
    // AND every shard asks for less than the unsharded pair
    expect(four.prometheus.memoryRequestMiB).toBeLessThan(one.prometheus.memoryRequestMiB);
    expect(four.prometheus.volumeGiB!).toBeLessThan(one.prometheus.volumeGiB!);
    expect(sizingReport(four, { ...ctx(1000), prometheusShards: 4 })).toContain(`| series per Prometheus shard (4; each sized for the largest) | ${expected.map((x) => x.toLocaleString('en-US')).join(' / ')} |`);
  });

  test('GIVEN the production profile with prometheus.shards THEN every shard StatefulSet gets the per-shard sizing', () => {
    const services = Array.from({ length: 200 }, (_, i) => ({ name: `svc-${i}` }));
    const stack = new ObservabilityStack(Testing.app(), 'observability', { services, production: true, prometheus: { shards: 2 }, thanos: { objectStorageSecret: 'thanos-objstore' } });
    const objects = synthObjects(stack);
    const sized = stack.sizing!;
    expect(sized.prometheusShards).toBe(2);
    for (const k of [0, 1]) {
      const sts = findObject(objects, 'StatefulSet', `prometheus-shard-${k}`);
      expect(containersOf(sts)[0].resources.requests.memory).toBe(`${sized.prometheus.memoryRequestMiB}Mi`);
      expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${sized.prometheus.volumeGiB}Gi`);
    }
    const unsharded = new ObservabilityStack(Testing.app(), 'observability', { services, production: true }).sizing!;
    expect(sized.prometheus.memoryRequestMiB).toBeLessThan(unsharded.prometheus.memoryRequestMiB);
  });
});

describe('the README shows the sizing as computed', () => {
  const readme = require('node:fs').readFileSync(require('node:path').join(__dirname, '../../README.md'), 'utf8') as string;
  const defaults = (n: number): SizingContext => ({ ...ctx(n), logRetentionSeconds: 744 * 3600 });
  const [a, b] = [sizeStack({}, defaults(100)), sizeStack({}, defaults(1000))];
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  test.each([
    `| active series | ${n(a.activeSeries)} | ${n(b.activeSeries)} |`,
    `| samples/s | ${n(a.samplesPerSecond)} | ${n(b.samplesPerSecond)} |`,
    `| Prometheus ×2: CPU / memory request / limit / volume | ${a.prometheus.cpuRequestMillis}m / ${a.prometheus.memoryRequestMiB}Mi / ${a.prometheus.memoryLimitMiB}Mi / ${a.prometheus.volumeGiB}Gi | ${b.prometheus.cpuRequestMillis}m / ${b.prometheus.memoryRequestMiB}Mi / ${b.prometheus.memoryLimitMiB}Mi / ${b.prometheus.volumeGiB}Gi |`,
    `| Loki: memory / volume | ${a.loki.memoryRequestMiB}Mi / ${a.loki.volumeGiB}Gi | ${b.loki.memoryRequestMiB}Mi / ${b.loki.volumeGiB}Gi |`,
    `| Jaeger (Badger): CPU / memory / volume | ${a.jaeger.cpuRequestMillis}m / ${a.jaeger.memoryRequestMiB}Mi / ${a.jaeger.volumeGiB}Gi | ${b.jaeger.cpuRequestMillis}m / ${b.jaeger.memoryRequestMiB}Mi / ${b.jaeger.volumeGiB}Gi |`,
    `| collector gateway: replicas × CPU / memory / queue claim | ${a.gateway.replicas} × ${a.gateway.cpuRequestMillis}m / ${a.gateway.memoryRequestMiB}Mi / ${a.gateway.volumeGiB}Gi | ${b.gateway.replicas} × ${b.gateway.cpuRequestMillis}m / ${b.gateway.memoryRequestMiB}Mi / ${b.gateway.volumeGiB}Gi |`,
  ])('%s', (line) => expect(readme).toContain(line));
});
