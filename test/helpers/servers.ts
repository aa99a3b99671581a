import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { recordRun, ToolBinary, toolPath } from './tools';

/**
 * Upstream servers started by tests: on 127.0.0.1 only, with bounded waits, stopped by the test that started them
 * (and killed when the test process exits, whatever happened).
 */

export const LOOPBACK = '127.0.0.1';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** Ports this process handed out: a port closed again before its server binds it is never handed out twice. */
const handedOut = new Set<number>();

function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, LOOPBACK, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A free TCP port on 127.0.0.1 (the OS picks it; the listener is closed before it is returned), never one this
 * process returned before: a test that allocates the ports of several servers before they bind gets distinct ones.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 1000; i++) {
    const p = await osPort();
    if (!handedOut.has(p)) {
      handedOut.add(p);
      return p;
    }
  }
  throw new Error('no free port on 127.0.0.1 after 1000 tries');
}

export async function freePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await freePort());
  return out;
}

export interface Server {
  readonly binary: ToolBinary;
  readonly proc: ChildProcess;
  /** Everything it printed so far. */
  log(): string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function startServer(binary: ToolBinary, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Server {
  const path = toolPath(binary);
  const proc = spawn(path, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  recordRun(binary, 'server on 127.0.0.1');
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  proc.on('error', (e) => (out += `could not start ${path}: ${e.message}`));
  proc.on('exit', () => running.delete(proc));
  return {
    binary,
    proc,
    log: () => out,
    stop: (graceMs = 5_000) =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** Polls `probe` every 250 ms until it returns a value, for at most `timeoutMs`; the error carries `log()`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, log: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}; the server said:\n${log().slice(-4000)}`);
}

/** HTTP status of a GET (fetch with a 5 s timeout). */
export async function httpStatus(url: string): Promise<number> {
  return (await fetch(url, { signal: AbortSignal.timeout(5_000) })).status;
}

export async function getJson(url: string): Promise<any> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return r.json();
}

/** Waits until GET `url` answers 200. */
export function waitForOk(url: string, server: Server, timeoutMs = 30_000): Promise<true> {
  return waitFor(`${url} to answer 200`, async () => ((await httpStatus(url)) === 200 ? true : undefined), timeoutMs, () => server.log());
}
