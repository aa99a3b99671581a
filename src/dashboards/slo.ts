import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { parseDuration } from '../common/duration';
import { ConfigError, ProblemCollector } from '../common/errors';
import { checksum } from '../common/serialize';
import { ALERT_LABELS, SLO_LABELS, SLO_METRICS, SLOTH_SEVERITY } from '../conventions';
import { statPanel, timeseriesPanel, type ThresholdStep } from './panels';
import { promQuery, selector, variableMatcher } from './queries';
import { BURN_RATE_UNIT, colourSteps, colourStepsOverride, tablePanel } from './slo-panels';
import {
  budgetRemainingPercentExpr,
  burnRateExpr,
  countOrZero,
  firingAlertsCountExpr,
  labelEquals,
  maxBySlo,
  periodSliPercentExpr,
  sliPercentExpr,
  sloMatchers,
} from './slo-queries';
import { labelValuesVariable } from './variables';

/**
 * SLO dashboards, built with the Grafana foundation SDK on the Sloth-compatible recordings of the SLO rule generator
 * (names from src/conventions.ts `SLO_METRICS`/`SLO_LABELS`):
 *
 * - `sloServiceDashboard(service, slos)`: one dashboard per service, a row per SLO with the SLI against its objective,
 *   the error budget left over the period, the burn rate of each alert's window pair against the alert's factor, the
 *   current and period burn rates and the SLO's firing alerts;
 * - `sloOverviewDashboard(slos)`: every SLO of the platform in one table, worst budget first, filterable by service;
 * - `sloDashboards(slos)`: the overview plus one dashboard per service, uids checked unique.
 *
 * Pure and deterministic: the same input gives the same JSON model (stable uids, panel ids and order).
 */

/** One multiwindow burn-rate alert of an SLO (Google SRE Workbook: page 14.4× over 1h/5m, ...). */
export interface SloDashboardAlertWindow {
  /** The alert's tier (`sloth_severity`). */
  readonly tier: 'page' | 'ticket';
  /** The long window, e.g. `1h`; `slo:sli_error:ratio_rate<longWindow>` must be recorded. */
  readonly longWindow: string;
  /** The short window, e.g. `5m`; `slo:sli_error:ratio_rate<shortWindow>` must be recorded. */
  readonly shortWindow: string;
  /** The alert fires while both windows burn faster than this multiple of the sustainable rate, e.g. 14.4. */
  readonly burnRateFactor: number;
}

/** What the SLO dashboards need to know about one SLO (the lead maps the SLO model onto it). */
export interface SloDashboardSlo {
  /** `sloth_service` and the alerts' `service` label. */
  readonly service: string;
  /** `sloth_slo` and the alerts' `slo` label. */
  readonly slo: string;
  /** `sloth_id`. */
  readonly sloId: string;
  /** Shown in the panel descriptions. @default - none */
  readonly description?: string;
  /** The objective in percent, strictly between 0 and 100, e.g. 99.9. */
  readonly objectivePercent: number;
  /** The period in days, e.g. 30. */
  readonly periodDays: number;
  /** The period as a Prometheus duration (`30d`, `28d`): the window of the period recording. */
  readonly periodWindow: string;
  /** The burn-rate alerts (none when both tiers are off). */
  readonly alertWindows: readonly SloDashboardAlertWindow[];
}

/** The overview's stable uid. */
export const SLO_OVERVIEW_UID = 'slo-overview';

/** Prefix of the per-service dashboards' uids (`slo-<service>`). */
export const SLO_SERVICE_UID_PREFIX = 'slo-';

/** Tags: every SLO dashboard carries `slo`; the per-service ones also `slo-service` (the overview's link menu lists them). */
export const SLO_DASHBOARD_TAGS = { all: 'slo', service: 'slo-service', stack: 'observability-stack' } as const;

/** Budget left (percent of the period's budget) below which a budget shows yellow; below 0 it shows red. */
export const SLO_BUDGET_LOW_PERCENT = 25;

