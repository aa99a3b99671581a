import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';

/** Child processes measured one at a time: wall time, peak RSS, output. */

/** GNU time, when installed: reports the peak RSS of a process tree (the largest process in it). */
export const GNU_TIME = '/usr/bin/time';
export const HAS_GNU_TIME = existsSync(GNU_TIME);

export interface Measured {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallSeconds: number;
  /** Peak resident set size in bytes (`/usr/bin/time -f %M`), when GNU time is installed. */
  readonly maxRssBytes?: number;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** Where GNU time writes its figure (a scratch file). */
  readonly scratchDir: string;
}

/** Runs a command to completion and measures it. Throws when it cannot be started or times out. */
export function runMeasured(cmd: string, args: readonly string[], o: RunOptions): Measured {
  const timeFile = join(o.scratchDir, `time-${process.pid}.txt`);
  const [bin, argv] = HAS_GNU_TIME ? [GNU_TIME, ['-f', '%M', '-o', timeFile, cmd, ...args]] : [cmd, [...args]];
  const t0 = performance.now();
  const r = spawnSync(bin, argv, {
    cwd: o.cwd,
    env: o.env ?? process.env,
    encoding: 'utf8',
    timeout: o.timeoutMs ?? 600_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  if (r.error) throw new Error(`could not run ${cmd}: ${r.error.message}`);
  let maxRssBytes: number | undefined;
  if (HAS_GNU_TIME && existsSync(timeFile)) {
    const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
    const kb = Number(lines[lines.length - 1]);
    if (Number.isFinite(kb)) maxRssBytes = kb * 1024;
    rmSync(timeFile, { force: true });
  }
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', wallSeconds, maxRssBytes };
}

/** The first line a tool prints for `--version` (or `n/a`). */
export function toolVersion(cmd: string, args: readonly string[] = ['--version']): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) return 'n/a';
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0];
}

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly kernel: string;
  readonly node: string;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return { cores: c.length, cpuModel: c[0]?.model?.trim() ?? 'unknown', memoryBytes: totalmem(), kernel: release(), node: process.version };
}
