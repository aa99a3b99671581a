// @grafana/lezer-logql 0.3 ships CommonJS (`require` → index.cjs) and ESM (`import` → index.es.js) behind its
// `exports` map. This project compiles to CommonJS (`module: node20`): `grammar()` below `require()`s index.cjs on the
// first validation (under ts-jest, tsx and node alike); the types come from the `types` condition. (0.4 needs Node 24.)
import type { parser } from '@grafana/lezer-logql';
import { ConfigError, ConfigProblem } from '../common/errors';
import { once } from '../common/memo';
import {
  DURATION_FIX,
  PLACEHOLDER_FIX,
  ExpressionProblem,
  Prepared,
  badEscape,
  bracketIssue,
  bracketRanges,
  closest,
  expressionProblem,
  findPlaceholder,
  isDuration,
  isZeroDuration,
  notAnExpression,
  placeholderIn,
  prepare,
  regexError,
  regexMatchesEmpty,
  shorten,
  tokenAt,
  tokenBefore,
  unknownCall,
  unquote,
} from './source';

/**
 * Synth-time LogQL validation with lezer-logql (the grammar of Grafana's Loki query editor), plus the checks Loki
 * makes when it plans a query (https://grafana.com/docs/loki/latest/query/): a stream selector needs a matcher that
 * cannot match empty, `| unwrap` is required by (and only allowed with) the aggregations over unwrapped values,
 * regular expressions and string escapes must be valid.
 */

type Node = ReturnType<typeof parser.parse>['topNode'];

/** The LogQL grammar, loaded on the first validation, not when the library loads, and kept (no `require()` per validation). */
const grammar = once((): typeof parser => (require('@grafana/lezer-logql') as { parser: typeof parser }).parser);

export interface LogQLOptions {
  /**
   * Replace Grafana variables and macros (`$__auto`, `$__interval`, `$__range`, `$var`, `${var}`, `[[var]]`) by
   * valid stand-ins before parsing (a duration inside `[]`). Positions in messages refer to the original text.
   * @default false
   */
  readonly placeholders?: boolean;
  /**
   * Require a metric query (one that returns numbers), as Loki ruler rules and graph panels do; a log query
   * (`{app="x"} |= "error"`) is then a problem.
   * @default false
   */
  readonly metric?: boolean;
}

export type LogQLProblem = ExpressionProblem;

const LOGQL_DOC = 'https://grafana.com/docs/loki/latest/query/';
const METRIC_DOC = 'https://grafana.com/docs/loki/latest/query/metric_queries/';

const RANGE_OPS = [
  'count_over_time',
  'rate',
  'rate_counter',
  'bytes_over_time',
  'bytes_rate',
  'avg_over_time',
  'sum_over_time',
  'min_over_time',
  'max_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'first_over_time',
  'last_over_time',
  'absent_over_time',
];
const VECTOR_OPS = ['sum', 'avg', 'count', 'max', 'min', 'stddev', 'stdvar', 'bottomk', 'topk', 'sort', 'sort_desc'];
const OTHER_CALLS = ['label_replace', 'vector', 'bytes', 'duration', 'duration_seconds', 'ip'];
const KEYWORDS = ['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless'];
const CALLS = new Set([...RANGE_OPS, ...VECTOR_OPS, ...OTHER_CALLS, ...KEYWORDS]);
const STAGES = ['json', 'logfmt', 'regexp', 'pattern', 'unpack', 'line_format', 'label_format', 'drop', 'keep', 'decolorize', 'unwrap'];

/** Range aggregations over unwrapped sample values; they need `| unwrap <label>`. */
const NEEDS_UNWRAP = new Set(['AvgOverTime', 'SumOverTime', 'MinOverTime', 'MaxOverTime', 'StddevOverTime', 'StdvarOverTime', 'QuantileOverTime', 'FirstOverTime', 'LastOverTime', 'RateCounter']);
/** Range aggregations over log lines; they must not unwrap. */
const NO_UNWRAP = new Set(['CountOverTime', 'BytesOverTime', 'BytesRate', 'AbsentOverTime']);

/** Go durations (time.ParseDuration), which Loki also accepts: `1.5h`, `300ms`. */
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

