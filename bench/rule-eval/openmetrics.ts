import { createWriteStream } from 'node:fs';
import { mulberry32, poisson, Random, seedOf } from '../lib/prng';

/**
 * Synthetic request history of a platform, as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`
 * (https://prometheus.io/docs/prometheus/latest/storage/#backfilling-from-openmetrics-format).
 *
 * Every service exposes the seed's `http_requests_total{service,endpoint,method,status,pod}`: 3 routes with their own
 * status codes (8 route×status combinations, 3 of them 5xx) on 3 pods = 24 series, 9 of them 5xx. Counters grow by
 * Poisson-distributed increments at each 30 s scrape, with a daily traffic cycle, a background 5xx ratio, incidents
 * near the end of the history (so burn-rate alerts have something to fire on) and one restart per pod (a counter
 * reset). Everything derives from a seed: the same spec gives the same file, byte for byte.
 */

export interface HistorySpec {
  readonly services: number;
  /** Days of history ending at `endSeconds`. */
  readonly days: number;
  /** Seconds between samples of a series. */
  readonly scrapeSeconds: number;
  /** Unix seconds of the end of the history (the instant the rules are evaluated at). */
  readonly endSeconds: number;
  readonly seed: number;
}

/** A period of elevated 5xx ratio, in seconds before the end of the history. */
export interface Incident {
  readonly fromBeforeEnd: number;
  readonly toBeforeEnd: number;
  readonly errorRatio: number;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly incidents: readonly Incident[];
}

/** Background 5xx ratio: a fifth of a 99.9% SLO's error budget. */
export const BASELINE_ERROR_RATIO = 0.0002;
/** Amplitude of the daily traffic cycle (±30% around the mean). */
export const DIURNAL_AMPLITUDE = 0.3;

const H = 3600;
const D = 86400;

/**
 * What happens to each service near the end of the history (service i gets scenario i, later ones are healthy).
 * Burn rates are against a 99.9% objective (budget 0.1%).
 */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'fast burn', description: '3% errors for the last 40 min (30× burn)', incidents: [{ fromBeforeEnd: 40 * 60, toBeforeEnd: 0, errorRatio: 0.03 }] },
  { name: 'slow burn', description: '1.2% errors for the last 4 h (12× burn)', incidents: [{ fromBeforeEnd: 4 * H, toBeforeEnd: 0, errorRatio: 0.012 }] },
  { name: 'ticket, fast', description: '0.45% errors for the last 30 h (4.5× burn)', incidents: [{ fromBeforeEnd: 30 * H, toBeforeEnd: 0, errorRatio: 0.0045 }] },
  { name: 'ticket, slow', description: '0.2% errors for the last 4 days (2× burn)', incidents: [{ fromBeforeEnd: 4 * D, toBeforeEnd: 0, errorRatio: 0.002 }] },
  { name: 'recovered', description: '4% errors from 4 h to 3 h ago, healthy since', incidents: [{ fromBeforeEnd: 4 * H, toBeforeEnd: 3 * H, errorRatio: 0.04 }] },
];

export const HEALTHY: Scenario = { name: 'healthy', description: `${BASELINE_ERROR_RATIO * 100}% errors throughout (0.2× burn)`, incidents: [] };

export function scenarioOf(serviceIndex: number): Scenario {
  return SCENARIOS[serviceIndex] ?? HEALTHY;
}

/** One route of a service and its status codes: `share` of the route's requests (the 5xx share is the scenario's). */
interface RouteSpec {
  readonly endpoint: string;
  readonly method: string;
  /** Share of the service's traffic. */
  readonly traffic: number;
  /** Non-5xx statuses other than success, with their shares of the route's requests. */
  readonly client: readonly { readonly status: string; readonly share: number }[];
  readonly success: string;
  readonly server: string;
}

