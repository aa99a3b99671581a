import { budgetConsumed, budgetMinutes, burnRate, errorBudget, objectiveRatio, timeToExhaustion } from '../../src/slo/budget';

describe('error-budget maths', () => {
  test('the budget is 1 − SLO', () => {
    expect(errorBudget(99.9)).toBe(0.001);
    expect(errorBudget(99)).toBe(0.01);
    expect(errorBudget(99.99)).toBe(0.0001);
    expect(objectiveRatio(99.9)).toBe(0.999);
  });

  test('99.9% over 30 days allows 43.2 minutes of full outage', () => {
    expect(budgetMinutes(99.9)).toBe(43.2);
    expect(budgetMinutes(99.9, '28d')).toBe(40.32);
    expect(budgetMinutes(99)).toBe(432);
  });

  // The workbook's table: time to exhaust a 30-day budget at a constant burn rate.
  test.each([
    [1, 30 * 86400, '30 days'],
    [2, 15 * 86400, '15 days'],
    [10, 3 * 86400, '3 days'],
    [1000, 43.2 * 60, '43 minutes'],
  ])('a %p× burn exhausts the budget in %p s (%s)', (burn, seconds) => {
    expect(timeToExhaustion(burn)).toBe(seconds);
  });

  test('a 14.4× burn over 1h spends 2% of a 30-day budget; 6× over 6h spends 5%', () => {
    expect(budgetConsumed(14.4, '1h')).toBe(0.02);
    expect(budgetConsumed(6, '6h')).toBe(0.05);
  });

  test('an error ratio of 1.44% at 99.9% is a 14.4× burn', () => {
    expect(burnRate(0.0144, 99.9)).toBe(14.4);
  });

  test.each([[0], [100], [120], [NaN]])('rejects objective %p', (o) => {
    expect(() => errorBudget(o)).toThrow(/objective: must be a percentage strictly between 0 and 100/);
  });

  test('rejects a non-positive burn rate', () => {
    expect(() => timeToExhaustion(0)).toThrow(/burnRate: must be a positive number/);
  });
});
