import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRuleFile } from '../../src/common/rules';
import { buildSloModel, generateSloRuleFiles, ORDER_SERVICE, ServiceSpec } from '../../src/slo';
import { expectGolden } from '../helpers/golden';
import { CHECKOUT_RAW_28D, SEARCH_CLASS } from './fixtures';

/**
 * Golden files: spec → rules YAML for representative SLOs. On an intended change, regenerate with
 * `UPDATE_GOLDEN=1 npx jest test/slo/golden.test.ts` and review the diff. A missing golden file fails.
 */
const GOLDEN = join(__dirname, 'golden');

const CASES: readonly [string, ServiceSpec][] = [
  ["the seed's order-service: availability (up), latency 99% < 200 ms, error rate 99.9%", ORDER_SERVICE],
  ['a raw SLI over 28 days, page only, extra labels, runbook', CHECKOUT_RAW_28D],
  ['a class-based service with custom metric names, matchers and overrides', SEARCH_CLASS],
];

describe('golden rule files', () => {
  test.each(CASES)('%s', (_name, spec) => {
    // the service's definitions and the shared rules, in golden/<service>/
    const files = generateSloRuleFiles(buildSloModel([spec]));
    expect(files.map((f) => f.fileName)).toEqual([`slo-${spec.name}.rules.yml`, 'slo.rules.yml']);
    for (const file of files) expectGolden(join(GOLDEN, spec.name, file.fileName), renderRuleFile(file.groups));
  });

  test('a missing golden file fails instead of being written, unless UPDATE_GOLDEN=1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'obs-golden-'));
    try {
      const path = join(dir, 'missing.rules.yml');
      expect(() => expectGolden(path, 'groups: []\n', {})).toThrow(/golden file .*missing\.rules\.yml is missing: run UPDATE_GOLDEN=1/);
      expectGolden(path, 'groups: []\n', { UPDATE_GOLDEN: '1' });
      expectGolden(path, 'groups: []\n', {});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