const ROUTES: readonly RouteSpec[] = [
  { endpoint: '/api/v1/orders', method: 'GET', traffic: 0.55, success: '200', client: [], server: '500' },
  { endpoint: '/api/v1/orders/{id}', method: 'GET', traffic: 0.3, success: '200', client: [{ status: '404', share: 0.03 }], server: '500' },
  { endpoint: '/api/v1/orders', method: 'POST', traffic: 0.15, success: '201', client: [{ status: '400', share: 0.02 }], server: '500' },
];

export const PODS_PER_SERVICE = 3;

/** The services' names in the rule benchmark (`svc-01`…). */
export function historyServiceName(i: number): string {
  return `svc-${String(i + 1).padStart(2, '0')}`;
}

const POD_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** A Deployment pod name (`svc-01-5f7d9c8b6-x2k4q`), stable for a seed. */
export function podName(service: string, pod: number, seed: number): string {
  const rand = mulberry32(seedOf(`${seed}/pod/${service}/${pod}`));
  const pick = (n: number): string => Array.from({ length: n }, () => POD_CHARS[Math.floor(rand() * POD_CHARS.length)]).join('');
  return `${service}-${pick(9)}-${pick(5)}`;
}

type StatusKind = 'success' | 'client' | 'server';

export interface SeriesSpec {
  readonly labels: Readonly<Record<string, string>>;
  readonly service: number;
  readonly pod: number;
  /** Mean requests per second of the series at mean traffic, before the status split. */
  readonly routeRate: number;
  readonly kind: StatusKind;
  /** For client statuses: their share of the route. */
  readonly share: number;
  /** Share of client statuses of the route (subtracted from success). */
  readonly clientShare: number;
}

/** Per-service traffic parameters, from the seed. */
export interface ServiceTraffic {
  /** Mean requests per second of the whole service (2–40). */
  readonly rate: number;
  /** Phase of the daily cycle, seconds. */
  readonly phase: number;
  /** Share of traffic per pod (sums to 1). */
  readonly podShares: readonly number[];
  /** Seconds before the end at which each pod restarted (its counters reset to 0). */
  readonly restartBeforeEnd: readonly number[];
  /** Scrape offset of each pod within the scrape interval, seconds. */
  readonly scrapeOffset: readonly number[];
}

export function serviceTraffic(spec: HistorySpec, i: number): ServiceTraffic {
  const rand = mulberry32(seedOf(`${spec.seed}/traffic/${i}`));
  const rate = Math.round((2 + 38 * rand()) * 100) / 100;
  const phase = Math.floor(rand() * D);
  const raw = Array.from({ length: PODS_PER_SERVICE }, () => 0.8 + 0.4 * rand());
  const total = raw.reduce((a, b) => a + b, 0);
  const history = spec.days * D;
  return {
    rate,
    phase,
    podShares: raw.map((r) => r / total),
    // Restarts well inside the history, never in the last day (incidents stay readable).
    restartBeforeEnd: raw.map(() => Math.floor(D + rand() * (history - 2 * D))),
    scrapeOffset: raw.map(() => Math.floor(rand() * spec.scrapeSeconds)),
  };
}

/** Every series of service `i`, in a stable order. */
export function seriesOfService(spec: HistorySpec, i: number): SeriesSpec[] {
  const t = serviceTraffic(spec, i);
  const service = historyServiceName(i);
  const out: SeriesSpec[] = [];
  for (let p = 0; p < PODS_PER_SERVICE; p++) {
    const pod = podName(service, p, spec.seed);
    for (const r of ROUTES) {
      const routeRate = t.rate * r.traffic * t.podShares[p];
      const clientShare = r.client.reduce((a, c) => a + c.share, 0);
      const base = { service, endpoint: r.endpoint, method: r.method, pod };
      const mk = (status: string, kind: StatusKind, share: number): SeriesSpec => ({
        labels: { ...base, status },
        service: i,
        pod: p,
        routeRate,
        kind,
        share,
        clientShare,
      });
      out.push(mk(r.success, 'success', 1));
      for (const c of r.client) out.push(mk(c.status, 'client', c.share));
      out.push(mk(r.server, 'server', 1));
    }
  }
  return out;
}

