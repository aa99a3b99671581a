import { formatDuration, DurationString } from '../../src/common/duration';
import { ConfigError } from '../../src/common/errors';
import { AlertingRule, isAlertingRule, RuleFile } from '../../src/common/rules';
import { toYaml } from '../../src/common/serialize';
import { ALERT_LABELS, SLO_ALERT_NAMES, sliErrorRatioRecord, SLOTH_SEVERITY } from '../../src/conventions';
import { allSlos, SloDefinition, SloModel } from '../../src/slo/model';
import { sloFilter } from '../../src/slo/rules/expr';
import { generateSloRuleFiles, sloRuleGroupOrder } from '../../src/slo/rules/files';
import { humanize, humanizePercentage, SimSeries, SimSource, SimTick, simulateSlo } from './slo-simulate';

/**
 * The proof: `promtool test rules` cases generated from the model for every SLO, with expectations computed by the
 * reference simulation (simulate.ts) of the same rules on the same synthetic series. promtool then checks the real
 * rules agree at every checkpoint, and the claims (how fast a full outage pages, how soon a burst resets, that a
 * burn under 1× never alerts, that 4× opens a ticket and never pages) are read off the simulation.
 *
 * Format: https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/
 */

/** Typed `promtool test rules` file (camelCase; `renderRuleTestFile` maps it to upstream snake_case). */
export interface RuleTestFile {
  readonly fileName: string;
  readonly ruleFiles: readonly string[];
  readonly evaluationInterval: DurationString;
  readonly groupEvalOrder: readonly string[];
  readonly tests: readonly RuleTestGroup[];
}

export interface RuleTestGroup {
  readonly name: string;
  /** Input series step. */
  readonly interval: DurationString;
  readonly inputSeries: readonly { readonly series: string; readonly values: string }[];
  readonly alertRuleTests: readonly AlertRuleTest[];
  readonly promqlExprTests: readonly PromqlExprTest[];
}

export interface AlertRuleTest {
  readonly evalTime: DurationString;
  readonly alertname: string;
  readonly expAlerts: readonly { readonly expLabels: Readonly<Record<string, string>>; readonly expAnnotations: Readonly<Record<string, string>> }[];
}

export interface PromqlExprTest {
  readonly expr: string;
  readonly evalTime: DurationString;
  readonly expSamples: readonly { readonly labels: string; readonly value: number }[];
}

/** The upstream document of a test file. */
export function renderRuleTestFile(file: RuleTestFile): string {
  return toYaml({
    rule_files: [...file.ruleFiles],
    evaluation_interval: file.evaluationInterval,
    group_eval_order: [...file.groupEvalOrder],
    tests: file.tests.map((g) => ({
      name: g.name,
      interval: g.interval,
      input_series: g.inputSeries.map((s) => ({ series: s.series, values: s.values })),
      alert_rule_test: g.alertRuleTests.length
        ? g.alertRuleTests.map((a) => ({
            eval_time: a.evalTime,
            alertname: a.alertname,
            exp_alerts: a.expAlerts.map((e) => ({ exp_labels: { ...e.expLabels }, exp_annotations: { ...e.expAnnotations } })),
          }))
        : undefined,
      promql_expr_test: g.promqlExprTests.length
        ? g.promqlExprTests.map((p) => ({ expr: p.expr, eval_time: p.evalTime, exp_samples: p.expSamples.map((s) => ({ labels: s.labels, value: s.value })) }))
        : undefined,
    })),
  });
}

/** What the simulation (and so promtool) shows about an SLO's alerts. Times in seconds. */
export interface SloProofClaims {
  /** Evaluation interval of the page scenarios, and their clean history before the burst. */
  readonly evaluationInterval: number;
  readonly history: number;
  /** Full outage: seconds from the last good sample to the first page (undefined: never pages), at this resolution. */
  readonly outagePageAfter?: number;
  readonly outagePageResolution: number;
  /** The shortest full outage that pages (seconds, = outagePageAfter rounded to the input step), and when the page stops (from its last bad sample). */
  readonly burstSeconds?: number;
  readonly burstResetAfter?: number;
  /** Seconds from the last source sample to the absent-source alert firing. */
  readonly absentAfter?: number;
  /** The burn "just under 1x", how long it ran, and how many evaluations fired any alert under it (expected 0). */
  readonly underBurn: number;
  readonly underSeconds: number;
  readonly underAlertingEvaluations: number;
  /** The moderate burn: seconds from its start to the first ticket (undefined: none); evaluations that paged (expected 0). */
  readonly moderateBurn: number;
  readonly moderateTicketAfter?: number;
  readonly moderatePagingEvaluations: number;
  /** Traffic weighting (request-based SLIs): the recorded window ratio, the true ratio and Sloth's average of 5m ratios. */
  readonly weighted?: { readonly window: string; readonly at: number; readonly recorded: number; readonly trueRatio: number; readonly averageOfRatios: number };
}

