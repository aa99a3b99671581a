import { durationProblems } from '../../common/duration';
import { ProblemCollector } from '../../common/errors';
import { configKeyProblems, regexProblems } from '../../common/validation';

/**
 * Typed model of blackbox_exporter's `blackbox.yml` (camelCase here, upstream snake_case in `renderBlackboxConfig`).
 *
 * Format: https://github.com/prometheus/blackbox_exporter/blob/v0.27.0/CONFIGURATION.md and the structs of
 * config/config.go (the exporter decodes with `KnownFields(true)`: an unknown key fails the whole file, so only
 * fields listed here are ever written). The http prober's client settings (`follow_redirects`, `tls_config`,
 * `basic_auth`, `authorization`) are Prometheus' common HTTP client config, inlined.
 *
 * Secrets are never written into the file: credentials are `*_file` paths into the Secret the user names with the
 * exporter's `secretName` prop (mounted at BLACKBOX_SECRETS_DIR); the model takes only the Secret's key.
 */

export type IpProtocol = 'ip4' | 'ip6';

/** Where the exporter's Secret is mounted; a module names a key, the file is `<dir>/<key>`. */
export const BLACKBOX_SECRETS_DIR = '/etc/blackbox_exporter/secrets';

export interface BlackboxTlsConfig {
  /** @default false */
  readonly insecureSkipVerify?: boolean;
  /** Verify the target's certificate for this name (SNI). */
  readonly serverName?: string;
  /** Key, in the exporter's Secret, of a CA bundle to verify targets with. @default - the system CAs */
  readonly caSecretKey?: string;
}

export interface BlackboxHttpProbe {
  /** Accepted status codes. @default - any 2xx (upstream's default when the list is empty) */
  readonly validStatusCodes?: readonly number[];
  /** e.g. `["HTTP/1.1", "HTTP/2.0"]`. @default - any */
  readonly validHttpVersions?: readonly string[];
  /** @default GET */
  readonly method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  readonly headers?: Readonly<Record<string, string>>;
  /** Request body (e.g. for POST probes). */
  readonly body?: string;
  /** @default ip6 (upstream); the stack's modules set ip4, the address family every cluster has */
  readonly preferredIpProtocol?: IpProtocol;
  /** @default true */
  readonly ipProtocolFallback?: boolean;
  /** @default true */
  readonly followRedirects?: boolean;
  readonly failIfSsl?: boolean;
  readonly failIfNotSsl?: boolean;
  readonly failIfBodyMatchesRegexp?: readonly string[];
  readonly failIfBodyNotMatchesRegexp?: readonly string[];
  readonly tlsConfig?: BlackboxTlsConfig;
  /** Basic auth; the password is read from the exporter's Secret. */
  readonly basicAuth?: { readonly username: string; readonly passwordSecretKey: string };
  /** `Authorization: Bearer <token>`, the token read from the exporter's Secret. */
  readonly bearerTokenSecretKey?: string;
}

export interface BlackboxTcpProbe {
  /** @default ip6 (upstream) */
  readonly preferredIpProtocol?: IpProtocol;
  /** @default true */
  readonly ipProtocolFallback?: boolean;
  /** Start TLS right after connecting. @default false */
  readonly tls?: boolean;
  readonly tlsConfig?: BlackboxTlsConfig;
  /** A conversation: expect a regexp, send a line, or upgrade to TLS. */
  readonly queryResponse?: readonly { readonly expect?: string; readonly send?: string; readonly startTls?: boolean }[];
}

/** gRPC health checking protocol (grpc.health.v1), supported since blackbox_exporter 0.21. */
export interface BlackboxGrpcProbe {
  /** The service name to check. @default - the server's overall health ("") */
  readonly service?: string;
  /** @default false */
  readonly tls?: boolean;
  readonly tlsConfig?: BlackboxTlsConfig;
  /** @default ip6 (upstream) */
  readonly preferredIpProtocol?: IpProtocol;
  /** @default true */
  readonly ipProtocolFallback?: boolean;
}

interface ModuleBase {
  /** Probe timeout. @default - derived from Prometheus' scrape_timeout (slightly reduced) */
  readonly timeout?: string;
}

/** One module: a prober and its settings (what `params.module` of a probe job names). */
export type BlackboxModule =
  | (ModuleBase & { readonly prober: 'http'; readonly http?: BlackboxHttpProbe })
  | (ModuleBase & { readonly prober: 'tcp'; readonly tcp?: BlackboxTcpProbe })
  | (ModuleBase & { readonly prober: 'grpc'; readonly grpc?: BlackboxGrpcProbe });

