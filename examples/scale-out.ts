/**
 * Scale-out: a platform of 1000 services past what one Prometheus, one Jaeger and one collector gateway carry
 * (issue 15). Metrics: four Prometheus shards (hashmod of `service`), each an HA pair with a Thanos sidecar per
 * replica, Thanos Query (de-duplicating by `prometheus_replica` and `prometheus_shard`), Store Gateway and Compactor on
 * object storage (the Secret `thanos-objstore` holds objstore.yml),
 * and remote_write of the SLO recordings to a Mimir for the organisation-wide view. Traces: the gateway as a
 * load-balancing tier routing by trace id onto a tail-sampling tier (errors, each service's latency SLO threshold,
 * a 10% baseline) in front of Jaeger v2 on OpenSearch, with daily indices, an index cleaner and remote sampling, and
 * OpenSearch Dashboards beside it on the same cluster (the seed's "Kibana" box for traces), logged in as its own user.
 * Logs: Loki in distributed mode (ingesters ×3, replication factor 3) on S3, credentials from the Secret `loki-s3`.
 * Run: `node_modules/.bin/tsx examples/scale-out.ts` (writes to CDK8S_OUTDIR, default dist.examples/). It imports only
 * from the package's public API, so it runs unchanged in a project that installed `observability-stack`.
 */
import { App } from 'cdk8s';
import { JaegerStorage, ObservabilityStack, SLO_CLASSES, ServiceSpec, synthOrExit } from 'observability-stack';

const classes = Object.keys(SLO_CLASSES).sort();
const services: ServiceSpec[] = Array.from({ length: 1000 }, (_, i) => ({
  name: `svc-${String(i).padStart(4, '0')}`,
  class: classes[i % classes.length],
  labels: { team: `team-${i % 40}` },
}));

synthOrExit(() => {
  const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist.examples' });
  new ObservabilityStack(app, 'observability', {
    services,
    prometheus: {
      // Four hashmod shards by `service`, each an HA pair: each service's SLO rules run on its shard; Thanos Query
      // (below) is the global view.
      shards: 4,
      replicas: 2,
      storageSize: '150Gi',
      retentionTime: '2d',
      resources: { cpuRequest: '1', memoryRequest: '8Gi' },
      remoteWrite: [
        {
          url: 'https://mimir.example.com/api/v1/push',
          store: 'mimir',
          name: 'mimir-slo',
          tenant: 'platform',
          secretName: 'mimir-remote-write',
          auth: { kind: 'basic', username: 'platform', passwordKey: 'password' },
          tls: { caKey: 'ca.crt' },
          queue: { maxShards: 50, maxSamplesPerSend: 5000, capacity: 20000 },
          // Only the SLO recordings leave the cluster: the organisation-wide burn-rate view.
          writeRelabelConfigs: [{ sourceLabels: ['__name__'], regex: 'slo:.*', action: 'keep' }],
        },
      ],
    },
    thanos: { objectStorageSecret: 'thanos-objstore', storeReplicas: 3, compactorStorageSize: '200Gi' },
    lokiDistributed: {
      storage: { type: 's3', bucket: 'platform-loki-chunks', region: 'eu-west-1', secretName: 'loki-s3' },
      querierReplicas: 6,
      // 1000 services: twice the default tenant rate.
      limits: { ingestionRateMb: 80, ingestionBurstSizeMb: 160, maxGlobalStreamsPerUser: 100_000, maxQuerySeries: 10_000 },
    },
    jaeger: {
      storage: JaegerStorage.opensearch({
        serverUrls: ['https://opensearch.search.svc:9200'],
        secretName: 'jaeger-opensearch',
        username: 'jaeger',
        caKey: 'ca.crt',
        indexPrefix: 'prod',
        retentionDays: 7,
      }),
      replicas: 3,
      resources: { cpuRequest: '1', memoryRequest: '2Gi' },
      remoteSampling: { defaultProbability: 1 },
    },
    // The same cluster and Secret as Jaeger's storage; the dashboards server has its own user and password key.
    openSearchDashboards: { username: 'kibanaserver', passwordKey: 'kibanaserver-password' },
    networkPolicies: { ingressController: { namespace: 'ingress-nginx' } },
    otelGateway: { replicas: 4, resources: { cpuRequest: '1', memoryRequest: '2Gi' } },
    traceSampling: { replicas: 6, sampling: { expectedNewTracesPerSecond: 30_000, baselinePercentage: 5 } },
  });
  return app;
});
