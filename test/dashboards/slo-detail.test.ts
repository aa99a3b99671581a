import { toJson, toYaml } from '../../src/common/serialize';
import { ALERT_LABELS, SLO_LABELS, SLO_METRICS, sliErrorRatioRecord } from '../../src/conventions';
import { SloDefinition, buildSloModel } from '../../src/slo';
import { SLO_DETAIL_UID, sloCatalogDashboards, sloDetailDashboard, sloDetailWindowPairs } from '../../src/slo/dashboards';
import { promqlProblems } from '../../src/promql';
import { promtool, writeTree } from '../helpers/tools';
import { metricNames, promqlErrors } from './promql';
import { FixtureSlo, sloDefinitions, sloIds } from './slo-fixtures';

// ---------------------------------------------------------------------------------------------------------------
// fixtures: SLOs over the workbook's window tables for a 30-day and a 28-day period, as the SLO model resolves them

function slo30(service: string, name: string, objective = 99.9): FixtureSlo {
  return { service, name, objective };
}
function slo28(service: string, name: string, objective = 99.9): FixtureSlo {
  return { service, name, objective, period: '28d' };
}

/** `count` services, each with a 30d availability SLO and a 28d latency SLO. */
function catalog(count: number): SloDefinition[] {
  return sloDefinitions(Array.from({ length: count }, (_, i) => `svc-${String(i).padStart(4, '0')}`).flatMap((s) => [slo30(s, 'availability'), slo28(s, 'latency', 99)]));
}
const one = (s: FixtureSlo): SloDefinition => sloDefinitions([s])[0];

const model = (d: unknown): any => JSON.parse(toJson(d));
const panels = (d: any): any[] => d.panels;
const exprs = (d: any): string[] => panels(d).flatMap((p) => (p.targets ?? []).map((t: any) => t.expr));
function panel(d: any, title: string): any {
  const found = panels(d).find((p) => p.title === title);
  if (!found) throw new Error(`no panel "${title}" among ${panels(d).map((p) => p.title).join(', ')}`);
  return found;
}

const SELECTED = `${SLO_LABELS.service}="$service", ${SLO_LABELS.slo}="$slo"`;
const threshold = (days: number, factor: number): string => `(${SLO_METRICS.timePeriodDays}{${SELECTED}} == ${days}) * 0 + ${factor}`;

// ---------------------------------------------------------------------------------------------------------------

