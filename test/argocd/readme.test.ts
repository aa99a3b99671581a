import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import * as yaml from 'js-yaml';
import { SYNC_WAVES } from '../../src/argocd';

/**
 * The README's "Deploying with Argo CD" and "Clusters that already run the Prometheus Operator" sections: their code
 * blocks type-check against the library and run; what they write is what the sections show, and (Argo CD) what dist/
 * holds; the wave table is SYNC_WAVES.
 */

const ROOT = join(__dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function section(title: string): string {
  const start = README.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`README has no section "${title}"`);
  const end = README.indexOf('\n## ', start + 3);
  return README.slice(start, end < 0 ? undefined : end);
}

function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

/** Git-ignored scratch space inside the clone (so the block resolves `cdk8s` and the library like the repo does). */
const SCRATCH = join(ROOT, 'tmp');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The block as a program of this repository: `observability-stack` is `src/index.ts`. */
function program(code: string, name: string): string {
  mkdirSync(SCRATCH, { recursive: true });
  const dir = mkdtempSync(join(SCRATCH, `readme-${name}-`));
  dirs.push(dir);
  const file = join(dir, `${name}.ts`);
  const index = relative(dir, join(ROOT, 'src/index')).split('\\').join('/');
  writeFileSync(file, code.replace(/from 'observability-stack'/g, `from '${index}'`));
  return file;
}

/** TypeScript's own diagnostics of the block, with the repository's compiler options. */
function typeErrors(file: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const prog = ts.createProgram([file], { ...config.options, noEmit: true });
  const source = prog.getSourceFile(file)!;
  return [...prog.getSyntacticDiagnostics(source), ...prog.getSemanticDiagnostics(source)].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** Runs the block as `cdk8s synth` would (tsx, CDK8S_OUTDIR); returns its output folder. */
function run(file: string): string {
  const out = mkdtempSync(join(tmpdir(), 'obs-readme-out-'));
  dirs.push(out);
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: out }, timeout: 110_000 });
  if (r.status !== 0) throw new Error(`${file} failed (exit ${r.status}):\n${r.stderr}`);
  return out;
}

function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml')).map((f) => f.split('\\').join('/')).sort();
}

describe('README: Deploying with Argo CD', () => {
  const text = section('Deploying with Argo CD');
  const [listing, ...rest] = blocks(text, '');
  void rest;

  test('the example type-checks, and writes exactly the committed dist/ (the layout listed, the Application shown)', () => {
    const [code] = blocks(text, 'ts');
    const file = program(code, 'argocd');
    expect(typeErrors(file)).toEqual([]);
    const out = run(file);
    const files = tree(out);
    expect(files.map((f) => `dist/${f}`)).toEqual(listing.trim().split('\n'));
    expect(tree(join(ROOT, 'dist'))).toEqual(files);
    for (const f of files) expect({ f, content: readFileSync(join(out, f), 'utf8') }).toEqual({ f, content: readFileSync(join(ROOT, 'dist', f), 'utf8') });
    const [shown] = blocks(text, 'yaml');
    expect(yaml.load(shown)).toEqual(yaml.load(readFileSync(join(out, 'argocd/application.k8s.yaml'), 'utf8')));
  }, 120_000);

  test('the wave table is SYNC_WAVES', () => {
    const rows = text.split('\n').filter((l) => /^\| \d+ \|/.test(l)).map((l) => l.split('|').map((c) => c.trim()));
    const table: Record<string, number> = {};
    for (const [, wave, kinds] of rows) for (const k of kinds.split(',').map((x) => x.trim())) table[k] = Number(wave);
    expect(table).toEqual(SYNC_WAVES);
  });
});

describe('README: Clusters that already run the Prometheus Operator', () => {
  test('the example type-checks and writes the operator resources, labelled for the release it names, and no Prometheus', () => {
    const text = section('Clusters that already run the Prometheus Operator');
    const [code] = blocks(text, 'ts');
    const file = program(code, 'operator');
    expect(typeErrors(file)).toEqual([]);
    const out = run(file);
    const docs = tree(out).flatMap((f) => yaml.loadAll(readFileSync(join(out, f), 'utf8')) as any[]);
    const kinds = new Set(docs.map((d) => d.kind));
    for (const k of ['PrometheusRule', 'PodMonitor', 'ScrapeConfig', 'AlertmanagerConfig']) expect(kinds.has(k)).toBe(true);
    expect(docs.filter((d) => d.kind === 'StatefulSet').map((d) => d.metadata.name)).toEqual(['loki']);
    const operator = docs.filter((d) => d.apiVersion.startsWith('monitoring.coreos.com/'));
    for (const d of operator) expect(d.metadata.labels.release).toBe('monitoring');
    expect(docs.find((d) => d.kind === 'PrometheusRule' && d.metadata.name === 'team')).toBeDefined();
    expect(docs.find((d) => d.kind === 'PodMonitor' && d.metadata.name === 'payments')).toBeDefined();
  }, 120_000);
});
