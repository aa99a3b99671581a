import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { checksum } from '../../common/serialize';
import { DASHBOARD_UID, DASHBOARD_UID_MAX } from '../../components/grafana/config';
import { ALERT_LABELS, SLO_METRICS, SLOTH_SEVERITY } from '../../conventions';
import { SLO_DASHBOARD_UIDS } from '../../conventions';
import { colourSteps, statPanel, timeseriesPanel, type ThresholdStep } from '../../dashboards/panels';
import { promQuery, selector } from '../../dashboards/queries';
import { AlertTier, AlertWindow } from '../burn-rate';
import { SloDefinition } from '../model';
import { firingAlertsCountExpr, labelEquals } from './queries';
import { sdk } from '../../dashboards/sdk';

/**
 * What the SLO dashboards share: stable uids, tags, variables, colours, and the panels both the per-service row and
 * the templated detail dashboard draw. Every input is the validated SLO model (src/slo/model.ts): nothing here checks
 * an SLO again.
 */

/** The overview's stable uid (SLO_DASHBOARD_UIDS). */
export const SLO_OVERVIEW_UID = SLO_DASHBOARD_UIDS.overview;

/** Prefix of the per-service dashboards' uids (`obs-slo-<service>`). */
export const SLO_SERVICE_UID_PREFIX = SLO_DASHBOARD_UIDS.servicePrefix;

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

/**
 * Burn rates are multiples of the sustainable error rate: Grafana's custom-unit syntax `suffix:<text>` prints them as
 * `14.4×` (https://grafana.com/docs/grafana/latest/panels-visualizations/configure-standard-options/#unit).
 */
export const BURN_RATE_UNIT = 'suffix:×';

export const COLOURS = { ok: 'green', low: 'yellow', ticket: 'orange', page: 'red', bad: 'red', objective: 'blue' } as const;

export const TIER_TITLE: Record<AlertTier, string> = { page: 'Page', ticket: 'Ticket' };
const TIER_ORDER: Record<AlertTier, number> = { page: 0, ticket: 1 };

const HASH_LENGTH = 8;

/**
 * The uid of a service's SLO dashboard: `obs-slo-<service>` when that is a valid Grafana uid (≤ 40 characters of letters,
 * digits, `-`, `_`) and not the overview's; otherwise `obs-slo-<service, cleaned and cut>-<8 hex digits of its sha256>`,
 * stable across builds and at most 40 characters.
 */
export function sloDashboardUid(service: string): string {
  const plain = `${SLO_SERVICE_UID_PREFIX}${service}`;
  if (service !== '' && DASHBOARD_UID.test(plain) && plain !== SLO_OVERVIEW_UID) return plain;
  const hash = checksum(service).slice(0, HASH_LENGTH);
  const room = DASHBOARD_UID_MAX - SLO_SERVICE_UID_PREFIX.length - 1 - HASH_LENGTH;
  const stem = service.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, room).replace(/^-+|-+$/g, '');
  return stem === '' ? `${SLO_SERVICE_UID_PREFIX}${hash}` : `${SLO_SERVICE_UID_PREFIX}${stem}-${hash}`;
}

/** The burn-rate alerts an SLO has: both windows of each enabled tier (none when both tiers are off). */
export function alertWindowsOf(slo: SloDefinition): AlertWindow[] {
  return [slo.page, slo.ticket].filter((t) => t.enabled).flatMap((t) => [t.windows.quick, t.windows.slow]);
}

/** Page alerts first, fastest burn first: the order the burn-rate panels are laid out in. */
export function sortedWindows(windows: readonly AlertWindow[]): AlertWindow[] {
  return [...windows].sort((a, b) => TIER_ORDER[a.tier] - TIER_ORDER[b.tier] || b.factor - a.factor);
}

/** The sort order of tiers (page first). */
export function tierOrder(tier: AlertTier): number {
  return TIER_ORDER[tier];
}

/** One colour step per distinct burn-rate factor, red for a page alert's, orange for a ticket's (page wins a tie). */
export function burnRateSteps(windows: readonly AlertWindow[]): ThresholdStep[] {
  return sortedWindows(windows).map((w) => ({ value: w.factor, color: COLOURS[w.tier] }));
}

/** Budget colours: red below 0 (overspent), yellow below 25 %, green from 25 %. */
export const BUDGET_STEPS: readonly ThresholdStep[] = [
  { value: 0, color: COLOURS.low },
  { value: SLO_BUDGET_LOW_PERCENT, color: COLOURS.ok },
];

/** Period burn rate colours, the budget's read the other way: yellow from 0.75× (25 % left), red from 1× (none left). */
export const PERIOD_BURN_STEPS: readonly ThresholdStep[] = [
  { value: 1 - SLO_BUDGET_LOW_PERCENT / 100, color: COLOURS.low },
  { value: 1, color: COLOURS.bad },
];

/** SLI colours: red below the objective, green from it. */
export function sliSteps(objectivePercent: number): ThresholdStep[] {
  return [{ value: objectivePercent, color: COLOURS.ok }];
}

/** Decimal places of a number as written (99.95 → 2). */
function decimalPlaces(value: number): number {
  const s = String(value);
  const dot = s.indexOf('.');
  return dot < 0 || s.includes('e') ? 0 : s.length - dot - 1;
}

/** Decimals to show SLIs of these objectives with: one more than the most precise objective has, at least 2. */
export function sliDecimals(objectivePercents: readonly number[]): number {
  return Math.max(2, ...objectivePercents.map((o) => decimalPlaces(o) + 1));
}

/** The distinct periods of some SLOs, shortest first (the period recordings a query unions). */
export function periodsOf(slos: readonly SloDefinition[]): string[] {
  const bySeconds = new Map<string, number>();
  for (const s of slos) bySeconds.set(String(s.period), s.period.seconds);
  return [...bySeconds.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
}

// ---------------------------------------------------------------------------------------------------------------
// panels both SLO dashboards share (the per-service row and the templated detail dashboard)

/** Stat: share of the period's error budget still unspent; red once overspent, yellow when low. */
export function budgetRemainingStat(id: number, description: string, budgetExpr: string): cog.Builder<dashboard.Panel> {
  return statPanel({
    id,
    title: 'Error budget remaining',
    description,
    unit: sdk.units.Percent,
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
    unit: sdk.units.Short,
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
    unit: sdk.units.Percent,
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
