import { AlertingRule, RecordingRule } from '../../common/rules';
import { ALERT_LABELS, SLO_ANNOTATIONS, SLO_EVENT_METRICS, SLO_LABELS, SLO_METRICS, SLOTH_SEVERITY, sliErrorRatioRecord } from '../../conventions';
import { AlertWindow } from '../burn-rate';
import { allSlos, SloDefinition, SloModel, TierModel } from '../model';
import { num, sortedLabels, totalRateRecord } from './expr';
import { AlertingShape, labelTemplate, SloShapes } from './shapes';
import { currentBurnRateExpr } from './metadata';
import { definitionSelector, errorEventsOver } from './sli';

/**
 * Multiwindow multi-burn-rate alerts (Google SRE Workbook, "Alerting on SLOs", 6th iteration), page and ticket sharing
 * the alert name as Sloth's do (https://github.com/slok/sloth/blob/main/internal/prometheus/alert_rules.go):
 *
 *   (ratio_rate<quick short> > f·B and ratio_rate<quick long> > f·B) or (ratio_rate<slow short> > f'·B and …)
 *
 * The conditions are recorded once per window table for every SLO (`slo:page_burn_rate:ratio`,
 * `slo:ticket_burn_rate:ratio`: the current burn rate of the SLOs whose windows fire, page ones past the low-traffic
 * guard); each alerting shape's alert joins its SLOs' labels onto them (`* on (sloth_id) group_left (...)`), so an
 * alert reads only the SLOs that fire. `$value` is the current burn rate; alerts carry no `sloth_window`.
 */

const ON = `on (${SLO_LABELS.id})`;

function windowPair(w: AlertWindow): string {
  const over = (window: string) => `${sliErrorRatioRecord(window)} > ${ON} group_left () (${num(w.factor)} * ${SLO_METRICS.errorBudgetRatio})`;
  return [`    (`, `        ${over(w.shortWindow.toString())}`, `        and ${ON}`, `        ${over(w.longWindow.toString())}`, `    )`].join('\n');
}

function alternation(values: readonly string[]): string {
  return values.length === 1 ? values[0] : `=~${values.join('|')}`;
}

