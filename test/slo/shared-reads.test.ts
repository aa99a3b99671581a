import { isAlertingRule, RecordingRule } from '../../src/common/rules';
import { buildSloModel, generateSloRuleFiles, ServiceSpec } from '../../src/slo';
import { promtoolSloRules } from './promtool-rules';

/**
 * The raw reads of the SLI shapes, each raw series read once per window. Latency SLOs of one histogram share one SLI
 * shape whatever their thresholds: one bucket read per window for all of them (`le` a join label like `service`),
 * `_count` read once per window. An error-rate shape reads its counter once per window, classified bad/other.
 * Proven by the real promtool; latency on series written the ways clients write them: Go's `le="1"`, Python's and
 * Prometheus 3's `le="1.0"`, and both at once (a service whose old pods still run the other client, or the hour after
 * an upgrade to Prometheus 3).
 */

const SERVICES: ServiceSpec[] = [
  {
    name: 'svc-a',
    slos: [
      { name: 'fast', objective: 95, sli: { kind: 'latency', threshold: 0.1 } },
      { name: 'slow', objective: 99, sli: { kind: 'latency', threshold: 1 } },
    ],
  },
  { name: 'svc-b', slos: [{ name: 'slow', objective: 99, sli: { kind: 'latency', threshold: 1 } }] },
  { name: 'svc-c', slos: [{ name: 'p99', objective: 99, sli: { kind: 'latency', threshold: 0.2 } }] },
  { name: 'svc-d', slos: [{ name: 'p99', objective: 99, sli: { kind: 'latency', threshold: 0.5 } }] },
];
const model = buildSloModel(SERVICES);
const files = generateSloRuleFiles(model);
const records = files.flatMap((f) => f.groups.flatMap((g) => g.rules)).filter((r): r is RecordingRule => !isAlertingRule(r));

/** A counter growing by `perMinute` every minute for 20 minutes. */
function counter(labels: string, perMinute: number): { series: string; values: string } {
  return { series: labels, values: `0+${perMinute}x20` };
}

const h = 'http_request_duration_seconds';
const INPUT = [
  // svc-a (Go client): 100 requests/min, 90 within 0.1 s, 95 within 0.2 s, 99 within 1 s
  counter(`${h}_count{service="svc-a", instance="a-0"}`, 100),
  counter(`${h}_bucket{service="svc-a", instance="a-0", le="0.1"}`, 90),
  counter(`${h}_bucket{service="svc-a", instance="a-0", le="0.2"}`, 95),
  counter(`${h}_bucket{service="svc-a", instance="a-0", le="1"}`, 99),
  // svc-b: an old Go pod (50/min, 45 within 1 s) beside a new Python pod (100/min, 98 within 1 s, le="1.0")
  counter(`${h}_count{service="svc-b", instance="b-old"}`, 50),
  counter(`${h}_bucket{service="svc-b", instance="b-old", le="1"}`, 45),
  counter(`${h}_count{service="svc-b", instance="b-new"}`, 100),
  counter(`${h}_bucket{service="svc-b", instance="b-new", le="1.0"}`, 98),
  // svc-c: 200/min, 196 within 0.2 s (and a 0.1 bucket nobody's SLO reads)
  counter(`${h}_count{service="svc-c", instance="c-0"}`, 200),
  counter(`${h}_bucket{service="svc-c", instance="c-0", le="0.1"}`, 100),
  counter(`${h}_bucket{service="svc-c", instance="c-0", le="0.2"}`, 196),
  // svc-d: traffic, but no 0.5 bucket: its SLO cannot be measured
  counter(`${h}_count{service="svc-d", instance="d-0"}`, 100),
  counter(`${h}_bucket{service="svc-d", instance="d-0", le="0.1"}`, 100),
];

/** The expected 5m error ratio of each SLO, in parts per million. */
const EXPECTED_PPM: Record<string, number> = {
  'svc-a-fast': 100_000, // 10 of 100 slower than 0.1 s
  'svc-a-slow': 10_000, // 1 of 100 slower than 1 s
  'svc-b-slow': 46_667, // (5 + 2) of 150, both spellings summed
  'svc-c-p99': 20_000, // 4 of 200
  'svc-d-p99': 0, // no bad events can be counted without the bucket: the absent-source alert says so
};

