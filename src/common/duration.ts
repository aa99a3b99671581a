import { ConfigError, ConfigProblem } from './errors';

/**
 * Durations: props take the strings users write (`30s`, `5m`, `1h30m`, `30d`); models hold `PromDuration` values,
 * parsed once at the edge, compared by `seconds`; renderers format them for the file they write: `toString()` is the
 * Prometheus form (as the user wrote it, or the canonical form of a computed duration), `toGo()` a Go
 * `time.Duration` (hours at most).
 */

/** Unit lengths in seconds, as Prometheus' model.ParseDuration accepts them. */
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_FIX = 'write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".';

/** Seconds of a Prometheus duration string, or undefined when it is not one. */
function secondsOf(value: unknown): number | undefined {
  const m = typeof value === 'string' && value !== '' ? DURATION.exec(value) : null;
  if (!m || m.slice(1).every((g) => g === undefined)) return undefined;
  return ORDER.reduce((sum, unit, i) => sum + Number(m[i + 1] ?? 0) * UNIT_SECONDS[unit], 0);
}

/** Formats seconds with units up to `largest` (`3600` → `1h`, `5400` → `1h30m`); `0` → `0s`. */
function format(seconds: number, units: readonly string[]): string {
  if (seconds === 0) return '0s';
  let rest = Math.round(seconds * 1000);
  let out = '';
  for (const unit of units) {
    const size = UNIT_SECONDS[unit] * 1000;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** What users write: a Prometheus duration string (`30d`), parsed into a `PromDuration` by the models. */
export type DurationString = string;

/** A duration prop: the string a user writes, or a `PromDuration` handed over by another component. */
export type DurationInput = DurationString | PromDuration;

export interface DurationOptions {
  /** Refuse zero (intervals, retention). @default false */
  readonly positive?: boolean;
  /** The shortest duration allowed, with the reason for the message (e.g. Loki's 24h retention floor). */
  readonly min?: { readonly seconds: number; readonly message: string; readonly fix: string };
}

/** A Prometheus duration (`5m`, `1h30m`, `30d`), parsed: compare with `seconds`, render with `toString()`. */
export class PromDuration {
  /**
   * Parses what a user wrote. Units must appear largest first, as Prometheus requires.
   * @throws ConfigError naming `path` when it is not a (positive, long enough) Prometheus duration.
   */
  public static parse(value: string, path: string, options: DurationOptions = {}): PromDuration {
    const problems = durationProblems(value, path, options);
    if (problems.length > 0) throw new ConfigError(problems);
    return new PromDuration(secondsOf(value)!, value);
  }

  /** A prop that takes what a user writes or a duration another component already parsed. */
  public static from(value: DurationInput, path: string, options: DurationOptions = {}): PromDuration {
    if (value instanceof PromDuration) {
      const problems = durationProblems(value, path, options);
      if (problems.length > 0) throw new ConfigError(problems);
      return value;
    }
    return PromDuration.parse(value, path, options);
  }

  public static seconds(seconds: number): PromDuration {
    return new PromDuration(seconds);
  }

  private constructor(
    /** Length in seconds (milliseconds are fractions). */
    public readonly seconds: number,
    /** The text it was parsed from, if any. */
    private readonly text?: string,
  ) {}

  /** The Prometheus form: as written, else the canonical form, largest units first (`5400` s → `1h30m`). */
  public toString(): string {
    return this.text ?? formatDuration(this.seconds);
  }

  /** A Go `time.Duration` (no `d` unit): `72h`, `1h30m`, `500ms`. */
  public toGo(): string {
    return format(this.seconds, ['h', 'm', 's', 'ms']);
  }

  public equals(other: PromDuration): boolean {
    return this.seconds === other.seconds;
  }
}

/**
 * Where a string stops being a Prometheus duration (model.ParseDuration's grammar: whole numbers, each with a unit,
 * units largest first, each at most once): `" " at character 2 is not a digit or a unit`.
 */
function durationSyntaxError(value: unknown): string {
  if (typeof value !== 'string') return 'it is not a string';
  if (value === '') return 'it is empty';
  const chars = Array.from(value);
  let i = 0;
  let last = -1;
  const show = (c: string): string => (c === ' ' ? 'a space' : JSON.stringify(c));
  while (i < chars.length) {
    const numberAt = i;
    while (i < chars.length && /[0-9]/.test(chars[i])) i++;
    if (i === numberAt) return `${show(chars[i])} at character ${i + 1} is not a digit${numberAt === 0 ? '' : ' or a unit'}`;
    if (i >= chars.length) return `the number at character ${numberAt + 1} has no unit`;
    const unit = chars[i] === 'm' && chars[i + 1] === 's' ? 'ms' : chars[i];
    const rank = ORDER.indexOf(unit);
    if (rank < 0) return `${show(chars[i])} at character ${i + 1} is not a unit`;
    if (rank <= last) return `the unit "${unit}" at character ${i + 1} comes after "${ORDER[last]}" (units go largest first, each once)`;
    last = rank;
    i += unit.length;
  }
  return 'it is not a duration';
}

/** The problems of a duration prop (empty when valid): not a Prometheus duration, zero when positive, too short. */
export function durationProblems(value: unknown, path: string, options: DurationOptions = {}): ConfigProblem[] {
  const seconds = value instanceof PromDuration ? value.seconds : secondsOf(value);
  if (seconds === undefined) {
    return [{ path, message: `is not a ${options.positive ? 'positive ' : ''}Prometheus duration: ${durationSyntaxError(value)}`, value, fix: DURATION_FIX }];
  }
  if (options.positive && seconds <= 0) {
    return [{ path, message: 'is not a positive Prometheus duration: it is zero', value, fix: DURATION_FIX }];
  }
  if (options.min && seconds < options.min.seconds) return [{ path, message: options.min.message, value, fix: options.min.fix }];
  return [];
}

/**
 * Seconds of a Prometheus duration (`30s`, `5m`, `1h30m`, `30d`), for pure maths on strings (budget.ts).
 * @throws ConfigError naming `path` when it is not a valid Prometheus duration.
 */
export function parseDuration(value: string, path: string): number {
  return PromDuration.parse(value, path).seconds;
}

/** Formats seconds as the shortest Prometheus duration (`3600` → `1h`, `5400` → `1h30m`). */
export function formatDuration(seconds: number): string {
  return format(seconds, ['d', 'h', 'm', 's', 'ms']);
}

/**
 * A duration in words for alert texts, in its largest whole unit: `5m` → "5 minutes", `1h` → "1 hour", `90s` →
 * "90 seconds", `2d` → "2 days".
 */
export function durationInWords(duration: PromDuration): string {
  const s = duration.seconds;
  const units: readonly [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (s >= size && s % size === 0) return `${s / size} ${name}${s / size === 1 ? '' : 's'}`;
  }
  return s === 0 ? '0 seconds' : `${s} seconds`;
}
