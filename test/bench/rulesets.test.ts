import { renderRuleFile } from '../../src/common/rules';
import { backfillSteps, planRecordings, rangesOf, readsOf } from '../../bench/rule-eval/plan';
import { generatedRuleSet, naiveRuleSet, RuleSet, slothRuleSet } from '../../bench/rule-eval/rulesets';
import { blockHoursFor, evaluationInstant, stepRuleGroups } from '../../bench/rule-eval';
import { groupFamily } from '../../bench/report';
import { promtool, writeTree } from '../helpers/tools';

const OPTIONS = { services: ['svc-01', 'svc-02'], objective: 99.9, evaluationInterval: '15s' };
const DAY = 86400;
const PLAN = { lookbackSeconds: 300, historySeconds: 7 * DAY, granularitySeconds: 600 };

function byName(set: RuleSet, name: string) {
  return set.rules.filter((r) => r.name === name);
}

describe('the compared rule sets', () => {
  test.each([['naive'], ['sloth'], ['generated']])('the %s rules pass promtool check rules', (id) => {
    // GIVEN the rule set's files
    const set = { naive: naiveRuleSet, sloth: slothRuleSet, generated: generatedRuleSet }[id as 'naive' | 'sloth' | 'generated'](OPTIONS);
    const dir = writeTree(Object.fromEntries(set.files.map((f) => [f.fileName, renderRuleFile(f.groups)])));
    // WHEN promtool checks them
    const r = promtool(['check', 'rules', ...set.files.map((f) => `${dir}/${f.fileName}`)]);
    // THEN
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });

  test('the naive set is the seed\'s SLOBreach: a 30-day rate ratio over the raw counters, by service', () => {
    const [rule] = naiveRuleSet(OPTIONS).rules;
    expect(rule).toMatchObject({ kind: 'alert', name: 'SLOBreach' });
    expect(rule.expr).toBe(
      '(1 - sum(rate(http_requests_total{status=~"5.."}[30d])) by (service) / sum(rate(http_requests_total[30d])) by (service)) < 0.999',
    );
  });

  test('the Sloth shape: 5m…3d over the raw counters, 30d from the 5m recording, metadata and two alerts per SLO', () => {
    const set = slothRuleSet(OPTIONS);
    expect(set.rules).toHaveLength(2 * (8 + 7 + 2));
    const [r3d] = byName(set, 'slo:sli_error:ratio_rate3d');
    expect(r3d.expr).toContain('sum(rate(http_requests_total{service="svc-01",status=~"5.."}[3d]))');
    const [r30d] = byName(set, 'slo:sli_error:ratio_rate30d');
    expect(r30d.expr).toContain('sum_over_time(slo:sli_error:ratio_rate5m{sloth_id="svc-01-error-rate", sloth_service="svc-01", sloth_slo="error-rate"}[30d])');
    expect(r30d.expr).toContain('count_over_time(slo:sli_error:ratio_rate5m{');
    expect(byName(set, 'SLOErrorBudgetBurn').map((r) => r.labels.sloth_severity)).toEqual(['page', 'ticket', 'page', 'ticket']);
  });

  test('every rule reading past a 7-day history reads only 30-day ranges (so the linear projection is exact)', () => {
    for (const set of [naiveRuleSet(OPTIONS), slothRuleSet(OPTIONS), generatedRuleSet(OPTIONS)]) {
      for (const r of set.rules) {
        const ranges = rangesOf(r.expr);
        if (ranges.some((x) => x > 7 * DAY)) expect({ rule: `${set.id}/${r.name}`, ranges: [...new Set(ranges)] }).toEqual({ rule: `${set.id}/${r.name}`, ranges: [30 * DAY] });
      }
    }
  });
});

