import { ConfigError, importOpenSlo, importSloth } from '../../../src';

/**
 * Every feature of Sloth and OpenSLO specs the stack has no equivalent for, and the usual mistakes, through the public
 * import functions, each with the EXACT message it produces: one line per problem naming the document and field,
 * the value, what is allowed and the fix. Inputs are small specs written here; `sloth#1` / `openslo#1` name the
 * first YAML document of an input without a source name.
 */

/** A prometheus/v1 spec of service shop with one SLO `errors` whose body is `slo` (and top-level fields `top`). */
const sloth = (slo: string, top = '') => `version: prometheus/v1
service: shop
${top}slos:
  - name: errors
    objective: 99.9
${slo}`;
const EVENTS = `    sli:
      events:
        error_query: sum(rate(errors_total[{{.window}}]))
        total_query: sum(rate(requests_total[{{.window}}]))
`;
const ALERTING = `    alerting:
      name: ShopErrors
`;

/** An OpenSLO SLO `errors` of service shop whose spec continues with `slo`. */
const os = (slo: string, extra = '') => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: errors
spec:
  service: shop
${slo}${extra}`;
const IND = `  indicator:
    metadata: { name: ok }
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: Prometheus, spec: { query: 'requests_total{code!~"5.."}' } } }
        total: { metricSource: { type: Prometheus, spec: { query: requests_total } } }
`;
const OBJ = `  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
`;
const policy = (cond: string) => `  alertPolicies:
    - kind: AlertPolicy
      metadata: { name: p }
      spec:
        conditions:
          - kind: AlertCondition
            metadata: { name: c }
            spec:
              severity: page
              condition: ${cond}
