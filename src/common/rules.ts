import { promqlProblems } from '../promql';
import { durationProblems } from './duration';
import { ConfigProblem } from './errors';
import { toYaml } from './serialize';
import { CONFIG_KEY, labelNameProblems, metricNameProblems, PROMETHEUS_TEMPLATE, templateProblems } from './validation';

/**
 * Typed Prometheus rule files (https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/):
 * the rule types, the checks Prometheus' loader applies to them (`ruleFileProblems`), and the one rendering to
 * upstream snake_case (`renderRuleFile`).
 */

/** Rule files are mounted with names ending this way; Prometheus' `rule_files` globs them. */
export const RULE_FILE_SUFFIX = '.rules.yml';
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

// ---------------------------------------------------------------------------------------------------------------
// checks: what Prometheus' rule-file loader (`rulefmt`) refuses, so a bad rule fails synth instead of the pod

/** Problems of a rule file that Prometheus would refuse at load (https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/). */
export function ruleFileProblems(file: RuleFile, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof file.fileName !== 'string' || !file.fileName.endsWith(RULE_FILE_SUFFIX) || !/^[A-Za-z0-9]/.test(file.fileName) || !CONFIG_KEY.test(file.fileName) || file.fileName.length > 253) {
    problems.push({
      path: `${path}.fileName`,
      message: `must be a ConfigMap key ending "${RULE_FILE_SUFFIX}" (letters, digits, "-", "_", ".")`,
      value: file.fileName,
      fix: `name it e.g. "order-service${RULE_FILE_SUFFIX}"; rule_files loads only files ending "${RULE_FILE_SUFFIX}".`,
    });
  }
  if (!file.groups || file.groups.length === 0) {
    problems.push({ path: `${path}.groups`, message: 'must hold at least one rule group', value: file.fileName, fix: 'add a group, or do not add the file.' });
  }
  const seen = new Set<string>();
  (file.groups ?? []).forEach((g, i) => {
    const named = typeof g.name === 'string' && g.name.trim() !== '';
    const at = `${path}.groups[${named && !seen.has(g.name) ? g.name : i}]`;
    if (!named) {
      problems.push({ path: `${at}.name`, message: 'must not be empty', value: g.name, fix: 'name the group.' });
    } else if (seen.has(g.name)) {
      problems.push({ path: `${at}.name`, message: 'repeats a group name of the same file (Prometheus refuses the file)', value: g.name, fix: 'give every group of a file its own name.' });
    }
    seen.add(g.name);
    if (g.interval !== undefined) problems.push(...durationProblems(g.interval, `${at}.interval`, { positive: true }));
    if (!g.rules || g.rules.length === 0) {
      problems.push({ path: `${at}.rules`, message: 'must hold at least one rule', value: g.name, fix: 'add rules, or leave the group out.' });
    }
    (g.rules ?? []).forEach((rule, j) => problems.push(...ruleProblems(rule, `${at}.rules[${j}]`)));
  });
  return problems;
}

/**
 * Problems of one rule, as Prometheus' rule-file loader (`rulefmt`) refuses them: exactly one of `record` and
 * `alert`; a recording rule's name a valid metric name; an alert name non-empty; `expr` valid PromQL (parsed and
 * type-checked by src/promql, with a caret at the culprit); label and annotation names valid label names; label
 * values strings; `for`/`keepFiringFor` Prometheus durations (0s allowed).
 * (https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/,
 * https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/)
 */
export function ruleProblems(rule: Rule, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (rule === null || typeof rule !== 'object') {
    return [{ path, message: 'must be a recording rule { record, expr } or an alerting rule { alert, expr }', value: rule, fix: 'pass an object.' }];
  }
  const hasRecord = 'record' in rule && (rule as { record?: unknown }).record !== undefined;
  const hasAlert = 'alert' in rule && (rule as { alert?: unknown }).alert !== undefined;
  if (hasRecord && hasAlert) {
    problems.push({ path, message: 'sets both "record" and "alert" (Prometheus refuses the file)', value: { record: (rule as { record?: unknown }).record, alert: (rule as { alert?: unknown }).alert }, fix: 'make it either a recording rule or an alerting rule.' });
  } else if (!hasRecord && !hasAlert) {
    problems.push({ path, message: 'sets neither "record" nor "alert" (Prometheus refuses the file)', value: Object.keys(rule), fix: 'name the recorded series with record, or the alert with alert.' });
  }
  if (hasAlert && isAlertingRule(rule)) {
    if (typeof rule.alert !== 'string' || rule.alert.trim() === '') {
      problems.push({ path: `${path}.alert`, message: 'must be a non-empty alert name', value: rule.alert, fix: 'name the alert, e.g. "HighErrorRate".' });
    }
    if (rule.for !== undefined) problems.push(...durationProblems(rule.for, `${path}.for`));
    if (rule.keepFiringFor !== undefined) problems.push(...durationProblems(rule.keepFiringFor, `${path}.keepFiringFor`));
    for (const [key, value] of Object.entries(rule.annotations ?? {})) {
      const nameProblems = labelNameProblems(key, `${path}.annotations.${key}`);
      problems.push(...nameProblems);
      if (nameProblems.length === 0) problems.push(...templateProblems(value, `${path}.annotations.${key}`, PROMETHEUS_TEMPLATE));
    }
  } else if (hasRecord) {
    problems.push(...metricNameProblems((rule as { record: unknown }).record, `${path}.record`));
  }
  problems.push(...promqlProblems(rule.expr, `${path}.expr`));
  for (const [key, value] of Object.entries(rule.labels ?? {})) {
    const nameProblems = labelNameProblems(key, `${path}.labels.${key}`);
    problems.push(...nameProblems);
    if (nameProblems.length === 0 && typeof value !== 'string') {
      problems.push({ path: `${path}.labels.${key}`, message: 'must be a string label value', value, fix: 'quote the value.' });
    } else if (nameProblems.length === 0 && hasAlert) {
      // an alerting rule's labels are templates (Prometheus expands them per alert)
      problems.push(...templateProblems(value, `${path}.labels.${key}`, PROMETHEUS_TEMPLATE));
    }
  }
  return problems;
}
