import { Testing } from 'cdk8s';
import { JaegerStorage } from '../../../src/components/jaeger';
import { OSD_PASSWORD_EXCEPTION, OpenSearchDashboards, OSD_PASSWORD_ENV, openSearchDashboardsModel, openSearchDashboardsWarnings } from '../../../src/components/opensearch-dashboards';
import { ObservabilityStack, ObservabilityStackProps } from '../../../src/stack';
import { TOOLS_NOT_BUILT, VERSIONS } from '../../../src/versions';
import { Cluster, Endpoint } from '../../helpers/network-policy';
import { schemaErrors } from '../../helpers/schema';
import { containersOf, findObject, K8sObject, leafPaths, parseYaml } from '../../helpers/synth';
import { recordStandIn } from '../../helpers/tools';

/**
 * OpenSearch Dashboards beside the OpenSearch cluster Jaeger stores spans in (issue 15, item 4). OpenSearch Dashboards
 * cannot run here (a Node.js application shipped as a tarball and an image, no registry: TOOLS_NOT_BUILT), so the
 * checks that remain are the manifests (secure pod, volumes for every path it writes, probes on its status route),
 * the generated keys against the release's own list, and the NetworkPolicies evaluated as Kubernetes would.
 */

/**
 * The settings of OpenSearch Dashboards' config/opensearch_dashboards.yml (every key the sample file lists, commented
 * or not), transcribed on 2026-12-02 from the file as stored in opensearch-project/OpenSearch-Dashboards (commit
 * 006fa677d8f853cd4950b2b2df50688d525dca8b, a 3.x revision of main: the repository snapshot is too large to fetch, so the
 * 2.19.3 tag itself could not be read). The keys the stack writes are older than 2.0 (Kibana 7.10's, renamed
 * `elasticsearch.*` → `opensearch.*` in 1.0), so the 2.19 file lists them as well.
 */
const DOCUMENTED = new Set([
  'server.port',
  'server.host',
  'server.basePath',
  'server.rewriteBasePath',
  'server.maxPayloadBytes',
  'server.name',
  'opensearch.hosts',
  'opensearchDashboards.index',
  'opensearchDashboards.defaultAppId',
  'opensearch.optimizedHealthcheck.id',
  'opensearch.optimizedHealthcheck.filters',
  'opensearch.username',
  'opensearch.password',
  'server.ssl.enabled',
  'server.ssl.certificate',
  'server.ssl.key',
  'opensearch.ssl.certificate',
  'opensearch.ssl.key',
  'opensearch.ssl.certificateAuthorities',
  'opensearch.ssl.verificationMode',
  'opensearch.pingTimeout',
  'opensearch.requestTimeout',
  'opensearch.memoryCircuitBreaker.enabled',
  'opensearch.memoryCircuitBreaker.maxPercentage',
  'opensearch.requestHeadersWhitelist',
  'opensearch.requestHeadersAllowlist',
  'opensearch.customHeaders',
  'opensearch.shardTimeout',
  'opensearch.logQueries',
  'opensearch.disablePrototypePoisoningProtection',
  'pid.file',
  'logging.dest',
  'logging.silent',
  'logging.quiet',
  'logging.verbose',
  'ops.interval',
  'i18n.locale',
  'vis_type_timeline.graphiteAllowedUrls',
  'vis_type_timeline.graphiteBlockedIPs',
  'vis_type_timeline.graphiteDeniedIPs',
  'opensearchDashboards.branding',
  'map.showRegionDeniedWarning',
  'data.search.usageTelemetry.enabled',
  'vis_builder.enabled',
  'data_source.enabled',
  'data_source.encryption.wrappingKeyName',
  'data_source.encryption.wrappingKeyNamespace',
  'data_source.encryption.wrappingKey',
  'data_source.endpointDeniedIPs',
  'opensearchDashboards.survey.url',
  'vis_augmenter.pluginAugmentationEnabled',
  'workspace.dashboardAdmin.backendRoles',
]);

/**
 * Not in the sample file, but in the server's config schema: src/core/server/status/status_config.ts
 * (`allowAnonymous: schema.boolean({ defaultValue: false })` under the path `status`), read by the `/api/status`
 * route (src/core/server/status/routes/status.ts: `authRequired: !config.allowAnonymous`), same stored revision.
 */