describe('latency SLOs with different thresholds share one shape', () => {
  test('one SLI shape for the four thresholds: one bucket read and one _count read per raw window (5m, 30m), none for 1h', () => {
    expect(new Set(records.filter((r) => r.record === 'slo:definition:info').map((r) => r.labels?.slo_sli_shape)).size).toBe(1);
    expect(records.filter((r) => r.record === 'slo:definition:info').map((r) => [r.labels?.sloth_id, r.labels?.le])).toEqual([
      ['svc-a-fast', '0.1'],
      ['svc-a-slow', '1'],
      ['svc-b-slow', '1'],
      ['svc-c-p99', '0.2'],
      ['svc-d-p99', '0.5'],
    ]);
    for (const w of ['5m', '30m']) {
      const window = records.filter((r) => r.labels?.sloth_window === w && /^slo:sli_(error|total)_events:rate/.test(r.record)).map((r) => r.expr).join('\n');
      expect(window.match(new RegExp(`${h}_bucket\\{[^}]*\\}\\[${w}\\]`, 'g'))).toEqual([`${h}_bucket{le=~"0\\\\.1|0\\\\.2|0\\\\.5|1|1\\\\.0"}[${w}]`]);
      expect(window.match(new RegExp(`${h}_count\\[${w}\\]`, 'g'))).toHaveLength(1);
    }
    expect(records.map((r) => r.expr).join('\n')).not.toMatch(/\[1h\]/);
  });

  test('promtool: each SLO gets its own threshold, every spelling counted; a missing threshold bucket is absent', () => {
    const ratio = Object.entries(EXPECTED_PPM).map(([id, ppm]) => ({ labels: `{sloth_id="${id}"}`, value: ppm }));
    const r = promtoolSloRules(model, files, INPUT, [
      { expr: 'sum by (sloth_id) (round(1e6 * slo:sli_error:ratio_rate5m))', evalTime: '15m', expSamples: ratio },
      { expr: 'group by (sloth_id, le) (slo:sli_source_absent:info)', evalTime: '15m', expSamples: [{ labels: '{le="0.5", sloth_id="svc-d-p99"}', value: 1 }] },
    ], 'slo-thresholds-');
    expect(r.output.trim()).toMatch(/SUCCESS$/);
    expect(r.status).toBe(0);
  });
});

describe('an error-rate shape reads its raw series once per window', () => {
  const errorModel = buildSloModel([
    { name: 'svc-e', slos: [{ name: 'errors', objective: 99.9, sli: { kind: 'error-rate' } }] },
    { name: 'svc-f', slos: [{ name: 'errors', objective: 99.9, sli: { kind: 'error-rate' } }] },
  ]);
  const errorFiles = generateSloRuleFiles(errorModel);
  const errorRecords = errorFiles.flatMap((f) => f.groups.flatMap((g) => g.rules)).filter((r): r is RecordingRule => !isAlertingRule(r));

  test('one raw selector per raw window (5m, 30m), classified; bad and all events summed from it; none for 1h', () => {
    for (const w of ['5m', '30m', '1h']) {
      const raw = errorRecords.flatMap((r) => [...r.expr.matchAll(new RegExp(`http_requests_total(\\{[^}]*\\})?\\[${w}\\]`, 'g'))].map((m) => m[0]));
      expect(raw).toEqual(w === '1h' ? [] : [`http_requests_total[${w}]`]);
    }
  });

  test('promtool: the classified read counts what the status matcher counted (anchored; a series without status is not an error)', () => {
    const r = 'http_requests_total';
    const input = [
      counter(`${r}{service="svc-e", instance="e-0", status="200"}`, 960),
      counter(`${r}{service="svc-e", instance="e-0", status="500"}`, 30),
      counter(`${r}{service="svc-e", instance="e-0", status="503"}`, 10),
      // "5000" is not an error status: the regex is anchored, as the =~ matcher is
      counter(`${r}{service="svc-e", instance="e-1", status="5000"}`, 1000),
      // svc-f: a series without the status label, and no error series at all
      counter(`${r}{service="svc-f", instance="f-0"}`, 500),
    ];
    const res = promtoolSloRules(errorModel, errorFiles, input, [
      {
        expr: 'sum by (sloth_id) (round(1e6 * slo:sli_error:ratio_rate1h))',
        evalTime: '15m',
        // svc-e: 40 of 2000 per minute; svc-f: none of 500
        expSamples: [
          { labels: '{sloth_id="svc-e-errors"}', value: 20_000 },
          { labels: '{sloth_id="svc-f-errors"}', value: 0 },
        ],
      },
    ], 'slo-classified-');
    expect(res.output.trim()).toMatch(/SUCCESS$/);
    expect(res.status).toBe(0);
  });
});

