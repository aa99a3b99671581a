import { ConfigProblem } from '../common/errors';
import { sanitizeDns1123Subdomain } from '../common/validation';
import { RelabelConfig, ScrapeConfig } from '../components/prometheus/scrape-config';
import { DROP_NOT_RUNNING, escapeRelabelRegex } from '../components/prometheus/relabel';
import { WorkloadMonitorModel, workloadMonitorTargetLabels } from '../components/prometheus/workload-monitor';
import { PodMonitorSpec, ProbeSpec, ScrapeConfigSpec, ServiceMonitorSpec, ServiceMonitorSpecEndpointsTargetPort } from '../../imports/monitoring.coreos.com';

/**
 * The stack's scrape jobs as Prometheus Operator resources (pure). The operator turns each resource into a scrape job
 * of its own (pkg/prometheus/promcfg.go of v0.93: `generatePodMonitorConfig`, `generateServiceMonitorConfig`,
 * `generateProbeConfig`, `generateScrapeConfig`): Kubernetes discovery for the resource's selector, its own relabel
 * rules first (keep the selected objects and port, running pods only, target labels `namespace`, `container`, `pod`,
 * for ServiceMonitors also `service`, `node`, `endpoint`, and `job` = `<namespace>/<name>` or the Service's name),
 * then the resource's `relabelings`. So a job translates into the resource that discovers the same role, with the
 * job's relabeling as the resource's relabelings, followed by rules that give the targets exactly the labels the
 * stack's own Prometheus gives them: `job` = the job's name, and the operator's target labels that the job itself
 * does not set dropped (`labeldrop`). Series, rules and dashboards then read the same in both modes.
 *
 * - role `pod` (every exporter job, the annotated-pods job) → `PodMonitor` (`selector: {}`: the relabeling selects);
 * - role `endpoints` / `endpointslice` → `ServiceMonitor`;
 * - a blackbox-exporter probe job (`/probe` with one `module`, static targets, upstream's three relabel rules) →
 *   `Probe`, with the per-target labels as relabel rules on the probed URL;
 * - anything else (role `service`, `node`, `ingress`; static targets; several discovery blocks; API-server selectors)
 *   → `ScrapeConfig` (v1alpha1), which holds a scrape job as it is.
 * Credentials read from files in the Prometheus pod (`authorization.credentialsFile`, `bearerTokenFile`,
 * `tlsConfig.caFile`) cannot be expressed: the operator's Prometheus mounts no files of the stack's, and the
 * operator's resources take credentials from Secrets.
 */

export type OperatorMonitor =
  | { readonly kind: 'PodMonitor'; readonly name: string; readonly spec: PodMonitorSpec }
  | { readonly kind: 'ServiceMonitor'; readonly name: string; readonly spec: ServiceMonitorSpec }
  | { readonly kind: 'Probe'; readonly name: string; readonly spec: ProbeSpec }
  | { readonly kind: 'ScrapeConfig'; readonly name: string; readonly spec: ScrapeConfigSpec };

export type OperatorMonitorKind = OperatorMonitor['kind'];

/** The target labels the operator's relabeling writes before the resource's own, per kind (and besides `job`). */
export const OPERATOR_TARGET_LABELS: Readonly<Record<OperatorMonitorKind, readonly string[]>> = {
  PodMonitor: ['container', 'endpoint', 'namespace', 'pod'],
  ServiceMonitor: ['container', 'endpoint', 'namespace', 'node', 'pod', 'service'],
  // A Probe's static targets get `namespace` (the Probe's) unless its labels set one.
  Probe: ['namespace'],
  ScrapeConfig: [],
};

/** The operator's relabel rule fields are the stack's (camelCase), with the action as the CRD spells it. */
type OperatorRelabel = { action?: any; modulus?: number; regex?: string; replacement?: string; separator?: string; sourceLabels?: string[]; targetLabel?: string };

function relabel(r: RelabelConfig): OperatorRelabel {
  return {
    sourceLabels: r.sourceLabels ? [...r.sourceLabels] : undefined,
    separator: r.separator,
    regex: r.regex,
    modulus: r.modulus,
    targetLabel: r.targetLabel,
    replacement: r.replacement,
    action: r.action,
  };
}

