import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App, Chart } from 'cdk8s';

/** The sizing report of each chart that has one (set by ObservabilityStack, read at synth). */
export const SIZING_REPORTS = new WeakMap<Chart, string>();

/**
 * Writes each chart's sizing report beside the manifests, as `<outdir>/<chart id>.sizing.md`.
 * @returns the files written, relative to outdir.
 */
export function writeSizingReports(app: App): string[] {
  const written: string[] = [];
  for (const chart of app.charts) {
    const report = SIZING_REPORTS.get(chart);
    if (report === undefined) continue;
    const file = `${chart.node.id}.sizing.md`;
    mkdirSync(app.outdir, { recursive: true });
    writeFileSync(join(app.outdir, file), report);
    written.push(file);
  }
  return written;
}
