import { BenchResults, EvalInterval, engineCheck, engineNote, rawReadSeconds, rawReadSecondsPerInterval, renderMarkdown, targetChecks } from '../../bench/report';
import { summarize } from '../../bench/lib/stats';
import type { SynthCase, SynthMode } from '../../bench/synth';
import type { RuleEvalResult, SetResult } from '../../bench/rule-eval';

/** The global evaluation interval the notes are judged at (the stack's default, as the bench's measurements run). */
const EVERY_15S: EvalInterval = { label: '15s', seconds: 15 };

const OUTPUT = { objects: 1, bytes: 10, rules: 1, ruleFiles: 1, sha256: 'x', largest: [] };

function synthCase(mode: SynthMode, size: string, seconds: number[], rssMb: number[], sha256 = 'x'): SynthCase {
  const sum = summarize(seconds);
  return { mode, size, runs: [], seconds: sum, rss: summarize(rssMb.map((x) => x * 1e6)), buildSeconds: sum, synthSeconds: sum, importSeconds: sum, processSeconds: sum, output: { ...OUTPUT, sha256 }, deterministic: true };
}

function set(id: 'generated' | 'naive' | 'sloth', samples: number, firing: string[]): SetResult {
  return {
    id,
    title: id,
    rules: 1,
    recordings: 0,
    alerts: 1,
    costs: [],
    samples,
    projected: samples * 2,
    projectedPerHour: samples,
    evalSeconds: summarize([0.1]),
    evalSecondsPerInterval: summarize([0.08]),
    wallSeconds: summarize([0.2]),
    deterministic: true,
    backfill: { steps: 0, layers: 0, seconds: 0, restarts: 0, compactionWaitSeconds: 0 },
    firing,
    ratios: {},
  };
}

const BASE: BenchResults = {
  startedAt: 'now',
  command: 'npm run bench',
  machine: { cores: 2, cpuModel: 'cpu', memoryBytes: 1e9, kernel: 'k', node: 'v20' },
  loadAverage: { start: [0, 0, 0], end: [0, 0, 0] },
  versions: {},
  totalSeconds: 1,
};

/** Results with only a synth part, of these cases. */
function withSynth(...cases: SynthCase[]): BenchResults {
  return { ...BASE, synth: { totalSeconds: 1, cases } };
}

