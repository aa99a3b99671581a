import { POD_NAME_ENV, RemoteWriteSpec, remoteWriteExternalLabels, remoteWriteProblems } from './remote-write';
import type { ComponentEgress, PortRole } from '../../network/peer';
import type { PortSpec, SecureContainerSpec } from '../../common/workload';
import { DurationInput, PromDuration } from '../../common/duration';
import { ProblemCollector } from '../../common/errors';
import { ByteSize } from '../../common/quantity';
import { ComponentModel, componentModel } from '../../common/model';
import { dns1123SubdomainProblems, httpUrlProblems, labelNameProblems, labelSetProblems, wholeNumberProblems } from '../../common/validation';
import { IAlertmanager } from '../../common/endpoints';
import { DEFAULT_NAMESPACE } from '../../common/namespace';
import { ResourceSpec, SchedulableProps } from '../../common/workload';
import { ImageVersion, VERSIONS } from '../../versions';
import { GlobalConfig } from './config';
import { PROMETHEUS_DEFAULTS } from './defaults';
import { MAX_PROMETHEUS_SHARDS, PROMETHEUS_SHARD_LABEL } from '../../conventions';

export interface PrometheusProps extends SchedulableProps {
  /** @default - the chart's namespace, else 'observability' */
  readonly namespace?: string;
  /**
   * Name of the StatefulSet and the ClusterIP Service; the prefix of the other namespaced objects. The cluster-scoped
   * ClusterRole and ClusterRoleBinding are named `<namespace>-<name>`, so they never collide with another Prometheus.
   * @default 'prometheus'
   */
  readonly name?: string;
  /** @default VERSIONS.prometheus */
  readonly image?: ImageVersion;
  /**
   * Replicas. Each replica scrapes every target and evaluates every rule on its own (an HA pair); Alertmanager
   * deduplicates their alerts.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * With more than one replica: the external label holding each replica's pod name (`${POD_NAME}`, expanded by
   * Prometheus 3 from the environment), so a query layer can de-duplicate the pair. It is dropped from alerts before
   * they leave (`alert_relabel_configs`), so Alertmanager sees one alert from both replicas.
   * @default 'prometheus_replica' (the Prometheus Operator's name)
   */
  readonly replicaLabel?: string;
  /** `--web.external-url`: the base of links in alerts and the UI, when people reach Prometheus through a proxy or an Ingress. @default - the in-cluster Service URL */
  readonly externalUrl?: string;
  /** How long to keep samples (`--storage.tsdb.retention.time`), a Prometheus duration. @default '15d' */
  readonly retentionTime?: string;
  /**
   * The most bytes of blocks to keep (`--storage.tsdb.retention.size`): a whole number with unit B, KB, MB, GB, TB,
   * PB or EB (powers of 2: 1KB = 1024B). Must not exceed `storageSize`.
   * @default - 90% of storageSize, e.g. '45GB' for the default '50Gi'
   */
  readonly retentionSize?: string;
  /** Size of each replica's TSDB volume (a PersistentVolumeClaim), a Kubernetes quantity. @default '50Gi' */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Global `scrape_interval`. @default '15s' */
  readonly scrapeInterval?: DurationInput;
  /** Global `evaluation_interval` of rules. @default '15s' */
  readonly evaluationInterval?: DurationInput;
  /** Global `scrape_timeout`; at most scrapeInterval. @default '10s' */
  readonly scrapeTimeout?: DurationInput;
  /** `external_labels` added to alerts and to series leaving this Prometheus, e.g. `{ cluster: 'prod-eu' }`. @default - none */
  readonly externalLabels?: Readonly<Record<string, string>>;
  /** Alertmanagers to notify (read by reference: their `targets`). More with `addAlertmanager`. @default - none */
  readonly alertmanagers?: readonly IAlertmanager[];
  /** @default - 500m CPU and 2Gi memory requested, 4Gi memory limit */
  readonly resources?: ResourceSpec;
  /**
   * Add the default scrape jobs: `prometheus` (itself), `kubernetes-pods` and `kubernetes-services` (the
   * `prometheus.io/*` annotations) and `cadvisor`. Exporters bring their own jobs (`addScrapeConfig`).
   * @default true
   */
  readonly defaultScrapeJobs?: boolean;
  /**
   * Accept samples this much older than the newest (`storage.tsdb.out_of_order_time_window`): OTLP pushes from
   * several collector replicas arrive out of order.
   * @default '30m'
   */
  readonly outOfOrderTimeWindow?: DurationInput;
  /**
   * Do not verify the kubelets' serving certificates in the `cadvisor` job. Needed on clusters whose kubelets serve
   * self-signed certificates (kubeadm without `serverTLSBootstrap`, kind); verification stays on by default.
   * @default false
   */
  readonly kubeletInsecureSkipVerify?: boolean;
  /**
   * Accept remote-write pushes on `/api/v1/write` (`--web.enable-remote-write-receiver`). Nothing in the stack uses it
   * (the collector gateway pushes over OTLP), and it lets anyone who reaches the port write series, so it is off
   * unless a remote-write client of yours needs it.
   * @default false
   */
  readonly remoteWriteReceiver?: boolean;
  /**
   * Ship every sample to long-term stores (Mimir, Cortex, Thanos Receive, any compatible receiver): typed
   * `remote_write` with auth and TLS from Secret files, queue tuning and write relabelings; the store's HA labels
   * (`cluster`/`__replica__`, or `replica`) are added to the external labels (remote-write.ts). @default - none
   */
  readonly remoteWrite?: readonly RemoteWriteSpec[];
  /**
   * Extra containers in each Prometheus pod (e.g. the Thanos sidecar), with the Prometheus flags they need and the
   * ports they serve by role. A generic hook: the Prometheus container itself is unchanged. @default - none
   */
  readonly sidecars?: readonly PrometheusSidecar[];
  /**
   * This Prometheus is shard `index` of `count` of a hashmod-sharded group (`PrometheusShards` sets it): the external
   * label `prometheus_shard="<index>"` tells the shards' series apart in the global view, and is dropped from alerts
   * (with the replica label) so the copies of an every-shard alert (the Watchdog) notify once. @default - unsharded
   */
  readonly shard?: PrometheusShardSpec;
}

