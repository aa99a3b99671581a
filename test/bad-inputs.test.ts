import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { App, Testing } from 'cdk8s';
import { cdk8sYamlRunner } from '../bench/synth';
import { ConfigError } from '../src/common/errors';
import { synthOrExit } from '../src/common/synth';
import { Receiver } from '../src/components/alertmanager';
import { promQuery, timeseriesPanel } from '../src/dashboards';
import { NetworkPeer } from '../src/network';
import { ObservabilityStack, ObservabilityStackProps } from '../src/stack';

/**
 * The mistakes users make most, one row each, and the EXACT message each produces: a typo must fail synth with one
 * sentence naming the field, the value and the fix. Bad props fail at construction (a ConfigError); what can only be
 * judged on the finished tree (a route naming a receiver that may be added later, two objects with one name) fails
 * at synth with cdk8s' "Validation failed with the following errors", each line prefixed by the construct path.
 */

/** Builds the stack, lets `after` call addXxx methods, then synthesizes (which runs the synth-time validations). */
function synth(props: ObservabilityStackProps, after?: (stack: ObservabilityStack) => void): void {
  const app = Testing.app();
  const stack = new ObservabilityStack(app, 'observability', props);
  after?.(stack);
  Testing.synth(stack);
}

/** The message of what `fn` throws (the test fails when it throws nothing). */
function messageOf(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError or a synth-time validation error, but nothing was thrown');
}

/** One service with one SLO (error-rate 99.9%), the SLO overridden by `slo`. */
function oneSlo(slo: Record<string, unknown>, service: Record<string, unknown> = {}): ObservabilityStackProps {
  return { services: [{ name: 'shop', ...service, slos: [{ name: 'errors', objective: 99.9, sli: { kind: 'error-rate' }, ...slo } as never] }] };
}

const DURATION_FIX = 'Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".';
const QUANTITY_FIX = 'Fix: write a number with an optional suffix, e.g. "250m" for CPU or "512Mi" / "2Gi" for memory and storage.';
const OBJECTIVE_FIX = 'Fix: write e.g. 99.9 for "99.9% of events are good" (100 leaves no error budget).';
const RECEIVER_FIX = (name: string) =>
  `Fix: use one of the known receivers ("pagerduty", "slack", "email") or define a receiver named "${name}" (receivers prop or addReceiver()).`;
const PROVISIONED =
  'Fix: use one of the provisioned datasource uids ("prometheus", "loki", "jaeger", "alertmanager"), a built-in ("-- Grafana --", "-- Mixed --", "-- Dashboard --") or a datasource variable ("${datasource}").';
const VALIDATION = 'Validation failed with the following errors:\n  ';

interface BadInput {
  readonly mistake: string;
  readonly act: () => void;
  readonly message: string;
}

