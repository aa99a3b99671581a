import { importOpenSlo, importSloth, ServiceSpec, SloImportResult } from '../../../src';
import { toYaml } from '../../../src/common/serialize';
import { promtool, writeTree } from '../../helpers/tools';
import { renderPromtoolTestFile, TestGroup } from '../../components/prometheus/promtool-test-file';
import { fixture, fixtureNames, recordedLabels, sloRuleGroups, sloRulesOf } from './helpers';

/**
 * The real promtool on the rules of imported specs: `check rules` on every fixture (the translated queries — Sloth
 * subqueries, OpenSLO counter rates, good → bad, thresholds — are valid PromQL for Prometheus), and `test rules`
 * proving that an outage pages with the alert identity a Sloth user's routing expects. The proofs read the ALERTS
 * series (labels, not annotations or rule text), so they hold across a change of rule shape.
 */

function ruleFileText(services: readonly ServiceSpec[]): string {
  return toYaml({ groups: sloRuleGroups(services) }, { header: false });
}

function runPromtoolTest(services: readonly ServiceSpec[], tests: readonly TestGroup[]): { status: number; output: string } {
  const dir = writeTree({
    'slo.rules.yml': ruleFileText(services),
    'slo.test.yml': renderPromtoolTestFile({ ruleFiles: ['slo.rules.yml'], evaluationInterval: '15s', tests }),
  });
  return promtool(['test', 'rules', 'slo.test.yml'], dir);
}

describe('promtool check rules accepts the rules of every imported fixture', () => {
  const cases: [string, () => SloImportResult][] = [
    ...fixtureNames('sloth').map((n): [string, () => SloImportResult] => [`sloth/${n}`, () => importSloth(fixture('sloth', n))]),
    ...fixtureNames('openslo').map((n): [string, () => SloImportResult] => [`openslo/${n}`, () => importOpenSlo(fixture('openslo', n))]),
  ];
  test.each(cases)('%s', (_name, load) => {
    const { services } = load();
    const dir = writeTree({ 'slo.rules.yml': ruleFileText(services) });
    const r = promtool(['check', 'rules', 'slo.rules.yml'], dir);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
    // Sanity: every SLO has its definition and a 5m ratio series.
    const rules = sloRulesOf(services);
    const ids = rules.filter((x) => x.record === 'slo:definition:info').map((x) => x.labels.sloth_id);
    expect(ids).toHaveLength(services.reduce((n, s) => n + (s.slos?.length ?? 0), 0));
    for (const id of ids) expect(recordedLabels(rules, 'slo:sli_error:ratio_rate5m', id)).toHaveLength(1);
  });
});

/**
 * `ALERTS` sample of a firing burn-rate alert (labels sorted, alertname and alertstate included).
 *
 * Like Sloth's, the alerts carry no `sloth_window`. They add `sloth_objective` and `slo_alerting` (the shared rule
 * that fired), read here from the SLO's definition.
 */
function firing(alertname: string, labels: Record<string, string>, services: readonly ServiceSpec[]): { labels: string; value: number } {
  const def = sloRulesOf(services).find((r) => r.record === 'slo:definition:info' && r.labels.sloth_id === labels.sloth_id)!.labels;
  const all: Record<string, string> = { ...labels, alertname, alertstate: 'firing', slo_alerting: def.slo_alerting, sloth_objective: def.sloth_objective };
  return { labels: `ALERTS{${Object.keys(all).sort().map((k) => `${k}=${JSON.stringify(all[k])}`).join(', ')}}`, value: 1 };
}

describe('promtool test rules: imported SLOs page on an outage, with the identity Sloth users route on', () => {
  test("Sloth getting-started: a full outage fires MyServiceHighErrorRate (page) with Sloth's labels plus service and slo", () => {
    const { services } = importSloth(fixture('sloth', 'getting-started.yml'));
    const r = runPromtoolTest(services, [
      {
        interval: '15s',
        // Every request fails: 1 request/s, all code 500.
        inputSeries: [{ series: 'http_requests_total{job="myservice",code="500"}', values: '0+15x80' }],
        promqlExprTests: [
          {
            expr: 'ALERTS{alertname="MyServiceHighErrorRate",sloth_severity="page"}',
            evalTime: '10m',
            expSamples: [
              firing('MyServiceHighErrorRate', {
                category: 'availability',
                owner: 'myteam',
                repo: 'myorg/myservice',
                routing_key: 'myteam',
                service: 'myservice',
                severity: 'pageteam',
                slo: 'requests-availability',
                sloth_id: 'myservice-requests-availability',
                sloth_service: 'myservice',
                sloth_severity: 'page',
                sloth_slo: 'requests-availability',
                tier: '2',
              }, services),
            ],
          },
        ],
      },
      {
        interval: '15s',
        // Nothing fails: no alert.
        inputSeries: [{ series: 'http_requests_total{job="myservice",code="200"}', values: '0+15x80' }],
        promqlExprTests: [{ expr: 'ALERTS{alertname="MyServiceHighErrorRate"}', evalTime: '10m', expSamples: [] }],
      },
    ]);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });

  test('OpenSLO getting-started: counter selectors turned into rates, good into bad — an outage with no good series pages, a healthy service does not', () => {
    const { services } = importOpenSlo(fixture('openslo', 'getting-started.yaml'));
    const identity = {
      category: 'availability',
      owner: 'myteam',
      service: 'my-service',
      slo: 'requests-availability',
      sloth_id: 'my-service-requests-availability',
      sloth_service: 'my-service',
      sloth_slo: 'requests-availability',
      tier: '2',
    };
    const r = runPromtoolTest(services, [
      {
        interval: '15s',
        inputSeries: [{ series: 'http_requests_total{job="my-service",code="503"}', values: '0+15x80' }],
        promqlExprTests: [{ expr: 'ALERTS{alertname="SLOErrorBudgetBurn",sloth_severity="page"}', evalTime: '10m', expSamples: [firing('SLOErrorBudgetBurn', { ...identity, severity: 'critical', sloth_severity: 'page' }, services)] }],
      },
      {
        interval: '15s',
        inputSeries: [
          { series: 'http_requests_total{job="my-service",code="200"}', values: '0+15x80' },
          { series: 'http_requests_total{job="my-service",code="404"}', values: '0+15x80' },
        ],
        promqlExprTests: [{ expr: 'ALERTS{alertname="SLOErrorBudgetBurn"}', evalTime: '10m', expSamples: [] }],
      },
    ]);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });

  test('OpenSLO threshold: a lag stuck above the threshold pages with the condition severity; a lag under it does not', () => {
    const { services } = importOpenSlo(fixture('openslo', 'threshold.yaml'));
    const labels = { escalation: 'data-oncall', service: 'annotator', severity: 'sev1', slo: 'consumer-lag', sloth_id: 'annotator-consumer-lag', sloth_service: 'annotator', sloth_severity: 'page', sloth_slo: 'consumer-lag', team: 'data' };
    const lag = 'kafka_consumergroup_lag{consumergroup="annotator",topic="annotator-in",partition="0"}';
    const r = runPromtoolTest(services, [
      { interval: '15s', inputSeries: [{ series: lag, values: '1000x80' }], promqlExprTests: [{ expr: 'ALERTS{alertname="SLOErrorBudgetBurn"}', evalTime: '10m', expSamples: [firing('SLOErrorBudgetBurn', labels, services)] }] },
      { interval: '15s', inputSeries: [{ series: lag, values: '10x80' }], promqlExprTests: [{ expr: 'ALERTS{alertname="SLOErrorBudgetBurn"}', evalTime: '10m', expSamples: [] }] },
    ]);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });
});
