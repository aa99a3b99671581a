/**
 * Every container image the stack deploys, pinned, in one table.
 *
 * Upgrading a component is a one-line change here; the `app.kubernetes.io/version` label follows the tag.
 * Tags are exact upstream release tags (never `latest`).
 */
export interface ImageVersion {
  /** Registry and repository, without tag. */
  readonly repository: string;
  /** The pinned tag. */
  readonly tag: string;
}

export const VERSIONS = {
  prometheus: { repository: 'quay.io/prometheus/prometheus', tag: 'v3.5.0' },
  alertmanager: { repository: 'quay.io/prometheus/alertmanager', tag: 'v0.28.1' },
  grafana: { repository: 'docker.io/grafana/grafana', tag: '12.2.0' },
  loki: { repository: 'docker.io/grafana/loki', tag: '3.5.5' },
  jaeger: { repository: 'docker.io/jaegertracing/jaeger', tag: '2.10.0' },
  otelCollector: { repository: 'docker.io/otel/opentelemetry-collector-contrib', tag: '0.135.0' },
  nodeExporter: { repository: 'quay.io/prometheus/node-exporter', tag: 'v1.9.1' },
  kubeStateMetrics: { repository: 'registry.k8s.io/kube-state-metrics/kube-state-metrics', tag: 'v2.16.0' },
  blackboxExporter: { repository: 'quay.io/prometheus/blackbox-exporter', tag: 'v0.27.0' },
  // Database and broker exporters (src/components/databases/). postgres_exporter v0.20.x and mysqld_exporter v0.20.0
  // exist, but the Go module proxy the tests build from serves only up to v0.19.1 / v0.19.0 ("403 Forbidden ... This
  // module version is not available"), so the deployed releases are the ones the tests run against real servers.
  postgresExporter: { repository: 'quay.io/prometheuscommunity/postgres-exporter', tag: 'v0.19.1' },
  mysqldExporter: { repository: 'quay.io/prometheus/mysqld-exporter', tag: 'v0.19.0' },
  redisExporter: { repository: 'docker.io/oliver006/redis_exporter', tag: 'v1.88.0' },
  kafkaExporter: { repository: 'docker.io/danielqsj/kafka-exporter', tag: 'v1.9.0' },
  // Jaeger's Elasticsearch/OpenSearch index cleaner (cmd/es-index-cleaner). Its images carry the v1 tag of the
  // release: Jaeger's ci-release.yml builds the tool images with BRANCH=$(make echo-v1), and v1.73.0 is v2.10.0.
  jaegerEsIndexCleaner: { repository: 'docker.io/jaegertracing/jaeger-es-index-cleaner', tag: '1.73.0' },
  // Thanos (scale-out metrics): sidecar, Query, Store Gateway and Compactor all run the one `thanos` binary. v0.40.1,
  // not 0.39.x: the first release the tests can build (TOOL_BUILDS.thanos), so the deployed binary is the one they run.
  thanos: { repository: 'quay.io/thanos/thanos', tag: 'v0.40.1' },
  // OpenSearch Dashboards (issue 15, beside Jaeger on OpenSearch): its release must match the OpenSearch cluster's
  // ("OpenSearch Dashboards 2.3.0 works with OpenSearch 2.3.0", docs.opensearch.org, install-dashboards/plugins);
  // override it with `openSearchDashboards.image` for another cluster release.
  openSearchDashboards: { repository: 'docker.io/opensearchproject/opensearch-dashboards', tag: '2.19.3' },
} as const satisfies Record<string, ImageVersion>;

export type ComponentName = keyof typeof VERSIONS;

/** `repository:tag` for a component, or for an override. */
export function imageOf(version: ImageVersion): string {
  return `${version.repository}:${version.tag}`;
}

/** The version label value (`v` prefix dropped, as kube-prometheus does). */
export function versionLabel(version: ImageVersion): string {
  return version.tag.replace(/^v/, '');
}

/**
 * How the tests get the upstream programs the stack deploys: built from their Go modules at exactly the release in
 * `VERSIONS` (`scripts/install-tools.sh` reads this table; nothing else names a tool version).
 *
 * - `install`: `go install <module>/<package>@<moduleVersion>`.
 * - `module`: `go mod download <module>@<moduleVersion>`, then `go build` inside the downloaded module, which is then
 *   the main module so its `replace` directives apply. Used where `go install` refuses; `why` quotes its error.
 * - `otelcol-builder`: `go install` the OpenTelemetry Collector Builder at the collector's release and build an
 *   otelcol from the manifest generated from `COLLECTOR_COMPONENTS` (src/components/otel-collector/distribution.ts).
 */
