import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as yaml from 'js-yaml';
import { TOOL_VERSION_ARGS, toolOfBinary } from '../../scripts/tool-versions';

/**
 * The upstream programs the tests run, at the releases the stack deploys, built by `scripts/install-tools.sh` into
 * `.tools/bin/` (TOOL_BUILDS in src/versions.ts). A missing program, or one whose `--version` does not name the
 * deployed release, FAILS the test that needs it with the fix: these checks are the proof, they are never skipped.
 * Every run is recorded, and the summary reporter prints once which checks ran with which versions.
 *
 * Overrides: `OBS_TOOLS_BIN` (another directory), or one variable per binary (PROMTOOL, AMTOOL, PROMETHEUS,
 * ALERTMANAGER, OTELCOL, JAEGER, BLACKBOX_EXPORTER, KUBE_SCORE, POSTGRES_EXPORTER, MYSQLD_EXPORTER,
 * REDIS_EXPORTER, THANOS); the version check applies to overrides too.
 */
export interface ToolResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
}

export type ToolBinary =
  | 'promtool'
  | 'prometheus'
  | 'amtool'
  | 'alertmanager'
  | 'otelcol'
  | 'jaeger'
  | 'blackbox_exporter'
  | 'kube-score'
  | 'postgres_exporter'
  | 'mysqld_exporter'
  | 'redis_exporter'
  | 'thanos';

const REPO = resolve(__dirname, '..', '..');
export const TOOLS_BIN = process.env.OBS_TOOLS_BIN ?? join(REPO, '.tools', 'bin');

const OVERRIDE: Record<ToolBinary, string> = {
  promtool: 'PROMTOOL',
  prometheus: 'PROMETHEUS',
  amtool: 'AMTOOL',
  alertmanager: 'ALERTMANAGER',
  otelcol: 'OTELCOL',
  jaeger: 'JAEGER',
  blackbox_exporter: 'BLACKBOX_EXPORTER',
  'kube-score': 'KUBE_SCORE',
  postgres_exporter: 'POSTGRES_EXPORTER',
  mysqld_exporter: 'MYSQLD_EXPORTER',
  redis_exporter: 'REDIS_EXPORTER',
  thanos: 'THANOS',
};

const versions = new Map<ToolBinary, string>();

/** The path of a tool, checked to exist and to be the deployed release. @throws Error with the fix. */
export function toolPath(binary: ToolBinary): string {
  const override = process.env[OVERRIDE[binary]];
  const path = override ?? join(TOOLS_BIN, binary);
  const { name, release } = toolOfBinary(binary);
  if (!existsSync(path)) {
    throw new Error(
      `${binary} (${name} ${release}, the release the stack deploys) is missing at ${path}. ` +
        'Run `bash scripts/install-tools.sh` (it builds it from its Go module and links it into .tools/bin), ' +
        `or point ${OVERRIDE[binary]} at a ${binary} ${release}.`,
    );
  }
  toolVersion(binary, path);
  return path;
}

/** The tool's version line, checked to name the release from TOOL_BUILDS. */
export function toolVersion(binary: ToolBinary, path = toolPath(binary)): string {
  const cached = versions.get(binary);
  if (cached) return cached;
  const r = spawnSync(path, [...(TOOL_VERSION_ARGS[binary] ?? ['--version'])], { encoding: 'utf8', timeout: 60_000 });
  const line = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => /\d+\.\d+\.\d+/.test(l))?.trim() ?? '';
  const { release } = toolOfBinary(binary);
  const bare = release.replace(/^v/, '');
  if (!new RegExp(`(^|[^0-9.])v?${bare.replace(/\./g, '\\.')}([^0-9.]|$)`).test(line)) {
    throw new Error(
      `${path} is not ${binary} ${release} (its version output: "${line}"). ` +
        'Run `bash scripts/install-tools.sh` to build the release src/versions.ts names.',
    );
  }
  versions.set(binary, bare);
  return bare;
}

