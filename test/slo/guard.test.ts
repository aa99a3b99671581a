import { renderRuleFile } from '../../src/common/rules';
import { buildSloModel, ORDER_SERVICE } from '../../src/slo';
import { guardProof, renderRuleTestFile } from '../helpers/slo-proof';
import { runToolAsync, writeTree } from '../helpers/tools';

/**
 * The low-traffic guard counts bad events: a page needs at least 2 bad events over the last hour. Proven with the
 * real promtool on a service of 60 requests/hour (the seed's error-rate SLO, 99.9%): one lone failure never pages,
 * though both page-quick windows are far over 14.4x and Sloth's shape (the same rules without the guard) pages; an
 * hour of full outage pages.
 */
const model = buildSloModel([ORDER_SERVICE]);
const slo = model.services[0].slos.find((s) => s.name === 'error-rate')!;
const proof = guardProof(model, slo);

describe('the bad-event traffic guard', () => {
  test('one lone failure at 60 requests/hour cannot page; without the guard (Sloth) it would', () => {
    expect(proof.claims).toMatchObject({ requestsPerHour: 60, loneFailurePages: 0 });
    expect(proof.claims.loneFailurePagesUnguarded).toBeGreaterThan(0);
  });

  test('an hour-long outage at 60 requests/hour pages, one request after Sloth would', () => {
    // the second bad request arrives a minute after the first: the guard's 2 bad events
    expect(proof.claims.outagePageAfter).toBeDefined();
    expect(proof.claims.outagePageAfter!).toBeLessThanOrEqual(proof.claims.outagePageAfterUnguarded! + 60);
    expect(proof.claims.outagePageAfter!).toBeLessThan(300);
  });

  test('promtool test rules agrees at every checkpoint', async () => {
    const files: Record<string, string> = { [proof.testFile.fileName]: renderRuleTestFile(proof.testFile) };
    for (const f of proof.ruleFiles) files[f.fileName] = renderRuleFile(f.groups);
    const dir = writeTree(files, 'slo-guard-');
    const r = await runToolAsync('promtool', ['test', 'rules', proof.testFile.fileName], dir);
    expect(r.status === 0 ? 'SUCCESS' : r.output).toBe('SUCCESS');
  }, 300_000);
});
