import { rmSync } from 'node:fs';
import { Testing } from 'cdk8s';
import { ObservabilityStack } from '../../src';
import { hexId, postOtlp, traceRequest } from '../helpers/otlp';
import { freePorts, waitFor } from '../helpers/servers';
import { Started, startGateway, startJaeger } from '../helpers/stack-servers';
import { K8sObject } from '../helpers/synth';

/**
 * Nothing lost on a gateway restart, on the real collector at the deployed release: with the production profile's
 * gateway config (sending queues in file_storage), traces accepted while Jaeger is down survive the gateway's own
 * restart and reach Jaeger (Badger, as the profile runs it) once both are back.
 * Each restart stops the collector process and starts a fresh one on the same queue directory: that stands for a
 * gateway pod deleted and rescheduled (rollout, node drain), which under the profile is a StatefulSet pod that gets
 * its PersistentVolumeClaim (the queue directory) back — not only a container restart inside a pod.
 * Replacements as in test/helpers/stack-servers.ts: loopback listeners, the queue volume (claim) in a temporary directory;
 * Loki and Prometheus are not run (their exporters point at a closed port and keep retrying).
 */

jest.setTimeout(240_000);

let objects: K8sObject[];
let gateway: (Started & { otlpHttpUrl: string }) | undefined;
let jaeger: (Started & { queryUrl: string; otlpGrpc: string }) | undefined;
const dirs: string[] = [];

beforeAll(() => {
  objects = Testing.synth(new ObservabilityStack(Testing.app(), 'observability', { production: { sizing: false } })) as K8sObject[];
  // The queue directory the test reuses is the one on the gateway's claim.
  const set = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'otel-gateway')!;
  expect(set.spec.volumeClaimTemplates.map((c: any) => c.metadata.name)).toEqual(['queue']);
});

afterAll(async () => {
  for (const s of [gateway, jaeger]) if (s) await s.server.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('traces queued while Jaeger is down survive a gateway restart and arrive', async () => {
  const [jaegerGrpc, closed] = await freePorts(2);
  const backends = {
    'otlp/jaeger': `127.0.0.1:${jaegerGrpc}`,
    'otlphttp/loki': `127.0.0.1:${closed}`,
    'otlphttp/prometheus-0': `127.0.0.1:${closed}`,
    'otlphttp/prometheus-1': `127.0.0.1:${closed}`,
  };
  // GIVEN the gateway up and Jaeger down
  gateway = await startGateway(objects, backends);
  dirs.push(gateway.dir);
  const ids = Array.from({ length: 10 }, () => hexId(16));
  // WHEN 10 traces are accepted, and the gateway is rescheduled (a fresh process on the same claim) before Jaeger comes back
  for (const id of ids) expect(await postOtlp(gateway.otlpHttpUrl, 'traces', traceRequest('payment-service', id, 'charge'))).toBe(200);
  await new Promise((r) => setTimeout(r, 2_000));
  const firstLog = gateway.server.log();
  await gateway.server.stop();
  gateway = await startGateway(objects, backends, gateway);
  const secondStart = Date.now();
  jaeger = await startJaeger(objects);
  dirs.push(jaeger.dir);
  // Jaeger listens where the gateway sends: restart the gateway's target by pointing a fresh gateway at it.
  await gateway.server.stop();
  gateway = await startGateway(objects, { ...backends, 'otlp/jaeger': jaeger.otlpGrpc }, gateway);
  // THEN every trace is in Jaeger
  const arrived = await waitFor(
    'the 10 queued traces in Jaeger',
    async () => {
      const found = await Promise.all(
        ids.map(async (id) => {
          const r = await fetch(`${jaeger!.queryUrl}/api/traces/${id}`, { signal: AbortSignal.timeout(5_000) });
          return r.status === 200 && ((await r.json()) as any).data?.[0]?.spans?.length > 0;
        }),
      );
      const n = found.filter(Boolean).length;
      return n === ids.length ? n : undefined;
    },
    120_000,
    () => gateway!.server.log(),
  );
  process.stdout.write(`persistent queue: ${arrived}/${ids.length} traces survived two gateway restarts, in Jaeger ${((Date.now() - secondStart) / 1000).toFixed(1)} s after the first restart\n`);
  expect(arrived).toBe(ids.length);
  expect(firstLog).toMatch(/Exporting failed\. Will retry the request after interval/);
});

test('the check is real: with the default in-memory queue the same restart loses them', async () => {
  const plain = Testing.synth(new ObservabilityStack(Testing.app(), 'observability', {})) as K8sObject[];
  const [closed] = await freePorts(1);
  const j = await startJaeger(plain);
  dirs.push(j.dir);
  const [deadGrpc] = await freePorts(1);
  const backends = { 'otlp/jaeger': `127.0.0.1:${deadGrpc}`, 'otlphttp/loki': `127.0.0.1:${closed}`, 'otlphttp/prometheus': `127.0.0.1:${closed}` };
  let g = await startGateway(plain, backends);
  dirs.push(g.dir);
  const ids = Array.from({ length: 5 }, () => hexId(16));
  for (const id of ids) expect(await postOtlp(g.otlpHttpUrl, 'traces', traceRequest('payment-service', id, 'charge'))).toBe(200);
  await new Promise((r) => setTimeout(r, 2_000));
  await g.server.stop();
  g = await startGateway(plain, { ...backends, 'otlp/jaeger': j.otlpGrpc }, g);
  await new Promise((r) => setTimeout(r, 10_000));
  const found = await Promise.all(ids.map(async (id) => (await fetch(`${j.queryUrl}/api/traces/${id}`, { signal: AbortSignal.timeout(5_000) })).status === 200));
  await g.server.stop();
  await j.server.stop();
  expect(found.filter(Boolean).length).toBe(0);
});
