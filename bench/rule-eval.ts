import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDuration, parseDuration } from '../src/common/duration';
import { RuleGroup, renderRuleFile } from '../src/common/rules';
import { toYaml } from '../src/common/serialize';
import { runMeasured } from './lib/proc';
import { groupFamily } from './report';
import { summarize, Summary } from './lib/stats';
import { historyServiceName, HistorySpec, REQUESTS_METRIC, scenarioOf, writeOpenMetrics } from './rule-eval/openmetrics';
import { backfillSteps, BackfillStep, planRecordings, rangesOf } from './rule-eval/plan';
import { blockDirs, instantQuery, PROMTOOL_BIN, PrometheusServer, startPrometheus, waitForCompaction } from './rule-eval/prometheus';
import { BenchRule, generatedRuleSet, legacyRuleSet, naiveRuleSet, RuleSet, RuleSetId, slothRuleSet } from './rule-eval/rulesets';

/**
 * Rule evaluation cost in a real Prometheus: one synthetic history, three rule sets for the same error-rate SLOs,
 * every rule's expression run as an instant query at the end of the history with `stats=all`.
 */

export interface RuleEvalOptions {
  readonly services: number;
  readonly days: number;
  readonly scrapeSeconds: number;
  /** Measured repetitions of a full cycle (after one warm-up cycle). */
  readonly reps: number;
  readonly seed: number;
  /** Prometheus' global evaluation interval (the stack's default, 15s). */
  readonly evaluationInterval: string;
  readonly objective: number;
  /** The rule sets to measure (default: all four); BENCH_SETS=generated,legacy overrides it while iterating. */
  readonly sets?: readonly RuleSetId[];
  readonly workDir: string;
  /** Keep the TSDBs (the raw blocks and each set's data directory) in workDir, to query them after the run. */
  readonly keep?: boolean;
  readonly log: (msg: string) => void;
}

const D = 86400;
const PERIOD_SECONDS = 30 * D;
/** promtool's compatible block ranges (2h × 3^k), https://github.com/prometheus/prometheus/blob/v2.42.0/cmd/promtool/backfill.go */
const BLOCK_RANGES_H = [2, 6, 18, 54, 162, 486];
/** Prometheus refuses range queries of more than 11,000 points per series. */
const MAX_POINTS = 11000;
const LOOKBACK_SECONDS = 300;

export interface RuleCost {
  readonly rule: BenchRule;
  readonly samples: number;
  /** Samples projected to a 30-day history (rules whose ranges reach past the history scale linearly). */
  readonly projected: number;
  readonly maxRangeSeconds: number;
  /** Engine time of this rule's expression (evalTotalTime), median over the measured repetitions, seconds. */
  readonly evalSeconds: number;
}

export interface SetResult {
  readonly id: RuleSetId;
  readonly title: string;
  readonly rules: number;
  readonly recordings: number;
  readonly alerts: number;
  readonly costs: readonly RuleCost[];
  /** Samples per cycle (every rule evaluated once), as measured on the history. */
  readonly samples: number;
  readonly projected: number;
  /** Projected samples per hour, each rule at its group's interval. */
  readonly projectedPerHour: number;
  /** Sum of the engine's evalTotalTime over one cycle, seconds, per repetition. */
  readonly evalSeconds: Summary;
  /**
   * Engine time per global evaluation interval (15 s) of wall clock, seconds, per repetition: each rule's
   * evalTotalTime × global interval / its group's interval (a 1m group runs once every four 15 s cycles). The CPU the
   * rules cost a running Prometheus.
   */
  readonly evalSecondsPerInterval: Summary;
  /** Client round trips of one cycle, seconds. */
  readonly wallSeconds: Summary;
  /** Whether every repetition counted the same samples. */
  readonly deterministic: boolean;
  readonly backfill: { readonly steps: number; readonly layers: number; readonly seconds: number; readonly restarts: number; readonly compactionWaitSeconds: number };
  /** Alerts with a result at the instant: `SLOErrorBudgetBurn/page/svc-01`, `SLOBreach/svc-04`. */
  readonly firing: readonly string[];
  /** `slo:sli_error:ratio_rate<window>` values by `service/window`. */
  readonly ratios: Readonly<Record<string, number>>;
}

