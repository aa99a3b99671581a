import { ConfigError } from '../../../src/common/errors';
import {
  AlertmanagerConfigContext,
  AlertmanagerConfig,
  alertmanagerConfigDocument,
  renderAlertmanagerConfig,
  requiredSecretKeys,
  validateAlertmanagerConfig,
} from '../../../src/components/alertmanager/config';
import { Matcher } from '../../../src/components/alertmanager/matcher';
import { Receiver } from '../../../src/components/alertmanager/receiver';
import { parseYaml } from '../../helpers/synth';

const ctx: AlertmanagerConfigContext = { path: 'alertmanager', secretName: 'alertmanager-credentials', secretsDir: '/etc/alertmanager/secrets' };

function model(overrides: Partial<AlertmanagerConfig> = {}): AlertmanagerConfig {
  return {
    global: {},
    route: { receiver: 'team', routes: [] },
    receivers: [Receiver.none('team')],
    inhibitRules: [],
    ...overrides,
  };
}

function messages(m: AlertmanagerConfig): string[] {
  return validateAlertmanagerConfig(m, ctx).map((p) => new ConfigError(p).message);
}

describe('alertmanager.yml rendering', () => {
  test('every credential is a *_file path into the mounted Secret, never a value', () => {
    // GIVEN one receiver of each kind
    const m = model({
      global: { smtpSmarthost: 'smtp.example.com:587', smtpFrom: 'am@example.com', smtpAuthUsername: 'am', smtpAuthPasswordSecretKey: 'smtp-password' },
      receivers: [
        Receiver.none('team'),
        Receiver.pagerDuty('pd', { routingKeySecretKey: 'pd-key', severity: 'critical' }),
        Receiver.slack('chat', { channel: '#ops', apiUrlSecretKey: 'slack-url', sendResolved: false }),
        Receiver.email('mail', { to: 'ops@example.com', authUsername: 'ops', authPasswordSecretKey: 'ops-password', requireTls: true }),
        Receiver.webhook('hook', { urlSecretKey: 'hook-url', bearerTokenSecretKey: 'hook-token', maxAlerts: 10 }),
      ],
    });
    // WHEN rendered
    const doc = parseYaml(renderAlertmanagerConfig(m, ctx));
    // THEN
    expect(doc.global).toEqual({
      smtp_from: 'am@example.com',
      smtp_smarthost: 'smtp.example.com:587',
      smtp_auth_username: 'am',
      smtp_auth_password_file: '/etc/alertmanager/secrets/smtp-password',
    });
    const byName = Object.fromEntries(doc.receivers.map((r: any) => [r.name, r]));
    expect(byName.team).toEqual({ name: 'team' });
    expect(byName.pd.pagerduty_configs).toEqual([
      { send_resolved: true, routing_key_file: '/etc/alertmanager/secrets/pd-key', severity: 'critical' },
    ]);
    expect(byName.chat.slack_configs[0]).toMatchObject({ send_resolved: false, api_url_file: '/etc/alertmanager/secrets/slack-url', channel: '#ops' });
    expect(byName.chat.slack_configs[0].title).toContain('{{ .CommonLabels.alertname }}');
    expect(byName.mail.email_configs).toEqual([
      { send_resolved: true, to: 'ops@example.com', auth_username: 'ops', auth_password_file: '/etc/alertmanager/secrets/ops-password', require_tls: true },
    ]);
    expect(byName.hook.webhook_configs).toEqual([
      {
        send_resolved: true,
        url_file: '/etc/alertmanager/secrets/hook-url',
        max_alerts: 10,
        http_config: { authorization: { type: 'Bearer', credentials_file: '/etc/alertmanager/secrets/hook-token' } },
      },
    ]);
    expect(requiredSecretKeys(m)).toEqual(['hook-token', 'hook-url', 'ops-password', 'pd-key', 'slack-url', 'smtp-password']);
  });

  test('Receiver.and() combines integrations under one name', () => {
    const r = Receiver.pagerDuty('oncall', { routingKeySecretKey: 'pd' }).and(Receiver.slack('ignored', { channel: '#oncall', apiUrlSecretKey: 'slack' }));
    const doc = alertmanagerConfigDocument(model({ receivers: [Receiver.none('team'), r] }), ctx) as any;
    expect(doc.receivers[1]).toMatchObject({ name: 'oncall', pagerduty_configs: [{ routing_key_file: '/etc/alertmanager/secrets/pd' }], slack_configs: [{ channel: '#oncall' }] });
    expect(r.secretKeys).toEqual(['pd', 'slack']);
  });

  test('the routing tree maps to snake_case with canonical matchers; continue only when true', () => {
    const m = model({
      route: {
        receiver: 'team',
        groupBy: ['alertname'],
        routes: [
          { receiver: 'team', matchers: ['team = db', Matcher.regex('env', 'prod|staging')], continue: true, groupInterval: '1m', routes: [{ matchers: ['x="y"'], continue: false }] },
        ],
      },
      inhibitRules: [{ sourceMatchers: ['a="1"'], targetMatchers: [Matcher.equal('b', '2')], equal: ['service'] }],
    });
    const doc = parseYaml(renderAlertmanagerConfig(m, ctx));
    expect(doc.route).toEqual({
      receiver: 'team',
      group_by: ['alertname'],
      routes: [
        { receiver: 'team', matchers: ['team="db"', 'env=~"prod|staging"'], continue: true, group_interval: '1m', routes: [{ matchers: ['x="y"'] }] },
      ],
    });
    expect(doc.inhibit_rules).toEqual([{ source_matchers: ['a="1"'], target_matchers: ['b="2"'], equal: ['service'] }]);
  });

  test('rendering is deterministic and carries the generated header', () => {
    const a = renderAlertmanagerConfig(model(), ctx);
    expect(renderAlertmanagerConfig(model(), ctx)).toBe(a);
    expect(a.startsWith('# Generated by observability-stack')).toBe(true);
  });
});

