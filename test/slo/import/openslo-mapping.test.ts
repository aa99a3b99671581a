import { formatProblem, importOpenSlo, SloSpec } from '../../../src';

/** Focused OpenSLO mappings: one SLO `errors` of service `shop`, varied one field at a time. */

const RATIO = (good: string, total: string, counter = true) =>
  `{ ratioMetric: { counter: ${counter}, good: { metricSource: { type: Prometheus, spec: { query: '${good}' } } }, total: { metricSource: { type: Prometheus, spec: { query: '${total}' } } } } }`;

function slo(opts: { indicator?: string; timeWindow?: string; policies?: string } = {}): string {
  return [
    'apiVersion: openslo/v1',
    'kind: SLO',
    'metadata: { name: errors }',
    'spec:',
    '  service: shop',
    `  indicator: { metadata: { name: ok }, spec: ${opts.indicator ?? RATIO('requests_total{code="200"}', 'requests_total')} }`,
    ...(opts.timeWindow ? [`  timeWindow: [${opts.timeWindow}]`] : []),
    '  budgetingMethod: Occurrences',
    '  objectives: [{ target: 0.999 }]',
    ...(opts.policies ? ['  alertPolicies:', opts.policies] : []),
  ].join('\n');
}

/** An inline policy with one condition; severity `page` for the 1h and 6h windows, `ticket` for the others. */
function policy(condition: string, extra = ''): string {
  const severity = /lookbackWindow: (1h|6h|60m)\b/.test(condition) ? 'page' : 'ticket';
  return `    - { kind: AlertPolicy, metadata: { name: p${Math.abs(hash(condition + extra))} }, spec: { ${extra}conditions: [{ kind: AlertCondition, metadata: { name: c }, spec: { severity: ${severity}, condition: ${condition} } }] } }`;
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

function imported(yaml: string): { slo: SloSpec; warnings: string[] } {
  const r = importOpenSlo(yaml);
  return { slo: r.services[0].slos![0], warnings: r.warnings.map(formatProblem) };
}

describe('counter queries without a window placeholder become rates over each window', () => {
  test.each([
    ['a bare selector', 'requests_total{code="200"}', 'sum(rate(requests_total{code="200"}[{{window}}]))'],
    ['sum() of a selector', 'sum(requests_total{code="200"})', 'sum(rate(requests_total{code="200"}[{{window}}]))'],
    ['sum by () of a selector', 'sum by (code) (requests_total{code="200"})', 'sum(rate(requests_total{code="200"}[{{window}}]))'],
    ['a selector with a brace inside a quoted value', 'requests_total{path="/a}b"}', 'sum(rate(requests_total{path="/a}b"}[{{window}}]))'],
  ])('%s', (_what, good, rate) => {
    const { slo: s } = imported(slo({ indicator: RATIO(good, 'requests_total') }));
    expect(s.sli).toEqual({ kind: 'raw', errorQuery: `sum(rate(requests_total[{{window}}])) - (${rate} or vector(0))`, totalQuery: 'sum(rate(requests_total[{{window}}]))' });
  });
});

describe('time windows', () => {
  test.each([
    ['30d', '30d', []],
    ['4w', '28d', []],
    ['28d', '28d', []],
    ['1M', '30d', ['openslo#1(SLO/errors).spec.timeWindow[0].duration: is counted as 30d (M = 30 days, Q = 90, Y = 365, as the OpenSLO Go SDK does). Fix: write 30d to say so.']],
  ])('a rolling %s window is the period %s', (duration, period, warnings) => {
    const r = imported(slo({ timeWindow: `{ duration: ${duration}, isRolling: true }` }));
    expect(r.slo.period).toBe(period);
    expect(r.warnings).toEqual(warnings);
  });
});

describe('alert conditions match the stack windows of the period', () => {
  const all30d = ['{ op: gt, threshold: 14.4, lookbackWindow: 1h }', '{ op: gt, threshold: 6, lookbackWindow: 6h }', '{ op: gt, threshold: 3, lookbackWindow: 1d }', '{ op: gt, threshold: 1, lookbackWindow: 3d }'];

  test('the four 30d conditions enable both tiers with the stack defaults and no warning', () => {
    const r = imported(slo({ timeWindow: '{ duration: 30d, isRolling: true }', policies: all30d.map((c) => policy(c)).join('\n') }));
    expect([r.slo.page, r.slo.ticket]).toEqual([undefined, undefined]);
    expect(r.warnings).toEqual([]);
  });

  test("a 28-day period matches the 28d factors (13.44, 5.6, 2.8, 0.9333)", () => {
    const conds = ['{ op: gt, threshold: 13.44, lookbackWindow: 1h }', '{ op: gt, threshold: 5.6, lookbackWindow: 6h }', '{ op: gte, threshold: 2.8, lookbackWindow: 24h }', '{ op: gt, threshold: 0.9333, lookbackWindow: 72h }'];
    const r = imported(slo({ timeWindow: '{ duration: 4w, isRolling: true }', policies: conds.map((c) => policy(c)).join('\n') }));
    expect([r.slo.page, r.slo.ticket, r.warnings]).toEqual([undefined, undefined, []]);
  });

  test('a 30d factor against a 28d period is an error listing the 28d pairs', () => {
    expect(() => importOpenSlo(slo({ timeWindow: '{ duration: 28d, isRolling: true }', policies: policy(all30d[0]) }))).toThrow(
      'Fix: use one of 13.44 over 1h (page), 5.6 over 6h (page), 2.8 over 1d (ticket), 0.9333 over 3d (ticket) for a 28d period; the stack alerts on these window pairs only.',
    );
  });

  test('ticket conditions only: the page tier is off', () => {
    const r = imported(slo({ policies: [policy(all30d[2]), policy(all30d[3])].join('\n') }));
    expect([r.slo.page, r.slo.ticket, r.slo.period]).toEqual([false, undefined, '30d']);
  });

  test('alertAfter 0m is no "for" at all: no warning', () => {
    const r = imported(slo({ policies: [policy('{ op: gt, threshold: 14.4, lookbackWindow: 1h, alertAfter: 0m }'), policy(all30d[1])].join('\n') }));
    expect(r.warnings).toEqual([]);
  });

  test('alertWhenBreaching: false enables nothing; alertWhenResolved: true is an Alertmanager setting — both warn', () => {
    const r = imported(slo({ policies: [policy(all30d[0], 'alertWhenBreaching: false, '), policy(all30d[2], 'alertWhenResolved: true, '), policy(all30d[3])].join('\n') }));
    expect([r.slo.page, r.slo.ticket]).toEqual([false, undefined]);
    expect(r.warnings).toEqual([
      expect.stringMatching(/\.spec\.alertWhenBreaching: is false, so this policy never alerts on a burning budget: it enables no alert tier\. Fix: /),
      expect.stringMatching(/\.spec\.alertWhenResolved: is a receiver setting in Alertmanager \(send_resolved\), not part of the SLO's rules\. Fix: /),
    ]);
  });

  test('two conditions of one tier with different custom severities are an error', () => {
    const p = (c: string, sev: string) => `    - { kind: AlertPolicy, metadata: { name: p${sev} }, spec: { conditions: [{ kind: AlertCondition, metadata: { name: c${sev} }, spec: { severity: ${sev}, condition: ${c} } }] } }`;
    expect(() => importOpenSlo(slo({ policies: [p(all30d[0], 'sev1'), p(all30d[1], 'sev2')].join('\n') }))).toThrow(/differs from the severity of another condition of the page tier \(sev1 at /);
  });
});

test('lowTrafficGuard keeps the stack default guard (minRequestRate left unset)', () => {
  expect(importOpenSlo(slo(), { lowTrafficGuard: true }).services[0].slos![0].minRequestRate).toBeUndefined();
  expect(importOpenSlo(slo()).services[0].slos![0].minRequestRate).toBe(0);
});
