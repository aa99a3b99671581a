import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { ProblemCollector } from '../../common/errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { DEFAULT_NAMESPACE, clusterScoped, defaultNamespace } from '../../common/namespace';
import { stackService } from '../../common/service';
import { ComponentModel, componentModel } from '../../common/model';
import { flagProblems, kubernetesLabelKeyProblems, nonEmptyProblems } from '../../common/validation';
import { LINUX_NODES, ResourceSpec, secureDeployment, SchedulableProps } from '../../common/workload';
import { SERVICE_NAME_POD_LABELS } from '../../conventions';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { ImageVersion, VERSIONS } from '../../versions';
import { componentTargetLabels, keepComponentPods } from '../prometheus/relabel';
import { IScrapeTarget, ScrapeConfig } from '../prometheus/scrape-config';
import { DEFAULT_RESOURCES, EXPORTER_COMPONENT, EXPORTER_NAMES, EXPORTER_PORTS } from './defaults';

/**
 * kube-state-metrics: metrics about the state of Kubernetes objects (`kube_pod_container_status_restarts_total`,
 * `kube_deployment_status_replicas_available`, ...), deployed as upstream's examples/standard
 * (https://github.com/kubernetes/kube-state-metrics/tree/v2.16.0/examples/standard): a ServiceAccount, a read-only
 * ClusterRole and its binding, one Deployment, a headless Service.
 *
 * SCRAPING (decided here): kube-state-metrics' series carry `namespace`, `pod`, `container`, `service`, ... labels of
 * the OBJECTS THEY DESCRIBE. The generic `kubernetes-pods` job attaches those same labels from the scraped pod, which
 * would overwrite them (or rename them `exported_*`) so every restart would look like kube-state-metrics' own.
 * So the pods are NOT annotated `prometheus.io/scrape`; instead `scrapeConfig()` returns a dedicated job with
 * `honor_labels: true` that attaches no target labels besides `job`/`instance`, and `telemetryScrapeConfig()` scrapes
 * kube-state-metrics' own metrics (port 8081) with the usual target labels. Upstream's README advises exactly this:
 * "create a specific Prometheus scrape config for kube-state-metrics that picks up both metrics endpoints.
 * Annotation based discovery is discouraged" (https://github.com/kubernetes/kube-state-metrics#kubernetes-deployment).
 * The stack adds `scrapeConfigs()` to Prometheus.
 */

export interface IKubeStateMetrics extends IScrapeTarget {
  readonly namespace: string;
  /** The Service selecting the kube-state-metrics pods. */
  readonly serviceName: string;
  /** The object-metrics port (`http-metrics`). */
  readonly port: number;
  /** kube-state-metrics' own metrics port (`telemetry`). */
  readonly telemetryPort: number;
  /** The Prometheus job for the object metrics (`honor_labels: true`). */
  scrapeConfig(): ScrapeConfig;
  /** The Prometheus job for kube-state-metrics' own metrics. */
  telemetryScrapeConfig(): ScrapeConfig;
  /** Both jobs, for `Prometheus.addScrapeConfig`. */
  scrapeConfigs(): ScrapeConfig[];
}

export interface KubeStateMetricsProps extends SchedulableProps {
  /** @default - the chart's namespace, else 'observability' */
  readonly namespace?: string;
  /**
   * Name of the Deployment, Service and ServiceAccount (`app.kubernetes.io/instance`). The cluster-scoped ClusterRole
   * and ClusterRoleBinding are named `<namespace>-<name>`, so they never collide with a kube-state-metrics the
   * cluster already runs (most distributions ship one named `kube-state-metrics`).
   * @default 'kube-state-metrics'
   */
  readonly name?: string;
  /** @default VERSIONS.kubeStateMetrics */
  readonly image?: ImageVersion;
  /** @default - 100m CPU, 256Mi memory request (upstream's sizing advice), 512Mi memory limit */
  readonly resources?: ResourceSpec;
  /**
   * Kubernetes labels exposed as `label_*` on the `kube_<resource>_labels` metrics, per resource
   * (`--metric-labels-allowlist`). The default exposes the pod labels the `service` target label is derived from, so
   * rules can join pod-level state (restarts) to services.
   * @default { pods: ['app.kubernetes.io/name', 'app'] }
   */
  readonly metricLabelsAllowlist?: Readonly<Record<string, readonly string[]>>;
  /**
   * The collectors to enable (kube-state-metrics' `--resources` flag); the ClusterRole grants list/watch on exactly
   * these.
   * @default KUBE_STATE_METRICS_DEFAULT_COLLECTORS (upstream's default collectors without `secrets` and `configmaps`)
   */
  readonly collectors?: readonly string[];
  /** Flags appended to the defaults (e.g. `--metric-denylist=...`). @default - none */
  readonly extraArgs?: readonly string[];
  /** Prometheus job name of the object metrics; the telemetry job is `<jobName>-telemetry`. @default - the name */
  readonly jobName?: string;
}

