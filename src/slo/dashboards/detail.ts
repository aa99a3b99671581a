import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PromDuration } from '../../common/duration';
import { ConfigError } from '../../common/errors';
import { SLO_LABELS, SLO_METRICS } from '../../conventions';
import { SLO_DASHBOARD_UIDS } from '../../conventions';
import { dashboardLink } from '../../dashboards/links';
import { colourSteps, statPanel, timeseriesPanel, type ThresholdStep } from '../../dashboards/panels';
import { promQuery, selector } from '../../dashboards/queries';
import { labelValuesVariable } from '../../dashboards/variables';
import { AlertTier } from '../burn-rate';
import { SloDefinition } from '../model';
import { num } from '../rules/expr';
import {
  BURN_RATE_UNIT,
  COLOURS,
  FIRING_ALERTS_DESCRIPTION,
  SLO_BUDGET_LOW_PERCENT,
  SLO_DASHBOARD_TAGS,
  SLO_OVERVIEW_UID,
  SLO_SERVICE_VARIABLE,
  SLO_SLO_VARIABLE,
  TIER_TITLE,
  alertWindowsOf,
  budgetRemainingStat,
  budgetRemainingTimeseries,
  currentBurnRateStat,
  firingAlertsStat,
  periodBurnRateStat,
  periodsOf,
  sliDecimals,
  tierOrder,
} from './common';
import { budgetRemainingPercentExpr, burnRateExpr, labelEquals, periodSliPercentExpr, sliPercentExpr } from './queries';
import { sdk } from '../../dashboards/sdk';

/**
 * The templated SLO detail dashboard (uid `obs-slo-detail`), the way Sloth and Pyrra ship it: ONE dashboard whose `service`
 * and `slo` variables pick the SLO shown, instead of one dashboard per service. Its size depends only on the distinct
 * alert window tables and periods of the SLOs given (e.g. the 30d and 28d workbook tables), never on how many services
 * or SLOs there are: with 1000 services the per-service dashboards are ~78 MB of JSON, this one a few tens of KB.
 *
 * What varies per SLO (objective, burn-rate factors) cannot be a static threshold, so it is drawn from data:
 * - the objective is a dashed series, `100 * slo:objective:ratio{…}`;
 * - each alert's factor is a dashed series that only exists for SLOs of the period whose window table holds it:
 *   `(slo:time_period:days{…} == 30) * 0 + 14.4` — the comparison keeps the series only when the selected SLO's period
 *   is 30 days, `* 0 + 14.4` turns its value into the factor. A panel per distinct (long, short) window pair thus shows
 *   the right factor for whichever SLO is selected (14.4× for a 30d SLO, 13.44× for a 28d one on the 1h/5m panel).
 *   Caveat: an SLO of that period whose tier is disabled still shows the tier's threshold line.
 */

/** The detail dashboard's stable uid (SLO_DASHBOARD_UIDS; not Sloth's `slo-detail`, so both can be provisioned). */
export const SLO_DETAIL_UID = SLO_DASHBOARD_UIDS.detail;

/** The detail dashboard's title. */
export const SLO_DETAIL_TITLE = 'SLO detail';


/** One alert's factor for SLOs of one period. */
export interface SloDetailThreshold {
  readonly tier: AlertTier;
  readonly burnRateFactor: number;
  readonly periodDays: number;
  readonly period: PromDuration;
}

/** A distinct (long, short) window pair of the input SLOs and every factor it alerts at, per period. */
export interface SloDetailWindowPair {
  readonly longWindow: PromDuration;
  readonly shortWindow: PromDuration;
  readonly thresholds: readonly SloDetailThreshold[];
}

/**
 * The distinct window tables of `slos`, as (long, short) pairs — fastest long window first — each with its distinct
 * (period, tier, factor) thresholds, sorted by period, page before ticket, then factor. Independent of the SLOs' order
 * and count.
 */
export function sloDetailWindowPairs(slos: readonly SloDefinition[]): SloDetailWindowPair[] {
  const pairs = new Map<string, { longWindow: PromDuration; shortWindow: PromDuration; thresholds: Map<string, SloDetailThreshold> }>();
  for (const s of slos) {
    for (const w of alertWindowsOf(s)) {
      const key = `${w.longWindow}/${w.shortWindow}`;
      let pair = pairs.get(key);
      if (!pair) {
        pair = { longWindow: w.longWindow, shortWindow: w.shortWindow, thresholds: new Map() };
        pairs.set(key, pair);
      }
      pair.thresholds.set(`${s.periodDays}|${w.tier}|${w.factor}`, { tier: w.tier, burnRateFactor: w.factor, periodDays: s.periodDays, period: s.period });
    }
  }
  return [...pairs.values()]
    .sort((a, b) => a.longWindow.seconds - b.longWindow.seconds || a.shortWindow.seconds - b.shortWindow.seconds)
    .map((p) => ({
      longWindow: p.longWindow,
      shortWindow: p.shortWindow,
      thresholds: [...p.thresholds.values()].sort(
        (a, b) => b.periodDays - a.periodDays || tierOrder(a.tier) - tierOrder(b.tier) || b.burnRateFactor - a.burnRateFactor,
      ),
    }));
}

