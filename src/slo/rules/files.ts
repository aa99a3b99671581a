import { isAlertingRule, RecordingRule, RULE_FILE_SUFFIX, Rule, RuleFile, RuleGroup } from '../../common/rules';
import { SLO_RULE_GROUPS } from '../../conventions';
import { ServiceModel, SloModel } from '../model';
import { rawAbsentRule, shapeAbsentRule, sourceAbsentAlertRule } from './absent';
import { alertConditionRules, breachConditionRules, burnRateAlertRule, ticketsWithLongWindows } from './alerts';
import { sloBreachAlertRule } from './breach';
import { definitionRule, sloMetadataRules } from './metadata';
import { SloShapes, sloShapes } from './shapes';
import { classifiedRateRules, longWindowRules, pieceRules, rawRateRules, ratioRules, shapeRateRules, thresholdInfoRules, tileRules } from './sli';

/**
 * Recording rules of one group that write the same series name with the same labels become one rule, their
 * expressions OR-ed (their SLOs are disjoint): fewer queries per cycle, and no duplicate rules for promtool's lint.
 */
function mergeRecordings(rules: readonly Rule[]): Rule[] {
  const out: Rule[] = [];
  const byKey = new Map<string, { index: number; exprs: string[] }>();
  for (const r of rules) {
    if (isAlertingRule(r)) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.record, r.labels ?? {}]);
    const e = byKey.get(key);
    if (e) e.exprs.push(r.expr);
    else {
      byKey.set(key, { index: out.length, exprs: [r.expr] });
      out.push(r);
    }
  }
  for (const { index, exprs } of byKey.values()) {
    if (exprs.length > 1) out[index] = { ...(out[index] as RecordingRule), expr: exprs.map((x) => `(\n${x}\n)`).join('\nor\n') };
  }
  return out;
}

/** The rule file every SLO shares: the SLI recordings, metadata and alerts of every shape. */
export const SLO_SHARED_RULE_FILE = `slo${RULE_FILE_SUFFIX}`;

/** The rule file name of a service's SLOs (their definitions). */
export function sloRuleFileName(service: string): string {
  return `slo-${service}${RULE_FILE_SUFFIX}`;
}

/** Group names of a service's rule file, in evaluation-dependency order. */
export function serviceRuleGroupNames(service: string): string[] {
  return [SLO_RULE_GROUPS.definitions, SLO_RULE_GROUPS.sli].map((p) => `${p}-${service}`);
}

/** Group names of the shared rule file, in evaluation-dependency order (short windows, tiles, long windows, metadata, alerts). */
export const SHARED_RULE_GROUP_NAMES: readonly string[] = [SLO_RULE_GROUPS.sli, SLO_RULE_GROUPS.tiles, SLO_RULE_GROUPS.longWindows, SLO_RULE_GROUPS.meta, SLO_RULE_GROUPS.alerts];

/** Every group of a model in the order `promtool test rules` must evaluate them: service files first, then the shared file. */
export function sloRuleGroupOrder(model: SloModel): string[] {
  return [...model.services.filter((s) => s.slos.length > 0).flatMap((s) => serviceRuleGroupNames(s.name)), ...SHARED_RULE_GROUP_NAMES];
}

/**
 * A service's groups: `slo-definitions-<service>` (one `slo:definition:info` per SLO) and, for raw SLIs only (their
 * queries are arbitrary PromQL, shared with nothing), `slo-sli-recordings-<service>` with their event rates. The
 * definitions are constants: they are recorded at the long-window interval (1m), well inside the 5m lookback of the
 * every-cycle joins that read them, not every cycle (one rule per SLO is the part of the rules that grows with the
 * catalog). A definition that changes or goes away is replaced or marked stale at the group's next evaluation.
 */
export function serviceRuleGroups(service: ServiceModel, model: SloModel, shapes: SloShapes): RuleGroup[] {
  const s = model.settings;
  const [defs, sli] = serviceRuleGroupNames(service.name);
  const raw = service.slos.filter((slo) => slo.sli.kind === 'raw');
  const groups: RuleGroup[] = [
    { name: defs, interval: s.longWindowInterval.toString(), rules: service.slos.map((slo) => definitionRule(slo, shapes)) },
    { name: sli, interval: s.ruleInterval?.toString(), rules: [...raw.flatMap(rawRateRules), ...(s.absent.enabled ? raw.map((slo) => rawAbsentRule(slo, s)) : [])] },
  ];
  return groups.filter((g) => g.rules.length > 0);
}

