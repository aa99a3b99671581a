import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The documentation runs: every ```ts block of the README is extracted and compiled against the package's public
 * API (`'observability-stack'` resolves to src/index.ts, as for the examples), and every block that synthesizes is
 * run the way `cdk8s synth` runs an app (tsx, CDK8S_OUTDIR), with the files it reads. The README's library example
 * must synthesize with nothing on stderr (no warning), and the error it shows must be what it prints with a bad
 * objective. The examples import nothing but the public API, so they run unchanged in a consumer's project.
 */

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Block {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
}

function tsBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  for (const m of markdown.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)) {
    out.push({ line: markdown.slice(0, m.index).split('\n').length, code: m[1] });
  }
  return out;
}

/** The block right after `marker` in the README (the first fenced block following it). */
function blockAfter(marker: string, lang = ''): string {
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README has no "${marker}"`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(README.slice(at));
  if (!m) throw new Error(`no block after "${marker}"`);
  return m[1];
}

const blocks = tsBlocks(README);
const synthesizing = blocks.filter((b) => /synthOrExit\(|\.synth\(\)/.test(b.code));
const work = mkdtempSync(join(tmpdir(), 'obs-readme-'));
const fileOf = (b: Block): string => `readme-line-${b.line}.ts`;

/** Files the blocks read, as the README describes them. */
function writeFixtures(dir: string): void {
  mkdirSync(join(dir, 'slos'), { recursive: true });
  writeFileSync(join(dir, 'slos/myservice.yml'), blockAfter('This Sloth spec', 'yaml'));
  copyFileSync(join(ROOT, 'test/fixtures/openslo-web.yaml'), join(dir, 'slos/web.yaml'));
}

/** Runs a block as `cdk8s synth` runs an app; returns its exit code, stderr and the manifests it wrote. */
function runBlock(file: string): { status: number | null; stderr: string; manifests: string[] } {
  const out = mkdtempSync(join(work, 'out-'));
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['--tsconfig', join(work, 'tsconfig.json'), file], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_OUTDIR: out },
    timeout: 110_000,
  });
  return { status: r.status, stderr: r.stderr, manifests: (readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml')) };
}

beforeAll(() => {
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  writeFixtures(work);
  for (const b of blocks) writeFileSync(join(work, fileOf(b)), b.code);
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { noEmit: true, rootDir: '/', types: ['node'], paths: { 'observability-stack': [join(ROOT, 'src/index.ts')] } },
      include: blocks.map(fileOf),
    }),
  );
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('README code blocks', () => {
  test('the README has TypeScript blocks, and the library example synthesizes', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(synthesizing.length).toBeGreaterThanOrEqual(2);
    expect(README.slice(0, README.indexOf('```ts', README.indexOf('## Using it as a library')))).toContain('## Using it as a library');
  });

  test('every ts block compiles against the public API', () => {
    const r = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(work, 'tsconfig.json')], { cwd: work, encoding: 'utf8', timeout: 110_000 });
    expect({ status: r.status, output: r.stdout + r.stderr }).toEqual({ status: 0, output: '' });
  }, 120_000);

  test.each(synthesizing.map((b) => [b.line, b]))('the block at README line %p synthesizes manifests, with nothing on stderr', (_line, b) => {
    const r = runBlock(fileOf(b as Block));
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.manifests.length).toBeGreaterThan(0);
  }, 120_000);

  test('the library example with a bad objective prints the error the README shows, and exits 1', () => {
    const example = blocks.find((b) => b.line > README.slice(0, README.indexOf('## Using it as a library')).split('\n').length)!;
    const bad = example.code.replace(/objective: 99\.9\b/, 'objective: 100');
    expect(bad).not.toBe(example.code);
    writeFileSync(join(work, 'bad-objective.ts'), bad);
    const r = runBlock('bad-objective.ts');
    expect({ status: r.status, manifests: r.manifests }).toEqual({ status: 1, manifests: [] });
    expect(r.stderr).toBe(blockAfter('prints the problem and exits 1:'));
  }, 120_000);
});

describe('examples', () => {
  test('import nothing but the public API (and cdk8s, constructs, Node built-ins)', () => {
    const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    const imports = files.flatMap((f) => [...readFileSync(join(ROOT, 'examples', f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => `${f}: ${m[1]}`));
    expect(imports.filter((i) => !/: (observability-stack|cdk8s|constructs|cdk8s-plus-28|node:[a-z/]+)$/.test(i))).toEqual([]);
  });
});