/** The proof of an SLO shape: its rules alone, the test files that exercise them, and the claims. */
export interface SloProof {
  /** The SLO the files are generated for. */
  readonly slo: SloDefinition;
  /** Every SLO of the model with the same shape (same objective, SLI kind, windows, tiers, guard). */
  readonly covers: readonly SloDefinition[];
  /**
   * The SLO's rules alone (the same generator, a model holding just this SLO): its service file and the shared file,
   * each named `<sloth_id>.<file name>`.
   */
  readonly ruleFiles: readonly RuleFile[];
  readonly testFiles: readonly RuleTestFile[];
  readonly claims: SloProofClaims;
}

/** An SLO the proof cannot synthesize data for, and why. */
export interface SkippedProof {
  readonly slo: SloDefinition;
  readonly reason: string;
}

export interface SloProofOptions {
  /** Burn rate of the "never alerts" case. @default 0.9 */
  readonly underBurn?: number;
  /** Burn rate of the "ticket, no page" case. @default 4 */
  readonly moderateBurn?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Synthetic traffic

interface Phase {
  readonly seconds: number;
  /** Share of bad events (request-based) or of failed samples (time-based). */
  readonly badShare: number;
  /** Traffic multiplier (request-based). @default 1 */
  readonly scale?: number;
  /** No samples at all. */
  readonly missing?: boolean;
}

interface Scenario {
  readonly name: string;
  readonly stepSeconds: number;
  readonly evalSeconds: number;
  readonly phases: readonly Phase[];
}

interface Built {
  readonly source: SimSource;
  readonly series: readonly SimSeries[];
  readonly endSeconds: number;
}

const BAD_STATUS_CANDIDATES = ['500', '503', '502', '504', '429', '400', '404', '0', 'error', 'ERROR'];
const GOOD_STATUS_CANDIDATES = ['200', '201', '204', '0', 'ok', 'OK'];

function labelsCompare(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): number {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    if (a[ka[i]] !== b[kb[i]]) return a[ka[i]] < b[kb[i]] ? -1 : 1;
  }
  return ka.length - kb.length;
}

/** The per-sample traffic of a request-based SLI: total events per input sample. */
function requestsPerSample(slo: SloDefinition, shares: readonly { share: number; scale: number }[], stepSeconds: number): number {
  for (let r = 100; r <= 1e9; r *= 10) {
    const integral = shares.every(({ share, scale }) => {
      const total = r * scale;
      const bad = total * share;
      return Math.abs(total - Math.round(total)) < 1e-9 && Math.abs(bad - Math.round(bad)) < 1e-6;
    });
    const enough = slo.minRequestRate === undefined || (r * Math.min(...shares.map((s) => s.scale))) / stepSeconds >= 2 * slo.minRequestRate;
    if (integral && enough) return r;
  }
  throw new ConfigError({ path: `proof.${slo.id}`, message: 'cannot find whole numbers of requests for the proof traffic', value: shares });
}

