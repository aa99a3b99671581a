import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PromDuration } from '../../common/duration';
import { IAlertmanager, IJaeger, ILoki, IPrometheus } from '../../common/endpoints';
import { ConfigError, ProblemCollector } from '../../common/errors';
import { GENERATED_HEADER, toJson, toYaml } from '../../common/serialize';
import { DATASOURCE_UIDS } from '../../conventions';
import { GENERAL_FOLDER_KEY } from './defaults';

/*
 * Typed models of Grafana's configuration files and their render functions (one per file):
 *   grafana.ini        https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/
 *   datasources.yaml   https://grafana.com/docs/grafana/latest/administration/provisioning/#data-sources
 *   dashboards.yaml    https://grafana.com/docs/grafana/latest/administration/provisioning/#dashboards
 * Grafana's provisioning files are camelCase upstream, so the models map one to one; the render step adds the
 * envelope (`apiVersion: 1`) and escapes `$`, which Grafana would otherwise expand as an environment variable.
 */

// ---------------------------------------------------------------------------------------------------------------
// grafana.ini

export type IniValue = string | number | boolean;

/** `[section] key = value`, sections and keys in insertion order. */
export type GrafanaIni = Readonly<Record<string, Readonly<Record<string, IniValue>>>>;

/** The typed models of the files Grafana is provisioned with (`Grafana.config`). */
export interface GrafanaConfig {
  readonly ini: GrafanaIni;
  readonly datasources: readonly GrafanaDatasource[];
  readonly dashboardProviders: readonly DashboardProvider[];
}

/** The settings every instance gets; `settings` props merge over them. */
export function defaultGrafanaIni(port: number): GrafanaIni {
  return {
    server: { http_port: port },
    // No phoning home: usage reporting, update checks, news feed and feedback links off.
    analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false, feedback_links_enabled: false },
    news: { news_feed_enabled: false },
    // Logs go to stdout only: the root filesystem is read-only and a file log would duplicate what the node collects.
    log: { mode: 'console' },
    // No avatars fetched from gravatar.com for every user (it leaks e-mail hashes to a third party).
    security: { disable_gravatar: true },
    // Accounts come from the admin (or an SSO provider): nobody signs up or creates organizations.
    users: { allow_sign_up: false, allow_org_create: false },
    // Every request is authenticated.
    'auth.anonymous': { enabled: false },
    // No dashboard data published to snapshots.raintank.io (external snapshots are on by default), and no public
    // (shared-by-link, no login) dashboards: both would take data past the NetworkPolicies and the login.
    snapshots: { external_enabled: false },
    public_dashboards: { enabled: false },
  };
}

/**
 * What follows from serving Grafana at a public host (its Ingress): `domain` and `root_url` (links, redirects and
 * OAuth callbacks use them), and over TLS secure cookies and HSTS
 * (https://grafana.com/docs/grafana/latest/setup-grafana/configure-security/configure-security-hardening/).
 */
export function exposureIni(exposure: { readonly host: string; readonly tls: boolean } | undefined): GrafanaIni {
  if (!exposure) return {};
  const scheme = exposure.tls ? 'https' : 'http';
  return {
    server: { domain: exposure.host, root_url: `${scheme}://${exposure.host}/` },
    ...(exposure.tls ? { security: { cookie_secure: true, strict_transport_security: true } } : {}),
  };
}

/** `over` wins key by key; sections only in `over` are appended. */
export function mergeIni(base: GrafanaIni, over: GrafanaIni = {}): GrafanaIni {
  const out: Record<string, Record<string, IniValue>> = {};
  for (const [s, kv] of Object.entries(base)) out[s] = { ...kv };
  for (const [s, kv] of Object.entries(over)) out[s] = { ...(out[s] ?? {}), ...kv };
  return out;
}

const INI_NAME = /^[A-Za-z0-9_.-]+$/;
/** Keys whose values are credentials (`admin_password`, `client_secret`, `secret_key`, `api_key`, `token`, ...). */
const SECRET_KEY = /(password|secret|token|_key)$/i;
const FILE_REFERENCE = /^\$__file\{[^}]+\}$/;

