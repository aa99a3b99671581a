/**
 * `npm run bench`: synth scaling and rule evaluation cost, one run, one report (bench/RESULTS.md).
 * Not part of `npm test`: it takes minutes and measures time, which tests must never assert.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, USAGE } from './lib/args';
import { machineInfo, toolVersion } from './lib/proc';
import { BenchResults, renderConsole, renderMarkdown } from './report';
import { runRuleEval } from './rule-eval';
import { PROMETHEUS_BIN, PROMTOOL_BIN } from './rule-eval/prometheus';
import { runSynth } from './synth';

/** The commit measured: BENCH_COMMIT when set (a snapshot without .git), else git's HEAD, `+changes` if src/ is edited. */
function sourceVersion(root: string): string {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'imports'], { cwd: root, encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? ' + uncommitted changes in src/' : ''}`;
}

function packageVersion(root: string, pkg: string): string {
  const p = join(root, 'node_modules', pkg, 'package.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version : 'n/a';
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const root = resolve(__dirname, '..');
  const work = join(root, 'bench', '.work');
  const started = performance.now();
  const log = (msg: string): void => {
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
  };
  const loadStart = loadavg();
  const results: { -readonly [K in keyof BenchResults]: BenchResults[K] } = {
    startedAt: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machineInfo(),
    loadAverage: { start: loadStart, end: loadStart },
    versions: {
      'observability-stack (commit measured)': sourceVersion(root),
      Node: process.version,
      Prometheus: toolVersion(PROMETHEUS_BIN),
      promtool: toolVersion(PROMTOOL_BIN),
      'cdk8s (library)': packageVersion(root, 'cdk8s'),
      'cdk8s-cli': packageVersion(root, 'cdk8s-cli'),
      tsx: packageVersion(root, 'tsx'),
    },
    totalSeconds: 0,
  };
  // the scratch folders of the parts this run measures: a run without --keep removes only these, not what an earlier
  // run kept for another part (e.g. the TSDBs of `--only rules --keep`)
  const scratch: string[] = [];
  try {
    if (o.parts.includes('synth')) {
      scratch.push(join(work, 'synth'));
      results.synth = runSynth({
        sizes: o.sizes,
        modes: o.modes,
        runs: o.runs,
        largeRuns: o.largeRuns,
        largeFrom: 1000,
        noDashboardsVariant: o.noDashboardsVariant,
        repoRoot: root,
        workDir: join(work, 'synth'),
        log,
      });
    }
    if (o.parts.includes('rules')) {
      // one history generator, Prometheus setup and SLO objective for both rule measurements
      const history = { scrapeSeconds: 30, reps: o.reps, seed: 20240601, evaluationInterval: '15s', objective: 99.9, log };
      scratch.push(join(work, 'rules'));
      results.rules = await runRuleEval({ ...history, services: o.ruleServices, days: o.days, workDir: join(work, 'rules'), keep: o.keep });
      if (o.scaleServices > 0) {
        // the engine-time target at a catalog's scale: per-rule overhead no longer hides what each set reads
        scratch.push(join(work, 'rules-at-scale'));
        results.rulesAtScale = await runRuleEval({ ...history, services: o.scaleServices, days: o.scaleDays, sets: ['legacy', 'generated'], workDir: join(work, 'rules-at-scale'), keep: o.keep });
      }
    }
  } finally {
    if (!o.keep) for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  }
  results.loadAverage = { start: loadStart, end: loadavg() };
  results.totalSeconds = (performance.now() - started) / 1000;
  process.stdout.write(`${renderConsole(results)}\n`);
  if (o.write) {
    const file = join(root, 'bench', 'RESULTS.md');
    writeFileSync(file, renderMarkdown(results));
    process.stdout.write(`wrote ${file}\n`);
  } else {
    process.stdout.write('bench/RESULTS.md not written (partial run; pass --write to write it anyway)\n');
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
