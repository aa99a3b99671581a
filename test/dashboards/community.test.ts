import { App } from 'cdk8s';
import { SLO_DASHBOARD_UIDS } from '../../src/conventions';
import { ObservabilityStack } from '../../src/stack';
import { DEMO_SERVICES, ORDER_SERVICE } from '../../src/slo';
import { SLO_DASHBOARD_FOLDER } from '../../src/slo/construct';
import { SloDashboardsMode } from '../../src/slo/dashboards';

/**
 * Community dashboards side by side: Sloth's published Grafana dashboards read the same Sloth-named series the stack
 * records, so a team may provision them next to the stack's own. Grafana identifies a dashboard by its uid across all
 * folders and refuses two dashboards of one title in one folder, so neither may collide.
 *
 * The uids and titles of Sloth's dashboards (facts, not their JSON): grafana.com 14348 revision 5 "SLO / Detail", uid
 * `slo-detail`; 14643 revision 2 "High level Sloth SLOs", uid `high-level-sloth-slos` (read from public copies of the
 * downloads; provenance in ../shared/reference/sloth/README.txt). An older 14348 download carried uid `sceM28uGk`.
 */
const SLOTH_DASHBOARDS = [
  { gnetId: 14348, uid: 'slo-detail', title: 'SLO / Detail' },
  { gnetId: 14643, uid: 'high-level-sloth-slos', title: 'High level Sloth SLOs' },
  { gnetId: 14348, uid: 'sceM28uGk', title: 'SLO / Detail (older download)' },
];

function stackWith(dashboards: SloDashboardsMode) {
  const app = new App();
  const stack = new ObservabilityStack(app, 'observability', { services: [ORDER_SERVICE, ...DEMO_SERVICES], slo: { dashboards }, networkPolicies: false });
  return stack.grafana!;
}

/** A stand-in for a downloaded community dashboard: its uid and title (what Grafana keys on), no panels. */
function communityDashboard(d: (typeof SLOTH_DASHBOARDS)[number]) {
  return { uid: d.uid, title: d.title, schemaVersion: 39, panels: [], tags: ['sloth'] };
}

describe('the stack\'s SLO dashboards beside Sloth\'s community dashboards', () => {
  test.each<[string, SloDashboardsMode]>([
    ['templated', 'templated'],
    ['per-service', 'per-service'],
  ])('in %s mode, no stack dashboard has a Sloth dashboard\'s uid or title', (_name, mode) => {
    // GIVEN the stack's dashboards
    const grafana = stackWith(mode);
    const stack = grafana.dashboards.filter((d) => d.folder === SLO_DASHBOARD_FOLDER);
    expect(stack.length).toBeGreaterThanOrEqual(2);
    // THEN every SLO dashboard uid carries the stack's prefix, and none is one of Sloth's
    for (const d of stack) expect(d.uid.startsWith('obs-slo-')).toBe(true);
    const sloth = new Set(SLOTH_DASHBOARDS.map((d) => d.uid));
    expect(stack.filter((d) => sloth.has(d.uid))).toEqual([]);
    expect(stack.filter((d) => SLOTH_DASHBOARDS.some((s) => s.title === d.title))).toEqual([]);
  });

  test('a team provisions Sloth\'s dashboards into the same SLOs folder of the same Grafana', () => {
    // GIVEN the stack's Grafana with its SLO dashboards
    const grafana = stackWith('templated');
    // WHEN the team adds Sloth's two dashboards to the SLOs folder
    for (const d of SLOTH_DASHBOARDS.slice(0, 2)) grafana.addDashboard(communityDashboard(d) as never, { folder: SLO_DASHBOARD_FOLDER });
    // THEN Grafana provisions all of them, each uid once
    const uids = grafana.dashboards.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).toEqual(expect.arrayContaining([SLO_DASHBOARD_UIDS.overview, SLO_DASHBOARD_UIDS.detail, 'slo-detail', 'high-level-sloth-slos']));
  });

  test('the check that keeps them apart is live: a second dashboard with the stack\'s detail uid is refused', () => {
    const grafana = stackWith('templated');
    expect(() => grafana.addDashboard(communityDashboard({ gnetId: 0, uid: SLO_DASHBOARD_UIDS.detail, title: 'Copy' }) as never, { folder: SLO_DASHBOARD_FOLDER })).toThrow(
      /uid: is already used by the dashboard "SLO detail"/,
    );
  });
});
