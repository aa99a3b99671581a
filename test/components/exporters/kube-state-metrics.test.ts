import { Chart, Testing } from 'cdk8s';
import {
  KUBE_STATE_METRICS_DEFAULT_COLLECTORS,
  KUBE_STATE_METRICS_UPSTREAM_RULES,
  KubeStateMetrics,
  kubeStateMetricsModel,
  kubeStateMetricsRules,
} from '../../../src/components/exporters/kube-state-metrics';
import { SCRAPE_ANNOTATIONS } from '../../../src/conventions';
import { VERSIONS } from '../../../src/versions';
import { schemaErrors } from '../../helpers/schema';
import { containersOf, findObject, K8sObject, synthObjects } from '../../helpers/synth';

function synth(props: ConstructorParameters<typeof KubeStateMetrics>[2] = {}): { objects: K8sObject[]; ksm: KubeStateMetrics } {
  const chart = new Chart(Testing.app(), 'test');
  const ksm = new KubeStateMetrics(chart, 'kube-state-metrics', props);
  return { objects: synthObjects(chart), ksm };
}

/** Upstream's cluster-role.yaml rules restricted to the default collectors (list/watch only), in upstream's order. */
const EXPECTED_DEFAULT_RULES = [
  {
    apiGroups: [''],
    resources: [
      'nodes',
      'pods',
      'services',
      'resourcequotas',
      'replicationcontrollers',
      'limitranges',
      'persistentvolumeclaims',
      'persistentvolumes',
      'namespaces',
    ],
    verbs: ['list', 'watch'],
  },
  { apiGroups: ['apps'], resources: ['statefulsets', 'daemonsets', 'deployments', 'replicasets'], verbs: ['list', 'watch'] },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: ['list', 'watch'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['list', 'watch'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['list', 'watch'] },
  { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['list', 'watch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses', 'volumeattachments'], verbs: ['list', 'watch'] },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
    verbs: ['list', 'watch'],
  },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies', 'ingresses'], verbs: ['list', 'watch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['list', 'watch'] },
];