/** The overview's template variable (values of `sloth_service` in `sloth_slo_info`). */
export const SLO_SERVICE_VARIABLE = 'service';

/** The detail dashboard's second template variable (values of `sloth_slo` of the selected service). */
export const SLO_SLO_VARIABLE = 'slo';

/** Column titles of the overview table. */
export const SLO_OVERVIEW_COLUMNS = {
  service: 'Service',
  slo: 'SLO',
  objective: 'Objective',
  sli: 'SLI (period)',
  budgetRemaining: 'Budget remaining',
  currentBurnRate: 'Current burn rate',
  periodBurnRate: 'Period burn rate',
} as const;

/** Grafana dashboard uids: at most 40 letters, digits, `-` or `_` (https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/). */
const MAX_UID = 40;
const UID_CHARS = /^[A-Za-z0-9_-]+$/;
const HASH_LENGTH = 8;

const COLOURS = { ok: 'green', low: 'yellow', ticket: 'orange', page: 'red', bad: 'red' } as const;

/**
 * The uid of a service's SLO dashboard: `slo-<service>` when that is a valid Grafana uid (≤ 40 characters of letters,
 * digits, `-`, `_`) and not the overview's; otherwise `slo-<service, cleaned and cut>-<8 hex digits of its sha256>`,
 * stable across builds and at most 40 characters.
 */
export function sloDashboardUid(service: string): string {
  const plain = `${SLO_SERVICE_UID_PREFIX}${service}`;
  if (plain.length <= MAX_UID && UID_CHARS.test(service) && plain !== SLO_OVERVIEW_UID) return plain;
  const hash = checksum(service).slice(0, HASH_LENGTH);
  const room = MAX_UID - SLO_SERVICE_UID_PREFIX.length - 1 - HASH_LENGTH;
  const stem = service.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, room).replace(/^-+|-+$/g, '');
  return stem === '' ? `${SLO_SERVICE_UID_PREFIX}${hash}` : `${SLO_SERVICE_UID_PREFIX}${stem}-${hash}`;
}

// ---------------------------------------------------------------------------------------------------------------
// validation

function sloPath(s: SloDashboardSlo, index: number): string {
  return `sloDashboards.slos[${index}] (${JSON.stringify(`${s.service}/${s.slo}`)})`;
}

function checkName(problems: ProblemCollector, path: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '' || value.includes('$')) {
    problems.add({ path, message: 'must be a non-empty name without "$" (Grafana would read it as a variable)', value, fix: 'use the SLO model\'s service, SLO and sloth_id names.' });
  }
}

function checkSlo(problems: ProblemCollector, s: SloDashboardSlo, index: number): void {
  const path = sloPath(s, index);
  checkName(problems, `${path}.service`, s.service);
  checkName(problems, `${path}.slo`, s.slo);
  checkName(problems, `${path}.sloId`, s.sloId);
  checkSloShape(problems, s, path);
}

/** Checks what every SLO dashboard reads of an SLO: objective, period, alert windows. */
export function checkSloShape(problems: ProblemCollector, s: SloDashboardSlo, path: string): void {
  if (typeof s.objectivePercent !== 'number' || !(s.objectivePercent > 0 && s.objectivePercent < 100)) {
    problems.add({ path: `${path}.objectivePercent`, message: 'must be a percentage strictly between 0 and 100', value: s.objectivePercent, fix: 'write e.g. 99.9 for 99.9 %.' });
  }
  problems.check(() => {
    const seconds = parseDuration(s.periodWindow, `${path}.periodWindow`);
    if (seconds !== s.periodDays * 86400) {
      throw new ConfigError({ path: `${path}.periodDays`, message: `must be the length of periodWindow "${s.periodWindow}" in days`, value: s.periodDays, fix: `set periodDays to ${seconds / 86400} or periodWindow to "${s.periodDays}d".` });
    }
  });
  s.alertWindows.forEach((w, i) => {
    const wPath = `${path}.alertWindows[${i}]`;
    if (w.tier !== 'page' && w.tier !== 'ticket') {
      problems.add({ path: `${wPath}.tier`, message: 'must be "page" or "ticket"', value: w.tier });
    }
    if (typeof w.burnRateFactor !== 'number' || !Number.isFinite(w.burnRateFactor) || w.burnRateFactor <= 0) {
      problems.add({ path: `${wPath}.burnRateFactor`, message: 'must be a positive number', value: w.burnRateFactor, fix: 'use the window table\'s factor, e.g. 14.4.' });
    }
    problems.check(() => {
      const long = parseDuration(w.longWindow, `${wPath}.longWindow`);
      const short = parseDuration(w.shortWindow, `${wPath}.shortWindow`);
      if (short >= long) {
        throw new ConfigError({ path: `${wPath}.shortWindow`, message: `must be shorter than longWindow "${w.longWindow}"`, value: w.shortWindow, fix: 'the workbook uses a short window of 1/12 of the long one, e.g. 1h/5m.' });
      }
    });
  });
}

