/**
 * Trims upstream CustomResourceDefinitions to what the stack writes, so `cdk8s import` generates small typed
 * constructs and the tests validate the stack's objects against the upstream schema of exactly those fields.
 *
 *   node_modules/.bin/tsx scripts/trim-crd.ts <target> <upstream CRD file>...
 *
 * `<target>` names an entry of TRIMS below (its output file, source and the fields kept). Upstream files are not
 * kept in the repository: the header of each output says where they come from (URL, release, commit). What is kept
 * of a field is its upstream schema, byte for byte in meaning (types, enums, patterns, required, defaults, limits,
 * `x-kubernetes-*`), without `description`s; a kept path keeps everything below it, and every field an object
 * requires is kept with it (or the trimmed schema would demand a field it no longer describes).
 *
 * After trimming, regenerate the typed module offline:
 *   npx cdk8s import --no-check-upgrade --no-save imports/crds/<file> -o imports
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';

interface KindTrim {
  readonly kind: string;
  readonly version: string;
  /** Dotted paths below the version's openAPIV3Schema (array items are traversed transparently). */
  readonly keep: readonly string[];
}

interface Trim {
  readonly output: string;
  readonly header: string;
  readonly kinds: readonly KindTrim[];
}

const RELABEL = ['action', 'modulus', 'regex', 'replacement', 'separator', 'sourceLabels', 'targetLabel'];
const relabel = (prefix: string) => RELABEL.map((f) => `${prefix}.${f}`);
const SCRAPE_ENDPOINT = ['path', 'interval', 'scrapeTimeout', 'scheme', 'params', 'honorLabels', 'honorTimestamps', 'tlsConfig.insecureSkipVerify', 'tlsConfig.serverName'];

const TRIMS: Record<string, Trim> = {
  'monitoring.coreos.com': {
    output: 'imports/crds/monitoring.coreos.com.yaml',
    header: `# The Prometheus Operator CRDs the stack writes in operator mode (monitoring.coreos.com: PrometheusRule,
# ServiceMonitor, PodMonitor, Probe v1; ScrapeConfig, AlertmanagerConfig v1alpha1), trimmed by scripts/trim-crd.ts to
# the fields the stack sets (see TRIMS there), without descriptions, status or printer columns. A CRD schema is data:
# \`cdk8s import\` turns it into the typed constructs of imports/monitoring.coreos.com.ts (offline), which src/operator/
# uses, and test/helpers/schema.ts validates the stack's objects against it.
#
# Source: prometheus-operator v0.93.1, as kube-prometheus-stack 88.5.3 ships it (its Chart.yaml: appVersion v0.93.1;
# charts/kube-prometheus-stack/charts/crds/crds/crd-{prometheusrules,servicemonitors,podmonitors,probes,scrapeconfigs,
# alertmanagerconfigs}.yaml of https://github.com/prometheus-community/helm-charts at commit
# cf408a290aec489277a94450bb3511432477a53a, each a copy of
# https://raw.githubusercontent.com/prometheus-operator/prometheus-operator/v0.93.1/example/prometheus-operator-crd/monitoring.coreos.com_<plural>.yaml,
# annotation operator.prometheus.io/version: 0.93.1). Install the CRDs with the operator (kube-prometheus-stack does);
# this file is not applied.
`,
    kinds: [
      { kind: 'PrometheusRule', version: 'v1', keep: ['spec.groups'] },
      {
        kind: 'ServiceMonitor',
        version: 'v1',
        keep: [
          'spec.selector',
          'spec.namespaceSelector',
          'spec.sampleLimit',
          'spec.serviceDiscoveryRole',
          ...['port', 'targetPort', ...SCRAPE_ENDPOINT].map((f) => `spec.endpoints.${f}`),
          ...relabel('spec.endpoints.relabelings'),
          ...relabel('spec.endpoints.metricRelabelings'),
        ],
      },
      {
        kind: 'PodMonitor',
        version: 'v1',
        keep: [
          'spec.selector',
          'spec.namespaceSelector',
          'spec.sampleLimit',
          ...['port', 'portNumber', ...SCRAPE_ENDPOINT].map((f) => `spec.podMetricsEndpoints.${f}`),
          ...relabel('spec.podMetricsEndpoints.relabelings'),
          ...relabel('spec.podMetricsEndpoints.metricRelabelings'),
        ],
      },
      {
        kind: 'Probe',
        version: 'v1',
        keep: [
          'spec.jobName',
          'spec.interval',
          'spec.scrapeTimeout',
          'spec.module',
          'spec.sampleLimit',
          'spec.prober',
          'spec.targets.staticConfig.static',
          'spec.targets.staticConfig.labels',
          ...relabel('spec.targets.staticConfig.relabelingConfigs'),
          ...relabel('spec.metricRelabelings'),
        ],
      },
      {
        kind: 'ScrapeConfig',
        version: 'v1alpha1',
        keep: [
          'spec.jobName',
          'spec.scrapeInterval',
          'spec.scrapeTimeout',
          'spec.metricsPath',
          'spec.scheme',
          'spec.params',
          'spec.honorLabels',
          'spec.honorTimestamps',
          'spec.sampleLimit',
          'spec.tlsConfig.insecureSkipVerify',
          'spec.tlsConfig.serverName',
          'spec.staticConfigs',
          'spec.kubernetesSDConfigs.role',
          'spec.kubernetesSDConfigs.namespaces',
          'spec.kubernetesSDConfigs.selectors',
          ...relabel('spec.relabelings'),
          ...relabel('spec.metricRelabelings'),
        ],
      },
      {
        kind: 'AlertmanagerConfig',
        version: 'v1alpha1',
        keep: [
          'spec.route',
          'spec.inhibitRules',
          'spec.receivers.name',
          ...['sendResolved', 'routingKey', 'url', 'severity', 'description'].map((f) => `spec.receivers.pagerdutyConfigs.${f}`),
          ...['sendResolved', 'apiURL', 'channel', 'title', 'text'].map((f) => `spec.receivers.slackConfigs.${f}`),
          ...['sendResolved', 'to', 'from', 'smarthost', 'authUsername', 'authPassword', 'requireTLS'].map((f) => `spec.receivers.emailConfigs.${f}`),
          ...['sendResolved', 'urlSecret', 'maxAlerts', 'httpConfig.authorization'].map((f) => `spec.receivers.webhookConfigs.${f}`),
        ],
      },
    ],
  },
  'argoproj.io': {
    output: 'imports/crds/argoproj.io_applications.yaml',
    header: `# The Argo CD Application CRD (argoproj.io/v1alpha1), trimmed by scripts/trim-crd.ts to the fields the stack writes
# (see TRIMS there), without descriptions, status, operation or printer columns. A CRD schema is data: \`cdk8s import\`
# turns it into the typed construct of imports/argoproj.io.ts (offline), which src/argocd/application.ts uses, and
# test/helpers/schema.ts validates the synthesized Application against it.
#
# Source: Argo CD v3.5.1, manifests/crds/application-crd.yaml
# (https://github.com/argoproj/argo-cd/blob/v3.5.1/manifests/crds/application-crd.yaml, commit
# 109ca7ca71139e514114499d294a492e7910a965). Install Argo CD from its own release; this file is not applied.
`,
    kinds: [
      {
        kind: 'Application',
        version: 'v1alpha1',
        keep: [
          'spec.project',
          'spec.source.repoURL',
          'spec.source.targetRevision',
          'spec.source.path',
          'spec.source.directory.recurse',
          'spec.source.directory.include',
          'spec.source.directory.exclude',
          'spec.destination',
          'spec.syncPolicy.automated',
          'spec.syncPolicy.syncOptions',
          'spec.syncPolicy.retry',
          'spec.revisionHistoryLimit',
        ],
      },
    ],
  },
};

