import { createServer, IncomingMessage, Server as HttpServer } from 'node:http';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { ObservabilityStack } from '../../src';
import { freePorts, LOOPBACK, Server, startServer, waitFor, waitForOk } from '../helpers/servers';
import { Started, startAlertmanager } from '../helpers/stack-servers';
import { K8sObject, configFile, configFiles, containersOf } from '../helpers/synth';
import { promConfigWithLocalPaths, writeTree } from '../helpers/tools';

/**
 * The Watchdog reaches its receiver, on the real programs at the deployed releases: Prometheus 3.5 (an HA-pair
 * replica: its `prometheus_replica` external label from POD_NAME) evaluates the generated stack-health rules, sends
 * to Alertmanager 0.28 with the generated alertmanager.yml, which delivers the Watchdog to the heartbeat webhook —
 * without the replica label (dropped by alert_relabel_configs), so both replicas' Watchdogs are one alert.
 * Replacements: loopback listeners; the heartbeat URL (the credentials Secret's key) → a local HTTP sink; the
 * Alertmanager target → the local Alertmanager; Kubernetes discovery is left as generated (no targets here).
 */

jest.setTimeout(180_000);

interface Received {
  readonly path: string;
  readonly body: any;
}

let sink: { server: HttpServer; url: string; received: Received[] };
let am: Started & { url: string };
let prometheus: Server | undefined;
const dirs: string[] = [];

async function startSink(): Promise<typeof sink> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: body ? JSON.parse(body) : undefined });
      res.writeHead(200);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, LOOPBACK, () => r()));
  return { server, url: `http://${LOOPBACK}:${(server.address() as { port: number }).port}`, received };
}

afterAll(async () => {
  await prometheus?.stop();
  await am?.server.stop();
  await new Promise((r) => sink?.server.close(r));
  for (const d of [...dirs, am?.dir].filter(Boolean) as string[]) rmSync(d, { recursive: true, force: true });
});

test('the Watchdog fires at once and reaches the heartbeat receiver, without the replica label', async () => {
  const objects = Testing.synth(new ObservabilityStack(Testing.app(), 'observability', { selfMonitoring: true, prometheus: { replicas: 2 } })) as K8sObject[];
  sink = await startSink();
  am = await startAlertmanager(objects, {
    secrets: { 'heartbeat-url': `${sink.url}/heartbeat\n`, 'pagerduty-routing-key': 'dummy\n', 'slack-api-url': `${sink.url}/slack\n`, 'smtp-password': 'dummy\n' },
  });

  const dir = writeTree({}, 'obs-watchdog-');
  dirs.push(dir);
  mkdirSync(join(dir, 'rules'), { recursive: true });
  for (const [key, content] of configFiles(objects)) if (key.endsWith('.rules.yml')) writeFileSync(join(dir, 'rules', key.split('/')[1]), content);
  const doc = yaml.load(promConfigWithLocalPaths(configFile(objects, 'prometheus.yml'), dir)) as any;
  expect(doc.global.external_labels).toEqual({ prometheus_replica: '${POD_NAME}' });
  doc.alerting.alertmanagers[0].static_configs[0].targets = [`${LOOPBACK}:${am.ports[9093]}`];
  writeFileSync(join(dir, 'prometheus.yml'), yaml.dump(doc, { lineWidth: -1, noRefs: true }));
  const [web] = await freePorts(1);
  const sts = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'prometheus')!;
  const args = (containersOf(sts)[0].args as string[]).map((a) =>
    a.startsWith('--config.file=') ? `--config.file=${join(dir, 'prometheus.yml')}` : a.startsWith('--storage.tsdb.path=') ? `--storage.tsdb.path=${join(dir, 'data')}` : a,
  );
  // POD_NAME as the downward API sets it in the pod.
  prometheus = startServer('prometheus', [...args, `--web.listen-address=${LOOPBACK}:${web}`], { env: { ...process.env, POD_NAME: 'prometheus-1' } });
  await waitForOk(`http://${LOOPBACK}:${web}/-/ready`, prometheus, 60_000);

  const heartbeat = await waitFor(
    'the Watchdog at the heartbeat receiver',
    async () => sink.received.find((r) => r.path === '/heartbeat' && r.body?.alerts?.some((a: any) => a.labels.alertname === 'Watchdog')),
    90_000,
    () => `${prometheus!.log()}\n${am.server.log()}`,
  );
  const watchdog = heartbeat.body.alerts.find((a: any) => a.labels.alertname === 'Watchdog');
  expect(watchdog.status).toBe('firing');
  expect(watchdog.labels).toEqual({ alertname: 'Watchdog', severity: 'none' });
  // The replica label is on every series leaving this replica (external labels), but not on the alert.
  const q = (await (await fetch(`http://${LOOPBACK}:${web}/api/v1/status/config`)).json()) as any;
  expect(q.data.yaml).toMatch(/prometheus_replica: prometheus-1/);
  // Only the heartbeat receiver got it.
  expect(sink.received.filter((r) => r.path !== '/heartbeat' && JSON.stringify(r.body).includes('Watchdog'))).toEqual([]);
});
