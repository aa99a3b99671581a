import { DurationString, PromDuration } from '../../common/duration';
import { ConfigProblem, ProblemCollector, formatValue } from '../../common/errors';
import { AlertingRule, RuleGroup } from '../../common/rules';
import { labelNameProblems, nonEmptyProblems } from '../../common/validation';
import { ALERT_LABELS, SEVERITY, SLO_ANNOTATIONS, TARGET_LABELS } from '../../conventions';
import { SCRAPE_METRICS } from './metrics';

/**
 * The alert rules of the database add-ons as data: each exporter lists its alerts as `AlertDefinition`s (name, the
 * community rule it follows, default threshold, `for` and severity, and a pure expression builder); users tune each
 * one by key (`alerts: { highConnections: { threshold: 0.9, for: '15m' }, cacheHitRatio: false }`), the model
 * resolves the tuning once (`resolveAlerts`), and `alertRuleGroup` renders the rules of one exporter, every selector
 * restricted to that exporter's job.
 */

/** Tuning of one alert. `false` in place of the object turns it off. */
export interface AlertTuning {
  /** @default true */
  readonly enabled?: boolean;
  /** How long the condition must hold (Prometheus duration). @default - the alert's (see its doc) */
  readonly for?: DurationString;
  /** The `severity` label Alertmanager routes on. @default - the alert's (`critical` or `warning`) */
  readonly severity?: string;
}

/** An alert with a numeric threshold (a ratio from 0 to 1, a count or a rate, as its doc says). */
export interface NumberAlertTuning extends AlertTuning {
  readonly threshold?: number;
}

/** An alert whose threshold is a duration (a lag, a transaction's age). */
export interface DurationAlertTuning extends AlertTuning {
  readonly threshold?: DurationString;
}

/** What a threshold is: a ratio in (0, 1], a non-negative number, or a duration. */
export type ThresholdKind = 'ratio' | 'number' | 'duration';

/** Builds the expression of an alert for one exporter. */
export interface AlertExprContext {
  /** `metric{job="<job>", <extra matchers>}` */
  sel(metric: string, ...matchers: string[]): string;
  /** `by (namespace, service, job, instance, <extra>)`: the labels every alert keeps, plus `extra`. */
  by(...extra: string[]): string;
  /** `on (namespace, service, job, instance, <extra>)`, to match two sides on the database's identity. */
  on(...extra: string[]): string;
  /** The resolved threshold (seconds for durations). */
  readonly threshold: number;
}

export interface AlertDefinition {
  /** The alert name (`alertname`). */
  readonly alert: string;
  /** The community rule it follows and what differs from it. */
  readonly source: string;
  readonly threshold?: { readonly kind: ThresholdKind; readonly default: number | DurationString };
  readonly for: DurationString;
  readonly severity: string;
  expr(ctx: AlertExprContext): string;
  readonly summary: string;
  readonly description: string;
}

/** One alert after tuning. */
export interface ResolvedAlert {
  readonly key: string;
  readonly alert: string;
  readonly enabled: boolean;
  readonly for: PromDuration;
  readonly severity: string;
  /** Seconds for duration thresholds. */
  readonly threshold?: number;
}

/** The labels every database alert groups by: where the series come from and which database they describe. */
export const DATABASE_ALERT_GROUP_LABELS = [TARGET_LABELS.namespace, TARGET_LABELS.service, 'job', 'instance'] as const;

function thresholdProblems(kind: ThresholdKind, value: unknown, path: string): ConfigProblem[] {
  switch (kind) {
    case 'ratio':
      return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 1
        ? []
        : [{ path, message: 'must be a ratio greater than 0 and at most 1', value, fix: 'write e.g. 0.8 for 80%.' }];
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? [] : [{ path, message: 'must be a number of at least 0', value, fix: 'write e.g. 5.' }];
    case 'duration':
      return [];
  }
}

/**
 * Resolves the tuning of an exporter's alerts (pure): unknown keys, bad thresholds, durations and severities are
 * problems under `<path>.<key>`.
 */