/** A burn-rate factor as a series, present only while the selected SLO's period is `periodDays`. */
export function periodThresholdExpr(matchers: readonly string[], periodDays: number, value: number): string {
  return `(${selector(SLO_METRICS.timePeriodDays, matchers)} == ${num(periodDays)}) * 0 + ${num(value)}`;
}

/** Dashed, unfilled, fixed-colour line: how the threshold series are drawn. */
function dashedLine(colour: string): dashboard.DynamicConfigValue[] {
  return [
    { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
    { id: 'custom.fillOpacity', value: 0 },
    { id: 'color', value: { mode: 'fixed', fixedColor: colour } },
  ];
}

/**
 * The templated SLO detail dashboard (uid `obs-slo-detail`, title `SLO detail`): single-select `service` and `slo`
 * variables from `sloth_slo_info`, and for the selected SLO the panels of a per-service dashboard's row — SLI against
 * the objective, period SLI, error budget left (now and over time), firing alerts, current and period burn rate, and
 * one burn-rate panel per distinct (long, short) alert window pair with each period's factor as a series.
 * `slos` only decides the periods and window tables drawn; the output is the same for 10 or 1000 SLOs sharing them.
 * @throws ConfigError when `slos` is empty or malformed.
 */
export function sloDetailDashboard(slos: readonly SloDefinition[]): dashboard.Dashboard {
  if (slos.length === 0) {
    throw new ConfigError({ path: 'sloDetailDashboard.slos', message: 'must show at least one SLO', value: [], fix: 'pass the SLOs the platform defines; build no SLO dashboard without any.' });
  }
  const m = [labelEquals(SLO_LABELS.service, `$${SLO_SERVICE_VARIABLE}`), labelEquals(SLO_LABELS.slo, `$${SLO_SLO_VARIABLE}`)];
  const periods = periodsOf(slos);
  const decimals = sliDecimals(slos.map((s) => s.objective));
  const pairs = sloDetailWindowPairs(slos);
  const pageFactors = [...new Set(pairs.flatMap((p) => p.thresholds.filter((t) => t.tier === 'page').map((t) => t.burnRateFactor)))];
  const currentSteps: ThresholdStep[] = [{ value: 1, color: COLOURS.ticket }];
  if (pageFactors.length > 0) currentSteps.push({ value: Math.min(...pageFactors), color: COLOURS.page });
  const sloPeriod = 'SLI (period)';
  let id = 0;
  const nextId = (): number => ++id;
  const panels: cog.Builder<dashboard.Panel>[] = [];

  // Line 1: the SLI against the objective, and the headline numbers.
  const objectiveExpr = `100 * ${selector(SLO_METRICS.objectiveRatio, m)}`;
  panels.push(
    timeseriesPanel({
      id: nextId(),
      title: 'SLI vs objective',
      description: `Share of good events over the last 5m, 1h and the SLO's period (1 − slo:sli_error:ratio_rate<window>); the dashed line is the objective (slo:objective:ratio).`,
      unit: sdk.units.Percent,
      max: 100,
      decimals,
      targets: [
        ...['5m', '1h'].map((w) => promQuery(sliPercentExpr(m, w), { legend: `SLI ${w}` })),
        promQuery(periodSliPercentExpr(m, periods), { legend: sloPeriod }),
        promQuery(objectiveExpr, { legend: 'Objective' }),
      ],
    }).overrideByName('Objective', dashedLine(COLOURS.objective)),
  );
  panels.push(
    statPanel({
      id: nextId(),
      title: sloPeriod,
      description: 'Share of good events over the whole period of the SLO, next to its objective (the budget panels turn red once the SLI is below it).',
      unit: sdk.units.Percent,
      decimals,
      width: 4,
      thresholds: [],
      targets: [promQuery(periodSliPercentExpr(m, periods), { legend: 'SLI' }), promQuery(objectiveExpr, { legend: 'Objective' })],
    }).thresholds(colourSteps('text', [])),
  );
  const budgetExpr = budgetRemainingPercentExpr(m);
  panels.push(
    budgetRemainingStat(
      nextId(),
      `Share of the period's error budget still unspent (slo:period_error_budget_remaining:ratio): red once overspent, yellow below ${SLO_BUDGET_LOW_PERCENT}%.`,
      budgetExpr,
    ),
  );
  panels.push(firingAlertsStat(nextId(), FIRING_ALERTS_DESCRIPTION, `$${SLO_SERVICE_VARIABLE}`, `$${SLO_SLO_VARIABLE}`));

  // Line 2: the budget over time and the burn rates now.
  panels.push(budgetRemainingTimeseries(nextId(), `Share of the period's error budget left, over time; dashed lines at 0 and ${SLO_BUDGET_LOW_PERCENT}%.`, budgetExpr));
  panels.push(
    currentBurnRateStat(
      nextId(),
      'slo:current_burn_rate:ratio: the error ratio over the fastest page alert\'s short window divided by the error budget; orange from 1×, red from the lowest page factor of the platform\'s window tables.',
      m,
      currentSteps,
    ),
  );
  panels.push(periodBurnRateStat(nextId(), 'slo:period_burn_rate:ratio: the error ratio over the SLO\'s period divided by the error budget; 1× spends exactly the whole budget.', m));

  // Line 3: one burn-rate panel per distinct window pair; each period's factor is a series of its own.
  const fallback = slos.some((s) => alertWindowsOf(s).length === 0);
  const count = pairs.length + (fallback ? 1 : 0);
  const width = count <= 4 ? Math.floor(24 / count) : 6;
  for (const pair of pairs) {
    const factors = pair.thresholds.map((t) => `${TIER_TITLE[t.tier].toLowerCase()} ${t.burnRateFactor}× for ${t.period} SLOs`).join(', ');
    const p = timeseriesPanel({
      id: nextId(),
      title: `Burn rate over ${pair.longWindow} and ${pair.shortWindow}`,
      description: `Burn rate (slo:sli_error:ratio_rate<window> / slo:error_budget:ratio) over the alert's long and short windows. The alert fires while both are above the dashed line of the selected SLO's period (${factors}).`,
      unit: BURN_RATE_UNIT,
      decimals: 2,
      min: 0,
      width,
      targets: [
        ...[pair.longWindow, pair.shortWindow].map((w) => promQuery(burnRateExpr(m, w), { legend: String(w) })),
        ...pair.thresholds.map((t) => promQuery(periodThresholdExpr(m, t.periodDays, t.burnRateFactor), { legend: thresholdLegend(t) })),
      ],
    });
    for (const t of pair.thresholds) p.overrideByName(thresholdLegend(t), dashedLine(COLOURS[t.tier]));
    panels.push(p);
  }
  if (fallback) {
    panels.push(
      timeseriesPanel({
        id: nextId(),
        title: 'Burn rate',
        description: 'Burn rate over 1h and the period (for SLOs without burn-rate alerts); the dashed line at 1× spends exactly the whole budget.',
        unit: BURN_RATE_UNIT,
        decimals: 2,
        min: 0,
        width,
        thresholds: [{ value: 1, color: COLOURS.ticket }],
        targets: [
          promQuery(burnRateExpr(m, '1h'), { legend: '1h' }),
          promQuery(selector(SLO_METRICS.periodBurnRate, m), { legend: 'period' }),
        ],
      }),
    );
  }

  const infoBySlo = selector(SLO_METRICS.info, [labelEquals(SLO_LABELS.service, `$${SLO_SERVICE_VARIABLE}`)]);
  const builder = new sdk.dashboard.DashboardBuilder(SLO_DETAIL_TITLE)
    .uid(SLO_DETAIL_UID)
    .description('One SLO in detail, picked with the service and SLO variables: SLI against objective, error budget and burn rates, from the SLO recording rules.')
    .tags([SLO_DASHBOARD_TAGS.stack, SLO_DASHBOARD_TAGS.all, SLO_DASHBOARD_TAGS.service])
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .tooltip(sdk.dashboard.DashboardCursorSync.Crosshair)
    .withVariable(labelValuesVariable(SLO_SERVICE_VARIABLE, { metric: SLO_METRICS.info, label: SLO_LABELS.service, title: 'Service', multi: false, includeAll: false }))
    .withVariable(labelValuesVariable(SLO_SLO_VARIABLE, { metric: infoBySlo, label: SLO_LABELS.slo, title: 'SLO', multi: false, includeAll: false }))
    .link(dashboardLink({ title: 'SLO overview', type: sdk.dashboard.DashboardLinkType.Link, url: `/d/${SLO_OVERVIEW_UID}`, icon: 'dashboard' }));
  for (const p of panels) builder.withPanel(p);
  return builder.build();
}

function thresholdLegend(t: SloDetailThreshold): string {
  return `${TIER_TITLE[t.tier]} at ${t.burnRateFactor}× (${t.period})`;
}
