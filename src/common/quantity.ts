import { ConfigError, ConfigProblem } from './errors';

/**
 * Sizes and CPU amounts: props take the strings users write (Kubernetes quantities `512Mi`, `50Gi`, `250m`;
 * Prometheus sizes `45GB`); models hold `ByteSize` values and millicores, parsed once at the edge, compared by
 * `bytes`; renderers format them for the file they write (`toKubernetes()`, `toPrometheus()`: as written in that
 * format, else the canonical form of the number).
 */

/** Binary and decimal suffixes of Kubernetes resource quantities. */
const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+))?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const QUANTITY_FIX = 'write a number with an optional suffix, e.g. "250m" for CPU or "512Mi" / "2Gi" for memory and storage.';

/** Units of Prometheus sizes (`--storage.tsdb.retention.size`): powers of 2, "1KB is 1024B", as the flag's doc lists them. */
const PROMETHEUS_UNITS: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40, PB: 2 ** 50, EB: 2 ** 60 };
const PROMETHEUS_SIZE = /^([1-9]\d*)(B|KB|MB|GB|TB|PB|EB)$/;

/** The value of a Kubernetes quantity, or undefined when the text is not one. */
function quantityValue(value: unknown): number | undefined {
  const text = String(value);
  const m = QUANTITY.exec(text.trim());
  if (!m || text.trim() !== text) return undefined;
  return Number(m[1]) * (m[2] ? 10 ** Number(m[2]) : 1) * SUFFIX[m[3] ?? ''];
}

function notQuantity(value: unknown, path: string): ConfigProblem {
  return { path, message: 'is not a Kubernetes quantity', value, fix: QUANTITY_FIX };
}

/** A number of bytes: memory, storage, retention. */
export class ByteSize {
  /**
   * Parses a Kubernetes quantity that must be a positive byte size (`512Mi`, `50Gi`, `1.5Gi`, `500M`).
   * @throws ConfigError naming `path` when it is not one.
   */
  public static parse(value: string, path: string): ByteSize {
    const problems = byteSizeProblems(value, path);
    if (problems.length > 0) throw new ConfigError(problems);
    return new ByteSize(quantityValue(value)!, { kubernetes: value });
  }

  /**
   * Parses a Prometheus size (`512MB`, `45GB`: a whole number and a unit B, KB, MB, GB, TB, PB or EB, powers of 2).
   * @throws ConfigError naming `path` when it is not one.
   */
  public static parsePrometheus(value: string, path: string): ByteSize {
    const m = typeof value === 'string' ? PROMETHEUS_SIZE.exec(value) : null;
    if (!m) {
      throw new ConfigError({
        path,
        message: 'is not a Prometheus size (a whole number with unit B, KB, MB, GB, TB, PB or EB)',
        value,
        fix: 'write e.g. "45GB" (powers of 2: 1GB = 1024MB).',
      });
    }
    return new ByteSize(Number(m[1]) * PROMETHEUS_UNITS[m[2]], { prometheus: value });
  }

  public static bytes(bytes: number): ByteSize {
    return new ByteSize(bytes);
  }

  public static mebibytes(mebibytes: number): ByteSize {
    return new ByteSize(mebibytes * 2 ** 20);
  }

  private constructor(
    public readonly bytes: number,
    /** The text it was parsed from, by format. */
    private readonly text: { readonly kubernetes?: string; readonly prometheus?: string } = {},
  ) {}

  /** The largest whole mebibytes not above this size. */
  public get wholeMebibytes(): number {
    return Math.floor(this.bytes / 2 ** 20);
  }

  /** A Kubernetes quantity: as written, else the largest binary suffix that divides it (`50Gi`, `1536Mi`), else decimal, else bytes. */
  public toKubernetes(): string {
    if (this.text.kubernetes !== undefined) return this.text.kubernetes;
    for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki', 'E', 'P', 'T', 'G', 'M', 'k']) {
      if (this.bytes >= SUFFIX[unit] && this.bytes % SUFFIX[unit] === 0) return `${this.bytes / SUFFIX[unit]}${unit}`;
    }
    return String(this.bytes);
  }

  /** A Prometheus size: as written, else the largest unit that divides it (`45GB`, `1536MB`, `10B`). */
  public toPrometheus(): string {
    if (this.text.prometheus !== undefined) return this.text.prometheus;
    for (const unit of ['EB', 'PB', 'TB', 'GB', 'MB', 'KB']) {
      if (this.bytes >= PROMETHEUS_UNITS[unit] && this.bytes % PROMETHEUS_UNITS[unit] === 0) return `${this.bytes / PROMETHEUS_UNITS[unit]}${unit}`;
    }
    return `${this.bytes}B`;
  }

  public toString(): string {
    return this.toKubernetes();
  }
}

/** Problems of a byte-size prop: a Kubernetes quantity, positive, whole bytes (no `m` suffix). */
export function byteSizeProblems(value: unknown, path: string): ConfigProblem[] {
  const bytes = quantityValue(value);
  if (bytes === undefined) return [notQuantity(value, path)];
  if (!(bytes > 0) || String(value).endsWith('m')) {
    return [{ path, message: 'must be a positive byte size', value, fix: 'use a binary suffix such as "512Mi" or "10Gi".' }];
  }
  return [];
}

/** Problems of a CPU prop: a Kubernetes quantity of at least one millicore. */
export function cpuProblems(value: unknown, path: string): ConfigProblem[] {
  const cores = quantityValue(value);
  if (cores === undefined) return [notQuantity(value, path)];
  if (!(Math.round(cores * 1000) > 0)) return [{ path, message: 'must be a positive CPU amount', value, fix: 'use e.g. "100m" or "1".' }];
  return [];
}

/**
 * Millicores of a CPU quantity (`500m` → 500, `2` → 2000).
 * @throws ConfigError naming `path` when it is not a positive CPU amount.
 */
export function parseCpuMillis(value: string, path: string): number {
  const problems = cpuProblems(value, path);
  if (problems.length > 0) throw new ConfigError(problems);
  return Math.round(quantityValue(value)! * 1000);
}

/**
 * Bytes of a Kubernetes quantity that must be a positive byte size.
 * @throws ConfigError naming `path` when it is not one.
 */
export function parseByteSize(value: string, path: string): ByteSize {
  return ByteSize.parse(value, path);
}

/** Bytes of a Kubernetes quantity that must be a positive byte size (transitional: prefer `ByteSize.parse`). */
export function parseByteQuantity(value: string, path: string): number {
  return ByteSize.parse(value, path).bytes;
}
