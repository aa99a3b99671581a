import { ConfigProblem, ConfigWarning } from './errors';
import { goTemplateError, TemplateDialect } from './go-template';
import { re2Error } from './re2';

/**
 * The one home of the value rules the stack checks before anything is written: Kubernetes names (DNS-1123 labels
 * and subdomains, DNS-1035 Service names, namespaces, component names and the objects derived from them, label keys
 * and values, Secret keys), Prometheus names (metrics, labels), `host:port`, http(s) URLs, ports, images, whole
 * numbers and command-line flags. Durations and sizes are typed values with their own parsers (duration.ts,
 * quantity.ts), re-exported here so every check is imported from one place.
 *
 * Each validator returns the problems (empty when the value is valid) in the one message style of errors.ts: the
 * path, what is wrong and what is allowed, the value, and the fix — a corrected value wherever one can be derived.
 * Paths are `<construct path>.<prop path>` (the model functions take the construct path from their construct).
 *
 * Besides names and addresses it holds the rules of the strings the upstream programs parse themselves: RE2 regular
 * expressions (re2.ts follows Go's regexp/syntax), Go templates (go-template.ts follows text/template/parse), and the
 * warnings for legal input that is almost surely a mistake (an objective written as a ratio, a metric name carrying a
 * suffix the generator appends, a base URL given with an endpoint path, a name one edit away from a known one).
 *
 * Rules: Kubernetes object names (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/), labels
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set), the Prometheus
 * data model (https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels) in its classic form (Prometheus
 * 3 also accepts UTF-8 names, but promtool 2.42, exporters and PromQL without quoting do not).
 */

export { durationProblems, parseDuration, PromDuration } from './duration';
export { ALERTMANAGER_TEMPLATE, PROMETHEUS_TEMPLATE } from './go-template';
export type { TemplateDialect } from './go-template';
export { byteSizeProblems, cpuProblems, parseByteSize, ByteSize } from './quantity';

export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 1035 labels: what Kubernetes requires of Service names (a letter first). */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const K8S_LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** The name part of a Kubernetes label key (a "qualified name" without its prefix). */
const K8S_QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** ConfigMap and Secret data keys (https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data). */
export const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
export const K8S_LABEL_VALUE_MAX = 63;
export const CONFIG_KEY_MAX = 253;
/**
 * The longest StatefulSet name that works: the StatefulSet controller labels every pod `controller-revision-hash:
 * <name>-<hash of up to 10 characters>`, and a label value holds at most 63 characters
 * (https://github.com/kubernetes/kubernetes/issues/64023).
 */
export const STATEFULSET_NAME_MAX = 52;

export interface LabelNameOptions {
  /** Accept names starting with `__` (reserved for Prometheus internals, e.g. relabeling targets). @default false */
  readonly allowReserved?: boolean;
}

export interface LabelValueOptions {
  /** The longest value accepted. @default - no limit */
  readonly maxLength?: number;
}

function notString(value: unknown, path: string, what: string, example: string): ConfigProblem[] {
  return typeof value === 'string' ? [] : [{ path, message: `must be a string (${what})`, value, fix: `use a string such as "${example}".` }];
}

/** The first character not in `allowed`, described with its 1-based position: `"-" at character 5`. */
function firstInvalid(value: string, allowed: RegExp): string | undefined {
  let at = 0;
  for (const c of value) {
    at++;
    if (!allowed.test(c)) return `${describeChar(c)} at character ${at}`;
  }
  return undefined;
}

