import { ProblemCollector } from '../../common/errors';
import { durationProblems, parseDuration } from '../../common/duration';
import { positiveNumberProblems } from '../../common/validation';
import { OpenComponentConfig } from './config';

/**
 * The tail-sampling decision of the sampling tier, typed: which traces to keep once the whole trace is in
 * (`tail_sampling` processor, contrib 0.135,
 * https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/v0.135.0/processor/tailsamplingprocessor/README.md;
 * keys from its config.go). A trace is kept when any policy says "sample": errors, slower than a latency threshold
 * (per service, e.g. the service's latency SLO threshold), or the probabilistic baseline. Nothing else is kept.
 */

export interface TailSamplingProps {
  /** Keep every trace with a span whose status is ERROR (`status_code` policy). @default true */
  readonly keepErrors?: boolean;
  /**
   * Keep every trace longer than this (`latency` policy, first span start to last span end), e.g. the platform's
   * latency SLO threshold. A Prometheus duration (`200ms`, `1s`). @default 200ms (the seed's latency SLO)
   */
  readonly latencyThreshold?: string;
  /**
   * Per-service latency thresholds (`service.name` → duration), each an `and` of a `string_attribute` match on the
   * service and a `latency` policy: a service whose SLO allows 1s is not kept at 200ms. The stack fills these from
   * the catalog's latency SLOs. @default - none
   */
  readonly serviceLatencyThresholds?: Readonly<Record<string, string>>;
  /** Percentage (0 < p ≤ 100) of all other traces kept (`probabilistic` policy, by trace id hash). @default 10 */
  readonly baselinePercentage?: number;
  /**
   * How long after a trace's first span the decision is made: longer than the slowest trace worth keeping whole.
   * @default 10s
   */
  readonly decisionWait?: string;
  /**
   * New traces per second the whole tier receives; with the replicas it sizes `num_traces` (traces held in memory
   * per replica) and `expected_new_traces_per_sec`. @default 1000
   */
  readonly expectedNewTracesPerSecond?: number;
}

/** The validated decision, every default resolved; durations in milliseconds. */
export interface TailSamplingModel {
  readonly keepErrors: boolean;
  readonly latencyThresholdMs: number;
  readonly serviceLatencyThresholdsMs: Readonly<Record<string, number>>;
  readonly baselinePercentage: number;
  readonly decisionWaitMs: number;
  readonly expectedNewTracesPerSecond: number;
}

export const TAIL_SAMPLING_DEFAULTS = {
  keepErrors: true,
  latencyThreshold: '200ms',
  baselinePercentage: 10,
  decisionWait: '10s',
  expectedNewTracesPerSecond: 1000,
  /**
   * num_traces = traces/s per replica × decision_wait × this: a trace stays in memory for decision_wait, and the
   * headroom absorbs bursts and replicas lost (the processor drops the oldest traces when full).
   */
  numTracesHeadroom: 2,
  /** Decision caches (trace ids only, 16 bytes each): this many times num_traces, as the README advises "much greater". */
  decisionCacheFactor: 4,
} as const;

/** The OTel resource attribute the per-service policies match. */
export const SERVICE_NAME_ATTRIBUTE = 'service.name';

function durationMs(value: string, path: string, c: ProblemCollector): number {
  const problems = durationProblems(value, path, { positive: true });
  if (problems.length > 0) {
    c.addAll(problems);
    return 0;
  }
  return Math.round(parseDuration(value, path) * 1000);
}

