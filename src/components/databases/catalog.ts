import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { Construct } from 'constructs';
import { ConfigError, ConfigProblem } from '../../common/errors';
import { RuleFile } from '../../common/rules';
import { ScrapeConfig } from '../prometheus/scrape-config';
import { ServiceSpec } from '../../slo/spec';
import { DATABASES_DASHBOARD_FOLDER, DatabaseKind } from './defaults';
import { DatabaseSloOptions } from './exporter';
import { KafkaExporter, KafkaExporterProps } from './kafka';
import { MysqlExporter, MysqlExporterProps, MysqlSloOptions } from './mysql';
import { PostgresExporter, PostgresExporterProps } from './postgres';
import { RedisExporter, RedisExporterProps } from './redis';

/**
 * The databases of a stack as data (`ObservabilityStack` prop `databases`): one entry per database or broker, its
 * `kind` choosing the exporter, the rest that exporter's props (its namespace is the stack's), plus `slo` to make it
 * an SLO subject. `addDatabases` creates the exporters and wires each by reference: its scrape job and rule file to
 * Prometheus, its kind's dashboard (once per kind) to Grafana's `Databases` folder, its SLO service to the catalog.
 */

export type PostgresDatabaseSpec = { readonly kind: 'postgres'; readonly slo?: DatabaseSloOptions } & Omit<PostgresExporterProps, 'namespace'>;
export type MysqlDatabaseSpec = { readonly kind: 'mysql'; readonly slo?: MysqlSloOptions } & Omit<MysqlExporterProps, 'namespace'>;
export type RedisDatabaseSpec = { readonly kind: 'redis'; readonly slo?: DatabaseSloOptions } & Omit<RedisExporterProps, 'namespace'>;
/** Kafka has no SLO subject (see KafkaExporter). */
export type KafkaDatabaseSpec = { readonly kind: 'kafka' } & Omit<KafkaExporterProps, 'namespace'>;

export type DatabaseSpec = PostgresDatabaseSpec | MysqlDatabaseSpec | RedisDatabaseSpec | KafkaDatabaseSpec;

/** What the stack hands the databases: where scrape jobs, rule files and dashboards go. */
export interface DatabaseWiring {
  readonly prometheus: { addScrapeConfig(job: ScrapeConfig): unknown; addRuleFile(file: RuleFile): unknown };
  readonly grafana?: { addDashboard(dashboard: Dashboard, options: { folder: string }): unknown };
}

export type AnyDatabaseExporter = PostgresExporter | MysqlExporter | RedisExporter | KafkaExporter;

export interface AddedDatabases {
  readonly exporters: readonly AnyDatabaseExporter[];
  /** The SLO services of the entries with `slo`, for the SLO catalog. */
  readonly sloServices: readonly ServiceSpec[];
}

const KINDS: readonly DatabaseKind[] = ['postgres', 'mysql', 'redis', 'kafka'];

/** Problems of the list itself (pure): unknown kinds, two entries with one name. */
export function databaseListProblems(specs: readonly DatabaseSpec[], path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  specs.forEach((s, i) => {
    if (!s || !KINDS.includes((s as { kind?: DatabaseKind }).kind as DatabaseKind)) {
      problems.push({ path: `${path}[${i}].kind`, message: `must be one of ${KINDS.join(', ')}`, value: (s as { kind?: unknown } | undefined)?.kind, fix: 'say which exporter watches it, e.g. kind: "postgres".' });
      return;
    }
    const name = s.name ?? s.kind;
    const first = seen.get(name);
    if (first !== undefined) {
      problems.push({
        path: `${path}[${i}].name`,
        message: `duplicates ${path}[${first}] (the name names the exporter's objects, rule file and SLO service)`,
        value: name,
        fix: 'give every database its own name, e.g. "orders-db" and "billing-db".',
      });
    } else {
      seen.set(name, i);
    }
  });
  return problems;
}

/**
 * Creates one exporter per entry under `scope` (ids `Database-<name>`) and wires each into `wiring`.
 * @throws ConfigError for list problems (duplicate names, unknown kinds) and every exporter's prop problems.
 */
export function addDatabases(scope: Construct, specs: readonly DatabaseSpec[], wiring: DatabaseWiring): AddedDatabases {
  const path = `${scope.node.path}.databases`;
  const problems = databaseListProblems(specs, path);
  if (problems.length > 0) throw new ConfigError(problems);
  const exporters: AnyDatabaseExporter[] = [];
  const sloServices: ServiceSpec[] = [];
  const collected: ConfigProblem[] = [];
  const kinds = new Set<DatabaseKind>();
  for (const spec of specs) {
    const id = `Database-${spec.name ?? spec.kind}`;
    try {
      const e = createExporter(scope, id, spec);
      exporters.push(e);
      for (const job of e.scrapeConfigs()) wiring.prometheus.addScrapeConfig(job);
      wiring.prometheus.addRuleFile(e.ruleFile());
      if (wiring.grafana && !kinds.has(e.kind)) wiring.grafana.addDashboard(e.dashboard(), { folder: DATABASES_DASHBOARD_FOLDER });
      kinds.add(e.kind);
      if (spec.kind !== 'kafka' && spec.slo !== undefined && !(e instanceof KafkaExporter)) sloServices.push(e.sloService(spec.slo));
    } catch (err) {
      if (err instanceof ConfigError) collected.push(...err.problems);
      else throw err;
    }
  }
  if (collected.length > 0) throw new ConfigError(collected);
  return { exporters, sloServices };
}

function createExporter(scope: Construct, id: string, spec: DatabaseSpec): AnyDatabaseExporter {
  switch (spec.kind) {
    case 'postgres': {
      const { kind: _kind, slo: _slo, ...props } = spec;
      return new PostgresExporter(scope, id, props);
    }
    case 'mysql': {
      const { kind: _kind, slo: _slo, ...props } = spec;
      return new MysqlExporter(scope, id, props);
    }
    case 'redis': {
      const { kind: _kind, slo: _slo, ...props } = spec;
      return new RedisExporter(scope, id, props);
    }
    case 'kafka': {
      const { kind: _kind, ...props } = spec;
      return new KafkaExporter(scope, id, props);
    }
  }
}
