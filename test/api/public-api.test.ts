import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as api from '../../src';

/**
 * The public API is src/index.ts: the runtime names a consumer can import from 'observability-stack'. This list is
 * pinned so that a change to the surface is a deliberate one (and a CHANGELOG line); internal helpers (validators,
 * renderers, model functions, defaults tables, dashboard factories, rule generators) stay out of it. The package's
 * `exports` map allows no deep import into lib/.
 */
const PUBLIC_VALUES = [
  'Alertmanager', 'ArgoCdApplication', 'BlackboxExporter', 'ByteSize', 'ConfigError', 'DATABASE_DEFAULT_PORTS',
  'DEFAULT_BLACKBOX_MODULES', 'DEFAULT_HISTOGRAM_BUCKETS', 'DEFAULT_INHIBIT_EQUAL', 'DEMO_SERVICES', 'GOOGLE_28D',
  'GOOGLE_30D', 'Grafana', 'GrafanaStorage', 'Jaeger', 'JaegerStorage', 'KAFKA_ALERTS',
  'KUBE_STATE_METRICS_DEFAULT_COLLECTORS', 'KUBE_STATE_METRICS_SENSITIVE_COLLECTORS', 'KafkaExporter',
  'KubeStateMetrics', 'Loki', 'LokiDistributed', 'MYSQL_ALERTS', 'Matcher', 'MysqlExporter', 'NetworkPeer', 'NodeExporter', 'OpenSearchDashboards',
  'ORDER_SERVICE', 'ObservabilityApp', 'ObservabilityStack', 'OperatorAlertmanagerConfig', 'OtelCollectorAgent',
  'OtelCollectorGateway', 'OtelCollectorTailSampler', 'POSTGRES_ALERTS', 'PostgresExporter', 'PromDuration', 'Prometheus',
  'PrometheusOperatorResources', 'REDIS_ALERTS', 'Receiver', 'RedisExporter', 'SEED_PLATFORM_ALERTS', 'SLO_CLASSES',
  'SYNC_WAVES', 'ServiceLevelObjectives', 'StackNetworkPolicies', 'Thanos', 'TlsCertificate', 'VERSIONS', 'WINDOW_TABLES',
  'budgetConsumed', 'budgetMinutes', 'buildSloModel', 'burnRate', 'defaultInhibitRules', 'defaultReceivers',
  'defaultRoute', 'errorBudget', 'formatProblem', 'importOpenSlo', 'importSloth', 'platformAlertRules',
  'serviceOverviewDashboard', 'stackNamespace', 'synthOrExit', 'timeToExhaustion', 'validateLogQL', 'validatePromQL',
  // the production profile (issue 13)
  'GRAFANA_SECRET_KEY_SECRET', 'HEARTBEAT_RECEIVER', 'HEARTBEAT_URL_KEY', 'LOAD_DEFAULTS', 'SIZING_CONSTANTS', 'SIZING_SOURCES', 'STACK_HEALTH_DASHBOARD_UID',
  'STACK_HEALTH_FILE', 'WATCHDOG_ALERT', 'componentScrapeJob', 'kubeletVolumeStatsJob', 'productionDefaults', 'sizeStack',
  'sizingReport', 'stackHealthDashboard', 'stackHealthRules', 'watchdogRoute', 'writeSizingReports',
  // hashmod sharding of Prometheus (issue 15)
  'PrometheusShards', 'serviceShard',
];

test('the root export holds exactly the public values', () => {
  expect(Object.keys(api).sort()).toEqual([...PUBLIC_VALUES].sort());
});

test('internal helpers are not exported', () => {
  for (const name of ['badInputMessage', 'ProblemCollector', 'metricNameProblems', 'regexProblems', 'prometheusModel', 'renderPrometheusConfig', 'TOOL_BUILDS', 'selector', 'generateSloRuleFiles', 'expandServiceSlos']) {
    expect({ name, exported: name in api }).toEqual({ name, exported: false });
  }
});

test("package.json points main, types and exports at what the build emits, and exports no subpath into lib/", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
  expect(pkg).toMatchObject({ main: 'lib/src/index.js', types: 'lib/src/index.d.ts' });
  expect(pkg.exports).toEqual({ '.': { types: './lib/src/index.d.ts', default: './lib/src/index.js' }, './package.json': './package.json' });
  expect(pkg.private).toBeUndefined();
  expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdk8s', 'cdk8s-plus-28', 'constructs']);
  for (const peer of Object.keys(pkg.peerDependencies)) expect({ peer, runtime: peer in pkg.dependencies, dev: peer in pkg.devDependencies }).toEqual({ peer, runtime: false, dev: true });
  const build = JSON.parse(readFileSync(join(__dirname, '../../tsconfig.build.json'), 'utf8'));
  expect(build.compilerOptions).toMatchObject({ outDir: 'lib', rootDir: '.', declaration: true });
});
