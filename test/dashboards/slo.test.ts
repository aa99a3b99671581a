import { parser } from '@prometheus-io/lezer-promql';
import { toJson } from '../../src/common/serialize';
import { dashboardFile } from '../../src/components/grafana/config';
import { ALERT_LABELS, DATASOURCE_UIDS, SLO_LABELS, SLO_METRICS, sliErrorRatioRecord } from '../../src/conventions';
import {
  SLO_OVERVIEW_COLUMNS,
  SLO_OVERVIEW_UID,
  sloDashboardUid,
  sloDashboards,
  sloOverviewDashboard,
  sloServiceDashboard,
} from '../../src/slo/dashboards';
import { metricNames, promqlErrors, rangeWindows, substituteGrafanaMacros } from './promql';
import { FixtureSlo, WORKBOOK_30D_ALERTS, serviceModel, serviceModels, sloDefinitions } from './slo-fixtures';

// ---------------------------------------------------------------------------------------------------------------
// fixtures: the seed's order-service SLOs with the workbook's 30-day windows, and a 28-day ticket-only SLO, as the
// SLO model resolves them

const WORKBOOK_WINDOWS = WORKBOOK_30D_ALERTS;

function slo(service: string, name: string, objective: number, extra: Partial<FixtureSlo> = {}): FixtureSlo {
  return { service, name, objective, ...extra };
}

const ORDER_SLOS: FixtureSlo[] = [
  slo('order-service', 'availability', 99.9, { description: 'Order API answers.' }),
  slo('order-service', 'latency', 99, { description: '99% of requests under 200 ms.' }),
  slo('order-service', 'error-rate', 99.9),
];
const ORDER = serviceModel(ORDER_SLOS);

const TICKET_ONLY_28D = slo('billing', 'availability', 99.95, { period: '28d', page: false });

// ---------------------------------------------------------------------------------------------------------------
// helpers

/** The dashboard as Grafana reads it: the serialized JSON model. */
const model = (d: unknown): any => JSON.parse(toJson(d));

const orderDashboard = (): any => model(sloServiceDashboard(ORDER));

/** Every panel, rows' nested panels included. */
function allPanels(d: any): any[] {
  return d.panels.flatMap((p: any) => [p, ...(p.panels ?? [])]);
}

const targets = (d: any): any[] => allPanels(d).flatMap((p) => p.targets ?? []);

/** The label names a PromQL expression mentions (matchers and grouping). */
function labelNames(expr: string): string[] {
  const src = substituteGrafanaMacros(expr);
  const names: string[] = [];
  parser.parse(src).iterate({
    enter: (n) => {
      if (n.type.name === 'LabelName') names.push(src.slice(n.from, n.to));
    },
  });
  return names;
}

/** The panels between one row and the next. */
function rowPanels(d: any, rowTitlePrefix: string): any[] {
  const start = d.panels.findIndex((p: any) => p.type === 'row' && p.title.startsWith(rowTitlePrefix));
  if (start < 0) throw new Error(`no row "${rowTitlePrefix}"`);
  const end = d.panels.findIndex((p: any, i: number) => i > start && p.type === 'row');
  return d.panels.slice(start + 1, end < 0 ? undefined : end);
}

function panelIn(panels: any[], title: string): any {
  const found = panels.find((p) => p.title === title);
  if (!found) throw new Error(`no panel "${title}" among ${panels.map((p) => p.title).join(', ')}`);
  return found;
}

const steps = (p: any): any[] => p.fieldConfig.defaults.thresholds.steps;

/** What the SLO dashboards may read: the Sloth recordings (every window of the contract) and Prometheus' ALERTS. */
const ALLOWED_METRICS = new Set<string>([
  ...Object.values(SLO_METRICS),
  ...['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d', '28d'].map(sliErrorRatioRecord),
  'ALERTS',
]);
const ALLOWED_LABELS = new Set<string>([...Object.values(SLO_LABELS), ...Object.values(ALERT_LABELS), 'alertstate']);

function expectQueriesFromConventions(d: any): void {
  const ts = targets(d);
  expect(ts.length).toBeGreaterThan(0);
  for (const t of ts) {
    expect({ expr: t.expr, errors: promqlErrors(t.expr) }).toEqual({ expr: t.expr, errors: [] });
    expect(t.datasource).toEqual({ type: 'prometheus', uid: DATASOURCE_UIDS.prometheus });
    for (const m of metricNames(t.expr)) expect(ALLOWED_METRICS).toContain(m);
    for (const l of labelNames(t.expr)) expect(ALLOWED_LABELS).toContain(l);
    // recordings already are rates: no range selector, so no $__rate_interval either
    expect(rangeWindows(t.expr)).toEqual([]);
  }
}

