import { ConfigProblem, formatProblem } from '../../src/common/errors';
import {
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  kubernetesLabelValueProblems,
  labelNameProblems,
  labelValueProblems,
  metricNameProblems,
  sanitizeDns1123Label,
  sanitizeDns1123Subdomain,
  sanitizeKubernetesLabelValue,
  sanitizeLabelName,
  sanitizeMetricName,
} from '../../src/common/validation';

type Validator = (value: unknown, path: string) => ConfigProblem[];

const PATH = 'services[0].name';
const METRIC = 'metric names are ASCII letters, digits, "_" and ":", not starting with a digit';
const LABEL = 'label names are ASCII letters, digits and "_", not starting with a digit';
const VALUE = 'names used as label values must be non-empty printable text';
const DNS_LABEL = 'Kubernetes names (DNS-1123 labels) are at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit';
const DNS_SUBDOMAIN =
  'Kubernetes names (DNS-1123 subdomains) are at most 253 lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit';
const K8S_VALUE = 'label values are at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';

const VALID: readonly [string, Validator, unknown][] = [
  ['metric', metricNameProblems, 'http_requests_total'],
  ['metric', metricNameProblems, 'slo:sli_error:ratio_rate5m'],
  ['metric', metricNameProblems, '_private'],
  ['label', labelNameProblems, 'service'],
  ['label', labelNameProblems, 'sloth_id'],
  ['label', labelNameProblems, '_x1'],
  ['label value', labelValueProblems, 'order-service'],
  ['label value', labelValueProblems, 'Checkout: p99 < 200 ms'],
  ['label value', labelValueProblems, 'zahlungsdienst-ü'],
  ['DNS-1123 label', dns1123LabelProblems, 'order-service'],
  ['DNS-1123 label', dns1123LabelProblems, '0'],
  ['DNS-1123 label', dns1123LabelProblems, 'a'.repeat(63)],
  ['DNS-1123 subdomain', dns1123SubdomainProblems, 'order-service.rules'],
  ['DNS-1123 subdomain', dns1123SubdomainProblems, 'a'.repeat(253)],
  ['Kubernetes label value', kubernetesLabelValueProblems, ''],
  ['Kubernetes label value', kubernetesLabelValueProblems, 'Order_Service.v2'],
];

