import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * A throw-away Prometheus server on loopback (the deployed release, built into .tools/bin by
 * scripts/install-tools.sh): started on a data directory, queried over the HTTP API, always stopped by pid, on error
 * and on exit too.
 */

const TOOLS_BIN = process.env.OBS_TOOLS_BIN ?? join(__dirname, '..', '..', '.tools', 'bin');
export const PROMETHEUS_BIN = process.env.PROMETHEUS ?? join(TOOLS_BIN, 'prometheus');
export const PROMTOOL_BIN = process.env.PROMTOOL ?? join(TOOLS_BIN, 'promtool');
export const LOOPBACK = '127.0.0.1';

const running = new Set<ChildProcess>();

function killAll(): void {
  for (const p of running) {
    try {
      p.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** A free TCP port on loopback (bound and released; the server binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, LOOPBACK, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface PrometheusServer {
  readonly url: string;
  readonly pid: number;
  readonly dataDir: string;
  readonly startedAt: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly configFile: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** Seconds to wait for /-/ready. */
  readonly readyTimeoutSeconds?: number;
}

/** Starts Prometheus and waits until it is ready (bounded). */
export async function startPrometheus(o: StartOptions): Promise<PrometheusServer> {
  hookExit();
  const port = await freePort();
  const url = `http://${LOOPBACK}:${port}`;
  const log = openSync(o.logFile, 'a');
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${o.configFile}`,
      `--storage.tsdb.path=${o.dataDir}`,
      `--web.listen-address=${LOOPBACK}:${port}`,
      // The history is in the past: keep it whatever the wall clock says.
      '--storage.tsdb.retention.time=10y',
      '--log.level=warn',
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  running.add(child);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
    running.delete(child);
  });
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 300 && exited === undefined; i++) await sleep(100);
    if (exited === undefined) {
      child.kill('SIGKILL');
      for (let i = 0; i < 50 && exited === undefined; i++) await sleep(100);
    }
    running.delete(child);
  };
  const deadline = Date.now() + (o.readyTimeoutSeconds ?? 120) * 1000;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`prometheus exited with ${exited} before it was ready; see ${o.logFile}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) return { url, pid: child.pid ?? -1, dataDir: o.dataDir, startedAt: Date.now(), stop };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`prometheus was not ready within ${o.readyTimeoutSeconds ?? 120} s; see ${o.logFile}`);
}

export interface QueryResult {
  readonly series: readonly { readonly metric: Readonly<Record<string, string>>; readonly value: number }[];
  /** `stats.samples.totalQueryableSamples`: samples the engine loaded to answer. */
  readonly samples: number;
  /** `stats.timings.evalTotalTime`, seconds. */
  readonly evalSeconds: number;
  /** Client-side round trip, seconds. */
  readonly wallSeconds: number;
}

/** An instant query with `stats=all` (https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries). */
export async function instantQuery(url: string, expr: string, timeSeconds: number): Promise<QueryResult> {
  const body = new URLSearchParams({ query: expr, time: String(timeSeconds), stats: 'all' });
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body });
  const json = (await res.json()) as {
    status: string;
    error?: string;
    data?: {
      resultType: string;
      result: { metric: Record<string, string>; value: [number, string] }[];
      stats?: { timings: { evalTotalTime: number }; samples: { totalQueryableSamples: number } };
    };
  };
  const wallSeconds = (performance.now() - t0) / 1000;
  if (json.status !== 'success' || !json.data) throw new Error(`query failed (${json.error ?? res.status}): ${expr}`);
  if (!json.data.stats) throw new Error('the server returned no query stats (stats=all needs Prometheus 2.35 or later)');
  const series = json.data.resultType === 'vector' ? json.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) })) : [];
  return { series, samples: json.data.stats.samples.totalQueryableSamples, evalSeconds: json.data.stats.timings.evalTotalTime, wallSeconds };
}

/** Values of some metrics of the server's own /metrics (summed over label sets). */
export async function selfMetrics(url: string, names: readonly string[]): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m && m[1] in out) out[m[1]] += Number(m[3]);
  }
  return out;
}

/**
 * Waits until the TSDB has merged the backfilled blocks: Prometheus reloads and compacts blocks about a minute after
 * start, and a measurement must not run beside that compaction. Done when a compaction was triggered, no block is
 * being written (`*.tmp-*` directories) and the loaded blocks stayed the same for three polls. Bounded.
 */
export async function waitForCompaction(server: PrometheusServer, timeoutSeconds = 240): Promise<{ seconds: number; blocks: number }> {
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  const names = ['prometheus_tsdb_compactions_triggered_total', 'prometheus_tsdb_blocks_loaded', 'prometheus_tsdb_compactions_total', 'prometheus_tsdb_vertical_compactions_total'];
  let last = '';
  let stable = 0;
  let blocks = 0;
  while (Date.now() < deadline) {
    const m = await selfMetrics(server.url, names);
    blocks = m.prometheus_tsdb_blocks_loaded;
    const writing = existsSync(server.dataDir) && readdirSync(server.dataDir).some((d) => d.includes('.tmp'));
    const key = JSON.stringify(m);
    stable = key === last && !writing ? stable + 1 : 0;
    last = key;
    if (m.prometheus_tsdb_compactions_triggered_total >= 1 && stable >= 3) return { seconds: (Date.now() - started) / 1000, blocks };
    await sleep(2000);
  }
  throw new Error(`the TSDB in ${server.dataDir} was still compacting after ${timeoutSeconds} s`);
}

/** Block directories (ULIDs) of a TSDB or promtool output directory. */
export function blockDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((d) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(d) && existsSync(join(dir, d, 'meta.json')));
}
