/**
 * A parse check of Go `text/template` text, as Prometheus (alert labels and annotations) and Alertmanager
 * (notification fields) parse it before they execute it: delimiters and comments, strings, numbers, variables and
 * fields, parentheses, pipelines, the control structures (if/else/range/with/define/block/template/break/continue,
 * `else if`/`else with` chains, `{{end}}`), declared variables and — as text/template refuses at parse time —
 * functions that are not defined. It follows text/template/parse (lex.go, parse.go); a value that passes here parses
 * there. Not checked: what fails only when executed (a missing field, a function given the wrong arguments).
 *
 * Used by the value rules in validation.ts, with the function set of the program that reads the text
 * (`PROMETHEUS_TEMPLATE`, `ALERTMANAGER_TEMPLATE`); tests compare it with promtool.
 */

/** Functions every Go template has (text/template/funcs.go, `builtins`). */
const GO_BUILTINS = ['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne'];

/** What a program adds to Go's template language: its functions and predefined variables. */
export interface TemplateDialect {
  /** Shown in messages: `Prometheus alert template`. */
  readonly name: string;
  readonly functions: ReadonlySet<string>;
  /** Variables defined before the text (Prometheus prepends `{{$labels := .Labels}}`...). */
  readonly variables: readonly string[];
}

/**
 * Prometheus 3.5 alert labels and annotations (template/template.go, `NewTemplateExpander`; the rule manager defines
 * `$labels`, `$externalLabels`, `$externalURL` and `$value` first).
 */
export const PROMETHEUS_TEMPLATE: TemplateDialect = {
  name: 'Prometheus alert template',
  functions: new Set([
    ...GO_BUILTINS,
    ...['query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title', 'toUpper', 'toLower', 'graphLink', 'tableLink'],
    ...['sortByLabel', 'stripPort', 'stripDomain', 'humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage', 'humanizeTimestamp', 'toTime', 'pathPrefix', 'externalURL', 'parseDuration'],
  ]),
  variables: ['$labels', '$externalLabels', '$externalURL', '$value'],
};

/** Alertmanager 0.28 notification templates (template/template.go, `DefaultFuncs`). */
export const ALERTMANAGER_TEMPLATE: TemplateDialect = {
  name: 'Alertmanager notification template',
  functions: new Set([...GO_BUILTINS, 'toUpper', 'toLower', 'title', 'trimSpace', 'join', 'match', 'safeHtml', 'reReplaceAll', 'stringSlice', 'date', 'tz', 'since', 'humanizeDuration']),
  variables: [],
};

/** One template syntax error: its 1-based character, what is wrong (text/template's words), and a hint. */
export interface TemplateError {
  readonly character: number;
  readonly error: string;
  readonly hint?: string;
}

type TokenType = 'space' | 'ident' | 'field' | 'var' | 'string' | 'number' | 'char' | 'bool' | 'nil' | 'dot' | 'lparen' | 'rparen' | 'pipe' | 'declare' | 'assign' | 'other' | 'end';

interface Token {
  readonly type: TokenType;
  readonly text: string;
  /** 0-based code unit offset. */
  readonly at: number;
}

class TemplateFailure extends Error {
  constructor(
    public readonly at: number,
    message: string,
    public readonly hint?: string,
  ) {
    super(message);
  }
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);

/** Parses `text` as a Go template of `dialect`; undefined when it parses, else the first error. */
export function goTemplateError(text: string, dialect: TemplateDialect): TemplateError | undefined {
  try {
    new TemplateParser(text, dialect).parse();
    return undefined;
  } catch (e) {
    if (e instanceof TemplateFailure) return { character: Array.from(text.slice(0, e.at)).length + 1, error: e.message, hint: e.hint };
    throw e;
  }
}

