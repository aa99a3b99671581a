import { toJson, toYaml } from '../../src/common/serialize';
import { SloDefinition } from '../../src/slo';
import { sloOverviewDashboard, sloServiceDashboard } from '../../src/slo/dashboards';
import { promtool, writeTree } from '../helpers/tools';
import { substituteGrafanaMacros } from './promql';
import { WORKBOOK_30D_ALERTS, serviceModel, sloDefinitions } from './slo-fixtures';

/**
 * The dashboards' queries evaluated by Prometheus' own engine (`promtool test rules`, `promql_expr_test`) on series
 * shaped exactly as the SLO rule generator records them (Sloth's labels, `sloth_window` on the ratios, an extra SLO
 * label on every recording) and on `ALERTS` as Prometheus writes it. This proves the joins match, the aggregations
 * keep one row per SLO, and the numbers are the ones the panels claim, not only that the PromQL parses.
 * Expected values are computed here with the same float operations Prometheus performs.
 */

const WINDOWS = WORKBOOK_30D_ALERTS;

/** The SLOs as the model resolves them (a 30d one, and a 28d ticket-only one), and what the expectations read of them. */
const ORDER_SLO = { service: 'order-service', name: 'availability', objective: 99.9 };
const BILLING_SLO = { service: 'billing', name: 'availability', objective: 99.95, period: '28d' as const, page: false };
const [ORDER_DEF, BILLING_DEF] = sloDefinitions([ORDER_SLO, BILLING_SLO]);
type SloView = ReturnType<typeof view>;
function view(s: SloDefinition) {
  return { service: s.service, slo: s.name, sloId: s.id, objectivePercent: s.objective, periodDays: s.periodDays, periodWindow: String(s.period) };
}
const ORDER = view(ORDER_DEF);
const BILLING = view(BILLING_DEF);

/** Error ratios per window, as `slo:sli_error:ratio_rate<w>` holds them. */
const ORDER_RATIOS: Record<string, number> = { '5m': 0.02, '30m': 0.01, '1h': 0.0144, '2h': 0.004, '6h': 0.003, '1d': 0.002, '3d': 0.001, '30d': 0.0005 };
const BILLING_RATIOS: Record<string, number> = { '5m': 0, '30m': 0, '1h': 0, '2h': 0.0015, '6h': 0.001, '1d': 0.0014, '3d': 0.0012, '28d': 0.001 };

interface Series {
  readonly series: string;
  readonly values: string;
}

function labels(l: Record<string, string>): string {
  return `{${Object.keys(l)
    .sort()
    .map((k) => `${k}=${JSON.stringify(l[k])}`)
    .join(', ')}}`;
}

/** The recordings of one SLO, as the generator writes them (with an extra `team` label, as users may add). */
function recordings(s: SloView, ratios: Record<string, number>, team: string): Series[] {
  const id = { sloth_id: s.sloId, sloth_service: s.service, sloth_slo: s.slo, team };
  const budget = 1 - s.objectivePercent / 100;
  const constant = (v: number): string => `${v}x10`;
  const periodBurn = ratios[s.periodWindow] / budget;
  return [
    ...Object.entries(ratios).map(([w, r]) => ({ series: `slo:sli_error:ratio_rate${w}${labels({ ...id, sloth_window: w })}`, values: constant(r) })),
    { series: `slo:objective:ratio${labels(id)}`, values: constant(s.objectivePercent / 100) },
    { series: `slo:error_budget:ratio${labels(id)}`, values: constant(budget) },
    { series: `slo:time_period:days${labels(id)}`, values: constant(s.periodDays) },
    { series: `slo:current_burn_rate:ratio${labels(id)}`, values: constant(ratios['5m'] / budget) },
    { series: `slo:period_burn_rate:ratio${labels(id)}`, values: constant(periodBurn) },
    { series: `slo:period_error_budget_remaining:ratio${labels(id)}`, values: constant(1 - periodBurn) },
    { series: `sloth_slo_info${labels({ ...id, sloth_objective: String(s.objectivePercent) })}`, values: constant(1) },
  ];
}

