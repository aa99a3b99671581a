import { ConfigProblem } from '../../common/errors';
import { DurationString } from '../../common/duration';
import { ALERT_LABELS, SLO_LABELS } from '../../conventions';
import { RawSli, ServiceSpec, SloSpec } from '../spec';
import { WINDOW_TABLES, WindowTable } from '../windows';
import { ImportContext } from './read';

/** Options both importers take. */
export interface SloImportOptions {
  /**
   * Name of the input in problem and warning paths, e.g. the file name (`slos/checkout.yaml#2.slos[0].objective`).
   * @default 'sloth' for importSloth, 'openslo' for importOpenSlo
   */
  readonly source?: string;
  /**
   * Labels added to every imported SLO's recordings and alerts, over the spec's own labels (what Sloth's
   * `--extra-labels` does). @default - none
   */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /**
   * Keep the stack's low-traffic guard (`minRequestRate`, see SloSpec) on imported SLOs. Sloth and OpenSLO have no
   * such guard, so imports set `minRequestRate: 0` and page exactly when the source tool would; turn it on only when
   * every total query is a per-second rate (`sum(rate(...[{{.window}}]))`), since the guard compares it with
   * requests per second. @default false
   */
  readonly lowTrafficGuard?: boolean;
  /**
   * Window tables by period, as in the SLO model options (`slo: { windowTables }`): periods (and, for OpenSLO, alert
   * conditions) are checked against these, merged over the built-in Google 30d and 28d tables. Pass the same tables
   * to the stack. @default WINDOW_TABLES
   */
  readonly windowTables?: Readonly<Record<string, WindowTable>>;
}

/** What an import gives: plain service specs for `ObservabilityStack({ services })`, and the lossy mappings made. */
export interface SloImportResult {
  /** One entry per service, SLOs in input order; documents naming the same service are merged. */
  readonly services: ServiceSpec[];
  /** Legal mappings that are not exact (one sentence each: where, what changed, how to avoid it). */
  readonly warnings: ConfigProblem[];
}

/** DNS-1123 label: what the stack requires of service and SLO names (they become Kubernetes names and label values). */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Alert names the stack accepts (Prometheus' metric-name rules without ':'). */
export const ALERT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Labels the SLO generator sets itself; imported labels must not set them. */
export const RESERVED_LABELS: readonly string[] = [...new Set([...Object.values(SLO_LABELS), ...Object.values(ALERT_LABELS), 'alertname'])].sort();

function suggestDnsLabel(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return s === '' ? 'my-service' : s;
}

/** Checks a service or SLO name; `note` tells what renaming changes. */
export function checkName(name: string | undefined, path: string, what: string, ctx: ImportContext, note: string): name is string {
  if (name === undefined) return false;
  if (name.length > 63 || !DNS1123_LABEL.test(name)) {
    ctx.problems.add({
      path,
      message: `${what} must be a DNS-1123 label in the stack (lower-case letters, digits and '-', starting and ending alphanumeric, at most 63 characters)`,
      value: name,
      fix: `rename it, e.g. ${JSON.stringify(suggestDnsLabel(name))}${note}.`,
    });
    return false;
  }
  return true;
}

/** Checks label names and values of an imported label map (the stack's rules: Prometheus names, nothing reserved). */
export function checkLabelMap(labels: Readonly<Record<string, string>> | undefined, path: string, ctx: ImportContext): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!LABEL_NAME.test(k) || k.startsWith('__')) {
      ctx.problems.add({ path: `${path}.${k}`, message: 'is not a valid Prometheus label name', value: k, fix: 'use [a-zA-Z_][a-zA-Z0-9_]* without a leading "__".' });
    } else if (RESERVED_LABELS.includes(k)) {
      ctx.problems.add({ path: `${path}.${k}`, message: 'is a label the stack sets on SLO rules itself', value: k, fix: `rename the label; ${RESERVED_LABELS.join(', ')} are reserved.` });
    } else if (v === '') {
      ctx.problems.add({ path: `${path}.${k}`, message: 'must not be empty (an empty label value is no label in Prometheus)', value: v, fix: 'give it a value or remove the label.' });
    }
  }
}

/** Checks annotation names (Prometheus rule files accept label-name-like keys only). */
export function checkAnnotationMap(annotations: Readonly<Record<string, string>> | undefined, path: string, ctx: ImportContext): void {
  for (const k of Object.keys(annotations ?? {})) {
    if (!LABEL_NAME.test(k)) {
      ctx.problems.add({ path: `${path}.${k}`, message: 'is not a valid annotation name', value: k, fix: 'use [a-zA-Z_][a-zA-Z0-9_]*, e.g. runbook or dashboard_url.' });
    }
  }
}

/** The stack's raw-SLI window placeholder. */
const STACK_WINDOW = '{{window}}';
/** Sloth's (Go template) window variable, with or without spaces, and the stack's own form. */
const ANY_WINDOW = /\{\{\s*\.?window\s*\}\}/g;

/** True when a query holds a window placeholder (`{{.window}}`, `{{ .window }}` or `{{window}}`). */
export function hasWindowPlaceholder(query: string): boolean {
  return new RegExp(ANY_WINDOW.source).test(query);
}

/**
 * A query with Sloth's `{{.window}}` (any spacing) written as the stack's `{{window}}`, trimmed. Any other Go template
 * action is a problem: Sloth's only template variable is the window.
 */
export function translateWindow(query: string, path: string, ctx: ImportContext): string | undefined {
  const out = query.trim().replace(ANY_WINDOW, STACK_WINDOW);
  const rest = out.split(STACK_WINDOW).join('');
  if (rest.includes('{{') || rest.includes('}}')) {
    ctx.problems.add({
      path,
      message: 'holds a template action other than the window placeholder',
      value: query,
      fix: 'write the query with {{.window}} as its only template variable (expand any other template by hand).',
    });
    return undefined;
  }
  return out;
}

