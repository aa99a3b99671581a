/**
 * A syntax check of RE2 regular expressions as Go's `regexp.Compile` parses them (package regexp/syntax, Perl flags:
 * what Prometheus relabeling and label matchers, Alertmanager matchers, Loki's and the blackbox exporter's regexes
 * use). JavaScript's RegExp differs at the edges in both directions (it accepts lookarounds and backreferences that
 * RE2 refuses; it refuses `(?i)` and `\z` that RE2 accepts), so the stack never judges an RE2 pattern with it.
 *
 * It follows regexp/syntax/parse.go: the same error kinds, with the 1-based character where each starts. Not
 * checked: the size limits (nesting deeper than 1000, programs over Go's size limit) and invalid UTF-8 (a JavaScript
 * string cannot hold it). Used by the value rules in validation.ts; tests compare it with promtool.
 */

/** One RE2 syntax error: where it starts (1-based character), Go's error text, the offending text, a hint. */
export interface Re2Error {
  /** 1-based character (code point) where the offending text starts. */
  readonly character: number;
  /** Go's error text, e.g. `missing closing )`. */
  readonly error: string;
  /** The text Go quotes with the error, e.g. `**`. */
  readonly text: string;
  /** What RE2 offers instead, when the mistake is a known one (lookarounds, backreferences). */
  readonly hint?: string;
}

const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const PERL_CLASSES = new Set(['d', 'D', 's', 'S', 'w', 'W']);
const FLAGS = new Set(['i', 'm', 's', 'U']);
const MAX_REPEAT = 1000;

/** Unicode class names RE2 knows: general categories and scripts (as JavaScript's Unicode tables name them), Any, ASCII. */
function isUnicodeClassName(name: string): boolean {
  if (['Any', 'Assigned', 'ASCII', 'Ascii', 'LC'].includes(name)) return true;
  if (!/^[A-Za-z][A-Za-z_]*$/.test(name)) return false;
  for (const form of [`\\p{General_Category=${name}}`, `\\p{Script=${name}}`]) {
    try {
      new RegExp(form, 'u');
      return true;
    } catch {
      // not this kind of name
    }
  }
  return false;
}

class Re2Failure extends Error {
  constructor(public readonly detail: Re2Error) {
    super(detail.error);
  }
}

/** Parses `pattern` as RE2; undefined when it is valid, else the first error. */
export function re2Error(pattern: string): Re2Error | undefined {
  try {
    new Re2Parser(Array.from(pattern)).parse();
    return undefined;
  } catch (e) {
    if (e instanceof Re2Failure) return e.detail;
    throw e;
  }
}

class Re2Parser {
  private i = 0;
  /** Start positions of the open groups. */
  private readonly groups: number[] = [];
  /** Is there an atom a repetition operator can apply to (false at the start, after `(` and `|`)? */
  private canRepeat = false;
  /** The text of the repetition operator just read, if the last item was one (Go's `lastRepeat`). */
  private lastRepeat = '';
  private readonly names = new Set<string>();

  constructor(private readonly s: readonly string[]) {}

  /** Fails at character `at` (0-based) with Go's error and the text Go quotes, `s[at..end)` unless given. */
  private fail(at: number, error: string, end: number, hint?: string, text?: string): never {
    throw new Re2Failure({ character: at + 1, error, text: text ?? this.s.slice(at, Math.max(end, at + 1)).join(''), hint });
  }