function expectGridWithoutOverlaps(d: any): void {
  const rects = d.panels.map((p: any) => p.gridPos);
  for (const r of rects) expect(r.x + r.w).toBeLessThanOrEqual(24);
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i];
      const b = rects[j];
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      expect({ i, j, overlap }).toEqual({ i, j, overlap: false });
    }
  }
  const ids = allPanels(d).map((p) => p.id);
  expect(new Set(ids).size).toBe(ids.length);
}

// ---------------------------------------------------------------------------------------------------------------

describe('sloDashboardUid', () => {
  test('is obs-slo-<service> when that is a valid Grafana uid', () => {
    expect(sloDashboardUid('order-service')).toBe('obs-slo-order-service');
    expect(sloDashboardUid('a'.repeat(32))).toBe(`obs-slo-${'a'.repeat(32)}`);
  });

  test.each([
    ['a name one character too long', 'a'.repeat(33)],
    ['a 63-character Kubernetes name', `payments-${'x'.repeat(54)}`],
    ['a name with dots', 'checkout.v2.internal'],
    ['the overview\'s own name', 'overview'],
    ['a name with nothing usable', '...'],
  ])('hashes %s into a stable uid of at most 40 valid characters', (_what, service) => {
    // WHEN
    const uid = sloDashboardUid(service);
    // THEN
    expect(uid).toMatch(/^obs-slo-([A-Za-z0-9_-]+-)?[0-9a-f]{8}$/);
    expect(uid.length).toBeLessThanOrEqual(40);
    expect(uid).not.toBe(SLO_OVERVIEW_UID);
    expect(sloDashboardUid(service)).toBe(uid);
  });

  test('long names sharing a prefix still get distinct uids, which keep the readable prefix', () => {
    // GIVEN
    const prefix = 'inventory-reservation-coordinator-';
    // WHEN
    const a = sloDashboardUid(`${prefix}eu-west`);
    const b = sloDashboardUid(`${prefix}us-east`);
    // THEN
    expect(a).not.toBe(b);
    expect(a.startsWith('obs-slo-inventory-reservation-')).toBe(true);
    expect(a).toHaveLength(40);
  });

  test('Grafana provisioning accepts a hashed uid', () => {
    // GIVEN
    const service = `payments-${'x'.repeat(54)}`;
    // WHEN
    const file = dashboardFile(sloServiceDashboard(serviceModel([slo(service, 'availability', 99.9)])), 'test');
    // THEN
    expect(file.uid).toBe(sloDashboardUid(service));
    expect(file.fileName).toBe(`${sloDashboardUid(service)}.json`);
  });
});

