import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { Jaeger, JaegerStorage } from '../../../src/components/jaeger';
import { ObservabilityStack } from '../../../src/stack';
import { schemaErrors } from '../../helpers/schema';
import { containersOf, findObject, K8sObject, synthObjects } from '../../helpers/synth';
import { jaegerConfigs, jaegerValidate } from '../../helpers/upstream';

/**
 * Jaeger v2 on Elasticsearch / OpenSearch (issue 15): an external cluster by URL, the password and CA read as files
 * from a Secret, daily indices under a prefix, an index-cleaner CronJob, several stateless replicas, and the
 * remote_sampling extension. `jaeger validate` at the deployed release decides on every generated config.
 */

const OPENSEARCH = {
  serverUrls: ['https://opensearch.search.svc:9200'],
  secretName: 'jaeger-opensearch',
  username: 'jaeger',
  caKey: 'ca.crt',
  indexPrefix: 'prod',
  retentionDays: 14,
};

function synth(props: ConstructorParameters<typeof Jaeger>[2]) {
  const chart = Testing.chart();
  const jaeger = new Jaeger(chart, 'Jaeger', props);
  const objects = synthObjects(chart);
  const [config] = jaegerConfigs(objects);
  return { jaeger, objects, config, doc: yaml.load(config.text) as any };
}

