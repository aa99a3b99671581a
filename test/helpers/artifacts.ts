import { operatorScrapeJobs } from './operator-emulator';
import { ruleFileOfPrometheusRule } from '../../src/operator/rules';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import * as yaml from 'js-yaml';
import { kubernetesLabelValueProblems } from '../../src/common/validation';
import { dashboardShapeProblems } from './dashboard-shape';
import { schemaErrors } from './schema';
import { K8sObject, configFile, configFiles, parseYaml } from './synth';
import { amtool, promConfigWithLocalPaths, promtool, writeTree } from './tools';

/**
 * Checks of everything a platform synthesizes, as CI runs them (test/artifacts.test.ts). Each returns the problems as
 * one line each (empty when all is well), so a failing test lists every culprit.
 */

/** The API server refuses objects over 1 MiB (etcd's request limit). */
export const MAX_OBJECT_BYTES = 1024 * 1024;

/** Schema, unique kind/namespace/name, ConfigMap and Secret size, label values. */
export function manifestProblems(objects: readonly K8sObject[]): string[] {
  const out = [...schemaErrors(objects)];
  const seen = new Set<string>();
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(key)) out.push(`${key}: duplicate kind, namespace and name`);
    seen.add(key);
    if (o.kind === 'ConfigMap' || o.kind === 'Secret') {
      const bytes = Buffer.byteLength(JSON.stringify(o));
      if (bytes >= MAX_OBJECT_BYTES) out.push(`${key}: ${bytes} bytes, over the 1 MiB object limit`);
    }
    const labelSets: [string, Record<string, string> | undefined][] = [
      ['metadata.labels', o.metadata.labels],
      ['spec.template.metadata.labels', o.spec?.template?.metadata?.labels],
      ['spec.selector.matchLabels', o.spec?.selector?.matchLabels],
    ];
    for (const [where, labels] of labelSets) {
      for (const [k, v] of Object.entries(labels ?? {})) {
        for (const p of kubernetesLabelValueProblems(v, `${key} ${where}.${k}`)) out.push(`${p.path}: ${p.message}`);
      }
    }
  }
  return out;
}

/** `<ConfigMap>/<key>` → content of every dashboard file (`*.json` in ConfigMaps). */
export function dashboardFiles(objects: readonly K8sObject[]): Map<string, string> {
  // Jaeger's sampling-strategies.json (remote_sampling) is the only other JSON file the stack writes.
  return new Map([...configFiles(objects)].filter(([k]) => k.endsWith('.json') && !k.endsWith('/sampling-strategies.json')));
}

/**
 * Every dashboard round-tripped: parsed back, checked against the foundation SDK's types, and re-serialized to the
 * same bytes (nothing lossy in it: no undefined, functions or class instances).
 */
export function dashboardProblemsOf(objects: readonly K8sObject[]): string[] {
  const out: string[] = [];
  for (const [file, content] of dashboardFiles(objects)) {
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch (e) {
      out.push(`${file}: is not JSON: ${(e as Error).message}`);
      continue;
    }
    out.push(...dashboardShapeProblems(json, file));
    if (`${JSON.stringify(json, null, 2)}\n` !== content) out.push(`${file}: does not re-serialize to the same bytes`);
  }
  return out;
}

function podSpecOf(o: K8sObject): any {
  return o.spec?.template?.spec;
}

/** Files a container sees under `mountPath`, from the volume mounted there (ConfigMap or projected ConfigMaps). */
function mountedFiles(objects: readonly K8sObject[], workload: K8sObject, mountPath: string): { files: Map<string, string>; contents: Map<string, string>; problems: string[] } {
  const spec = podSpecOf(workload);
  const problems: string[] = [];
  const files = new Map<string, string>();
  const contents = new Map<string, string>();
  const where = `${workload.kind}/${workload.metadata.name}`;
  const mount = spec.containers.flatMap((c: any) => c.volumeMounts ?? []).find((m: any) => m.mountPath === mountPath);
  if (!mount) return { files, contents, problems: [`${where}: nothing is mounted at ${mountPath}`] };
  const volume = (spec.volumes ?? []).find((v: any) => v.name === mount.name);
  const sources: { name: string; items?: { key: string; path: string }[] }[] = volume?.projected
    ? volume.projected.sources.map((s: any) => s.configMap).filter(Boolean)
    : volume?.configMap
      ? [volume.configMap]
      : [];
  for (const source of sources) {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === source.name && o.metadata.namespace === workload.metadata.namespace);
    if (!cm) {
      problems.push(`${where}: mounts ConfigMap ${source.name}, which the chart does not contain`);
      continue;
    }
    const entries = source.items ? source.items.map((i) => [i.path, i.key] as const) : Object.keys(cm.data ?? {}).map((k) => [k, k] as const);
    for (const [path, key] of entries) {
      if (files.has(path)) problems.push(`${where}: ${mountPath}/${path} comes from both ${files.get(path)} and ConfigMap ${source.name}`);
      files.set(path, `ConfigMap ${source.name} key ${key}`);
      contents.set(path, cm.data?.[key] ?? '');
    }
  }
  return { files, contents, problems };
}

