// @prometheus-io/lezer-promql ships CommonJS (`require` → dist/index.cjs) and ESM (`import` → dist/index.es.js) behind
// its `exports` map. This project compiles to CommonJS (`module: node20`, no `"type": "module"`): `grammar()` below
// `require()`s the .cjs build on the first validation (under ts-jest, tsx and node alike); TypeScript reads the types
// from the `types` condition (module node20 allows that ESM-typed entry). No dynamic import or interop shim needed.
import type { parser } from '@prometheus-io/lezer-promql';
import { ConfigError, ConfigProblem } from '../common/errors';
import { once } from '../common/memo';
import { AGGREGATIONS, CALL_KEYWORDS, FUNCTIONS, FunctionSignature, ValueType, usage } from './promql-functions';
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
 * Synth-time PromQL validation: the expression is parsed with lezer-promql (the grammar of Prometheus' own UI), then
 * type-checked the way Prometheus' parser does it (promql/parser/parse.go `checkAST`) for the mistakes users make
 * most: a range function without a range, a range where an instant vector belongs, bad durations, unknown
 * functions, wrong argument counts and types, scalar comparisons without `bool`, selectors matching everything.
 *
 * Every problem names the path, shows the expression with a caret under the position, and says how to fix it.
 */

type Node = ReturnType<typeof parser.parse>['topNode'];

/** The PromQL grammar, loaded on the first validation, not when the library loads, and kept (no `require()` per validation). */
const grammar = once((): typeof parser => (require('@prometheus-io/lezer-promql') as { parser: typeof parser }).parser);
/** A value type, or `any` for a placeholder standing in for something Grafana fills in. */
type Type = ValueType | 'any';

export interface PromQLOptions {
  /**
   * Replace Grafana variables and macros (`$__rate_interval`, `$__interval`, `$__range`, `$var`, `${var}`,
   * `[[var]]`) and the SLO window placeholder (`{{window}}`) by valid stand-ins before parsing: a duration inside `[]`
   * or after `offset`, an identifier elsewhere. Positions in messages still refer to the original text.
   * @default false
   */
  readonly placeholders?: boolean;
  /**
   * Accept features behind Prometheus feature flags (experimental functions such as `mad_over_time`, `limitk`,
   * duration arithmetic, `anchored`/`smoothed`, `fill()`). Off by default: the deployed Prometheus does not enable
   * them.
   * @default false
   */
  readonly experimental?: boolean;
}

/** A PromQL problem: a ConfigProblem that also carries the expression, line and column. */
export type PromQLProblem = ExpressionProblem;

const FUNCTIONS_DOC = 'https://prometheus.io/docs/prometheus/latest/querying/functions/';
const SYNTAX_DOC = 'https://prometheus.io/docs/prometheus/latest/querying/basics/';

/** Every problem of a PromQL expression (empty when it is valid). */
export function promqlProblems(expr: string, path: string, options: PromQLOptions = {}): ConfigProblem[] {
  if (typeof expr !== 'string') return uncachedPromqlProblems(expr, path, options);
  const key = shapeKey(expr, options);
  if (VALID_SHAPES.has(key)) return [];
  const problems = uncachedPromqlProblems(expr, path, options);
  if (problems.length === 0 && VALID_SHAPES.size < VALID_SHAPES_MAX) VALID_SHAPES.add(key);
  return problems;
}

/**
 * Expressions known to be valid, by shape. A catalog of 1000 services repeats the same few rule shapes with other
 * service names, so validating each shape once keeps synth fast. Only label-matcher values made of characters that
 * cannot change validity (letters, digits, `_ . : / -`: no escapes, no regex operators, never empty) are folded.
 */
const VALID_SHAPES = new Set<string>();
const VALID_SHAPES_MAX = 50_000;
const PLAIN_MATCHER_VALUE = /(=~|!~|!=|=)(\s*)"[A-Za-z0-9_.:/-]+"/g;

function shapeKey(expr: string, options: PromQLOptions): string {
  return `${options.placeholders ? 1 : 0}${options.experimental ? 1 : 0}|${expr.replace(PLAIN_MATCHER_VALUE, '$1$2"v"')}`;
}

function uncachedPromqlProblems(expr: string, path: string, options: PromQLOptions): ConfigProblem[] {
  const basic = notAnExpression('PromQL', expr, path, 'sum(rate(http_requests_total[5m]))');
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
  if (errorPos >= 0) return [syntaxProblem(expr, path, prepared, errorPos, options)];
  const checker = new Checker(expr, path, prepared, options);
  checker.checkTop(tree.topNode);
  return checker.problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** @throws ConfigError listing every problem of the PromQL expression. */
export function validatePromQL(expr: string, path: string, options: PromQLOptions = {}): void {
  const problems = promqlProblems(expr, path, options);
  if (problems.length > 0) throw new ConfigError(problems);
}

// ---------------------------------------------------------------------------------------------------------------
// Syntax errors: lezer recovered somewhere; find the real cause and report it once (recovery errors cascade).

const KNOWN_CALL = (name: string): boolean =>
  FUNCTIONS[name] !== undefined || AGGREGATIONS[name.toLowerCase()] !== undefined || CALL_KEYWORDS.has(name.toLowerCase());

/** Suggestion candidates, the functions SLO and dashboard queries use most first (they win ties). */
const COMMON = ['rate', 'sum', 'increase', 'histogram_quantile', 'avg', 'max', 'min', 'count', 'irate', 'sum_over_time', 'avg_over_time', 'absent', 'absent_over_time', 'vector', 'topk'];
const CALLABLE = [...new Set([...COMMON, ...Object.keys(AGGREGATIONS), ...Object.keys(FUNCTIONS).sort()])];

function skipMask(prepared: Prepared): Uint8Array {
  const skip = Uint8Array.from(prepared.lexed.masked);
  for (const p of prepared.placeholders) skip.fill(1, p.from, p.to);
  return skip;
}

function quoteName(q: string): string {
  return q === '"' ? 'double quote (")' : q === "'" ? "single quote (')" : 'backtick (`)';
}

function syntaxProblem(expr: string, path: string, prepared: Prepared, errorPos: number, options: PromQLOptions): ExpressionProblem {
  const problem = (pos: number, what: string, fix: string): ExpressionProblem => expressionProblem('PromQL', expr, path, pos, what, fix);
  const text = prepared.text;
  const skip = skipMask(prepared);

  const placeholder = options.placeholders ? undefined : findPlaceholder(text, prepared.lexed);
  if (placeholder) return problem(placeholder.pos, `"${placeholder.text}" is a Grafana variable or template placeholder, not PromQL`, PLACEHOLDER_FIX);

  const open = prepared.lexed.strings.find((s) => !s.closed);
  if (open) return problem(open.from, 'unterminated string', `end the string with a matching ${quoteName(open.quote)}.`);

  const bracket = bracketIssue(text, prepared.lexed);
  if (bracket) return problem(bracket.pos, bracket.what, bracket.fix);

  const call = unknownCall(text, skip, KNOWN_CALL);
  const beforeCall = call ? tokenBefore(text, call.pos) : '';
  if (call && /^(by|without)$/i.test(beforeCall)) {
    return problem(call.pos, `"${beforeCall}" needs its labels in parentheses`, `write ${beforeCall} (${call.name}).`);
  }
  if (call) {
    const guess = closest(call.name, CALLABLE);
    const fix = guess
      ? `did you mean "${guess}"?${guess.toLowerCase() === call.name.toLowerCase() ? ' Function names are case-sensitive.' : ''} (${FUNCTIONS_DOC})`
      : `use one of the PromQL functions (${FUNCTIONS_DOC}) or aggregation operators (sum, avg, max, ...).`;
    return problem(call.pos, `unknown function "${call.name}"`, fix);
  }

  for (const b of bracketRanges(text, skip)) {
    const content = expr.slice(b.open + 1, b.close);
    if (b.parts[0].text === '') {
      return problem(b.open + 1, `missing duration in "[${content}]"`, `put a duration inside the brackets, e.g. [5m] (or [1h:1m] for a subquery).`);
    }
    for (let i = 0; i < b.parts.length; i++) {
      const part = b.parts[i];
      const where = b.parts.length === 1 ? 'in the range' : i === 0 ? 'in the subquery range' : 'as the subquery resolution';
      if (part.text === '' || placeholderIn(prepared, part.from, part.from + part.text.length)) continue;
      if (isDuration(part.text) || /^[\d.]+$/.test(part.text) || /[-+*/%^()]/.test(part.text)) continue;
      return problem(part.from, `invalid duration "${expr.slice(part.from, part.from + part.text.length)}" ${where}`, DURATION_FIX);
    }
  }
  for (const m of text.matchAll(/\boffset(\s+-?\s*)([^\s()[\]{},]+)/gi)) {
    const at = (m.index ?? 0) + 6 + m[1].length;
    if (skip[m.index ?? 0] || placeholderIn(prepared, at, at + m[2].length)) continue;
    if (isDuration(m[2]) || /^[\d.]+$/.test(m[2])) continue;
    return problem(at, `invalid duration "${m[2]}" after offset`, DURATION_FIX);
  }

  let pos = errorPos;
  while (pos < text.length && /\s/.test(text[pos])) pos++;
  const end = text.trimEnd().length;
  if (pos >= end) {
    const prev = tokenBefore(text, end);
    return problem(end, `the expression ends unexpectedly after "${prev}"`, `complete what follows "${prev}" (e.g. the right-hand side of an operator) or remove it.`);
  }
  const tok = tokenAt(text, pos);
  const prev = tokenBefore(text, pos);
  if (braceDepth(text, skip, pos) > 0) {
    const last = text.slice(0, pos).trimEnd().length - 1;
    if (last >= 0 && prepared.lexed.masked[last] && /["'`]/.test(text[last])) {
      return problem(pos, 'missing "," between label matchers', 'separate label matchers with commas, e.g. {job="api", code="500"}.');
    }
    if (['=', '!=', '=~', '!~'].includes(prev)) {
      const label = tokenBefore(text, text.slice(0, pos).trimEnd().length - prev.length);
      return problem(pos, `unquoted label value "${tok}"`, `quote the value: ${label}${prev}"${tok}".`);
    }
  }
  if (tok === '=') return problem(pos, '"=" is not a comparison operator', 'compare with "==" (e.g. up == 0); a single "=" belongs in label matchers inside {}.');
  if (tok === '&&' || tok === '||') return problem(pos, `"${tok}" is not a PromQL operator`, `use "${tok === '&&' ? 'and' : 'or'}" between vectors.`);
  if (/^(by|without)$/i.test(prev)) return problem(pos, `"${prev}" needs its labels in parentheses`, `write ${prev} (${tok}).`);
  return problem(pos, `unexpected "${tok}"`, `check the PromQL syntax just before this point (${SYNTAX_DOC}).`);
}

function braceDepth(text: string, skip: Uint8Array, pos: number): number {
  let d = 0;
  for (let i = 0; i < pos; i++) {
    if (skip[i]) continue;
    if (text[i] === '{') d++;
    else if (text[i] === '}') d = Math.max(0, d - 1);
  }
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// Semantic checks on an error-free tree.

const COMPARISONS = new Set(['Eql', 'Neq', 'Gte', 'Gtr', 'Lte', 'Lss']);
const SET_OPERATORS = new Set(['And', 'Or', 'Unless']);
const OPERATORS = new Set(['Pow', 'Mul', 'Div', 'Mod', 'Atan2', 'Add', 'Sub', 'Eql', 'Gte', 'Gtr', 'TrimUpper', 'TrimLower', 'Lte', 'Lss', 'Neq', 'And', 'Unless', 'Or']);
const SELECTOR_LIKE = new Set(['VectorSelector', 'MatrixSelector', 'SubqueryExpr']);
const COUNTER_SUFFIX = /(_total|_count|_sum|_bucket)$/;

const PARAM_EXAMPLES: Record<string, string> = { topk: '5', bottomk: '5', limitk: '5', quantile: '0.99', limit_ratio: '0.5', count_values: '"value"' };
const FN_EXAMPLES: Record<string, (x: string) => string> = {
  histogram_quantile: (x) => `histogram_quantile(0.99, ${x})`,
  quantile_over_time: (x) => `quantile_over_time(0.99, ${x})`,
  predict_linear: (x) => `predict_linear(${x}, 3600)`,
  clamp_min: (x) => `clamp_min(${x}, 0)`,
  clamp_max: (x) => `clamp_max(${x}, 1)`,
  vector: () => 'vector(1)',
};

function an(t: Type): string {
  return { scalar: 'a scalar', vector: 'an instant vector', matrix: 'a range vector', string: 'a string', any: 'a value' }[t];
}

function describe(n: Node): string {
  switch (n.name) {
    case 'FunctionCall':
      return 'a function call';
    case 'AggregateExpr':
      return 'an aggregation';
    case 'ParenExpr':
      return 'a parenthesized expression';
    case 'BinaryExpr':
      return 'a binary expression';
    case 'NumberDurationLiteral':
      return 'a number';
    case 'StringLiteral':
      return 'a string';
    default:
      return 'an expression';
  }
}

function exprChildren(n: Node): Node[] {
  const out: Node[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (c.type.is('Expr')) out.push(c);
  return out;
}

function descendants(n: Node, name: string): Node[] {
  const out: Node[] = [];
  const cursor = n.cursor();
  const stop = n.to;
  do {
    if (cursor.name === name) out.push(cursor.node);
  } while (cursor.next() && cursor.from < stop);
  return out;
}

class Checker {
  public readonly problems: PromQLProblem[] = [];

  constructor(
    private readonly expr: string,
    private readonly path: string,
    private readonly prepared: Prepared,
    private readonly options: PromQLOptions,
  ) {}

  public checkTop(top: Node): void {
    for (const s of descendants(top, 'StringLiteral')) this.checkEscapes(s);
    const root = exprChildren(top)[0];
    if (!root) return;
    const t = this.check(root);
    if (this.problems.length > 0) return; // the cause is already reported; the result type follows from it
    if (t === 'matrix') {
      this.add(root.from, 'the expression returns a range vector, but a rule or panel must return an instant vector or a scalar', this.rangeFix(root));
    } else if (t === 'string') {
      this.add(root.from, 'the expression is a string literal, but a rule or panel must return an instant vector or a scalar', 'write an expression that returns an instant vector or a scalar, e.g. sum(rate(http_requests_total[5m])).');
    }
  }

  private add(pos: number, what: string, fix: string): void {
    this.problems.push(expressionProblem('PromQL', this.expr, this.path, pos, what, fix));
  }

  private text(n: Node): string {
    return this.expr.slice(n.from, n.to);
  }

  private isPlaceholder(n: Node): boolean {
    return placeholderIn(this.prepared, n.from, n.to) !== undefined;
  }

  private experimental(pos: number, what: string, flag: string): void {
    if (this.options.experimental) return;
    this.add(pos, `${what} is an experimental Prometheus feature`, `avoid it, or start Prometheus with --enable-feature=${flag} and pass { experimental: true } to the validator.`);
  }

  /** Type-checks a node and its children; returns its value type. */
  private check(n: Node): Type {
    switch (n.name) {
      case 'ParenExpr':
        return this.check(exprChildren(n)[0]);
      case 'NumberDurationLiteral':
        return 'scalar';
      case 'StringLiteral':
        return 'string';
      case 'VectorSelector':
        return this.checkSelector(n);
      case 'MatrixSelector':
        return this.checkMatrix(n);
      case 'SubqueryExpr':
        return this.checkSubquery(n);
      case 'OffsetExpr':
      case 'StepInvariantExpr':
        return this.checkModifier(n);
      case 'AnchoredExpr':
      case 'SmoothedExpr': {
        const kw = n.lastChild as Node;
        this.experimental(kw.from, `the "${this.text(kw)}" modifier`, 'promql-extended-range-selectors');
        return this.check(exprChildren(n)[0]);
      }
      case 'UnaryExpr': {
        const inner = exprChildren(n)[0];
        const t = this.check(inner);
        if (t === 'matrix' || t === 'string') this.argProblem(`the unary "${this.expr[n.from]}"`, 'vector', t, inner, n);
        return t;
      }
      case 'BinaryExpr':
        return this.checkBinary(n);
      case 'AggregateExpr':
        return this.checkAggregation(n);
      case 'FunctionCall':
        return this.checkCall(n);
      default:
        return 'any';
    }
  }

  private checkSelector(n: Node): Type {
    const ident = n.getChild('Identifier');
    const matchers = n.getChild('LabelMatchers');
    let named = ident !== null;
    let nonEmpty = false;
    let nameMatcher: string | undefined;
    for (let m = matchers?.firstChild ?? null; m; m = m.nextSibling) {
      if (m.name === 'QuotedLabelName') {
        named = true; // {"metric.name"}: a UTF-8 metric name
        continue;
      }
      if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
      const labelNode = m.firstChild as Node;
      const label = labelNode.name === 'LabelName' ? this.text(labelNode) : unquote(this.text(labelNode));
      const op = this.text(m.getChild('MatchOp') as Node);
      const valueNode = m.lastChild as Node;
      const raw = this.text(valueNode);
      if (badEscape(raw)) continue; // reported by checkEscapes
      const value = unquote(raw);
      const templated = this.options.placeholders === true && /\$|\[\[|\{\{/.test(value);
      if (!templated && (op === '=~' || op === '!~')) {
        const err = regexError(value);
        if (err) this.add(valueNode.from, `invalid regular expression ${raw} (${err})`, 'fix the regular expression (RE2 syntax: https://github.com/google/re2/wiki/Syntax); escape literal characters such as "(" or "." with a double backslash, e.g. "\\\\.".');
      }
      if (label === '__name__') nameMatcher = value;
      const empty = templated ? false : op === '=' ? value === '' : op === '!=' ? value !== '' : op === '=~' ? regexMatchesEmpty(value) : op === '!~' ? regexMatchesEmpty(value) === false : undefined;
      if (empty === false) nonEmpty = true;
      if (empty === undefined) nonEmpty = true; // cannot judge: let Prometheus decide
    }
    if (ident && nameMatcher !== undefined) {
      this.add(n.from, `the metric name is set twice ("${this.text(ident)}" and __name__="${nameMatcher}")`, 'keep only one of them.');
    }
    if (!named && !nonEmpty) {
      this.add(n.from, `the selector ${shorten(this.text(n))} has no metric name and every matcher also matches an empty label, so it selects every series`, 'add a metric name, or a matcher that cannot match an empty value (e.g. job=~".+" instead of job=~".*").');
    }
    if (ident && !matchers && this.isPlaceholder(ident)) return 'any';
    return 'vector';
  }

  private checkEscapes(s: Node): void {
    const raw = this.text(s);
    const bad = badEscape(raw);
    if (!bad) return;
    this.add(s.from + bad.offset, `invalid escape "${bad.escape}" in the string ${shorten(raw)}`, `double the backslash ("\\${bad.escape}") or use a backtick string (\`...\`) where backslashes are literal.`);
  }

  /** Checks the duration of a range, a subquery or an offset. */
  private checkDuration(d: Node | null, role: 'range' | 'subquery range' | 'subquery resolution' | 'offset'): void {
    if (!d) return;
    // A plain literal is the only child; `offset -5m` nests it under a sign. Anything else is duration arithmetic.
    const literal = (x: Node | null): Node | null =>
      x?.firstChild?.name === 'NumberDurationLiteralInDurationContext' && x.firstChild.nextSibling === null ? x.firstChild : null;
    const lit = literal(d) ?? (d.name === 'OffsetDurationExpr' && d.firstChild?.name === 'UnaryOp' ? literal(d.lastChild) : null);
    if (!lit) {
      this.experimental(d.from, `the duration expression "${this.text(d)}"`, 'promql-duration-expr');
      return;
    }
    if (this.isPlaceholder(lit)) return;
    const t = this.text(lit);
    if (isDuration(t)) {
      if ((role === 'range' || role === 'subquery range') && isZeroDuration(t)) this.add(lit.from, `the ${role} "${t}" must be longer than zero`, 'use a positive duration, e.g. 5m.');
      return;
    }
    if (/^\d+(\.\d+)?$/.test(t)) {
      this.add(lit.from, `the ${role} "${t}" has no unit`, `give it a unit, e.g. "${t}s" for seconds.`);
      return;
    }
    this.add(lit.from, `invalid duration "${t}" as the ${role}`, DURATION_FIX);
  }

  private checkMatrix(n: Node): Type {
    const inner = exprChildren(n)[0];
    const dur = n.getChild('DurationExpr');
    const range = dur ? this.text(dur) : '';
    if (inner.name === 'VectorSelector') {
      this.check(inner);
    } else if ((inner.name === 'OffsetExpr' || inner.name === 'StepInvariantExpr') && exprChildren(inner)[0]?.name === 'VectorSelector') {
      const sel = exprChildren(inner)[0];
      const modifier = this.expr.slice(sel.to, inner.to).trim();
      this.check(sel);
      this.add(dur ? dur.from - 1 : n.from, `the range "[${range}]" must come before "${modifier}"`, `write ${this.text(sel)}[${range}] ${modifier}.`);
    } else {
      const t = this.check(inner);
      const innerText = shorten(this.text(inner));
      const paren = inner.name === 'ParenExpr' ? exprChildren(inner)[0] : undefined;
      const fix =
        paren?.name === 'VectorSelector'
          ? `remove the parentheses: ${this.text(paren)}[${range}].`
          : t === 'vector' || t === 'any'
            ? `make it a subquery by adding a colon: ${innerText}[${range}:] (or put the range on the selector inside, e.g. max_over_time(metric[${range}])).`
            : `put the range on a metric selector, e.g. metric[${range}].`;
      this.add(dur ? dur.from - 1 : n.from, `a range "[${range}]" can only follow a metric selector, not ${describe(inner)} (${innerText})`, fix);
    }
    this.checkDuration(dur, 'range');
    return 'matrix';
  }

  private checkSubquery(n: Node): Type {
    const inner = exprChildren(n)[0];
    const t = this.check(inner);
    if (t !== 'vector' && t !== 'any') this.argProblem('a subquery', 'vector', t, inner, n);
    const durations = n.getChildren('DurationExpr');
    this.checkDuration(durations[0] ?? null, 'subquery range');
    this.checkDuration(durations[1] ?? null, 'subquery resolution');
    return 'matrix';
  }

  /** `offset` and `@`: allowed only right after a selector or a subquery. */
  private checkModifier(n: Node): Type {
    const inner = exprChildren(n)[0];
    const isOffset = n.name === 'OffsetExpr';
    const keyword = isOffset ? 'offset' : '@';
    const modifier = this.expr.slice(inner.to, n.to).trim();
    if (isOffset) this.checkDuration(n.getChild('OffsetDurationExpr'), 'offset');
    if (!SELECTOR_LIKE.has(inner.name) && !(inner.name === 'OffsetExpr' || inner.name === 'StepInvariantExpr')) {
      const sels = [...descendants(inner, 'VectorSelector')];
      const matrices = descendants(inner, 'MatrixSelector');
      const target = matrices.length === 1 ? matrices[0] : sels.length === 1 ? sels[0] : undefined;
      const fix = target
        ? `move it next to the selector: ${this.expr.slice(inner.from, target.to)} ${modifier}${this.expr.slice(target.to, inner.to)}.`
        : `put "${modifier}" right after each selector or range inside, e.g. rate(metric[5m] ${modifier}).`;
      this.add(n.from + (this.expr.slice(n.from, n.to).lastIndexOf(modifier)), `"${keyword}" must follow a selector or a subquery, not ${describe(inner)}`, fix);
    }
    return this.check(inner);
  }

  private checkBinary(n: Node): Type {
    const sides = exprChildren(n);
    const lhs = sides[0];
    const rhs = sides[sides.length - 1];
    let op: Node | null = lhs.nextSibling;
    while (op && !OPERATORS.has(op.name)) op = op.nextSibling;
    const opName = op?.name ?? '';
    const opText = op ? this.text(op) : '?';
    const lt = this.check(lhs);
    const rt = this.check(rhs);
    const bool = n.getChild('BoolModifier');
    const matching = n.getChild('MatchingModifierClause');
    const fill = n.getChild('FillModifier');
    const ctx = `the operator "${opText.toLowerCase()}"`;
    for (const [side, t] of [
      [lhs, lt],
      [rhs, rt],
    ] as const) {
      if (t === 'matrix') this.argProblem(ctx, 'vector', t, side, n);
      if (t === 'string') this.add(side.from, `${ctx} cannot take a string (${shorten(this.text(side))})`, 'compare label values with a matcher instead, e.g. metric{label="value"}.');
    }
    if (opName === 'TrimUpper' || opName === 'TrimLower') this.experimental(op!.from, `the histogram trim operator "${opText}"`, 'promql-experimental-functions');
    if (fill) this.experimental(fill.from, `the "${this.text(fill.firstChild?.firstChild ?? fill)}" modifier`, 'promql-binop-fill-modifiers');
    if (bool && !COMPARISONS.has(opName)) {
      this.add(bool.from, `"bool" only works with comparison operators (==, !=, >, <, >=, <=), not "${opText}"`, 'remove "bool".');
    }
    if (COMPARISONS.has(opName) && !bool && lt === 'scalar' && rt === 'scalar') {
      this.add(op!.from, 'comparing two scalars needs "bool"', `write ${this.text(lhs)} ${opText} bool ${this.text(rhs)}.`);
    }
    if (SET_OPERATORS.has(opName)) {
      const scalarSide = lt === 'scalar' ? lhs : rt === 'scalar' ? rhs : undefined;
      if (scalarSide) {
        this.add(scalarSide.from, `"${opText}" needs instant vectors on both sides, but "${shorten(this.text(scalarSide))}" is a scalar`, `compare first to get a vector (e.g. metric > ${this.text(scalarSide)}), or wrap the number in vector(${this.text(scalarSide)}).`);
      }
      const group = matching?.getChild('GroupLeft') ?? matching?.getChild('GroupRight');
      if (group) this.add(group.from, `"${this.text(group)}" is not allowed with "${opText}"`, `remove "${this.text(group)}": "and", "or" and "unless" already match many-to-many.`);
    } else if (matching && (lt === 'scalar' || rt === 'scalar')) {
      this.add(matching.from, `"${shorten(this.text(matching))}" needs instant vectors on both sides, but one side is a scalar`, `remove "${shorten(this.text(matching))}"; a scalar applies to every series anyway.`);
    }
    if (lt === 'scalar' && rt === 'scalar') return 'scalar';
    if ((lt === 'any' || lt === 'scalar') && (rt === 'any' || rt === 'scalar')) return 'any';
    return 'vector';
  }

  private checkAggregation(n: Node): Type {
    const opNode = n.getChild('AggregateOp') as Node;
    const name = this.text(opNode).toLowerCase();
    const sig = AGGREGATIONS[name];
    if (sig?.experimental) this.experimental(opNode.from, `the aggregation "${name}"`, 'promql-experimental-functions');
    const args = exprChildren(n.getChild('FunctionCallBody') as Node);
    const want = sig?.param ? 2 : 1;
    const vectorArg = args[args.length - 1];
    if (args.length !== want) {
      args.forEach((a) => this.check(a));
      const takes = sig?.param ? `2 arguments (${an(sig.param)} parameter and an instant vector)` : '1 argument (an instant vector)';
      const shape = sig?.param ? `${name}(${sig.param}, instant-vector)` : `${name}(instant-vector)`;
      const example = sig?.param ? `, e.g. ${name}(${PARAM_EXAMPLES[name] ?? '1'}, ${vectorArg ? shorten(this.text(vectorArg)) : 'metric'})` : '';
      this.add(opNode.from, `${name}() takes ${takes} but got ${args.length}`, `call it as ${shape}${example}.`);
      return 'vector';
    }
    if (sig?.param) {
      const pt = this.check(args[0]);
      const vt = this.check(args[1]);
      if (pt === 'vector' && vt === 'scalar' && sig.param === 'scalar') {
        this.add(args[0].from, `${name}() takes the parameter first, but "${shorten(this.text(args[0]))}" is an instant vector`, `swap the arguments: ${name}(${this.text(args[1])}, ${this.text(args[0])}).`);
        return 'vector';
      }
      if (!accepts(sig.param, pt)) this.argProblem(`the parameter of ${name}()`, sig.param, pt, args[0], n);
      if (!accepts('vector', vt)) this.argProblem(`${name}()`, 'vector', vt, args[1], n);
    } else {
      const vt = this.check(args[0]);
      if (!accepts('vector', vt)) this.argProblem(`${name}()`, 'vector', vt, args[0], n);
    }
    return 'vector';
  }

  private checkCall(n: Node): Type {
    const ident = n.getChild('FunctionIdentifier') as Node;
    const name = this.text(ident);
    const sig: FunctionSignature | undefined = FUNCTIONS[name];
    const args = exprChildren(n.getChild('FunctionCallBody') as Node);
    if (!sig) {
      args.forEach((a) => this.check(a));
      return 'any';
    }
    if (sig.experimental) this.experimental(ident.from, `the function "${name}"`, 'promql-experimental-functions');
    const variadic = sig.variadic ?? 0;
    const min = variadic === 0 ? sig.args.length : sig.args.length - 1;
    const max = variadic === 0 ? sig.args.length : variadic < 0 ? Infinity : sig.args.length - 1 + variadic;
    const types = args.map((a) => this.check(a));
    if (args.length < min || args.length > max) {
      const count = (k: number): string => `${k} argument${k === 1 ? '' : 's'}`;
      const takes = min === max ? count(min) : max === Infinity ? `at least ${count(min)}` : `${min} to ${count(max)}`;
      const example = FN_EXAMPLES[name] && args.length > 0 ? `, e.g. ${FN_EXAMPLES[name](shorten(this.text(args[args.length - 1])))}` : '';
      this.add(ident.from, `${name}() takes ${takes} but got ${args.length}`, `call it as ${usage(name, sig)}${example} (${FUNCTIONS_DOC}).`);
      return sig.returns;
    }
    const wanted = args.map((_, i) => sig.args[Math.min(i, sig.args.length - 1)]);
    if (args.length === 2 && !accepts(wanted[0], types[0]) && !accepts(wanted[1], types[1]) && accepts(wanted[0], types[1]) && accepts(wanted[1], types[0])) {
      this.add(args[0].from, `${name}() takes ${an(wanted[0])} first, but "${shorten(this.text(args[0]))}" is ${an(types[0])}`, `swap the arguments: ${name}(${this.text(args[1])}, ${this.text(args[0])}).`);
      return sig.returns;
    }
    args.forEach((a, i) => {
      if (!accepts(wanted[i], types[i])) this.argProblem(sig.args.length === 1 ? `${name}()` : `argument ${i + 1} of ${name}()`, wanted[i], types[i], a, n, name);
    });
    return sig.returns;
  }

  /** One argument of the wrong type, with the fix for the usual cause. */
  private argProblem(ctx: string, want: ValueType, got: Type, arg: Node, parent: Node, fn?: string): void {
    const argText = shorten(this.text(arg));
    if (want === 'matrix' && got === 'vector' && fn) {
      this.add(arg.from, `${fn}() needs a range vector, but "${argText}" is an instant vector`, this.missingRangeFix(fn, arg, parent));
      return;
    }
    if (got === 'matrix') {
      this.add(arg.from, `${ctx} needs ${an(want)}, but "${argText}" is a range vector`, this.rangeFix(arg));
      return;
    }
    let fix: string;
    if (want === 'scalar' && got === 'vector') fix = `pass a number, or convert with scalar(${argText}).`;
    else if (want === 'vector' && got === 'scalar') fix = `wrap the number in vector(): vector(${argText}).`;
    else if (want === 'string') fix = `pass a quoted string, e.g. "${argText.replace(/^["'`]|["'`]$/g, '')}".`;
    else if (want === 'scalar' && got === 'string') fix = `pass a number without quotes: ${unquote(this.text(arg))}.`;
    else if (want === 'matrix') fix = 'pass a range selector such as metric[5m].';
    else fix = 'pass an instant vector: a selector such as metric{label="value"} or an expression returning one.';
    this.add(arg.from, `${ctx} needs ${an(want)}, but "${argText}" is ${an(got)}`, fix);
  }

  /** The fix for `rate(x)`: give the selector a range (or aggregate the rate rather than rate the aggregate). */
  private missingRangeFix(fn: string, arg: Node, call: Node): string {
    let sel: Node | undefined = arg;
    while (sel && (sel.name === 'OffsetExpr' || sel.name === 'StepInvariantExpr' || sel.name === 'ParenExpr')) sel = exprChildren(sel)[0];
    if (sel?.name === 'VectorSelector') {
      const callText = this.text(call);
      if (callText.length <= 100) return `give the selector a range: ${this.expr.slice(call.from, sel.to)}[5m]${this.expr.slice(sel.to, call.to)}.`;
      return `add a range such as [5m] right after ${shorten(this.text(sel))}.`;
    }
    if (arg.name === 'AggregateExpr') {
      const agg = this.text(arg.getChild('AggregateOp') as Node);
      return `apply ${fn}() to the selector and aggregate its result: ${agg}(${fn}(metric[5m])), not ${fn}(${agg}(metric)).`;
    }
    return `make the argument a subquery with a range and resolution: ${fn}((${shorten(this.text(arg))})[5m:1m]).`;
  }

  /** The fix for a range vector where an instant vector belongs: wrap it in a function over time. */
  private rangeFix(n: Node): string {
    const text = shorten(this.text(n));
    let core: Node | undefined = n;
    while (core && (core.name === 'ParenExpr' || core.name === 'OffsetExpr' || core.name === 'StepInvariantExpr')) core = exprChildren(core)[0];
    if (core?.name === 'SubqueryExpr') return `apply a function over time to the subquery, e.g. max_over_time(${text}).`;
    const ident = descendants(n, 'Identifier')[0];
    const metric = ident ? this.text(ident) : '';
    if (COUNTER_SUFFIX.test(metric)) return `wrap it in rate(): rate(${text}).`;
    return `wrap it in a function over time, e.g. avg_over_time(${text}), or remove the range.`;
  }
}

function accepts(want: ValueType, got: Type): boolean {
  return got === 'any' || want === got;
}