export interface KubeStateMetricsModel extends ComponentModel {
  readonly clusterRoleName: string;
  /** Enabled collectors, sorted. */
  readonly collectors: readonly string[];
  readonly metricLabelsAllowlist: Readonly<Record<string, readonly string[]>>;
  readonly extraArgs: readonly string[];
  readonly jobName: string;
}

/** A ClusterRole rule, as the RBAC API writes it. */
export interface PolicyRuleSpec {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

const LIST_WATCH = ['list', 'watch'] as const;

/**
 * The read-only rules of upstream's examples/standard/cluster-role.yaml (generated from
 * jsonnet/kube-state-metrics/kube-state-metrics.libsonnet,
 * https://github.com/kubernetes/kube-state-metrics/blob/v2.16.0/examples/standard/cluster-role.yaml), in upstream's
 * order: list/watch on every resource a collector can read. Upstream's two `create` rules
 * (authentication.k8s.io tokenreviews, authorization.k8s.io subjectaccessreviews) only serve `--auth-filter`
 * (authenticating scrapers against the API server), which this stack does not enable, so they are left out.
 */
export const KUBE_STATE_METRICS_UPSTREAM_RULES: readonly PolicyRuleSpec[] = [
  {
    apiGroups: [''],
    resources: [
      'configmaps',
      'secrets',
      'nodes',
      'pods',
      'services',
      'serviceaccounts',
      'resourcequotas',
      'replicationcontrollers',
      'limitranges',
      'persistentvolumeclaims',
      'persistentvolumes',
      'namespaces',
      'endpoints',
    ],
    verbs: LIST_WATCH,
  },
  { apiGroups: ['apps'], resources: ['statefulsets', 'daemonsets', 'deployments', 'replicasets'], verbs: LIST_WATCH },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: LIST_WATCH },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: LIST_WATCH },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: LIST_WATCH },
  { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: LIST_WATCH },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: LIST_WATCH },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses', 'volumeattachments'], verbs: LIST_WATCH },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
    verbs: LIST_WATCH,
  },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies', 'ingressclasses', 'ingresses'], verbs: LIST_WATCH },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: LIST_WATCH },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['clusterrolebindings', 'clusterroles', 'rolebindings', 'roles'],
    verbs: LIST_WATCH,
  },
];

/**
 * Collectors whose RBAC reads sensitive data: list/watch on Secrets returns every Secret's content cluster-wide, and
 * on ConfigMaps every ConfigMap's data (where credentials too often end up). kube-state-metrics only exports their
 * metadata (`kube_secret_*`, `kube_configmap_*`), so they are off unless the `collectors` prop turns them on.
 */
export const KUBE_STATE_METRICS_SENSITIVE_COLLECTORS: readonly string[] = ['configmaps', 'secrets'];

/**
 * The collectors kube-state-metrics enables by default (`--resources` default, docs/developer/cli-arguments.md and
 * pkg/options/resource.go `DefaultResources`), sorted as upstream lists them.
 */
export const KUBE_STATE_METRICS_UPSTREAM_DEFAULT_COLLECTORS: readonly string[] = [
  'certificatesigningrequests',
  'configmaps',
  'cronjobs',
  'daemonsets',
  'deployments',
  'endpointslices',
  'horizontalpodautoscalers',
  'ingresses',
  'jobs',
  'leases',
  'limitranges',
  'mutatingwebhookconfigurations',
  'namespaces',
  'networkpolicies',
  'nodes',
  'persistentvolumeclaims',
  'persistentvolumes',
  'poddisruptionbudgets',
  'pods',
  'replicasets',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'services',
  'statefulsets',
  'storageclasses',
  'validatingwebhookconfigurations',
  'volumeattachments',
];

/**
 * The stack's default collectors: upstream's defaults without the sensitive ones
 * (KUBE_STATE_METRICS_SENSITIVE_COLLECTORS). Turn one on with
 * `collectors: [...KUBE_STATE_METRICS_DEFAULT_COLLECTORS, 'secrets']`.
 */
