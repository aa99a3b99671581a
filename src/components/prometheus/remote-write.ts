import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ConfigProblem, ProblemCollector } from '../../common/errors';
import { configKeyProblems, dns1123SubdomainProblems, durationProblems, httpUrlProblems, parseHttpUrl, relabelConfigProblems, wholeNumberProblems } from '../../common/validation';
import { ComponentEgress, NetworkPeer } from '../../network/peer';
import { renderRelabelConfig } from './config';
import { RelabelConfig } from './scrape-config';

/**
 * Typed `remote_write` (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#remote_write):
 * Prometheus ships every sample to a long-term, horizontally scaled store (Mimir, Cortex, Thanos Receive or any
 * compatible receiver). Credentials and certificates come from a Secret mounted read-only and are read as files
 * (`password_file`, `credentials_file`, `client_secret_file`, `ca_file`, `cert_file`, `key_file`); nothing secret is
 * written into prometheus.yml. promtool checks the rendered file in the tests.
 *
 * HA de-duplication: a store de-duplicates the replicas of one HA pair by labels it expects on every series, which
 * Prometheus adds as external labels (values of `${POD_NAME}` are expanded from the environment, always on in
 * Prometheus 3):
 * - Mimir / Cortex HA tracker: `cluster` (the pair) and `__replica__` (the replica; dropped by the store after
 *   election) — https://grafana.com/docs/mimir/latest/configure/configure-high-availability-deduplication/;
 * - Thanos Receive: series are stored per replica and de-duplicated at query time by Thanos Query's
 *   `--query.replica-label`, on the label every HA pair of the stack carries already: the Prometheus replica label
 *   (`PrometheusProps.replicaLabel`, `prometheus_replica` by default, set when `replicas` > 1). No label of its own.
 *
 * One replica label per store: a queue keeps its store's replica label and drops the others (Mimir receives
 * `__replica__`, not `prometheus_replica`; Thanos Receive and generic stores the other way round), and alerts drop
 * them all (`alertReplicaLabelDrop`), so Alertmanager de-duplicates the pair's notifications.
 */

export type RemoteWriteStore = 'mimir' | 'cortex' | 'thanos-receive' | 'generic';

/** The labels a store expects for HA de-duplication: the pair's and the replica's (empty for `generic`). */
export const HA_LABELS: Readonly<Record<RemoteWriteStore, { readonly cluster?: string; readonly replica?: string }>> = {
  mimir: { cluster: 'cluster', replica: '__replica__' },
  cortex: { cluster: 'cluster', replica: '__replica__' },
  'thanos-receive': {},
  generic: {},
};

/** The tenant header each store reads (Mimir/Cortex `X-Scope-OrgID`, Thanos Receive's default `THANOS-TENANT`). */
export const TENANT_HEADERS: Readonly<Record<RemoteWriteStore, string | undefined>> = {
  mimir: 'X-Scope-OrgID',
  cortex: 'X-Scope-OrgID',
  'thanos-receive': 'THANOS-TENANT',
  generic: undefined,
};

/** The replica label's value: the pod's name, from the downward API. */
export const POD_NAME_ENV = 'POD_NAME';

export type RemoteWriteAuth =
  /** Basic auth: the user name (not secret) and the Secret key of the password. */
  | { readonly kind: 'basic'; readonly username: string; readonly passwordKey: string }
  /** `Authorization: Bearer <token>`, the token from the Secret. */
  | { readonly kind: 'bearer'; readonly tokenKey: string }
  /** OAuth 2.0 client credentials, the client secret from the Secret. */
  | { readonly kind: 'oauth2'; readonly clientId: string; readonly clientSecretKey: string; readonly tokenUrl: string; readonly scopes?: readonly string[] };

export interface RemoteWriteQueue {
  /** Samples buffered per shard. @default - Prometheus' default (10000) */
  readonly capacity?: number;
  /** @default - Prometheus' default (50) */
  readonly maxShards?: number;
  /** @default - Prometheus' default (1) */
  readonly minShards?: number;
  /** @default - Prometheus' default (2000) */
  readonly maxSamplesPerSend?: number;
  /** @default - Prometheus' default (5s) */
  readonly batchSendDeadline?: string;
  /** @default - Prometheus' default (30ms) */
  readonly minBackoff?: string;
  /** @default - Prometheus' default (5s) */
  readonly maxBackoff?: string;
  /** @default - Prometheus' default (false) */
  readonly retryOnHttp429?: boolean;
}