const SCHEMA_KEYS = new Set(['status.allowAnonymous']);

const OPENSEARCH = {
  serverUrls: ['https://opensearch.search.svc:9200'],
  secretName: 'jaeger-opensearch',
  username: 'jaeger',
  caKey: 'ca.crt',
  indexPrefix: 'prod',
};

const STACK: ObservabilityStackProps = { jaeger: { storage: JaegerStorage.opensearch(OPENSEARCH) }, openSearchDashboards: {} };

function synthStack(props: ObservabilityStackProps = STACK) {
  const stack = new ObservabilityStack(Testing.app(), 'observability', props);
  const objects = Testing.synth(stack) as K8sObject[];
  return { stack, objects };
}

function ymlOf(objects: readonly K8sObject[]): string {
  return findObject(objects, 'ConfigMap', 'opensearch-dashboards-config').data['opensearch_dashboards.yml'];
}

describe('OpenSearch Dashboards in the stack', () => {
  test('GIVEN Jaeger on OpenSearch THEN it reads the same cluster with the same Secret, user and CA', () => {
    const { objects } = synthStack();
    expect(parseYaml(ymlOf(objects))).toEqual({
      'server.host': '0.0.0.0',
      'server.port': 5601,
      'server.name': 'opensearch-dashboards',
      'opensearch.hosts': ['https://opensearch.search.svc:9200'],
      'opensearch.username': 'jaeger',
      'opensearch.password': '${OPENSEARCH_PASSWORD}',
      'opensearch.ssl.certificateAuthorities': ['/etc/opensearch-dashboards/opensearch/ca.crt'],
      'status.allowAnonymous': true,
    });
    expect(ymlOf(objects)).toMatch(/^# Generated by observability-stack\. Do not edit/);
  });

  test('every key it writes is a setting of the release (its sample opensearch_dashboards.yml, or the status schema)', () => {
    recordStandIn(`opensearch-dashboards ${VERSIONS.openSearchDashboards.tag}`, 'opensearch_dashboards.yml keys against config/opensearch_dashboards.yml and status_config.ts');
    expect(TOOLS_NOT_BUILT.openSearchDashboards).toMatch(/Node\.js application/);
    const { objects } = synthStack({ ...STACK, openSearchDashboards: { username: 'kibanaserver' } });
    const keys = Object.keys(parseYaml(ymlOf(objects)));
    expect(keys.filter((k) => !DOCUMENTED.has(k) && !SCHEMA_KEYS.has(k))).toEqual([]);
    // Dotted keys at the top level, as the sample file writes them: no nested maps to mis-merge.
    expect(leafPaths(parseYaml(ymlOf(objects))).map((p) => p.replace(/\[\]$/, ''))).toEqual(keys);
  });

  test('overrides win field by field: another user and Secret for the dashboards server, Jaeger\'s URL and CA key kept', () => {
    const { objects } = synthStack({ ...STACK, openSearchDashboards: { username: 'kibanaserver', secretName: 'osd-opensearch', passwordKey: 'kibanaserver-password' } });
    const doc = parseYaml(ymlOf(objects));
    expect(doc['opensearch.username']).toBe('kibanaserver');
    expect(doc['opensearch.hosts']).toEqual(['https://opensearch.search.svc:9200']);
    const pod = findObject(objects, 'Deployment', 'opensearch-dashboards').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'opensearch', secret: { secretName: 'osd-opensearch', defaultMode: 0o440 } });
    expect(pod.containers[0].env).toEqual([{ name: OSD_PASSWORD_ENV, valueFrom: { secretKeyRef: { name: 'osd-opensearch', key: 'kibanaserver-password' } } }]);
  });

  test('the pod: pinned image, non-root, read-only root filesystem, an emptyDir for every path it writes, the Secret read-only', () => {
    const { objects } = synthStack();
    const d = findObject(objects, 'Deployment', 'opensearch-dashboards');
    const pod = d.spec.template.spec;
    const [c] = containersOf(d);
    expect(c.image).toBe('docker.io/opensearchproject/opensearch-dashboards:2.19.3');
    expect(c.command).toEqual(['/usr/share/opensearch-dashboards/bin/opensearch-dashboards']);
    expect(c.args).toEqual(['--config=/etc/opensearch-dashboards/config/opensearch_dashboards.yml']);
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '1024Mi' }, limits: { memory: '1024Mi' } });
    const writable = c.volumeMounts.filter((m: any) => m.readOnly === false).map((m: any) => [m.mountPath, pod.volumes.find((v: any) => v.name === m.name)]);
    expect(writable).toEqual([
      ['/usr/share/opensearch-dashboards/data', { name: 'data', emptyDir: {} }],
      ['/tmp', { name: 'tmp', emptyDir: {} }],
    ]);
    expect(c.volumeMounts).toContainEqual({ name: 'opensearch', mountPath: '/etc/opensearch-dashboards/opensearch', readOnly: true });
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/opensearch-dashboards/config', readOnly: true });
    expect(schemaErrors(objects.filter((o) => o.metadata.name?.startsWith('opensearch-dashboards')))).toEqual([]);
  });

  test('probes on the status route at 5601, which answers the kubelet without credentials (status.allowAnonymous)', () => {
    const { objects } = synthStack();
    const [c] = containersOf(findObject(objects, 'Deployment', 'opensearch-dashboards'));
    expect(c.readinessProbe.httpGet).toEqual({ path: '/api/status', port: 5601, scheme: 'HTTP' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/api/status', port: 5601, scheme: 'HTTP' });
    expect(c.livenessProbe.periodSeconds).toBeGreaterThan(c.readinessProbe.periodSeconds);
    expect(c.ports).toEqual([{ containerPort: 5601, name: 'http', protocol: 'TCP' }]);
    expect(findObject(objects, 'Service', 'opensearch-dashboards').spec.ports).toEqual([{ name: 'http', port: 5601, protocol: 'TCP', targetPort: 5601 }]);
    expect(parseYaml(ymlOf(objects))['status.allowAnonymous']).toBe(true);
  });

  test('the password is never in a manifest: a ${} reference in the file, the value by secretKeyRef (the declared exception)', () => {
    const { objects } = synthStack();
    const [c] = containersOf(findObject(objects, 'Deployment', 'opensearch-dashboards'));
    expect(c.env).toEqual([{ name: 'OPENSEARCH_PASSWORD', valueFrom: { secretKeyRef: { name: 'jaeger-opensearch', key: 'password' } } }]);
    expect(JSON.stringify(c.args)).not.toMatch(/password/i);
    expect(OSD_PASSWORD_EXCEPTION).toMatch(/no file variant/);
  });

  test('without a user nothing is read from the Secret but the CA; with plain http neither', () => {
    const noUser = synthStack({ jaeger: { storage: JaegerStorage.opensearch({ serverUrls: ['https://os.search.svc:9200'], secretName: 's', caKey: 'ca.crt' }) }, openSearchDashboards: {} });
    expect(parseYaml(ymlOf(noUser.objects))).not.toHaveProperty('opensearch.password');
    expect(containersOf(findObject(noUser.objects, 'Deployment', 'opensearch-dashboards'))[0].env).toBeUndefined();
    const plain = synthStack({ jaeger: { storage: JaegerStorage.opensearch({ serverUrls: ['http://os.search.svc:9200'] }) }, openSearchDashboards: {} });
    expect(Object.keys(parseYaml(ymlOf(plain.objects)))).toEqual(['server.host', 'server.port', 'server.name', 'opensearch.hosts', 'status.allowAnonymous']);
    expect(findObject(plain.objects, 'Deployment', 'opensearch-dashboards').spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['config', 'data', 'tmp']);
  });

  test('the index patterns to create for Jaeger\'s indices follow the storage\'s prefix', () => {
    expect(synthStack().stack.openSearchDashboards!.model.indexPatterns).toEqual(['prod-jaeger-span-*', 'prod-jaeger-service-*']);
    const plain = synthStack({ jaeger: { storage: JaegerStorage.opensearch({ serverUrls: ['http://os.search.svc:9200'] }) }, openSearchDashboards: {} });
    expect(plain.stack.openSearchDashboards!.model.indexPatterns).toEqual(['jaeger-jaeger-span-*', 'jaeger-jaeger-service-*']);
  });

  test('the image follows the override (the cluster\'s release), and so does the version label', () => {
    const { objects } = synthStack({ ...STACK, openSearchDashboards: { image: { repository: 'docker.io/opensearchproject/opensearch-dashboards', tag: '2.17.1' } } });
    const d = findObject(objects, 'Deployment', 'opensearch-dashboards');
    expect(containersOf(d)[0].image).toBe('docker.io/opensearchproject/opensearch-dashboards:2.17.1');
    expect(d.metadata.labels?.['app.kubernetes.io/version']).toBe('2.17.1');
  });

  test('off by default: no object of it in the default stack', () => {
    const { objects } = synthStack({ jaeger: { storage: JaegerStorage.opensearch(OPENSEARCH) } });
    expect(objects.filter((o) => o.metadata.name?.startsWith('opensearch-dashboards'))).toEqual([]);
  });
});

