import { ResourceSpec } from '../../common/workload';

/**
 * Defaults of the database and broker exporters, in one place. Each construct resolves its props against these once,
 * in its model function.
 */

/** The kinds of data source the add-ons cover. */
export type DatabaseKind = 'postgres' | 'mysql' | 'redis' | 'kafka';

/** Upstream program names: the `app.kubernetes.io/name` label of the pods, the scrape jobs select on it. */
export const DATABASE_EXPORTER_NAMES = {
  postgres: 'postgres-exporter',
  mysql: 'mysqld-exporter',
  redis: 'redis-exporter',
  kafka: 'kafka-exporter',
} as const satisfies Record<DatabaseKind, string>;

/** The `app.kubernetes.io/component` of every exporter (as kube-prometheus labels them). */
export const DATABASE_EXPORTER_COMPONENT = 'exporter';

/** The container port's name on every exporter (the scrape job keeps this port). */
export const METRICS_PORT_NAME = 'metrics';

/**
 * Each exporter's default listen port (its `--web.listen-address` default, registered in Prometheus' default port
 * allocations, https://github.com/prometheus/prometheus/wiki/Default-port-allocations) and the health path its probes
 * use. postgres_exporter and mysqld_exporter have no health endpoint: their landing page `/` answers 200 once the HTTP
 * server is up without touching the database (cmd/postgres_exporter/main.go, mysqld_exporter.go); redis_exporter
 * serves `/health` (exporter/exporter.go), kafka_exporter `/healthz` (kafka_exporter.go).
 */
export const DATABASE_EXPORTER_PORTS = {
  postgres: { port: 9187, healthPath: '/' },
  mysql: { port: 9104, healthPath: '/' },
  redis: { port: 9121, healthPath: '/health' },
  kafka: { port: 9308, healthPath: '/healthz' },
} as const satisfies Record<DatabaseKind, { port: number; healthPath: string }>;

/** The servers' default ports. */
export const DATABASE_DEFAULT_PORTS = {
  postgres: 5432,
  mysql: 3306,
  redis: 6379,
  kafka: 9092,
} as const satisfies Record<DatabaseKind, number>;

/**
 * Resource defaults, overridable with `resources`. The exporters hold one connection and the last scrape's series:
 * tens of MiB. kafka_exporter keeps the metadata of every topic and partition, so it gets more.
 */
export const DATABASE_EXPORTER_RESOURCES = {
  postgres: { cpuRequest: '25m', memoryRequest: '48Mi', memoryLimit: '128Mi' },
  mysql: { cpuRequest: '25m', memoryRequest: '32Mi', memoryLimit: '96Mi' },
  redis: { cpuRequest: '25m', memoryRequest: '32Mi', memoryLimit: '96Mi' },
  kafka: { cpuRequest: '50m', memoryRequest: '64Mi', memoryLimit: '256Mi' },
} as const satisfies Record<DatabaseKind, ResourceSpec>;

/** Where the credentials Secret's keys are mounted in every exporter (read-only, mode 0440). */
export const CREDENTIALS_DIR = '/etc/exporter/credentials';

/** Grafana folder of the add-ons' dashboards in the stack. */
export const DATABASES_DASHBOARD_FOLDER = 'Databases';
