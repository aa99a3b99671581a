import { Testing } from 'cdk8s';
import { Loki } from '../src/components/loki';
import { Prometheus } from '../src/components/prometheus';
import { DEMO_SERVICES, ORDER_SERVICE } from '../src/slo';
import { ObservabilityStack, ObservabilityStackProps } from '../src/stack';

/**
 * Legal input that is almost surely a mistake warns — once, at synth, through process.emitWarning with a code — and
 * each warning names the field, the value and the likely intent. The EXACT texts are pinned here, as
 * bad-inputs.test.ts pins the errors'. Typos of names that must exist are errors; their fix says "did you mean".
 */

/** The warnings (`[CODE] text`) emitted while `fn` runs, and what it threw, if anything. */
function warningsOf(fn: () => void): { warnings: string[]; error?: string } {
  const warnings: string[] = [];
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation(((w: string | Error, o?: { code?: string }) => {
    warnings.push(`[${o?.code}] ${String(w)}`);
  }) as typeof process.emitWarning);
  try {
    fn();
    return { warnings };
  } catch (e) {
    return { warnings, error: (e as Error).message };
  } finally {
    spy.mockRestore();
  }
}

function synth(props: ObservabilityStackProps, after?: (stack: ObservabilityStack) => void): () => void {
  return () => {
    const app = Testing.app();
    const stack = new ObservabilityStack(app, 'observability', props);
    after?.(stack);
    Testing.synth(stack);
  };
}

const oneSlo = (slo: Record<string, unknown>, service: Record<string, unknown> = {}): ObservabilityStackProps => ({
  services: [{ name: 'shop', ...service, slos: [{ name: 'errors', objective: 99.9, sli: { kind: 'error-rate' }, ...slo } as never] }],
});

describe('warnings: legal, almost surely a mistake', () => {
  test.each<[string, () => void, string[]]>([
    [
      'an objective written as a ratio',
      synth(oneSlo({ objective: 0.999 })),
      [
        '[SLO_OBJECTIVE_RATIO] observability/Slos.services.shop.slos.errors.objective: looks like a ratio: objectives are percentages, so 0.999 means 0.999% of events are good (got 0.999). Fix: write 99.9 for 99.9%.',
      ],
    ],
    [
      'a histogram name with the suffix the generator appends',
      synth(oneSlo({ name: 'latency', objective: 99, sli: { kind: 'latency', threshold: 0.2 } }, { metrics: { requestDuration: 'http_request_duration_seconds_bucket' } })),
      [
        '[METRIC_NAME_SUFFIX] observability/Slos.services.shop.metrics.requestDuration: ends with "_bucket", which the generator appends itself: the rules would read http_request_duration_seconds_bucket_bucket and http_request_duration_seconds_bucket_count (got "http_request_duration_seconds_bucket"). Fix: give the histogram\'s base name: "http_request_duration_seconds".',
      ],
    ],
    [
      'an SLO with both tiers off',
      synth(oneSlo({ page: false, ticket: false })),
      [
        '[SLO_NEVER_ALERTS] observability/Slos.services.shop.slos.errors: has no burn-rate alert: page and ticket are both off (only SLOBreach fires, once the whole budget is spent) (got {"page":false,"ticket":false}). Fix: enable a tier (page: true or ticket: true), unless the SLO is meant for dashboards only.',
      ],
    ],
    [
      'an SLO whose enabled windows are all out of reach',
      synth(oneSlo({ objective: 80, ticket: false })),
      [
        '[SLO_NEVER_ALERTS] observability/Slos.services.shop.slos.errors: has no burn-rate alert that can fire: at objective 80 a full outage burns at most 5×, less than every enabled window needs (got 80). Fix: raise the objective, or enable a tier whose windows can fire.',
        '[SLO_EXTREME_TARGET] observability/Slos.services.shop.slos.errors.objective: the page alert over 1h/5m can never fire: it needs a 14.4× burn, but at this objective a full outage burns at most 5× (got 80). Fix: raise the objective above 93.0555555556% for this window to work, or accept that only the slower windows alert.',
        '[SLO_EXTREME_TARGET] observability/Slos.services.shop.slos.errors.objective: the page alert over 6h/30m can never fire: it needs a 6× burn, but at this objective a full outage burns at most 5× (got 80). Fix: raise the objective above 83.3333333333% for this window to work, or accept that only the slower windows alert.',
      ],
    ],
    [
      'a route added after a broader route that does not continue',
      synth({}, (s) => s.alertmanager!.addRoute({ receiver: 'email', matchers: ['severity="warning"', 'team="db"'] })),
      [
        '[ROUTE_UNREACHABLE] observability/Alertmanager.route.routes[2]: can never match: routes[1] before it takes every alert this route matches (severity=~"critical|warning") and does not continue (got {"receiver":"email","matchers":["severity=\\"warning\\"","team=\\"db\\""]}). Fix: add this route before routes[1] (addRoute(route, { beforeExisting: true })), or set continue: true on routes[1] if alerts should go to both.',
      ],
    ],
    [
      'a route after a catch-all',
      synth({ alertmanager: { route: { receiver: 'email', routes: [{ receiver: 'slack' }, { receiver: 'pagerduty', matchers: ['team="db"'] }] } } }),
      [
        '[ROUTE_UNREACHABLE] observability/Alertmanager.route.routes[1]: can never match: routes[0] before it has no matchers, so it takes every alert, and does not continue (got {"receiver":"pagerduty","matchers":["team=\\"db\\""]}). Fix: add this route before routes[0] (addRoute(route, { beforeExisting: true })), or set continue: true on routes[0] if alerts should go to both.',
      ],
    ],
    [
      'a route matcher naming a service that is not in the catalog',
      synth({ services: [{ name: 'order-service', class: 'LOW' }] }, (s) => s.alertmanager!.addRoute({ receiver: 'slack', matchers: ['service="order-servce"'] }, { beforeExisting: true })),
      [
        '[ROUTE_UNKNOWN_SERVICE] observability/Alertmanager.route.routes[0].matchers[0]: names service "order-servce", which is not in the SLO catalog: no SLO alert carries it (only platform alerts of a pod labelled so would) (got "service=\\"order-servce\\""). Fix: did you mean "order-service"? Otherwise use a service of the catalog (order-service), or add the service to the catalog.',
      ],
    ],
    [
      'Loki.fromUrl given the push path',
      () => Loki.fromUrl('http://loki:3100/loki/api/v1/push'),
      [
        '[BASE_URL_WITH_ENDPOINT] Loki.fromUrl.url: ends with Loki\'s endpoint path "/loki/api/v1/push", but it is the base URL: the stack appends each endpoint\'s path to it (got "http://loki:3100/loki/api/v1/push"). Fix: give the base URL: "http://loki:3100".',
      ],
    ],
    [
      'Prometheus.fromUrl given the remote-write path',
      () => Prometheus.fromUrl('http://prometheus.monitoring.svc:9090/api/v1/write'),
      [
        '[BASE_URL_WITH_ENDPOINT] Prometheus.fromUrl.url: ends with Prometheus\'s endpoint path "/api/v1/write", but it is the base URL: the stack appends each endpoint\'s path to it (got "http://prometheus.monitoring.svc:9090/api/v1/write"). Fix: give the base URL: "http://prometheus.monitoring.svc:9090".',
      ],
    ],
  ])('%s', (_what, act, expected) => {
    expect(warningsOf(act)).toEqual({ warnings: expected });
  });

  test('a class shared by many services warns once, naming how many more', () => {
    const services = Array.from({ length: 3 }, (_, i) => ({ name: `svc-${i}`, slos: [{ name: 'errors', objective: 0.99, sli: { kind: 'error-rate' as const } }] }));
    expect(warningsOf(synth({ services })).warnings).toEqual([
      '[SLO_OBJECTIVE_RATIO] observability/Slos.services.svc-0.slos.errors.objective (and 2 more with the same problem): looks like a ratio: objectives are percentages, so 0.99 means 0.99% of events are good (got 0.99). Fix: write 99 for 99%.',
    ]);
  });

  test('the default platform, the README example and correct routes warn about nothing', () => {
    expect(warningsOf(synth({ services: [ORDER_SERVICE, ...DEMO_SERVICES] }))).toEqual({ warnings: [] });
    expect(warningsOf(synth({ services: [{ name: 'payments', class: 'CRITICAL' }] }, (s) => s.alertmanager!.addRoute({ receiver: 'email', matchers: ['service="payments"'] }, { beforeExisting: true })))).toEqual({ warnings: [] });
    expect(warningsOf(() => Loki.fromUrl('http://loki-gateway.logging.svc'))).toEqual({ warnings: [] });
  });
});