/** Which shard of a hashmod-sharded group a Prometheus is. */
export interface PrometheusShardSpec {
  /** 0-based. */
  readonly index: number;
  /** How many shards the group has (the hashmod modulus). */
  readonly count: number;
}

/** A container beside Prometheus in its pod. */
export interface PrometheusSidecar {
  readonly container: SecureContainerSpec;
  /** Flags Prometheus needs for it (e.g. equal block durations for Thanos uploads). @default - none */
  readonly prometheusArgs?: readonly string[];
  /** The ports it serves, by role (merged into the Prometheus network). @default - none */
  readonly ports?: Readonly<Partial<Record<PortRole, readonly PortSpec[]>>>;
  /** Where it connects outside the stack. @default - none */
  readonly egress?: readonly ComponentEgress[];
}

/** The validated Prometheus settings, every default resolved, durations and sizes parsed. */
export interface PrometheusModel extends ComponentModel {
  readonly replicas: number;
  /** The replica external label, when replicas > 1. */
  readonly replicaLabel?: string;
  readonly externalUrl?: string;
  readonly retentionTime: PromDuration;
  readonly retentionSize: ByteSize;
  readonly storageSize: ByteSize;
  readonly storageClassName?: string;
  /** `global` of prometheus.yml. */
  readonly global: GlobalConfig;
  readonly defaultScrapeJobs: boolean;
  readonly outOfOrderTimeWindow: PromDuration;
  readonly kubeletInsecureSkipVerify: boolean;
  readonly remoteWriteReceiver: boolean;
  /** Only when given. */
  readonly remoteWrite?: readonly RemoteWriteSpec[];
  /** Only for a shard of a sharded group. */
  readonly shard?: PrometheusShardSpec;
}

/** `<name>-headless` is the StatefulSet's governing Service. */
export const PROMETHEUS_NAME_SUFFIXES = ['-headless'] as const;

/** The default retention size: the share of the storage size, floored to whole MiB (Prometheus sizes are whole units). */
export function defaultRetentionSize(storageSize: ByteSize): ByteSize {
  return ByteSize.mebibytes(Math.max(1, ByteSize.bytes(storageSize.bytes * PROMETHEUS_DEFAULTS.retentionSizeShareOfStorage).wholeMebibytes));
}

