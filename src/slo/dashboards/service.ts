import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ConfigError } from '../../common/errors';
import { dashboardLink } from '../../dashboards/links';
import { colourSteps, statPanel, timeseriesPanel } from '../../dashboards/panels';
import { promQuery } from '../../dashboards/queries';
import { ServiceModel, SloDefinition } from '../model';
import {
  BURN_RATE_UNIT,
  COLOURS,
  FIRING_ALERTS_DESCRIPTION,
  SLO_BUDGET_LOW_PERCENT,
  SLO_DASHBOARD_TAGS,
  SLO_OVERVIEW_UID,
  TIER_TITLE,
  alertWindowsOf,
  budgetRemainingStat,
  budgetRemainingTimeseries,
  burnRateSteps,
  currentBurnRateStat,
  firingAlertsStat,
  periodBurnRateStat,
  sliDecimals,
  sliSteps,
  sloDashboardUid,
  sortedWindows,
} from './common';
import { budgetRemainingPercentExpr, burnRateExpr, sliPercentExpr, sloMatchers } from './queries';
import { sdk } from '../../dashboards/sdk';

/**
 * One service's SLO dashboard, built with the Grafana foundation SDK on the Sloth-compatible recordings of the SLO
 * rule generator: a row per SLO with the SLI against its objective, the error budget left over the period, the burn
 * rate of each alert's window pair against the alert's factor, the current and period burn rates and the SLO's
 * firing alerts. Pure and deterministic: the same service gives the same JSON model (stable uid, panel ids, order).
 */

function panelDescription(s: SloDefinition, what: string): string {
  const objective = `Objective: ${s.objective}% over ${s.period}.`;
  return [what, objective, s.description].filter((x) => x !== undefined && x !== '').join(' ');
}

/** Panels of one SLO's row, in layout order (the SDK flows them left to right on the 24-column grid). */
function sloRowPanels(s: SloDefinition, nextId: () => number): cog.Builder<dashboard.Panel>[] {
  const m = sloMatchers(s);
  const period = String(s.period);
  const decimals = sliDecimals([s.objective]);
  const windows = sortedWindows(alertWindowsOf(s));
  const panels: cog.Builder<dashboard.Panel>[] = [];

  // Line 1: the SLI against the objective, and the headline numbers.
  panels.push(
    timeseriesPanel({
      id: nextId(),
      title: 'SLI vs objective',
      description: panelDescription(s, `Share of good events over the last 5m, 1h and ${period} (1 − slo:sli_error:ratio_rate<window>); the dashed line is the objective.`),
      unit: sdk.units.Percent,
      max: 100,
      decimals,
      thresholds: sliSteps(s.objective),
      targets: ['5m', '1h', period].map((w) => promQuery(sliPercentExpr(m, w), { legend: `SLI ${w}` })),
    }).thresholds(colourSteps(COLOURS.bad, sliSteps(s.objective))),
  );
  panels.push(
    statPanel({
      id: nextId(),
      title: `SLI (${period})`,
      description: panelDescription(s, `Share of good events over the whole period; red below the objective.`),
      unit: sdk.units.Percent,
      decimals,
      width: 4,
      targets: [promQuery(sliPercentExpr(m, period), { legend: `SLI ${period}` })],
    }).thresholds(colourSteps(COLOURS.bad, sliSteps(s.objective))),
  );
  panels.push(
    budgetRemainingStat(
      nextId(),
      panelDescription(s, `Share of the ${period} error budget still unspent (slo:period_error_budget_remaining:ratio): red once overspent, yellow below ${SLO_BUDGET_LOW_PERCENT}%.`),
      budgetRemainingPercentExpr(m),
    ),
  );
  panels.push(firingAlertsStat(nextId(), panelDescription(s, FIRING_ALERTS_DESCRIPTION), s.service, s.name));

  // Line 2: the budget over time and the burn rates now.
  panels.push(
    budgetRemainingTimeseries(
      nextId(),
      panelDescription(s, `Share of the ${period} error budget left, over time; dashed lines at 0 and ${SLO_BUDGET_LOW_PERCENT}%.`),
      budgetRemainingPercentExpr(m),
    ),
  );
  const currentSteps = windows.length > 0 ? burnRateSteps(windows) : [{ value: 1, color: COLOURS.ticket }];
  panels.push(
    currentBurnRateStat(
      nextId(),
      panelDescription(s, 'slo:current_burn_rate:ratio: the error ratio over the fastest page alert\'s short window divided by the error budget; coloured at the alert factors (orange: a ticket alert\'s, red: a page alert\'s).'),
      m,
      currentSteps,
    ),
  );
  panels.push(
    periodBurnRateStat(
      nextId(),
      panelDescription(s, `slo:period_burn_rate:ratio: the error ratio over ${period} divided by the error budget; 1× spends exactly the whole budget.`),
      m,
    ),
  );

  // Line 3: one burn-rate panel per alert, both windows against the alert's factor.
  const width = windows.length === 0 ? 24 : windows.length <= 4 ? Math.floor(24 / windows.length) : 6;
  for (const w of windows) {
    panels.push(
      timeseriesPanel({
        id: nextId(),
        title: `${TIER_TITLE[w.tier]} alert: ${w.factor}× over ${w.longWindow} and ${w.shortWindow}`,
        description: panelDescription(s, `Burn rate (slo:sli_error:ratio_rate<window> / slo:error_budget:ratio) over the alert's long and short windows. The ${w.tier} alert fires while both are above the dashed line at ${w.factor}×.`),
        unit: BURN_RATE_UNIT,
        decimals: 2,
        min: 0,
        width,
        thresholds: [{ value: w.factor, color: COLOURS[w.tier] }],
        targets: [w.longWindow, w.shortWindow].map((window) => promQuery(burnRateExpr(m, window), { legend: String(window) })),
      }).axisSoftMax(w.factor * 1.25),
    );
  }
  if (windows.length === 0) {
    panels.push(
      timeseriesPanel({
        id: nextId(),
        title: 'Burn rate',
        description: panelDescription(s, 'Burn rate over 1h and the period (this SLO has no burn-rate alerts); the dashed line at 1× spends exactly the whole budget.'),
        unit: BURN_RATE_UNIT,
        decimals: 2,
        min: 0,
        width,
        thresholds: [{ value: 1, color: COLOURS.ticket }],
        targets: ['1h', period].map((window) => promQuery(burnRateExpr(m, window), { legend: window })),
      }),
    );
  }
  return panels;
}

