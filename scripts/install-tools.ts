/**
 * Builds the upstream programs the stack deploys, at exactly the releases of src/versions.ts (TOOL_BUILDS), from
 * their Go modules with the ordinary Go client, and links them into the repository's git-ignored `.tools/bin/`.
 *
 * Builds are cached by tool and release (and, for otelcol, the builder manifest's hash) outside the clone, in
 * `$OBS_TOOLS_CACHE` or `${XDG_CACHE_HOME:-$HOME/.cache}/observability-stack/tools`, so a fresh clone on the same
 * machine (CI) links them in seconds. Each build goes to a temporary directory that is renamed into place only when
 * complete and checked, so an interrupted or concurrent run never leaves a half-built tool behind.
 *
 * Usage: node_modules/.bin/tsx scripts/install-tools.ts [--only name,name] [--check]
 *   --check  build nothing: report what is missing and exit 1 if anything is.
 * Run through scripts/install-tools.sh.
 */
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { builderManifest, COLLECTOR_COMPONENTS } from '../src/components/otel-collector/distribution';
import { GoToolBuild, TOOL_BUILDS, TOOLS_NOT_BUILT } from '../src/versions';
import { toolBinaries, TOOL_VERSION_ARGS } from './tool-versions';

const REPO = resolve(__dirname, '..');
export const BIN_DIR = join(REPO, '.tools', 'bin');

export function cacheRoot(): string {
  if (process.env.OBS_TOOLS_CACHE) return process.env.OBS_TOOLS_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'observability-stack', 'tools');
}

type ToolName = keyof typeof TOOL_BUILDS;

/** The manifest hashed for the otelcol cache key (the output path is not part of what is built). */
function manifestHash(): string {
  return createHash('sha256').update(builderManifest('<output>')).digest('hex').slice(0, 12);
}

export function cacheKey(name: ToolName): string {
  const t: GoToolBuild = TOOL_BUILDS[name];
  const base = `${name}-${t.release}${t.tags?.length ? `-${t.tags.join('.')}` : ''}`;
  return t.method === 'otelcol-builder' ? `${base}-${manifestHash()}` : base;
}

function log(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const flags = (process.env.GOFLAGS ?? '').split(/\s+/).filter((f) => f && !f.startsWith('-buildvcs'));
  // No VCS stamping: the sources come from the module cache, not a git checkout.
  return { ...process.env, GOFLAGS: [...flags, '-buildvcs=false'].join(' '), GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local', ...extra };
}

function sh(cmd: string, args: readonly string[], opts: SpawnSyncOptions & { what: string }): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.error) throw new Error(`${opts.what}: could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${opts.what}: \`${cmd} ${args.join(' ')}\` exited ${r.status}:\n${out}`);
  }
  return String(r.stdout ?? '');
}

function ldflags(t: GoToolBuild): string {
  return Object.entries(t.versionVars ?? {})
    .map(([k, v]) => `-X ${k}=${v}`)
    .join(' ');
}

/** The flags every `go install` / `go build` of a build takes: upstream's release tags and the version variables. */
function buildFlags(t: GoToolBuild): string[] {
  return [...(t.tags?.length ? ['-tags', t.tags.join(',')] : []), '-ldflags', ldflags(t)];
}

/** `go mod download` the module and check that it is the release (releaseProof). Returns the module directory. */
function downloadModule(t: GoToolBuild, env: NodeJS.ProcessEnv): string {
  const out = sh('go', ['mod', 'download', '-json', `${t.module}@${t.moduleVersion}`], { env, what: `download ${t.module}@${t.moduleVersion}` });
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`download ${t.module}@${t.moduleVersion}: ${info.Error ?? 'no module directory'}`);
  if (t.releaseProof) {
    const file = join(info.Dir, t.releaseProof.file);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (!text.includes(t.releaseProof.contains)) {
      throw new Error(
        `${t.module}@${t.moduleVersion} is not release ${t.release}: its ${t.releaseProof.file} does not contain "${t.releaseProof.contains}". ` +
          'Fix the moduleVersion in TOOL_BUILDS (src/versions.ts).',
      );
    }
  }
  return info.Dir;
}

