import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ConfigError } from '../../common/errors';
import { allSlos, ServiceModel, SloModel } from '../model';
import { SLO_DETAIL_UID, sloDetailDashboard } from './detail';
import { sloOverviewDashboard } from './overview';
import { sloServiceDashboard } from './service';

/**
 * The SLO dashboards, beside the rules they read and built from the same validated model: the platform overview
 * (overview.ts), the templated detail dashboard (detail.ts) and the per-service dashboards (service.ts). Only generic
 * panel, query, variable and link factories come from src/dashboards/.
 */
export * from './common';
export * from './queries';
export * from './service';
export * from './overview';
export * from './detail';

/** Which SLO dashboards the stack provisions (see `SloCatalogOptions.dashboards`). */
export type SloDashboardsMode = boolean | 'templated' | 'per-service';

/**
 * The overview first, then one dashboard per service with SLOs, sorted by service name.
 * @throws ConfigError when two services map to the same uid.
 */
export function sloDashboards(services: readonly ServiceModel[]): dashboard.Dashboard[] {
  const withSlos = services.filter((s) => s.slos.length > 0);
  const sorted = [...withSlos].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const result = [sloOverviewDashboard(withSlos.flatMap((s) => s.slos)), ...sorted.map(sloServiceDashboard)];
  const seen = new Map<string, string>();
  for (const d of result) {
    const first = seen.get(d.uid!);
    if (first !== undefined) {
      throw new ConfigError({ path: `sloDashboards["${d.title}"].uid`, message: `is the same as the uid of "${first}"`, value: d.uid, fix: 'rename one of the services.' });
    }
    seen.set(d.uid!, d.title!);
  }
  return result;
}

/**
 * The SLO dashboards of a catalog for a `dashboards` mode (see `SloCatalogOptions.dashboards`): none with `false` or
 * without any SLO;
 * the overview and the templated detail dashboard for `'templated'`/`true`/unset; the overview and one dashboard per
 * service for `'per-service'`.
 * @throws ConfigError on any other mode.
 */
export function sloCatalogDashboards(model: SloModel, mode: SloDashboardsMode = 'templated', path = 'slo'): dashboard.Dashboard[] {
  // A catalog whose services define no SLO yet (their metrics, alerts and dashboards still come) has no SLO to show.
  if (mode === false || allSlos(model).length === 0) return [];
  if (mode === true || mode === 'templated') return [sloOverviewDashboard(allSlos(model), { detailUid: SLO_DETAIL_UID }), sloDetailDashboard(allSlos(model))];
  if (mode === 'per-service') return sloDashboards(model.services);
  throw new ConfigError({ path: `${path}.dashboards`, message: 'must be true, false, "templated" or "per-service"', value: mode, fix: 'use "templated" (the default) for one templated detail dashboard, or "per-service".' });
}