/**
 * Resolves and validates the sampling decision (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function tailSamplingModel(props: TailSamplingProps = {}, path = 'TailSampling'): TailSamplingModel {
  const c = new ProblemCollector();
  const d = TAIL_SAMPLING_DEFAULTS;
  const latencyThresholdMs = durationMs(props.latencyThreshold ?? d.latencyThreshold, `${path}.latencyThreshold`, c);
  const decisionWaitMs = durationMs(props.decisionWait ?? d.decisionWait, `${path}.decisionWait`, c);
  const baselinePercentage = props.baselinePercentage ?? d.baselinePercentage;
  if (typeof baselinePercentage !== 'number' || !(baselinePercentage > 0 && baselinePercentage <= 100)) {
    c.add({ path: `${path}.baselinePercentage`, message: 'must be a percentage above 0 and at most 100', value: baselinePercentage, fix: 'use e.g. 10 (one trace in ten of the fast, successful ones).' });
  }
  const rate = props.expectedNewTracesPerSecond ?? d.expectedNewTracesPerSecond;
  c.addAll(positiveNumberProblems(rate, `${path}.expectedNewTracesPerSecond`, { what: 'traces per second', fix: 'use the platform\'s request rate, e.g. 1000.' }));
  const serviceLatencyThresholdsMs: Record<string, number> = {};
  for (const [service, threshold] of Object.entries(props.serviceLatencyThresholds ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (service.trim() === '') c.add({ path: `${path}.serviceLatencyThresholds`, message: 'has an empty service name', value: service, fix: 'key each threshold by the service.name its spans carry.' });
    serviceLatencyThresholdsMs[service] = durationMs(threshold, `${path}.serviceLatencyThresholds.${service}`, c);
  }
  if (decisionWaitMs > 0 && latencyThresholdMs >= decisionWaitMs) {
    c.add({
      path: `${path}.decisionWait`,
      message: `is not longer than latencyThreshold (${props.latencyThreshold ?? d.latencyThreshold}): a slow trace would be decided before its last span arrives`,
      value: props.decisionWait ?? d.decisionWait,
      fix: 'make decisionWait several times the latency threshold, e.g. 10s.',
    });
  }
  c.throwIfAny();
  return {
    keepErrors: props.keepErrors ?? d.keepErrors,
    latencyThresholdMs,
    serviceLatencyThresholdsMs,
    baselinePercentage,
    decisionWaitMs,
    expectedNewTracesPerSecond: rate,
  };
}

/** Traces one replica holds in memory: its share of the rate × decision_wait × headroom (at least 1000). */
export function numTracesPerReplica(model: TailSamplingModel, replicas: number): number {
  const perReplica = model.expectedNewTracesPerSecond / Math.max(1, replicas);
  return Math.max(1000, Math.ceil((perReplica * model.decisionWaitMs * TAIL_SAMPLING_DEFAULTS.numTracesHeadroom) / 1000));
}

/** A policy name: the name a per-service policy gets (`slow-<service>`), kept to the characters of a label. */
function policyName(prefix: string, service: string): string {
  return `${prefix}-${service.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

function formatGoDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * The `tail_sampling` processor of a replica (pure): the policies in order (errors, per-service latency, latency,
 * baseline), `decision_wait`, `num_traces` sized for `replicas`, and decision caches so late spans of a decided trace
 * follow its decision.
 */
export function tailSamplingProcessor(model: TailSamplingModel, replicas: number): OpenComponentConfig {
  const policies: Record<string, unknown>[] = [];
  if (model.keepErrors) policies.push({ name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } });
  for (const [service, ms] of Object.entries(model.serviceLatencyThresholdsMs)) {
    policies.push({
      name: policyName('slow', service),
      type: 'and',
      and: {
        and_sub_policy: [
          { name: policyName('service', service), type: 'string_attribute', string_attribute: { key: SERVICE_NAME_ATTRIBUTE, values: [service] } },
          { name: policyName('latency', service), type: 'latency', latency: { threshold_ms: ms } },
        ],
      },
    });
  }
  // Services without a threshold of their own: the platform's.
  const withOwn = Object.keys(model.serviceLatencyThresholdsMs);
  if (withOwn.length === 0) {
    policies.push({ name: 'slow', type: 'latency', latency: { threshold_ms: model.latencyThresholdMs } });
  } else {
    policies.push({
      name: 'slow',
      type: 'and',
      and: {
        and_sub_policy: [
          // invert_match: the services that have no threshold of their own.
          { name: 'other-services', type: 'string_attribute', string_attribute: { key: SERVICE_NAME_ATTRIBUTE, values: withOwn, invert_match: true } },
          { name: 'latency', type: 'latency', latency: { threshold_ms: model.latencyThresholdMs } },
        ],
      },
    });
  }
  policies.push({ name: 'baseline', type: 'probabilistic', probabilistic: { sampling_percentage: model.baselinePercentage } });
  const numTraces = numTracesPerReplica(model, replicas);
  const cache = numTraces * TAIL_SAMPLING_DEFAULTS.decisionCacheFactor;
  return {
    raw: {
      decision_wait: formatGoDuration(model.decisionWaitMs),
      num_traces: numTraces,
      expected_new_traces_per_sec: Math.ceil(model.expectedNewTracesPerSecond / Math.max(1, replicas)),
      decision_cache: { sampled_cache_size: cache, non_sampled_cache_size: cache },
      policies,
    },
  };
}