export interface GoToolBuild {
  /** The release this build must be: the deployed image tag (`deployed`), or the tool's own release. */
  readonly release: string;
  /** The `VERSIONS` entry the build matches, when the stack deploys the program. */
  readonly deployed?: ComponentName;
  readonly module: string;
  /** The Go module version of `release` (Prometheus 3.5.0 is published as module version v0.305.0). */
  readonly moduleVersion: string;
  readonly method: 'install' | 'module' | 'otelcol-builder';
  /** Binary name → package inside the module (`.` for the module root). */
  readonly binaries: Readonly<Record<string, string>>;
  /**
   * Go build tags of upstream's release build (its .promu.yml), where the program depends on them: Thanos' gRPC codec
   * assumes Prometheus' `slicelabels` label layout and crashes without it.
   */
  readonly tags?: readonly string[];
  /** `-X importpath.name=value` settings so `--version` prints the release, as upstream's release builds do. */
  readonly versionVars?: Readonly<Record<string, string>>;
  /**
   * A file of the downloaded module that proves `moduleVersion` is `release` (checked before building), with the
   * text it must contain.
   */
  readonly releaseProof?: { readonly file: string; readonly contains: string };
  /** Why this method (the exact upstream error of the ordinary one). */
  readonly why?: string;
  /**
   * Module path prefixes whose checksums are taken from the downloaded modules rather than confirmed with the Go
   * checksum database (`GONOSUMDB`), because the module proxy this project uses does not serve those look-ups.
   */
  readonly noChecksumDb?: { readonly prefixes: readonly string[]; readonly why: string };
}

/** Prometheus 3.x is published as Go module versions v0.3XX.Y (3.5.0 → v0.305.0). */
export function prometheusModuleVersion(tag: string): string {
  const m = /^v?3\.(\d+)\.(\d+)$/.exec(tag);
  if (!m) throw new Error(`not a Prometheus 3 release tag: ${tag}`);
  return `v0.${300 + Number(m[1])}.${m[2]}`;
}

const bare = (tag: string) => tag.replace(/^v/, '');
const promVersionVars = (tag: string) => ({
  'github.com/prometheus/common/version.Version': bare(tag),
  'github.com/prometheus/common/version.Branch': 'HEAD',
  'github.com/prometheus/common/version.BuildUser': 'observability-stack',
});
const REPLACE_REFUSED = (pkg: string, module: string) =>
  `go install ${pkg} fails: "go: ${pkg} (in ${module}): The go.mod file for the module providing named packages contains one or more replace directives. It must not contain directives that would cause it to be interpreted differently than if it were the main module."`;

const VERSION_LIST_REFUSED = (pkg: string, module: string) =>
  `go install ${pkg} fails: "go: ${pkg}: loading deprecation for ${module}: module ${module}: reading <proxy>/${module}/@v/list: 403 Forbidden" (the module proxy serves the version but not its version list)`;

