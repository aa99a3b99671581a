import { PromDuration } from '../../common/duration';
import { ConfigProblem, ProblemCollector } from '../../common/errors';
import { LogLevel, logLevelProblems } from '../../common/log-level';
import { DEFAULT_NAMESPACE } from '../../common/namespace';
import { ByteSize } from '../../common/quantity';
import { ComponentModel, componentModel } from '../../common/model';
import { dns1123SubdomainProblems, durationProblems, wholeNumberProblems } from '../../common/validation';
import { ResourceSpec, SchedulableProps } from '../../common/workload';
import { ImageVersion, VERSIONS } from '../../versions';
import { JAEGER_DEFAULTS } from './defaults';
import { JaegerStorage } from './storage';
import { JaegerSearchStorageModel, searchStorageModel } from './elasticsearch';
import { RemoteSamplingModel, RemoteSamplingProps, remoteSamplingModel } from './remote-sampling';

export interface JaegerProps extends SchedulableProps {
  /** @default - the chart's namespace, else 'observability' */
  readonly namespace?: string;
  /**
   * Name of the workload, the Service (`<name>`) and the ConfigMap (`<name>-config`); with Badger also of the
   * headless governing Service (`<name>-headless`).
   * @default 'jaeger'
   */
  readonly name?: string;
  /** @default VERSIONS.jaeger */
  readonly image?: ImageVersion;
  /**
   * Where traces are kept: `JaegerStorage.memory()` (a Deployment; traces are lost on restart) or
   * `JaegerStorage.badger()` (a StatefulSet with a PersistentVolumeClaim).
   * @default JaegerStorage.memory() (50000 traces)
   */
  readonly storage?: JaegerStorage;
  /** @default { cpuRequest: '200m', memoryRequest: '512Mi', memoryLimit: '1Gi' } */
  readonly resources?: ResourceSpec;
  /** `service.telemetry.logs.level`: debug, info, warn or error. @default 'info' */
  readonly logLevel?: string;
  /**
   * Serve sampling strategies to the SDKs (the `remote_sampling` extension, file provider: a default probability and
   * per-service ones) on 5778 (HTTP `/sampling`) and 5779 (gRPC). @default - off
   */
  readonly remoteSampling?: RemoteSamplingProps;
  /** Replicas, with a stateless (Elasticsearch/OpenSearch) storage only. @default 1 */
  readonly replicas?: number;
}

/** The storage choice, validated: sizes and durations parsed. */
export type JaegerStorageModel =
  | { readonly kind: 'memory'; readonly maxTraces: number }
  | { readonly kind: 'badger'; readonly size: ByteSize; readonly ttl: PromDuration; readonly storageClassName?: string }
  | JaegerSearchStorageModel;

/** The validated Jaeger settings, every default resolved. */
export interface JaegerModel extends ComponentModel {
  readonly storage: JaegerStorageModel;
  readonly logLevel: LogLevel;
  readonly remoteSampling?: RemoteSamplingModel;
  readonly replicas: number;
}

/** With Badger, `<name>-headless` is the StatefulSet's governing Service. */
export const JAEGER_BADGER_NAME_SUFFIXES = ['-headless'] as const;

const TTL = { min: { seconds: 60, message: 'must be at least 1m', fix: 'use e.g. "72h" or "7d".' } };

/** Problems of a storage choice (`path` is where it was given, e.g. `Jaeger.storage`). */
export function storageProblems(storage: JaegerStorage, path: string): ConfigProblem[] {
  if (storage.kind === 'elasticsearch' || storage.kind === 'opensearch') return searchStorageModel(storage.kind, storage.search!, path).problems;
  if (storage.kind === 'memory') {
    return wholeNumberProblems(storage.maxTraces, `${path}.maxTraces`, { fix: 'use e.g. 50000 (memory grows with it: budget ~10 KiB per trace).' });
  }
  const problems = durationProblems(storage.ttl, `${path}.ttl`, TTL);
  if (storage.storageClassName !== undefined) problems.push(...dns1123SubdomainProblems(storage.storageClassName, `${path}.storageClassName`));
  return problems;
}

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function jaegerModel(props: JaegerProps = {}, path = 'Jaeger', namespace = DEFAULT_NAMESPACE): JaegerModel {
  const c = new ProblemCollector();
  const storage = props.storage ?? JaegerStorage.memory();
  const logLevel = props.logLevel ?? JAEGER_DEFAULTS.logLevel;
  const badger = storage.kind === 'badger';
  const nameOptions = badger ? { suffixes: JAEGER_BADGER_NAME_SUFFIXES, statefulSet: true } : {};
  const base = componentModel(props, { name: JAEGER_DEFAULTS.name, image: VERSIONS.jaeger, resources: JAEGER_DEFAULTS.resources, nameOptions }, path, namespace, c);
  const storagePath = `${path}.storage`;
  const storageProblemList = storageProblems(storage, storagePath);
  c.addAll(storageProblemList);
  const size = badger ? c.value(() => ByteSize.parse(storage.size!, `${storagePath}.size`)) : undefined;
  c.addAll(logLevelProblems(logLevel, `${path}.logLevel`));
  const search = storage.kind === 'elasticsearch' || storage.kind === 'opensearch' ? searchStorageModel(storage.kind, storage.search!, storagePath).model : undefined;
  const remoteSampling = props.remoteSampling !== undefined ? c.value(() => remoteSamplingModel(props.remoteSampling!, `${path}.remoteSampling`)) : undefined;
  const replicas = props.replicas ?? 1;
  c.addAll(wholeNumberProblems(replicas, `${path}.replicas`, { fix: 'use 1, or 2+ with an Elasticsearch/OpenSearch storage.' }));
  if (replicas !== 1 && Number.isInteger(replicas) && !search) {
    c.add({ path: `${path}.replicas`, message: `must be 1 with ${storage.kind} storage: the store lives in the pod, so replicas would each hold a part of the traces`, value: replicas, fix: 'use JaegerStorage.elasticsearch(...) or .opensearch(...) to run several replicas.' });
  }
  c.throwIfAny();
  return {
    ...base,
    storage: search
      ? search
      : badger
        ? { kind: 'badger', size: size!, ttl: PromDuration.parse(storage.ttl!, `${storagePath}.ttl`), storageClassName: storage.storageClassName }
        : { kind: 'memory', maxTraces: storage.maxTraces! },
    logLevel: logLevel as LogLevel,
    remoteSampling,
    replicas,
  };
}
