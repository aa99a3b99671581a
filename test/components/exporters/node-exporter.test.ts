import { Chart, Testing } from 'cdk8s';
import { NodeExporter, nodeExporterArgs, nodeExporterModel } from '../../../src/components/exporters/node-exporter';
import { renderScrapeConfig } from '../../../src/components/prometheus/config';
import { SCRAPE_ANNOTATIONS, TARGET_LABELS } from '../../../src/conventions';
import { VERSIONS } from '../../../src/versions';
import { schemaErrors } from '../../helpers/schema';
import { containersOf, findObject, K8sObject, objectsOfKind, synthObjects } from '../../helpers/synth';

function synth(props: ConstructorParameters<typeof NodeExporter>[2] = {}): { objects: K8sObject[]; ne: NodeExporter } {
  const chart = new Chart(Testing.app(), 'test');
  const ne = new NodeExporter(chart, 'node-exporter', props);
  return { objects: synthObjects(chart), ne };
}

describe('NodeExporter', () => {
  test('every synthesized object is valid against the Kubernetes schema', () => {
    // GIVEN / WHEN
    const { objects } = synth();
    // THEN
    expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'Service']);
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('runs as a DaemonSet in the privileged agents namespace with the pinned image', () => {
    const { objects, ne } = synth();
    const ds = findObject(objects, 'DaemonSet', 'node-exporter');
    expect(ds.metadata.namespace).toBe('observability-agents');
    expect(ne.namespace).toBe('observability-agents');
    expect(containersOf(ds)[0].image).toBe(`${VERSIONS.nodeExporter.repository}:${VERSIONS.nodeExporter.tag}`);
  });

  test('has host network and host PID and tolerates every taint', () => {
    const { objects } = synth();
    const pod = findObject(objects, 'DaemonSet', 'node-exporter').spec.template.spec;
    expect(pod).toMatchObject({ hostNetwork: true, hostPID: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  test('mounts the host root and /sys read-only with HostToContainer propagation', () => {
    const { objects } = synth();
    const pod = findObject(objects, 'DaemonSet', 'node-exporter').spec.template.spec;
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        { name: 'root', hostPath: { path: '/', type: 'Directory' } },
        { name: 'sys', hostPath: { path: '/sys', type: 'Directory' } },
      ]),
    );
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' },
      { name: 'sys', mountPath: '/host/sys', readOnly: true, mountPropagation: 'HostToContainer' },
    ]);
  });

  test('points node_exporter at the host filesystems with the upstream flags', () => {
    const args: string[] = containersOf(findObject(synth().objects, 'DaemonSet', 'node-exporter'))[0].args;
    expect(args).toEqual(
      expect.arrayContaining([
        '--path.rootfs=/host/root',
        '--path.sysfs=/host/sys',
        '--path.udev.data=/host/root/run/udev/data',
        '--web.listen-address=[$(HOST_IP)]:9100',
      ]),
    );
    // procfs: hostPID makes the container's own /proc the host's, so the default stays.
    expect(args.some((a) => a.startsWith('--path.procfs'))).toBe(false);
    expect(args.find((a) => a.startsWith('--collector.filesystem.mount-points-exclude='))).toContain('var/lib/kubelet/pods/.+');
  });

  test('listens only on the node IP, taken from the downward API', () => {
    const c = containersOf(findObject(synth().objects, 'DaemonSet', 'node-exporter'))[0];
    expect(c.env).toEqual([{ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }]);
  });

  test('still runs non-root, read-only, with every capability dropped', () => {
    const { objects } = synth();
    const pod = findObject(objects, 'DaemonSet', 'node-exporter').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(pod.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65534,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0].securityContext.capabilities.add).toBeUndefined();
  });

  test('exposes port 9100 named metrics, probed on /', () => {
    const c = containersOf(findObject(synth().objects, 'DaemonSet', 'node-exporter'))[0];
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/', port: 9100 });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/', port: 9100 });
  });

  test('pods carry app.kubernetes.io/name=node-exporter and NO scrape annotations (its own job scrapes them)', () => {
    const { objects, ne } = synth();
    const meta = findObject(objects, 'DaemonSet', 'node-exporter').spec.template.metadata;
    expect(meta.labels['app.kubernetes.io/name']).toBe('node-exporter');
    expect(ne.appName).toBe('node-exporter');
    expect(Object.keys(meta.annotations ?? {})).not.toContain(SCRAPE_ANNOTATIONS.scrape);
  });

  test('hands Prometheus its own job: the node-exporter pods of its namespace, labelled with their node', () => {
    const j = renderScrapeConfig(synth({ namespace: 'agents' }).ne.scrapeConfigs()[0]) as any;
    expect(j.job_name).toBe('node-exporter');
    expect(j.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['agents'] } }]);
    expect(j.relabel_configs).toEqual(
      expect.arrayContaining([
        { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'node-exporter', action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: TARGET_LABELS.node, action: 'replace' },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
        { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
      ]),
    );
  });

  test('a headless Service selects the pods on the metrics port', () => {
    const { objects, ne } = synth();
    const svc = findObject(objects, 'Service', 'node-exporter');
    expect(svc.spec).toMatchObject({ clusterIP: 'None', ports: [{ name: 'metrics', port: 9100, targetPort: 9100 }] });
    expect(svc.spec.selector).toEqual(ne.podSelector);
    expect(ne.serviceName).toBe('node-exporter');
  });

  test('namespace, name, port, resources, image and extra flags are overridable', () => {
    const { objects, ne } = synth({
      namespace: 'agents',
      name: 'node-metrics',
      port: 9200,
      image: { repository: 'example.com/node-exporter', tag: 'v1.9.0' },
      resources: { cpuRequest: '20m', memoryRequest: '32Mi' },
      extraArgs: ['--collector.systemd'],
    });
    const ds = findObject(objects, 'DaemonSet', 'node-metrics');
    const c = containersOf(ds)[0];
    expect(ds.metadata.namespace).toBe('agents');
    expect(ne.port).toBe(9200);
    expect(c.image).toBe('example.com/node-exporter:v1.9.0');
    expect(c.args).toContain('--web.listen-address=[$(HOST_IP)]:9200');
    expect(c.args[c.args.length - 1]).toBe('--collector.systemd');
    expect(c.resources).toEqual({ requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '32Mi' } });
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('bad props fail with a ConfigError naming each prop, value and fix', () => {
    expect(() => nodeExporterModel({ port: 70000, name: 'Node_Exporter', extraArgs: ['-x'] })).toThrow(
      /NodeExporter\.name: is not a valid component name: .*\(got "Node_Exporter"\)[\s\S]*NodeExporter\.port: must be a TCP port .*\(got 70000\)[\s\S]*NodeExporter\.extraArgs\[0\]: must be a long flag starting with "--" \(got "-x"\)/,
    );
    expect(() => nodeExporterModel({ image: { repository: 'quay.io/prometheus/node-exporter', tag: 'latest' } })).toThrow(
      /NodeExporter\.image\.tag: must be a pinned release tag, never "latest"/,
    );
  });

  test('args are a pure function of the model', () => {
    expect(nodeExporterArgs(nodeExporterModel())).toEqual(nodeExporterArgs(nodeExporterModel()));
  });

  test('synthesis is deterministic', () => {
    expect(synth().objects).toEqual(synth().objects);
    expect(objectsOfKind(synth().objects, 'DaemonSet')).toHaveLength(1);
  });
});
