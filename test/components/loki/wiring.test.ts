import { Testing } from 'cdk8s';
import { Jaeger } from '../../../src/components/jaeger/jaeger';
import { Loki } from '../../../src/components/loki/loki';
import { OtelCollectorGateway } from '../../../src/components/otel-collector/gateway';
import { configFiles, findObject, parseYaml, synthObjects } from '../../helpers/synth';

/** The ingestion path end to end: the gateway's exporters point at ports the Loki and Jaeger Services serve. */
describe('OTel collector gateway → Loki and Jaeger', () => {
  test('GIVEN the in-stack Loki and Jaeger THEN the gateway exports logs to Loki /otlp and traces to Jaeger 4317', () => {
    // GIVEN
    const chart = Testing.chart();
    const loki = new Loki(chart, 'Loki');
    const jaeger = new Jaeger(chart, 'Jaeger');
    new OtelCollectorGateway(chart, 'Gateway', { loki, jaeger });
    // WHEN
    const objects = synthObjects(chart);
    const config = parseYaml(configFiles(objects).get('otel-gateway-config/config.yaml')!);
    // THEN
    const exporters = Object.values<any>(config.exporters);
    expect(exporters).toContainEqual(expect.objectContaining({ endpoint: 'http://loki.observability.svc:3100/otlp' }));
    expect(exporters).toContainEqual(expect.objectContaining({ endpoint: 'jaeger.observability.svc:4317' }));
    const lokiPort = new URL(loki.otlpUrl).port;
    expect(findObject(objects, 'Service', 'loki').spec.ports.map((p: any) => String(p.port))).toContain(lokiPort);
    const jaegerPort = jaeger.otlpGrpcEndpoint.split(':').pop();
    expect(findObject(objects, 'Service', 'jaeger').spec.ports.map((p: any) => String(p.port))).toContain(jaegerPort);
  });
});