/** The 5xx ratio of a service at `beforeEnd` seconds before the end. */
export function errorRatioAt(scenario: Scenario, beforeEnd: number): number {
  for (const inc of scenario.incidents) {
    if (beforeEnd < inc.fromBeforeEnd && beforeEnd >= inc.toBeforeEnd) return inc.errorRatio;
  }
  return BASELINE_ERROR_RATIO;
}

/** Traffic multiplier of the daily cycle at unix time `t`. */
export function diurnal(t: number, phase: number): number {
  return 1 + DIURNAL_AMPLITUDE * Math.sin((2 * Math.PI * (t - phase)) / D);
}

/** `http_requests_total{endpoint="…",…} ` with labels in sorted order (escaping per the exposition format). */
export function seriesPrefix(metric: string, labels: Readonly<Record<string, string>>): string {
  const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `${metric}{${Object.keys(labels).sort().map((k) => `${k}="${esc(labels[k])}"`).join(',')}} `;
}

export const REQUESTS_METRIC = 'http_requests_total';

export interface HistoryStats {
  readonly series: number;
  readonly samples: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly startSeconds: number;
}

/** The mean rate (requests per second) of one series at time `t`. */
function seriesRate(s: SeriesSpec, traffic: ServiceTraffic, scenario: Scenario, t: number, end: number): number {
  const base = s.routeRate * diurnal(t, traffic.phase);
  const e = errorRatioAt(scenario, end - t);
  switch (s.kind) {
    case 'server':
      return base * e;
    case 'client':
      return base * (1 - e) * s.share;
    case 'success':
      return base * (1 - e) * (1 - s.clientShare);
  }
}

/**
 * Writes the history as OpenMetrics text, series after series (each series' samples in time order, as the TSDB
 * appender needs), streaming so memory stays flat whatever the size.
 */
export async function writeOpenMetrics(path: string, spec: HistorySpec): Promise<HistoryStats> {
  const started = performance.now();
  const out = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let bytes = 0;
  let pending: string[] = [];
  let pendingLen = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    pendingLen = 0;
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  const push = (line: string): void => {
    pending.push(line);
    pendingLen += line.length;
  };

  const historySeconds = spec.days * D;
  const start = spec.endSeconds - historySeconds;
  const steps = Math.floor(historySeconds / spec.scrapeSeconds);
  let series = 0;
  let samples = 0;
  push(`# HELP ${REQUESTS_METRIC.replace(/_total$/, '')} Requests served, by endpoint, method and status.\n`);
  push(`# TYPE ${REQUESTS_METRIC.replace(/_total$/, '')} counter\n`);
  for (let i = 0; i < spec.services; i++) {
    const traffic = serviceTraffic(spec, i);
    const scenario = scenarioOf(i);
    for (const s of seriesOfService(spec, i)) {
      const rand: Random = mulberry32(seedOf(`${spec.seed}/series/${JSON.stringify(s.labels)}`));
      const prefix = seriesPrefix(REQUESTS_METRIC, s.labels);
      const offset = traffic.scrapeOffset[s.pod];
      const restartAt = spec.endSeconds - traffic.restartBeforeEnd[s.pod];
      // A counter that has been running for a while before the history starts.
      let value = Math.floor(rand() * 1e6 * (s.kind === 'server' ? 0.001 : 1));
      let restarted = false;
      for (let k = 1; k <= steps; k++) {
        const t = start + (k - 1) * spec.scrapeSeconds + offset + 1; // within (start, end]
        if (!restarted && t >= restartAt) {
          restarted = true;
          value = 0;
        }
        value += poisson(rand, seriesRate(s, traffic, scenario, t, spec.endSeconds) * spec.scrapeSeconds);
        push(`${prefix}${value} ${t}\n`);
        if (pendingLen > 1 << 20) await flush();
      }
      series++;
      samples += steps;
    }
  }
  push('# EOF\n');
  await flush();
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { series, samples, bytes, seconds: (performance.now() - started) / 1000, startSeconds: start };
}