function describeChar(c: string): string {
  return c === ' ' ? 'a space' : /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/u.test(c) ? `the control character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `"${c}"`;
}

// ---------------------------------------------------------------------------------------------------------------
// corrected names, for the fixes

/** `http-requests.total` → `http_requests_total`: invalid characters become `_`, a leading digit gets a `_`. */
export function sanitizeMetricName(value: string): string {
  const s = value.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** `team-name` → `team_name`; leading `__` dropped. */
export function sanitizeLabelName(value: string): string {
  const s = value.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^__+/, '');
  return s === '' ? 'label' : /^[0-9]/.test(s) ? `_${s}` : s;
}

/** `Order_Service` → `order-service`: lower case, other characters become `-`, trimmed to `max` (63). */
export function sanitizeDns1123Label(value: string, max = DNS1123_LABEL_MAX): string {
  const s = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return s === '' ? 'name' : s;
}

/** `9Lives` → `lives`: a DNS-1123 label that also starts with a letter, trimmed to `max` (63). */
export function sanitizeDns1035Label(value: string, max = DNS1123_LABEL_MAX): string {
  const s = sanitizeDns1123Label(value, Number.MAX_SAFE_INTEGER).replace(/^[^a-z]+/, '').slice(0, max).replace(/-+$/, '');
  return s === '' ? 'name' : s;
}

/** `My_App.Example.com` → `my-app.example.com`. */
export function sanitizeDns1123Subdomain(value: string): string {
  const s = value
    .toLowerCase()
    .split('.')
    .map((part) => part.replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, ''))
    .filter((part) => part !== '')
    .join('.')
    .slice(0, DNS1123_SUBDOMAIN_MAX)
    .replace(/[-.]+$/, '');
  return s === '' ? 'name' : s;
}

/** `Order Service/v2` → `Order_Service_v2`, trimmed to 63. */
export function sanitizeKubernetesLabelValue(value: string): string {
  return value
    .replace(/[^-A-Za-z0-9_.]+/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, K8S_LABEL_VALUE_MAX)
    .replace(/[^A-Za-z0-9]+$/, '');
}

// ---------------------------------------------------------------------------------------------------------------
// Prometheus names

/** A Prometheus metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function metricNameProblems(value: unknown, path: string): ConfigProblem[] {
  const typed = notString(value, path, 'a Prometheus metric name', 'http_requests_total');
  if (typed.length > 0) return typed;
  const v = value as string;
  if (METRIC_NAME.test(v)) return [];
  const allowed = 'metric names are ASCII letters, digits, "_" and ":", not starting with a digit';
  if (v === '') return [{ path, message: `is an empty Prometheus metric name; ${allowed}`, value: v, fix: 'name the metric, e.g. "http_requests_total".' }];
  const bad = firstInvalid(v, /[a-zA-Z0-9_:]/);
  const reason = bad !== undefined ? `contains ${bad}` : 'starts with a digit';
  return [{ path, message: `is not a valid Prometheus metric name: it ${reason}; ${allowed}`, value: v, fix: `rename it to "${sanitizeMetricName(v)}".` }];
}

/** A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved) unless allowed. */
export function labelNameProblems(value: unknown, path: string, options: LabelNameOptions = {}): ConfigProblem[] {
  const typed = notString(value, path, 'a Prometheus label name', 'service');
  if (typed.length > 0) return typed;
  const v = value as string;
  const allowed = 'label names are ASCII letters, digits and "_", not starting with a digit';
  if (v === '') return [{ path, message: `is an empty Prometheus label name; ${allowed}`, value: v, fix: 'name the label, e.g. "service".' }];
  if (!LABEL_NAME.test(v)) {
    const bad = firstInvalid(v, /[a-zA-Z0-9_]/);
    const reason = bad !== undefined ? `contains ${bad}` : 'starts with a digit';
    return [{ path, message: `is not a valid Prometheus label name: it ${reason}; ${allowed}`, value: v, fix: `rename it to "${sanitizeLabelName(v)}".` }];
  }
  if (v.startsWith('__') && !options.allowReserved) {
    return [{ path, message: 'is a reserved Prometheus label name: names starting with "__" are for Prometheus\' internal use', value: v, fix: `rename it to "${sanitizeLabelName(v)}".` }];
  }
  return [];
}

/** Problems of a label set's names (external labels, static labels, rule labels), each at `<path>.<name>`. */
export function labelSetProblems(labels: Readonly<Record<string, unknown>> | undefined, path: string): ConfigProblem[] {
  return Object.keys(labels ?? {}).flatMap((k) => labelNameProblems(k, `${path}.${k}`));
}

/**
 * A label value that is also a name (an SLO name, a service name in `service="..."`): non-empty printable text
 * without control characters or surrounding whitespace.
 */
export function labelValueProblems(value: unknown, path: string, options: LabelValueOptions = {}): ConfigProblem[] {
  const typed = notString(value, path, 'a Prometheus label value', 'order-service');
  if (typed.length > 0) return typed;
  const v = value as string;
  const allowed = 'names used as label values must be non-empty printable text';
  if (v.trim() === '') return [{ path, message: `is empty; ${allowed}`, value: v, fix: 'give it a name, e.g. "order-service".' }];
  const control = firstInvalid(v, /[^\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/u);
  if (control !== undefined) {
    return [{ path, message: `contains ${control}; ${allowed}`, value: v, fix: `remove it: "${v.replace(/[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]+/gu, ' ').replace(/\s+/g, ' ').trim()}".` }];
  }
  if (v !== v.trim()) return [{ path, message: `has leading or trailing whitespace; ${allowed}`, value: v, fix: `use "${v.trim()}".` }];
  if (options.maxLength !== undefined && [...v].length > options.maxLength) {
    return [{ path, message: `is ${[...v].length} characters long, more than the ${options.maxLength} allowed`, value: v, fix: `shorten it to at most ${options.maxLength} characters.` }];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes names

function dnsReason(v: string, max: number, allowed: RegExp, letterFirst = false): string {
  if (v.length > max) return `is ${v.length} characters long`;
  if (/[A-Z]/.test(v)) return 'contains uppercase letters';
  const bad = firstInvalid(v, allowed);
  if (bad !== undefined) return `contains ${bad}`;
  if (letterFirst && /^[0-9]/.test(v)) return `starts with the digit "${v[0]}"`;
  if (/^[-.]/.test(v)) return `starts with "${v[0]}"`;
  if (/[-.]$/.test(v)) return `ends with "${v[v.length - 1]}"`;
  return 'has an empty part between dots or a part starting or ending with "-"';
}

/** A Kubernetes object name that must be a DNS-1123 label (namespaces, ...): at most 63 of `[a-z0-9-]`. */
export function dns1123LabelProblems(value: unknown, path: string): ConfigProblem[] {
  const typed = notString(value, path, 'a Kubernetes name', 'order-service');
  if (typed.length > 0) return typed;
  const v = value as string;
  if (v.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(v)) return [];
  const allowed = `Kubernetes names (DNS-1123 labels) are at most ${DNS1123_LABEL_MAX} lowercase letters, digits and "-", starting and ending with a letter or digit`;
  if (v === '') return [{ path, message: `is an empty Kubernetes name; ${allowed}`, value: v, fix: 'name it, e.g. "order-service".' }];
  return [{ path, message: `is not a valid Kubernetes name: it ${dnsReason(v, DNS1123_LABEL_MAX, /[a-z0-9-]/)}; ${allowed}`, value: v, fix: `use "${sanitizeDns1123Label(v)}".` }];
}

/** A Kubernetes object name that must be a DNS-1123 subdomain (ConfigMaps, Secrets, StorageClasses, ...): at most 253 of `[a-z0-9.-]`. */
export function dns1123SubdomainProblems(value: unknown, path: string): ConfigProblem[] {
  const typed = notString(value, path, 'a Kubernetes name', 'order-service.rules');
  if (typed.length > 0) return typed;
  const v = value as string;
  if (v.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(v)) return [];
  const allowed = `Kubernetes names (DNS-1123 subdomains) are at most ${DNS1123_SUBDOMAIN_MAX} lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit`;
  if (v === '') return [{ path, message: `is an empty Kubernetes name; ${allowed}`, value: v, fix: 'name it, e.g. "order-service".' }];
  return [{ path, message: `is not a valid Kubernetes name: it ${dnsReason(v, DNS1123_SUBDOMAIN_MAX, /[a-z0-9.-]/)}; ${allowed}`, value: v, fix: `use "${sanitizeDns1123Subdomain(v)}".` }];
}

/**
 * A namespace: a DNS-1123 label (`9lives` is a valid namespace; names that also become Service names must start
 * with a letter, see `componentNameProblems`).
 */
export function namespaceProblems(value: unknown, path: string): ConfigProblem[] {
  return dns1123LabelProblems(value, path);
}

export interface ComponentNameOptions {
  /**
   * Suffixes the component appends to its name for other objects that must be DNS labels too (a `-headless`
   * Service). @default - none
   */
  readonly suffixes?: readonly string[];
  /** The name is a StatefulSet's, at most `STATEFULSET_NAME_MAX` (52) characters. @default false */
  readonly statefulSet?: boolean;
}

/** The longest name a component with these derived objects accepts. */
export function componentNameMax(options: ComponentNameOptions = {}): number {
  const suffix = Math.max(0, ...(options.suffixes ?? []).map((s) => s.length));
  return Math.min(DNS1123_LABEL_MAX - suffix, options.statefulSet ? STATEFULSET_NAME_MAX : DNS1123_LABEL_MAX);
}

/**
 * A component's `name`: the name of its Service (Kubernetes requires DNS-1035 labels of Services: lowercase
 * letters, digits and "-", a letter first) and of its workload, so at most 63 characters minus the longest suffix of
 * a derived DNS-label name, and at most 52 for a StatefulSet.
 */
export function componentNameProblems(value: unknown, path: string, options: ComponentNameOptions = {}): ConfigProblem[] {
  const typed = notString(value, path, 'a Kubernetes Service name', 'prometheus');
  if (typed.length > 0) return typed;
  const v = value as string;
  const max = componentNameMax(options);
  if (v.length <= max && DNS1035_LABEL.test(v)) return [];
  const why: string[] = [];
  if (options.statefulSet) why.push('its StatefulSet labels each pod "<name>-<revision hash>"');
  for (const s of options.suffixes ?? []) why.push(`"<name>${s}" must be a DNS label too`);
  const limit = max < DNS1123_LABEL_MAX ? ` (${why.join(', and ')})` : '';
  const allowed = `component names name a Service (a DNS-1035 label): at most ${max} lowercase letters, digits and "-", starting with a letter and ending with a letter or digit${limit}`;
  if (v === '') return [{ path, message: `is an empty Kubernetes Service name; ${allowed}`, value: v, fix: 'name it, e.g. "prometheus".' }];
  return [{ path, message: `is not a valid component name: it ${dnsReason(v, max, /[a-z0-9-]/, true)}; ${allowed}`, value: v, fix: `use "${sanitizeDns1035Label(v, max)}".` }];
}

/** A Kubernetes label value: empty, or at most 63 of `[A-Za-z0-9_.-]` starting and ending with a letter or digit. */
export function kubernetesLabelValueProblems(value: unknown, path: string): ConfigProblem[] {
  const typed = notString(value, path, 'a Kubernetes label value', 'order-service');
  if (typed.length > 0) return typed;
  const v = value as string;
  if (v.length <= K8S_LABEL_VALUE_MAX && K8S_LABEL_VALUE.test(v)) return [];
  const bad = firstInvalid(v, /[-A-Za-z0-9_.]/);
  const reason =
    v.length > K8S_LABEL_VALUE_MAX
      ? `is ${v.length} characters long`
      : bad !== undefined
        ? `contains ${bad}`
        : `${/^[A-Za-z0-9]/.test(v) ? 'ends' : 'starts'} with "${/^[A-Za-z0-9]/.test(v) ? v[v.length - 1] : v[0]}"`;
  return [
    {
      path,
      message: `is not a valid Kubernetes label value: it ${reason}; label values are at most ${K8S_LABEL_VALUE_MAX} letters, digits, "-", "_" and ".", starting and ending with a letter or digit`,
      value: v,
      fix: `use "${sanitizeKubernetesLabelValue(v)}".`,
    },
  ];
}

/**
 * A Kubernetes label key: an optional DNS-1123 subdomain prefix and `/`, then a name of at most 63 letters, digits,
 * "-", "_" and ".", starting and ending with a letter or digit (`app.kubernetes.io/name`, `app`).
 */
export function kubernetesLabelKeyProblems(value: unknown, path: string): ConfigProblem[] {
  const typed = notString(value, path, 'a Kubernetes label key', 'app.kubernetes.io/name');
  if (typed.length > 0) return typed;
  const v = value as string;
  const slash = v.lastIndexOf('/');
  const prefix = slash >= 0 ? v.slice(0, slash) : undefined;
  const name = slash >= 0 ? v.slice(slash + 1) : v;
  const prefixOk = prefix === undefined || (prefix.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(prefix));
  if (prefixOk && name.length <= K8S_LABEL_VALUE_MAX && K8S_QUALIFIED_NAME.test(name)) return [];
  return [
    {
      path,
      message: `is not a Kubernetes label key: label keys are an optional DNS-1123 subdomain prefix and "/", then at most ${K8S_LABEL_VALUE_MAX} letters, digits, "-", "_" and ".", starting and ending with a letter or digit`,
      value: v,
      fix: 'use e.g. "app.kubernetes.io/name" or "team".',
    },
  ];
}

/** A ConfigMap or Secret data key: at most 253 letters, digits, "-", "_" and ".", not "." or "..". */
export function configKeyProblems(value: unknown, path: string, example = 'slack-api-url'): ConfigProblem[] {
  if (typeof value === 'string' && value.length <= CONFIG_KEY_MAX && CONFIG_KEY.test(value) && value !== '.' && value !== '..') return [];
  return [
    {
      path,
      message: 'is not a valid ConfigMap or Secret key (at most 253 letters, digits, "-", "_" and ".")',
      value,
      fix: `use e.g. "${example}".`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// endpoints

const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_]([-A-Za-z0-9_.]*[A-Za-z0-9])?):(\d{1,5})$/;

export interface EndpointOptions {
  /** A correct value for the fix, e.g. `jaeger-collector.tracing.svc:4317`. */
  readonly example: string;
  /** Why this form is needed, appended to the message, e.g. `module "tcp_connect" uses the tcp prober`. @default - none */
  readonly reason?: string;
}

/** `host:port`: a host name, IPv4 address or bracketed IPv6 address, a colon and a port from 1 to 65535. */
export function hostPortProblems(value: unknown, path: string, options: EndpointOptions): ConfigProblem[] {
  const m = typeof value === 'string' ? HOST_PORT.exec(value) : null;
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 65535) return [];
  return [
    {
      path,
      message: `is not a host:port${options.reason ? ` (${options.reason})` : ''}`,
      value,
      fix: `give a host and a port from 1 to 65535, without scheme or path, e.g. "${options.example}".`,
    },
  ];
}

const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/**
 * A host alone (no port, scheme or path): a host name (`orders-db.shop.svc`, `db.example.com`), an IPv4 address or a
 * bracketed IPv6 address, at most 253 characters.
 */
export function hostProblems(value: unknown, path: string, options: EndpointOptions): ConfigProblem[] {
  if (typeof value === 'string' && value.length <= DNS1123_SUBDOMAIN_MAX && HOST.test(value)) return [];
  return [
    {
      path,
      message: `is not a host name or IP address${options.reason ? ` (${options.reason})` : ''}`,
      value,
      fix: `give the host alone, without scheme, port or path, e.g. "${options.example}".`,
    },
  ];
}

export interface HttpUrlOptions extends EndpointOptions {
  /** A base URL: no query string or fragment (paths are appended to it). @default false */
  readonly base?: boolean;
}

/** The parsed URL when `value` is an absolute http(s) URL with a host (and, for a base URL, no query or fragment). */
export function parseHttpUrl(value: unknown, base = false): URL | undefined {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
  if (base && (url.search !== '' || url.hash !== '')) return undefined;
  return url;
}

/** What makes `value` not an absolute http(s) (base) URL, with the character where it goes wrong. */
function httpUrlIssue(value: unknown, base: boolean): string {
  if (typeof value !== 'string') return 'it is not a string';
  if (value === '') return 'it is empty';
  const space = firstInvalid(value, /[^\s\p{Cc}]/u);
  if (space !== undefined) return `it contains ${space}`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (!scheme) return 'it has no http:// or https:// scheme at character 1';
  if (!/^https?$/i.test(scheme[1])) return `its scheme "${scheme[1]}" at character 1 is not http or https`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it does not parse as a URL (host, port or path malformed)';
  }
  if (url.hostname === '') return `it has no host at character ${scheme[0].length + 1}`;
  if (base && (url.search !== '' || url.hash !== '')) {
    const at = Array.from(value).findIndex((c) => c === '?' || c === '#');
    return `it has a ${value[at] === '?' ? 'query' : 'fragment'} at character ${at + 1}, and a base URL gets paths appended`;
  }
  return 'it is not an absolute http(s) URL';
}

/** An absolute http(s) URL (`http://prometheus.monitoring.svc:9090`). */
export function httpUrlProblems(value: unknown, path: string, options: HttpUrlOptions): ConfigProblem[] {
  if (parseHttpUrl(value, options.base)) return [];
  const what = options.base ? 'an http(s) base URL' : 'an http(s) URL';
  return [{ path, message: `is not ${what}${options.reason ? ` (${options.reason})` : ''}: ${httpUrlIssue(value, options.base ?? false)}`, value, fix: `give an absolute URL such as "${options.example}".` }];
}

/** A TCP or UDP port. */
export function portProblems(value: unknown, path: string, example = 9100): ConfigProblem[] {
  if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535) return [];
  return [{ path, message: 'must be a TCP port (an integer from 1 to 65535)', value, fix: `use e.g. ${example}.` }];
}