  public parse(): void {
    const s = this.s;
    while (this.i < s.length) {
      const start = this.i;
      const c = s[this.i];
      let repeat = '';
      switch (c) {
        case '(':
          if (s[this.i + 1] === '?') this.perlGroup();
          else {
            this.groups.push(this.i);
            this.i++;
            this.canRepeat = false;
          }
          break;
        case ')':
          if (this.groups.length === 0) this.fail(this.i, 'unexpected )', this.i + 1, 'remove it, or escape it as \\) to match a parenthesis', s.join(''));
          this.groups.pop();
          this.i++;
          this.canRepeat = true;
          break;
        case '|':
          this.i++;
          this.canRepeat = false;
          break;
        case '[':
          this.charClass();
          this.canRepeat = true;
          break;
        case '*':
        case '+':
        case '?':
          this.i++;
          if (s[this.i] === '?') this.i++;
          repeat = this.repetition(start);
          break;
        case '{': {
          const r = this.parseRepeatBraces();
          if (!r) {
            this.i++; // a { that is not a repetition is a literal
            this.canRepeat = true;
            break;
          }
          if (r.min < 0 || r.min > MAX_REPEAT || r.max > MAX_REPEAT || (r.max >= 0 && r.min > r.max)) {
            this.fail(start, 'invalid repeat count', r.end, `repeat counts are at most ${MAX_REPEAT}, and {min,max} needs min <= max`);
          }
          this.i = r.end;
          if (s[this.i] === '?') this.i++;
          repeat = this.repetition(start);
          break;
        }
        case '\\':
          this.escapeAtom();
          this.canRepeat = true;
          break;
        default:
          this.i++;
          this.canRepeat = true;
      }
      this.lastRepeat = repeat;
    }
    if (this.groups.length > 0) {
      const at = this.groups[this.groups.length - 1];
      this.fail(at, 'missing closing )', s.length, 'close the group that starts here, or escape the ( as \\(', s.join(''));
    }
  }

  /** After a repetition operator `s[start..i)`: Go refuses stacked operators and operators with nothing to repeat. */
  private repetition(start: number): string {
    const text = this.s.slice(start, this.i).join('');
    if (this.lastRepeat !== '') {
      const from = start - Array.from(this.lastRepeat).length;
      this.fail(from, 'invalid nested repetition operator', this.i, 'RE2 has no possessive or stacked repetition: use one operator (a*, a+, a?, a{n,m}), or group first: (a*)*');
    }
    if (!this.canRepeat) this.fail(start, 'missing argument to repetition operator', this.i, `put what should repeat before ${text}, or escape it (\\${this.s[start]}) to match it literally`);
    return text;
  }

  /** `{n}`, `{n,}` or `{n,m}` at i (Go's parseRepeat): undefined when it is not of that form (then `{` is a literal). */
  private parseRepeatBraces(): { min: number; max: number; end: number } | undefined {
    let j = this.i + 1;
    const int = (): number | undefined => {
      const from = j;
      while (j < this.s.length && /[0-9]/.test(this.s[j])) j++;
      if (j === from) return undefined;
      const digits = this.s.slice(from, j).join('');
      if (digits.length > 1 && digits[0] === '0') return undefined; // Go: no leading zeros
      return digits.length > 8 ? -1 : Number(digits);
    };
    let min = int();
    if (min === undefined || j >= this.s.length) return undefined;
    let max = min;
    if (this.s[j] === ',') {
      j++;
      if (j >= this.s.length) return undefined;
      if (this.s[j] === '}') max = -1; // {n,}: unbounded
      else {
        const m = int();
        if (m === undefined) return undefined;
        if (m < 0) min = -1; // too big a number
        max = m;
      }
    }
    if (this.s[j] !== '}') return undefined;
    return { min, max, end: j + 1 };
  }