type Schema = Record<string, any>;

/** A schema without descriptions anywhere below it. */
function undescribed(schema: unknown): any {
  if (Array.isArray(schema)) return schema.map(undescribed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) if (k !== 'description') out[k] = k === 'properties' ? mapValues(v as Schema, undescribed) : undescribed(v);
  return out;
}

function mapValues(o: Schema, f: (v: any) => any): Schema {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, f(o[k])]));
}

/** The schema keeping only `paths` (each a list of property names) and what they require. */
function trimSchema(schema: Schema, paths: readonly string[][], at: string): Schema {
  if (paths.some((p) => p.length === 0)) return undescribed(schema);
  if (schema.type === 'array') return { ...undescribed({ ...schema, items: undefined }), items: trimSchema(schema.items, paths, `${at}[]`) };
  if (!schema.properties) throw new Error(`${at}: has no properties to keep ${paths.map((p) => p.join('.')).join(', ')}`);
  const byKey = new Map<string, string[][]>();
  for (const p of paths) byKey.set(p[0], [...(byKey.get(p[0]) ?? []), p.slice(1)]);
  for (const r of schema.required ?? []) if (!byKey.has(r)) byKey.set(r, [[]]);
  const properties: Schema = {};
  for (const key of [...byKey.keys()].sort()) {
    const child = schema.properties[key];
    if (!child) throw new Error(`${at}.${key}: is not a field of the upstream schema`);
    properties[key] = trimSchema(child, byKey.get(key)!, `${at}.${key}`);
  }
  const { properties: _p, description: _d, ...rest } = schema;
  return { ...undescribed(rest), properties };
}

function trimCrd(crd: Schema, t: KindTrim): Schema {
  const version = crd.spec.versions.find((v: Schema) => v.name === t.version);
  if (!version) throw new Error(`${t.kind}: no version ${t.version} upstream`);
  const root = version.schema.openAPIV3Schema;
  const schema = trimSchema(root, [['apiVersion'], ['kind'], ['metadata'], ...t.keep.map((p) => p.split('.'))], t.kind);
  return {
    apiVersion: crd.apiVersion,
    kind: crd.kind,
    metadata: { name: crd.metadata.name },
    spec: {
      group: crd.spec.group,
      names: crd.spec.names,
      scope: crd.spec.scope,
      versions: [{ name: version.name, schema: { openAPIV3Schema: schema }, served: true, storage: true }],
    },
  };
}

function main(): void {
  const [target, ...files] = process.argv.slice(2);
  const trim = TRIMS[target];
  if (!trim || files.length === 0) {
    console.error(`usage: tsx scripts/trim-crd.ts <${Object.keys(TRIMS).join('|')}> <upstream CRD file>...`);
    process.exit(2);
  }
  const crds = files.flatMap((f) => yaml.loadAll(readFileSync(f, 'utf8')) as Schema[]).filter((d) => d?.kind === 'CustomResourceDefinition');
  const docs = trim.kinds.map((t) => {
    const crd = crds.find((c) => c.spec.names.kind === t.kind);
    if (!crd) throw new Error(`no CRD of kind ${t.kind} in ${files.join(', ')}`);
    return trimCrd(crd, t);
  });
  const body = docs.map((d) => yaml.dump(d, { lineWidth: -1, noRefs: true, sortKeys: false })).join('---\n');
  writeFileSync(join(process.cwd(), trim.output), trim.header + body);
  console.log(`wrote ${trim.output}: ${docs.map((d) => d.spec.names.kind).join(', ')}`);
}

main();