/**
 * The shared groups (`slo.rules.yml`), their size independent of the number of SLOs:
 * - `slo-sli-recordings` (global interval): the latency SLOs' threshold join keys; the error-rate shapes' one raw
 *   read per raw short window (5m, 30m; classified bad/other); per SLI shape and raw window, all and bad events per
 *   second joined onto the shape's SLOs (each rule after those it reads: a group evaluates in order); the 1h window
 *   as its two 30m halves, one rule each for every SLO; one ratio rule per window;
 * - `slo-sli-tiles` (every tile, 5m): bad and all events of the last tile;
 * - `slo-sli-long-windows` (1m): 2h/6h/1d/3d/period ratios summed over the tiles; Sloth's metadata that changes at
 *   most once a minute (objective, budget, period days, period burn rate and budget remaining, `sloth_slo_info`), the
 *   period-breach condition and the ticket condition when all its windows are tiled; per shape, the absent-source
 *   recording (every raw series over the absent window: once a minute, not every cycle; its alert waits `absent.for`);
 *   last, per alerting shape, the alerts that read these once-a-minute conditions: the tiled ticket, SLOBreach and
 *   the shapes' absent-source alerts (right after what they read, as often as it can change);
 * - `slo-meta-recordings`: the current burn rate and the page condition (and a ticket over a short window);
 * - `slo-alerts`: per alerting shape, the page alert (and a ticket over a short window, a raw SLI's absent alert).
 */
export function sharedRuleGroups(model: SloModel, shapes: SloShapes): RuleGroup[] {
  const s = model.settings;
  const [sli, tiles, long, meta, alerts] = SHARED_RULE_GROUP_NAMES;
  // Each alert goes with the condition it reads: where that is recorded once a minute (the long-window group: the
  // breach, a tiled ticket, a shape's absent recording), the alert is evaluated right after it there, as often as
  // it can change; pages, short-window tickets and raw SLIs' absent alerts every cycle.
  const tiledTickets = ticketsWithLongWindows(model);
  const everyCycleAlerts: Rule[] = [];
  const slowAlerts: Rule[] = [];
  for (const a of shapes.alerting) {
    const page = burnRateAlertRule(a, 'page');
    const ticket = burnRateAlertRule(a, 'ticket');
    if (page) everyCycleAlerts.push(page);
    if (ticket) (tiledTickets.has(a.first.period.toString()) ? slowAlerts : everyCycleAlerts).push(ticket);
    if (s.absent.enabled) {
      const ofShape = (slo: { id: string }) => shapes.alertingOf.get(slo.id) === a.id;
      for (const sh of shapes.sli) {
        const first = sh.slos.find(ofShape);
        if (first) slowAlerts.push(sourceAbsentAlertRule(a, first, sh, s));
      }
      for (const slo of shapes.raw.filter(ofShape)) everyCycleAlerts.push(sourceAbsentAlertRule(a, slo, undefined, s));
    }
    if (s.breach.enabled) slowAlerts.push(sloBreachAlertRule(a, s));
  }
  const conditions = alertConditionRules(model, shapes);
  const metadata = sloMetadataRules(model);
  const groups: RuleGroup[] = [
    { name: sli, interval: s.ruleInterval?.toString(), rules: [...thresholdInfoRules(shapes), ...shapes.sli.flatMap(classifiedRateRules), ...shapes.sli.flatMap(shapeRateRules), ...pieceRules(model), ...ratioRules(model)] },
    { name: tiles, interval: s.tileInterval.toString(), rules: tileRules(model, shapes) },
    {
      name: long,
      interval: s.longWindowInterval.toString(),
      rules: [...longWindowRules(model, s), ...metadata.slow, ...breachConditionRules(model), ...conditions.withLongWindows, ...(s.absent.enabled ? shapes.sli.map((sh) => shapeAbsentRule(sh, s)) : []), ...slowAlerts],
    },
    { name: meta, interval: s.ruleInterval?.toString(), rules: [...metadata.current, ...conditions.everyCycle] },
    { name: alerts, interval: s.ruleInterval?.toString(), rules: everyCycleAlerts },
  ];
  return groups.filter((g) => g.rules.length > 0).map((g) => ({ ...g, rules: mergeRecordings(g.rules) }));
}

/**
 * Every SLO rule file of the model: the shared `slo.rules.yml` (constant size per shape) and one per service with
 * SLOs (`slo-<service>.rules.yml`, one rule per SLO), so adding a service adds metadata, not rules. Serialize each
 * with `renderRuleFile(file.groups)`.
 */
export function generateSloRuleFiles(model: SloModel): RuleFile[] {
  const withSlos = model.services.filter((svc) => svc.slos.length > 0);
  if (withSlos.length === 0) return [];
  const shapes = sloShapes(model);
  return [
    ...withSlos.map((svc) => ({ fileName: sloRuleFileName(svc.name), groups: serviceRuleGroups(svc, model, shapes) })),
    { fileName: SLO_SHARED_RULE_FILE, groups: sharedRuleGroups(model, shapes) },
  ];
}
