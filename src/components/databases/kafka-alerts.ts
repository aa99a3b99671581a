import { SEVERITY } from '../../conventions';
import { AlertDefinition, AlertTuning, exporterDownAlert, num, NumberAlertTuning } from './alerts';
import { KAFKA_METRICS as M } from './metrics';

/**
 * Kafka alerts on kafka_exporter v1.9.0's series, as awesome-prometheus-alerts writes them (_data/rules.yml, "Kafka" /
 * danielqsj/kafka_exporter: consumer group lag, lag increasing, topic replicas), with these changes:
 * - "Kafka topics replicas" (`min(in_sync_replica) by (topic) < 3`) assumes replication factor 3; the exporter's own
 *   `kafka_topic_partition_under_replicated_partition` (1 when in-sync < replicas) says the same for any factor;
 * - a broker count below the expected size (no community rule; `kafka_brokers` is the client's metadata);
 * - kafka_exporter has no `*_up` series: it exits when no broker answers at start and serves its cached metadata
 *   afterwards, so KafkaExporterDown (the scrape) is the nearest "down" signal, and there is no availability SLO.
 */

/** Tuning of each Kafka alert; `false` turns one off. */
export interface KafkaAlertsProps {
  /** KafkaExporterDown: Prometheus cannot scrape the exporter (it exits when no broker answers). @default for 5m, warning */
  readonly exporterDown?: AlertTuning | false;
  /** KafkaBrokersMissing: fewer brokers in the cluster metadata than this. @default 1, for 5m, critical */
  readonly brokersMissing?: NumberAlertTuning | false;
  /** KafkaUnderReplicatedPartitions: partitions with fewer in-sync replicas than replicas, above this. @default 0, for 5m, warning */
  readonly underReplicatedPartitions?: NumberAlertTuning | false;
  /** KafkaConsumerGroupLag: messages a consumer group is behind, summed over its partitions, above this. @default 10000, for 1m, warning */
  readonly consumerGroupLag?: NumberAlertTuning | false;
  /** KafkaConsumerGroupLagIncreasing: a group's lag on a topic grows for 15 minutes. @default for 15m, warning */
  readonly consumerGroupLagIncreasing?: AlertTuning | false;
}

export const KAFKA_ALERTS = {
  exporterDown: exporterDownAlert('Kafka', 'kafka_exporter'),
  brokersMissing: {
    alert: 'KafkaBrokersMissing',
    source: 'no community rule; kafka_brokers counts the brokers of the cluster metadata',
    threshold: { kind: 'number', default: 1 },
    for: '5m',
    severity: SEVERITY.critical,
    expr: (c) => `max ${c.by()} (${c.sel(M.brokers)}) < ${num(c.threshold)}`,
    summary: 'Kafka cluster {{ $labels.service }} has {{ $value }} brokers',
    description: 'The metadata of Kafka cluster {{ $labels.service }} lists {{ $value }} brokers, fewer than expected: partitions led by the missing brokers are offline or moved.',
  },
  underReplicatedPartitions: {
    alert: 'KafkaUnderReplicatedPartitions',
    source: 'awesome-prometheus-alerts "Kafka topics replicas" intent, on kafka_topic_partition_under_replicated_partition',
    threshold: { kind: 'number', default: 0 },
    for: '5m',
    severity: SEVERITY.warning,
    expr: (c) => `sum ${c.by('topic')} (${c.sel(M.underReplicated)}) > ${num(c.threshold)}`,
    summary: 'Kafka topic {{ $labels.topic }} has {{ $value }} under-replicated partitions',
    description: '{{ $value }} partitions of topic {{ $labels.topic }} in cluster {{ $labels.service }} have fewer in-sync replicas than replicas: durability is reduced until the followers catch up.',
  },
  consumerGroupLag: {
    alert: 'KafkaConsumerGroupLag',
    source: 'awesome-prometheus-alerts "Kafka consumer group lag" (sum(kafka_consumergroup_lag) by (consumergroup) > 10000, for 1m)',
    threshold: { kind: 'number', default: 10000 },
    for: '1m',
    severity: SEVERITY.warning,
    expr: (c) => `sum ${c.by('consumergroup')} (${c.sel(M.consumerGroupLag)}) > ${num(c.threshold)}`,
    summary: 'Kafka consumer group {{ $labels.consumergroup }} is {{ $value | humanize }} messages behind',
    description: 'Consumer group {{ $labels.consumergroup }} of cluster {{ $labels.service }} is {{ $value | humanize }} messages behind the end of its partitions.',
  },
  consumerGroupLagIncreasing: {
    alert: 'KafkaConsumerGroupLagIncreasing',
    source: 'awesome-prometheus-alerts "Kafka consumer group lag increasing" (delta over 5m > 0, for 15m), as written',
    for: '15m',
    severity: SEVERITY.warning,
    expr: (c) => `sum ${c.by('topic', 'consumergroup')} (delta(${c.sel(M.consumerGroupLag, 'topic!="__consumer_offsets"', 'consumergroup!=""')}[5m])) > 0`,
    summary: 'Kafka consumer group {{ $labels.consumergroup }} falls behind on {{ $labels.topic }}',
    description: 'The lag of consumer group {{ $labels.consumergroup }} on topic {{ $labels.topic }} has grown for 15 minutes: its consumers cannot keep up.',
  },
} as const satisfies Record<keyof KafkaAlertsProps, AlertDefinition>;
