/** One sample line of an exposition, with its exemplar if any. */
export interface ExpositionSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly exemplar?: { readonly labels: Readonly<Record<string, string>>; readonly value: number; readonly timestamp?: number };
}

export interface MetricFamily {
  readonly name: string;
  readonly type?: string;
  readonly help?: string;
}

export interface ParsedExposition {
  readonly families: ReadonlyMap<string, MetricFamily>;
  readonly samples: readonly ExpositionSample[];
  /** Whether the text ended with `# EOF` (OpenMetrics requires it). */
  readonly eof: boolean;
}

function parseLabelSet(text: string, at: number): { labels: Record<string, string>; end: number } {
  // text[at] === '{'
  const labels: Record<string, string> = {};
  let i = at + 1;
  while (i < text.length && text[i] !== '}') {
    const eq = text.indexOf('=', i);
    const name = text.slice(i, eq).trim();
    if (text[eq + 1] !== '"') throw new SyntaxError(`label ${name}: value must be quoted in ${text}`);
    let j = eq + 2;
    let value = '';
    while (text[j] !== '"') {
      if (text[j] === '\\') {
        const n = text[j + 1];
        value += n === 'n' ? '\n' : n;
        j += 2;
      } else {
        value += text[j];
        j++;
      }
      if (j >= text.length) throw new SyntaxError(`unterminated label value in ${text}`);
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
  }
  return { labels, end: i + 1 };
}

function parseNumber(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  const n = Number(s);
  if (Number.isNaN(n)) throw new SyntaxError(`not a number: ${s}`);
  return n;
}

/**
 * A small parser of the OpenMetrics 1.0 text format (and the Prometheus text format), for tests: families with
 * their TYPE and HELP, samples with labels and value, and exemplars (`# {trace_id="…"} 0.12 1700000000.1`).
 */
export function parseExposition(text: string): ParsedExposition {
  const families = new Map<string, MetricFamily>();
  const samples: ExpositionSample[] = [];
  let eof = false;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line === '# EOF') {
      eof = true;
      continue;
    }
    if (line.startsWith('# ')) {
      const m = /^# (TYPE|HELP|UNIT) (\S+) ?(.*)$/.exec(line);
      if (m) {
        const f = families.get(m[2]) ?? { name: m[2] };
        families.set(m[2], m[1] === 'TYPE' ? { ...f, type: m[3] } : m[1] === 'HELP' ? { ...f, help: m[3] } : f);
      }
      continue;
    }
    let i = 0;
    while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
    const name = line.slice(0, i);
    let labels: Record<string, string> = {};
    if (line[i] === '{') {
      const p = parseLabelSet(line, i);
      labels = p.labels;
      i = p.end;
    }
    const rest = line.slice(i).trim();
    const hash = rest.indexOf(' # ');
    const valuePart = hash < 0 ? rest : rest.slice(0, hash);
    const value = parseNumber(valuePart.split(' ')[0]);
    let exemplar: ExpositionSample['exemplar'];
    if (hash >= 0) {
      const ex = rest.slice(hash + 3);
      const p = parseLabelSet(ex, ex.indexOf('{'));
      const [v, ts] = ex.slice(p.end).trim().split(' ');
      exemplar = { labels: p.labels, value: parseNumber(v), timestamp: ts === undefined ? undefined : Number(ts) };
    }
    samples.push({ name, labels, value, exemplar });
  }
  return { families, samples, eof };
}

/** Samples of one series name whose labels include `match`. */
export function findSamples(exposition: ParsedExposition, name: string, match: Readonly<Record<string, string>> = {}): ExpositionSample[] {
  return exposition.samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}