export interface RuleEvalResult {
  readonly options: Omit<RuleEvalOptions, 'log' | 'workDir'>;
  readonly history: {
    readonly series: number;
    readonly samples: number;
    readonly bytes: number;
    readonly generateSeconds: number;
    readonly importSeconds: number;
    readonly importMaxRssBytes?: number;
    readonly blockBytes: number;
    readonly startSeconds: number;
    readonly endSeconds: number;
  };
  readonly scenarios: readonly { readonly service: string; readonly scenario: string; readonly description: string }[];
  readonly sets: readonly SetResult[];
  /** The naive formulation's 30-day error ratio per service (one extra query, not part of any cycle). */
  readonly naivePeriodRatios: Readonly<Record<string, number>>;
  readonly totalSeconds: number;
}

/** A fixed evaluation instant: the history fits one 486h-aligned block, so promtool parses its input once. */
export function evaluationInstant(days: number): number {
  const block = 486 * 3600;
  if (days * D + 12 * 3600 >= block) throw new Error(`--days must be at most 19 (one backfill block), got ${days}`);
  const base = Math.floor(1_700_000_000 / block) * block;
  return base + days * D + 12 * 3600;
}

/** The largest promtool block range whose range queries stay under Prometheus' point limit at `intervalSeconds`. */
export function blockHoursFor(intervalSeconds: number): number {
  let best = BLOCK_RANGES_H[0];
  for (const h of BLOCK_RANGES_H) if ((h * 3600) / intervalSeconds <= MAX_POINTS) best = h;
  return best;
}

