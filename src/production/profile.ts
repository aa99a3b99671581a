import { PromDuration } from '../common/duration';
import { ProblemCollector } from '../common/errors';
import { dns1123SubdomainProblems } from '../common/validation';
import { SchedulingProps, schedulingProblems } from '../common/workload';
import { JaegerStorage } from '../components/jaeger/storage';
import { GrafanaStorage } from '../components/grafana/model';
import { JAEGER_DEFAULTS } from '../components/jaeger/defaults';
import { LOKI_DEFAULTS } from '../components/loki/defaults';
import { PROMETHEUS_DEFAULTS } from '../components/prometheus/defaults';
import { SIZING_CONSTANTS, SizingContext, SizingProps, SizingResult, sizeStack } from './sizing';

/**
 * The production profile (`ObservabilityStack` prop `production`): no stateful component alone, nothing lost on a
 * pod restart, every multi-replica workload spread over nodes (and zones) with a disruption budget, sizes from the
 * catalog. It only supplies defaults: every component prop given explicitly wins over the profile, so each part is
 * also settable on its own (`prometheus: { replicas: 2 }` without the profile, or the profile with
 * `prometheus: { replicas: 3 }`).
 *
 * | component | profile |
 * |---|---|
 * | Prometheus | 2 replicas (HA pair, replica label dropped from alerts), each receiving every OTLP metric; sized memory and volume; retention size 85% of the volume |
 * | Alertmanager | 3 replicas in a gossip cluster |
 * | Grafana | 2 replicas with an external database (`grafana.database`; the shared secret_key from the Secret `grafana-secret-key`), else 1 replica on a PersistentVolumeClaim |
 * | Loki | WAL and chunks on its PersistentVolumeClaim (sized) |
 * | Jaeger | on Elasticsearch/OpenSearch (`jaeger.storage`): 2 replicas; else Badger on a PersistentVolumeClaim (sized), spans kept `traceRetention`, 1 replica (Badger is one pod's disk) |
 * | collector gateway | sized replicas (≥ 2), a StatefulSet with on-disk sending queues on a PersistentVolumeClaim per replica (sized), retries for 1h, memory_limiter + GOMEMLIMIT |
 * | collector agent | filelog read positions in file_storage on a hostPath |
 * | every multi-replica workload | hard pod anti-affinity over nodes, zone spreading, PodDisruptionBudget maxUnavailable 1 |
 */
export interface ProductionProps {
  /**
   * Scheduling of every component that is not a node agent (nodeSelector, tolerations, priorityClassName, ...), merged
   * under each component's own `scheduling`. @default { podAntiAffinity: 'required', spreadOverZones: true }
   */
  readonly scheduling?: SchedulingProps;
  /** The PriorityClass of every pod, node agents included (they must not be evicted before the workloads they watch). @default - none */
  readonly priorityClassName?: string;
  /** Capacity inputs (per-service load); `false` keeps the components' default sizes. @default - the defaults of `SizingProps` */
  readonly sizing?: SizingProps | false;
  /** StorageClass of every volume the profile asks for. @default - the cluster's default */
  readonly storageClassName?: string;
  /** Prometheus replicas. @default 2 */
  readonly prometheusReplicas?: number;
  /** Alertmanager replicas (an odd number keeps a gossip majority). @default 3 */
  readonly alertmanagerReplicas?: number;
  /** How long Jaeger keeps spans (Badger TTL). @default '72h' */
  readonly traceRetention?: string;
  /** Grafana's volume (one replica on a PersistentVolumeClaim). @default '10Gi' */
  readonly grafanaStorageSize?: string;
}

/** The component props the profile supplies (merged under the user's). */
export interface ProductionDefaults {
  /** The scheduling of every component that is not a node agent. */
  readonly scheduling: SchedulingProps;
  readonly prometheus: Record<string, unknown>;
  readonly alertmanager: Record<string, unknown>;
  readonly grafana: Record<string, unknown>;
  readonly loki: Record<string, unknown>;
  readonly jaeger: Record<string, unknown>;
  readonly otelGateway: Record<string, unknown>;
  readonly otelAgent: Record<string, unknown>;
  readonly nodeAgents: Record<string, unknown>;
  readonly sizing?: SizingResult;
  readonly sizingContext?: SizingContext;
}

/** What the profile reads of the rest of the stack's props. */
export interface ProductionInput {
  readonly services: readonly string[];
  readonly scrapeInterval?: string | PromDuration;
  readonly metricsRetention?: string;
  readonly logRetention?: string;
  /** Grafana has an external database (`grafana.database`): the profile then runs two replicas. */
  readonly grafanaDatabase?: boolean;
  /** Jaeger stores spans in Elasticsearch/OpenSearch (`jaeger.storage`): the profile then runs two replicas. */
  readonly jaegerSearchStorage?: boolean;
  /** `prometheus.shards`: each shard is sized for the largest shard's series. @default 1 */
  readonly prometheusShards?: number;
}

/** The Secret holding Grafana's shared `secret-key` under the profile with an external database. */
export const GRAFANA_SECRET_KEY_SECRET = 'grafana-secret-key';

function mib(n: number): string {
  return `${n}Mi`;
}

/**
 * Resolves the profile (pure) into component props.
 * @throws ConfigError naming each bad field.
 */