describe('sloDetailDashboard: one templated dashboard for every SLO', () => {
  const d = model(sloDetailDashboard(catalog(3)));

  test('GIVEN the same SLOs in any order WHEN built twice THEN the JSON is identical, with the stable uid and title', () => {
    const slos = catalog(3);
    expect(toJson(sloDetailDashboard(slos))).toBe(toJson(sloDetailDashboard(slos)));
    expect(toJson(sloDetailDashboard([...slos].reverse()))).toBe(toJson(sloDetailDashboard(slos)));
    expect(d).toMatchObject({ uid: SLO_DETAIL_UID, title: 'SLO detail' });
    expect(SLO_DETAIL_UID).toBe('obs-slo-detail');
  });

  test('THEN it has single-select service and slo variables from sloth_slo_info, slo narrowed to the service', () => {
    expect(d.templating.list.map((v: any) => v.name)).toEqual(['service', 'slo']);
    const [service, slo] = d.templating.list;
    expect(service).toMatchObject({ type: 'query', query: 'label_values(sloth_slo_info, sloth_service)', multi: false, includeAll: false });
    expect(slo).toMatchObject({ type: 'query', query: 'label_values(sloth_slo_info{sloth_service="$service"}, sloth_slo)', multi: false, includeAll: false });
  });

  test('THEN it has the panels of a per-service row, for the selected SLO', () => {
    expect(panels(d).map((p) => p.title)).toEqual([
      'SLI vs objective',
      'SLI (period)',
      'Error budget remaining',
      'Firing alerts',
      'Error budget remaining',
      'Current burn rate',
      'Period burn rate',
      'Burn rate over 1h and 5m',
      'Burn rate over 6h and 30m',
      'Burn rate over 1d and 2h',
      'Burn rate over 3d and 6h',
    ]);
    expect(new Set(panels(d).map((p) => p.id)).size).toBe(panels(d).length);
  });

  test('THEN every query selects the chosen SLO: sloth_service/sloth_slo on recordings, service/slo on ALERTS', () => {
    for (const e of exprs(d)) {
      if (e.startsWith('count(ALERTS')) expect(e).toContain(`${ALERT_LABELS.service}="$service", ${ALERT_LABELS.slo}="$slo"`);
      else expect(e).toContain(SELECTED);
    }
  });

  test('THEN every query parses as PromQL (variables as placeholders) and reads only names from src/conventions.ts', () => {
    const known = new Set<string>([...Object.values(SLO_METRICS), 'ALERTS', ...['5m', '30m', '1h', '2h', '6h', '1d', '3d', '28d', '30d'].map(sliErrorRatioRecord)]);
    expect(exprs(d).length).toBeGreaterThan(10);
    for (const [i, e] of exprs(d).entries()) {
      expect(promqlErrors(e)).toEqual([]);
      expect(promqlProblems(e, `expr[${i}]`, { placeholders: true })).toEqual([]);
      for (const name of metricNames(e)) expect(known).toContain(name);
    }
  });

  test('THEN the objective is a dashed series from slo:objective:ratio, not a static threshold', () => {
    const sli = panel(d, 'SLI vs objective');
    expect(sli.targets.map((t: any) => t.expr)).toContain(`100 * ${SLO_METRICS.objectiveRatio}{${SELECTED}}`);
    expect(sli.targets.find((t: any) => t.legendFormat === 'Objective')).toBeDefined();
    expect(sli.fieldConfig.overrides[0]).toMatchObject({ matcher: { id: 'byName', options: 'Objective' } });
    // The period SLI reads whichever period recording the selected SLO has.
    expect(sli.targets[2].expr).toContain(`${sliErrorRatioRecord('28d')}{${SELECTED}} or ${sliErrorRatioRecord('30d')}{${SELECTED}}`);
  });

  test('GIVEN 30d and 28d SLOs THEN each window pair panel plots both windows and each period\'s factor as a series', () => {
    const expected: [string, string, string, number, number][] = [
      ['1h', '5m', 'Page', 14.4, 13.44],
      ['6h', '30m', 'Page', 6, 5.6],
      ['1d', '2h', 'Ticket', 3, 2.8],
      ['3d', '6h', 'Ticket', 1, 0.933333333333],
    ];
    for (const [long, short, tier, f30, f28] of expected) {
      const p = panel(d, `Burn rate over ${long} and ${short}`);
      expect(p.targets.map((t: any) => t.legendFormat)).toEqual([long, short, `${tier} at ${f30}× (30d)`, `${tier} at ${f28}× (28d)`]);
      expect(p.targets[0].expr).toContain(`${sliErrorRatioRecord(long)}{${SELECTED}}`);
      expect(p.targets[1].expr).toContain(`${sliErrorRatioRecord(short)}{${SELECTED}}`);
      expect(p.targets[2].expr).toBe(threshold(30, f30));
      expect(p.targets[3].expr).toBe(threshold(28, f28));
      expect(p.fieldConfig.overrides.map((o: any) => o.matcher.options)).toEqual([`${tier} at ${f30}× (30d)`, `${tier} at ${f28}× (28d)`]);
    }
  });

  test('GIVEN only 30d SLOs THEN only the 30d factors are drawn', () => {
    const only30 = model(sloDetailDashboard([one(slo30('a', 'availability'))]));
    expect(panel(only30, 'Burn rate over 1h and 5m').targets.map((t: any) => t.expr).slice(2)).toEqual([threshold(30, 14.4)]);
    expect(panel(only30, 'Burn rate over 3d and 6h').targets.map((t: any) => t.expr).slice(2)).toEqual([threshold(30, 1)]);
    expect(JSON.stringify(only30)).not.toContain('28d');
  });

  test('GIVEN 10 or 1000 services with the same window tables THEN the dashboard is byte for byte the same', () => {
    const small = toJson(sloDetailDashboard(catalog(10)));
    const large = toJson(sloDetailDashboard(catalog(1000)));
    expect(large).toBe(small);
    expect(small).not.toContain('svc-');
    expect(sloDetailWindowPairs(catalog(1000))).toEqual(sloDetailWindowPairs(catalog(10)));
  });

  test('GIVEN an SLO without burn-rate alerts THEN a plain burn-rate panel is added', () => {
    const none = model(sloDetailDashboard([one({ ...slo30('a', 'availability'), page: false, ticket: false })]));
    expect(panels(none).map((p) => p.title).slice(7)).toEqual(['Burn rate']);
  });

  test('GIVEN no SLO THEN it fails naming the path (malformed SLOs never get past the model)', () => {
    expect(() => sloDetailDashboard([])).toThrow(/sloDetailDashboard\.slos.*must show at least one SLO/);
  });
});

