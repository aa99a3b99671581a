import { Chart, Testing } from 'cdk8s';
import { ConfigError } from '../../../src/common/errors';
import { checksum } from '../../../src/common/serialize';
import { OtelCollectorAgent, OtelCollectorAgentProps } from '../../../src/components/otel-collector/agent';
import { OtelCollectorGateway } from '../../../src/components/otel-collector/gateway';
import { schemaErrors } from '../../helpers/schema';
import { configFile, containersOf, findObject, K8sObject, parseYaml, synthObjects } from '../../helpers/synth';
import { EXTERNAL_GATEWAY, JAEGER, LOKI, PROMETHEUS } from './fixtures';

function synthAgent(props: Partial<OtelCollectorAgentProps> = {}) {
  const chart = Testing.chart();
  const agent = new OtelCollectorAgent(chart, 'Agent', { gateway: EXTERNAL_GATEWAY, ...props });
  const objects = synthObjects(chart);
  const config = parseYaml(configFile(objects, 'config.yaml'));
  const daemonSet = findObject(objects, 'DaemonSet', 'otel-agent');
  return { chart, agent, objects, config, daemonSet, container: containersOf(daemonSet)[0], pod: daemonSet.spec.template.spec };
}

function volume(pod: any, name: string): any {
  return pod.volumes.find((v: any) => v.name === name);
}

