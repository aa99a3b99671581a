import { ConfigError } from './errors';

/** Unit lengths in seconds, as Prometheus' model.ParseDuration accepts them. */
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** A Prometheus duration string, e.g. `5m`, `1h30m`, `30d`. */
export type PromDuration = string;

/**
 * Parses a Prometheus duration (`30s`, `5m`, `1h30m`, `30d`) into seconds. Units must appear largest first, as
 * Prometheus requires.
 * @throws ConfigError naming `path` when it is not a valid Prometheus duration.
 */
export function parseDuration(value: string, path: string): number {
  const m = typeof value === 'string' && value !== '' ? DURATION.exec(value) : null;
  if (!m || m.slice(1).every((g) => g === undefined)) {
    throw new ConfigError({
      path,
      message: 'is not a Prometheus duration',
      value,
      fix: 'write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
    });
  }
  return ORDER.reduce((sum, unit, i) => sum + Number(m[i + 1] ?? 0) * UNIT_SECONDS[unit], 0);
}

/** Formats seconds as the shortest Prometheus duration (`3600` → `1h`, `5400` → `1h30m`). */
export function formatDuration(seconds: number): PromDuration {
  if (seconds === 0) return '0s';
  let rest = Math.round(seconds * 1000);
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNIT_SECONDS[unit] * 1000;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
