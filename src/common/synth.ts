import { App } from 'cdk8s';
import { ConfigError } from './errors';
import { writeSizingReports } from '../production/report';

/** The prefix cdk8s gives the problems `node.addValidation` reports at `app.synth()`. */
const CDK8S_VALIDATION = 'Validation failed with the following errors:';

/** Where the messages go (console by default). */
export interface SynthOutput {
  error(message: string): void;
}

/**
 * Builds and synthesizes an app; bad input ends the process with exit code 1 and one line per problem on stderr
 * (path, value, what is allowed, the fix), instead of a stack trace from deep inside a library:
 *
 * - a `ConfigError` (bad props, thrown at construction, by an `addXxx` call or while rendering) prints its problems;
 * - cdk8s' "Validation failed with the following errors" (checks of the finished tree, from `node.addValidation`)
 *   prints the problems, each prefixed by its construct path.
 *
 * Anything else is a bug, not bad input: it is rethrown with its stack trace. Pass a function that builds the app, so
 * that errors thrown while constructing it are caught too:
 *
 * ```ts
 * synthOrExit(() => {
 *   const app = new App();
 *   new ObservabilityStack(app, 'observability', { services });
 *   return app;
 * });
 * ```
 *
 * @returns true when the app was synthesized.
 */
export function synthOrExit(build: App | (() => App), output: SynthOutput = console): boolean {
  try {
    const app = typeof build === 'function' ? build() : build;
    app.synth();
    writeSizingReports(app);
    return true;
  } catch (e) {
    const message = badInputMessage(e);
    if (message === undefined) throw e;
    output.error(message);
    process.exitCode = 1;
    return false;
  }
}

/** The user-facing text of a bad-input error, or undefined when `e` is something else (a bug). */
export function badInputMessage(e: unknown): string | undefined {
  if (ConfigError.isConfigError(e)) {
    const n = e.problems.length;
    return `Synthesis failed: ${n} configuration problem${n === 1 ? '' : 's'}:\n${e.message}`;
  }
  if (e instanceof Error && e.message.startsWith(CDK8S_VALIDATION)) {
    return `Synthesis failed: ${e.message}`;
  }
  return undefined;
}