export function resolveAlerts(
  definitions: Readonly<Record<string, AlertDefinition>>,
  tuning: Readonly<Record<string, (AlertTuning & { readonly threshold?: unknown }) | false | undefined>> | undefined,
  path: string,
  problems: ProblemCollector,
): ResolvedAlert[] {
  for (const key of Object.keys(tuning ?? {})) {
    if (!(key in definitions)) {
      problems.add({ path: `${path}.${key}`, message: 'is not an alert of this exporter', value: key, fix: `tune one of ${Object.keys(definitions).join(', ')}.` });
    }
  }
  return Object.entries(definitions).map(([key, def]): ResolvedAlert => {
    const at = `${path}.${key}`;
    const t = tuning?.[key];
    if (t === false) return { key, alert: def.alert, enabled: false, for: PromDuration.parse(def.for, at), severity: def.severity };
    if (t !== undefined && (t === null || typeof t !== 'object')) {
      problems.add({ path: at, message: 'must be an object of tuning ({ threshold, for, severity, enabled }) or false', value: t, fix: 'pass e.g. { for: "10m" }, or false to turn the alert off.' });
    }
    const spec = t && typeof t === 'object' ? t : {};
    const forDuration = problems.value(() => PromDuration.parse(spec.for ?? def.for, `${at}.for`)) ?? PromDuration.parse(def.for, at);
    const severity = spec.severity ?? def.severity;
    problems.addAll(nonEmptyProblems(severity, `${at}.severity`, `use "${SEVERITY.critical}" or "${SEVERITY.warning}" (the severities Alertmanager routes on).`));
    let threshold: number | undefined;
    if (def.threshold) {
      const raw = spec.threshold ?? def.threshold.default;
      if (def.threshold.kind === 'duration') {
        threshold = typeof raw === 'string' ? problems.value(() => PromDuration.parse(raw, `${at}.threshold`, { positive: true }).seconds) : undefined;
        if (typeof raw !== 'string') problems.add({ path: `${at}.threshold`, message: 'must be a Prometheus duration', value: raw, fix: `write e.g. "${def.threshold.default}".` });
      } else {
        const p = thresholdProblems(def.threshold.kind, raw, `${at}.threshold`);
        problems.addAll(p);
        threshold = p.length === 0 ? (raw as number) : undefined;
      }
    } else if (spec.threshold !== undefined) {
      problems.add({ path: `${at}.threshold`, message: `is not used: ${def.alert} has no threshold`, value: spec.threshold, fix: 'leave it out.' });
    }
    return { key, alert: def.alert, enabled: spec.enabled ?? true, for: forDuration, severity, threshold };
  });
}

/** Labels added to every alert of an exporter (team, routing keys): label names only, `severity` is the tuning's. */
export function alertLabelProblems(labels: Readonly<Record<string, string>> | undefined, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    problems.push(...labelNameProblems(k, `${path}.${k}`));
    if (k === ALERT_LABELS.severity || k === 'alertname') {
      problems.push({ path: `${path}.${k}`, message: 'is set by each alert itself', value: k, fix: 'tune the severity per alert (alerts.<key>.severity).' });
    }
    if (typeof v !== 'string' || v === '') problems.push({ path: `${path}.${k}`, message: 'must be a non-empty string', value: v, fix: `quote the value, e.g. ${formatValue('team-a')}.` });
  }
  return problems;
}

/** `"value"` as a PromQL string literal. */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/**
 * An exporter's alert rules (pure): the enabled alerts in definition order, every selector restricted to `job`, each
 * with its severity, the exporter's extra labels, a summary and a templated description.
 */
export function alertRuleGroup(
  name: string,
  jobName: string,
  definitions: Readonly<Record<string, AlertDefinition>>,
  alerts: readonly ResolvedAlert[],
  labels: Readonly<Record<string, string>> = {},
): RuleGroup {
  const job = `job=${promString(jobName)}`;
  const rules: AlertingRule[] = alerts
    .filter((a) => a.enabled)
    .map((a) => {
      const def = definitions[a.key];
      const ctx: AlertExprContext = {
        sel: (metric, ...matchers) => `${metric}{${[job, ...matchers].join(', ')}}`,
        by: (...extra) => `by (${[...DATABASE_ALERT_GROUP_LABELS, ...extra].join(', ')})`,
        on: (...extra) => `on (${[...DATABASE_ALERT_GROUP_LABELS, ...extra].join(', ')})`,
        threshold: a.threshold ?? NaN,
      };
      return {
        alert: a.alert,
        expr: def.expr(ctx),
        for: a.for.toString(),
        labels: { ...labels, [ALERT_LABELS.severity]: a.severity },
        annotations: { [SLO_ANNOTATIONS.summary]: def.summary, [SLO_ANNOTATIONS.description]: def.description },
      };
    });
  return { name, rules };
}

/** A threshold as PromQL writes it (shortest round-trip form). */
export function num(value: number): string {
  return String(value);
}

/** The alert every exporter has: Prometheus cannot scrape it, so its other alerts are blind. */
export function exporterDownAlert(product: string, exporterName: string): AlertDefinition {
  return {
    alert: `${product}ExporterDown`,
    source: 'the generic target-down rule (kube-prometheus TargetDown, awesome-prometheus-alerts PrometheusTargetMissing) for this one job',
    for: '5m',
    severity: SEVERITY.warning,
    expr: (c) => `${c.sel(SCRAPE_METRICS.up)} == 0`,
    summary: `${exporterName} for {{ $labels.instance }} cannot be scraped`,
    description:
      `Prometheus cannot scrape ${exporterName} (pod {{ $labels.pod }}) for {{ $labels.instance }}: every other ${product} alert of this ` +
      'database is blind until it is back.',
  };
}
