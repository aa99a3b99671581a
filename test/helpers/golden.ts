import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Set to `1` to (re)write golden files from the current output; review the diff before committing. */
export const UPDATE_GOLDEN = 'UPDATE_GOLDEN';

/**
 * Compares `actual` with the golden file at `path`. A missing golden file fails the test (a golden test that writes
 * its own expectation proves nothing); with `UPDATE_GOLDEN=1` the file is written first.
 */
export function expectGolden(path: string, actual: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env[UPDATE_GOLDEN] === '1') writeFileSync(path, actual);
  if (!existsSync(path)) {
    throw new Error(`golden file ${path} is missing: run ${UPDATE_GOLDEN}=1 npx jest ${expect.getState().testPath ?? ''} and review the new file`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
