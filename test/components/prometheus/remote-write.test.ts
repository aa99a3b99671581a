import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { RemoteWriteSpec } from '../../../src/components/prometheus/remote-write';
import { ObservabilityStack } from '../../../src/stack';
import { Testing } from 'cdk8s';
import { configFile, containersOf, findObject, K8sObject } from '../../helpers/synth';
import { promConfigWithLocalPaths, promtool, writeTree } from '../../helpers/tools';
import { synthPrometheus } from './fixtures';

/**
 * Typed remote_write (issue 15): auth and TLS from Secret files, queue_config, write_relabel_configs, the tenant
 * header and the HA labels each store de-duplicates on. promtool (the deployed release) checks the rendered file; the
 * Secret's mount (`/etc/prometheus/remote-write/<secret>/<key>`) is replaced by files in a temporary directory, as
 * the kubelet would mount them (promtool checks that they exist).
 */

const MIMIR: RemoteWriteSpec = {
  url: 'https://mimir.example.com/api/v1/push',
  store: 'mimir',
  name: 'mimir',
  tenant: 'platform',
  secretName: 'mimir-credentials',
  auth: { kind: 'basic', username: 'prometheus', passwordKey: 'password' },
  tls: { caKey: 'ca.crt' },
  queue: { capacity: 20000, maxShards: 100, maxSamplesPerSend: 5000, batchSendDeadline: '5s', retryOnHttp429: true },
  writeRelabelConfigs: [{ sourceLabels: ['__name__'], regex: 'go_.*', action: 'drop' }],
};
const THANOS: RemoteWriteSpec = {
  url: 'https://thanos-receive.example.com:19291/api/v1/receive',
  store: 'thanos-receive',
  name: 'thanos',
  secretName: 'thanos-credentials',
  auth: { kind: 'oauth2', clientId: 'prometheus', clientSecretKey: 'client-secret', tokenUrl: 'https://auth.example.com/token', scopes: ['write'] },
};

function promtoolCheck(text: string): { status: number | null; output: string } {
  const dir = writeTree({ 'rules/.keep': '' });
  for (const [secret, keys] of [['mimir-credentials', ['password', 'ca.crt']], ['thanos-credentials', ['client-secret']], ['bearer', ['token']]] as const) {
    mkdirSync(join(dir, 'remote-write', secret), { recursive: true });
    for (const k of keys) writeFileSync(join(dir, 'remote-write', secret, k), 'x');
  }
  const local = promConfigWithLocalPaths(text, dir).split('/etc/prometheus/remote-write/').join(`${join(dir, 'remote-write')}/`);
  writeFileSync(join(dir, 'prometheus.yml'), local);
  return promtool(['check', 'config', join(dir, 'prometheus.yml')]);
}

