import type { SynthMode } from '../synth';

/** Command-line options of `npm run bench` (bench/run.ts). */

export interface CliOptions {
  readonly parts: readonly ('synth' | 'rules')[];
  readonly sizes: readonly number[];
  readonly modes: readonly SynthMode[];
  readonly runs: number;
  readonly largeRuns: number;
  readonly noDashboardsVariant: boolean;
  readonly ruleServices: number;
  readonly days: number;
  /** Services of the at-scale rule measurement (per-SLO rules against the generated ones only; 0: skipped). */
  readonly scaleServices: number;
  /** Days of history of the at-scale measurement. */
  readonly scaleDays: number;
  readonly reps: number;
  /** Write bench/RESULTS.md: true for a full run, else only when asked. */
  readonly write: boolean;
  readonly keep: boolean;
  readonly help: boolean;
}

export const USAGE = `npm run bench -- [options]
  --only synth|rules     run one part (default: both)
  --sizes 10,100,1000    catalog sizes of the synth part
  --modes inproc,cli,cli-node   synth modes (cli-node: the CLI running the compiled library under plain node)
  --runs 5               runs per size (synth)
  --large-runs 3         runs for sizes of 1000 services or more
  --no-variant           skip the "largest size without SLO dashboards" diagnostic case
  --rule-services 10     services (one error-rate SLO each) of the rule part
  --days 7               days of history (at most 19); 30-day figures are projected linearly
  --scale-services 100   services of the at-scale engine-time measurement (per-SLO vs generated rules; 0 skips it)
  --scale-days 1         days of history of the at-scale measurement
  --reps 5               measured cycles per rule set (after one warm-up)
  --write                write bench/RESULTS.md even for a partial run
  --keep                 keep bench/.work/ (scratch data)`;

function positiveInt(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${v}`);
  return n;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  let parts: ('synth' | 'rules')[] = ['synth', 'rules'];
  let sizes = [10, 100, 1000];
  let modes: SynthMode[] = ['inproc', 'cli', 'cli-node'];
  let runs = 5;
  let largeRuns = 3;
  let noDashboardsVariant = true;
  let ruleServices = 10;
  let days = 7;
  let scaleServices = 100;
  let scaleDays = 1;
  let reps = 5;
  let write: boolean | undefined;
  let keep = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--only': {
        const v = next();
        if (v !== 'synth' && v !== 'rules') throw new Error(`--only takes synth or rules, got ${v}`);
        parts = [v];
        break;
      }
      case '--sizes':
        sizes = next().split(',').map((x) => positiveInt('--sizes', x));
        break;
      case '--modes':
        modes = next().split(',').map((x) => {
          if (x !== 'inproc' && x !== 'cli' && x !== 'cli-node') throw new Error(`--modes takes inproc, cli and/or cli-node, got ${x}`);
          return x;
        });
        break;
      case '--runs':
        runs = positiveInt(a, next());
        break;
      case '--large-runs':
        largeRuns = positiveInt(a, next());
        break;
      case '--no-variant':
        noDashboardsVariant = false;
        break;
      case '--rule-services':
        ruleServices = positiveInt(a, next());
        break;
      case '--days':
        days = positiveInt(a, next());
        if (days > 19) throw new Error(`--days must be at most 19, got ${days}`);
        break;
      case '--scale-services': {
        const v = next();
        scaleServices = v === '0' ? 0 : positiveInt(a, v);
        break;
      }
      case '--scale-days':
        scaleDays = positiveInt(a, next());
        if (scaleDays > 19) throw new Error(`--scale-days must be at most 19, got ${scaleDays}`);
        break;
      case '--reps':
        reps = positiveInt(a, next());
        break;
      case '--write':
        write = true;
        break;
      case '--keep':
        keep = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  const full = parts.length === 2;
  return { parts, sizes, modes, runs, largeRuns, noDashboardsVariant, ruleServices, days, scaleServices, scaleDays, reps, write: write ?? full, keep, help };
}