/** Rule files of one backfill step: the step's recordings in their original groups and intervals. */
export function stepRuleGroups(step: BackfillStep): RuleGroup[] {
  const groups = new Map<string, { name: string; interval: string; rules: { record: string; expr: string; labels: Record<string, string> }[] }>();
  for (const r of step.rules) {
    const key = `${r.file}\u0000${r.group}`;
    const g = groups.get(key) ?? { name: `${r.group}`, interval: formatDuration(r.intervalSeconds), rules: [] };
    g.rules.push({ record: r.name, expr: r.expr, labels: { ...r.labels } });
    groups.set(key, g);
  }
  // Group names must be unique within a file: the same group name can come from two files.
  const seen = new Map<string, number>();
  return [...groups.values()].map((g) => {
    const n = (seen.get(g.name) ?? 0) + 1;
    seen.set(g.name, n);
    return n === 1 ? g : { ...g, name: `${g.name}-${n}` };
  });
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

function projectedSamples(rule: BenchRule, samples: number, historySeconds: number): { projected: number; maxRangeSeconds: number } {
  const ranges = rangesOf(rule.expr);
  const maxRangeSeconds = Math.max(0, ...ranges);
  if (maxRangeSeconds <= historySeconds) return { projected: samples, maxRangeSeconds };
  // Every range of these rules that reaches past the history is the period; a rule mixing such a range with shorter
  // ones would be over-projected (none does: checked by the unit tests of the rule sets).
  return { projected: (samples * Math.min(maxRangeSeconds, PERIOD_SECONDS)) / historySeconds, maxRangeSeconds };
}

/** The key of an alert's result series, for comparing alert behaviour across rule sets. */
function firingKey(rule: BenchRule, metric: Readonly<Record<string, string>>): string {
  const service = metric.sloth_service ?? metric.service ?? rule.labels.service ?? '?';
  const tier = rule.labels.sloth_severity;
  return tier ? `${rule.name}/${tier}/${service}` : `${rule.name}/${service}`;
}

/** A rule set's Prometheus, its recorded series backfilled and compacted: ready to be measured. */
interface PreparedSet {
  readonly set: RuleSet;
  readonly server: PrometheusServer;
  readonly backfill: SetResult['backfill'];
}

async function prepareSet(set: RuleSet, o: RuleEvalOptions, rawBlocks: string, endSeconds: number): Promise<PreparedSet> {
  const historySeconds = o.days * D;
  const dir = join(o.workDir, set.id);
  const dataDir = join(dir, 'data');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  for (const b of blockDirs(rawBlocks)) cpSync(join(rawBlocks, b), join(dataDir, b), { recursive: true });
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, toYaml({ global: { scrape_interval: '30s', evaluation_interval: o.evaluationInterval } }));
  const logFile = join(dir, 'prometheus.log');

  const planned = planRecordings(set.rules, { lookbackSeconds: LOOKBACK_SECONDS, historySeconds, granularitySeconds: 600 });
  const steps = backfillSteps(planned);
  const layers = [...new Set(steps.map((s) => s.layer))].sort((a, b) => a - b);
  let server: PrometheusServer | undefined;
  let backfillSeconds = 0;
  let restarts = 0;
  let compactionWaitSeconds = 0;
  try {
    server = await startPrometheus({ configFile, dataDir, logFile });
    for (const layer of layers) {
      const layerSteps = steps.filter((s) => s.layer === layer);
      const outDirs: string[] = [];
      for (const [i, step] of layerSteps.entries()) {
        const file = join(dir, `backfill-l${layer}-${i}.rules.yml`);
        writeFileSync(file, renderRuleFile(stepRuleGroups(step)));
        const out = join(dir, `blocks-l${layer}-${i}`);
        outDirs.push(out);
        const minInterval = Math.min(...step.rules.map((r) => r.intervalSeconds));
        const args = [
          'tsdb',
          'create-blocks-from',
          'rules',
          '-q',
          `--url=${server.url}`,
          `--start=${endSeconds - step.fromSeconds}`,
          `--end=${endSeconds}`,
          `--output-dir=${out}`,
          `--eval-interval=${o.evaluationInterval}`,
          `--max-block-duration=${blockHoursFor(minInterval)}h`,
          file,
        ];
        o.log(`  ${set.id}: backfilling layer ${layer}, ${step.rules.length} recordings over the last ${formatDuration(step.fromSeconds)}`);
        const r = runMeasured(PROMTOOL_BIN, args, { scratchDir: dir, timeoutMs: 1_800_000 });
        backfillSeconds += r.wallSeconds;
        if (r.status !== 0) throw new Error(`promtool rule backfill failed (${r.status}): ${r.stderr.slice(-2000)}`);
      }
      await server.stop();
      server = undefined;
      for (const out of outDirs) for (const b of blockDirs(out)) renameSync(join(out, b), join(dataDir, b));
      server = await startPrometheus({ configFile, dataDir, logFile });
      restarts++;
    }
    if (steps.length > 0) {
      o.log(`  ${set.id}: waiting for Prometheus to compact the backfilled blocks`);
      compactionWaitSeconds = (await waitForCompaction(server)).seconds;
    }
    return { set, server, backfill: { steps: steps.length, layers: layers.length, seconds: backfillSeconds, restarts, compactionWaitSeconds } };
  } catch (e) {
    if (server) await server.stop();
    throw e;
  }
}

/** What a set's first measured cycle saw: the alerts with a result, and the SLI error ratios by service/window. */
interface Seen {
  readonly firing: string[];
  readonly ratios: Record<string, number>;
}

/** One cycle of a set: every rule's expression as an instant query at the end of the history. */
interface Cycle {
  readonly samples: number[];
  readonly evals: number[];
  readonly eval: number;
  readonly wall: number;
}

async function measureCycle(p: PreparedSet, endSeconds: number, seen?: Seen): Promise<Cycle> {
  const samples: number[] = [];
  const evals: number[] = [];
  let evalSum = 0;
  let wallSum = 0;
  for (const rule of p.set.rules) {
    const q = await instantQuery(p.server.url, rule.expr, endSeconds);
    samples.push(q.samples);
    evals.push(q.evalSeconds);
    evalSum += q.evalSeconds;
    wallSum += q.wallSeconds;
    if (seen) {
      if (rule.kind === 'alert') for (const s of q.series) seen.firing.push(firingKey(rule, s.metric));
      const w = /^slo:sli_error:ratio_rate(.+)$/.exec(rule.name);
      if (w) for (const s of q.series) seen.ratios[`${s.metric.sloth_service ?? rule.labels.sloth_service}/${w[1]}`] = s.value;
    }
  }
  return { samples, evals, eval: evalSum, wall: wallSum };
}

