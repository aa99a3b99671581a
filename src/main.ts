import { App, YamlOutputType } from 'cdk8s';
import { ObservabilityStack } from './stack';
import { DEMO_SERVICES, ORDER_SERVICE } from './slo';

/**
 * The default platform: the seed's order-service with its three SLOs over 30 days, plus a small demo catalog of
 * services that declare SLO classes. `cdk8s synth` (cdk8s.yaml) runs this file and writes dist/.
 */
const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
new ObservabilityStack(app, 'observability', { services: [ORDER_SERVICE, ...DEMO_SERVICES] });
app.synth();