/** Splits the text into actions and lexes each (text/template/parse/lex.go). */
function lexActions(text: string): { tokens: Token[]; at: number }[] {
  const actions: { tokens: Token[]; at: number }[] = [];
  let pos = 0;
  for (;;) {
    const open = text.indexOf('{{', pos);
    if (open < 0) return actions;
    let i = open + 2;
    if (/^- [\s\S]/.test(text.slice(i)) || /^-[\t\r\n ]/.test(text.slice(i))) i += 2; // left trim marker "{{- "
    const afterMarker = i;
    const isComment = text.startsWith('/*', i);
    if (isComment) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new TemplateFailure(open, 'unclosed comment', 'close it with */}}');
      let j = close + 2;
      if (text.startsWith(' -}}', j)) j += 4;
      else if (text.startsWith('}}', j)) j += 2;
      else throw new TemplateFailure(open, 'comment ends before closing delimiter', 'a comment is the whole action: {{/* ... */}}');
      pos = j;
      continue;
    }
    const tokens: Token[] = [];
    let depth = 0;
    i = afterMarker;
    for (;;) {
      if (text.startsWith('}}', i) || text.startsWith(' -}}', i) || /^[\t\r\n]-\}\}/.test(text.slice(i, i + 4))) {
        if (depth > 0) throw new TemplateFailure(i, 'unclosed left paren', 'close every ( with )');
        if (!text.startsWith('}}', i)) i += 2;
        tokens.push({ type: 'end', text: '}}', at: i });
        pos = i + 2;
        break;
      }
      if (i >= text.length) throw new TemplateFailure(open, 'unclosed action', 'close the action with }}');
      const c = text[i];
      const start = i;
      if (/[ \t\r\n]/.test(c)) {
        while (i < text.length && /[ \t\r\n]/.test(text[i]) && !text.startsWith(' -}}', i)) i++;
        if (i === start) i++; // " -}}" handled above
        tokens.push({ type: 'space', text: ' ', at: start });
        continue;
      }
      if (c === '=') {
        tokens.push({ type: 'assign', text: '=', at: i++ });
        continue;
      }
      if (c === ':') {
        if (text[i + 1] !== '=') throw new TemplateFailure(i, 'expected :=', 'declare variables with $x := ...');
        tokens.push({ type: 'declare', text: ':=', at: i });
        i += 2;
        continue;
      }
      if (c === '|') {
        tokens.push({ type: 'pipe', text: '|', at: i++ });
        continue;
      }
      if (c === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          if (text[i] === '\n' || i >= text.length) throw new TemplateFailure(start, 'unterminated quoted string', 'close the string with "');
          i++;
        }
        if (i >= text.length) throw new TemplateFailure(start, 'unterminated quoted string', 'close the string with "');
        i++;
        const literal = text.slice(start, i);
        try {
          if (/(^|[^\\])(\\\\)*\\[/']/.test(literal)) throw new Error('not a Go escape');
          JSON.parse(literal.replace(/\\([abfv]|x[0-9A-Fa-f]{2}|[0-7]{3}|U[0-9A-Fa-f]{8})/g, 'X').replace(/\t/g, ' '));
        } catch {
          throw new TemplateFailure(start, `invalid syntax in string ${literal}`, 'Go strings escape \\" \\\\ \\n \\t \\uXXXX ...');
        }
        tokens.push({ type: 'string', text: literal, at: start });
        continue;
      }
      if (c === '`') {
        const close = text.indexOf('`', i + 1);
        if (close < 0) throw new TemplateFailure(start, 'unterminated raw quoted string', 'close the raw string with `');
        i = close + 1;
        tokens.push({ type: 'string', text: text.slice(start, i), at: start });
        continue;
      }
      if (c === '$') {
        i++;
        while (i < text.length && /[\p{L}\p{Nd}_]/u.test(text[i])) i++;
        tokens.push({ type: 'var', text: text.slice(start, i), at: start });
        continue;
      }
      if (c === "'") {
        i++;
        while (i < text.length && text[i] !== "'") {
          if (text[i] === '\\') i++;
          if (i >= text.length || text[i] === '\n') throw new TemplateFailure(start, 'unterminated character constant', "close it with '");
          i++;
        }
        if (i >= text.length) throw new TemplateFailure(start, 'unterminated character constant', "close it with '");
        i++;
        const inner = text.slice(start + 1, i - 1);
        if (!/^(?:[^\\']|\\[abfnrtv\\']|\\x[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}|\\[0-7]{3})$/u.test(inner)) {
          throw new TemplateFailure(start, `malformed character constant: ${text.slice(start, i)}`, 'a character constant holds one character, e.g. \'a\'; use "..." for text');
        }
        tokens.push({ type: 'char', text: text.slice(start, i), at: start });
        continue;
      }
      if (c === '.' && !/[0-9]/.test(text[i + 1] ?? '')) {
        i++;
        if (/[\p{L}\p{Nd}_]/u.test(text[i] ?? '')) {
          while (i < text.length && /[\p{L}\p{Nd}_]/u.test(text[i])) i++;
          tokens.push({ type: 'field', text: text.slice(start, i), at: start });
        } else tokens.push({ type: 'dot', text: '.', at: start });
        continue;
      }
      if (c === '+' || c === '-' || /[0-9.]/.test(c)) {
        const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9]+)?|0[bB][01_]+|0[oO][0-7_]+|(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?)i?/.exec(text.slice(i));
        const num = m ? m[0] : '';
        if (num === '' || /^[+-]?\.?$/.test(num) || /[\p{L}\p{Nd}_.]/u.test(text[i + num.length] ?? '')) {
          let end = i + Math.max(1, num.length);
          while (end < text.length && /[\p{L}\p{Nd}_.+-]/u.test(text[end])) end++;
          throw new TemplateFailure(start, `bad number syntax: "${text.slice(start, end)}"`, 'numbers are Go constants (42, 0.5, 1e3); a label with a dash is read with index: {{ index $labels "my-label" }}');
        }
        i += num.length;
        tokens.push({ type: 'number', text: num, at: start });
        continue;
      }
      if (/[\p{L}\p{Nd}_]/u.test(c)) {
        while (i < text.length && /[\p{L}\p{Nd}_]/u.test(text[i])) i++;
        const word = text.slice(start, i);
        tokens.push({ type: word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : 'ident', text: word, at: start });
        continue;
      }
      if (c === '(') {
        depth++;
        tokens.push({ type: 'lparen', text: '(', at: i++ });
        continue;
      }
      if (c === ')') {
        depth--;
        if (depth < 0) throw new TemplateFailure(i, 'unexpected right paren', 'remove it, or open it with (');
        tokens.push({ type: 'rparen', text: ')', at: i++ });
        continue;
      }
      const cp = text.codePointAt(i)!;
      if (cp < 128 && cp >= 32) {
        tokens.push({ type: 'other', text: c, at: i++ });
        continue;
      }
      throw new TemplateFailure(i, `unrecognized character in action: U+${cp.toString(16).toUpperCase().padStart(4, '0')}`, 'remove it');
    }
    actions.push({ tokens: tokens.filter((t, k) => !(t.type === 'space' && (k === 0 || tokens[k - 1].type === 'space'))), at: open });
  }
}

