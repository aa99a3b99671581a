import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { ConfigProblem } from '../../common/errors';
import { ComponentIdentity, recommendedLabels } from '../../common/labels';
import { configKeyProblems, dns1123SubdomainProblems, httpUrlProblems, parseHttpUrl, wholeNumberProblems } from '../../common/validation';
import { imageOf, ImageVersion, VERSIONS } from '../../versions';
import { JAEGER_UID } from './defaults';

/**
 * Jaeger v2 on Elasticsearch or OpenSearch (scale-out, issue 15): an external cluster by URL, credentials and CA
 * from a Secret read as files, daily indices under a prefix, and an index-cleaner CronJob deleting indices past the
 * retention. Keys from the v2.10.0 sources: internal/storage/elasticsearch/config/config.go (`server_urls`,
 * `auth.basic.username|password_file`, `tls.ca_file`, `indices.index_prefix`, `indices.<kind>.shards|replicas|
 * date_layout|rollover_frequency`), cmd/jaeger/config-elasticsearch.yaml / config-opensearch.yaml (the backend keys
 * `elasticsearch` / `opensearch`), and cmd/es-index-cleaner (positional `NUM_OF_DAYS URL`, `--index-prefix`,
 * `--es.tls.enabled`, `--es.tls.ca`, `--es.username`, the password from `ES_PASSWORD`: the cleaner has no password
 * file, and viper maps `es.password` to that variable).
 */

export interface JaegerSearchStorageOptions {
  /** The cluster's HTTP(S) URLs, e.g. `https://opensearch.search.svc:9200`. At least one. */
  readonly serverUrls: readonly string[];
  /**
   * A Secret in Jaeger's namespace holding the credentials and the CA, mounted read-only and read as files.
   * @default - no authentication, the system CAs
   */
  readonly secretName?: string;
  /** Basic-auth user name (not a secret). Needs `secretName` for the password. @default - no basic auth */
  readonly username?: string;
  /** Key of the password in the Secret. @default 'password' */
  readonly passwordKey?: string;
  /** Key of the cluster's CA certificate (PEM) in the Secret; only with https URLs. @default - the system CAs */
  readonly caKey?: string;
  /** Prefix of every index (`<prefix>-jaeger-span-YYYY-MM-DD`). @default 'jaeger' */
  readonly indexPrefix?: string;
  /** Primary shards of each daily span index. @default 5 (upstream's example) */
  readonly shards?: number;
  /** Replicas of each shard. @default 1 */
  readonly replicas?: number;
  /** Days of indices kept; the index cleaner deletes older ones. @default 7 */
  readonly retentionDays?: number;
  /** Cron schedule of the index cleaner (UTC). @default '55 23 * * *' (before midnight, as upstream advises) */
  readonly cleanerSchedule?: string;
  /** @default VERSIONS.jaegerEsIndexCleaner */
  readonly cleanerImage?: ImageVersion;
}

/** The validated search-cluster settings. */
export interface JaegerSearchStorageModel {
  readonly kind: 'elasticsearch' | 'opensearch';
  readonly serverUrls: readonly string[];
  readonly secretName?: string;
  readonly username?: string;
  readonly passwordKey: string;
  readonly caKey?: string;
  readonly indexPrefix: string;
  readonly shards: number;
  readonly replicas: number;
  readonly retentionDays: number;
  readonly cleanerSchedule: string;
  readonly cleanerImage: ImageVersion;
}

/** True for an Elasticsearch or OpenSearch storage model. */
export function isSearchStorage(s: { readonly kind: string }): s is JaegerSearchStorageModel {
  return s.kind === 'elasticsearch' || s.kind === 'opensearch';
}

export const SEARCH_DEFAULTS = {
  passwordKey: 'password',
  indexPrefix: 'jaeger',
  shards: 5,
  replicas: 1,
  retentionDays: 7,
  cleanerSchedule: '55 23 * * *',
  /** Go's reference layout for daily indices (upstream's default). */
  dateLayout: '2006-01-02',
} as const;

/** Where the credentials Secret is mounted in the Jaeger and cleaner pods. */
export const SEARCH_SECRET_DIR = '/etc/jaeger/search';

/** An index prefix: lowercase, no characters Elasticsearch forbids in index names. */
const INDEX_PREFIX = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
/** Five cron fields (minute hour day month weekday), as a CronJob takes them. */
const CRON = /^(\S+\s+){4}\S+$/;

