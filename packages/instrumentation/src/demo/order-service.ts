import { AddressInfo } from 'node:net';
import { propagation, context } from '@opentelemetry/api';
import Fastify, { FastifyInstance } from 'fastify';
import { instrumentFastify, metricsRoute } from '../fastify';
import { createInstrumentation, Instrumentation, InstrumentationOptions } from '../kit';
import { BusinessCounter, BusinessSummary } from '../metrics';
import { FaultInjector, faultProblems, FaultSettings } from './faults';

export const ORDER_SERVICE = 'order-service';
export const PAYMENT_METHODS = ['card', 'paypal', 'bank_transfer'] as const;

/** The seed's business metrics, as the seed's MetricsCollector.record_order writes them. */
export interface OrderMetrics {
  /** `order_total{status,payment_method}` */
  readonly orderTotal: BusinessCounter<'status' | 'payment_method'>;
  /** `order_value{currency}` (summary: `_sum`, `_count`) */
  readonly orderValue: BusinessSummary<'currency'>;
  /** The seed's `record_order(status, payment_method, value, currency="USD")`. */
  recordOrder(status: string, paymentMethod: string, value: number, currency?: string): void;
}

export function orderMetrics(kit: Instrumentation): OrderMetrics {
  const orderTotal = kit.metrics.counter('order_total', 'Total number of orders', ['status', 'payment_method']);
  const orderValue = kit.metrics.summary('order_value', 'Order value in dollars', ['currency']);
  return {
    orderTotal,
    orderValue,
    recordOrder(status, paymentMethod, value, currency = 'USD') {
      orderTotal.inc({ status, payment_method: paymentMethod });
      orderValue.observe({ currency }, value);
    },
  };
}

export interface DemoServiceOptions {
  /** @default 127.0.0.1 (tests and load stay on loopback) */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Initial fault settings (also settable at runtime: `PUT /admin/faults`). @default none */
  readonly faults?: Partial<FaultSettings>;
  /** Instrumentation options merged over the demo's (`env`, `traces.exporters`, `logs.sink`, ...). */
  readonly instrumentation?: Partial<InstrumentationOptions>;
}

export interface OrderServiceOptions extends DemoServiceOptions {
  /** Base URL of the payment service; without it orders are created without a payment call. */
  readonly paymentUrl?: string;
}

export interface RunningService {
  readonly name: string;
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  readonly kit: Instrumentation;
  readonly faults: FaultInjector;
  /** Stops listening, then flushes and shuts down the service's exporters. */
  close(): Promise<void>;
}

interface CreateOrderBody {
  readonly amount?: unknown;
  readonly currency?: unknown;
  readonly payment_method?: unknown;
}

/** Paths the demo neither traces nor counts: scrapes and the fault switch, so SLO arithmetic sees only real traffic. */
export const DEMO_IGNORED_PATHS: readonly string[] = Object.freeze(['/metrics', '/admin/faults']);

/** The demo order-service's Fastify app (not listening). */
export function orderServiceApp(kit: Instrumentation, faults: FaultInjector, paymentUrl?: string): FastifyInstance {
  const app = Fastify({ logger: false });
  instrumentFastify(app, kit);
  const metrics = orderMetrics(kit);
  const log = kit.logger;
  const orders = new Map<string, { id: string; amount: number; currency: string; payment_method: string; payment?: unknown }>();
  let seq = 0;

  const saveOrder = kit.traceFunction('save-order', async (order: { id: string; amount: number; currency: string; payment_method: string; payment?: unknown }) => {
    orders.set(order.id, order);
    // Bounded: keep the latest 1000 orders.
    if (orders.size > 1000) orders.delete(orders.keys().next().value as string);
  });

  metricsRoute(app, kit);
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/admin/faults', async () => faults.get());
  app.put('/admin/faults', async (request, reply) => {
    const problems = faultProblems(request.body);
    if (problems.length > 0) return reply.code(400).send({ error: problems.join('; ') });
    const now = faults.set(request.body as Partial<FaultSettings>);
    log.warning('Fault settings changed', { ...now });
    return now;
  });

  app.post('/orders', async (request, reply) => {
    await faults.delay();
    const body = (request.body ?? {}) as CreateOrderBody;
    const amount = body.amount;
    const currency = body.currency ?? 'USD';
    const paymentMethod = body.payment_method ?? 'card';
    if (typeof amount !== 'number' || !(amount > 0) || typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency) || !PAYMENT_METHODS.includes(paymentMethod as never)) {
      log.warning('Order rejected', { reason: 'invalid body', body: request.body });
      return reply.code(400).send({ error: `amount must be a positive number, currency a 3-letter code, payment_method one of ${PAYMENT_METHODS.join(', ')}` });
    }
    if (faults.shouldFail()) {
      metrics.orderTotal.inc({ status: 'failed', payment_method: String(paymentMethod) });
      throw new Error('injected fault: order store unavailable');
    }
    const id = `ord-${++seq}`;
    let payment: unknown;
    if (paymentUrl) {
      const res = await kit.fetch(`${paymentUrl}/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ order_id: id, amount, currency, payment_method: paymentMethod }),
      });
      payment = await res.json().catch(() => undefined);
      if (!res.ok) {
        metrics.orderTotal.inc({ status: 'payment_failed', payment_method: String(paymentMethod) });
        log.error('Payment failed', { order_id: id, payment_status: res.status });
        throw Object.assign(new Error(`payment service answered ${res.status}`), { statusCode: 502 });
      }
    }
    await saveOrder({ id, amount, currency, payment_method: String(paymentMethod), payment });
    metrics.recordOrder('created', String(paymentMethod), amount, currency);
    const baggage = propagation.getBaggage(context.active());
    log.info('Order created', { order_id: id, amount, currency, payment_method: paymentMethod, customer_tier: baggage?.getEntry('customer.tier')?.value });
    return reply.code(201).send({ id, status: 'created', payment });
  });

  app.get('/orders/:id', async (request, reply) => {
    await faults.delay();
    if (faults.shouldFail()) throw new Error('injected fault: order store unavailable');
    const { id } = request.params as { id: string };
    const order = orders.get(id);
    if (!order) return reply.code(404).send({ error: `no order ${id}` });
    return order;
  });
  return app;
}

/** Starts the demo order-service (Fastify, instrumented with the kit) on 127.0.0.1. */
export async function startOrderService(options: OrderServiceOptions = {}): Promise<RunningService> {
  const kit = createInstrumentation({ serviceName: ORDER_SERVICE, serviceVersion: '1.0.0', ignorePaths: DEMO_IGNORED_PATHS, ...options.instrumentation });
  const faults = new FaultInjector(options.faults);
  const app = orderServiceApp(kit, faults, options.paymentUrl);
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  kit.logger.info('listening', { url, payment_url: options.paymentUrl });
  return {
    name: kit.serviceName,
    url,
    port: address.port,
    kit,
    faults,
    async close() {
      await app.close();
      await kit.shutdown();
    },
  };
}
