import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ConfigError } from '../../common/errors';
import { ALERT_LABELS, SLO_LABELS, SLO_METRICS, SLOTH_SEVERITY } from '../../conventions';
import { dashboardLink } from '../../dashboards/links';
import { colourStepsOverride, statPanel, tablePanel, timeseriesPanel, type ThresholdStep } from '../../dashboards/panels';
import { promQuery, selector, variableMatcher } from '../../dashboards/queries';
import { labelValuesVariable } from '../../dashboards/variables';
import { SloDefinition } from '../model';
import {
  BUDGET_STEPS,
  BURN_RATE_UNIT,
  COLOURS,
  PERIOD_BURN_STEPS,
  SLO_BUDGET_LOW_PERCENT,
  SLO_DASHBOARD_TAGS,
  SLO_OVERVIEW_COLUMNS,
  SLO_OVERVIEW_UID,
  SLO_SERVICE_VARIABLE,
  SLO_SLO_VARIABLE,
  alertWindowsOf,
  periodsOf,
  sliDecimals,
} from './common';
import { countOrZero, firingAlertsCountExpr, labelEquals, maxBySlo, periodSliPercentExpr } from './queries';
import { sdk } from '../../dashboards/sdk';

/** The platform's SLOs in one table, worst budget first, with links into the detail or per-service dashboards. */

/** A data link opening the templated detail dashboard on the clicked row's service and SLO. */
function detailUrl(uid: string): string {
  const C = SLO_OVERVIEW_COLUMNS;
  return `/d/${uid}?var-${SLO_SERVICE_VARIABLE}=\${__data.fields["${C.service}"]}&var-${SLO_SLO_VARIABLE}=\${__data.fields["${C.slo}"]}`;
}

export interface SloOverviewOptions {
  /**
   * Uid of a templated detail dashboard (variables `service` and `slo`) the Service and SLO cells link to.
   * @default - the cells link to a dashboard search for the service's per-service dashboard
   */
  readonly detailUid?: string;
}

/**
 * The platform-wide SLO overview (uid `slo-overview`): counts of SLOs, of overspent and low budgets and of firing page
 * alerts; a table of every SLO (objective, SLI over its period, budget left, current and period burn rate) sorted by
 * budget left, worst first, with a link from each service to its dashboard; and the ten fastest current burn rates.
 * Built for 100+ services: instant queries over recordings only, a multi-value `service` filter, column filters.
 * The SLOs given decide the period recordings read (`30d`, `28d`, ...) and the colour steps.
 * @throws ConfigError when `slos` is empty.
 */