describe('bad inputs', () => {
  const messageOf = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('nothing thrown');
  };

  test('GIVEN Jaeger on memory, Badger, Elasticsearch or an external Jaeger THEN one line naming the field, the storage and the fix', () => {
    const fix = 'Fix: set jaeger.storage to JaegerStorage.opensearch({ serverUrls, secretName, ... }), or drop openSearchDashboards.';
    const msg = (got: string) => `observability.openSearchDashboards: needs Jaeger on OpenSearch storage: OpenSearch Dashboards reads only OpenSearch (Grafana reads the other stores) (got "${got}"). ${fix}`;
    expect(messageOf(() => synthStack({ openSearchDashboards: {} }))).toBe(msg('jaeger.storage: memory'));
    expect(messageOf(() => synthStack({ jaeger: { storage: JaegerStorage.badger() }, openSearchDashboards: {} }))).toBe(msg('jaeger.storage: badger'));
    expect(messageOf(() => synthStack({ jaeger: { storage: JaegerStorage.elasticsearch({ serverUrls: ['http://es:9200'] }) }, openSearchDashboards: {} }))).toBe(msg('jaeger.storage: elasticsearch'));
    expect(messageOf(() => synthStack({ jaeger: false, openSearchDashboards: {} }))).toBe(msg('jaeger: no in-stack Jaeger'));
  });

  test('a URL that is not http(s), a CA over plain http, a user without a Secret: one line each', () => {
    expect(messageOf(() => synthStack({ ...STACK, openSearchDashboards: { serverUrls: ['opensearch:9200'] } }))).toBe(
      'observability/OpenSearchDashboards.serverUrls[0]: is not an http(s) base URL: it has no http:// or https:// scheme at character 1 (got "opensearch:9200"). Fix: give an absolute URL such as "https://opensearch.search.svc:9200".',
    );
    expect(messageOf(() => synthStack({ ...STACK, openSearchDashboards: { serverUrls: ['http://os.search.svc:9200'] } }))).toMatch(/OpenSearchDashboards\.caKey: is set, but a server URL is plain http/);
    expect(() => openSearchDashboardsModel({ serverUrls: ['https://os:9200'], username: 'u' })).toThrow(/OpenSearchDashboards\.secretName: is required with username/);
    expect(() => openSearchDashboardsModel({})).toThrow(/OpenSearchDashboards\.serverUrls: is required without a Jaeger storage/);
    expect(() => openSearchDashboardsModel({ serverUrls: ['https://os:9200'], replicas: 0 })).toThrow(/OpenSearchDashboards\.replicas/);
  });
});

