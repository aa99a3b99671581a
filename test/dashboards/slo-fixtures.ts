import { buildSloModel, ServiceModel, SloDefinition, SloSpec } from '../../src/slo';

/** The workbook's 30-day burn-rate alerts, as the dashboards draw them (expectations, not inputs). */
export const WORKBOOK_30D_ALERTS = [
  { tier: 'page', longWindow: '1h', shortWindow: '5m', burnRateFactor: 14.4 },
  { tier: 'page', longWindow: '6h', shortWindow: '30m', burnRateFactor: 6 },
  { tier: 'ticket', longWindow: '1d', shortWindow: '2h', burnRateFactor: 3 },
  { tier: 'ticket', longWindow: '3d', shortWindow: '6h', burnRateFactor: 1 },
] as const;

/** An SLO for the dashboard tests, resolved by the SLO model (an availability SLI from `up`) like every real one. */
export interface FixtureSlo {
  readonly service: string;
  readonly name: string;
  readonly objective: number;
  /** @default '30d' */
  readonly period?: '30d' | '28d';
  /** `false`: no page alerts. @default true */
  readonly page?: boolean;
  /** `false`: no ticket alerts. @default true */
  readonly ticket?: boolean;
  readonly description?: string;
}

function specsByService(slos: readonly FixtureSlo[]): Map<string, SloSpec[]> {
  const byService = new Map<string, SloSpec[]>();
  for (const s of slos) {
    const spec: SloSpec = { name: s.name, objective: s.objective, sli: { kind: 'availability' }, period: s.period, page: s.page, ticket: s.ticket, description: s.description };
    byService.set(s.service, [...(byService.get(s.service) ?? []), spec]);
  }
  return byService;
}

/** The services of a catalog of fixture SLOs, as the model resolves them. */
export function serviceModels(slos: readonly FixtureSlo[]): ServiceModel[] {
  return [...buildSloModel([...specsByService(slos)].map(([name, specs]) => ({ name, slos: specs }))).services];
}

/** The SLO definitions of fixture SLOs, in the order given. */
export function sloDefinitions(slos: readonly FixtureSlo[]): SloDefinition[] {
  const byId = new Map(serviceModels(slos).flatMap((s) => s.slos).map((d) => [d.id, d]));
  return slos.map((s) => byId.get(`${s.service}-${s.name}`)!);
}

/** One service's model, from its fixture SLOs. */
export function serviceModel(slos: readonly FixtureSlo[]): ServiceModel {
  const services = serviceModels(slos);
  if (services.length !== 1) throw new Error(`expected the SLOs of one service, got ${services.map((s) => s.name).join(', ')}`);
  return services[0];
}

/** The label set of one SLO's recordings. */
export function sloIds(s: SloDefinition): Record<string, string> {
  return { sloth_id: s.id, sloth_service: s.service, sloth_slo: s.name };
}