const INVALID: readonly [string, Validator, unknown, string][] = [
  [
    'a metric name with "-" and "."',
    metricNameProblems,
    'http-requests.total',
    `${PATH}: is not a valid Prometheus metric name: it contains "-" at character 5; ${METRIC} (got "http-requests.total"). Fix: rename it to "http_requests_total".`,
  ],
  ['a metric name starting with a digit', metricNameProblems, '5xx_total', `${PATH}: is not a valid Prometheus metric name: it starts with a digit; ${METRIC} (got "5xx_total"). Fix: rename it to "_5xx_total".`],
  ['an empty metric name', metricNameProblems, '', `${PATH}: is an empty Prometheus metric name; ${METRIC} (got ""). Fix: name the metric, e.g. "http_requests_total".`],
  ['a metric name that is not a string', metricNameProblems, 42, `${PATH}: must be a string (a Prometheus metric name) (got 42). Fix: use a string such as "http_requests_total".`],
  ['a label name with "-"', labelNameProblems, 'team-name', `${PATH}: is not a valid Prometheus label name: it contains "-" at character 5; ${LABEL} (got "team-name"). Fix: rename it to "team_name".`],
  ['a label name with ":"', labelNameProblems, 'slo:name', `${PATH}: is not a valid Prometheus label name: it contains ":" at character 4; ${LABEL} (got "slo:name"). Fix: rename it to "slo_name".`],
  ['a label name starting with a digit', labelNameProblems, '1abc', `${PATH}: is not a valid Prometheus label name: it starts with a digit; ${LABEL} (got "1abc"). Fix: rename it to "_1abc".`],
  [
    'a reserved label name',
    labelNameProblems,
    '__service',
    `${PATH}: is a reserved Prometheus label name: names starting with "__" are for Prometheus' internal use (got "__service"). Fix: rename it to "service".`,
  ],
  ['an empty label value', labelValueProblems, '', `${PATH}: is empty; ${VALUE} (got ""). Fix: give it a name, e.g. "order-service".`],
  ['a label value with a newline', labelValueProblems, 'order\nservice', `${PATH}: contains the control character U+000A at character 6; ${VALUE} (got "order\\nservice"). Fix: remove it: "order service".`],
  ['a label value with surrounding spaces', labelValueProblems, ' checkout ', `${PATH}: has leading or trailing whitespace; ${VALUE} (got " checkout "). Fix: use "checkout".`],
  ['a Kubernetes name with uppercase and "_"', dns1123LabelProblems, 'Order_Service', `${PATH}: is not a valid Kubernetes name: it contains uppercase letters; ${DNS_LABEL} (got "Order_Service"). Fix: use "order-service".`],
  ['a Kubernetes name starting with "-"', dns1123LabelProblems, '-api', `${PATH}: is not a valid Kubernetes name: it starts with "-"; ${DNS_LABEL} (got "-api"). Fix: use "api".`],
  ['a Kubernetes name with a dot', dns1123LabelProblems, 'api.v2', `${PATH}: is not a valid Kubernetes name: it contains "." at character 4; ${DNS_LABEL} (got "api.v2"). Fix: use "api-v2".`],
  [
    'a Kubernetes name of 64 characters',
    dns1123LabelProblems,
    `${'a'.repeat(60)}-svc`,
    `${PATH}: is not a valid Kubernetes name: it is 64 characters long; ${DNS_LABEL} (got "${'a'.repeat(60)}-svc"). Fix: use "${'a'.repeat(60)}-sv".`,
  ],
  [
    'a subdomain with uppercase and "_"',
    dns1123SubdomainProblems,
    'My_App.Example.com',
    `${PATH}: is not a valid Kubernetes name: it contains uppercase letters; ${DNS_SUBDOMAIN} (got "My_App.Example.com"). Fix: use "my-app.example.com".`,
  ],
  [
    'a subdomain with an empty part',
    dns1123SubdomainProblems,
    'app..rules',
    `${PATH}: is not a valid Kubernetes name: it has an empty part between dots or a part starting or ending with "-"; ${DNS_SUBDOMAIN} (got "app..rules"). Fix: use "app.rules".`,
  ],
  ['a Kubernetes label value with a space', kubernetesLabelValueProblems, 'order service', `${PATH}: is not a valid Kubernetes label value: it contains a space at character 6; ${K8S_VALUE} (got "order service"). Fix: use "order_service".`],
  ['a Kubernetes label value ending with "."', kubernetesLabelValueProblems, 'v1.', `${PATH}: is not a valid Kubernetes label value: it ends with "."; ${K8S_VALUE} (got "v1."). Fix: use "v1".`],
  [
    'a Kubernetes label value of 70 characters',
    kubernetesLabelValueProblems,
    'x'.repeat(70),
    `${PATH}: is not a valid Kubernetes label value: it is 70 characters long; ${K8S_VALUE} (got "${'x'.repeat(70)}"). Fix: use "${'x'.repeat(63)}".`,
  ],
];

describe('name validators', () => {
  test.each(VALID.map(([kind, fn, value]) => [kind, JSON.stringify(value).slice(0, 40), fn, value] as const))('accept the %s %s', (_, __, fn, value) => {
    expect(fn(value, PATH)).toEqual([]);
  });

  test.each(INVALID.map(([name, fn, value, message]) => [name, fn, value, message] as const))('reject %s', (_, fn, value, message) => {
    // WHEN
    const problems = fn(value, PATH);
    // THEN one problem naming the path, the value, what is allowed and the corrected name
    expect(problems.map(formatProblem)).toEqual([message]);
    expect(problems[0]).toMatchObject({ path: PATH, value });
  });

  test('reserved label names are accepted where asked for', () => {
    expect(labelNameProblems('__address__', PATH, { allowReserved: true })).toEqual([]);
  });

  test('label values can be length-limited', () => {
    expect(labelValueProblems('checkout-latency', PATH, { maxLength: 10 }).map(formatProblem)).toEqual([
      `${PATH}: is 16 characters long, more than the 10 allowed (got "checkout-latency"). Fix: shorten it to at most 10 characters.`,
    ]);
  });

  test('every suggested fix is itself valid', () => {
    // GIVEN awkward inputs
    const inputs = ['Order Service/v2', '--x--', '9lives', '__meta_x', 'ÜBER.dienst', '..', `${'Ab_'.repeat(40)}`, ''];
    for (const input of inputs) {
      // THEN the sanitized names pass their own validators
      expect(metricNameProblems(sanitizeMetricName(input || 'x'), PATH)).toEqual([]);
      expect(labelNameProblems(sanitizeLabelName(input), PATH)).toEqual([]);
      expect(dns1123LabelProblems(sanitizeDns1123Label(input), PATH)).toEqual([]);
      expect(dns1123SubdomainProblems(sanitizeDns1123Subdomain(input), PATH)).toEqual([]);
      expect(kubernetesLabelValueProblems(sanitizeKubernetesLabelValue(input), PATH)).toEqual([]);
    }
  });
});
