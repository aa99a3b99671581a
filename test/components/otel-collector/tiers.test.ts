import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { ConfigError } from '../../../src/common/errors';
import { OtelCollectorGateway } from '../../../src/components/otel-collector/gateway';
import { numTracesPerReplica, tailSamplingModel, tailSamplingProcessor } from '../../../src/components/otel-collector/tail-sampling';
import { LOAD_BALANCER_EXPORTER, OtelCollectorTailSampler, serviceLatencyThresholds } from '../../../src/components/otel-collector/tiers';
import { ObservabilityStack } from '../../../src/stack';
import { schemaErrors } from '../../helpers/schema';
import { containersOf, findObject, K8sObject, synthObjects } from '../../helpers/synth';
import { collectorConfigs, componentsMissingFromBuild, otelcolValidate } from '../../helpers/upstream';
import { JAEGER, LOKI } from './fixtures';

/**
 * Traces in three tiers (issue 15): agents → the gateway as load-balancing tier (loadbalancing exporter, routing_key
 * traceID, k8s resolver on the sampler's headless Service, with the Role it needs) → the tail-sampling tier
 * (tail_sampling: errors, latency, probabilistic baseline) → Jaeger. `otelcol validate` (the deployed release, built
 * with COLLECTOR_COMPONENTS) decides on every generated config; test/components/otel-collector/tiers.live.test.ts
 * runs the tiers.
 */

function tiers(sampling = {}) {
  const chart = Testing.chart();
  const sampler = new OtelCollectorTailSampler(chart, 'Sampler', { jaeger: JAEGER, sampling });
  const gateway = new OtelCollectorGateway(chart, 'Gateway', { jaeger: JAEGER, loki: LOKI, traceSampler: sampler });
  const objects = synthObjects(chart);
  const config = (name: string) => yaml.load(collectorConfigs(objects).find((c) => c.name === `${name}-config/config.yaml`)!.text) as any;
  return { sampler, gateway, objects, config };
}

describe('the sampling decision (pure)', () => {
  test('defaults: keep errors, traces over 200ms, a 10% baseline, decided after 10s', () => {
    const m = tailSamplingModel();
    expect(m).toEqual({ keepErrors: true, latencyThresholdMs: 200, serviceLatencyThresholdsMs: {}, baselinePercentage: 10, decisionWaitMs: 10_000, expectedNewTracesPerSecond: 1000 });
    const p = tailSamplingProcessor(m, 3).raw as any;
    expect(p.policies.map((x: any) => [x.name, x.type])).toEqual([
      ['errors', 'status_code'],
      ['slow', 'latency'],
      ['baseline', 'probabilistic'],
    ]);
    expect(p.policies[0].status_code).toEqual({ status_codes: ['ERROR'] });
    expect(p.policies[1].latency).toEqual({ threshold_ms: 200 });
    expect(p.policies[2].probabilistic).toEqual({ sampling_percentage: 10 });
    expect(p.decision_wait).toBe('10s');
  });

  test('num_traces holds each replica\'s share of decision_wait, twice over; decision caches are 4× that', () => {
    const m = tailSamplingModel({ expectedNewTracesPerSecond: 30_000, decisionWait: '10s' });
    // 30000/s over 3 replicas = 10000/s each × 10 s × 2
    expect(numTracesPerReplica(m, 3)).toBe(200_000);
    const p = tailSamplingProcessor(m, 3).raw as any;
    expect(p).toMatchObject({ num_traces: 200_000, expected_new_traces_per_sec: 10_000, decision_cache: { sampled_cache_size: 800_000, non_sampled_cache_size: 800_000 } });
    expect(numTracesPerReplica(tailSamplingModel({ expectedNewTracesPerSecond: 1 }), 3)).toBe(1000);
  });

  test('per-service thresholds: an and-policy per service, the platform threshold for every other service', () => {
    const m = tailSamplingModel({ serviceLatencyThresholds: { search: '1s', checkout: '500ms' } });
    const p = tailSamplingProcessor(m, 1).raw as any;
    expect(p.policies.map((x: any) => x.name)).toEqual(['errors', 'slow-checkout', 'slow-search', 'slow', 'baseline']);
    expect(p.policies[2].and.and_sub_policy).toEqual([
      { name: 'service-search', type: 'string_attribute', string_attribute: { key: 'service.name', values: ['search'] } },
      { name: 'latency-search', type: 'latency', latency: { threshold_ms: 1000 } },
    ]);
    expect(p.policies[3].and.and_sub_policy[0].string_attribute).toEqual({ key: 'service.name', values: ['checkout', 'search'], invert_match: true });
  });

  test('thresholds from SLOs: each service\'s tightest latency threshold, the platform\'s left out', () => {
    const slos = [
      { service: 'a', sli: { kind: 'latency', threshold: 0.5 } },
      { service: 'a', sli: { kind: 'latency', threshold: 0.3 } },
      { service: 'b', sli: { kind: 'latency', threshold: 0.2 } },
      { service: 'c', sli: { kind: 'error-rate' } },
    ];
    expect(serviceLatencyThresholds(slos)).toEqual({ a: '300ms' });
  });

  test('bad input fails with one line per problem', () => {
    let err: unknown;
    try {
      tailSamplingModel({ baselinePercentage: 0, decisionWait: '100ms', latencyThreshold: '200ms', expectedNewTracesPerSecond: -1, serviceLatencyThresholds: { x: 'fast' } }, 'S');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/S\.baselinePercentage.*percentage above 0/);
    expect(msg).toMatch(/S\.expectedNewTracesPerSecond/);
    expect(msg).toMatch(/S\.serviceLatencyThresholds\.x.*not a positive Prometheus duration/);
    expect(msg).toMatch(/S\.decisionWait.*not longer than latencyThreshold/);
  });
});

