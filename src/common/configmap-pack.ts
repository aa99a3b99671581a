import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * Many generated files (rule files, dashboards) in as few ConfigMaps as the API server allows: it refuses objects
 * over 1 MiB (etcd's request limit), so files are packed, in the order added, into ConfigMaps of at most `maxBytes`.
 */

/** The UTF-8 size of a ConfigMap entry, as the API server counts it (key and content). */
export function configMapEntryBytes(key: string, content: string): number {
  return Buffer.byteLength(key, 'utf8') + Buffer.byteLength(content, 'utf8');
}

/** What a pack needs of a ConfigMap: adding entries (`kplus.ConfigMap` and `DataConfigMap` both do). */
export interface ConfigMapData {
  addData(key: string, value: string): void;
}

/** One ConfigMap of a pack. */
export interface PackedConfigMap {
  readonly configMap: ConfigMapData;
  /** Bytes of the entries so far. */
  bytes: number;
}

/**
 * A file lands in the last ConfigMap, or in a new one (made by `open`, which also wires it into the pod) when it
 * would not fit, so adding a file never moves the others.
 */
export class ConfigMapPack<T extends PackedConfigMap> {
  private readonly packed: T[] = [];

  constructor(
    /** The most bytes of entries one ConfigMap holds. */
    public readonly maxBytes: number,
    private readonly open: (index: number) => T,
  ) {}

  /** Whether a file of this size fits a ConfigMap at all. */
  public fits(bytes: number): boolean {
    return bytes <= this.maxBytes;
  }

  /** Adds an entry; returns the ConfigMap it landed in. */
  public add(key: string, content: string): T {
    const bytes = configMapEntryBytes(key, content);
    let target = this.packed[this.packed.length - 1];
    if (!target || target.bytes + bytes > this.maxBytes) {
      target = this.open(this.packed.length);
      this.packed.push(target);
    }
    target.configMap.addData(key, content);
    target.bytes += bytes;
    return target;
  }

  /** The ConfigMaps, in the order opened. */
  public get configMaps(): readonly T[] {
    return this.packed;
  }
}

/**
 * A ConfigMap of many entries (a Prometheus rule pack holds one per service at a thousand services): a plain
 * `v1 ConfigMap` API object whose `data` is produced at synth. `kplus.ConfigMap` and the generated `KubeConfigMap`
 * serialize `data` by spreading the object once per key (`toJson_KubeConfigMapProps`), quadratic in the entries:
 * about a tenth of a second for a thousand rule files. The YAML is the same (cdk8s sorts the keys either way).
 */
export class DataConfigMap extends ApiObject implements ConfigMapData {
  private readonly entries: Map<string, string>;

  constructor(scope: Construct, id: string, metadata: ApiObjectMetadata) {
    const entries = new Map<string, string>();
    // immutable: false, as kplus.ConfigMap writes it (the rules change with the catalog).
    super(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: Lazy.any({ produce: () => Object.fromEntries(entries) }), immutable: false });
    this.entries = entries;
  }

  /** Adds an entry (the pack's callers refuse a key twice before they add it). */
  public addData(key: string, value: string): void {
    this.entries.set(key, value);
  }
}
