/**
 * One error type for every bad input. It names where the problem is (a spec or construct path), the bad value,
 * what is allowed, and how to fix it, so a failing `cdk8s synth` prints one clear sentence per problem.
 */
export interface ConfigProblem {
  /** Where: a spec path (`slos.order-service.latency.objective`) or a construct path. */
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

export class ConfigError extends Error {
  public readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem | readonly ConfigProblem[]) {
    const list = Array.isArray(problems) ? (problems as readonly ConfigProblem[]) : [problems as ConfigProblem];
    super(list.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = list;
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
    try {
      fn();
    } catch (e) {
      if (e instanceof ConfigError) this.problems.push(...e.problems);
      else throw e;
    }
  }

  public get list(): readonly ConfigProblem[] {
    return this.problems;
  }

  public throwIfAny(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
