#!/usr/bin/env node
/**
 * The demo as a program, for tests that spawn it and for trying the kit by hand:
 *
 *   node lib/demo/main.js order     # order-service on $HOST:$PORT (default 127.0.0.1:8080), payments via $PAYMENT_URL
 *   node lib/demo/main.js payment   # payment-service on $HOST:$PORT (default 127.0.0.1:8081)
 *   node lib/demo/main.js all       # payment-service on $PAYMENT_PORT (default any) and order-service on $PORT, chained
 *   node lib/demo/main.js load --url http://127.0.0.1:8080 --requests 1000 --duration-ms 60000 [--concurrency 4] [--rate 20]
 *
 * Services log JSON lines to stdout (the first is `"message":"listening"` with `context.url`), read OTEL_* and
 * K8S_* from the environment, and take initial faults from FAULT_ERROR_RATE / FAULT_LATENCY_MS (later:
 * `PUT /admin/faults`). SIGTERM or SIGINT stops them after flushing spans. `load` prints one JSON result line.
 */
import { faultsFromEnv } from './faults';
import { runLoad } from './load';
import { RunningService, startOrderService } from './order-service';
import { startPaymentService } from './payment-service';

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function num(value: string | undefined, name: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number (got ${value})`);
  return n;
}

async function main(argv: readonly string[]): Promise<void> {
  const [command = 'order', ...args] = argv;
  const env = process.env;
  const host = env.HOST ?? '127.0.0.1';
  const faults = faultsFromEnv(env);
  const services: RunningService[] = [];
  switch (command) {
    case 'load': {
      const result = await runLoad({
        baseUrl: flag(args, 'url') ?? 'http://127.0.0.1:8080',
        maxRequests: num(flag(args, 'requests'), 'requests'),
        maxDurationMs: num(flag(args, 'duration-ms'), 'duration-ms'),
        concurrency: num(flag(args, 'concurrency'), 'concurrency', 4),
        ratePerSecond: flag(args, 'rate') === undefined ? undefined : num(flag(args, 'rate'), 'rate'),
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    case 'order':
      services.push(await startOrderService({ host, port: num(env.PORT, 'PORT', 8080), paymentUrl: env.PAYMENT_URL, faults }));
      break;
    case 'payment':
      services.push(await startPaymentService({ host, port: num(env.PORT, 'PORT', 8081), faults }));
      break;
    case 'all': {
      const payment = await startPaymentService({ host, port: num(env.PAYMENT_PORT, 'PAYMENT_PORT', 0) });
      services.push(payment);
      services.push(await startOrderService({ host, port: num(env.PORT, 'PORT', 8080), paymentUrl: payment.url, faults }));
      break;
    }
    default:
      throw new Error(`unknown command "${command}" (order, payment, all, load)`);
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    Promise.all(services.reverse().map((s) => s.close())).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