`;

interface BadImport {
  readonly format: 'sloth' | 'openslo';
  readonly mistake: string;
  readonly yaml: string;
  readonly message: string;
}

const BAD_IMPORTS: readonly BadImport[] = [
  { format: 'sloth', mistake: 'plugin SLI', yaml: sloth(`    sli:\n      plugin:\n        id: sloth-common/availability\n        options: { job: shop }\n` + ALERTING), message: "sloth#1.slos[0].sli.plugin: is a Sloth SLI plugin, which has no equivalent in the stack (a plugin is Go code Sloth runs to write the query) (got \"sloth-common/availability\"). Fix: replace it with sli.events (error_query/total_query) or sli.raw (error_ratio_query) holding the queries the plugin generates (sloth generate prints them)." },
  { format: 'sloth', mistake: 'slo_plugins chain', yaml: sloth(EVENTS + ALERTING, `slo_plugins:\n  chain:\n    - id: sloth.dev/contrib/info_labels/v1\n`), message: "sloth#1.slo_plugins: is a Sloth SLO plugin chain, which has no equivalent in the stack (Sloth runs these Go plugins while it generates rules) (got [\"sloth.dev/contrib/info_labels/v1\"]). Fix: remove it; the stack generates its own SLI, metadata and alert rules, and its options (slo: { ... }) tune them." },
  { format: 'sloth', mistake: 'SLO plugins', yaml: sloth(EVENTS + ALERTING + `    plugins:\n      overridePrevious: true\n      chain: [{ id: x }]\n`), message: "sloth#1.slos[0].plugins: is a Sloth SLO plugin chain, which has no equivalent in the stack (Sloth runs these Go plugins while it generates rules) (got [\"x\"]). Fix: remove it; the stack generates its own SLI, metadata and alert rules, and its options (slo: { ... }) tune them." },
  { format: 'sloth', mistake: 'objective 100', yaml: sloth(EVENTS + ALERTING).replace('99.9', '100'), message: "sloth#1.slos[0].objective: is 100, which leaves no error budget: Sloth accepts it, but no burn rate can be computed against a zero budget (got 100). Fix: write e.g. 99.9 for \"99.9% of events are good\"." },
  { format: 'sloth', mistake: 'objective 0', yaml: sloth(EVENTS + ALERTING).replace('99.9', '0'), message: "sloth#1.slos[0].objective: must be a percentage strictly between 0 and 100 (got 0). Fix: write e.g. 99.9 for \"99.9% of events are good\"." },
  { format: 'sloth', mistake: 'no window', yaml: sloth(EVENTS.replace('[{{.window}}]))\n        total', '[5m]))\n        total') + ALERTING), message: "sloth#1.slos[0].sli.events.error_query: must contain the {{.window}} placeholder (got \"sum(rate(errors_total[5m]))\"). Fix: write the range of every rate as [{{.window}}], e.g. error_query: sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}])); Sloth requires it too." },
  { format: 'sloth', mistake: 'template action', yaml: sloth(EVENTS.replace('errors_total[', 'errors_total{env="{{.env}}"}[') + ALERTING), message: "sloth#1.slos[0].sli.events.error_query: holds a template action other than the window placeholder (got \"sum(rate(errors_total{env=\\\"{{.env}}\\\"}[{{.window}}]))\"). Fix: write the query with {{.window}} as its only template variable (expand any other template by hand)." },
  { format: 'sloth', mistake: 'events and raw', yaml: sloth(EVENTS + `      raw:\n        error_ratio_query: x[{{.window}}]\n` + ALERTING), message: "sloth#1.slos[0].sli: has 2 SLI types (events, raw); Sloth allows exactly one (got [\"events\",\"raw\"]). Fix: give exactly one of events (error_query and total_query) or raw (error_ratio_query)." },
  { format: 'sloth', mistake: 'no SLI type', yaml: sloth(`    sli: {}\n` + ALERTING), message: "sloth#1.slos[0].sli: has no SLI type. Fix: give exactly one of events (error_query and total_query) or raw (error_ratio_query)." },
  { format: 'sloth', mistake: 'same queries', yaml: sloth(EVENTS.replace('errors_total', 'requests_total') + ALERTING), message: "sloth#1.slos[0].sli.events.error_query: is the same query as total_query (the error ratio would always be 1) (got \"sum(rate(requests_total[{{.window}}]))\"). Fix: count only the bad events in error_query; Sloth rejects this too." },
  { format: 'sloth', mistake: 'no alert name', yaml: sloth(EVENTS), message: "sloth#1.slos[0].alerting.name: is required while the page or the ticket alert is enabled. Fix: name the alerts (alerting.name: MyServiceHighErrorRate), or disable both with page_alert.disable and ticket_alert.disable; Sloth requires the same." },
  { format: 'sloth', mistake: 'bad alert name', yaml: sloth(EVENTS + ALERTING.replace('ShopErrors', 'shop-errors')), message: "sloth#1.slos[0].alerting.name: is not a valid alert name (got \"shop-errors\"). Fix: use [a-zA-Z_][a-zA-Z0-9_]*, e.g. MyServiceHighErrorRate." },
  { format: 'sloth', mistake: 'service not DNS', yaml: sloth(EVENTS + ALERTING).replace('service: shop', 'service: My_Shop'), message: "sloth#1.service: a service name must be a DNS-1123 label in the stack (lower-case letters, digits and '-', starting and ending alphanumeric, at most 63 characters) (got \"My_Shop\"). Fix: rename it, e.g. \"my-shop\" (sloth_id and sloth_service change with it)." },
  { format: 'sloth', mistake: 'slo name uppercase', yaml: sloth(EVENTS + ALERTING).replace('name: errors', 'name: Errors.Total'), message: "sloth#1.slos[0].name: an SLO name must be a DNS-1123 label in the stack (lower-case letters, digits and '-', starting and ending alphanumeric, at most 63 characters) (got \"Errors.Total\"). Fix: rename it, e.g. \"errors-total\" (sloth_id becomes \"shop-errors-total\")." },
  { format: 'sloth', mistake: 'reserved label', yaml: sloth(EVENTS + ALERTING, `labels:\n  service: shop\n`), message: "sloth#1.labels.service: is a label the stack sets on SLO rules itself (got \"service\"). Fix: rename the label; alertname, le, service, severity, slo, slo_alerting, slo_bad, slo_period, slo_sli_shape, sloth_id, sloth_mode, sloth_objective, sloth_service, sloth_severity, sloth_slo, sloth_spec, sloth_version, sloth_window are reserved." },
  { format: 'sloth', mistake: 'reserved alert label', yaml: sloth(EVENTS + ALERTING + `      page_alert:\n        labels:\n          sloth_severity: critical\n`), message: "sloth#1.slos[0].alerting.page_alert.labels.sloth_severity: is a label the stack sets on SLO rules itself (got \"sloth_severity\"). Fix: rename the label; alertname, le, service, severity, slo, slo_alerting, slo_bad, slo_period, slo_sli_shape, sloth_id, sloth_mode, sloth_objective, sloth_service, sloth_severity, sloth_slo, sloth_spec, sloth_version, sloth_window are reserved." },
  { format: 'sloth', mistake: 'invalid label name', yaml: sloth(EVENTS + ALERTING, `labels:\n  team-name: payments\n`), message: "sloth#1.labels.team-name: is not a valid Prometheus label name (got \"team-name\"). Fix: use [a-zA-Z_][a-zA-Z0-9_]* without a leading \"__\"." },
  { format: 'sloth', mistake: 'a list as a label value', yaml: sloth(EVENTS + ALERTING, `labels:\n  tier: [1, 2]\n`), message: 'sloth#1.labels.tier: must be a string, not a list (got [1,2]). Fix: give tier one value, e.g. tier: "value".' },
  { format: 'sloth', mistake: 'unknown field', yaml: sloth(EVENTS.replace('error_query', 'error_querry') + ALERTING), message: "sloth#1.slos[0].sli.events.error_querry: is not a field of a Sloth events SLI. Fix: use error_query, total_query (check the spelling).\nsloth#1.slos[0].sli.events.error_query: is required. Fix: write the range of every rate as [{{.window}}], e.g. error_query: sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}])); Sloth requires it too." },
  { format: 'sloth', mistake: 'wrong version', yaml: sloth(EVENTS + ALERTING).replace('prometheus/v1', 'prometheus/v2'), message: "sloth#1.version: is not a Sloth spec version the stack imports (got \"prometheus/v2\"). Fix: use version: \"prometheus/v1\" (Sloth's only spec version)." },
  { format: 'sloth', mistake: 'wrong kind', yaml: `apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: { name: x }\nspec: { groups: [] }\n`, message: "sloth#1(PrometheusRule/x): is not a Sloth resource the stack imports (apiVersion sloth.slok.dev/v1, kind PrometheusServiceLevel) (got \"monitoring.coreos.com/v1/PrometheusRule\"). Fix: import PrometheusServiceLevel resources (or prometheus/v1 specs) only; leave other objects out of the input." },
  { format: 'sloth', mistake: 'openslo doc', yaml: `apiVersion: openslo/v1\nkind: SLO\nmetadata: { name: x }\nspec: {}\n`, message: "sloth#1(SLO/x).apiVersion: is an OpenSLO object, not a Sloth spec (got \"openslo/v1\"). Fix: import it with importOpenSlo." },
  { format: 'sloth', mistake: 'neither', yaml: `groups: []\n`, message: "sloth#1: is neither a Sloth prometheus/v1 spec (version: \"prometheus/v1\") nor a PrometheusServiceLevel resource (apiVersion: sloth.slok.dev/v1) (got [\"groups\"]). Fix: import Sloth specs only; each YAML document holds one spec." },
  { format: 'sloth', mistake: 'yaml error', yaml: `version: prometheus/v1\nservice: shop\nslos:\n  - name: errors\n   objective: 99\n`, message: "sloth: is not valid YAML: bad indentation of a sequence entry at line 5, column 4. Fix: check the indentation and quoting there." },
  { format: 'sloth', mistake: 'empty', yaml: ``, message: "sloth: holds no Sloth spec. Fix: give at least one document with version: \"prometheus/v1\" or kind: PrometheusServiceLevel." },
  { format: 'sloth', mistake: 'no slos', yaml: `version: prometheus/v1\nservice: shop\nslos: []\n`, message: "sloth#1.slos: must hold at least one SLO (got []). Fix: declare the SLOs of the service; Sloth requires one too." },
  { format: 'sloth', mistake: 'duplicate across docs', yaml: sloth(EVENTS + ALERTING) + '---\n' + sloth(EVENTS + ALERTING), message: "sloth#2.slos[0]: is a second SLO named \"errors\" of service shop (the first is sloth#1.slos[0]); both would record sloth_id \"shop-errors\" (got \"errors\"). Fix: rename one of them, or drop the duplicate." },
  { format: 'sloth', mistake: 'k8s without spec', yaml: `apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata: { name: x }\n`, message: "sloth#1(PrometheusServiceLevel/x).spec: is required. Fix: give spec.service and spec.slos." },
  { format: 'sloth', mistake: 'k8s snake_case field', yaml: `apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata: { name: x }\nspec:\n  service: shop\n  slos:\n    - name: errors\n      objective: 99\n      sli: { events: { error_query: "a[{{.window}}]", totalQuery: "b[{{.window}}]" } }\n      alerting: { name: A }\n`, message: "sloth#1(PrometheusServiceLevel/x).spec.slos[0].sli.events.error_query: is not a field of a Sloth events SLI. Fix: use errorQuery, totalQuery (check the spelling).\nsloth#1(PrometheusServiceLevel/x).spec.slos[0].sli.events.errorQuery: is required. Fix: write the range of every rate as [{{.window}}], e.g. errorQuery: sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}])); Sloth requires it too." },
  { format: 'sloth', mistake: 'bad annotation key', yaml: sloth(EVENTS + ALERTING + `      annotations:\n        runbook-url: https://x\n`), message: "sloth#1.slos[0].alerting.annotations.runbook-url: is not a valid annotation name (got \"runbook-url\"). Fix: use [a-zA-Z_][a-zA-Z0-9_]*, e.g. runbook or dashboard_url." },
  { format: 'openslo', mistake: 'calendar', yaml: os(IND + OBJ + `  timeWindow:\n    - duration: 1M\n      calendar: { startTime: 2024-01-01 00:00:00, timeZone: UTC }\n`), message: "openslo#1(SLO/errors).spec.timeWindow[0].calendar: is a calendar-aligned time window, which has no equivalent in the stack (its error budgets roll over the last period, as Sloth's do) (got {\"startTime\":\"2024-01-01 00:00:00\",\"timeZone\":\"UTC\"}). Fix: use a rolling window: duration: 30d, isRolling: true (and no calendar)." },
  { format: 'openslo', mistake: 'isRolling false', yaml: os(IND + OBJ + `  timeWindow:\n    - duration: 30d\n      isRolling: false\n`), message: "openslo#1(SLO/errors).spec.timeWindow[0].isRolling: must be true: a time window without isRolling: true is calendar-aligned in OpenSLO, which has no equivalent in the stack (got false). Fix: use a rolling window: duration: 30d, isRolling: true (and no calendar)." },
  { format: 'openslo', mistake: 'Timeslices', yaml: os(IND + OBJ.replace('Occurrences', 'Timeslices')), message: "openslo#1(SLO/errors).spec.budgetingMethod: is Timeslices, which has no equivalent in the stack (its SLIs count good and bad events over rolling windows, not good time slices) (got \"Timeslices\"). Fix: use budgetingMethod: Occurrences." },
  { format: 'openslo', mistake: 'RatioTimeslices', yaml: os(IND + OBJ.replace('Occurrences', 'RatioTimeslices')), message: "openslo#1(SLO/errors).spec.budgetingMethod: is RatioTimeslices, which has no equivalent in the stack (its SLIs count good and bad events over rolling windows, not averages of time-slice ratios) (got \"RatioTimeslices\"). Fix: use budgetingMethod: Occurrences." },
  { format: 'openslo', mistake: 'Datadog type', yaml: os(IND.replace(/type: Prometheus/g, 'type: Datadog') + OBJ), message: "openslo#1(SLO/errors).spec.indicator.spec.ratioMetric.good.metricSource.type: reads from Datadog, which has no equivalent in the stack (its SLO rules are PromQL evaluated by its own Prometheus) (got \"Datadog\"). Fix: import SLIs on Prometheus metric sources only: export the metric to Prometheus and write the query in PromQL, or keep this SLO in the tool that reads it.\nopenslo#1(SLO/errors).spec.indicator.spec.ratioMetric.total.metricSource.type: reads from Datadog, which has no equivalent in the stack (its SLO rules are PromQL evaluated by its own Prometheus) (got \"Datadog\"). Fix: import SLIs on Prometheus metric sources only: export the metric to Prometheus and write the query in PromQL, or keep this SLO in the tool that reads it." },
  { format: 'openslo', mistake: 'DataSource Datadog', yaml: os(IND.replace(/type: Prometheus/g, 'metricSourceRef: dd') + OBJ) + `---\napiVersion: openslo/v1\nkind: DataSource\nmetadata: { name: dd }\nspec: { type: Datadog, connectionDetails: { apiKey: x } }\n`, message: "openslo#1(SLO/errors).spec.indicator.spec.ratioMetric.good.metricSource.metricSourceRef: reads from Datadog, which has no equivalent in the stack (its SLO rules are PromQL evaluated by its own Prometheus) (got \"dd\"). Fix: import SLIs on Prometheus metric sources only: export the metric to Prometheus and write the query in PromQL, or keep this SLO in the tool that reads it.\nopenslo#1(SLO/errors).spec.indicator.spec.ratioMetric.total.metricSource.metricSourceRef: reads from Datadog, which has no equivalent in the stack (its SLO rules are PromQL evaluated by its own Prometheus) (got \"dd\"). Fix: import SLIs on Prometheus metric sources only: export the metric to Prometheus and write the query in PromQL, or keep this SLO in the tool that reads it." },
  { format: 'openslo', mistake: 'missing DataSource', yaml: os(IND.replace(/type: Prometheus/g, 'metricSourceRef: prom') + OBJ), message: "openslo#1(SLO/errors).spec.indicator.spec.ratioMetric.good.metricSource.metricSourceRef: names no DataSource of the input (got \"prom\"). Fix: add the DataSource document (kind: DataSource, metadata.name: prom) to the same import, or give type: Prometheus instead of metricSourceRef.\nopenslo#1(SLO/errors).spec.indicator.spec.ratioMetric.total.metricSource.metricSourceRef: names no DataSource of the input (got \"prom\"). Fix: add the DataSource document (kind: DataSource, metadata.name: prom) to the same import, or give type: Prometheus instead of metricSourceRef." },
  { format: 'openslo', mistake: 'missing SLI', yaml: os(`  indicatorRef: ok\n` + OBJ), message: "openslo#1(SLO/errors).spec.indicatorRef: names no SLI of the input (got \"ok\"). Fix: add the SLI document (kind: SLI, metadata.name: ok) to the same import, or give it inline." },
  { format: 'openslo', mistake: 'composite', yaml: os(`  budgetingMethod: Occurrences\n  objectives:\n    - target: 0.99\n      indicatorRef: a\n    - target: 0.99\n      indicatorRef: b\n`), message: "openslo#1(SLO/errors).spec.objectives[0].indicatorRef: makes this a composite SLO, which has no equivalent in the stack (got [\"indicatorRef\"]). Fix: declare one SLO per indicator (each with its own objective) instead of a composite.\nopenslo#1(SLO/errors).spec.objectives[1].indicatorRef: makes this a composite SLO, which has no equivalent in the stack (got [\"indicatorRef\"]). Fix: declare one SLO per indicator (each with its own objective) instead of a composite." },
  { format: 'openslo', mistake: 'target 1', yaml: os(IND + OBJ.replace('0.999', '1')), message: "openslo#1(SLO/errors).spec.objectives[0].target: must be a ratio strictly between 0 and 1 (got 1). Fix: write e.g. 0.999 for 99.9% (0 leaves no SLO, 1 no error budget)." },
  { format: 'openslo', mistake: 'both targets', yaml: os(IND + OBJ.replace('target: 0.999', 'target: 0.999\n      targetPercent: 99.9')), message: "openslo#1(SLO/errors).spec.objectives[0]: has both target and targetPercent. Fix: give exactly one: target: 0.999 or targetPercent: 99.9." },
  { format: 'openslo', mistake: 'period 7d', yaml: os(IND + OBJ + `  timeWindow:\n    - duration: 7d\n      isRolling: true\n`), message: "openslo#1(SLO/errors).spec.timeWindow[0].duration: is a period the stack has no alert window table for (it alerts on windows tuned per period: 28d, 30d) (got \"7d\"). Fix: a rolling period the stack can alert on: use 28d or 30d, or give a window table for 7d in the import options' windowTables and the stack's slo.windowTables." },
  { format: 'openslo', mistake: 'condition mismatch', yaml: os(IND + OBJ + policy('{ kind: burnrate, op: gt, threshold: 2, lookbackWindow: 1h }')), message: "openslo#1(SLO/errors).spec.alertPolicies[0].spec.conditions[0].spec.condition: is a burn rate of 2 over 1h, which matches none of the stack's multiwindow alerts (got {\"threshold\":2,\"lookbackWindow\":\"1h\"}). Fix: use one of 14.4 over 1h (page), 6 over 6h (page), 3 over 1d (ticket), 1 over 3d (ticket) for a 30d period; the stack alerts on these window pairs only." },
  { format: 'openslo', mistake: 'op lte', yaml: os(IND + OBJ + policy('{ kind: burnrate, op: lte, threshold: 14.4, lookbackWindow: 1h }')), message: "openslo#1(SLO/errors).spec.alertPolicies[0].spec.conditions[0].spec.condition.op: alerts while the burn rate is below the threshold; the stack's burn-rate alerts fire above it (got \"lte\"). Fix: use op: gt." },
  { format: 'openslo', mistake: 'alertAfter long', yaml: os(IND + OBJ + policy('{ kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h, alertAfter: 15m }')), message: "openslo#1(SLO/errors).spec.alertPolicies[0].spec.conditions[0].spec.condition.alertAfter: holds the alert longer than the 5m short window of this tier, which the stack cannot express (its burn-rate alerts have no \"for\") (got \"15m\"). Fix: set alertAfter to at most 5m (the short window already requires the burn to last) or remove it." },
  { format: 'openslo', mistake: 'kind not burnrate', yaml: os(IND + OBJ + policy('{ kind: errorrate, op: gt, threshold: 14.4, lookbackWindow: 1h }')), message: "openslo#1(SLO/errors).spec.alertPolicies[0].spec.conditions[0].spec.condition.kind: is an alert condition kind the stack has no equivalent for (it alerts on burn rates) (got \"errorrate\"). Fix: use kind: burnrate." },
  { format: 'openslo', mistake: 'counter not selector', yaml: os(IND.replace("query: requests_total }", "query: 'sum(rate(requests_total[5m]))' }") + OBJ), message: "openslo#1(SLO/errors).spec.indicator.spec.ratioMetric.total.metricSource.spec.query: is a counter query without a {{.window}} placeholder that is not a series selector or a sum() of one, so its rate cannot be taken for the SLO windows (got \"sum(rate(requests_total[5m]))\"). Fix: write the rate over the window yourself, e.g. sum(rate(http_requests_total{code!~\"5..\"}[{{.window}}])), or give the bare counter selector." },
  { format: 'openslo', mistake: 'threshold placeholder', yaml: os(`  indicator:\n    metadata: { name: lag }\n    spec:\n      thresholdMetric: { metricSource: { type: Prometheus, spec: { query: 'max_over_time(lag[{{.window}}])' } } }\n` + `  budgetingMethod: Occurrences\n  objectives:\n    - { op: lt, value: 5, target: 0.99 }\n`), message: "openslo#1(SLO/errors).spec.indicator.spec.thresholdMetric.metricSource.spec.query: is a threshold query with a {{.window}} placeholder; a threshold SLI compares the value at each evaluation step (got \"max_over_time(lag[{{.window}}])\"). Fix: write the query with a fixed range (e.g. [2m]) or none." },
  { format: 'openslo', mistake: 'v1alpha', yaml: `apiVersion: openslo/v1alpha\nkind: SLO\nmetadata: { name: x }\nspec: {}\n`, message: "openslo#1(SLO/x).apiVersion: is not an OpenSLO version the stack imports (openslo/v1) (got \"openslo/v1alpha\"). Fix: rewrite it as openslo/v1 (objectives[].ratioMetrics → indicator.spec.ratioMetric with metricSource.spec.query, timeWindows → timeWindow, budgetTarget → target)." },
  { format: 'openslo', mistake: 'unknown kind', yaml: `apiVersion: openslo/v1\nkind: Dashboard\nmetadata: { name: x }\nspec: {}\n`, message: "openslo#1(Dashboard/x).kind: is not an OpenSLO v1 kind (got \"Dashboard\"). Fix: use one of Service, SLI, SLO, AlertPolicy, AlertCondition, AlertNotificationTarget, DataSource." },
  { format: 'openslo', mistake: 'op on ratio', yaml: os(IND + OBJ.replace('target: 0.999', 'target: 0.999\n      op: gt')), message: "openslo#1(SLO/errors).spec.objectives[0].op: applies to thresholdMetric SLIs only (got \"gt\"). Fix: remove op: a ratio SLI's objective is its target." },
  { format: 'openslo', mistake: 'reserved label', yaml: os(IND + OBJ).replace('  name: errors\n', '  name: errors\n  labels: { severity: high }\n'), message: "openslo#1(SLO/errors).metadata.labels.severity: is a label the stack sets on SLO rules itself (got \"severity\"). Fix: rename the label; alertname, le, service, severity, slo, slo_alerting, slo_bad, slo_period, slo_sli_shape, sloth_id, sloth_mode, sloth_objective, sloth_service, sloth_severity, sloth_slo, sloth_spec, sloth_version, sloth_window are reserved." },
  { format: 'openslo', mistake: 'duplicate objects', yaml: os(IND + OBJ) + '---\n' + os(IND + OBJ), message: "openslo#2(SLO/errors): is a second SLO named \"errors\" (the first is openslo#1(SLO/errors)) (got \"errors\"). Fix: give each SLO its own metadata.name." },
  { format: 'openslo', mistake: 'two conditions', yaml: os(IND + OBJ + `  alertPolicies:\n    - kind: AlertPolicy\n      metadata: { name: p }\n      spec:\n        conditions: [{ conditionRef: a }, { conditionRef: b }]\n`), message: "openslo#1(SLO/errors).spec.alertPolicies[0].spec.conditions: has 2 conditions; OpenSLO allows exactly one per alert policy (got 2). Fix: split it into one alert policy per condition." },
  { format: 'openslo', mistake: 'no SLO', yaml: `apiVersion: openslo/v1\nkind: Service\nmetadata: { name: shop }\nspec: {}\n`, message: "openslo: holds no OpenSLO SLO. Fix: give at least one object with apiVersion: openslo/v1 and kind: SLO." },
  { format: 'openslo', mistake: 'bad and good', yaml: os(IND.replace('        total:', "        bad: { metricSource: { type: Prometheus, spec: { query: x } } }\n        total:") + OBJ), message: "openslo#1(SLO/errors).spec.indicator.spec.ratioMetric: has both good and bad. Fix: give total with exactly one of good or bad (or raw with rawType)." },
  { format: 'openslo', mistake: 'service not DNS', yaml: os(IND + OBJ).replace('service: shop', 'service: Shop'), message: "openslo#1(SLO/errors).spec.service: a service name must be a DNS-1123 label in the stack (lower-case letters, digits and '-', starting and ending alphanumeric, at most 63 characters) (got \"Shop\"). Fix: rename it, e.g. \"shop\" (sloth_service and sloth_id change with it)." },
  { format: 'openslo', mistake: 'metric spec extra key', yaml: os(IND.replace("spec: { query: requests_total }", "spec: { query: requests_total, promql: x }") + OBJ), message: "openslo#1(SLO/errors).spec.indicator.spec.ratioMetric.total.metricSource.spec.promql: is not a field of a Prometheus metric source spec. Fix: use query (check the spelling)." },
];