export type BlackboxProber = BlackboxModule['prober'];

/**
 * The stack's default modules (kube-prometheus ships the same http/tcp set; gRPC added since 0.27 supports it).
 * Every module prefers IPv4: the exporter's default is IPv6, which single-stack IPv4 clusters lack.
 */
export const DEFAULT_BLACKBOX_MODULES: Readonly<Record<string, BlackboxModule>> = {
  // Any 2xx is success (valid_status_codes left at upstream's default).
  http_2xx: { prober: 'http', http: { preferredIpProtocol: 'ip4' } },
  // As upstream's example.yml: a JSON POST.
  http_post_2xx: {
    prober: 'http',
    http: { method: 'POST', preferredIpProtocol: 'ip4', headers: { 'Content-Type': 'application/json' }, body: '{}' },
  },
  tcp_connect: { prober: 'tcp', tcp: { preferredIpProtocol: 'ip4' } },
  grpc: { prober: 'grpc', grpc: { preferredIpProtocol: 'ip4', tls: false } },
  grpc_tls: { prober: 'grpc', grpc: { preferredIpProtocol: 'ip4', tls: true } },
};

const MODULE_NAME = /^[A-Za-z0-9_-]+$/;
const PROBERS: readonly BlackboxProber[] = ['http', 'tcp', 'grpc'];

/** Every Secret key the modules read (sorted, unique). */
export function blackboxSecretKeys(modules: Readonly<Record<string, BlackboxModule>>): string[] {
  const keys = new Set<string>();
  for (const m of Object.values(modules)) {
    const tls = m.prober === 'http' ? m.http?.tlsConfig : m.prober === 'tcp' ? m.tcp?.tlsConfig : m.grpc?.tlsConfig;
    if (tls?.caSecretKey) keys.add(tls.caSecretKey);
    if (m.prober === 'http') {
      if (m.http?.basicAuth) keys.add(m.http.basicAuth.passwordSecretKey);
      if (m.http?.bearerTokenSecretKey) keys.add(m.http.bearerTokenSecretKey);
    }
  }
  return [...keys].sort();
}

/**
 * Validates the modules (all problems at once). `hasSecret`: whether the exporter mounts a Secret for `*SecretKey`
 * references.
 */
export function validateBlackboxModules(modules: Readonly<Record<string, BlackboxModule>>, hasSecret: boolean, exporterPath = 'BlackboxExporter'): void {
  const problems = new ProblemCollector();
  const names = Object.keys(modules);
  if (names.length === 0) {
    problems.add({
      path: `${exporterPath}.modules`,
      message: 'must define at least one module',
      value: {},
      fix: 'omit it to use DEFAULT_BLACKBOX_MODULES.',
    });
  }
  for (const name of names) {
    const m = modules[name];
    const path = `${exporterPath}.modules.${name}`;
    if (!MODULE_NAME.test(name)) {
      problems.add({
        path,
        message: 'is not a valid module name',
        value: name,
        fix: 'use letters, digits, "_" and "-" only (it is sent as a URL parameter).',
      });
    }
    if (!m || !PROBERS.includes(m.prober)) {
      problems.add({
        path: `${path}.prober`,
        message: 'is not a supported prober',
        value: m?.prober,
        fix: `use one of ${PROBERS.join(', ')}.`,
      });
      continue;
    }
    const extra = (['http', 'tcp', 'grpc'] as const).filter((k) => k !== m.prober && (m as unknown as Record<string, unknown>)[k] !== undefined);
    for (const k of extra) {
      problems.add({
        path: `${path}.${k}`,
        message: `is set but the prober is "${m.prober}"`,
        value: k,
        fix: `move the settings under "${m.prober}" or change the prober.`,
      });
    }
    if (m.timeout !== undefined) problems.addAll(durationProblems(m.timeout, `${path}.timeout`));
    if (m.prober === 'http') {
      (m.http?.validStatusCodes ?? []).forEach((c, i) => {
        if (!Number.isInteger(c) || c < 100 || c > 599) {
          problems.add({
            path: `${path}.http.validStatusCodes[${i}]`,
            message: 'is not an HTTP status code',
            value: c,
            fix: 'use integers from 100 to 599, e.g. [200, 204].',
          });
        }
      });
      for (const key of ['failIfBodyMatchesRegexp', 'failIfBodyNotMatchesRegexp'] as const) {
        (m.http?.[key] ?? []).forEach((re, i) => problems.addAll(regexProblems(re, `${path}.http.${key}[${i}]`, { reader: 'the blackbox exporter' })));
      }
    }
    if (m.prober === 'tcp') {
      (m.tcp?.queryResponse ?? []).forEach((q, i) => {
        if (q.expect !== undefined) problems.addAll(regexProblems(q.expect, `${path}.tcp.queryResponse[${i}].expect`, { reader: 'the blackbox exporter' }));
      });
    }
  }
  const keys = blackboxSecretKeys(modules);
  for (const key of keys) problems.addAll(configKeyProblems(key, `${exporterPath}.modules`, 'probe-password'));
  if (keys.length > 0 && !hasSecret) {
    problems.add({
      path: `${exporterPath}.secretName`,
      message: `is required: modules read credentials from Secret keys ${keys.map((k) => JSON.stringify(k)).join(', ')}`,
      value: undefined,
      fix: 'create a Secret with those keys in the exporter\'s namespace and pass its name as secretName.',
    });
  }
  problems.throwIfAny();
}

