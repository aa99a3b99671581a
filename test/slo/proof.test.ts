import { renderRuleFile } from '../../src/common/rules';
import { buildSloModel, DEMO_SERVICES, ORDER_SERVICE } from '../../src/slo';
import { renderRuleTestFile, SloProof, sloProofs } from '../helpers/slo-proof';
import { runToolAsync, ToolResult, writeTree } from '../helpers/tools';
import { CHECKOUT_RAW_28D } from './fixtures';

/**
 * The proof: for every SLO of the default platform (the seed's order-service and the demo catalog), promtool test
 * cases generated from the model, with expectations from the reference simulation, run by the real
 * `promtool test rules`. SLOs with the same shape share one proof.
 */

function promtoolAsync(args: readonly string[], cwd: string): Promise<ToolResult> {
  return runToolAsync('promtool', args, cwd);
}

/** Runs `tasks` two at a time (the machine has two cores). */
async function pool<T>(tasks: readonly (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]();
      }
    }),
  );
  return out;
}

const model = buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES]);
const { proofs, skipped } = sloProofs(model);
const claimsOf = (id: string): SloProof['claims'] => proofs.find((p) => p.covers.some((c) => c.id === id))!.claims;

describe('promtool proof of the default platform', () => {
  test('every SLO is covered by a proof', () => {
    const covered = proofs.flatMap((p) => p.covers.map((c) => c.id)).sort();
    expect(covered).toEqual(model.services.flatMap((s) => s.slos.map((x) => x.id)).sort());
    expect(skipped).toEqual([]);
    expect(proofs.length).toBe(6);
  });

  test('promtool test rules passes on every generated case', async () => {
    // GIVEN each proof's rule file and test files in a directory
    const files: Record<string, string> = {};
    for (const p of proofs) {
      for (const f of p.ruleFiles) files[f.fileName] = renderRuleFile(f.groups);
      for (const f of p.testFiles) files[f.fileName] = renderRuleTestFile(f);
    }
    const dir = writeTree(files, 'slo-proof-');
    // WHEN the real promtool runs every test file
    const tests = proofs.flatMap((p) => p.testFiles.map((f) => f.fileName));
    const results = await pool(tests.map((f) => () => promtoolAsync(['test', 'rules', f], dir)));
    // THEN every case passes
    results.forEach((r, i) => {
      expect({ file: tests[i], output: r.status === 0 ? 'SUCCESS' : r.output }).toEqual({ file: tests[i], output: 'SUCCESS' });
    });
  }, 600_000);

  test.each([
    ['order-service-availability', 60],
    ['order-service-error-rate', 60],
    ['order-service-latency', 525],
    ['payment-service-error-rate', 15],
  ])('a full outage of %s pages after %p s of errors, at 15s evaluation', (id, seconds) => {
    // 99.9%: the 1h window needs 14.4 x 0.1% = 1.44% bad, 51.8 s: the 4th 15s sample; 99%: 518 s; 99.99%: 5.2 s
    expect(claimsOf(id)).toMatchObject({ evaluationInterval: 15, outagePageAfter: seconds, outagePageResolution: 15 });
  });

  test.each([
    ['order-service-error-rate', 285],
    ['order-service-latency', 255],
    ['order-service-availability', 300],
  ])('the shortest burst that pages %s stops paging %p s after its last bad sample', (id, seconds) => {
    // Prometheus 3 ranges are left-open, (t - 5m, t]: the counters' last bad increase leaves the 5m window one
    // 15s sample before 300 s; the latency SLO (1% budget) a little earlier; a failed probe leaves it after exactly 300 s
    expect(claimsOf(id)).toMatchObject({ burstResetAfter: seconds });
    expect(claimsOf(id).burstResetAfter!).toBeLessThanOrEqual(300);
  });

  test('at 99.99% the shortest burst also trips the 6x/6h window: the page lasts until the 30m window drains', () => {
    expect(claimsOf('payment-service-error-rate')).toMatchObject({ burstSeconds: 15, burstResetAfter: 1785 });
  });

  test("at the classes' 95% the quick windows page (14.4 x 5% = 72% of the 1h window bad): a full outage pages after 2595 s", () => {
    // 72% of 3600 s is 2592 s: the first 15s evaluation after it; a 90% objective could not page there (14.4 x 10% > 100%)
    expect(claimsOf('payment-service-latency-p95')).toMatchObject({ outagePageAfter: 2595, outagePageResolution: 15, burstSeconds: 2595 });
  });

  test('a 0.9x burn over 3 days and 6 hours never alerts (page, ticket or SLOBreach), for every SLO', () => {
    for (const p of proofs) expect({ id: p.slo.id, ...p.claims }).toMatchObject({ id: p.slo.id, underBurn: 0.9, underSeconds: 280800, underAlertingEvaluations: 0 });
  });

  test('a 4x burn opens a ticket and never pages, for every SLO', () => {
    for (const p of proofs) {
      expect({ id: p.slo.id, pages: p.claims.moderatePagingEvaluations }).toEqual({ id: p.slo.id, pages: 0 });
      expect(p.claims.moderateTicketAfter).toBeDefined();
    }
    // after three days at 0.9x, 4x crosses 1x over 3d (and 6h) in about 4.6 hours
    expect(claimsOf('order-service-error-rate').moderateTicketAfter).toBe(16500);
  });

  test('the absent-source alert fires 15 minutes after the last sample (10m window + 5m for)', () => {
    // the last sample leaves the left-open 10m range after exactly 600 s; the alert then holds for 5m
    for (const p of proofs) expect(p.claims.absentAfter).toBe(900);
  });

  test('long windows are traffic-weighted: the 6h ratio is the true ratio, not the average of 5m ratios', () => {
    // 3h at 0.9x with full traffic, then 3h at 4x with half the traffic: true ratio (0.9 + 4 x 0.5) / 1.5 = 1.933x
    const w = claimsOf('order-service-error-rate').weighted!;
    expect(w.trueRatio).toBeCloseTo(0.001933333, 9);
    expect(Math.abs(w.recorded - w.trueRatio) / w.trueRatio).toBeLessThan(0.02);
    expect(Math.abs(w.averageOfRatios - w.trueRatio) / w.trueRatio).toBeGreaterThan(0.2);
  });

  test('raw SLIs are skipped with the reason', () => {
    const r = sloProofs(buildSloModel([CHECKOUT_RAW_28D]));
    expect(r.proofs).toEqual([]);
    expect(r.skipped.map((s) => [s.slo.id, s.reason])).toEqual([['checkout-grpc-errors', expect.stringMatching(/arbitrary PromQL/)]]);
  });
});