describe('sloCatalogDashboards: the dashboards option of the SLO catalog', () => {
  const catalogModel = buildSloModel(
    Array.from({ length: 5 }, (_, i) => ({ name: `svc-${String(i).padStart(4, '0')}`, slos: [{ name: 'availability', objective: 99.9, sli: { kind: 'availability' as const } }] })),
  );
  const uids = (mode?: Parameters<typeof sloCatalogDashboards>[1]): string[] => sloCatalogDashboards(catalogModel, mode).map((x) => x.uid!);

  test('default, true and "templated" give the overview and the detail dashboard; "per-service" one per service; false none', () => {
    expect(uids()).toEqual(['obs-slo-overview', 'obs-slo-detail']);
    expect(uids(true)).toEqual(['obs-slo-overview', 'obs-slo-detail']);
    expect(uids('templated')).toEqual(['obs-slo-overview', 'obs-slo-detail']);
    expect(uids('per-service')).toEqual(['obs-slo-overview', 'obs-slo-svc-0000', 'obs-slo-svc-0001', 'obs-slo-svc-0002', 'obs-slo-svc-0003', 'obs-slo-svc-0004']);
    expect(uids(false)).toEqual([]);
    expect(() => sloCatalogDashboards(catalogModel, 'all' as never)).toThrow(/slo\.dashboards.*must be true, false, "templated" or "per-service"/);
  });
});

describe('sloDetailDashboard queries evaluated by promtool, with the variables set to one SLO', () => {
  /** Two SLOs' recordings as the generator writes them: a 30d and a 28d one. */
  const [order, billing] = sloDefinitions([slo30('order-service', 'availability', 99.9), slo28('billing', 'availability', 99.95)]);
  const ratios: Record<string, number> = { '5m': 0.001, '1h': 0.002, '28d': 0.0004, '30d': 0.0005 };
  const idOf = sloIds;
  const labels = (l: Record<string, string>): string => `{${Object.keys(l).sort().map((k) => `${k}=${JSON.stringify(l[k])}`).join(', ')}}`;
  const series = (x: SloDefinition): { series: string; values: string }[] => [
    ...Object.entries(ratios)
      .filter(([w]) => !w.endsWith('d') || w === String(x.period))
      .map(([w, r]) => ({ series: `${sliErrorRatioRecord(w)}${labels({ ...idOf(x), sloth_window: w })}`, values: `${r}x10` })),
    { series: `${SLO_METRICS.objectiveRatio}${labels(idOf(x))}`, values: `${x.objective / 100}x10` },
    { series: `${SLO_METRICS.timePeriodDays}${labels(idOf(x))}`, values: `${x.periodDays}x10` },
  ];

  test('GIVEN the 28d SLO selected THEN the 28d factor is drawn, the 30d one is absent, and the SLI reads the 28d recording', () => {
    const d = model(sloDetailDashboard([order, billing]));
    const select = (e: string): string => e.replace(/\$service/g, billing.service).replace(/\$slo/g, billing.name);
    const burn = panel(d, 'Burn rate over 1h and 5m');
    const sli = panel(d, 'SLI vs objective');
    const byLegend = (p: any, legend: string): string => select(p.targets.find((t: any) => t.legendFormat === legend).expr);
    const doc = {
      rule_files: [],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [...series(order), ...series(billing)],
          promql_expr_test: [
            { expr: byLegend(burn, 'Page at 13.44× (28d)'), eval_time: '5m', exp_samples: [{ labels: labels(idOf(billing)), value: 13.44 }] },
            { expr: byLegend(burn, 'Page at 14.4× (30d)'), eval_time: '5m', exp_samples: [] },
            { expr: byLegend(sli, 'Objective'), eval_time: '5m', exp_samples: [{ labels: labels(idOf(billing)), value: 100 * (billing.objective / 100) }] },
            { expr: byLegend(sli, 'SLI (period)'), eval_time: '5m', exp_samples: [{ labels: labels(idOf(billing)), value: 100 * (1 - ratios['28d']) }] },
          ],
        },
      ],
    };
    const r = promtool(['test', 'rules', 'detail.test.yml'], writeTree({ 'detail.test.yml': toYaml(doc) }, 'slo-detail-'));
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });
});

describe('overview links into the templated detail dashboard', () => {
  test('Service and SLO cells open the detail dashboard on the clicked row', () => {
    const { sloOverviewDashboard } = require('../../src/slo/dashboards');
    const slo = sloDefinitions([{ service: 'shop', name: 'errors', objective: 99.9, page: false, ticket: false }])[0];
    const json = JSON.stringify(sloOverviewDashboard([slo], { detailUid: 'obs-slo-detail' }));
    expect(json).toContain('/d/obs-slo-detail?var-service=${__data.fields[\\"Service\\"]}&var-slo=${__data.fields[\\"SLO\\"]}');
    expect(JSON.stringify(sloOverviewDashboard([slo]))).toContain('/dashboards?tag=slo-service&query=${__value.text}');
  });
});