describe('sloServiceDashboard', () => {
  test('has the service\'s stable uid, a title, SLO tags and a link to the overview', () => {
    const d = orderDashboard();
    expect(d).toMatchObject({ uid: 'obs-slo-order-service', title: 'SLOs / order-service', tags: ['observability-stack', 'slo', 'slo-service'] });
    expect(d.links).toEqual([expect.objectContaining({ title: 'SLO overview', type: 'link', url: `/d/${SLO_OVERVIEW_UID}`, keepTime: true })]);
    expect(d.links[0]).not.toHaveProperty('placement');
  });

  test('serializes to the same JSON on every build, whatever the order of the SLOs given', () => {
    const first = toJson(sloServiceDashboard(ORDER));
    expect(toJson(sloServiceDashboard(ORDER))).toBe(first);
    expect(toJson(sloServiceDashboard({ ...ORDER, slos: [...ORDER.slos].reverse() }))).toBe(first);
  });

  test('has one expanded row per SLO, sorted by SLO name, titled with the objective and period', () => {
    const rows = orderDashboard().panels.filter((p: any) => p.type === 'row');
    expect(rows.map((r: any) => [r.title, r.collapsed, r.panels])).toEqual([
      ['availability: 99.9% over 30d', false, []],
      ['error-rate: 99.9% over 30d', false, []],
      ['latency: 99% over 30d', false, []],
    ]);
  });

  test('uses current visualizations only, in the same layout for every SLO', () => {
    // WHEN
    const d = orderDashboard();
    // THEN
    expect(new Set(allPanels(d).map((p) => p.type))).toEqual(new Set(['row', 'timeseries', 'stat']));
    for (const prefix of ['availability', 'error-rate', 'latency']) {
      expect(rowPanels(d, prefix).map((p) => [p.type, p.title])).toEqual([
        ['timeseries', 'SLI vs objective'],
        ['stat', 'SLI (30d)'],
        ['stat', 'Error budget remaining'],
        ['stat', 'Firing alerts'],
        ['timeseries', 'Error budget remaining'],
        ['stat', 'Current burn rate'],
        ['stat', 'Period burn rate'],
        ['timeseries', 'Page alert: 14.4× over 1h and 5m'],
        ['timeseries', 'Page alert: 6× over 6h and 30m'],
        ['timeseries', 'Ticket alert: 3× over 1d and 2h'],
        ['timeseries', 'Ticket alert: 1× over 3d and 6h'],
      ]);
    }
  });

  test('every query is valid PromQL on the conventions\' recordings, without $__rate_interval', () => {
    expectQueriesFromConventions(orderDashboard());
  });

  test('every SLO query selects that SLO\'s series by sloth_id, sloth_service and sloth_slo', () => {
    const panels = rowPanels(orderDashboard(), 'latency');
    const exprs = panels.filter((p) => p.title !== 'Firing alerts').flatMap((p) => p.targets.map((t: any) => t.expr));
    expect(exprs.length).toBeGreaterThan(0);
    for (const e of exprs) expect(e).toContain('{sloth_id="order-service-latency", sloth_service="order-service", sloth_slo="latency"}');
  });

  test('panels have distinct ids and tile the 24-column grid without overlapping', () => {
    expectGridWithoutOverlaps(orderDashboard());
  });

  test.each(ORDER_SLOS.map((s) => [s.name, s.objective] as const))(
    'the %s SLI is drawn in percent over 5m, 1h and the period against a line at its objective (%d)',
    (name, objective) => {
      // WHEN
      const p = panelIn(rowPanels(orderDashboard(), name), 'SLI vs objective');
      // THEN
      expect(p.fieldConfig.defaults).toMatchObject({ unit: 'percent', max: 100, custom: { thresholdsStyle: { mode: 'dashed' } } });
      expect(steps(p)).toEqual([
        { value: null, color: 'red' },
        { value: objective, color: 'green' },
      ]);
      const f = `{sloth_id="order-service-${name}", sloth_service="order-service", sloth_slo="${name}"}`;
      expect(p.targets.map((t: any) => [t.expr, t.legendFormat])).toEqual([
        [`100 * (1 - slo:sli_error:ratio_rate5m${f})`, 'SLI 5m'],
        [`100 * (1 - slo:sli_error:ratio_rate1h${f})`, 'SLI 1h'],
        [`100 * (1 - slo:sli_error:ratio_rate30d${f})`, 'SLI 30d'],
      ]);
      expect(steps(panelIn(rowPanels(orderDashboard(), name), 'SLI (30d)'))).toEqual(steps(p));
    },
  );

  test('error budget remaining is a stat and a time series of the period recording: red below 0, yellow below 25%, green above', () => {
    // WHEN
    const budgetPanels = rowPanels(orderDashboard(), 'availability').filter((p) => p.title === 'Error budget remaining');
    // THEN
    expect(budgetPanels.map((p) => p.type)).toEqual(['stat', 'timeseries']);
    for (const p of budgetPanels) {
      expect(p.fieldConfig.defaults.unit).toBe('percent');
      expect(steps(p)).toEqual([
        { value: null, color: 'red' },
        { value: 0, color: 'yellow' },
        { value: 25, color: 'green' },
      ]);
      expect(p.targets[0].expr).toBe(
        '100 * slo:period_error_budget_remaining:ratio{sloth_id="order-service-availability", sloth_service="order-service", sloth_slo="availability"}',
      );
    }
  });

  test.each(WORKBOOK_WINDOWS.map((w) => [w.tier, w.burnRateFactor, w.longWindow, w.shortWindow] as const))(
    'the %s alert at %d× shows the burn rate over %s and %s against a line at its factor',
    (tier, factor, long, short) => {
      // GIVEN
      const f = '{sloth_id="order-service-availability", sloth_service="order-service", sloth_slo="availability"}';
      const burn = (w: string): string =>
        `slo:sli_error:ratio_rate${w}${f} / on (sloth_id, sloth_service, sloth_slo) group_left slo:error_budget:ratio${f}`;
      // WHEN
      const p = panelIn(rowPanels(orderDashboard(), 'availability'), `${tier === 'page' ? 'Page' : 'Ticket'} alert: ${factor}× over ${long} and ${short}`);
      // THEN
      expect(p.type).toBe('timeseries');
      expect(p.targets.map((t: any) => [t.expr, t.legendFormat])).toEqual([
        [burn(long), long],
        [burn(short), short],
      ]);
      expect(steps(p)).toEqual([
        { value: null, color: 'green' },
        { value: factor, color: tier === 'page' ? 'red' : 'orange' },
      ]);
      expect(p.fieldConfig.defaults).toMatchObject({ unit: 'suffix:×', min: 0, custom: { thresholdsStyle: { mode: 'dashed' }, axisSoftMax: factor * 1.25 } });
    },
  );

  test('current burn rate is coloured at every alert factor; period burn rate turns red at 1×', () => {
    // WHEN
    const panels = rowPanels(orderDashboard(), 'availability');
    const current = panelIn(panels, 'Current burn rate');
    const period = panelIn(panels, 'Period burn rate');
    // THEN
    expect(current.targets[0].expr).toMatch(/^slo:current_burn_rate:ratio\{/);
    expect(steps(current)).toEqual([
      { value: null, color: 'green' },
      { value: 1, color: 'orange' },
      { value: 3, color: 'orange' },
      { value: 6, color: 'red' },
      { value: 14.4, color: 'red' },
    ]);
    expect(period.targets[0].expr).toMatch(/^slo:period_burn_rate:ratio\{/);
    expect(steps(period)).toEqual([
      { value: null, color: 'green' },
      { value: 0.75, color: 'yellow' },
      { value: 1, color: 'red' },
    ]);
    for (const p of [current, period]) expect(p.fieldConfig.defaults.unit).toBe('suffix:×');
  });

  test('firing alerts counts the SLO\'s page, ticket and other alerts by their alert labels, 0 when none fire', () => {
    // WHEN
    const p = panelIn(rowPanels(orderDashboard(), 'latency'), 'Firing alerts');
    // THEN
    const sel = (severity: string): string =>
      `count(ALERTS{alertstate="firing", service="order-service", slo="latency", sloth_severity="${severity}"}) or vector(0)`;
    expect(p.targets.map((t: any) => [t.expr, t.legendFormat])).toEqual([
      [sel('page'), 'Page'],
      [sel('ticket'), 'Ticket'],
      [sel(''), 'Other'],
    ]);
    expect(p.fieldConfig.overrides).toEqual([
      { matcher: { id: 'byName', options: 'Page' }, properties: [{ id: 'thresholds', value: { mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 1, color: 'red' }] } }] },
    ]);
  });

  test('a 28-day SLO reads the 28d recordings, and has one burn-rate panel per alert it has', () => {
    // WHEN
    const d = model(sloServiceDashboard(serviceModel([TICKET_ONLY_28D])));
    const panels = rowPanels(d, 'availability');
    // THEN
    expect(d.panels[0].title).toBe('availability: 99.95% over 28d');
    expect(panelIn(panels, 'SLI vs objective').targets[2].expr).toContain('slo:sli_error:ratio_rate28d{');
    expect(panelIn(panels, 'SLI (28d)').fieldConfig.defaults.decimals).toBe(3);
    const burn = panels.filter((p) => p.title.includes('alert:'));
    expect(burn.map((p) => [p.title, p.gridPos.w, steps(p)[1]])).toEqual([
      ['Ticket alert: 2.8× over 1d and 2h', 12, { value: 2.8, color: 'orange' }],
      ['Ticket alert: 0.933333333333× over 3d and 6h', 12, { value: 0.933333333333, color: 'orange' }],
    ]);
    expectQueriesFromConventions(d);
  });

  test('an SLO without burn-rate alerts still shows its burn rate, against 1×', () => {
    // WHEN
    const d = model(sloServiceDashboard(serviceModel([slo('quiet', 'availability', 99, { page: false, ticket: false })])));
    // THEN
    const p = panelIn(rowPanels(d, 'availability'), 'Burn rate');
    expect(p.targets.map((t: any) => t.legendFormat)).toEqual(['1h', '30d']);
    expect(steps(p)[1]).toEqual({ value: 1, color: 'orange' });
    expectQueriesFromConventions(d);
  });

  test('reads the validated SLO model: a bad SLO never reaches it, and a service needs an SLO', () => {
    // The objective is checked once, by the model, with its one fix text.
    expect(() => serviceModel([slo('order-service', 'availability', 100)])).toThrow(
      'services.order-service.slos.availability.objective: must be a percentage strictly between 0 and 100 (got 100). Fix: write e.g. 99.9 for "99.9% of events are good" (100 leaves no error budget).',
    );
    expect(() => sloServiceDashboard({ name: 'order-service', slos: [] })).toThrow(/sloDashboards\.services\.order-service: must show at least one SLO/);
  });
});

