import { PAYMENT_METHODS } from './order-service';

export interface LoadRequest {
  readonly method: string;
  /** Path and query, appended to the base URL. */
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LoadOptions {
  /** The service under load, e.g. `http://127.0.0.1:8080`. Must be a loopback address unless `allowNonLoopback`. */
  readonly baseUrl: string;
  /** Stop after this many requests (1 to 1,000,000). */
  readonly maxRequests: number;
  /** Stop after this long, in milliseconds (1 to 3,600,000), even if requests remain. */
  readonly maxDurationMs: number;
  /** Requests in flight at once (1 to 64). @default 4 */
  readonly concurrency?: number;
  /** Pace: request i starts no earlier than i / ratePerSecond seconds after the start. @default - unpaced */
  readonly ratePerSecond?: number;
  /** The i-th request. @default orderServicePlan */
  readonly plan?: (i: number) => LoadRequest;
  /** Per-request timeout. @default 5000 */
  readonly requestTimeoutMs?: number;
  /** Stops the run early. */
  readonly signal?: AbortSignal;
  /** Allow a target outside 127.0.0.0/8 and ::1. @default false */
  readonly allowNonLoopback?: boolean;
}

export interface LoadResult {
  /** Requests started. */
  readonly sent: number;
  /** Responses per status code (as strings). */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Requests that got no response (refused, reset, timed out). */
  readonly networkErrors: number;
  readonly elapsedMs: number;
  readonly stoppedBy: 'requests' | 'duration' | 'signal';
}

/**
 * The default mix against the demo order-service, deterministic in `i`: 7 in 10 `POST /orders` (amounts and payment
 * methods cycling), 2 in 10 `GET /orders/ord-<n>` (mostly existing orders), 1 in 10 `GET /health`.
 */
export function orderServicePlan(i: number): LoadRequest {
  const slot = i % 10;
  if (slot < 7) {
    return {
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      body: { amount: 10 + (i % 90), currency: 'USD', payment_method: PAYMENT_METHODS[i % PAYMENT_METHODS.length] },
    };
  }
  if (slot < 9) return { method: 'GET', path: `/orders/ord-${Math.max(1, Math.floor((i * 7) / 10) - 1)}` };
  return { method: 'GET', path: '/health' };
}

/** Whether a URL's host is loopback (127.0.0.0/8, ::1, localhost). */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function bounded(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) throw new RangeError(`${name} must be a number from ${min} to ${max} (got ${value})`);
}

/**
 * A bounded load generator: sends up to `maxRequests` requests within `maxDurationMs`, `concurrency` at a time,
 * optionally paced, and stops by itself at whichever bound comes first (or on `signal`).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const concurrency = options.concurrency ?? 4;
  bounded('maxRequests', options.maxRequests, 1, 1_000_000);
  bounded('maxDurationMs', options.maxDurationMs, 1, 3_600_000);
  bounded('concurrency', concurrency, 1, 64);
  if (options.ratePerSecond !== undefined) bounded('ratePerSecond', options.ratePerSecond, 0.001, 100_000);
  if (!options.allowNonLoopback && !isLoopback(options.baseUrl)) {
    throw new RangeError(`baseUrl ${options.baseUrl} is not a loopback address; the load generator targets 127.0.0.1 or ::1 unless allowNonLoopback is set`);
  }
  const base = options.baseUrl.replace(/\/+$/, '');
  const plan = options.plan ?? orderServicePlan;
  const timeoutMs = options.requestTimeoutMs ?? 5000;
  const started = Date.now();
  const deadline = started + options.maxDurationMs;
  const byStatus: Record<string, number> = {};
  let next = 0;
  let sent = 0;
  let networkErrors = 0;
  let stoppedBy: LoadResult['stoppedBy'] = 'requests';

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const onAbort = (): void => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });

  const worker = async (): Promise<void> => {
    for (;;) {
      if (options.signal?.aborted) {
        stoppedBy = 'signal';
        return;
      }
      if (next >= options.maxRequests) return;
      const i = next++;
      if (options.ratePerSecond !== undefined) {
        const due = started + (i * 1000) / options.ratePerSecond;
        if (due >= deadline) {
          stoppedBy = 'duration';
          return;
        }
        if (due > Date.now()) await sleep(due - Date.now());
      }
      if (Date.now() >= deadline) {
        stoppedBy = 'duration';
        return;
      }
      if (options.signal?.aborted) {
        stoppedBy = 'signal';
        return;
      }
      const r = plan(i);
      sent++;
      try {
        const res = await fetch(`${base}${r.path}`, {
          method: r.method,
          headers: r.headers,
          body: r.body === undefined ? undefined : JSON.stringify(r.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer();
        byStatus[String(res.status)] = (byStatus[String(res.status)] ?? 0) + 1;
      } catch {
        networkErrors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return { sent, byStatus, networkErrors, elapsedMs: Date.now() - started, stoppedBy };
}
