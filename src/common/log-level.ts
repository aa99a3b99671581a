import { ConfigProblem } from './errors';

/** The log levels Go programs of this stack accept (Loki's `-log.level`, the collector's and Jaeger's telemetry). */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function logLevelProblems(value: unknown, path: string): ConfigProblem[] {
  if ((LOG_LEVELS as readonly unknown[]).includes(value)) return [];
  return [{ path, message: `must be one of ${LOG_LEVELS.join(', ')}`, value, fix: 'use "info" unless debugging.' }];
}