/**
 * One service's SLO dashboard (uid `sloDashboardUid(service)`, title `SLOs / <service>`): an expanded row per SLO,
 * sorted by SLO name, each with the SLI against the objective, the period SLI, the error budget left (now and over
 * time), the SLO's firing alerts, the current and period burn rates, and one panel per burn-rate alert showing its
 * long and short windows against its factor.
 * @throws ConfigError when the service has no SLO.
 */
export function sloServiceDashboard(service: ServiceModel): dashboard.Dashboard {
  if (service.slos.length === 0) {
    throw new ConfigError({ path: `sloDashboards.services.${service.name}`, message: 'must show at least one SLO', value: [], fix: 'build SLO dashboards only for services with SLOs.' });
  }
  let id = 0;
  const nextId = (): number => ++id;
  const builder = new sdk.dashboard.DashboardBuilder(`SLOs / ${service.name}`)
    .uid(sloDashboardUid(service.name))
    .description(`Service level objectives of ${service.name}: SLIs against objectives, error budgets and burn rates, from the SLO recording rules.`)
    .tags([SLO_DASHBOARD_TAGS.stack, SLO_DASHBOARD_TAGS.all, SLO_DASHBOARD_TAGS.service])
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .tooltip(sdk.dashboard.DashboardCursorSync.Crosshair)
    .link(dashboardLink({ title: 'SLO overview', type: sdk.dashboard.DashboardLinkType.Link, url: `/d/${SLO_OVERVIEW_UID}`, icon: 'dashboard' }));
  for (const s of [...service.slos].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    builder.withRow(new sdk.dashboard.RowBuilder(`${s.name}: ${s.objective}% over ${s.period}`).id(nextId()));
    for (const p of sloRowPanels(s, nextId)) builder.withPanel(p);
  }
  return builder.build();
}
