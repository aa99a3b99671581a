import { DEFAULT_HISTOGRAM_BUCKETS, ServiceSpec } from './spec';

/** The client default buckets plus 0.2 s, so "99% of requests under 200 ms" is measurable. */
export const BUCKETS_WITH_200MS: readonly number[] = [...DEFAULT_HISTOGRAM_BUCKETS, 0.2].sort((a, b) => a - b);

/**
 * The seed's order-service and its three SLOs: availability 99.9% (time-based, from the `up` of its targets),
 * latency 99% < 200 ms (its histogram declares a 0.2 bucket), error rate < 0.1% (objective 99.9%), over 30 days.
 */
export const ORDER_SERVICE: ServiceSpec = {
  name: 'order-service',
  histogramBuckets: BUCKETS_WITH_200MS,
  slos: [
    { name: 'availability', objective: 99.9, sli: { kind: 'availability', source: 'up' } },
    { name: 'latency', objective: 99, sli: { kind: 'latency', threshold: 0.2 } },
    { name: 'error-rate', objective: 99.9, sli: { kind: 'error-rate' } },
  ],
};

/** A small demo catalog of services declaring SLO classes (the default platform's "other services"). */
export const DEMO_SERVICES: readonly ServiceSpec[] = [
  { name: 'payment-service', class: 'CRITICAL', histogramBuckets: BUCKETS_WITH_200MS },
  { name: 'catalog-service', class: 'HIGH_FAST', histogramBuckets: BUCKETS_WITH_200MS, overrides: { 'latency-p90': false } },
  { name: 'report-service', class: 'HIGH_SLOW' },
  { name: 'newsletter-service', class: 'LOW', overrides: { 'error-rate': { page: false } } },
];
