import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { ObservabilityStack } from '../../../src/stack';
import { counterRequest, postOtlp } from '../../helpers/otlp';
import { freePorts, getJson, httpStatus, LOOPBACK, Server, startServer, waitFor, waitForOk } from '../../helpers/servers';
import { startPrometheus, Started } from '../../helpers/stack-servers';
import { containersOf, findObject, K8sObject } from '../../helpers/synth';
import { writeTree } from '../../helpers/tools';

/**
 * The generated Thanos runs: an HA pair of Prometheus 3.5.0 with a thanos 0.40.1 sidecar each, a Store Gateway, a
 * Compactor and Query, every one started with the arguments the stack generated. What only exists in a cluster is
 * replaced here, each replacement made in `local()` below:
 * - listen addresses (`--grpc-address`, `--http-address`) → 127.0.0.1 on free ports;
 * - volume paths (`--tsdb.path`, `--data-dir`, `--objstore.config-file`) → a temporary directory, and the objstore
 *   Secret's content (S3/GCS in a cluster) → Thanos' FILESYSTEM bucket in that directory;
 * - `--prometheus.url=http://localhost:9090` → the replica's loopback port;
 * - the DNS endpoints of Query's `--endpoint.sd-config` (`dns+prometheus-headless…`, `dns+thanos-store…`) → the
 *   loopback gRPC addresses of the two sidecars and the Store Gateway, in a config of the same shape;
 * - POD_NAME (the downward API) → prometheus-0 / prometheus-1.
 * The same sample is pushed to both replicas (as the gateway does, to each replica's OTLP URL): Query returns it once
 * with de-duplication on and once per replica with it off.
 */

jest.setTimeout(180_000);

const objects = (): K8sObject[] =>
  Testing.synth(new ObservabilityStack(Testing.app(), 'observability', { prometheus: { replicas: 2 }, thanos: { objectStorageSecret: 'thanos-objstore' } })) as K8sObject[];

function argsOf(objs: readonly K8sObject[], kind: string, name: string, container: string): string[] {
  const c = containersOf(findObject(objs, kind, name)).find((x: any) => x.name === container);
  if (!c) throw new Error(`no container ${container} in ${kind}/${name}`);
  return c.args as string[];
}

interface Thanos {
  readonly server: Server;
  readonly http: string;
  readonly grpc: string;
}