/** How a client reaches a search cluster: Jaeger's storage, OpenSearch Dashboards. */
export interface SearchClientSettings {
  readonly serverUrls: readonly string[];
  readonly secretName?: string;
  readonly username?: string;
  readonly passwordKey: string;
  readonly caKey?: string;
}

/**
 * Problems of a search-cluster client's settings (pure), each under `<path>.<field>`: at least one http(s) URL, a
 * Secret for the password and the CA, keys that are Secret keys, no CA with a plain-http URL. `emptyUrls` words the
 * problem of no URL (where a caller takes them from elsewhere).
 */
export function searchClientProblems(o: SearchClientSettings, path: string, emptyUrls = 'is empty'): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const urls = o.serverUrls;
  if (urls.length === 0) problems.push({ path: `${path}.serverUrls`, message: emptyUrls, value: urls, fix: 'give the cluster URL, e.g. ["https://opensearch.search.svc:9200"].' });
  urls.forEach((u, i) => problems.push(...httpUrlProblems(u, `${path}.serverUrls[${i}]`, { base: true, example: 'https://opensearch.search.svc:9200' })));
  if (o.secretName !== undefined) problems.push(...dns1123SubdomainProblems(o.secretName, `${path}.secretName`));
  const needsSecret = (what: string) =>
    problems.push({ path: `${path}.secretName`, message: `is required with ${what} (it is read from the Secret)`, value: undefined, fix: 'name the Secret holding the password and CA.' });
  if (o.username !== undefined && o.secretName === undefined) needsSecret('username');
  if (o.caKey !== undefined && o.secretName === undefined) needsSecret('caKey');
  problems.push(...configKeyProblems(o.passwordKey, `${path}.passwordKey`, 'password'));
  if (o.caKey !== undefined) {
    problems.push(...configKeyProblems(o.caKey, `${path}.caKey`, 'ca.crt'));
    if (urls.some((u) => parseHttpUrl(u)?.protocol === 'http:')) {
      problems.push({ path: `${path}.caKey`, message: 'is set, but a server URL is plain http, where no CA applies', value: o.caKey, fix: 'use https URLs, or drop caKey.' });
    }
  }
  return problems;
}

/** Validates and resolves the options (pure), every problem under `path`. */
export function searchStorageModel(kind: 'elasticsearch' | 'opensearch', o: JaegerSearchStorageOptions, path: string): { model?: JaegerSearchStorageModel; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const urls = o.serverUrls ?? [];
  const passwordKey = o.passwordKey ?? SEARCH_DEFAULTS.passwordKey;
  problems.push(...searchClientProblems({ ...o, serverUrls: urls, passwordKey }, path));
  const indexPrefix = o.indexPrefix ?? SEARCH_DEFAULTS.indexPrefix;
  if (!INDEX_PREFIX.test(indexPrefix)) problems.push({ path: `${path}.indexPrefix`, message: 'is not a valid index prefix (lowercase letters, digits, "_", ".", "-"; at most 64)', value: indexPrefix, fix: 'use e.g. "jaeger-prod".' });
  const shards = o.shards ?? SEARCH_DEFAULTS.shards;
  const replicas = o.replicas ?? SEARCH_DEFAULTS.replicas;
  const retentionDays = o.retentionDays ?? SEARCH_DEFAULTS.retentionDays;
  problems.push(...wholeNumberProblems(shards, `${path}.shards`, { fix: 'use e.g. 5.' }));
  problems.push(...wholeNumberProblems(replicas, `${path}.replicas`, { min: 0, fix: 'use 1 so a node loss loses no spans.' }));
  problems.push(...wholeNumberProblems(retentionDays, `${path}.retentionDays`, { fix: 'use e.g. 7.' }));
  const cleanerSchedule = o.cleanerSchedule ?? SEARCH_DEFAULTS.cleanerSchedule;
  if (!CRON.test(cleanerSchedule.trim())) problems.push({ path: `${path}.cleanerSchedule`, message: 'is not a five-field cron schedule', value: cleanerSchedule, fix: 'use e.g. "55 23 * * *".' });
  if (problems.length > 0) return { problems };
  return {
    problems,
    model: {
      kind,
      serverUrls: [...urls],
      secretName: o.secretName,
      username: o.username,
      passwordKey,
      caKey: o.caKey,
      indexPrefix,
      shards,
      replicas,
      retentionDays,
      cleanerSchedule: cleanerSchedule.trim(),
      cleanerImage: o.cleanerImage ?? VERSIONS.jaegerEsIndexCleaner,
    },
  };
}

