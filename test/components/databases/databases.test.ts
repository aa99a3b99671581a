import { Chart, Testing } from 'cdk8s';
import { ConfigError } from '../../../src/common/errors';
import { isAlertingRule, ruleFileProblems } from '../../../src/common/rules';
import {
  CREDENTIALS_DIR,
  KafkaExporter,
  kafkaExporterModel,
  MYSQL_LATENCY_THRESHOLDS,
  MysqlExporter,
  mysqlExporterModel,
  POSTGRES_ALERTS,
  PostgresExporter,
  postgresDataSourceUri,
  postgresExporterModel,
  RedisExporter,
  redisExporterModel,
} from '../../../src/components/databases';
import { Grafana } from '../../../src/components/grafana';
import { Prometheus } from '../../../src/components/prometheus';
import { buildSloModel } from '../../../src/slo/model';
import { ObservabilityStack } from '../../../src/stack';
import { VERSIONS } from '../../../src/versions';
import { schemaErrors } from '../../helpers/schema';
import { configFiles, containersOf, findObject, K8sObject, objectsOfKind, synthObjects } from '../../helpers/synth';

const PG = { name: 'orders-db', host: 'orders-db.shop.svc', credentials: { secretName: 'orders-db-exporter' } };
const MY = { name: 'billing-db', host: 'billing-mariadb.billing.svc', credentials: { secretName: 'billing-db-exporter' } };
const RD = { name: 'cache', host: 'cache.shop.svc', credentials: { secretName: 'cache-exporter' } };
const KF = { name: 'events', brokers: ['kafka-0.kafka.events.svc:9092', 'kafka-1.kafka.events.svc:9092'] };

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'observability' });
}

function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** Every selector of a PromQL expression (`metric{...}`) names its job. */
function selectorsWithoutJob(expr: string, job: string): string[] {
  const out: string[] = [];
  for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)) if (!m[2].includes(`job="${job}"`)) out.push(m[0]);
  return out;
}

