import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { Chart, Testing } from 'cdk8s';
import { Grafana } from '../../../src/components/grafana/grafana';
import { GrafanaProps, GrafanaStorage } from '../../../src/components/grafana/model';
import { GRAFANA_DEFAULTS } from '../../../src/components/grafana/defaults';
import { toJson } from '../../../src/common/serialize';
import { DATASOURCE_UIDS } from '../../../src/conventions';
import { serviceOverviewDashboard } from '../../../src/components/grafana/service-overview';
import { schemaErrors } from '../../helpers/schema';
import { K8sObject, configFile, containersOf, findObject, objectsOfKind, parseYaml, synthObjects } from '../../helpers/synth';
import { BACKENDS } from './fixtures';

function setup(props: GrafanaProps = {}): { chart: Chart; grafana: Grafana } {
  const chart = new Chart(Testing.app(), 'test');
  return { chart, grafana: new Grafana(chart, 'Grafana', props) };
}

function deploymentOf(objects: readonly K8sObject[]): K8sObject {
  return findObject(objects, 'Deployment', 'grafana');
}

/** `mountPath` → volume, for the grafana container. */
function mountsOf(objects: readonly K8sObject[]): Map<string, any> {
  const d = deploymentOf(objects);
  const volumes = new Map<string, any>(d.spec.template.spec.volumes.map((v: any) => [v.name, v]));
  return new Map(containersOf(d)[0].volumeMounts.map((m: any) => [m.mountPath, { ...volumes.get(m.name), readOnly: m.readOnly }]));
}

/** A dashboard whose JSON is about `kib` KiB. */
function bigDashboard(uid: string, kib: number) {
  return new DashboardBuilder(`Big ${uid}`).uid(uid).description('x'.repeat(kib * 1024)).build();
}

