import { JAEGER_DEFAULTS } from './defaults';
import type { JaegerSearchStorageOptions } from './elasticsearch';

export interface JaegerMemoryOptions {
  /** Traces kept in memory; the oldest are evicted past it (`memory.max_traces`). @default 50000 */
  readonly maxTraces?: number;
}

export interface JaegerBadgerOptions {
  /** Size of the PersistentVolumeClaim, a Kubernetes quantity. @default '20Gi' */
  readonly size?: string;
  /**
   * How long spans are kept (`badger.ttl.spans`), a Prometheus duration of at least 1m (`72h`, `7d`). Badger reads a
   * Go duration, which has no `d` unit: the value is rendered in hours, minutes and seconds (`7d` → `168h`).
   * @default '72h' (Badger's own default)
   */
  readonly ttl?: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/**
 * Where Jaeger keeps traces (a `jaeger_storage` backend,
 * https://www.jaegertracing.io/docs/latest/storage/). Both are single-node stores embedded in the Jaeger process:
 * `memory` loses everything on restart (a Deployment), `badger` keeps traces on a PersistentVolumeClaim (a
 * StatefulSet). For a scalable store (OpenSearch, Cassandra, ClickHouse), run Jaeger with it and reference it with
 * `Jaeger.fromEndpoints`.
 */
export class JaegerStorage {
  /** In-memory store, bounded by a trace count. */
  public static memory(options: JaegerMemoryOptions = {}): JaegerStorage {
    return new JaegerStorage('memory', options.maxTraces ?? JAEGER_DEFAULTS.maxTraces);
  }

  /** Badger, an embedded key-value store, on a PersistentVolumeClaim. */
  public static badger(options: JaegerBadgerOptions = {}): JaegerStorage {
    return new JaegerStorage(
      'badger',
      undefined,
      options.size ?? JAEGER_DEFAULTS.badgerSize,
      options.ttl ?? JAEGER_DEFAULTS.badgerTtl,
      options.storageClassName,
    );
  }

  /**
   * An external Elasticsearch cluster (scale-out): daily indices under a prefix, credentials and CA from a Secret
   * read as files, an index-cleaner CronJob past the retention (elasticsearch.ts). Jaeger is then stateless: a
   * Deployment that can run several replicas.
   */
  public static elasticsearch(options: JaegerSearchStorageOptions): JaegerStorage {
    return new JaegerStorage('elasticsearch', undefined, undefined, undefined, undefined, options);
  }

  /** An external OpenSearch cluster: as `elasticsearch`, with Jaeger's `opensearch` backend. */
  public static opensearch(options: JaegerSearchStorageOptions): JaegerStorage {
    return new JaegerStorage('opensearch', undefined, undefined, undefined, undefined, options);
  }

  private constructor(
    public readonly kind: 'memory' | 'badger' | 'elasticsearch' | 'opensearch',
    /** memory: the trace limit. */
    public readonly maxTraces?: number,
    /** badger: the claim size. */
    public readonly size?: string,
    /** badger: the span TTL as given (a Prometheus duration). */
    public readonly ttl?: string,
    public readonly storageClassName?: string,
    /** elasticsearch / opensearch: the cluster. */
    public readonly search?: JaegerSearchStorageOptions,
  ) {}
}