  /** `(?` ... : named groups, non-capturing groups and flags (Go's parsePerlFlags). */
  private perlGroup(): void {
    const s = this.s;
    const start = this.i;
    const rest = s.length - start;
    const named = (rest > 4 && s[start + 2] === 'P' && s[start + 3] === '<') || (rest > 3 && s[start + 2] === '<');
    if (named) {
      const nameStart = start + (s[start + 2] === 'P' ? 4 : 3);
      const lookbehind = s[start + 2] === '<' && (s[start + 3] === '=' || s[start + 3] === '!');
      const end = s.indexOf('>', nameStart);
      const hint = lookbehind ? 'RE2 has no lookbehind: match the text itself, or use a negative matcher (!~) for what must not match' : 'name groups (?P<name>...) or (?<name>...) with letters, digits and _';
      if (end < 0) this.fail(start, 'invalid named capture', s.length, hint);
      const name = s.slice(nameStart, end).join('');
      if (!/^[A-Za-z0-9_]+$/.test(name)) this.fail(start, 'invalid named capture', end + 1, hint);
      this.names.add(name);
      this.groups.push(start);
      this.i = end + 1;
      this.canRepeat = false;
      return;
    }
    let j = start + 2;
    let negated = false;
    let sawFlag = false;
    while (j < s.length) {
      const c = s[j++];
      if (FLAGS.has(c)) {
        sawFlag = true;
        continue;
      }
      if (c === '-' && !negated) {
        negated = true;
        sawFlag = false;
        continue;
      }
      if ((c === ':' || c === ')') && (!negated || sawFlag)) {
        if (c === ':') {
          this.groups.push(start);
          this.canRepeat = false;
        }
        this.i = j;
        return;
      }
      break;
    }
    const look = s[start + 2] === '=' || s[start + 2] === '!';
    const backref = s[start + 2] === 'P' && (s[start + 3] === '=' || s[start + 3] === '>');
    this.fail(
      start,
      'invalid or unsupported Perl syntax',
      j,
      look
        ? 'RE2 has no lookahead: match the text itself, or use a negative matcher (!~) for what must not match'
        : backref
          ? 'RE2 has no backreferences or recursion'
          : 'groups are (...), (?:...), (?P<name>...) or (?flags:...) with flags i, m, s, U',
    );
  }

  /** An escape outside a class: assertions, \Q...\E, Unicode and Perl classes, single characters. */
  private escapeAtom(): void {
    const s = this.s;
    const start = this.i;
    const c = s[start + 1];
    if (c === undefined) this.fail(start, 'trailing backslash at end of expression', start + 1, 'escape the backslash itself as \\\\', '');
    if (c === 'A' || c === 'b' || c === 'B' || c === 'z') {
      this.i += 2;
      return;
    }
    if (c === 'C') this.fail(start, 'invalid escape sequence', start + 2, 'RE2 has no \\C (any byte): use . instead');
    if (c === 'Q') {
      let j = start + 2;
      while (j < s.length && !(s[j] === '\\' && s[j + 1] === 'E')) j++;
      this.i = j < s.length ? j + 2 : j;
      return;
    }
    if (c === 'p' || c === 'P') {
      this.unicodeClass();
      return;
    }
    if (PERL_CLASSES.has(c)) {
      this.i += 2;
      return;
    }
    this.escapeChar();
  }

  /** `\pL`, `\p{Greek}`, `\P{^Lu}` at i. */
  private unicodeClass(): void {
    const s = this.s;
    const start = this.i;
    let name: string;
    let end: number;
    if (s[start + 2] === '{') {
      const close = s.indexOf('}', start + 3);
      if (close < 0) this.fail(start, 'invalid character class range', s.length, 'close the Unicode class name with }: \\p{Greek}');
      name = s.slice(start + 3, close).join('');
      end = close + 1;
    } else {
      if (s[start + 2] === undefined) this.fail(start, 'invalid character class range', start + 2, 'name a Unicode class: \\pL or \\p{Greek}');
      name = s[start + 2];
      end = start + 3;
    }
    if (name.startsWith('^')) name = name.slice(1);
    if (!isUnicodeClassName(name)) this.fail(start, 'invalid character class range', end, 'use a Unicode category (L, Lu, Nd, ...) or script (Latin, Greek, Han, ...)');
    this.i = end;
  }

