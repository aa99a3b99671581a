import { isAlertingRule, RecordingRule, renderRuleFile } from '../../src/common/rules';
import { Matcher, renderInhibitRule } from '../../src/components/alertmanager';
import {
  allSlos,
  buildSloModel,
  generateSloRuleFiles,
  ORDER_SERVICE,
  sloInhibitRules,
  DEMO_SERVICES,
} from '../../src/slo';
import { promqlProblems } from '../../src/promql';
import { amtool, promtool, writeTree } from '../helpers/tools';
import { CHECKOUT_RAW_28D, SEARCH_CLASS } from './fixtures';
import { syntheticCatalog } from '../../bench/catalog';

const model = buildSloModel([ORDER_SERVICE]);
const files = generateSloRuleFiles(model);
const shared = files.find((f) => f.fileName === 'slo.rules.yml')!;
const rules = files.flatMap((f) => f.groups.flatMap((g) => g.rules));
const records = rules.filter((r): r is RecordingRule => !isAlertingRule(r));
const alerts = rules.filter(isAlertingRule);
const record = (name: string, i = 0) => records.filter((r) => r.record === name)[i];
const rulesOf = (n: number) => generateSloRuleFiles(buildSloModel(syntheticCatalog(n))).map((f) => ({ name: f.fileName, rules: f.groups.flatMap((g) => g.rules) }));