export const KUBE_STATE_METRICS_DEFAULT_COLLECTORS: readonly string[] = KUBE_STATE_METRICS_UPSTREAM_DEFAULT_COLLECTORS.filter(
  (c) => !KUBE_STATE_METRICS_SENSITIVE_COLLECTORS.includes(c),
);

/**
 * The ClusterRole rules for a set of collectors (pure): upstream's rules, in upstream's order, each restricted to the
 * enabled resources; rules left empty are dropped. Least privilege that still matches upstream rule for rule.
 */
export function kubeStateMetricsRules(collectors: readonly string[]): PolicyRuleSpec[] {
  const enabled = new Set(collectors);
  return KUBE_STATE_METRICS_UPSTREAM_RULES.map((r) => ({ ...r, resources: r.resources.filter((x) => enabled.has(x)) })).filter(
    (r) => r.resources.length > 0,
  );
}

const KNOWN_COLLECTORS = new Set(KUBE_STATE_METRICS_UPSTREAM_RULES.flatMap((r) => r.resources));

const RESOURCE_NAME = /^[a-z][a-z0-9]*$/;

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function kubeStateMetricsModel(props: KubeStateMetricsProps = {}, path = 'KubeStateMetrics', namespace = DEFAULT_NAMESPACE): KubeStateMetricsModel {
  const c = new ProblemCollector();
  const base = componentModel(props, { name: EXPORTER_NAMES.kubeStateMetrics, image: VERSIONS.kubeStateMetrics, resources: DEFAULT_RESOURCES.kubeStateMetrics }, path, namespace, c);
  const collectors = [...new Set(props.collectors ?? KUBE_STATE_METRICS_DEFAULT_COLLECTORS)].sort();
  const metricLabelsAllowlist = props.metricLabelsAllowlist ?? { pods: [...SERVICE_NAME_POD_LABELS] };
  const extraArgs = props.extraArgs ?? [];
  const jobName = props.jobName ?? base.name;
  c.addAll(flagProblems(extraArgs, `${path}.extraArgs`, '--metric-denylist=kube_secret_.*'));
  c.addAll(nonEmptyProblems(jobName, `${path}.jobName`, 'omit it to use the name.'));
  if (collectors.length === 0) {
    c.add({ path: `${path}.collectors`, message: 'must enable at least one collector', value: [], fix: 'omit it to use the default collectors.' });
  }
  for (const r of collectors) {
    if (!KNOWN_COLLECTORS.has(r)) {
      c.add({
        path: `${path}.collectors`,
        message: 'names a collector this construct has no RBAC rule for',
        value: r,
        fix: `use collectors among: ${[...KNOWN_COLLECTORS].sort().join(', ')}.`,
      });
    }
  }
  for (const [resource, labels] of Object.entries(metricLabelsAllowlist)) {
    const at = `${path}.metricLabelsAllowlist.${resource}`;
    if (!RESOURCE_NAME.test(resource)) {
      c.add({ path: at, message: 'is not a kube-state-metrics resource name', value: resource, fix: 'use the plural lowercase resource, e.g. "pods" or "deployments".' });
    }
    labels.forEach((l, i) => {
      if (l !== '*') c.addAll(kubernetesLabelKeyProblems(l, `${at}[${i}]`));
    });
  }
  c.throwIfAny();
  return { ...base, clusterRoleName: `${base.namespace}-${base.name}`, collectors, metricLabelsAllowlist, extraArgs, jobName };
}

/** `pods=[app.kubernetes.io/name,app],deployments=[...]`, resources sorted (stable output). */
export function renderLabelsAllowlist(allowlist: Readonly<Record<string, readonly string[]>>): string {
  return Object.keys(allowlist)
    .sort()
    .map((r) => `${r}=[${allowlist[r].join(',')}]`)
    .join(',');
}

/** kube-state-metrics' command line (pure). Flags: https://github.com/kubernetes/kube-state-metrics/blob/v2.16.0/docs/developer/cli-arguments.md */
export function kubeStateMetricsArgs(model: KubeStateMetricsModel): string[] {
  const allowlist = renderLabelsAllowlist(model.metricLabelsAllowlist);
  return [
    `--port=${EXPORTER_PORTS.kubeStateMetrics.port}`,
    `--telemetry-port=${EXPORTER_PORTS.kubeStateMetricsTelemetry.port}`,
    `--resources=${model.collectors.join(',')}`,
    ...(allowlist !== '' ? [`--metric-labels-allowlist=${allowlist}`] : []),
    ...model.extraArgs,
  ];
}

