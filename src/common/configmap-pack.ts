import * as kplus from 'cdk8s-plus-28';

/**
 * Many generated files (rule files, dashboards) in as few ConfigMaps as the API server allows: it refuses objects
 * over 1 MiB (etcd's request limit), so files are packed, in the order added, into ConfigMaps of at most `maxBytes`.
 */

/** The UTF-8 size of a ConfigMap entry, as the API server counts it (key and content). */
export function configMapEntryBytes(key: string, content: string): number {
  return Buffer.byteLength(key, 'utf8') + Buffer.byteLength(content, 'utf8');
}

/** One ConfigMap of a pack. */
export interface PackedConfigMap {
  readonly configMap: kplus.ConfigMap;
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