describe('the generated Thanos on the real thanos binary', () => {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = () => Promise.all(started.splice(0).map((s) => s.stop()));
  afterAll(stopAll);

  test('sidecars, Store Gateway, Compactor and Query start with the generated flags; Query de-duplicates the HA pair', async () => {
    const objs = objects();
    const dir = writeTree({});
    const bucket = join(dir, 'bucket');
    mkdirSync(bucket, { recursive: true });
    const objstore = join(dir, 'objstore.yml');
    writeFileSync(objstore, `type: FILESYSTEM\nconfig:\n  directory: ${bucket}\n`);

    /** The generated arguments with the cluster-only parts replaced (see the file comment). */
    const local = async (args: readonly string[], name: string, prometheusUrl?: string): Promise<{ args: string[]; http: string; grpc: string }> => {
      const [http, grpc] = await freePorts(2);
      const data = join(dir, name);
      mkdirSync(data, { recursive: true });
      const out = args.map((a) => {
        const [flag] = a.split('=');
        if (flag === '--grpc-address') return `--grpc-address=${LOOPBACK}:${grpc}`;
        if (flag === '--http-address') return `--http-address=${LOOPBACK}:${http}`;
        if (flag === '--objstore.config-file') return `--objstore.config-file=${objstore}`;
        if (flag === '--data-dir') return `--data-dir=${data}`;
        if (flag === '--prometheus.url') return `--prometheus.url=${prometheusUrl}`;
        return a;
      });
      return { args: out, http: `http://${LOOPBACK}:${http}`, grpc: `${LOOPBACK}:${grpc}` };
    };
    const startThanos = async (args: readonly string[], name: string, prometheusUrl?: string, tsdbPath?: string): Promise<Thanos> => {
      const l = await local(args, name, prometheusUrl);
      const final = tsdbPath ? l.args.map((a) => (a.startsWith('--tsdb.path=') ? `--tsdb.path=${tsdbPath}` : a)) : l.args;
      const server = startServer('thanos', final);
      started.push(server);
      return { server, http: l.http, grpc: l.grpc };
    };

    // Two Prometheus replicas, each with the generated config and flags (2h blocks, the replica label from POD_NAME).
    const replicas: (Started & { url: string })[] = [];
    for (const pod of ['prometheus-0', 'prometheus-1']) {
      const p = await startPrometheus(objs, { env: { POD_NAME: pod } });
      started.push(p.server);
      replicas.push(p);
    }
    const sidecarArgs = argsOf(objs, 'StatefulSet', 'prometheus', 'thanos-sidecar');
    const sidecars: Thanos[] = [];
    for (const [i, p] of replicas.entries()) sidecars.push(await startThanos(sidecarArgs, `sidecar-${i}`, p.url, join(p.dir, 'data')));
    const store = await startThanos(argsOf(objs, 'StatefulSet', 'thanos-store', 'thanos-store'), 'store');
    const compactor = await startThanos(argsOf(objs, 'StatefulSet', 'thanos-compactor', 'thanos-compactor'), 'compactor');

    // Query: the generated flags, its endpoint config of the same shape with loopback addresses.
    const queryArgs = argsOf(objs, 'Deployment', 'thanos-query', 'thanos-query');
    const sdFlag = '--endpoint.sd-config=';
    const sd = JSON.parse(queryArgs.find((a) => a.startsWith(sdFlag))!.slice(sdFlag.length)) as { endpoints: { address: string }[] };
    expect(sd.endpoints.map((e) => e.address)).toEqual(['dns+prometheus-headless.observability.svc:10901', 'dns+thanos-store.observability.svc:10901']);
    const localSd = { endpoints: [...sidecars.map((s) => ({ address: s.grpc })), { address: store.grpc }] };
    const query = await startThanos(
      queryArgs.map((a) => (a.startsWith(sdFlag) ? `${sdFlag}${JSON.stringify(localSd)}` : a)),
      'query',
    );

    for (const t of [...sidecars, store, compactor, query]) await waitForOk(`${t.http}/-/ready`, t.server, 60_000);
    for (const t of [...sidecars, store, compactor, query]) expect(await httpStatus(`${t.http}/-/healthy`).catch((e) => `${e}\n${t.server.log()}`)).toBe(200);

    // Query sees the two sidecars (each announcing its replica's external label) and the Store Gateway.
    const stores = await waitFor(
      'Query to list three StoreAPI endpoints',
      async () => {
        const r = await getJson(`${query.http}/api/v1/stores`);
        const all = Object.values<any[]>(r.data ?? {}).flat();
        return all.length === 3 && all.every((s) => !s.lastError) ? all : undefined;
      },
      60_000,
      () => query.server.log(),
    );
    const announced = stores.flatMap((s: any) => (s.labelSets ?? []).map((l: any) => l.prometheus_replica)).filter(Boolean).sort();
    expect(announced).toEqual(['prometheus-0', 'prometheus-1']);

    // The same counter sample to each replica's OTLP receiver.
    const metric = 'thanos_dedup_probe_total';
    const start = `${(Date.now() - 60_000) * 1e6}`;
    for (const p of replicas) {
      expect(await postOtlp(`${p.url}/api/v1/otlp`, 'metrics', counterRequest('order-service', metric, 7, { status: '200' }, start))).toBe(200);
    }
    const q = (dedup: boolean) => getJson(`${query.http}/api/v1/query?query=${metric}&dedup=${dedup}`);
    const withDedup = await waitFor('the pushed sample in Query', async () => ((await q(true)).data.result.length > 0 ? (await q(true)).data.result : undefined), 60_000, () => query.server.log());
    expect(withDedup).toHaveLength(1);
    expect(withDedup[0].metric.prometheus_replica).toBeUndefined();
    expect(Number(withDedup[0].value[1])).toBe(7);
    const perReplica = (await q(false)).data.result as { metric: Record<string, string> }[];
    expect(perReplica.map((r) => r.metric.prometheus_replica).sort()).toEqual(['prometheus-0', 'prometheus-1']);
    await stopAll();
  });
});
