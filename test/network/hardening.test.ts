import { Testing } from 'cdk8s';
import { ConfigError } from '../../src/common/errors';
import { NetworkPeer, networkModel } from '../../src/network';
import { ObservabilityStack, ObservabilityStackProps } from '../../src/stack';
import { DEMO_SERVICES, ORDER_SERVICE } from '../../src/slo';
import { schemaErrors } from '../helpers/schema';
import { K8sObject, configFile, findObject, parseYaml } from '../helpers/synth';

function synth(props: ObservabilityStackProps = {}): K8sObject[] {
  return Testing.synth(new ObservabilityStack(Testing.app(), 'observability', props)) as K8sObject[];
}

const DEFAULT = synth({ services: [ORDER_SERVICE, ...DEMO_SERVICES] });
const workloads = (objects: K8sObject[]) => objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind));

describe('what needs no network is closed', () => {
  test('only the pods that call the Kubernetes API mount a service-account token, and each has an API egress rule', () => {
    const mounting = workloads(DEFAULT)
      .filter((w) => w.spec.template.spec.automountServiceAccountToken !== false)
      .map((w) => `${w.kind}/${w.metadata.name}`);
    expect(mounting.sort()).toEqual(['DaemonSet/otel-agent', 'Deployment/kube-state-metrics', 'StatefulSet/prometheus']);
    for (const w of workloads(DEFAULT)) {
      const policy = DEFAULT.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === w.metadata.name && o.metadata.namespace === w.metadata.namespace);
      const apiRule = (policy?.spec.egress ?? []).some((r: any) => (r.ports ?? []).some((p: any) => p.port === 6443));
      expect([w.metadata.name, apiRule]).toEqual([w.metadata.name, w.spec.template.spec.automountServiceAccountToken === true]);
    }
    // No ServiceAccount mounts its token into every pod by default.
    for (const sa of DEFAULT.filter((o) => o.kind === 'ServiceAccount')) expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('RBAC is wildcard-free, read-only, and no role reads Secrets or ConfigMaps', () => {
    const roles = DEFAULT.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    expect(roles.length).toBeGreaterThanOrEqual(3);
    for (const role of roles) {
      for (const rule of role.rules) {
        for (const field of ['apiGroups', 'resources', 'verbs', 'nonResourceURLs', 'resourceNames']) expect([role.metadata.name, field, (rule[field] ?? []).includes('*')]).toEqual([role.metadata.name, field, false]);
        expect(rule.verbs.every((v: string) => ['get', 'list', 'watch'].includes(v))).toBe(true);
        expect(rule.resources ?? []).not.toContain('secrets');
        expect(rule.resources ?? []).not.toContain('configmaps');
      }
    }
  });

  test('Prometheus opens no lifecycle, admin or remote-write endpoint; Loki no deletion API; Grafana no anonymous access', () => {
    const args: string[] = findObject(DEFAULT, 'StatefulSet', 'prometheus').spec.template.spec.containers[0].args;
    expect(args.filter((a) => /lifecycle|admin-api|remote-write-receiver/.test(a))).toEqual([]);
    expect(parseYaml(configFile(DEFAULT, 'loki.yaml')).limits_config.deletion_mode).toBe('disabled');
    const ini = configFile(DEFAULT, 'grafana.ini');
    expect(ini).toMatch(/\[auth\.anonymous\]\nenabled = false/);
    expect(ini).toMatch(/\[snapshots\]\nexternal_enabled = false/);
    expect(ini).toMatch(/\[public_dashboards\]\nenabled = false/);
    expect(ini).toContain('disable_gravatar = true');
    expect(ini).toContain('allow_sign_up = false');
  });
});

describe('the NetworkPolicies', () => {
  test('are valid against the Kubernetes schema, one default deny and one DNS rule per namespace', () => {
    const policies = DEFAULT.filter((o) => o.kind === 'NetworkPolicy');
    expect(schemaErrors(policies)).toEqual([]);
    for (const ns of ['observability', 'observability-agents']) {
      expect(findObject(policies.filter((p) => p.metadata.namespace === ns), 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      expect(findObject(policies.filter((p) => p.metadata.namespace === ns), 'NetworkPolicy', 'allow-dns').spec.egress[0].ports).toEqual([
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ]);
    }
  });

  test('networkPolicies: false ships none', () => {
    expect(synth({ networkPolicies: false }).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('a component port added to a role is allowed wherever that role is (Alertmanager gossip appears when clustered)', () => {
    const gossip = (objects: K8sObject[]) =>
      findObject(objects, 'NetworkPolicy', 'alertmanager').spec.ingress.some((r: any) => (r.ports ?? []).some((p: any) => p.port === 9094 && p.protocol === 'UDP'));
    expect(gossip(synth())).toBe(false);
    expect(gossip(synth({ alertmanager: { replicas: 3 } }))).toBe(true);
  });

  test('DNS, the API server, receivers and the nodes follow their props', () => {
    const objects = synth({
      networkPolicies: {
        dns: { namespace: 'dns', podLabels: { app: 'coredns' }, cidrs: ['169.254.20.10/32'] },
        apiServer: { cidrs: ['10.0.0.1/32'], ports: [443] },
        alertReceivers: { cidrs: ['198.51.100.0/24'], ports: [{ port: 25 }] },
        nodeCidrs: ['192.168.0.0/24'],
      },
    });
    expect(findObject(objects, 'NetworkPolicy', 'allow-dns').spec.egress[0].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } },
      { ipBlock: { cidr: '169.254.20.10/32' } },
    ]);
    const prom = findObject(objects, 'NetworkPolicy', 'prometheus').spec.egress;
    expect(prom).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    expect(prom).toContainEqual({ to: [{ ipBlock: { cidr: '192.168.0.0/24' } }], ports: [{ port: 10250, protocol: 'TCP' }] });
    expect(findObject(objects, 'NetworkPolicy', 'alertmanager').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: 25, protocol: 'TCP' }] });
  });

  test('extra rules land in the named component\'s policy', () => {
    const objects = synth({
      networkPolicies: { extraRules: [{ component: 'grafana', direction: 'egress', peers: [NetworkPeer.cidr('203.0.113.5/32')], ports: [{ port: 443 }] }] },
    });
    expect(findObject(objects, 'NetworkPolicy', 'grafana').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '203.0.113.5/32' } }], ports: [{ port: 443, protocol: 'TCP' }] });
  });

  test('without an agent, applications send OTLP to the gateway', () => {
    const objects = synth({ otelAgent: false });
    expect(findObject(objects, 'NetworkPolicy', 'otel-gateway').spec.ingress).toContainEqual({
      from: [{ namespaceSelector: {} }],
      ports: [{ port: 4317, protocol: 'TCP' }, { port: 4318, protocol: 'TCP' }],
    });
  });
});

