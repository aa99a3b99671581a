import { InhibitRule } from '../../components/alertmanager/config';
import { Matcher } from '../../components/alertmanager/matcher';
import { ALERT_LABELS, SLOTH_SEVERITY } from '../../conventions';
import { allSlos, SloModel } from '../model';

/**
 * Alertmanager inhibition, as Alertmanager's own typed inhibit rule (components/alertmanager/config.ts, rendered by its
 * one renderer): a firing page suppresses the ticket of the same SLO (same `service` and `slo`).
 * Upstream format: https://prometheus.io/docs/alerting/latest/configuration/#inhibit_rule.
 */

/** The inhibition rules the SLO alerts need: one, if any SLO has both tiers; none otherwise. */
export function sloInhibitRules(model: SloModel): InhibitRule[] {
  if (!allSlos(model).some((s) => s.page.enabled && s.ticket.enabled)) return [];
  return [
    {
      sourceMatchers: [Matcher.equal(ALERT_LABELS.slothSeverity, SLOTH_SEVERITY.page)],
      targetMatchers: [Matcher.equal(ALERT_LABELS.slothSeverity, SLOTH_SEVERITY.ticket)],
      equal: [ALERT_LABELS.service, ALERT_LABELS.slo],
    },
  ];
}
