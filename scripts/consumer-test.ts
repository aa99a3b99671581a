/**
 * The consumer test (issue 9): what a platform team's own cdk8s project meets when it installs this library.
 *
 * 1. `npm pack` (the `prepare` script builds lib/); the tarball's file list must hold the built library, README,
 *    LICENSE and CHANGELOG and nothing of tests, bench, scripts, examples or the instrumentation kit.
 * 2. A fresh project in a temporary directory, laid out as `cdk8s init typescript-app` lays it out (package.json
 *    scripts, cdk8s.yaml and tsconfig.json are read from the installed cdk8s-cli's own template), with the one
 *    tsconfig change the README names (`"module": "CommonJS"` → `"module": "node16"`), and `main.ts` = the README's
 *    library example, unchanged. It installs the tarball with its own cdk8s, constructs and cdk8s-plus-28: the newest
 *    versions in this package's peer ranges (`newest`, the default), or the lowest ones (`oldest`).
 * 3. `tsc` compiles it (the template's `compile` script); `cdk8s synth` writes manifests (the template's `app`,
 *    `npx ts-node main.ts`), with one copy of cdk8s and constructs and no warning.
 * 4. The same program with a bad objective prints the problem and exits 1: run directly, the output is the problem
 *    and nothing else (no stack trace); through `cdk8s synth`, the only stack frames are the CLI's own (it prints
 *    `e.stack` of "command ... returned a non-zero exit code 1", node_modules/cdk8s-cli/lib/cli/index.js).
 *
 * Run: `npm run test:consumer` (newest) or `npm run test:consumer -- oldest`. Needs the npm registry. The CLI that
 * runs `cdk8s synth` is this repository's cdk8s-cli (devDependency); the project's own cdk8s, constructs and
 * cdk8s-plus-28 are the ones under test. Prints the tarball's size and file count and the time of each step.
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const TEMPLATE = join(ROOT, 'node_modules/cdk8s-cli/templates/typescript-app');
const CLI = join(ROOT, 'node_modules/.bin/cdk8s');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; peerDependencies: Record<string, string> };

/** The lowest versions of the peer ranges (what `oldest` installs), and the oldest TypeScript the README names. */
const OLDEST: Record<string, string> = { cdk8s: '2.68.12', constructs: '10.3.0', 'cdk8s-plus-28': '2.5.6', typescript: '5.0.4' };

/** The one tsconfig change the README names for the template's CommonJS tsconfig. */
const TSCONFIG_CHANGE = { from: '"module": "CommonJS"', to: '"module": "node16"' };

const mode = process.argv[2] ?? 'newest';
if (mode !== 'newest' && mode !== 'oldest') throw new Error(`usage: consumer-test.ts [newest|oldest] (got ${mode})`);

const started = Date.now();
const timings: string[] = [];
let failures = 0;
let passes = 0;

