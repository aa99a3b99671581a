import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { isKnownCollectorComponent, CollectorComponentKind } from '../../src/components/otel-collector/distribution';
import { K8sObject } from './synth';
import { runTool, ToolResult, writeTree } from './tools';

/**
 * The generated collector and Jaeger configurations as the deployed programs read them, and the few details that
 * exist only inside a cluster replaced for a run on this machine. Every replacement is listed where it is made.
 */

export interface NamedConfig {
  /** `<ConfigMap>/<key>` */
  readonly name: string;
  readonly text: string;
}

function configMapsOf(objects: readonly K8sObject[], appName: string, key: string): NamedConfig[] {
  return objects
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.['app.kubernetes.io/name'] === appName && typeof o.data?.[key] === 'string')
    .map((o) => ({ name: `${o.metadata.name}/${key}`, text: o.data[key] as string }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every OpenTelemetry Collector config.yaml in the objects (agent, gateway). */
export function collectorConfigs(objects: readonly K8sObject[]): NamedConfig[] {
  return configMapsOf(objects, 'opentelemetry-collector', 'config.yaml');
}

/** Every Jaeger config.yaml in the objects. */
export function jaegerConfigs(objects: readonly K8sObject[]): NamedConfig[] {
  return configMapsOf(objects, 'jaeger', 'config.yaml');
}

export function blackboxConfigs(objects: readonly K8sObject[]): NamedConfig[] {
  return configMapsOf(objects, 'blackbox-exporter', 'blackbox.yml');
}

/**
 * A kubeconfig naming an API server that does not exist (127.0.0.1:1). In the pod, the loadbalancing exporter's
 * `k8s` resolver builds its client from the in-cluster service-account config; `otelcol validate` builds the
 * exporter (it never starts it, so nothing connects), which needs some client config: this one stands in.
 */
function standInKubeconfig(): string {
  const dir = writeTree({
    kubeconfig: [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: none, user: {token: none}}]',
      'contexts: [{name: none, context: {cluster: none, user: none, namespace: observability}}]',
      'current-context: none',
      '',
    ].join('\n'),
  });
  return join(dir, 'kubeconfig');
}

/**
 * The environment a collector pod gets from the downward API, with loopback values: `MY_POD_IP` (the listeners bind
 * to the pod IP) → 127.0.0.1; `K8S_NODE_NAME` → a node name; the in-cluster API config → `KUBECONFIG` of
 * standInKubeconfig.
 */
export function collectorPodEnv(): NodeJS.ProcessEnv {
  return { ...process.env, MY_POD_IP: '127.0.0.1', K8S_NODE_NAME: 'node-a', KUBECONFIG: standInKubeconfig() };
}

/**
 * A collector config with the paths of the pod's hostPath volumes replaced by directories under `dir`:
 * `extensions.file_storage*.directory` (the agent's checkpoints, a hostPath the kubelet creates; the gateway's queue
 * volume, and its `compaction.directory` when it is the same) → `<dir>/<name>`
 * (the extension refuses a directory that does not exist).
 */
export function collectorConfigWithLocalPaths(text: string, dir: string): any {
  const doc = yaml.load(text) as any;
  for (const [id, ext] of Object.entries<any>(doc.extensions ?? {})) {
    if (id.split('/')[0] === 'file_storage' && ext?.directory) {
      const inPod = ext.directory;
      ext.directory = join(dir, id.replace('/', '_'));
      mkdirSync(ext.directory, { recursive: true });
      // Compaction on the same volume (the gateway's queue): the same local directory.
      if (ext.compaction?.directory === inPod) ext.compaction.directory = ext.directory;
    }
  }
  return doc;
}

/** `otelcol validate` on a generated collector config (pod paths and downward-API values replaced as stated above). */
export function otelcolValidate(config: NamedConfig): ToolResult {
  const dir = writeTree({});
  const doc = collectorConfigWithLocalPaths(config.text, dir);
  const tree = writeTree({ 'config.yaml': yaml.dump(doc, { lineWidth: -1, noRefs: true }) });
  return runTool('otelcol', ['validate', `--config=${join(tree, 'config.yaml')}`], { env: collectorPodEnv() });
}

/**
 * A Jaeger config with the Badger directories (a PersistentVolumeClaim in the pod) replaced by directories under
 * `dir`.
 */
export function jaegerConfigWithLocalPaths(text: string, dir: string): any {
  const doc = yaml.load(text) as any;
  for (const [name, backend] of Object.entries<any>(doc.extensions?.jaeger_storage?.backends ?? {})) {
    const dirs = backend?.badger?.directories;
    if (dirs) {
      for (const k of ['keys', 'values']) {
        if (dirs[k]) {
          dirs[k] = join(dir, name, k);
          mkdirSync(dirs[k], { recursive: true });
        }
      }
    }
  }
  return doc;
}

/** `jaeger validate` (Jaeger v2 is a collector distribution: the collector's own validation). */
export function jaegerValidate(config: NamedConfig): ToolResult {
  const dir = writeTree({});
  const doc = jaegerConfigWithLocalPaths(config.text, dir);
  const tree = writeTree({ 'config.yaml': yaml.dump(doc, { lineWidth: -1, noRefs: true }) });
  return runTool('jaeger', ['validate', `--config=${join(tree, 'config.yaml')}`]);
}

export function blackboxCheck(config: NamedConfig): ToolResult {
  const dir = writeTree({ 'blackbox.yml': config.text });
  return runTool('blackbox_exporter', ['--config.check', `--config.file=${join(dir, 'blackbox.yml')}`]);
}

const KINDS: Record<string, CollectorComponentKind> = {
  receivers: 'receiver',
  processors: 'processor',
  exporters: 'exporter',
  extensions: 'extension',
  connectors: 'connector',
};

/** Component types a collector config uses that COLLECTOR_COMPONENTS (the otelcol build list) lacks. */
export function componentsMissingFromBuild(config: NamedConfig): string[] {
  const doc = yaml.load(config.text) as any;
  const out: string[] = [];
  for (const [section, kind] of Object.entries(KINDS)) {
    for (const id of Object.keys(doc[section] ?? {})) {
      const type = id.split('/')[0];
      if (!isKnownCollectorComponent(kind, type)) out.push(`${config.name}: ${kind} "${type}" (id "${id}") is not in COLLECTOR_COMPONENTS`);
    }
  }
  return out;
}

/** `otelcol validate`, `jaeger validate` and `blackbox_exporter --config.check` on every such config; one line per failure. */
export function upstreamProgramProblems(objects: readonly K8sObject[]): string[] {
  const out: string[] = [];
  for (const c of collectorConfigs(objects)) {
    out.push(...componentsMissingFromBuild(c));
    const r = otelcolValidate(c);
    if (r.status !== 0) out.push(`otelcol validate ${c.name}: ${r.output.trim()}`);
  }
  for (const c of jaegerConfigs(objects)) {
    const r = jaegerValidate(c);
    if (r.status !== 0) out.push(`jaeger validate ${c.name}: ${r.output.trim()}`);
  }
  for (const c of blackboxConfigs(objects)) {
    const r = blackboxCheck(c);
    if (r.status !== 0) out.push(`blackbox_exporter --config.check ${c.name}: ${r.output.trim()}`);
  }
  return out;
}