describe('an availability shape reads its samples twice per window (count and sum), not three times', () => {
  test('count_over_time in the total events, sum_over_time in the bad events (total minus successful)', () => {
    const m = buildSloModel([{ name: 'svc-g', slos: [{ name: 'up', objective: 99.9, sli: { kind: 'availability', source: 'up' } }] }]);
    const rs = generateSloRuleFiles(m).flatMap((f) => f.groups.flatMap((g) => g.rules)).filter((r): r is RecordingRule => !isAlertingRule(r));
    for (const w of ['5m', '30m', '1h']) {
      const reads = rs.flatMap((r) => [...r.expr.matchAll(new RegExp(`(\\w+)\\(up\\[${w}\\]\\)`, 'g'))].map((x) => x[1]));
      expect(reads.sort()).toEqual(w === '1h' ? [] : ['count_over_time', 'sum_over_time']);
    }
  });
});

describe('the 1h window is its two 30m halves (shortWindows: pieces, the default)', () => {
  // svc-h: 1000 requests a minute, 10 of them errors for the first 30 minutes, none after
  const r = 'http_requests_total';
  const input = [
    { series: `${r}{service="svc-h", instance="h-0", status="200"}`, values: '0+990x30 30700+1000x59' },
    { series: `${r}{service="svc-h", instance="h-0", status="500"}`, values: '0+10x30 300+0x60' },
  ];
  const spec: ServiceSpec[] = [{ name: 'svc-h', slos: [{ name: 'errors', objective: 99.9, sli: { kind: 'error-rate' } }] }];
  const ratio1h = (shortWindows: 'pieces' | 'raw', evalTime: string, ppm: number): { ok: boolean; output: string } => {
    const m = buildSloModel(spec, { shortWindows });
    const fs = generateSloRuleFiles(m);
    const res = promtoolSloRules(m, fs, input, [{ expr: 'round(1e6 * sum(slo:sli_error:ratio_rate1h))', evalTime, expSamples: [{ labels: '{}', value: ppm }] }], 'slo-pieces-');
    return { ok: res.status === 0 && /SUCCESS$/.test(res.output.trim()), output: res.status === 0 ? "" : res.output };
  };

  test('the rules: 1h = (rate30m + (rate30m offset 30m or 0 * rate30m)) / 2, for bad and all events; the raw option reads [1h]', () => {
    const rules = (shortWindows: 'pieces' | 'raw') =>
      generateSloRuleFiles(buildSloModel(spec, { shortWindows }))
        .flatMap((f) => f.groups.flatMap((g) => g.rules))
        .filter((x): x is RecordingRule => !isAlertingRule(x));
    const total1h = rules('pieces').find((x) => x.record === 'slo:sli_total_events:rate1h')!;
    expect(total1h.expr.replace(/\s+/g, ' ')).toBe('( slo:sli_total_events:rate30m + (slo:sli_total_events:rate30m offset 30m or 0 * slo:sli_total_events:rate30m) ) / 2');
    expect(total1h.labels).toEqual({ sloth_window: '1h' });
    const error1h = rules('pieces').find((x) => x.record === 'slo:sli_error_events:rate1h')!;
    expect(error1h.expr.replace(/\s+/g, ' ')).toBe(
      '( (slo:sli_error_events:rate30m or 0 * slo:sli_total_events:rate30m) + (slo:sli_error_events:rate30m offset 30m or 0 * slo:sli_total_events:rate30m) ) / 2',
    );
    expect(rules('raw').map((x) => x.expr).join('\n')).toMatch(/http_requests_total\[1h\]/);
  });

  test('promtool: 45 minutes after the errors stopped, the halves hold what the raw read holds (extrapolated at one edge each)', () => {
    // (15m, 75m]: the bad events are the 15 minutes 16..30 (150 of 60,000). The half (15m, 45m] reads 140 of them over
    // 29 minutes of samples and extrapolates to 30 (144.8); the raw read 140 over 59 minutes, extrapolated to 60 (142.4)
    expect(ratio1h('pieces', '75m', 2414)).toEqual({ ok: true, output: "" });
    expect(ratio1h('raw', '75m', 2373)).toEqual({ ok: true, output: "" });
  });

  test('promtool: a half not recorded yet counts as no events in both: the ratio is the recorded half\'s', () => {
    // at 20m the half 30m before does not exist: the 1h ratio is the 30m one, 10 of 1000
    expect(ratio1h('pieces', '20m', 10_000)).toEqual({ ok: true, output: "" });
  });
});
