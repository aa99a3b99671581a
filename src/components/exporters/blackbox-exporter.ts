import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PromDuration } from '../../common/duration';
import { serviceHost } from '../../common/endpoints';
import { ProblemCollector } from '../../common/errors';
import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../common/labels';
import { DEFAULT_NAMESPACE, defaultNamespace } from '../../common/namespace';
import { checksum, toYaml } from '../../common/serialize';
import { stackService } from '../../common/service';
import { ComponentModel, componentModel } from '../../common/model';
import { dns1123SubdomainProblems, hostPortProblems, httpUrlProblems, portProblems, wholeNumberProblems } from '../../common/validation';
import { LINUX_NODES, MountSpec, ResourceSpec, secureDeployment, SchedulableProps } from '../../common/workload';
import { SCRAPE_ANNOTATIONS, TARGET_LABELS } from '../../conventions';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { ImageVersion, VERSIONS } from '../../versions';
import { ScrapeConfig } from '../prometheus/scrape-config';
import {
  BLACKBOX_SECRETS_DIR,
  BlackboxConfig,
  BlackboxModule,
  DEFAULT_BLACKBOX_MODULES,
  renderBlackboxConfig,
  validateBlackboxModules,
} from './blackbox-config';
import { DEFAULT_RESOURCES, EXPORTER_COMPONENT, EXPORTER_NAMES, EXPORTER_PORTS } from './defaults';

/**
 * Prometheus blackbox_exporter: probes endpoints from outside (HTTP, TCP, gRPC health) for the availability SLIs
 * (`probe_success`). Config file `blackbox.yml` from a typed modules model (./blackbox-config.ts); health endpoint
 * `/-/healthy`; port 9115 (https://github.com/prometheus/blackbox_exporter#readme).
 *
 * Probing follows the multi-target exporter pattern: Prometheus scrapes `/probe?module=<m>&target=<t>` on the
 * exporter, one scrape job per module, built by `probeScrapeConfig` with upstream's documented relabeling
 * (https://github.com/prometheus/blackbox_exporter#prometheus-configuration,
 * https://prometheus.io/docs/guides/multi-target-exporter/). The exporter's own `/metrics` is scraped by the generic
 * pod job through the `prometheus.io/scrape` annotations.
 */

export interface ProbeTarget {
  /** The `service` label of the probe's series (the SLO's service). */
  readonly service: string;
  /** What to probe: a URL for http modules (`http://order-service.shop.svc:8080/healthz`), `host:port` otherwise. */
  readonly url: string;
}

export interface ProbeScrapeConfigSpec {
  /** Unique Prometheus job name, e.g. `blackbox-http`. */
  readonly jobName: string;
  /** A module of this exporter's config, e.g. `http_2xx`. */
  readonly module: string;
  readonly targets: readonly ProbeTarget[];
  /** @default - the global scrape_interval */
  readonly interval?: string;
  /** Also bounds the probe's timeout (the exporter uses it, slightly reduced). @default - the global scrape_timeout */
  readonly scrapeTimeout?: string;
}

export interface IBlackboxExporter {
  readonly namespace: string;
  readonly serviceName: string;
  readonly port: number;
  /** `host:port` Prometheus sends probe requests to. */
  readonly probeAddress: string;
  /** Names of the configured modules, sorted. */
  readonly moduleNames: readonly string[];
  probeScrapeConfig(spec: ProbeScrapeConfigSpec): ScrapeConfig;
}

export interface BlackboxExporterProps extends SchedulableProps {
  /** @default - the chart's namespace, else 'observability' */
  readonly namespace?: string;
  /** Name of the Deployment, Service and ConfigMap prefix (`app.kubernetes.io/instance`). @default 'blackbox-exporter' */
  readonly name?: string;
  /** @default VERSIONS.blackboxExporter */
  readonly image?: ImageVersion;
  /** @default 9115 */
  readonly port?: number;
  /** @default 1 */
  readonly replicas?: number;
  /** @default - 25m CPU, 32Mi memory request, 64Mi memory limit */
  readonly resources?: ResourceSpec;
  /**
   * The modules of `blackbox.yml`. Replaces the defaults; extend them with `{ ...DEFAULT_BLACKBOX_MODULES, ... }`.
   * @default DEFAULT_BLACKBOX_MODULES (http_2xx, http_post_2xx, tcp_connect, grpc, grpc_tls)
   */
  readonly modules?: Readonly<Record<string, BlackboxModule>>;
  /**
   * An existing Secret (in the namespace) holding the credentials modules reference by key (`passwordSecretKey`,
   * `bearerTokenSecretKey`, `caSecretKey`); mounted read-only at /etc/blackbox_exporter/secrets.
   * @default - none (modules may not reference Secret keys)
   */
  readonly secretName?: string;
}

