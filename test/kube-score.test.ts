import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { exampleApps, synthExample } from './helpers/artifacts';
import { K8sObject } from './helpers/synth';
import { runTool, writeTree } from './helpers/tools';

/**
 * kube-score, a manifest linter from the field (TOOL_BUILDS.kubeScore), on the committed dist/ and on every example:
 * each finding must be declared in kube-score.yaml with its reason, and every declared exception must still match a
 * finding, so the list only shrinks as later issues fix what it names.
 */

const ROOT = join(__dirname, '..');

interface Exception {
  readonly check: string;
  readonly objects: readonly string[];
  readonly summary?: string;
  readonly reason: string;
  readonly issue?: number;
}

interface Config {
  readonly kubernetesVersion: string;
  readonly exceptions: readonly Exception[];
}

const CONFIG = yaml.load(readFileSync(join(ROOT, 'kube-score.yaml'), 'utf8')) as Config;

export interface Finding {
  readonly check: string;
  /** `Kind/name` */
  readonly object: string;
  readonly namespace: string;
  readonly summary: string;
  readonly grade: number;
}

/** kube-score's findings (checks graded below OK, not skipped) on a set of manifest files, one per comment. */
function kubeScore(files: readonly string[]): Finding[] {
  const r = runTool('kube-score', ['score', '--output-format=json', `--kubernetes-version=${CONFIG.kubernetesVersion}`, ...files], { check: 'score' });
  // kube-score exits 1 when it has findings; its JSON is the result either way.
  if (r.status !== 0 && r.status !== 1) throw new Error(`kube-score failed: ${r.output}`);
  const objects = JSON.parse(r.stdout) as any[];
  const out: Finding[] = [];
  for (const o of objects) {
    for (const c of o.checks) {
      if (c.skipped || c.grade >= 10) continue;
      for (const comment of c.comments ?? [{ summary: '' }]) {
        out.push({
          check: c.check.id,
          object: `${o.type_meta.kind}/${o.object_meta.name}`,
          namespace: o.object_meta.namespace ?? '',
          summary: `${comment.path ? `(${comment.path}) ` : ''}${comment.summary}`,
          grade: c.grade,
        });
      }
    }
  }
  return out;
}

function matches(e: Exception, f: Finding): boolean {
  return e.check === f.check && (e.objects.includes('*') || e.objects.includes(f.object)) && (e.summary === undefined || f.summary.includes(e.summary));
}

function writeManifests(objects: readonly K8sObject[]): string {
  const dir = writeTree({ 'manifests.yaml': objects.map((o) => yaml.dump(o, { lineWidth: -1, noRefs: true })).join('---\n') });
  return join(dir, 'manifests.yaml');
}

const TARGETS: { name: string; files: () => string[] }[] = [
  // dist/ is laid out a folder per chart, a file per component (src/main.ts): every YAML file below it.
  { name: 'dist/', files: () => (readdirSync(join(ROOT, 'dist'), { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(ROOT, 'dist', f)) },
  ...exampleApps(ROOT).map((app) => ({ name: app, files: () => [writeManifests(synthExample(ROOT, app))] })),
];

const results = new Map<string, Finding[]>();
function findingsOf(target: (typeof TARGETS)[number]): Finding[] {
  if (!results.has(target.name)) results.set(target.name, kubeScore(target.files()));
  return results.get(target.name)!;
}

describe.each(TARGETS)('kube-score on $name', (target) => {
  test('every finding is a declared exception', () => {
    const undeclared = findingsOf(target)
      .filter((f) => !CONFIG.exceptions.some((e) => matches(e, f)))
      .map((f) => `${f.check} ${f.namespace}/${f.object}: ${f.summary}`);
    expect(undeclared).toEqual([]);
  });
});

describe('kube-score.yaml', () => {
  test('every exception has a reason and still matches a finding (the list only shrinks)', () => {
    for (const e of CONFIG.exceptions) expect([e.check, typeof e.reason === 'string' && e.reason.length > 20]).toEqual([e.check, true]);
    const all = TARGETS.flatMap((t) => findingsOf(t));
    const stale = CONFIG.exceptions.filter((e) => !all.some((f) => matches(e, f))).map((e) => `${e.check} ${e.objects.join(',')}`);
    expect(stale).toEqual([]);
  });

  test('the check is real: an undeclared finding is reported', () => {
    const bare = writeManifests([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'bare', namespace: 'default' },
        spec: { replicas: 2, selector: { matchLabels: { app: 'bare' } }, template: { metadata: { labels: { app: 'bare' } }, spec: { containers: [{ name: 'c', image: 'nginx:latest' }] } } },
      } as K8sObject,
    ]);
    const findings = kubeScore([bare]);
    expect(findings.map((f) => f.check)).toEqual(expect.arrayContaining(['container-image-tag', 'container-security-context-readonlyrootfilesystem']));
    // a latest tag and a writable root filesystem are exceptions nowhere
    const undeclared = findings.filter((f) => !CONFIG.exceptions.some((e) => matches(e, f))).map((f) => f.check);
    expect(undeclared).toEqual(expect.arrayContaining(['container-image-tag', 'container-security-context-readonlyrootfilesystem']));
  });
});
