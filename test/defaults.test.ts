import { DEFAULT_HTTP_BUCKETS } from '../packages/instrumentation/src/conventions';
import { errorBudget } from '../src/slo/budget';
import { listAlertWindows } from '../src/slo/burn-rate';
import { SLO_CLASSES } from '../src/slo/catalog';
import { allSlos, buildSloModel } from '../src/slo/model';
import { DEFAULT_HISTOGRAM_BUCKETS } from '../src/slo/spec';
import { sloWarnings } from '../src/slo/warnings';
import { WINDOW_TABLES } from '../src/slo/windows';

/**
 * Defaults that agree with each other (issue 9, item 6): a service that declares nothing but a built-in class works —
 * its latency thresholds are boundaries of the default buckets, which are the instrumentation kit's, and every one of
 * its objectives can page with the default windows — so the README's snippet synthesizes without a warning.
 */

describe('default histogram buckets', () => {
  test("are the seed's buckets plus 0.2, the instrumentation kit's DEFAULT_HTTP_BUCKETS", () => {
    const seed = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    expect(DEFAULT_HISTOGRAM_BUCKETS).toEqual([...seed, 0.2].sort((a, b) => a - b));
    expect(DEFAULT_HISTOGRAM_BUCKETS).toEqual(DEFAULT_HTTP_BUCKETS);
  });

  test('hold every latency threshold of the built-in classes', () => {
    const thresholds = Object.values(SLO_CLASSES).flatMap((c) => (c.latency ?? []).map((l) => l.threshold));
    expect(thresholds.filter((t) => !DEFAULT_HISTOGRAM_BUCKETS.includes(t))).toEqual([]);
  });
});

describe.each(Object.keys(SLO_CLASSES))('the built-in class %s', (cls) => {
  test.each(Object.keys(WINDOW_TABLES))('works on a service that declares nothing else, over %s: no problem, no warning', (period) => {
    const model = buildSloModel([{ name: 'svc', class: cls, period }]);
    expect(allSlos(model).length).toBeGreaterThan(0);
    expect(sloWarnings(model)).toEqual([]);
  });

  test.each(Object.keys(WINDOW_TABLES))('has objectives whose page windows can all fire with the %s table', (period) => {
    const model = buildSloModel([{ name: 'svc', class: cls, period }]);
    for (const slo of allSlos(model)) {
      // a full outage burns the budget at 1 / budget: every page window's factor must be within reach
      const maxBurn = 1 / errorBudget(slo.objective);
      const page = listAlertWindows(slo.alertWindows).filter((w) => w.tier === 'page');
      expect({ slo: slo.name, unreachable: page.filter((w) => w.factor > maxBurn).map((w) => `${w.longWindow}/${w.shortWindow}`) }).toEqual({ slo: slo.name, unreachable: [] });
    }
  });
});
