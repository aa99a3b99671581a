import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { ObservabilityStack, ServiceSpec } from '../../../src';
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
    if (/\/slo-[a-z0-9-]+\.rules\.yml$/.test(key)) groups.push(...(yaml.load(content) as { groups: GeneratedGroup[] }).groups);
  }
  return groups;
}

/** Every rule of the SLO rule files of the stack built from `services` (see sloRuleGroups). */
export function sloRulesOf(services: readonly ServiceSpec[], slo?: { period?: string }): GeneratedRule[] {
  return sloRuleGroups(services, slo).flatMap((g) => g.rules.map((r) => ({ ...r, labels: r.labels ?? {} })));
}

/** The label sets a recorded series name carries for one SLO (by sloth_id). */
export function recordedLabels(rules: readonly GeneratedRule[], record: string, slothId: string): Readonly<Record<string, string>>[] {
  return rules.filter((r) => r.record === record && r.labels.sloth_id === slothId).map((r) => r.labels);
}

/** The burn-rate alerts of one SLO (alert name and the SLO's labels). */
export function burnRateAlerts(rules: readonly GeneratedRule[], alert: string, service: string, slo: string): GeneratedRule[] {
  return rules.filter((r) => r.alert === alert && r.labels.service === service && r.labels.slo === slo);
}