describe('Grafana', () => {
  test('defaults: a Deployment and a Service on 3000 in observability, and every object is schema-valid', () => {
    // WHEN
    const { chart, grafana } = setup({ ...BACKENDS });
    grafana.addDashboard(serviceOverviewDashboard());
    const objects = synthObjects(chart);
    // THEN
    expect(schemaErrors(objects)).toEqual([]);
    for (const o of objects) expect(o.metadata.namespace).toBe('observability');
    expect(grafana).toMatchObject({ url: 'http://grafana.observability.svc:3000', serviceName: 'grafana', namespace: 'observability' });
    expect(findObject(objects, 'Service', 'grafana').spec.ports).toEqual([expect.objectContaining({ name: 'http', port: 3000, targetPort: 3000 })]);
    expect(containersOf(deploymentOf(objects))[0].image).toBe('docker.io/grafana/grafana:12.2.0');
  });

  test('runs as the grafana user (472) on a read-only root filesystem, with writable data and tmp directories', () => {
    // WHEN
    const objects = synthObjects(setup().chart);
    const pod = deploymentOf(objects).spec.template.spec;
    const mounts = mountsOf(objects);
    // THEN
    expect(pod.securityContext).toMatchObject({ runAsUser: 472, runAsGroup: 472, fsGroup: 472, runAsNonRoot: true });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsUser: 472 });
    expect(mounts.get('/var/lib/grafana')).toMatchObject({ emptyDir: {}, readOnly: false });
    expect(mounts.get('/tmp')).toMatchObject({ emptyDir: {}, readOnly: false });
    for (const [path, m] of mounts) if (path !== '/var/lib/grafana' && path !== '/tmp') expect(m.readOnly).toBe(true);
  });

  test('probes /api/health on the http port', () => {
    const c = containersOf(deploymentOf(synthObjects(setup().chart)))[0];
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/api/health', port: 3000 });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/api/health', port: 3000 });
    expect(c.livenessProbe.initialDelaySeconds).toBeGreaterThanOrEqual(30);
  });

  test('grafana.ini is mounted where GF_PATHS_CONFIG points, with reporting and update checks off', () => {
    // WHEN
    const objects = synthObjects(setup().chart);
    const env = Object.fromEntries(containersOf(deploymentOf(objects))[0].env.map((e: any) => [e.name, e.value]));
    // THEN
    expect(env.GF_PATHS_CONFIG).toBe('/etc/grafana/config/grafana.ini');
    expect(mountsOf(objects).get('/etc/grafana/config')).toMatchObject({ configMap: { name: 'grafana-config', items: [{ key: 'grafana.ini', path: 'grafana.ini' }] } });
    const ini = configFile(objects, 'grafana.ini');
    expect(ini).toMatch(/\[analytics\]\nreporting_enabled = false\ncheck_for_updates = false/);
  });

  describe('admin credentials', () => {
    test('come only from the user\'s Secret, through GF_*__FILE variables pointing into its mount', () => {
      // WHEN
      const objects = synthObjects(setup().chart);
      const c = containersOf(deploymentOf(objects))[0];
      const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
      // THEN
      expect(env.GF_SECURITY_ADMIN_USER__FILE).toEqual({ name: 'GF_SECURITY_ADMIN_USER__FILE', value: '/etc/grafana/secrets/admin/admin-user' });
      expect(env.GF_SECURITY_ADMIN_PASSWORD__FILE).toEqual({ name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: '/etc/grafana/secrets/admin/admin-password' });
      expect(env.GF_SECURITY_ADMIN_PASSWORD).toBeUndefined();
      expect(env.GF_SECURITY_ADMIN_USER).toBeUndefined();
      expect(mountsOf(objects).get('/etc/grafana/secrets/admin')).toMatchObject({
        readOnly: true,
        secret: {
          secretName: 'grafana-admin',
          items: expect.arrayContaining([
            { key: 'admin-user', path: 'admin-user' },
            { key: 'admin-password', path: 'admin-password' },
          ]),
        },
      });
    });

    test('no secret value is anywhere: no Secret object, no password in any ConfigMap or env value', () => {
      // WHEN
      const objects = synthObjects(setup({ ...BACKENDS, adminSecretName: 'my-admin' }).chart);
      // THEN
      expect(objectsOfKind(objects, 'Secret')).toEqual([]);
      const c = containersOf(deploymentOf(objects))[0];
      for (const e of c.env) expect(e.value === undefined || e.value.startsWith('/')).toBe(true);
      expect(configFile(objects, 'grafana.ini')).not.toMatch(/admin_password|admin_user/);
      expect(mountsOf(objects).get('/etc/grafana/secrets/admin').secret.secretName).toBe('my-admin');
    });

    test('secrets in settings are refused', () => {
      expect(() => setup({ settings: { 'auth.generic_oauth': { client_secret: 's3cret' } } })).toThrow(
        /test\/Grafana.settings.auth.generic_oauth.client_secret: is a secret and must not be written into the ConfigMap/,
      );
    });
  });

  describe('datasources', () => {
    test('are provisioned where Grafana reads them, with stable uids and correlations by uid', () => {
      // WHEN
      const objects = synthObjects(setup({ ...BACKENDS }).chart);
      const doc = parseYaml(configFile(objects, 'datasources.yaml'));
      // THEN
      expect(mountsOf(objects).get('/etc/grafana/provisioning/datasources')).toMatchObject({
        configMap: { name: 'grafana-config', items: [{ key: 'datasources.yaml', path: 'datasources.yaml' }] },
      });
      expect(doc.apiVersion).toBe(1);
      const byUid = Object.fromEntries(doc.datasources.map((d: any) => [d.uid, d]));
      expect(Object.keys(byUid)).toEqual(Object.values(DATASOURCE_UIDS));
      expect(byUid.prometheus).toMatchObject({ type: 'prometheus', url: BACKENDS.prometheus.queryUrl, isDefault: true });
      expect(byUid.prometheus.jsonData.exemplarTraceIdDestinations[0].datasourceUid).toBe(byUid.jaeger.uid);
      expect(byUid.prometheus.jsonData.alertmanagerUid).toBe(byUid.alertmanager.uid);
      for (const f of byUid.loki.jsonData.derivedFields) expect(f.datasourceUid).toBe(byUid.jaeger.uid);
      expect(byUid.jaeger.jsonData.tracesToLogsV2.datasourceUid).toBe(byUid.loki.uid);
      expect(byUid.alertmanager).toMatchObject({ type: 'alertmanager', url: BACKENDS.alertmanager.url, jsonData: { implementation: 'prometheus' } });
    });

    test('only the given backends are provisioned, without dangling correlations', () => {
      // WHEN
      const { chart, grafana } = setup({ prometheus: BACKENDS.prometheus });
      const doc = parseYaml(configFile(synthObjects(chart), 'datasources.yaml'));
      // THEN
      expect(doc.datasources.map((d: any) => d.uid)).toEqual(['prometheus']);
      expect(doc.datasources[0].jsonData).not.toHaveProperty('exemplarTraceIdDestinations');
      expect(doc.datasources[0].jsonData).not.toHaveProperty('alertmanagerUid');
      expect(grafana.datasources.map((d) => d.type)).toEqual(['prometheus']);
    });

    test('a datasource change rolls the pod (checksum annotation)', () => {
      const annotation = (props: GrafanaProps) => deploymentOf(synthObjects(setup(props).chart)).spec.template.metadata.annotations['checksum/config'];
      expect(annotation({ prometheus: BACKENDS.prometheus })).toMatch(/^[0-9a-f]{16}$/);
      expect(annotation({ prometheus: BACKENDS.prometheus })).toBe(annotation({ prometheus: BACKENDS.prometheus }));
      expect(annotation({ prometheus: BACKENDS.prometheus })).not.toBe(annotation({ ...BACKENDS }));
    });
  });

  describe('dashboards', () => {
    test('land in a ConfigMap mounted under the path of the provider for their folder', () => {
      // WHEN
      const { chart, grafana } = setup({ ...BACKENDS });
      const info = grafana.addDashboard(serviceOverviewDashboard());
      const objects = synthObjects(chart);
      // THEN the file is the dashboard JSON
      const cm = findObject(objects, 'ConfigMap', 'grafana-dashboards-general-0');
      expect(cm.data['service-overview.json']).toBe(toJson(serviceOverviewDashboard()));
      expect(info).toEqual({
        uid: 'service-overview',
        title: 'Service Overview',
        folder: undefined,
        configMapName: 'grafana-dashboards-general-0',
        fileName: 'service-overview.json',
        path: '/etc/grafana/dashboards/general/0/service-overview.json',
      });
      // AND the ConfigMap is mounted in the directory its provider reads
      expect(mountsOf(objects).get('/etc/grafana/dashboards/general/0')).toMatchObject({ configMap: { name: cm.metadata.name }, readOnly: true });
      const providers = parseYaml(configFile(objects, 'dashboards.yaml')).providers;
      expect(providers).toEqual([expect.objectContaining({ folder: '', type: 'file', options: { path: '/etc/grafana/dashboards/general', foldersFromFilesStructure: false } })]);
      expect(info.path.startsWith(`${providers[0].options.path}/`)).toBe(true);
      expect(mountsOf(objects).get('/etc/grafana/provisioning/dashboards')).toMatchObject({ configMap: { items: [{ key: 'dashboards.yaml', path: 'dashboards.yaml' }] } });
      expect(grafana.dashboards).toEqual([info]);
    });

    test('a folder gets its own provider, folder uid and ConfigMap', () => {
      // WHEN
      const { chart, grafana } = setup({ prometheus: BACKENDS.prometheus });
      grafana.addDashboard(serviceOverviewDashboard());
      const slo = grafana.addDashboard(new DashboardBuilder('SLO').uid('slo-order').build(), { folder: 'SLOs' });
      const objects = synthObjects(chart);
      // THEN
      const providers = parseYaml(configFile(objects, 'dashboards.yaml')).providers;
      expect(providers).toEqual([
        expect.objectContaining({ name: 'general', folder: '' }),
        expect.objectContaining({ name: 'slos', folder: 'SLOs', folderUid: 'slos', options: { path: '/etc/grafana/dashboards/slos', foldersFromFilesStructure: false } }),
      ]);
      expect(slo).toMatchObject({ folder: 'SLOs', configMapName: 'grafana-dashboards-slos-0', path: '/etc/grafana/dashboards/slos/0/slo-order.json' });
      expect(mountsOf(objects).get('/etc/grafana/dashboards/slos/0')).toMatchObject({ configMap: { name: 'grafana-dashboards-slos-0' } });
      expect(schemaErrors(objects)).toEqual([]);
    });

    test('added after construction, they still change the output and roll the pod', () => {
      // GIVEN
      const { chart, grafana } = setup({ prometheus: BACKENDS.prometheus });
      const before = synthObjects(chart);
      // WHEN
      grafana.addDashboard(serviceOverviewDashboard(), { folder: 'Services' });
      const after = synthObjects(chart);
      // THEN
      expect(objectsOfKind(before, 'ConfigMap').map((o) => o.metadata.name)).toEqual(['grafana-config']);
      expect(parseYaml(configFile(before, 'dashboards.yaml')).providers).toEqual([]);
      expect(parseYaml(configFile(after, 'dashboards.yaml')).providers.map((p: any) => p.folder)).toEqual(['Services']);
      expect(findObject(after, 'ConfigMap', 'grafana-dashboards-services-0').data).toHaveProperty(['service-overview.json']);
      const sum = (o: K8sObject[]) => deploymentOf(o).spec.template.metadata.annotations['checksum/config'];
      expect(sum(after)).not.toBe(sum(before));
    });

    test('are packed into several ConfigMaps under the size limit, all mounted under the folder path', () => {
      // GIVEN three dashboards of ~400 KiB: two fit in one ConfigMap, the third needs another
      const { chart, grafana } = setup();
      // WHEN
      const infos = ['a', 'b', 'c'].map((uid) => grafana.addDashboard(bigDashboard(uid, 400), { folder: 'Big' }));
      const objects = synthObjects(chart);
      // THEN
      expect(infos.map((i) => i.configMapName)).toEqual(['grafana-dashboards-big-0', 'grafana-dashboards-big-0', 'grafana-dashboards-big-1']);
      const cms = objectsOfKind(objects, 'ConfigMap').filter((o) => o.metadata.name.startsWith('grafana-dashboards-'));
      expect(cms.map((o) => Object.keys(o.data))).toEqual([['a.json', 'b.json'], ['c.json']]);
      for (const cm of cms) {
        const bytes = Object.entries<string>(cm.data).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
        expect(bytes).toBeLessThanOrEqual(GRAFANA_DEFAULTS.maxDashboardConfigMapBytes);
        expect(Buffer.byteLength(JSON.stringify(cm))).toBeLessThan(1024 * 1024);
        expect(cm.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' });
      }
      const mounts = mountsOf(objects);
      expect(mounts.get('/etc/grafana/dashboards/big/0').configMap.name).toBe('grafana-dashboards-big-0');
      expect(mounts.get('/etc/grafana/dashboards/big/1').configMap.name).toBe('grafana-dashboards-big-1');
      expect(parseYaml(configFile(objects, 'dashboards.yaml')).providers).toHaveLength(1);
      expect(schemaErrors(objects)).toEqual([]);
    });

    test('a dashboard too large for any ConfigMap is a ConfigError', () => {
      const { grafana } = setup();
      expect(() => grafana.addDashboard(bigDashboard('huge', 950))).toThrow(/test\/Grafana.dashboards\[huge\]: serializes to \d+ bytes, more than the 921600 a dashboard ConfigMap may hold \(got "huge"\)/);
    });

    test('a duplicate uid is a ConfigError, even in another folder', () => {
      const { grafana } = setup({ prometheus: BACKENDS.prometheus });
      grafana.addDashboard(serviceOverviewDashboard());
      expect(() => grafana.addDashboard(serviceOverviewDashboard(), { folder: 'Other' })).toThrow(
        /test\/Grafana.dashboards\[service-overview\].uid: is already used by the dashboard "Service Overview" \(got "service-overview"\)/,
      );
    });

    test('a duplicate title in one folder, or two titles mapping to one folder, is a ConfigError', () => {
      const { grafana } = setup();
      grafana.addDashboard(new DashboardBuilder('Same').uid('one').build(), { folder: 'SLOs' });
      expect(() => grafana.addDashboard(new DashboardBuilder('Same').uid('two').build(), { folder: 'SLOs' })).toThrow(/title: is already the title of dashboard "one"/);
      expect(() => grafana.addDashboard(new DashboardBuilder('Other').uid('three').build(), { folder: 'slos' })).toThrow(/folder: maps to the same folder key "slos" as the folder "SLOs"/);
      expect(() => grafana.addDashboard(new DashboardBuilder('Same').uid('four').build())).not.toThrow();
    });
  });

  test('persistent storage: a claim mounted at the data path, and the Recreate strategy', () => {
    // WHEN
    const objects = synthObjects(setup({ storage: GrafanaStorage.persistentVolumeClaim({ size: '5Gi', storageClassName: 'fast' }) }).chart);
    // THEN
    expect(schemaErrors(objects)).toEqual([]);
    expect(findObject(objects, 'PersistentVolumeClaim', 'grafana-data').spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast',
      resources: { requests: { storage: '5Gi' } },
    });
    expect(mountsOf(objects).get('/var/lib/grafana')).toMatchObject({ persistentVolumeClaim: { claimName: 'grafana-data' }, readOnly: false });
    expect(deploymentOf(objects).spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('emptyDir storage can be size-limited', () => {
    const objects = synthObjects(setup({ storage: GrafanaStorage.emptyDir({ sizeLimit: '1Gi' }) }).chart);
    expect(mountsOf(objects).get('/var/lib/grafana').emptyDir).toEqual({ sizeLimit: '1024Mi' });
  });

  test('name, namespace, image and resources are overridable and every object follows the namespace', () => {
    // WHEN
    const { chart, grafana } = setup({
      name: 'grafana-ops',
      namespace: 'monitoring',
      image: { repository: 'registry.local/grafana', tag: '12.2.1' },
      resources: { cpuRequest: '250m', memoryRequest: '512Mi' },
      prometheus: BACKENDS.prometheus,
    });
    grafana.addDashboard(serviceOverviewDashboard());
    const objects = synthObjects(chart);
    // THEN
    expect(grafana.url).toBe('http://grafana-ops.monitoring.svc:3000');
    for (const o of objects) expect(o.metadata.namespace).toBe('monitoring');
    const c = containersOf(findObject(objects, 'Deployment', 'grafana-ops'))[0];
    expect(c.image).toBe('registry.local/grafana:12.2.1');
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '512Mi' } });
    expect(findObject(objects, 'ConfigMap', 'grafana-ops-dashboards-general-0')).toBeDefined();
    expect(schemaErrors(objects)).toEqual([]);
  });

  test('bad input is reported together, naming each prop', () => {
    expect(() =>
      setup({ name: 'Grafana', namespace: 'bad_ns', prometheusScrapeInterval: '15 seconds', storage: GrafanaStorage.persistentVolumeClaim({ size: 'lots' }) }),
    ).toThrow(/test\/Grafana.namespace: is not a valid Kubernetes name[\s\S]*test\/Grafana.name: [\s\S]*prometheusScrapeInterval: is not a positive Prometheus duration[\s\S]*storage.size: is not a Kubernetes quantity/);
  });
});
