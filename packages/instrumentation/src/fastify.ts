import { context } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { HttpServerInstrumentation, requestScope } from './http-server';
import { Instrumentation } from './kit';

/**
 * Middleware for Fastify 5: hooks on the root instance, so every route (of any plugin, prefixes included) and the
 * 404 handler are instrumented. The route template is Fastify's own `request.routeOptions.url` (e.g.
 * `/api/orders/:id`, undefined on a 404 → `unmatched`), so `endpoint` is bounded without the kit knowing the routes.
 * The rest of the request (body parsing, handler, hooks) runs with the server span active.
 *
 * Call it before the app is ready (before `listen()`/`ready()`; Fastify refuses hooks after that), e.g.
 * `instrumentFastify(app, kit); app.get('/orders/:id', ...)`. Serve
 * `kit.metricsHandler()` at `/metrics` (e.g. `app.get('/metrics', (req, reply) => { reply.hijack();
 * handler(req.raw, reply.raw) })`, or use `metricsRoute`).
 */
export function instrumentFastify(app: FastifyInstance, kit: Instrumentation | HttpServerInstrumentation): void {
  const server = kit instanceof Instrumentation ? kit.server : kit;
  app.addHook('onRequest', (request, reply, done) => {
    const scope = server.begin(request.raw, reply.raw);
    if (!scope) {
      done();
      return;
    }
    scope.setRoute(request.routeOptions.url, (request.params ?? {}) as Record<string, string>);
    context.with(scope.context, done);
  });
  app.addHook('onError', (request, _reply, error, done) => {
    requestScope(request.raw)?.recordException(error);
    done();
  });
}

/** Registers `GET /metrics` (or `path`) serving the kit's OpenMetrics exposition on a Fastify app. */
export function metricsRoute(app: FastifyInstance, kit: Instrumentation, path: string = kit.metricsPath): void {
  app.get(path, async (_request, reply) => {
    const body = await kit.metrics.exposition();
    return reply.type(kit.metrics.contentType).send(body);
  });
}