export const TOOL_BUILDS = {
  prometheus: {
    release: VERSIONS.prometheus.tag,
    deployed: 'prometheus',
    module: 'github.com/prometheus/prometheus',
    moduleVersion: prometheusModuleVersion(VERSIONS.prometheus.tag),
    method: 'module',
    binaries: { prometheus: './cmd/prometheus', promtool: './cmd/promtool' },
    versionVars: promVersionVars(VERSIONS.prometheus.tag),
    releaseProof: { file: 'VERSION', contains: bare(VERSIONS.prometheus.tag) },
    why: REPLACE_REFUSED(`github.com/prometheus/prometheus/cmd/promtool@${prometheusModuleVersion(VERSIONS.prometheus.tag)}`, `github.com/prometheus/prometheus@${prometheusModuleVersion(VERSIONS.prometheus.tag)}`),
  },
  alertmanager: {
    release: VERSIONS.alertmanager.tag,
    deployed: 'alertmanager',
    module: 'github.com/prometheus/alertmanager',
    moduleVersion: VERSIONS.alertmanager.tag,
    method: 'install',
    binaries: { alertmanager: './cmd/alertmanager', amtool: './cmd/amtool' },
    versionVars: promVersionVars(VERSIONS.alertmanager.tag),
    releaseProof: { file: 'VERSION', contains: bare(VERSIONS.alertmanager.tag) },
  },
  blackboxExporter: {
    release: VERSIONS.blackboxExporter.tag,
    deployed: 'blackboxExporter',
    module: 'github.com/prometheus/blackbox_exporter',
    moduleVersion: VERSIONS.blackboxExporter.tag,
    method: 'module',
    binaries: { blackbox_exporter: '.' },
    versionVars: promVersionVars(VERSIONS.blackboxExporter.tag),
    releaseProof: { file: 'VERSION', contains: bare(VERSIONS.blackboxExporter.tag) },
    why:
      `go install github.com/prometheus/blackbox_exporter@${VERSIONS.blackboxExporter.tag} fails: "go: github.com/prometheus/blackbox_exporter@${VERSIONS.blackboxExporter.tag}: loading deprecation for github.com/prometheus/blackbox_exporter: module github.com/prometheus/blackbox_exporter: reading <proxy>/github.com/prometheus/blackbox_exporter/@v/list: 403 Forbidden" (the module proxy serves the version but not its version list)`,
  },
  jaeger: {
    release: VERSIONS.jaeger.tag,
    deployed: 'jaeger',
    module: 'github.com/jaegertracing/jaeger',
    // Jaeger tags each release twice: v1.x for the Go module, v2.y for the v2 binary; v1.73.0 and v2.10.0 tag the
    // same commit (7f883c98), and the CHANGELOG heads the release "v1.73.0 / v2.10.0".
    moduleVersion: 'v1.73.0',
    method: 'module',
    binaries: { jaeger: './cmd/jaeger' },
    versionVars: { 'github.com/jaegertracing/jaeger/internal/version.latestVersion': `v${bare(VERSIONS.jaeger.tag)}` },
    releaseProof: { file: 'CHANGELOG.md', contains: `v1.73.0 / v${bare(VERSIONS.jaeger.tag)}` },
    why: REPLACE_REFUSED('github.com/jaegertracing/jaeger/cmd/jaeger@v1.73.0', 'github.com/jaegertracing/jaeger@v1.73.0'),
  },
  otelCollector: {
    release: VERSIONS.otelCollector.tag,
    deployed: 'otelCollector',
    module: 'go.opentelemetry.io/collector/cmd/builder',
    moduleVersion: `v${bare(VERSIONS.otelCollector.tag)}`,
    method: 'otelcol-builder',
    binaries: { otelcol: '.' },
    why:
      'the builder\'s own `go mod tidy` fails on a test-only dependency of the file exporter that the module proxy does not serve: ' +
      '"github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter tested by ... imports ' +
      'github.com/open-telemetry/opentelemetry-collector-contrib/extension/encoding/otlpencodingextension: ... ' +
      'otlpencodingextension/@v/v0.135.0.zip: 403 Forbidden, server response: This module version is not available." ' +
      'So the script runs the builder to generate the sources, `go mod tidy -e` itself, checks every component resolved to ' +
      'the release, and runs the builder again to compile.',
    noChecksumDb: {
      prefixes: ['go.opentelemetry.io/collector', 'github.com/open-telemetry/opentelemetry-collector-contrib'],
      why:
        'checksum look-ups of the collector\'s modules at this release are not served, e.g. "verifying go.mod: ' +
        'github.com/open-telemetry/opentelemetry-collector-contrib/processor/k8sattributesprocessor@v0.135.0/go.mod: reading ' +
        '<proxy>/sumdb/<checksum database>/lookup/github.com/open-telemetry/opentelemetry-collector-contrib/processor/k8sattributesprocessor@v0.135.0: 404 Not Found" ' +
        '(also filelogreceiver, loadbalancingexporter, resourceprocessor, otlpexporter, otlphttpexporter, internal/k8sconfig, ...)',
    },
  },
  postgresExporter: {
    release: VERSIONS.postgresExporter.tag,
    deployed: 'postgresExporter',
    module: 'github.com/prometheus-community/postgres_exporter',
    moduleVersion: VERSIONS.postgresExporter.tag,
    method: 'module',
    binaries: { postgres_exporter: './cmd/postgres_exporter' },
    versionVars: promVersionVars(VERSIONS.postgresExporter.tag),
    releaseProof: { file: 'VERSION', contains: bare(VERSIONS.postgresExporter.tag) },
    why: VERSION_LIST_REFUSED(`github.com/prometheus-community/postgres_exporter/cmd/postgres_exporter@${VERSIONS.postgresExporter.tag}`, 'github.com/prometheus-community/postgres_exporter'),
  },
  mysqldExporter: {
    release: VERSIONS.mysqldExporter.tag,
    deployed: 'mysqldExporter',
    module: 'github.com/prometheus/mysqld_exporter',
    moduleVersion: VERSIONS.mysqldExporter.tag,
    method: 'module',
    binaries: { mysqld_exporter: '.' },
    versionVars: promVersionVars(VERSIONS.mysqldExporter.tag),
    releaseProof: { file: 'VERSION', contains: bare(VERSIONS.mysqldExporter.tag) },
    why: VERSION_LIST_REFUSED(`github.com/prometheus/mysqld_exporter@${VERSIONS.mysqldExporter.tag}`, 'github.com/prometheus/mysqld_exporter'),
  },
  redisExporter: {
    release: VERSIONS.redisExporter.tag,
    deployed: 'redisExporter',
    module: 'github.com/oliver006/redis_exporter',
    moduleVersion: VERSIONS.redisExporter.tag,
    method: 'module',
    binaries: { redis_exporter: '.' },
    // As upstream's Dockerfile builds it (`-X main.BuildVersion=$TAG`); the module has no VERSION file.
    versionVars: { 'main.BuildVersion': VERSIONS.redisExporter.tag },
    why: VERSION_LIST_REFUSED(`github.com/oliver006/redis_exporter@${VERSIONS.redisExporter.tag}`, 'github.com/oliver006/redis_exporter'),
  },
  thanos: {
    release: VERSIONS.thanos.tag,
    deployed: 'thanos',
    module: 'github.com/thanos-io/thanos',
    moduleVersion: VERSIONS.thanos.tag,
    method: 'module',
    binaries: { thanos: './cmd/thanos' },
    // .promu.yml of the release: `tags: all: [netgo, slicelabels]`. Without slicelabels the sidecar panics on the first
    // StoreAPI call ("makeslice: len out of range" in extgrpc's codec: it reads labels in the slice layout).
    tags: ['netgo', 'slicelabels'],
    versionVars: promVersionVars(VERSIONS.thanos.tag),
    releaseProof: { file: 'VERSION', contains: bare(VERSIONS.thanos.tag) },
    // Built inside the module so its replace directives apply: v0.40 replaces zenhack.net/go/util (an expired domain
    // the module proxy refuses with 403) by github.com/zenhack/go-util; v0.39.2 had no such replace and cannot be built.
    why: REPLACE_REFUSED(`github.com/thanos-io/thanos/cmd/thanos@${VERSIONS.thanos.tag}`, `github.com/thanos-io/thanos@${VERSIONS.thanos.tag}`),
  },
  kubeScore: {
    release: 'v1.20.0',
    module: 'github.com/zegl/kube-score',
    moduleVersion: 'v1.20.0',
    method: 'install',
    binaries: { 'kube-score': './cmd/kube-score' },
    versionVars: { 'main.version': '1.20.0' },
  },
} as const satisfies Record<string, GoToolBuild>;