const BAD_INPUTS: BadInput[] = [
  // --- SLOs ------------------------------------------------------------------------------------------------------
  {
    mistake: 'an objective of 100 (no error budget)',
    act: () => synth(oneSlo({ objective: 100 })),
    message: `observability/Slos.services.shop.slos.errors.objective: must be a percentage strictly between 0 and 100 (got 100). ${OBJECTIVE_FIX}`,
  },
  {
    mistake: 'an objective over 100',
    act: () => synth(oneSlo({ objective: 120 })),
    message: `observability/Slos.services.shop.slos.errors.objective: must be a percentage strictly between 0 and 100 (got 120). ${OBJECTIVE_FIX}`,
  },
  {
    mistake: 'an objective of 0',
    act: () => synth(oneSlo({ objective: 0 })),
    message: `observability/Slos.services.shop.slos.errors.objective: must be a percentage strictly between 0 and 100 (got 0). ${OBJECTIVE_FIX}`,
  },
  {
    mistake: 'a negative objective',
    act: () => synth(oneSlo({ objective: -1 })),
    message: `observability/Slos.services.shop.slos.errors.objective: must be a percentage strictly between 0 and 100 (got -1). ${OBJECTIVE_FIX}`,
  },
  {
    mistake: 'a latency threshold that is not a histogram bucket',
    act: () => synth(oneSlo({ name: 'latency', objective: 99, sli: { kind: 'latency', threshold: 0.3 } })),
    message:
      'observability/Slos.services.shop.slos.latency.sli.threshold: 0.3 is not a bucket boundary of http_request_duration_seconds (nearest boundaries: 0.25 and 0.5); a latency SLI counts requests in the bucket le="0.3" (got 0.3). Fix: declare histogramBuckets including 0.3 on service shop (and the same buckets in the application\'s histogram), or use 0.25 (250 ms) or 0.5 (500 ms) as the threshold.',
  },
  {
    mistake: 'a raw SLI query without the {{window}} placeholder',
    act: () => synth(oneSlo({ sli: { kind: 'raw', errorQuery: 'sum(rate(errors_total[5m]))', totalQuery: 'sum(rate(requests_total[{{window}}]))' } })),
    message:
      'observability/Slos.services.shop.slos.errors.sli.errorQuery: must contain the {{window}} placeholder (got "sum(rate(errors_total[5m]))"). Fix: write the range of every rate as [{{window}}], e.g. sum(rate(my_errors_total[{{window}}])); it is replaced by each window (5m, 30m, 1h).',
  },
  {
    // Validated by the SLO model (src/slo) itself, with the spec path; Prometheus.addRuleFile would catch it too.
    mistake: 'invalid PromQL in a raw SLI query',
    act: () => synth(oneSlo({ sli: { kind: 'raw', errorQuery: 'sum(rate(errors_total[{{window}}])', totalQuery: 'sum(rate(requests_total[{{window}}]))' } })),
    message: [
      'observability/Slos.services.shop.slos.errors.sli.errorQuery: unclosed "(" at column 4 of the PromQL expression',
      '    sum(rate(errors_total[{{window}}])',
      '       ^ here. Fix: add the matching ")".',
    ].join('\n'),
  },
  {
    mistake: 'two SLOs of one service with the same name',
    act: () =>
      synth({
        services: [
          {
            name: 'shop',
            slos: [
              { name: 'errors', objective: 99, sli: { kind: 'error-rate' } },
              { name: 'errors', objective: 99.9, sli: { kind: 'error-rate' } },
            ],
          },
        ],
      }),
    message: 'observability/Slos.services.shop.slos.errors.name: duplicates another SLO of service shop (got "errors"). Fix: SLO names must be unique within a service.',
  },
  {
    mistake: 'an unknown SLO class',
    act: () => synth({ services: [{ name: 'shop', class: 'GOLD' }] }),
    message: 'observability/Slos.services.shop.class: is not a known SLO class (got "GOLD"). Fix: use one of CRITICAL, HIGH_FAST, HIGH_SLOW, LOW, or define it in the model options\' classes.',
  },
  {
    mistake: 'an SLO period that is not a supported window table',
    act: () => synth(oneSlo({ period: '1 day' })),
    message: 'observability/Slos.services.shop.slos.errors.period: has no alert window table (got "1 day"). Fix: use one of 28d, 30d, or pass a table for it in the model options\' windowTables.',
  },
  // --- service names ---------------------------------------------------------------------------------------------
  {
    mistake: 'the same service twice',
    act: () => synth({ services: [{ name: 'shop', class: 'LOW' }, { name: 'shop', class: 'LOW' }] }),
    message: 'observability/Slos.services[1].name: duplicates services[0] (got "shop"). Fix: declare each service once; put all its SLOs in one entry.',
  },
  {
    mistake: 'an upper-case service name',
    act: () => synth({ services: [{ name: 'Shop', class: 'LOW' }] }),
    message:
      'observability/Slos.services.Shop.name: is not a valid Kubernetes name: it contains uppercase letters; Kubernetes names (DNS-1123 labels) are at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit (got "Shop"). Fix: use "shop".',
  },
  {
    mistake: 'a service name longer than 63 characters',
    act: () => synth({ services: [{ name: `shop-${'x'.repeat(59)}`, class: 'LOW' }] }),
    message: `observability/Slos.services.shop-${'x'.repeat(59)}.name: is not a valid Kubernetes name: it is 64 characters long; Kubernetes names (DNS-1123 labels) are at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit (got "shop-${'x'.repeat(59)}"). Fix: use "shop-${'x'.repeat(58)}".`,
  },
  // --- PromQL in a user-added rule group -------------------------------------------------------------------------
  {
    mistake: 'rate() without a range in a rule added with addRuleGroup',
    act: () => synth({}, (s) => s.prometheus.addRuleGroup({ name: 'team', rules: [{ alert: 'Errors', expr: 'rate(http_requests_total{status=~"5.."}) > 0.1' }] })),
    message: [
      'observability/Prometheus.ruleFiles[team.rules.yml].groups[team].rules[0].expr: rate() needs a range vector, but "http_requests_total{status=~"5.."}" is an instant vector at column 6 of the PromQL expression',
      '    rate(http_requests_total{status=~"5.."}) > 0.1',
      '         ^ here. Fix: give the selector a range: rate(http_requests_total{status=~"5.."}[5m]).',
    ].join('\n'),
  },
  {
    mistake: 'a recording rule name that is not a metric name',
    act: () => synth({}, (s) => s.prometheus.addRuleGroup({ name: 'team', rules: [{ record: 'job:http-requests:rate5m', expr: 'sum by (job) (rate(http_requests_total[5m]))' }] })),
    message:
      'observability/Prometheus.ruleFiles[team.rules.yml].groups[team].rules[0].record: is not a valid Prometheus metric name: it contains "-" at character 9; metric names are ASCII letters, digits, "_" and ":", not starting with a digit (got "job:http-requests:rate5m"). Fix: rename it to "job:http_requests:rate5m".',
  },
  {
    mistake: 'an alert "for" written "5min"',
    act: () => synth({}, (s) => s.prometheus.addRuleGroup({ name: 'team', rules: [{ alert: 'Down', expr: 'up == 0', for: '5min' }] })),
    message:
      'observability/Prometheus.ruleFiles[team.rules.yml].groups[team].rules[0].for: is not a Prometheus duration: "i" at character 3 is not a digit or a unit (got "5min"). Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
  },
  {
    mistake: 'a rule label name with a dash',
    act: () => synth({}, (s) => s.prometheus.addRuleGroup({ name: 'team', rules: [{ alert: 'Down', expr: 'up == 0', labels: { 'team-name': 'shop' } }] })),
    message:
      'observability/Prometheus.ruleFiles[team.rules.yml].groups[team].rules[0].labels.team-name: is not a valid Prometheus label name: it contains "-" at character 5; label names are ASCII letters, digits and "_", not starting with a digit (got "team-name"). Fix: rename it to "team_name".',
  },
  // --- Alertmanager routes and receivers -------------------------------------------------------------------------
  {
    mistake: 'a root route naming an unknown receiver (found at synth)',
    act: () => synth({ alertmanager: { route: { receiver: 'oncall' } } }),
    message: `${VALIDATION}[observability/Alertmanager] route.receiver: names an unknown receiver (got "oncall"). ${RECEIVER_FIX('oncall')}`,
  },
  {
    mistake: 'an added route naming a receiver that is never added (found at synth)',
    act: () => synth({}, (s) => s.alertmanager!.addRoute({ receiver: 'dba', matchers: ['team="db"'] })),
    message: `${VALIDATION}[observability/Alertmanager] route.routes[2].receiver: names an unknown receiver (got "dba"). ${RECEIVER_FIX('dba')}`,
  },
  {
    mistake: 'two receivers with the same name',
    act: () => synth({ alertmanager: { receivers: [Receiver.none('team'), Receiver.none('team')], route: { receiver: 'team' } } }),
    message:
      'observability/Alertmanager.receivers[1].name: duplicates the name of receivers[0] (got "team"). Fix: give every receiver a unique name (combine integrations into one receiver with Receiver.and()).',
  },
  {
    mistake: 'a matcher with a stray quote',
    act: () => synth({}, (s) => s.alertmanager!.addRoute({ receiver: 'slack', matchers: ['team=db"'] })),
    message:
      'observability/Alertmanager.route.routes[2].matchers[0]: has an unquoted value with the reserved character "\\"" at character 8 (reserved: whitespace, {}!=~,\\"\'` or a second matcher) (got "team=db\\""). Fix: write one matcher per entry as label, operator (=, !=, =~, !~) and a double-quoted value, e.g. severity="critical" or service=~"api|web"; or build it with Matcher.equal("severity", "critical").',
  },
  {
    mistake: 'a matcher whose regular expression RE2 rejects',
    act: () => synth({}, (s) => s.alertmanager!.addRoute({ receiver: 'slack', matchers: ['severity=~"(critical"'] })),
    message:
      'observability/Alertmanager.route.routes[2].matchers[0]: has a regular expression Alertmanager rejects (RE2): missing closing ) at character 1 of the value (got "severity=~\\"(critical\\""). Fix: close the group that starts here, or escape the ( as \\(.',
  },
  // --- quantities ------------------------------------------------------------------------------------------------
  {
    mistake: 'a storage size written "50 GB"',
    act: () => synth({ prometheus: { storageSize: '50 GB' } }),
    message: `observability/Prometheus.storageSize: is not a Kubernetes quantity (got "50 GB"). ${QUANTITY_FIX}`,
  },
  {
    mistake: 'a negative memory request',
    act: () => synth({ loki: { resources: { cpuRequest: '500m', memoryRequest: '-1Gi' } } }),
    message: 'observability/Loki.resources.memoryRequest: must be a positive byte size (got "-1Gi"). Fix: use a binary suffix such as "512Mi" or "10Gi".',
  },
  {
    mistake: 'a memory limit below the request',
    act: () => synth({ grafana: { resources: { cpuRequest: '100m', memoryRequest: '1Gi', memoryLimit: '512Mi' } } }),
    message: 'observability/Grafana.resources.memoryLimit: must not be less than memoryRequest (1Gi) (got "512Mi"). Fix: raise the limit, lower the request, or omit memoryLimit (limit = request).',
  },
  {
    mistake: 'a CPU request written "0.5 cores"',
    act: () => synth({ nodeExporter: { resources: { cpuRequest: '0.5 cores', memoryRequest: '64Mi' } } }),
    message: `observability/NodeExporter.resources.cpuRequest: is not a Kubernetes quantity (got "0.5 cores"). ${QUANTITY_FIX}`,
  },
  {
    mistake: 'an Alertmanager volume written "2 GiB"',
    act: () => synth({ alertmanager: { storageSize: '2 GiB' } }),
    message: `observability/Alertmanager.storageSize: is not a Kubernetes quantity (got "2 GiB"). ${QUANTITY_FIX}`,
  },
  // --- durations -------------------------------------------------------------------------------------------------
  {
    mistake: 'a retention written "1 day"',
    act: () => synth({ prometheus: { retentionTime: '1 day' } }),
    message: `observability/Prometheus.retentionTime: is not a positive Prometheus duration: a space at character 2 is not a unit (got "1 day"). ${DURATION_FIX}`,
  },
  {
    mistake: 'a scrape interval written "5min"',
    act: () => synth({ prometheus: { scrapeInterval: '5min' } }),
    message: `observability/Prometheus.scrapeInterval: is not a positive Prometheus duration: "i" at character 3 is not a digit or a unit (got "5min"). ${DURATION_FIX}`,
  },
  {
    mistake: 'a route group_wait written "30 seconds"',
    act: () => synth({ alertmanager: { route: { receiver: 'email', groupWait: '30 seconds' } } }),
    message: 'observability/Alertmanager.route.groupWait: is not a Prometheus duration: a space at character 3 is not a unit (got "30 seconds"). Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
  },
  // --- scrape jobs, labels, names ----------------------------------------------------------------------------------
  {
    mistake: 'a scrape job named like a default job',
    act: () => synth({}, (s) => s.prometheus.addScrapeConfig({ jobName: 'prometheus', staticConfigs: [{ targets: ['localhost:9090'] }] })),
    message:
      'observability/Prometheus.scrapeConfigs[7].jobName: is already the name of a scrape job of this Prometheus (job names must be unique; the job label would mix both) (got "prometheus"). Fix: rename the new job, e.g. "prometheus-2", or drop the default jobs with defaultScrapeJobs: false to replace "prometheus".',
  },
  {
    mistake: 'an external label name with a dash',
    act: () => synth({ prometheus: { externalLabels: { 'cluster-name': 'prod' } } }),
    message:
      'observability/Prometheus.externalLabels.cluster-name: is not a valid Prometheus label name: it contains "-" at character 8; label names are ASCII letters, digits and "_", not starting with a digit (got "cluster-name"). Fix: rename it to "cluster_name".',
  },
  {
    mistake: 'an upper-case namespace',
    act: () => synth({ namespace: 'Monitoring' }),
    message:
      'observability.namespace: is not a valid Kubernetes name: it contains uppercase letters; Kubernetes names (DNS-1123 labels) are at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit (got "Monitoring"). Fix: use "monitoring".',
  },
  {
    mistake: 'the agents in the same namespace as everything else',
    act: () => synth({ namespace: 'monitoring', agentNamespace: 'monitoring' }),
    message:
      'observability.agentNamespace: must differ from namespace: the node agents need a namespace at Pod Security "privileged", the rest runs at "restricted" (got "monitoring"). Fix: use e.g. "monitoring-agents".',
  },
  {
    mistake: 'a component named like another one (two objects with one kind, namespace and name; found at synth)',
    act: () => synth({ grafana: { name: 'prometheus' } }),
    message:
      VALIDATION +
      [
        '[observability] observability/Grafana/Config: is a ConfigMap named "prometheus-config" in namespace "observability", like observability/Prometheus/Config: one would overwrite the other (got "prometheus-config"). Fix: give one of them another name (each component has a name prop), or put it in another namespace.',
        '[observability] observability/Grafana/Service/Resource: is a Service named "prometheus" in namespace "observability", like observability/Prometheus/Service/Resource: one would overwrite the other (got "prometheus"). Fix: give one of them another name (each component has a name prop), or put it in another namespace.',
        '[observability] observability/NetworkPolicies/grafana: is a NetworkPolicy named "prometheus" in namespace "observability", like observability/NetworkPolicies/prometheus: one would overwrite the other (got "prometheus"). Fix: give one of them another name (each component has a name prop), or put it in another namespace.',
      ].join('\n  '),
  },
  // --- network --------------------------------------------------------------------------------------------------
  {
    mistake: 'a node CIDR with a prefix longer than 32',
    act: () => synth({ networkPolicies: { nodeCidrs: ['10.0.0.0/33'] } }),
    message:
      'observability/NetworkPolicies.nodeCidrs[0]: is not a CIDR block (an IPv4 or IPv6 address, "/" and a prefix length) (got "10.0.0.0/33"). Fix: write e.g. "10.0.0.0/16", or "0.0.0.0/0" and "::/0" for any address.',
  },
  {
    mistake: 'an extra network rule for a component the stack leaves out',
    act: () => synth({ jaeger: false, networkPolicies: { extraRules: [{ component: 'jaeger', direction: 'ingress', peers: [NetworkPeer.namespace('tracing')] }] } }),
    message: `observability/NetworkPolicies.extraRules[0].component: names a component this stack leaves out (got "jaeger"). Fix: use one of ${['prometheus', 'alertmanager', 'grafana', 'loki', 'otelGateway', 'otelAgent', 'nodeExporter', 'kubeStateMetrics', 'blackboxExporter'].map((k) => JSON.stringify(k)).join(', ')}.`,
  },
  {
    mistake: 'OpenSearch Dashboards beside a Jaeger that does not store in OpenSearch',
    act: () => synth({ openSearchDashboards: {} }),
    message:
      'observability.openSearchDashboards: needs Jaeger on OpenSearch storage: OpenSearch Dashboards reads only OpenSearch (Grafana reads the other stores) (got "jaeger.storage: memory"). Fix: set jaeger.storage to JaegerStorage.opensearch({ serverUrls, secretName, ... }), or drop openSearchDashboards.',
  },
  {
    mistake: 'a Grafana Ingress without the ingress controller\'s namespace (the default deny would keep it out)',
    act: () => synth({ grafana: { ingress: { host: 'grafana.example.com' } } }),
    message:
      'observability.networkPolicies.ingressController: is required with a Grafana Ingress: the default deny keeps every other namespace away from Grafana, the ingress controller included (got undefined). Fix: name the controller\'s namespace, e.g. { namespace: "ingress-nginx" } (podLabels narrow it to its pods), or set networkPolicies: false.',
  },
  {
    mistake: 'an unknown Loki deletion mode',
    act: () => synth({ loki: { deletionMode: 'on' as never } }),
    message: 'observability/Loki.deletionMode: must be one of "disabled", "filter-only", "filter-and-delete" (got "on"). Fix: omit it to keep the deletion API off.',
  },
  {
    mistake: 'zero collector gateway replicas',
    act: () => synth({ otelGateway: { replicas: 0 } }),
    message: 'observability/OtelGateway.replicas: must be a whole number of at least 1 (got 0). Fix: use 2 (the default) so a rollout never stops ingestion.',
  },
  // --- Prometheus shards -----------------------------------------------------------------------------------------
  {
    mistake: 'zero Prometheus shards',
    act: () => synth({ prometheus: { shards: 0 }, thanos: { objectStorageSecret: 'thanos-objstore' } }),
    message: 'observability.prometheus.shards: must be a whole number from 1 to 64 (got 0). Fix: use 1 (one Prometheus, the default), or e.g. 4 to split the services over four Prometheus shards.',
  },
  {
    mistake: 'Prometheus shards without Thanos (no global view)',
    act: () => synth({ prometheus: { shards: 4 } }),
    message:
      'observability.prometheus.shards: needs thanos: with shards, no one Prometheus holds every series, and Thanos Query (reading every shard\'s sidecar) is the global view Grafana and the SLO dashboards read (got 4). Fix: add thanos: { objectStorageSecret: "<Secret holding objstore.yml>" }, or leave shards out.',
  },
  {
    mistake: 'Prometheus shards in operator mode',
    act: () => synth({ prometheusOperator: {}, prometheus: { shards: 4 } }),
    message:
      "observability.prometheus.shards: shards the stack's own Prometheus, which operator mode does not deploy (got 4). Fix: shard the operator's Prometheus with its own `shards` field (kube-prometheus-stack: prometheus.prometheusSpec.shards), and leave prometheus.shards out.",
  },

  // --- platform alerts -------------------------------------------------------------------------------------------
  {
    mistake: 'a platform alert threshold written as a percentage instead of a ratio',
    act: () => synth({ platformAlerts: { highErrorRate: { errorRatio: 5 } } }),
    message: 'observability.platformAlerts.highErrorRate.errorRatio: must be a number strictly between 0 and 1 (the share of requests answered 5xx) (got 5). Fix: write e.g. 0.01 for 1%.',
  },
  {
    mistake: "a platform alert's `for` in words",
    act: () => synth({ platformAlerts: { highMemoryUsage: { for: '5 minutes' } } }),
    message: `observability.platformAlerts.highMemoryUsage.for: is not a Prometheus duration: a space at character 2 is not a unit (got "5 minutes"). ${DURATION_FIX}`,
  },
  // --- dashboards ------------------------------------------------------------------------------------------------
  {
    mistake: 'a dashboard query with "by service" instead of "by (service)"',
    act: () =>
      synth({}, (s) =>
        s.grafana!.addDashboard(
          new DashboardBuilder('Shop')
            .uid('shop')
            .withPanel(timeseriesPanel({ title: 'Errors', unit: 'reqps', targets: [promQuery('sum(rate(http_requests_total{service="shop"}[$__rate_interval])) by service')] }))
            .build(),
        ),
      ),
    message: [
      'observability/Grafana.dashboards[shop].panels[0].targets[0].expr: "by" needs its labels in parentheses at column 69 of the PromQL expression',
      '    sum(rate(http_requests_total{service="shop"}[$__rate_interval])) by service',
      '                                                                        ^ here. Fix: write by (service).',
    ].join('\n'),
  },
  {
    mistake: 'a dashboard query against a datasource Grafana does not have',
    act: () =>
      synth({}, (s) =>
        s.grafana!.addDashboard(
          new DashboardBuilder('Shop')
            .uid('shop')
            .withPanel(timeseriesPanel({ title: 'Errors', unit: 'reqps', targets: [promQuery('sum(rate(http_requests_total[5m]))').datasource({ type: 'prometheus', uid: 'thanos' })] }))
            .build(),
        ),
      ),
    message: `observability/Grafana.dashboards[shop].panels[0].targets[0].datasource.uid: names a datasource that is not provisioned (got "thanos"). ${PROVISIONED}`,
  },
];