/** The `jaeger_storage` backend document (pure): `elasticsearch:` or `opensearch:` with upstream keys. */
export function searchBackendDocument(m: JaegerSearchStorageModel): Record<string, unknown> {
  const daily = { date_layout: SEARCH_DEFAULTS.dateLayout, rollover_frequency: 'day', shards: m.shards, replicas: m.replicas };
  const tls = m.caKey !== undefined ? { ca_file: `${SEARCH_SECRET_DIR}/${m.caKey}` } : undefined;
  const auth = m.username !== undefined ? { basic: { username: m.username, password_file: `${SEARCH_SECRET_DIR}/${m.passwordKey}`, reload_interval: '1m' } } : undefined;
  return {
    [m.kind]: {
      server_urls: [...m.serverUrls],
      auth,
      tls,
      indices: { index_prefix: m.indexPrefix, spans: daily, services: daily, dependencies: daily, sampling: daily },
    },
  };
}

/** The index cleaner's container arguments (pure): `NUM_OF_DAYS URL` and the flags. */
export function indexCleanerArgs(m: JaegerSearchStorageModel): string[] {
  const args = [String(m.retentionDays), m.serverUrls[0], `--index-prefix=${m.indexPrefix}`];
  if (parseHttpUrl(m.serverUrls[0])?.protocol === 'https:') {
    args.push('--es.tls.enabled=true');
    if (m.caKey !== undefined) args.push(`--es.tls.ca=${SEARCH_SECRET_DIR}/${m.caKey}`);
  }
  if (m.username !== undefined) args.push(`--es.username=${m.username}`);
  return args;
}

/**
 * A CronJob running `jaeger-es-index-cleaner` once a day: deletes the indices older than `retentionDays` under the
 * prefix. One run at a time (`Forbid`), no retries piling up, the last runs kept for inspection; locked down like
 * every pod of the stack (non-root, read-only root filesystem, no capabilities, no service-account token).
 */
export function indexCleanerIdentity(identity: ComponentIdentity, m: JaegerSearchStorageModel): ComponentIdentity {
  return { name: identity.name, instance: `${identity.instance}-index-cleaner`, component: 'index-cleaner', version: m.cleanerImage };
}

export function indexCleanerCronJob(scope: Construct, identity: ComponentIdentity, namespace: string, m: JaegerSearchStorageModel): k8s.KubeCronJob {
  const labels = recommendedLabels(indexCleanerIdentity(identity, m));
  const volumes: k8s.Volume[] = m.secretName ? [{ name: 'search', secret: { secretName: m.secretName, defaultMode: 0o440 } }] : [];
  const env: k8s.EnvVar[] =
    m.username !== undefined && m.secretName !== undefined ? [{ name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: m.secretName, key: m.passwordKey } } }] : [];
  return new k8s.KubeCronJob(scope, 'IndexCleaner', {
    metadata: { name: `${identity.instance}-index-cleaner`, namespace, labels },
    spec: {
      schedule: m.cleanerSchedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      // A run missed by more than an hour (controller down) is skipped; the next night's run deletes the same indices.
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 1800,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'OnFailure',
              automountServiceAccountToken: false,
              securityContext: { runAsNonRoot: true, runAsUser: JAEGER_UID, runAsGroup: JAEGER_UID, fsGroup: JAEGER_UID, seccompProfile: { type: 'RuntimeDefault' } },
              containers: [
                {
                  name: 'index-cleaner',
                  image: imageOf(m.cleanerImage),
                  args: indexCleanerArgs(m),
                  env: env.length > 0 ? env : undefined,
                  resources: { requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') }, limits: { memory: k8s.Quantity.fromString('128Mi') } },
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
                  volumeMounts: m.secretName ? [{ name: 'search', mountPath: SEARCH_SECRET_DIR, readOnly: true }] : undefined,
                },
              ],
              volumes: volumes.length > 0 ? volumes : undefined,
            },
          },
        },
      },
    },
  });
}

/** The Secret volume of the Jaeger pod (credentials and CA as files). */
export function searchSecretMount(scope: Construct, m: JaegerSearchStorageModel): { volume: kplus.Volume; path: string; readOnly: true } | undefined {
  if (!m.secretName) return undefined;
  const secret = kplus.Secret.fromSecretName(scope, 'SearchSecret', m.secretName);
  return { volume: kplus.Volume.fromSecret(scope, 'SearchVolume', secret, { name: 'search', defaultMode: 0o440 }), path: SEARCH_SECRET_DIR, readOnly: true };
}