describe('the four exporters', () => {
  function all(): { objects: K8sObject[]; pg: PostgresExporter; my: MysqlExporter; rd: RedisExporter; kf: KafkaExporter } {
    const c = chart();
    const pg = new PostgresExporter(c, 'Pg', PG);
    const my = new MysqlExporter(c, 'My', MY);
    const rd = new RedisExporter(c, 'Rd', RD);
    const kf = new KafkaExporter(c, 'Kf', KF);
    return { objects: synthObjects(c), pg, my, rd, kf };
  }

  test('each is one Deployment and one headless Service, schema-valid, named <name>-exporter, with the pinned image', () => {
    const { objects } = all();
    expect(schemaErrors(objects)).toEqual([]);
    expect(objectsOfKind(objects, 'Deployment').map((d) => [d.metadata.name, containersOf(d)[0].image])).toEqual([
      ['orders-db-exporter', `${VERSIONS.postgresExporter.repository}:${VERSIONS.postgresExporter.tag}`],
      ['billing-db-exporter', `${VERSIONS.mysqldExporter.repository}:${VERSIONS.mysqldExporter.tag}`],
      ['cache-exporter', `${VERSIONS.redisExporter.repository}:${VERSIONS.redisExporter.tag}`],
      ['events-exporter', `${VERSIONS.kafkaExporter.repository}:${VERSIONS.kafkaExporter.tag}`],
    ]);
    expect(objectsOfKind(objects, 'Service').map((s) => [s.metadata.name, s.spec.clusterIP, s.spec.ports[0].port])).toEqual([
      ['orders-db-exporter', 'None', 9187],
      ['billing-db-exporter', 'None', 9104],
      ['cache-exporter', 'None', 9121],
      ['events-exporter', 'None', 9308],
    ]);
  });

  test('every pod is non-root with a read-only root filesystem, probes the exporter\'s health path and not the database', () => {
    const { objects } = all();
    const probes = objectsOfKind(objects, 'Deployment').map((d) => {
      const c = containersOf(d)[0];
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      return [c.readinessProbe.httpGet.path, c.livenessProbe.tcpSocket.port];
    });
    expect(probes).toEqual([
      ['/', 9187],
      ['/', 9104],
      ['/health', 9121],
      ['/healthz', 9308],
    ]);
  });

  test('no credential is a value in the manifests: the Secret keys are mounted read-only (0440) and read as files', () => {
    const { objects } = all();
    const pg = findObject(objects, 'Deployment', 'orders-db-exporter');
    const env = Object.fromEntries(containersOf(pg)[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toEqual({
      DATA_SOURCE_URI: 'orders-db.shop.svc:5432/postgres?sslmode=require',
      DATA_SOURCE_USER_FILE: `${CREDENTIALS_DIR}/username`,
      DATA_SOURCE_PASS_FILE: `${CREDENTIALS_DIR}/password`,
    });
    expect(pg.spec.template.spec.volumes).toEqual([
      { name: 'credentials', secret: { secretName: 'orders-db-exporter', defaultMode: 0o440, items: [{ key: 'password', path: 'password' }, { key: 'username', path: 'username' }] } },
    ]);
    expect(containersOf(findObject(objects, 'Deployment', 'billing-db-exporter'))[0].args).toEqual([
      `--config.my-cnf=${CREDENTIALS_DIR}/my.cnf`,
      '--mysqld.address=billing-mariadb.billing.svc:3306',
      '--web.listen-address=:9104',
      '--log.format=json',
    ]);
    expect(containersOf(findObject(objects, 'Deployment', 'cache-exporter'))[0].args).toEqual([
      '--redis.addr=redis://cache.shop.svc:6379',
      `--redis.password-file=${CREDENTIALS_DIR}/password-file.json`,
      '--web.listen-address=:9121',
      '--log-format=json',
    ]);
    // No Secret object is created, and nothing but Secret references carries credentials.
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
  });

  test('each hands Prometheus one job for its pod, labelled with the database\'s address (instance) and name (service)', () => {
    const { pg, kf } = all();
    const [job] = pg.scrapeConfigs();
    expect(job.jobName).toBe('orders-db-exporter');
    expect(job.kubernetesSdConfigs).toEqual([{ role: 'pod', namespaces: ['observability'] }]);
    expect(job.relabelConfigs).toEqual(
      expect.arrayContaining([
        { sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_instance'], regex: 'orders-db-exporter', action: 'keep' },
        { sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'postgres-exporter', action: 'keep' },
        { sourceLabels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics', action: 'keep' },
        { targetLabel: 'instance', replacement: 'orders-db.shop.svc:5432' },
        { targetLabel: 'service', replacement: 'orders-db' },
      ]),
    );
    expect(kf.scrapeConfigs()[0].relabelConfigs).toEqual(expect.arrayContaining([{ targetLabel: 'instance', replacement: 'kafka-0.kafka.events.svc:9092,kafka-1.kafka.events.svc:9092' }]));
  });

  test('each declares what it connects to (its egress flows) and its metrics port', () => {
    const { pg, my, rd, kf } = all();
    expect([pg, my, rd, kf].map((e) => [e.kind, e.endpoints, e.portName, e.port])).toEqual([
      ['postgres', [{ host: 'orders-db.shop.svc', port: 5432 }], 'metrics', 9187],
      ['mysql', [{ host: 'billing-mariadb.billing.svc', port: 3306 }], 'metrics', 9104],
      ['redis', [{ host: 'cache.shop.svc', port: 6379 }], 'metrics', 9121],
      ['kafka', [{ host: 'kafka-0.kafka.events.svc', port: 9092 }, { host: 'kafka-1.kafka.events.svc', port: 9092 }], 'metrics', 9308],
    ]);
  });

  test('every alert selects only its exporter\'s job, and every rule file is one Prometheus loads', () => {
    const { pg, my, rd, kf } = all();
    for (const e of [pg, my, rd, kf]) {
      const file = e.ruleFile();
      expect(file.fileName).toBe(`database-${e.database}.rules.yml`);
      expect(ruleFileProblems(file, e.node.path)).toEqual([]);
      for (const r of file.groups[0].rules) {
        expect([isAlertingRule(r) ? r.alert : r.record, selectorsWithoutJob(r.expr, e.model.jobName)]).toEqual([isAlertingRule(r) ? r.alert : r.record, []]);
      }
    }
    expect(pg.alertRules().rules.map((r) => (isAlertingRule(r) ? r.alert : ''))).toEqual(Object.values(POSTGRES_ALERTS).map((a) => a.alert));
  });
});

describe('alert tuning', () => {
  test('thresholds, for and severity are props; false turns an alert off; alertLabels land on every alert', () => {
    const pg = new PostgresExporter(chart(), 'Pg', {
      ...PG,
      alertLabels: { team: 'orders' },
      alerts: { highConnections: { threshold: 0.9, for: '15m', severity: 'critical' }, replicationLag: { threshold: '30s' }, cacheHitRatio: false },
    });
    const rules = pg.alertRules().rules.filter(isAlertingRule);
    const byName = Object.fromEntries(rules.map((r) => [r.alert, r]));
    expect(byName.PostgreSQLHighConnections).toMatchObject({ for: '15m', labels: { team: 'orders', severity: 'critical' } });
    expect(byName.PostgreSQLHighConnections.expr).toMatch(/\) > 0\.9$/);
    expect(byName.PostgreSQLReplicationLag.expr).toContain('pg_replication_lag_seconds{job="orders-db-exporter"}) > 30)');
    expect(byName.PostgreSQLLowCacheHitRatio).toBeUndefined();
    for (const r of rules) expect(r.labels?.team).toBe('orders');
  });

  test('bad tuning fails with one line per problem', () => {
    expect(
      messages(() =>
        postgresExporterModel(
          { ...PG, alerts: { highConnections: { threshold: 80 }, replicationLag: { threshold: '5 minutes' }, down: { for: '1 min' }, slowQueries: {} } as never },
          'test/Pg',
        ),
      ),
    ).toEqual([
      'test/Pg.alerts.slowQueries: is not an alert of this exporter (got "slowQueries"). Fix: tune one of down, exporterDown, exporterErrors, highConnections, maxConnectionsReached, longRunningTransactions, deadlocks, replicationLag, inactiveReplicationSlot, cacheHitRatio, highRollbackRatio, tooManyLocks.',
      'test/Pg.alerts.down.for: is not a Prometheus duration: a space at character 2 is not a unit (got "1 min"). Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
      'test/Pg.alerts.highConnections.threshold: must be a ratio greater than 0 and at most 1 (got 80). Fix: write e.g. 0.8 for 80%.',
      'test/Pg.alerts.replicationLag.threshold: is not a positive Prometheus duration: a space at character 2 is not a unit (got "5 minutes"). Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
    ]);
  });
});

describe('bad inputs', () => {
  test('PostgreSQL: host, port, credentials and TLS mode are checked together', () => {
    expect(
      messages(() =>
        postgresExporterModel({ name: 'Orders', host: 'postgres://db:5432', port: 70000, sslMode: 'verify-full', credentials: { secretName: 'Bad_Name' } }, 'test/Pg'),
      ),
    ).toEqual([
      'test/Pg.name: is not a valid component name: it contains uppercase letters; component names name a Service (a DNS-1035 label): at most 54 lowercase letters, digits and "-", starting with a letter and ending with a letter or digit ("<name>-exporter" must be a DNS label too) (got "Orders"). Fix: use "orders".',
      'test/Pg.host: is not a host name or IP address (got "postgres://db:5432"). Fix: give the host alone, without scheme, port or path, e.g. "orders-db.shop.svc".',
      'test/Pg.port: must be a TCP port (an integer from 1 to 65535) (got 70000). Fix: use e.g. 5432.',
      expect.stringMatching(/^test\/Pg\.credentials\.secretName: .*\(got "Bad_Name"\)/),
      'test/Pg.credentials.caKey: is needed with sslMode "verify-full" unless the server\'s certificate chains to a public root (got undefined). Fix: name the Secret key holding the CA certificate (PEM), e.g. "ca.crt".',
    ]);
  });

  test('PostgreSQL without credentials says where they come from', () => {
    expect(messages(() => postgresExporterModel({ host: 'db' } as never, 'test/Pg'))).toEqual([
      'test/Pg.credentials: is required: the exporter logs in with a role from an existing Secret (got undefined). Fix: pass { secretName: "orders-db-exporter" } (keys username and password).',
    ]);
  });

  test('Kafka: brokers are host:port, TLS keys need a Secret, a client certificate needs its key', () => {
    expect(messages(() => kafkaExporterModel({ brokers: ['kafka:9092', 'kafka'], tls: { certKey: 'tls.crt' } }, 'test/Kf'))).toEqual([
      'test/Kf.brokers[1]: is not a host:port (got "kafka"). Fix: give a host and a port from 1 to 65535, without scheme or path, e.g. "kafka-0.kafka.events.svc:9092".',
      'test/Kf.secretName: is required when tls names keys or sasl is set (got undefined). Fix: name the Secret holding the TLS files and the SASL password.',
      'test/Kf.tls: needs both certKey and keyKey for a client certificate (got {"certKey":"tls.crt"}). Fix: give both keys, or neither.',
    ]);
  });

  test('two databases with one name in the stack are refused before anything is built', () => {
    expect(() => new ObservabilityStack(Testing.app(), 'observability', { databases: [{ kind: 'postgres', ...PG }, { kind: 'redis', ...RD, name: 'orders-db' }] })).toThrow(
      'observability.databases[1].name: duplicates observability.databases[0] (the name names the exporter\'s objects, rule file and SLO service) (got "orders-db"). Fix: give every database its own name, e.g. "orders-db" and "billing-db".',
    );
  });
});

describe('per-kind details', () => {
  test('PostgreSQL\'s DATA_SOURCE_URI carries TLS parameters and never credentials', () => {
    const m = postgresExporterModel({ ...PG, port: 6432, dbname: 'orders', sslMode: 'verify-full', credentials: { secretName: 's', usernameKey: 'user', passwordKey: 'pass', caKey: 'ca.crt' } });
    expect(postgresDataSourceUri(m)).toBe(`orders-db.shop.svc:6432/orders?sslmode=verify-full&sslrootcert=${CREDENTIALS_DIR}/ca.crt`);
    expect(m.credentials!.files.map((f) => f.key)).toEqual(['user', 'pass', 'ca.crt']);
  });

  test('redis_exporter looks the password up by the URI with the ACL user: the construct says which key to write', () => {
    const m = redisExporterModel({ ...RD, username: 'exporter', tls: true });
    expect(m.redisUri).toBe('rediss://cache.shop.svc:6379');
    expect(m.passwordFileUri).toBe('rediss://exporter@cache.shop.svc:6379');
    expect(new RedisExporter(chart(), 'Rd', { host: 'r.svc' }).passwordFileUri).toBe('redis://r.svc:6379');
  });

  test('a Redis without AUTH needs no Secret', () => {
    const c = chart();
    new RedisExporter(c, 'Rd', { host: 'cache.shop.svc' });
    const deployment = findObject(synthObjects(c), 'Deployment', 'redis-exporter');
    expect(deployment.spec.template.spec.volumes).toBeUndefined();
    expect(containersOf(deployment)[0].args).toEqual(['--redis.addr=redis://cache.shop.svc:6379', '--web.listen-address=:9121', '--log-format=json']);
  });

  test('Kafka\'s SASL password is the one secretKeyRef (the exporter has no password file), never a value or a flag', () => {
    const c = chart();
    new KafkaExporter(c, 'Kf', { ...KF, secretName: 'events-kafka', sasl: { username: 'exporter' }, tls: { caKey: 'ca.crt' } });
    const container = containersOf(findObject(synthObjects(c), 'Deployment', 'events-exporter'))[0];
    expect(container.env).toEqual([{ name: 'SASL_USER_PASSWORD', valueFrom: { secretKeyRef: { name: 'events-kafka', key: 'password' } } }]);
    expect(container.args).toEqual([
      '--kafka.server=kafka-0.kafka.events.svc:9092',
      '--kafka.server=kafka-1.kafka.events.svc:9092',
      '--kafka.version=2.0.0',
      '--tls.enabled',
      `--tls.ca-file=${CREDENTIALS_DIR}/ca.crt`,
      '--sasl.enabled',
      '--sasl.mechanism=scram-sha512',
      '--sasl.username=exporter',
      '--web.listen-address=:9308',
    ]);
  });

  test('MySQL passes the login name when the option file has none', () => {
    expect(mysqlExporterModel({ ...MY, username: 'exporter' }).username).toBe('exporter');
    const c = chart();
    new MysqlExporter(c, 'My', { ...MY, username: 'exporter' });
    expect(containersOf(findObject(synthObjects(c), 'Deployment', 'billing-db-exporter'))[0].args).toContain('--mysqld.username=exporter');
  });
});

describe('as SLO subjects', () => {
  test('availability from the exporter\'s *_up series, selected by its job, through the ordinary SLO spec', () => {
    const c = chart();
    const pg = new PostgresExporter(c, 'Pg', PG);
    const service = pg.sloService({ availability: 99.95, labels: { team: 'orders' } });
    expect(service).toEqual({
      name: 'orders-db',
      matchers: { job: 'orders-db-exporter' },
      metrics: { up: 'pg_up' },
      labels: { team: 'orders' },
      slos: [{ name: 'availability', objective: 99.95, sli: { kind: 'availability', source: 'up' }, page: undefined, ticket: undefined }],
    });
    const model = buildSloModel([service]);
    expect(model.services[0].slos[0].sli).toEqual({ kind: 'availability', source: 'up', metric: 'pg_up', matchers: [{ name: 'job', op: '=', value: 'orders-db-exporter' }] });
    expect(new RedisExporter(c, 'Rd', RD).sloService().metrics).toEqual({ up: 'redis_up' });
  });

  test('MySQL latency from the query response time histogram, at one of its bucket bounds', () => {
    const my = new MysqlExporter(chart(), 'My', MY);
    const service = my.sloService({ latency: { objective: 99, threshold: 0.1 } });
    const slo = buildSloModel([service]).services[0].slos[1];
    expect(slo.sli).toMatchObject({
      kind: 'latency',
      bucketMetric: 'mysql_info_schema_query_response_time_seconds_bucket',
      countMetric: 'mysql_info_schema_query_response_time_seconds_count',
      le: { name: 'le', op: '=', value: '0.1' },
    });
    expect(MYSQL_LATENCY_THRESHOLDS).toEqual([0.0001, 0.001, 0.01, 0.1, 1, 10, 100, 1000, 10000, 100000]);
    expect(messages(() => my.sloService({ latency: { objective: 99, threshold: 0.2 } }))).toEqual([
      'test/My.sloService.latency.threshold: is not a bucket bound of mysql_info_schema_query_response_time_seconds (range base 10) (got 0.2). Fix: use one of 0.0001, 0.001, 0.01, 0.1, 1, 10, 100, 1000, 10000, 100000 seconds.',
    ]);
  });
});

describe('in the stack', () => {
  function stack(): ObservabilityStack {
    return new ObservabilityStack(Testing.app(), 'observability', {
      databases: [
        { kind: 'postgres', ...PG, slo: {} },
        { kind: 'postgres', ...PG, name: 'users-db', host: 'users-db.shop.svc' },
        { kind: 'mysql', ...MY, slo: { latency: { objective: 99, threshold: 0.1 } } },
        { kind: 'redis', ...RD, slo: { availability: 99.5 } },
        { kind: 'kafka', ...KF },
      ],
    });
  }

  test('Prometheus scrapes every exporter by reference and loads every rule file', () => {
    const s = stack();
    const jobs = s.prometheus.jobs.map((j) => j.jobName);
    expect(jobs).toEqual(expect.arrayContaining(['orders-db-exporter', 'users-db-exporter', 'billing-db-exporter', 'cache-exporter', 'events-exporter']));
    expect(s.prometheus.ruleFiles.map((f) => f.fileName)).toEqual(
      expect.arrayContaining(['database-orders-db.rules.yml', 'database-users-db.rules.yml', 'database-billing-db.rules.yml', 'database-cache.rules.yml', 'database-events.rules.yml']),
    );
    expect(s.databases.map((d) => d.database)).toEqual(['orders-db', 'users-db', 'billing-db', 'cache', 'events']);
  });

  test('Grafana gets one dashboard per kind, in the Databases folder', () => {
    const s = stack();
    expect(s.grafana!.dashboards.filter((d) => d.folder === 'Databases').map((d) => d.uid)).toEqual(['database-postgres', 'database-mysql', 'database-redis', 'database-kafka']);
  });

  test('databases with slo join the SLO catalog; their rules are generated like any service\'s', () => {
    const s = stack();
    expect(s.slos!.model.services.map((x) => [x.name, x.slos.map((o) => `${o.name}@${o.objective}`)])).toEqual([
      ['orders-db', ['availability@99.9']],
      ['billing-db', ['availability@99.9', 'latency@99']],
      ['cache', ['availability@99.5']],
    ]);
    const files = configFiles(synthObjects(s));
    // the service's file holds its definitions (the selector's label joins them), the shared file reads pg_up
    const key = [...files.keys()].find((k) => k.endsWith('/slo-orders-db.rules.yml'))!;
    expect(files.get(key)).toContain('job: orders-db-exporter');
    const shared = [...files.keys()].find((k) => k.endsWith('/slo.rules.yml'))!;
    expect(files.get(shared)).toMatch(/count_over_time\(pg_up\[5m\]\)/);
  });

  test('without databases the stack is unchanged: no exporter, no Databases folder', () => {
    const s = new ObservabilityStack(Testing.app(), 'observability');
    expect(s.databases).toEqual([]);
    expect(s.grafana!.dashboards.some((d) => d.folder === 'Databases')).toBe(false);
  });

  test('standalone: the parts go to a Prometheus and a Grafana of your own', () => {
    const c = chart();
    const prometheus = new Prometheus(c, 'Prometheus');
    const grafana = new Grafana(c, 'Grafana', { prometheus });
    const pg = new PostgresExporter(c, 'Pg', PG);
    for (const job of pg.scrapeConfigs()) prometheus.addScrapeConfig(job);
    prometheus.addRuleFile(pg.ruleFile());
    grafana.addDashboard(pg.dashboard(), { folder: 'Databases' });
    expect(schemaErrors(synthObjects(c))).toEqual([]);
    expect(grafana.dashboards.map((d) => d.uid)).toContain('database-postgres');
  });
});
