import { ProblemCollector } from '../common/errors';
import { didYouMeanText } from '../common/validation';
import { ServiceSpec, SloClass, SloOverride, SloSpec } from './spec';

/**
 * The service catalog: 100+ services declare an SLO class instead of hand-tuning objectives and windows, as the SRE
 * Workbook advises for alerting at scale (https://sre.google/workbook/alerting-on-slos/#alerting_at_scale, table
 * "request classes": availability and latency at the 90th/99th percentile per class).
 */

/**
 * The workbook's request classes, with one change: the fast latency objective is 95%, not the workbook's 90%.
 *
 * A 90% objective leaves a 10% error budget, so even a full outage burns it at only 10×: below the 14.4× of the
 * default 1h/5m page, which could then never fire (synth warns about such SLOs). At 95% a full outage burns at 20×
 * and every window of the default table can fire (any objective above 100 × (1 − 1/14.4) ≈ 93.06% would do; 95% is
 * the usual percentile). The thresholds are the workbook's, and all of them are boundaries of
 * `DEFAULT_HISTOGRAM_BUCKETS`, so a service that declares only its class works as it is.
 */
export const SLO_CLASSES: Readonly<Record<string, SloClass>> = {
  CRITICAL: {
    description: 'Most important requests, e.g. a user logging in: 99.99% available, 95% < 100 ms, 99% < 200 ms.',
    errorRate: 99.99,
    latency: [
      { name: 'latency-p95', objective: 95, threshold: 0.1 },
      { name: 'latency-p99', objective: 99, threshold: 0.2 },
    ],
  },
  HIGH_FAST: {
    description: 'High availability and low latency, e.g. interactive requests: 99.9% available, 95% < 100 ms, 99% < 200 ms.',
    errorRate: 99.9,
    latency: [
      { name: 'latency-p95', objective: 95, threshold: 0.1 },
      { name: 'latency-p99', objective: 99, threshold: 0.2 },
    ],
  },
  HIGH_SLOW: {
    description: 'High availability, tolerant latency, e.g. background syncs: 99.9% available, 95% < 1 s, 99% < 5 s.',
    errorRate: 99.9,
    latency: [
      { name: 'latency-p95', objective: 95, threshold: 1 },
      { name: 'latency-p99', objective: 99, threshold: 5 },
    ],
  },
  LOW: {
    description: 'Low priority, e.g. reports: 99% available, no latency objective.',
    errorRate: 99,
  },
};

/** The SLO name of a class's error-rate objective. */
export const CLASS_ERROR_RATE_SLO = 'error-rate';

function mergeOverride(base: SloSpec, override: SloOverride): SloSpec {
  return {
    ...base,
    ...override,
    name: base.name,
    sli: override.sli ?? base.sli,
    labels: override.labels ? { ...(base.labels ?? {}), ...override.labels } : base.labels,
    annotations: override.annotations ? { ...(base.annotations ?? {}), ...override.annotations } : base.annotations,
  };
}

/** The SLOs a class gives a service, before overrides. */
export function classSlos(cls: SloClass): SloSpec[] {
  const slos: SloSpec[] = [];
  const common = {
    ...(cls.minRequestRate !== undefined ? { minRequestRate: cls.minRequestRate } : {}),
    ...(cls.page !== undefined ? { page: cls.page } : {}),
    ...(cls.ticket !== undefined ? { ticket: cls.ticket } : {}),
  };
  if (cls.errorRate !== undefined) {
    slos.push({ name: CLASS_ERROR_RATE_SLO, objective: cls.errorRate, sli: { kind: 'error-rate' }, ...common });
  }
  for (const l of cls.latency ?? []) {
    slos.push({ name: l.name, objective: l.objective, sli: { kind: 'latency', threshold: l.threshold }, ...common });
  }
  return slos;
}

/**
 * The SLO specs of one service: its class's SLOs with overrides applied (in class order), then its own SLOs.
 * Problems (unknown class, override of an SLO the class lacks, an own SLO clashing with a class SLO) are collected.
 */
export function expandServiceSlos(
  service: ServiceSpec,
  classes: Readonly<Record<string, SloClass>>,
  path: string,
  problems: ProblemCollector,
): SloSpec[] {
  const out: SloSpec[] = [];
  const known = Object.keys(classes).sort();
  let fromClass: SloSpec[] = [];
  if (service.class !== undefined) {
    const cls = classes[service.class];
    if (!cls) {
      problems.add({
        path: `${path}.class`,
        message: 'is not a known SLO class',
        value: service.class,
        fix: `${didYouMeanText(service.class, known)}use one of ${known.join(', ')}, or define it in the model options' classes.`,
      });
    } else {
      fromClass = classSlos(cls);
    }
  }
  const overrides = service.overrides ?? {};
  for (const key of Object.keys(overrides)) {
    if (!fromClass.some((s) => s.name === key)) {
      const names = fromClass.map((s) => s.name);
      problems.add({
        path: `${path}.overrides.${key}`,
        message: service.class === undefined ? 'overrides a class SLO but the service has no class' : `is not an SLO of class ${service.class}`,
        value: key,
        fix:
          names.length > 0
            ? `${didYouMeanText(key, names)}override one of ${names.join(', ')}, or declare the SLO in 'slos'.`
            : "declare the SLO in 'slos' instead.",
      });
    }
  }
  for (const slo of fromClass) {
    const o = overrides[slo.name];
    if (o === false) continue;
    out.push(o ? mergeOverride(slo, o) : slo);
  }
  for (const slo of service.slos ?? []) {
    if (fromClass.some((c) => c.name === slo.name)) {
      problems.add({
        path: `${path}.slos.${slo.name}`,
        message: `clashes with the SLO of the same name from class ${service.class}`,
        value: slo.name,
        fix: `tune the class SLO with overrides['${slo.name}'], or give this SLO another name.`,
      });
      continue;
    }
    out.push(slo);
  }
  return out;
}
