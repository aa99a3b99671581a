import { Construct } from 'constructs';
import { ProblemCollector } from '../../common/errors';
import { DEFAULT_NAMESPACE, defaultNamespace } from '../../common/namespace';
import { hostPortProblems, nonEmptyProblems } from '../../common/validation';
import { VERSIONS } from '../../versions';
import { resolveAlerts } from './alerts';
import { CREDENTIALS_DIR, DATABASE_DEFAULT_PORTS } from './defaults';
import {
  databaseExporterBase,
  DatabaseEndpoint,
  DatabaseExporter,
  DatabaseExporterModel,
  DatabaseExporterProps,
  DatabaseKindSpec,
  hostPort,
  SecretKeyFile,
  secretRefProblems,
} from './exporter';
import { KAFKA_ALERTS, KafkaAlertsProps } from './kafka-alerts';
import { kafkaDashboard } from './kafka-dashboard';

/**
 * kafka_exporter for one Kafka cluster (https://github.com/danielqsj/kafka_exporter, v1.9.0): brokers, topics,
 * partition replication and consumer group lag, from the cluster's metadata and offsets (brokers' own JVM metrics
 * need the JMX exporter on the brokers, outside this add-on).
 *
 * Why Kafka is the fourth add-on: in a platform of 100+ microservices it is the most common piece of infrastructure
 * after the databases and the cache, every asynchronous flow runs through it, and consumer lag is the first sign of a
 * failing consumer service; the stack's own scale-out paths (Mimir's ingest storage, Tempo 3, Jaeger's Kafka
 * pipeline; /work/shared/production-notes.md) also run on it.
 *
 * Credentials come from an existing Secret: TLS files (CA, client certificate and key) are mounted as files, as
 * kafka_exporter reads them (`--tls.ca-file`, `--tls.cert-file`, `--tls.key-file`). A SASL password is the one
 * exception to "files only": kafka_exporter v1.9.0 has no password-file option (kafka_exporter.go l.181-184 reads
 * `--sasl.password` or the `SASL_USER_PASSWORD` environment variable), so the construct sets `SASL_USER_PASSWORD`
 * from the Secret key (`secretKeyRef`): the value is never in the manifests or on the command line.
 *
 * No SLO subject: kafka_exporter has no `*_up` series (it exits when no broker answers at start and then serves its
 * cached metadata), so neither its scrape nor its series measure the cluster's availability.
 */

export interface KafkaTls {
  /** The key holding the CA certificate (PEM). @default - the system roots */
  readonly caKey?: string;
  /** Keys of a client certificate and key (PEM), for mutual TLS. @default - none */
  readonly certKey?: string;
  readonly keyKey?: string;
  /** The server name to verify (`--tls.server-name`). @default - the broker's host */
  readonly serverName?: string;
}

export type KafkaSaslMechanism = 'plain' | 'scram-sha256' | 'scram-sha512';

export interface KafkaSasl {
  /** @default 'scram-sha512' */
  readonly mechanism?: KafkaSaslMechanism;
  /** The SASL user (`--sasl.username`). Not secret. */
  readonly username: string;
  /** The key of the credentials Secret holding the password. @default 'password' */
  readonly passwordKey?: string;
}

export interface KafkaExporterProps extends DatabaseExporterProps {
  /** Bootstrap brokers, `host:port` (`kafka-0.kafka.events.svc:9092`). */
  readonly brokers: readonly string[];
  /** The Kafka protocol version the client speaks (`--kafka.version`). @default '2.0.0' (the exporter's default) */
  readonly kafkaVersion?: string;
  /** An existing Secret holding the TLS files and the SASL password. @default - none (plaintext, no auth) */
  readonly secretName?: string;
  /** TLS to the brokers, files from `secretName`. @default - plaintext */
  readonly tls?: KafkaTls;
  /** SASL authentication, the password from `secretName`. @default - none */
  readonly sasl?: KafkaSasl;
  /** Tune or turn off alerts. @default - every alert with its default */
  readonly alerts?: KafkaAlertsProps;
}

export interface KafkaExporterModel extends DatabaseExporterModel {
  readonly kind: 'kafka';
  readonly kafkaVersion: string;
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string; readonly serverName?: string };
  readonly sasl?: { readonly mechanism: KafkaSaslMechanism; readonly username: string };
}

/** The environment variable kafka_exporter reads the SASL password from (kafka_exporter.go l.183). */
export const KAFKA_SASL_PASSWORD_ENV = 'SASL_USER_PASSWORD';

