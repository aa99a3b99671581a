/**
 * The production profile for a platform of 120 services: Prometheus as an HA pair (each replica receiving every OTLP
 * metric), a three-member Alertmanager cluster, Grafana and Loki on volumes, two Jaeger replicas on an external
 * OpenSearch cluster (by URL, credentials and CA from the Secret `jaeger-os`), the collector gateway as a StatefulSet
 * with its on-disk queues on a PersistentVolumeClaim per replica, hard anti-affinity, zone spreading and a PodDisruptionBudget for every multi-replica workload,
 * requests/limits/replicas/volumes sized from the catalog, and the stack watching itself (a Watchdog to a heartbeat
 * receiver, stack-health alerts and dashboard). The sizing report is written beside the manifests
 * (`observability.sizing.md`).
 * Run: `node_modules/.bin/tsx examples/production.ts` (writes to CDK8S_OUTDIR, default dist.examples/). It imports only
 * from the package's public API, so it runs unchanged in a project that installed `observability-stack`.
 */
import { App } from 'cdk8s';
import { JaegerStorage, ObservabilityStack, ServiceSpec, synthOrExit } from 'observability-stack';

const CLASSES = ['CRITICAL', 'HIGH_FAST', 'HIGH_SLOW', 'LOW'];

/** 120 services, each with an SLO class; a few heavy ones get their own load in the sizing below. */
const services: ServiceSpec[] = Array.from({ length: 120 }, (_, i) => ({
  name: `svc-${String(i).padStart(3, '0')}`,
  class: CLASSES[i % CLASSES.length],
}));

synthOrExit(() => {
  const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist.examples' });
  new ObservabilityStack(app, 'observability', {
    services,
    production: {
      priorityClassName: 'observability-critical',
      scheduling: { nodeSelector: { 'node-role.example.com/observability': 'true' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'observability', effect: 'NoSchedule' }] },
      sizing: {
        defaultLoad: { pods: 3, seriesPerPod: 1000, logLinesPerSecond: 2, bytesPerLogLine: 200, spansPerSecond: 5 },
        services: { 'svc-000': { pods: 12, seriesPerPod: 3000 }, 'svc-001': { pods: 8, logLinesPerSecond: 20 } },
      },
    },
    prometheus: { externalUrl: 'https://prometheus.example.com' },
    alertmanager: { externalUrl: 'https://alertmanager.example.com' },
    // Spans in OpenSearch, so the profile runs Jaeger as two replicas (Badger would pin it to one pod's disk).
    jaeger: { storage: JaegerStorage.opensearch({ serverUrls: ['https://opensearch.search.svc:9200'], secretName: 'jaeger-os', username: 'jaeger', caKey: 'ca.crt' }) },
    // Grafana's state in PostgreSQL, so the profile runs two Grafana replicas sharing one secret_key.
    grafana: { database: { type: 'postgres', host: 'grafana-db.databases.svc:5432', name: 'grafana', credentialsSecretName: 'grafana-db' } },
    // Logs in object storage through the distributed Loki: no Loki part but the one compactor runs alone.
    lokiDistributed: { storage: { type: 's3', bucket: 'platform-logs', region: 'eu-west-1', secretName: 'loki-s3' } },
    networkPolicies: { ingressController: { namespace: 'ingress-nginx' } },
  });
  return app;
});