/** Appends one line to the run's tool log (set up by test/support/tool-log-setup.js), read by the summary reporter. */
function record(entry: { binary: string; version: string; check: string }): void {
  const log = process.env.OBS_TOOL_LOG;
  if (!log) return;
  try {
    appendFileSync(log, `${JSON.stringify(entry)}\n`);
  } catch {
    // the summary is a report, never a reason for a check to fail
  }
}

/** What a check stands on when the deployed program cannot run here (Loki, Grafana): printed in the summary. */
export function recordStandIn(component: string, check: string): void {
  record({ binary: component, version: 'not run', check });
}

/** The check's name for the summary: the leading sub-command words (`check config`, `config routes test`). */
export function checkName(args: readonly string[]): string {
  const words: string[] = [];
  for (const a of args) {
    if (!/^[a-z][a-z-]*$/.test(a) || words.length === 3) break;
    words.push(a);
  }
  return words.join(' ') || (args.find((a) => a.startsWith('--') && !a.includes('=')) ?? 'run');
}

export function recordRun(binary: ToolBinary, check: string): void {
  record({ binary, version: toolVersion(binary), check });
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The check's name in the summary. @default - checkName(args) */
  readonly check?: string;
}

/** Runs a tool to completion (bounded by a timeout). */
export function runTool(binary: ToolBinary, args: readonly string[], options: RunOptions = {}): ToolResult {
  const path = toolPath(binary);
  const r = spawnSync(path, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', timeout: 110_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`could not run ${path}: ${r.error.message}`);
  recordRun(binary, options.check ?? checkName(args));
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { status: r.status ?? -1, stdout, stderr, output: `${stdout}\n${stderr}` };
}

/** Runs a tool without blocking the event loop (for runs in parallel). */
export function runToolAsync(binary: ToolBinary, args: readonly string[], cwd?: string, check = checkName(args)): Promise<ToolResult> {
  const path = toolPath(binary);
  return new Promise((resolvePromise, reject) => {
    const p = spawn(path, args, { cwd });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', (e) => reject(new Error(`could not run ${path}: ${e.message}`)));
    p.on('close', (status) => {
      recordRun(binary, check);
      resolvePromise({ status: status ?? -1, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

export function promtool(args: readonly string[], cwd?: string): ToolResult {
  return runTool('promtool', args, { cwd });
}

export function amtool(args: readonly string[], cwd?: string): ToolResult {
  return runTool('amtool', args, { cwd });
}

/** Writes files (relative path → content) into a fresh temporary directory and returns it. */
export function writeTree(files: Readonly<Record<string, string>>, prefix = 'obs-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}

/**
 * The generated prometheus.yml with the paths that exist only inside the pod replaced by files in `dir`, so the real
 * Prometheus 3.5 can check and load it here. Everything else is as generated, Kubernetes discovery included (3.x has
 * it built in). The replacements:
 * - `rule_files` globs → `<dir>/rules/<same file pattern>` (the ConfigMaps' rule files are written there);
 * - the service-account token (`authorization.credentials_file`, `bearer_token_file`) and CA (`tls_config.ca_file`)
 *   → dummy files in `dir` (the kubelet mounts the real ones; promtool checks that they exist).
 */
export function promConfigWithLocalPaths(promYaml: string, dir: string): string {
  const doc = yaml.load(promYaml) as any;
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'token');
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, '');
  for (const job of doc.scrape_configs ?? []) {
    if (job.authorization?.credentials_file) job.authorization.credentials_file = tokenFile;
    if (job.bearer_token_file) job.bearer_token_file = tokenFile;
    if (job.tls_config?.ca_file) job.tls_config.ca_file = caFile;
    for (const sd of job.kubernetes_sd_configs ?? []) {
      if (sd.tls_config?.ca_file) sd.tls_config.ca_file = caFile;
    }
  }
  if (doc.rule_files) doc.rule_files = doc.rule_files.map((f: string) => join(dir, 'rules', f.split('/').pop()!));
  mkdirSync(join(dir, 'rules'), { recursive: true });
  return yaml.dump(doc, { lineWidth: -1, noRefs: true });
}