describe('Jaeger on OpenSearch / Elasticsearch', () => {
  test('the backend: server URLs, basic auth with a password file, the CA file, daily indices under the prefix', () => {
    const { doc } = synth({ storage: JaegerStorage.opensearch(OPENSEARCH) });
    const backend = doc.extensions.jaeger_storage.backends.trace_store;
    expect(backend).toEqual({
      opensearch: {
        server_urls: ['https://opensearch.search.svc:9200'],
        auth: { basic: { username: 'jaeger', password_file: '/etc/jaeger/search/password', reload_interval: '1m' } },
        tls: { ca_file: '/etc/jaeger/search/ca.crt' },
        indices: {
          index_prefix: 'prod',
          spans: { date_layout: '2006-01-02', rollover_frequency: 'day', shards: 5, replicas: 1 },
          services: { date_layout: '2006-01-02', rollover_frequency: 'day', shards: 5, replicas: 1 },
          dependencies: { date_layout: '2006-01-02', rollover_frequency: 'day', shards: 5, replicas: 1 },
          sampling: { date_layout: '2006-01-02', rollover_frequency: 'day', shards: 5, replicas: 1 },
        },
      },
    });
    expect(synth({ storage: JaegerStorage.elasticsearch({ serverUrls: ['http://es:9200'] }) }).doc.extensions.jaeger_storage.backends.trace_store).toEqual({
      elasticsearch: expect.objectContaining({ server_urls: ['http://es:9200'] }),
    });
  });

  test('a stateless Deployment (replicas allowed) that mounts the Secret read-only; no PersistentVolumeClaim', () => {
    const { objects } = synth({ storage: JaegerStorage.opensearch(OPENSEARCH), replicas: 3 });
    expect(objects.some((o) => o.kind === 'StatefulSet' || o.kind === 'PersistentVolumeClaim')).toBe(false);
    const d = findObject(objects, 'Deployment', 'jaeger');
    expect(d.spec.replicas).toBe(3);
    const volume = d.spec.template.spec.volumes.find((v: any) => v.secret);
    expect(volume.secret).toMatchObject({ secretName: 'jaeger-opensearch', defaultMode: 0o440 });
    expect(containersOf(d)[0].volumeMounts).toContainEqual({ name: volume.name, mountPath: '/etc/jaeger/search', readOnly: true });
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('the index cleaner: a daily CronJob at the pinned image, retention days, prefix, TLS with the CA, password from the Secret', () => {
    const { objects } = synth({ storage: JaegerStorage.opensearch(OPENSEARCH) });
    const cron = findObject(objects, 'CronJob', 'jaeger-index-cleaner');
    expect(cron.spec).toMatchObject({ schedule: '55 23 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const [c] = pod.containers;
    expect(c.image).toBe('docker.io/jaegertracing/jaeger-es-index-cleaner:1.73.0');
    expect(c.args).toEqual(['14', 'https://opensearch.search.svc:9200', '--index-prefix=prod', '--es.tls.enabled=true', '--es.tls.ca=/etc/jaeger/search/ca.crt', '--es.username=jaeger']);
    expect(c.env).toEqual([{ name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'jaeger-opensearch', key: 'password' } } }]);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('jaeger validate (the deployed release) accepts the OpenSearch and Elasticsearch configs with remote sampling', () => {
    for (const storage of [JaegerStorage.opensearch(OPENSEARCH), JaegerStorage.elasticsearch({ serverUrls: ['http://es.search.svc:9200'], indexPrefix: 'jaeger' })]) {
      const { config } = synth({ storage, remoteSampling: { defaultProbability: 0.5, services: { checkout: 1 } } });
      const r = jaegerValidate(config);
      expect({ storage: storage.kind, output: r.status === 0 ? 'valid' : r.output.trim() }).toEqual({ storage: storage.kind, output: 'valid' });
    }
  });

  test('jaeger validate refuses a misspelled backend key (the check is real)', () => {
    const { config } = synth({ storage: JaegerStorage.opensearch(OPENSEARCH) });
    const r = jaegerValidate({ ...config, text: config.text.replace('index_prefix:', 'index_prefx:') });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/index_prefx/);
  });

  test('bad options fail synth with one line per problem', () => {
    expect(() => synth({ storage: JaegerStorage.opensearch({ serverUrls: [], username: 'u', indexPrefix: 'Bad Prefix', retentionDays: 0 }) })).toThrow(
      /storage\.serverUrls.*is empty[\s\S]*storage\.secretName.*required with username[\s\S]*storage\.indexPrefix[\s\S]*storage\.retentionDays/,
    );
    expect(() => synth({ storage: JaegerStorage.memory(), replicas: 2 })).toThrow(/replicas.*must be 1 with memory storage/);
    expect(() => synth({ storage: JaegerStorage.elasticsearch({ serverUrls: ['http://es:9200'], secretName: 's', caKey: 'ca.crt' }) })).toThrow(/caKey.*plain http/);
  });
});

describe('remote sampling', () => {
  test('the extension on 5778/5779 with the strategies file in the ConfigMap', () => {
    const { doc, objects } = synth({ remoteSampling: { defaultProbability: 0.2, services: { checkout: 1 } } });
    expect(doc.service.extensions).toContain('remote_sampling');
    expect(doc.extensions.remote_sampling).toEqual({
      file: { path: '/etc/jaeger/sampling-strategies.json', reload_interval: '1m' },
      http: { endpoint: '0.0.0.0:5778' },
      grpc: { endpoint: '0.0.0.0:5779' },
    });
    const cm = findObject(objects, 'ConfigMap', 'jaeger-config');
    expect(JSON.parse(cm.data['sampling-strategies.json'])).toEqual({
      default_strategy: { type: 'probabilistic', param: 0.2 },
      service_strategies: [{ service: 'checkout', type: 'probabilistic', param: 1 }],
    });
    expect(findObject(objects, 'Service', 'jaeger').spec.ports.map((p: any) => p.port)).toEqual(expect.arrayContaining([5778, 5779]));
  });

  test('a probability outside (0, 1] fails', () => {
    expect(() => synth({ remoteSampling: { defaultProbability: 0, services: { x: 2 } } })).toThrow(/remoteSampling\.defaultProbability[\s\S]*remoteSampling\.services\.x/);
  });
});

describe('in the stack: NetworkPolicies', () => {
  test('Jaeger and its index cleaner may reach the cluster port; applications may fetch sampling strategies', () => {
    const objects = Testing.synth(
      new ObservabilityStack(Testing.app(), 'observability', { jaeger: { storage: JaegerStorage.opensearch(OPENSEARCH), remoteSampling: {} } }),
    ) as K8sObject[];
    const policy = (name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name)!;
    const jaegerEgress = JSON.stringify(policy('jaeger').spec.egress);
    expect(jaegerEgress).toContain('"port":9200');
    const cleaner = policy('jaeger-index-cleaner');
    expect(cleaner.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'jaeger', 'app.kubernetes.io/instance': 'jaeger-index-cleaner' });
    expect(JSON.stringify(cleaner.spec.egress)).toContain('"port":9200');
    expect(cleaner.spec.ingress).toEqual([]);
    expect(JSON.stringify(policy('jaeger').spec.ingress)).toContain('"port":5778');
  });
});
