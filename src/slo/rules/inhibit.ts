import { InhibitRule } from '../../components/alertmanager/config';
import { Matcher } from '../../components/alertmanager/matcher';
import { ALERT_LABELS, SLO_LABELS, SLOTH_SEVERITY } from '../../conventions';
import { allSlos, SloModel } from '../model';

/**
 * Alertmanager inhibition, as Alertmanager's own typed inhibit rule (components/alertmanager/config.ts, rendered by its
 * one renderer): a firing page suppresses the ticket of the same SLO — equal on the SLO identity (`sloth_id`, `service`
 * and `slo`), never on the service alone, so the tickets of the service's other SLOs still notify. Keyed on
 * `sloth_severity`, it holds whatever `severity` the tiers are given.
 * Upstream format: https://prometheus.io/docs/alerting/latest/configuration/#inhibit_rule.
 */

/** The inhibition rules the SLO alerts need: one, if any SLO has both tiers; none otherwise. */
export function sloInhibitRules(model: SloModel): InhibitRule[] {
  if (!allSlos(model).some((s) => s.page.enabled && s.ticket.enabled)) return [];
  return [
    {
      sourceMatchers: [Matcher.equal(ALERT_LABELS.slothSeverity, SLOTH_SEVERITY.page)],
      targetMatchers: [Matcher.equal(ALERT_LABELS.slothSeverity, SLOTH_SEVERITY.ticket)],
      equal: [SLO_LABELS.id, ALERT_LABELS.service, ALERT_LABELS.slo],
    },
  ];
}