describe('SLO rule generators', () => {
  test('a shared file with the five groups and their intervals, and one file per service with its definitions', () => {
    const all = generateSloRuleFiles(buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES]));
    expect(all.map((f) => f.fileName)).toEqual([
      'slo-order-service.rules.yml',
      'slo-payment-service.rules.yml',
      'slo-catalog-service.rules.yml',
      'slo-report-service.rules.yml',
      'slo-newsletter-service.rules.yml',
      'slo.rules.yml',
    ]);
    expect(shared.groups.map((g) => [g.name, g.interval])).toEqual([
      ['slo-sli-recordings', undefined],
      ['slo-sli-tiles', '5m'],
      ['slo-sli-long-windows', '1m'],
      ['slo-meta-recordings', undefined],
      ['slo-alerts', undefined],
    ]);
    expect(files[0].groups.map((g) => [g.name, g.rules.map((r) => (isAlertingRule(r) ? r.alert : r.record))])).toEqual([
      ['slo-definitions-order-service', ['slo:definition:info', 'slo:definition:info', 'slo:definition:info']],
    ]);
  });

  test('adding services adds one definition per SLO, not rules: the shared file is the same size at 10 and 100 services', () => {
    const [ten, hundred] = [rulesOf(10), rulesOf(100)];
    const sharedOf = (f: typeof ten) => f.find((x) => x.name === 'slo.rules.yml')!.rules;
    expect(sharedOf(hundred).length).toBe(sharedOf(ten).length);
    expect(sharedOf(ten).length).toBeLessThan(120);
    for (const f of hundred.filter((x) => x.name !== 'slo.rules.yml')) expect(f.rules.map((r) => (isAlertingRule(r) ? r.alert : r.record))).toEqual(Array(3).fill('slo:definition:info'));
  });

  test("an SLO's definition carries its identity, objective, period, shapes, selector and extra labels", () => {
    const [def] = generateSloRuleFiles(buildSloModel([CHECKOUT_RAW_28D, ORDER_SERVICE]))[0].groups[0].rules as RecordingRule[];
    expect(def).toMatchObject({ record: 'slo:definition:info', expr: 'vector(1)' });
    expect(def.labels).toEqual({
      slo_alerting: expect.stringMatching(/^a-[0-9a-f]{10}$/),
      slo_period: '28d',
      slo_sli_shape: 'raw',
      sloth_id: 'checkout-grpc-errors',
      sloth_objective: '99.5',
      sloth_service: 'checkout',
      sloth_slo: 'grpc-errors',
      team: 'payments',
    });
    expect(record('slo:definition:info', 2).labels).toMatchObject({ service: 'order-service', slo_sli_shape: expect.stringMatching(/^error-rate-/), sloth_id: 'order-service-error-rate' });
  });

  test('short windows: one rule per window, per SLI shape the events of every service at once joined once onto its SLOs; 1h from its 30m halves', () => {
    const sli = shared.groups[0].rules as RecordingRule[];
    expect(sli.map((r) => r.record)).toEqual([
      'slo:sli_threshold:info',
      ...['5m', '30m'].map((w) => `slo:sli_events_by_class:rate${w}`),
      ...['5m', '30m', '1h'].flatMap((w) => [`slo:sli_total_events:rate${w}`, `slo:sli_error_events:rate${w}`]),
      ...['5m', '30m', '1h'].map((w) => `slo:sli_error:ratio_rate${w}`),
    ]);
    // once a minute with the long windows: the metadata that changes no faster (after the period ratio it reads), the
    // breach condition, and the absent check (every raw series over the absent window)
    const long = shared.groups.find((g) => g.name === 'slo-sli-long-windows')!;
    expect(long.interval).toBe('1m');
    expect(long.rules.map((r) => (r as RecordingRule).record)).toEqual([
      ...['2h', '6h', '1d', '3d', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`),
      'slo:objective:ratio',
      'slo:error_budget:ratio',
      'slo:time_period:days',
      'slo:period_burn_rate:ratio',
      'slo:period_error_budget_remaining:ratio',
      'sloth_slo_info',
      'slo:period_sli_breach:ratio',
      'slo:ticket_burn_rate:ratio',
      'slo:sli_source_absent:info',
    ]);
    const errors = record('slo:sli_error_events:rate5m');
    expect(errors.labels).toEqual({ sloth_window: '5m' });
    // the three shapes of the seed (availability, latency, error rate), OR-ed: their SLOs are disjoint
    const parts = errors.expr.split('\n)\nor\n(\n');
    expect(parts).toHaveLength(3);
    // error rate: the bad events of its one classified raw read (both the bad and all events come from it)
    expect(parts[2].replace(/\n\)$/, '')).toMatch(
      /^sum without \(service, sloth_objective, slo_period, slo_sli_shape, slo_alerting\) \(\n {2}\(sum by \(service\) \(slo:sli_events_by_class:rate5m\{slo_sli_shape="(error-rate-[0-9a-f]{10})", slo_bad="1"\}\)\)\n {2}\* on \(service\) group_right \(\)\n {2}slo:definition:info\{slo_sli_shape="\1"\}\n\)$/,
    );
    expect(record('slo:sli_events_by_class:rate5m')).toEqual({
      record: 'slo:sli_events_by_class:rate5m',
      expr: 'sum by (service, slo_bad) (label_replace(rate(http_requests_total[5m]), "slo_bad", "1", "status", "5.."))',
      labels: { slo_sli_shape: expect.stringMatching(/^error-rate-/) },
    });
    // latency: the SLOs' totals of this window (recorded just before) minus their threshold bucket, joined on (service, le)
    expect(parts[1]).toMatch(
      /^slo:sli_total_events:rate5m\n- ignoring \(sloth_window\)\nsum without \(service, le, sloth_objective, slo_period, slo_sli_shape, slo_alerting\) \(\n {2}\(sum by \(service, le\) \(rate\(http_request_duration_seconds_bucket\{le="0\.2"\}\[5m\]\)\)\)\n {2}\* on \(service, le\) group_right \(\)\n {2}slo:sli_threshold:info\{slo_sli_shape="latency-[0-9a-f]{10}"\}\n\)$/,
    );
    // availability: the window's samples (recorded just before) minus the successful ones
    expect(record('slo:sli_error_events:rate30m').expr.split('\n)\nor\n(\n')[0]).toBe(
      '(\nslo:sli_total_events:rate30m\n- ignoring (sloth_window)\nsum without (service, sloth_objective, slo_period, slo_sli_shape, slo_alerting) (\n  (sum by (service) (sum_over_time(up[30m])) / 1800)\n  * on (service) group_right ()\n  slo:definition:info{slo_sli_shape="' +
        record('slo:definition:info', 0).labels!.slo_sli_shape +
        '"}\n)',
    );
  });

  test('one ratio rule per window for every SLO; tiles from the 5m rates; long windows and the period from the tiles', () => {
    const ratios = records.filter((r) => r.record.startsWith('slo:sli_error:ratio_rate'));
    expect(ratios.map((r) => r.record)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`));
    for (const r of ratios) expect(r.labels).toEqual({ sloth_window: r.record.replace('slo:sli_error:ratio_rate', '') });
    expect(record('slo:sli_error:ratio_rate5m').expr).toBe('(slo:sli_error_events:rate5m or 0 * slo:sli_total_events:rate5m)\n/\nslo:sli_total_events:rate5m');
    expect(record('slo:sli_error_events:increase5m').expr).toBe('(slo:sli_error_events:rate5m or 0 * slo:sli_total_events:rate5m) * 300');
    expect(record('slo:sli_total_events:increase5m').expr).toBe('slo:sli_total_events:rate5m * 300');
    expect(record('slo:sli_error:ratio_rate30d').expr).toBe('sum_over_time(slo:sli_error_events:increase5m[30d])\n/\nsum_over_time(slo:sli_total_events:increase5m[30d])');
  });

  test('only the short-window rules read raw series, over at most 1h (the period is never a raw 30d rate)', () => {
    for (const r of rules) {
      for (const m of r.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\[(\d+[smhd])\]/g)) {
        if (m[1].startsWith('slo:')) continue;
        expect(['5m', '10m', '30m', '1h']).toContain(m[3]);
      }
    }
  });

  test("Sloth's metadata recordings, for every SLO in a constant number of rules: every cycle only the current burn rate", () => {
    // every cycle: the current burn rate and the page condition that reads it (the ticket's windows are all tiled: it
    // is evaluated with the long windows, see the alerts below)
    const meta = shared.groups.find((g) => g.name === 'slo-meta-recordings')!.rules as RecordingRule[];
    expect(meta.map((r) => r.record)).toEqual(['slo:current_burn_rate:ratio', 'slo:page_burn_rate:ratio']);
    expect(meta[0].expr).toBe('(slo:sli_error:ratio_rate5m\n/ ignoring (sloth_window)\nslo:error_budget:ratio)');
    // once a minute (the long-window group): constants of the definitions, the period's burn rate and budget
    expect(record('slo:objective:ratio').expr).toBe(
      '0.99 * group without (service, le, sloth_objective, slo_period, slo_sli_shape, slo_alerting) (slo:definition:info{sloth_objective="99"})\nor\n0.999 * group without (service, le, sloth_objective, slo_period, slo_sli_shape, slo_alerting) (slo:definition:info{sloth_objective="99.9"})',
    );
    expect(record('slo:period_burn_rate:ratio').expr).toBe('slo:sli_error:ratio_rate30d\n/ ignoring (sloth_window)\nslo:error_budget:ratio');
    expect(record('sloth_slo_info')).toEqual({
      record: 'sloth_slo_info',
      expr: 'group without (service, le, slo_period, slo_sli_shape, slo_alerting) (slo:definition:info)',
      labels: { sloth_mode: 'observability-stack', sloth_spec: 'observability-stack/slo/v1', sloth_version: 'v1' },
    });
  });

  describe('alerts', () => {
    const page = record('slo:page_burn_rate:ratio');
    const errorRatePage = alerts.find((a) => a.labels?.sloth_severity === 'page' && a.annotations?.description?.includes('bad events'))!;

    test('page condition: 14.4x over 1h and 5m, or 6x over 6h and 30m, past the bad-event guard, recorded once for every SLO', () => {
      expect(page.expr).toMatch(/^slo:current_burn_rate:ratio\nand on \(sloth_id\)\n\(/);
      expect(page.expr).toContain('slo:sli_error:ratio_rate5m > on (sloth_id) group_left () (14.4 * slo:error_budget:ratio)\n        and on (sloth_id)\n        slo:sli_error:ratio_rate1h > on (sloth_id) group_left () (14.4 * slo:error_budget:ratio)');
      expect(page.expr).toContain('slo:sli_error:ratio_rate30m > on (sloth_id) group_left () (6 * slo:error_budget:ratio)');
      // a page needs 2 bad events over the last hour (request-based SLIs only: availability is not guarded)
      expect(page.expr).toMatch(/unless on \(sloth_id\)\n\(\n {4}slo:sli_error_events:rate1h \* 3600 < 2\n {4}and on \(sloth_id\)\n {4}slo:definition:info\{slo_alerting="a-[0-9a-f]{10}"\}\n\)$/);
      const ticket = record('slo:ticket_burn_rate:ratio');
      expect(ticket.expr).toContain('slo:sli_error:ratio_rate2h > on (sloth_id) group_left () (3 * slo:error_budget:ratio)');
      expect(ticket.expr).toContain('slo:sli_error:ratio_rate3d > on (sloth_id) group_left () (1 * slo:error_budget:ratio)');
      expect(ticket.expr).not.toContain('unless');
      // evaluated with the long windows (all its windows are tiled): its value, the current burn rate, is computed
      // there from the 5m ratio (the metadata group runs after it)
      expect(ticket.expr).toMatch(/^\(\n\(slo:sli_error:ratio_rate5m\n\/ ignoring \(sloth_window\)\nslo:error_budget:ratio\)\n\)\nand on \(sloth_id\)\n\(/);
    });

    test('a ticket over a short window stays in the metadata group, every cycle, reading the current burn rate', () => {
      const table = { period: '30d', source: 'test', page: { quick: { budgetShare: 0.02, shortWindow: '5m', longWindow: '1h' }, slow: { budgetShare: 0.05, shortWindow: '30m', longWindow: '6h' } }, ticket: { quick: { budgetShare: 0.1, shortWindow: '30m', longWindow: '1d' }, slow: { budgetShare: 0.1, shortWindow: '6h', longWindow: '3d' } } };
      const groups = generateSloRuleFiles(buildSloModel([ORDER_SERVICE], { windowTables: { '30d': table } })).find((f) => f.fileName === 'slo.rules.yml')!.groups;
      const recordsOf = (name: string) => (groups.find((g) => g.name === name)!.rules as RecordingRule[]).map((r) => r.record);
      expect(recordsOf('slo-meta-recordings')).toEqual(['slo:current_burn_rate:ratio', 'slo:page_burn_rate:ratio', 'slo:ticket_burn_rate:ratio']);
      expect(recordsOf('slo-sli-long-windows')).not.toContain('slo:ticket_burn_rate:ratio');
      const ticket = groups.find((g) => g.name === 'slo-meta-recordings')!.rules[2] as RecordingRule;
      expect(ticket.expr).toMatch(/^slo:current_burn_rate:ratio\nand on \(sloth_id\)\n\(/);
      expect(ticket.expr).toContain('slo:sli_error:ratio_rate30m > on (sloth_id) group_left () (');
    });

    test('an alerting shape joins its SLOs onto the condition; labels from the identity; no sloth_window', () => {
      expect(errorRatePage.expr).toMatch(/^slo:page_burn_rate:ratio\n\* on \(sloth_id\) group_left \(sloth_objective\)\nslo:definition:info\{slo_alerting="a-[0-9a-f]{10}"\}$/);
      expect(errorRatePage.labels).toEqual({
        service: '{{ $labels.sloth_service }}',
        severity: 'critical',
        slo: '{{ $labels.sloth_slo }}',
        slo_alerting: expect.stringMatching(/^a-[0-9a-f]{10}$/),
        sloth_severity: 'page',
      });
      expect(errorRatePage.annotations).toEqual({
        title: '(page) {{ $labels.sloth_service }} {{ $labels.sloth_slo }} SLO error budget burn rate is too fast.',
        summary: '(page) {{ $labels.sloth_service }} {{ $labels.sloth_slo }}: SLO error budget burn rate is too fast',
        description:
          'Error budget burn rate is {{ $value | humanize }}x over the last 5m (page when over 14.4x for 1h and 5m, or over 6x for 6h and 30m). Objective: {{ $labels.sloth_objective }}% over 30d. Needs at least 2 bad events over 1h.',
      });
      // the conditions the alerts read carry no sloth_window: one-to-one `on (...)` keeps only the identity
      for (const r of records.filter((x) => /burn_rate:ratio$|breach/.test(x.record))) expect(r.labels?.sloth_window).toBeUndefined();
    });

    test('the absent-source alert: per SLI shape, the SLOs none of whose source series has a sample in the 10m window, held 5m', () => {
      const absent = record('slo:sli_source_absent:info').expr.split('\n)\nor\n(\n')[2].replace(/\n\)$/, '');
      expect(absent).toMatch(/^group without \(sloth_objective, slo_period, slo_sli_shape, slo_alerting\) \(slo:definition:info\{slo_sli_shape="error-rate-[0-9a-f]{10}"\}\)\nunless on \(service\)\ngroup by \(service\) \(present_over_time\(http_requests_total\[10m\]\)\)$/);
      const alert = alerts.find((a) => a.alert === 'SLOSourceMetricAbsent' && a.annotations?.description?.startsWith('http_requests_total'))!;
      expect(alert).toMatchObject({ for: '5m', labels: { service: '{{ $labels.sloth_service }}', slo: '{{ $labels.sloth_slo }}', severity: 'warning', slo_sli_shape: expect.stringMatching(/^error-rate-/) } });
      expect(alert.annotations?.description).toBe('http_requests_total{service="{{ $labels.service }}"} has had no samples for 10m: the SLO cannot be measured and its burn-rate alerts cannot fire.');
    });

    test("the seed's SLOBreach keeps its name and meaning on the period recording", () => {
      expect(record('slo:period_sli_breach:ratio').expr).toBe('(1 - slo:sli_error:ratio_rate30d) < ignoring (sloth_window) slo:objective:ratio');
      expect(alerts.find((a) => a.alert === 'SLOBreach')).toMatchObject({ expr: expect.stringMatching(/^slo:period_sli_breach:ratio\n\* on \(sloth_id\)/), for: '5m', labels: { severity: 'warning' } });
    });
  });

  test('raw SLIs record their own rates; tier labels, extra labels (group_left) and a runbook reach the alerts', () => {
    const m = buildSloModel([CHECKOUT_RAW_28D, ORDER_SERVICE]);
    const all = generateSloRuleFiles(m);
    const rs = all.flatMap((f) => f.groups.flatMap((g) => g.rules));
    const own = all[0].groups.find((g) => g.name === 'slo-sli-recordings-checkout')!.rules as RecordingRule[];
    expect(own[0]).toEqual({
      record: 'slo:sli_error_events:rate5m',
      expr: 'sum(sum(rate(grpc_server_handled_total{grpc_service="checkout",grpc_code!="OK"}[5m]))) or vector(0)',
      labels: { sloth_id: 'checkout-grpc-errors', sloth_service: 'checkout', sloth_slo: 'grpc-errors', sloth_window: '5m', team: 'payments' },
    });
    const checkout = rs.filter(isAlertingRule).filter((a) => a.annotations?.summary?.includes('Checkout') || a.expr.includes('sloth_id="checkout-grpc-errors"'));
    expect(checkout.map((a) => `${a.alert}/${a.labels?.sloth_severity ?? '-'}`)).toEqual(['SLOErrorBudgetBurn/page', 'SLOSourceMetricAbsent/-']);
    expect(checkout[0].labels).toMatchObject({ routing_key: 'payments', severity: 'critical', sloth_severity: 'page' });
    expect(checkout[0].expr).toContain('* on (sloth_id) group_left (sloth_objective, team)');
    expect(checkout[0].annotations?.runbook_url).toBe('https://runbooks.example.com/{{ $labels.sloth_service }}/{{ $labels.sloth_slo }}');
    // two periods: each records its own page condition, for its own SLOs
    const pageCondition = rs.find((r) => !isAlertingRule(r) && r.record === 'slo:page_burn_rate:ratio')!.expr;
    expect([...pageCondition.matchAll(/slo_period="(\w+)"/g)].map((m) => m[1])).toEqual(['28d', '30d']);
    expect(pageCondition).toContain('(13.44 * slo:error_budget:ratio)');
  });

  test('an extra label named like a selector label fails with the fix', () => {
    expect(() => buildSloModel([{ ...SEARCH_CLASS, labels: { namespace: 'x' } }])).toThrow(/labels\.namespace.*also a label of the service's selector.*rename the extra label/s);
  });

  test('every generated expression is valid PromQL', () => {
    const m = buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES, CHECKOUT_RAW_28D, SEARCH_CLASS]);
    for (const r of generateSloRuleFiles(m).flatMap((f) => f.groups.flatMap((g) => g.rules))) expect(promqlProblems(r.expr, 'rule')).toEqual([]);
  });

  test('generation is deterministic', () => {
    const a = generateSloRuleFiles(buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES])).map((f) => renderRuleFile(f.groups));
    const b = generateSloRuleFiles(buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES])).map((f) => renderRuleFile(f.groups));
    expect(a).toEqual(b);
  });
});