/** Alerts as Prometheus exposes them: order-service pages (firing) and has a pending ticket; billing breached. */
const ALERT_SERIES: Series[] = [
  {
    series: `ALERTS${labels({ alertname: 'SLOErrorBudgetBurn', alertstate: 'firing', service: 'order-service', slo: 'availability', severity: 'critical', sloth_severity: 'page', sloth_id: ORDER.sloId, sloth_service: ORDER.service, sloth_slo: ORDER.slo })}`,
    values: '1x10',
  },
  {
    series: `ALERTS${labels({ alertname: 'SLOErrorBudgetBurn', alertstate: 'pending', service: 'order-service', slo: 'availability', severity: 'warning', sloth_severity: 'ticket', sloth_id: ORDER.sloId, sloth_service: ORDER.service, sloth_slo: ORDER.slo })}`,
    values: '1x10',
  },
  { series: `ALERTS${labels({ alertname: 'SLOBreach', alertstate: 'firing', service: 'billing', slo: 'availability', severity: 'critical' })}`, values: '1x10' },
];

interface ExprTest {
  readonly expr: string;
  readonly samples: readonly { readonly labels: Record<string, string>; readonly value: number }[];
}

/** Runs `promtool test rules` on the queries against the series; returns promtool's output on failure. */
function evaluate(tests: readonly ExprTest[]): { status: number; output: string } {
  const doc = {
    rule_files: [],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: [...recordings(ORDER, ORDER_RATIOS, 'orders'), ...recordings(BILLING, BILLING_RATIOS, 'payments'), ...ALERT_SERIES],
        promql_expr_test: tests.map((t) => ({
          expr: substituteGrafanaMacros(t.expr),
          eval_time: '5m',
          exp_samples: t.samples.map((s) => ({ labels: labels(s.labels), value: s.value })),
        })),
      },
    ],
  };
  const dir = writeTree({ 'dashboards.test.yml': toYaml(doc) }, 'slo-dash-');
  const r = promtool(['test', 'rules', 'dashboards.test.yml'], dir);
  return { status: r.status, output: r.output };
}

const model = (d: unknown): any => JSON.parse(toJson(d));

function panel(d: any, rowPrefix: string | undefined, title: string): any {
  let panels = d.panels;
  if (rowPrefix !== undefined) {
    const start = panels.findIndex((p: any) => p.type === 'row' && p.title.startsWith(rowPrefix));
    panels = panels.slice(start + 1);
  }
  const found = panels.find((p: any) => p.title === title);
  if (!found) throw new Error(`no panel "${title}"`);
  return found;
}

const byLegend = (p: any, legend: string): string => p.targets.find((t: any) => t.legendFormat === legend).expr;

