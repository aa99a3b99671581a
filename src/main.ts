import { App, YamlOutputType } from 'cdk8s';
import { synthOrExit } from './common/synth';
import { ObservabilityStack } from './stack';
import { DEMO_SERVICES, ORDER_SERVICE } from './slo';

/**
 * The default platform: the seed's order-service with its three SLOs over 30 days, plus a small demo catalog of
 * services that declare SLO classes. `cdk8s synth` (cdk8s.yaml) runs this file and writes dist/. Bad input exits 1
 * with one sentence per problem (synthOrExit), not a stack trace.
 */
synthOrExit(() => {
  const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
  new ObservabilityStack(app, 'observability', { services: [ORDER_SERVICE, ...DEMO_SERVICES] });
  return app;
});
