import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { countOutput, hashOutput, OutputCount } from './lib/manifests';
import { runMeasured } from './lib/proc';
import { summarize, Summary } from './lib/stats';
import type { SynthChildResult } from './synth-child';

/**
 * Synth scaling: synthetic catalogs of growing size, synthesized (a) in-process (construction + `app.synth()` in a
 * fresh child process per run, bench/synth-child.ts), (b) through the cdk8s CLI (bench/synth-app.ts under cdk8s.yaml's
 * runner, as `npm run synth` runs src/main.ts) and (c) through the CLI with the library compiled by tsc and run by
 * plain `node` (no tsx hooks: what a faster runner changes), each against its floor: the same runner synthesizing an
 * empty chart. Runs are interleaved round-robin across sizes, so a burst of load from elsewhere on the machine
 * spreads over every size instead of skewing one.
 */

export type SynthMode = 'inproc' | 'cli' | 'cli-node';
/**
 * `floor`, a number of services (`100`), `<n>-nodash`: the catalog without SLO dashboards (in-process only), or
 * `default`: the default platform, the app cdk8s.yaml runs (src/main.ts; CLI only).
 */
export type SynthSize = string;

/** The size label of the default platform (CLI only). */
export const DEFAULT_PLATFORM = 'default';

/** Services of a size label (0 for the floor and the default platform, which is not a synthetic catalog). */
export function servicesOf(size: SynthSize): number {
  return size === 'floor' || size === DEFAULT_PLATFORM ? 0 : Number.parseInt(size, 10);
}

/** The app command of the repository's cdk8s.yaml (what `npm run synth` runs), e.g. `node --require tsx/cjs src/main.ts`. */
export function cdk8sYamlApp(repoRoot: string): string {
  const file = join(repoRoot, 'cdk8s.yaml');
  const app = (yaml.load(readFileSync(file, 'utf8')) as { app?: unknown } | undefined)?.app;
  if (typeof app !== 'string' || app.trim() === '') throw new Error(`${file} has no "app" command`);
  return app;
}

/** The default platform's entry point, the script cdk8s.yaml's app command ends with. */
const MAIN_SCRIPT = 'src/main.ts';

/**
 * The runner of cdk8s.yaml's app command (the command without its script, e.g. `node --require tsx/cjs`): the floor
 * and the synthetic catalogs run under it, so every CLI case pays what `npm run synth` pays to start.
 */
export function cdk8sYamlRunner(repoRoot: string): string {
  const app = cdk8sYamlApp(repoRoot).trim();
  if (!app.endsWith(` ${MAIN_SCRIPT}`)) throw new Error(`cdk8s.yaml's app command "${app}" does not end with ${MAIN_SCRIPT}: the bench cannot tell its runner`);
  return app.slice(0, -MAIN_SCRIPT.length).trim();
}

export interface SynthOptions {
  readonly sizes: readonly number[];
  readonly modes: readonly SynthMode[];
  /** Runs per size. */
  readonly runs: number;
  /** Runs for sizes of at least `largeFrom` services. */
  readonly largeRuns: number;
  readonly largeFrom: number;
  /** Also measure the largest size without SLO dashboards (in-process), to show their share of the cost. */
  readonly noDashboardsVariant: boolean;
  readonly repoRoot: string;
  readonly workDir: string;
  readonly log: (msg: string) => void;
}

export interface SynthRun {
  /** In-process: construction + synth; CLI: the whole `cdk8s synth` command. */
  readonly seconds: number;
  readonly maxRssBytes?: number;
  readonly importSeconds?: number;
  readonly buildSeconds?: number;
  readonly synthSeconds?: number;
  /** The whole child process, wall clock. */
  readonly processSeconds: number;
  readonly sha256: string;
}

