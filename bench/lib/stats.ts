/** Summary statistics of repeated measurements: the report gives every figure as a median with its spread. */

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** First and third quartiles (linear interpolation between order statistics). */
  readonly q1: number;
  readonly q3: number;
}

/** The q-quantile (0 ≤ q ≤ 1) of sorted values, interpolating linearly between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, q1: quantile(s, 0.25), q3: quantile(s, 0.75) };
}

/** `1.23 s (1.20–1.31, n=5)`: median, then min–max. `digits` are significant digits. */
export function formatSummary(s: Summary, unit: string, scale = 1, digits = 3): string {
  if (s.n === 0) return 'n/a';
  const f = (v: number): string => formatNumber(v * scale, digits);
  if (s.n === 1) return `${f(s.median)} ${unit} (n=1)`;
  return `${f(s.median)} ${unit} (${f(s.min)}–${f(s.max)}, n=${s.n})`;
}

/** A number with `digits` significant digits, without exponent notation for ordinary magnitudes. */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 10 ** digits) return Math.round(v).toLocaleString('en-US');
  return Number(v.toPrecision(digits)).toString();
}

/** Samples as `4.11 G`, `8.05 M`, `426 k`, `980`. */
export function formatCount(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${formatNumber(v / 1e9, 3)} G`;
  if (abs >= 1e6) return `${formatNumber(v / 1e6, 3)} M`;
  if (abs >= 1e4) return `${formatNumber(v / 1e3, 3)} k`;
  return formatNumber(v, 4);
}

/** Bytes as `1.23 MB` (decimal units, as `ls -h --si`). */
export function formatBytes(v: number): string {
  if (v >= 1e9) return `${formatNumber(v / 1e9)} GB`;
  if (v >= 1e6) return `${formatNumber(v / 1e6)} MB`;
  if (v >= 1e3) return `${formatNumber(v / 1e3)} kB`;
  return `${v} B`;
}
