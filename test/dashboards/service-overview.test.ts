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

  test('has the seed\'s four panels in the seed\'s order, on current visualizations: graph → timeseries, singlestat → stat', () => {
    // WHEN
    const types = model().panels.map((p: any) => [p.title, p.type]);
    // THEN (the seed: graph, graph, heatmap, singlestat; Grafana retired graph and singlestat)
    expect(types).toEqual([
      ['Request Rate', 'timeseries'],
      ['Error Rate', 'timeseries'],
      ['Latency Distribution ($service)', 'heatmap'],
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

  test('Request Rate: the seed\'s query, legend {{service}}, y axis "Requests/sec" from 0, exemplars on', () => {
    const p = panel('Request Rate');
    expect(p.fieldConfig.defaults).toMatchObject({ unit: 'reqps', min: 0, custom: { axisLabel: 'Requests/sec' } });
    expect(p.fieldConfig.defaults.max).toBeUndefined();
    expect(p.targets[0]).toMatchObject({
      // the seed: sum(rate(http_requests_total[5m])) by (service)
      expr: 'sum by (service) (rate(http_requests_total{service=~"$service"}[$__rate_interval]))',
      legendFormat: '{{service}}',
      exemplar: true,
    });
  });

  test('Error Rate: the seed\'s 5xx share × 100, legend {{service}}, y axis "Error %" from 0 to 100', () => {
    const p = panel('Error Rate');
    expect(p.fieldConfig.defaults).toMatchObject({ unit: 'percent', min: 0, max: 100, custom: { axisLabel: 'Error %' } });
    // the seed: sum(rate(http_requests_total{status=~"5.."}[5m])) by (service) / sum(rate(http_requests_total[5m])) by (service) * 100
    expect(p.targets[0]).toMatchObject({
      expr:
        'sum by (service) (rate(http_requests_total{service=~"$service", status=~"5.."}[$__rate_interval]))' +
        ' / sum by (service) (rate(http_requests_total{service=~"$service"}[$__rate_interval])) * 100',
      legendFormat: '{{service}}',
      exemplar: true,
    });
    // the seed's error-rate SLO (< 0.1 %) is drawn as a threshold line
    expect(p.fieldConfig.defaults.thresholds.steps).toContainEqual({ value: 0.1, color: 'red' });
  });

  test('Latency Distribution: the duration buckets by le, one heatmap per service (repeated), not re-bucketed by Grafana', () => {
    const p = panel('Latency Distribution ($service)');
    // the seed: sum(rate(http_request_duration_seconds_bucket[5m])) by (le, service), legend "{{service}} - {{le}}s"
    expect(p.targets[0]).toMatchObject({
      expr: 'sum by (le) (rate(http_request_duration_seconds_bucket{service=~"$service"}[$__rate_interval]))',
      format: 'heatmap',
      legendFormat: '{{le}}',
    });
    expect(p).toMatchObject({ repeat: 'service', repeatDirection: 'h', maxPerRow: 2, gridPos: { w: 24 } });
    expect(p.options).toMatchObject({ calculate: false, yAxis: { unit: 's' }, rowsFrame: { layout: 'le' } });
  });

  test('Active Connections: the seed\'s sum(active_connections) by (service), the current value per service', () => {
    const p = panel('Active Connections');
    expect(p.fieldConfig.defaults).toMatchObject({ unit: 'short', decimals: 0 });
    expect(p.options.reduceOptions.calcs).toEqual(['lastNotNull']);
    expect(p.targets[0]).toMatchObject({ expr: 'sum by (service) (active_connections{service=~"$service"})', legendFormat: '{{service}}' });
  });

  test('panels have distinct ids and fit the 24-column grid', () => {
    const panels = model().panels;
    expect(new Set(panels.map((p: any) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
  });
});
