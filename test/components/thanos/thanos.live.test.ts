import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { serviceShard } from '../../../src/components/prometheus/shards';
import { ObservabilityStack, ObservabilityStackProps } from '../../../src/stack';
import { counterRequest, hexId, postOtlp } from '../../helpers/otlp';
import { freePorts, getJson, httpStatus, LOOPBACK, Server, startServer, waitFor, waitForOk } from '../../helpers/servers';
import { startPrometheus, Started } from '../../helpers/stack-servers';
import { containersOf, findObject, K8sObject } from '../../helpers/synth';
import { writeTree } from '../../helpers/tools';

/**
 * The generated Thanos runs: Prometheus 3.5.0 with a thanos 0.40.1 sidecar in each pod (an HA pair; or one per
 * hashmod shard), a Store Gateway, a Compactor and Query, every one started with the arguments the stack generated.
 * What only exists in a cluster is replaced here, each replacement made in `ThanosHarness.start` below:
 * - listen addresses (`--grpc-address`, `--http-address`) → 127.0.0.1 on free ports;
 * - volume paths (`--tsdb.path`, `--data-dir`, `--objstore.config-file`) → a temporary directory, and the objstore
 *   Secret's content (S3/GCS in a cluster) → Thanos' FILESYSTEM bucket in that directory;
 * - `--prometheus.url=http://localhost:9090` → the Prometheus' loopback port;
 * - the DNS endpoints of Query's `--endpoint.sd-config` (`dns+<prometheus>-headless…`, `dns+thanos-store…`) → the
 *   loopback gRPC addresses of the sidecars and the Store Gateway, in a config of the same shape;
 * - POD_NAME (the downward API) → the pod's name.
 */

jest.setTimeout(180_000);

const synth = (props: ObservabilityStackProps): K8sObject[] => Testing.synth(new ObservabilityStack(Testing.app(), 'observability', props)) as K8sObject[];

function argsOf(objs: readonly K8sObject[], kind: string, name: string, container: string): string[] {
  const c = containersOf(findObject(objs, kind, name)).find((x: any) => x.name === container);
  if (!c) throw new Error(`no container ${container} in ${kind}/${name}`);
  return c.args as string[];
}

interface ThanosServer {
  readonly server: Server;
  readonly http: string;
  readonly grpc: string;
}

const SD_FLAG = '--endpoint.sd-config=';

/** The addresses of Query's generated endpoint config. */
function generatedEndpoints(queryArgs: readonly string[]): string[] {
  const sd = JSON.parse(queryArgs.find((a) => a.startsWith(SD_FLAG))!.slice(SD_FLAG.length)) as { endpoints: { address: string }[] };
  return sd.endpoints.map((e) => e.address);
}

/** A temporary directory with a FILESYSTEM bucket standing for the objstore Secret, and the servers started in it. */
class ThanosHarness {
  public readonly dir = writeTree({});
  private readonly objstore = join(this.dir, 'objstore.yml');
  private readonly started: { stop(): Promise<void> }[] = [];

  constructor() {
    const bucket = join(this.dir, 'bucket');
    mkdirSync(bucket, { recursive: true });
    writeFileSync(this.objstore, `type: FILESYSTEM\nconfig:\n  directory: ${bucket}\n`);
  }

  /** Prometheus with its generated config and flags (`statefulSet`: a shard's), POD_NAME = `pod`. */
  public async prometheus(objs: readonly K8sObject[], pod: string, statefulSet?: string): Promise<Started & { url: string }> {
    const p = await startPrometheus(objs, { env: { POD_NAME: pod }, ...(statefulSet ? { statefulSet } : {}) });
    this.started.push(p.server);
    return p;
  }

