/**
 * The Prometheus text exposition format (https://prometheus.io/docs/instrumenting/exposition_formats/), parsed into
 * samples, and scrapes turned into promtool input series: what the live tests use to prove alert rules on what an
 * exporter really serves.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses `name{label="value",...} value [timestamp]` lines; comments and blank lines are skipped. */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    let i = 0;
    while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
    const name = line.slice(0, i);
    const labels: Record<string, string> = {};
    if (line[i] === '{') {
      i++;
      while (line[i] !== '}') {
        const eq = line.indexOf('=', i);
        const key = line.slice(i, eq).trim();
        i = eq + 2; // past ="
        let value = '';
        while (line[i] !== '"') {
          if (line[i] === '\\') {
            const c = line[i + 1];
            value += c === 'n' ? '\n' : c;
            i += 2;
          } else value += line[i++];
        }
        labels[key] = value;
        i++; // past the closing quote
        if (line[i] === ',') i++;
      }
      i++; // past }
    }
    const [raw] = line.slice(i).trim().split(/\s+/);
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    out.push({ name, labels, value });
  }
  return out;
}

/** The metric names of a scrape (histogram and summary samples keep their `_bucket`/`_count`/`_sum` names). */
export function sampleNames(samples: readonly Sample[]): Set<string> {
  return new Set(samples.map((s) => s.name));
}

/** A promtool number (`+Inf`); NaN, which promtool's series notation cannot write, is left out (`_`). */
function promtoolNumber(v: number): string {
  if (Number.isNaN(v)) return '_';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export interface Phase {
  /** What the exporter served during this phase. */
  readonly samples: readonly Sample[];
  /** How many one-minute samples the phase lasts. */
  readonly minutes: number;
}

/**
 * promtool input series from consecutive scrapes: each series holds its scraped value for its phase's minutes (one
 * sample a minute, as a job scraped every minute) and is absent (`_`) in phases where the exporter did not serve it.
 * `targetLabels` are added to every series, as the stack's scrape job adds them.
 */
export function seriesFromPhases(phases: readonly Phase[], targetLabels: Readonly<Record<string, string>>): { name: string; labels: Record<string, string>; values: string }[] {
  const keyOf = (s: Sample) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;
  const all = new Map<string, Sample>();
  for (const p of phases) for (const s of p.samples) if (!all.has(keyOf(s))) all.set(keyOf(s), s);
  return [...all.entries()].map(([key, first]) => {
    const values = phases
      .map((p) => {
        const hit = p.samples.find((s) => keyOf(s) === key);
        return hit ? `${promtoolNumber(hit.value)}x${p.minutes - 1}` : `_x${p.minutes - 1}`;
      })
      .join(' ');
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(first.labels)) if (v !== '') labels[k] = v;
    return { name: first.name, labels: { ...labels, ...targetLabels }, values };
  });
}
