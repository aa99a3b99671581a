import { Chart, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';

/** A synthesized Kubernetes object (as YAML would deserialize it). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
}

/** Synthesizes a chart into plain objects. */
export function synthObjects(chart: Chart): K8sObject[] {
  return Testing.synth(chart) as K8sObject[];
}

export function findObject(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} in the synthesized objects (have: ${have})`);
  }
  return found;
}

export function objectsOfKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** Every config file the chart carries: `<ConfigMap|Secret name>/<key>` → content. */
export function configFiles(objects: readonly K8sObject[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const o of objects) {
    if (o.kind === 'ConfigMap' || (o.kind === 'Secret' && o.stringData)) {
      for (const [k, v] of Object.entries<string>(o.data ?? o.stringData ?? {})) files.set(`${o.metadata.name}/${k}`, v);
    }
  }
  return files;
}

/** The content of the one config file whose key matches `key`, across all ConfigMaps. */
export function configFile(objects: readonly K8sObject[], key: string): string {
  const matches = [...configFiles(objects)].filter(([k]) => k.endsWith(`/${key}`));
  if (matches.length !== 1) throw new Error(`expected one config file ${key}, found ${matches.length}`);
  return matches[0][1];
}

export function parseYaml<T = any>(text: string): T {
  return yaml.load(text) as T;
}

/** All containers of a workload's pod template. */
export function containersOf(workload: K8sObject): any[] {
  return workload.spec.template.spec.containers;
}

/** Dotted paths of every leaf of a document (`[]` for a list item), for key-by-key checks against a reference. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => leafPaths(v, `${prefix}[]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}