  /** A thanos command with the generated arguments, the cluster-only parts replaced (see the file comment). */
  public async thanos(args: readonly string[], name: string, prometheus?: Started & { url: string }): Promise<ThanosServer> {
    const [http, grpc] = await freePorts(2);
    const data = join(this.dir, name);
    mkdirSync(data, { recursive: true });
    const local = args.map((a) => {
      const [flag] = a.split('=');
      if (flag === '--grpc-address') return `--grpc-address=${LOOPBACK}:${grpc}`;
      if (flag === '--http-address') return `--http-address=${LOOPBACK}:${http}`;
      if (flag === '--objstore.config-file') return `--objstore.config-file=${this.objstore}`;
      if (flag === '--data-dir') return `--data-dir=${data}`;
      if (flag === '--prometheus.url' && prometheus) return `--prometheus.url=${prometheus.url}`;
      if (flag === '--tsdb.path' && prometheus) return `--tsdb.path=${join(prometheus.dir, 'data')}`;
      return a;
    });
    const server = startServer('thanos', local);
    this.started.push(server);
    return { server, http: `http://${LOOPBACK}:${http}`, grpc: `${LOOPBACK}:${grpc}` };
  }

  /** Query with the generated flags; its endpoint config of the same shape, with these loopback addresses. */
  public query(args: readonly string[], endpoints: readonly string[]): Promise<ThanosServer> {
    const local = { endpoints: endpoints.map((address) => ({ address })) };
    return this.thanos(args.map((a) => (a.startsWith(SD_FLAG) ? `${SD_FLAG}${JSON.stringify(local)}` : a)), 'query');
  }

  public async stop(): Promise<void> {
    await Promise.all(this.started.splice(0).map((s) => s.stop()));
  }
}

async function ready(servers: readonly ThanosServer[]): Promise<void> {
  for (const t of servers) await waitForOk(`${t.http}/-/ready`, t.server, 60_000);
  for (const t of servers) expect(await httpStatus(`${t.http}/-/healthy`).catch((e) => `${e}\n${t.server.log()}`)).toBe(200);
}

/** Waits until Query lists `n` StoreAPI endpoints, none with an error; returns them. */
function storesOf(query: ThanosServer, n: number): Promise<any[]> {
  return waitFor(
    `Query to list ${n} StoreAPI endpoints`,
    async () => {
      const r = await getJson(`${query.http}/api/v1/stores`);
      const all = Object.values<any[]>(r.data ?? {}).flat();
      return all.length === n && all.every((s) => !s.lastError) ? all : undefined;
    },
    60_000,
    () => query.server.log(),
  );
}

const announced = (stores: readonly any[], label: string): string[] =>
  stores.flatMap((s: any) => (s.labelSets ?? []).map((l: any) => l[label])).filter(Boolean).sort();

/** Query's answer for an instant query, with or without de-duplication. */
async function queryResult(query: ThanosServer, expr: string, dedup: boolean): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  return (await getJson(`${query.http}/api/v1/query?query=${encodeURIComponent(expr)}&dedup=${dedup}`)).data.result;
}