describe('sloOverviewDashboard', () => {
  const PLATFORM = sloDefinitions([...ORDER_SLOS, TICKET_ONLY_28D]);
  const overview = (): any => model(sloOverviewDashboard(PLATFORM));
  const table = (): any => panelIn(overview().panels, 'SLOs, lowest error budget first');

  test('has a stable uid, SLO tags, and links to every service dashboard by tag', () => {
    const d = overview();
    expect(d).toMatchObject({ uid: SLO_OVERVIEW_UID, title: 'SLO overview', tags: ['observability-stack', 'slo'] });
    expect(d.links).toEqual([expect.objectContaining({ type: 'dashboards', tags: ['slo-service'], asDropdown: true })]);
    expect(toJson(sloOverviewDashboard(PLATFORM))).toBe(toJson(sloOverviewDashboard(PLATFORM)));
  });

  test('uses stat, table and time series panels, laid out without overlaps', () => {
    const d = overview();
    expect(d.panels.map((p: any) => p.type)).toEqual(['stat', 'stat', 'stat', 'stat', 'table', 'timeseries']);
    expectGridWithoutOverlaps(d);
  });

  test('filters every query by a multi-value service variable listing the SLOs\' services', () => {
    // WHEN
    const d = overview();
    // THEN
    expect(d.templating.list).toEqual([
      expect.objectContaining({ type: 'query', name: 'service', query: 'label_values(sloth_slo_info, sloth_service)', multi: true, includeAll: true, allValue: '.*' }),
    ]);
    for (const t of targets(d)) expect(t.expr).toMatch(/(sloth_service|service)=~"\$service"/);
    expectQueriesFromConventions(d);
  });

  test('the table has one instant query per column, each one series per SLO, merged and renamed in order', () => {
    // WHEN
    const p = table();
    // THEN
    expect(p.targets.map((t: any) => [t.refId, t.instant, t.format])).toEqual(['A', 'B', 'C', 'D', 'E'].map((r) => [r, true, 'table']));
    for (const t of p.targets) expect(t.expr).toContain('max by (sloth_id, sloth_service, sloth_slo) (');
    expect(p.transformations[0]).toEqual({ id: 'merge', options: {} });
    expect(p.transformations[1]).toMatchObject({
      id: 'organize',
      options: {
        excludeByName: { Time: true, sloth_id: true },
        renameByName: {
          sloth_service: SLO_OVERVIEW_COLUMNS.service,
          sloth_slo: SLO_OVERVIEW_COLUMNS.slo,
          'Value #A': SLO_OVERVIEW_COLUMNS.objective,
          'Value #B': SLO_OVERVIEW_COLUMNS.sli,
          'Value #C': SLO_OVERVIEW_COLUMNS.budgetRemaining,
          'Value #D': SLO_OVERVIEW_COLUMNS.currentBurnRate,
          'Value #E': SLO_OVERVIEW_COLUMNS.periodBurnRate,
        },
        indexByName: { sloth_service: 0, sloth_slo: 1, 'Value #A': 2, 'Value #B': 3, 'Value #C': 4, 'Value #D': 5, 'Value #E': 6 },
      },
    });
    expect(p.targets.map((t: any) => metricNames(t.expr))).toEqual([
      [SLO_METRICS.objectiveRatio],
      [sliErrorRatioRecord('28d'), sliErrorRatioRecord('30d')],
      [SLO_METRICS.periodErrorBudgetRemaining],
      [SLO_METRICS.currentBurnRate],
      [SLO_METRICS.periodBurnRate],
    ]);
  });

  test('the SLI column reads each SLO\'s own period recording', () => {
    expect(table().targets[1].expr).toBe(
      '100 * (1 - max by (sloth_id, sloth_service, sloth_slo) (slo:sli_error:ratio_rate28d{sloth_service=~"$service"} or slo:sli_error:ratio_rate30d{sloth_service=~"$service"}))',
    );
    expect(model(sloOverviewDashboard(ORDER.slos)).panels[4].targets[1].expr).toContain('(slo:sli_error:ratio_rate30d{sloth_service=~"$service"})');
  });

  test('is sorted by budget left, worst first, with the budget cells coloured red below 0, yellow below 25%', () => {
    // WHEN
    const p = table();
    const override = (column: string): any => p.fieldConfig.overrides.find((o: any) => o.matcher.options === column);
    // THEN
    expect(p.options.sortBy).toEqual([{ displayName: SLO_OVERVIEW_COLUMNS.budgetRemaining, desc: false }]);
    expect(p.fieldConfig.defaults.custom.filterable).toBe(true);
    expect(override(SLO_OVERVIEW_COLUMNS.budgetRemaining).properties).toEqual([
      { id: 'unit', value: 'percent' },
      { id: 'decimals', value: 1 },
      { id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } },
      { id: 'thresholds', value: { mode: 'absolute', steps: [{ value: null, color: 'red' }, { value: 0, color: 'yellow' }, { value: 25, color: 'green' }] } },
    ]);
    // 99.95 needs three decimals to tell it from 99.9
    expect(override(SLO_OVERVIEW_COLUMNS.objective).properties).toContainEqual({ id: 'decimals', value: 3 });
    // current burn rate: yellow from 1x, red from the lowest page factor of the platform
    expect(override(SLO_OVERVIEW_COLUMNS.currentBurnRate).properties).toContainEqual({
      id: 'thresholds',
      value: { mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 1, color: 'yellow' }, { value: 6, color: 'red' }] },
    });
    expect(override(SLO_OVERVIEW_COLUMNS.service).properties[0].value[0].url).toBe('/dashboards?tag=slo-service&query=${__value.text}');
  });

  test('headline stats count SLOs, spent and low budgets and firing page alerts, 0 rather than no data', () => {
    const stats = overview().panels.filter((p: any) => p.type === 'stat');
    expect(stats.map((p: any) => [p.title, p.targets[0].expr])).toEqual([
      ['SLOs', 'count(slo:objective:ratio{sloth_service=~"$service"})'],
      ['Budget exhausted', 'count(slo:period_error_budget_remaining:ratio{sloth_service=~"$service"} < 0) or vector(0)'],
      ['Budget below 25%', 'count(slo:period_error_budget_remaining:ratio{sloth_service=~"$service"} < 0.25) or vector(0)'],
      ['Page alerts firing', 'count(ALERTS{alertstate="firing", sloth_severity="page", service=~"$service"}) or vector(0)'],
    ]);
  });

  test('an empty platform is a ConfigError', () => {
    expect(() => sloOverviewDashboard([])).toThrow(/sloDashboards.overview: must show at least one SLO/);
  });
});