describe('warnings', () => {
  test('no server user with the upstream image (its security plugin needs a secured cluster): a warning naming the fix', () => {
    const plain = openSearchDashboardsModel({ serverUrls: ['http://os.search.svc:9200'] });
    expect(openSearchDashboardsWarnings(plain, 'osd')).toEqual([
      expect.objectContaining({ code: 'OSD_NO_SERVER_USER', path: 'osd.username', fix: expect.stringMatching(/remove securityDashboards/) }),
    ]);
    expect(openSearchDashboardsWarnings(openSearchDashboardsModel({ serverUrls: ['https://os:9200'], secretName: 's', username: 'kibanaserver' }), 'osd')).toEqual([]);
    expect(openSearchDashboardsWarnings(openSearchDashboardsModel({ serverUrls: ['http://os:9200'], image: { repository: 'registry.example.com/osd-nosecurity', tag: '2.19.3' } }), 'osd')).toEqual([]);
  });
});

describe('used alone, outside the stack', () => {
  test('it needs only the cluster URL; the config reads it', () => {
    const chart = Testing.chart();
    const osd = new OpenSearchDashboards(chart, 'Osd', { serverUrls: ['https://search.example.com'] });
    expect(osd.config.hosts).toEqual(['https://search.example.com']);
    expect(osd.url).toBe('http://opensearch-dashboards.observability.svc:5601');
    expect(osd.model.indexPatterns).toEqual([]);
  });
});