function build(slo: SloDefinition, sc: Scenario, requests: number): Built {
  const step = sc.stepSeconds;
  const end = sc.phases.reduce((s, p) => s + p.seconds, 0);
  const n = Math.round(end / step);
  const phaseAt: (Phase & { index: number; start: number })[] = [];
  let start = 0;
  sc.phases.forEach((p, index) => {
    phaseAt.push({ ...p, index, start });
    start += p.seconds;
  });
  // Sample i describes (t_{i-1}, t_i]; sample 0 is the initial state.
  const phaseOf = (i: number): Phase & { index: number; start: number } => {
    const t = i * step;
    return phaseAt.find((p) => t > p.start && t <= p.start + p.seconds) ?? phaseAt[0];
  };
  const sli = slo.sli;
  if (sli.kind === 'availability') {
    const values: (number | undefined)[] = [];
    const counters = new Map<number, number>();
    for (let i = 0; i <= n; i++) {
      const p = phaseOf(i);
      if (p.missing) {
        values.push(undefined);
        continue;
      }
      if (p.badShare >= 1) {
        values.push(i === 0 ? 1 : 0);
        continue;
      }
      if (p.badShare <= 0 || i === 0) {
        values.push(1);
        continue;
      }
      const every = Math.round(1 / p.badShare);
      const k = (counters.get(p.index) ?? 0) + 1;
      counters.set(p.index, k);
      values.push(k % every === 0 ? 0 : 1);
    }
    const labels = { __name__: sli.metric, ...Object.fromEntries(sli.matchers.map((m) => [m.name, m.value])) };
    const samples: SimSeries = { labels, values, stepSeconds: step };
    return { source: { kind: 'availability', samples }, series: [samples], endSeconds: end };
  }
  if (sli.kind === 'raw') throw new Error('raw SLIs are not simulated');
  const good: (number | undefined)[] = [];
  const bad: (number | undefined)[] = [];
  let g = 0;
  let b = 0;
  for (let i = 0; i <= n; i++) {
    const p = phaseOf(i);
    if (p.missing) {
      good.push(undefined);
      bad.push(undefined);
      continue;
    }
    if (i > 0) {
      const total = Math.round(requests * (p.scale ?? 1));
      const nb = Math.round(total * p.badShare);
      g += total - nb;
      b += nb;
    }
    good.push(g);
    bad.push(b);
  }
  const base = Object.fromEntries(sli.matchers.map((m) => [m.name, m.value]));
  if (sli.kind === 'error-rate') {
    const re = new RegExp(`^(?:${sli.errorStatus})$`);
    const badStatus = BAD_STATUS_CANDIDATES.find((s) => re.test(s));
    const goodStatus = GOOD_STATUS_CANDIDATES.find((s) => !re.test(s));
    if (!badStatus || !goodStatus) throw new Error(`no status value to synthesize for errorStatus ${sli.errorStatus}`);
    const gs: SimSeries = { labels: { __name__: sli.metric, ...base, [sli.statusLabel]: goodStatus }, values: good, stepSeconds: step };
    const bs: SimSeries = { labels: { __name__: sli.metric, ...base, [sli.statusLabel]: badStatus }, values: bad, stepSeconds: step };
    const total = [gs, bs].sort((x, y) => labelsCompare(x.labels, y.labels));
    return { source: { kind: 'error-rate', errorSeries: [bs], totalSeries: total }, series: total, endSeconds: end };
  }
  const count: SimSeries = {
    labels: { __name__: sli.countMetric, ...base },
    values: good.map((v, i) => (v === undefined ? undefined : v + bad[i]!)),
    stepSeconds: step,
  };
  const bucket: SimSeries = { labels: { __name__: sli.bucketMetric, ...base, le: String(sli.threshold) }, values: good, stepSeconds: step };
  return { source: { kind: 'latency', count, bucket }, series: [bucket, count], endSeconds: end };
}

/** `metric{a="b",...}` of an input series. */
function seriesString(labels: Readonly<Record<string, string>>): string {
  const { __name__: name, ...rest } = labels;
  const parts = Object.keys(rest).sort().map((k) => `${k}=${JSON.stringify(rest[k])}`);
  return `${name}{${parts.join(',')}}`;
}

/** promtool's expanding notation: runs of constant increments as `a+bxn` (n+1 values), gaps as `_` / `_xn` (n gaps). */
export function encodeValues(values: readonly (number | undefined)[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < values.length) {
    if (values[i] === undefined) {
      let j = i;
      while (j < values.length && values[j] === undefined) j++;
      out.push(j - i === 1 ? '_' : `_x${j - i}`);
      i = j;
      continue;
    }
    const v = values[i]!;
    let j = i;
    const d = i + 1 < values.length && values[i + 1] !== undefined ? values[i + 1]! - v : 0;
    while (j + 1 < values.length && values[j + 1] !== undefined && values[j + 1]! - values[j]! === d) j++;
    if (j === i) out.push(String(v));
    else out.push(`${v}${d < 0 ? '-' : '+'}${Math.abs(d)}x${j - i}`);
    i = j + 1;
  }
  return out.join(' ');
}

// ---------------------------------------------------------------------------------------------------------------
// Expected alerts

function expandTemplate(text: string, value: number | undefined, labels: Readonly<Record<string, string>>, where: string): string {
  return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, body: string) => {
    const b = body.replace(/\s+/g, ' ');
    if (b === '$value | humanize' && value !== undefined) return humanize(value);
    if (b === '$value | humanizePercentage' && value !== undefined) return humanizePercentage(value);
    const lm = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(b);
    if (lm) return labels[lm[1]] ?? '<no value>';
    throw new Error(`${where}: the proof cannot predict the template {{ ${body} }}`);
  });
}

interface RuleSet {
  readonly page?: AlertingRule;
  readonly ticket?: AlertingRule;
  readonly absent?: AlertingRule;
  readonly breach?: AlertingRule;
}

function ruleSet(files: readonly RuleFile[], slo: SloDefinition): RuleSet {
  const alerts = files.flatMap((f) => f.groups.flatMap((g) => g.rules)).filter(isAlertingRule);
  return {
    page: alerts.find((a) => a.alert === slo.alertName && a.labels?.[ALERT_LABELS.slothSeverity] === SLOTH_SEVERITY.page),
    ticket: alerts.find((a) => a.alert === slo.alertName && a.labels?.[ALERT_LABELS.slothSeverity] === SLOTH_SEVERITY.ticket),
    absent: alerts.find((a) => a.alert === SLO_ALERT_NAMES.sourceAbsent),
    breach: alerts.find((a) => a.alert === SLO_ALERT_NAMES.breach),
  };
}