/**
 * A ratio-only SLI (a query giving the error ratio over a window) as the stack's raw SLI: every second of the window
 * counts as one event, the ratio as the bad share of it. Short windows read the ratio query over themselves; longer
 * windows and the period average the 5-minute tiles over time (instead of weighting by traffic).
 */
export function timeAveragedSli(errorRatioQuery: string): RawSli {
  return { kind: 'raw', errorQuery: errorRatioQuery, totalQuery: `(${errorRatioQuery}) * 0 + 1` };
}

/** The warning every ratio-only mapping carries. */
export function timeAveragedWarning(path: string, what: string, fix: string): ConfigProblem {
  return {
    path,
    message:
      `${what} is mapped to time-averaged events (the ratio counts as the bad share of each second): the 5m, 30m and 1h windows read the ratio query over ` +
      'themselves, the longer windows and the period average the 5-minute ratios over time instead of weighting them by traffic',
    fix,
  };
}

/** Window tables the import checks periods against. */
export function windowTables(options: SloImportOptions): Readonly<Record<string, WindowTable>> {
  return { ...WINDOW_TABLES, ...(options.windowTables ?? {}) };
}

/** Checks an SLO period against the window tables. */
export function checkPeriod(period: DurationString, path: string, tables: Readonly<Record<string, WindowTable>>, ctx: ImportContext, fixLead: string): boolean {
  if (tables[period]) return true;
  const known = Object.keys(tables).sort();
  ctx.problems.add({
    path,
    message: `is a period the stack has no alert window table for (it alerts on windows tuned per period: ${known.join(', ')})`,
    value: period,
    fix: `${fixLead}use ${known.join(' or ')}, or give a window table for ${period} in the import options' windowTables and the stack's slo.windowTables.`,
  });
  return false;
}

/** Labels of a group of SLOs merged into one service: common service labels stay on the service, otherwise per SLO. */
export interface ServiceGroup {
  readonly service: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly slos: readonly SloSpec[];
  /** Path of each SLO, for duplicate-name problems. */
  readonly sloPaths: readonly string[];
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}

/**
 * One ServiceSpec per service, in first-seen order. When every group of a service has the same labels they become
 * the service's labels; otherwise each SLO carries its group's labels (under its own), so nothing is lost.
 */
export function mergeServiceGroups(groups: readonly ServiceGroup[], ctx: ImportContext): ServiceSpec[] {
  const byService = new Map<string, ServiceGroup[]>();
  for (const g of groups) byService.set(g.service, [...(byService.get(g.service) ?? []), g]);
  const out: ServiceSpec[] = [];
  for (const [service, list] of byService) {
    const shared = list.every((g) => sameLabels(g.labels, list[0].labels));
    const seen = new Map<string, string>();
    const slos: SloSpec[] = [];
    for (const g of list) {
      g.slos.forEach((slo, i) => {
        const first = seen.get(slo.name);
        if (first) {
          ctx.problems.add({
            path: g.sloPaths[i],
            message: `is a second SLO named "${slo.name}" of service ${service} (the first is ${first}); both would record sloth_id "${service}-${slo.name}"`,
            value: slo.name,
            fix: 'rename one of them, or drop the duplicate.',
          });
          return;
        }
        seen.set(slo.name, g.sloPaths[i]);
        const labels = shared ? slo.labels : { ...g.labels, ...(slo.labels ?? {}) };
        slos.push(canonical({ ...slo, labels: labels && Object.keys(labels).length > 0 ? sortedRecord(labels) : undefined }));
      });
    }
    const labels = shared && Object.keys(list[0].labels).length > 0 ? { labels: sortedRecord(list[0].labels) } : {};
    out.push({ name: service, ...labels, slos });
  }
  return out;
}

/** The order fields of an imported SloSpec are written in (stable, readable golden files). */
const SLO_FIELD_ORDER: readonly (keyof SloSpec)[] = [
  'name', 'objective', 'period', 'description', 'sli', 'labels', 'page', 'ticket', 'alertName', 'alertAnnotations', 'annotations', 'minRequestRate',
];

/** An SloSpec with its fields in SLO_FIELD_ORDER and undefined fields left out. */
function canonical(slo: SloSpec): SloSpec {
  const out: Record<string, unknown> = {};
  for (const k of SLO_FIELD_ORDER) if (slo[k] !== undefined) out[k] = slo[k];
  for (const k of Object.keys(slo) as (keyof SloSpec)[]) if (!(k in out) && slo[k] !== undefined) out[k] = slo[k];
  return out as unknown as SloSpec;
}

/** An SLO's own labels with the import's extra labels over them (sorted), or undefined when there are none. */
export function sloLabels(own: Readonly<Record<string, string>> | undefined, options: SloImportOptions): Record<string, string> | undefined {
  const merged = { ...(own ?? {}), ...(options.extraLabels ?? {}) };
  return Object.keys(merged).length > 0 ? sortedRecord(merged) : undefined;
}

/** Checks the import options' extra labels once. */
export function checkOptions(options: SloImportOptions, ctx: ImportContext): void {
  checkLabelMap(options.extraLabels, 'options.extraLabels', ctx);
}

/** `minRequestRate` of an imported SLO: 0 (no guard, as in Sloth and OpenSLO) unless the options keep the guard. */
export function guard(options: SloImportOptions): Pick<SloSpec, 'minRequestRate'> {
  return options.lowTrafficGuard ? {} : { minRequestRate: 0 };
}
