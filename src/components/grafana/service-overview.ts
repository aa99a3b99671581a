import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { APP_LABELS, APP_METRICS, TARGET_LABELS } from '../../conventions';
import { heatmapPanel, statPanel, timeseriesPanel } from '../../dashboards/panels';
import { promQuery, rate, selector, sumBy, variableMatcher } from '../../dashboards/queries';
import { labelValuesVariable } from '../../dashboards/variables';

/** The dashboard's stable uid: links and bookmarks survive reinstalls. */
export const SERVICE_OVERVIEW_UID = 'service-overview';

/** The template variable every query filters on. */
export const SERVICE_VARIABLE = TARGET_LABELS.service;

/**
 * The seed's "Service Overview" dashboard, on current Grafana visualizations: request rate, error rate (5xx share of
 * all requests, in percent), the latency distribution of `http_request_duration_seconds` as a heatmap, and active
 * connections, for the services picked in the `service` variable. Pure: two calls return equal JSON models.
 */
export function serviceOverviewDashboard(): dashboard.Dashboard {
  const bySelectedService = [variableMatcher(TARGET_LABELS.service, SERVICE_VARIABLE)];
  const requests = selector(APP_METRICS.requestsTotal, bySelectedService);
  const serverErrors = selector(APP_METRICS.requestsTotal, [...bySelectedService, `${APP_LABELS.status}=~"5.."`]);
  const buckets = selector(`${APP_METRICS.requestDuration}_bucket`, bySelectedService);
  const connections = selector(APP_METRICS.activeConnections, bySelectedService);
  const perService = [TARGET_LABELS.service];
  const legend = `{{${TARGET_LABELS.service}}}`;

  return new dashboard.DashboardBuilder('Service Overview')
    .uid(SERVICE_OVERVIEW_UID)
    .description('Request rate, error rate, latency distribution and active connections per service.')
    .tags(['observability-stack', 'services'])
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(
      labelValuesVariable(SERVICE_VARIABLE, { metric: APP_METRICS.requestsTotal, label: TARGET_LABELS.service, title: 'Service' }),
    )
    .withPanel(
      timeseriesPanel({
        id: 1,
        title: 'Request Rate',
        description: 'HTTP requests per second, per service.',
        unit: units.RequestsPerSecond,
        min: 0,
        targets: [promQuery(sumBy(perService, rate(requests)), { legend })],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 2,
        title: 'Error Rate',
        description: 'Share of requests answered with a 5xx status, per service.',
        unit: units.Percent,
        min: 0,
        thresholds: [{ value: 0.1, color: 'red' }],
        targets: [
          promQuery(`100 * ${sumBy(perService, rate(serverErrors))} / ${sumBy(perService, rate(requests))}`, { legend }),
        ],
      }),
    )
    .withPanel(
      heatmapPanel({
        id: 3,
        title: 'Latency Distribution',
        description: 'Requests per latency bucket (http_request_duration_seconds) across the selected services.',
        unit: units.Seconds,
        cellUnit: units.RequestsPerSecond,
        targets: [promQuery(sumBy(['le'], rate(buckets)), { format: 'heatmap', legend: '{{le}}' })],
      }),
    )
    .withPanel(
      statPanel({
        id: 4,
        title: 'Active Connections',
        description: 'Open connections now, per service.',
        unit: units.Short,
        decimals: 0,
        targets: [promQuery(sumBy(perService, connections), { legend })],
      }),
    )
    .build();
}
