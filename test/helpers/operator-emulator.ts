import { K8sObject } from './synth';

/**
 * Test support, not shipped: what the Prometheus Operator (v0.93, the release kube-prometheus-stack 88.5.3 runs)
 * makes of the stack's operator resources, transcribed from its source so the tests can hand the result to the real
 * Prometheus, promtool and amtool. Only what the stack's resources use is covered; every rule is cited.
 *
 * Scrape jobs (pkg/prometheus/promcfg.go): `generatePodMonitorConfig`, `generateServiceMonitorConfig`,
 * `generateProbeConfig`, `generateScrapeConfig`, with one shard (`$(SHARD)` is 0, as the config reloader substitutes
 * it), no scrape classes, no enforced namespace label, the Prometheus defaults of kube-prometheus-stack (no
 * podTargetLabels), relabel selector mechanism, role `endpoints` for ServiceMonitors.
 *
 * Routing (pkg/alertmanager/amcfg.go): `AddAlertmanagerConfigs` with a matcher strategy.
 */

type Json = Record<string, any>;

/** `generateRelabelConfig`: the CRD's relabel rules in Prometheus' snake_case, actions lowercased. */
function relabels(rules: readonly Json[] | undefined): Json[] {
  return (rules ?? []).map((r) => {
    const out: Json = {};
    if (r.sourceLabels?.length) out.source_labels = r.sourceLabels;
    if (r.separator !== undefined) out.separator = r.separator;
    if (r.targetLabel) out.target_label = r.targetLabel;
    if (r.regex) out.regex = r.regex;
    if (r.modulus) out.modulus = r.modulus;
    if (r.replacement !== undefined) out.replacement = r.replacement;
    if (r.action) out.action = String(r.action).toLowerCase();
    return out;
  });
}

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** `initRelabelings`. */
const INIT = [{ source_labels: ['job'], target_label: '__tmp_prometheus_job_name' }];
/** `generateRunningFilter`. */
const RUNNING = { action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' };

/** `appendShardingRelabelingWithLabel` with one shard, `$(SHARD)` = 0. */
function sharding(label: string): Json[] {
  return [
    { source_labels: [label, '__tmp_hash'], target_label: '__tmp_hash', regex: '(.+);', replacement: '$1', action: 'replace' },
    { source_labels: ['__tmp_hash'], target_label: '__tmp_hash', modulus: 1, action: 'hashmod' },
    { source_labels: ['__tmp_hash', '__tmp_disable_sharding'], regex: '0;|.+;.+', action: 'keep' },
  ];
}

/** `getNamespacesFromNamespaceSelector`: any → all, matchNames → those, else the monitor's own. */
function namespaces(sel: Json | undefined, own: string): Json | undefined {
  if (sel?.any) return undefined;
  return { names: sel?.matchNames?.length ? sel.matchNames : [own] };
}

function selectorKeeps(kind: 'pod' | 'service', selector: Json | undefined): Json[] {
  return Object.keys(selector?.matchLabels ?? {})
    .sort()
    .map((k) => ({
      action: 'keep',
      source_labels: [`__meta_kubernetes_${kind}_label_${sanitize(k)}`, `__meta_kubernetes_${kind}_labelpresent_${sanitize(k)}`],
      regex: `(${selector!.matchLabels[k]});true`,
    }));
}

function endpointSettings(ep: Json): Json {
  return {
    honor_labels: ep.honorLabels ?? false,
    honor_timestamps: ep.honorTimestamps,
    scrape_interval: ep.interval,
    scrape_timeout: ep.scrapeTimeout,
    metrics_path: ep.path,
    params: ep.params,
    scheme: ep.scheme,
    tls_config: ep.tlsConfig ? { insecure_skip_verify: ep.tlsConfig.insecureSkipVerify, server_name: ep.tlsConfig.serverName } : undefined,
  };
}

function podMonitorJob(m: K8sObject, ep: Json, i: number): Json {
  const r: Json[] = [...INIT];
  if (ep.filterRunning ?? true) r.push(RUNNING);
  r.push(...selectorKeeps('pod', m.spec.selector));
  if (ep.port) r.push({ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: ep.port });
  else if (ep.portNumber) r.push({ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: String(ep.portNumber) });
  r.push(
    { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
    { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    { target_label: 'job', replacement: `${m.metadata.namespace}/${m.metadata.name}` },
  );
  if (ep.port) r.push({ target_label: 'endpoint', replacement: ep.port });
  r.push(...relabels(ep.relabelings), ...sharding('__address__'));
  return {
    job_name: `podMonitor/${m.metadata.namespace}/${m.metadata.name}/${i}`,
    ...endpointSettings(ep),
    kubernetes_sd_configs: [{ role: 'pod', namespaces: namespaces(m.spec.namespaceSelector, m.metadata.namespace!) }],
    relabel_configs: r,
    sample_limit: m.spec.sampleLimit,
    metric_relabel_configs: ep.metricRelabelings?.length ? relabels(ep.metricRelabelings) : undefined,
  };
}

function serviceMonitorJob(m: K8sObject, ep: Json, i: number): Json {
  const r: Json[] = [...INIT, ...selectorKeeps('service', m.spec.selector)];
  if (ep.port) r.push({ action: 'keep', source_labels: ['__meta_kubernetes_endpoint_port_name'], regex: ep.port });
  else if (typeof ep.targetPort === 'number') r.push({ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: String(ep.targetPort) });
  else if (typeof ep.targetPort === 'string') r.push({ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: ep.targetPort });
  const target = ['__meta_kubernetes_endpoint_address_target_kind', '__meta_kubernetes_endpoint_address_target_name'];
  r.push(
    { source_labels: target, separator: ';', regex: 'Node;(.*)', replacement: '${1}', target_label: 'node' },
    { source_labels: target, separator: ';', regex: 'Pod;(.*)', replacement: '${1}', target_label: 'pod' },
    { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
    { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
  );
  if (ep.filterRunning ?? true) r.push(RUNNING);
  r.push({ source_labels: ['__meta_kubernetes_service_name'], target_label: 'job', replacement: '${1}' });
  if (ep.port) r.push({ target_label: 'endpoint', replacement: ep.port });
  else if (ep.targetPort !== undefined) r.push({ target_label: 'endpoint', replacement: String(ep.targetPort) });
  r.push(...relabels(ep.relabelings), ...sharding('__address__'));
  return {
    job_name: `serviceMonitor/${m.metadata.namespace}/${m.metadata.name}/${i}`,
    ...endpointSettings(ep),
    kubernetes_sd_configs: [{ role: (m.spec.serviceDiscoveryRole ?? 'Endpoints').toLowerCase(), namespaces: namespaces(m.spec.namespaceSelector, m.metadata.namespace!) }],
    relabel_configs: r,
    sample_limit: m.spec.sampleLimit,
    metric_relabel_configs: ep.metricRelabelings?.length ? relabels(ep.metricRelabelings) : undefined,
  };
}

function probeJob(m: K8sObject): Json {
  const s = m.spec;
  const r: Json[] = [...INIT];
  if (s.jobName) r.push({ target_label: 'job', replacement: s.jobName });
  const labels = { ...(s.targets.staticConfig.labels ?? {}) };
  if (labels.namespace === undefined) labels.namespace = m.metadata.namespace;
  r.push(
    { source_labels: ['__address__'], target_label: '__param_target' },
    { source_labels: ['__param_target'], target_label: 'instance' },
    { target_label: '__address__', replacement: s.prober.url },
    ...relabels(s.targets.staticConfig.relabelingConfigs),
    ...sharding('__param_target'),
  );
  return {
    job_name: `probe/${m.metadata.namespace}/${m.metadata.name}`,
    honor_timestamps: true,
    metrics_path: s.prober.path,
    scrape_interval: s.interval,
    scrape_timeout: s.scrapeTimeout,
    scheme: s.prober.scheme,
    params: s.module ? { module: [s.module] } : undefined,
    static_configs: [{ targets: s.targets.staticConfig.static, labels }],
    relabel_configs: r,
    sample_limit: s.sampleLimit,
    metric_relabel_configs: s.metricRelabelings?.length ? relabels(s.metricRelabelings) : undefined,
  };
}

function scrapeConfigJob(m: K8sObject): Json {
  const s = m.spec;
  const r: Json[] = [...INIT];
  if (s.jobName) r.push({ target_label: 'job', action: 'replace', replacement: s.jobName });
  r.push(...relabels(s.relabelings), ...sharding('__address__'));
  return {
    job_name: `scrapeConfig/${m.metadata.namespace}/${m.metadata.name}`,
    honor_timestamps: s.honorTimestamps,
    honor_labels: s.honorLabels,
    metrics_path: s.metricsPath,
    params: s.params,
    scrape_interval: s.scrapeInterval,
    scrape_timeout: s.scrapeTimeout,
    scheme: s.scheme,
    sample_limit: s.sampleLimit,
    static_configs: s.staticConfigs?.map((c: Json) => ({ targets: c.targets, labels: c.labels })),
    kubernetes_sd_configs: s.kubernetesSDConfigs?.map((k: Json) => ({
      role: String(k.role).toLowerCase(),
      namespaces: k.namespaces ? { names: k.namespaces.names } : undefined,
      selectors: k.selectors?.map((x: Json) => ({ role: String(x.role).toLowerCase(), label: x.label, field: x.field })),
    })),
    relabel_configs: r,
    metric_relabel_configs: s.metricRelabelings?.length ? relabels(s.metricRelabelings) : undefined,
  };
}

/** The scrape jobs the operator's Prometheus runs for these objects (those of other kinds are ignored). */
export function operatorScrapeJobs(objects: readonly K8sObject[]): Json[] {
  return objects.flatMap((o) => {
    switch (o.kind) {
      case 'PodMonitor':
        return (o.spec.podMetricsEndpoints ?? []).map((ep: Json, i: number) => podMonitorJob(o, ep, i));
      case 'ServiceMonitor':
        return o.spec.endpoints.map((ep: Json, i: number) => serviceMonitorJob(o, ep, i));
      case 'Probe':
        return [probeJob(o)];
      case 'ScrapeConfig':
        return [scrapeConfigJob(o)];
      default:
        return [];
    }
  });
}

export type MatcherStrategy = 'OnNamespace' | 'OnNamespaceExceptForAlertmanagerNamespace' | 'None';

const matcherText = (m: Json) => `${m.name}${m.matchType ?? (m.regex ? '=~' : '=')}${JSON.stringify(m.value ?? '')}`;

/**
 * The alertmanager.yml the operator writes for a base configuration plus AlertmanagerConfigs (`AddAlertmanagerConfigs`):
 * each config's top route, converted (`convertRoute`: receivers `<ns>/<name>/<receiver>`, matchers as text), with the
 * strategy's namespace matcher and `continue: true`, placed before the base root's children; its receivers
 * (`convertReceiver`; Secret references resolved to files of `secretsDir`, standing in for the values the operator
 * copies) and inhibit rules (`convertInhibitRule`, with the namespace matchers on both sides).
 */
export function operatorAlertmanagerConfig(base: Json, configs: readonly K8sObject[], strategy: MatcherStrategy, alertmanagerNamespace: string, secretsDir: string): Json {
  const out: Json = JSON.parse(JSON.stringify(base));
  const sub: Json[] = [];
  out.receivers = out.receivers ?? [];
  out.inhibit_rules = out.inhibit_rules ?? [];
  for (const c of [...configs].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))) {
    const ns = c.metadata.namespace!;
    const prefix = (r: string | undefined) => (r ? `${ns}/${c.metadata.name}/${r}` : undefined);
    const enforce = strategy === 'OnNamespace' || (strategy === 'OnNamespaceExceptForAlertmanagerNamespace' && ns !== alertmanagerNamespace);
    const nsMatcher = `namespace="${ns}"`;
    for (const ir of c.spec.inhibitRules ?? []) {
      const source = (ir.sourceMatch ?? []).map(matcherText);
      const target = (ir.targetMatch ?? []).map(matcherText);
      if (enforce) {
        if (!source.includes(nsMatcher)) source.push(nsMatcher);
        if (!target.includes(nsMatcher)) target.push(nsMatcher);
      }
      out.inhibit_rules.push({ source_matchers: source, target_matchers: target, equal: ir.equal });
    }
    const route = (r: Json): Json => ({
      receiver: prefix(r.receiver),
      group_by: r.groupBy,
      group_wait: r.groupWait,
      group_interval: r.groupInterval,
      repeat_interval: r.repeatInterval,
      continue: r.continue,
      matchers: r.matchers?.map(matcherText),
      routes: r.routes?.map(route),
    });
    const top = route(c.spec.route);
    if (enforce) top.matchers = [...(top.matchers ?? []), nsMatcher];
    top.continue = true;
    sub.push(top);
    const file = (s: Json) => `${secretsDir}/${s.name}/${s.key}`;
    for (const r of c.spec.receivers ?? []) {
      out.receivers.push({
        name: prefix(r.name),
        pagerduty_configs: r.pagerdutyConfigs?.map((p: Json) => ({ send_resolved: p.sendResolved, routing_key_file: file(p.routingKey), url: p.url, severity: p.severity, description: p.description })),
        slack_configs: r.slackConfigs?.map((s: Json) => ({ send_resolved: s.sendResolved, api_url_file: file(s.apiURL), channel: s.channel, title: s.title, text: s.text })),
        email_configs: r.emailConfigs?.map((e: Json) => ({
          send_resolved: e.sendResolved,
          to: e.to,
          from: e.from,
          smarthost: e.smarthost,
          auth_username: e.authUsername,
          auth_password_file: e.authPassword ? file(e.authPassword) : undefined,
          require_tls: e.requireTLS,
        })),
        webhook_configs: r.webhookConfigs?.map((w: Json) => ({
          send_resolved: w.sendResolved,
          url_file: file(w.urlSecret),
          max_alerts: w.maxAlerts,
          http_config: w.httpConfig?.authorization ? { authorization: { type: w.httpConfig.authorization.type, credentials_file: file(w.httpConfig.authorization.credentials) } } : undefined,
        })),
      });
    }
  }
  out.route.routes = [...sub, ...(out.route.routes ?? [])];
  if (out.inhibit_rules.length === 0) delete out.inhibit_rules;
  return out;
}

/**
 * kube-prometheus-stack's default Alertmanager configuration (values.yaml `alertmanager.config` of chart 88.5.3): the
 * base the operator adds the AlertmanagerConfigs to. Its `null` receiver drops what no route takes.
 */
export const KPS_DEFAULT_ALERTMANAGER_CONFIG: Json = {
  global: { resolve_timeout: '5m' },
  inhibit_rules: [
    { source_matchers: ['severity = critical'], target_matchers: ['severity =~ warning|info'], equal: ['namespace', 'alertname'] },
    { source_matchers: ['severity = warning'], target_matchers: ['severity = info'], equal: ['namespace', 'alertname'] },
    { source_matchers: ['alertname = InfoInhibitor'], target_matchers: ['severity = info'], equal: ['namespace'] },
    { target_matchers: ['alertname = InfoInhibitor'] },
  ],
  route: {
    group_by: ['namespace'],
    group_wait: '30s',
    group_interval: '5m',
    repeat_interval: '12h',
    receiver: 'null',
    routes: [{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }],
  },
  receivers: [{ name: 'null' }],
};