export interface RemoteWriteSpec {
  /** The receiver's push URL, e.g. `https://mimir.example.com/api/v1/push`. */
  readonly url: string;
  /** Which store: decides the HA labels and the tenant header. @default 'generic' */
  readonly store?: RemoteWriteStore;
  /** `name` of the queue (metrics `remote_name`). @default - derived by Prometheus */
  readonly name?: string;
  /** Tenant id, sent in the store's tenant header. @default - none (single tenant) */
  readonly tenant?: string;
  /** Secret (in Prometheus' namespace) holding the credentials and certificates named below. */
  readonly secretName?: string;
  readonly auth?: RemoteWriteAuth;
  /** TLS files from the Secret: the server's CA, a client certificate and key. @default - the system CAs */
  readonly tls?: { readonly caKey?: string; readonly certKey?: string; readonly keyKey?: string; readonly serverName?: string };
  readonly queue?: RemoteWriteQueue;
  /** Relabelings applied to every series before it is sent (drop what the store need not keep). @default - none */
  readonly writeRelabelConfigs?: readonly RelabelConfig[];
  /** @default - Prometheus' default (30s) */
  readonly remoteTimeout?: string;
}

/** Where the remote-write Secrets are mounted: `<dir>/<secretName>/<key>`. */
export const REMOTE_WRITE_SECRETS_DIR = '/etc/prometheus/remote-write';

const file = (secret: string, key: string) => `${REMOTE_WRITE_SECRETS_DIR}/${secret}/${key}`;

/** Problems of the remote-write specs (pure), under `path[i]`. */
export function remoteWriteProblems(specs: readonly RemoteWriteSpec[], path: string): ConfigProblem[] {
  const c = new ProblemCollector();
  specs.forEach((s, i) => {
    const p = `${path}[${i}]`;
    c.addAll(httpUrlProblems(s.url, `${p}.url`, { example: 'https://mimir.example.com/api/v1/push' }));
    const store = s.store ?? 'generic';
    if (!(store in HA_LABELS)) c.add({ path: `${p}.store`, message: 'is not a known store', value: store, fix: `use one of ${Object.keys(HA_LABELS).join(', ')}.` });
    if (s.tenant !== undefined && store === 'generic') c.add({ path: `${p}.tenant`, message: 'needs a store that reads a tenant header', value: s.tenant, fix: 'set store to mimir, cortex or thanos-receive, or drop tenant.' });
    const keys: [string, string | undefined][] = [];
    if (s.auth?.kind === 'basic') keys.push(['auth.passwordKey', s.auth.passwordKey]);
    if (s.auth?.kind === 'bearer') keys.push(['auth.tokenKey', s.auth.tokenKey]);
    if (s.auth?.kind === 'oauth2') {
      keys.push(['auth.clientSecretKey', s.auth.clientSecretKey]);
      c.addAll(httpUrlProblems(s.auth.tokenUrl, `${p}.auth.tokenUrl`, { example: 'https://auth.example.com/oauth2/token' }));
    }
    if (s.tls) keys.push(['tls.caKey', s.tls.caKey], ['tls.certKey', s.tls.certKey], ['tls.keyKey', s.tls.keyKey]);
    const used = keys.filter(([, v]) => v !== undefined);
    if (used.length > 0 && s.secretName === undefined) c.add({ path: `${p}.secretName`, message: `is required with ${used.map(([k]) => k).join(', ')} (read from the Secret as files)`, value: undefined, fix: 'name the Secret that holds them.' });
    if (s.secretName !== undefined) c.addAll(dns1123SubdomainProblems(s.secretName, `${p}.secretName`));
    for (const [k, v] of used) c.addAll(configKeyProblems(v, `${p}.${k}`, 'password'));
    if ((s.tls?.certKey === undefined) !== (s.tls?.keyKey === undefined)) c.add({ path: `${p}.tls`, message: 'needs both certKey and keyKey for a client certificate', value: s.tls, fix: 'give both, or neither.' });
    if (s.tls && parseHttpUrl(s.url)?.protocol === 'http:') c.add({ path: `${p}.tls`, message: 'is set, but the URL is plain http', value: s.url, fix: 'use an https URL.' });
    const q = s.queue ?? {};
    for (const k of ['capacity', 'maxShards', 'minShards', 'maxSamplesPerSend'] as const) {
      if (q[k] !== undefined) c.addAll(wholeNumberProblems(q[k], `${p}.queue.${k}`, { fix: 'use a whole number, or leave it to Prometheus.' }));
    }
    for (const k of ['batchSendDeadline', 'minBackoff', 'maxBackoff'] as const) {
      if (q[k] !== undefined) c.addAll(durationProblems(q[k], `${p}.queue.${k}`, { positive: true }));
    }
    if (s.remoteTimeout !== undefined) c.addAll(durationProblems(s.remoteTimeout, `${p}.remoteTimeout`, { positive: true }));
    (s.writeRelabelConfigs ?? []).forEach((r, j) => c.addAll(relabelConfigProblems(r, `${p}.writeRelabelConfigs[${j}]`)));
  });
  const names = specs.map((s) => s.name).filter((n): n is string => n !== undefined);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) c.add({ path, message: `names two queues "${dup}"`, value: dup, fix: 'give each remote_write a distinct name.' });
  return [...c.list];
}

