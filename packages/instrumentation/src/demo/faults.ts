/** What the demo services inject: a share of requests that fail with a 500, and extra latency on every request. */
export interface FaultSettings {
  /** Share of requests answered 500, 0 to 1. Deterministic: 0.25 fails exactly every fourth request. */
  readonly errorRate: number;
  /** Delay added before every handled request, in milliseconds (0 to 60000). */
  readonly latencyMs: number;
}

export const NO_FAULTS: FaultSettings = Object.freeze({ errorRate: 0, latencyMs: 0 });

/** Checks a partial fault setting (pure); returns one sentence per problem. */
export function faultProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['faults must be a JSON object like {"errorRate":0.5,"latencyMs":300}'];
  const problems: string[] = [];
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'errorRate' && key !== 'latencyMs') problems.push(`unknown field "${key}" (allowed: errorRate, latencyMs)`);
  }
  if ('errorRate' in o && (typeof o.errorRate !== 'number' || !(o.errorRate >= 0 && o.errorRate <= 1))) {
    problems.push(`errorRate must be a number from 0 to 1 (got ${JSON.stringify(o.errorRate)})`);
  }
  if ('latencyMs' in o && (typeof o.latencyMs !== 'number' || !Number.isFinite(o.latencyMs) || o.latencyMs < 0 || o.latencyMs > 60000)) {
    problems.push(`latencyMs must be a number of milliseconds from 0 to 60000 (got ${JSON.stringify(o.latencyMs)})`);
  }
  return problems;
}

/**
 * The fault switch of a demo service. Errors are spread evenly rather than drawn at random (a running sum of
 * `errorRate` fails a request each time it passes a whole number), so a test knows exactly how many requests fail.
 */
export class FaultInjector {
  private settings: FaultSettings;
  private acc = 0;

  constructor(initial: Partial<FaultSettings> = {}) {
    this.settings = { ...NO_FAULTS };
    this.set(initial);
  }

  get(): FaultSettings {
    return { ...this.settings };
  }

  /** Changes some settings; throws on invalid values. Resets the error spreading. */
  set(partial: Partial<FaultSettings>): FaultSettings {
    const problems = faultProblems(partial);
    if (problems.length > 0) throw new RangeError(problems.join('; '));
    this.settings = { ...this.settings, ...partial };
    this.acc = 0;
    return this.get();
  }

  /** Whether this request is one of the failing share. */
  shouldFail(): boolean {
    if (this.settings.errorRate <= 0) return false;
    this.acc += this.settings.errorRate;
    if (this.acc >= 1 - 1e-9) {
      this.acc -= 1;
      return true;
    }
    return false;
  }

  /** Waits the configured latency. */
  delay(): Promise<void> {
    const ms = this.settings.latencyMs;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }
}

/** Fault settings from FAULT_ERROR_RATE / FAULT_LATENCY_MS (pure). */
export function faultsFromEnv(env: NodeJS.ProcessEnv): Partial<FaultSettings> {
  const out: { errorRate?: number; latencyMs?: number } = {};
  if (env.FAULT_ERROR_RATE) out.errorRate = Number(env.FAULT_ERROR_RATE);
  if (env.FAULT_LATENCY_MS) out.latencyMs = Number(env.FAULT_LATENCY_MS);
  return out;
}
