import { Testing } from 'cdk8s';
import { LokiDistributedProps, lokiDistributedConfigDocument, lokiDistributedModel, renderLokiDistributedConfig } from '../../../src/components/loki/distributed-config';
import { ObservabilityStack } from '../../../src/stack';
import { Cluster, Endpoint, podsOf } from '../../helpers/network-policy';
import { configFile, configFiles, findObject, K8sObject, leafPaths, parseYaml } from '../../helpers/synth';
import { LOKI_DOCUMENTED_KEYS } from '../../helpers/loki-reference';
import { recordStandIn } from '../../helpers/tools';

/**
 * Loki in distributed mode (issue 15). Loki is not run here, so the config is checked key by key against the
 * configuration reference of the deployed release (LOKI_DOCUMENTED_KEYS, test/helpers/loki-reference.ts).
 */

const S3: LokiDistributedProps = { storage: { type: 's3', bucket: 'loki-chunks', region: 'eu-west-1', secretName: 'loki-s3' } };
const MINIO: LokiDistributedProps = { storage: { type: 's3', bucket: 'loki', region: 'us-east-1', endpoint: 'minio.storage.svc:9000', secretName: 'loki-minio' } };
const GCS: LokiDistributedProps = { storage: { type: 'gcs', bucket: 'loki-chunks', secretName: 'loki-gcs' } };

const synthStack = (props: LokiDistributedProps = S3) => Testing.synth(new ObservabilityStack(Testing.app(), 'observability', { lokiDistributed: props })) as K8sObject[];

describe('distributed loki.yaml', () => {
  test.each([['S3', S3], ['S3-compatible', MINIO], ['GCS', GCS]])('every key it writes (%s) is documented in the Loki 3.5.5 configuration reference', (_, props) => {
    recordStandIn('loki 3.5.5', 'distributed loki.yaml keys against the v3.5.5 configuration reference');
    const paths = leafPaths(lokiDistributedConfigDocument(lokiDistributedModel(props)));
    expect(paths.filter((p) => !LOKI_DOCUMENTED_KEYS.has(p))).toEqual([]);
  });

  test('memberlist ring, RF 3, WAL flushed on shutdown, queriers pulling from the frontends, TSDB v13 in the bucket', () => {
    const doc = parseYaml(renderLokiDistributedConfig(lokiDistributedModel(S3, 'L', 'observability')));
    expect(doc.common).toEqual({ path_prefix: '/var/loki', replication_factor: 3, ring: { kvstore: { store: 'memberlist' } }, compactor_address: 'http://loki-compactor.observability.svc:3100' });
    expect(doc.memberlist).toEqual({ join_members: ['dns+loki-memberlist.observability.svc:7946'], bind_port: 7946, cluster_label: 'observability.loki' });
    expect(doc.ingester.wal).toEqual({ enabled: true, dir: '/var/loki/wal', flush_on_shutdown: true });
    expect(doc.frontend_worker).toEqual({ frontend_address: 'loki-query-frontend-headless.observability.svc:9095' });
    expect(doc.schema_config.configs).toEqual([{ from: '2024-04-01', store: 'tsdb', object_store: 's3', schema: 'v13', index: { prefix: 'index_', period: '24h' } }]);
    expect(doc.storage_config.aws).toEqual({ bucketnames: 'loki-chunks', region: 'eu-west-1', s3forcepathstyle: false });
    expect(doc.compactor).toEqual({ working_directory: '/var/loki/compactor', retention_enabled: true, delete_request_store: 's3' });
    expect(doc.limits_config).toEqual({
      retention_period: '744h',
      allow_structured_metadata: true,
      ingestion_rate_mb: 40,
      ingestion_burst_size_mb: 80,
      per_stream_rate_limit: '5MB',
      per_stream_rate_limit_burst: '20MB',
      max_global_streams_per_user: 50000,
      max_query_series: 5000,
      deletion_mode: 'disabled',
    });
  });

  test('an S3-compatible endpoint gets path-style URLs; GCS writes gcs and no aws block', () => {
    expect(lokiDistributedConfigDocument(lokiDistributedModel(MINIO)).storage_config).toMatchObject({ aws: { endpoint: 'minio.storage.svc:9000', s3forcepathstyle: true } });
    const gcs = lokiDistributedConfigDocument(lokiDistributedModel(GCS)) as any;
    expect(gcs.storage_config.gcs).toEqual({ bucket_name: 'loki-chunks' });
    expect(gcs.storage_config.aws).toBeUndefined();
    expect(gcs.compactor.delete_request_store).toBe('gcs');
  });
});