/** A literal for a relabel `replacement` (where `$` starts a reference). */
function literalReplacement(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

/** The target labels a job's own relabeling (and static labels) write. */
function labelsWrittenBy(job: ScrapeConfig): Set<string> {
  const written = new Set<string>();
  for (const r of job.relabelConfigs ?? []) {
    if ((r.action ?? 'replace') === 'replace' && r.targetLabel && !r.targetLabel.startsWith('__')) written.add(r.targetLabel);
  }
  for (const s of job.staticConfigs ?? []) for (const k of Object.keys(s.labels ?? {})) written.add(k);
  return written;
}

/**
 * The rules after the job's own that make the operator's targets carry the native job's labels: `job` = its name,
 * and the operator's target labels the job does not write dropped.
 */
export function fidelityRelabelings(kind: OperatorMonitorKind, jobName: string, written: ReadonlySet<string>): RelabelConfig[] {
  const drop = OPERATOR_TARGET_LABELS[kind].filter((l) => !written.has(l));
  const rules: RelabelConfig[] = kind === 'Probe' || kind === 'ScrapeConfig' ? [] : [{ targetLabel: 'job', replacement: literalReplacement(jobName), action: 'replace' }];
  if (drop.length > 0) rules.push({ regex: drop.join('|'), action: 'labeldrop' });
  return rules;
}

/** A Kubernetes name for a job (DNS-1123 subdomain). */
export function monitorName(jobName: string): string {
  return sanitizeDns1123Subdomain(jobName);
}

/** Why a job cannot be an operator resource, or nothing. */
export function untranslatableProblems(job: ScrapeConfig, path: string): ConfigProblem[] {
  const files = [
    job.authorization?.credentialsFile !== undefined ? 'authorization.credentialsFile' : undefined,
    job.bearerTokenFile !== undefined ? 'bearerTokenFile' : undefined,
    job.tlsConfig?.caFile !== undefined ? 'tlsConfig.caFile' : undefined,
  ].filter((f): f is string => f !== undefined);
  return files.map((f) => ({
    path: `${path}.${f}`,
    message: 'reads a file in the Prometheus pod, which an operator-managed Prometheus does not mount (the operator\'s resources take credentials from Secrets)',
    value: job.jobName,
    fix: 'leave this job out in operator mode, or write the operator resource for it yourself with a Secret reference.',
  }));
}

/** The blackbox probe shape `blackboxProbeScrapeConfig` writes: the exporter's address, or undefined for another job. */
function proberAddress(job: ScrapeConfig): string | undefined {
  const r = job.relabelConfigs ?? [];
  const module = job.params?.module;
  if (job.metricsPath !== '/probe' || !module || module.length !== 1 || Object.keys(job.params ?? {}).length !== 1) return undefined;
  if ((job.kubernetesSdConfigs?.length ?? 0) > 0 || (job.staticConfigs?.length ?? 0) === 0 || r.length !== 3) return undefined;
  const [a, b, c] = r;
  const plain = (x: RelabelConfig) => (x.action ?? 'replace') === 'replace' && x.regex === undefined && x.separator === undefined;
  if (!plain(a) || a.sourceLabels?.join() !== '__address__' || a.targetLabel !== '__param_target') return undefined;
  if (!plain(b) || b.sourceLabels?.join() !== '__param_target' || b.targetLabel !== 'instance') return undefined;
  if (!plain(c) || c.sourceLabels !== undefined || c.targetLabel !== '__address__' || !c.replacement) return undefined;
  return c.replacement;
}

function tls(job: ScrapeConfig) {
  const t = job.tlsConfig;
  return t && (t.insecureSkipVerify !== undefined || t.serverName !== undefined) ? { insecureSkipVerify: t.insecureSkipVerify, serverName: t.serverName } : undefined;
}

function namespaceSelector(namespaces: readonly string[] | undefined) {
  return namespaces && namespaces.length > 0 ? { matchNames: [...namespaces] } : { any: true };
}

/**
 * The operator resource of a scrape job (pure).
 * @throws nothing; call `untranslatableProblems` first (the construct does)
 */
export function operatorMonitorOfJob(job: ScrapeConfig): OperatorMonitor {
  const name = monitorName(job.jobName);
  const written = labelsWrittenBy(job);
  const sd = job.kubernetesSdConfigs ?? [];
  const single = sd.length === 1 && (job.staticConfigs?.length ?? 0) === 0 && (sd[0].selectors?.length ?? 0) === 0 ? sd[0] : undefined;
  const metricRelabelings = job.metricRelabelConfigs && job.metricRelabelConfigs.length > 0 ? job.metricRelabelConfigs.map(relabel) : undefined;
  const endpoint = {
    path: job.metricsPath,
    interval: job.scrapeInterval,
    scrapeTimeout: job.scrapeTimeout,
    scheme: job.scheme as any,
    params: job.params ? Object.fromEntries(Object.keys(job.params).sort().map((k) => [k, [...job.params![k]]])) : undefined,
    honorLabels: job.honorLabels,
    honorTimestamps: job.honorTimestamps,
    tlsConfig: tls(job),
    metricRelabelings,
  };

  if (single?.role === 'pod') {
    const relabelings = [...(job.relabelConfigs ?? []), ...fidelityRelabelings('PodMonitor', job.jobName, written)].map(relabel);
    return {
      kind: 'PodMonitor',
      name,
      spec: { selector: {}, namespaceSelector: namespaceSelector(single.namespaces), sampleLimit: job.sampleLimit, podMetricsEndpoints: [{ ...endpoint, relabelings }] },
    };
  }
  if (single?.role === 'endpoints' || single?.role === 'endpointslice') {
    const relabelings = [...(job.relabelConfigs ?? []), ...fidelityRelabelings('ServiceMonitor', job.jobName, written)].map(relabel);
    return {
      kind: 'ServiceMonitor',
      name,
      spec: {
        selector: {},
        namespaceSelector: namespaceSelector(single.namespaces),
        serviceDiscoveryRole: (single.role === 'endpointslice' ? 'EndpointSlice' : 'Endpoints') as any,
        sampleLimit: job.sampleLimit,
        endpoints: [{ ...endpoint, relabelings }],
      },
    };
  }
  const prober = proberAddress(job);
  if (prober) {
    // One static list; each target's own labels become a rule on the probed URL (a Probe has one label set).
    const targets = (job.staticConfigs ?? []).flatMap((s) => s.targets.map((t) => ({ target: t, labels: s.labels ?? {} })));
    const perTarget: RelabelConfig[] = targets.flatMap(({ target, labels }) =>
      Object.keys(labels).sort().map((k) => ({ sourceLabels: ['__param_target'], regex: escapeRelabelRegex(target), targetLabel: k, replacement: literalReplacement(labels[k]), action: 'replace' as const })),
    );
    return {
      kind: 'Probe',
      name,
      spec: {
        jobName: job.jobName,
        interval: job.scrapeInterval,
        scrapeTimeout: job.scrapeTimeout,
        module: job.params!.module[0],
        sampleLimit: job.sampleLimit,
        prober: { url: prober, path: '/probe', scheme: (job.scheme ?? 'http') as any },
        targets: { staticConfig: { static: targets.map((t) => t.target), relabelingConfigs: [...perTarget, ...fidelityRelabelings('Probe', job.jobName, written)].map(relabel) } },
        metricRelabelings,
      },
    };
  }
  const role = (r: string) => ({ pod: 'Pod', endpoints: 'Endpoints', endpointslice: 'EndpointSlice', service: 'Service', node: 'Node', ingress: 'Ingress' })[r] as any;
  return {
    kind: 'ScrapeConfig',
    name,
    spec: {
      jobName: job.jobName,
      scrapeInterval: job.scrapeInterval,
      scrapeTimeout: job.scrapeTimeout,
      metricsPath: job.metricsPath,
      scheme: job.scheme as any,
      params: endpoint.params,
      honorLabels: job.honorLabels,
      honorTimestamps: job.honorTimestamps,
      sampleLimit: job.sampleLimit,
      tlsConfig: tls(job),
      staticConfigs: job.staticConfigs?.map((s) => ({ targets: [...s.targets], labels: s.labels && Object.keys(s.labels).length > 0 ? { ...s.labels } : undefined })),
      kubernetesSdConfigs: sd.length > 0
        ? sd.map((k) => ({
            role: role(k.role),
            namespaces: k.namespaces && k.namespaces.length > 0 ? { names: [...k.namespaces] } : undefined,
            selectors: k.selectors?.map((s) => ({ role: role(s.role), label: s.label, field: s.field })),
          }))
        : undefined,
      relabelings: job.relabelConfigs && job.relabelConfigs.length > 0 ? job.relabelConfigs.map(relabel) : undefined,
      metricRelabelings,
    },
  };
}

/**
 * A typed workload monitor as a `PodMonitor` (pods) or `ServiceMonitor` (a Service's endpoints), the operator's own
 * way: its selector, namespaces, port (by name, or by number: `portNumber` / `targetPort`), path, interval, scheme,
 * then the stack's running-pods filter and target labels, `job` = the monitor's name, the operator's extra target labels dropped, and the
 * monitor's relabelings — the labels its native scrape job gives (`workloadMonitorScrapeConfig`).
 */
export function operatorMonitorOfWorkload(m: WorkloadMonitorModel): OperatorMonitor {
  const kind = m.target === 'service' ? 'ServiceMonitor' : 'PodMonitor';
  const targetLabels = workloadMonitorTargetLabels(m);
  const written = new Set(targetLabels.map((r) => r.targetLabel!));
  // The operator drops only Failed and Succeeded pods; the stack also Pending ones (they have nothing to scrape yet).
  const relabelings = [DROP_NOT_RUNNING, ...targetLabels, ...fidelityRelabelings(kind, m.name, written), ...m.relabelings].map(relabel);
  const metricRelabelings = m.metricRelabelings.length > 0 ? m.metricRelabelings.map(relabel) : undefined;
  const common = {
    path: m.path,
    interval: m.interval?.toString(),
    scrapeTimeout: m.scrapeTimeout?.toString(),
    scheme: m.scheme as any,
    honorLabels: m.honorLabels ? true : undefined,
    relabelings,
    metricRelabelings,
  };
  const selector = { matchLabels: { ...m.selector } };
  if (kind === 'PodMonitor') {
    const port = typeof m.port === 'number' ? { portNumber: m.port } : { port: m.port };
    return { kind, name: m.name, spec: { selector, namespaceSelector: namespaceSelector(m.namespaces), podMetricsEndpoints: [{ ...port, ...common }] } };
  }
  // ServiceMonitor: a name is the Service port's; a number the pods' container port (`targetPort`).
  const port = typeof m.port === 'number' ? { targetPort: ServiceMonitorSpecEndpointsTargetPort.fromNumber(m.port) } : { port: m.port };
  return { kind, name: m.name, spec: { selector, namespaceSelector: namespaceSelector(m.namespaces), endpoints: [{ ...port, ...common }] } };
}
