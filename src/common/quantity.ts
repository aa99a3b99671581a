import { ConfigError } from './errors';

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

/**
 * Parses a Kubernetes quantity (`500m`, `256Mi`, `1.5Gi`, `2`) into its numeric value (cores or bytes).
 * @throws ConfigError naming `path` when the string is not a quantity.
 */
export function parseQuantity(value: string, path: string): number {
  const m = QUANTITY.exec(String(value).trim());
  if (!m || String(value).trim() !== String(value)) {
    throw new ConfigError({
      path,
      message: 'is not a Kubernetes quantity',
      value,
      fix: 'write a number with an optional suffix, e.g. "250m" for CPU or "512Mi" / "2Gi" for memory and storage.',
    });
  }
  const base = Number(m[1]) * (m[2] ? 10 ** Number(m[2]) : 1);
  return base * SUFFIX[m[3] ?? ''];
}

/** Parses a quantity that must be a positive byte size (memory, storage). */
export function parseByteQuantity(value: string, path: string): number {
  const bytes = parseQuantity(value, path);
  if (!(bytes > 0) || value.endsWith('m')) {
    throw new ConfigError({
      path,
      message: 'must be a positive byte size',
      value,
      fix: 'use a binary suffix such as "512Mi" or "10Gi".',
    });
  }
  return bytes;
}

/** Parses a quantity that must be a positive CPU amount, returning millicores. */
export function parseCpuMillis(value: string, path: string): number {
  const cores = parseQuantity(value, path);
  const millis = Math.round(cores * 1000);
  if (!(millis > 0)) {
    throw new ConfigError({ path, message: 'must be a positive CPU amount', value, fix: 'use e.g. "100m" or "1".' });
  }
  return millis;
}
