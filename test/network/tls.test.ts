import { Testing } from 'cdk8s';
import { TlsCertificate } from '../../src/common/tls';
import { ObservabilityStack, ObservabilityStackProps } from '../../src/stack';
import { schemaError } from '../helpers/schema';
import { collectorConfigs, otelcolValidate } from '../helpers/upstream';
import { K8sObject, configFile, findObject, parseYaml } from '../helpers/synth';

function synth(props: ObservabilityStackProps): K8sObject[] {
  return Testing.synth(new ObservabilityStack(Testing.app(), 'observability', props)) as K8sObject[];
}

const INGRESS_NS = { networkPolicies: { ingressController: { namespace: 'ingress-nginx' } } };
const ISSUER = { issuer: { name: 'letsencrypt' } };

const certificateProblems = (cert: K8sObject): string[] => {
  const err = schemaError(cert);
  return err ? [err] : [];
};

describe('Grafana for people: an Ingress', () => {
  test('without TLS: an Ingress to the http port, root_url and domain follow the host, cookies not marked Secure', () => {
    const objects = synth({ grafana: { ingress: { host: 'grafana.example.com', ingressClassName: 'nginx' } }, ...INGRESS_NS });
    expect(findObject(objects, 'Ingress', 'grafana').spec).toEqual({
      ingressClassName: 'nginx',
      rules: [{ host: 'grafana.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'grafana', port: { name: 'http' } } } }] } }],
    });
    const ini = configFile(objects, 'grafana.ini');
    expect(ini).toContain('domain = grafana.example.com');
    expect(ini).toContain('root_url = http://grafana.example.com/');
    expect(ini).not.toContain('cookie_secure');
    expect(objects.filter((o) => o.kind === 'Certificate')).toEqual([]);
  });

  test('with a cert-manager Certificate: TLS from its Secret, Secure cookies and HSTS, root_url on https', () => {
    const objects = synth({ grafana: { ingress: { host: 'grafana.example.com', tls: TlsCertificate.fromCertManager(ISSUER) } }, ...INGRESS_NS });
    const cert = findObject(objects, 'Certificate', 'grafana');
    expect(cert.spec).toEqual({
      secretName: 'grafana-tls',
      dnsNames: ['grafana.example.com'],
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'server auth'],
    });
    expect(certificateProblems(cert)).toEqual([]);
    // The CRD check is real: a field the CRD lacks, a missing issuer and a bad enum are each reported.
    const { issuerRef: _dropped, ...noIssuer } = cert.spec;
    expect(certificateProblems({ ...cert, spec: { ...noIssuer, bogus: 1, privateKey: { algorithm: 'DSA' } } })).toEqual([
      '.spec.issuerRef: is required; .spec.privateKey.algorithm: "DSA" is not one of RSA, ECDSA, Ed25519; .spec.bogus: is not a field of the CRD',
    ]);
    expect(findObject(objects, 'Ingress', 'grafana').spec.tls).toEqual([{ hosts: ['grafana.example.com'], secretName: 'grafana-tls' }]);
    const ini = configFile(objects, 'grafana.ini');
    expect(ini).toContain('root_url = https://grafana.example.com/');
    expect(ini).toMatch(/cookie_secure = true/);
    expect(ini).toMatch(/strict_transport_security = true/);
  });

  test('with a Secret of yours: no Certificate, the Ingress reads that Secret', () => {
    const objects = synth({ grafana: { ingress: { host: 'grafana.example.com', tls: TlsCertificate.fromSecret('grafana-cert') } }, ...INGRESS_NS });
    expect(objects.filter((o) => o.kind === 'Certificate')).toEqual([]);
    expect(findObject(objects, 'Ingress', 'grafana').spec.tls).toEqual([{ hosts: ['grafana.example.com'], secretName: 'grafana-cert' }]);
  });

  test('an Ingress without the ingress controller\'s namespace fails synth: the default deny would keep it out', () => {
    expect(() => synth({ grafana: { ingress: { host: 'grafana.example.com' } } })).toThrow(
      'observability.networkPolicies.ingressController: is required with a Grafana Ingress: the default deny keeps every other namespace away from Grafana, the ingress controller included (got undefined). Fix: name the controller\'s namespace, e.g. { namespace: "ingress-nginx" } (podLabels narrow it to its pods), or set networkPolicies: false.',
    );
  });

  test('bad TLS and host props fail with one line each', () => {
    let message = '';
    try {
      synth({ grafana: { ingress: { host: 'Grafana_Example', tls: TlsCertificate.fromCertManager({ issuer: { name: '' }, duration: '90d' }) } }, ...INGRESS_NS });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'observability/Grafana.ingress.host: is not a valid Kubernetes name: it contains uppercase letters; Kubernetes names (DNS-1123 subdomains) are at most 253 lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit (got "Grafana_Example"). Fix: use "grafana-example".',
      'observability/Grafana.ingress.tls.issuer.name: must not be empty (got ""). Fix: name the Issuer or ClusterIssuer, e.g. "letsencrypt".',
      'observability/Grafana.ingress.tls.duration: is not a Go duration (numbers with units h, m, s, ms; no days) (got "90d"). Fix: write e.g. "2160h".',
    ]);
  });
});