export interface SynthCase {
  readonly mode: SynthMode;
  readonly size: SynthSize;
  readonly runs: readonly SynthRun[];
  readonly seconds: Summary;
  readonly rss: Summary;
  readonly importSeconds?: Summary;
  readonly buildSeconds?: Summary;
  readonly synthSeconds?: Summary;
  readonly processSeconds: Summary;
  readonly output: OutputCount;
  /** Every run wrote the same bytes. */
  readonly deterministic: boolean;
}

export interface SynthResult {
  readonly cases: readonly SynthCase[];
  /** The runner of the `cli` cases (cdk8s.yaml's, `cdk8sYamlRunner`); absent when no CLI case ran. */
  readonly runner?: string;
  readonly totalSeconds: number;
}

const TSX = 'node_modules/.bin/tsx';
const CDK8S = 'node_modules/.bin/cdk8s';

/** Where `cli-node` runs compile the library, the default platform and the bench app to. */
function compiledDir(o: SynthOptions): string {
  return join(o.workDir, 'compiled');
}

/**
 * Compiles src/ (src/main.ts included), imports/ and the bench app with the project's build settings into
 * `<workDir>/compiled`, once per bench run, so `node` runs the same code tsx runs (the layout keeps the relative
 * requires: compiled/bench/synth-app.js requires compiled/src/stack.js).
 */
function compileForNode(o: SynthOptions): void {
  const outDir = compiledDir(o);
  rmSync(outDir, { recursive: true, force: true });
  const tsconfig = join(o.workDir, 'tsconfig.compiled.json');
  const root = (p: string) => join(o.repoRoot, p);
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: root('tsconfig.build.json'),
      compilerOptions: { rootDir: o.repoRoot, outDir, declaration: false },
      include: [root('src/**/*.ts'), root('imports/**/*.ts'), root('bench/synth-app.ts'), root('bench/catalog.ts')],
      exclude: [root('node_modules'), root('lib'), root('dist')],
    }),
  );
  const r = spawnSync(join(o.repoRoot, 'node_modules/.bin/tsc'), ['-p', tsconfig], { cwd: o.repoRoot, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`compiling for the cli-node runs failed (${r.status}): ${(r.stdout + r.stderr).slice(-3000)}`);
}

/** The app command of a CLI run: cdk8s.yaml's runner (tsx's hooks) on the sources, or plain node on the compiled library. */
function appCommandOf(mode: 'cli' | 'cli-node', size: SynthSize, o: SynthOptions): string {
  if (mode === 'cli') return size === DEFAULT_PLATFORM ? cdk8sYamlApp(o.repoRoot) : `${cdk8sYamlRunner(o.repoRoot)} bench/synth-app.ts`;
  const compiled = compiledDir(o);
  return size === DEFAULT_PLATFORM ? `node ${join(compiled, 'src/main.js')}` : `node ${join(compiled, 'bench/synth-app.js')}`;
}

