import { PromDuration } from '../../src/common/duration';
import { burnRateFactor, computeAlertWindows, errorRatioThreshold, sliWindows } from '../../src/slo/burn-rate';
import { GOOGLE_28D, GOOGLE_30D, WindowTable } from '../../src/slo/windows';

describe('window tables and burn-rate factors', () => {
  // factor = budget share × period / long window
  test.each([
    ['30d', 'page', 'quick', 14.4, '1h', '5m', 0.02],
    ['30d', 'page', 'slow', 6, '6h', '30m', 0.05],
    ['30d', 'ticket', 'quick', 3, '1d', '2h', 0.1],
    ['30d', 'ticket', 'slow', 1, '3d', '6h', 0.1],
    ['28d', 'page', 'quick', 13.44, '1h', '5m', 0.02],
    ['28d', 'page', 'slow', 5.6, '6h', '30m', 0.05],
    ['28d', 'ticket', 'quick', 2.8, '1d', '2h', 0.1],
    ['28d', 'ticket', 'slow', 0.933333333333, '3d', '6h', 0.1],
  ] as const)('%s %s %s burns %p× over %s/%s (%p of the budget)', (period, tier, speed, factor, long, short, share) => {
    // GIVEN the workbook table for the period
    const table = period === '30d' ? GOOGLE_30D : GOOGLE_28D;
    // WHEN the alert windows are computed
    const w = computeAlertWindows(table)[tier][speed];
    // THEN factor and windows are the workbook's
    expect({ ...w, longWindow: String(w.longWindow), shortWindow: String(w.shortWindow) }).toMatchObject({ factor, longWindow: long, shortWindow: short, budgetShare: share, tier, speed });
  });

  test('the factor is budget share × period / long window', () => {
    expect(burnRateFactor(0.02, 30 * 86400, 3600)).toBe(14.4);
    expect(burnRateFactor(0.05, 30 * 86400, 6 * 3600)).toBe(6);
    expect(burnRateFactor(0.1, 30 * 86400, 86400)).toBe(3);
  });

  test('the SLI is recorded over every alert window and the period', () => {
    const windows = (table: typeof GOOGLE_30D): string[] => sliWindows(computeAlertWindows(table), PromDuration.parse(table.period, 'period')).map(String);
    expect(windows(GOOGLE_30D)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
    expect(windows(GOOGLE_28D)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '28d']);
  });

  test('the error-ratio threshold is factor × budget', () => {
    expect(errorRatioThreshold(computeAlertWindows(GOOGLE_30D).page.quick, 0.001)).toBeCloseTo(0.0144, 12);
  });

  test.each([
    ['a short window not shorter than the long one', { shortWindow: '1h', longWindow: '1h', budgetShare: 0.02 }, /shortWindow: must be shorter than the long window/],
    ['a budget share above 1', { shortWindow: '5m', longWindow: '1h', budgetShare: 2 }, /budgetShare: must be in \(0, 1\]/],
    ['a long window beyond the period', { shortWindow: '5m', longWindow: '60d', budgetShare: 0.02 }, /longWindow: must not exceed the SLO period/],
  ])('rejects %s', (_name, quick, message) => {
    const bad: WindowTable = { ...GOOGLE_30D, page: { ...GOOGLE_30D.page, quick } };
    expect(() => computeAlertWindows(bad)).toThrow(message);
  });
});
