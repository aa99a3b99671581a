import { importOpenSlo } from '../../../src';
import { burnRateAlerts, fixture, recordedLabels, sloRulesOf } from './helpers';

/**
 * Imported OpenSLO objects, built through the public ObservabilityStack: each objective becomes an SLO whose series
 * carry the Sloth identity (`sloth_id` = `<service>-<slo>`) and the objects' labels, over the windows of the SLO's
 * period; alert policies enable exactly the tiers their burn-rate conditions match.
 */

const WINDOWS = (period: string): string[] => ['5m', '30m', '1h', '2h', '6h', '1d', '3d', period];

describe('getting-started.yaml: Service, DataSource, SLI by reference, four alert policies', () => {
  const { services } = importOpenSlo(fixture('openslo', 'getting-started.yaml'));
  const rules = sloRulesOf(services);
  const id = 'my-service-requests-availability';
  const labels = { category: 'availability', owner: 'myteam', tier: '2' };

  test('the SLI is recorded over every window of 30 days with the Service and SLO labels', () => {
    for (const w of WINDOWS('30d')) {
      expect(recordedLabels(rules, `slo:sli_error:ratio_rate${w}`, id)).toEqual([{ ...labels, sloth_id: id, sloth_service: 'my-service', sloth_slo: 'requests-availability', sloth_window: w }]);
    }
  });

  test('the counter selectors are read as rates over each window, good turned into bad = total − good', () => {
    const bad = rules.find((r) => r.record === 'slo:sli_error_events:rate5m' && r.labels.sloth_id === id);
    expect(bad?.expr).toContain('sum(rate(http_requests_total{job="my-service"}[5m])) - (sum(rate(http_requests_total{job="my-service",code!~"5..|429"}[5m])) or vector(0))');
  });

  test('the four conditions enable both tiers with the stack severities (page → critical, ticket → warning)', () => {
    const alerts = burnRateAlerts(rules, 'SLOErrorBudgetBurn', 'my-service', 'requests-availability');
    expect(alerts.map((a) => [a.labels.sloth_severity, a.labels.severity]).sort()).toEqual([
      ['page', 'critical'],
      ['ticket', 'warning'],
    ]);
  });

  test('no low-traffic guard (OpenSLO has none): the page alert reads only the burn-rate windows', () => {
    const page = burnRateAlerts(rules, 'SLOErrorBudgetBurn', 'my-service', 'requests-availability').find((a) => a.labels.sloth_severity === 'page');
    expect(page?.expr).not.toContain('slo:sli_total_events:rate1h');
  });
});

describe('kubernetes-apiserver.yaml: inline indicators, two objectives, 4w window, no alert policies', () => {
  const { services } = importOpenSlo(fixture('openslo', 'kubernetes-apiserver.yaml'));
  const rules = sloRulesOf(services);

  test.each([
    ['requests-availability', 'availability'],
    ['requests-latency-0', 'latency'],
    ['requests-latency-1', 'latency'],
  ])('%s is recorded over the 28-day windows', (slo, category) => {
    const id = `k8s-apiserver-${slo}`;
    for (const w of WINDOWS('28d')) {
      expect(recordedLabels(rules, `slo:sli_error:ratio_rate${w}`, id)).toEqual([
        { category, cluster: 'valhalla', component: 'kubernetes', sloth_id: id, sloth_service: 'k8s-apiserver', sloth_slo: slo, sloth_window: w },
      ]);
    }
    expect(recordedLabels(rules, 'slo:time_period:days', id)).toHaveLength(1);
    // the period in days comes from the SLO's definition: 28 for slo_period="28d"
    expect(rules.find((r) => r.record === 'slo:time_period:days')?.expr).toMatch(/^28 \* group without \(.*\) \(slo:definition:info\{slo_period="28d"\}\)$/);
  });

  test('each objective keeps its own target', () => {
    const info = (slo: string) => recordedLabels(rules, 'sloth_slo_info', `k8s-apiserver-${slo}`)[0]?.sloth_objective;
    expect([info('requests-availability'), info('requests-latency-0'), info('requests-latency-1')]).toEqual(['99.9', '99', '99.9']);
  });

  test('without alert policies there is no burn-rate alert', () => {
    expect(rules.filter((r) => r.alert === 'SLOErrorBudgetBurn')).toEqual([]);
  });
});

describe('threshold.yaml: a threshold SLI, one page condition with a custom severity and policy labels', () => {
  const { services } = importOpenSlo(fixture('openslo', 'threshold.yaml'));
  const rules = sloRulesOf(services);

  test('the SLI is recorded with the SLI object labels', () => {
    expect(recordedLabels(rules, 'slo:sli_error:ratio_rate1h', 'annotator-consumer-lag')).toEqual([
      { sloth_id: 'annotator-consumer-lag', sloth_service: 'annotator', sloth_slo: 'consumer-lag', sloth_window: '1h', team: 'data' },
    ]);
  });

  test('only the page tier alerts, with the condition severity and the policy label', () => {
    const alerts = burnRateAlerts(rules, 'SLOErrorBudgetBurn', 'annotator', 'consumer-lag');
    expect(alerts.map((a) => a.labels)).toEqual([{ escalation: 'data-oncall', service: 'annotator', severity: 'sev1', slo: 'consumer-lag', slo_alerting: expect.stringMatching(/^a-/), sloth_severity: 'page' }]);
  });
});

test('raw-ratio.yaml: without a time window the stack period applies (30d, or the stack option)', () => {
  const { services } = importOpenSlo(fixture('openslo', 'raw-ratio.yaml'));
  expect(recordedLabels(sloRulesOf(services), 'slo:sli_error:ratio_rate30d', 'home-wifi-wifi-client-satisfaction')).toEqual([
    { context: 'home', cost_centre: '4711', sloth_id: 'home-wifi-wifi-client-satisfaction', sloth_service: 'home-wifi', sloth_slo: 'wifi-client-satisfaction', sloth_window: '30d', team: 'home,network' },
  ]);
  expect(recordedLabels(sloRulesOf(services, { period: '28d' }), 'slo:sli_error:ratio_rate28d', 'home-wifi-connected-clients')).toHaveLength(1);
});