describe('NetworkPolicies (evaluated with NetworkPolicy semantics)', () => {
  const props: ObservabilityStackProps = { ...STACK, networkPolicies: { ingressController: { namespace: 'ingress-nginx' } } };

  function world(p: ObservabilityStackProps) {
    const { objects } = synthStack(p);
    const d = findObject(objects, 'Deployment', 'opensearch-dashboards');
    const osd: Endpoint = { id: 'osd', ip: '10.244.1.50', namespace: 'observability', labels: d.spec.template.metadata.labels, ports: [{ name: 'http', port: 5601, protocol: 'TCP' }] };
    const jaegerDeployment = findObject(objects, 'Deployment', 'jaeger');
    const jaeger: Endpoint = { id: 'jaeger', ip: '10.244.1.51', namespace: 'observability', labels: jaegerDeployment.spec.template.metadata.labels, ports: [{ port: 16686, protocol: 'TCP' }] };
    const opensearch: Endpoint = { id: 'opensearch', ip: '10.244.3.10', namespace: 'search', labels: { app: 'opensearch' }, ports: [{ port: 9200, protocol: 'TCP' }] };
    const ingress: Endpoint = { id: 'ingress', ip: '10.244.4.10', namespace: 'ingress-nginx', labels: { app: 'ingress-nginx' } };
    const app: Endpoint = { id: 'app', ip: '10.244.5.10', namespace: 'shop', labels: { app: 'order-service' } };
    const ns = new Map<string, Record<string, string>>();
    for (const n of ['observability', 'search', 'ingress-nginx', 'shop']) ns.set(n, { 'kubernetes.io/metadata.name': n });
    return { objects, osd, jaeger, opensearch, ingress, app, ns };
  }

  test.each([true, false])('ipBlocks match pods: %s — the ingress controller reaches 5601, OSD reaches the cluster port; nothing else', (ipBlockMatchesPods) => {
    const w = world(props);
    const cluster = new Cluster(w.objects, w.ns, { ipBlockMatchesPods });
    const verdicts = {
      ingressToOsd: cluster.connect(w.ingress, w.osd, 5601).allowed,
      osdToOpenSearch: cluster.connect(w.osd, w.opensearch, 9200).allowed,
      osdToOpenSearchOtherPort: cluster.connect(w.osd, w.opensearch, 9300).allowed,
      appToOsd: cluster.connect(w.app, w.osd, 5601).allowed,
      osdToJaegerQuery: cluster.connect(w.osd, w.jaeger, 16686).allowed,
      externalOpenSearch: cluster.connect(w.osd, { id: 'aws', ip: '203.0.113.7' }, 9200).allowed,
    };
    expect(verdicts).toEqual({ ingressToOsd: true, osdToOpenSearch: true, osdToOpenSearchOtherPort: false, appToOsd: false, osdToJaegerQuery: false, externalOpenSearch: true });
  });

  test('without an ingress controller only port-forward reaches it (no ingress rule)', () => {
    const w = world(STACK);
    const policy = findObject(w.objects, 'NetworkPolicy', 'opensearch-dashboards');
    expect(policy.spec.ingress).toEqual([]);
    expect(new Cluster(w.objects, w.ns, { ipBlockMatchesPods: false }).connect(w.ingress, w.osd, 5601).allowed).toBe(false);
  });

  test('the cluster port follows the URL (443 for an https URL without a port)', () => {
    const w = world({ ...props, openSearchDashboards: { serverUrls: ['https://search.example.com'] } });
    expect(JSON.stringify(findObject(w.objects, 'NetworkPolicy', 'opensearch-dashboards').spec.egress)).toContain('"port":443');
  });
});
