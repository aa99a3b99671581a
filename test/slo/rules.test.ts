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

const model = buildSloModel([ORDER_SERVICE]);
const [file] = generateSloRuleFiles(model);
const rules = file.groups.flatMap((g) => g.rules);
const records = rules.filter((r): r is RecordingRule => !isAlertingRule(r));
const alerts = rules.filter(isAlertingRule);
const forSlo = (id: string) => records.filter((r) => r.labels?.sloth_id === id);

describe('SLO rule generators', () => {
  test('one file per service, named .rules.yml, with the five groups and their intervals', () => {
    const files = generateSloRuleFiles(buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES]));
    expect(files.map((f) => f.fileName)).toEqual([
      'slo-order-service.rules.yml',
      'slo-payment-service.rules.yml',
      'slo-catalog-service.rules.yml',
      'slo-report-service.rules.yml',
      'slo-newsletter-service.rules.yml',
    ]);
    expect(file.groups.map((g) => [g.name, g.interval])).toEqual([
      ['slo-sli-recordings-order-service', undefined],
      ['slo-sli-tiles-order-service', '5m'],
      ['slo-sli-long-windows-order-service', '1m'],
      ['slo-meta-recordings-order-service', undefined],
      ['slo-alerts-order-service', undefined],
    ]);
  });

  test.each(['order-service-availability', 'order-service-latency', 'order-service-error-rate'])('%s records the error ratio over every window with Sloth labels', (id) => {
    const ratios = forSlo(id).filter((r) => r.record.startsWith('slo:sli_error:ratio_rate'));
    expect(ratios.map((r) => r.record)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`));
    for (const r of ratios) {
      const w = r.record.replace('slo:sli_error:ratio_rate', '');
      expect(r.labels).toEqual({ sloth_id: id, sloth_service: 'order-service', sloth_slo: id.replace('order-service-', ''), sloth_window: w });
    }
  });

  test('short windows come from one aggregated series of bad and of all events; long windows and the period from the 5m tiles', () => {
    const byName = (n: string) => forSlo('order-service-error-rate').find((r) => r.record === n)!;
    expect(byName('slo:sli_error_events:rate5m').expr).toBe('sum(rate(http_requests_total{service="order-service",status=~"5.."}[5m])) or vector(0)');
    expect(byName('slo:sli_total_events:rate1h').expr).toBe('sum(rate(http_requests_total{service="order-service"}[1h]))');
    expect(byName('slo:sli_error:ratio_rate5m').expr).toBe(
      'slo:sli_error_events:rate5m{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"}\n/\nslo:sli_total_events:rate5m{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"}',
    );
    expect(byName('slo:sli_error_events:increase5m').expr).toBe('sum(increase(http_requests_total{service="order-service",status=~"5.."}[5m])) or vector(0)');
    expect(byName('slo:sli_error:ratio_rate30d').expr).toBe(
      'sum_over_time(slo:sli_error_events:increase5m{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"}[30d])\n/\nsum_over_time(slo:sli_total_events:increase5m{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"}[30d])',
    );
  });

  test('no rule reads raw series over more than 1h (the period is never a raw 30d rate)', () => {
    for (const r of rules) {
      for (const m of r.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\[(\d+[smhd])\]/g)) {
        if (m[1].startsWith('slo:')) continue;
        expect(['5m', '10m', '30m', '1h']).toContain(m[3]);
      }
    }
  });

  test('latency and availability SLIs count bad events from the histogram and from failed samples', () => {
    const lat = forSlo('order-service-latency').find((r) => r.record === 'slo:sli_error_events:rate5m')!;
    expect(lat.expr).toBe('sum(rate(http_request_duration_seconds_count{service="order-service"}[5m])) - sum(rate(http_request_duration_seconds_bucket{service="order-service",le="0.2"}[5m]))');
    const av = forSlo('order-service-availability').find((r) => r.record === 'slo:sli_error_events:rate30m')!;
    expect(av.expr).toBe('(sum(count_over_time(up{service="order-service"}[30m])) - sum(sum_over_time(up{service="order-service"}[30m]))) / 1800');
  });

  test("metadata recordings are Sloth's, with Sloth's labels", () => {
    const meta = forSlo('order-service-error-rate').filter((r) => !r.record.startsWith('slo:sli_'));
    expect(meta.map((r) => [r.record, r.expr.split('\n')[0]])).toEqual([
      ['slo:objective:ratio', 'vector(0.999)'],
      ['slo:error_budget:ratio', 'vector(0.001)'],
      ['slo:time_period:days', 'vector(30)'],
      ['slo:current_burn_rate:ratio', 'slo:sli_error:ratio_rate5m{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"}'],
      ['slo:period_burn_rate:ratio', 'slo:sli_error:ratio_rate30d{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"}'],
      ['slo:period_error_budget_remaining:ratio', '1 - slo:period_burn_rate:ratio{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"}'],
      ['sloth_slo_info', 'vector(1)'],
    ]);
    expect(meta[3].expr).toContain('/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{');
    expect(meta[6].labels).toEqual({
      sloth_id: 'order-service-error-rate',
      sloth_mode: 'observability-stack',
      sloth_objective: '99.9',
      sloth_service: 'order-service',
      sloth_slo: 'error-rate',
      sloth_spec: 'observability-stack/slo/v1',
      sloth_version: 'v1',
    });
  });

  describe('alerts of order-service error-rate', () => {
    const mine = alerts.filter((a) => a.labels?.slo === 'error-rate');
    const page = mine.find((a) => a.labels?.sloth_severity === 'page')!;
    const ticket = mine.find((a) => a.labels?.sloth_severity === 'ticket')!;

    test('page: 14.4x over 1h and 5m, or 6x over 6h and 30m, behind the low-traffic guard', () => {
      expect(page).toMatchObject({ alert: 'SLOErrorBudgetBurn', labels: { service: 'order-service', slo: 'error-rate', severity: 'critical', sloth_severity: 'page' } });
      expect(page.for).toBeUndefined();
      expect(page.expr).toMatch(/^slo:current_burn_rate:ratio\{[^}]*\}\nand on \(sloth_id\)\n\(/);
      expect(page.expr).toContain('(slo:sli_error:ratio_rate5m{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"} > (14.4 * 0.001))\n        and ignoring (sloth_window)\n        (slo:sli_error:ratio_rate1h{');
      expect(page.expr).toContain('(slo:sli_error:ratio_rate30m{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"} > (6 * 0.001))');
      expect(page.expr).toContain('(slo:sli_error:ratio_rate6h{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"} > (6 * 0.001))');
      expect(page.expr).toContain('and on (sloth_id)\n(slo:sli_total_events:rate1h{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"} >= 0.01944)');
      expect(page.expr).toContain('(slo:sli_total_events:rate5m{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"} >= 0.01944)');
      expect(page.annotations).toEqual({
        summary: '(page) order-service error-rate: SLO error budget burn rate is too fast',
        description:
          'Error budget burn rate is {{ $value | humanize }}x over the last 5m (page when over 14.4x for 1h and 5m, or over 6x for 6h and 30m). Objective: 99.9% of requests succeed (status !~ "5..") over 30d. Needs at least 0.01944 req/s over 1h and 5m.',
      });
    });

    test('ticket: 3x over 1d and 2h, or 1x over 3d and 6h, no guard', () => {
      expect(ticket.labels).toEqual({ service: 'order-service', severity: 'warning', slo: 'error-rate', sloth_severity: 'ticket' });
      expect(ticket.expr).toContain('(slo:sli_error:ratio_rate2h{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"} > (3 * 0.001))');
      expect(ticket.expr).toContain('(slo:sli_error:ratio_rate1d{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"} > (3 * 0.001))');
      expect(ticket.expr).toContain('(slo:sli_error:ratio_rate6h{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"} > (1 * 0.001))');
      expect(ticket.expr).toContain('(slo:sli_error:ratio_rate3d{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"} > (1 * 0.001))');
      expect(ticket.expr).not.toContain('sli_total_events');
    });

    test("the absent-source alert watches the SLI's source series", () => {
      expect(mine.find((a) => a.alert === 'SLOSourceMetricAbsent')).toMatchObject({
        expr: 'absent_over_time(http_requests_total{service="order-service"}[10m])',
        for: '5m',
        labels: { service: 'order-service', slo: 'error-rate', severity: 'warning', sloth_id: 'order-service-error-rate' },
      });
    });

    test("the seed's SLOBreach keeps its name and meaning on the period recording", () => {
      expect(mine.find((a) => a.alert === 'SLOBreach')).toMatchObject({
        expr: '(1 - slo:sli_error:ratio_rate30d{sloth_id="order-service-error-rate", sloth_service="order-service", sloth_slo="error-rate"}) < 0.999',
        for: '5m',
        labels: { service: 'order-service', slo: 'error-rate', severity: 'warning' },
      });
    });
  });

  test('disabled tiers, time-based SLIs (no guard) and extra labels', () => {
    const m = buildSloModel([CHECKOUT_RAW_28D, ORDER_SERVICE]);
    const rs = generateSloRuleFiles(m).flatMap((f) => f.groups.flatMap((g) => g.rules));
    const checkout = rs.filter(isAlertingRule).filter((a) => a.labels?.service === 'checkout');
    expect(checkout.map((a) => `${a.alert}/${a.labels?.sloth_severity ?? '-'}`)).toEqual(['SLOErrorBudgetBurn/page', 'SLOSourceMetricAbsent/-', 'SLOBreach/-']);
    expect(checkout[0].labels).toEqual({ routing_key: 'payments', service: 'checkout', severity: 'critical', slo: 'grpc-errors', sloth_severity: 'page' });
    expect(checkout[0].annotations?.runbook_url).toBe('https://runbooks.example.com/checkout/grpc-errors');
    expect(checkout[0].expr).toContain('> (13.44 * 0.005)');
    const avail = rs.filter(isAlertingRule).find((a) => a.labels?.slo === 'availability' && a.labels?.sloth_severity === 'page')!;
    expect(avail.expr).not.toContain('sli_total_events');
    const raw = rs.find((r) => !isAlertingRule(r) && r.record === 'slo:sli_error_events:increase5m' && r.labels?.sloth_id === 'checkout-grpc-errors') as RecordingRule;
    expect(raw).toMatchObject({
      expr: '(sum(sum(rate(grpc_server_handled_total{grpc_service="checkout",grpc_code!="OK"}[5m]))) or vector(0)) * 300',
      labels: { sloth_id: 'checkout-grpc-errors', sloth_service: 'checkout', sloth_slo: 'grpc-errors', sloth_window: '5m', team: 'payments' },
    });
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
    expect(r.output).toMatch(/slo-order-service\.rules\.yml\s+SUCCESS: 81 rules found/);
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

  test('the low-traffic guard defaults to one failure never paging', () => {
    const slos = allSlos(buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES]));
    // 99.9%: 70 requests/hour; 99.99%: 695/hour; 99%: 7/hour; 95%: 2/hour
    expect(Object.fromEntries(slos.map((s) => [s.id, s.minRequestRate]))).toMatchObject({
      'order-service-availability': undefined,
      'order-service-error-rate': 0.01944,
      'payment-service-error-rate': 0.1931,
      'order-service-latency': 0.001944,
      'payment-service-latency-p95': 0.0005556,
    });
  });
});