/** `*.rules.yml` style globs over one directory, as Prometheus' rule_files use them (filepath.Glob). */
function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
}

/**
 * Every rule file Prometheus' `rule_files` globs load is in the projected rules volume, and every file of that
 * volume, and every `*.rules.yml` key of any ConfigMap of Prometheus' namespace, is loaded by a glob.
 */
/** The Prometheus StatefulSets of a chart (several with `prometheus.shards`). */
function prometheusWorkloads(objects: readonly K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.kind === 'StatefulSet' && podSpecOf(o).containers.some((c: any) => (c.args ?? []).some((a: string) => a.startsWith('--config.file=') && a.endsWith('prometheus.yml'))));
}

/** The prometheus.yml a Prometheus StatefulSet mounts (its `--config.file`). */
function mountedPrometheusConfig(objects: readonly K8sObject[], prometheus: K8sObject): string {
  const arg: string = podSpecOf(prometheus).containers.flatMap((c: any) => c.args ?? []).find((a: string) => a.startsWith('--config.file='));
  const path = arg.slice('--config.file='.length);
  const { contents } = mountedFiles(objects, prometheus, posix.dirname(path));
  const text = contents.get(posix.basename(path));
  if (text === undefined) throw new Error(`${prometheus.metadata.name}: no ${path} mounted`);
  return text;
}

export function ruleMountProblems(objects: readonly K8sObject[]): string[] {
  const out: string[] = [];
  const workloads = prometheusWorkloads(objects);
  // Operator mode: the rules are PrometheusRules, which the operator mounts into its Prometheus.
  if (workloads.length === 0) return objects.some((o) => o.kind === 'PrometheusRule') && ![...configFiles(objects).keys()].some((k) => k.endsWith('.rules.yml')) ? [] : ['no Prometheus StatefulSet in the chart'];
  const loaded = new Set<string>();
  for (const prometheus of workloads) {
    const config = parseYaml(workloads.length === 1 ? configFile(objects, 'prometheus.yml') : mountedPrometheusConfig(objects, prometheus));
    const globs: string[] = config.rule_files ?? [];
    for (const glob of globs) {
      const dir = posix.dirname(glob);
      const { files, problems } = mountedFiles(objects, prometheus, dir);
      out.push(...problems);
      const pattern = globToRegExp(posix.basename(glob));
      for (const name of files.keys()) {
        if (pattern.test(name)) loaded.add(name);
        else out.push(`${dir}/${name}: is mounted but no rule_files glob (${glob}) loads it`);
      }
      if ([...files.keys()].every((n) => !pattern.test(n))) out.push(`${glob}: matches no mounted file`);
    }
  }
  const ns = workloads[0].metadata.namespace;
  for (const [key] of configFiles(objects.filter((o) => o.metadata.namespace === ns))) {
    const name = key.split('/')[1];
    if (name.endsWith('.rules.yml') && !loaded.has(name)) out.push(`${key}: is a rule file no rule_files glob loads (not mounted into Prometheus)`);
  }
  return out;
}

/** Every dashboard file lies in a directory one of Grafana's dashboard providers reads, mounted from its ConfigMap. */
export function dashboardMountProblems(objects: readonly K8sObject[]): string[] {
  const out: string[] = [];
  const grafana = objects.find((o) => o.kind === 'Deployment' && podSpecOf(o).containers.some((c: any) => (c.env ?? []).some((e: any) => e.name === 'GF_PATHS_PROVISIONING')));
  if (!grafana) return dashboardFiles(objects).size === 0 ? [] : ['dashboards but no Grafana Deployment'];
  const providers: { options: { path: string } }[] = parseYaml(configFile(objects, 'dashboards.yaml')).providers;
  const mounts: { mountPath: string; name: string }[] = podSpecOf(grafana).containers.flatMap((c: any) => c.volumeMounts ?? []);
  const mountedDashboards = new Set<string>();
  for (const m of mounts) {
    if (!providers.some((p) => m.mountPath === p.options.path || m.mountPath.startsWith(`${p.options.path}/`))) continue;
    const { files, problems } = mountedFiles(objects, grafana, m.mountPath);
    out.push(...problems);
    for (const [name, from] of files) if (name.endsWith('.json')) mountedDashboards.add(`${from.split(' ')[1]}/${name}`);
  }
  for (const file of dashboardFiles(objects).keys()) {
    if (!mountedDashboards.has(file)) out.push(`${file}: no dashboard provider reads it (not mounted under a provider path)`);
  }
  return out;
}

