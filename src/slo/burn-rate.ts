import { ConfigError } from '../common/errors';
import { PromDuration } from '../common/duration';
import { WindowSpec, WindowTable } from './windows';

/**
 * Burn-rate maths, apart from PromQL: turns a window table (data) into the alert windows the generators consume.
 * The generators never see budget shares, only `factor`, `shortWindow` and `longWindow`.
 */

export type AlertTier = 'page' | 'ticket';
export type AlertSpeed = 'quick' | 'slow';

/** One window pair of a multiwindow multi-burn-rate alert, computed. */
export interface AlertWindow {
  readonly tier: AlertTier;
  readonly speed: AlertSpeed;
  /** Burn-rate factor: alert when the error ratio over both windows is above `factor × error budget`. */
  readonly factor: number;
  /** Canonical (`5m`, `1h`), as the recording names carry it. */
  readonly shortWindow: PromDuration;
  readonly longWindow: PromDuration;
  /** Share of the period's budget spent over the long window at `factor` (0.02 = 2%). */
  readonly budgetShare: number;
}

export interface TierAlertWindows {
  readonly quick: AlertWindow;
  readonly slow: AlertWindow;
}

export interface AlertWindows {
  readonly page: TierAlertWindows;
  readonly ticket: TierAlertWindows;
}

/** Rounds away binary noise (0.02 × 720 = 14.400000000000002 → 14.4), keeping 12 significant digits. */
export function cleanNumber(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * The burn-rate factor that spends `budgetShare` of the period's budget over `longWindowSeconds`:
 * share × period / long window (the workbook's 0.02 × 30d / 1h = 14.4).
 */
export function burnRateFactor(budgetShare: number, periodSeconds: number, longWindowSeconds: number): number {
  return cleanNumber(budgetShare * (periodSeconds / longWindowSeconds));
}

/** The canonical form of a window written in a table (`60m` → `1h`): recording names carry it. */
function canonical(text: string, path: string): PromDuration {
  return PromDuration.seconds(PromDuration.parse(text, path).seconds);
}

function computeWindow(tier: AlertTier, speed: AlertSpeed, spec: WindowSpec, periodSeconds: number, path: string): AlertWindow {
  const shortWindow = canonical(spec.shortWindow, `${path}.shortWindow`);
  const longWindow = canonical(spec.longWindow, `${path}.longWindow`);
  const shortSeconds = shortWindow.seconds;
  const longSeconds = longWindow.seconds;
  if (!(spec.budgetShare > 0 && spec.budgetShare <= 1)) {
    throw new ConfigError({ path: `${path}.budgetShare`, message: 'must be in (0, 1]', value: spec.budgetShare, fix: 'give a fraction of the error budget, e.g. 0.02 for 2%.' });
  }
  if (shortSeconds >= longSeconds) {
    throw new ConfigError({ path: `${path}.shortWindow`, message: `must be shorter than the long window (${spec.longWindow})`, value: spec.shortWindow, fix: 'the workbook uses a short window of 1/12 of the long one (5m for 1h).' });
  }
  if (longSeconds > periodSeconds) {
    throw new ConfigError({ path: `${path}.longWindow`, message: `must not exceed the SLO period (${PromDuration.seconds(periodSeconds)})`, value: spec.longWindow });
  }
  return { tier, speed, factor: burnRateFactor(spec.budgetShare, periodSeconds, longSeconds), shortWindow, longWindow, budgetShare: spec.budgetShare };
}

/** Computes the four alert windows of a table for its period. */
export function computeAlertWindows(table: WindowTable, path = 'windowTable'): AlertWindows {
  const periodSeconds = PromDuration.parse(table.period, `${path}.period`).seconds;
  return {
    page: {
      quick: computeWindow('page', 'quick', table.page.quick, periodSeconds, `${path}.page.quick`),
      slow: computeWindow('page', 'slow', table.page.slow, periodSeconds, `${path}.page.slow`),
    },
    ticket: {
      quick: computeWindow('ticket', 'quick', table.ticket.quick, periodSeconds, `${path}.ticket.quick`),
      slow: computeWindow('ticket', 'slow', table.ticket.slow, periodSeconds, `${path}.ticket.slow`),
    },
  };
}

/** The four windows in a fixed order: page quick, page slow, ticket quick, ticket slow. */
export function listAlertWindows(w: AlertWindows): readonly AlertWindow[] {
  return [w.page.quick, w.page.slow, w.ticket.quick, w.ticket.slow];
}

/**
 * Every window an SLI must be recorded over: each alert window (short and long) plus the period, ascending and
 * unique, in canonical form (`5m`, `30m`, `1h`, `2h`, `6h`, `1d`, `3d`, `30d` for the workbook tables).
 */
export function sliWindows(windows: AlertWindows, period: PromDuration): readonly PromDuration[] {
  const seconds = new Set<number>();
  for (const w of listAlertWindows(windows)) {
    seconds.add(w.shortWindow.seconds);
    seconds.add(w.longWindow.seconds);
  }
  seconds.add(period.seconds);
  return [...seconds].sort((a, b) => a - b).map((s) => PromDuration.seconds(s));
}

/** The error-ratio threshold of a window: factor × error budget, e.g. 14.4 × 0.001 = 0.0144. */
export function errorRatioThreshold(window: AlertWindow, errorBudget: number): number {
  return window.factor * errorBudget;
}