/** Checks section and key names, one-line values, and that no secret is written inline. */
export function validateIni(ini: GrafanaIni, path: string): void {
  const problems = new ProblemCollector();
  for (const [section, kv] of Object.entries(ini)) {
    if (!INI_NAME.test(section)) {
      problems.add({ path: `${path}.${section}`, message: 'is not a grafana.ini section name', value: section, fix: 'use the section name from the Grafana configuration docs, e.g. "server" or "auth.generic_oauth".' });
    }
    for (const [key, value] of Object.entries(kv)) {
      const at = `${path}.${section}.${key}`;
      if (!INI_NAME.test(key)) problems.add({ path: at, message: 'is not a grafana.ini key', value: key, fix: 'use letters, digits, "_", "." or "-".' });
      if (typeof value === 'string' && /[\r\n]/.test(value)) problems.add({ path: at, message: 'must be a single line', value, fix: 'remove the line breaks.' });
      if (typeof value === 'number' && !Number.isFinite(value)) problems.add({ path: at, message: 'must be a finite number', value });
      if (SECRET_KEY.test(key) && !(typeof value === 'string' && FILE_REFERENCE.test(value))) {
        problems.add({
          path: at,
          message: 'is a secret and must not be written into the ConfigMap',
          value: '<redacted>',
          fix: 'mount a Secret and reference the file, e.g. "$__file{/etc/grafana/secrets/oauth/client-secret}".',
        });
      }
    }
  }
  problems.throwIfAny();
}

