import { ConfigProblem } from '../common/errors';
import { AlertingRule, RULE_FILE_SUFFIX, Rule, RuleFile, RuleGroup, isAlertingRule, ruleFileDocument } from '../common/rules';
import { toYaml } from '../common/serialize';
import { sanitizeDns1123Subdomain } from '../common/validation';
import { PrometheusRuleSpec, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';

/**
 * A rule file as a `PrometheusRule` (monitoring.coreos.com/v1): the same groups and rules, field for field (the
 * operator writes each PrometheusRule into its Prometheus' rule files unchanged, https://prometheus-operator.dev/docs/developer/alerting/),
 * so the rules the stack proves with promtool are the rules the operator's Prometheus runs. Alerting rules may get
 * extra labels (`alertLabels`: the routing labels of operator mode, see `alertRoutingLabels`).
 */

/** The PrometheusRule name of a rule file: its name without `.rules.yml` (a DNS-1123 subdomain). */
export function prometheusRuleName(fileName: string): string {
  const stem = fileName.endsWith(RULE_FILE_SUFFIX) ? fileName.slice(0, -RULE_FILE_SUFFIX.length) : fileName;
  return sanitizeDns1123Subdomain(stem);
}

/** The rule with `labels` added (an alerting rule; recording rules are returned unchanged). */
function withAlertLabels(rule: Rule, labels: Readonly<Record<string, string>>): Rule {
  if (!isAlertingRule(rule) || Object.keys(labels).length === 0) return rule;
  const merged: AlertingRule = { ...rule, labels: { ...rule.labels, ...labels } };
  return merged;
}

/** The groups as the operator's Prometheus will load them (alert labels added). */
export function operatorRuleGroups(groups: readonly RuleGroup[], alertLabels: Readonly<Record<string, string>> = {}): RuleGroup[] {
  return groups.map((g) => ({ ...g, rules: g.rules.map((r) => withAlertLabels(r, alertLabels)) }));
}

/** The PrometheusRule spec of a rule file (pure). */
export function prometheusRuleSpec(file: RuleFile, alertLabels: Readonly<Record<string, string>> = {}): PrometheusRuleSpec {
  return {
    groups: operatorRuleGroups(file.groups, alertLabels).map((g) => ({
      name: g.name,
      interval: g.interval,
      rules: g.rules.map((r) =>
        isAlertingRule(r)
          ? {
              alert: r.alert,
              expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
              for: r.for,
              keepFiringFor: r.keepFiringFor,
              labels: r.labels && Object.keys(r.labels).length > 0 ? sorted(r.labels) : undefined,
              annotations: r.annotations && Object.keys(r.annotations).length > 0 ? { ...r.annotations } : undefined,
            }
          : { record: r.record, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr), labels: r.labels && Object.keys(r.labels).length > 0 ? { ...r.labels } : undefined },
      ),
    })),
  };
}

function sorted(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

/**
 * The rule file a synthesized PrometheusRule holds (its `spec`, as the operator hands it to Prometheus): what the
 * tests give promtool. Accepts the object as synthesized (`spec.groups[].rules[]` with `keep_firing_for`).
 */
export function ruleFileOfPrometheusRule(obj: { readonly kind: string; readonly spec?: { readonly groups?: readonly unknown[] } }): string {
  return toYaml({ groups: obj.spec?.groups ?? [] });
}

/** The upstream rule-file document of the groups the operator will load (for comparisons). */
export function operatorRuleFileDocument(file: RuleFile, alertLabels: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  return ruleFileDocument(operatorRuleGroups(file.groups, alertLabels));
}

/**
 * The operator refuses a PrometheusRule whose rules, rendered as YAML, exceed half a Secret's maximum size
 * (`MaxConfigMapDataSize` = 0.5 × 1 MiB in pkg/operator/rules.go, `ValidateRule`): it packs the rule files of its
 * Prometheus into ConfigMaps of that size. The stack's rule files are one per service (tens of KB).
 */
export const PROMETHEUS_RULE_MAX_BYTES = 512 * 1024;

/** Problems of a rule file as a PrometheusRule (its size; the rules themselves are checked as for Prometheus). */
export function prometheusRuleSizeProblems(file: RuleFile, bytes: number, path: string): ConfigProblem[] {
  if (bytes <= PROMETHEUS_RULE_MAX_BYTES) return [];
  return [{
    path,
    message: `serializes to ${bytes} bytes, more than the ${PROMETHEUS_RULE_MAX_BYTES} the Prometheus Operator accepts in one PrometheusRule`,
    value: file.fileName,
    fix: 'split it into several rule files (e.g. one per service or per rule group).',
  }];
}
