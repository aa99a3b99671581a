import { rmSync } from 'node:fs';
import { getJson } from '../../helpers/servers';
import { defaultPlatformObjects, Started, startAlertmanager } from '../../helpers/stack-servers';
import { K8sObject, parseYaml } from '../../helpers/synth';

/**
 * What the default inhibitions mute, on the real Alertmanager (0.28.1, .tools/bin) running the default platform's
 * generated alertmanager.yml (both default inhibit rules: the Alertmanager's "critical mutes warning of the same
 * alertname, service and slo" and the SLO construct's "page mutes the ticket of the same SLO"). Alerts are posted to
 * its API as Prometheus would send them; the API reports each one's state and what inhibits it. No notification is
 * sent: the receivers' credentials are dummy files and the first notification would wait for group_wait.
 */

jest.setTimeout(120_000);

let objects: K8sObject[];
const started: Started[] = [];

beforeAll(() => {
  objects = defaultPlatformObjects();
});
afterAll(async () => {
  await Promise.all(started.map((s) => s.server.stop(2_000)));
  for (const s of started) rmSync(s.dir, { recursive: true, force: true });
});

const SECRETS = { 'pagerduty-routing-key': 'dummy\n', 'slack-api-url': 'http://127.0.0.1:9/slack\n', 'smtp-password': 'dummy\n' };

/** An SLO burn-rate alert as the generated rules label it. */
function burn(service: string, slo: string, tier: 'page' | 'ticket'): Record<string, string> {
  return {
    alertname: 'SLOErrorBudgetBurn',
    service,
    slo,
    sloth_id: `${service}-${slo}`,
    sloth_service: service,
    sloth_slo: slo,
    sloth_window: '5m',
    severity: tier === 'page' ? 'critical' : 'warning',
    sloth_severity: tier,
  };
}

const ALERTS: Record<string, Record<string, string>> = {
  'order-service error-rate page': burn('order-service', 'error-rate', 'page'),
  'order-service error-rate ticket': burn('order-service', 'error-rate', 'ticket'),
  'order-service latency ticket': burn('order-service', 'latency', 'ticket'),
  'order-service availability ticket': burn('order-service', 'availability', 'ticket'),
  'payment-service error-rate ticket': burn('payment-service', 'error-rate', 'ticket'),
  // an alert with a warning and a critical threshold (e.g. a team's DiskFilling)
  'DiskFilling critical on order-service': { alertname: 'DiskFilling', service: 'order-service', severity: 'critical' },
  'DiskFilling warning on order-service': { alertname: 'DiskFilling', service: 'order-service', severity: 'warning' },
  'DiskFilling warning on payment-service': { alertname: 'DiskFilling', service: 'payment-service', severity: 'warning' },
  // the seed's platform alerts: different alertnames never mute each other
  'HighErrorRate on order-service': { alertname: 'HighErrorRate', service: 'order-service', severity: 'critical' },
  'HighLatency on order-service': { alertname: 'HighLatency', service: 'order-service', severity: 'warning' },
};

async function post(url: string, alerts: Record<string, Record<string, string>>): Promise<void> {
  const startsAt = new Date().toISOString();
  const body = Object.values(alerts).map((labels) => ({ labels, annotations: { summary: labels.alertname }, startsAt }));
  const r = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(r.status).toBe(200);
}

/** name → { state, inhibitedBy: names } from the API. */
async function states(url: string, alerts: Record<string, Record<string, string>>): Promise<Record<string, { state: string; inhibitedBy: string[] }>> {
  const got: any[] = await getJson(`${url}/api/v2/alerts`);
  const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());
  const nameOf = new Map(Object.entries(alerts).map(([name, labels]) => [key(labels), name]));
  const byFingerprint = new Map(got.map((a) => [a.fingerprint, nameOf.get(key(a.labels))]));
  return Object.fromEntries(
    got.map((a) => [nameOf.get(key(a.labels)), { state: a.status.state, inhibitedBy: a.status.inhibitedBy.map((f: string) => byFingerprint.get(f)).sort() }]),
  );
}

describe('the default inhibitions on the real Alertmanager', () => {
  test('the generated alertmanager.yml holds the two default inhibit rules', () => {
    const doc = parseYaml(
      objects.find((o) => o.kind === 'ConfigMap' && o.data?.['alertmanager.yml'])!.data['alertmanager.yml'],
    );
    expect(doc.inhibit_rules).toEqual([
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'service', 'slo'] },
      { source_matchers: ['sloth_severity="page"'], target_matchers: ['sloth_severity="ticket"'], equal: ['sloth_id', 'service', 'slo'] },
    ]);
  });

  test("an SLO's page mutes that SLO's ticket only; a critical alert mutes its own warning for the same service only", async () => {
    // GIVEN Alertmanager with the generated config
    const am = await startAlertmanager(objects, { secrets: SECRETS });
    started.push(am);
    // WHEN the alerts arrive
    await post(am.url, ALERTS);
    const s = await states(am.url, ALERTS);
    // THEN
    expect(s).toEqual({
      'order-service error-rate page': { state: 'active', inhibitedBy: [] },
      'order-service error-rate ticket': { state: 'suppressed', inhibitedBy: ['order-service error-rate page'] },
      'order-service latency ticket': { state: 'active', inhibitedBy: [] },
      'order-service availability ticket': { state: 'active', inhibitedBy: [] },
      'payment-service error-rate ticket': { state: 'active', inhibitedBy: [] },
      'DiskFilling critical on order-service': { state: 'active', inhibitedBy: [] },
      'DiskFilling warning on order-service': { state: 'suppressed', inhibitedBy: ['DiskFilling critical on order-service'] },
      'DiskFilling warning on payment-service': { state: 'active', inhibitedBy: [] },
      'HighErrorRate on order-service': { state: 'active', inhibitedBy: [] },
      'HighLatency on order-service': { state: 'active', inhibitedBy: [] },
    });
  });

  test('the previous default ("same alertname and service") muted every ticket of the service: the check is real', async () => {
    // GIVEN the same config with the old default rule (equal: alertname, service) and no SLO rule
    const am = await startAlertmanager(objects, {
      secrets: SECRETS,
      rewrite: (doc) => {
        doc.inhibit_rules = [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'service'] }];
      },
    });
    started.push(am);
    await post(am.url, ALERTS);
    const s = await states(am.url, ALERTS);
    // THEN the latency and availability tickets were muted by the error-rate page
    expect(s['order-service latency ticket']).toEqual({ state: 'suppressed', inhibitedBy: ['order-service error-rate page'] });
    expect(s['order-service availability ticket']).toEqual({ state: 'suppressed', inhibitedBy: ['order-service error-rate page'] });
    expect(s['payment-service error-rate ticket'].state).toBe('active');
  });

  test('once the page resolves, its ticket notifies again', async () => {
    const am = await startAlertmanager(objects, { secrets: SECRETS });
    started.push(am);
    const pair = { page: ALERTS['order-service error-rate page'], ticket: ALERTS['order-service error-rate ticket'] };
    await post(am.url, pair);
    expect((await states(am.url, pair)).ticket.state).toBe('suppressed');
    // WHEN Prometheus reports the page resolved (endsAt in the past)
    const r = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: pair.page, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() - 1_000).toISOString() }]),
    });
    expect(r.status).toBe(200);
    // THEN the ticket is active
    const s = await states(am.url, { ticket: pair.ticket });
    expect(s.ticket).toEqual({ state: 'active', inhibitedBy: [] });
  });
});