function iniValue(v: IniValue): string {
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

/** The grafana.ini file. */
export function renderGrafanaIni(ini: GrafanaIni): string {
  const sections = Object.entries(ini)
    .filter(([, kv]) => Object.keys(kv).length > 0)
    .map(([section, kv]) => [`[${section}]`, ...Object.entries(kv).map(([k, v]) => `${k} = ${iniValue(v)}`)].join('\n'));
  return `${GENERATED_HEADER}${sections.join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// datasources.yaml

/** Prometheus exemplars → trace view (https://grafana.com/docs/grafana/latest/datasources/prometheus/configure/). */
export interface ExemplarTraceIdDestination {
  /** The exemplar label holding the trace id. */
  readonly name: string;
  readonly datasourceUid: string;
  readonly urlDisplayLabel?: string;
}

export interface PrometheusJsonData {
  readonly httpMethod: 'POST' | 'GET';
  readonly prometheusType: 'Prometheus';
  /** Scrape interval: the lower bound of `$__interval` and the base of `$__rate_interval`. */
  readonly timeInterval?: string;
  readonly exemplarTraceIdDestinations?: readonly ExemplarTraceIdDestination[];
  /** The Alertmanager datasource that handles this Prometheus' alerts. */
  readonly alertmanagerUid?: string;
}

/** Loki log line → trace link (https://grafana.com/docs/grafana/latest/datasources/loki/configure/#derived-fields). */
export interface LokiDerivedField {
  readonly name: string;
  /** `regex`: a regex over the log line with one capture group; `label`: the value of a label (structured metadata). */
  readonly matcherType: 'regex' | 'label';
  readonly matcherRegex: string;
  readonly datasourceUid: string;
  /** For an internal link, the query sent to the target datasource. */
  readonly url: string;
  readonly urlDisplayLabel?: string;
}

export interface LokiJsonData {
  readonly maxLines: number;
  readonly derivedFields?: readonly LokiDerivedField[];
}

/** Span → logs (https://grafana.com/docs/grafana/latest/datasources/jaeger/configure/#trace-to-logs). */
export interface TracesToLogsV2 {
  readonly datasourceUid: string;
  readonly spanStartTimeShift: string;
  readonly spanEndTimeShift: string;
  /** Span attributes turned into label matchers (`key` renamed to `value`). */
  readonly tags: readonly { readonly key: string; readonly value?: string }[];
  readonly filterByTraceID: boolean;
  readonly filterBySpanID: boolean;
  readonly customQuery: boolean;
}

export interface JaegerJsonData {
  readonly tracesToLogsV2?: TracesToLogsV2;
  readonly nodeGraph: { readonly enabled: boolean };
}

/** https://grafana.com/docs/grafana/latest/datasources/alertmanager/#provision-the-alertmanager-data-source */
export interface AlertmanagerJsonData {
  readonly implementation: 'prometheus' | 'mimir' | 'cortex';
  readonly handleGrafanaManagedAlerts: boolean;
}

interface DatasourceBase {
  readonly name: string;
  readonly uid: string;
  readonly url: string;
  readonly access: 'proxy';
  readonly isDefault: boolean;
  /** Provisioned datasources are code: not editable in the UI. */
  readonly editable: boolean;
}

export type GrafanaDatasource =
  | (DatasourceBase & { readonly type: 'prometheus'; readonly jsonData: PrometheusJsonData })
  | (DatasourceBase & { readonly type: 'loki'; readonly jsonData: LokiJsonData })
  | (DatasourceBase & { readonly type: 'jaeger'; readonly jsonData: JaegerJsonData })
  | (DatasourceBase & { readonly type: 'alertmanager'; readonly jsonData: AlertmanagerJsonData });

/** The backends Grafana reads; each is optional, in-stack or external. */
export interface DatasourceBackends {
  readonly prometheus?: IPrometheus;
  readonly loki?: ILoki;
  readonly jaeger?: IJaeger;
  readonly alertmanager?: IAlertmanager;
}

export interface DatasourceOptions {
  /** Prometheus' scrape interval. @default - Grafana's default (15s) */
  readonly scrapeInterval?: PromDuration;
  /** Exemplar label holding the trace id. */
  readonly exemplarTraceIdLabel: string;
}

/**
 * Matches a trace id written in a log line as `trace_id=…`, `traceID: …` or JSON `"trace_id":"…"`: one capture
 * group (the id), as Grafana requires.
 */
export const TRACE_ID_LOG_REGEX = String.raw`[Tt]race_?[Ii][Dd]["=:\s]+(\w+)`;

/** Structured-metadata label the OTLP ingestion of Loki 3 gives the trace id of a log record. */
export const TRACE_ID_LOKI_LABEL = 'trace_id';

/**
 * Span resource attributes Grafana turns into the Loki stream selector of the trace → logs link. Loki 3's OTLP
 * ingestion indexes these resource attributes as labels with `.` replaced by `_`
 * (https://grafana.com/docs/loki/latest/send-data/otel/#format-considerations).
 */
const SPAN_TO_LOKI_LABELS: readonly { readonly key: string; readonly value: string }[] = [
  { key: 'service.name', value: 'service_name' },
  { key: 'k8s.namespace.name', value: 'k8s_namespace_name' },
];

/**
 * The datasources for the given backends, wired by uid: exemplars → Jaeger, log trace ids → Jaeger, spans → Loki,
 * Prometheus alerts → Alertmanager. A backend that is not given gets no datasource, and a correlation is written only
 * when both of its ends exist.
 */
export function grafanaDatasources(backends: DatasourceBackends, options: DatasourceOptions): GrafanaDatasource[] {
  const base = { access: 'proxy' as const, editable: false };
  const out: GrafanaDatasource[] = [];
  if (backends.prometheus) {
    out.push({
      ...base,
      type: 'prometheus',
      name: 'Prometheus',
      uid: DATASOURCE_UIDS.prometheus,
      url: backends.prometheus.queryUrl,
      isDefault: true,
      jsonData: {
        httpMethod: 'POST',
        prometheusType: 'Prometheus',
        timeInterval: options.scrapeInterval?.toString(),
        exemplarTraceIdDestinations: backends.jaeger
          ? [{ name: options.exemplarTraceIdLabel, datasourceUid: DATASOURCE_UIDS.jaeger, urlDisplayLabel: 'View trace' }]
          : undefined,
        alertmanagerUid: backends.alertmanager ? DATASOURCE_UIDS.alertmanager : undefined,
      },
    });
  }
  if (backends.loki) {
    out.push({
      ...base,
      type: 'loki',
      name: 'Loki',
      uid: DATASOURCE_UIDS.loki,
      url: backends.loki.queryUrl,
      isDefault: !backends.prometheus,
      jsonData: {
        maxLines: 1000,
        derivedFields: backends.jaeger
          ? [
              // Trace id in the log line (applications logging text or JSON).
              {
                name: 'TraceID',
                matcherType: 'regex',
                matcherRegex: TRACE_ID_LOG_REGEX,
                datasourceUid: DATASOURCE_UIDS.jaeger,
                url: '${__value.raw}',
                urlDisplayLabel: 'View trace',
              },
              // Trace id of an OTLP log record (structured metadata).
              {
                name: 'trace_id',
                matcherType: 'label',
                matcherRegex: TRACE_ID_LOKI_LABEL,
                datasourceUid: DATASOURCE_UIDS.jaeger,
                url: '${__value.raw}',
                urlDisplayLabel: 'View trace',
              },
            ]
          : undefined,
      },
    });
  }
  if (backends.jaeger) {
    out.push({
      ...base,
      type: 'jaeger',
      name: 'Jaeger',
      uid: DATASOURCE_UIDS.jaeger,
      url: backends.jaeger.queryUrl,
      isDefault: false,
      jsonData: {
        tracesToLogsV2: backends.loki
          ? {
              datasourceUid: DATASOURCE_UIDS.loki,
              spanStartTimeShift: '-5m',
              spanEndTimeShift: '5m',
              tags: SPAN_TO_LOKI_LABELS,
              filterByTraceID: true,
              filterBySpanID: false,
              customQuery: false,
            }
          : undefined,
        nodeGraph: { enabled: true },
      },
    });
  }
  if (backends.alertmanager) {
    out.push({
      ...base,
      type: 'alertmanager',
      name: 'Alertmanager',
      uid: DATASOURCE_UIDS.alertmanager,
      url: backends.alertmanager.url,
      isDefault: false,
      jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
    });
  }
  return out;
}

/** Grafana expands `$VAR` and `${VAR}` in provisioning files; `$$` is a literal `$`. */
function escapeDollars<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$') as unknown as T;
  if (Array.isArray(value)) return value.map((v) => escapeDollars(v)) as unknown as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)])) as T;
  }
  return value;
}