describe('target verdicts', () => {
  test('parts that did not run are not measured, never met', () => {
    expect(targetChecks(BASE).map((c) => c.verdict)).toEqual(Array(7).fill('not measured'));
  });

  test('synth targets: median time and worst peak RSS at 1000 services, CLI default platform and 100 against its floor', () => {
    // GIVEN a fast, lean in-process synth, a default platform 1.1× and 100 services 1.5× the CLI floor
    const r = withSynth(
      synthCase('inproc', '1000', [1.5, 1.9, 2.5], [300, 350, 401]),
      synthCase('cli', 'floor', [2, 2, 2], [100]),
      synthCase('cli', 'default', [2.2, 2.2, 2.2], [100]),
      synthCase('cli', '100', [3, 3, 3], [100]),
    );
    // WHEN
    const [time, rss, cliDefault, cli] = targetChecks(r);
    // THEN
    expect(time).toMatchObject({ verdict: 'met' });
    expect(rss).toMatchObject({ verdict: 'not met', measured: expect.stringMatching(/^401 MB \(worst run/) });
    expect(cliDefault).toMatchObject({ target: expect.stringContaining('default platform'), verdict: 'met', measured: expect.stringMatching(/^1\.1×/) });
    expect(cli).toMatchObject({ target: expect.stringContaining('100 services'), verdict: 'not met', measured: expect.stringMatching(/^1\.5×/) });
  });

  test('the CLI target quotes the compiled library under plain node against its own floor, and its table says whether it wrote the same bytes', () => {
    // GIVEN CLI runs (cdk8s.yaml's runner) at 1.5× their floor, and node runs of the compiled library at 1.8× theirs, one with other bytes
    const r = withSynth(
      synthCase('cli', 'floor', [2, 2, 2], [100], 'f'),
      synthCase('cli', '100', [3, 3, 3], [100], 'a'),
      synthCase('cli-node', 'floor', [1, 1, 1], [90], 'f'),
      synthCase('cli-node', '100', [1.8, 1.8, 1.8], [90], 'b'),
    );
    // WHEN
    const cli = targetChecks(r).find((c) => c.target.includes('100 services'));
    const md = renderMarkdown(r);
    // THEN the verdict is cdk8s.yaml's runner's; the node figure is a note
    expect(cli).toMatchObject({ verdict: 'not met', measured: expect.stringMatching(/^1\.5×/) });
    expect(cli?.note).toContain('the compiled library under plain node (no tsx hooks): 1.8× its floor (1.8 s vs 1 s)');
    expect(md).toContain('### (c) CLI with the compiled library');
    // the (b) heading names the runner the CLI cases ran under (cdk8s.yaml's), or says it is unknown
    expect(md).toContain('### (b) CLI: `cdk8s synth --no-check-upgrade --app "<runner> bench/synth-app.ts"`');
    expect(renderMarkdown({ ...r, synth: { ...r.synth!, runner: 'node --require tsx/cjs' } })).toContain('--app "node --require tsx/cjs bench/synth-app.ts"');
    expect(md).toMatch(/\| floor \(empty chart\) \| 1 s .*\| yes \| yes \|/);
    expect(md).toMatch(/\| 100 \| 1\.8 s .*\| 1\.8× .*\| yes \| NO \|/);
  });

  test('rule targets: sample ratios at 30-day depth and identical alerts', () => {
    const rules = {
      options: { services: 1, days: 7, scrapeSeconds: 30, reps: 1, seed: 1, evaluationInterval: '15s', objective: 99.9 },
      sets: [
        set('naive', 1000, ['SLOBreach/svc-01']),
        set('sloth', 300, ['SLOErrorBudgetBurn/page/svc-01']),
        set('generated', 100, ['SLOBreach/svc-01', 'SLOErrorBudgetBurn/page/svc-01']),
      ],
    } as unknown as RuleEvalResult;
    const checks = targetChecks({ ...BASE, rules }).slice(4);
    expect(checks.map((c) => c.verdict)).toEqual(['met', 'met', 'met']);
    const differs = { ...rules, sets: [rules.sets[0], set('sloth', 301, []), rules.sets[2]] } as RuleEvalResult;
    expect(targetChecks({ ...BASE, rules: differs }).slice(4).map((c) => c.verdict)).toEqual(['met', 'met', 'not met']);
  });

  test('the report names the machine and every target', () => {
    const md = renderMarkdown(BASE);
    expect(md).toContain('| CPU | 2 × cpu |');
    expect(md).toContain('| in-process synth of 1000 services < 2 s | not run | not measured |');
  });
});

describe('the engine-time note', () => {
  const cost = (expr: string, ms: number) => ({
    rule: { set: 'generated' as const, file: 'f', group: 'g', intervalSeconds: 15, kind: 'record' as const, name: 'r', expr, labels: {} },
    samples: 1,
    projected: 1,
    maxRangeSeconds: 0,
    evalSeconds: ms / 1000,
  });

  test('bounds the ratio by the raw reads: only rules naming the raw metric count', () => {
    // GIVEN generated rules of 40 ms, 30 of them reading http_requests_total, and per-SLO rules of 150 ms
    const shared: SetResult = {
      ...set('generated', 1, []),
      evalSeconds: summarize([0.04]),
      costs: [cost('sum by (service) (rate(http_requests_total[5m]))', 20), cost('group by (service) (http_requests_total)', 10), cost('slo:sli_total_events:rate5m * 300', 10)],
    };
    const legacy: SetResult = { ...set('generated', 1, []), id: 'legacy' as SetResult['id'], evalSeconds: summarize([0.15]) };
    // WHEN the note is written
    const note = engineNote(shared, legacy, EVERY_15S);
    // THEN it names the raw reads' time and the bound they set (150 / 30 = 5)
    expect(rawReadSeconds(shared)).toBeCloseTo(0.03, 10);
    expect(note).toContain('take 30 ms of the 40 ms alone');
    expect(note).toContain('at most 1/5;');
    // with the raw reads free, 10 ms are left against 150 ms
    expect(note).toContain("with the generated rules' raw reads free (the most an approximate or less frequent raw read could save), 10 ms vs 150 ms per cycle (1/15)");
    // the per-SLO rules' costs are unknown here: no comparison without the raw reads
    expect(note).not.toContain('without each set');
  });

  test('states the bound the other rules set per global interval too, each raw read weighted by its group interval', () => {
    // GIVEN generated rules of 20 ms per 15 s: a 4 ms raw read every 15 s and a 32 ms one every minute (8 ms per 15 s)
    const perMinute = { ...cost('group by (service) (present_over_time(http_requests_total[10m]))', 32), rule: { ...cost('', 0).rule, intervalSeconds: 60, expr: 'group by (service) (present_over_time(http_requests_total[10m]))' } };
    const shared: SetResult = {
      ...set('generated', 1, []),
      evalSeconds: summarize([0.05]),
      evalSecondsPerInterval: summarize([0.02]),
      costs: [cost('sum by (service) (rate(http_requests_total[5m]))', 4), perMinute, cost('slo:sli_total_events:rate5m * 300', 14)],
    };
    const legacy: SetResult = { ...set('generated', 1, []), id: 'legacy' as SetResult['id'], evalSeconds: summarize([0.14]), evalSecondsPerInterval: summarize([0.08]) };
    // WHEN / THEN 14 ms left per cycle against 140 ms, and 20 - 4 - 8 = 8 ms per 15 s against 80 ms
    expect(rawReadSecondsPerInterval(shared, 15)).toBeCloseTo(0.012, 10);
    expect(engineNote(shared, legacy, EVERY_15S)).toContain('14 ms vs 140 ms per cycle (1/10), 8 ms vs 80 ms per 15s (1/10)');
  });

  test('compares what is left without each set\'s raw reads', () => {
    // GIVEN generated rules of 40 ms (30 raw) and per-SLO rules of 150 ms (50 raw)
    const shared: SetResult = {
      ...set('generated', 1, []),
      evalSeconds: summarize([0.04]),
      costs: [cost('sum by (service) (rate(http_requests_total[5m]))', 30), cost('slo:sli_total_events:rate5m * 300', 10)],
    };
    const legacy: SetResult = {
      ...set('generated', 1, []),
      id: 'legacy' as SetResult['id'],
      evalSeconds: summarize([0.15]),
      costs: [cost('sum(rate(http_requests_total{service="a"}[5m]))', 50), cost('slo:sli_error_events:rate5m / slo:sli_total_events:rate5m', 100)],
    };
    // WHEN / THEN 10 ms against 100 ms
    expect(engineNote(shared, legacy, EVERY_15S)).toContain("; without each set's raw reads, 10 ms vs 100 ms per cycle (1/10)");
  });
});

describe('the engine-time target', () => {
  const timed = (id: 'generated' | 'legacy', ms: number, perIntervalMs = ms): SetResult => ({
    ...set('generated', 100, []),
    id: id as SetResult['id'],
    evalSeconds: summarize([ms / 1000]),
    evalSecondsPerInterval: summarize([perIntervalMs / 1000]),
  });
  const run = (services: number, generatedMs: number, legacyMs: number, perInterval?: { generated: number; legacy: number }): RuleEvalResult =>
    ({
      options: { services, days: 1, scrapeSeconds: 30, reps: 1, seed: 1, evaluationInterval: '15s', objective: 99.9 },
      history: { series: services * 24, samples: 1, bytes: 1, generateSeconds: 1, importSeconds: 1, blockBytes: 1, startSeconds: 0, endSeconds: 1 },
      scenarios: [],
      sets: [timed('legacy', legacyMs, perInterval?.legacy), timed('generated', generatedMs, perInterval?.generated)],
      totalSeconds: 1,
    }) as unknown as RuleEvalResult;

  test('is judged on the at-scale run when there is one, the small catalog quoted beside it', () => {
    // GIVEN 1/2 at 10 SLOs and 1/12 at 100
    const r: BenchResults = { ...BASE, rules: run(10, 40, 80), rulesAtScale: run(100, 50, 600) };
    // WHEN the target is checked
    const [c] = engineCheck(r);
    // THEN the verdict is the at-scale ratio's, and both measurements are named
    expect(c.verdict).toBe('met');
    expect(c.measured).toContain('1/12 at 100 SLOs per cycle (50 ms vs 600 ms, medians), 1/12 per 15s at the groups\' intervals (50 ms vs 600 ms)');
    expect(c.measured).toContain('1/2 at 10 SLOs per cycle (40 ms vs 80 ms, medians)');
    // AND without the at-scale run the small catalog decides
    expect(engineCheck({ ...BASE, rules: run(10, 40, 80) })[0].verdict).toBe('not met');
    // AND a slower at-scale ratio fails even when the small one would pass
    expect(engineCheck({ ...BASE, rules: run(10, 5, 80), rulesAtScale: run(100, 100, 600) })[0].verdict).toBe('not met');
  });

  test('needs both ratios: every rule once per cycle, and each rule at its group\'s interval', () => {
    // GIVEN 1/12 per cycle but 1/6 per 15 s (the per-SLO rules' cost sits in slow groups)
    const r: BenchResults = { ...BASE, rulesAtScale: run(100, 50, 600, { generated: 40, legacy: 240 }) };
    // WHEN the target is checked THEN it is not met, and the per-interval ratio is named
    const [c] = engineCheck(r);
    expect(c.verdict).toBe('not met');
    expect(c.measured).toContain("1/6 per 15s at the groups' intervals (40 ms vs 240 ms)");
  });

  test('the report has an at-scale section with both sets', () => {
    const md = renderMarkdown({ ...BASE, rules: run(10, 40, 80), rulesAtScale: run(100, 50, 600) });
    expect(md).toContain('### At scale: 100 services');
    expect(md.slice(md.indexOf('### At scale'))).toMatch(/\| generated \| 1 \(0\/1\) \| 100 \| 200 \| 50 ms \(n=1\) \| 50 ms/);
  });
});