describe('the tiers as objects', () => {
  test('every object is valid against the Kubernetes schema', () => {
    const { objects } = tiers();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/otel-gateway-config',
      'ConfigMap/otel-sampler-config',
      'Deployment/otel-gateway',
      'Deployment/otel-sampler',
      'PodDisruptionBudget/otel-gateway',
      'PodDisruptionBudget/otel-sampler',
      'Role/otel-gateway-resolver',
      'RoleBinding/otel-gateway-resolver',
      'Service/otel-gateway',
      'Service/otel-sampler',
      'ServiceAccount/otel-gateway',
    ]);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('the sampler: 3 replicas behind a headless Service on OTLP/gRPC, exporting to Jaeger', () => {
    const { objects, config } = tiers();
    expect(findObject(objects, 'Deployment', 'otel-sampler').spec.replicas).toBe(3);
    const svc = findObject(objects, 'Service', 'otel-sampler');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports).toEqual([{ name: 'otlp-grpc', port: 4317, protocol: 'TCP', targetPort: 4317 }]);
    const c = config('otel-sampler');
    expect(c.service.pipelines).toEqual({ traces: { receivers: ['otlp'], processors: ['memory_limiter', 'tail_sampling', 'batch'], exporters: ['otlp/jaeger'] } });
    expect(c.exporters['otlp/jaeger']).toEqual({ endpoint: JAEGER.otlpGrpcEndpoint, tls: { insecure: true } });
  });

  test('the gateway routes traces by trace id over the sampler\'s headless Service (k8s resolver); logs stay direct', () => {
    const { config } = tiers();
    const c = config('otel-gateway');
    expect(c.exporters[LOAD_BALANCER_EXPORTER]).toMatchObject({
      routing_key: 'traceID',
      resolver: { k8s: { service: 'otel-sampler.observability', ports: [4317] } },
      protocol: { otlp: { tls: { insecure: true } } },
      retry_on_failure: { enabled: true },
      sending_queue: { enabled: true },
    });
    expect(c.exporters['otlp/jaeger']).toBeUndefined();
    expect(c.service.pipelines.traces.exporters).toEqual([LOAD_BALANCER_EXPORTER]);
    expect(c.service.pipelines.logs.exporters).toEqual(['otlphttp/loki']);
  });

  test('the resolver\'s RBAC: get/list/watch endpoints and endpointslices in the sampler\'s namespace, bound to the gateway', () => {
    const { objects } = tiers();
    const role = findObject(objects, 'Role', 'otel-gateway-resolver');
    expect(role.metadata.namespace).toBe('observability');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = findObject(objects, 'RoleBinding', 'otel-gateway-resolver');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'otel-gateway-resolver' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'otel-gateway', namespace: 'observability' }]);
    const pod = findObject(objects, 'Deployment', 'otel-gateway').spec.template.spec;
    expect(pod.serviceAccountName).toBe('otel-gateway');
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('without a sampler the gateway has no ServiceAccount token and exports traces to Jaeger', () => {
    const chart = Testing.chart();
    new OtelCollectorGateway(chart, 'Gateway', { jaeger: JAEGER });
    const objects = synthObjects(chart);
    expect(objects.some((o) => o.kind === 'Role')).toBe(false);
    expect(findObject(objects, 'Deployment', 'otel-gateway').spec.template.spec.automountServiceAccountToken).toBe(false);
  });
});

