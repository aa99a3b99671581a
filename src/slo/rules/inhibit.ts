import { ALERT_LABELS, SLOTH_SEVERITY } from '../../conventions';
import { allSlos, SloModel } from '../model';

/**
 * Alertmanager inhibition: a firing page suppresses the ticket of the same SLO (same `service` and `slo`).
 * Upstream format: https://prometheus.io/docs/alerting/latest/configuration/#inhibit_rule (`source_matchers`,
 * `target_matchers`, `equal`; matchers need Alertmanager 0.22+).
 */
export interface AlertMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface InhibitRule {
  readonly sourceMatchers: readonly AlertMatcher[];
  readonly targetMatchers: readonly AlertMatcher[];
  readonly equal: readonly string[];
}

/** A matcher in Alertmanager's string syntax: `sloth_severity="page"`. */
export function renderAlertMatcher(m: AlertMatcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}

/** The upstream (snake_case) form of an inhibit rule, for alertmanager.yml. */
export function renderInhibitRule(rule: InhibitRule): Record<string, unknown> {
  return {
    source_matchers: rule.sourceMatchers.map(renderAlertMatcher),
    target_matchers: rule.targetMatchers.map(renderAlertMatcher),
    equal: [...rule.equal],
  };
}

/** The inhibition rules the SLO alerts need: one, if any SLO has both tiers; none otherwise. */
export function sloInhibitRules(model: SloModel): InhibitRule[] {
  if (!allSlos(model).some((s) => s.page.enabled && s.ticket.enabled)) return [];
  return [
    {
      sourceMatchers: [{ name: ALERT_LABELS.slothSeverity, op: '=', value: SLOTH_SEVERITY.page }],
      targetMatchers: [{ name: ALERT_LABELS.slothSeverity, op: '=', value: SLOTH_SEVERITY.ticket }],
      equal: [ALERT_LABELS.service, ALERT_LABELS.slo],
    },
  ];
}