describe('OTLP from applications over TLS', () => {
  const objects = synth({ otelAgent: { tls: TlsCertificate.fromCertManager(ISSUER) } });

  test('the agent gets a Certificate for its Service names, mounts its Secret and serves TLS on both protocols', () => {
    const cert = findObject(objects, 'Certificate', 'otel-agent');
    expect(cert.metadata.namespace).toBe('observability-agents');
    expect(cert.spec.dnsNames).toEqual(['otel-agent', 'otel-agent.observability-agents', 'otel-agent.observability-agents.svc', 'otel-agent.observability-agents.svc.cluster.local']);
    expect(cert.spec.secretName).toBe('otel-agent-tls');
    expect(certificateProblems(cert)).toEqual([]);
    const pod = findObject(objects, 'DaemonSet', 'otel-agent').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'otel-agent-tls', defaultMode: 0o440 } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/otelcol/tls', readOnly: true });
    const otlp = parseYaml(configFile(objects.filter((o) => o.metadata.namespace === 'observability-agents'), 'config.yaml')).receivers.otlp.protocols;
    const tls = { cert_file: '/etc/otelcol/tls/tls.crt', key_file: '/etc/otelcol/tls/tls.key', min_version: '1.2', reload_interval: '5m' };
    expect(otlp.grpc.tls).toEqual(tls);
    expect(otlp.http.tls).toEqual(tls);
  });

  test('otelcol 0.135.0 validates the agent config with TLS', () => {
    const agent = collectorConfigs(objects).find((c) => c.name.includes('otel-agent'))!;
    const r = otelcolValidate(agent);
    expect([r.status, r.output]).toEqual([0, expect.anything()]);
  });

  test('the gateway can serve TLS when applications send to it directly (no agents)', () => {
    const direct = synth({ otelAgent: false, otelGateway: { tls: TlsCertificate.fromSecret('gateway-cert') } });
    const gw = collectorConfigs(direct).find((c) => c.name.includes('otel-gateway'))!;
    expect(parseYaml(gw.text).receivers.otlp.protocols.grpc.tls.cert_file).toBe('/etc/otelcol/tls/tls.crt');
    expect(direct.filter((o) => o.kind === 'Certificate')).toEqual([]);
    expect(otelcolValidate(gw).status).toBe(0);
  });

  test('gateway TLS with agents fails synth: the agents could not verify it', () => {
    expect(() => synth({ otelGateway: { tls: TlsCertificate.fromSecret('gateway-cert') } })).toThrow(
      'observability.otelGateway.tls: needs the agents to trust the gateway\'s certificate, which they cannot mount from another namespace; with agents, applications send to the agent (got "TlsCertificate"). Fix: put tls on otelAgent (the collector applications send to), or set otelAgent: false so applications send to the gateway.',
    );
  });
});