/** Checks every SLO and that no two share a `sloth_id` (or a service/SLO pair). */
function checkSlos(slos: readonly SloDashboardSlo[], what: string): void {
  const problems = new ProblemCollector();
  if (slos.length === 0) {
    problems.add({ path: `sloDashboards.${what}`, message: 'must show at least one SLO', value: [], fix: 'pass the SLOs the platform defines; build no SLO dashboard without any.' });
  }
  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  slos.forEach((s, i) => {
    checkSlo(problems, s, i);
    const name = `${s.service}/${s.slo}`;
    for (const [seen, key, label] of [[ids, s.sloId, 'sloth_id'], [names, name, 'service and SLO name']] as const) {
      const first = seen.get(key);
      if (first !== undefined) {
        problems.add({ path: `${sloPath(s, i)}`, message: `has the same ${label} as slos[${first}]`, value: key, fix: 'each SLO must be listed once.' });
      } else seen.set(key, i);
    }
  });
  problems.throwIfAny();
}

// ---------------------------------------------------------------------------------------------------------------
// formatting helpers

/** Decimal places of a number as written (99.95 → 2). */
function decimalPlaces(value: number): number {
  const s = String(value);
  const dot = s.indexOf('.');
  return dot < 0 || s.includes('e') ? 0 : s.length - dot - 1;
}

/** Decimals to show SLIs of an objective with: one more than the objective has, at least 2. */
function sliDecimals(objectivePercents: readonly number[]): number {
  return Math.max(2, ...objectivePercents.map((o) => decimalPlaces(o) + 1));
}

const TIER_TITLE: Record<SloDashboardAlertWindow['tier'], string> = { page: 'Page', ticket: 'Ticket' };
const TIER_ORDER: Record<SloDashboardAlertWindow['tier'], number> = { page: 0, ticket: 1 };

/** Page alerts first, fastest burn first: the order the burn-rate panels are laid out in. */
function sortedWindows(windows: readonly SloDashboardAlertWindow[]): SloDashboardAlertWindow[] {
  return [...windows].sort((a, b) => TIER_ORDER[a.tier] - TIER_ORDER[b.tier] || b.burnRateFactor - a.burnRateFactor);
}

/** One colour step per distinct burn-rate factor, red for a page alert's, orange for a ticket's (page wins a tie). */
function burnRateSteps(windows: readonly SloDashboardAlertWindow[]): ThresholdStep[] {
  return sortedWindows(windows).map((w) => ({ value: w.burnRateFactor, color: COLOURS[w.tier] }));
}

/** Budget colours: red below 0 (overspent), yellow below 25 %, green from 25 %. */
const BUDGET_STEPS: readonly ThresholdStep[] = [
  { value: 0, color: COLOURS.low },
  { value: SLO_BUDGET_LOW_PERCENT, color: COLOURS.ok },
];

/** Period burn rate colours, the budget's read the other way: yellow from 0.75× (25 % left), red from 1× (none left). */
const PERIOD_BURN_STEPS: readonly ThresholdStep[] = [
  { value: 1 - SLO_BUDGET_LOW_PERCENT / 100, color: COLOURS.low },
  { value: 1, color: COLOURS.bad },
];

