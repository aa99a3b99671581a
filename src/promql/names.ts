import { ConfigProblem } from '../common/errors';

/**
 * Validators for the names users pick (services, SLOs, labels, metrics) where they become Prometheus or Kubernetes
 * names. Each returns the problems (empty when valid), naming the path, the value, what is allowed and a corrected
 * name to use instead.
 *
 * Rules: Prometheus data model (https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels) in its
 * classic form (Prometheus 3 also accepts UTF-8 names, but exporters, older tools and PromQL without quoting do
 * not); Kubernetes object names and label values
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/,
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).
 */

export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const K8S_LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
export const K8S_LABEL_VALUE_MAX = 63;

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

function firstInvalid(value: string, allowed: RegExp): string | undefined {
  for (const c of value) if (!allowed.test(c)) return c;
  return undefined;
}

function describeChar(c: string): string {
  return c === ' ' ? 'a space' : /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/u.test(c) ? `the control character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `"${c}"`;
}

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

/** `Order_Service` → `order-service`: lower case, other characters become `-`, trimmed to 63. */
export function sanitizeDns1123Label(value: string): string {
  const s = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .slice(0, DNS1123_LABEL_MAX)
    .replace(/-+$/, '');
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

/** A Prometheus metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function metricNameProblems(value: unknown, path: string): ConfigProblem[] {
  const typed = notString(value, path, 'a Prometheus metric name', 'http_requests_total');
  if (typed.length > 0) return typed;
  const v = value as string;
  if (METRIC_NAME.test(v)) return [];
  const allowed = 'metric names are ASCII letters, digits, "_" and ":", not starting with a digit';
  if (v === '') return [{ path, message: `is an empty Prometheus metric name; ${allowed}`, value: v, fix: 'name the metric, e.g. "http_requests_total".' }];
  const bad = firstInvalid(v, /[a-zA-Z0-9_:]/);
  const reason = bad !== undefined ? `contains ${describeChar(bad)}` : 'starts with a digit';
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
    const reason = bad !== undefined ? `contains ${describeChar(bad)}` : 'starts with a digit';
    return [{ path, message: `is not a valid Prometheus label name: it ${reason}; ${allowed}`, value: v, fix: `rename it to "${sanitizeLabelName(v)}".` }];
  }
  if (v.startsWith('__') && !options.allowReserved) {
    return [{ path, message: 'is a reserved Prometheus label name: names starting with "__" are for Prometheus\' internal use', value: v, fix: `rename it to "${sanitizeLabelName(v)}".` }];
  }
  return [];
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
    return [{ path, message: `contains ${describeChar(control)}; ${allowed}`, value: v, fix: `remove it: "${v.replace(/[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]+/gu, ' ').replace(/\s+/g, ' ').trim()}".` }];
  }
  if (v !== v.trim()) return [{ path, message: `has leading or trailing whitespace; ${allowed}`, value: v, fix: `use "${v.trim()}".` }];
  if (options.maxLength !== undefined && [...v].length > options.maxLength) {
    return [{ path, message: `is ${[...v].length} characters long, more than the ${options.maxLength} allowed`, value: v, fix: `shorten it to at most ${options.maxLength} characters.` }];
  }
  return [];
}

/** A Kubernetes object name that must be a DNS-1123 label (Services, namespaces, ...): at most 63 of `[a-z0-9-]`. */
export function dns1123LabelProblems(value: unknown, path: string): ConfigProblem[] {
  const typed = notString(value, path, 'a Kubernetes name', 'order-service');
  if (typed.length > 0) return typed;
  const v = value as string;
  if (v.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(v)) return [];
  const allowed = `Kubernetes names (DNS-1123 labels) are at most ${DNS1123_LABEL_MAX} lowercase letters, digits and "-", starting and ending with a letter or digit`;
  if (v === '') return [{ path, message: `is an empty Kubernetes name; ${allowed}`, value: v, fix: 'name it, e.g. "order-service".' }];
  return [{ path, message: `is not a valid Kubernetes name: it ${dnsReason(v, DNS1123_LABEL_MAX, /[a-z0-9-]/)}; ${allowed}`, value: v, fix: `use "${sanitizeDns1123Label(v)}".` }];
}

/** A Kubernetes object name that must be a DNS-1123 subdomain (ConfigMaps, Secrets, ...): at most 253 of `[a-z0-9.-]`. */
export function dns1123SubdomainProblems(value: unknown, path: string): ConfigProblem[] {
  const typed = notString(value, path, 'a Kubernetes name', 'order-service.rules');
  if (typed.length > 0) return typed;
  const v = value as string;
  if (v.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(v)) return [];
  const allowed = `Kubernetes names (DNS-1123 subdomains) are at most ${DNS1123_SUBDOMAIN_MAX} lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit`;
  if (v === '') return [{ path, message: `is an empty Kubernetes name; ${allowed}`, value: v, fix: 'name it, e.g. "order-service".' }];
  return [{ path, message: `is not a valid Kubernetes name: it ${dnsReason(v, DNS1123_SUBDOMAIN_MAX, /[a-z0-9.-]/)}; ${allowed}`, value: v, fix: `use "${sanitizeDns1123Subdomain(v)}".` }];
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
        ? `contains ${describeChar(bad)}`
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

function dnsReason(v: string, max: number, allowed: RegExp): string {
  if (v.length > max) return `is ${v.length} characters long`;
  if (/[A-Z]/.test(v)) return 'contains uppercase letters';
  const bad = firstInvalid(v, allowed);
  if (bad !== undefined) return `contains ${describeChar(bad)}`;
  if (/^[-.]/.test(v)) return `starts with "${v[0]}"`;
  if (/[-.]$/.test(v)) return `ends with "${v[v.length - 1]}"`;
  return 'has an empty part between dots or a part starting or ending with "-"';
}