interface Frame {
  readonly keyword: 'if' | 'range' | 'with' | 'define' | 'block' | 'root';
  readonly at: number;
  /** Variables declared in this frame. */
  readonly vars: Set<string>;
  sawElse: boolean;
}

class TemplateParser {
  private readonly frames: Frame[];

  constructor(
    private readonly text: string,
    private readonly dialect: TemplateDialect,
  ) {
    this.frames = [{ keyword: 'root', at: 0, vars: new Set(['$', ...dialect.variables]), sawElse: false }];
  }

  public parse(): void {
    for (const action of lexActions(this.text)) this.action(action.tokens, action.at);
    const open = this.frames[this.frames.length - 1];
    if (open.keyword !== 'root') throw new TemplateFailure(open.at, `unexpected EOF: the {{${open.keyword}}} here has no {{end}}`, `close it with {{end}}`);
  }

  private defined(name: string): boolean {
    return this.frames.some((f) => f.vars.has(name));
  }

  private action(all: Token[], at: number): void {
    const tokens = all.filter((t) => t.type !== 'space');
    const first = tokens[0];
    if (first.type === 'ident' && KEYWORDS.has(first.text)) {
      this.keyword(first, tokens.slice(1), all.slice(all.indexOf(first) + 1), at);
      return;
    }
    this.pipeline(all, at, 'command', false);
  }