/**
 * The datasources provisioning file. `prune: true` (Grafana 11.1+) deletes a provisioned datasource once it is no
 * longer in the file, so removing a backend from the stack removes its datasource.
 */
export function renderDatasourcesFile(datasources: readonly GrafanaDatasource[]): string {
  return toYaml({
    apiVersion: 1,
    prune: true,
    datasources: datasources.map((d) =>
      escapeDollars({
        name: d.name,
        type: d.type,
        uid: d.uid,
        access: d.access,
        orgId: 1,
        url: d.url,
        isDefault: d.isDefault,
        editable: d.editable,
        jsonData: d.jsonData,
      }),
    ),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// dashboards.yaml

/** A file provider: every `*.json` under `path` (recursively, hidden directories skipped) lands in `folder`. */
export interface DashboardProvider {
  readonly name: string;
  /** Folder title. @default - the root ("General") folder */
  readonly folder?: string;
  /** Stable folder uid. @default - none for the root folder */
  readonly folderUid?: string;
  readonly path: string;
  readonly updateIntervalSeconds: number;
}

/**
 * The dashboard providers file: one provider per folder, with explicit folder names (not
 * `foldersFromFilesStructure`), so each folder's ConfigMaps mount side by side and never onto one another.
 * Provisioned dashboards are code: UI saves are refused (`allowUiUpdates: false`); a dashboard whose file disappears
 * is deleted.
 */
export function renderDashboardProvidersFile(providers: readonly DashboardProvider[]): string {
  return toYaml({
    apiVersion: 1,
    providers: providers.map((p) =>
      escapeDollars({
        name: p.name,
        orgId: 1,
        type: 'file',
        folder: p.folder ?? '',
        folderUid: p.folderUid,
        disableDeletion: false,
        allowUiUpdates: false,
        updateIntervalSeconds: p.updateIntervalSeconds,
        options: { path: p.path, foldersFromFilesStructure: false },
      }),
    ),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// dashboards

/** Grafana dashboard uids: at most 40 characters of letters, digits, `-` and `_`. */
export const DASHBOARD_UID = /^[A-Za-z0-9_-]{1,40}$/;
/** The longest dashboard uid Grafana accepts. */
export const DASHBOARD_UID_MAX = 40;
const MAX_FOLDER_KEY = 40;

/**
 * The stable key of a folder (its uid, and part of its ConfigMap and volume names): the title lower-cased, runs of
 * anything but letters and digits turned into `-`. No folder → `general` (the root folder).
 */
export function folderKey(folder: string | undefined, path: string): string {
  if (folder === undefined) return GENERAL_FOLDER_KEY;
  const key = folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_FOLDER_KEY)
    .replace(/-+$/, '');
  if (key === '' || folder.trim() !== folder) {
    throw new ConfigError({
      path,
      message: 'is not a usable folder title',
      value: folder,
      fix: 'use a title with letters or digits and no leading or trailing spaces, e.g. "SLOs".',
    });
  }
  if (key === GENERAL_FOLDER_KEY) {
    throw new ConfigError({
      path,
      message: 'names Grafana\'s root folder, which Grafana does not let provisioning create',
      value: folder,
      fix: 'omit `folder` to put the dashboard in the root ("General") folder, or pick another title.',
    });
  }
  return key;
}

/** One dashboard as a provisioning file. */
export interface DashboardFile {
  readonly uid: string;
  readonly title: string;
  /** `<uid>.json`: the ConfigMap key and the file name in the pod. */
  readonly fileName: string;
  readonly content: string;
  /** UTF-8 size of key and content, as the API server counts them. */
  readonly bytes: number;
}

/** Serializes a dashboard model (from `DashboardBuilder.build()`), checking it has a usable uid and title. */
export function dashboardFile(dashboard: Dashboard, path: string): DashboardFile {
  const uid = dashboard.uid;
  if (typeof uid !== 'string' || !DASHBOARD_UID.test(uid)) {
    throw new ConfigError({
      path: `${path}.uid`,
      message: 'must be a stable dashboard uid of 1-40 letters, digits, "-" or "_"',
      value: uid,
      fix: 'set one with DashboardBuilder.uid("my-dashboard"); Grafana would otherwise generate a new one on every install, breaking links.',
    });
  }
  const title = dashboard.title;
  if (typeof title !== 'string' || title.trim() === '') {
    throw new ConfigError({ path: `${path}.title`, message: 'must be a non-empty title', value: title, fix: 'pass a title to new DashboardBuilder("...").' });
  }
  const fileName = `${uid}.json`;
  const content = toJson(dashboard);
  return { uid, title, fileName, content, bytes: Buffer.byteLength(fileName) + Buffer.byteLength(content) };
}