/** An IPv4 or IPv6 CIDR block (`10.0.0.0/8`, `fd00::/8`), as a NetworkPolicy `ipBlock` takes it. */
export function cidrProblems(value: unknown, path: string, example = '10.0.0.0/16'): ConfigProblem[] {
  if (typeof value === 'string' && (isIpv4Cidr(value) || isIpv6Cidr(value))) return [];
  return [{ path, message: 'is not a CIDR block (an IPv4 or IPv6 address, "/" and a prefix length)', value, fix: `write e.g. "${example}", or "0.0.0.0/0" and "::/0" for any address.` }];
}

function isIpv4Cidr(value: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255 && String(Number(o)) === o) && Number(m[5]) <= 32;
}

function isIpv6Cidr(value: string): boolean {
  const m = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(value);
  if (!m || Number(m[2]) > 128) return false;
  const halves = m[1].split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length < 8 : groups.length === 8;
}

/** A Go duration (`time.ParseDuration`: `2160h`, `1h30m`, `90s`), as cert-manager and the collector take them. */
export function goDurationProblems(value: unknown, path: string, example = '2160h'): ConfigProblem[] {
  if (typeof value === 'string' && /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) return [];
  return [{ path, message: 'is not a Go duration (numbers with units h, m, s, ms; no days)', value, fix: `write e.g. "${example}".` }];
}