/**
 * Deployed programs the tests cannot run at their deployed release, and why; the tests keep the best check that
 * remains (README, "Upstream programs in the tests").
 */
export const TOOLS_NOT_BUILT: Partial<Record<ComponentName, string>> = {
  loki:
    'github.com/grafana/loki/v3 is AGPL-3.0, which this project does not build or run; loki.yaml is checked against the ' +
    'documented keys, and the gateway\'s Loki exporter is proven against a real OTLP receiver on Loki\'s OTLP path',
  grafana:
    'github.com/grafana/grafana is AGPL-3.0, which this project does not build or run; provisioning files and dashboards are ' +
    'checked against the documented format and the Grafana foundation SDK',
  openSearchDashboards:
    'OpenSearch Dashboards is a Node.js application distributed as a tarball and a container image, not as a Go module or an npm ' +
    'package, and no container registry is reachable here; opensearch_dashboards.yml is checked against the keys of the ' +
    'release\'s config/opensearch_dashboards.yml and its status route\'s config schema',
  kafkaExporter:
    'the Go module proxy does not serve github.com/danielqsj/kafka_exporter (v1.9.0 and v1.8.0: "403 Forbidden ... This module ' +
    'version is not available"), and no Kafka broker runs here; its metric names and flags are checked against its source at ' +
    'the v1.9.0 tag, its alerts with promtool on those names',
};
