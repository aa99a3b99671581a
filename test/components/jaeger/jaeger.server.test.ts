import { rmSync } from 'node:fs';
import { Testing } from 'cdk8s';
import { Jaeger } from '../../../src/components/jaeger/jaeger';
import { JaegerStorage } from '../../../src/components/jaeger/storage';
import { hexId, postOtlp, traceRequest } from '../../helpers/otlp';
import { getJson, waitFor } from '../../helpers/servers';
import { startJaeger } from '../../helpers/stack-servers';
import { synthObjects } from '../../helpers/synth';

/**
 * Jaeger 2.10 (.tools/bin/jaeger) started with the generated Badger config and the StatefulSet's flags: listeners on
 * 127.0.0.1 with free ports, the Badger directories (a PersistentVolumeClaim in the pod) in a temporary directory
 * (test/helpers/stack-servers.ts). The memory storage runs in test/telemetry-path.test.ts.
 */

jest.setTimeout(120_000);

test('GIVEN Badger storage THEN Jaeger starts, stores an OTLP trace on disk and finds it by id through the query API', async () => {
  const chart = Testing.chart();
  new Jaeger(chart, 'Jaeger', { storage: JaegerStorage.badger({ ttl: '7d' }) });
  const jaeger = await startJaeger(synthObjects(chart));
  try {
    const traceId = hexId(16);
    expect(await postOtlp(`http://127.0.0.1:${jaeger.ports[4318]}`, 'traces', traceRequest('inventory-service', traceId, 'GET /stock'))).toBe(200);
    const trace = await waitFor(
      'the trace in Badger',
      async () => {
        const r = await fetch(`${jaeger.queryUrl}/api/traces/${traceId}`, { signal: AbortSignal.timeout(5_000) });
        return r.status === 200 ? ((await r.json()) as any).data?.[0] : undefined;
      },
      30_000,
      () => jaeger.server.log(),
    );
    expect(trace.spans[0].operationName).toBe('GET /stock');
    expect((await getJson(`${jaeger.queryUrl}/api/services`)).data).toContain('inventory-service');
  } finally {
    await jaeger.server.stop();
    rmSync(jaeger.dir, { recursive: true, force: true });
  }
});
