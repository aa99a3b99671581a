/**
 * The cdk8s app `cdk8s synth` runs in the CLI benchmark (bench/synth.ts):
 *   cdk8s synth --no-check-upgrade --app 'node --require tsx/cjs bench/synth-app.ts' --output <dir>  (cdk8s.yaml's runner)
 * BENCH_SERVICES selects the catalog size; `floor` synthesizes an empty chart with the same runner (the CLI, tsx and
 * cdk8s, without loading the stack).
 */
import { App, Chart, YamlOutputType } from 'cdk8s';

function main(): void {
  const size = process.env.BENCH_SERVICES ?? 'floor';
  const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
  if (size === 'floor') {
    new Chart(app, 'empty');
  } else {
    // require(), not import(): the floor must not load the stack, and this package is CommonJS.
    const { ObservabilityStack } = require('../src/stack') as typeof import('../src/stack');
    const { syntheticCatalog } = require('./catalog') as typeof import('./catalog');
    new ObservabilityStack(app, 'observability', { services: syntheticCatalog(Number(size)) });
  }
  app.synth();
}

try {
  main();
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
}