function runOnce(mode: SynthMode, size: SynthSize, o: SynthOptions, count: boolean): { run: SynthRun; output?: OutputCount } {
  const out = join(o.workDir, `${mode}-${size}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  try {
    if (mode === 'inproc') {
      const args = ['bench/synth-child.ts', size, out, ...(count ? ['--count'] : [])];
      const r = runMeasured(TSX, args, { cwd: o.repoRoot, scratchDir: o.workDir, timeoutMs: 900_000 });
      if (r.status !== 0) throw new Error(`in-process synth of ${size} failed (${r.status}): ${r.stderr.slice(-3000)}`);
      const lines = r.stdout.trim().split('\n');
      const child = JSON.parse(lines[lines.length - 1]) as SynthChildResult;
      return {
        run: {
          seconds: child.seconds,
          maxRssBytes: child.maxRssBytes,
          importSeconds: child.importSeconds,
          buildSeconds: child.buildSeconds,
          synthSeconds: child.synthSeconds,
          processSeconds: r.wallSeconds,
          sha256: child.sha256,
        },
        output: child.output,
      };
    }
    const env = { ...process.env, BENCH_SERVICES: size, CDK8S_CHECK_UPGRADE: 'false' };
    // The default platform is synthesized exactly as `npm run synth` does it (cdk8s.yaml's app; the other cases run
    // under its runner), or, in cli-node runs, as its compiled src/main.js.
    const appCommand = appCommandOf(mode, size, o);
    const args = ['synth', '--no-check-upgrade', '--app', appCommand, '--output', out];
    const r = runMeasured(CDK8S, args, { cwd: o.repoRoot, env, scratchDir: o.workDir, timeoutMs: 900_000 });
    if (r.status !== 0) throw new Error(`cdk8s synth of ${size} failed (${r.status}): ${r.stderr.slice(-3000)}${r.stdout.slice(-2000)}`);
    const output = count ? countOutput(out) : undefined;
    return {
      run: { seconds: r.wallSeconds, maxRssBytes: r.maxRssBytes, processSeconds: r.wallSeconds, sha256: output?.sha256 ?? hashOutput(out) },
      output,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function opt(values: readonly (number | undefined)[]): Summary | undefined {
  const v = values.filter((x): x is number => x !== undefined);
  return v.length === values.length && v.length > 0 ? summarize(v) : undefined;
}

export function runSynth(o: SynthOptions): SynthResult {
  const started = performance.now();
  mkdirSync(o.workDir, { recursive: true });
  const runsOf = (s: SynthSize): number => (servicesOf(s) >= o.largeFrom ? o.largeRuns : o.runs);
  const cases: SynthCase[] = [];
  for (const mode of o.modes) {
    const largest = Math.max(0, ...o.sizes);
    const sizes: SynthSize[] = [
      'floor',
      ...(mode !== 'inproc' ? [DEFAULT_PLATFORM] : []),
      ...o.sizes.map(String),
      ...(mode === 'inproc' && o.noDashboardsVariant && largest > 0 ? [`${largest}-nodash`] : []),
    ];
    if (mode === 'cli-node') {
      o.log('synth cli-node: compiling the library, the default platform and the bench app with tsc');
      compileForNode(o);
    }
    // Warm-up (unmeasured): fills tsx's transform cache and the page cache.
    o.log(`synth ${mode}: warm-up`);
    runOnce(mode, 'floor', o, false);
    if (o.sizes.length > 0) runOnce(mode, String(o.sizes[0]), o, false);
    const runs = new Map<SynthSize, SynthRun[]>(sizes.map((s) => [s, []]));
    const outputs = new Map<SynthSize, OutputCount>();
    const rounds = Math.max(...sizes.map(runsOf));
    for (let round = 0; round < rounds; round++) {
      for (const size of sizes) {
        if (round >= runsOf(size)) continue;
        o.log(`synth ${mode}: ${size === DEFAULT_PLATFORM || size === 'floor' ? size : `${size} services`}, run ${round + 1}/${runsOf(size)}`);
        // The first run also counts what it wrote: after its measurement (time and peak RSS are taken before).
        const { run, output } = runOnce(mode, size, o, round === 0);
        runs.get(size)?.push(run);
        if (output) outputs.set(size, output);
      }
    }
    for (const size of sizes) {
      const rs = runs.get(size) ?? [];
      const output = outputs.get(size) as OutputCount;
      cases.push({
        mode,
        size,
        runs: rs,
        seconds: summarize(rs.map((r) => r.seconds)),
        rss: summarize(rs.map((r) => r.maxRssBytes ?? NaN)),
        importSeconds: opt(rs.map((r) => r.importSeconds)),
        buildSeconds: opt(rs.map((r) => r.buildSeconds)),
        synthSeconds: opt(rs.map((r) => r.synthSeconds)),
        processSeconds: summarize(rs.map((r) => r.processSeconds)),
        output,
        deterministic: rs.every((r) => r.sha256 === output.sha256),
      });
    }
  }
  const runner = o.modes.includes('cli') ? cdk8sYamlRunner(o.repoRoot) : undefined;
  return { cases, ...(runner ? { runner } : {}), totalSeconds: (performance.now() - started) / 1000 };
}