describe('bad input: one clear message naming the field, the value and the fix', () => {
  test('the table holds at least 25 distinct mistakes with distinct messages', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(25);
    expect(new Set(BAD_INPUTS.map((b) => b.mistake)).size).toBe(BAD_INPUTS.length);
    expect(new Set(BAD_INPUTS.map((b) => b.message)).size).toBe(BAD_INPUTS.length);
  });

  test.each(BAD_INPUTS)('$mistake', ({ act, message }) => {
    expect(messageOf(act)).toBe(message);
  });

  test('several problems of the props are reported together, in one ConfigError', () => {
    let error: unknown;
    try {
      synth({ prometheus: { storageSize: '50 GB', retentionTime: '1 day', scrapeInterval: '5min', replicas: 0 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual([
      'observability/Prometheus.storageSize',
      'observability/Prometheus.replicas',
      'observability/Prometheus.retentionTime',
      'observability/Prometheus.scrapeInterval',
    ]);
    expect((error as ConfigError).message).toBe(
      [
        `observability/Prometheus.storageSize: is not a Kubernetes quantity (got "50 GB"). ${QUANTITY_FIX}`,
        'observability/Prometheus.replicas: must be a whole number of at least 1 (got 0). Fix: use 1, or 2 for an HA pair.',
        `observability/Prometheus.retentionTime: is not a positive Prometheus duration: a space at character 2 is not a unit (got "1 day"). ${DURATION_FIX}`,
        `observability/Prometheus.scrapeInterval: is not a positive Prometheus duration: "i" at character 3 is not a digit or a unit (got "5min"). ${DURATION_FIX}`,
      ].join('\n'),
    );
  });

  test('several problems of the finished tree are reported together at synth', () => {
    expect(messageOf(() => synth({ alertmanager: { route: { receiver: 'oncall', routes: [{ receiver: 'dba' }] } } }))).toBe(
      VALIDATION +
        [
          `[observability/Alertmanager] route.receiver: names an unknown receiver (got "oncall"). ${RECEIVER_FIX('oncall')}`,
          `[observability/Alertmanager] route.routes[0].receiver: names an unknown receiver (got "dba"). ${RECEIVER_FIX('dba')}`,
        ].join('\n  '),
    );
  });

  test('several problems of one rule file are reported together', () => {
    const message = messageOf(() =>
      synth({}, (s) =>
        s.prometheus.addRuleFile({
          fileName: 'team.rules.yml',
          groups: [{ name: 'team', interval: '1 minute', rules: [{ record: 'bad-name', expr: 'sum(up' }, { alert: '', expr: 'up == 0', for: '5 m' }] }],
        }),
      ),
    );
    expect(message.split('\n').filter((l) => /^observability\//.test(l))).toEqual([
      'observability/Prometheus.ruleFiles[team.rules.yml].groups[team].interval: is not a positive Prometheus duration: a space at character 2 is not a unit (got "1 minute"). Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
      'observability/Prometheus.ruleFiles[team.rules.yml].groups[team].rules[0].record: is not a valid Prometheus metric name: it contains "-" at character 4; metric names are ASCII letters, digits, "_" and ":", not starting with a digit (got "bad-name"). Fix: rename it to "bad_name".',
      'observability/Prometheus.ruleFiles[team.rules.yml].groups[team].rules[0].expr: unclosed "(" at column 4 of the PromQL expression',
      'observability/Prometheus.ruleFiles[team.rules.yml].groups[team].rules[1].alert: must be a non-empty alert name (got ""). Fix: name the alert, e.g. "HighErrorRate".',
      'observability/Prometheus.ruleFiles[team.rules.yml].groups[team].rules[1].for: is not a Prometheus duration: a space at character 2 is not a unit (got "5 m"). Fix: write whole numbers with units y, w, d, h, m, s or ms, largest first, e.g. "30s", "5m", "1h30m", "30d".',
    ]);
  });
});

describe('synthOrExit: bad input ends the app with exit code 1 and the messages, not a stack trace', () => {
  const errors: string[] = [];
  const output = { error: (m: string) => errors.push(m) };
  afterEach(() => {
    errors.length = 0;
    process.exitCode = undefined;
  });

  test('a ConfigError thrown while building the app', () => {
    const ok = synthOrExit(() => {
      const app = new App({ outdir: join(tmpdir(), 'obs-bad-never-written') });
      new ObservabilityStack(app, 'observability', { prometheus: { storageSize: '50 GB' } });
      return app;
    }, output);
    expect([ok, process.exitCode]).toEqual([false, 1]);
    expect(errors).toEqual([`Synthesis failed: 1 configuration problem:\nobservability/Prometheus.storageSize: is not a Kubernetes quantity (got "50 GB"). ${QUANTITY_FIX}`]);
  });

  test('a synth-time validation error', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'obs-bad-'));
    const app = new App({ outdir });
    new ObservabilityStack(app, 'observability', { alertmanager: { route: { receiver: 'oncall' } } });
    expect(synthOrExit(app, output)).toBe(false);
    expect(process.exitCode).toBe(1);
    expect(errors).toEqual([
      `Synthesis failed: ${VALIDATION}[observability/Alertmanager] route.receiver: names an unknown receiver (got "oncall"). ${RECEIVER_FIX('oncall')}`,
    ]);
    rmSync(outdir, { recursive: true, force: true });
  });

  test('anything else is a bug and keeps its stack trace', () => {
    expect(() =>
      synthOrExit(() => {
        throw new TypeError('boom');
      }, output),
    ).toThrow(TypeError);
    expect([errors, process.exitCode]).toEqual([[], undefined]);
  });
});

