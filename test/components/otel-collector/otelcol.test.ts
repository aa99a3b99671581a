import { Testing } from 'cdk8s';
import { OtelCollectorAgent } from '../../../src/components/otel-collector/agent';
import { OtelCollectorGateway } from '../../../src/components/otel-collector/gateway';
import { synthObjects } from '../../helpers/synth';
import { collectorConfigs, componentsMissingFromBuild, otelcolValidate } from '../../helpers/upstream';
import { JAEGER, LOKI, PROMETHEUS } from './fixtures';

/**
 * The collector refuses to start on an unknown key, a component it was not built with, or a broken pipeline:
 * `otelcol validate`, the deployed collector release built with COLLECTOR_COMPONENTS (.tools/bin/otelcol), decides.
 * Replacements for the run here (test/helpers/upstream.ts): MY_POD_IP=127.0.0.1 and K8S_NODE_NAME (the downward
 * API), the agent's file_storage hostPath → a temporary directory. test/artifacts.test.ts runs the same check on the
 * default platform and every example; test/telemetry-path.test.ts starts the gateway.
 */

function fullWiring() {
  const chart = Testing.chart();
  const gateway = new OtelCollectorGateway(chart, 'Gateway', { jaeger: JAEGER, loki: LOKI, prometheus: PROMETHEUS });
  new OtelCollectorAgent(chart, 'Agent', { gateway });
  return collectorConfigs(synthObjects(chart));
}

describe('otelcol validate', () => {
  test('accepts the agent (pod logs, checkpoints, k8sattributes) and the gateway (every backend)', () => {
    const configs = fullWiring();
    expect(configs.map((c) => c.name)).toEqual(['otel-agent-config/config.yaml', 'otel-gateway-config/config.yaml']);
    for (const c of configs) {
      const r = otelcolValidate(c);
      expect({ config: c.name, output: r.status === 0 ? 'valid' : r.output.trim() }).toEqual({ config: c.name, output: 'valid' });
    }
  });

  test('refuses a misspelled key (the check is real)', () => {
    const gateway = fullWiring()[1];
    const r = otelcolValidate({ ...gateway, text: gateway.text.replace('send_batch_size:', 'send_batch_sise:') });
    expect(r.output).toContain("has invalid keys: send_batch_sise");
    expect(r.status).not.toBe(0);
  });

  test('refuses a component the otelcol build does not hold', () => {
    const gateway = fullWiring()[1];
    const text = gateway.text.replace('  batch:\n', '  groupbytrace:\n').replace(/- batch$/gm, '- groupbytrace');
    expect(componentsMissingFromBuild({ ...gateway, text })).toEqual([
      'otel-gateway-config/config.yaml: processor "groupbytrace" (id "groupbytrace") is not in COLLECTOR_COMPONENTS',
    ]);
    const r = otelcolValidate({ ...gateway, text });
    expect(r.output).toMatch(/unknown type: "groupbytrace"/);
    expect(r.status).not.toBe(0);
  });
});