/**
 * Resolves and validates the props (pure): defaults applied once, durations and sizes parsed once, every problem
 * reported at once under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function prometheusModel(props: PrometheusProps = {}, path = 'Prometheus', namespace = DEFAULT_NAMESPACE): PrometheusModel {
  const d = PROMETHEUS_DEFAULTS;
  const c = new ProblemCollector();
  const base = componentModel(
    props,
    { name: d.name, image: VERSIONS.prometheus, resources: d.resources, nameOptions: { suffixes: PROMETHEUS_NAME_SUFFIXES, statefulSet: true } },
    path,
    namespace,
    c,
  );
  const storageSize = c.value(() => ByteSize.parse(props.storageSize ?? d.storageSize, `${path}.storageSize`));
  const replicas = props.replicas ?? d.replicas;
  if (props.storageClassName !== undefined) c.addAll(dns1123SubdomainProblems(props.storageClassName, `${path}.storageClassName`));
  c.addAll(wholeNumberProblems(replicas, `${path}.replicas`, { fix: 'use 1, or 2 for an HA pair.' }));
  const positive = { positive: true };
  const retentionTime = c.value(() => PromDuration.parse(props.retentionTime ?? d.retentionTime, `${path}.retentionTime`, positive));
  const scrapeInterval = c.value(() => PromDuration.from(props.scrapeInterval ?? d.scrapeInterval, `${path}.scrapeInterval`, positive));
  const scrapeTimeout = c.value(() => PromDuration.from(props.scrapeTimeout ?? d.scrapeTimeout, `${path}.scrapeTimeout`, positive));
  const evaluationInterval = c.value(() => PromDuration.from(props.evaluationInterval ?? d.evaluationInterval, `${path}.evaluationInterval`, positive));
  const outOfOrderTimeWindow = c.value(() => PromDuration.from(props.outOfOrderTimeWindow ?? d.outOfOrderTimeWindow, `${path}.outOfOrderTimeWindow`, positive));
  if (scrapeInterval && scrapeTimeout && scrapeTimeout.seconds > scrapeInterval.seconds) {
    c.add({
      path: `${path}.scrapeTimeout`,
      message: `must not be longer than scrapeInterval (${scrapeInterval})`,
      value: props.scrapeTimeout?.toString() ?? d.scrapeTimeout,
      fix: 'shorten scrapeTimeout or lengthen scrapeInterval.',
    });
  }
  c.addAll(labelSetProblems(props.externalLabels, `${path}.externalLabels`));
  const remoteWrite = props.remoteWrite ?? [];
  c.addAll(remoteWriteProblems(remoteWrite, `${path}.remoteWrite`));
  const ha = remoteWriteExternalLabels(remoteWrite, props.externalLabels ?? {}, `${namespace}/${props.name ?? d.name}`, path);
  c.addAll(ha.problems);
  const ownLabels = Object.keys(ha.labels).length > 0 ? { ...ha.labels, ...props.externalLabels } : props.externalLabels;
  const userLabels = props.shard !== undefined ? { ...ownLabels, [PROMETHEUS_SHARD_LABEL]: String(props.shard.index) } : ownLabels;
  const replicaLabel = replicas > 1 ? props.replicaLabel ?? d.replicaLabel : undefined;
  if (props.replicaLabel !== undefined) c.addAll(labelNameProblems(props.replicaLabel, `${path}.replicaLabel`));
  if (replicaLabel !== undefined && props.externalLabels?.[replicaLabel] !== undefined) {
    c.add({ path: `${path}.externalLabels`, message: `sets "${replicaLabel}", the replica label the HA pair sets itself`, value: props.externalLabels[replicaLabel], fix: `remove it, or choose another replicaLabel.` });
  }
  if (props.shard !== undefined) {
    c.addAll(wholeNumberProblems(props.shard.count, `${path}.shard.count`, { min: 1, fix: `use the number of shards, 1 to ${MAX_PROMETHEUS_SHARDS}.` }));
    c.addAll(wholeNumberProblems(props.shard.index, `${path}.shard.index`, { min: 0, fix: 'use 0 to count - 1.' }));
    if (Number.isInteger(props.shard.index) && Number.isInteger(props.shard.count) && props.shard.index >= props.shard.count) {
      c.add({ path: `${path}.shard.index`, message: `must be below shard.count (${props.shard.count})`, value: props.shard.index, fix: `use 0 to ${props.shard.count - 1}.` });
    }
    if (props.externalLabels?.[PROMETHEUS_SHARD_LABEL] !== undefined) {
      c.add({ path: `${path}.externalLabels`, message: `sets "${PROMETHEUS_SHARD_LABEL}", the label each shard sets itself`, value: props.externalLabels[PROMETHEUS_SHARD_LABEL], fix: `remove it from externalLabels.` });
    }
  }
  if (props.externalUrl !== undefined) c.addAll(httpUrlProblems(props.externalUrl, `${path}.externalUrl`, { example: 'https://prometheus.example.com' }));
  let retentionSize: ByteSize | undefined;
  if (storageSize) {
    retentionSize = props.retentionSize === undefined
      ? defaultRetentionSize(storageSize)
      : c.value(() => ByteSize.parsePrometheus(props.retentionSize!, `${path}.retentionSize`));
    if (retentionSize && retentionSize.bytes > storageSize.bytes) {
      c.add({
        path: `${path}.retentionSize`,
        message: `is larger than storageSize (${props.storageSize ?? d.storageSize}): the disk would fill before size-based retention deletes anything`,
        value: props.retentionSize,
        fix: `set it below storageSize, e.g. "${defaultRetentionSize(storageSize).toPrometheus()}", or grow storageSize.`,
      });
    }
  }
  c.throwIfAny();
  return {
    ...base,
    replicas,
    retentionTime: retentionTime!,
    retentionSize: retentionSize!,
    storageSize: storageSize!,
    storageClassName: props.storageClassName,
    replicaLabel,
    externalUrl: props.externalUrl,
    global: {
      scrapeInterval: scrapeInterval!,
      scrapeTimeout: scrapeTimeout!,
      evaluationInterval: evaluationInterval!,
      externalLabels: replicaLabel !== undefined ? { ...userLabels, [replicaLabel]: `\${${POD_NAME_ENV}}` } : userLabels,
    },
    defaultScrapeJobs: props.defaultScrapeJobs ?? true,
    outOfOrderTimeWindow: outOfOrderTimeWindow!,
    kubeletInsecureSkipVerify: props.kubeletInsecureSkipVerify ?? false,
    remoteWriteReceiver: props.remoteWriteReceiver ?? false,
    ...(remoteWrite.length > 0 ? { remoteWrite } : {}),
    ...(props.shard !== undefined ? { shard: props.shard } : {}),
  };
}