describe('the generated Thanos on the real thanos binary', () => {
  let h: ThanosHarness;
  beforeEach(() => {
    h = new ThanosHarness();
  });
  afterEach(() => h.stop());

  test('sidecars, Store Gateway, Compactor and Query start with the generated flags; Query de-duplicates the HA pair', async () => {
    const objs = synth({ prometheus: { replicas: 2 }, thanos: { objectStorageSecret: 'thanos-objstore' } });
    // Two Prometheus replicas, each with the generated config and flags (2h blocks, the replica label from POD_NAME).
    const replicas = [await h.prometheus(objs, 'prometheus-0'), await h.prometheus(objs, 'prometheus-1')];
    const sidecarArgs = argsOf(objs, 'StatefulSet', 'prometheus', 'thanos-sidecar');
    const sidecars = [await h.thanos(sidecarArgs, 'sidecar-0', replicas[0]), await h.thanos(sidecarArgs, 'sidecar-1', replicas[1])];
    const store = await h.thanos(argsOf(objs, 'StatefulSet', 'thanos-store', 'thanos-store'), 'store');
    const compactor = await h.thanos(argsOf(objs, 'StatefulSet', 'thanos-compactor', 'thanos-compactor'), 'compactor');
    const queryArgs = argsOf(objs, 'Deployment', 'thanos-query', 'thanos-query');
    expect(generatedEndpoints(queryArgs)).toEqual(['dns+prometheus-headless.observability.svc:10901', 'dns+thanos-store.observability.svc:10901']);
    const query = await h.query(queryArgs, [...sidecars.map((s) => s.grpc), store.grpc]);
    await ready([...sidecars, store, compactor, query]);

    // Query sees the two sidecars (each announcing its replica's external label) and the Store Gateway.
    expect(announced(await storesOf(query, 3), 'prometheus_replica')).toEqual(['prometheus-0', 'prometheus-1']);

    // The same counter sample to each replica's OTLP receiver (as the gateway sends to each replica).
    const metric = `thanos_dedup_probe_${hexId(3)}`;
    const start = `${(Date.now() - 60_000) * 1e6}`;
    for (const p of replicas) expect(await postOtlp(`${p.url}/api/v1/otlp`, 'metrics', counterRequest('order-service', metric, 7, { status: '200' }, start))).toBe(200);
    const withDedup = await waitFor(
      'the pushed sample in Query',
      async () => {
        const r = await queryResult(query, `${metric}_total`, true);
        return r.length > 0 ? r : undefined;
      },
      60_000,
      () => query.server.log(),
    );
    expect(withDedup).toHaveLength(1);
    expect(withDedup[0].metric.prometheus_replica).toBeUndefined();
    expect(Number(withDedup[0].value[1])).toBe(7);
    const perReplica = await queryResult(query, `${metric}_total`, false);
    expect(perReplica.map((r) => r.metric.prometheus_replica).sort()).toEqual(['prometheus-0', 'prometheus-1']);
  });

  test('with prometheus.shards, Query is the global view: each shard\'s series once, labelled with its shard', async () => {
    const services = Array.from({ length: 6 }, (_, i) => ({ name: `svc-${i}` }));
    const objs = synth({ services, prometheus: { shards: 2, replicas: 1 }, thanos: { objectStorageSecret: 'thanos-objstore' } });
    const shards = [0, 1].map((k) => `prometheus-shard-${k}`);
    const proms = [await h.prometheus(objs, `${shards[0]}-0`, shards[0]), await h.prometheus(objs, `${shards[1]}-0`, shards[1])];
    const sidecars = [
      await h.thanos(argsOf(objs, 'StatefulSet', shards[0], 'thanos-sidecar'), 'sidecar-0', proms[0]),
      await h.thanos(argsOf(objs, 'StatefulSet', shards[1], 'thanos-sidecar'), 'sidecar-1', proms[1]),
    ];
    const store = await h.thanos(argsOf(objs, 'StatefulSet', 'thanos-store', 'thanos-store'), 'store');
    const queryArgs = argsOf(objs, 'Deployment', 'thanos-query', 'thanos-query');
    expect(generatedEndpoints(queryArgs)).toEqual([...shards.map((s) => `dns+${s}-headless.observability.svc:10901`), 'dns+thanos-store.observability.svc:10901']);
    const query = await h.query(queryArgs, [...sidecars.map((s) => s.grpc), store.grpc]);
    await ready([...sidecars, store, query]);
    // each sidecar announces its shard's external label (from the shard's own generated prometheus.yml)
    expect(announced(await storesOf(query, 3), 'prometheus_shard')).toEqual(['0', '1']);

    // WHEN each shard receives its own service's counter, with the `service` attribute the gateway's transform adds
    // (the gateway routes by it: shards-otlp.live.test.ts)
    const metric = `thanos_shard_probe_${hexId(3)}`;
    const start = `${(Date.now() - 60_000) * 1e6}`;
    const own = [0, 1].map((k) => services.map((s) => s.name).find((n) => serviceShard(n, 2) === k)!);
    for (const k of [0, 1]) expect(await postOtlp(`${proms[k].url}/api/v1/otlp`, 'metrics', counterRequest(own[k], metric, k + 1, { status: '200', service: own[k] }, start))).toBe(200);

    // THEN Query returns both, each once and with its shard, de-duplication on (it merges replicas, not shards)
    const got = await waitFor(
      'both shards\' series in Query',
      async () => {
        const r = await queryResult(query, `${metric}_total`, true);
        return r.length === 2 ? r : undefined;
      },
      60_000,
      () => query.server.log(),
    );
    expect(got.map((r) => [r.metric.service, r.metric.prometheus_shard, r.value[1]]).sort()).toEqual([
      [own[0], '0', '1'],
      [own[1], '1', '2'],
    ].sort());
    // AND an aggregate over the catalog sees every shard
    expect(Number((await queryResult(query, `sum(${metric}_total)`, true))[0].value[1])).toBe(3);
  });
});