function setResult(p: PreparedSet, perRep: readonly Cycle[], seen: Seen, o: RuleEvalOptions): SetResult {
  const { set } = p;
  const historySeconds = o.days * D;
  const firing = [...new Set(seen.firing)].sort();
  const first = perRep[0].samples;
  const deterministic = perRep.every((c) => c.samples.every((v, i) => v === first[i]));
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const costs = set.rules.map((rule, i): RuleCost => ({ rule, samples: first[i], ...projectedSamples(rule, first[i], historySeconds), evalSeconds: median(perRep.map((c) => c.evals[i])) }));
  // where the engine time goes: the costliest rules of the set
  for (const c of [...costs].sort((a, b) => b.evalSeconds - a.evalSeconds).slice(0, 12)) {
    o.log(`    ${set.id} ${(c.evalSeconds * 1000).toFixed(2)} ms ${c.samples} samples ${c.rule.group} ${c.rule.name} ${c.rule.expr.replace(/\s+/g, ' ').slice(0, 90)}`);
  }
  o.log(`    ${set.id}: ${costs.length} rules, median per rule ${(median(costs.map((c) => c.evalSeconds)) * 1000).toFixed(3)} ms`);
  const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
  const globalSeconds = parseDuration(o.evaluationInterval, 'evaluationInterval');
  // where the engine time goes, by group (median per rule summed), and each group's share per 15 s
  const groups = new Map<string, { rules: number; seconds: number; interval: number }>();
  for (const c of costs) {
    const family = groupFamily(c.rule.group);
    const g = groups.get(family) ?? groups.set(family, { rules: 0, seconds: 0, interval: c.rule.intervalSeconds }).get(family)!;
    g.rules++;
    g.seconds += c.evalSeconds;
  }
  for (const [name, g] of groups) o.log(`    ${set.id} group ${name} (${g.interval} s): ${g.rules} rules ${(g.seconds * 1000).toFixed(2)} ms per run, ${((g.seconds * globalSeconds * 1000) / g.interval).toFixed(2)} ms per ${globalSeconds} s`);
  return {
    id: set.id,
    title: set.title,
    rules: set.rules.length,
    recordings: set.rules.filter((r) => r.kind === 'record').length,
    alerts: set.rules.filter((r) => r.kind === 'alert').length,
    costs,
    samples: sum(costs.map((c) => c.samples)),
    projected: sum(costs.map((c) => c.projected)),
    projectedPerHour: sum(costs.map((c) => (c.projected * 3600) / c.rule.intervalSeconds)),
    evalSeconds: summarize(perRep.map((c) => c.eval)),
    evalSecondsPerInterval: summarize(perRep.map((c) => sum(c.evals.map((e, i) => (e * globalSeconds) / set.rules[i].intervalSeconds)))),
    wallSeconds: summarize(perRep.map((c) => c.wall)),
    deterministic,
    backfill: p.backfill,
    firing,
    ratios: seen.ratios,
  };
}

/**
 * Every set prepared on its own Prometheus (all running, idle between queries), then measured in interleaved
 * cycles — one warm-up, then `reps` rounds, each round every set once, the order rotated per round — so the sets
 * compared share the machine's conditions (a shared VM's speed drifts over minutes; sequential runs gave the same
 * pair ratios from 1/2.6 to 1/4.5).
 */
async function measureSets(sets: readonly RuleSet[], o: RuleEvalOptions, rawBlocks: string, endSeconds: number): Promise<SetResult[]> {
  const prepared: PreparedSet[] = [];
  try {
    for (const set of sets) {
      o.log(`rule-eval: preparing ${set.id} (${set.rules.length} rules)`);
      prepared.push(await prepareSet(set, o, rawBlocks, endSeconds));
    }
    const seen = prepared.map((): Seen => ({ firing: [], ratios: {} }));
    const perRep: Cycle[][] = prepared.map(() => []);
    for (let rep = 0; rep <= o.reps; rep++) {
      o.log(`rule-eval: ${rep === 0 ? 'warm-up cycle' : `round ${rep}/${o.reps}`}`);
      for (let k = 0; k < prepared.length; k++) {
        const i = (k + rep) % prepared.length;
        const c = await measureCycle(prepared[i], endSeconds, rep === 1 ? seen[i] : undefined);
        if (rep > 0) perRep[i].push(c);
      }
    }
    return prepared.map((p, i) => setResult(p, perRep[i], seen[i], o));
  } finally {
    for (const p of prepared) await p.server.stop();
    if (!o.keep) for (const set of sets) rmSync(join(o.workDir, set.id), { recursive: true, force: true });
  }
}