/** `promtool check config` (with every rule file) and `promtool check rules` on all rule files; `amtool check-config`. */
export function upstreamCheckerProblems(objects: readonly K8sObject[]): string[] {
  const out: string[] = [];
  const files = configFiles(objects);
  // Operator mode (no prometheus.yml): the rules held by the PrometheusRules, and the scrape jobs the operator makes
  // of the monitors (test/helpers/operator-emulator.ts).
  const operator = ![...files.keys()].some((k) => k.endsWith('/prometheus.yml')) && objects.some((o) => o.kind === 'PrometheusRule');
  const shards = prometheusWorkloads(objects);
  if (!operator && shards.length > 1) {
    // Sharded: each Prometheus with exactly the config and rule files mounted into it.
    for (const prometheus of shards) {
      const where = prometheus.metadata.name;
      const promYaml = mountedPrometheusConfig(objects, prometheus);
      const rulesDir = posix.dirname((parseYaml(promYaml).rule_files ?? ['/etc/prometheus/rules/x'])[0]);
      const { contents } = mountedFiles(objects, prometheus, rulesDir);
      const dir = writeTree(Object.fromEntries([...contents].map(([name, text]) => [`rules/${name}`, text])));
      const promDir = writeTree({ 'prometheus.yml': promConfigWithLocalPaths(promYaml, dir) });
      const config = promtool(['check', 'config', join(promDir, 'prometheus.yml')]);
      if (config.status !== 0) out.push(`${where}: promtool check config: ${config.output.trim()}`);
      const ruleFiles = [...contents.keys()].map((f) => join(dir, 'rules', f));
      if (ruleFiles.length > 0) {
        const checked = promtool(['check', 'rules', ...ruleFiles]);
        if (checked.status !== 0) out.push(`${where}: promtool check rules: ${checked.output.trim()}`);
      }
    }
  }
  if (operator || shards.length <= 1) {
    const rules = operator
      ? Object.fromEntries(objects.filter((o) => o.kind === 'PrometheusRule').map((o) => [`rules/${o.metadata.name}.rules.yml`, ruleFileOfPrometheusRule(o)]))
      : Object.fromEntries([...files].filter(([k]) => k.endsWith('.rules.yml')).map(([k, v]) => [`rules/${k.split('/')[1]}`, v]));
    const dir = writeTree(rules);
    const promDir = writeTree({
      'prometheus.yml': operator
        ? yaml.dump(JSON.parse(JSON.stringify({ scrape_configs: operatorScrapeJobs(objects) })), { lineWidth: -1, noRefs: true })
        : promConfigWithLocalPaths(configFile(objects, 'prometheus.yml'), dir),
    });
    const config = promtool(['check', 'config', ...(operator ? ['--syntax-only'] : []), join(promDir, 'prometheus.yml')]);
    if (config.status !== 0) out.push(`promtool check config: ${config.output.trim()}`);
    const ruleFiles = Object.keys(rules).map((f) => join(dir, f));
    if (ruleFiles.length > 0) {
      const checked = promtool(['check', 'rules', ...ruleFiles]);
      if (checked.status !== 0) out.push(`promtool check rules: ${checked.output.trim()}`);
    }
  }
  const am = [...files].find(([k]) => k.endsWith('/alertmanager.yml'));
  if (am) {
    const amDir = writeTree({ 'alertmanager.yml': am[1] });
    const r = amtool(['check-config', join(amDir, 'alertmanager.yml')]);
    if (r.status !== 0) out.push(`amtool check-config: ${r.output.trim()}`);
  }
  return out;
}

/** Entry files of the runnable examples: `examples/*.ts` and `examples/<name>/main.ts`. */
export function exampleApps(root: string): string[] {
  const dir = join(root, 'examples');
  if (!existsSync(dir)) return [];
  const apps: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (existsSync(join(path, 'main.ts'))) apps.push(relative(root, join(path, 'main.ts')));
    } else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) {
      apps.push(relative(root, path));
    }
  }
  return apps;
}

/** Runs an example app as `cdk8s synth` would (tsx, output to a temporary CDK8S_OUTDIR) and loads what it wrote. */
export function synthExample(root: string, app: string): K8sObject[] {
  const out = mkdtempSync(join(tmpdir(), 'obs-example-'));
  try {
    const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [app], { cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: out }, timeout: 110_000 });
    if (r.status !== 0) throw new Error(`${app} failed (exit ${r.status}):\n${r.stderr}`);
    const objects: K8sObject[] = [];
    for (const file of readdirSync(out).sort()) {
      if (file.endsWith('.yaml')) objects.push(...(yaml.loadAll(readFileSync(join(out, file), 'utf8')) as K8sObject[]).filter(Boolean));
    }
    return objects;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