describe('promtool and amtool accept everything generated', () => {
  test('promtool check rules passes on the default platform and representative specs', () => {
    // GIVEN every rule file of the seed's service, the demo catalog and the representative specs
    const m = buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES, CHECKOUT_RAW_28D, SEARCH_CLASS]);
    const files = Object.fromEntries(generateSloRuleFiles(m).map((f) => [f.fileName, renderRuleFile(f.groups)]));
    const dir = writeTree(files, 'slo-rules-');
    // WHEN promtool checks them
    const r = promtool(['check', 'rules', ...Object.keys(files)], dir);
    // THEN all pass
    expect(r.output).not.toMatch(/FAILED/);
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/slo-order-service\.rules\.yml\s+SUCCESS: 3 rules found/);
    expect(r.output).toMatch(/slo\.rules\.yml\s+SUCCESS: \d+ rules found/);
  });

  test('the inhibition: a page suppresses the ticket of the same SLO, and amtool accepts it', () => {
    const rules = sloInhibitRules(buildSloModel([ORDER_SERVICE]));
    expect(rules).toEqual([{ sourceMatchers: [Matcher.equal('sloth_severity', 'page')], targetMatchers: [Matcher.equal('sloth_severity', 'ticket')], equal: ['sloth_id', 'service', 'slo'] }]);
    expect(renderInhibitRule(rules[0])).toEqual({ source_matchers: ['sloth_severity="page"'], target_matchers: ['sloth_severity="ticket"'], equal: ['sloth_id', 'service', 'slo'] });
    const config = JSON.stringify({ route: { receiver: 'null' }, receivers: [{ name: 'null' }], inhibit_rules: rules.map(renderInhibitRule) });
    const dir = writeTree({ 'alertmanager.yml': config }, 'slo-am-');
    const r = amtool(['check-config', 'alertmanager.yml'], dir);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });

  test('no inhibition when no SLO has both tiers', () => {
    expect(sloInhibitRules(buildSloModel([CHECKOUT_RAW_28D]))).toEqual([]);
  });

  test('the low-traffic guard defaults to 2 bad events over the hour for request-based SLIs; minRequestRate: 0 turns it off', () => {
    const slos = allSlos(buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES, SEARCH_CLASS]));
    expect(Object.fromEntries(slos.map((s) => [s.id, [s.minBadEvents, s.minRequestRate]]))).toMatchObject({
      'order-service-availability': [undefined, undefined],
      'order-service-error-rate': [2, undefined],
      'order-service-latency': [2, undefined],
      'search-error-rate': [2, 1],
    });
    const off = allSlos(buildSloModel([{ ...ORDER_SERVICE, slos: [{ ...ORDER_SERVICE.slos![2], minRequestRate: 0 }] }]));
    expect(off[0]).toMatchObject({ minBadEvents: undefined, minRequestRate: undefined });
  });
});