/**
 * The external labels the stores need for HA de-duplication (pure): the replica label set to the pod name, the pair
 * label (Mimir/Cortex) to `clusterName`, unless `given` sets them already.
 */
export function remoteWriteExternalLabels(specs: readonly RemoteWriteSpec[], given: Readonly<Record<string, string>>, clusterName: string, _path: string): { labels: Record<string, string>; problems: ConfigProblem[] } {
  const labels: Record<string, string> = {};
  for (const s of specs) {
    const ha = HA_LABELS[s.store ?? 'generic'] ?? {};
    if (ha.replica && given[ha.replica] === undefined) labels[ha.replica] = `\${${POD_NAME_ENV}}`;
    if (ha.cluster && given[ha.cluster] === undefined) labels[ha.cluster] = clusterName;
  }
  return { labels, problems: [] };
}

/** Every replica label among the external labels: the Prometheus replica label and the stores' own (pure). */
function replicaLabelsOf(externalLabels: Readonly<Record<string, string>>, replicaLabel: string | undefined): Set<string> {
  const all = new Set(Object.values(HA_LABELS).map((h) => h.replica).filter((r): r is string => r !== undefined));
  if (replicaLabel !== undefined) all.add(replicaLabel);
  return new Set(Object.keys(externalLabels).filter((l) => all.has(l)));
}

/**
 * Replica labels other than the store's own among the external labels (e.g. `prometheus_replica` when writing to
 * Mimir, which de-duplicates on `__replica__`): sent as they are, the two replicas' series would differ and the store
 * would keep both, so they are dropped from what that store receives (`labeldrop`, after the user's relabelings).
 * A store with no replica label of its own (Thanos Receive, generic) keeps the Prometheus replica label.
 */
export function foreignReplicaLabels(spec: RemoteWriteSpec, externalLabels: Readonly<Record<string, string>>, replicaLabel?: string): string[] {
  const own = (HA_LABELS[spec.store ?? 'generic'] ?? {}).replica ?? replicaLabel;
  return [...replicaLabelsOf(externalLabels, replicaLabel)].filter((l) => l !== own).sort();
}

/**
 * `alert_relabel_configs` dropping every replica label (and `extra` labels, e.g. a shard's shard label), so every
 * copy of an alert is the same alert at Alertmanager (pure).
 */
export function alertReplicaLabelDrop(
  externalLabels: Readonly<Record<string, string>>,
  replicaLabel: string | undefined,
  extra: readonly string[] = [],
): { action: 'labeldrop'; regex: string }[] | undefined {
  const labels = [...new Set([...replicaLabelsOf(externalLabels, replicaLabel), ...extra])].sort();
  return labels.length > 0 ? [{ action: 'labeldrop', regex: labels.join('|') }] : undefined;
}