export function sloOverviewDashboard(slos: readonly SloDefinition[], options: SloOverviewOptions = {}): dashboard.Dashboard {
  if (slos.length === 0) {
    throw new ConfigError({ path: 'sloDashboards.overview', message: 'must show at least one SLO', value: [], fix: 'pass the SLOs the platform defines; build no SLO dashboard without any.' });
  }
  const f = [variableMatcher(SLO_LABELS.service, SLO_SERVICE_VARIABLE)];
  const periods = periodsOf(slos);
  const decimals = sliDecimals(slos.map((s) => s.objective));
  const pageFactors = slos.flatMap((s) => alertWindowsOf(s).filter((w) => w.tier === 'page').map((w) => w.factor));
  const currentSteps: ThresholdStep[] = [{ value: 1, color: COLOURS.low }];
  if (pageFactors.length > 0) currentSteps.push({ value: Math.min(...pageFactors), color: COLOURS.page });
  const budget = selector(SLO_METRICS.periodErrorBudgetRemaining, f);
  const C = SLO_OVERVIEW_COLUMNS;
  const instant = { instant: true, format: 'table' as const };
  let id = 0;
  const nextId = (): number => ++id;

  const countStat = (title: string, description: string, expr: string, steps: ThresholdStep[]): cog.Builder<dashboard.Panel> =>
    statPanel({ id: nextId(), title, description, unit: sdk.units.Short, decimals: 0, width: 6, height: 4, thresholds: steps, targets: [promQuery(expr, { legend: title })] });

  const stats = [
    countStat('SLOs', 'SLOs of the selected services.', `count(${selector(SLO_METRICS.objectiveRatio, f)})`, []),
    countStat('Budget exhausted', 'SLOs whose error budget for the period is spent (budget left below 0).', countOrZero(`${budget} < 0`), [{ value: 1, color: COLOURS.bad }]),
    countStat(`Budget below ${SLO_BUDGET_LOW_PERCENT}%`, `SLOs with less than ${SLO_BUDGET_LOW_PERCENT}% of the period's error budget left (including spent ones).`, countOrZero(`${budget} < ${SLO_BUDGET_LOW_PERCENT / 100}`), [{ value: 1, color: COLOURS.low }]),
    countStat(
      'Page alerts firing',
      'SLO burn-rate alerts of the page tier firing now.',
      firingAlertsCountExpr([labelEquals(ALERT_LABELS.slothSeverity, SLOTH_SEVERITY.page), variableMatcher(ALERT_LABELS.service, SLO_SERVICE_VARIABLE)]),
      [{ value: 1, color: COLOURS.page }],
    ),
  ];

  // The table: one instant query per column, merged into one row per SLO (all share the id labels), then renamed.
  const columns: { title: string; expr: string }[] = [
    { title: C.objective, expr: `100 * ${maxBySlo(selector(SLO_METRICS.objectiveRatio, f))}` },
    { title: C.sli, expr: periodSliPercentExpr(f, periods) },
    { title: C.budgetRemaining, expr: `100 * ${maxBySlo(budget)}` },
    { title: C.currentBurnRate, expr: maxBySlo(selector(SLO_METRICS.currentBurnRate, f)) },
    { title: C.periodBurnRate, expr: maxBySlo(selector(SLO_METRICS.periodBurnRate, f)) },
  ];
  const valueColumn = (i: number): string => `Value #${String.fromCharCode(65 + i)}`;
  const renameByName: Record<string, string> = { [SLO_LABELS.service]: C.service, [SLO_LABELS.slo]: C.slo };
  const indexByName: Record<string, number> = { [SLO_LABELS.service]: 0, [SLO_LABELS.slo]: 1 };
  columns.forEach((c, i) => {
    renameByName[valueColumn(i)] = c.title;
    indexByName[valueColumn(i)] = i + 2;
  });
  const sloTable = tablePanel({
    id: nextId(),
    title: 'SLOs, lowest error budget first',
    description: 'Every SLO of the selected services, from the SLO recording rules: objective, SLI over the SLO\'s period, share of the period\'s error budget left, and the current and period burn rates. Sorted by budget left, worst first; click a service for its SLO dashboard.',
    unit: sdk.units.Short,
    width: 24,
    height: 20,
    targets: columns.map((c) => promQuery(c.expr, instant)),
    transformations: [
      // https://grafana.com/docs/grafana/latest/panels-visualizations/query-transform-data/transform-data/#merge
      { id: 'merge', options: {} },
      // https://grafana.com/docs/grafana/latest/panels-visualizations/query-transform-data/transform-data/#organize-fields-by-name
      { id: 'organize', options: { excludeByName: { Time: true, [SLO_LABELS.id]: true }, indexByName, renameByName, includeByName: {} } },
    ],
    sortBy: { column: C.budgetRemaining, desc: false },
  })
    .overrideByName(C.service, [
      {
        id: 'links',
        value: [
          options.detailUid
            ? { title: 'SLO detail of ${__value.text}', url: detailUrl(options.detailUid) }
            : { title: 'SLO dashboard of ${__value.text}', url: `/dashboards?tag=${SLO_DASHBOARD_TAGS.service}&query=\${__value.text}` },
        ],
      },
    ])
    .overrideByName(C.slo, options.detailUid ? [{ id: 'links', value: [{ title: 'SLO detail of ${__value.text}', url: detailUrl(options.detailUid) }] }] : [])
    .overrideByName(C.objective, [{ id: 'unit', value: sdk.units.Percent }, { id: 'decimals', value: decimals }])
    .overrideByName(C.sli, [{ id: 'unit', value: sdk.units.Percent }, { id: 'decimals', value: decimals }])
    .overrideByName(C.budgetRemaining, [
      { id: 'unit', value: sdk.units.Percent },
      { id: 'decimals', value: 1 },
      { id: 'custom.cellOptions', value: { type: sdk.common.TableCellDisplayMode.ColorBackground, mode: sdk.common.TableCellBackgroundDisplayMode.Basic } },
      colourStepsOverride(COLOURS.bad, BUDGET_STEPS),
    ])
    .overrideByName(C.currentBurnRate, [
      { id: 'unit', value: BURN_RATE_UNIT },
      { id: 'decimals', value: 2 },
      { id: 'custom.cellOptions', value: { type: sdk.common.TableCellDisplayMode.ColorText } },
      colourStepsOverride(COLOURS.ok, currentSteps),
    ])
    .overrideByName(C.periodBurnRate, [
      { id: 'unit', value: BURN_RATE_UNIT },
      { id: 'decimals', value: 2 },
      { id: 'custom.cellOptions', value: { type: sdk.common.TableCellDisplayMode.ColorText } },
      colourStepsOverride(COLOURS.ok, PERIOD_BURN_STEPS),
    ]);

  return new sdk.dashboard.DashboardBuilder('SLO overview')
    .uid(SLO_OVERVIEW_UID)
    .description('Every SLO of the platform: objectives, SLIs, error budgets left and burn rates, worst first.')
    .tags([SLO_DASHBOARD_TAGS.stack, SLO_DASHBOARD_TAGS.all])
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .tooltip(sdk.dashboard.DashboardCursorSync.Crosshair)
    .withVariable(labelValuesVariable(SLO_SERVICE_VARIABLE, { metric: SLO_METRICS.info, label: SLO_LABELS.service, title: 'Service' }))
    .link(dashboardLink({ title: 'Service SLOs', type: sdk.dashboard.DashboardLinkType.Dashboards, tags: [SLO_DASHBOARD_TAGS.service], asDropdown: true }))
    .withPanel(stats[0])
    .withPanel(stats[1])
    .withPanel(stats[2])
    .withPanel(stats[3])
    .withPanel(sloTable)
    .withPanel(
      timeseriesPanel({
        id: nextId(),
        title: 'Top 10 current burn rates',
        description: 'The ten SLOs burning their error budget fastest now (slo:current_burn_rate:ratio); 1× spends exactly the whole budget in one period.',
        unit: BURN_RATE_UNIT,
        decimals: 2,
        min: 0,
        width: 24,
        thresholds: currentSteps,
        targets: [promQuery(`topk(10, ${selector(SLO_METRICS.currentBurnRate, f)})`, { legend: `{{${SLO_LABELS.service}}} / {{${SLO_LABELS.slo}}}` })],
      }),
    )
    .build();
}
