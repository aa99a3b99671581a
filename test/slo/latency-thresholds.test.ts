import { dump } from 'js-yaml';
import { isAlertingRule, RecordingRule, renderRuleFile } from '../../src/common/rules';
import { buildSloModel, generateSloRuleFiles, ServiceSpec, sloRuleGroupOrder } from '../../src/slo';
import { promtool, writeTree } from '../helpers/tools';

/**
 * Latency SLOs of one histogram share one SLI shape whatever their thresholds: one bucket read per window for all of
 * them (`le` a join label like `service`), `_count` read once per window. Proven by the real promtool on series
 * written the ways clients write them: Go's `le="1"`, Python's and Prometheus 3's `le="1.0"`, and both at once (a
 * service whose old pods still run the other client, or the hour after an upgrade to Prometheus 3).
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
  test('one SLI shape for the four thresholds: one bucket read and one _count read per window', () => {
    expect(new Set(records.filter((r) => r.record === 'slo:definition:info').map((r) => r.labels?.slo_sli_shape)).size).toBe(1);
    expect(records.filter((r) => r.record === 'slo:definition:info').map((r) => [r.labels?.sloth_id, r.labels?.le])).toEqual([
      ['svc-a-fast', '0.1'],
      ['svc-a-slow', '1'],
      ['svc-b-slow', '1'],
      ['svc-c-p99', '0.2'],
      ['svc-d-p99', '0.5'],
    ]);
    for (const w of ['5m', '30m', '1h']) {
      const window = records.filter((r) => r.labels?.sloth_window === w && /^slo:sli_(error|total)_events:rate/.test(r.record)).map((r) => r.expr).join('\n');
      expect(window.match(new RegExp(`${h}_bucket\\{[^}]*\\}\\[${w}\\]`, 'g'))).toEqual([`${h}_bucket{le=~"0\\\\.1|0\\\\.2|0\\\\.5|1|1\\\\.0"}[${w}]`]);
      expect(window.match(new RegExp(`${h}_count\\[${w}\\]`, 'g'))).toHaveLength(1);
    }
  });

  test('promtool: each SLO gets its own threshold, every spelling counted; a missing threshold bucket is absent', () => {
    const order = sloRuleGroupOrder(model);
    const ratio = Object.entries(EXPECTED_PPM).map(([id, ppm]) => ({ labels: `{sloth_id="${id}"}`, value: ppm }));
    const test = {
      rule_files: files.map((f) => f.fileName),
      evaluation_interval: '1m',
      group_eval_order: order,
      tests: [
        {
          interval: '1m',
          input_series: INPUT,
          promql_expr_test: [
            { expr: 'sum by (sloth_id) (round(1e6 * slo:sli_error:ratio_rate5m))', eval_time: '15m', exp_samples: ratio },
            { expr: 'group by (sloth_id, le) (slo:sli_source_absent:info)', eval_time: '15m', exp_samples: [{ labels: '{le="0.5", sloth_id="svc-d-p99"}', value: 1 }] },
          ],
        },
      ],
    };
    const dir = writeTree({ ...Object.fromEntries(files.map((f) => [f.fileName, renderRuleFile(f.groups)])), 'test.yml': dump(test, { lineWidth: -1 }) }, 'slo-thresholds-');
    const r = promtool(['test', 'rules', 'test.yml'], dir);
    expect(r.output.trim()).toMatch(/SUCCESS$/);
    expect(r.status).toBe(0);
  });
});
