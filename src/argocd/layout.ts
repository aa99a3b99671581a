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

/**
 * The objects of a chart, grouped by component file, in the order cdk8s writes them (`chart.toJson()`, which resolves
 * the app's dependencies and runs its validations first). Each object is serialized once: its file is found by the
 * kind and name the object declares; only objects of one kind and name in different files (other namespaces) are
 * told apart by their JSON's namespace, which takes a second serialization of those few.
 */
export function componentFiles(chart: Chart): Map<string, unknown[]> {
  type Json = { kind?: string; metadata?: { namespace?: string; name?: string } };
  const kindName = (kind: string | undefined, name: string | undefined) => `${kind}/${name}`;
  const candidates = new Map<string, { object: ApiObject; file: string }[]>();
  for (const c of chart.node.findAll()) {
    if (!(c instanceof ApiObject) || Chart.of(c) !== chart) continue;
    const component = componentOf(chart, c);
    const at = kindName(c.kind, c.name);
    const candidate = { object: c, file: componentFileName((component === chart ? chart : component).node.id) };
    const same = candidates.get(at);
    if (same) same.push(candidate);
    else candidates.set(at, [candidate]);
  }
  const namespaceOf = (object: ApiObject) => (object.toJson() as Json).metadata?.namespace;
  const files = new Map<string, unknown[]>();
  for (const json of Object.values(chart.toJson()) as Json[]) {
    const at = kindName(json.kind, json.metadata?.name);
    const found = candidates.get(at) ?? [];
    const file = new Set(found.map((f) => f.file)).size === 1 ? found[0].file : found.find((f) => namespaceOf(f.object) === json.metadata?.namespace)?.file;
    if (file === undefined) {
      const object = `${at} in namespace ${json.metadata?.namespace ?? '(none)'}`;
      throw new ConfigError({ path: chart.node.path, message: `holds ${object}, which no construct of the chart declares`, fix: 'report this as a bug.' });
    }
    const docs = files.get(file);
    if (docs) docs.push(json);
    else files.set(file, [json]);
  }
  return files;
}

/**
 * Writes every chart of `app` in the file-per-component layout into its `outdir` (`dist/`, or what
 * `cdk8s synth --output` sets), after the checks cdk8s runs before any synthesis.
 * @returns the files written, relative to outdir
 */
export function synthComponents(app: App): string[] {
  // every chart's objects before any file: the first chart.toJson() runs the app's validations (cdk8s' "Validation
  // failed with the following errors", as its own synth throws it), so a failing app writes nothing
  const charts = app.charts.map((chart) => ({ folder: componentFileName(chart.node.id), files: componentFiles(chart) }));
  const written: string[] = [];
  for (const { folder, files } of charts) {
    mkdirSync(join(app.outdir, folder), { recursive: true });
    for (const [file, docs] of files) {
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