describe('cdk8s synth on a bad app', () => {
  const ROOT = join(__dirname, '..');

  function cdk8sSynth(mode: 'props' | 'route') {
    const output = mkdtempSync(join(tmpdir(), 'obs-bad-synth-'));
    try {
      return spawnSync(
        join(ROOT, 'node_modules/.bin/cdk8s'),
        // under the runner cdk8s.yaml runs the default platform with
        ['synth', '--no-check-upgrade', '--app', `${cdk8sYamlRunner(ROOT)} test/fixtures/bad-app.ts`, '--output', output],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BAD_APP: mode, CDK8S_CHECK_UPGRADE: 'false' }, timeout: 110_000 },
      );
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  }

  test('exits non-zero and prints every problem of the props, without a stack trace from the library', () => {
    const r = cdk8sSynth('props');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      [
        'Synthesis failed: 2 configuration problems:',
        `observability/Prometheus.storageSize: is not a Kubernetes quantity (got "50 GB"). ${QUANTITY_FIX}`,
        `observability/Prometheus.retentionTime: is not a positive Prometheus duration: a space at character 2 is not a unit (got "1 day"). ${DURATION_FIX}`,
      ].join('\n'),
    );
    expect(r.stderr).not.toMatch(/at new Prometheus|ConfigError:/);
  }, 120_000);

  test('exits non-zero on a synth-time validation error (a route to an unknown receiver)', () => {
    const r = cdk8sSynth('route');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`Synthesis failed: ${VALIDATION}[observability/Alertmanager] route.receiver: names an unknown receiver (got "oncall").`);
    expect(r.stderr).not.toMatch(/at validate|Failed serializing/);
  }, 120_000);
});