describe('sloDashboards', () => {
  test('builds the overview and one dashboard per service, sorted, for 100+ services with unique valid uids', () => {
    // GIVEN 120 services, some with names too long for a plain uid
    const fixtures = Array.from({ length: 120 }, (_, i) => {
      const service = i % 10 === 0 ? `team-${i}-${'very-long-service-name-'.repeat(2)}x` : `svc-${String(i).padStart(3, '0')}`;
      return [slo(service, 'availability', 99.9), slo(service, 'latency', 99)];
    }).flat();
    const services = serviceModels(fixtures);
    const slos = services.flatMap((s) => s.slos);
    // WHEN
    const all = sloDashboards(services).map(model);
    // THEN
    expect(all).toHaveLength(121);
    expect(all[0].uid).toBe(SLO_OVERVIEW_UID);
    const titles = all.slice(1).map((d) => d.title.replace('SLOs / ', ''));
    expect(titles).toEqual([...titles].sort());
    const uids = all.map((d) => d.uid);
    expect(new Set(uids).size).toBe(121);
    for (const u of uids) expect(u).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
    for (const d of all.slice(1)) expect(d.panels.filter((p: any) => p.type === 'row')).toHaveLength(2);
    // the overview's queries are generic: its size does not grow with the number of SLOs
    expect(toJson(sloOverviewDashboard(slos))).toBe(toJson(sloOverviewDashboard(slos.slice(0, 2))));
  });

  test('keeps each service\'s SLOs on its own dashboard', () => {
    const [, billing, order] = sloDashboards(serviceModels([...ORDER_SLOS, TICKET_ONLY_28D])).map(model);
    expect(billing.uid).toBe('obs-slo-billing');
    expect(order.panels.filter((p: any) => p.type === 'row')).toHaveLength(3);
  });
});
