import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { byInstance, databaseDashboard, rateOf } from './dashboard';
import { KAFKA_METRICS as M } from './metrics';
import { sdk } from '../../dashboards/sdk';

/** The Kafka dashboard's stable uid. */
export const KAFKA_DASHBOARD_UID = 'database-kafka';

/**
 * Kafka: brokers, produce rate per topic, partitions, under-replicated
 * partitions, consumer group lag and members, on kafka_exporter v1.9.0's series (metrics.ts). `instance` is the
 * cluster's bootstrap list.
 */
export function kafkaDashboard(): dashboard.Dashboard {
  return databaseDashboard({
    uid: KAFKA_DASHBOARD_UID,
    title: 'Kafka',
    description: 'Kafka clusters watched by kafka_exporter: brokers, topics, replication, consumer group lag.',
    tags: ['observability-stack', 'databases', 'kafka'],
    // kafka_exporter has no `*_up`: the brokers of the metadata stand first (red at 0).
    status: { metric: M.brokers, title: 'Brokers', description: 'Brokers in the cluster metadata (kafka_brokers).' },
    panels: [
      {
        title: 'Messages in',
        description: 'Messages appended per second per topic (growth of the newest offsets).',
        unit: sdk.units.OpsPerSecond,
        min: 0,
        stacked: true,
        queries: [{ expr: `topk(10, sum by (instance, topic) (${rateOf(byInstance(M.currentOffset, 'topic!="__consumer_offsets"'))}))`, legend: '{{topic}}' }],
      },
      {
        title: 'Under-replicated partitions',
        description: 'Partitions with fewer in-sync replicas than replicas, per topic.',
        unit: sdk.units.Short,
        min: 0,
        queries: [{ expr: `sum by (instance, topic) (${byInstance(M.underReplicated)}) > 0`, legend: '{{topic}}' }],
      },
      {
        title: 'Partitions',
        description: 'Partitions per topic.',
        unit: sdk.units.Short,
        min: 0,
        queries: [{ expr: `topk(10, max by (instance, topic) (${byInstance(M.topicPartitions, 'topic!="__consumer_offsets"')}))`, legend: '{{topic}}' }],
      },
      {
        title: 'Consumer group lag',
        description: 'Messages each consumer group is behind, per topic.',
        unit: sdk.units.Short,
        min: 0,
        queries: [{ expr: `topk(10, sum by (instance, consumergroup, topic) (${byInstance(M.consumerGroupLag)}))`, legend: '{{consumergroup}} {{topic}}' }],
      },
      {
        title: 'Consumer group members',
        description: 'Members of each consumer group.',
        unit: sdk.units.Short,
        min: 0,
        queries: [{ expr: `max by (instance, consumergroup) (${byInstance(M.consumerGroupMembers)})`, legend: '{{consumergroup}}' }],
      },
    ],
  });
}