export interface BlackboxExporterModel extends ComponentModel {
  readonly port: number;
  readonly replicas: number;
  readonly modules: Readonly<Record<string, BlackboxModule>>;
  readonly secretName?: string;
}

/** The config file's name, as upstream names it, and where it is mounted. */
export const BLACKBOX_CONFIG_FILE = 'blackbox.yml';
export const BLACKBOX_CONFIG_DIR = '/etc/blackbox_exporter';

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function blackboxExporterModel(props: BlackboxExporterProps = {}, path = 'BlackboxExporter', namespace = DEFAULT_NAMESPACE): BlackboxExporterModel {
  const c = new ProblemCollector();
  const base = componentModel(props, { name: EXPORTER_NAMES.blackboxExporter, image: VERSIONS.blackboxExporter, resources: DEFAULT_RESOURCES.blackboxExporter }, path, namespace, c);
  const port = props.port ?? EXPORTER_PORTS.blackboxExporter.port;
  const replicas = props.replicas ?? 1;
  const modules = props.modules ?? DEFAULT_BLACKBOX_MODULES;
  c.addAll(portProblems(port, `${path}.port`, EXPORTER_PORTS.blackboxExporter.port));
  c.addAll(wholeNumberProblems(replicas, `${path}.replicas`, { fix: 'use 1 or more.' }));
  if (props.secretName !== undefined) c.addAll(dns1123SubdomainProblems(props.secretName, `${path}.secretName`));
  c.check(() => validateBlackboxModules(modules, props.secretName !== undefined, path));
  c.throwIfAny();
  return { ...base, port, replicas, modules, secretName: props.secretName };
}

/** blackbox_exporter's command line (pure). */
export function blackboxExporterArgs(model: BlackboxExporterModel): string[] {
  return [`--config.file=${BLACKBOX_CONFIG_DIR}/${BLACKBOX_CONFIG_FILE}`, `--web.listen-address=:${model.port}`];
}

/**
 * A probe job (pure): one static target per probed endpoint, labelled with its `service`, relabeled as upstream
 * documents: the address becomes the `target` URL parameter and the `instance` label, and the scrape goes to the
 * exporter (`exporterAddress`). `modules` is the exporter's config, to check the module exists and fits the targets.
 */
export function blackboxProbeScrapeConfig(
  exporterAddress: string,
  modules: Readonly<Record<string, BlackboxModule>>,
  spec: ProbeScrapeConfigSpec,
  exporterPath = 'BlackboxExporter',
): ScrapeConfig {
  const problems = new ProblemCollector();
  const path = `${exporterPath}.probeScrapeConfig(${spec.jobName})`;
  if (typeof spec.jobName !== 'string' || spec.jobName.trim() === '') {
    problems.add({
      path: `${exporterPath}.probeScrapeConfig.jobName`,
      message: 'must not be empty',
      value: spec.jobName,
      fix: 'name the job, e.g. "blackbox-http".',
    });
  }
  const mod = modules[spec.module];
  if (!mod) {
    problems.add({
      path: `${path}.module`,
      message: 'is not a module of this blackbox exporter',
      value: spec.module,
      fix: `use one of ${Object.keys(modules).sort().join(', ')}, or add the module to the exporter's modules.`,
    });
  }
  if (spec.targets.length === 0) {
    problems.add({
      path: `${path}.targets`,
      message: 'must list at least one target',
      value: [],
      fix: 'add { service, url } entries.',
    });
  }
  const seen = new Set<string>();
  spec.targets.forEach((t, i) => {
    const tpath = `${path}.targets[${i}]`;
    if (typeof t.service !== 'string' || t.service.trim() === '') {
      problems.add({
        path: `${tpath}.service`,
        message: 'must name the service the probe measures',
        value: t.service,
        fix: 'e.g. "order-service".',
      });
    }
    if (seen.has(t.url)) {
      problems.add({
        path: `${tpath}.url`,
        message: 'is listed twice in this job',
        value: t.url,
        fix: 'list each endpoint once.',
      });
    }
    seen.add(t.url);
    if (mod?.prober === 'http') {
      problems.addAll(httpUrlProblems(t.url, `${tpath}.url`, { example: 'http://order-service.shop.svc:8080/healthz', reason: `module "${spec.module}" uses the http prober` }));
    } else if (mod) {
      problems.addAll(hostPortProblems(t.url, `${tpath}.url`, { example: 'order-service.shop.svc:9090', reason: `module "${spec.module}" uses the ${mod.prober} prober` }));
    }
  });
  const interval = spec.interval !== undefined ? problems.value(() => PromDuration.parse(spec.interval!, `${path}.interval`)) : undefined;
  const timeout = spec.scrapeTimeout !== undefined ? problems.value(() => PromDuration.parse(spec.scrapeTimeout!, `${path}.scrapeTimeout`)) : undefined;
  if (interval && timeout && timeout.seconds > interval.seconds) {
    problems.add({
      path: `${path}.scrapeTimeout`,
      message: `must not exceed the interval (${spec.interval})`,
      value: spec.scrapeTimeout,
      fix: 'shorten the timeout or lengthen the interval.',
    });
  }
  problems.throwIfAny();

  return {
    jobName: spec.jobName,
    scrapeInterval: spec.interval,
    scrapeTimeout: spec.scrapeTimeout,
    metricsPath: '/probe',
    params: { module: [spec.module] },
    staticConfigs: spec.targets.map((t) => ({ targets: [t.url], labels: { [TARGET_LABELS.service]: t.service } })),
    relabelConfigs: [
      { sourceLabels: ['__address__'], targetLabel: '__param_target' },
      { sourceLabels: ['__param_target'], targetLabel: 'instance' },
      { targetLabel: '__address__', replacement: exporterAddress },
    ],
  };
}

