import { mkdirSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { Alertmanager, AlertmanagerProps } from '../../../src/components/alertmanager/alertmanager';
import { Matcher } from '../../../src/components/alertmanager/matcher';
import { Receiver } from '../../../src/components/alertmanager/receiver';
import { PAGERDUTY_SEVERITY_TEMPLATE, SLACK_TEXT_TEMPLATE, SLACK_TITLE_TEMPLATE } from '../../../src/components/alertmanager/defaults';
import { containersOf, findObject, synthObjects } from '../../helpers/synth';
import { freePort, getJson, httpStatus, Server, startServer, waitFor, waitForOk } from '../../helpers/servers';
import { amtool, ToolResult, writeTree } from '../../helpers/tools';

/**
 * The real upstream checkers on the rendered alertmanager.yml, at the deployed release (.tools/bin): amtool
 * (`check-config`, `config routes test`, `template render`) and the Alertmanager binary started on 127.0.0.1 with
 * the flags the StatefulSet passes. The checks run on a temporary copy whose `*_file` paths point at files in the
 * test's directory instead of the mounted Secret (replacement stated in writeForTools).
 */

const SECRETS_DIR = '/etc/alertmanager/secrets/';

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function build(props: AlertmanagerProps = {}): Alertmanager {
  return new Alertmanager(Testing.chart(), 'Alertmanager', props);
}

/**
 * Writes alertmanager.yml into a temp dir, `*_file` paths rewritten to files there standing in for the mounted
 * Secret (dummy values unless `secrets` gives one). Returns the file path.
 */
function writeForTools(am: Alertmanager, secrets: Readonly<Record<string, string>> = {}): { dir: string; file: string } {
  const dir = writeTree(Object.fromEntries(am.requiredSecretKeys.map((k) => [`secrets/${k}`, secrets[k] ?? `dummy-${k}\n`])), 'obs-am-');
  const text = am.renderConfig().split(SECRETS_DIR).join(`${join(dir, 'secrets')}/`);
  const files = writeTree({ 'alertmanager.yml': text }, 'obs-am-');
  tempDirs.push(dir, files);
  return { dir: files, file: join(files, 'alertmanager.yml') };
}

function routesTest(file: string, receivers: string, labels: readonly string[]): ToolResult {
  return amtool(['config', 'routes', 'test', `--config.file=${file}`, `--verify.receivers=${receivers}`, ...labels]);
}

describe('amtool check-config', () => {
  test('GIVEN the default Alertmanager THEN amtool accepts its alertmanager.yml', () => {
    const { file } = writeForTools(build());
    const r = amtool(['check-config', file]);
    expect(r.output).toContain('SUCCESS');
    expect(r.output).toContain(' - 3 receivers');
    expect(r.output).toContain(' - 1 inhibit rules');
    expect(r.status).toBe(0);
  });

  test('GIVEN every receiver kind, global SMTP defaults and extra routes THEN amtool accepts it', () => {
    const am = build({
      smtpFrom: 'alertmanager@example.com',
      smtpSmarthost: 'smtp.example.com:587',
      smtpAuthUsername: 'alertmanager',
      smtpAuthPasswordSecretKey: 'smtp-password',
      smtpRequireTls: true,
      receivers: [
        Receiver.email('email', { to: 'ops@example.com' }),
        Receiver.pagerDuty('pagerduty', { routingKeySecretKey: 'pd-key', description: '{{ .CommonAnnotations.summary }}' }),
        Receiver.slack('slack', { channel: '#alerts', apiUrlSecretKey: 'slack-url' }),
        Receiver.webhook('hook', { urlSecretKey: 'hook-url', bearerTokenSecretKey: 'hook-token', maxAlerts: 20 }),
        Receiver.none('blackhole'),
        Receiver.pagerDuty('db-oncall', { routingKeySecretKey: 'db-pd-key' }).and(Receiver.slack('x', { channel: '#db', apiUrlSecretKey: 'slack-url' })),
      ],
    });
    am.addRoute({ receiver: 'blackhole', matchers: [Matcher.equal('alertname', 'Watchdog')] });
    am.addRoute({ receiver: 'db-oncall', matchers: ['team="db, core"'], groupBy: ['...'], routes: [{ receiver: 'hook', matchers: ['env!~"dev|test"'] }] });
    const { file } = writeForTools(am);
    const r = amtool(['check-config', file]);
    expect(r.output).toContain('SUCCESS');
    expect(r.output).toContain(' - 6 receivers');
    expect(r.status).toBe(0);
    // AND amtool reads the canonical quoted matchers the way we meant them (the comma stays inside the value)
    expect(routesTest(file, 'db-oncall', ['team=db, core', 'env=dev']).status).toBe(0);
    expect(routesTest(file, 'hook', ['team=db, core', 'env=prod']).status).toBe(0);
    // (added routes come after the default ones: a critical Watchdog would still page)
    expect(routesTest(file, 'blackhole', ['alertname=Watchdog', 'severity=none']).status).toBe(0);
    expect(routesTest(file, 'pagerduty,slack', ['alertname=Watchdog', 'severity=critical']).status).toBe(0);
  });
});

describe('amtool config routes test: a team route added before the defaults', () => {
  test('critical db alerts page the db on-call instead of the default receivers; others keep the defaults', () => {
    const am = build();
    am.addReceiver(Receiver.pagerDuty('db-oncall', { routingKeySecretKey: 'db-pagerduty-routing-key' }));
    am.addRoute({ receiver: 'db-oncall', matchers: [Matcher.equal('team', 'db'), Matcher.equal('severity', 'critical')] }, { beforeExisting: true });
    const { file } = writeForTools(am);
    expect(amtool(['check-config', file]).status).toBe(0);
    expect(routesTest(file, 'db-oncall', ['team=db', 'severity=critical', 'alertname=ReplicationLag']).status).toBe(0);
    expect(routesTest(file, 'slack', ['team=db', 'severity=warning', 'alertname=ReplicationLag']).status).toBe(0);
    expect(routesTest(file, 'pagerduty,slack', ['team=web', 'severity=critical', 'alertname=HighErrorRate']).status).toBe(0);
  });
});

describe('amtool config routes test: the default routing', () => {
  let file: string;
  beforeAll(() => {
    file = writeForTools(build()).file;
  });

  test.each([
    ['critical', 'pagerduty,slack', ['severity=critical', 'alertname=HighErrorRate', 'service=order-service']],
    ['warning', 'slack', ['severity=warning', 'alertname=HighErrorRate', 'service=order-service']],
    ['info', 'email', ['severity=info', 'alertname=Deploy', 'service=order-service']],
    ['no severity', 'email', ['alertname=Something', 'service=order-service']],
  ])('a %s alert goes to exactly %s', (_what, receivers, labels) => {
    const r = routesTest(file, receivers, labels);
    expect(r.stdout.trim()).toBe(receivers);
    expect(r.status).toBe(0);
  });

  test('the check fails when the expectation is wrong (warning does not page)', () => {
    const r = routesTest(file, 'pagerduty,slack', ['severity=warning', 'alertname=HighErrorRate']);
    expect(r.output).toContain('WARNING: Expected receivers did not match resolved receivers.');
    expect(r.status).not.toBe(0);
  });
});

describe('amtool template render: the default notification templates', () => {
  test.each([
    ['Slack title', SLACK_TITLE_TEMPLATE],
    ['Slack text', SLACK_TEXT_TEMPLATE],
    ['PagerDuty severity', PAGERDUTY_SEVERITY_TEMPLATE],
  ])('the %s template parses and executes', (_what, template) => {
    const dir = writeTree({ 'empty.tmpl': '' }, 'obs-am-');
    tempDirs.push(dir);
    const r = amtool(['template', 'render', `--template.glob=${join(dir, '*.tmpl')}`, `--template.text=${template}`]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The real Alertmanager binary, started with the StatefulSet's flags (addresses and paths moved to the test's).
// ---------------------------------------------------------------------------------------------------------------

function start(args: readonly string[]): Server {
  return startServer('alertmanager', args);
}

/** The container args with the config and storage paths moved into `dir`. */
function localArgs(am: Alertmanager, dir: string, file: string, replica: number): string[] {
  const args: string[] = containersOf(findObject(synthObjects(am.node.scope as any), 'StatefulSet', am.name))[0].args;
  const storage = join(dir, `data-${replica}`);
  mkdirSync(storage, { recursive: true });
  return args.map((a) =>
    a.startsWith('--config.file=') ? `--config.file=${file}` : a.startsWith('--storage.path=') ? `--storage.path=${storage}` : a,
  );
}

describe('the Alertmanager binary with the StatefulSet flags', () => {
  test('GIVEN 1 replica THEN it loads alertmanager.yml without clustering and answers /-/ready and /-/healthy', async () => {
    const am = build();
    const { dir, file } = writeForTools(am);
    const web = await freePort();
    const args = localArgs(am, dir, file, 0).map((a) => (a === '--web.listen-address=:9093' ? `--web.listen-address=127.0.0.1:${web}` : a));
    expect(args).toContain('--cluster.listen-address=');
    const server = start(args);
    try {
      await waitForOk(`http://127.0.0.1:${web}/-/ready`, server, 20_000);
      expect(await httpStatus(`http://127.0.0.1:${web}/-/healthy`)).toBe(200);
      const s = await getJson(`http://127.0.0.1:${web}/api/v2/status`);
      expect(s.cluster.status).toBe('disabled');
      expect(s.config.original).toContain('routing_key_file:');
      expect(s.versionInfo.version).toBe('0.28.1');
      expect(server.log()).toContain('Completed loading of configuration file');
    } finally {
      await server.stop(2_000);
    }
  });

  test('GIVEN 2 replicas THEN the cluster flags form a gossip cluster (peers and advertise address on loopback)', async () => {
    const am = build({ replicas: 2 });
    const { dir, file } = writeForTools(am);
    const webs = [await freePort(), await freePort()];
    const meshes = [await freePort(), await freePort()];
    const procs = [0, 1].map((i) => {
      const args = localArgs(am, dir, file, i).map((a) => {
        if (a === '--web.listen-address=:9093') return `--web.listen-address=127.0.0.1:${webs[i]}`;
        if (a === '--cluster.listen-address=0.0.0.0:9094') return `--cluster.listen-address=127.0.0.1:${meshes[i]}`;
        // The pod IP Kubernetes substitutes for $(POD_IP), keeping the bracketed form the StatefulSet uses.
        if (a === '--cluster.advertise-address=[$(POD_IP)]:9094') return `--cluster.advertise-address=[127.0.0.1]:${meshes[i]}`;
        const peer = /^--cluster\.peer=alertmanager-(\d+)\.alertmanager-headless\.observability\.svc:9094$/.exec(a);
        if (peer) return `--cluster.peer=127.0.0.1:${meshes[Number(peer[1])]}`;
        return a;
      });
      return start(args);
    });
    try {
      const peers = await waitFor(
        'two cluster peers',
        async () => {
          const s = await getJson(`http://127.0.0.1:${webs[0]}/api/v2/status`);
          return s.cluster?.peers?.length === 2 ? s.cluster : undefined;
        },
        30_000,
        () => procs.map((p) => p.log()).join('\n---\n'),
      );
      expect(['settling', 'ready']).toContain(peers.status);
      expect(peers.peers.map((p: any) => p.address).sort()).toEqual(meshes.map((m) => `127.0.0.1:${m}`).sort());
    } finally {
      await Promise.all(procs.map((p) => p.stop(2_000)));
    }
  });

  test('GIVEN a webhook receiver THEN Alertmanager reads its URL from the Secret file (url_file) and delivers the alert there', async () => {
    // GIVEN a webhook on 127.0.0.1 standing in for the team's endpoint, its URL (with a token) only in the Secret file
    const received: { path: string; auth?: string; body: any }[] = [];
    const hook = createHttpServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(body) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const hookPort = (hook.address() as { port: number }).port;
    const am = build();
    am.addReceiver(Receiver.webhook('team-hook', { urlSecretKey: 'team-hook-url', bearerTokenSecretKey: 'team-hook-token' }));
    am.addRoute({ receiver: 'team-hook', matchers: ['team="hooks"'], groupWait: '1s' }, { beforeExisting: true });
    const { dir, file } = writeForTools(am, {
      'team-hook-url': `http://127.0.0.1:${hookPort}/alerts?token=s3cret\n`,
      'team-hook-token': 'bearer-s3cret\n',
    });
    expect(am.renderConfig()).not.toContain(`127.0.0.1:${hookPort}`);
    const web = await freePort();
    const args = localArgs(am, dir, file, 0).map((a) => (a === '--web.listen-address=:9093' ? `--web.listen-address=127.0.0.1:${web}` : a));
    const server = start(args);
    try {
      await waitForOk(`http://127.0.0.1:${web}/-/ready`, server, 20_000);
      // WHEN an alert for the team arrives
      const post = await fetch(`http://127.0.0.1:${web}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ labels: { alertname: 'QueueBacklog', team: 'hooks', severity: 'warning' }, annotations: { summary: 'backlog' } }]),
      });
      expect(post.status).toBe(200);
      // THEN the webhook at the URL from the file receives it, with the bearer token from its file
      const got = await waitFor('the webhook delivery', async () => received[0], 20_000, () => server.log());
      expect(got.path).toBe('/alerts?token=s3cret');
      expect(got.auth).toBe('Bearer bearer-s3cret');
      expect(got.body.receiver).toBe('team-hook');
      expect(got.body.alerts[0].labels).toMatchObject({ alertname: 'QueueBacklog', team: 'hooks' });
    } finally {
      await server.stop(2_000);
      await new Promise((r) => hook.close(r));
    }
  });
});
