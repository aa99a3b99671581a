import { KNOWN_METHODS, OTHER_METHOD } from './conventions';

/** A matched route: its template (the `endpoint` label and `http.route`) and the values of its parameters. */
export interface RouteMatch {
  readonly route: string;
  readonly params: Readonly<Record<string, string>>;
}

type Segment = { readonly kind: 'static'; readonly value: string } | { readonly kind: 'param'; readonly name: string } | { readonly kind: 'rest' };

interface CompiledRoute {
  readonly template: string;
  readonly segments: readonly Segment[];
}

/**
 * Matches request paths against route templates, for services on plain `node:http` that have no router of their own
 * to ask. Templates are `/`-separated: a static segment, `:name` (one segment, captured), or a final `*` (the rest,
 * captured as `*`). When several templates match, the one with the first static segment where the others have a
 * parameter wins (`/orders/new` over `/orders/:id`), so the order of the list does not matter.
 */
export class RouteTable {
  private readonly routes: readonly CompiledRoute[];

  constructor(templates: readonly string[]) {
    const seen = new Set<string>();
    this.routes = templates.map((t) => {
      if (typeof t !== 'string' || !t.startsWith('/')) {
        throw new TypeError(`route template ${JSON.stringify(t)} must start with "/" (e.g. "/orders/:id")`);
      }
      if (seen.has(t)) throw new TypeError(`route template "${t}" is listed twice`);
      seen.add(t);
      return { template: t, segments: compile(t) };
    });
  }

  /** The best match for a path (query string ignored), or undefined. */
  match(path: string): RouteMatch | undefined {
    const q = path.indexOf('?');
    const parts = split(q < 0 ? path : path.slice(0, q));
    let best: { route: CompiledRoute; params: Record<string, string>; rank: number[] } | undefined;
    for (const route of this.routes) {
      const m = matchSegments(route.segments, parts);
      if (m && (!best || compareRank(m.rank, best.rank) > 0)) best = { route, params: m.params, rank: m.rank };
    }
    return best ? { route: best.route.template, params: best.params } : undefined;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function compile(template: string): Segment[] {
  const parts = split(template);
  return parts.map((p, i) => {
    if (p === '*') {
      if (i !== parts.length - 1) throw new TypeError(`route template "${template}": "*" must be the last segment`);
      return { kind: 'rest' };
    }
    if (p.startsWith(':')) {
      if (p.length === 1) throw new TypeError(`route template "${template}": a parameter needs a name (":id")`);
      return { kind: 'param', name: p.slice(1) };
    }
    return { kind: 'static', value: p };
  });
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): { params: Record<string, string>; rank: number[] } | undefined {
  const params: Record<string, string> = {};
  const rank: number[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s.kind === 'rest') {
      if (i >= parts.length) return undefined;
      params['*'] = safeDecode(parts.slice(i).join('/'));
      rank.push(0);
      return { params, rank };
    }
    if (i >= parts.length) return undefined;
    if (s.kind === 'static') {
      if (s.value !== parts[i]) return undefined;
      rank.push(2);
    } else {
      params[s.name] = safeDecode(parts[i]);
      rank.push(1);
    }
  }
  return segments.length === parts.length ? { params, rank } : undefined;
}

function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The method as a bounded value: a known method as sent, anything else `_OTHER` (methods are case-sensitive, so
 * `get` is `_OTHER`, as the OpenTelemetry HTTP semantic conventions say).
 */
export function normalizeMethod(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.includes(method) ? method : OTHER_METHOD;
}
