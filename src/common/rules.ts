import { toYaml } from './serialize';

/**
 * Typed Prometheus rule files (https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/).
 * camelCase in the API, rendered to upstream snake_case by `renderRuleFile` only.
 */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration. @default - fires on the first evaluation */
  readonly for?: string;
  /** Prometheus duration. @default - resolves on the first evaluation that no longer matches */
  readonly keepFiringFor?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval (Prometheus duration). @default - the global evaluation_interval */
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

/** A rule file: a file name ending `.rules.yml` and its groups. */
export interface RuleFile {
  readonly fileName: string;
  readonly groups: readonly RuleGroup[];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}

function renderRule(rule: Rule): Record<string, unknown> {
  if (isAlertingRule(rule)) {
    return {
      alert: rule.alert,
      expr: rule.expr,
      for: rule.for,
      keep_firing_for: rule.keepFiringFor,
      labels: rule.labels && Object.keys(rule.labels).length > 0 ? { ...rule.labels } : undefined,
      annotations: rule.annotations && Object.keys(rule.annotations).length > 0 ? { ...rule.annotations } : undefined,
    };
  }
  return {
    record: rule.record,
    expr: rule.expr,
    labels: rule.labels && Object.keys(rule.labels).length > 0 ? { ...rule.labels } : undefined,
  };
}

/** The upstream rule-file document for some groups. */
export function ruleFileDocument(groups: readonly RuleGroup[]): Record<string, unknown> {
  return { groups: groups.map((g) => ({ name: g.name, interval: g.interval, rules: g.rules.map(renderRule) })) };
}

/** Serializes groups as a rule file (YAML, generated header). */
export function renderRuleFile(groups: readonly RuleGroup[]): string {
  return toYaml(ruleFileDocument(groups));
}
