import { Chart, Testing } from 'cdk8s';
import { ConfigError } from '../../../src/common/errors';
import { Alertmanager, AlertmanagerProps } from '../../../src/components/alertmanager/alertmanager';
import { Receiver } from '../../../src/components/alertmanager/receiver';
import { K8sObject, configFile, containersOf, findObject, parseYaml, synthObjects } from '../../helpers/synth';
import { schemaErrors } from '../../helpers/schema';

function build(props: AlertmanagerProps = {}): { chart: Chart; am: Alertmanager } {
  const chart = Testing.chart();
  return { chart, am: new Alertmanager(chart, 'Alertmanager', props) };
}

function synth(props: AlertmanagerProps = {}): { objects: K8sObject[]; am: Alertmanager } {
  const { chart, am } = build(props);
  return { objects: synthObjects(chart), am };
}

function argsOf(objects: K8sObject[], name = 'alertmanager'): string[] {
  return containersOf(findObject(objects, 'StatefulSet', name))[0].args;
}

/** Every string anywhere in an object tree. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

describe('Alertmanager construct', () => {
  test('GIVEN defaults THEN a valid StatefulSet, two Services and a ConfigMap in observability', () => {
    const { objects } = synth();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/alertmanager-config',
      'Service/alertmanager',
      'Service/alertmanager-headless',
      'StatefulSet/alertmanager',
    ]);
    expect(objects.every((o) => o.metadata.namespace === 'observability')).toBe(true);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('GIVEN 1 replica THEN clustering is disabled with an empty --cluster.listen-address', () => {
    const { objects, am } = synth();
    expect(argsOf(objects)).toEqual([
      '--config.file=/etc/alertmanager/config/alertmanager.yml',
      '--storage.path=/alertmanager',
      '--web.listen-address=:9093',
      '--web.external-url=http://alertmanager.observability.svc:9093',
      '--cluster.listen-address=',
    ]);
    const sts = findObject(objects, 'StatefulSet', 'alertmanager');
    expect(sts.spec.replicas).toBe(1);
    expect(containersOf(sts)[0].ports).toEqual([{ containerPort: 9093, name: 'web', protocol: 'TCP' }]);
    expect(containersOf(sts)[0].env).toBeUndefined();
    expect(sts.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(findObject(objects, 'Service', 'alertmanager-headless').spec.publishNotReadyAddresses).toBeUndefined();
    expect(am.clustered).toBe(false);
    expect(am.targets).toEqual(['alertmanager-0.alertmanager-headless.observability.svc:9093']);
  });

  test('GIVEN 3 replicas THEN every replica is a --cluster.peer through the headless Service on 9094', () => {
    const { objects, am } = synth({ replicas: 3 });
    const args = argsOf(objects);
    expect(args).toEqual(expect.arrayContaining([
      '--cluster.listen-address=0.0.0.0:9094',
      '--cluster.advertise-address=[$(POD_IP)]:9094',
      '--cluster.reconnect-timeout=5m',
    ]));
    expect(args.filter((a) => a.startsWith('--cluster.peer='))).toEqual([
      '--cluster.peer=alertmanager-0.alertmanager-headless.observability.svc:9094',
      '--cluster.peer=alertmanager-1.alertmanager-headless.observability.svc:9094',
      '--cluster.peer=alertmanager-2.alertmanager-headless.observability.svc:9094',
    ]);
    const sts = findObject(objects, 'StatefulSet', 'alertmanager');
    expect(sts.spec).toMatchObject({ replicas: 3, serviceName: 'alertmanager-headless', podManagementPolicy: 'Parallel' });
    expect(containersOf(sts)[0].env).toEqual([{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }]);
    expect(containersOf(sts)[0].ports).toEqual([
      { containerPort: 9093, name: 'web', protocol: 'TCP' },
      { containerPort: 9094, name: 'mesh-tcp', protocol: 'TCP' },
      { containerPort: 9094, name: 'mesh-udp', protocol: 'UDP' },
    ]);
    expect(sts.spec.template.spec.topologySpreadConstraints).toEqual([
      expect.objectContaining({ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' }),
    ]);
    const headless = findObject(objects, 'Service', 'alertmanager-headless');
    expect(headless.spec).toMatchObject({
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: { 'app.kubernetes.io/name': 'alertmanager', 'app.kubernetes.io/instance': 'alertmanager' },
    });
    expect(headless.spec.ports.map((p: any) => `${p.name}/${p.port}/${p.protocol}`)).toEqual(['web/9093/TCP', 'mesh-tcp/9094/TCP', 'mesh-udp/9094/UDP']);
    // THEN Prometheus gets every replica, never the load-balanced Service
    expect(am.targets).toEqual([
      'alertmanager-0.alertmanager-headless.observability.svc:9093',
      'alertmanager-1.alertmanager-headless.observability.svc:9093',
      'alertmanager-2.alertmanager-headless.observability.svc:9093',
    ]);
    expect(am.url).toBe('http://alertmanager.observability.svc:9093');
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('the ClusterIP Service serves 9093 and selects the pods by their stable labels', () => {
    const { objects } = synth();
    const svc = findObject(objects, 'Service', 'alertmanager');
    expect(svc.spec.clusterIP).toBeUndefined();
    expect(svc.spec.ports).toEqual([{ name: 'web', port: 9093, protocol: 'TCP', targetPort: 9093 }]);
    const podLabels = findObject(objects, 'StatefulSet', 'alertmanager').spec.template.metadata.labels;
    expect(podLabels).toMatchObject(svc.spec.selector);
  });

  test('a PVC per replica holds --storage.path', () => {
    const { objects } = synth({ storageSize: '5Gi', storageClassName: 'fast' });
    const sts = findObject(objects, 'StatefulSet', 'alertmanager');
    expect(sts.spec.volumeClaimTemplates).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ name: 'storage' }),
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } },
      }),
    ]);
    expect(containersOf(sts)[0].volumeMounts).toContainEqual({ name: 'storage', mountPath: '/alertmanager' });
    expect(synth().objects.find((o) => o.kind === 'StatefulSet')!.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('2Gi');
  });

  test('probes hit /-/ready and /-/healthy on 9093', () => {
    const c = containersOf(findObject(synth().objects, 'StatefulSet', 'alertmanager'))[0];
    expect(c.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 9093, scheme: 'HTTP' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/-/healthy', port: 9093, scheme: 'HTTP' });
  });

  test('the container runs locked down with default resources, overridable', () => {
    const c = containersOf(findObject(synth().objects, 'StatefulSet', 'alertmanager'))[0];
    expect(c.image).toBe('quay.io/prometheus/alertmanager:v0.28.1');
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    const custom = containersOf(findObject(synth({ resources: { cpuRequest: '200m', memoryRequest: '512Mi' }, image: { repository: 'r/am', tag: 'v9' } }).objects, 'StatefulSet', 'alertmanager'))[0];
    expect(custom.resources).toEqual({ requests: { cpu: '200m', memory: '512Mi' }, limits: { memory: '512Mi' } });
    expect(custom.image).toBe('r/am:v9');
  });

  test('the user-named credentials Secret is mounted read-only, and no secret value is anywhere in the output', () => {
    // GIVEN a Secret name of the user's
    const { objects, am } = synth({ credentialsSecretName: 'my-am-secrets', replicas: 3 });
    const sts = findObject(objects, 'StatefulSet', 'alertmanager');
    // THEN it is mounted where the *_file fields point
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'credentials', secret: { secretName: 'my-am-secrets', defaultMode: 0o440 } });
    expect(containersOf(sts)[0].volumeMounts).toContainEqual({ name: 'credentials', mountPath: '/etc/alertmanager/secrets', readOnly: true });
    expect(am.secretsMountPath).toBe('/etc/alertmanager/secrets');
    expect(am.requiredSecretKeys).toEqual(['pagerduty-routing-key', 'slack-api-url', 'smtp-password']);
    // AND the stack creates no Secret and sets no plain env values
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(containersOf(sts)[0].env.every((e: any) => e.value === undefined)).toBe(true);
    // AND every credential field of alertmanager.yml is a *_file path into the mount
    const doc = parseYaml(configFile(objects, 'alertmanager.yml'));
    const keys = strings(doc);
    for (const field of ['routing_key', 'service_key', 'api_url', 'auth_password', 'auth_secret', 'credentials', 'smtp_auth_password', 'password']) {
      expect(keys).not.toContain(field);
    }
    const files = strings(doc).filter((s) => s.startsWith('/etc/alertmanager/secrets/'));
    expect(files.sort()).toEqual([
      '/etc/alertmanager/secrets/pagerduty-routing-key',
      '/etc/alertmanager/secrets/slack-api-url',
      '/etc/alertmanager/secrets/smtp-password',
    ]);
    // AND the synthesized objects contain no webhook URL or key-looking value at all
    expect(strings(objects).filter((s) => /hooks\.slack\.com|xox[abp]-/.test(s))).toEqual([]);
  });

  test('the config lives in ConfigMap key alertmanager.yml, mounted read-only, with a checksum/config annotation', () => {
    const { objects, am } = synth();
    const cm = findObject(objects, 'ConfigMap', 'alertmanager-config');
    expect(Object.keys(cm.data)).toEqual(['alertmanager.yml']);
    expect(cm.data['alertmanager.yml']).toBe(am.renderConfig());
    expect(cm.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'alertmanager' });
    const sts = findObject(objects, 'StatefulSet', 'alertmanager');
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'alertmanager-config' } });
    expect(containersOf(sts)[0].volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/alertmanager/config', readOnly: true });
    expect(sts.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{16}$/);
  });

  test('GIVEN the defaults THEN the seed routing: critical → pagerduty (continue) and slack, warning → slack, rest → email', () => {
    const doc = parseYaml(synth().am.renderConfig());
    expect(doc.receivers.map((r: any) => r.name)).toEqual(['pagerduty', 'slack', 'email']);
    expect(doc.route).toMatchObject({
      receiver: 'email',
      group_by: ['alertname', 'service'],
      routes: [
        { receiver: 'pagerduty', matchers: ['severity="critical"'], continue: true },
        { receiver: 'slack', matchers: ['severity=~"critical|warning"'] },
      ],
    });
    expect(doc.receivers[1].slack_configs[0].channel).toBe('#alerts');
    expect(doc.inhibit_rules).toEqual([
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'service', 'slo'] },
    ]);
  });

  test('additions after construction land in the output and roll the pods', () => {
    // GIVEN a synthesized default
    const before = synth().objects;
    const checksumBefore = findObject(before, 'StatefulSet', 'alertmanager').spec.template.metadata.annotations['checksum/config'];
    // WHEN a receiver, a route naming it and an inhibit rule are added after construction
    const { chart, am } = build();
    am.addRoute({ receiver: 'dba', matchers: ['team="db"'] });
    am.addReceiver(Receiver.webhook('dba', { urlSecretKey: 'dba-bot-url' }));
    am.addInhibitRule({ sourceMatchers: ['alertname="ClusterDown"'], targetMatchers: ['severity="warning"'] });
    const after = synthObjects(chart);
    // THEN
    const doc = parseYaml(configFile(after, 'alertmanager.yml'));
    expect(doc.receivers.map((r: any) => r.name)).toEqual(['pagerduty', 'slack', 'email', 'dba']);
    expect(doc.route.routes[2]).toEqual({ receiver: 'dba', matchers: ['team="db"'] });
    expect(doc.inhibit_rules).toHaveLength(2);
    expect(findObject(after, 'StatefulSet', 'alertmanager').spec.template.metadata.annotations['checksum/config']).not.toBe(checksumBefore);
  });

  test('addRoute appends by default and inserts before the existing children with beforeExisting, in call order', () => {
    const { am } = build();
    am.addRoute({ receiver: 'email', matchers: ['n="last"'] });
    am.addRoute({ receiver: 'email', matchers: ['n="first"'] }, { beforeExisting: true });
    am.addRoute({ receiver: 'email', matchers: ['n="second"'] }, { beforeExisting: true });
    expect(parseYaml(am.renderConfig()).route.routes.map((r: any) => `${r.receiver} ${r.matchers.join(',')}`)).toEqual([
      'email n="first"',
      'email n="second"',
      'pagerduty severity="critical"',
      'slack severity=~"critical|warning"',
      'email n="last"',
    ]);
  });

  test('custom namespace and name are used for every object, the targets and the url', () => {
    const { objects, am } = synth({ namespace: 'mon', name: 'am', replicas: 2 });
    expect(objects.every((o) => o.metadata.namespace === 'mon')).toBe(true);
    expect(am.targets).toEqual(['am-0.am-headless.mon.svc:9093', 'am-1.am-headless.mon.svc:9093']);
    expect(am.url).toBe('http://am.mon.svc:9093');
    expect(argsOf(objects, 'am')).toContain('--cluster.peer=am-1.am-headless.mon.svc:9094');
  });

  test('fromTargets and fromUrl describe an external Alertmanager', () => {
    expect(Alertmanager.fromTargets(['am-0.am:9093', 'am-1.am:9093'])).toEqual({ targets: ['am-0.am:9093', 'am-1.am:9093'], url: 'http://am-0.am:9093' });
    expect(Alertmanager.fromTargets(['10.0.0.1:9093'], { url: 'https://am.example.com' }).url).toBe('https://am.example.com');
    expect(Alertmanager.fromUrl('https://am.example.com/')).toEqual({ targets: ['am.example.com:443'], url: 'https://am.example.com' });
    expect(Alertmanager.fromUrl('http://am.mon.svc:9093')).toEqual({ targets: ['am.mon.svc:9093'], url: 'http://am.mon.svc:9093' });
  });
});

describe('Alertmanager construct: bad input', () => {
  test('a route naming an unknown receiver fails the synth with the route path, the known receivers and the fix', () => {
    const { chart, am } = build();
    am.addRoute({ receiver: 'dba', matchers: ['team="db"'] });
    const expected = 'route.routes[2].receiver: names an unknown receiver (got "dba"). Fix: use one of the known receivers ("pagerduty", "slack", "email") or define a receiver named "dba" (receivers prop or addReceiver()).';
    expect(() => am.renderConfig()).toThrow(ConfigError);
    expect(() => am.renderConfig()).toThrow(`test/Alertmanager.${expected}`);
    expect(() => synthObjects(chart)).toThrow(`[test/Alertmanager] ${expected}`);
  });

  test('GIVEN custom receivers without the default ones THEN the default route reports every unknown receiver', () => {
    const { am } = build({ receivers: [Receiver.none('devnull')] });
    expect(() => am.renderConfig()).toThrow(
      [
        'test/Alertmanager.route.receiver: names an unknown receiver (got "email"). Fix: use one of the known receivers ("devnull") or define a receiver named "email" (receivers prop or addReceiver()).',
        'test/Alertmanager.route.routes[0].receiver: names an unknown receiver (got "pagerduty"). Fix: use one of the known receivers ("devnull") or define a receiver named "pagerduty" (receivers prop or addReceiver()).',
        'test/Alertmanager.route.routes[1].receiver: names an unknown receiver (got "slack"). Fix: use one of the known receivers ("devnull") or define a receiver named "slack" (receivers prop or addReceiver()).',
      ].join('\n'),
    );
  });

  test('props problems are collected and thrown at construction', () => {
    expect(() => build({
      replicas: 0,
      credentialsSecretName: 'My_Secret',
      resolveTimeout: '1x',
      receivers: [Receiver.pagerDuty('pd', { routingKeySecretKey: ' ' })],
      route: { receiver: 'pd', routes: [{ matchers: ['severity=='] }] },
    })).toThrow(
      new ConfigError([
        { path: 'test/Alertmanager.replicas', message: 'must be a whole number of at least 1', value: 0, fix: 'use 1 for a single Alertmanager, or 3 for a highly available cluster.' },
        {
          path: 'test/Alertmanager.credentialsSecretName',
          message:
            'is not a valid Kubernetes name: it contains uppercase letters; Kubernetes names (DNS-1123 subdomains) are at most 253 lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit',
          value: 'My_Secret',
          fix: 'use "my-secret".',
        },
        { path: 'test/Alertmanager.resolveTimeout', message: 'is not a positive Prometheus duration: "x" at character 2 is not a unit', value: '1x', fix: 'write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".' },
        {
          path: 'test/Alertmanager.receivers["pd"].routingKeySecretKey',
          message: 'must name the key of Secret "My_Secret" that holds the PagerDuty routing key',
          value: ' ',
          fix: 'set it to a non-empty key, e.g. "pagerduty-routing-key", and create that key in the Secret.',
        },
        {
          path: 'test/Alertmanager.route.routes[0].matchers[0]',
          message: 'has an unquoted value with the reserved character "=" at character 10 (reserved: whitespace, {}!=~,\\"\'` or a second matcher)',
          value: 'severity==',
          fix: 'write one matcher per entry as label, operator (=, !=, =~, !~) and a double-quoted value, e.g. severity="critical" or service=~"api|web"; or build it with Matcher.equal("severity", "critical").',
        },
      ]).message,
    );
  });

  test('addReceiver rejects a duplicate name and an empty secret key together', () => {
    const { am } = build();
    expect(() => am.addReceiver(Receiver.slack('slack', { channel: '#x', apiUrlSecretKey: '' }))).toThrow(
      'test/Alertmanager.receivers["slack"].apiUrlSecretKey: must name the key of Secret "alertmanager-credentials" that holds the Slack webhook URL (got ""). Fix: set it to a non-empty key, e.g. "slack-webhook-url", and create that key in the Secret.\n' +
        'test/Alertmanager.receivers[3].name: duplicates the name of receivers[1] (got "slack"). Fix: give every receiver a unique name (combine integrations into one receiver with Receiver.and()).',
    );
  });

  test('addRoute and addInhibitRule reject malformed matchers and durations at once', () => {
    const { am } = build();
    expect(() => am.addRoute({ receiver: 'slack', matchers: ['team=db"'], groupWait: '10 s' })).toThrow(
      /^test\/Alertmanager\.route\.routes\[2\]\.matchers\[0\]: has an unquoted value with the reserved character.*\ntest\/Alertmanager\.route\.routes\[2\]\.groupWait: is not a Prometheus duration: .*\(got "10 s"\)/s,
    );
    expect(() => am.addInhibitRule({ sourceMatchers: ['severity="critical"'], targetMatchers: ['severity'] })).toThrow(
      /^test\/Alertmanager\.inhibitRules\[1\]\.targetMatchers\[0\]: is not a matcher \(no =, !=, =~ or !~ operator\) \(got "severity"\)/,
    );
  });

  test('name and namespace must be DNS labels', () => {
    expect(() => build({ name: 'Alert_Manager', namespace: 'Mon' })).toThrow(
      'test/Alertmanager.namespace: is not a valid Kubernetes name: it contains uppercase letters; Kubernetes names (DNS-1123 labels) are at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit (got "Mon"). Fix: use "mon".\n' +
        'test/Alertmanager.name: is not a valid component name: it contains uppercase letters; component names name a Service (a DNS-1035 label): at most 52 lowercase letters, digits and "-", starting with a letter and ending with a letter or digit (its StatefulSet labels each pod "<name>-<revision hash>", and "<name>-headless" must be a DNS label too) (got "Alert_Manager"). Fix: use "alert-manager".',
    );
  });

  test('fromTargets and fromUrl reject malformed addresses', () => {
    expect(() => Alertmanager.fromTargets([])).toThrow('Alertmanager.fromTargets.targets: must not be empty (got []).');
    expect(() => Alertmanager.fromTargets(['http://am:9093'])).toThrow(
      'Alertmanager.fromTargets.targets[0]: is not a host:port (got "http://am:9093"). Fix: give a host and a port from 1 to 65535, without scheme or path, e.g. "alertmanager-0.alertmanager.monitoring.svc:9093".',
    );
    expect(() => Alertmanager.fromUrl('am:9093')).toThrow('Alertmanager.fromUrl.url: is not an http(s) URL: it has no http:// or https:// scheme at character 1 (got "am:9093").');
  });
});

describe('Alertmanager construct: duplicate receivers in props', () => {
  test('fail at construction', () => {
    expect(() => build({ receivers: [Receiver.none('a'), Receiver.none('b'), Receiver.none('a')], route: { receiver: 'a' } })).toThrow(
      'test/Alertmanager.receivers[2].name: duplicates the name of receivers[0] (got "a"). Fix: give every receiver a unique name (combine integrations into one receiver with Receiver.and()).',
    );
  });
});