describe('SLO dashboard queries evaluated by promtool on generator-shaped series', () => {
  const orderId = { sloth_id: ORDER.sloId, sloth_service: ORDER.service, sloth_slo: ORDER.slo };
  const orderSeries = { ...orderId, team: 'orders' };
  const billingId = { sloth_id: BILLING.sloId, sloth_service: BILLING.service, sloth_slo: BILLING.slo };

  test('the service dashboard shows the SLI, budget, burn rates and alert counts of its SLO', () => {
    // GIVEN
    const d = model(sloServiceDashboard(serviceModel([ORDER_SLO])));
    const sli = panel(d, 'availability', 'SLI vs objective');
    const budget = 1 - ORDER.objectivePercent / 100;
    const alerts = panel(d, 'availability', 'Firing alerts');
    const tests: ExprTest[] = [
      ...['5m', '1h', '30d'].map((w) => ({ expr: byLegend(sli, `SLI ${w}`), samples: [{ labels: { ...orderSeries, sloth_window: w }, value: 100 * (1 - ORDER_RATIOS[w]) }] })),
      { expr: panel(d, 'availability', 'Error budget remaining').targets[0].expr, samples: [{ labels: orderSeries, value: 100 * (1 - ORDER_RATIOS['30d'] / budget) }] },
      { expr: panel(d, 'availability', 'Current burn rate').targets[0].expr, samples: [{ labels: { __name__: 'slo:current_burn_rate:ratio', ...orderSeries }, value: ORDER_RATIOS['5m'] / budget }] },
      { expr: panel(d, 'availability', 'Period burn rate').targets[0].expr, samples: [{ labels: { __name__: 'slo:period_burn_rate:ratio', ...orderSeries }, value: ORDER_RATIOS['30d'] / budget }] },
      // each alert's panel: both windows divided by the budget, joined across sloth_window and the extra label
      ...WINDOWS.flatMap((w) => {
        const p = panel(d, 'availability', `${w.tier === 'page' ? 'Page' : 'Ticket'} alert: ${w.burnRateFactor}× over ${w.longWindow} and ${w.shortWindow}`);
        return [w.longWindow, w.shortWindow].map((win) => ({ expr: byLegend(p, win), samples: [{ labels: { ...orderSeries, sloth_window: win }, value: ORDER_RATIOS[win] / budget }] }));
      }),
      // the firing page alert counts; the pending ticket alert does not
      { expr: byLegend(alerts, 'Page'), samples: [{ labels: {}, value: 1 }] },
      { expr: byLegend(alerts, 'Ticket'), samples: [{ labels: {}, value: 0 }] },
      { expr: byLegend(alerts, 'Other'), samples: [{ labels: {}, value: 0 }] },
    ];
    // WHEN
    const r = evaluate(tests);
    // THEN
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
    // and the 1h burn rate is the page threshold the panel draws
    expect(ORDER_RATIOS['1h'] / budget).toBeCloseTo(14.4, 10);
  });

  test('a breach alert without sloth_severity counts as "Other" on its service\'s dashboard', () => {
    const d = model(sloServiceDashboard(serviceModel([BILLING_SLO])));
    const alerts = panel(d, 'availability', 'Firing alerts');
    const r = evaluate([
      { expr: byLegend(alerts, 'Page'), samples: [{ labels: {}, value: 0 }] },
      { expr: byLegend(alerts, 'Other'), samples: [{ labels: {}, value: 1 }] },
      { expr: byLegend(panel(d, 'availability', 'SLI vs objective'), 'SLI 28d'), samples: [{ labels: { ...billingId, team: 'payments', sloth_window: '28d' }, value: 100 * (1 - BILLING_RATIOS['28d']) }] },
    ]);
    expect(r.output).toContain('SUCCESS');
  });

  test('the overview table gives one row per SLO in every column, across 28d and 30d periods, and the stats count right', () => {
    // GIVEN all services selected ($service → .*)
    const d = model(sloOverviewDashboard([ORDER_DEF, BILLING_DEF]));
    const table = panel(d, undefined, 'SLOs, lowest error budget first');
    const rows = (f: (s: SloView, r: Record<string, number>) => number): ExprTest['samples'] => [
      { labels: orderId, value: f(ORDER, ORDER_RATIOS) },
      { labels: billingId, value: f(BILLING, BILLING_RATIOS) },
    ];
    const budgetOf = (s: SloView): number => 1 - s.objectivePercent / 100;
    const tests: ExprTest[] = [
      { expr: table.targets[0].expr, samples: rows((s) => 100 * (s.objectivePercent / 100)) },
      { expr: table.targets[1].expr, samples: rows((s, r) => 100 * (1 - r[s.periodWindow])) },
      { expr: table.targets[2].expr, samples: rows((s, r) => 100 * (1 - r[s.periodWindow] / budgetOf(s))) },
      { expr: table.targets[3].expr, samples: rows((s, r) => r['5m'] / budgetOf(s)) },
      { expr: table.targets[4].expr, samples: rows((s, r) => r[s.periodWindow] / budgetOf(s)) },
      { expr: panel(d, undefined, 'SLOs').targets[0].expr, samples: [{ labels: {}, value: 2 }] },
      // billing burnt twice its budget: exhausted (and below 25%); order-service has half its budget left
      { expr: panel(d, undefined, 'Budget exhausted').targets[0].expr, samples: [{ labels: {}, value: 1 }] },
      { expr: panel(d, undefined, 'Budget below 25%').targets[0].expr, samples: [{ labels: {}, value: 1 }] },
      { expr: panel(d, undefined, 'Page alerts firing').targets[0].expr, samples: [{ labels: {}, value: 1 }] },
      {
        expr: panel(d, undefined, 'Top 10 current burn rates').targets[0].expr,
        samples: [
          { labels: { __name__: 'slo:current_burn_rate:ratio', ...orderSeries }, value: ORDER_RATIOS['5m'] / budgetOf(ORDER) },
          { labels: { __name__: 'slo:current_burn_rate:ratio', ...billingId, team: 'payments' }, value: 0 },
        ],
      },
    ];
    // WHEN
    const r = evaluate(tests);
    // THEN
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test('a wrong expectation fails (the harness really compares values)', () => {
    const d = model(sloServiceDashboard(serviceModel([ORDER_SLO])));
    const r = evaluate([{ expr: panel(d, 'availability', 'Current burn rate').targets[0].expr, samples: [{ labels: orderSeries, value: 1 }] }]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('FAILED');
  });
});