describe('bad input', () => {
  test('a replication factor above the ingesters fails with the fix', () => {
    expect(() => lokiDistributedModel({ ...S3, ingesterReplicas: 2 }, 'L')).toThrow(
      'L.replicationFactor: must be at most ingesterReplicas (2): each stream is written to replicationFactor distinct ingesters (got 3). Fix: raise ingesterReplicas to at least 3, or lower replicationFactor.',
    );
  });

  test('a missing bucket fails', () => {
    expect(() => lokiDistributedModel({ storage: { type: 's3', bucket: '', region: 'eu-west-1' } }, 'L')).toThrow(
      'L.storage.bucket: is required: Loki keeps chunks and index only in the bucket (got ""). Fix: name an existing bucket, e.g. "loki-chunks".',
    );
  });

  test('an unknown storage type fails with the allowed ones', () => {
    expect(() => lokiDistributedModel({ storage: { type: 'azure', bucket: 'x' } as never }, 'L')).toThrow('L.storage.type: must be one of "s3", "gcs" (got "azure")');
  });

  test('S3 without a region fails; a bad endpoint or CIDR fails', () => {
    expect(() => lokiDistributedModel({ storage: { type: 's3', bucket: 'b', region: '' } }, 'L')).toThrow(/L\.storage\.region: must not be empty/);
    expect(() => lokiDistributedModel({ storage: { type: 's3', bucket: 'b', region: 'r', endpoint: 'https://minio:9000/' } }, 'L')).toThrow(/L\.storage\.endpoint: is not a host:port/);
    expect(() => lokiDistributedModel({ ...S3, objectStorageCidrs: ['10.0.0.0/33'] }, 'L')).toThrow(/L\.objectStorageCidrs\[0\]/);
  });

  test('a per-stream burst below the per-stream rate fails', () => {
    expect(() => lokiDistributedModel({ ...S3, limits: { perStreamRateLimitMb: 5, perStreamRateLimitBurstMb: 2 } }, 'L')).toThrow('L.limits.perStreamRateLimitBurstMb: must be at least perStreamRateLimitMb (5)');
  });

  test('loki and lokiDistributed together fail', () => {
    expect(() => new ObservabilityStack(Testing.app(), 'observability', { loki: {}, lokiDistributed: S3 })).toThrow(/observability\.loki: must be unset with lokiDistributed/);
  });
});

