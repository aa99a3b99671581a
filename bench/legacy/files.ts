import { RULE_FILE_SUFFIX, Rule, RuleFile, RuleGroup } from '../../src/common/rules';
import { SLO_RULE_GROUPS } from '../../src/conventions';
import { ServiceModel, SloModel } from '../../src/slo/model';
import { sourceAbsentAlertRule } from './absent';
import { burnRateAlertRules } from './alerts';
import { sloBreachAlertRule } from './breach';
import { metadataRecordingRules } from './metadata';
import { sliLongWindowRules, sliShortWindowRules, sliTileRules } from './sli';

/**
 * The per-SLO rule shape this project generated before issue 12 (every SLO its own ~27 rules), kept for the
 * benchmark only: `npm run bench` measures it side by side with today's shared rules and Sloth's shape.
 */

/** The rule file name of a service's SLOs. */
export function sloRuleFileName(service: string): string {
  return `slo-${service}${RULE_FILE_SUFFIX}`;
}

/** Group names of a service's rule file, in evaluation-dependency order (short windows, tiles, long windows, metadata, alerts). */
export function sloRuleGroupNames(service: string): string[] {
  return [SLO_RULE_GROUPS.sli, SLO_RULE_GROUPS.tiles, SLO_RULE_GROUPS.longWindows, 'slo-meta-recordings', SLO_RULE_GROUPS.alerts].map((p) => `${p}-${service}`);
}

/**
 * The groups of one service (all its SLOs):
 * - `slo-sli-recordings-<service>` (global interval): 5m/30m/1h event rates over the raw series, and their ratios;
 * - `slo-sli-tiles-<service>` (every tile, 5m): bad and all events of the last tile;
 * - `slo-sli-long-windows-<service>` (1m): 2h/6h/1d/3d/period ratios summed over the tiles;
 * - `slo-meta-recordings-<service>`: Sloth's metadata recordings;
 * - `slo-alerts-<service>`: burn-rate (page, ticket), absent-source and SLOBreach alerts.
 */
export function serviceRuleGroups(service: ServiceModel, model: SloModel): RuleGroup[] {
  const s = model.settings;
  const [sli, tiles, long, meta, alerts] = sloRuleGroupNames(service.name);
  const alertRules: Rule[] = service.slos.flatMap((slo) => [
    ...burnRateAlertRules(slo),
    ...(s.absent.enabled ? [sourceAbsentAlertRule(slo, s)] : []),
    ...(s.breach.enabled ? [sloBreachAlertRule(slo, s)] : []),
  ]);
  const groups: RuleGroup[] = [
    { name: sli, interval: s.ruleInterval?.toString(), rules: service.slos.flatMap(sliShortWindowRules) },
    { name: tiles, interval: s.tileInterval.toString(), rules: service.slos.flatMap((slo) => sliTileRules(slo, s)) },
    { name: long, interval: s.longWindowInterval.toString(), rules: service.slos.flatMap((slo) => sliLongWindowRules(slo, s)) },
    { name: meta, interval: s.ruleInterval?.toString(), rules: service.slos.flatMap(metadataRecordingRules) },
    { name: alerts, interval: s.ruleInterval?.toString(), rules: alertRules },
  ];
  return groups.filter((g) => g.rules.length > 0);
}

/**
 * Every SLO rule file of the model: one per service with SLOs (`slo-<service>.rules.yml`), so a file stays small and
 * a change to one service touches one file. Serialize each with `renderRuleFile(file.groups)`.
 */
export function generateSloRuleFiles(model: SloModel): RuleFile[] {
  return model.services
    .filter((svc) => svc.slos.length > 0)
    .map((svc) => ({ fileName: sloRuleFileName(svc.name), groups: serviceRuleGroups(svc, model) }));
}
