import { ConfigProblem } from '../common/errors';
import { re2Error } from '../common/re2';

/**
 * Shared plumbing of the PromQL and LogQL validators: a small lexer (strings, comments, brackets), placeholder
 * substitution that keeps every position of the original text, and the caret-pointing problem format.
 *
 * lezer parsers never throw: they recover and leave error nodes (⚠) in the tree. The validators use this file to turn
 * the first error node into one sentence about the real cause (an unclosed bracket, an unknown function, a bad
 * duration, ...), pointing at the ORIGINAL expression text.
 */

/** A problem in a query expression: a ConfigProblem that also says where in the expression it is. */
export interface ExpressionProblem extends ConfigProblem {
  /** The expression as the user wrote it (before placeholder substitution). */
  readonly expression: string;
  /** 1-based line of the problem inside the expression. */
  readonly line: number;
  /** 1-based column of the problem inside its line. */
  readonly column: number;
}

export type QueryLanguage = 'PromQL' | 'LogQL';

/** A string literal found by the lexer; `closed` is false when the closing quote is missing. */
export interface StringSpan {
  readonly from: number;
  readonly to: number;
  readonly quote: string;
  readonly closed: boolean;
}

/** A bracket pair problem found by the lexer. */
export interface BracketIssue {
  readonly pos: number;
  readonly what: string;
  readonly fix: string;
}

export interface Lexed {
  readonly strings: readonly StringSpan[];
  /** 1 where the character is inside a string literal or a `#` comment. */
  readonly masked: Uint8Array;
}

/**
 * Finds string literals (`"…"`, `'…'`, `` `…` ``, with backslash escapes in the first two) and `#` line comments,
 * the same way both grammars tokenize them: a quoted string ends at its quote or, unterminated, at the end of line.
 */
export function lex(text: string): Lexed {
  const masked = new Uint8Array(text.length);
  const strings: StringSpan[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const from = i;
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        const d = text[j];
        if (c !== '`' && d === '\\') {
          j += 2;
          continue;
        }
        if (c !== '`' && d === '\n') break;
        if (d === c) {
          closed = true;
          j++;
          break;
        }
        j++;
      }
      const to = Math.min(j, text.length);
      masked.fill(1, from, to);
      strings.push({ from, to, quote: c, closed });
      i = to;
    } else if (c === '#') {
      let j = text.indexOf('\n', i);
      if (j < 0) j = text.length;
      masked.fill(1, i, j);
      i = j;
    } else {
      i++;
    }
  }
  return { strings, masked };
}

const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** The first unbalanced or mismatched bracket outside strings and comments. */
export function bracketIssue(text: string, lexed: Lexed): BracketIssue | undefined {
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (lexed.masked[i]) continue;
    const c = text[i];
    if (PAIRS[c]) {
      stack.push(i);
    } else if (CLOSERS[c]) {
      const open = stack.pop();
      if (open === undefined) {
        return { pos: i, what: `unexpected "${c}" without a matching "${CLOSERS[c]}"`, fix: `remove this "${c}" or add the missing "${CLOSERS[c]}" before it.` };
      }
      if (PAIRS[text[open]] !== c) {
        const want = PAIRS[text[open]];
        return { pos: open, what: `unclosed "${text[open]}"`, fix: `close it with "${want}" before the "${c}" at ${locate(text, i)}.` };
      }
    }
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1];
    const want = PAIRS[text[open]];
    return { pos: open, what: `unclosed "${text[open]}"`, fix: `add the matching "${want}".` };
  }
  return undefined;
}

/** The `[...]` nesting depth at each position (outside strings and skipped spans): > 0 where a duration is expected. */
function squareDepths(text: string, skip: Uint8Array): Int32Array {
  const depth = new Int32Array(text.length + 1);
  let d = 0;
  for (let i = 0; i < text.length; i++) {
    depth[i] = d;
    if (skip[i]) continue;
    if (text[i] === '[') d++;
    else if (text[i] === ']') d = Math.max(0, d - 1);
  }
  depth[text.length] = d;
  return depth;
}

