import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, App, AppProps, Chart, Yaml } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ConfigError } from '../common/errors';

/**
 * How `dist/` is laid out:
 * - `'file-per-chart'`: cdk8s' own layout, one file per chart (`dist/observability.k8s.yaml`);
 * - `'file-per-component'`: a folder per chart and one file per component of it (`dist/observability/prometheus.k8s.yaml`,
 *   `.../grafana.k8s.yaml`, `.../network-policies.k8s.yaml`, ...), so a change shows as a diff of the files of the
 *   components it touches. A component is a child construct of the chart (`Prometheus`, `Slos`, ...; the file name is
 *   its id in kebab case); objects keep cdk8s' order within their file. The YAML is cdk8s' own serialization.
 * Argo CD reads either: a directory source applies every YAML file of its folder (`recurse` for subfolders).
 */
export type DistLayout = 'file-per-chart' | 'file-per-component';

/** `OtelGateway` → `otel-gateway`. */
export function componentFileName(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/[^A-Za-z0-9-]+/g, '-').toLowerCase();
}

/** The chart's direct child that holds `c` (its component), or the chart when `c` is a direct object of it. */
function componentOf(chart: Chart, c: IConstruct): Construct {
  const scopes = c.node.scopes;
  const at = scopes.indexOf(chart);
  return (scopes[at + 1] ?? chart) as Construct;
}

/** What cdk8s checks before it writes anything (`node.addValidation`), with its message, so `synthOrExit` reads it alike. */
function validateApp(app: App): void {
  const errors: string[] = [];
  for (const c of app.node.findAll()) for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/**
 * The objects of a chart, grouped by component file, in the order cdk8s writes them (`chart.toJson()`; pure, the app
 * must be validated first).
 */
export function componentFiles(chart: Chart): Map<string, unknown[]> {
  type Json = { kind?: string; metadata?: { namespace?: string; name?: string } };
  const key = (o: Json) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
  const fileOf = new Map<string, string>();
  for (const c of chart.node.findAll()) {
    if (!(c instanceof ApiObject) || Chart.of(c) !== chart) continue;
    const component = componentOf(chart, c);
    fileOf.set(key(c.toJson() as Json), componentFileName((component === chart ? chart : component).node.id));
  }
  const files = new Map<string, unknown[]>();
  for (const json of Object.values(chart.toJson()) as Json[]) {
    const file = fileOf.get(key(json));
    if (file === undefined) throw new ConfigError({ path: chart.node.path, message: `holds ${key(json)}, which no construct of the chart declares`, fix: 'report this as a bug.' });
    files.set(file, [...(files.get(file) ?? []), json]);
  }
  return files;
}

/**
 * Writes every chart of `app` in the file-per-component layout into its `outdir` (`dist/`, or what
 * `cdk8s synth --output` sets), after the checks cdk8s runs before any synthesis.
 * @returns the files written, relative to outdir
 */
export function synthComponents(app: App): string[] {
  validateApp(app);
  const written: string[] = [];
  for (const chart of app.charts) {
    const folder = componentFileName(chart.node.id);
    mkdirSync(join(app.outdir, folder), { recursive: true });
    for (const [file, docs] of componentFiles(chart)) {
      const rel = join(folder, `${file}${app.outputFileExtension}`);
      Yaml.save(join(app.outdir, rel), docs);
      written.push(rel);
    }
  }
  return written;
}

export interface ObservabilityAppProps extends AppProps {
  /** How `synth()` lays out `dist/`. @default 'file-per-chart' (cdk8s' own, per `yamlOutputType`) */
  readonly layout?: DistLayout;
}

/** A cdk8s `App` whose `synth()` writes the chosen layout (`synthOrExit` and the cdk8s CLI call it as usual). */
export class ObservabilityApp extends App {
  public readonly layout: DistLayout;

  constructor(props: ObservabilityAppProps = {}) {
    super(props);
    this.layout = props.layout ?? 'file-per-chart';
  }

  public override synth(): void {
    if (this.layout === 'file-per-component') synthComponents(this);
    else super.synth();
  }
}