/**
 * Labels of the series an alert's expression returns (before the rule's labels): the SLO's identity and, joined from
 * its definition, its objective and extra labels; no `sloth_window`. The absent recording also carries the selector's
 * labels, and a latency SLO's its threshold's `le` (as a Go client writes it).
 */
function seriesLabels(slo: SloDefinition, which: 'burn' | 'absent' | 'breach'): Record<string, string> {
  const id = { sloth_id: slo.id, sloth_service: slo.service, sloth_slo: slo.name, sloth_objective: String(slo.objective) };
  if (which !== 'absent' || slo.sli.kind === 'raw') return { ...slo.labels, ...id };
  const out: Record<string, string> = { ...slo.labels, ...id };
  for (const m of slo.sli.matchers) if (m.op === '=') out[m.name] = m.value;
  if (slo.sli.kind === 'latency') out.le = String(slo.sli.threshold);
  return out;
}

function expectedAlert(rule: AlertingRule, base: Record<string, string>, value: number | undefined, where: string) {
  // Prometheus expands the rule's labels and annotations with the expression's labels as $labels.
  const labels: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(rule.labels ?? {})) labels[k] = expandTemplate(v, value, base, where);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(rule.annotations ?? {})) annotations[k] = expandTemplate(v, value, base, where);
  return { expLabels: sortObject(labels), expAnnotations: sortObject(annotations) };
}

