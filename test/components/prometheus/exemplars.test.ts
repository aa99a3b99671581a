import { rmSync, writeFileSync } from 'node:fs';
import { createServer, Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { findObject, containersOf } from '../../helpers/synth';
import { freePorts, getJson, LOOPBACK, startServer, waitFor, waitForOk } from '../../helpers/servers';
import { writeTree } from '../../helpers/tools';
import { synthPrometheus } from './fixtures';

/**
 * Exemplar storage on the real Prometheus 3.5.0 (.tools/bin): with the StatefulSet's flags, an exemplar scraped from an
 * OpenMetrics exposition (as the instrumentation kit serves it) comes back from `query_exemplars` with its trace id —
 * the data behind Grafana's exemplar → Jaeger link; without `--enable-feature=exemplar-storage`, Prometheus 3.5 drops
 * it. Replacements: the config is a one-job scrape of a loopback exposition every second (the StatefulSet's other
 * flags as generated), the data path a temporary directory, the listen address 127.0.0.1 on a free port.
 */

jest.setTimeout(90_000);

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const EXPOSITION = [
  '# HELP http_requests Total HTTP requests',
  '# TYPE http_requests counter',
  `http_requests_total{method="POST",endpoint="/orders",status="500"} 3 # {trace_id="${TRACE_ID}",span_id="b7ad6b7169203331"} 1`,
  '# EOF',
  '',
].join('\n');

let exposition: HttpServer;
let target: string;
const dirs: string[] = [];

beforeAll(async () => {
  exposition = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
    res.end(EXPOSITION);
  });
  await new Promise<void>((r) => exposition.listen(0, LOOPBACK, () => r()));
  target = `${LOOPBACK}:${(exposition.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => exposition.close(r));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** Scrapes the exposition with the generated flags (optionally without one), returns the exemplars' trace ids. */
async function scrapedExemplars(dropFlag?: string): Promise<{ traceIds: string[]; log: string }> {
  const generated: string[] = containersOf(findObject(synthPrometheus().objects(), 'StatefulSet', 'prometheus'))[0].args;
  const dir = writeTree({});
  dirs.push(dir);
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: app\n    static_configs: [{ targets: ['${target}'] }]\n`);
  const [web] = await freePorts(1);
  const args = [
    ...generated
      .filter((a) => a !== dropFlag)
      .map((a) => (a.startsWith('--config.file=') ? `--config.file=${join(dir, 'prometheus.yml')}` : a.startsWith('--storage.tsdb.path=') ? `--storage.tsdb.path=${join(dir, 'data')}` : a)),
    `--web.listen-address=${LOOPBACK}:${web}`,
  ];
  const server = startServer('prometheus', args);
  const url = `http://${LOOPBACK}:${web}`;
  try {
    await waitForOk(`${url}/-/ready`, server, 30_000);
    // the series arrives with every scrape; wait for a few
    await waitFor(
      'three scrapes',
      async () => {
        const q = await getJson(`${url}/api/v1/query?query=${encodeURIComponent('count_over_time(http_requests_total[1m])')}`);
        return Number(q.data.result[0]?.value[1] ?? 0) >= 3 ? true : undefined;
      },
      30_000,
      () => server.log(),
    );
    const now = Math.ceil(Date.now() / 1000);
    const ex = await getJson(`${url}/api/v1/query_exemplars?query=${encodeURIComponent('http_requests_total')}&start=${now - 300}&end=${now + 60}`);
    return { traceIds: ex.data.flatMap((s: any) => s.exemplars.map((e: any) => e.labels.trace_id)), log: server.log() };
  } finally {
    await server.stop();
  }
}

describe('exemplar storage on Prometheus 3.5', () => {
  test('the StatefulSet enables it', () => {
    const args: string[] = containersOf(findObject(synthPrometheus().objects(), 'StatefulSet', 'prometheus'))[0].args;
    expect(args).toContain('--enable-feature=exemplar-storage');
  });

  test('with the generated flags, a scraped exemplar comes back with its trace id', async () => {
    const { traceIds, log } = await scrapedExemplars();
    expect(traceIds.length).toBeGreaterThan(0);
    expect(new Set(traceIds)).toEqual(new Set([TRACE_ID]));
    expect(log).toContain("Experimental in-memory exemplar storage enabled");
  });

  test('without --enable-feature=exemplar-storage, Prometheus 3.5 keeps none (the flag is needed)', async () => {
    const { traceIds } = await scrapedExemplars('--enable-feature=exemplar-storage');
    expect(traceIds).toEqual([]);
  });
});
