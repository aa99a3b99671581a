import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

export interface DashboardLinkOptions {
  readonly title: string;
  readonly type: dashboard.DashboardLinkType;
  /** For `link`: the URL. @default - none */
  readonly url?: string;
  /** @default 'external link' */
  readonly icon?: string;
  /** For `dashboards`: the tags of the dashboards listed. @default - none */
  readonly tags?: readonly string[];
  /** For `dashboards`: list them in a dropdown. @default false */
  readonly asDropdown?: boolean;
}

/**
 * A dashboard link in the link bar, keeping the time range. Built by hand rather than with `DashboardLinkBuilder`,
 * whose default `placement: 'inControlsMenu'` moves links into Grafana 12.3+'s controls menu, where dropdown links
 * are not shown.
 */
export function dashboardLink(link: DashboardLinkOptions): cog.Builder<dashboard.DashboardLink> {
  const full: dashboard.DashboardLink = {
    title: link.title,
    type: link.type,
    ...(link.url !== undefined ? { url: link.url } : {}),
    icon: link.icon ?? 'external link',
    tooltip: '',
    tags: [...(link.tags ?? [])],
    asDropdown: link.asDropdown ?? false,
    targetBlank: false,
    includeVars: false,
    keepTime: true,
  };
  return { build: () => full };
}