export class BlackboxExporter extends Construct implements IBlackboxExporter, INetworkComponent {
  public readonly namespace: string;
  public readonly serviceName: string;
  public readonly port: number;
  public readonly probeAddress: string;
  public readonly moduleNames: readonly string[];
  public readonly model: BlackboxExporterModel;
  /** The `blackbox.yml` model. */
  public readonly config: BlackboxConfig;
  /** The rendered `blackbox.yml`. */
  public readonly configText: string;
  public readonly configMap: kplus.ConfigMap;
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  /** What the network policies know: one port for probe requests and its own metrics. */
  public readonly network: ComponentNetwork;

  constructor(scope: Construct, id: string, props: BlackboxExporterProps = {}) {
    super(scope, id);
    const model = blackboxExporterModel(props, this.node.path, defaultNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    this.serviceName = model.name;
    this.port = model.port;
    this.probeAddress = `${serviceHost(model.name, model.namespace)}:${model.port}`;
    this.moduleNames = Object.keys(model.modules).sort();
    this.config = { modules: model.modules };
    this.configText = toYaml(renderBlackboxConfig(this.config));

    const identity: ComponentIdentity = {
      name: EXPORTER_NAMES.blackboxExporter,
      instance: model.name,
      component: EXPORTER_COMPONENT,
      version: model.image,
    };

    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${model.name}-config`, namespace: model.namespace, labels: recommendedLabels(identity) },
      data: { [BLACKBOX_CONFIG_FILE]: this.configText },
    });
    const mounts: MountSpec[] = [
      { volume: kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' }), path: BLACKBOX_CONFIG_DIR },
    ];
    if (model.secretName !== undefined) {
      const secret = kplus.Secret.fromSecretName(this, 'SecretRef', model.secretName);
      mounts.push({ volume: kplus.Volume.fromSecret(this, 'SecretVolume', secret, { name: 'secrets' }), path: BLACKBOX_SECRETS_DIR });
    }

    const ports = [{ name: EXPORTER_PORTS.blackboxExporter.name, port: model.port }];
    this.network = { pods: { namespace: model.namespace, podSelector: selectorLabels(identity) }, ports: { probe: ports, metrics: ports } };
    this.deployment = secureDeployment(this, 'Resource', {
      scheduling: model.scheduling,
      identity,
      namespace: model.namespace,
      replicas: model.replicas,
      nodeSelector: LINUX_NODES,
      podAnnotations: {
        'checksum/config': checksum(this.configText),
        // The exporter's own /metrics (probe durations, config reloads) through the generic pod job.
        [SCRAPE_ANNOTATIONS.scrape]: 'true',
        [SCRAPE_ANNOTATIONS.port]: String(model.port),
      },
      containers: [
        {
          name: EXPORTER_NAMES.blackboxExporter,
          image: model.image,
          args: blackboxExporterArgs(model),
          ports,
          resources: model.resources,
          mounts,
          readiness: { path: '/-/healthy', port: model.port },
          // One health endpoint: liveness more lenient than readiness, so a slow pod leaves the Service before a restart.
          liveness: { path: '/-/healthy', port: model.port, initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 6 },
        },
      ],
    });
    this.service = stackService(this, 'Service', { identity, namespace: model.namespace, ports });
  }

  /** A probe job against this exporter; see `blackboxProbeScrapeConfig`. */
  public probeScrapeConfig(spec: ProbeScrapeConfigSpec): ScrapeConfig {
    return blackboxProbeScrapeConfig(this.probeAddress, this.model.modules, spec, this.node.path);
  }
}
