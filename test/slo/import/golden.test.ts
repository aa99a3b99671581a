import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, importOpenSlo, importSloth } from '../../../src';
import { fixture, fixtureNames } from './helpers';

/**
 * Golden files: spec YAML (fixtures/<format>/<name>) → the ServiceSpecs and warnings the import gives
 * (golden/<format>-<name>.json). A missing golden file fails the test; on an intended change regenerate them with
 * `UPDATE_GOLDEN=1 npx jest test/slo/import/golden.test.ts` and review the diff.
 */
const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(file: string, actual: unknown): void {
  const path = join(GOLDEN, file);
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (UPDATE) writeFileSync(path, text);
  if (!existsSync(path)) throw new Error(`golden file ${path} is missing: run UPDATE_GOLDEN=1 npx jest test/slo/import/golden.test.ts and review it`);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

describe('Sloth specs import into the golden ServiceSpecs', () => {
  test.each(fixtureNames('sloth'))('%s', (name) => {
    const { services, warnings } = importSloth(fixture('sloth', name), { source: name });
    golden(`sloth-${name.replace(/\.ya?ml$/, '')}.json`, { services, warnings: warnings.map(formatProblem) });
  });
});

describe('OpenSLO v1 objects import into the golden ServiceSpecs', () => {
  test.each(fixtureNames('openslo'))('%s', (name) => {
    const { services, warnings } = importOpenSlo(fixture('openslo', name), { source: name });
    golden(`openslo-${name.replace(/\.ya?ml$/, '')}.json`, { services, warnings: warnings.map(formatProblem) });
  });
});

test('every fixture has a golden file and every golden file a fixture', () => {
  const expected = [...fixtureNames('sloth').map((n) => `sloth-${n}`), ...fixtureNames('openslo').map((n) => `openslo-${n}`)].map((n) => n.replace(/\.ya?ml$/, '.json')).sort();
  const present = readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).sort();
  expect(present).toEqual(expected);
});
