import * as yaml from 'js-yaml';
import { ConfigProblem, ProblemCollector } from '../../common/errors';

/**
 * Strict reading of imported YAML: every field is checked against the fields the format defines, so a typo or a
 * feature the stack cannot map fails with the path of the field instead of being dropped. Pure; no stack types.
 */

/** Problems (errors) and warnings of one import run. */
export interface ImportContext {
  readonly problems: ProblemCollector;
  readonly warnings: ConfigProblem[];
}

export function newImportContext(): ImportContext {
  return { problems: new ProblemCollector(), warnings: [] };
}

/** One YAML document of the input: its 1-based number and its value. */
export interface YamlDocument {
  readonly number: number;
  readonly path: string;
  readonly value: unknown;
}

/**
 * The documents of a YAML stream (`---`-separated), empty documents left out. YAML 1.2 core schema: dates and times
 * stay strings (OpenSLO's `startTime`), `yes`/`no` stay strings. A syntax error is one problem naming the line.
 */
export function loadDocuments(text: string, source: string, ctx: ImportContext): YamlDocument[] {
  if (typeof text !== 'string') {
    ctx.problems.add({ path: source, message: 'must be YAML text', value: text, fix: "pass the file's content, e.g. readFileSync(path, 'utf8')." });
    return [];
  }
  let values: unknown[];
  try {
    values = yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA });
  } catch (e) {
    if (!(e instanceof yaml.YAMLException)) throw e;
    const where = e.mark ? ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
    ctx.problems.add({ path: source, message: `is not valid YAML: ${e.reason}${where}`, fix: 'check the indentation and quoting there.' });
    return [];
  }
  return values
    .map((value, i) => ({ number: i + 1, path: `${source}#${i + 1}`, value }))
    .filter((d) => d.value !== null && d.value !== undefined);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

/**
 * A YAML mapping at `path` whose fields are limited to `fields`: unknown fields are reported when it is created.
 * A field holding `null` (`key:` with nothing after it) counts as absent.
 */
export class YamlMap {
  /** The mapping at `path`, or undefined (and a problem) when `value` is not a mapping. */
  public static from(value: unknown, path: string, ctx: ImportContext, what: string, fields: readonly string[], ignored: readonly string[] = []): YamlMap | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      ctx.problems.add({ path, message: `must be a mapping (${what}), not ${describeType(value)}`, value });
      return undefined;
    }
    const map = new YamlMap(value as Record<string, unknown>, path, ctx);
    for (const key of Object.keys(value)) {
      if (!fields.includes(key) && !ignored.includes(key)) {
        ctx.problems.add({ path: map.at(key), message: `is not a field of ${what}`, fix: `use ${fields.join(', ')} (check the spelling).` });
      }
    }
    return map;
  }

  private constructor(
    public readonly value: Readonly<Record<string, unknown>>,
    public readonly path: string,
    public readonly ctx: ImportContext,
  ) {}

  /** The path of a field. */
  public at(key: string): string {
    return `${this.path}.${key}`;
  }

  public has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  public raw(key: string): unknown {
    return this.has(key) ? this.value[key] : undefined;
  }

  private missing(key: string, fix?: string): undefined {
    this.ctx.problems.add({ path: this.at(key), message: 'is required', ...(fix ? { fix } : {}) });
    return undefined;
  }

  private wrongType(key: string, type: string): undefined {
    this.ctx.problems.add({ path: this.at(key), message: `must be ${type}, not ${describeType(this.value[key])}`, value: this.value[key] });
    return undefined;
  }

  public str(key: string, required = false, fix?: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return required ? this.missing(key, fix) : undefined;
    if (typeof v !== 'string') return this.wrongType(key, 'a string');
    if (required && v.trim() === '') {
      this.ctx.problems.add({ path: this.at(key), message: 'must not be empty', value: v, ...(fix ? { fix } : {}) });
      return undefined;
    }
    return v;
  }

  public num(key: string, required = false, fix?: string): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return required ? this.missing(key, fix) : undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.wrongType(key, 'a number');
    return v;
  }

  public bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') return this.wrongType(key, 'true or false');
    return v;
  }

  public map(key: string, what: string, fields: readonly string[], required = false, fix?: string): YamlMap | undefined {
    const v = this.raw(key);
    if (v === undefined) return required ? this.missing(key, fix) : undefined;
    return YamlMap.from(v, this.at(key), this.ctx, what, fields);
  }

  public list(key: string, required = false, fix?: string): readonly unknown[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return required ? this.missing(key, fix) : undefined;
    if (!Array.isArray(v)) return this.wrongType(key, 'a list');
    return v;
  }

  /**
   * A mapping of string to string (Sloth's labels and annotations). Unquoted numbers and booleans become their text
   * (`tier: 2` → "2"), as Sloth's YAML decoder (sigs.k8s.io/yaml) converts scalars for string fields; lists and
   * mappings are problems.
   */
  public stringMap(key: string, fix: (k: string, v: unknown) => string): Record<string, string> | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return this.wrongType(key, 'a mapping of names to strings');
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (typeof val === 'number' || typeof val === 'boolean') {
        out[k] = String(val);
        continue;
      }
      if (typeof val !== 'string') {
        this.ctx.problems.add({ path: `${this.at(key)}.${k}`, message: `must be a string, not ${describeType(val)}`, value: val, fix: fix(k, val) });
        continue;
      }
      out[k] = val;
    }
    return out;
  }
}
