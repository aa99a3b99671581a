import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { buildSloModel, ObservabilityStack, ServiceSpec } from '../../../src';
import { allSlos } from '../../../src/slo/model';
import { configFiles, synthObjects } from '../../helpers/synth';

export const FIXTURES = join(__dirname, 'fixtures');

/** The fixture files of one format, sorted. */
export function fixtureNames(format: 'sloth' | 'openslo'): string[] {
  return readdirSync(join(FIXTURES, format)).filter((f) => /\.ya?ml$/.test(f)).sort();
}

export function fixture(format: 'sloth' | 'openslo', name: string): string {
  return readFileSync(join(FIXTURES, format, name), 'utf8');
}

/** One rule of a generated SLO rule file. */
export interface GeneratedRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A rule group of a generated SLO rule file. */
export interface GeneratedGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly GeneratedRule[];
}

/**
 * Builds the public ObservabilityStack from imported services (the parts the SLO rules do not need left out) and
 * returns the groups of its SLO rule files (`slo-<service>.rules.yml`), as Prometheus would load them.
 */
export function sloRuleGroups(services: readonly ServiceSpec[], slo?: { period?: string }): GeneratedGroup[] {
  const app = Testing.app();
  const stack = new ObservabilityStack(app, 'observability', {
    services,
    ...(slo ? { slo } : {}),
    grafana: false,
    loki: false,
    jaeger: false,
    otelGateway: false,
    nodeExporter: false,
    kubeStateMetrics: false,
  });
  const groups: GeneratedGroup[] = [];
  for (const [key, content] of configFiles(synthObjects(stack))) {
    if (/\/slo(-[a-z0-9-]+)?\.rules\.yml$/.test(key)) groups.push(...(yaml.load(content) as { groups: GeneratedGroup[] }).groups);
  }
  return groups;
}

/** Every rule of the SLO rule files of the stack built from `services` (see sloRuleGroups). */
/** The generated rules, with what the shared rules need to tell an SLO's series: the model's SLOs. */
export type GeneratedRules = GeneratedRule[] & { readonly slos?: ReturnType<typeof allSlos> };

export function sloRulesOf(services: readonly ServiceSpec[], slo?: { period?: string }): GeneratedRules {
  const rules: GeneratedRules = sloRuleGroups(services, slo).flatMap((g) => g.rules.map((r) => ({ ...r, labels: r.labels ?? {} })));
  return Object.assign(rules, { slos: allSlos(buildSloModel(services, slo ?? {})) });
}

/** Labels of `slo:definition:info` that are not part of the SLO's series identity. */
const DEFINITION_ONLY = ['sloth_objective', 'slo_period', 'slo_sli_shape', 'slo_alerting'];

/** An SLO's definition labels (its `slo:definition:info` rule). */
function definitionOf(rules: readonly GeneratedRule[], slothId: string): Readonly<Record<string, string>> | undefined {
  return rules.find((r) => r.record === 'slo:definition:info' && r.labels.sloth_id === slothId)?.labels;
}

/** The SLO's series identity: its identity and extra labels (the definition without its own and the selector's labels). */
function identityOf(rules: GeneratedRules, slothId: string): Record<string, string> {
  const def = definitionOf(rules, slothId) ?? {};
  const slo = rules.slos?.find((s) => s.id === slothId);
  const selector = slo && slo.sli.kind !== 'raw' ? slo.sli.matchers.map((m) => m.name) : [];
  return Object.fromEntries(Object.entries(def).filter(([k]) => !DEFINITION_ONLY.includes(k) && !selector.includes(k)));
}

/**
 * The label sets a recorded series name carries for one SLO (by sloth_id): a rule of its own, or a shared rule (one
 * per series name for every SLO, the SLO's identity joined from its definition) when the SLO records that window.
 */
export function recordedLabels(rules: GeneratedRules, record: string, slothId: string): Readonly<Record<string, string>>[] {
  const own = rules.filter((r) => r.record === record && r.labels.sloth_id === slothId).map((r) => r.labels);
  if (own.length > 0) return own;
  const shared = rules.filter((r) => r.record === record && r.labels.sloth_id === undefined);
  const slo = rules.slos?.find((s) => s.id === slothId);
  if (shared.length === 0 || !slo) return [];
  const w = /^slo:sli_error:ratio_rate(.+)$/.exec(record)?.[1];
  if (w !== undefined && !slo.sliWindows.some((x) => x.window.toString() === w)) return [];
  const identity = identityOf(rules, slothId);
  if (record === 'sloth_slo_info') return [{ ...identity, sloth_objective: definitionOf(rules, slothId)!.sloth_objective, ...shared[0].labels }];
  return [{ ...identity, ...shared[0].labels }];
}

/** `{{ $labels.x }}` expanded with the given labels. */
function expand(text: string, labels: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_m, k: string) => labels[k] ?? '');
}

/** The burn-rate alerts of one SLO (alert name and the SLO's labels, templates expanded as Prometheus does). */
export function burnRateAlerts(rules: GeneratedRules, alert: string, service: string, slo: string): GeneratedRule[] {
  const id = `${service}-${slo}`;
  const def = definitionOf(rules, id);
  if (!def) return [];
  const series = identityOf(rules, id);
  return rules
    .filter((r) => r.alert === alert && r.labels.slo_alerting === def.slo_alerting)
    .map((r) => ({ ...r, labels: Object.fromEntries(Object.entries(r.labels).map(([k, v]) => [k, expand(v, series)])) }));
}