  /** A single-character escape at i (Go's parseEscape); returns the code point. */
  private escapeChar(): number {
    const s = this.s;
    const start = this.i;
    const c = s[start + 1];
    if (c === undefined) this.fail(start, 'trailing backslash at end of expression', start + 1, 'escape the backslash itself as \\\\', '');
    const cp = c.codePointAt(0)!;
    const bad = (end: number, hint?: string): never => this.fail(start, 'invalid escape sequence', end, hint ?? 'RE2 escapes are \\a \\f \\t \\n \\r \\v, octal \\0nn, hex \\xHH or \\x{H...}, classes \\d \\s \\w \\pL, assertions \\b \\B \\A \\z, and \\ before punctuation');
    if (cp < 128 && !/[A-Za-z0-9]/.test(c)) {
      this.i = start + 2;
      return cp;
    }
    if (/[1-7]/.test(c) && !/[0-7]/.test(s[start + 2] ?? '')) bad(start + 2, 'RE2 has no backreferences: match the text again instead');
    if (/[0-7]/.test(c)) {
      let j = start + 2;
      let v = Number(c);
      for (let k = 1; k < 3 && /[0-7]/.test(s[j] ?? ''); k++, j++) v = v * 8 + Number(s[j]);
      this.i = j;
      return v;
    }
    if (c === '8' || c === '9') bad(start + 2, 'RE2 has no backreferences: match the text again instead');
    if (c === 'x') {
      if (s[start + 2] === '{') {
        // Go reads hex digits up to }, failing on the first non-digit or once the value passes U+10FFFF.
        let j = start + 3;
        let v = 0;
        for (;;) {
          if (j >= s.length) bad(s.length);
          if (s[j] === '}') break;
          if (!/[0-9A-Fa-f]/.test(s[j])) bad(j + 1);
          v = v * 16 + parseInt(s[j], 16);
          if (v > 0x10ffff) bad(j + 1);
          j++;
        }
        if (j === start + 3) bad(j + 1);
        this.i = j + 1;
        return v;
      }
      const hex = (s[start + 2] ?? '') + (s[start + 3] ?? '');
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) bad(Math.min(s.length, start + 4));
      this.i = start + 4;
      return parseInt(hex, 16);
    }
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (c in simple) {
      this.i = start + 2;
      return simple[c];
    }
    return bad(start + 2);
  }

  /** `[...]` at i (Go's parseClass). */
  private charClass(): void {
    const s = this.s;
    const start = this.i;
    let j = start + 1;
    if (s[j] === '^') j++;
    let first = true;
    const missing = (): never => this.fail(start, 'missing closing ]', s.length, 'close the character class with ], or escape the [ as \\[');
    while (j >= s.length || s[j] !== ']' || first) {
      if (j >= s.length) missing();
      first = false;
      if (s[j] === '[' && s[j + 1] === ':') {
        const rest = s.slice(j + 2).join('');
        const close = rest.indexOf(':]');
        if (close >= 0) {
          const name = rest.slice(0, close);
          const n = Array.from(name).length;
          if (!POSIX_CLASSES.has(name.replace(/^\^/, ''))) this.fail(j, 'invalid character class range', j + n + 4, `POSIX classes are [:${[...POSIX_CLASSES].join(':], [:')}:]`);
          j += n + 4;
          continue;
        }
      }
      if (s[j] === '\\' && (s[j + 1] === 'p' || s[j + 1] === 'P')) {
        this.i = j;
        this.unicodeClass();
        j = this.i;
        continue;
      }
      if (s[j] === '\\' && PERL_CLASSES.has(s[j + 1] ?? '')) {
        j += 2;
        continue;
      }
      const rangeStart = j;
      const lo = this.classChar(j, missing);
      j = this.i;
      if (s[j] === '-' && j + 1 < s.length && s[j + 1] !== ']') {
        const hi = this.classChar(j + 1, missing);
        j = this.i;
        if (hi < lo) this.fail(rangeStart, 'invalid character class range', j, 'write ranges low to high, e.g. [a-z]');
      }
    }
    this.i = j + 1;
  }

  /** One character of a class at j (an escape allowed); sets i after it and returns its code point. */
  private classChar(j: number, missing: () => never): number {
    if (j >= this.s.length) missing();
    this.i = j;
    if (this.s[j] === '\\') return this.escapeChar();
    this.i = j + 1;
    return this.s[j].codePointAt(0)!;
  }
}