describe('did you mean: a name one edit away from a known one', () => {
  test.each<[string, () => void, string]>([
    [
      'a route to a receiver with a typo',
      synth({ alertmanager: { route: { receiver: 'slak' } } }),
      'Validation failed with the following errors:\n  [observability/Alertmanager] route.receiver: names an unknown receiver (got "slak"). Fix: did you mean "slack"? Otherwise use one of the known receivers ("pagerduty", "slack", "email") or define a receiver named "slak" (receivers prop or addReceiver()).',
    ],
    [
      'a class with a typo',
      synth({ services: [{ name: 'shop', class: 'HIGH_FST' }] }),
      'observability/Slos.services.shop.class: is not a known SLO class (got "HIGH_FST"). Fix: did you mean "HIGH_FAST"? Otherwise use one of CRITICAL, HIGH_FAST, HIGH_SLOW, LOW, or define it in the model options\' classes.',
    ],
    [
      'a class in the wrong case',
      synth({ services: [{ name: 'shop', class: 'high_fast' }] }),
      'observability/Slos.services.shop.class: is not a known SLO class (got "high_fast"). Fix: did you mean "HIGH_FAST"? Otherwise use one of CRITICAL, HIGH_FAST, HIGH_SLOW, LOW, or define it in the model options\' classes.',
    ],
    [
      'an override of the old 90% class SLO name',
      synth({ services: [{ name: 'shop', class: 'HIGH_FAST', overrides: { 'latency-p90': false } }] }),
      'observability/Slos.services.shop.overrides.latency-p90: is not an SLO of class HIGH_FAST (got "latency-p90"). Fix: did you mean "latency-p95" or "latency-p99"? Otherwise override one of error-rate, latency-p95, latency-p99, or declare the SLO in \'slos\'.',
    ],
  ])('%s', (_what, act, expected) => {
    expect(warningsOf(act)).toEqual({ warnings: [], error: expected });
  });
});
