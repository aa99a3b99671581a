import { Chart, Testing } from 'cdk8s';
import { PromDuration } from '../../../src/common/duration';
import { ConfigError } from '../../../src/common/errors';
import { ByteSize } from '../../../src/common/quantity';
import { parseResources } from '../../../src/common/workload';
import { renderRuleFile } from '../../../src/common/rules';
import {
  DEFAULT_JOB_NAMES,
  PROMETHEUS_DEFAULTS,
  Prometheus,
  platformAlertRules,
  prometheusModel,
} from '../../../src/components/prometheus';
import { SCRAPE_ANNOTATIONS } from '../../../src/conventions';
import { VERSIONS } from '../../../src/versions';
import { schemaErrors } from '../../helpers/schema';
import { configFile, configFiles, containersOf, findObject, objectsOfKind, parseYaml, synthObjects } from '../../helpers/synth';
import { FakeAlertmanager, paddedRuleFile, sloLikeRuleFile, synthPrometheus } from './fixtures';

function promYaml(objects: ReturnType<typeof synthObjects>): any {
  return parseYaml(configFile(objects, 'prometheus.yml'));
}

function job(config: any, name: string): any {
  const found = config.scrape_configs.find((j: any) => j.job_name === name);
  if (!found) throw new Error(`no job ${name}`);
  return found;
}

function podSpec(objects: ReturnType<typeof synthObjects>): any {
  return findObject(objects, 'StatefulSet', 'prometheus').spec.template.spec;
}