function buildInto(name: ToolName, out: string): void {
  const t: GoToolBuild = TOOL_BUILDS[name];
  const bin = join(out, 'bin');
  mkdirSync(bin, { recursive: true });
  const env = goEnv();
  switch (t.method) {
    case 'install': {
      downloadModule(t, env);
      const pkgs = Object.values(t.binaries).map((p) => `${t.module}${p === '.' ? '' : p.slice(1)}@${t.moduleVersion}`);
      sh('go', ['install', ...buildFlags(t), ...pkgs], { env: goEnv({ GOBIN: bin }), what: `go install ${name}` });
      break;
    }
    case 'module': {
      const dir = downloadModule(t, env);
      for (const [binary, pkg] of Object.entries(t.binaries)) {
        sh('go', ['build', ...buildFlags(t), '-o', join(bin, binary), pkg], { cwd: dir, env, what: `go build ${binary}` });
      }
      break;
    }
    case 'otelcol-builder': {
      const builderBin = join(out, 'builder-bin');
      sh('go', ['install', `${t.module}@${t.moduleVersion}`], { env: goEnv({ GOBIN: builderBin }), what: 'go install the collector builder' });
      const manifest = join(out, 'manifest.yaml');
      const build = join(out, 'build');
      writeFileSync(manifest, builderManifest(build));
      const builder = join(builderBin, 'builder');
      const collectorEnv = goEnv(t.noChecksumDb ? { GONOSUMDB: [process.env.GONOSUMDB, ...t.noChecksumDb.prefixes].filter(Boolean).join(',') } : {});
      // 1. generate the sources; 2. resolve the modules (tolerating test-only dependencies the proxy does not serve,
      // see TOOL_BUILDS.otelCollector.why) and check each component resolved to the release; 3. compile.
      sh(builder, ['--config', manifest, '--skip-get-modules', '--skip-compilation'], { env: collectorEnv, what: 'otelcol builder (generate)' });
      const tidy = spawnSync('go', ['mod', 'tidy', '-e', '-compat=1.24'], { cwd: build, env: collectorEnv, encoding: 'utf8' });
      if (tidy.status !== 0) throw new Error(`otelcol: go mod tidy -e exited ${tidy.status}:\n${tidy.stderr}`);
      checkResolvedVersions(build, t.moduleVersion, collectorEnv);
      sh(builder, ['--config', manifest, '--skip-generate', '--skip-get-modules'], { env: collectorEnv, what: 'otelcol builder (compile)' });
      renameSync(join(build, 'otelcol'), join(bin, 'otelcol'));
      checkCollectorComponents(join(bin, 'otelcol'));
      rmSync(build, { recursive: true, force: true });
      rmSync(builderBin, { recursive: true, force: true });
      break;
    }
  }
}

/** Every component module (and the collector core) resolved to the release, as the builder's strict check does. */
function checkResolvedVersions(build: string, version: string, env: NodeJS.ProcessEnv): void {
  const mod = JSON.parse(sh('go', ['mod', 'edit', '-json'], { cwd: build, env, what: 'go mod edit -json' })) as { Require?: { Path: string; Version: string }[] };
  const required = new Map((mod.Require ?? []).map((r) => [r.Path, r.Version]));
  const wanted = [...new Set(['go.opentelemetry.io/collector/otelcol', ...COLLECTOR_COMPONENTS.map((c) => c.module)])];
  const wrong = wanted.filter((m) => required.get(m) !== version).map((m) => `${m} ${required.get(m) ?? '(not required)'}`);
  if (wrong.length > 0) throw new Error(`otelcol: modules not at ${version}: ${wrong.join(', ')}`);
}

/** `otelcol components` lists exactly COLLECTOR_COMPONENTS. */
function checkCollectorComponents(otelcol: string): void {
  const out = sh(otelcol, ['components'], { what: 'otelcol components' });
  const listed = new Set<string>();
  let section = '';
  for (const line of out.split('\n')) {
    const head = /^([a-z]+):/.exec(line);
    if (head) section = head[1].replace(/s$/, '');
    const item = /^\s+- name: (\S+)/.exec(line);
    if (item && section !== 'provider') listed.add(`${section}/${item[1]}`);
  }
  const expected = new Set(COLLECTOR_COMPONENTS.map((c) => `${c.kind}/${c.type}`));
  const missing = [...expected].filter((c) => !listed.has(c));
  const extra = [...listed].filter((c) => !expected.has(c));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`otelcol components differ from COLLECTOR_COMPONENTS: missing ${missing.join(', ') || 'none'}; extra ${extra.join(', ') || 'none'}`);
  }
}