const MECHANISMS: readonly KafkaSaslMechanism[] = ['plain', 'scram-sha256', 'scram-sha512'];
const KAFKA_VERSION = /^\d+\.\d+\.\d+(\.\d+)?$/;

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function kafkaExporterModel(props: KafkaExporterProps, path = 'KafkaExporter', namespace = DEFAULT_NAMESPACE): KafkaExporterModel {
  const c = new ProblemCollector();
  const base = databaseExporterBase(props, 'kafka', VERSIONS.kafkaExporter, path, namespace, c);
  const brokers = props.brokers ?? [];
  if (!Array.isArray(brokers) || brokers.length === 0) {
    c.add({ path: `${path}.brokers`, message: 'must list at least one bootstrap broker', value: props.brokers, fix: `give host:port entries, e.g. ["kafka-0.kafka.events.svc:${DATABASE_DEFAULT_PORTS.kafka}"].` });
  }
  const endpoints: DatabaseEndpoint[] = [];
  (Array.isArray(brokers) ? brokers : []).forEach((b, i) => {
    const p = hostPortProblems(b, `${path}.brokers[${i}]`, { example: `kafka-0.kafka.events.svc:${DATABASE_DEFAULT_PORTS.kafka}` });
    c.addAll(p);
    if (p.length === 0) {
      const at = b.lastIndexOf(':');
      endpoints.push({ host: b.slice(0, at), port: Number(b.slice(at + 1)) });
    }
  });
  const kafkaVersion = props.kafkaVersion ?? '2.0.0';
  if (typeof kafkaVersion !== 'string' || !KAFKA_VERSION.test(kafkaVersion)) {
    c.add({ path: `${path}.kafkaVersion`, message: 'must be a Kafka version such as "3.6.0"', value: kafkaVersion, fix: 'give the brokers\' version, or leave it out for 2.0.0.' });
  }
  const tls = props.tls;
  const sasl = props.sasl;
  const needsSecret = (tls && (tls.caKey ?? tls.certKey ?? tls.keyKey) !== undefined) || sasl !== undefined;
  if (needsSecret && props.secretName === undefined) {
    c.add({ path: `${path}.secretName`, message: 'is required when tls names keys or sasl is set', value: undefined, fix: 'name the Secret holding the TLS files and the SASL password.' });
  }
  if (props.secretName !== undefined) {
    secretRefProblems(props.secretName, { 'tls.caKey': tls?.caKey, 'tls.certKey': tls?.certKey, 'tls.keyKey': tls?.keyKey, 'sasl.passwordKey': sasl?.passwordKey }, path, c);
  }
  if (tls && (tls.certKey === undefined) !== (tls.keyKey === undefined)) {
    c.add({ path: `${path}.tls`, message: 'needs both certKey and keyKey for a client certificate', value: { certKey: tls.certKey, keyKey: tls.keyKey }, fix: 'give both keys, or neither.' });
  }
  const mechanism = sasl?.mechanism ?? 'scram-sha512';
  if (sasl) {
    if (!MECHANISMS.includes(mechanism)) c.add({ path: `${path}.sasl.mechanism`, message: `must be one of ${MECHANISMS.join(', ')}`, value: mechanism, fix: 'use "scram-sha512".' });
    c.addAll(nonEmptyProblems(sasl.username, `${path}.sasl.username`, 'give the SASL user.'));
  }
  const alerts = resolveAlerts(KAFKA_ALERTS, props.alerts as Record<string, never>, `${path}.alerts`, c);
  c.throwIfAny();

  const file = (key: string | undefined): SecretKeyFile | undefined => (key !== undefined ? { key, path: `${CREDENTIALS_DIR}/${key}` } : undefined);
  const ca = file(tls?.caKey);
  const cert = file(tls?.certKey);
  const key = file(tls?.keyKey);
  const files = [ca, cert, key].filter((f): f is SecretKeyFile => f !== undefined);
  return {
    ...base,
    kind: 'kafka',
    endpoints,
    instance: endpoints.map(hostPort).join(','),
    alerts,
    credentials:
      props.secretName !== undefined
        ? { secretName: props.secretName, files, env: sasl ? { [KAFKA_SASL_PASSWORD_ENV]: sasl.passwordKey ?? 'password' } : undefined }
        : undefined,
    kafkaVersion,
    tls: tls ? { caFile: ca?.path, certFile: cert?.path, keyFile: key?.path, serverName: tls.serverName } : undefined,
    sasl: sasl ? { mechanism, username: sasl.username } : undefined,
  };
}

export const KAFKA_KIND: DatabaseKindSpec<KafkaExporterModel> = {
  product: 'Kafka',
  alertDefinitions: KAFKA_ALERTS,
  container: (m) => ({
    args: [
      ...m.endpoints.map((e) => `--kafka.server=${hostPort(e)}`),
      `--kafka.version=${m.kafkaVersion}`,
      ...(m.tls
        ? [
            '--tls.enabled',
            ...(m.tls.caFile ? [`--tls.ca-file=${m.tls.caFile}`] : []),
            ...(m.tls.certFile ? [`--tls.cert-file=${m.tls.certFile}`] : []),
            ...(m.tls.keyFile ? [`--tls.key-file=${m.tls.keyFile}`] : []),
            ...(m.tls.serverName ? [`--tls.server-name=${m.tls.serverName}`] : []),
          ]
        : []),
      ...(m.sasl ? ['--sasl.enabled', `--sasl.mechanism=${m.sasl.mechanism}`, `--sasl.username=${m.sasl.username}`] : []),
      `--web.listen-address=:${m.port}`,
      // No --log.format: kafka_exporter registers it but logs through klog (kafka_exporter.go l.808-809, 840).
    ],
    env: {},
  }),
  dashboard: kafkaDashboard,
};

export class KafkaExporter extends DatabaseExporter<KafkaExporterModel> {
  constructor(scope: Construct, id: string, props: KafkaExporterProps) {
    super(scope, id, KAFKA_KIND, (path) => kafkaExporterModel(props, path, defaultNamespace(scope)));
  }
}