describe('KubeStateMetrics', () => {
  test('every synthesized object is valid against the Kubernetes schema', () => {
    const { objects } = synth();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/observability-kube-state-metrics',
      'ClusterRoleBinding/observability-kube-state-metrics',
      'Deployment/kube-state-metrics',
      'Service/kube-state-metrics',
      'ServiceAccount/kube-state-metrics',
    ]);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('the ClusterRole is upstream\'s, for exactly the default collectors, with list/watch only', () => {
    const role = findObject(synth().objects, 'ClusterRole', 'observability-kube-state-metrics');
    expect(role.rules).toEqual(EXPECTED_DEFAULT_RULES);
    const verbs = new Set(role.rules.flatMap((r: { verbs: string[] }) => r.verbs));
    expect([...verbs].sort()).toEqual(['list', 'watch']);
    // Every enabled collector has its rule, and nothing else is granted.
    expect(role.rules.flatMap((r: { resources: string[] }) => r.resources).sort()).toEqual([...KUBE_STATE_METRICS_DEFAULT_COLLECTORS].sort());
  });

  test('reads no Secret or ConfigMap unless the collectors prop turns them on', () => {
    const resources = (o: K8sObject[]) => findObject(o, 'ClusterRole', 'observability-kube-state-metrics').rules.flatMap((r: { resources: string[] }) => r.resources);
    expect(resources(synth().objects)).not.toEqual(expect.arrayContaining(['secrets']));
    expect(resources(synth().objects)).not.toEqual(expect.arrayContaining(['configmaps']));
    const args: string[] = containersOf(findObject(synth().objects, 'Deployment', 'kube-state-metrics'))[0].args;
    expect(args.find((a) => a.startsWith('--resources='))).not.toMatch(/secrets|configmaps/);
    const on = synth({ collectors: [...KUBE_STATE_METRICS_DEFAULT_COLLECTORS, 'secrets'] }).objects;
    expect(resources(on)).toContain('secrets');
  });

  test('the upstream rule table has no write verbs at all', () => {
    expect(KUBE_STATE_METRICS_UPSTREAM_RULES.every((r) => r.verbs.join(',') === 'list,watch')).toBe(true);
  });

  test('restricting the collectors restricts the ClusterRole and the --resources flag alike', () => {
    const { objects } = synth({ collectors: ['pods', 'deployments', 'nodes'] });
    const role = findObject(objects, 'ClusterRole', 'observability-kube-state-metrics');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list', 'watch'] },
    ]);
    const args: string[] = containersOf(findObject(objects, 'Deployment', 'kube-state-metrics'))[0].args;
    expect(args).toContain('--resources=deployments,nodes,pods');
    expect(kubeStateMetricsRules([])).toEqual([]);
  });

  test('the binding grants the ClusterRole to the ServiceAccount in its namespace', () => {
    const { objects } = synth();
    expect(findObject(objects, 'ClusterRoleBinding', 'observability-kube-state-metrics')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'observability-kube-state-metrics' },
      subjects: [{ kind: 'ServiceAccount', name: 'kube-state-metrics', namespace: 'observability' }],
    });
    expect(findObject(objects, 'ServiceAccount', 'kube-state-metrics')).toMatchObject({
      metadata: { namespace: 'observability' },
      automountServiceAccountToken: false,
    });
  });

  test('the pod mounts its token and runs as the ServiceAccount, non-root and read-only', () => {
    const pod = findObject(synth().objects, 'Deployment', 'kube-state-metrics').spec.template.spec;
    expect(pod).toMatchObject({ automountServiceAccountToken: true, serviceAccountName: 'kube-state-metrics' });
    expect(pod.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.hostNetwork).toBeFalsy();
    expect(pod.hostPID).toBeUndefined();
    expect(pod.volumes ?? []).toEqual([]);
  });

  test('ports 8080 http-metrics and 8081 telemetry; /livez on 8080 and /readyz on 8081 (upstream since v2.13)', () => {
    const c = containersOf(findObject(synth().objects, 'Deployment', 'kube-state-metrics'))[0];
    expect(c.image).toBe(`${VERSIONS.kubeStateMetrics.repository}:${VERSIONS.kubeStateMetrics.tag}`);
    expect(c.ports).toEqual([
      { name: 'http-metrics', containerPort: 8080, protocol: 'TCP' },
      { name: 'telemetry', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/livez', port: 8080 }, initialDelaySeconds: 5, timeoutSeconds: 5 });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 8081 }, initialDelaySeconds: 5, timeoutSeconds: 5 });
    expect(c.args).toEqual(expect.arrayContaining(['--port=8080', '--telemetry-port=8081']));
  });

  test('exposes the pod labels the service label comes from, for joins', () => {
    const c = containersOf(findObject(synth().objects, 'Deployment', 'kube-state-metrics'))[0];
    expect(c.args).toContain('--metric-labels-allowlist=pods=[app.kubernetes.io/name,app]');
    const custom = containersOf(
      findObject(synth({ metricLabelsAllowlist: { pods: ['team'], deployments: ['app'] } }).objects, 'Deployment', 'kube-state-metrics'),
    )[0];
    expect(custom.args).toContain('--metric-labels-allowlist=deployments=[app],pods=[team]');
  });

  test('a headless Service exposes both ports', () => {
    const svc = findObject(synth().objects, 'Service', 'kube-state-metrics');
    expect(svc.spec).toMatchObject({
      clusterIP: 'None',
      ports: [
        { name: 'http-metrics', port: 8080 },
        { name: 'telemetry', port: 8081 },
      ],
    });
  });

  test('pods are NOT annotated for the generic pod job: a dedicated honor_labels job scrapes them', () => {
    const { objects, ksm } = synth();
    const annotations = findObject(objects, 'Deployment', 'kube-state-metrics').spec.template.metadata.annotations ?? {};
    expect(Object.keys(annotations)).not.toContain(SCRAPE_ANNOTATIONS.scrape);
    const job = ksm.scrapeConfig();
    expect(job).toMatchObject({ jobName: 'kube-state-metrics', honorLabels: true, kubernetesSdConfigs: [{ role: 'pod', namespaces: ['observability'] }] });
    // Keeps exactly this component's running pods on the http-metrics port...
    expect(job.relabelConfigs).toEqual([
      { sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_instance'], regex: 'kube-state-metrics', action: 'keep' },
      { sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'kube-state-metrics', action: 'keep' },
      { sourceLabels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http-metrics', action: 'keep' },
      { sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Running', action: 'keep' },
    ]);
    // ...and writes no target label that would collide with the namespace/pod/service labels of the objects.
    expect((job.relabelConfigs ?? []).filter((r) => r.targetLabel !== undefined)).toEqual([]);
  });

  test('the telemetry job scrapes port 8081 with the usual target labels', () => {
    const { ksm } = synth();
    const job = ksm.telemetryScrapeConfig();
    expect(job.jobName).toBe('kube-state-metrics-telemetry');
    expect(job.honorLabels).toBeUndefined();
    expect(job.relabelConfigs).toEqual(
      expect.arrayContaining([
        { sourceLabels: ['__meta_kubernetes_pod_container_port_name'], regex: 'telemetry', action: 'keep' },
        { targetLabel: 'service', replacement: 'kube-state-metrics' },
        { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
      ]),
    );
    expect(ksm.scrapeConfigs().map((j) => j.jobName)).toEqual(['kube-state-metrics', 'kube-state-metrics-telemetry']);
  });

  test('namespace, name and resources are overridable; cluster-scoped names follow the namespace', () => {
    const { objects, ksm } = synth({ namespace: 'monitoring', name: 'ksm', resources: { cpuRequest: '200m', memoryRequest: '768Mi' } });
    expect(findObject(objects, 'Deployment', 'ksm').metadata.namespace).toBe('monitoring');
    expect(findObject(objects, 'ClusterRoleBinding', 'monitoring-ksm').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'ksm', namespace: 'monitoring' },
    ]);
    expect(containersOf(findObject(objects, 'Deployment', 'ksm'))[0].resources).toEqual({
      requests: { cpu: '200m', memory: '768Mi' },
      limits: { memory: '768Mi' },
    });
    expect(ksm.serviceName).toBe('ksm');
    expect(ksm.scrapeConfig().kubernetesSdConfigs).toEqual([{ role: 'pod', namespaces: ['monitoring'] }]);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('bad props fail with a ConfigError naming each prop, value and fix', () => {
    expect(() => kubeStateMetricsModel({ collectors: ['pods', 'widgets'] })).toThrow(
      /KubeStateMetrics\.collectors: names a collector this construct has no RBAC rule for \(got "widgets"\)\. Fix: use collectors among: /,
    );
    expect(() => kubeStateMetricsModel({ collectors: [] })).toThrow(/KubeStateMetrics\.collectors: must enable at least one collector/);
    expect(() => kubeStateMetricsModel({ metricLabelsAllowlist: { Pods: ['bad label!'] } })).toThrow(
      /KubeStateMetrics\.metricLabelsAllowlist\.Pods: is not a kube-state-metrics resource name[\s\S]*KubeStateMetrics\.metricLabelsAllowlist\.Pods\[0\]: is not a Kubernetes label key: .*\(got "bad label!"\)/,
    );
  });

  test('synthesis is deterministic', () => {
    expect(synth().objects).toEqual(synth().objects);
    expect(synth().ksm.scrapeConfigs()).toEqual(synth().ksm.scrapeConfigs());
  });
});
