import { DurationString } from '../common/duration';

/**
 * Multiwindow multi-burn-rate alert window tables, as data.
 *
 * Source: Google SRE Workbook, "Alerting on SLOs", recommended parameters
 * (https://sre.google/workbook/alerting-on-slos/#recommended_parameters_for_an_slo_based_a), in the shape Sloth ships
 * them (https://github.com/slok/sloth/blob/main/internal/alert/windows/google-30d.yaml and google-28d.yaml).
 *
 * A window only states how much of the period's error budget may be spent over its long window before it alerts;
 * the burn-rate factor is derived from it (burn-rate.ts): factor = budget share × period / long window
 * (0.02 × 720h / 1h = 14.4).
 */
export interface WindowSpec {
  /** Share of the period's error budget (0.02 = 2%) spent over `longWindow` at the alerting burn rate. */
  readonly budgetShare: number;
  /** The short window: confirms the burn is still happening, so the alert resets soon after recovery. */
  readonly shortWindow: DurationString;
  /** The long window: how much budget has been spent. */
  readonly longWindow: DurationString;
}

/** One tier (page or ticket): a quick and a slow window pair, OR-ed together. */
export interface TierWindows {
  readonly quick: WindowSpec;
  readonly slow: WindowSpec;
}

export interface WindowTable {
  /** The SLO period the table is tuned for. */
  readonly period: DurationString;
  readonly page: TierWindows;
  readonly ticket: TierWindows;
  /** Where the numbers come from. */
  readonly source: string;
}

const WORKBOOK = 'https://sre.google/workbook/alerting-on-slos/#recommended_parameters_for_an_slo_based_a';

/**
 * The workbook's budget shares and windows. The same shares serve both periods; the factors differ because
 * factor = share × period / long window.
 */
const WORKBOOK_TIERS: Pick<WindowTable, 'page' | 'ticket'> = {
  page: {
    quick: { budgetShare: 0.02, shortWindow: '5m', longWindow: '1h' },
    slow: { budgetShare: 0.05, shortWindow: '30m', longWindow: '6h' },
  },
  ticket: {
    quick: { budgetShare: 0.1, shortWindow: '2h', longWindow: '1d' },
    slow: { budgetShare: 0.1, shortWindow: '6h', longWindow: '3d' },
  },
};

/** The workbook's table for a 30-day period: page 14.4× (1h/5m) and 6× (6h/30m); ticket 3× (1d/2h) and 1× (3d/6h). */
export const GOOGLE_30D: WindowTable = { period: '30d', ...WORKBOOK_TIERS, source: WORKBOOK };

/** The same budget shares over a 28-day period: factors 13.44, 5.6, 2.8 and 0.9333. */
export const GOOGLE_28D: WindowTable = { period: '28d', ...WORKBOOK_TIERS, source: WORKBOOK };

/** The built-in tables, keyed by period. */
export const WINDOW_TABLES: Readonly<Record<string, WindowTable>> = {
  '30d': GOOGLE_30D,
  '28d': GOOGLE_28D,
};

/** The SLO period when none is given. */
export const DEFAULT_PERIOD: DurationString = '30d';