/** The SLOs of the model grouped by period (each period has one window table). */
function byPeriod(slos: readonly SloDefinition[]): Map<string, SloDefinition[]> {
  const out = new Map<string, SloDefinition[]>();
  for (const s of slos) (out.get(s.period.toString()) ?? out.set(s.period.toString(), []).get(s.period.toString())!).push(s);
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The PromQL of one tier's condition for the SLOs of a period. */
export function burnConditionExpr(slos: readonly SloDefinition[], tier: 'page' | 'ticket', filterPeriod: boolean, shapes: SloShapes, value: string = SLO_METRICS.currentBurnRate): string {
  const first = slos[0];
  const windows = first[tier].windows;
  const lines = [value, `and ${ON}`, `(`, windowPair(windows.quick), `    or ${ON}`, windowPair(windows.slow), `)`];
  if (filterPeriod) lines.push(`and ${ON}`, definitionSelector({ [SLO_LABELS.period]: first.period.toString() }));
  if (tier === 'page') {
    const q = windows.quick;
    const alertingOf = (pred: (s: SloDefinition) => boolean) => [...new Set(slos.filter(pred).map((s) => shapes.alertingOf.get(s.id)!))].sort();
    const guarded = new Map<number, string[]>();
    for (const s of slos) if (s.minBadEvents !== undefined) guarded.set(s.minBadEvents, []);
    for (const n of [...guarded.keys()].sort((a, b) => a - b)) {
      const ids = alertingOf((s) => s.minBadEvents === n);
      lines.push(`unless ${ON}`, `(`, `    ${errorEventsOver(q.longWindow)} < ${num(n)}`, `    and ${ON}`, `    ${definitionSelector({ [SLO_LABELS.alerting]: alternation(ids) })}`, `)`);
    }
    const rates = [...new Set(slos.filter((s) => s.minRequestRate !== undefined).map((s) => s.minRequestRate!))].sort((a, b) => a - b);
    for (const r of rates) {
      const ids = alertingOf((s) => s.minRequestRate === r);
      lines.push(
        `unless ${ON}`,
        `(`,
        `    (${totalRateRecord(q.longWindow)} < ${num(r)} or ${totalRateRecord(q.shortWindow)} < ${num(r)})`,
        `    and ${ON}`,
        `    ${definitionSelector({ [SLO_LABELS.alerting]: alternation(ids) })}`,
        `)`,
      );
    }
  }
  return lines.join('\n');
}

/** Whether every window of the SLOs' tier is summed from the tiles (it then changes only when the long windows do). */
function tierFromTiles(slos: readonly SloDefinition[], tier: 'page' | 'ticket'): boolean {
  return slos.every((s) => {
    const { quick, slow } = s[tier].windows;
    return [quick.shortWindow, quick.longWindow, slow.shortWindow, slow.longWindow].every((w) => s.sliWindows.find((x) => x.window.seconds === w.seconds)?.source === 'tiles');
  });
}

/** The periods whose ticket condition is recorded in the long-window group (all its windows summed from the tiles). */
export function ticketsWithLongWindows(model: SloModel): ReadonlySet<string> {
  return new Set([...byPeriod(allSlos(model))].filter(([, slos]) => tierFromTiles(slos, 'ticket')).map(([period]) => period));
}

/**
 * The page and ticket conditions, recorded once per period for every SLO: `everyCycle` (the global interval, after
 * the current burn rate) and `withLongWindows` (the long-window group, after the ratios they compare). A ticket whose
 * windows are all summed from the tiles (the workbook's 2h/1d and 6h/3d) goes with the long windows: its condition
 * can change only when they are recorded, so it is evaluated right after them, once a minute instead of every cycle
 * (its value, the current burn rate, is then the one of that minute). Pages, and tickets over a short window, stay
 * every cycle.
 */
export function alertConditionRules(model: SloModel, shapes: SloShapes): { everyCycle: RecordingRule[]; withLongWindows: RecordingRule[] } {
  const periods = byPeriod(allSlos(model));
  const filter = periods.size > 1;
  const everyCycle: RecordingRule[] = [];
  const withLongWindows: RecordingRule[] = [];
  const current = currentBurnRateExpr(allSlos(model));
  const tiled = ticketsWithLongWindows(model);
  for (const slos of periods.values()) everyCycle.push({ record: SLO_EVENT_METRICS.pageBurn, expr: burnConditionExpr(slos, 'page', filter, shapes) });
  for (const [period, slos] of periods) {
    if (tiled.has(period)) withLongWindows.push({ record: SLO_EVENT_METRICS.ticketBurn, expr: burnConditionExpr(slos, 'ticket', filter, shapes, `(\n${current}\n)`) });
    else everyCycle.push({ record: SLO_EVENT_METRICS.ticketBurn, expr: burnConditionExpr(slos, 'ticket', filter, shapes) });
  }
  return { everyCycle, withLongWindows };
}

/**
 * The period-breach condition (`slo:period_sli_breach:ratio`, read by `SLOBreach`): in the long-window group, after
 * the period ratio and the objective it compares (both change once a minute). Each period has its own ratio recording.
 */
export function breachConditionRules(model: SloModel): RecordingRule[] {
  return [...byPeriod(allSlos(model)).keys()].map((p) => ({ record: SLO_EVENT_METRICS.breach, expr: `(1 - ${sliErrorRatioRecord(p)}) < ignoring (${SLO_LABELS.window}) ${SLO_METRICS.objectiveRatio}` }));
}

/** `<condition> * on (sloth_id) group_left (<extra labels>) slo:definition:info{…}`: the condition's SLOs of one shape, with their labels. */
export function joinShape(condition: string, shape: AlertingShape, filter: Readonly<Record<string, string>> = {}): string {
  return `${condition}\n* ${ON} group_left (${shape.extraLabels.join(', ')})\n${definitionSelector({ [SLO_LABELS.alerting]: shape.id, ...filter })}`;
}

/**
 * The labels every shared SLO alert carries: `service`, `slo` from the SLO's identity labels, and `slo_alerting`, the
 * alerting shape (it tells the shape's rules apart: their other labels are templates of the same names).
 */
export function identityAlertLabels(shape: AlertingShape): Record<string, string> {
  return { [ALERT_LABELS.service]: `{{ $labels.${SLO_LABELS.service} }}`, [ALERT_LABELS.slo]: `{{ $labels.${SLO_LABELS.slo} }}`, [SLO_LABELS.alerting]: shape.id };
}

function describePair(w: AlertWindow): string {
  return `over ${num(w.factor)}x for ${w.longWindow} and ${w.shortWindow}`;
}

function tierRule(shape: AlertingShape, tier: TierModel, name: 'page' | 'ticket'): AlertingRule {
  const slo = shape.first;
  const t = (text: string) => labelTemplate(text, slo);
  const q = tier.windows.quick;
  const guards =
    name === 'page'
      ? [
          ...(slo.minBadEvents !== undefined ? [`at least ${num(slo.minBadEvents)} bad events over ${q.longWindow}`] : []),
          ...(slo.minRequestRate !== undefined ? [`at least ${num(slo.minRequestRate)} req/s over ${q.longWindow} and ${q.shortWindow}`] : []),
        ]
      : [];
  const guardText = guards.length > 0 ? ` Needs ${guards.join(' and ')}.` : '';
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(tier.annotations)) annotations[k] = t(v);
  return {
    alert: slo.alertName,
    expr: joinShape(name === 'page' ? SLO_EVENT_METRICS.pageBurn : SLO_EVENT_METRICS.ticketBurn, shape),
    labels: sortedLabels(
      Object.fromEntries(Object.entries(tier.labels).map(([k, v]) => [k, t(v)])),
      identityAlertLabels(shape),
      { [ALERT_LABELS.severity]: tier.severity, [ALERT_LABELS.slothSeverity]: SLOTH_SEVERITY[name] },
    ),
    annotations: sortedLabels(
      {
        [SLO_ANNOTATIONS.title]: `(${name}) {{ $labels.${SLO_LABELS.service} }} {{ $labels.${SLO_LABELS.slo} }} SLO error budget burn rate is too fast.`,
        [SLO_ANNOTATIONS.summary]: `(${name}) ${t(slo.summary)}`,
        [SLO_ANNOTATIONS.description]:
          `Error budget burn rate is {{ $value | humanize }}x over the last ${slo.alertWindows.page.quick.shortWindow} ` +
          `(${name} when ${describePair(tier.windows.quick)}, or ${describePair(tier.windows.slow)}). ` +
          `Objective: {{ $labels.${SLO_LABELS.objective} }}% over ${slo.period}.${guardText}`,
        ...(slo.runbookUrl ? { [SLO_ANNOTATIONS.runbookUrl]: t(slo.runbookUrl) } : {}),
      },
      annotations,
    ),
  };
}

/** The page or ticket alert of an alerting shape (none if the tier is off). */
export function burnRateAlertRule(shape: AlertingShape, tier: 'page' | 'ticket'): AlertingRule | undefined {
  const t = shape.first[tier];
  return t.enabled ? tierRule(shape, t, tier) : undefined;
}