/** A Grafana variable or SLO template placeholder replaced by a stand-in before parsing. */
export interface Placeholder {
  readonly from: number;
  readonly to: number;
  readonly text: string;
  /** What stood in: a duration (inside `[]`, after `offset`), a number (after `@`), or an identifier (elsewhere). */
  readonly kind: 'duration' | 'number' | 'identifier';
}

/**
 * Grafana template variables and macros (`$__rate_interval`, `$var`, `${var}`, `${var:csv}`, `[[var]]`) and the SLO
 * raw-query placeholder (`{{window}}`), as Grafana documents them
 * (https://grafana.com/docs/grafana/latest/dashboards/variables/variable-syntax/).
 */
const PLACEHOLDER = /\$\{[^}\s]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[A-Za-z_][A-Za-z0-9_.:]*\]\]|\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\}/g;

export interface Prepared {
  /** The text the parser sees: same length as the original, placeholders replaced by stand-ins. */
  readonly text: string;
  readonly placeholders: readonly Placeholder[];
  readonly lexed: Lexed;
}

/**
 * Replaces placeholders outside string literals by stand-ins of the SAME LENGTH, so every parser position is also a
 * position in the original text: inside `[]` or after `offset` a duration (`$__rate_interval` → `00000000000005m`),
 * after `@` a number, elsewhere an identifier (`${service}` → `__service_`). Placeholders inside strings
 * (`job=~"$job"`) are already valid and stay as they are.
 */
export function prepare(original: string, substitute: boolean): Prepared {
  const lexed = lex(original);
  if (!substitute) return { text: original, placeholders: [], lexed };
  const found: { from: number; to: number; text: string }[] = [];
  for (const m of original.matchAll(PLACEHOLDER)) {
    const from = m.index ?? 0;
    if (lexed.masked[from]) continue;
    found.push({ from, to: from + m[0].length, text: m[0] });
  }
  if (found.length === 0) return { text: original, placeholders: [], lexed };
  const skip = Uint8Array.from(lexed.masked);
  for (const f of found) skip.fill(1, f.from, f.to);
  const depth = squareDepths(original, skip);
  const chars = original.split('');
  const placeholders: Placeholder[] = [];
  for (const f of found) {
    const before = original.slice(0, f.from).trimEnd();
    const len = f.to - f.from;
    let kind: Placeholder['kind'];
    let standIn: string;
    if (depth[f.from] > 0 || /\boffset$/i.test(before)) {
      kind = 'duration';
      standIn = '0'.repeat(len - 2) + '5m';
    } else if (before.endsWith('@')) {
      kind = 'number';
      standIn = '0'.repeat(len - 1) + '1';
    } else {
      kind = 'identifier';
      standIn = f.text.replace(/[^A-Za-z0-9_]/g, '_');
    }
    for (let i = 0; i < len; i++) chars[f.from + i] = standIn[i];
    placeholders.push({ ...f, kind });
  }
  return { text: chars.join(''), placeholders, lexed };
}

/** The first placeholder outside strings and comments (for "validate with { placeholders: true }"). */
export function findPlaceholder(text: string, lexed: Lexed): { pos: number; text: string } | undefined {
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (!lexed.masked[m.index ?? 0]) return { pos: m.index ?? 0, text: m[0] };
  }
  return undefined;
}

export const PLACEHOLDER_FIX =
  'validate it with { placeholders: true } (as dashboards and raw SLO queries are), or substitute the placeholder before validating.';

/** The placeholder covering [from, to), if any. */
export function placeholderIn(prepared: Prepared, from: number, to: number): Placeholder | undefined {
  return prepared.placeholders.find((p) => p.from < to && from < p.to);
}

/** 1-based line and column of a position. */
export function lineColumn(text: string, pos: number): { line: number; column: number; lineStart: number } {
  const p = Math.max(0, Math.min(pos, text.length));
  const lineStart = text.lastIndexOf('\n', p - 1) + 1;
  const line = text.slice(0, lineStart).split('\n').length;
  return { line, column: p - lineStart + 1, lineStart };
}