describe('OtelCollectorAgent', () => {
  test('every object is valid against the Kubernetes schema', () => {
    const { objects } = synthAgent();
    expect(objects.map((o: K8sObject) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/otel-agent',
      'ClusterRole/observability-agents-otel-agent',
      'ClusterRoleBinding/observability-agents-otel-agent',
      'ConfigMap/otel-agent-config',
      'DaemonSet/otel-agent',
      'Service/otel-agent',
    ]);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('a DaemonSet of the contrib image in observability-agents, on every node', () => {
    const { daemonSet, container, pod } = synthAgent();
    expect(daemonSet.metadata.namespace).toBe('observability-agents');
    expect(container.image).toBe('docker.io/otel/opentelemetry-collector-contrib:0.135.0');
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.hostNetwork).toBe(false);
    expect(container.ports.some((p: any) => p.hostPort !== undefined)).toBe(false);
  });

  test('pods reach their own node agent: Service with internalTrafficPolicy Local on 4317/4318', () => {
    const { objects, agent } = synthAgent();
    const service = findObject(objects, 'Service', 'otel-agent');
    expect(service.metadata.namespace).toBe('observability-agents');
    expect(service.spec).toMatchObject({
      type: 'ClusterIP',
      internalTrafficPolicy: 'Local',
      ports: [
        { name: 'otlp-grpc', port: 4317, targetPort: 4317, protocol: 'TCP' },
        { name: 'otlp-http', port: 4318, targetPort: 4318, protocol: 'TCP' },
      ],
      selector: { 'app.kubernetes.io/name': 'opentelemetry-collector', 'app.kubernetes.io/instance': 'otel-agent' },
    });
    expect(agent.otlpGrpcEndpoint).toBe('otel-agent.observability-agents.svc:4317');
    expect(agent.otlpHttpUrl).toBe('http://otel-agent.observability-agents.svc:4318');
    expect(agent.serviceName).toBe('otel-agent');
    expect(agent.namespace).toBe('observability-agents');
  });

  test('pod logs come from a read-only hostPath /var/log/pods', () => {
    const { container, pod } = synthAgent();
    expect(volume(pod, 'varlogpods')).toEqual({ name: 'varlogpods', hostPath: { path: '/var/log/pods', type: 'Directory' } });
    expect(container.volumeMounts).toContainEqual({ name: 'varlogpods', mountPath: '/var/log/pods', readOnly: true });
  });

  test('root only to read log files: everything else stays locked down', () => {
    const { container, pod } = synthAgent();
    expect(container.securityContext).toEqual({
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('filelog reads pod logs with the container parser and skips the agent’s own logs', () => {
    const { config } = synthAgent();
    expect(config.receivers.filelog).toEqual({
      include: ['/var/log/pods/*/*/*.log'],
      exclude: ['/var/log/pods/observability-agents_otel-agent-*_*/otel-collector/*.log'],
      start_at: 'end',
      include_file_path: true,
      include_file_name: false,
      storage: 'file_storage',
      retry_on_failure: { enabled: true },
      operators: [{ type: 'container', id: 'container-parser' }],
    });
    // The excluded directory is the agent's own: namespace, DaemonSet pod-name prefix and container name.
    const { daemonSet, container } = synthAgent();
    expect(config.receivers.filelog.exclude[0]).toContain(`${daemonSet.metadata.namespace}_${daemonSet.metadata.name}-`);
    expect(config.receivers.filelog.exclude[0]).toContain(`/${container.name}/`);
  });

  test('checkpoints: file_storage on a per-agent hostPath under /var/lib/otelcol, enabled and used by filelog', () => {
    const { config, container, pod } = synthAgent();
    expect(volume(pod, 'checkpoints')).toEqual({
      name: 'checkpoints',
      hostPath: { path: '/var/lib/otelcol/observability-agents_otel-agent', type: 'DirectoryOrCreate' },
    });
    expect(container.volumeMounts).toContainEqual({ name: 'checkpoints', mountPath: '/var/lib/otelcol', readOnly: false });
    expect(config.extensions.file_storage).toEqual({ directory: '/var/lib/otelcol' });
    expect(config.service.extensions).toEqual(['file_storage', 'health_check']);
    expect(config.receivers.filelog.storage).toBe('file_storage');
  });

  test('checkpoints can be turned off: no state volume, offsets in memory', () => {
    const { config, pod } = synthAgent({ checkpoints: false });
    expect(volume(pod, 'checkpoints')).toBeUndefined();
    expect(config.extensions.file_storage).toBeUndefined();
    expect(config.receivers.filelog.storage).toBeUndefined();
  });

  test('k8sattributes watches only its node, through K8S_NODE_NAME from the downward API', () => {
    const { config, container } = synthAgent();
    const k8s = config.processors.k8sattributes;
    expect(container.env).toContainEqual({ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(k8s.filter).toEqual({ node_from_env_var: 'K8S_NODE_NAME' });
    expect(k8s.extract).toEqual({
      metadata: ['k8s.namespace.name', 'k8s.pod.name', 'k8s.pod.uid', 'k8s.deployment.name', 'k8s.node.name'],
      labels: [{ tag_name: 'service.name', key: 'app.kubernetes.io/name', from: 'pod' }],
    });
    expect(k8s.pod_association).toEqual([
      { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
      { sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] },
      { sources: [{ from: 'connection' }] },
    ]);
  });

  test('RBAC for k8sattributes: get/watch/list on pods, namespaces and replicasets, bound to the agent’s ServiceAccount', () => {
    const { objects, pod } = synthAgent();
    const role = findObject(objects, 'ClusterRole', 'observability-agents-otel-agent');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = findObject(objects, 'ClusterRoleBinding', 'observability-agents-otel-agent');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'otel-agent', namespace: 'observability-agents' }]);
    const sa = findObject(objects, 'ServiceAccount', 'otel-agent');
    expect(sa.metadata.namespace).toBe('observability-agents');
    expect(pod.serviceAccountName).toBe(sa.metadata.name);
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('every pipeline runs memory_limiter first, k8sattributes, batch last', () => {
    const { config } = synthAgent();
    expect(config.service.pipelines).toEqual({
      traces: { receivers: ['otlp'], processors: ['memory_limiter', 'k8sattributes', 'batch'], exporters: ['otlp/gateway'] },
      metrics: { receivers: ['otlp'], processors: ['memory_limiter', 'k8sattributes', 'batch'], exporters: ['otlp/gateway'] },
      logs: { receivers: ['otlp', 'filelog'], processors: ['memory_limiter', 'k8sattributes', 'batch'], exporters: ['otlp/gateway'] },
    });
    expect(config.processors.memory_limiter).toEqual({ check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 });
  });

  test('OTLP receivers listen on the pod IP, 4317 and 4318', () => {
    const { config, container } = synthAgent();
    expect(config.receivers.otlp).toEqual({
      protocols: { grpc: { endpoint: '${env:MY_POD_IP}:4317' }, http: { endpoint: '${env:MY_POD_IP}:4318' } },
    });
    expect(container.env).toContainEqual({ name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
  });

  test('the exporter points at the gateway by reference', () => {
    const { config } = synthAgent();
    expect(config.exporters).toEqual({ 'otlp/gateway': { endpoint: EXTERNAL_GATEWAY.otlpGrpcEndpoint, tls: { insecure: true } } });
  });

  test('with an in-stack gateway, the agent forwards only the signals the gateway has a pipeline for', () => {
    // GIVEN a gateway with traces only
    const chart = Testing.chart();
    const gateway = new OtelCollectorGateway(chart, 'Gateway', { jaeger: JAEGER });
    new OtelCollectorAgent(chart, 'Agent', { gateway });
    const objects = synthObjects(chart);
    const agentConfig = parseYaml(findObject(objects, 'ConfigMap', 'otel-agent-config').data['config.yaml']);
    // THEN one traces pipeline to the gateway's endpoint, and no pod logs (so no hostPath and no root)
    expect(Object.keys(agentConfig.service.pipelines)).toEqual(['traces']);
    expect(agentConfig.exporters['otlp/gateway'].endpoint).toBe(gateway.otlpGrpcEndpoint);
    expect(agentConfig.receivers.filelog).toBeUndefined();
    const pod = findObject(objects, 'DaemonSet', 'otel-agent').spec.template.spec;
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['config']);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('with a full in-stack gateway, all three signals flow', () => {
    const chart = Testing.chart();
    const gateway = new OtelCollectorGateway(chart, 'Gateway', { jaeger: JAEGER, loki: LOKI, prometheus: PROMETHEUS });
    const agent = new OtelCollectorAgent(chart, 'Agent', { gateway });
    expect(Object.keys(agent.config.service.pipelines).sort()).toEqual(['logs', 'metrics', 'traces']);
    expect(agent.config.receivers.filelog).toBeDefined();
  });

  test('pod logs without a logs signal are refused', () => {
    expect(() => new OtelCollectorAgent(Testing.chart(), 'Agent', { gateway: EXTERNAL_GATEWAY, signals: ['traces'], podLogs: true })).toThrow(
      new ConfigError({
        path: 'test/Agent.signals',
        message: 'leaves out logs while podLogs is on, so the pod logs the agent reads would go nowhere',
        value: ['traces'],
        fix: 'add "logs" to signals (and give the gateway a loki), or set podLogs: false.',
      }).message,
    );
    expect(() => new OtelCollectorAgent(Testing.chart(), 'Agent', { gateway: EXTERNAL_GATEWAY, signals: [] })).toThrow(
      'test/Agent.signals: is empty, so the agent would have no pipeline (got []). Fix: list at least one of traces, metrics, logs.',
    );
  });

  test('health_check on 13133 backs both probes; internal metrics on 8888 are scraped through annotations', () => {
    const { config, container, daemonSet } = synthAgent();
    expect(config.extensions.health_check).toEqual({ endpoint: '${env:MY_POD_IP}:13133', path: '/' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 13133, scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/', port: 13133, scheme: 'HTTP' });
    expect(config.service.telemetry.metrics.readers).toEqual([
      { pull: { exporter: { prometheus: { host: '${env:MY_POD_IP}', port: 8888 } } } },
    ]);
    expect(daemonSet.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8888',
      'prometheus.io/path': '/metrics',
    });
  });

  test('GOMEMLIMIT is 80% of the memory limit', () => {
    expect(synthAgent().container.env).toContainEqual({ name: 'GOMEMLIMIT', value: '409MiB' });
    const custom = synthAgent({ resources: { cpuRequest: '200m', memoryRequest: '256Mi', memoryLimit: '1Gi' } });
    expect(custom.container.env).toContainEqual({ name: 'GOMEMLIMIT', value: '819MiB' });
    expect(custom.container.resources.limits.memory).toBe('1024Mi');
  });

  test('a bad memory quantity fails with the prop path', () => {
    expect(() => synthAgent({ resources: { cpuRequest: '100m', memoryRequest: 'lots' } })).toThrow(
      /^test\/Agent\.resources\.memoryRequest: is not a Kubernetes quantity \(got "lots"\)/,
    );
  });

  test('config.yaml is mounted at /conf and named by --config; its checksum rolls the pods', () => {
    const { objects, container, daemonSet } = synthAgent();
    const cm = findObject(objects, 'ConfigMap', 'otel-agent-config');
    expect(container.args).toEqual(['--config=/conf/config.yaml']);
    expect(container.volumeMounts).toContainEqual({ mountPath: '/conf', name: 'config', readOnly: true });
    expect(daemonSet.spec.template.metadata.annotations['checksum/config']).toBe(checksum(cm.data['config.yaml']));
    const other = synthAgent({ gateway: { otlpGrpcEndpoint: 'elsewhere:4317', otlpHttpUrl: 'http://elsewhere:4318' } });
    expect(other.daemonSet.spec.template.metadata.annotations['checksum/config']).not.toBe(
      daemonSet.spec.template.metadata.annotations['checksum/config'],
    );
  });

  test('namespace and name are props; every object is named and namespaced explicitly', () => {
    const chart = new Chart(Testing.app(), 'any-chart', { namespace: 'ignored' });
    new OtelCollectorAgent(chart, 'A', { gateway: EXTERNAL_GATEWAY, namespace: 'node-agents', name: 'otelcol' });
    const objects = synthObjects(chart);
    expect(objects.map((o) => [o.kind, o.metadata.name, o.metadata.namespace])).toEqual([
      ['ServiceAccount', 'otelcol', 'node-agents'],
      ['ClusterRole', 'node-agents-otelcol', undefined],
      ['ClusterRoleBinding', 'node-agents-otelcol', undefined],
      ['ConfigMap', 'otelcol-config', 'node-agents'],
      ['DaemonSet', 'otelcol', 'node-agents'],
      ['Service', 'otelcol', 'node-agents'],
    ]);
    const config = parseYaml(configFile(objects, 'config.yaml'));
    expect(config.receivers.filelog.exclude).toEqual(['/var/log/pods/node-agents_otelcol-*_*/otel-collector/*.log']);
    const pod = findObject(objects, 'DaemonSet', 'otelcol').spec.template.spec;
    expect(volume(pod, 'checkpoints').hostPath.path).toBe('/var/lib/otelcol/node-agents_otelcol');
  });

  test('synthesis is deterministic', () => {
    expect(synthAgent().objects).toEqual(synthAgent().objects);
  });
});