  private keyword(kw: Token, rest: Token[], raw: Token[], at: number): void {
    const top = this.frames[this.frames.length - 1];
    const endsRight = (what: string): void => {
      if (rest[0].type !== 'end') throw new TemplateFailure(rest[0].at, `unexpected ${describe(rest[0])} in ${what}`, `write {{${what}}} alone`);
    };
    switch (kw.text) {
      case 'end':
        endsRight('end');
        if (top.keyword === 'root') throw new TemplateFailure(at, 'unexpected {{end}}', 'remove it, or open the block it should close (if, range, with, define, block)');
        this.frames.pop();
        return;
      case 'else': {
        if (top.keyword !== 'if' && top.keyword !== 'range' && top.keyword !== 'with') throw new TemplateFailure(at, 'unexpected {{else}}', 'else belongs inside {{if}}, {{range}} or {{with}}');
        if (top.sawElse) throw new TemplateFailure(at, 'expected end; found {{else}}', 'a block has at most one plain {{else}}, last');
        if (rest[0].type === 'ident' && (rest[0].text === 'if' || rest[0].text === 'with')) {
          this.pipeline(raw.slice(raw.indexOf(rest[0]) + 1), at, rest[0].text, true);
          return;
        }
        endsRight('else');
        top.sawElse = true;
        return;
      }
      case 'if':
      case 'with':
      case 'range': {
        const frame: Frame = { keyword: kw.text, at, vars: new Set(), sawElse: false };
        this.frames.push(frame);
        this.pipeline(raw, at, kw.text, true, kw.text === 'range');
        return;
      }
      case 'break':
      case 'continue':
        endsRight(kw.text);
        if (!this.frames.some((f) => f.keyword === 'range')) throw new TemplateFailure(at, `{{${kw.text}}} outside {{range}}`, `use {{${kw.text}}} only inside a {{range}} block`);
        return;
      case 'define':
      case 'block':
      case 'template': {
        if (kw.text === 'define' && top.keyword !== 'root') throw new TemplateFailure(at, 'unexpected {{define}} inside a block', 'define templates at the top level');
        if (rest[0].type !== 'string') throw new TemplateFailure(rest[0].at, `unexpected ${describe(rest[0])} in ${kw.text} clause`, `name the template with a string: {{${kw.text} "name"${kw.text === 'define' ? '' : ' .'}}}`);
        const after = raw.slice(raw.indexOf(rest[0]) + 1);
        if (kw.text === 'define') {
          if (rest[1].type !== 'end') throw new TemplateFailure(rest[1].at, `unexpected ${describe(rest[1])} in define clause`, 'write {{define "name"}} alone');
          this.frames.push({ keyword: 'define', at, vars: new Set(['$']), sawElse: false });
          return;
        }
        if (rest[1].type !== 'end') this.pipeline(after, at, kw.text, false);
        else if (kw.text === 'block') throw new TemplateFailure(rest[1].at, 'missing value for block', 'give the block its data: {{block "name" .}}');
        if (kw.text === 'block') this.frames.push({ keyword: 'block', at, vars: new Set(['$']), sawElse: false });
        return;
      }
    }
  }

