/**
 * One in-process synth measurement, run in its own process by bench/synth.ts so each run starts cold and its peak
 * RSS is its own: `tsx bench/synth-child.ts <size> <outdir> [--count]`, size `floor`, `<n>` or `<n>-nodash` (the
 * catalog without SLO dashboards, to show their share). Prints one JSON line (SynthChildResult); with --count it also
 * parses the output to count objects and rules (after the measurement).
 *
 * Timed: constructing the app and the stack from the catalog, and `app.synth()` writing YAML into <outdir> (what the
 * CLI does). Module loading is timed apart (`importSeconds`). The floor is the same runner synthesizing an empty chart.
 */
import { countOutput, hashOutput, OutputCount } from './lib/manifests';

export interface SynthChildResult {
  readonly size: string;
  readonly importSeconds: number;
  readonly buildSeconds: number;
  readonly synthSeconds: number;
  /** build + synth */
  readonly seconds: number;
  /** Peak RSS of this process right after synth (process.resourceUsage().maxRSS). */
  readonly maxRssBytes: number;
  readonly sha256: string;
  readonly output?: OutputCount;
}

function main(): void {
  const [sizeArg, outdir, flag] = process.argv.slice(2);
  if (!sizeArg || !outdir) throw new Error('usage: synth-child.ts <services|floor> <outdir> [--count]');
  const m = /^(floor|(\d+)(-nodash)?)$/.exec(sizeArg);
  if (!m) throw new Error(`size must be floor, <n> or <n>-nodash, got ${sizeArg}`);
  const size = m[2] === undefined ? 'floor' : Number(m[2]);
  const dashboards = m[3] === undefined;
  const t0 = performance.now();
  const cdk8s = require('cdk8s') as typeof import('cdk8s');
  // require(), not import(): the floor must not load the stack, and this package is CommonJS.
  const stack = size === 'floor' ? undefined : (require('../src/stack') as typeof import('../src/stack'));
  const catalog = size === 'floor' ? undefined : (require('./catalog') as typeof import('./catalog'));
  const t1 = performance.now();
  const app = new cdk8s.App({ outdir, yamlOutputType: cdk8s.YamlOutputType.FILE_PER_CHART });
  if (size === 'floor' || !stack || !catalog) new cdk8s.Chart(app, 'empty');
  else new stack.ObservabilityStack(app, 'observability', { services: catalog.syntheticCatalog(size), slo: { dashboards } });
  const t2 = performance.now();
  app.synth();
  const t3 = performance.now();
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  const output = flag === '--count' ? countOutput(outdir) : undefined;
  const result: SynthChildResult = {
    size: sizeArg,
    importSeconds: (t1 - t0) / 1000,
    buildSeconds: (t2 - t1) / 1000,
    synthSeconds: (t3 - t2) / 1000,
    seconds: (t3 - t1) / 1000,
    maxRssBytes,
    sha256: output?.sha256 ?? hashOutput(outdir),
    output,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
}