/** SLI colours: red below the objective, green from it. */
function sliSteps(objectivePercent: number): ThresholdStep[] {
  return [{ value: objectivePercent, color: COLOURS.ok }];
}

/**
 * A dashboard link in the link bar. Built by hand rather than with `DashboardLinkBuilder`, whose default
 * `placement: 'inControlsMenu'` moves links into Grafana 12.3+'s controls menu, where dropdown links are not shown.
 */
function dashboardLink(link: {
  readonly title: string;
  readonly type: dashboard.DashboardLinkType;
  readonly url?: string;
  readonly icon?: string;
  readonly tags?: readonly string[];
  readonly asDropdown?: boolean;
}): cog.Builder<dashboard.DashboardLink> {
  const full: dashboard.DashboardLink = {
    title: link.title,
    type: link.type,
    icon: link.icon ?? 'external link',
    tooltip: '',
    tags: [...(link.tags ?? [])],
    asDropdown: link.asDropdown ?? false,
    targetBlank: false,
    includeVars: false,
    keepTime: true,
  };
  if (link.url !== undefined) full.url = link.url;
  return { build: () => full };
}

function panelDescription(s: SloDashboardSlo, what: string): string {
  const objective = `Objective: ${s.objectivePercent}% over ${s.periodWindow}.`;
  return [what, objective, s.description].filter((x) => x !== undefined && x !== '').join(' ');
}


// ---------------------------------------------------------------------------------------------------------------
// panels both SLO dashboards share (the per-service row and the templated detail dashboard)

/** Stat: share of the period's error budget still unspent; red once overspent, yellow when low. */
export function budgetRemainingStat(id: number, description: string, budgetExpr: string): cog.Builder<dashboard.Panel> {
  return statPanel({
    id,
    title: 'Error budget remaining',
    description,
    unit: units.Percent,
    decimals: 1,
    width: 4,
    targets: [promQuery(budgetExpr, { legend: 'Budget remaining' })],
  }).thresholds(colourSteps(COLOURS.bad, BUDGET_STEPS));
}

/** What the firing-alerts stat shows. */
export const FIRING_ALERTS_DESCRIPTION =
  'Alerts of this SLO firing now (ALERTS{service, slo}): page and ticket burn-rate alerts, and other SLO alerts (period breach, SLI source absent).';

/** Stat: the SLO's firing page, ticket and other alerts (`service` and `slo` may be dashboard variables). */
export function firingAlertsStat(id: number, description: string, service: string, slo: string): cog.Builder<dashboard.Panel> {
  const alertsOf = (severity: string): string =>
    firingAlertsCountExpr([labelEquals(ALERT_LABELS.service, service), labelEquals(ALERT_LABELS.slo, slo), labelEquals(ALERT_LABELS.slothSeverity, severity)]);
  return statPanel({
    id,
    title: 'Firing alerts',
    description,
    unit: units.Short,
    decimals: 0,
    width: 4,
    sparkline: false,
    thresholds: [{ value: 1, color: COLOURS.ticket }],
    targets: [
      promQuery(alertsOf(SLOTH_SEVERITY.page), { legend: 'Page' }),
      promQuery(alertsOf(SLOTH_SEVERITY.ticket), { legend: 'Ticket' }),
      promQuery(alertsOf(''), { legend: 'Other' }),
    ],
  }).overrideByName('Page', [{ id: 'thresholds', value: colourSteps(COLOURS.ok, [{ value: 1, color: COLOURS.page }]).build() }]);
}

/** Time series: the error budget left over time, dashed lines at 0 and the low mark. */
export function budgetRemainingTimeseries(id: number, description: string, budgetExpr: string): cog.Builder<dashboard.Panel> {
  return timeseriesPanel({
    id,
    title: 'Error budget remaining',
    description,
    unit: units.Percent,
    decimals: 1,
    thresholds: [...BUDGET_STEPS],
    targets: [promQuery(budgetExpr, { legend: 'Budget remaining' })],
  }).thresholds(colourSteps(COLOURS.bad, BUDGET_STEPS));
}

