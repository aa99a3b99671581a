import { ConfigError } from '../../common/errors';
import { re2Error } from '../../common/re2';
import { LABEL_NAME, labelNameProblems } from '../../common/validation';

/**
 * Alertmanager label matchers (https://prometheus.io/docs/alerting/latest/configuration/#matcher).
 *
 * Alertmanager 0.27+ parses matchers with a UTF-8 parser and falls back to the "classic" parser of 0.26 and older
 * (still the fallback in the deployed 0.28). We accept and emit only the subset both parsers read identically:
 * a classic label name (`[a-zA-Z_][a-zA-Z0-9_]*`), one of `=`, `!=`, `=~`, `!~`, and a value that is either an
 * unquoted literal without reserved characters or a double-quoted string whose only escapes are `\\`, `\"` and `\n`.
 * Every matcher is rendered in the canonical quoted form `label="value"`, which is also valid in UTF-8 strict mode.
 */

export type MatchOperator = '=' | '!=' | '=~' | '!~';

/** A matcher object, or its text (`severity="critical"`, `service=~"api|web"`). */
export type MatcherInput = Matcher | string;

/** Characters an unquoted UTF-8 matcher literal may not contain. */
const RESERVED = /[\s{}!=~,\\"'`]/;
const MATCHER_FIX = 'write one matcher per entry as label, operator (=, !=, =~, !~) and a double-quoted value, e.g. severity="critical" or service=~"api|web"; or build it with Matcher.equal("severity", "critical").';

function problem(path: string, message: string, value: unknown, fix = MATCHER_FIX): ConfigError {
  return new ConfigError({ path, message, value, fix });
}

function checkLabel(label: string, path: string, input: unknown): void {
  if (!LABEL_NAME.test(label)) {
    const [p] = labelNameProblems(label, path, { allowReserved: true });
    throw problem(path, `has a label name that ${p?.message ?? 'is not a valid Prometheus label name'}`, input, 'use letters, digits and underscores, not starting with a digit, e.g. "severity".');
  }
}

/** The value of a regex matcher, parsed with Go's RE2 grammar (the one Alertmanager compiles it with, anchored). */
function checkRegex(value: string, path: string, input: unknown): void {
  const e = re2Error(value);
  if (e) {
    const text = e.text !== '' && e.text !== value ? ` (${JSON.stringify(e.text)})` : '';
    throw problem(path, `has a regular expression Alertmanager rejects (RE2): ${e.error} at character ${e.character} of the value${text}`, input, `${e.hint ?? 'correct the regular expression'}.`);
  }
}

/**
 * Decodes a double-quoted matcher value (`raw` starts with `"`), accepting only the escapes both parsers agree on.
 * The closing quote must end the input: a second matcher belongs in its own entry.
 */
function unquote(raw: string, path: string, input: unknown, at: number): string {
  let out = '';
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"') {
      if (i !== raw.length - 1) throw problem(path, `has text after the closing double quote of its value, at character ${at + i + 1}`, input);
      return out;
    }
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = raw[i + 1];
    if (next === '\\' || next === '"') out += next;
    else if (next === 'n') out += '\n';
    else {
      throw problem(path, `has an escape sequence the matcher parsers do not agree on (\\${next ?? ''}) at character ${at + i}`, input, 'only \\\\, \\" and \\n may be escaped inside a quoted value.');
    }
    i++;
  }
  throw problem(path, `has a quoted value without its closing double quote (it opens at character ${at})`, input);
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export class Matcher {
  /** `label="value"` */
  public static equal(label: string, value: string): Matcher {
    return Matcher.of(label, '=', value, 'Matcher.equal');
  }

  /** `label!="value"` */
  public static notEqual(label: string, value: string): Matcher {
    return Matcher.of(label, '!=', value, 'Matcher.notEqual');
  }

  /** `label=~"regex"` (RE2, anchored on both ends). */
  public static regex(label: string, pattern: string): Matcher {
    return Matcher.of(label, '=~', pattern, 'Matcher.regex');
  }

  /** `label!~"regex"` (RE2, anchored on both ends). */
  public static notRegex(label: string, pattern: string): Matcher {
    return Matcher.of(label, '!~', pattern, 'Matcher.notRegex');
  }

  /** `label=~"v1|v2"`: the label has one of these values (regex metacharacters in the values are escaped). */
  public static oneOf(label: string, values: readonly string[]): Matcher {
    if (values.length === 0) {
      throw problem('Matcher.oneOf', 'needs at least one value', values, 'pass the values the label may take, e.g. Matcher.oneOf("severity", ["critical", "warning"]).');
    }
    return Matcher.of(label, '=~', values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'Matcher.oneOf');
  }

  /**
   * Parses one matcher in Alertmanager's syntax (`severity="critical"`, `team != "db"`, `service=~"api|web"`).
   * @throws ConfigError naming `path` when it is malformed or outside the syntax both matcher parsers accept.
   */
  public static parse(text: string, path = 'matcher'): Matcher {
    if (typeof text !== 'string' || text.trim() === '') throw problem(path, 'is empty', text);
    const trimmed = text.trim();
    if (trimmed.startsWith('{') || trimmed.endsWith('}')) {
      throw problem(path, 'is a braced matcher list; give one matcher per entry', text);
    }
    const m = /^([^\s=!~]*)\s*(=~|!~|!=|=)\s*(.*)$/s.exec(trimmed);
    if (!m) throw problem(path, 'is not a matcher (no =, !=, =~ or !~ operator)', text);
    const [, label, op, rawValue] = m;
    if (label === '') throw problem(path, 'has no label name before the operator', text);
    checkLabel(label, path, text);
    // 1-based character of the value's first character in `text`
    const valueAt = text.length - text.trimStart().length + trimmed.length - rawValue.length + 1;
    let value: string;
    if (rawValue.startsWith('"')) {
      value = unquote(rawValue, path, text, valueAt);
    } else {
      if (rawValue === '') {
        throw problem(path, 'has no value; the UTF-8 matcher parser of Alertmanager 0.27+ requires one', text, 'write an empty value as "", e.g. team="".');
      }
      const reserved = RESERVED.exec(rawValue);
      if (reserved) {
        const c = reserved[0] === ' ' ? 'a space' : JSON.stringify(reserved[0]);
        throw problem(path, `has an unquoted value with the reserved character ${c} at character ${valueAt + reserved.index} (reserved: whitespace, {}!=~,\\"\'\` or a second matcher)`, text);
      }
      value = rawValue;
    }
    return Matcher.of(label, op as MatchOperator, value, path, text);
  }

  /** Parses a string, or passes a Matcher through. */
  public static from(input: MatcherInput, path = 'matcher'): Matcher {
    return input instanceof Matcher ? input : Matcher.parse(input, path);
  }

  private static of(label: string, operator: MatchOperator, value: string, path: string, input: unknown = undefined): Matcher {
    const shown = input ?? `${label}${operator}${quote(String(value))}`;
    checkLabel(label, path, shown);
    if (typeof value !== 'string') throw problem(path, 'has a value that is not a string', value);
    if (operator === '=~' || operator === '!~') checkRegex(value, path, shown);
    return new Matcher(label, operator, value);
  }

  private constructor(
    public readonly label: string,
    public readonly operator: MatchOperator,
    public readonly value: string,
  ) {}

  /** The canonical text, `label="value"`, read identically by the classic and UTF-8 parsers. */
  public toString(): string {
    return `${this.label}${this.operator}${quote(this.value)}`;
  }
}