export class KubeStateMetrics extends Construct implements IKubeStateMetrics, INetworkComponent {
  public readonly namespace: string;
  public readonly serviceName: string;
  public readonly port: number = EXPORTER_PORTS.kubeStateMetrics.port;
  public readonly telemetryPort: number = EXPORTER_PORTS.kubeStateMetricsTelemetry.port;
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly model: KubeStateMetricsModel;
  public readonly serviceAccount: kplus.ServiceAccount;
  public readonly clusterRole: k8s.KubeClusterRole;
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  /** What the network policies know: both metrics ports (objects and telemetry); it calls the API server. */
  public readonly network: ComponentNetwork;

  constructor(scope: Construct, id: string, props: KubeStateMetricsProps = {}) {
    super(scope, id);
    const model = kubeStateMetricsModel(props, this.node.path, defaultNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    this.serviceName = model.name;

    const identity: ComponentIdentity = {
      name: EXPORTER_NAMES.kubeStateMetrics,
      instance: model.name,
      component: EXPORTER_COMPONENT,
      version: model.image,
    };
    const labels = recommendedLabels(identity);
    this.podSelector = selectorLabels(identity);

    // The token is mounted by the pod (automountServiceAccountToken on the pod), not by default for every pod that
    // might use this account (as upstream's jsonnet sets it).
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: model.name, namespace: model.namespace, labels },
      automountToken: false,
    });

    this.clusterRole = clusterScoped(new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: model.clusterRoleName, labels },
      rules: kubeStateMetricsRules(this.model.collectors).map((r) => ({
        apiGroups: [...r.apiGroups],
        resources: [...r.resources],
        verbs: [...r.verbs],
      })),
    }));

    this.clusterRoleBinding = clusterScoped(new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: model.clusterRoleName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: model.clusterRoleName },
      subjects: [{ kind: 'ServiceAccount', name: model.name, namespace: model.namespace }],
    }));

    const ports = [EXPORTER_PORTS.kubeStateMetrics, EXPORTER_PORTS.kubeStateMetricsTelemetry].map((p) => ({ name: p.name, port: p.port }));
    this.network = { pods: { namespace: model.namespace, podSelector: this.podSelector }, ports: { metrics: ports }, callsApiServer: true };
    this.deployment = secureDeployment(this, 'Resource', {
      scheduling: model.scheduling,
      identity,
      namespace: model.namespace,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: this.network.callsApiServer,
      nodeSelector: LINUX_NODES,
      // NO prometheus.io/scrape annotation: see the class comment (dedicated honor_labels job instead).
      containers: [
        {
          name: EXPORTER_NAMES.kubeStateMetrics,
          image: model.image,
          args: kubeStateMetricsArgs(model),
          ports,
          resources: model.resources,
          // Upstream since v2.13: liveness `/livez` on the metrics port (fails when the API server is unreachable),
          // readiness `/readyz` on the telemetry port (ready once metrics are served). Timings as upstream's examples.
          liveness: { path: '/livez', port: this.port, initialDelaySeconds: 5, timeoutSeconds: 5 },
          readiness: { path: '/readyz', port: this.telemetryPort, initialDelaySeconds: 5, timeoutSeconds: 5 },
        },
      ],
    });
    // Headless, as upstream's examples/standard/service.yaml.
    this.service = stackService(this, 'Service', { identity, namespace: model.namespace, ports, headless: true });
  }

  /**
   * The object-metrics job: `honor_labels: true`, and no target labels besides `job` and `instance`, so the
   * `namespace`/`pod`/`container`/`service` labels kube-state-metrics writes are kept as they are.
   */
  public scrapeConfig(): ScrapeConfig {
    return {
      jobName: this.model.jobName,
      honorLabels: true,
      kubernetesSdConfigs: [{ role: 'pod', namespaces: [this.namespace] }],
      relabelConfigs: keepComponentPods(this.podSelector, EXPORTER_PORTS.kubeStateMetrics.name),
    };
  }

  /** kube-state-metrics' own metrics (list/watch errors, build info), with the usual target labels. */
  public telemetryScrapeConfig(): ScrapeConfig {
    return {
      jobName: `${this.model.jobName}-telemetry`,
      kubernetesSdConfigs: [{ role: 'pod', namespaces: [this.namespace] }],
      relabelConfigs: [
        ...keepComponentPods(this.podSelector, EXPORTER_PORTS.kubeStateMetricsTelemetry.name),
        ...componentTargetLabels(EXPORTER_NAMES.kubeStateMetrics),
      ],
    };
  }

  public scrapeConfigs(): ScrapeConfig[] {
    return [this.scrapeConfig(), this.telemetryScrapeConfig()];
  }
}