/** Every problem of a LogQL expression (empty when it is valid). */
export function logqlProblems(expr: string, path: string, options: LogQLOptions = {}): ConfigProblem[] {
  const basic = notAnExpression('LogQL', expr, path, 'sum by (app) (count_over_time({app="api"} |= "error" [5m]))');
  if (basic.length > 0) return basic;
  const prepared = prepare(expr, options.placeholders ?? false);
  const tree = grammar().parse(prepared.text);
  let errorPos = -1;
  tree.iterate({
    enter: (n) => {
      if (errorPos >= 0) return false;
      if (n.type.isError) errorPos = n.from;
      return undefined;
    },
  });
  const problems: LogQLProblem[] = [];
  const add = (pos: number, what: string, fix: string): void => {
    problems.push(expressionProblem('LogQL', expr, path, pos, what, fix));
  };
  if (errorPos >= 0) {
    const p = syntaxProblem(expr, prepared, tree.topNode, errorPos, options);
    add(p.pos, p.what, p.fix);
    return problems;
  }
  semanticChecks(expr, prepared, tree.topNode, options, add);
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** @throws ConfigError listing every problem of the LogQL expression. */
export function validateLogQL(expr: string, path: string, options: LogQLOptions = {}): void {
  const problems = logqlProblems(expr, path, options);
  if (problems.length > 0) throw new ConfigError(problems);
}

interface Found {
  readonly pos: number;
  readonly what: string;
  readonly fix: string;
}

function quoteName(q: string): string {
  return q === '"' ? 'double quote (")' : q === "'" ? "single quote (')" : 'backtick (`)';
}

function isLogDuration(s: string): boolean {
  return isDuration(s) || GO_DURATION.test(s);
}

function syntaxProblem(expr: string, prepared: Prepared, top: Node, errorPos: number, options: LogQLOptions): Found {
  const text = prepared.text;
  const skip = Uint8Array.from(prepared.lexed.masked);
  for (const p of prepared.placeholders) skip.fill(1, p.from, p.to);

  const placeholder = options.placeholders ? undefined : findPlaceholder(text, prepared.lexed);
  if (placeholder) return { pos: placeholder.pos, what: `"${placeholder.text}" is a Grafana variable or template placeholder, not LogQL`, fix: PLACEHOLDER_FIX };

  const open = prepared.lexed.strings.find((s) => !s.closed);
  if (open) return { pos: open.from, what: 'unterminated string', fix: `end the string with a matching ${quoteName(open.quote)}.` };

  const bracket = bracketIssue(text, prepared.lexed);
  if (bracket) return bracket;

  const call = unknownCall(text, skip, (name) => CALLS.has(name));
  if (call) {
    const before = tokenBefore(text, call.pos);
    if (/^(by|without)$/.test(before)) return { pos: call.pos, what: `"${before}" needs its labels in parentheses`, fix: `write ${before} (${call.name}).` };
    const guess = closest(call.name, [...VECTOR_OPS, ...RANGE_OPS, ...OTHER_CALLS]);
    return {
      pos: call.pos,
      what: `unknown function "${call.name}"`,
      fix: guess ? `did you mean "${guess}"? (${METRIC_DOC})` : `use a LogQL range aggregation (count_over_time, rate, sum_over_time, ...) or aggregation operator (sum, avg, topk, ...): ${METRIC_DOC}.`,
    };
  }

  // A range aggregation whose log query has no [range].
  const cursor = top.cursor();
  do {
    if (cursor.name !== 'RangeAggregationExpr') continue;
    const agg = cursor.node;
    const logRange = agg.getChild('LogRangeExpr');
    if (!logRange || logRange.getChild('Range')) continue;
    const op = expr.slice(agg.from, (agg.getChild('RangeOp') as Node).to);
    const at = logRange.from + expr.slice(logRange.from, logRange.to).trimEnd().length;
    const spacer = logRange.getChild('PipelineExpr') ? ' ' : '';
    return { pos: at, what: `${op}() needs a range after its log query`, fix: `add one, e.g. ${expr.slice(agg.from, at)}${spacer}[5m]${expr.slice(at, agg.to)}.` };
  } while (cursor.next());

  for (const b of bracketRanges(text, skip)) {
    const part = b.parts[0];
    if (b.parts.length > 1 || part.text === '') {
      return { pos: b.open + 1, what: `invalid range "[${expr.slice(b.open + 1, b.close)}]"`, fix: 'write one duration inside the brackets, e.g. [5m] (LogQL has no subqueries).' };
    }
    if (placeholderIn(prepared, part.from, part.from + part.text.length) || isLogDuration(part.text)) continue;
    if (/^\d+$/.test(part.text)) return { pos: part.from, what: `the range "${part.text}" has no unit`, fix: `give it a unit, e.g. "${part.text}s" for seconds.` };
    return { pos: part.from, what: `invalid duration "${expr.slice(part.from, part.from + part.text.length)}" in the range`, fix: DURATION_FIX };
  }
  for (const m of text.matchAll(/\boffset(\s+)([^\s()[\]{},]+)/g)) {
    const at = (m.index ?? 0) + 6 + m[1].length;
    if (skip[m.index ?? 0] || placeholderIn(prepared, at, at + m[2].length) || isLogDuration(m[2])) continue;
    return { pos: at, what: `invalid duration "${m[2]}" after offset`, fix: DURATION_FIX };
  }

  let pos = errorPos;
  while (pos < text.length && /\s/.test(text[pos])) pos++;
  const end = text.trimEnd().length;
  const tok = pos < end ? tokenAt(text, pos) : '';
  const prev = tokenBefore(text, pos);
  const beforePrev = tokenBefore(text, text.slice(0, pos).trimEnd().length - prev.length);

  if (tok === 'unwrap' || (prev === 'unwrap' && beforePrev === '|')) {
    const at = tok === 'unwrap' ? pos : text.slice(0, pos).trimEnd().length - prev.length;
    return { pos: at, what: '"| unwrap" only works inside a range aggregation', fix: `aggregate the unwrapped values over a range, e.g. sum_over_time(${shorten(expr.trim(), 80)} [5m]).` };
  }
  if (tok === '[') {
    return { pos, what: 'a range needs a range aggregation around the log query', fix: `wrap it in one, e.g. count_over_time(${shorten(expr.trim(), 80)}) or rate(...) (${METRIC_DOC}).` };
  }
  if (tok === '}' && prev === '{') {
    return { pos: text.slice(0, pos).trimEnd().length - 1, what: 'the stream selector "{}" is empty', fix: 'add at least one label matcher, e.g. {app="api"}.' };
  }
  if (['|=', '!=', '|~', '!~', '|>', '!>'].includes(prev) && tok !== '' && !/^["`]/.test(tok)) {
    return { pos, what: `the line filter "${prev}" needs a quoted string`, fix: `quote it: ${prev} "${tok}".` };
  }
  const stage = prev !== '' && beforePrev === '|' && /^[A-Za-z_]\w*$/.test(prev) ? { name: prev, at: text.slice(0, pos).trimEnd().length - prev.length } : tok !== '' && prev === '|' && /^[A-Za-z_]\w*$/.test(tok) ? { name: tok, at: pos } : undefined;
  if (stage && !STAGES.includes(stage.name)) {
    const guess = closest(stage.name, STAGES);
    return {
      pos: stage.at,
      what: `"| ${stage.name}" is neither a known pipeline stage nor a complete label filter`,
      fix: guess
        ? `did you mean "| ${guess}"?`
        : `use a parser (json, logfmt, regexp "…", pattern "…", unpack), a label filter such as ${stage.name}="value", line_format, label_format, drop, keep or decolorize (${LOGQL_DOC}log_queries/).`,
    };
  }
  if (pos >= end) {
    const last = tokenBefore(text, end);
    return { pos: end, what: `the expression ends unexpectedly after "${last}"`, fix: `complete what follows "${last}" or remove it.` };
  }
  let depth = 0;
  for (let i = 0; i < pos; i++) if (!skip[i]) depth += text[i] === '{' ? 1 : text[i] === '}' ? -1 : 0;
  if (depth > 0) {
    const last = text.slice(0, pos).trimEnd().length - 1;
    if (last >= 0 && prepared.lexed.masked[last] && /["`]/.test(text[last])) {
      return { pos, what: 'missing "," between label matchers', fix: 'separate label matchers with commas, e.g. {app="api", namespace="prod"}.' };
    }
    if (['=', '!=', '=~', '!~'].includes(prev)) {
      return { pos, what: `unquoted label value "${tok}"`, fix: `quote the value: ${beforePrev}${prev}"${tok}".` };
    }
  }
  if (/^(by|without)$/.test(prev)) return { pos, what: `"${prev}" needs its labels in parentheses`, fix: `write ${prev} (${tok}).` };
  return { pos, what: `unexpected "${tok}"`, fix: `check the LogQL syntax just before this point (${LOGQL_DOC}).` };
}

function descendants(n: Node, names: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  const cursor = n.cursor();
  const stop = n.to;
  do {
    if (names.has(cursor.name)) out.push(cursor.node);
  } while (cursor.next() && cursor.from < stop);
  return out;
}

function semanticChecks(expr: string, prepared: Prepared, top: Node, options: LogQLOptions, add: (pos: number, what: string, fix: string) => void): void {
  const text = (n: Node): string => expr.slice(n.from, n.to);
  const templated = (s: string): boolean => options.placeholders === true && /\$|\[\[|\{\{/.test(s);

  for (const s of descendants(top, new Set(['String']))) {
    const bad = badEscape(text(s));
    if (bad) add(s.from + bad.offset, `invalid escape "${bad.escape}" in the string ${shorten(text(s))}`, `double the backslash ("\\${bad.escape}") or use a backtick string (\`...\`) where backslashes are literal.`);
  }
  const checkRegex = (s: Node | null): void => {
    if (!s || s.name !== 'String' || badEscape(text(s))) return;
    const value = unquote(text(s));
    if (templated(value)) return;
    const err = regexError(value);
    if (err) add(s.from, `invalid regular expression ${text(s)} (${err})`, 'fix the regular expression (RE2 syntax: https://github.com/google/re2/wiki/Syntax); escape literal characters such as "(" or "." with a double backslash, e.g. "\\\\.".');
  };

  for (const sel of descendants(top, new Set(['Selector']))) {
    let usable = false;
    for (const m of descendants(sel, new Set(['Matcher']))) {
      const op = m.firstChild?.nextSibling;
      const value = m.lastChild;
      if (!op || !value || value.name !== 'String') continue;
      if (op.name === 'Re' || op.name === 'Nre') checkRegex(value);
      const v = badEscape(text(value)) ? 'x' : unquote(text(value));
      if (templated(v)) usable = true;
      else if (op.name === 'Eq' && v !== '') usable = true;
      else if (op.name === 'Re' && regexMatchesEmpty(v) !== true) usable = true;
    }
    if (!usable) {
      add(sel.from, `the stream selector ${shorten(text(sel))} needs at least one "=" or "=~" matcher that cannot match an empty value`, 'add one, e.g. {app="api"}; =~".*" matches everything, use =~".+" instead.');
    }
  }
  for (const lf of descendants(top, new Set(['LineFilter']))) {
    const op = lf.getChild('Filter')?.firstChild?.name;
    if (op === 'PipeMatch' || op === 'Nre') {
      checkRegex(lf.getChild('String'));
      for (const or of lf.getChildren('OrFilter')) checkRegex(or.getChild('String'));
    }
  }
  for (const lf of descendants(top, new Set(['LabelFilter']))) {
    const m = lf.getChild('Matcher');
    const op = m?.firstChild?.nextSibling?.name;
    if (m && (op === 'Re' || op === 'Nre')) checkRegex(m.lastChild);
  }
  for (const range of descendants(top, new Set(['Range']))) {
    const d = range.getChild('Duration');
    if (d && !placeholderIn(prepared, d.from, d.to) && isZeroDuration(text(d))) add(d.from, `the range "${text(d)}" must be longer than zero`, 'use a positive duration, e.g. 5m.');
  }
  for (const agg of descendants(top, new Set(['RangeAggregationExpr']))) {
    const opNode = agg.getChild('RangeOp');
    const kind = opNode?.firstChild?.name ?? '';
    const op = opNode ? text(opNode) : '';
    const logRange = agg.getChild('LogRangeExpr');
    const unwrap = logRange?.getChild('UnwrapExpr');
    if (NEEDS_UNWRAP.has(kind) && !unwrap && logRange) {
      const range = logRange.getChild('Range');
      const at = range ? range.from : logRange.to;
      add(agg.from, `${op}() aggregates numbers, so it needs "| unwrap <label>" to read them from the log lines`, `add it before the range, e.g. ${shorten(expr.slice(agg.from, at).trimEnd(), 80)} | unwrap duration_ms ${range ? text(range) : '[5m]'}), or count lines with count_over_time() instead (${METRIC_DOC}).`);
    } else if (NO_UNWRAP.has(kind) && unwrap) {
      add(unwrap.from, `${op}() works on log lines and cannot take "${text(unwrap).replace(/\s+/g, ' ')}"`, 'remove the unwrap stage, or aggregate the unwrapped values with sum_over_time(), avg_over_time(), max_over_time() or quantile_over_time().');
    }
  }
  if (options.metric) {
    const root = top.firstChild?.firstChild;
    if (root && root.name === 'LogExpr') {
      add(root.from, 'this is a log query, but a metric query is expected here', `turn it into a metric, e.g. sum(count_over_time(${shorten(expr.trim(), 80)} [5m])) (${METRIC_DOC}).`);
    }
  }
}
