import Fastify from 'fastify';
import { instrumentFastify, metricsRoute } from '../src/fastify';
import { findSamples, parseExposition } from '../src/testing';
import { testKit } from './helpers';

describe('Fastify middleware', () => {
  test('endpoint and span name use the full route template, plugin prefixes included; a 404 is unmatched', async () => {
    const { kit, logs } = testKit('catalog-service');
    const app = Fastify({ logger: false });
    instrumentFastify(app, kit);
    metricsRoute(app, kit);
    await app.register(
      async (api) => {
        api.get('/items/:id', async (request) => {
          kit.logger.info('item read', { id: (request.params as { id: string }).id });
          return { ok: true };
        });
      },
      { prefix: '/api/v1' },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      for (const id of ['a', 'b', 'c']) expect((await fetch(`${url}/api/v1/items/${id}`)).status).toBe(200);
      expect((await fetch(`${url}/api/v1/nothing-here`)).status).toBe(404);
      const res = await fetch(`${url}/metrics`);
      expect(res.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
      const parsed = parseExposition(await res.text());
      expect(findSamples(parsed, 'http_requests_total', { method: 'GET', endpoint: '/api/v1/items/:id', status: '200' })[0].value).toBe(3);
      expect(findSamples(parsed, 'http_requests_total', { endpoint: 'unmatched', status: '404' })[0].value).toBe(1);
      expect(findSamples(parsed, 'http_requests_total').map((s) => s.labels.endpoint).sort()).toEqual(['/api/v1/items/:id', 'unmatched']);
      // The handler ran with the server span active.
      expect(logs.records.filter((r) => r.message === 'item read').every((r) => typeof r.trace_id === 'string')).toBe(true);
    } finally {
      await app.close();
      await kit.shutdown();
    }
  });
});
