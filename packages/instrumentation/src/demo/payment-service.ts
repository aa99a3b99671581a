import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { context, propagation } from '@opentelemetry/api';
import { routeOf } from '../http-server';
import { createInstrumentation } from '../kit';
import { FaultInjector, faultProblems, FaultSettings } from './faults';
import { DEMO_IGNORED_PATHS, DemoServiceOptions, RunningService } from './order-service';

export const PAYMENT_SERVICE = 'payment-service';

/** The payment-service's route templates (plain node:http: the kit's RouteTable names the `endpoint`). */
export const PAYMENT_ROUTES: readonly string[] = Object.freeze(['/payments', '/payments/:id', '/health', '/admin/faults', '/metrics']);

const MAX_BODY = 64 * 1024;

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('request body too large'), { statusCode: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(Object.assign(new Error('request body is not JSON'), { statusCode: 400 }));
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * Starts the demo payment-service: plain `node:http` with the kit's node:http middleware, routes from a RouteTable.
 * `POST /payments` answers with the trace context and baggage it received (so a test can see propagation at the
 * second hop) and charges inside a `charge-card` span made by `traceFunction`.
 */
export async function startPaymentService(options: DemoServiceOptions = {}): Promise<RunningService> {
  const kit = createInstrumentation({ serviceName: PAYMENT_SERVICE, serviceVersion: '1.0.0', ignorePaths: DEMO_IGNORED_PATHS, ...options.instrumentation });
  const faults = new FaultInjector(options.faults);
  const metricsHandler = kit.metricsHandler();
  const payments = new Map<string, { id: string; order_id: unknown; amount: unknown; status: string }>();
  let seq = 0;

  const charge = kit.traceFunction('charge-card', async (amount: number) => {
    await faults.delay();
    if (faults.shouldFail()) throw new Error('injected fault: card network timeout');
    return { status: 'captured', amount };
  });

  const handler = kit.httpHandler(
    async (req, res) => {
      const match = routeOf(req);
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics' && req.method === 'GET') return metricsHandler(req, res);
      switch (match?.route) {
        case '/health':
          return send(res, 200, { status: 'ok' });
        case '/admin/faults': {
          if (req.method === 'GET') return send(res, 200, faults.get());
          if (req.method !== 'PUT') return send(res, 405, { error: 'GET or PUT' });
          const body = await readJson(req);
          const problems = faultProblems(body);
          if (problems.length > 0) return send(res, 400, { error: problems.join('; ') });
          return send(res, 200, faults.set(body as Partial<FaultSettings>));
        }
        case '/payments': {
          if (req.method !== 'POST') return send(res, 405, { error: 'POST' });
          const body = ((await readJson(req)) ?? {}) as { order_id?: unknown; amount?: unknown };
          if (typeof body.amount !== 'number' || !(body.amount > 0)) return send(res, 400, { error: 'amount must be a positive number' });
          try {
            const result = await charge(body.amount);
            const id = `pay-${++seq}`;
            payments.set(id, { id, order_id: body.order_id, amount: body.amount, status: result.status });
            if (payments.size > 1000) payments.delete(payments.keys().next().value as string);
            const baggage = propagation.getBaggage(context.active());
            kit.logger.info('Payment captured', { payment_id: id, order_id: body.order_id, amount: body.amount });
            return send(res, 201, {
              id,
              status: result.status,
              received: {
                traceparent: req.headers.traceparent,
                baggage: Object.fromEntries((baggage?.getAllEntries() ?? []).map(([k, v]) => [k, v.value])),
              },
            });
          } catch (error) {
            kit.logger.error('Payment failed', { order_id: body.order_id, error });
            throw error;
          }
        }
        case '/payments/:id': {
          const p = payments.get(match.params.id);
          return p ? send(res, 200, p) : send(res, 404, { error: `no payment ${match.params.id}` });
        }
        default:
          return send(res, 404, { error: 'not found' });
      }
    },
    { routes: PAYMENT_ROUTES },
  );

  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch(() => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  kit.logger.info('listening', { url });
  return {
    name: kit.serviceName,
    url,
    port: address.port,
    kit,
    faults,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await kit.shutdown();
    },
  };
}
