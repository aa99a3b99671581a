import { toJson } from '../../src/common/serialize';
import { APP_METRICS, DATASOURCE_UIDS } from '../../src/conventions';
import { SERVICE_OVERVIEW_UID, serviceOverviewDashboard } from '../../src/components/grafana/service-overview';
import { metricNames, promqlErrors, rangeWindows } from './promql';

/** The dashboard as Grafana reads it: the serialized JSON model. */
function model(): any {
  return JSON.parse(toJson(serviceOverviewDashboard()));
}

function panel(title: string): any {
  const found = model().panels.find((p: any) => p.title === title);
  if (!found) throw new Error(`no panel "${title}"`);
  return found;
}

const allTargets = (): any[] => model().panels.flatMap((p: any) => p.targets);

const APP_METRIC_NAMES = [APP_METRICS.requestsTotal, `${APP_METRICS.requestDuration}_bucket`, APP_METRICS.activeConnections];

describe('serviceOverviewDashboard', () => {
  test('has a stable uid and the seed title', () => {
    // WHEN
    const d = model();
    // THEN
    expect(d).toMatchObject({ uid: SERVICE_OVERVIEW_UID, title: 'Service Overview' });
    expect(SERVICE_OVERVIEW_UID).toBe('service-overview');
  });

  test('serializes to the same JSON on every build', () => {
    expect(toJson(serviceOverviewDashboard())).toBe(toJson(serviceOverviewDashboard()));
  });

  test('uses current visualizations only: no retired graph or singlestat panels', () => {
    // WHEN
    const types = model().panels.map((p: any) => [p.title, p.type]);
    // THEN
    expect(types).toEqual([
      ['Request Rate', 'timeseries'],
      ['Error Rate', 'timeseries'],
      ['Latency Distribution', 'heatmap'],
      ['Active Connections', 'stat'],
    ]);
    for (const [, type] of types) expect(['graph', 'singlestat']).not.toContain(type);
  });

  test('offers a multi-value `service` variable listing label_values(http_requests_total, service)', () => {
    // WHEN
    const vars = model().templating.list;
    // THEN
    expect(vars).toHaveLength(1);
    expect(vars[0]).toMatchObject({
      type: 'query',
      name: 'service',
      query: 'label_values(http_requests_total, service)',
      multi: true,
      includeAll: true,
      allValue: '.*',
      datasource: { type: 'prometheus', uid: DATASOURCE_UIDS.prometheus },
    });
  });

  test('every query is valid PromQL against the provisioned Prometheus, filtered by the service variable', () => {
    // WHEN
    const targets = allTargets();
    // THEN
    expect(targets).toHaveLength(4);
    for (const t of targets) {
      expect(t.datasource).toEqual({ type: 'prometheus', uid: DATASOURCE_UIDS.prometheus });
      expect(promqlErrors(t.expr)).toEqual([]);
      expect(t.expr).toContain('service=~"$service"');
    }
    for (const p of model().panels) expect(p.datasource).toEqual({ type: 'prometheus', uid: DATASOURCE_UIDS.prometheus });
  });

  test('every query reads only the seed application metrics, named from conventions', () => {
    // WHEN
    const names = allTargets().map((t) => metricNames(t.expr));
    // THEN
    expect(names).toEqual([
      [APP_METRICS.requestsTotal],
      [APP_METRICS.requestsTotal, APP_METRICS.requestsTotal],
      [`${APP_METRICS.requestDuration}_bucket`],
      [APP_METRICS.activeConnections],
    ]);
    for (const n of names.flat()) expect(APP_METRIC_NAMES).toContain(n);
  });

  test('every range selector uses $__rate_interval', () => {
    // WHEN
    const windows = allTargets().flatMap((t) => rangeWindows(t.expr));
    // THEN
    expect(windows.length).toBeGreaterThan(0);
    expect(new Set(windows)).toEqual(new Set(['$__rate_interval']));
  });

  test('Request Rate is requests per second per service', () => {
    const p = panel('Request Rate');
    expect(p.fieldConfig.defaults.unit).toBe('reqps');
    expect(p.targets[0]).toMatchObject({
      expr: 'sum by (service) (rate(http_requests_total{service=~"$service"}[$__rate_interval]))',
      legendFormat: '{{service}}',
    });
  });

  test('Error Rate is the 5xx share of all requests, in percent', () => {
    const p = panel('Error Rate');
    expect(p.fieldConfig.defaults.unit).toBe('percent');
    const [numerator, denominator] = p.targets[0].expr.replace(/^100 \* /, '').split(' / ');
    expect(p.targets[0].expr.startsWith('100 * ')).toBe(true);
    expect(numerator).toBe('sum by (service) (rate(http_requests_total{service=~"$service", status=~"5.."}[$__rate_interval]))');
    expect(denominator).toBe('sum by (service) (rate(http_requests_total{service=~"$service"}[$__rate_interval]))');
    // the seed's error-rate SLO (< 0.1 %) is drawn as a threshold line
    expect(p.fieldConfig.defaults.thresholds.steps).toContainEqual({ value: 0.1, color: 'red' });
  });

  test('Latency Distribution is a heatmap of the duration buckets summed by le, not re-bucketed by Grafana', () => {
    const p = panel('Latency Distribution');
    expect(p.targets[0]).toMatchObject({
      expr: 'sum by (le) (rate(http_request_duration_seconds_bucket{service=~"$service"}[$__rate_interval]))',
      format: 'heatmap',
      legendFormat: '{{le}}',
    });
    expect(p.options).toMatchObject({ calculate: false, yAxis: { unit: 's' }, rowsFrame: { layout: 'le' } });
  });

  test('Active Connections shows the current value per service', () => {
    const p = panel('Active Connections');
    expect(p.fieldConfig.defaults).toMatchObject({ unit: 'short', decimals: 0 });
    expect(p.options.reduceOptions.calcs).toEqual(['lastNotNull']);
    expect(p.targets[0].expr).toBe('sum by (service) (active_connections{service=~"$service"})');
  });

  test('panels have distinct ids and fit the 24-column grid', () => {
    const panels = model().panels;
    expect(new Set(panels.map((p: any) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
  });
});
