import { buildSloModel, generateSloRuleFiles, ORDER_SERVICE } from '../../src/slo';
import { CHECKOUT_RAW_28D } from './fixtures';
import { promtoolSloRules } from './promtool-rules';

/**
 * The absent-source alert when the source goes away as it does in a running Prometheus: the scrape after the last
 * sample writes a staleness marker (the target is gone, its scrape failed, or the series is no longer exposed). Every
 * SLI kind, shared shapes and a raw SLI alike, fires 15 minutes after the last sample (10m window + 5m `for`), never
 * earlier. An instant read of the source would drop the series at the marker and fire 4 minutes early. Proven by the
 * real promtool. The proofs of test/slo/proof.test.ts write gaps without markers.
 */

const model = buildSloModel([ORDER_SERVICE, CHECKOUT_RAW_28D]);
const files = generateSloRuleFiles(model);

/** Samples every minute from 0 to 19m, then a staleness marker at 20m. */
function goneAt20m(series: string, perMinute: number): { series: string; values: string } {
  return { series, values: `0+${perMinute}x19 stale` };
}

const svc = 'service="order-service"';
const INPUT = [
  goneAt20m(`up{${svc}, instance="o-0"}`, 0),
  goneAt20m(`http_requests_total{${svc}, instance="o-0", status="200"}`, 100),
  goneAt20m(`http_request_duration_seconds_bucket{${svc}, instance="o-0", le="0.2"}`, 99),
  goneAt20m(`http_request_duration_seconds_count{${svc}, instance="o-0"}`, 100),
  goneAt20m('grpc_server_handled_total{grpc_service="checkout", grpc_code="OK"}', 100),
];

const FIRING = 'count by (sloth_id) (ALERTS{alertname="SLOSourceMetricAbsent", alertstate="firing"})';
const PENDING = 'count by (sloth_id) (ALERTS{alertname="SLOSourceMetricAbsent", alertstate="pending"})';
const ALL = ['checkout-grpc-errors', 'order-service-availability', 'order-service-error-rate', 'order-service-latency'];
const each = (ids: readonly string[]) => ids.map((id) => ({ labels: `{sloth_id="${id}"}`, value: 1 }));

describe('the absent-source alert after a staleness marker', () => {
  test('promtool: every SLI kind fires 15 minutes after the last sample (19m), not at the marker plus 10m', () => {
    const r = promtoolSloRules(model, files, INPUT, [
      // present while a sample is in the 10m window: an instant read would already see nothing at 20m
      { expr: 'slo:sli_source_absent:info', evalTime: '28m', expSamples: [] },
      // the window (19m, 29m] holds no sample: absent, pending for 5m
      { expr: PENDING, evalTime: '29m', expSamples: each(ALL) },
      { expr: FIRING, evalTime: '33m', expSamples: [] },
      // 15 minutes after the last sample
      { expr: FIRING, evalTime: '34m', expSamples: each(ALL) },
    ], 'slo-absent-stale-');
    expect(r.output.trim()).toMatch(/SUCCESS$/);
    expect(r.status).toBe(0);
  });
});
