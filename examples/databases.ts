/**
 * Databases and a broker as data sources: the order service's PostgreSQL, the billing team's MariaDB, the session
 * cache on Redis and the event bus on Kafka, each watched by its exporter with its alerts and dashboard, and the three
 * databases as SLO subjects beside the order service. Credentials come from Secrets you create in the stack's
 * namespace (see README, "Databases and brokers"); nothing secret is in the manifests.
 * Run: `node_modules/.bin/tsx examples/databases.ts` (writes to CDK8S_OUTDIR, default dist.examples/). It imports only
 * from the package's public API.
 */
import { App } from 'cdk8s';
import { NetworkPeer, ObservabilityStack, ServiceSpec, synthOrExit } from 'observability-stack';

/** The seed's order-service and its three SLOs (the default platform's). */
const ORDER_SERVICE: ServiceSpec = {
  name: 'order-service',
  slos: [
    { name: 'availability', objective: 99.9, sli: { kind: 'availability', source: 'up' } },
    { name: 'latency', objective: 99, sli: { kind: 'latency', threshold: 0.2 } },
    { name: 'error-rate', objective: 99.9, sli: { kind: 'error-rate' } },
  ],
};

synthOrExit(() => {
  const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist.examples' });
  new ObservabilityStack(app, 'observability', {
    services: [ORDER_SERVICE],
    databases: [
      {
        kind: 'postgres',
        name: 'orders-db',
        host: 'orders-db.shop.svc',
        sslMode: 'verify-full',
        credentials: { secretName: 'orders-db-exporter', caKey: 'ca.crt' },
        alerts: { replicationLag: { threshold: '30s' }, longRunningTransactions: { threshold: '5m', for: '5m' } },
        alertLabels: { team: 'orders' },
        // The exporter's NetworkPolicy may reach only the database's pods (on 5432).
        databasePeers: [NetworkPeer.namespace('shop', { 'app.kubernetes.io/name': 'orders-db' })],
        slo: { availability: 99.95 },
      },
      {
        kind: 'mysql',
        name: 'billing-db',
        host: 'billing-db.example.internal',
        username: 'exporter',
        credentials: { secretName: 'billing-db-exporter' },
        // A managed database outside the cluster.
        databasePeers: [NetworkPeer.cidr('10.40.0.0/24')],
        alertLabels: { team: 'billing' },
        slo: { availability: 99.9, latency: { objective: 99, threshold: 0.1 } },
      },
      {
        kind: 'redis',
        name: 'session-cache',
        host: 'session-cache.shop.svc',
        credentials: { secretName: 'session-cache-exporter' },
        // A cache with an LRU policy evicts by design.
        alerts: { keysEvicted: false },
        slo: { availability: 99.9, ticket: false },
      },
      {
        kind: 'kafka',
        name: 'events',
        brokers: ['events-kafka-0.events.svc:9093', 'events-kafka-1.events.svc:9093', 'events-kafka-2.events.svc:9093'],
        kafkaVersion: '3.7.0',
        secretName: 'events-kafka-exporter',
        tls: { caKey: 'ca.crt' },
        sasl: { username: 'kafka-exporter', mechanism: 'scram-sha512' },
        alerts: { brokersMissing: { threshold: 3 }, consumerGroupLag: { threshold: 50000, for: '10m' } },
      },
    ],
  });
  return app;
});