describe('alertmanager.yml validation', () => {
  test('a route at any depth naming an unknown receiver: path, receiver, known receivers and the fix', () => {
    const m = model({
      receivers: [Receiver.none('team'), Receiver.none('db')],
      route: { receiver: 'team', routes: [{ matchers: ['a="1"'], routes: [{ receiver: 'dba-pager' }] }] },
    });
    expect(messages(m)).toEqual([
      'alertmanager.route.routes[0].routes[0].receiver: names an unknown receiver (got "dba-pager"). Fix: use one of the known receivers ("team", "db") or define a receiver named "dba-pager" (receivers prop or addReceiver()).',
    ]);
  });

  test('several problems are reported together', () => {
    const m = model({
      global: { resolveTimeout: '5 minutes' },
      receivers: [Receiver.none('team'), Receiver.none('team'), Receiver.pagerDuty('pd', { routingKeySecretKey: '' })],
      route: { receiver: 'nobody', matchers: ['a="1"'], groupWait: '30', repeatInterval: '0s', groupBy: ['alertname', 'alertname'], routes: [{ matchers: ['sev=critical"'] }] },
      inhibitRules: [{ sourceMatchers: [], targetMatchers: ['severity="warning"'], equal: ['bad-label'] }],
    });
    expect(messages(m)).toEqual([
      'alertmanager.resolveTimeout: is not a positive Prometheus duration: a space at character 2 is not a unit (got "5 minutes"). Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
      'alertmanager.receivers[1].name: duplicates the name of receivers[0] (got "team"). Fix: give every receiver a unique name (combine integrations into one receiver with Receiver.and()).',
      'alertmanager.receivers["pd"].routingKeySecretKey: must name the key of Secret "alertmanager-credentials" that holds the PagerDuty routing key (got ""). Fix: set it to a non-empty key, e.g. "pagerduty-routing-key", and create that key in the Secret.',
      'alertmanager.route.matchers: must be empty on the root route (every alert enters the root) (got ["a=\\"1\\""]). Fix: move the matchers to a child route (addRoute).',
      'alertmanager.route.receiver: names an unknown receiver (got "nobody"). Fix: use one of the known receivers ("team", "pd") or define a receiver named "nobody" (receivers prop or addReceiver()).',
      'alertmanager.route.groupBy[1]: repeats a label name (got "alertname"). Fix: list each label once.',
      'alertmanager.route.groupWait: is not a Prometheus duration: the number at character 1 has no unit (got "30"). Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
      'alertmanager.route.repeatInterval: is not a positive Prometheus duration: it is zero (got "0s"). Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
      expect.stringMatching(/^alertmanager\.route\.routes\[0\]\.matchers\[0\]: has an unquoted value with the reserved character/),
      'alertmanager.inhibitRules[0].sourceMatchers: must have at least one matcher (an empty list matches every alert) (got []). Fix: add a matcher, e.g. severity="critical".',
      'alertmanager.inhibitRules[0].equal[0]: is not a valid Prometheus label name: it contains "-" at character 4; label names are ASCII letters, digits and "_", not starting with a digit (got "bad-label"). Fix: rename it to "bad_label".',
    ]);
    expect(() => renderAlertmanagerConfig(m, ctx)).toThrow(ConfigError);
  });

  test.each([
    [
      'a Secret key with a slash',
      Receiver.slack('chat', { channel: '#ops', apiUrlSecretKey: 'slack/url' }),
      'alertmanager.receivers["chat"].apiUrlSecretKey: is not a valid ConfigMap or Secret key (at most 253 letters, digits, "-", "_" and ".") (got "slack/url"). Fix: use e.g. "slack-api-url".',
    ],
    [
      'an empty Slack channel',
      Receiver.slack('chat', { channel: ' ', apiUrlSecretKey: 'slack-url' }),
      'alertmanager.receivers["chat"].channel: must not be empty (got " "). Fix: name the channel, e.g. "#alerts".',
    ],
    [
      'an email receiver without smarthost and no global one',
      Receiver.email('mail', { to: 'a@example.com', from: 'b@example.com' }),
      'alertmanager.receivers["mail"].smarthost: is not set and there is no global smtpSmarthost. Fix: set smarthost on the receiver or the smtpSmarthost prop, e.g. "smtp.example.com:587".',
    ],
    [
      'a smarthost without port',
      Receiver.email('mail', { to: 'a@example.com', from: 'b@example.com', smarthost: 'smtp.example.com' }),
      'alertmanager.receivers["mail"].smarthost: is not a host:port (got "smtp.example.com"). Fix: give a host and a port from 1 to 65535, without scheme or path, e.g. "smtp.example.com:587".',
    ],
    [
      'an SMTP password without a username',
      Receiver.email('mail', { to: 'a@example.com', from: 'b@example.com', smarthost: 'smtp.example.com:587', authPasswordSecretKey: 'pw' }),
      'alertmanager.receivers["mail"].authPasswordSecretKey: is set but no authUsername is (Alertmanager authenticates only with a username) (got "pw"). Fix: set authUsername on the receiver or the smtpAuthUsername prop.',
    ],
    [
      'a webhook without the Secret key of its URL',
      Receiver.webhook('hook', { urlSecretKey: '' }),
      'alertmanager.receivers["hook"].urlSecretKey: must name the key of Secret "alertmanager-credentials" that holds the webhook URL (got ""). Fix: set it to a non-empty key, e.g. "webhook-url", and create that key in the Secret.',
    ],
    [
      'an empty receiver name',
      Receiver.none(''),
      'alertmanager.receivers[1].name: must not be empty (got ""). Fix: name the receiver; routes refer to it by name.',
    ],
  ])('%s is rejected with an exact message', (_what, receiver, message) => {
    expect(messages(model({ receivers: [Receiver.none('team'), receiver] }))).toEqual([message]);
  });

  test('a problem in one of several integrations names its index', () => {
    const r = Receiver.pagerDuty('oncall', { routingKeySecretKey: 'pd' }).and(Receiver.slack('x', { channel: '#a', apiUrlSecretKey: '' }));
    expect(messages(model({ receivers: [Receiver.none('team'), r] }))[0]).toMatch(
      /^alertmanager\.receivers\["oncall"\]\.integrations\[1\]\.apiUrlSecretKey: must name the key of Secret "alertmanager-credentials" that holds the Slack webhook URL/,
    );
  });

  test('the root route must have a receiver and no continue', () => {
    expect(messages(model({ route: { continue: true } }))).toEqual([
      'alertmanager.route.receiver: must be set on the root route (got undefined). Fix: name the receiver of the alerts no child route takes.',
      'alertmanager.route.continue: cannot be set on the root route (got true). Fix: remove it; continue applies to sibling child routes.',
    ]);
  });
});