/** The naive 30-day ratio per service, from the raw counters (for the report's comparison of period values). */
async function naivePeriodRatios(o: RuleEvalOptions, rawBlocks: string, endSeconds: number): Promise<Record<string, number>> {
  const dir = join(o.workDir, 'period');
  const dataDir = join(dir, 'data');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  for (const b of blockDirs(rawBlocks)) cpSync(join(rawBlocks, b), join(dataDir, b), { recursive: true });
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, toYaml({ global: { evaluation_interval: o.evaluationInterval } }));
  const server = await startPrometheus({ configFile, dataDir, logFile: join(dir, 'prometheus.log') });
  try {
    const q = await instantQuery(
      server.url,
      `sum(rate(${REQUESTS_METRIC}{status=~"5.."}[30d])) by (service) / sum(rate(${REQUESTS_METRIC}[30d])) by (service)`,
      endSeconds,
    );
    return Object.fromEntries(q.series.map((s) => [s.metric.service, s.value]));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runRuleEval(o: RuleEvalOptions): Promise<RuleEvalResult> {
  const started = performance.now();
  mkdirSync(o.workDir, { recursive: true });
  const endSeconds = evaluationInstant(o.days);
  const spec: HistorySpec = { services: o.services, days: o.days, scrapeSeconds: o.scrapeSeconds, endSeconds, seed: o.seed };
  const omFile = join(o.workDir, 'history.om');
  o.log(`rule-eval: writing ${o.days} days of history for ${o.services} services (OpenMetrics)`);
  const hist = await writeOpenMetrics(omFile, spec);
  const rawBlocks = join(o.workDir, 'raw');
  rmSync(rawBlocks, { recursive: true, force: true });
  o.log(`rule-eval: importing ${(hist.bytes / 1e6).toFixed(0)} MB with promtool tsdb create-blocks-from openmetrics`);
  const imp = runMeasured(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', '-q', '--max-block-duration=486h', omFile, rawBlocks], {
    scratchDir: o.workDir,
    timeoutMs: 1_800_000,
  });
  rmSync(omFile, { force: true });
  if (imp.status !== 0) throw new Error(`promtool openmetrics backfill failed (${imp.status}): ${imp.stderr.slice(-2000)}`);

  const services = Array.from({ length: o.services }, (_, i) => historyServiceName(i));
  const setOptions = { services, objective: o.objective, evaluationInterval: o.evaluationInterval };
  // BENCH_SETS=generated,legacy measures only those (while iterating; the full report needs all four)
  const only = process.env.BENCH_SETS?.split(',') ?? o.sets;
  const all = [naiveRuleSet(setOptions), slothRuleSet(setOptions), legacyRuleSet(setOptions), generatedRuleSet(setOptions)];
  const sets = await measureSets(all.filter((x) => !only || only.includes(x.id)), o, rawBlocks, endSeconds);
  // the period values the report compares with the naive rule's, only when the naive set is measured
  const naivePeriod = sets.some((x) => x.id === 'naive') ? await naivePeriodRatios(o, rawBlocks, endSeconds) : {};
  const blockBytes = dirBytes(rawBlocks);
  if (!o.keep) rmSync(rawBlocks, { recursive: true, force: true });
  return {
    options: { services: o.services, days: o.days, scrapeSeconds: o.scrapeSeconds, reps: o.reps, seed: o.seed, evaluationInterval: o.evaluationInterval, objective: o.objective },
    history: {
      series: hist.series,
      samples: hist.samples,
      bytes: hist.bytes,
      generateSeconds: hist.seconds,
      importSeconds: imp.wallSeconds,
      importMaxRssBytes: imp.maxRssBytes,
      blockBytes,
      startSeconds: hist.startSeconds,
      endSeconds,
    },
    scenarios: services.map((s, i) => ({ service: s, scenario: scenarioOf(i).name, description: scenarioOf(i).description })),
    sets,
    naivePeriodRatios: naivePeriod,
    totalSeconds: (performance.now() - started) / 1000,
  };
}