describe('what must be backfilled before measuring', () => {
  test('reads of recordings, with the range each is selected over', () => {
    const names = new Set(['slo:sli_error:ratio_rate5m', 'slo:error_budget:ratio', 'tiles:x']);
    expect(readsOf('sum_over_time(slo:sli_error:ratio_rate5m{a="b}"}[30d]) / slo:error_budget:ratio{a="b"} + rate(raw[5m])', names)).toEqual([
      { metric: 'slo:error_budget:ratio', rangeSeconds: 0, offsetSeconds: 0 },
      { metric: 'slo:sli_error:ratio_rate5m', rangeSeconds: 30 * DAY, offsetSeconds: 0 },
    ]);
    // An offset read reaches back by the offset: the 1h halves read the 30m recording half an hour back.
    expect(readsOf('slo:error_budget:ratio + (slo:error_budget:ratio offset 30m or tiles:x[5m] offset 1h)', names)).toEqual([
      { metric: 'slo:error_budget:ratio', rangeSeconds: 0, offsetSeconds: 1800 },
      { metric: 'tiles:x', rangeSeconds: 300, offsetSeconds: 3600 },
    ]);
    // A longer name sharing a prefix is another metric; a name inside a label value is not a read.
    expect(readsOf('slo:sli_error:ratio_rate5mx + x{a="slo:error_budget:ratio"}', names)).toEqual([]);
  });

  test('the Sloth shape needs its 5m ratio over the whole history and the other ratios only at the instant', () => {
    const planned = planRecordings(slothRuleSet(OPTIONS).rules, PLAN);
    const need = (name: string) => planned.filter((p) => p.rule.name === name).map((p) => [p.layer, p.needSeconds]);
    expect(need('slo:sli_error:ratio_rate5m')).toEqual([[0, 7 * DAY], [0, 7 * DAY]]);
    expect(need('slo:sli_error:ratio_rate3d')).toEqual([[0, 600], [0, 600]]);
    expect(need('slo:sli_error:ratio_rate30d')).toEqual([[1, 1200], [1, 1200]]);
    // Nobody reads the budget remaining or the info series: not backfilled.
    expect(need('slo:period_error_budget_remaining:ratio')).toEqual([[3, 0], [3, 0]]);
    expect(need('sloth_slo_info')).toEqual([[0, 0], [0, 0]]);
  });

  test('the generated rules need their tiles over the whole history, in layer order', () => {
    const set = generatedRuleSet(OPTIONS);
    const planned = planRecordings(set.rules, PLAN);
    // definitions (layer 0) → 5m event rates (1) → tiles (2), each over the whole history the 30d window reads
    const tiles = planned.filter((p) => /increase5m$/.test(p.rule.name));
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.every((p) => p.layer === 2 && p.needSeconds === 7 * DAY)).toBe(true);
    expect(planned.filter((p) => p.rule.name === 'slo:definition:info').every((p) => p.layer === 0 && p.needSeconds === 7 * DAY)).toBe(true);
    const steps = backfillSteps(planned);
    expect(steps.map((s) => s.layer)).toEqual([...steps.map((s) => s.layer)].sort((a, b) => a - b));
    expect(steps[0]).toMatchObject({ layer: 0, fromSeconds: 7 * DAY });
  });

  test("the generated 30m recordings exist an offset, a lookback and an interval back: the 1h halves read them 30m back", () => {
    const planned = planRecordings(generatedRuleSet(OPTIONS).rules, PLAN);
    const need = planned.filter((p) => /^slo:sli_(total|error)_events:rate30m$/.test(p.rule.name)).map((p) => p.needSeconds);
    expect(need.length).toBe(2);
    // 30m offset + 5m lookback + 15s interval, rounded up to the plan's granularity
    for (const n of need) expect(n).toBeGreaterThanOrEqual(1800 + 300 + 15);
  });

  test('a cycle of recordings is refused', () => {
    const rule = (name: string, expr: string) => ({ set: 'generated' as const, file: 'f', group: 'g', intervalSeconds: 60, kind: 'record' as const, name, expr, labels: {} });
    expect(() => planRecordings([rule('a', 'b + 1'), rule('b', 'a + 1')], PLAN)).toThrow(/recording rules read each other in a cycle/);
  });

  test('backfill steps keep each rule\'s group and interval, group names unique in the file', () => {
    const rule = (file: string, group: string, name: string) => ({ set: 'sloth' as const, file, group, intervalSeconds: 300, kind: 'record' as const, name, expr: 'vector(1)', labels: {} });
    const groups = stepRuleGroups({ layer: 0, fromSeconds: 600, rules: [rule('a', 'g', 'x'), rule('b', 'g', 'y'), rule('a', 'g', 'z')] });
    expect(groups.map((g) => [g.name, g.interval, g.rules.length])).toEqual([['g', '5m', 2], ['g-2', '5m', 1]]);
  });

  test('promtool blocks stay under 11,000 points per range query', () => {
    expect(blockHoursFor(15)).toBe(18);
    expect(blockHoursFor(60)).toBe(162);
    expect(blockHoursFor(300)).toBe(486);
  });

  test('the history fits one 486-hour block', () => {
    const block = 486 * 3600;
    const end = evaluationInstant(7);
    expect(Math.floor((end - 7 * DAY) / block)).toBe(Math.floor(end / block));
    expect(() => evaluationInstant(20)).toThrow(/--days must be at most 19/);
  });

  test('report groups rules by family, without the service', () => {
    expect(groupFamily('slo-sli-tiles-svc-01')).toBe('slo-sli-tiles');
    expect(groupFamily('sloth-slo-alerts-svc-10-error-rate')).toBe('sloth-slo-alerts');
  });
});
