import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Testing } from 'cdk8s';
import { ObservabilityStack } from '../../../src/stack';
import { postOtlp } from '../../helpers/otlp';
import { waitFor } from '../../helpers/servers';
import { Started, startGateway, startJaeger, startSampler } from '../../helpers/stack-servers';
import { K8sObject } from '../../helpers/synth';

/**
 * The trace tiers on the real programs at the deployed releases: the generated gateway (load-balancing tier) and two
 * replicas of the generated tail-sampling tier, in front of the generated Jaeger, all on 127.0.0.1.
 *
 * Replacements (test/helpers/stack-servers.ts): listeners on 127.0.0.1 with free ports; the loadbalancing exporter's
 * `k8s` resolver (it watches the headless Service's Endpoints through an API server, which does not run here) → the
 * `static` resolver with the two sampler replicas' loopback addresses; the sampler's Jaeger endpoint → the Jaeger
 * started here. Everything else is as generated for `traceSampling: { sampling: { decisionWait: '2s',
 * baselinePercentage: 50 } }` (a short wait keeps the test quick; 50% makes the baseline visible in 20 traces).
 */

jest.setTimeout(240_000);

let objects: K8sObject[];
let jaeger: Started & { queryUrl: string; otlpGrpc: string };
let samplers: (Started & { otlpGrpc: string })[] = [];
let gateway: Started & { otlpHttpUrl: string };

beforeAll(async () => {
  objects = Testing.synth(
    new ObservabilityStack(Testing.app(), 'observability', { traceSampling: { sampling: { decisionWait: '2s', baselinePercentage: 50 } } }),
  ) as K8sObject[];
  jaeger = await startJaeger(objects);
  samplers = await Promise.all([startSampler(objects, jaeger.otlpGrpc), startSampler(objects, jaeger.otlpGrpc)]);
  gateway = await startGateway(objects, {
    'loadbalancing/sampler': samplers.map((s) => s.otlpGrpc).join(','),
    'otlphttp/loki': '127.0.0.1:9',
    'otlphttp/prometheus': '127.0.0.1:9',
  });
});

afterAll(async () => {
  const started = [gateway, ...samplers, jaeger].filter(Boolean);
  await Promise.all(started.map((s) => s.server.stop()));
  for (const s of started) rmSync(s.dir, { recursive: true, force: true });
});

/** Fixed trace ids, so the baseline's hash decisions are the same on every run. */
const traceId = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 32);
const spanId = (name: string) => createHash('sha256').update(`span-${name}`).digest('hex').slice(0, 16);

/**
 * A two-span trace as two requests (the way two services report one trace), so only trace-id routing puts both spans
 * on one replica: the root's status 2 = ERROR, 1 = OK; `ms` long.
 */
function trace(name: string, status: 1 | 2, ms: number): object[] {
  const start = BigInt(Date.now() - ms - 10) * 1_000_000n;
  const end = start + BigInt(ms) * 1_000_000n;
  const id = traceId(name);
  const request = (service: string, span: object) => ({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'observability-stack-test' }, spans: [span] }] }],
  });
  return [
    request('order-service', { traceId: id, spanId: spanId(name), name: 'POST /orders', kind: 2, startTimeUnixNano: `${start}`, endTimeUnixNano: `${end}`, status: { code: status } }),
    request('order-db', { traceId: id, spanId: spanId(`${name}-db`), parentSpanId: spanId(name), name: 'SELECT orders', kind: 3, startTimeUnixNano: `${start + 1_000_000n}`, endTimeUnixNano: `${end - 1_000_000n}`, status: { code: 1 } }),
  ];
}

async function inJaeger(name: string): Promise<boolean> {
  const r = await fetch(`${jaeger.queryUrl}/api/traces/${traceId(name)}`, { signal: AbortSignal.timeout(5_000) });
  if (r.status !== 200) return false;
  const body = (await r.json()) as any;
  return (body.data?.[0]?.spans?.length ?? 0) > 0;
}

const logs = () => gateway.server.log() + samplers.map((s) => s.server.log()).join('') + jaeger.server.log();

test('an error trace and a slow trace are kept; fast OK traces are kept by the baseline only, about half of them', async () => {
  const fast = Array.from({ length: 20 }, (_, i) => `fast-ok-${i}`);
  for (const [name, status, ms] of [['error', 2, 15], ['slow', 1, 500], ...fast.map((f) => [f, 1, 15])] as [string, 1 | 2, number][]) {
    for (const request of trace(name, status, ms)) expect(await postOtlp(gateway.otlpHttpUrl, 'traces', request)).toBe(200);
  }
  // THEN the error and the slow trace arrive, both spans each (decided once, after decision_wait)
  await waitFor('the error trace in Jaeger', async () => ((await inJaeger('error')) ? true : undefined), 60_000, logs);
  await waitFor('the slow trace in Jaeger', async () => ((await inJaeger('slow')) ? true : undefined), 60_000, logs);
  // AND of the fast OK traces, the 50% baseline keeps some and drops the others (the same ones every run)
  await new Promise((r) => setTimeout(r, 5_000));
  const kept = (await Promise.all(fast.map(inJaeger))).filter(Boolean).length;
  expect({ kept, between: kept > 0 && kept < fast.length }).toEqual({ kept, between: true });
  // AND every span of a kept trace reached Jaeger: one replica saw the whole trace (trace-id routing)
  const r = (await (await fetch(`${jaeger.queryUrl}/api/traces/${traceId('error')}`)).json()) as any;
  expect(r.data[0].spans.map((s: any) => s.operationName).sort()).toEqual(['POST /orders', 'SELECT orders']);
});
