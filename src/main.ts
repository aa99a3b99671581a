import { Chart } from 'cdk8s';
import { ArgoCdApplication, DistLayout, ObservabilityApp } from './argocd';
import { synthOrExit } from './common/synth';
import { ObservabilityStack } from './stack';
import { DEMO_SERVICES, ORDER_SERVICE } from './slo';

/**
 * The default platform: the seed's order-service with its three SLOs over 30 days, plus a small demo catalog of
 * services that declare SLO classes, and the Argo CD Application that deploys it. `cdk8s synth` (cdk8s.yaml) runs this
 * file and writes dist/. Bad input exits 1 with one sentence per problem (synthOrExit), not a stack trace.
 */

/**
 * The layout of dist/, decided here: a folder per chart and one file per component of it
 * (`dist/observability/prometheus.k8s.yaml`, `.../grafana.k8s.yaml`, ...), so a change diffs the files of the
 * components it touches, and `dist/argocd/` holds the Application, which is not part of what it deploys. CI compares
 * the whole tree with a fresh synth (`diff -r`).
 */
export const DIST_LAYOUT: DistLayout = 'file-per-component';

/** The repository the Application deploys from: this example's; a platform sets its own. */
export const REPOSITORY_URL = 'https://github.com/example-org/observability-stack.git';

synthOrExit(() => {
  const app = new ObservabilityApp({ layout: DIST_LAYOUT });
  new ObservabilityStack(app, 'observability', { services: [ORDER_SERVICE, ...DEMO_SERVICES] });
  new ArgoCdApplication(new Chart(app, 'argocd'), 'Application', { repoUrl: REPOSITORY_URL, path: 'dist/observability' });
  return app;
});
