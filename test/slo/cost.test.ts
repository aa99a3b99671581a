import { isAlertingRule, Rule, RuleGroup } from '../../src/common/rules';
import { sliErrorRatioRecord } from '../../src/conventions';
import { buildSloModel, generateSloRuleFiles, ORDER_SERVICE } from '../../src/slo';
import { parseDuration } from '../../src/common/duration';

/**
 * The evaluation cost the benchmark measures (samples read per evaluation cycle, as Prometheus' `stats=all`
 * totalQueryableSamples counts them), estimated from the generated expressions: a range selector over a raw
 * series reads (matching series) × (window / scrape interval) samples; over a recording, window / (its group's
 * interval). Compared with Sloth's shape (every window 5m…3d over the raw counters, the period as the average of
 * the 5m ratio) and with the naive `rate(…[30d])`.
 */
const SCRAPE = 30;
const EVAL = 30;
const TOTAL_SERIES = 24; // endpoints × methods × statuses × pods of one service
const ERROR_SERIES = 8;
const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

function estimate(groups: readonly RuleGroup[], only?: readonly Rule[]): number {
  const recordedEvery = new Map<string, number>();
  for (const g of groups) for (const r of g.rules) if (!isAlertingRule(r)) recordedEvery.set(r.record, g.interval ? parseDuration(g.interval, 'i') : EVAL);
  let samples = 0;
  for (const g of groups) {
    for (const r of g.rules) {
      if (only && !only.includes(r)) continue;
      for (const m of r.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?(\[(\d+[smhd])\])?/g)) {
        if (!m[2] && !m[3]) continue; // a function name or keyword, not a selector
        const every = recordedEvery.get(m[1]);
        const series = every !== undefined ? 1 : m[2]?.includes('status=~') ? ERROR_SERIES : TOTAL_SERIES;
        samples += m[4] ? series * Math.floor(parseDuration(m[4], 'w') / (every ?? SCRAPE)) : series;
      }
    }
  }
  return samples;
}

function slothShape(): number {
  const raw = WINDOWS.reduce((s, w) => s + (ERROR_SERIES + TOTAL_SERIES) * (parseDuration(w, 'w') / SCRAPE), 0);
  return raw + (30 * 86400) / EVAL;
}

describe('evaluation cost of the error-rate SLO (estimated samples per cycle, 30 days of history)', () => {
  const model = buildSloModel([{ ...ORDER_SERVICE, slos: [ORDER_SERVICE.slos![2]] }]);
  const file = { groups: generateSloRuleFiles(model).flatMap((f) => f.groups) };
  const ours = estimate(file.groups);
  const sloth = slothShape();
  const naive = (ERROR_SERIES + TOTAL_SERIES) * ((30 * 86400) / SCRAPE);

  test('reads at most a third of what Sloth\'s shape reads', () => {
    expect(ours).toBeLessThanOrEqual(sloth / 3);
    // about 26k vs 492k today
    expect(ours).toBeLessThan(30_000);
  });

  test('reads at least 10x fewer samples than rate(...[30d])', () => {
    expect(naive / ours).toBeGreaterThanOrEqual(10);
  });

  test('the period ratio reads 8640 tiles per series, not 30 days of raw samples', () => {
    const period = file.groups.flatMap((g) => g.rules).find((r) => !isAlertingRule(r) && r.record === sliErrorRatioRecord('30d'))!;
    expect(estimate(file.groups, [period])).toBe(2 * 8640);
  });
});
