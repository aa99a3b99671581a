/**
 * The per-SLO generator of before shares its expression helpers with today's generator unchanged, so the legacy
 * rule set (bench only) reads them from src/ rather than from a copy.
 */
export * from '../../src/slo/rules/expr';