describe('Prometheus', () => {
  describe('objects', () => {
    test('synthesizes schema-valid objects, each named and namespaced explicitly', () => {
      // GIVEN / WHEN
      const { objects } = synthPrometheus();
      const all = objects();
      // THEN
      expect(schemaErrors(all)).toEqual([]);
      expect(all.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'ClusterRole/observability-prometheus',
        'ClusterRoleBinding/observability-prometheus',
        'ConfigMap/prometheus-config',
        'Service/prometheus',
        'Service/prometheus-headless',
        'ServiceAccount/prometheus',
        'StatefulSet/prometheus',
      ]);
      for (const o of all.filter((x) => !x.kind.startsWith('Cluster'))) expect(o.metadata.namespace).toBe('observability');
    });

    test('works in a chart of another namespace, with every name derived from the props', () => {
      // GIVEN a chart with its own namespace
      const chart = new Chart(Testing.app(), 'other', { namespace: 'elsewhere' });
      // WHEN
      new Prometheus(chart, 'p', { namespace: 'metrics', name: 'prom-a' });
      const all = synthObjects(chart);
      // THEN nothing lands in the chart's namespace
      expect(schemaErrors(all)).toEqual([]);
      expect(all.filter((o) => !o.kind.startsWith('Cluster')).every((o) => o.metadata.namespace === 'metrics')).toBe(true);
      expect(findObject(all, 'ClusterRoleBinding', 'metrics-prom-a').subjects).toEqual([
        { kind: 'ServiceAccount', name: 'prom-a', namespace: 'metrics' },
      ]);
      expect(findObject(all, 'StatefulSet', 'prom-a').spec.serviceName).toBe('prom-a-headless');
    });

    test('carries the recommended labels; selectors drop the version', () => {
      const all = synthPrometheus().objects();
      const sts = findObject(all, 'StatefulSet', 'prometheus');
      expect(sts.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'prometheus',
        'app.kubernetes.io/instance': 'prometheus',
        'app.kubernetes.io/component': 'metrics',
        'app.kubernetes.io/version': '3.5.0',
        'app.kubernetes.io/part-of': 'observability-stack',
      });
      const selector = { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'prometheus' };
      expect(sts.spec.selector.matchLabels).toEqual(selector);
      expect(findObject(all, 'Service', 'prometheus').spec.selector).toEqual(selector);
      expect(findObject(all, 'Service', 'prometheus-headless').spec.selector).toEqual(selector);
    });
  });

  describe('RBAC', () => {
    test('the ClusterRole grants only get/list/watch on what discovery and the kubelet scrape read', () => {
      const all = synthPrometheus().objects();
      const role = findObject(all, 'ClusterRole', 'observability-prometheus');
      expect(role.rules).toEqual([
        { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ]);
      const verbs = new Set(role.rules.flatMap((r: any) => r.verbs));
      expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
      expect(role.rules.some((r: any) => (r.resources ?? []).some((x: string) => x.includes('secret') || x === 'nodes/proxy'))).toBe(false);
    });

    test('binds the role to the service account, whose token only the Prometheus pod mounts', () => {
      const all = synthPrometheus().objects();
      expect(findObject(all, 'ClusterRoleBinding', 'observability-prometheus')).toMatchObject({
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'observability-prometheus' },
        subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'observability' }],
      });
      expect(findObject(all, 'ServiceAccount', 'prometheus').automountServiceAccountToken).toBe(false);
      expect(podSpec(all)).toMatchObject({ serviceAccountName: 'prometheus', automountServiceAccountToken: true });
    });
  });

  describe('workload', () => {
    test('runs Prometheus 3 with the documented flags', () => {
      const all = synthPrometheus().objects();
      const [c] = containersOf(findObject(all, 'StatefulSet', 'prometheus'));
      expect(c.image).toBe(`${VERSIONS.prometheus.repository}:${VERSIONS.prometheus.tag}`);
      expect(c.args).toEqual([
        '--config.file=/etc/prometheus/config/prometheus.yml',
        '--storage.tsdb.path=/prometheus',
        '--storage.tsdb.retention.time=15d',
        '--storage.tsdb.retention.size=45GB',
        '--web.enable-otlp-receiver',
      ]);
    });

    test('opens no lifecycle, admin or remote-write endpoint unless asked: only the OTLP receiver the gateway pushes to', () => {
      const args = (p: Parameters<typeof synthPrometheus>[0]) => containersOf(findObject(synthPrometheus(p).objects(), 'StatefulSet', 'prometheus'))[0].args as string[];
      const base = args({});
      for (const flag of ['--web.enable-lifecycle', '--web.enable-admin-api', '--web.enable-remote-write-receiver']) expect(base).not.toContain(flag);
      expect(args({ remoteWriteReceiver: true })).toContain('--web.enable-remote-write-receiver');
    });

    test('probes /-/ready and /-/healthy on 9090', () => {
      const [c] = containersOf(findObject(synthPrometheus().objects(), 'StatefulSet', 'prometheus'));
      expect(c.readinessProbe.httpGet).toMatchObject({ path: '/-/ready', port: 9090 });
      expect(c.livenessProbe.httpGet).toMatchObject({ path: '/-/healthy', port: 9090 });
      expect(c.ports).toEqual([{ containerPort: 9090, name: 'web', protocol: 'TCP' }]);
    });

    test('keeps the TSDB on a claim per replica, mounted at the data path', () => {
      // GIVEN a storage class and size
      const all = synthPrometheus({ storageSize: '100Gi', storageClassName: 'fast-ssd', replicas: 2 }).objects();
      const sts = findObject(all, 'StatefulSet', 'prometheus');
      // THEN
      expect(sts.spec.replicas).toBe(2);
      expect(sts.spec.template.spec.topologySpreadConstraints).toEqual([
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'prometheus' } },
        },
      ]);
      expect(schemaErrors(all)).toEqual([]);
      expect(sts.spec.volumeClaimTemplates).toEqual([
        {
          metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'prometheus' } },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '100Gi' } } },
        },
      ]);
      expect(containersOf(sts)[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/prometheus' });
      // AND size-based retention defaults to 90% of the volume
      expect(containersOf(sts)[0].args).toContain('--storage.tsdb.retention.size=90GB');
    });

    test('runs as non-root with a read-only root filesystem, and resources are overridable', () => {
      const all = synthPrometheus({ resources: { cpuRequest: '1', memoryRequest: '8Gi', memoryLimit: '12Gi' } }).objects();
      const spec = podSpec(all);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 });
      expect(spec.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(spec.containers[0].resources).toEqual({ requests: { cpu: '1000m', memory: '8192Mi' }, limits: { memory: '12288Mi' } });
    });

    test('serves 9090 on a ClusterIP Service and governs the StatefulSet with a headless one', () => {
      const { prometheus, objects } = synthPrometheus();
      const all = objects();
      expect(findObject(all, 'Service', 'prometheus').spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'web', port: 9090, targetPort: 9090 }] });
      expect(findObject(all, 'Service', 'prometheus').spec.clusterIP).toBeUndefined();
      expect(findObject(all, 'Service', 'prometheus-headless').spec).toMatchObject({ clusterIP: 'None' });
      expect(findObject(all, 'StatefulSet', 'prometheus').spec.serviceName).toBe('prometheus-headless');
      expect(prometheus.serviceName).toBe('prometheus');
    });

    test('mounts prometheus.yml from its ConfigMap and annotates the pods with its checksum', () => {
      const all = synthPrometheus().objects();
      const spec = podSpec(all);
      expect(spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'prometheus-config' } });
      expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/prometheus/config', readOnly: true });
      expect(Object.keys(findObject(all, 'ConfigMap', 'prometheus-config').data)).toEqual(['prometheus.yml']);
      expect(findObject(all, 'StatefulSet', 'prometheus').spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{16}$/);
    });
  });

  describe('endpoints', () => {
    test('exposes query, remote-write and OTLP URLs of the in-cluster Service', () => {
      const { prometheus } = synthPrometheus({ namespace: 'mon', name: 'prom' });
      expect(prometheus).toMatchObject({
        namespace: 'mon',
        serviceName: 'prom',
        queryUrl: 'http://prom.mon.svc:9090',
        remoteWriteUrl: 'http://prom.mon.svc:9090/api/v1/write',
        otlpMetricsUrl: 'http://prom.mon.svc:9090/api/v1/otlp/v1/metrics',
      });
    });

    test('fromUrl gives the same endpoints for an external Prometheus', () => {
      expect(Prometheus.fromUrl('https://prom.example.com/')).toEqual({
        queryUrl: 'https://prom.example.com',
        remoteWriteUrl: 'https://prom.example.com/api/v1/write',
        otlpMetricsUrl: 'https://prom.example.com/api/v1/otlp/v1/metrics',
      });
    });

    test.each(['prom.example.com:9090', 'ftp://prom', 'http://prom/?x=1', ''])('fromUrl refuses %p', (url) => {
      expect(() => Prometheus.fromUrl(url)).toThrow(/Prometheus\.fromUrl\.url: is not an http\(s\) base URL/);
    });
  });

  describe('prometheus.yml', () => {
    test('sets the seed\'s global intervals, external labels, rule directory and OTLP out-of-order window', () => {
      const config = promYaml(synthPrometheus({ externalLabels: { region: 'eu', cluster: 'prod' } }).objects());
      expect(config.global).toEqual({
        scrape_interval: '15s',
        scrape_timeout: '10s',
        evaluation_interval: '15s',
        external_labels: { cluster: 'prod', region: 'eu' },
      });
      expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.rules.yml']);
      expect(config.storage).toEqual({ tsdb: { out_of_order_time_window: '30m' } });
    });

    test('has three of the seed\'s four jobs and a self-scrape job (the node exporter brings the fourth)', () => {
      const config = promYaml(synthPrometheus().objects());
      expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual([
        'prometheus',
        'kubernetes-pods',
        'kubernetes-services',
        'cadvisor',
      ]);
    });

    test('an exporter\'s job can be inserted before another job', () => {
      const { prometheus } = synthPrometheus();
      prometheus.addScrapeConfig({ jobName: 'node-exporter', staticConfigs: [{ targets: ['h:9100'] }] }, { before: DEFAULT_JOB_NAMES.cadvisor });
      expect(prometheus.jobs.map((j) => j.jobName)).toEqual(['prometheus', 'kubernetes-pods', 'kubernetes-services', 'node-exporter', 'cadvisor']);
      expect(() => prometheus.addScrapeConfig({ jobName: 'x', staticConfigs: [{ targets: ['h:1'] }] }, { before: 'nope' })).toThrow(/scrapeConfigs\[5\]\.before: names no scrape job of this Prometheus \(got "nope"\)/);
    });

    test('kubernetes-pods keeps annotated pods and honours path, port and scheme as upstream\'s example does', () => {
      const j = job(promYaml(synthPrometheus().objects()), DEFAULT_JOB_NAMES.pods);
      expect(j.kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
      expect(SCRAPE_ANNOTATIONS.scrape).toBe('prometheus.io/scrape');
      expect(j.relabel_configs).toEqual([
        { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scheme'], regex: '(https?)', target_label: '__scheme__', action: 'replace' },
        { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], regex: '(.+)', target_label: '__metrics_path__', action: 'replace' },
        {
          source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
          regex: '([^:]+)(?::\\d+)?;(\\d+)',
          replacement: '$1:$2',
          target_label: '__address__',
          action: 'replace',
        },
        { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
        { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
        // `app` first, `app.kubernetes.io/name` last: the preferred label wins when both are set
        { source_labels: ['__meta_kubernetes_pod_label_app'], regex: '(.+)', target_label: 'service', action: 'replace' },
        { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: '(.+)', target_label: 'service', action: 'replace' },
      ]);
    });

    test('kubernetes-services keeps annotated Services and names the service after its labels, else itself', () => {
      const j = job(promYaml(synthPrometheus().objects()), DEFAULT_JOB_NAMES.services);
      expect(j.kubernetes_sd_configs).toEqual([{ role: 'service' }]);
      expect(j.relabel_configs[0]).toEqual({ source_labels: ['__meta_kubernetes_service_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' });
      expect(j.relabel_configs.slice(-3)).toEqual([
        { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service', action: 'replace' },
        { source_labels: ['__meta_kubernetes_service_label_app'], regex: '(.+)', target_label: 'service', action: 'replace' },
        { source_labels: ['__meta_kubernetes_service_label_app_kubernetes_io_name'], regex: '(.+)', target_label: 'service', action: 'replace' },
      ]);
    });

    test('cadvisor scrapes each kubelet over HTTPS with the service-account token and CA, attaching only node', () => {
      const j = job(promYaml(synthPrometheus().objects()), DEFAULT_JOB_NAMES.cadvisor);
      expect(j).toEqual({
        job_name: 'cadvisor',
        scheme: 'https',
        metrics_path: '/metrics/cadvisor',
        honor_timestamps: false,
        authorization: { credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
        tls_config: { ca_file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt' },
        kubernetes_sd_configs: [{ role: 'node' }],
        relabel_configs: [{ source_labels: ['__meta_kubernetes_node_name'], target_label: 'node', action: 'replace' }],
      });
      // opt-in for self-signed kubelet certificates
      const insecure = job(promYaml(synthPrometheus({ kubeletInsecureSkipVerify: true }).objects()), DEFAULT_JOB_NAMES.cadvisor);
      expect(insecure.tls_config).toEqual({ ca_file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', insecure_skip_verify: true });
    });

    test('the prometheus job scrapes this Prometheus\' own pods on the web port', () => {
      const j = job(promYaml(synthPrometheus({ namespace: 'mon' }).objects()), DEFAULT_JOB_NAMES.prometheus);
      expect(j.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['mon'] } }]);
      expect(j.relabel_configs.slice(0, 3)).toEqual([
        { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_instance'], regex: 'prometheus', action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'prometheus', action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'web', action: 'keep' },
      ]);
    });

    test('defaultScrapeJobs: false leaves only the jobs added', () => {
      const { prometheus, objects } = synthPrometheus({ defaultScrapeJobs: false });
      prometheus.addScrapeConfig({ jobName: 'static', staticConfigs: [{ targets: ['db:9187'], labels: { service: 'db' } }] });
      expect(promYaml(objects()).scrape_configs).toEqual([
        { job_name: 'static', static_configs: [{ targets: ['db:9187'], labels: { service: 'db' } }] },
      ]);
    });
  });

  describe('Alertmanagers', () => {
    test('are read by reference: targets as they are at synth time, one entry per Alertmanager', () => {
      // GIVEN an Alertmanager given at construction and one added later
      const first = new FakeAlertmanager(['alertmanager-0.alertmanager-headless.observability.svc:9093']);
      const { prometheus, objects } = synthPrometheus({ alertmanagers: [first] });
      prometheus.addAlertmanager(new FakeAlertmanager(['am.other.svc:9093']));
      // WHEN the first one grows a replica after being handed over
      first.current = [...first.current, 'alertmanager-1.alertmanager-headless.observability.svc:9093'];
      // THEN
      expect(promYaml(objects()).alerting).toEqual({
        alertmanagers: [
          {
            static_configs: [
              { targets: ['alertmanager-0.alertmanager-headless.observability.svc:9093', 'alertmanager-1.alertmanager-headless.observability.svc:9093'] },
            ],
          },
          { static_configs: [{ targets: ['am.other.svc:9093'] }] },
        ],
      });
    });

    test('no Alertmanager: no alerting block', () => {
      expect(promYaml(synthPrometheus().objects()).alerting).toBeUndefined();
    });

    test('the same Alertmanager twice is refused', () => {
      const am = new FakeAlertmanager(['am:9093']);
      const { prometheus } = synthPrometheus({ alertmanagers: [am] });
      expect(() => prometheus.addAlertmanager(am)).toThrow(/alertmanagers: already holds this Alertmanager/);
    });
  });

  describe('addScrapeConfig', () => {
    test('a job added after construction lands in prometheus.yml and changes the checksum', () => {
      // GIVEN
      const { prometheus, objects } = synthPrometheus();
      const before = findObject(objects(), 'StatefulSet', 'prometheus').spec.template.metadata.annotations['checksum/config'];
      // WHEN
      prometheus.addScrapeConfig({ jobName: 'kube-state-metrics', honorLabels: true, kubernetesSdConfigs: [{ role: 'pod', namespaces: ['observability'] }] });
      const all = objects();
      // THEN
      expect(job(promYaml(all), 'kube-state-metrics')).toEqual({
        job_name: 'kube-state-metrics',
        honor_labels: true,
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['observability'] } }],
      });
      expect(findObject(all, 'StatefulSet', 'prometheus').spec.template.metadata.annotations['checksum/config']).not.toBe(before);
      expect(prometheus.renderConfig()).toBe(configFile(all, 'prometheus.yml'));
    });

    test('a duplicate job name is refused, naming the job and the fix', () => {
      const { prometheus } = synthPrometheus();
      expect(() => prometheus.addScrapeConfig({ jobName: 'cadvisor', staticConfigs: [{ targets: ['x:1'] }] })).toThrow(
        /jobName: is already the name of a scrape job of this Prometheus.*\(got "cadvisor"\)\. Fix: rename the new job, e\.g\. "cadvisor-2", or drop the default jobs/,
      );
    });

    test('a malformed job is refused with every problem', () => {
      const { prometheus } = synthPrometheus();
      let error: ConfigError | undefined;
      try {
        prometheus.addScrapeConfig({ jobName: 'slow', scrapeInterval: '10s', scrapeTimeout: '30s' });
      } catch (e) {
        error = e as ConfigError;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error!.message).toMatch(/scrapeTimeout: must not be longer than the scrape interval \(10s\) \(got "30s"\)/);
      expect(error!.message).toMatch(/has no targets: neither kubernetesSdConfigs nor staticConfigs/);
    });
  });

  describe('rule files', () => {
    test('a rule file added after construction lands in a rules ConfigMap, the projected volume and the checksum', () => {
      // GIVEN
      const { prometheus, objects } = synthPrometheus();
      const before = findObject(objects(), 'StatefulSet', 'prometheus').spec.template.metadata.annotations['checksum/config'];
      // WHEN
      const info = prometheus.addRuleGroup(platformAlertRules(), 'platform.rules.yml');
      const all = objects();
      // THEN
      expect(schemaErrors(all)).toEqual([]);
      expect(info).toMatchObject({ configMapName: 'prometheus-rules-0', path: '/etc/prometheus/rules/platform.rules.yml' });
      expect(findObject(all, 'ConfigMap', 'prometheus-rules-0').data).toEqual({ 'platform.rules.yml': renderRuleFile([platformAlertRules()]) });
      const spec = podSpec(all);
      expect(spec.volumes).toContainEqual({ name: 'rules', projected: { sources: [{ configMap: { name: 'prometheus-rules-0' } }] } });
      expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'rules', mountPath: '/etc/prometheus/rules', readOnly: true });
      expect(findObject(all, 'StatefulSet', 'prometheus').spec.template.metadata.annotations['checksum/config']).not.toBe(before);
      expect(prometheus.ruleFiles.map((f) => f.fileName)).toEqual(['platform.rules.yml']);
    });

    test('addRuleGroup names the file after the group by default', () => {
      const { prometheus } = synthPrometheus();
      expect(prometheus.addRuleGroup({ name: 'my-recordings', rules: [{ record: 'a:b', expr: 'up' }] }).fileName).toBe('my-recordings.rules.yml');
    });

    test('1000 services x 3 SLOs are packed into ConfigMaps under ~900 KiB each, all projected into one directory', () => {
      // GIVEN a platform of 1000 services, each with an SLO rule file of three SLOs
      const { prometheus, objects } = synthPrometheus();
      const files = Array.from({ length: 1000 }, (_, i) => sloLikeRuleFile(`service-${String(i).padStart(4, '0')}`));
      // WHEN
      for (const f of files) prometheus.addRuleFile(f);
      const all = objects();
      // THEN every rules ConfigMap stays under the limit, with room for metadata below Kubernetes' 1 MiB
      const ruleMaps = objectsOfKind(all, 'ConfigMap').filter((o) => o.metadata.name.startsWith('prometheus-rules-'));
      expect(ruleMaps.length).toBeGreaterThan(10);
      for (const cm of ruleMaps) {
        const dataBytes = Object.entries<string>(cm.data).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
        expect(dataBytes).toBeLessThanOrEqual(PROMETHEUS_DEFAULTS.maxRuleConfigMapBytes);
        expect(Buffer.byteLength(JSON.stringify(cm))).toBeLessThan(1024 * 1024);
      }
      // AND every file is there exactly once, in the order added
      const keys = ruleMaps.flatMap((cm) => Object.keys(cm.data));
      expect(keys).toEqual(files.map((f) => f.fileName));
      expect(configFiles(all).get(`${prometheus.ruleFileInfo[999].configMapName}/slo-service-0999.rules.yml`)).toBe(renderRuleFile(files[999].groups));
      // AND the projected volume lists every ConfigMap
      const rules = podSpec(all).volumes.find((v: any) => v.name === 'rules');
      expect(rules.projected.sources).toEqual(ruleMaps.map((cm) => ({ configMap: { name: cm.metadata.name } })));
      expect(prometheus.ruleConfigMapNames).toEqual(ruleMaps.map((cm) => cm.metadata.name));
      expect(schemaErrors(all)).toEqual([]);
    });

    test('big files fill a ConfigMap and spill into the next without moving earlier files', () => {
      const { prometheus } = synthPrometheus();
      const placed = ['a', 'b', 'c', 'd'].map((n) => prometheus.addRuleFile(paddedRuleFile(`${n}.rules.yml`, 400)));
      expect(placed.map((p) => p.configMapName)).toEqual(['prometheus-rules-0', 'prometheus-rules-0', 'prometheus-rules-1', 'prometheus-rules-1']);
      expect(placed.every((p) => p.bytes > 400 * 1024)).toBe(true);
    });

    test('a single file too big for a ConfigMap is refused, saying to split it', () => {
      const { prometheus } = synthPrometheus();
      expect(() => prometheus.addRuleFile(paddedRuleFile('huge.rules.yml', 1000))).toThrow(
        /ruleFiles\[huge\.rules\.yml\]: serializes to \d+ bytes, more than the 921600 a rule ConfigMap may hold.*\(got "huge\.rules\.yml"\)\. Fix: split it into several rule files/,
      );
    });

    test('file names must end .rules.yml and be unique; group names unique per file', () => {
      const { prometheus } = synthPrometheus();
      const group = { name: 'g', rules: [{ record: 'a:b', expr: 'up' }] };
      expect(() => prometheus.addRuleFile({ fileName: 'alerts.yaml', groups: [group] })).toThrow(/fileName: must be a ConfigMap key ending "\.rules\.yml"/);
      expect(() => prometheus.addRuleFile({ fileName: 'x.rules.yml', groups: [group, group] })).toThrow(/groups\[1\]\.name: repeats a group name/);
      expect(() => prometheus.addRuleFile({ fileName: 'x.rules.yml', groups: [] })).toThrow(/groups: must hold at least one rule group/);
      prometheus.addRuleFile({ fileName: 'x.rules.yml', groups: [group] });
      expect(() => prometheus.addRuleFile({ fileName: 'x.rules.yml', groups: [group] })).toThrow(
        /fileName: is already the name of a rule file \(in ConfigMap prometheus-rules-0\)/,
      );
    });
  });

  describe('props', () => {
    test('defaults resolve once into the model', () => {
      const d = (text: string) => PromDuration.parse(text, 'test');
      expect(prometheusModel()).toEqual({
        namespace: 'observability',
        name: 'prometheus',
        image: VERSIONS.prometheus,
        replicas: 1,
        retentionTime: d('15d'),
        retentionSize: ByteSize.mebibytes(45 * 1024),
        storageSize: ByteSize.parse('50Gi', 'test'),
        storageClassName: undefined,
        global: { scrapeInterval: d('15s'), scrapeTimeout: d('10s'), evaluationInterval: d('15s'), externalLabels: undefined },
        resources: parseResources(PROMETHEUS_DEFAULTS.resources, 'test'),
        defaultScrapeJobs: true,
        outOfOrderTimeWindow: d('30m'),
        kubeletInsecureSkipVerify: false,
        remoteWriteReceiver: false,
      });
    });

    test.each([
      [{ retentionTime: '15 days' }, /Prometheus\.retentionTime: is not a positive Prometheus duration \(got "15 days"\)/],
      [{ retentionSize: '45GiB' }, /retentionSize: is not a Prometheus size \(a whole number with unit B, KB, MB, GB, TB, PB or EB\) \(got "45GiB"\)/],
      [{ retentionSize: '60GB' }, /retentionSize: is larger than storageSize \(50Gi\).*Fix: set it below storageSize, e\.g\. "45GB"/],
      [{ storageSize: '50 GB' }, /storageSize: is not a Kubernetes quantity/],
      [{ scrapeInterval: '10s', scrapeTimeout: '15s' }, /scrapeTimeout: must not be longer than scrapeInterval \(10s\)/],
      [{ evaluationInterval: '0s' }, /evaluationInterval: is not a positive Prometheus duration/],
      [{ externalLabels: { 'cluster-name': 'x' } }, /externalLabels\.cluster-name: is not a valid Prometheus label name/],
      [{ replicas: 0 }, /replicas: must be a whole number of at least 1 \(got 0\)/],
      [{ name: 'Prometheus' }, /name: is not a valid component name: it contains uppercase letters; component names name a Service \(a DNS-1035 label\): at most 52 /],
      [{ name: 'x'.repeat(53) }, /name: is not a valid component name: it is 53 characters long; .* at most 52 .*its StatefulSet labels each pod/],
      [{ image: { repository: 'quay.io/prometheus/prometheus', tag: 'latest' } }, /image\.tag: must be a pinned release tag, never "latest"/],
    ])('refuses %p', (props, message) => {
      expect(() => prometheusModel(props)).toThrow(ConfigError);
      expect(() => prometheusModel(props)).toThrow(message);
    });

    test('reports every bad prop at once', () => {
      let error: ConfigError | undefined;
      try {
        prometheusModel({ retentionTime: 'x', replicas: -1, scrapeInterval: 'y' });
      } catch (e) {
        error = e as ConfigError;
      }
      expect(error!.problems.map((p) => p.path).sort()).toEqual(['Prometheus.replicas', 'Prometheus.retentionTime', 'Prometheus.scrapeInterval']);
    });

    test('derives the retention size from the storage size when not given', () => {
      const retention = (props: Parameters<typeof prometheusModel>[0]) => prometheusModel(props).retentionSize.toPrometheus();
      expect(retention({ storageSize: '10Gi' })).toBe('9GB');
      expect(retention({ storageSize: '500Mi' })).toBe('450MB');
      expect(retention({ storageSize: '1Ti' })).toBe('943718MB');
      expect(retention({ storageSize: '100Gi', retentionSize: '80GB' })).toBe('80GB');
    });
  });
});