function step<T>(name: string, fn: () => T): T {
  const t0 = Date.now();
  const out = fn();
  timings.push(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

function check(ok: boolean, what: string, detail = ''): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `\n${detail}` : ''}`);
  if (!ok) failures++;
  else passes++;
}

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...env },
    timeout: 600_000,
  });
}

function must(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The README's library example: the first ts block of its "Using it as a library" section. */
function readmeLibraryExample(readme: string): string {
  const start = readme.indexOf('## Using it as a library');
  if (start < 0) throw new Error('README.md has no "## Using it as a library" section');
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!m) throw new Error('the "Using it as a library" section has no ts block');
  return m[1];
}

const work = mkdtempSync(join(tmpdir(), 'obs-consumer-'));
try {
  // 1. the tarball
  const packed = step('npm pack (prepare builds lib/)', () =>
    JSON.parse(must(run('npm', ['pack', '--json', '--pack-destination', work], ROOT), 'npm pack')) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[],
  )[0];
  const files = packed.files.map((f) => f.path).sort();
  console.log(`tarball ${packed.filename}: ${(packed.size / 1024).toFixed(1)} kB packed, ${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked, ${packed.entryCount} files`);
  const tops = [...new Set(files.map((f) => (f.startsWith('lib/') ? f.split('/').slice(0, 2).join('/') + '/' : f)))];
  console.log(`  ${tops.join(', ')}`);
  check(['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json', 'lib/src/index.js', 'lib/src/index.d.ts'].every((f) => files.includes(f)), 'the tarball holds the built library, README, LICENSE and CHANGELOG');
  const stray = files.filter((f) => !/^(README\.md|LICENSE|CHANGELOG\.md|package\.json|lib\/(src|imports)\/.*\.(js|d\.ts))$/.test(f) || f === 'lib/src/main.js');
  check(stray.length === 0, 'and nothing else (no tests, bench, scripts, examples, instrumentation kit or the default app)', stray.join('\n'));

  // 2. a fresh cdk8s project, as `cdk8s init typescript-app` writes it
  const app = join(work, 'app');
  cpSync(join(TEMPLATE, 'tsconfig.json'), join(app, 'tsconfig.json'));
  cpSync(join(TEMPLATE, 'cdk8s.yaml'), join(app, 'cdk8s.yaml'));
  const tsconfig = readFileSync(join(app, 'tsconfig.json'), 'utf8');
  check(tsconfig.includes(TSCONFIG_CHANGE.from), `the template's tsconfig has ${TSCONFIG_CHANGE.from} (the line the README changes)`);
  writeFileSync(join(app, 'tsconfig.json'), tsconfig.replace(TSCONFIG_CHANGE.from, TSCONFIG_CHANGE.to));
  const template = JSON.parse(readFileSync(join(TEMPLATE, 'package.json'), 'utf8')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'platform-observability', version: '1.0.0', private: true, scripts: template.scripts }, null, 2));
  const program = readmeLibraryExample(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  writeFileSync(join(app, 'main.ts'), program);

  const peers = Object.keys(pkg.peerDependencies).map((p) => `${p}@${mode === 'oldest' ? OLDEST[p] : pkg.peerDependencies[p]}`);
  // The template's devDependencies that decide compilation (TypeScript, ts-node, the Node and Jest typings); jest,
  // ts-jest and cdk8s-cli are not needed to compile and synthesize.
  const dev = ['typescript', 'ts-node', '@types/node', '@types/jest'].map((p) => `${p}@${mode === 'oldest' && OLDEST[p] ? OLDEST[p] : template.devDependencies[p]}`);
  step('npm install (the tarball, peers, TypeScript)', () => {
    must(run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename), ...peers], app), 'npm install');
    must(run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-dev', ...dev], app), 'npm install --save-dev');
  });
  const versions = (name: string): string[] =>
    must(run('find', ['node_modules', '-name', 'package.json', '-path', `*${name}/package.json`], app), 'find')
      .split('\n')
      .filter((f) => f.endsWith(`node_modules/${name}/package.json`))
      .map((f) => (JSON.parse(readFileSync(join(app, f), 'utf8')) as { version: string }).version);
  const installed = ['cdk8s', 'constructs', 'cdk8s-plus-28', 'typescript'].map((n) => `${n} ${versions(n).join(' + ')}`);
  console.log(`installed (${mode}): ${installed.join(', ')}`);
  check(versions('cdk8s').length === 1 && versions('constructs').length === 1, 'one copy of cdk8s and of constructs in the project', installed.join('\n'));

  // 3. compile and synthesize
  const compiled = step('tsc (the template compile script)', () => run('npm', ['run', 'compile'], app));
  check(compiled.status === 0, 'tsc compiles the README example against the packed library', compiled.stdout + compiled.stderr);
  const synth = step('cdk8s synth', () => run(CLI, ['synth', '--no-check-upgrade'], app));
  const manifests = existsSync(join(app, 'dist')) ? readdirSync(join(app, 'dist')).filter((f) => f.endsWith('.yaml')) : [];
  const yaml = manifests.map((f) => readFileSync(join(app, 'dist', f), 'utf8')).join('\n');
  check(synth.status === 0 && /kind: StatefulSet\n[\s\S]*name: prometheus/.test(yaml), `cdk8s synth writes manifests (${manifests.join(', ')})`, synth.stdout + synth.stderr);
  check(synth.stderr.trim() === '', 'with nothing on stderr (no warning)', synth.stderr);

  // 4. a bad objective
  const bad = program.replace(/objective: 99\.9\b/, 'objective: 100');
  check(bad !== program, 'the bad program differs from the example by one objective');
  writeFileSync(join(app, 'main.ts'), bad);
  const direct = step('the bad program, run directly', () => run('npx', ['ts-node', 'main.ts'], app));
  const problem = /^observability\/Slos\.services\.order-service\.slos\.availability\.objective: must be a percentage strictly between 0 and 100 .*\(got 100\)\. Fix: /m;
  check(direct.status === 1, `run directly, it exits 1 (got ${direct.status})`, direct.stderr);
  check(problem.test(direct.stderr), 'and prints the problem (path, value, what is allowed, the fix)', direct.stderr);
  check(direct.stderr.trim().split('\n').length === 2 && !/^\s+at /m.test(direct.stderr), 'and nothing else: the header and one line, no stack trace', direct.stderr);
  const cli = step('cdk8s synth of the bad program', () => run(CLI, ['synth', '--no-check-upgrade'], app));
  const frames = cli.stderr.split('\n').filter((l) => /^\s+at /.test(l));
  check(cli.status === 1 && problem.test(cli.stderr), `through cdk8s synth it exits 1 (got ${cli.status}) and prints the problem`, cli.stderr);
  check(frames.every((f) => /cdk8s-cli|node:/.test(f)), "and the only stack frames are the CLI's own, none from the library or the program", frames.join('\n'));
} finally {
  rmSync(work, { recursive: true, force: true });
}

timings.push(`total: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(timings.join('\n'));
console.log(`consumer test (${mode}): ${passes} passed, ${failures} failed`);
if (failures > 0) process.exitCode = 1;