/** A NetworkPolicy port: a port number (optionally a range up to `endPort`) or a container port name. */
export function networkPortProblems(port: unknown, endPort: unknown, path: string): ConfigProblem[] {
  if (typeof port === 'string') {
    const named = DNS1123_LABEL.test(port) && port.length <= 15 && /[a-z]/.test(port);
    const problems: ConfigProblem[] = named ? [] : [{ path: `${path}.port`, message: 'is not a container port name (at most 15 lowercase letters, digits and "-", with a letter)', value: port, fix: 'use the port number, or the name of the container port, e.g. "http-metrics".' }];
    if (endPort !== undefined) problems.push({ path: `${path}.endPort`, message: 'needs a numeric port (a range cannot start at a named port)', value: endPort, fix: 'give port as a number, or drop endPort.' });
    return problems;
  }
  const problems = portProblems(port, `${path}.port`, 443);
  if (endPort !== undefined) {
    if (!Number.isInteger(endPort) || (endPort as number) > 65535 || (problems.length === 0 && (endPort as number) < (port as number))) {
      problems.push({ path: `${path}.endPort`, message: 'must be a port from port to 65535', value: endPort, fix: `use a port of at least ${String(port)}, or drop endPort for a single port.` });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// everything else components take

/** A whole number of at least `min` (replicas, counts). */
export function wholeNumberProblems(value: unknown, path: string, options: { readonly min?: number; readonly fix: string }): ConfigProblem[] {
  const min = options.min ?? 1;
  if (Number.isInteger(value) && (value as number) >= min) return [];
  return [{ path, message: `must be a whole number of at least ${min}`, value, fix: options.fix }];
}

/** A positive finite number (rates, sizes in MB). */
export function positiveNumberProblems(value: unknown, path: string, options: { readonly what: string; readonly fix: string }): ConfigProblem[] {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return [];
  return [{ path, message: `must be a positive number of ${options.what}`, value, fix: options.fix }];
}

/** A number strictly between 0 and 1 (a share of requests, a quantile, a ratio of memory to its limit). */
export function fractionProblems(value: unknown, path: string, options: { readonly what: string; readonly fix: string }): ConfigProblem[] {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1) return [];
  return [{ path, message: `must be a number strictly between 0 and 1 (${options.what})`, value, fix: options.fix }];
}

/** An image: a repository and a pinned tag (never `latest`). */
export function imageProblems(image: { readonly repository?: unknown; readonly tag?: unknown } | undefined, path: string): ConfigProblem[] {
  if (!image || typeof image.repository !== 'string' || image.repository === '' || typeof image.tag !== 'string' || image.tag === '') {
    return [{ path, message: 'must name a repository and a pinned tag', value: image, fix: 'pass { repository: "quay.io/...", tag: "v1.2.3" } (see src/versions.ts).' }];
  }
  if (image.tag === 'latest') {
    return [{ path: `${path}.tag`, message: 'must be a pinned release tag, never "latest"', value: image.tag, fix: 'pin an exact upstream release tag.' }];
  }
  return [];
}

/** Extra command-line flags: each one a `--flag` or `--flag=value` string. */
export function flagProblems(args: readonly unknown[], path: string, example = '--collector.systemd'): ConfigProblem[] {
  return args.flatMap((a, i) =>
    typeof a === 'string' && /^--[A-Za-z0-9]/.test(a) ? [] : [{ path: `${path}[${i}]`, message: 'must be a long flag starting with "--"', value: a, fix: `write e.g. "${example}".` }],
  );
}

/** A non-empty string (receiver fields, channels, addresses). */
export function nonEmptyProblems(value: unknown, path: string, fix: string): ConfigProblem[] {
  return typeof value === 'string' && value.trim() !== '' ? [] : [{ path, message: 'must not be empty', value, fix }];
}

// ---------------------------------------------------------------------------------------------------------------
// strings the upstream programs parse: RE2 regular expressions and Go templates

export interface RegexOptions {
  /** Who reads it, for the message: `Prometheus`, `Alertmanager`, `Loki`. @default 'Prometheus' */
  readonly reader?: string;
}

/**
 * An RE2 regular expression (Go's regexp syntax, as Prometheus, Alertmanager, Loki and the blackbox exporter compile
 * it; they anchor it on both ends), checked with the same grammar: the error names the character where it starts.
 */
export function regexProblems(value: unknown, path: string, options: RegexOptions = {}): ConfigProblem[] {
  if (typeof value !== 'string') return [{ path, message: 'must be a string (an RE2 regular expression)', value, fix: 'write a regular expression such as "5..".' }];
  const e = re2Error(value);
  if (!e) return [];
  return [
    {
      path,
      message: `is not a regular expression ${options.reader ?? 'Prometheus'} accepts (RE2): ${e.error} at character ${e.character}${e.text !== '' && e.text !== value ? ` (${JSON.stringify(e.text)})` : ''}`,
      value,
      fix: `${e.hint ?? 'correct the regular expression'}.`,
    },
  ];
}

/** A Go template (alert labels and annotations, notification fields), parsed with text/template's grammar. */
export function templateProblems(value: unknown, path: string, dialect: TemplateDialect): ConfigProblem[] {
  if (typeof value !== 'string') return [{ path, message: `must be a string (a ${dialect.name})`, value, fix: 'write text, with {{ ... }} actions where values go.' }];
  if (!value.includes('{{')) return [];
  const e = goTemplateError(value, dialect);
  if (!e) return [];
  return [{ path, message: `is not a valid ${dialect.name}: ${e.error} at character ${e.character}`, value, fix: `${e.hint ?? 'correct the template'}.` }];
}

// ---------------------------------------------------------------------------------------------------------------
// likely intent: suggestions and warnings

/** Edit distance with transpositions (optimal string alignment): `latency-p90` → `latency-p95` is 1. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known names `value` was most likely meant to be: the one that differs only in case, else those one edit away
 * (a typo, a missing or extra character, two swapped). Empty when there is none.
 */
export function didYouMean(value: string, known: Iterable<string>): string[] {
  const names = [...new Set(known)].filter((k) => k !== value);
  const sameCase = names.filter((k) => k.toLowerCase() === value.toLowerCase());
  if (sameCase.length === 1) return sameCase;
  return names.filter((k) => editDistance(k, value) === 1).sort();
}

/** `did you mean "x"? ` (or `"x" or "y"`) for a fix, when known names are one edit away; else ''. */
export function didYouMeanText(value: unknown, known: Iterable<string>): string {
  const guesses = typeof value === 'string' ? didYouMean(value, known) : [];
  return guesses.length > 0 && guesses.length <= 3 ? `did you mean ${guesses.map((g) => JSON.stringify(g)).join(' or ')}? Otherwise ` : '';
}

/**
 * An SLO objective written as a ratio (0.999) instead of a percentage (99.9): legal (it means 0.999% good events),
 * almost surely a mistake.
 */
export function objectiveRatioWarnings(objective: unknown, path: string): ConfigWarning[] {
  if (typeof objective !== 'number' || !(objective > 0 && objective <= 1)) return [];
  const percent = Number((objective * 100).toPrecision(12));
  return [
    {
      code: 'SLO_OBJECTIVE_RATIO',
      path,
      message: `looks like a ratio: objectives are percentages, so ${objective} means ${objective}% of events are good`,
      value: objective,
      fix: objective < 1 ? `write ${percent} for ${percent}%.` : 'write the percentage, e.g. 99.9.',
    },
  ];
}

/**
 * A histogram's base name given with a suffix the generator appends (`_bucket`, `_count`, `_sum`), or a counter's
 * `_total`: the rules would read `<name>_bucket_bucket`.
 */
export function histogramBaseNameWarnings(name: unknown, path: string): ConfigWarning[] {
  if (typeof name !== 'string') return [];
  const m = /^(.+?)(_bucket|_count|_sum|_total)$/.exec(name);
  if (!m) return [];
  const counter = m[2] === '_total';
  return [
    {
      code: 'METRIC_NAME_SUFFIX',
      path,
      message: counter
        ? 'ends with "_total", the suffix of a counter: a latency SLI reads the histogram <name>_bucket and <name>_count'
        : `ends with "${m[2]}", which the generator appends itself: the rules would read ${name}_bucket and ${name}_count`,
      value: name,
      fix: counter ? "name the request-duration histogram's base name, e.g. \"http_request_duration_seconds\"." : `give the histogram's base name: "${m[1]}".`,
    },
  ];
}

/**
 * A base URL given with an endpoint path the stack appends itself (`Loki.fromUrl('http://loki:3100/loki/api/v1/push')`
 * would send to `.../push/otlp/v1/logs`): the URL without that path was most likely meant.
 */
export function basePathWarnings(url: unknown, path: string, options: { readonly component: string; readonly endpoints: readonly string[] }): ConfigWarning[] {
  const parsed = parseHttpUrl(url);
  if (!parsed) return [];
  const pathname = parsed.pathname.replace(/\/+$/, '');
  const endpoint = options.endpoints.find((e) => pathname.endsWith(e));
  if (endpoint === undefined) return [];
  const base = `${parsed.origin}${pathname.slice(0, pathname.length - endpoint.length)}`;
  return [
    {
      code: 'BASE_URL_WITH_ENDPOINT',
      path,
      message: `ends with ${options.component}'s endpoint path "${endpoint}", but it is the base URL: the stack appends each endpoint's path to it`,
      value: url,
      fix: `give the base URL: "${base}".`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// scrape settings (the typed workload monitors, translated scrape jobs)

/** The relabel actions of Prometheus 3 (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config). */
export const RELABEL_ACTIONS = ['replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase'] as const;

/**
 * `target_label` of a `replace` may hold `$1`/`${name}` references, which Prometheus expands before checking the
 * name (its `relabelTargetLegacy` pattern); the other actions that write a label take a plain label name.
 */
const RELABEL_TARGET = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/** A regular expression RE2 (Prometheus, Alertmanager) compiles: the RE2 grammar of regexProblems. */
export function re2Problems(value: unknown, path: string): ConfigProblem[] {
  return regexProblems(value, path);
}

/**
 * One relabel rule as Prometheus' config loader checks it: a known action, valid source label names, a regex RE2
 * compiles, a target label where the action writes one (`replace`, `hashmod`, `lowercase`, `uppercase`), a modulus
 * for `hashmod`, and no target for the actions that only filter.
 */
export function relabelConfigProblems(r: {
  readonly action?: unknown;
  readonly sourceLabels?: readonly unknown[];
  readonly regex?: unknown;
  readonly targetLabel?: unknown;
  readonly modulus?: unknown;
}, path: string): ConfigProblem[] {
  if (r === null || typeof r !== 'object') return [{ path, message: 'must be a relabel rule { sourceLabels, regex, action, ... }', value: r, fix: 'pass an object.' }];
  const problems: ConfigProblem[] = [];
  const action = r.action ?? 'replace';
  if (!(RELABEL_ACTIONS as readonly unknown[]).includes(action)) {
    problems.push({ path: `${path}.action`, message: `is not a relabel action (${RELABEL_ACTIONS.join(', ')})`, value: r.action, fix: 'use one of them in lowercase, e.g. "keep".' });
  }
  (r.sourceLabels ?? []).forEach((l, i) => problems.push(...labelNameProblems(l, `${path}.sourceLabels[${i}]`, { allowReserved: true })));
  if (r.regex !== undefined) problems.push(...re2Problems(r.regex, `${path}.regex`));
  const writes = ['replace', 'hashmod', 'lowercase', 'uppercase'].includes(action as string);
  if (writes && r.targetLabel === undefined) {
    problems.push({ path: `${path}.targetLabel`, message: `is required by action "${String(action)}"`, fix: 'name the label to write, e.g. "service".' });
  } else if (r.targetLabel !== undefined) {
    if (!writes) problems.push({ path: `${path}.targetLabel`, message: `is not used by action "${String(action)}"`, value: r.targetLabel, fix: 'remove it.' });
    else if (action === 'replace' ? typeof r.targetLabel !== 'string' || !RELABEL_TARGET.test(r.targetLabel) : labelNameProblems(r.targetLabel, path, { allowReserved: true }).length > 0) {
      problems.push({ path: `${path}.targetLabel`, message: 'is not a label name (letters, digits and "_"; a replace may use $1 or ${name})', value: r.targetLabel, fix: `use e.g. "${sanitizeLabelName(String(r.targetLabel))}".` });
    }
  }
  if (action === 'hashmod' && !(Number.isInteger(r.modulus) && (r.modulus as number) > 0)) {
    problems.push({ path: `${path}.modulus`, message: 'must be a positive whole number for action "hashmod"', value: r.modulus, fix: 'set e.g. modulus: 2.' });
  }
  return problems;
}

/** An HTTP path Prometheus scrapes (`metrics_path`): starts with "/", no query or fragment (params go in `params`). */
export function metricsPathProblems(value: unknown, path: string): ConfigProblem[] {
  if (typeof value === 'string' && value.startsWith('/') && !/[?#\s]/.test(value)) return [];
  return [{ path, message: 'must be an HTTP path starting with "/", without "?", "#" or spaces', value, fix: 'write e.g. "/metrics" (query parameters go in params).' }];
}