/** `column 7`, or `line 2, column 7` for a multi-line expression. */
export function locate(text: string, pos: number): string {
  const { line, column } = lineColumn(text, pos);
  return text.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`;
}

const MAX_SNIPPET = 120;

/** The line holding `pos`, indented, with a caret under `pos` on the next line (long lines are cut around it). */
export function pointer(text: string, pos: number): string {
  const { lineStart } = lineColumn(text, pos);
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  let line = text.slice(lineStart, lineEnd);
  let offset = Math.max(0, Math.min(pos, text.length) - lineStart);
  if (line.length > MAX_SNIPPET) {
    const start = Math.max(0, Math.min(offset - MAX_SNIPPET / 2, line.length - MAX_SNIPPET));
    const end = Math.min(line.length, start + MAX_SNIPPET);
    line = (start > 0 ? '…' : '') + line.slice(start, end) + (end < text.length - lineStart ? '…' : '');
    offset = offset - start + (start > 0 ? 1 : 0);
  }
  const pad = line.slice(0, offset).replace(/[^\t]/g, ' ');
  return `    ${line}\n    ${pad}^ here`;
}

/**
 * One problem, formatted by `formatProblem` as:
 * ```
 * <path>: <what> at column N of the PromQL expression
 *     <the expression line>
 *         ^ here. Fix: <fix>
 * ```
 * The expression is shown in the message, so the problem has no `value` (it would print it a second time).
 */
export function expressionProblem(lang: QueryLanguage, expression: string, path: string, pos: number, what: string, fix: string): ExpressionProblem {
  const { line, column } = lineColumn(expression, pos);
  return {
    path,
    message: `${what} at ${locate(expression, pos)} of the ${lang} expression\n${pointer(expression, pos)}`,
    fix,
    expression,
    line,
    column,
  };
}

/** Problems for a value that is not a non-empty string. */
export function notAnExpression(lang: QueryLanguage, expr: unknown, path: string, example: string): ConfigProblem[] {
  if (typeof expr !== 'string') return [{ path, message: `must be a ${lang} expression string`, value: expr, fix: `write a ${lang} expression, e.g. ${example}.` }];
  if (expr.trim() === '') return [{ path, message: `is an empty ${lang} expression`, value: expr, fix: `write a ${lang} expression, e.g. ${example}.` }];
  return [];
}

/** Edit distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/**
 * The closest candidate within a small edit distance, or undefined. Ties go to a candidate the name is a prefix of
 * (`rat` → `rate`, not `rad`), then to the first in `candidates` order (list common names first).
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const d = cl === lower ? 0 : editDistance(lower, cl);
    if (d > limit) continue;
    const score = d * 2 + (cl.startsWith(lower) ? 0 : 1);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** The first identifier followed by `(` that is not a known function or keyword: the typo behind `foo(...)`. */
export function unknownCall(text: string, skip: Uint8Array, known: (name: string) => boolean): { pos: number; name: string } | undefined {
  const re = /[A-Za-z_:][A-Za-z0-9_:]*(?=\s*\()/g;
  for (const m of text.matchAll(re)) {
    const pos = m.index ?? 0;
    if (skip[pos]) continue;
    if (pos > 0 && /[A-Za-z0-9_:.$]/.test(text[pos - 1])) continue;
    if (!known(m[0])) return { pos, name: m[0] };
  }
  return undefined;
}

/** A Prometheus duration: integers with units, largest first (https://prometheus.io/docs/prometheus/latest/querying/basics/#float-literals-and-time-durations). */
export const DURATION = /^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;

export function isDuration(s: string): boolean {
  return s !== '' && DURATION.test(s);
}

/** Is `s` (a duration literal) zero, e.g. `0s`, `0m0s`? */
export function isZeroDuration(s: string): boolean {
  return isDuration(s) && !/[1-9]/.test(s);
}

export const DURATION_FIX = 'write whole numbers with a unit (ms, s, m, h, d, w, y), largest unit first, e.g. "5m", "90s" or "1h30m".';

/** Each `[...]` of the text (outside strings and comments) with its content split at the subquery colon. */
export function bracketRanges(text: string, skip: Uint8Array): { open: number; close: number; parts: { from: number; text: string }[] }[] {
  const out: { open: number; close: number; parts: { from: number; text: string }[] }[] = [];
  for (let i = 0; i < text.length; i++) {
    if (skip[i] || text[i] !== '[') continue;
    let j = i + 1;
    while (j < text.length && !(text[j] === ']' && !skip[j])) j++;
    const content = text.slice(i + 1, j);
    const colon = content.indexOf(':');
    const raw = colon < 0 ? [{ from: i + 1, text: content }] : [{ from: i + 1, text: content.slice(0, colon) }, { from: i + 2 + colon, text: content.slice(colon + 1) }];
    const parts = raw.map((p) => {
      const lead = p.text.length - p.text.trimStart().length;
      return { from: p.from + lead, text: p.text.trim() };
    });
    out.push({ open: i, close: j, parts });
  }
  return out;
}

/** The token starting at `pos`, for "unexpected ..." messages. */
export function tokenAt(text: string, pos: number): string {
  const rest = text.slice(pos);
  const m = /^(?:[A-Za-z_:][A-Za-z0-9_:]*|\d[A-Za-z0-9_.]*|"[^"\n]*"?|'[^'\n]*'?|`[^`]*`?|[=!<>]=|=~|!~|\|=|\|~|&&|\|\||\S)/.exec(rest);
  const tok = m ? m[0] : rest.slice(0, 1);
  return tok.length > 40 ? `${tok.slice(0, 37)}...` : tok;
}

/** The last token ending at or before `pos`. */
export function tokenBefore(text: string, pos: number): string {
  const head = text.slice(0, pos).trimEnd();
  const m = /(?:[A-Za-z_:][A-Za-z0-9_:]*|\d[A-Za-z0-9_.]*|"[^"\n]*"|[=!<>]=|=~|!~|\|=|\|~|\S)$/.exec(head);
  return m ? m[0] : '';
}

/** Shortens a piece of expression text for a message. */
export function shorten(s: string, max = 60): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/**
 * Checks the escapes of a quoted string the way Prometheus' and Loki's unquote (Go's strconv rules) do: in `"…"` and
 * `'…'` only \a \b \f \n \r \t \v \\ \" (or \') \xhh \ooo \uhhhh \Uhhhhhhhh are allowed. Returns the offset of the
 * first bad escape inside the literal, or -1.
 */
export function badEscape(literal: string): { offset: number; escape: string } | undefined {
  const q = literal[0];
  if (q === '`') return undefined;
  const body = literal.slice(1, literal.endsWith(q) && literal.length > 1 ? -1 : undefined);
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') continue;
    const rest = body.slice(i + 1);
    const ok =
      /^[abfnrtv\\]/.test(rest) || rest[0] === q || /^x[0-9a-fA-F]{2}/.test(rest) || /^[0-7]{3}/.test(rest) || /^u[0-9a-fA-F]{4}/.test(rest) || /^U[0-9a-fA-F]{8}/.test(rest);
    if (!ok) return { offset: i + 1, escape: `\\${rest[0] ?? ''}` };
    i++;
  }
  return undefined;
}

/** The value of a (well-formed) string literal. */
export function unquote(literal: string): string {
  const q = literal[0];
  const body = literal.slice(1, -1);
  if (q === '`') return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) => {
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    if (simple[e] !== undefined) return simple[e];
    if (e[0] === 'x' || e[0] === 'u' || e[0] === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCodePoint(parseInt(e, 8));
    return e;
  });
}

/**
 * The syntax error of an RE2 regular expression (Prometheus and Loki matchers), parsed with Go's regexp grammar
 * (src/common/re2.ts): `missing closing ), at character 1 of the regex`, or undefined when it is valid.
 */
export function regexError(source: string): string | undefined {
  const e = re2Error(source);
  return e ? `${e.error}, at character ${e.character} of the regex` : undefined;
}

/** Does the regex (RE2, anchored) match the empty string? Undefined when it cannot be judged. */
export function regexMatchesEmpty(source: string): boolean | undefined {
  if (regexError(source) !== undefined) return undefined;
  try {
    const re = source.replace(/^\(\?[imsU]+\)/, '').replace(/\(\?P</g, '(?<');
    return new RegExp(`^(?:${re})$`).test('');
  } catch {
    return undefined;
  }
}
