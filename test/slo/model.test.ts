import { ConfigError } from '../../src/common/errors';
import { allSlos, buildSloModel, DEMO_SERVICES, ORDER_SERVICE, ServiceSpec } from '../../src/slo';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('SLO model', () => {
  test("the seed's order-service resolves to its three SLOs with every default", () => {
    // WHEN the seed's service is modelled
    const model = buildSloModel([ORDER_SERVICE]);
    // THEN its three SLOs carry Sloth ids, objectives, budgets and the workbook windows
    const slos = allSlos(model);
    expect(slos.map((s) => s.id)).toEqual(['order-service-availability', 'order-service-latency', 'order-service-error-rate']);
    expect(String(slos[0].period)).toBe('30d');
    expect(slos[0]).toMatchObject({
      objective: 99.9,
      objectiveRatio: 0.999,
      errorBudget: 0.001,
      periodDays: 30,
      requestBased: false,
      minRequestRate: undefined,
      sli: { kind: 'availability', source: 'up', metric: 'up', matchers: [{ name: 'service', op: '=', value: 'order-service' }] },
      page: { enabled: true, severity: 'critical' },
      ticket: { enabled: true, severity: 'warning' },
      alertName: 'SLOErrorBudgetBurn',
    });
    expect(slos[1]).toMatchObject({
      errorBudget: 0.01,
      sli: { kind: 'latency', bucketMetric: 'http_request_duration_seconds_bucket', countMetric: 'http_request_duration_seconds_count', threshold: 0.2, le: { name: 'le', op: '=', value: '0.2' } },
      minRequestRate: undefined,
      minBadEvents: 2,
    });
    expect(slos[2]).toMatchObject({ sli: { kind: 'error-rate', metric: 'http_requests_total', statusLabel: 'status', errorStatus: '5..' }, minRequestRate: undefined, minBadEvents: 2 });
    expect(slos[2].sliWindows.map((w) => `${w.window}:${w.source}`)).toEqual(['5m:raw', '30m:raw', '1h:pieces', '2h:tiles', '6h:tiles', '1d:tiles', '3d:tiles', '30d:tiles']);
    const pq = slos[2].alertWindows.page.quick;
    expect([pq.factor, String(pq.shortWindow), String(pq.longWindow)]).toEqual([14.4, '5m', '1h']);
    const s = model.settings;
    expect([String(s.evaluationInterval), String(s.tileInterval), s.tileInterval.seconds, String(s.longWindowInterval), s.ruleInterval]).toEqual(['15s', '5m', 300, '1m', undefined]);
  });

  test('"99% < 200 ms" against the client default buckets fails naming the nearest boundaries and the fix', () => {
    // GIVEN the seed's latency SLO on a service whose histogram keeps the client default buckets (no 0.2)
    const clientDefaults = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    const svc: ServiceSpec = { name: 'order-service', histogramBuckets: clientDefaults, slos: [{ name: 'latency', objective: 99, sli: { kind: 'latency', threshold: 0.2 } }] };
    // THEN the model refuses it, naming 0.1 and 0.25 and how to fix it
    expect(() => buildSloModel([svc])).toThrow(ConfigError);
    expect(() => buildSloModel([svc])).toThrow(
      /services\.order-service\.slos\.latency\.sli\.threshold: 0\.2 is not a bucket boundary of http_request_duration_seconds \(nearest boundaries: 0\.1 and 0\.25\).*Fix: declare histogramBuckets including 0\.2 on service order-service .* or use 0\.1 \(100 ms\) or 0\.25 \(250 ms\) as the threshold/,
    );
  });

  test('integer thresholds match both le="1" and le="1.0"', () => {
    const model = buildSloModel([{ name: 'report-service', class: 'HIGH_SLOW' }]);
    const p95 = allSlos(model).find((s) => s.name === 'latency-p95')!;
    expect(p95.sli).toMatchObject({ le: { name: 'le', op: '=~', value: '1|1\\.0' } });
  });

  test('service classes generate SLOs, with overrides and dropped SLOs', () => {
    const model = buildSloModel(DEMO_SERVICES);
    const ids = allSlos(model).map((s) => `${s.id}@${s.objective}`);
    expect(ids).toEqual([
      'payment-service-error-rate@99.99',
      'payment-service-latency-p95@95',
      'payment-service-latency-p99@99',
      'catalog-service-error-rate@99.9',
      'catalog-service-latency-p99@99',
      'report-service-error-rate@99.9',
      'report-service-latency-p95@95',
      'report-service-latency-p99@99',
      'newsletter-service-error-rate@99',
    ]);
    expect(allSlos(model).find((s) => s.id === 'newsletter-service-error-rate')!.page.enabled).toBe(false);
    expect(model.services.map((s) => s.className)).toEqual(['CRITICAL', 'HIGH_FAST', 'HIGH_SLOW', 'LOW']);
  });

  test('a catalog of 150 services builds', () => {
    const services: ServiceSpec[] = Array.from({ length: 150 }, (_, i) => ({ name: `svc-${i}`, class: ['HIGH_SLOW', 'LOW'][i % 2] }));
    expect(allSlos(buildSloModel(services))).toHaveLength(75 * 3 + 75);
  });

  test('defaults can be overridden: period 28d, severities, tiers, labels, guard, alert name', () => {
    const model = buildSloModel([
      {
        name: 'checkout',
        period: '28d',
        labels: { team: 'payments' },
        slos: [
          {
            name: 'errors',
            objective: 99.5,
            sli: { kind: 'error-rate', errorStatus: '5..|429' },
            page: { severity: 'page-now', labels: { routing_key: 'payments' } },
            ticket: false,
            labels: { tier: '1' },
            minRequestRate: 0,
            alertName: 'CheckoutErrors',
            annotations: { summary: 'Checkout is failing', runbookUrl: 'https://runbooks.example.com/checkout' },
          },
        ],
      },
    ]);
    expect(String(allSlos(model)[0].period)).toBe('28d');
    expect(allSlos(model)[0]).toMatchObject({
      periodDays: 28,
      labels: { team: 'payments', tier: '1' },
      page: { enabled: true, severity: 'page-now', labels: { routing_key: 'payments' } },
      ticket: { enabled: false },
      minRequestRate: undefined,
      alertName: 'CheckoutErrors',
      summary: 'Checkout is failing',
      runbookUrl: 'https://runbooks.example.com/checkout',
      alertWindows: { page: { quick: { factor: 13.44 } } },
    });
  });

  test.each<[string, ServiceSpec[], RegExp]>([
    ['duplicate services', [{ name: 'a', slos: [] }, { name: 'a', slos: [] }], /services\[1\]\.name: duplicates services\[0\]/],
    ['a service name that is not DNS-1123', [{ name: 'Order_Service' }], /services\.Order_Service\.name: is not a valid Kubernetes name.*"order-service"/],
    ['an SLO name that is not DNS-1123', [{ name: 'a', slos: [{ name: 'Err', objective: 99, sli: { kind: 'error-rate' } }] }], /services\.a\.slos\.Err\.name: is not a valid Kubernetes name/],
    [
      'duplicate SLO names',
      [{ name: 'a', slos: [{ name: 'e', objective: 99, sli: { kind: 'error-rate' } }, { name: 'e', objective: 99.9, sli: { kind: 'error-rate' } }] }],
      /services\.a\.slos\.e\.name: duplicates another SLO of service a/,
    ],
    ['an objective of 100', [{ name: 'a', slos: [{ name: 'e', objective: 100, sli: { kind: 'error-rate' } }] }], /objective: must be a percentage strictly between 0 and 100 \(got 100\)/],
    ['an unknown period', [{ name: 'a', slos: [{ name: 'e', objective: 99, period: '7d', sli: { kind: 'error-rate' } }] }], /period: has no alert window table \(got "7d"\).*use one of 28d, 30d/],
    [
      'a raw SLI without the window placeholder',
      [{ name: 'a', slos: [{ name: 'r', objective: 99, sli: { kind: 'raw', errorQuery: 'sum(rate(x_errors[5m]))', totalQuery: 'sum(rate(x[{{window}}]))' } }] }],
      /services\.a\.slos\.r\.sli\.errorQuery: must contain the \{\{window\}\} placeholder/,
    ],
    [
      'a raw SLI that is not PromQL',
      [{ name: 'a', slos: [{ name: 'r', objective: 99, sli: { kind: 'raw', errorQuery: 'sum(rate(x[{{window}}])', totalQuery: 'sum(rate(x[{{window}}]))' } }] }],
      /sli\.errorQuery: unclosed "\(" at column 4 of the PromQL expression/,
    ],
    ['a reserved label', [{ name: 'a', slos: [{ name: 'e', objective: 99, sli: { kind: 'error-rate' }, labels: { severity: 'x' } }] }], /labels\.severity: is a label the SLO generator sets itself/],
    ['an unknown class', [{ name: 'a', class: 'GOLD' }], /services\.a\.class: is not a known SLO class \(got "GOLD"\).*CRITICAL, HIGH_FAST, HIGH_SLOW, LOW/],
    ['an override of an SLO the class lacks', [{ name: 'a', class: 'LOW', overrides: { 'latency-p99': { objective: 99 } } }], /services\.a\.overrides\.latency-p99: is not an SLO of class LOW/],
    [
      'an own SLO clashing with a class SLO',
      [{ name: 'a', class: 'LOW', slos: [{ name: 'error-rate', objective: 99, sli: { kind: 'error-rate' } }] }],
      /services\.a\.slos\.error-rate: clashes with the SLO of the same name from class LOW/,
    ],
    [
      'two SLOs with the same sloth_id',
      [
        { name: 'a-b', slos: [{ name: 'c', objective: 99, sli: { kind: 'error-rate' } }] },
        { name: 'a', slos: [{ name: 'b-c', objective: 99, sli: { kind: 'error-rate' } }] },
      ],
      /services\.a\.slos\.b-c: has the same sloth_id "a-b-c" as services\.a-b\.slos\.c/,
    ],
    ['unsorted buckets', [{ name: 'a', histogramBuckets: [0.5, 0.1] }], /services\.a\.histogramBuckets: must be positive, finite and strictly ascending/],
    ['a runbook that is not a URL', [{ name: 'a', slos: [{ name: 'e', objective: 99, sli: { kind: 'error-rate' }, annotations: { runbookUrl: 'wiki/page' } }] }], /annotations\.runbookUrl: is not an http\(s\) URL/],
  ])('rejects %s', (_name, services, message) => {
    expect(() => buildSloModel(services)).toThrow(message);
  });

  test('every problem is reported at once', () => {
    const problems = problemsOf(() =>
      buildSloModel([
        { name: 'a', slos: [{ name: 'lat', objective: 99, sli: { kind: 'latency', threshold: 0.3 } }] },
        { name: 'b', slos: [{ name: 'e', objective: 0, sli: { kind: 'error-rate' } }] },
      ]),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^services\.a\.slos\.lat\.sli\.threshold: 0\.3 is not a bucket boundary/),
      expect.stringMatching(/^services\.b\.slos\.e\.objective: must be a percentage/),
    ]);
  });

  test('rejects settings that would break the rules', () => {
    expect(() => buildSloModel([ORDER_SERVICE], { longWindowInterval: '5m' })).toThrow(/options\.longWindowInterval: must be shorter than Prometheus' 5m lookback delta/);
    expect(() => buildSloModel([ORDER_SERVICE], { tileInterval: '1h' })).toThrow(/options\.tileInterval: must be between 1m and 30m/);
    expect(() => buildSloModel([ORDER_SERVICE], { shortWindows: 'halves' as never })).toThrow(/options\.shortWindows: must be 'pieces' or 'raw'.*got "halves"/);
  });
});
