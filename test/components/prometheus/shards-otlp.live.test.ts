import { Testing } from 'cdk8s';
import { ObservabilityStack } from '../../../src/stack';
import { serviceShard } from '../../../src/components/prometheus/shards';
import { ServiceSpec } from '../../../src/slo';
import { counterRequest, hexId, postOtlp } from '../../helpers/otlp';
import { getJson, LOOPBACK, waitFor } from '../../helpers/servers';
import { defaultPlatformObjects, startGateway, startPrometheus, Started } from '../../helpers/stack-servers';
import { K8sObject, synthObjects } from '../../helpers/synth';

/**
 * Pushed metrics reach the shard that scrapes their service: the real otelcol 0.135 runs the gateway config the
 * stack generates for `prometheus.shards: 2` (one metrics pipeline per shard, each with its `filter` processor), in
 * front of two real Prometheus 3.5 servers standing for the shards (each started with the default platform's
 * generated config and flags, which receive OTLP; a shard's own prometheus.yml is checked by promtool in
 * shards.test.ts). Replacements, as everywhere (test/helpers/stack-servers.ts): listen addresses → 127.0.0.1, each
 * shard exporter's host → its stand-in's port; the Jaeger and Loki exporters point at a closed port (no traces or
 * logs are sent).
 */

jest.setTimeout(120_000);

const SHARDS = 2;
const services: ServiceSpec[] = Array.from({ length: 8 }, (_, i) => ({ name: `svc-${i}` }));
const onShard = (k: number) => services.map((s) => s.name).filter((n) => serviceShard(n, SHARDS) === k);

describe('the gateway routes pushed metrics by service to the Prometheus shards', () => {
  const started: Started[] = [];
  afterAll(() => Promise.all(started.map((s) => s.server.stop())));

  test('each catalog service lands on its shard only; a service outside the catalog, and one without a service, on shard 0', async () => {
    // GIVEN the catalog spread over both shards
    const [zero, one] = [onShard(0), onShard(1)];
    expect(zero.length).toBeGreaterThan(0);
    expect(one.length).toBeGreaterThan(0);
    const stack = new ObservabilityStack(Testing.app(), 'observability', { services, prometheus: { shards: SHARDS, replicas: 1 }, thanos: { objectStorageSecret: 'thanos-objstore' } });
    const objects: K8sObject[] = synthObjects(stack);
    const platform = defaultPlatformObjects();
    const shard = [await startPrometheus(platform), await startPrometheus(platform)];
    started.push(...shard);
    const closed = `${LOOPBACK}:1`;
    const gateway = await startGateway(objects, {
      'otlphttp/prometheus-shard-0-0': `${LOOPBACK}:${shard[0].ports[9090]}`,
      'otlphttp/prometheus-shard-1-0': `${LOOPBACK}:${shard[1].ports[9090]}`,
      'otlp/jaeger': closed,
      'otlphttp/loki': closed,
    });
    started.push(gateway);

    // WHEN one counter per service is pushed, plus a service outside the catalog and a resource without service.name
    const metric = `shard_route_${hexId(3)}`;
    const start = `${BigInt(Date.now() - 60_000) * 1_000_000n}`;
    const pushed = [zero[0], one[0], 'stranger'];
    for (const service of pushed) expect(await postOtlp(gateway.otlpHttpUrl, 'metrics', counterRequest(service, metric, 1, { status: '200' }, start))).toBe(200);
    const anonymous = counterRequest('x', metric, 1, { status: '200' }, start) as any;
    anonymous.resourceMetrics[0].resource.attributes = anonymous.resourceMetrics[0].resource.attributes.filter((a: any) => a.key !== 'service.name');
    expect(await postOtlp(gateway.otlpHttpUrl, 'metrics', anonymous)).toBe(200);

    // THEN shard 0 holds its service, the stranger and the anonymous series; shard 1 holds its service only
    const servicesOn = async (k: number): Promise<string[]> =>
      ((await getJson(`${shard[k].url}/api/v1/query?query=${encodeURIComponent(`${metric}_total`)}`)).data.result as { metric: Record<string, string> }[])
        .map((r) => r.metric.service ?? '')
        .sort();
    const expected = [[zero[0], 'stranger', ''].sort(), [one[0]]];
    const got = await waitFor(
      'every pushed series on its shard',
      async () => {
        const now = [await servicesOn(0), await servicesOn(1)];
        return now[0].length === 3 && now[1].length === 1 ? now : undefined;
      },
      60_000,
      () => gateway.server.log(),
    );
    expect(got).toEqual(expected);
  });
});