describe('bad network props fail with one line per problem', () => {
  test('CIDRs, ports, peers and extra rules', () => {
    let error: ConfigError | undefined;
    try {
      networkModel(
        {
          nodeCidrs: ['10.0.0.0/33', 'fd00::/8'],
          apiServer: { ports: [0] },
          scrapePorts: [{ port: 9000, endPort: 8000 }, { port: 'Not_A_Name' }],
          extraRules: [{ component: 'nope' as never, direction: 'egress', peers: [] }],
        },
        'observability/NetworkPolicies',
        ['prometheus'],
      );
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.message.split('\n')).toEqual([
      'observability/NetworkPolicies.apiServer.ports[0].port: must be a TCP port (an integer from 1 to 65535) (got 0). Fix: use e.g. 443.',
      'observability/NetworkPolicies.scrapePorts[0].endPort: must be a port from port to 65535 (got 8000). Fix: use a port of at least 9000, or drop endPort for a single port.',
      'observability/NetworkPolicies.scrapePorts[1].port: is not a container port name (at most 15 lowercase letters, digits and "-", with a letter) (got "Not_A_Name"). Fix: use the port number, or the name of the container port, e.g. "http-metrics".',
      'observability/NetworkPolicies.extraRules[0].component: names no component of the stack (got "nope"). Fix: use one of "prometheus".',
      'observability/NetworkPolicies.extraRules[0].peers: must list at least one peer (got []). Fix: omit it for the default, or list NetworkPeer.namespace(...) / NetworkPeer.cidr(...) values.',
      'observability/NetworkPolicies.nodeCidrs[0]: is not a CIDR block (an IPv4 or IPv6 address, "/" and a prefix length) (got "10.0.0.0/33"). Fix: write e.g. "10.0.0.0/16", or "0.0.0.0/0" and "::/0" for any address.',
    ]);
  });
});