function messageOf(c: BadImport): string {
  try {
    if (c.format === 'sloth') importSloth(c.yaml);
    else importOpenSlo(c.yaml);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.message;
  }
  throw new Error('expected a ConfigError, but the import succeeded');
}

describe.each(['sloth', 'openslo'] as const)('bad %s input fails with its exact message', (format) => {
  test.each(BAD_IMPORTS.filter((c) => c.format === format).map((c) => [c.mistake, c] as const))('%s', (_mistake, c) => {
    expect(messageOf(c)).toBe(c.message);
  });
});

test('every problem of an input is reported together, one line each', () => {
  const yaml = sloth(`    sli:\n      plugin: { id: x }\n`).replace('99.9', '100').replace('service: shop', 'service: Shop');
  const lines = (() => {
    try {
      importSloth(yaml, { source: 'slos.yml' });
    } catch (e) {
      return (e as ConfigError).problems.map((p) => p.path);
    }
    return [];
  })();
  expect(lines).toEqual(['slos.yml#1.service', 'slos.yml#1.slos[0].objective', 'slos.yml#1.slos[0].sli.plugin', 'slos.yml#1.slos[0].alerting.name']);
});

test('the source option names the input in every path', () => {
  expect(() => importOpenSlo('apiVersion: openslo/v1\nkind: Service\nmetadata: { name: shop }\n', { source: 'slos/shop.yaml' })).toThrow(
    'slos/shop.yaml: holds no OpenSLO SLO. Fix: give at least one object with apiVersion: openslo/v1 and kind: SLO.',
  );
});

test('import options are checked: extra labels follow the label rules, the period needs a window table', () => {
  expect(() => importSloth(sloth(EVENTS + ALERTING), { extraLabels: { slo: 'x' }, period: '7d' })).toThrow(
    [
      'options.extraLabels.slo: is a label the stack sets on SLO rules itself (got "slo"). Fix: rename the label; alertname, le, service, severity, slo, slo_alerting, slo_bad, slo_period, slo_sli_shape, sloth_id, sloth_mode, sloth_objective, sloth_service, sloth_severity, sloth_slo, sloth_spec, sloth_version, sloth_window are reserved.',
      'options.period: is a period the stack has no alert window table for (it alerts on windows tuned per period: 28d, 30d) (got "7d"). Fix: use 28d or 30d, or give a window table for 7d in the import options\' windowTables and the stack\'s slo.windowTables.',
    ].join('\n'),
  );
});