/** The `remote_write` entries (pure, upstream keys). */
export function renderRemoteWrite(specs: readonly RemoteWriteSpec[], externalLabels: Readonly<Record<string, string>> = {}, replicaLabel?: string): Record<string, unknown>[] {
  return specs.map((s) => {
    const drop = foreignReplicaLabels(s, externalLabels, replicaLabel);
    const relabel = [...(s.writeRelabelConfigs ?? []).map(renderRelabelConfig), ...(drop.length > 0 ? [{ regex: drop.join('|'), action: 'labeldrop' }] : [])];
    const store = s.store ?? 'generic';
    const header = TENANT_HEADERS[store];
    const secret = s.secretName ?? '';
    const a = s.auth;
    const q = s.queue;
    return {
      url: s.url,
      name: s.name,
      remote_timeout: s.remoteTimeout,
      headers: s.tenant !== undefined && header ? { [header]: s.tenant } : undefined,
      basic_auth: a?.kind === 'basic' ? { username: a.username, password_file: file(secret, a.passwordKey) } : undefined,
      authorization: a?.kind === 'bearer' ? { type: 'Bearer', credentials_file: file(secret, a.tokenKey) } : undefined,
      oauth2:
        a?.kind === 'oauth2'
          ? { client_id: a.clientId, client_secret_file: file(secret, a.clientSecretKey), token_url: a.tokenUrl, scopes: a.scopes ? [...a.scopes] : undefined }
          : undefined,
      tls_config: s.tls
        ? {
            ca_file: s.tls.caKey ? file(secret, s.tls.caKey) : undefined,
            cert_file: s.tls.certKey ? file(secret, s.tls.certKey) : undefined,
            key_file: s.tls.keyKey ? file(secret, s.tls.keyKey) : undefined,
            server_name: s.tls.serverName,
          }
        : undefined,
      queue_config: q
        ? {
            capacity: q.capacity,
            max_shards: q.maxShards,
            min_shards: q.minShards,
            max_samples_per_send: q.maxSamplesPerSend,
            batch_send_deadline: q.batchSendDeadline,
            min_backoff: q.minBackoff,
            max_backoff: q.maxBackoff,
            retry_on_http_429: q.retryOnHttp429,
          }
        : undefined,
      write_relabel_configs: relabel.length > 0 ? relabel : undefined,
    };
  });
}

/** One read-only Secret volume per distinct `secretName`, at `<dir>/<secretName>`. */
export function remoteWriteMounts(scope: Construct, specs: readonly RemoteWriteSpec[]): { volume: kplus.Volume; path: string; readOnly: true }[] {
  const names = [...new Set(specs.map((s) => s.secretName).filter((n): n is string => n !== undefined))].sort();
  return names.map((name, i) => ({
    volume: kplus.Volume.fromSecret(scope, `RemoteWriteSecret${i}`, kplus.Secret.fromSecretName(scope, `RemoteWriteSecretRef${i}`, name), { name: `remote-write-${i}`, defaultMode: 0o440 }),
    path: `${REMOTE_WRITE_SECRETS_DIR}/${name}`,
    readOnly: true,
  }));
}

/** Egress to each receiver (and OAuth token endpoint): its port at any pod or address (pure). */
export function remoteWriteEgress(specs: readonly RemoteWriteSpec[]): ComponentEgress[] {
  const ports = new Set<number>();
  for (const s of specs) {
    for (const u of [s.url, s.auth?.kind === 'oauth2' ? s.auth.tokenUrl : undefined]) {
      const url = u ? parseHttpUrl(u) : undefined;
      if (url) ports.add(url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);
    }
  }
  if (ports.size === 0) return [];
  return [{ peers: [NetworkPeer.allNamespaces(), ...NetworkPeer.anyAddress()], ports: [...ports].sort((a, b) => a - b).map((port) => ({ port })), why: 'Prometheus remote-writes to its long-term store' }];
}
