import { grafanaDatasources } from '../../../src/components/grafana/config';
import { dashboardProblems } from '../../../src/components/grafana/dashboard-checks';
import { formatProblem } from '../../../src/common/errors';
import { serviceOverviewDashboard } from '../../../src/components/grafana/service-overview';
import { BACKENDS } from './fixtures';

const ALL = grafanaDatasources(BACKENDS, { exemplarTraceIdLabel: 'trace_id' });
const ONLY_LOKI = grafanaDatasources({ loki: BACKENDS.loki }, { exemplarTraceIdLabel: 'trace_id' });
const PROM = { type: 'prometheus', uid: 'prometheus' };
const LOKI = { type: 'loki', uid: 'loki' };

/** A dashboard JSON with the given panels, variables and annotations. */
function dash(panels: unknown[], list: unknown[] = [], annotations: unknown[] = []) {
  return { uid: 'd', title: 'D', schemaVersion: 41, templating: { list }, annotations: { list: annotations }, panels };
}

function problems(model: unknown, datasources = ALL): string[] {
  return dashboardProblems(model, datasources, 'd').map(formatProblem);
}

describe('dashboardProblems', () => {
  test('the stack\'s own Service Overview dashboard passes', () => {
    expect(problems(JSON.parse(JSON.stringify(serviceOverviewDashboard())))).toEqual([]);
  });

  test('GIVEN a Loki target THEN its expression is checked as LogQL (with Grafana macros as placeholders)', () => {
    const ok = dash([{ type: 'timeseries', datasource: LOKI, targets: [{ refId: 'A', expr: 'sum by (app) (count_over_time({app="api"} |= "error" [$__auto]))' }] }]);
    expect(problems(ok)).toEqual([]);
    const bad = dash([{ type: 'timeseries', datasource: LOKI, targets: [{ refId: 'A', expr: 'count_over_time({app="api"} |= "error")' }] }]);
    expect(problems(bad)).toHaveLength(1);
    expect(problems(bad)[0]).toMatch(/^d\.panels\[0\]\.targets\[0\]\.expr: .* of the LogQL expression\n/);
  });

  test('GIVEN a mixed panel THEN each target is checked in its own datasource\'s language', () => {
    const model = dash([
      {
        type: 'timeseries',
        datasource: { type: 'datasource', uid: '-- Mixed --' },
        targets: [
          { refId: 'A', datasource: PROM, expr: 'sum(rate(http_requests_total[$__rate_interval]))' },
          { refId: 'B', datasource: LOKI, expr: 'sum(rate({app="api"}[$__auto]))' },
          { refId: 'C', datasource: PROM, expr: 'sum(rate({app="api"}[5m])' },
        ],
      },
    ]);
    const found = problems(model);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^d\.panels\[0\]\.targets\[2\]\.expr: unclosed "\(" at column 4 of the PromQL expression/);
  });

  test('built-ins, datasource variables, legacy names and rows are resolved; panels without queries need no datasource', () => {
    const model = dash(
      [
        { type: 'text', options: { content: 'hello' } },
        { type: 'row', collapsed: true, id: 9, panels: [{ type: 'stat', datasource: { uid: '${ds}' }, targets: [{ refId: 'A', expr: 'up' }] }] },
        { type: 'stat', datasource: 'Prometheus', targets: [{ refId: 'A', expr: 'count(up)' }] },
        { type: 'stat', targets: [{ refId: 'A', expr: 'count(up == 0)' }] },
      ],
      [
        { type: 'datasource', name: 'ds', query: 'prometheus' },
        { type: 'query', name: 'service', datasource: PROM, query: 'label_values(http_requests_total{namespace=~"$ns"}, service)' },
        { type: 'query', name: 'metric', datasource: PROM, query: { query: 'metrics(http_.*)', refId: 'V' } },
      ],
      [{ name: 'Annotations & Alerts', builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, iconColor: 'blue' }],
    );
    expect(problems(model)).toEqual([]);
  });

  test('GIVEN a bad variable query THEN it is reported at the variable', () => {
    const model = dash([], [{ type: 'query', name: 'service', datasource: PROM, query: 'label_values(http_requests_total{service=}, service)' }]);
    expect(problems(model)[0]).toMatch(/^d\.templating\.list\[0\]\.query: .* of the PromQL expression/);
  });

  test('an unknown datasource is reported once per dashboard, counting its other references', () => {
    const ref = { type: 'prometheus', uid: 'thanos' };
    const model = dash([1, 2, 3].map(() => ({ type: 'stat', datasource: ref, targets: [{ refId: 'A', datasource: ref, expr: 'up' }] })));
    expect(problems(model)).toEqual([
      'd.panels[0].datasource.uid: names a datasource that is not provisioned (as do 5 more references in this dashboard) (got "thanos"). Fix: use one of the provisioned datasource uids ("prometheus", "loki", "jaeger", "alertmanager"), a built-in ("-- Grafana --", "-- Mixed --", "-- Dashboard --") or a datasource variable ("${datasource}").',
    ]);
  });

  test('a type that contradicts the provisioned datasource, an undeclared variable, and no default datasource', () => {
    expect(problems(dash([{ type: 'stat', datasource: { type: 'loki', uid: 'prometheus' }, targets: [{ refId: 'A', expr: 'up' }] }]))).toEqual([
      'd.panels[0].datasource.type: contradicts the provisioned datasource "prometheus", which is of type "prometheus" (got "loki"). Fix: write { type: "prometheus", uid: "prometheus" }.',
    ]);
    expect(problems(dash([{ type: 'stat', datasource: { uid: '$ds' }, targets: [{ refId: 'A', expr: 'up' }] }]))).toEqual([
      'd.panels[0].datasource.uid: references the variable "ds", but the dashboard has no datasource variable of that name (got "$ds"). Fix: add a datasource variable named "ds" (DatasourceVariableBuilder), or reference a provisioned datasource by uid.',
    ]);
    expect(problems(dash([{ type: 'stat', datasource: PROM, targets: [{ refId: 'A', datasource: PROM, expr: 'up' }] }]), [])).toEqual([
      'd.panels[0].datasource.uid: names a datasource that is not provisioned (as does 1 more reference in this dashboard) (got "prometheus"). Fix: use a provisioned datasource (none is: give Grafana a backend), a built-in ("-- Grafana --", "-- Mixed --", "-- Dashboard --") or a datasource variable ("${datasource}").',
    ]);
    expect(problems(dash([{ type: 'stat', targets: [{ refId: 'A', expr: 'up' }] }]), [])).toEqual([
      'd.panels[0].datasource: is not set and no default datasource is provisioned (got undefined). Fix: set the panel\'s datasource; use a provisioned datasource (none is: give Grafana a backend), a built-in ("-- Grafana --", "-- Mixed --", "-- Dashboard --") or a datasource variable ("${datasource}").',
    ]);
    // Only Loki is provisioned (and so the default): a Prometheus query without a datasource is checked as LogQL.
    expect(problems(dash([{ type: 'stat', targets: [{ refId: 'A', expr: 'sum(rate(http_requests_total[5m]))' }] }]), ONLY_LOKI)[0]).toMatch(/LogQL expression/);
  });
});
