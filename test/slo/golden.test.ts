import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRuleFile } from '../../src/common/rules';
import { buildSloModel, generateSloRuleFiles, ORDER_SERVICE, ServiceSpec } from '../../src/slo';
import { CHECKOUT_RAW_28D, SEARCH_CLASS } from './fixtures';

/**
 * Golden files: spec → rules YAML for representative SLOs. On an intended change, regenerate with
 * `UPDATE_GOLDEN=1 npx jest test/slo/golden.test.ts` and review the diff.
 */
const GOLDEN = join(__dirname, 'golden');

const CASES: readonly [string, ServiceSpec][] = [
  ["the seed's order-service: availability (up), latency 99% < 200 ms, error rate 99.9%", ORDER_SERVICE],
  ['a raw SLI over 28 days, page only, extra labels, runbook', CHECKOUT_RAW_28D],
  ['a class-based service with custom metric names, matchers and overrides', SEARCH_CLASS],
];

describe('golden rule files', () => {
  test.each(CASES)('%s', (_name, spec) => {
    const [file] = generateSloRuleFiles(buildSloModel([spec]));
    const path = join(GOLDEN, file.fileName);
    const actual = renderRuleFile(file.groups);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, actual);
    expect(actual).toBe(readFileSync(path, 'utf8'));
  });
});