export function productionDefaults(props: ProductionProps, input: ProductionInput, path = 'production'): ProductionDefaults {
  const c = new ProblemCollector();
  c.addAll(schedulingProblems(props.scheduling, `${path}.scheduling`));
  if (props.priorityClassName !== undefined) c.addAll(dns1123SubdomainProblems(props.priorityClassName, `${path}.priorityClassName`));
  if (props.storageClassName !== undefined) c.addAll(dns1123SubdomainProblems(props.storageClassName, `${path}.storageClassName`));
  const traceRetention = props.traceRetention ?? JAEGER_DEFAULTS.badgerTtl;
  const ttl = c.value(() => PromDuration.parse(traceRetention, `${path}.traceRetention`, { positive: true }));
  const scrape = c.value(() => PromDuration.from(input.scrapeInterval ?? PROMETHEUS_DEFAULTS.scrapeInterval, `${path}.scrapeInterval`, { positive: true }));
  const metricsRetention = c.value(() => PromDuration.parse(input.metricsRetention ?? PROMETHEUS_DEFAULTS.retentionTime, `${path}.metricsRetention`, { positive: true }));
  const logRetention = c.value(() => PromDuration.parse(input.logRetention ?? LOKI_DEFAULTS.retention, `${path}.logRetention`, { positive: true }));
  c.throwIfAny();

  const scheduling: SchedulingProps = {
    podAntiAffinity: 'required',
    spreadOverZones: true,
    ...(props.priorityClassName !== undefined ? { priorityClassName: props.priorityClassName } : {}),
    ...props.scheduling,
  };
  const storageClassName = props.storageClassName !== undefined ? { storageClassName: props.storageClassName } : {};
  let sizing: SizingResult | undefined;
  let sizingContext: SizingContext | undefined;
  if (props.sizing !== false) {
    sizingContext = {
      services: input.services,
      scrapeIntervalSeconds: scrape!.seconds,
      metricsRetentionSeconds: metricsRetention!.seconds,
      logRetentionSeconds: logRetention!.seconds,
      traceRetentionSeconds: ttl!.seconds,
      ...(input.jaegerSearchStorage ? { jaegerSearchStorage: true } : {}),
      ...(input.prometheusShards !== undefined ? { prometheusShards: input.prometheusShards } : {}),
    };
    sizing = sizeStack(props.sizing ?? {}, sizingContext, `${path}.sizing`);
  }
  const resources = (s: { cpuRequestMillis: number; memoryRequestMiB: number; memoryLimitMiB: number }) => ({
    cpuRequest: `${s.cpuRequestMillis}m`,
    memoryRequest: mib(s.memoryRequestMiB),
    memoryLimit: mib(s.memoryLimitMiB),
  });
  const prometheusVolume = sizing?.prometheus.volumeGiB;
  return {
    scheduling,
    prometheus: {
      replicas: props.prometheusReplicas ?? 2,
      scheduling,
      ...storageClassName,
      ...(sizing
        ? {
            resources: resources(sizing.prometheus),
            storageSize: `${prometheusVolume}Gi`,
            // Retention at most 85% of the volume (Prometheus storage docs); Prometheus' GB are powers of 2.
            retentionSize: `${Math.floor(prometheusVolume! * SIZING_CONSTANTS.retentionShareOfVolume)}GB`,
          }
        : {}),
    },
    alertmanager: { replicas: props.alertmanagerReplicas ?? 3, scheduling, ...storageClassName },
    grafana: input.grafanaDatabase
      ? { scheduling, replicas: 2, storage: GrafanaStorage.emptyDir(), secretKeySecretName: GRAFANA_SECRET_KEY_SECRET }
      : { scheduling, storage: GrafanaStorage.persistentVolumeClaim({ size: props.grafanaStorageSize ?? '10Gi', ...storageClassName }) },
    loki: {
      scheduling,
      ...storageClassName,
      ...(sizing ? { resources: resources(sizing.loki), storageSize: `${sizing.loki.volumeGiB}Gi` } : {}),
    },
    // On a search cluster the spans are not in the pod: two replicas (spread, budgeted). Badger is one pod's disk.
    jaeger: input.jaegerSearchStorage
      ? { scheduling, replicas: 2, ...(sizing ? { resources: resources(sizing.jaeger) } : {}) }
      : {
          scheduling,
          ...(sizing ? { resources: resources(sizing.jaeger) } : {}),
          storage: JaegerStorage.badger({ size: `${sizing?.jaeger.volumeGiB ?? 20}Gi`, ttl: traceRetention, ...storageClassName }),
        },
    // The queues on a PersistentVolumeClaim per replica (a StatefulSet): they survive the pod's deletion.
    otelGateway: {
      scheduling,
      persistentQueue: true,
      queueVolume: 'claim',
      ...(props.storageClassName !== undefined ? { queueStorageClassName: props.storageClassName } : {}),
      ...(sizing ? { replicas: sizing.gateway.replicas, resources: resources(sizing.gateway), queueVolumeSize: `${sizing.gateway.volumeGiB}Gi` } : {}),
    },
    otelAgent: { checkpoints: true, ...(props.priorityClassName !== undefined ? { scheduling: { priorityClassName: props.priorityClassName } } : {}) },
    nodeAgents: props.priorityClassName !== undefined ? { scheduling: { priorityClassName: props.priorityClassName } } : {},
    sizing,
    sizingContext,
  };
}

/**
 * One component's props with the profile under them: the user's fields win, `scheduling` merges field by field.
 * `false` and external endpoints pass through unchanged.
 */
export function underProfile<T>(user: T | undefined, profile: Record<string, unknown> | undefined, isEndpoint = false): T | undefined {
  if (profile === undefined || (user as unknown) === false || isEndpoint) return user;
  const u = (user ?? {}) as Record<string, unknown>;
  const scheduling = profile.scheduling || u.scheduling ? { ...(profile.scheduling as object), ...(u.scheduling as object) } : undefined;
  return { ...profile, ...u, ...(scheduling ? { scheduling } : {}) } as T;
}
