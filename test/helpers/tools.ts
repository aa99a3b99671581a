import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as yaml from 'js-yaml';

/**
 * Runs the real upstream validators (Debian's `prometheus` and `prometheus-alertmanager` packages, installed by
 * `.ci/run`). A missing binary fails the test: these checks are the proof, they are never skipped.
 */
export interface ToolResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
}

export const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
export const AMTOOL = process.env.AMTOOL ?? 'amtool';

export function run(cmd: string, args: readonly string[], cwd?: string): ToolResult {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 110_000 });
  if (r.error) {
    throw new Error(`could not run ${cmd}: ${r.error.message}. Install Debian's prometheus and prometheus-alertmanager (see .ci/run).`);
  }
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { status: r.status ?? -1, stdout, stderr, output: `${stdout}\n${stderr}` };
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
 * Debian's promtool is built without Kubernetes service discovery. Swap every `kubernetes_sd_configs` block for a
 * `file_sd_configs` one (relabeling and everything else is still checked), and drop files Prometheus would read in
 * the pod (service-account credentials) for files that exist in the temporary directory.
 */
export function promConfigForDebian(promYaml: string, dir: string): string {
  const doc = yaml.load(promYaml) as any;
  const sdFile = join(dir, 'targets.json');
  writeFileSync(sdFile, '[]');
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'token');
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, '');
  for (const job of doc.scrape_configs ?? []) {
    if (job.kubernetes_sd_configs) {
      delete job.kubernetes_sd_configs;
      job.file_sd_configs = [{ files: [sdFile] }];
    }
    if (job.authorization?.credentials_file) job.authorization.credentials_file = tokenFile;
    if (job.bearer_token_file) job.bearer_token_file = tokenFile;
    if (job.tls_config?.ca_file) job.tls_config.ca_file = caFile;
  }
  if (doc.rule_files) doc.rule_files = doc.rule_files.map((f: string) => join(dir, 'rules', f.split('/').pop()!));
  return yaml.dump(doc, { lineWidth: -1, noRefs: true });
}

export function promtool(args: readonly string[], cwd?: string): ToolResult {
  return run(PROMTOOL, args, cwd);
}

export function amtool(args: readonly string[], cwd?: string): ToolResult {
  return run(AMTOOL, args, cwd);
}