describe('distributed Loki in the stack', () => {
  const objects = synthStack();
  const pods = podsOf(objects, (i) => `10.244.1.${10 + i}`, '10.0.0.1');
  const pod = (id: string) => pods.find((p) => p.id === id)!;

  test('five targets of one image and one config, ingesters ×3 in a StatefulSet with a data claim', () => {
    const workloads = objects.filter((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.labels?.['app.kubernetes.io/name'] === 'loki');
    expect(workloads.map((w) => `${w.kind}/${w.metadata.name}:${w.spec.replicas}:${w.spec.template.spec.containers[0].args[0]}`).sort()).toEqual([
      'Deployment/loki-distributor:3:-target=distributor',
      'Deployment/loki-querier:3:-target=querier',
      'Deployment/loki-query-frontend:2:-target=query-frontend',
      'StatefulSet/loki-compactor:1:-target=compactor',
      'StatefulSet/loki-ingester:3:-target=ingester',
    ]);
    const ing = findObject(objects, 'StatefulSet', 'loki-ingester');
    expect(ing.spec.volumeClaimTemplates.map((c: any) => c.metadata.name)).toEqual(['data']);
    expect(ing.spec.template.spec.terminationGracePeriodSeconds).toBe(300);
    expect(parseYaml(configFile(objects, 'loki.yaml')).common.replication_factor).toBe(3);
  });

  test('the memberlist Service selects every Loki pod (the ring members) on 7946', () => {
    const svc = findObject(objects, 'Service', 'loki-memberlist');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(svc.spec.ports.map((p: any) => p.port)).toEqual([7946]);
    const members = pods.filter((p) => Object.entries(svc.spec.selector as Record<string, string>).every(([k, v]) => p.labels?.[k] === v)).map((p) => p.id);
    expect(members.sort()).toEqual(['Deployment/loki-distributor', 'Deployment/loki-querier', 'Deployment/loki-query-frontend', 'StatefulSet/loki-compactor', 'StatefulSet/loki-ingester']);
  });

  test('queriers find the query-frontends before they are ready (a frontend is ready only once a querier connected)', () => {
    // pkg/lokifrontend/frontend/v1/frontend.go CheckReady: "not ready: number of queriers connected to query-frontend is 0"
    const svc = findObject(objects, 'Service', 'loki-query-frontend-headless');
    expect([svc.spec.clusterIP, svc.spec.publishNotReadyAddresses, svc.spec.ports.map((p: any) => p.port)]).toEqual(['None', true, [9095]]);
  });

  test('credentials are a Secret file named by AWS_SHARED_CREDENTIALS_FILE (GOOGLE_APPLICATION_CREDENTIALS for GCS)', () => {
    const c = findObject(objects, 'StatefulSet', 'loki-ingester').spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'AWS_SHARED_CREDENTIALS_FILE', value: '/etc/loki/objstore/credentials' });
    expect(c.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/etc/loki/objstore', readOnly: true }));
    const gcs = synthStack(GCS);
    expect(findObject(gcs, 'Deployment', 'loki-querier').spec.template.spec.containers[0].env).toContainEqual({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/etc/loki/objstore/key.json' });
  });

  test('the collector writes OTLP to the distributors; Grafana reads the query-frontends', () => {
    const gw = parseYaml(configFiles(objects).get('otel-gateway-config/config.yaml')!);
    expect(Object.values<any>(gw.exporters)).toContainEqual(expect.objectContaining({ endpoint: 'http://loki-distributor.observability.svc:3100/otlp' }));
    const ds = parseYaml(configFile(objects, 'datasources.yaml')).datasources.find((d: any) => d.type === 'loki');
    expect(ds.url).toBe('http://loki-query-frontend.observability.svc:3100');
  });

  describe('NetworkPolicies', () => {
    const namespaceLabels = new Map<string, Record<string, string>>();
    for (const o of objects.filter((x) => x.kind === 'Namespace')) namespaceLabels.set(o.metadata.name, { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name });
    const cluster = new Cluster(objects, namespaceLabels, { ipBlockMatchesPods: false });
    const bucket: Endpoint = { id: 's3.eu-west-1.amazonaws.com', ip: '52.95.0.10' };
    const rows: [string, string | Endpoint, number, 'TCP' | 'UDP', boolean][] = [
      ['Deployment/otel-gateway', 'Deployment/loki-distributor', 3100, 'TCP', true],
      ['Deployment/grafana', 'Deployment/loki-query-frontend', 3100, 'TCP', true],
      ['Deployment/grafana', 'Deployment/loki-distributor', 3100, 'TCP', false],
      ['Deployment/otel-gateway', 'Deployment/loki-query-frontend', 3100, 'TCP', false],
      ['Deployment/loki-distributor', 'StatefulSet/loki-ingester', 9095, 'TCP', true],
      ['Deployment/loki-querier', 'StatefulSet/loki-ingester', 9095, 'TCP', true],
      ['Deployment/loki-querier', 'Deployment/loki-query-frontend', 9095, 'TCP', true],
      ['Deployment/loki-distributor', 'Deployment/loki-query-frontend', 9095, 'TCP', false],
      ['StatefulSet/loki-ingester', 'Deployment/loki-querier', 7946, 'TCP', true],
      ['Deployment/loki-querier', 'StatefulSet/loki-compactor', 7946, 'UDP', true],
      ['Deployment/loki-distributor', 'StatefulSet/loki-ingester', 7946, 'UDP', true],
      ['StatefulSet/prometheus', 'StatefulSet/loki-ingester', 3100, 'TCP', true],
      ['StatefulSet/prometheus', 'Deployment/loki-query-frontend', 3100, 'TCP', true],
      ['StatefulSet/prometheus', 'StatefulSet/loki-compactor', 3100, 'TCP', true],
      ['StatefulSet/loki-ingester', bucket, 443, 'TCP', true],
      ['Deployment/loki-querier', bucket, 443, 'TCP', true],
      ['StatefulSet/loki-compactor', bucket, 443, 'TCP', true],
      ['Deployment/loki-distributor', bucket, 443, 'TCP', false],
    ];
    test.each(rows)('%s → %s :%d/%s allowed=%s', (from, to, port, protocol, allowed) => {
      const dst = typeof to === 'string' ? pod(to) : to;
      expect(pod(from)).toBeDefined();
      expect(dst).toBeDefined();
      expect(cluster.connect(pod(from), dst, port, protocol).allowed).toBe(allowed);
    });

    test('egress to the bucket narrows to the configured CIDR', () => {
      const narrow = synthStack({ ...S3, objectStorageCidrs: ['52.95.0.0/16'] });
      const c = new Cluster(narrow, namespaceLabels, { ipBlockMatchesPods: false });
      const p = podsOf(narrow, (i) => `10.244.1.${10 + i}`, '10.0.0.1');
      const ing = p.find((x) => x.id === 'StatefulSet/loki-ingester')!;
      expect(c.connect(ing, bucket, 443).allowed).toBe(true);
      expect(c.connect(ing, { id: 'elsewhere', ip: '203.0.113.7' }, 443).allowed).toBe(false);
    });
  });
});