describe('otelcol validate', () => {
  test('accepts the load-balancing tier and the tail-sampling tier', () => {
    const { objects } = tiers({ serviceLatencyThresholds: { search: '1s' } });
    const configs = collectorConfigs(objects);
    expect(configs.map((c) => c.name)).toEqual(['otel-gateway-config/config.yaml', 'otel-sampler-config/config.yaml']);
    for (const c of configs) {
      expect(componentsMissingFromBuild(c)).toEqual([]);
      const r = otelcolValidate(c);
      expect({ config: c.name, output: r.status === 0 ? 'valid' : r.output.trim() }).toEqual({ config: c.name, output: 'valid' });
    }
  });

  test('refuses a misspelled resolver key (the check is real)', () => {
    const gateway = collectorConfigs(tiers().objects)[0];
    const r = otelcolValidate({ ...gateway, text: gateway.text.replace('routing_key:', 'routing_keys:') });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/routing_keys/);
  });

  test('refuses a misspelled policy key (the check is real)', () => {
    const sampler = collectorConfigs(tiers().objects)[1];
    const r = otelcolValidate({ ...sampler, text: sampler.text.replace('threshold_ms:', 'treshold_ms:') });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/treshold_ms/);
  });
});

describe('in the stack (traceSampling)', () => {
  function stack(props: ConstructorParameters<typeof ObservabilityStack>[2]): K8sObject[] {
    return Testing.synth(new ObservabilityStack(Testing.app(), 'observability', props)) as K8sObject[];
  }

  test('the sampler takes each service\'s latency SLO threshold when it differs from the platform\'s', () => {
    const objects = stack({
      services: [
        { name: 'search', slos: [{ name: 'latency', objective: 99, sli: { kind: 'latency', threshold: 1 } }] },
        { name: 'cart', slos: [{ name: 'latency', objective: 99, sli: { kind: 'latency', threshold: 0.2 } }] },
      ],
      traceSampling: {},
    });
    const sampler = yaml.load(collectorConfigs(objects).find((c) => c.name.startsWith('otel-sampler'))!.text) as any;
    expect(sampler.processors.tail_sampling.policies.map((p: any) => p.name)).toEqual(['errors', 'slow-search', 'slow', 'baseline']);
    const gw = findObject(objects, 'Deployment', 'otel-gateway');
    expect(containersOf(gw)[0].name).toBe('otel-collector');
  });

  test('the NetworkPolicies let the gateway reach the sampler and the sampler reach Jaeger, not the gateway Jaeger', () => {
    const objects = stack({ traceSampling: {} });
    const policy = (name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.includes(name))!;
    const sampler = policy('otel-sampler');
    expect(sampler).toBeDefined();
    expect(JSON.stringify(sampler.spec.ingress)).toContain('"app.kubernetes.io/instance":"otel-gateway"');
    expect(JSON.stringify(sampler.spec.egress)).toContain('"app.kubernetes.io/instance":"jaeger"');
    const gateway = policy('otel-gateway');
    expect(JSON.stringify(gateway.spec.egress)).not.toContain('"app.kubernetes.io/instance":"jaeger"');
  });

  test('traceSampling without Jaeger fails synth with the fix', () => {
    expect(() => stack({ jaeger: false, traceSampling: {} })).toThrow(/traceSampling.*needs the collector gateway.*and a Jaeger[\s\S]*keep otelGateway and jaeger/);
  });
});
