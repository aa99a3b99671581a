import { ConfigError, ConfigProblem } from '../common/errors';
import { parseDuration, DurationString } from '../common/duration';
import { cleanNumber } from './burn-rate';
import { DEFAULT_PERIOD } from './windows';

/**
 * Error-budget maths (Google SRE Workbook, "Alerting on SLOs": https://sre.google/workbook/alerting-on-slos/).
 * Objectives are percentages (99.9); ratios are fractions (0.001). Pure functions, no PromQL.
 */

/** The one check of an objective (the SLO model's and the maths'): a percentage strictly between 0 and 100. */
export function objectiveProblems(objectivePercent: unknown, path: string): ConfigProblem[] {
  if (typeof objectivePercent === 'number' && Number.isFinite(objectivePercent) && objectivePercent > 0 && objectivePercent < 100) return [];
  return [
    {
      path,
      message: 'must be a percentage strictly between 0 and 100',
      value: objectivePercent,
      fix: 'write e.g. 99.9 for "99.9% of events are good" (100 leaves no error budget).',
    },
  ];
}

function checkObjective(objectivePercent: number): void {
  const problems = objectiveProblems(objectivePercent, 'objective');
  if (problems.length > 0) throw new ConfigError(problems);
}

function checkBurnRate(burnRate: number): void {
  if (typeof burnRate !== 'number' || !Number.isFinite(burnRate) || burnRate <= 0) {
    throw new ConfigError({ path: 'burnRate', message: 'must be a positive number', value: burnRate });
  }
}

/** The objective as a ratio: 99.9 → 0.999. */
export function objectiveRatio(objectivePercent: number): number {
  checkObjective(objectivePercent);
  return cleanNumber(objectivePercent / 100);
}

/** The error budget B = 1 − SLO as a ratio: 99.9 → 0.001. */
export function errorBudget(objectivePercent: number): number {
  checkObjective(objectivePercent);
  return cleanNumber(1 - objectivePercent / 100);
}

/** Minutes of full outage the budget allows over the period: 99.9% over 30d → 43.2. */
export function budgetMinutes(objectivePercent: number, period: DurationString = DEFAULT_PERIOD): number {
  return cleanNumber((errorBudget(objectivePercent) * parseDuration(period, 'period')) / 60);
}

/**
 * Seconds until a constant burn rate exhausts a full budget: period / burn rate. Independent of the objective
 * (burn rate 1 spends exactly the budget over the period): 1× → 30 days, 2× → 15 days, 10× → 3 days,
 * 1000× → 43.2 minutes.
 */
export function timeToExhaustion(burnRate: number, period: DurationString = DEFAULT_PERIOD): number {
  checkBurnRate(burnRate);
  return cleanNumber(parseDuration(period, 'period') / burnRate);
}

/** Share of the period's budget a constant burn rate spends over a window: 14.4 × 1h / 30d = 0.02. */
export function budgetConsumed(burnRate: number, window: DurationString, period: DurationString = DEFAULT_PERIOD): number {
  checkBurnRate(burnRate);
  return cleanNumber((burnRate * parseDuration(window, 'window')) / parseDuration(period, 'period'));
}

/** The burn rate of an observed error ratio: 0.0144 at 99.9% → 14.4. */
export function burnRate(errorRatio: number, objectivePercent: number): number {
  return cleanNumber(errorRatio / errorBudget(objectivePercent));
}