  /** A pipeline (text/template's `pipeline`): optional declarations, then commands separated by `|`. */
  private pipeline(raw: Token[], at: number, context: string, needValue: boolean, range = false): void {
    let tokens = raw.filter((t) => t.type !== 'space');
    if (tokens[0].type === 'end') {
      if (needValue || context === 'command') throw new TemplateFailure(at, `missing value for ${context}`, context === 'command' ? 'an action needs something to print, e.g. {{ $labels.service }}' : `give {{${context}}} a value, e.g. {{${context} .Alerts}}`);
    }
    // declarations: $x := / $x = / (range) $i, $e :=
    const v1 = tokens[0];
    if (v1.type === 'var') {
      const op = tokens[1];
      const comma = tokens[1]?.type === 'other' && tokens[1].text === ',' && tokens[2]?.type === 'var';
      if (range && comma && (tokens[3]?.type === 'declare' || tokens[3]?.type === 'assign')) {
        for (const v of [v1, tokens[2]]) this.declare(v);
        tokens = tokens.slice(4);
      } else if (op?.type === 'declare' || op?.type === 'assign') {
        this.declare(v1);
        tokens = tokens.slice(2);
      }
    }
    this.commands(tokens, context);
  }

  /** `$x :=` declares; `$x =` assigns (text/template does not check at parse time that `$x` exists). */
  private declare(v: Token): void {
    this.frames[this.frames.length - 1].vars.add(v.text);
  }

  /** Commands separated by `|`, up to `end` (or a `)` closing a parenthesized pipeline). Returns the index after it. */
  private commands(tokens: Token[], context: string, from = 0, closing: TokenType = 'end'): number {
    let i = from;
    for (let stage = 1; ; stage++) {
      const start = tokens[i];
      if (start.type === closing && stage === 1) throw new TemplateFailure(start.at, `missing value for ${context}`, 'give it a value, e.g. {{ $labels.service }}');
      if (start.type === closing) return i + 1; // a trailing | is allowed (text/template's command loop)
      if (start.type === 'pipe') throw new TemplateFailure(start.at, 'empty command', 'put a value or function before |, or remove the |');
      if (stage > 1 && ['bool', 'dot', 'nil', 'number', 'string', 'char'].includes(start.type)) {
        throw new TemplateFailure(start.at, `non executable command in pipeline stage ${stage}`, 'after | comes a function (or a field, a variable, a parenthesized pipeline) that takes the value');
      }
      while (tokens[i].type !== 'pipe' && tokens[i].type !== closing) {
        if (tokens[i].type === 'end') throw new TemplateFailure(tokens[i].at, 'unclosed left paren', 'close every ( with )');
        i = this.operand(tokens, i, context);
      }
      if (tokens[i].type === closing) return i + 1;
      i++; // past |
    }
  }

  private operand(tokens: Token[], i: number, context: string): number {
    const t = tokens[i];
    switch (t.type) {
      case 'ident':
        if (KEYWORDS.has(t.text)) throw new TemplateFailure(t.at, `unexpected <${t.text}> in ${context}`, `{{${t.text}}} starts its own action`);
        if (!this.dialect.functions.has(t.text)) {
          throw new TemplateFailure(t.at, `function "${t.text}" not defined`, `${this.dialect.name}s have ${[...this.dialect.functions].filter((f) => !GO_BUILTINS.includes(f)).join(', ')} and Go's builtins`);
        }
        return this.chain(tokens, i + 1);
      case 'var':
        if (!this.defined(t.text)) throw new TemplateFailure(t.at, `undefined variable "${t.text}"`, `declare it first with ${t.text} := ..., or use one of ${[...new Set(this.frames.flatMap((f) => [...f.vars]))].join(', ')}`);
        return this.chain(tokens, i + 1);
      case 'lparen':
        return this.chain(tokens, this.commands(tokens, context, i + 1, 'rparen'));
      case 'field':
      case 'dot':
        return this.chain(tokens, i + 1);
      case 'string':
      case 'number':
      case 'char':
      case 'bool':
      case 'nil':
        return i + 1;
      default:
        throw new TemplateFailure(t.at, `unexpected ${describe(t)} in operand`, t.text === '[' ? 'Go templates index with a function: {{ index $labels "name" }}' : 'remove it');
    }
  }

  /** Field chains after a term: `$labels.service`, `(first $x).Value`. */
  private chain(tokens: Token[], i: number): number {
    while (tokens[i]?.type === 'field') i++;
    return i;
  }
}

function describe(t: Token): string {
  if (t.type === 'end') return '}}';
  return `"${t.text}"`;
}