/** The first line `--version` prints, checked to name the release. */
export function versionLine(binary: string, path: string): string {
  const r = spawnSync(path, TOOL_VERSION_ARGS[binary] ?? ['--version'], { encoding: 'utf8', timeout: 60_000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => /\d+\.\d+\.\d+/.test(l))?.trim() ?? '';
}

/**
 * Links `src` at `dest`, atomically: a link already pointing there is left alone, and a new one is made beside it
 * and renamed over `dest`, so a program started meanwhile (tests run beside `--check`) never finds `dest` missing.
 */
function linkInto(src: string, dest: string): void {
  if (isLink(dest) && readlinkSync(dest) === src) return;
  const tmp = `${dest}.tmp-${process.pid}`;
  if (existsSync(tmp) || isLink(tmp)) unlinkSync(tmp);
  try {
    symlinkSync(src, tmp);
  } catch {
    cpSync(src, tmp);
    chmodSync(tmp, 0o755);
  }
  renameSync(tmp, dest);
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

interface Outcome {
  readonly name: string;
  readonly release: string;
  readonly state: 'built' | 'cached' | 'missing';
  readonly seconds: number;
  readonly versions: readonly string[];
}

function install(name: ToolName, checkOnly: boolean): Outcome {
  const t: GoToolBuild = TOOL_BUILDS[name];
  const dir = join(cacheRoot(), cacheKey(name));
  const binaries = Object.keys(t.binaries);
  const complete = () => existsSync(join(dir, '.complete')) && binaries.every((b) => existsSync(join(dir, 'bin', b)));
  const started = Date.now();
  let state: Outcome['state'] = 'cached';
  if (!complete()) {
    if (checkOnly) return { name, release: t.release, state: 'missing', seconds: 0, versions: [] };
    log(`== building ${name} ${t.release} (${t.module}@${t.moduleVersion}, ${t.method}) ...`);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    try {
      buildInto(name, tmp);
      for (const b of binaries) {
        const line = versionLine(b, join(tmp, 'bin', b));
        if (!line.includes(t.release.replace(/^v/, ''))) {
          throw new Error(`${b} was built but its version output does not name ${t.release}: "${line}"`);
        }
      }
      writeFileSync(join(tmp, '.complete'), `${new Date().toISOString()}\n`);
      if (complete()) rmSync(tmp, { recursive: true, force: true }); // a concurrent run finished first
      else {
        rmSync(dir, { recursive: true, force: true });
        renameSync(tmp, dir);
      }
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    state = 'built';
  }
  mkdirSync(BIN_DIR, { recursive: true });
  for (const b of binaries) linkInto(join(dir, 'bin', b), join(BIN_DIR, b));
  return {
    name,
    release: t.release,
    state,
    seconds: (Date.now() - started) / 1000,
    versions: binaries.map((b) => `${b}: ${versionLine(b, join(BIN_DIR, b))}`),
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const checkOnly = args.includes('--check');
  const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
  const all = Object.keys(TOOL_BUILDS) as ToolName[];
  const only = onlyArg ? (onlyArg.split(',') as ToolName[]) : all;
  for (const n of only) {
    if (!all.includes(n)) {
      process.stderr.write(`unknown tool "${n}"; known: ${all.join(', ')}\n`);
      process.exit(2);
    }
  }
  const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (goVersion.error || goVersion.status !== 0) {
    process.stderr.write('install-tools: the Go toolchain (go) is not on PATH; install Go 1.25 or later (thanos 0.40.1 needs it).\n');
    process.exit(1);
  }
  log(`install-tools: ${goVersion.stdout.trim()}; cache ${cacheRoot()}; linking into ${BIN_DIR}`);
  log(`install-tools: otelcol components (${COLLECTOR_COMPONENTS.length}): ${COLLECTOR_COMPONENTS.map((c) => `${c.kind}/${c.type}`).join(', ')}`);
  const started = Date.now();
  const outcomes: Outcome[] = [];
  const failures: string[] = [];
  for (const n of only) {
    try {
      const o = install(n, checkOnly);
      outcomes.push(o);
      log(`   ${o.state.padEnd(7)} ${n} ${o.release} in ${o.seconds.toFixed(1)} s${o.versions.length ? `\n     ${o.versions.join('\n     ')}` : ''}`);
    } catch (e) {
      failures.push(`${n}: ${(e as Error).message}`);
      log(`   FAILED  ${n}: ${(e as Error).message}`);
    }
  }
  log('install-tools: summary');
  for (const o of outcomes) log(`   ${o.name.padEnd(17)} ${o.release.padEnd(8)} ${o.state.padEnd(7)} ${o.seconds.toFixed(1).padStart(7)} s  ${toolBinaries(o.name).join(', ')}`);
  for (const [n, why] of Object.entries(TOOLS_NOT_BUILT)) log(`   ${n.padEnd(17)} not built: ${why}`);
  log(`install-tools: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  const missing = outcomes.filter((o) => o.state === 'missing');
  if (missing.length > 0) {
    process.stderr.write(`install-tools: not built yet: ${missing.map((o) => o.name).join(', ')}. Run bash scripts/install-tools.sh.\n`);
    process.exit(1);
  }
  if (failures.length > 0) {
    process.stderr.write(`install-tools: ${failures.length} failed:\n${failures.join('\n')}\n`);
    process.exit(1);
  }
}

if (require.main === module) main();
