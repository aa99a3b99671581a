import { DEFAULT_HISTOGRAM_BUCKETS, ServiceSpec } from './spec';

/** The client default buckets plus 0.2 s: now the default buckets themselves (kept for the callers that name them). */
export const BUCKETS_WITH_200MS: readonly number[] = DEFAULT_HISTOGRAM_BUCKETS;

/**
 * The seed's order-service and its three SLOs: availability 99.9% (time-based, from the `up` of its targets),
 * latency 99% < 200 ms (the default buckets have 0.2), error rate < 0.1% (objective 99.9%), over 30 days.
 */
export const ORDER_SERVICE: ServiceSpec = {
  name: 'order-service',
  slos: [
    { name: 'availability', objective: 99.9, sli: { kind: 'availability', source: 'up' } },
    { name: 'latency', objective: 99, sli: { kind: 'latency', threshold: 0.2 } },
    { name: 'error-rate', objective: 99.9, sli: { kind: 'error-rate' } },
  ],
};

/** A small demo catalog of services declaring SLO classes (the default platform's "other services"). */
export const DEMO_SERVICES: readonly ServiceSpec[] = [
  { name: 'payment-service', class: 'CRITICAL' },
  { name: 'catalog-service', class: 'HIGH_FAST', overrides: { 'latency-p95': false } },
  { name: 'report-service', class: 'HIGH_SLOW' },
  { name: 'newsletter-service', class: 'LOW', overrides: { 'error-rate': { page: false } } },
];
