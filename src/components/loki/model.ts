import { DurationOptions, PromDuration } from '../../common/duration';
import { ConfigProblem, ProblemCollector } from '../../common/errors';
import { LogLevel, logLevelProblems } from '../../common/log-level';
import { DEFAULT_NAMESPACE } from '../../common/namespace';
import { ByteSize } from '../../common/quantity';
import { ComponentModel, componentModel } from '../../common/model';
import { dns1123SubdomainProblems, durationProblems, positiveNumberProblems } from '../../common/validation';
import { ResourceSpec, SchedulableProps } from '../../common/workload';
import { ImageVersion, VERSIONS } from '../../versions';
import type { LokiDeletionMode } from './config';
import { LOKI_DEFAULTS } from './defaults';

export interface LokiProps extends SchedulableProps {
  /** @default - the chart's namespace, else 'observability' */
  readonly namespace?: string;
  /**
   * Name of the StatefulSet, the Service (`<name>`), the headless governing Service (`<name>-headless`) and the
   * ConfigMap (`<name>-config`).
   * @default 'loki'
   */
  readonly name?: string;
  /** @default VERSIONS.loki */
  readonly image?: ImageVersion;
  /**
   * How long logs are kept (`limits_config.retention_period`, enforced by the compactor), a Prometheus duration of at
   * least 24h.
   * @default '744h' (31 days)
   */
  readonly retention?: string;
  /** Size of the volume holding chunks, the TSDB index, the WAL and the compactor's work. @default '50Gi' */
  readonly storageSize?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default { cpuRequest: '500m', memoryRequest: '1Gi', memoryLimit: '2Gi' } */
  readonly resources?: ResourceSpec;
  /** Ingestion rate limit in MB/s (`limits_config.ingestion_rate_mb`) for the whole platform (one tenant). @default 16 */
  readonly ingestionRateMb?: number;
  /** Ingestion burst in MB (`limits_config.ingestion_burst_size_mb`), at least the rate. @default 32 */
  readonly ingestionBurstSizeMb?: number;
  /** `server.log_level`: debug, info, warn or error. @default 'info' */
  readonly logLevel?: string;
  /**
   * The log deletion API (`limits_config.deletion_mode`). Loki opens it whenever retention is on, and with
   * `auth_enabled: false` anyone who reaches the HTTP port could delete logs, so it is off unless you ask for
   * `filter-only` (deleted lines are hidden from queries) or `filter-and-delete` (also removed from storage).
   * @default 'disabled'
   */
  readonly deletionMode?: LokiDeletionMode;
}

/** The validated Loki settings, every default resolved, durations and sizes parsed. */
export interface LokiModel extends ComponentModel {
  readonly retention: PromDuration;
  readonly storageSize: ByteSize;
  readonly storageClassName?: string;
  readonly ingestionRateMb: number;
  readonly ingestionBurstSizeMb: number;
  readonly logLevel: LogLevel;
  readonly deletionMode: LokiDeletionMode;
}

const LOKI_DELETION_MODES: readonly LokiDeletionMode[] = ['disabled', 'filter-only', 'filter-and-delete'];

/** `<name>-headless` is the StatefulSet's governing Service. */
export const LOKI_NAME_SUFFIXES = ['-headless'] as const;

/** The compactor refuses shorter retention (https://grafana.com/docs/loki/latest/operations/storage/retention/). */
const RETENTION: DurationOptions = {
  min: {
    seconds: LOKI_DEFAULTS.minRetentionSeconds,
    message: 'must be at least 24h (the shortest retention the Loki compactor applies)',
    fix: 'use e.g. "168h" (7 days) or "744h" (31 days).',
  },
};

/**
 * `limits_config.retention_period` is a Prometheus duration (`744h`, `31d`, `4w`); the compactor enforces at least
 * 24h.
 */
export function retentionProblems(value: unknown, path: string): ConfigProblem[] {
  return durationProblems(value, path, RETENTION);
}

/** Ingestion limits: positive numbers of MB, burst at least the rate (the burst is the largest single push). */
export function ingestionLimitProblems(rateMb: unknown, burstMb: unknown, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [
    ...positiveNumberProblems(rateMb, `${path}.ingestionRateMb`, { what: 'MB per second', fix: 'use e.g. 16.' }),
    ...positiveNumberProblems(burstMb, `${path}.ingestionBurstSizeMb`, { what: 'MB', fix: 'use e.g. 32.' }),
  ];
  if (problems.length === 0 && (burstMb as number) < (rateMb as number)) {
    problems.push({
      path: `${path}.ingestionBurstSizeMb`,
      message: `must be at least ingestionRateMb (${rateMb as number})`,
      value: burstMb,
      fix: 'set the burst to at least the rate, typically twice it.',
    });
  }
  return problems;
}

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function lokiModel(props: LokiProps = {}, path = 'Loki', namespace = DEFAULT_NAMESPACE): LokiModel {
  const d = LOKI_DEFAULTS;
  const c = new ProblemCollector();
  const base = componentModel(props, { name: d.name, image: VERSIONS.loki, resources: d.resources, nameOptions: { suffixes: LOKI_NAME_SUFFIXES, statefulSet: true } }, path, namespace, c);
  const ingestionRateMb = props.ingestionRateMb ?? d.ingestionRateMb;
  const ingestionBurstSizeMb = props.ingestionBurstSizeMb ?? d.ingestionBurstSizeMb;
  const logLevel = props.logLevel ?? d.logLevel;
  const retention = c.value(() => PromDuration.parse(props.retention ?? d.retention, `${path}.retention`, RETENTION));
  const storageSize = c.value(() => ByteSize.parse(props.storageSize ?? d.storageSize, `${path}.storageSize`));
  if (props.storageClassName !== undefined) c.addAll(dns1123SubdomainProblems(props.storageClassName, `${path}.storageClassName`));
  c.addAll(ingestionLimitProblems(ingestionRateMb, ingestionBurstSizeMb, path));
  c.addAll(logLevelProblems(logLevel, `${path}.logLevel`));
  const deletionMode = props.deletionMode ?? d.deletionMode;
  if (!LOKI_DELETION_MODES.includes(deletionMode)) {
    c.add({ path: `${path}.deletionMode`, message: `must be one of ${LOKI_DELETION_MODES.map((m) => JSON.stringify(m)).join(', ')}`, value: deletionMode, fix: 'omit it to keep the deletion API off.' });
  }
  c.throwIfAny();
  return {
    ...base,
    retention: retention!,
    storageSize: storageSize!,
    storageClassName: props.storageClassName,
    ingestionRateMb,
    ingestionBurstSizeMb,
    logLevel: logLevel as LogLevel,
    deletionMode,
  };
}
