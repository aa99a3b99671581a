import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { APP_LABELS, APP_METRICS, TARGET_LABELS } from '../../conventions';
import { heatmapPanel, statPanel, timeseriesPanel } from '../../dashboards/panels';
import { promQuery, rate, selector, sumBy, variableMatcher } from '../../dashboards/queries';
import { labelValuesVariable } from '../../dashboards/variables';
import { sdk } from '../../dashboards/sdk';

/** The dashboard's stable uid: links and bookmarks survive reinstalls. */
export const SERVICE_OVERVIEW_UID = 'service-overview';

/** The template variable every query filters on. */
export const SERVICE_VARIABLE = TARGET_LABELS.service;

/**
 * The seed's "Service Overview" dashboard, panel by panel (the seed's JSON: title, queries, legends, y-axis labels and
 * min/max), on current Grafana visualizations: the seed's `graph` panels are `timeseries` and its `singlestat` is a
 * `stat` — Grafana retired both (singlestat in 8.0, the Angular graph panel with Angular support in 11/12; README
 * "The Service Overview dashboard" lists every difference and why). Pure: two calls return equal JSON models.
 */
export function serviceOverviewDashboard(): dashboard.Dashboard {
  const bySelectedService = [variableMatcher(TARGET_LABELS.service, SERVICE_VARIABLE)];
  const requests = selector(APP_METRICS.requestsTotal, bySelectedService);
  const serverErrors = selector(APP_METRICS.requestsTotal, [...bySelectedService, `${APP_LABELS.status}=~"5.."`]);
  const buckets = selector(`${APP_METRICS.requestDuration}_bucket`, bySelectedService);
  const connections = selector(APP_METRICS.activeConnections, bySelectedService);
  const perService = [TARGET_LABELS.service];
  const legend = `{{${TARGET_LABELS.service}}}`;

  return new sdk.dashboard.DashboardBuilder('Service Overview')
    .uid(SERVICE_OVERVIEW_UID)
    .description('Request rate, error rate, latency distribution and active connections per service.')
    .tags(['observability-stack', 'services'])
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .tooltip(sdk.dashboard.DashboardCursorSync.Crosshair)
    .withVariable(
      labelValuesVariable(SERVICE_VARIABLE, { metric: APP_METRICS.requestsTotal, label: TARGET_LABELS.service, title: 'Service' }),
    )
    .withPanel(
      timeseriesPanel({
        id: 1,
        title: 'Request Rate',
        description: 'HTTP requests per second, per service. Exemplar dots link to the trace in Jaeger.',
        unit: sdk.units.RequestsPerSecond,
        axisLabel: 'Requests/sec',
        min: 0,
        targets: [promQuery(sumBy(perService, rate(requests)), { legend, exemplar: true })],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 2,
        title: 'Error Rate',
        description: 'Share of requests answered with a 5xx status, per service, in percent. Exemplar dots link to the trace in Jaeger.',
        unit: sdk.units.Percent,
        axisLabel: 'Error %',
        min: 0,
        max: 100,
        thresholds: [{ value: 0.1, color: 'red' }],
        targets: [promQuery(`${sumBy(perService, rate(serverErrors))} / ${sumBy(perService, rate(requests))} * 100`, { legend, exemplar: true })],
      }),
    )
    .withPanel(
      // One heatmap per selected service (the seed groups the buckets `by (le, service)`): Grafana draws one heatmap
      // per panel, and de-accumulates the cumulative buckets by sorting the series on their `le` legend.
      heatmapPanel({
        id: 3,
        title: `Latency Distribution ($${SERVICE_VARIABLE})`,
        description: 'Requests per latency bucket (http_request_duration_seconds) of the service, per second.',
        unit: sdk.units.Seconds,
        cellUnit: sdk.units.RequestsPerSecond,
        // the full row, which Grafana splits between the repeated panels (at most 2 side by side)
        width: 24,
        targets: [promQuery(sumBy(['le'], rate(buckets)), { format: 'heatmap', legend: '{{le}}' })],
      })
        .repeat(SERVICE_VARIABLE)
        .repeatDirection('h')
        .maxPerRow(2),
    )
    .withPanel(
      statPanel({
        id: 4,
        title: 'Active Connections',
        description: 'Requests being served now, per service.',
        unit: sdk.units.Short,
        decimals: 0,
        targets: [promQuery(sumBy(perService, connections), { legend })],
      }),
    )
    .build();
}
