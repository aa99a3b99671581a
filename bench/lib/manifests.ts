import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as yaml from 'js-yaml';

/** What a synth wrote: Kubernetes objects, bytes, Prometheus rules carried in ConfigMaps, and a content hash. */
export interface OutputCount {
  readonly objects: number;
  readonly bytes: number;
  /** Rules (recording + alerting) in every ConfigMap key ending `.rules.yml`. */
  readonly rules: number;
  readonly ruleFiles: number;
  /** SHA-256 of the files (sorted by name): equal across runs when synth is deterministic. */
  readonly sha256: string;
  /** The largest object families (`ConfigMap/grafana-dashboards-slos-*`), by serialized size, largest first. */
  readonly largest: readonly { readonly family: string; readonly objects: number; readonly bytes: number }[];
}

interface K8sLike {
  kind?: string;
  metadata?: { name?: string };
  data?: Record<string, string>;
}

/** `ConfigMap/prometheus-rules-*` for `ConfigMap/prometheus-rules-12`: objects split into numbered parts share one. */
export function objectFamily(kind: string, name: string): string {
  return `${kind}/${name.replace(/-\d+$/, '-*')}`;
}

/**
 * The YAML files of a synth output directory, relative to it, sorted: the top level (one file per chart) and the
 * folders of the default platform's file-per-component layout (`observability/prometheus.k8s.yaml`, ...).
 */
export function yamlFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => f.split(sep).join('/'))
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
}

/** SHA-256 of the YAML files of a synth output directory (names and contents, sorted by name). */
export function hashOutput(dir: string): string {
  const hash = createHash('sha256');
  for (const f of yamlFiles(dir)) {
    hash.update(f).update('\0').update(readFileSync(join(dir, f), 'utf8'));
  }
  return hash.digest('hex');
}

/** Counts the YAML manifests in a synth output directory. */
export function countOutput(dir: string): OutputCount {
  const files = yamlFiles(dir);
  const hash = createHash('sha256');
  let objects = 0;
  let bytes = 0;
  let rules = 0;
  let ruleFiles = 0;
  const families = new Map<string, { objects: number; bytes: number }>();
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    hash.update(f).update('\0').update(text);
    bytes += Buffer.byteLength(text);
    for (const doc of yaml.loadAll(text) as K8sLike[]) {
      if (!doc) continue;
      objects++;
      const fam = objectFamily(doc.kind ?? '?', doc.metadata?.name ?? '?');
      const entry = families.get(fam) ?? { objects: 0, bytes: 0 };
      entry.objects++;
      entry.bytes += Buffer.byteLength(yaml.dump(doc, { lineWidth: -1, noRefs: true }));
      families.set(fam, entry);
      if (doc.kind !== 'ConfigMap') continue;
      for (const [key, value] of Object.entries(doc.data ?? {})) {
        if (!key.endsWith('.rules.yml')) continue;
        ruleFiles++;
        const parsed = yaml.load(value) as { groups?: { rules?: unknown[] }[] } | undefined;
        for (const g of parsed?.groups ?? []) rules += g.rules?.length ?? 0;
      }
    }
  }
  const largest = [...families.entries()]
    .map(([family, v]) => ({ family, ...v }))
    .sort((a, b) => b.bytes - a.bytes || (a.family < b.family ? -1 : 1))
    .slice(0, 5);
  return { objects, bytes, rules, ruleFiles, sha256: hash.digest('hex'), largest };
}