function sortObject(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

function alertTests(slo: SloDefinition, rules: RuleSet, ticks: readonly SimTick[], at: readonly number[], names: readonly string[], where: string): AlertRuleTest[] {
  const byT = new Map(ticks.map((t) => [t.t, t]));
  const out: AlertRuleTest[] = [];
  for (const t of [...new Set(at)].sort((a, b) => a - b)) {
    const tick = byT.get(t);
    if (!tick) throw new Error(`${where}: no evaluation at ${t}s`);
    for (const name of names) {
      const exp = [];
      if (name === slo.alertName) {
        if (tick.page.firing && rules.page) exp.push(expectedAlert(rules.page, seriesLabels(slo, 'burn'), tick.page.value, where));
        if (tick.ticket.firing && rules.ticket) exp.push(expectedAlert(rules.ticket, seriesLabels(slo, 'burn'), tick.ticket.value, where));
      } else if (name === SLO_ALERT_NAMES.sourceAbsent) {
        if (tick.absent.firing && rules.absent) exp.push(expectedAlert(rules.absent, seriesLabels(slo, 'absent'), 1, where));
      } else if (name === SLO_ALERT_NAMES.breach) {
        if (tick.breach.firing && rules.breach) exp.push(expectedAlert(rules.breach, seriesLabels(slo, 'breach'), tick.breach.value, where));
      }
      out.push({ evalTime: formatDuration(t), alertname: name, expAlerts: exp });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

function firstTick(ticks: readonly SimTick[], from: number, pred: (t: SimTick) => boolean): SimTick | undefined {
  return ticks.find((t) => t.t >= from && pred(t));
}

function roundUp(seconds: number, step: number): number {
  return Math.ceil(seconds / step) * step;
}

/** What makes two SLOs' rules behave identically (everything but names, labels and selectors). */
export function sloShapeKey(slo: SloDefinition): string {
  const sli = slo.sli;
  const sliKey =
    sli.kind === 'availability' ? { kind: sli.kind, source: sli.source } : sli.kind === 'raw' ? { kind: sli.kind, id: slo.id } : { kind: sli.kind };
  return JSON.stringify({
    sli: sliKey,
    objective: slo.objective,
    period: slo.period,
    windows: slo.alertWindows,
    page: slo.page.enabled,
    ticket: slo.ticket.enabled,
    guard: slo.minRequestRate ?? null,
    badEvents: slo.minBadEvents ?? null,
    alertName: slo.alertName,
  });
}

/**
 * The proofs of a model: one per SLO shape (SLOs whose rules differ only by names, labels and selectors share one;
 * `covers` lists them), so a catalog of hundreds of services is proven by a handful of promtool runs. Raw SLIs are
 * returned in `skipped`: their queries are arbitrary PromQL the proof cannot synthesize data for.
 */
export function sloProofs(model: SloModel, options: SloProofOptions = {}): { proofs: SloProof[]; skipped: SkippedProof[] } {
  const proofs: SloProof[] = [];
  const skipped: SkippedProof[] = [];
  const byShape = new Map<string, { first: SloDefinition; covers: SloDefinition[] }>();
  for (const slo of allSlos(model)) {
    if (slo.sli.kind === 'raw') {
      skipped.push({ slo, reason: 'raw SLIs are arbitrary PromQL: the proof cannot synthesize their source series' });
      continue;
    }
    const key = sloShapeKey(slo);
    const entry = byShape.get(key);
    if (entry) entry.covers.push(slo);
    else byShape.set(key, { first: slo, covers: [slo] });
  }
  for (const { first, covers } of byShape.values()) proofs.push({ ...sloProof(model, first, options), covers });
  return { proofs, skipped };
}

/**
 * The proof of one SLO (not for raw SLIs): two test files.
 *
 * `<id>.fast.test.yml`, evaluated at the model's evaluation interval (15s): clean traffic long enough for the page
 * windows (half the slow page window, at least the quick one plus its short window: 3h), then a full outage exactly
 * as long as it takes to page (the shortest burst that pages), recovery until the page stops, then no samples at
 * all (the absent-source alert). Less history than a steady state only makes the long windows more eager, so a reset
 * shown here also happens with more history.
 *
 * `<id>.slow.test.yml`, evaluated at the tile interval (5m, so tiles are recorded as often as in Prometheus): a burn
 * just under 1× from the start, over the longest ticket window plus its short window, then a moderate burn at half
 * the traffic until the ticket has fired (halfway through, the 6h ratio straddles two traffic levels: the
 * traffic-weighting check).
 */
export function sloProof(model: SloModel, slo: SloDefinition, options: SloProofOptions = {}): SloProof {
  const settings = model.settings;
  const single: SloModel = { settings, services: [{ name: slo.service, slos: [slo] }] };
  const generated = generateSloRuleFiles(single);
  const ruleFiles: RuleFile[] = generated.map((f) => ({ fileName: `${slo.id}.${f.fileName}`, groups: f.groups }));
  const rules = ruleSet(ruleFiles, slo);
  const groupOrder = sloRuleGroupOrder(single).filter((g) => generated.some((f) => f.groups.some((x) => x.name === g)));
  const underBurn = options.underBurn ?? 0.9;
  const moderateBurn = options.moderateBurn ?? 4;
  const b = slo.errorBudget;
  const fastStep = settings.evaluationInterval.seconds;
  const slowStep = settings.tileInterval.seconds;
  const inputStep = fastStep;
  const pq = slo.alertWindows.page.quick;
  const ps = slo.alertWindows.page.slow;
  const ts = slo.alertWindows.ticket.slow;
  const moderateScale = 0.5;
  const requests = slo.requestBased
    ? requestsPerSample(
        slo,
        [
          { share: 0, scale: 1 },
          { share: 1, scale: 1 },
          { share: underBurn * b, scale: 1 },
          { share: moderateBurn * b, scale: moderateScale },
        ],
        inputStep,
      )
    : 1;
  const where = `proof ${slo.id}`;
  const alertNames = [slo.alertName, SLO_ALERT_NAMES.breach, ...(settings.absent.enabled ? [SLO_ALERT_NAMES.sourceAbsent] : [])];
  const run = (sc: Scenario): { built: Built; ticks: SimTick[] } => {
    const built = build(slo, sc, requests);
    return { built, ticks: simulateSlo(slo, settings, built.source, sc.evalSeconds, built.endSeconds) };
  };
  const testGroup = (sc: Scenario, built: Built, ticks: readonly SimTick[], at: readonly number[], promql: PromqlExprTest[] = []): RuleTestGroup => ({
    name: `${slo.id}: ${sc.name}`,
    interval: formatDuration(sc.stepSeconds),
    inputSeries: built.series.map((s) => ({ series: seriesString(s.labels), values: encodeValues(s.values) })),
    alertRuleTests: alertTests(slo, rules, ticks, at.filter((t) => t > 0 && t <= built.endSeconds), alertNames, where),
    promqlExprTests: promql,
  });

  // How long a full outage takes to page, after clean history.
  const history = Math.max(pq.longWindow.seconds + pq.shortWindow.seconds, ps.longWindow.seconds / 2);
  const probe = run({ name: 'probe', stepSeconds: inputStep, evalSeconds: fastStep, phases: [{ seconds: history, badShare: 0 }, { seconds: ps.longWindow.seconds, badShare: 1 }] });
  const probePage = firstTick(probe.ticks, history + fastStep, (t) => t.page.firing);
  const pageDelay = probePage ? probePage.t - history : undefined;

  // Fast file: a full outage exactly as long as it takes to page (the shortest burst that pages), recovery until the
  // page stops, then no samples at all. When the quick page windows cannot page (objectives where factor x budget
  // >= 1, or no page tier), an hour of outage instead, and the slow file runs the long one.
  const quickPage = pageDelay !== undefined && pageDelay <= pq.longWindow.seconds;
  const burstSeconds = quickPage ? roundUp(pageDelay, inputStep) : undefined;
  const silence = settings.absent.window.seconds + settings.absent.for.seconds + 4 * fastStep;
  const fastPhases = (recovery: number): Phase[] => [
    { seconds: history, badShare: 0 },
    ...(burstSeconds !== undefined ? [{ seconds: burstSeconds, badShare: 1 }, { seconds: recovery, badShare: 0 }] : [{ seconds: pq.longWindow.seconds, badShare: 1 }]),
    { seconds: silence, badShare: 0, missing: true },
  ];
  let recovery = ps.shortWindow.seconds + pq.longWindow.seconds;
  if (burstSeconds !== undefined) {
    const p = run({ name: 'probe', stepSeconds: inputStep, evalSeconds: fastStep, phases: fastPhases(recovery) });
    const off = firstTick(p.ticks, history + burstSeconds, (t) => !t.page.firing);
    if (off) recovery = Math.max(off.t - history - burstSeconds, pq.shortWindow.seconds) + 4 * fastStep;
  }
  const fastSc: Scenario = {
    name: burstSeconds !== undefined ? `a ${burstSeconds}s full outage pages, recovers, then the source disappears` : 'an hour of full outage, then the source disappears',
    stepSeconds: inputStep,
    evalSeconds: fastStep,
    phases: fastPhases(recovery),
  };
  const fast = run(fastSc);
  const at: number[] = [history];
  let outagePageAfter: number | undefined;
  let burstResetAfter: number | undefined;
  const outageEnd = history + (burstSeconds ?? pq.longWindow.seconds);
  const on = firstTick(fast.ticks, history + fastStep, (t) => t.page.firing && t.t <= outageEnd);
  if (on) {
    outagePageAfter = on.t - history;
    at.push(on.t - fastStep, on.t);
  }
  const off = on ? firstTick(fast.ticks, on.t, (t) => !t.page.firing) : undefined;
  if (burstSeconds !== undefined && off) {
    burstResetAfter = off.t - outageEnd;
    at.push(off.t - fastStep, off.t);
  }
  at.push(outageEnd);
  const lastSample = outageEnd + (burstSeconds !== undefined ? recovery : 0);
  at.push(lastSample);
  const absentOn = settings.absent.enabled ? firstTick(fast.ticks, lastSample, (t) => t.absent.firing) : undefined;
  const absentAfter = absentOn ? absentOn.t - lastSample : undefined;
  if (absentOn) at.push(absentOn.t - fastStep, absentOn.t);
  at.push(fast.built.endSeconds);
  const fastFile: RuleTestFile = {
    fileName: `${slo.id}.fast.test.yml`,
    ruleFiles: ruleFiles.map((f) => f.fileName),
    evaluationInterval: settings.evaluationInterval.toString(),
    groupEvalOrder: groupOrder,
    tests: [testGroup(fastSc, fast.built, fast.ticks, at)],
  };

  // Slow file: under 1x, then a moderate burn at half the traffic. Request counters need no 15s resolution there.
  const slowInputStep = slo.requestBased ? 60 : inputStep;
  const slowRequests = slo.requestBased ? requests * (slowInputStep / inputStep) : 1;
  const underSeconds = ts.longWindow.seconds + ts.shortWindow.seconds;
  const slowScenario = (moderateSeconds: number): Scenario => ({
    name: `${underBurn}x burn never alerts, then ${moderateBurn}x opens a ticket and never pages`,
    stepSeconds: slowInputStep,
    evalSeconds: slowStep,
    phases: [
      { seconds: underSeconds, badShare: underBurn * b },
      { seconds: moderateSeconds, badShare: moderateBurn * b, scale: moderateScale },
    ],
  });
  const runSlow = (sc: Scenario): { built: Built; ticks: SimTick[] } => {
    const built = build(slo, sc, slowRequests);
    return { built, ticks: simulateSlo(slo, settings, built.source, sc.evalSeconds, built.endSeconds) };
  };
  const wWindow = ps.longWindow.toString();
  const wSeconds = ps.longWindow.seconds;
  const slowProbe = runSlow(slowScenario(86400));
  const probeTicket = firstTick(slowProbe.ticks, underSeconds + slowStep, (t) => t.ticket.firing);
  const moderateSeconds = Math.min(86400, roundUp(Math.max(probeTicket ? probeTicket.t - underSeconds + 3600 : 86400, slo.requestBased ? wSeconds / 2 : 0), slowStep));
  const slowSc = slowScenario(moderateSeconds);
  const slow = runSlow(slowSc);
  const underTicks = slow.ticks.filter((t) => t.t <= underSeconds);
  const underAlertingEvaluations = underTicks.filter((t) => t.page.firing || t.ticket.firing || t.breach.firing).length;
  const ticketTick = firstTick(slow.ticks, underSeconds + slowStep, (t) => t.ticket.firing);
  const moderatePagingEvaluations = slow.ticks.filter((t) => t.page.firing).length;
  const slowAt: number[] = [slowStep, 3600, underSeconds, slow.built.endSeconds];
  for (let t = 6 * 3600; t < slow.built.endSeconds; t += 6 * 3600) slowAt.push(t);
  if (ticketTick) slowAt.push(ticketTick.t - slowStep, ticketTick.t);

  // Traffic weighting: halfway through the 6h window into the moderate burn, it holds two traffic levels.
  let weighted: SloProofClaims['weighted'];
  const promql: PromqlExprTest[] = [];
  if (slo.requestBased && wSeconds / 2 <= moderateSeconds) {
    const t = underSeconds + wSeconds / 2;
    const tick = slow.ticks.find((x) => x.t === t);
    const recorded = tick?.ratios[wWindow];
    if (tick && recorded !== undefined) {
      const under = underBurn * b;
      const mod = moderateBurn * b;
      const trueRatio = (under * 1 + mod * moderateScale) / (1 + moderateScale);
      const inWindow = slow.ticks.filter((x) => x.t >= t - wSeconds && x.t <= t).map((x) => x.ratios[String(pq.shortWindow)]).filter((x): x is number => x !== undefined);
      const averageOfRatios = inWindow.reduce((s, x) => s + x, 0) / inWindow.length;
      weighted = { window: wWindow, at: t, recorded, trueRatio, averageOfRatios };
      const labels = Object.entries({ ...slo.labels, sloth_id: slo.id, sloth_service: slo.service, sloth_slo: slo.name, sloth_window: wWindow })
        .sort(([a], [c]) => (a < c ? -1 : 1))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ');
      promql.push({ expr: `${sliErrorRatioRecord(wWindow)}${sloFilter(slo)}`, evalTime: formatDuration(t), expSamples: [{ labels: `${sliErrorRatioRecord(wWindow)}{${labels}}`, value: recorded }] });
    }
  }
  const slowGroups = [testGroup(slowSc, slow.built, slow.ticks, slowAt, promql)];

  // A page that needs more than the quick windows: the long outage, at the tile interval.
  let outagePageResolution = fastStep;
  if (!quickPage && pageDelay !== undefined) {
    const longSc: Scenario = {
      name: 'a full outage pages through the slow page windows',
      stepSeconds: inputStep,
      evalSeconds: slowStep,
      phases: [{ seconds: history, badShare: 0 }, { seconds: roundUp(pageDelay, slowStep) + 2 * slowStep, badShare: 1 }],
    };
    const long = run(longSc);
    const on = firstTick(long.ticks, history + slowStep, (t) => t.page.firing);
    outagePageAfter = on ? on.t - history : undefined;
    outagePageResolution = slowStep;
    slowGroups.push(testGroup(longSc, long.built, long.ticks, [history, ...(on ? [on.t - slowStep, on.t] : []), long.built.endSeconds]));
  }
  const slowFile: RuleTestFile = {
    fileName: `${slo.id}.slow.test.yml`,
    ruleFiles: ruleFiles.map((f) => f.fileName),
    evaluationInterval: settings.tileInterval.toString(),
    groupEvalOrder: groupOrder,
    tests: slowGroups,
  };

  return {
    slo,
    covers: [slo],
    ruleFiles,
    testFiles: [fastFile, slowFile],
    claims: {
      evaluationInterval: fastStep,
      history,
      outagePageAfter,
      outagePageResolution,
      burstSeconds,
      burstResetAfter,
      absentAfter,
      underBurn,
      underSeconds,
      underAlertingEvaluations,
      moderateBurn,
      moderateTicketAfter: ticketTick ? ticketTick.t - underSeconds : undefined,
      moderatePagingEvaluations,
      weighted,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The low-traffic guard

/** What the guard proof shows (seconds). */
export interface GuardProofClaims {
  /** Requests per hour of the low-traffic service. */
  readonly requestsPerHour: number;
  /** One failed request: evaluations that page with the guard (expected 0) and without it (Sloth's shape: > 0). */
  readonly loneFailurePages: number;
  readonly loneFailurePagesUnguarded: number;
  /** A full outage: seconds from its start to the first page, with the guard and without it (Sloth's shape). */
  readonly outagePageAfter?: number;
  readonly outagePageAfterUnguarded?: number;
}

/**
 * The bad-event guard, proven on a service of 60 requests/hour (one per minute): after 2h of clean traffic, (a) one
 * lone failed request never pages although both page-quick windows exceed 14.4× (the simulation without the guard,
 * Sloth's shape, pages), and (b) an hour of full outage pages. One test file, `<id>.guard.test.yml`.
 */
export function guardProof(model: SloModel, slo: SloDefinition): { ruleFiles: RuleFile[]; testFile: RuleTestFile; claims: GuardProofClaims } {
  if (!slo.requestBased || slo.sli.kind === 'raw' || slo.minBadEvents === undefined) throw new Error(`${slo.id}: the guard proof needs a guarded request-based SLI`);
  const settings = model.settings;
  const single: SloModel = { settings, services: [{ name: slo.service, slos: [slo] }] };
  const generated = generateSloRuleFiles(single);
  const ruleFiles: RuleFile[] = generated.map((f) => ({ fileName: `${slo.id}.guard.${f.fileName}`, groups: f.groups }));
  const rules = ruleSet(ruleFiles, slo);
  const evalSeconds = settings.evaluationInterval.seconds;
  const step = 60;
  const history = 2 * 3600;
  const where = `guard proof ${slo.id}`;
  const run = (sc: Scenario, s: SloDefinition) => {
    const built = build(s, sc, 1);
    return { built, ticks: simulateSlo(s, settings, built.source, evalSeconds, built.endSeconds) };
  };
  const unguarded: SloDefinition = { ...slo, minBadEvents: undefined };
  const pages = (ticks: readonly SimTick[]) => ticks.filter((t) => t.page.firing).length;
  const group = (sc: Scenario, built: Built, ticks: readonly SimTick[], at: readonly number[], promql: PromqlExprTest[]): RuleTestGroup => ({
    name: `${slo.id}: ${sc.name}`,
    interval: formatDuration(step),
    inputSeries: built.series.map((s) => ({ series: seriesString(s.labels), values: encodeValues(s.values) })),
    alertRuleTests: alertTests(slo, rules, ticks, at, [slo.alertName], where),
    promqlExprTests: promql,
  });

  // (a) one failed request
  const lone: Scenario = { name: 'one lone failure at 60 requests/hour never pages', stepSeconds: step, evalSeconds, phases: [{ seconds: history, badShare: 0 }, { seconds: step, badShare: 1 }, { seconds: 3600, badShare: 0 }] };
  const a = run(lone, slo);
  const aUnguarded = run(lone, unguarded);
  const failedAt = history + step;
  const aAt: number[] = [];
  for (let t = failedAt; t <= failedAt + 3600; t += 300) aAt.push(t);
  const firstUnguarded = aUnguarded.ticks.find((t) => t.page.firing);
  if (firstUnguarded) aAt.push(firstUnguarded.t);
  const q = slo.alertWindows.page.quick;
  const ratioAt = (t: number, w: string): PromqlExprTest => {
    const tick = a.ticks.find((x) => x.t === t)!;
    const labels = `${sliErrorRatioRecord(w)}{sloth_id=${JSON.stringify(slo.id)}, sloth_service=${JSON.stringify(slo.service)}, sloth_slo=${JSON.stringify(slo.name)}, sloth_window=${JSON.stringify(w)}}`;
    return { expr: `${sliErrorRatioRecord(w)}${sloFilter(slo)}`, evalTime: formatDuration(t), expSamples: [{ labels, value: tick.ratios[w]! }] };
  };
  const promql = firstUnguarded ? [ratioAt(firstUnguarded.t, q.shortWindow.toString()), ratioAt(firstUnguarded.t, q.longWindow.toString())] : [];

  // (b) an hour of full outage
  const outage: Scenario = { name: 'an hour of full outage at 60 requests/hour pages', stepSeconds: step, evalSeconds, phases: [{ seconds: history, badShare: 0 }, { seconds: 3600, badShare: 1 }] };
  const b = run(outage, slo);
  const bUnguarded = run(outage, unguarded);
  const on = b.ticks.find((t) => t.t > history && t.page.firing);
  const onUnguarded = bUnguarded.ticks.find((t) => t.t > history && t.page.firing);
  const bAt = [history, ...(on ? [on.t - evalSeconds, on.t] : []), b.built.endSeconds];

  const testFile: RuleTestFile = {
    fileName: `${slo.id}.guard.test.yml`,
    ruleFiles: ruleFiles.map((f) => f.fileName),
    evaluationInterval: settings.evaluationInterval.toString(),
    groupEvalOrder: sloRuleGroupOrder(single).filter((g) => generated.some((f) => f.groups.some((x) => x.name === g))),
    tests: [group(lone, a.built, a.ticks, aAt, promql), group(outage, b.built, b.ticks, bAt, [])],
  };
  return {
    ruleFiles,
    testFile,
    claims: {
      requestsPerHour: 3600 / step,
      loneFailurePages: pages(a.ticks),
      loneFailurePagesUnguarded: pages(aUnguarded.ticks),
      outagePageAfter: on ? on.t - history : undefined,
      outagePageAfterUnguarded: onUnguarded ? onUnguarded.t - history : undefined,
    },
  };
}
