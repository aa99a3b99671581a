import { BUCKETS_WITH_200MS, ServiceSpec } from '../src/slo';

/**
 * Deterministic synthetic service catalogs for the benchmarks: `n` services named `svc-0001`…, each with the seed's
 * three SLOs (availability, latency 99% < 200 ms, error rate), objectives varying by a fixed pattern so the rules are
 * not all identical. Availability alternates between blackbox probes (even services, as the seed's order-service;
 * each adds a probe target) and the `up` of the service's targets (odd services). No randomness: the same `n`
 * always gives the same catalog.
 */

/** `svc-0001` … (zero-padded so names sort in catalog order). */
export function serviceName(i: number): string {
  return `svc-${String(i + 1).padStart(4, '0')}`;
}

const AVAILABILITY = [99.9, 99.95, 99.5] as const;
const ERROR_RATE = [99.9, 99.99, 99.5, 99.9] as const;

/** The `i`-th service of a synthetic catalog. */
export function syntheticService(i: number): ServiceSpec {
  const name = serviceName(i);
  const probe = i % 2 === 0;
  return {
    name,
    ...(probe ? { probeUrl: `http://${name}.apps.svc:8080/healthz` } : {}),
    histogramBuckets: BUCKETS_WITH_200MS,
    labels: { team: `team-${String((i % 20) + 1).padStart(2, '0')}` },
    slos: [
      { name: 'availability', objective: AVAILABILITY[i % AVAILABILITY.length], sli: { kind: 'availability', source: probe ? 'probe' : 'up' } },
      { name: 'latency', objective: 99, sli: { kind: 'latency', threshold: 0.2 } },
      { name: 'error-rate', objective: ERROR_RATE[i % ERROR_RATE.length], sli: { kind: 'error-rate' } },
    ],
  };
}

/** A catalog of `n` services × 3 SLOs. */
export function syntheticCatalog(n: number): ServiceSpec[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`catalog size must be a non-negative integer, got ${n}`);
  return Array.from({ length: n }, (_, i) => syntheticService(i));
}