/** Stat: slo:current_burn_rate:ratio coloured at the given steps. */
export function currentBurnRateStat(id: number, description: string, matchers: readonly string[], steps: readonly ThresholdStep[]): cog.Builder<dashboard.Panel> {
  return statPanel({
    id,
    title: 'Current burn rate',
    description,
    unit: BURN_RATE_UNIT,
    decimals: 2,
    width: 6,
    thresholds: [...steps],
    targets: [promQuery(selector(SLO_METRICS.currentBurnRate, matchers), { legend: 'Current burn rate' })],
  }).thresholds(colourSteps(COLOURS.ok, steps));
}

/** Stat: slo:period_burn_rate:ratio; 1× spends exactly the whole budget. */
export function periodBurnRateStat(id: number, description: string, matchers: readonly string[]): cog.Builder<dashboard.Panel> {
  return statPanel({
    id,
    title: 'Period burn rate',
    description,
    unit: BURN_RATE_UNIT,
    decimals: 2,
    width: 6,
    thresholds: [...PERIOD_BURN_STEPS],
    targets: [promQuery(selector(SLO_METRICS.periodBurnRate, matchers), { legend: 'Period burn rate' })],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// per-service dashboard

/** Panels of one SLO's row, in layout order (the SDK flows them left to right on the 24-column grid). */
function sloRowPanels(s: SloDashboardSlo, nextId: () => number): cog.Builder<dashboard.Panel>[] {
  const m = sloMatchers(s);
  const decimals = sliDecimals([s.objectivePercent]);
  const windows = sortedWindows(s.alertWindows);
  const panels: cog.Builder<dashboard.Panel>[] = [];

  // Line 1: the SLI against the objective, and the headline numbers.
  panels.push(
    timeseriesPanel({
      id: nextId(),
      title: 'SLI vs objective',
      description: panelDescription(s, `Share of good events over the last 5m, 1h and ${s.periodWindow} (1 − slo:sli_error:ratio_rate<window>); the dashed line is the objective.`),
      unit: units.Percent,
      max: 100,
      decimals,
      thresholds: sliSteps(s.objectivePercent),
      targets: ['5m', '1h', s.periodWindow].map((w) => promQuery(sliPercentExpr(m, w), { legend: `SLI ${w}` })),
    }).thresholds(colourSteps(COLOURS.bad, sliSteps(s.objectivePercent))),
  );
  panels.push(
    statPanel({
      id: nextId(),
      title: `SLI (${s.periodWindow})`,
      description: panelDescription(s, `Share of good events over the whole period; red below the objective.`),
      unit: units.Percent,
      decimals,
      width: 4,
      targets: [promQuery(sliPercentExpr(m, s.periodWindow), { legend: `SLI ${s.periodWindow}` })],
    }).thresholds(colourSteps(COLOURS.bad, sliSteps(s.objectivePercent))),
  );
  panels.push(
    budgetRemainingStat(
      nextId(),
      panelDescription(s, `Share of the ${s.periodWindow} error budget still unspent (slo:period_error_budget_remaining:ratio): red once overspent, yellow below ${SLO_BUDGET_LOW_PERCENT}%.`),
      budgetRemainingPercentExpr(m),
    ),
  );
  panels.push(firingAlertsStat(nextId(), panelDescription(s, FIRING_ALERTS_DESCRIPTION), s.service, s.slo));

  // Line 2: the budget over time and the burn rates now.
  panels.push(
    budgetRemainingTimeseries(
      nextId(),
      panelDescription(s, `Share of the ${s.periodWindow} error budget left, over time; dashed lines at 0 and ${SLO_BUDGET_LOW_PERCENT}%.`),
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
      panelDescription(s, `slo:period_burn_rate:ratio: the error ratio over ${s.periodWindow} divided by the error budget; 1× spends exactly the whole budget.`),
      m,
    ),
  );

  // Line 3: one burn-rate panel per alert, both windows against the alert's factor.
  const width = windows.length === 0 ? 24 : windows.length <= 4 ? Math.floor(24 / windows.length) : 6;
  for (const w of windows) {
    panels.push(
      timeseriesPanel({
        id: nextId(),
        title: `${TIER_TITLE[w.tier]} alert: ${w.burnRateFactor}× over ${w.longWindow} and ${w.shortWindow}`,
        description: panelDescription(s, `Burn rate (slo:sli_error:ratio_rate<window> / slo:error_budget:ratio) over the alert's long and short windows. The ${w.tier} alert fires while both are above the dashed line at ${w.burnRateFactor}×.`),
        unit: BURN_RATE_UNIT,
        decimals: 2,
        min: 0,
        width,
        thresholds: [{ value: w.burnRateFactor, color: COLOURS[w.tier] }],
        targets: [w.longWindow, w.shortWindow].map((window) => promQuery(burnRateExpr(m, window), { legend: window })),
      }).axisSoftMax(w.burnRateFactor * 1.25),
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
        targets: ['1h', s.periodWindow].map((window) => promQuery(burnRateExpr(m, window), { legend: window })),
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
 * @throws ConfigError when `slos` is empty, holds another service's SLO or a duplicate, or an SLO is malformed.
 */
export function sloServiceDashboard(service: string, slos: readonly SloDashboardSlo[]): dashboard.Dashboard {
  checkSlos(slos, `service ${JSON.stringify(service)}`);
  const foreign = slos.findIndex((s) => s.service !== service);
  if (foreign >= 0) {
    throw new ConfigError({ path: `${sloPath(slos[foreign], foreign)}.service`, message: `belongs to another service than the dashboard's ("${service}")`, value: slos[foreign].service, fix: 'pass only the SLOs of this service, or use sloDashboards(slos) to build one dashboard per service.' });
  }
  let id = 0;
  const nextId = (): number => ++id;
  const builder = new dashboard.DashboardBuilder(`SLOs / ${service}`)
    .uid(sloDashboardUid(service))
    .description(`Service level objectives of ${service}: SLIs against objectives, error budgets and burn rates, from the SLO recording rules.`)
    .tags([SLO_DASHBOARD_TAGS.stack, SLO_DASHBOARD_TAGS.all, SLO_DASHBOARD_TAGS.service])
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(dashboardLink({ title: 'SLO overview', type: dashboard.DashboardLinkType.Link, url: `/d/${SLO_OVERVIEW_UID}`, icon: 'dashboard' }));
  for (const s of [...slos].sort((a, b) => (a.slo < b.slo ? -1 : a.slo > b.slo ? 1 : 0))) {
    builder.withRow(new dashboard.RowBuilder(`${s.slo}: ${s.objectivePercent}% over ${s.periodWindow}`).id(nextId()));
    for (const p of sloRowPanels(s, nextId)) builder.withPanel(p);
  }
  return builder.build();
}

// ---------------------------------------------------------------------------------------------------------------
// overview

/**
 * The platform-wide SLO overview (uid `slo-overview`): counts of SLOs, of overspent and low budgets and of firing page
 * alerts; a table of every SLO (objective, SLI over its period, budget left, current and period burn rate) sorted by
 * budget left, worst first, with a link from each service to its dashboard; and the ten fastest current burn rates.
 * Built for 100+ services: instant queries over recordings only, a multi-value `service` filter, column filters.
 * The SLOs given decide the period recordings read (`30d`, `28d`, ...) and the colour steps.
 * @throws ConfigError when `slos` is empty or malformed.
 */
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

export function sloOverviewDashboard(slos: readonly SloDashboardSlo[], options: SloOverviewOptions = {}): dashboard.Dashboard {
  checkSlos(slos, 'overview');
  const f = [variableMatcher(SLO_LABELS.service, SLO_SERVICE_VARIABLE)];
  const periods = [...new Set(slos.map((s) => s.periodWindow))].sort((a, b) => parseDuration(a, 'period') - parseDuration(b, 'period') || (a < b ? -1 : 1));
  const decimals = sliDecimals(slos.map((s) => s.objectivePercent));
  const pageFactors = slos.flatMap((s) => s.alertWindows.filter((w) => w.tier === 'page').map((w) => w.burnRateFactor));
  const currentSteps: ThresholdStep[] = [{ value: 1, color: COLOURS.low }];
  if (pageFactors.length > 0) currentSteps.push({ value: Math.min(...pageFactors), color: COLOURS.page });
  const budget = selector(SLO_METRICS.periodErrorBudgetRemaining, f);
  const C = SLO_OVERVIEW_COLUMNS;
  const instant = { instant: true, format: 'table' as const };
  let id = 0;
  const nextId = (): number => ++id;

  const countStat = (title: string, description: string, expr: string, steps: ThresholdStep[]): cog.Builder<dashboard.Panel> =>
    statPanel({ id: nextId(), title, description, unit: units.Short, decimals: 0, width: 6, height: 4, thresholds: steps, targets: [promQuery(expr, { legend: title })] });

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
    unit: units.Short,
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
    .overrideByName(C.objective, [{ id: 'unit', value: units.Percent }, { id: 'decimals', value: decimals }])
    .overrideByName(C.sli, [{ id: 'unit', value: units.Percent }, { id: 'decimals', value: decimals }])
    .overrideByName(C.budgetRemaining, [
      { id: 'unit', value: units.Percent },
      { id: 'decimals', value: 1 },
      { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorBackground, mode: common.TableCellBackgroundDisplayMode.Basic } },
      colourStepsOverride(COLOURS.bad, BUDGET_STEPS),
    ])
    .overrideByName(C.currentBurnRate, [
      { id: 'unit', value: BURN_RATE_UNIT },
      { id: 'decimals', value: 2 },
      { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorText } },
      colourStepsOverride(COLOURS.ok, currentSteps),
    ])
    .overrideByName(C.periodBurnRate, [
      { id: 'unit', value: BURN_RATE_UNIT },
      { id: 'decimals', value: 2 },
      { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorText } },
      colourStepsOverride(COLOURS.ok, PERIOD_BURN_STEPS),
    ]);

  return new dashboard.DashboardBuilder('SLO overview')
    .uid(SLO_OVERVIEW_UID)
    .description('Every SLO of the platform: objectives, SLIs, error budgets left and burn rates, worst first.')
    .tags([SLO_DASHBOARD_TAGS.stack, SLO_DASHBOARD_TAGS.all])
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(labelValuesVariable(SLO_SERVICE_VARIABLE, { metric: SLO_METRICS.info, label: SLO_LABELS.service, title: 'Service' }))
    .link(dashboardLink({ title: 'Service SLOs', type: dashboard.DashboardLinkType.Dashboards, tags: [SLO_DASHBOARD_TAGS.service], asDropdown: true }))
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

/**
 * Every SLO dashboard of the platform: the overview first, then one dashboard per service, sorted by service name.
 * @throws ConfigError when two services map to the same uid (or on any problem the builders report).
 */
export function sloDashboards(slos: readonly SloDashboardSlo[]): dashboard.Dashboard[] {
  const byService = new Map<string, SloDashboardSlo[]>();
  for (const s of slos) byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
  const services = [...byService.keys()].sort();
  const result = [sloOverviewDashboard(slos), ...services.map((svc) => sloServiceDashboard(svc, byService.get(svc)!))];
  const seen = new Map<string, string>();
  for (const d of result) {
    const first = seen.get(d.uid!);
    if (first !== undefined) {
      throw new ConfigError({ path: `sloDashboards["${d.title}"].uid`, message: `is the same as the uid of "${first}"`, value: d.uid, fix: 'rename one of the services.' });
    }
    seen.set(d.uid!, d.title!);
  }
  return result;
}
