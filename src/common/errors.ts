import type { IConstruct } from 'constructs';

/**
 * One error type for every bad input. It names where the problem is, the bad value, what is allowed, and how to fix
 * it, so a failing `cdk8s synth` prints one clear sentence per problem.
 *
 * One path style, taken from the construct (aws-cdk's `ValidationError(message, scope)` idea): `<construct
 * path>.<prop path>`, e.g. `observability/Prometheus.storageSize` or
 * `observability/Slos.services.order-service.slos.latency.objective`. Pure model functions take the construct path as
 * their `path` argument (a class name such as `Prometheus` when used without a construct).
 */
export interface ConfigProblem {
  /** Where: `<construct path>.<prop path>`. */
  readonly path: string;
  /** What is wrong, in a short phrase (`must be strictly between 0 and 100`). */
  readonly message: string;
  /** The value received, if any. */
  readonly value?: unknown;
  /** How to fix it. */
  readonly fix?: string;
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** One problem as one sentence: `path: message (got value). Fix: fix.` */
export function formatProblem(p: ConfigProblem): string {
  const got = 'value' in p ? ` (got ${formatValue(p.value)})` : '';
  const fix = p.fix ? ` Fix: ${p.fix}` : '';
  return `${p.path}: ${p.message}${got}.${fix}`;
}

/** Marks ConfigErrors across copies of the library (a consumer's node_modules may hold two): `instanceof` would not. */
const CONFIG_ERROR = Symbol.for('observability-stack.ConfigError');

export class ConfigError extends Error {
  /**
   * True for a ConfigError of any copy of this library (an app bundling two versions still gets clear messages).
   */
  public static isConfigError(e: unknown): e is ConfigError {
    return typeof e === 'object' && e !== null && (e as { [CONFIG_ERROR]?: unknown })[CONFIG_ERROR] === true && Array.isArray((e as ConfigError).problems);
  }

  public readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem | readonly ConfigProblem[]) {
    const list = Array.isArray(problems) ? (problems as readonly ConfigProblem[]) : [problems as ConfigProblem];
    super(list.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = list;
    Object.defineProperty(this, CONFIG_ERROR, { value: true });
  }
}

/** Collects problems and throws them together, so a user sees every mistake in one run. */
export class ProblemCollector {
  private readonly problems: ConfigProblem[] = [];

  public add(problem: ConfigProblem): void {
    this.problems.push(problem);
  }

  public addAll(problems: readonly ConfigProblem[]): void {
    this.problems.push(...problems);
  }

  /** Runs `fn`; a ConfigError it throws is recorded instead of escaping. */
  public check(fn: () => void): void {
    this.value(fn);
  }

  /** Runs a parser; returns its value, or undefined after recording the ConfigError it threw. */
  public value<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (ConfigError.isConfigError(e)) this.problems.push(...e.problems);
      else throw e;
      return undefined;
    }
  }

  public get list(): readonly ConfigProblem[] {
    return this.problems;
  }

  public throwIfAny(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

/**
 * The messages of `node.addValidation` for problems found on the finished tree. cdk8s prefixes each with the
 * construct path in brackets, so a problem at `<construct path>.<prop path>` prints as `[<construct path>] <prop
 * path>: ...`; other paths print whole.
 */
export function validationMessages(scope: IConstruct, problems: readonly ConfigProblem[]): string[] {
  const prefix = `${scope.node.path}.`;
  return problems.map((p) => formatProblem(p.path.startsWith(prefix) ? { ...p, path: p.path.slice(prefix.length) } : p));
}

/**
 * Legal input that is almost surely a mistake: a ConfigProblem (path, what looks wrong, the value, the likely intent as
 * the fix) with the code it is emitted under, so a test or a CI job can pick it out.
 */
export interface ConfigWarning extends ConfigProblem {
  /** The `process.emitWarning` code, e.g. `SLO_EXTREME_TARGET`. */
  readonly code: string;
}

/**
 * Prints warnings once each through `process.emitWarning` (stderr; `node --no-warnings` silences them), one line per
 * distinct message: warnings that differ only in their path (a class shared by 100 services) print once, naming the
 * first path and how many more.
 */
export function emitWarnings(warnings: readonly ConfigWarning[]): void {
  const grouped = new Map<string, ConfigWarning[]>();
  for (const w of warnings) {
    const key = `${w.code}|${w.message}|${formatValue(w.value)}|${w.fix ?? ''}`;
    grouped.set(key, [...(grouped.get(key) ?? []), w]);
  }
  for (const ws of grouped.values()) {
    const where = ws.length === 1 ? ws[0].path : `${ws[0].path} (and ${ws.length - 1} more with the same problem)`;
    process.emitWarning(formatProblem({ ...ws[0], path: where }), { code: ws[0].code });
  }
}