function renderTls(t: BlackboxTlsConfig | undefined): Record<string, unknown> | undefined {
  if (!t) return undefined;
  return {
    insecure_skip_verify: t.insecureSkipVerify,
    server_name: t.serverName,
    ca_file: t.caSecretKey ? `${BLACKBOX_SECRETS_DIR}/${t.caSecretKey}` : undefined,
  };
}

function sortedRecord(r: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (!r) return undefined;
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
}

function renderHttp(h: BlackboxHttpProbe | undefined): Record<string, unknown> | undefined {
  if (!h) return undefined;
  return {
    valid_status_codes: h.validStatusCodes ? [...h.validStatusCodes] : undefined,
    valid_http_versions: h.validHttpVersions ? [...h.validHttpVersions] : undefined,
    method: h.method,
    headers: sortedRecord(h.headers),
    body: h.body,
    preferred_ip_protocol: h.preferredIpProtocol,
    ip_protocol_fallback: h.ipProtocolFallback,
    follow_redirects: h.followRedirects,
    fail_if_ssl: h.failIfSsl,
    fail_if_not_ssl: h.failIfNotSsl,
    fail_if_body_matches_regexp: h.failIfBodyMatchesRegexp ? [...h.failIfBodyMatchesRegexp] : undefined,
    fail_if_body_not_matches_regexp: h.failIfBodyNotMatchesRegexp ? [...h.failIfBodyNotMatchesRegexp] : undefined,
    tls_config: renderTls(h.tlsConfig),
    basic_auth: h.basicAuth
      ? { username: h.basicAuth.username, password_file: `${BLACKBOX_SECRETS_DIR}/${h.basicAuth.passwordSecretKey}` }
      : undefined,
    authorization: h.bearerTokenSecretKey
      ? { type: 'Bearer', credentials_file: `${BLACKBOX_SECRETS_DIR}/${h.bearerTokenSecretKey}` }
      : undefined,
  };
}

function renderTcp(t: BlackboxTcpProbe | undefined): Record<string, unknown> | undefined {
  if (!t) return undefined;
  return {
    preferred_ip_protocol: t.preferredIpProtocol,
    ip_protocol_fallback: t.ipProtocolFallback,
    tls: t.tls,
    tls_config: renderTls(t.tlsConfig),
    query_response: t.queryResponse?.map((q) => ({ expect: q.expect, send: q.send, starttls: q.startTls })),
  };
}

function renderGrpc(g: BlackboxGrpcProbe | undefined): Record<string, unknown> | undefined {
  if (!g) return undefined;
  return {
    service: g.service,
    tls: g.tls,
    tls_config: renderTls(g.tlsConfig),
    preferred_ip_protocol: g.preferredIpProtocol,
    ip_protocol_fallback: g.ipProtocolFallback,
  };
}

/** The typed model of `blackbox.yml`. */
export interface BlackboxConfig {
  readonly modules: Readonly<Record<string, BlackboxModule>>;
}

/** The `blackbox.yml` document (snake_case, modules sorted by name; undefined fields are dropped at serialization). */
export function renderBlackboxConfig(config: BlackboxConfig): { modules: Record<string, unknown> } {
  const modules = config.modules;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(modules).sort()) {
    const m = modules[name];
    out[name] = {
      prober: m.prober,
      timeout: m.timeout,
      http: m.prober === 'http' ? renderHttp(m.http) : undefined,
      tcp: m.prober === 'tcp' ? renderTcp(m.tcp) : undefined,
      grpc: m.prober === 'grpc' ? renderGrpc(m.grpc) : undefined,
    };
  }
  return { modules: out };
}
