import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { toJson } from '../../src/common/serialize';
import { DATASOURCE_UIDS } from '../../src/conventions';
import { heatmapPanel, statPanel, timeseriesPanel } from '../../src/dashboards/panels';
import { PROMETHEUS_DATASOURCE, RATE_INTERVAL, promQuery, rate, selector, sumBy, variableMatcher } from '../../src/dashboards/queries';
import { labelValuesVariable } from '../../src/dashboards/variables';

const json = (builder: { build: () => unknown }): any => JSON.parse(toJson(builder.build()));

describe('query factories', () => {
  test('PromQL helpers compose selectors, rates and aggregations', () => {
    expect(selector('up')).toBe('up');
    expect(selector('up', ['job="x"', variableMatcher('service', 'service')])).toBe('up{job="x", service=~"$service"}');
    expect(rate('up')).toBe(`rate(up[${RATE_INTERVAL}])`);
    expect(RATE_INTERVAL).toBe('$__rate_interval');
    expect(rate('up', '5m')).toBe('rate(up[5m])');
    expect(sumBy([], 'up')).toBe('sum(up)');
    expect(sumBy(['a', 'b'], 'up')).toBe('sum by (a, b) (up)');
  });

  test('promQuery targets the provisioned Prometheus by uid, as a range query by default', () => {
    // WHEN
    const q = json(promQuery('up', { legend: '{{job}}' }));
    // THEN
    expect(PROMETHEUS_DATASOURCE).toEqual({ type: 'prometheus', uid: DATASOURCE_UIDS.prometheus });
    expect(q).toMatchObject({ expr: 'up', refId: 'A', datasource: PROMETHEUS_DATASOURCE, format: 'time_series', range: true, legendFormat: '{{job}}' });
  });

  test('promQuery supports instant, heatmap, interval and exemplar queries', () => {
    expect(json(promQuery('up', { instant: true }))).toMatchObject({ instant: true });
    expect(json(promQuery('up', { format: 'heatmap', interval: '1m', exemplar: true }))).toMatchObject({ format: 'heatmap', interval: '1m', exemplar: true });
  });

  test('labelValuesVariable lists label values from Prometheus, with All expanding to .*', () => {
    // WHEN
    const v = json(labelValuesVariable('env', { metric: 'up', label: 'env' }));
    // THEN
    expect(v).toMatchObject({ type: 'query', name: 'env', label: 'env', query: 'label_values(up, env)', multi: true, includeAll: true, allValue: '.*', datasource: PROMETHEUS_DATASOURCE, refresh: 1 });
    expect(json(labelValuesVariable('env', { metric: 'up', label: 'env', includeAll: false, multi: false }))).not.toHaveProperty('allValue');
  });
});

describe('panel factories', () => {
  const base = { title: 'T', unit: units.RequestsPerSecond };

  test('a time series panel carries its unit, the datasource and position-assigned refIds', () => {
    // WHEN
    const p = json(timeseriesPanel({ ...base, targets: [promQuery('a'), promQuery('b', { refId: 'Z' })] }));
    // THEN
    expect(p).toMatchObject({ type: 'timeseries', title: 'T', datasource: PROMETHEUS_DATASOURCE, fieldConfig: { defaults: { unit: 'reqps' } } });
    expect(p.targets.map((t: any) => t.refId)).toEqual(['A', 'B']);
    expect(p.options.legend.showLegend).toBe(true);
  });

  test('thresholds become colour steps above a green base, drawn dashed on time series', () => {
    // WHEN
    const p = json(timeseriesPanel({ ...base, targets: [promQuery('a')], thresholds: [{ value: 1, color: 'red' }] }));
    // THEN
    expect(p.fieldConfig.defaults.thresholds).toEqual({ mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 1, color: 'red' }] });
    expect(p.fieldConfig.defaults.custom.thresholdsStyle).toEqual({ mode: 'dashed' });
  });

  test('a stat panel reduces to the last value by default', () => {
    const p = json(statPanel({ ...base, unit: units.Short, targets: [promQuery('a')] }));
    expect(p).toMatchObject({ type: 'stat', fieldConfig: { defaults: { unit: 'short' } }, options: { reduceOptions: { calcs: ['lastNotNull'] }, graphMode: 'area' } });
  });

  test('a heatmap panel shows pre-bucketed data with the bucket unit on the y axis', () => {
    const p = json(heatmapPanel({ ...base, unit: units.Seconds, cellUnit: units.RequestsPerSecond, targets: [promQuery('a', { format: 'heatmap' })] }));
    expect(p).toMatchObject({
      type: 'heatmap',
      options: { calculate: false, yAxis: { unit: 's' }, cellValues: { unit: 'reqps' } },
      fieldConfig: { defaults: { unit: 'reqps' } },
    });
  });

  test('panels are laid out on the 24-column grid', () => {
    // WHEN
    const d = JSON.parse(
      toJson(
        new DashboardBuilder('D')
          .withPanel(timeseriesPanel({ ...base, targets: [promQuery('a')], width: 24, height: 6 }))
          .withPanel(statPanel({ ...base, targets: [promQuery('a')], width: 6 }))
          .build(),
      ),
    );
    // THEN
    expect(d.panels.map((p: any) => p.gridPos)).toEqual([
      { x: 0, y: 0, w: 24, h: 6 },
      { x: 0, y: 6, w: 6, h: 8 },
    ]);
  });

  test('bad layout or a panel without queries is a ConfigError naming the panel', () => {
    expect(() => timeseriesPanel({ ...base, targets: [promQuery('a')], width: 30 })).toThrow(/panel "T".width: must be a whole number of grid columns from 1 to 24 \(got 30\)/);
    expect(() => statPanel({ ...base, targets: [promQuery('a')], height: 0 })).toThrow(/panel "T".height: must be a positive whole number/);
    expect(() => heatmapPanel({ ...base, targets: [] })).toThrow(/panel "T".targets: must hold at least one query/);
  });
});