describe('remote_write', () => {
  test('rendered with upstream keys; secrets only as file paths', () => {
    const { objects } = synthPrometheus({ replicas: 2, remoteWrite: [MIMIR, THANOS, { url: 'http://vm.example.com/api/v1/write', secretName: 'bearer', auth: { kind: 'bearer', tokenKey: 'token' } }] });
    const doc = yaml.load(configFile(objects(), 'prometheus.yml')) as any;
    expect(doc.remote_write[0]).toEqual({
      url: 'https://mimir.example.com/api/v1/push',
      name: 'mimir',
      headers: { 'X-Scope-OrgID': 'platform' },
      basic_auth: { username: 'prometheus', password_file: '/etc/prometheus/remote-write/mimir-credentials/password' },
      tls_config: { ca_file: '/etc/prometheus/remote-write/mimir-credentials/ca.crt' },
      queue_config: { capacity: 20000, max_shards: 100, max_samples_per_send: 5000, batch_send_deadline: '5s', retry_on_http_429: true },
      // AND each store's series carry only its own replica label (Mimir's __replica__, not prometheus_replica)
      write_relabel_configs: [{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }, { regex: 'prometheus_replica', action: 'labeldrop' }],
    });
    expect(doc.remote_write[1].write_relabel_configs).toEqual([{ regex: '__replica__', action: 'labeldrop' }]);
    expect(doc.remote_write[1].oauth2).toEqual({ client_id: 'prometheus', client_secret_file: '/etc/prometheus/remote-write/thanos-credentials/client-secret', token_url: 'https://auth.example.com/token', scopes: ['write'] });
    expect(doc.remote_write[2].authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/prometheus/remote-write/bearer/token' });
  });

  test('the HA labels of each store become external labels: cluster and __replica__ (Mimir); Thanos Receive uses the pair\'s replica label', () => {
    const mimir = yaml.load(configFile(synthPrometheus({ remoteWrite: [MIMIR] }).objects(), 'prometheus.yml')) as any;
    expect(mimir.global.external_labels).toEqual({ __replica__: '${POD_NAME}', cluster: 'observability/prometheus' });
    // Thanos Receive has no label of its own: Query de-duplicates on the HA pair's prometheus_replica
    const thanos = yaml.load(configFile(synthPrometheus({ replicas: 2, remoteWrite: [THANOS], externalLabels: { cluster: 'eu-1' } }).objects(), 'prometheus.yml')) as any;
    expect(thanos.global.external_labels).toEqual({ cluster: 'eu-1', prometheus_replica: '${POD_NAME}' });
    expect(thanos.remote_write[0].write_relabel_configs).toBeUndefined();
    // AND the pod has POD_NAME from the downward API, and the Secrets mounted read-only
    const sts = findObject(synthPrometheus({ remoteWrite: [MIMIR, THANOS] }).objects(), 'StatefulSet', 'prometheus');
    const [c] = containersOf(sts);
    expect(c.env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    expect(c.volumeMounts).toEqual(expect.arrayContaining([
      expect.objectContaining({ mountPath: '/etc/prometheus/remote-write/mimir-credentials', readOnly: true }),
      expect.objectContaining({ mountPath: '/etc/prometheus/remote-write/thanos-credentials', readOnly: true }),
    ]));
  });

  test('promtool check config (the deployed release) accepts every form', () => {
    const { objects } = synthPrometheus({ remoteWrite: [MIMIR, THANOS, { url: 'http://vm.example.com/api/v1/write', secretName: 'bearer', auth: { kind: 'bearer', tokenKey: 'token' } }] });
    const r = promtoolCheck(configFile(objects(), 'prometheus.yml'));
    expect(r.output).toMatch(/SUCCESS: .*prometheus\.yml is valid prometheus config file syntax/);
    expect(r.status).toBe(0);
  });

  test('promtool refuses a misspelled remote_write key (the check is real)', () => {
    const { objects } = synthPrometheus({ remoteWrite: [MIMIR] });
    const r = promtoolCheck(configFile(objects(), 'prometheus.yml').replace('max_shards:', 'max_shard:'));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/max_shard/);
  });

  test('bad specs fail synth with one line per problem', () => {
    expect(() =>
      synthPrometheus({
        remoteWrite: [
          { url: 'mimir:9009', auth: { kind: 'basic', username: 'u', passwordKey: 'password' }, tenant: 't' },
          { url: 'http://x/api/v1/write', store: 'mimir', tls: { caKey: 'ca.crt' }, secretName: 's', queue: { maxShards: 0 } },
        ],
      }),
    ).toThrow(/remoteWrite\[0\]\.url[\s\S]*remoteWrite\[0\]\.tenant[\s\S]*remoteWrite\[0\]\.secretName.*required with auth\.passwordKey[\s\S]*remoteWrite\[1\]\.tls.*plain http[\s\S]*remoteWrite\[1\]\.queue\.maxShards/);
  });

  test('the HA pair\'s replica label is dropped from what Mimir receives, and every replica label from alerts', () => {
    const { prometheus, objects } = synthPrometheus({ replicas: 2, remoteWrite: [MIMIR] });
    const doc = yaml.load(configFile(objects(), 'prometheus.yml')) as any;
    expect(doc.global.external_labels).toEqual({ __replica__: '${POD_NAME}', cluster: 'observability/prometheus', prometheus_replica: '${POD_NAME}' });
    expect(doc.remote_write[0].write_relabel_configs).toEqual([
      { source_labels: ['__name__'], regex: 'go_.*', action: 'drop' },
      { regex: 'prometheus_replica', action: 'labeldrop' },
    ]);
    expect(prometheus.config.alerting?.alertRelabelConfigs).toEqual([{ action: 'labeldrop', regex: '__replica__|prometheus_replica' }]);
  });

  test('in the stack: Prometheus may reach the store\'s port (and the OAuth token endpoint)', () => {
    const objects = Testing.synth(new ObservabilityStack(Testing.app(), 'observability', { prometheus: { remoteWrite: [THANOS] } })) as K8sObject[];
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'prometheus')!;
    const egress = JSON.stringify(policy.spec.egress);
    expect(egress).toContain('"port":19291');
    expect(egress).toContain('"port":443');
  });
});
