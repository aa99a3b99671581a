import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ComponentIdentity, recommendedLabels } from '../../common/labels';
import { parseByteQuantity } from '../../common/quantity';
import { checksum } from '../../common/serialize';
import { ConfigError, ConfigProblem } from '../../common/errors';
import { MountSpec, ResourceSpec, SecureContainerSpec, resourceProblems } from '../../common/workload';
import { dns1123LabelProblems } from '../../promql';
import { SCRAPE_ANNOTATIONS } from '../../conventions';
import { ImageVersion } from '../../versions';
import {
  BatchProcessorConfig,
  CollectorConfig,
  HealthCheckExtensionConfig,
  MemoryLimiterProcessorConfig,
  OtlpReceiverConfig,
  TelemetryConfig,
  renderCollectorConfig,
} from './config';
import { BATCH, COLLECTOR_CONTAINER, CONFIG_DIR, CONFIG_FILE, ENV, GOMEMLIMIT_RATIO, HEALTH_PATH, MEMORY_LIMITER, OTEL_PORTS } from './defaults';

/** What the agent and the gateway share: OTLP in, memory_limiter, batch, health_check, internal metrics. */

const POD_IP = `\${env:${ENV.podIp}}`;

export function otlpReceiver(): OtlpReceiverConfig {
  return { type: 'otlp', grpcEndpoint: `${POD_IP}:${OTEL_PORTS.otlpGrpc}`, httpEndpoint: `${POD_IP}:${OTEL_PORTS.otlpHttp}` };
}

export function memoryLimiter(): MemoryLimiterProcessorConfig {
  return { type: 'memory_limiter', ...MEMORY_LIMITER };
}

export function batchProcessor(): BatchProcessorConfig {
  return { type: 'batch', ...BATCH };
}

export function healthCheck(): HealthCheckExtensionConfig {
  return { type: 'health_check', endpoint: `${POD_IP}:${OTEL_PORTS.health}`, path: HEALTH_PATH };
}

export function telemetry(): TelemetryConfig {
  return { metrics: { prometheus: { host: POD_IP, port: OTEL_PORTS.metrics } } };
}

/** What both collector tiers take as props and the API server or the pod would refuse. */
export interface CollectorPropsToCheck {
  readonly namespace: string;
  readonly name: string;
  readonly replicas?: number;
  readonly resources?: ResourceSpec;
}

/**
 * Checks the props both tiers share (pure), all problems together: namespace and name are DNS-1123 labels (the name
 * is also a Service name), replicas a whole number of at least 1, resources valid quantities.
 * @throws ConfigError naming `<path>.<prop>`.
 */
export function checkCollectorProps(props: CollectorPropsToCheck, path: string): void {
  const problems: ConfigProblem[] = [
    ...dns1123LabelProblems(props.namespace, `${path}.namespace`),
    ...dns1123LabelProblems(props.name, `${path}.name`),
    ...resourceProblems(props.resources, `${path}.resources`),
  ];
  if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
    problems.push({ path: `${path}.replicas`, message: 'must be a whole number of at least 1', value: props.replicas, fix: 'use 2 (the default) so a rollout never stops ingestion.' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * GOMEMLIMIT at 80% of the container memory limit, in MiB, as the memory_limiter README recommends and upstream's
 * Helm chart computes it (`useGOMEMLIMIT`).
 */
export function goMemLimit(resources: ResourceSpec, path: string): string {
  const limit = resources.memoryLimit ?? resources.memoryRequest;
  const bytes = parseByteQuantity(limit, resources.memoryLimit !== undefined ? `${path}.memoryLimit` : `${path}.memoryRequest`);
  return `${Math.floor((bytes * GOMEMLIMIT_RATIO) / 2 ** 20)}MiB`;
}

export interface CollectorPodSpec {
  readonly identity: ComponentIdentity;
  readonly namespace: string;
  readonly image: ImageVersion;
  readonly resources: ResourceSpec;
  readonly config: CollectorConfig;
  /** Extra environment (e.g. the node name for k8sattributes). */
  readonly env?: Readonly<Record<string, kplus.EnvValue>>;
  readonly mounts?: readonly MountSpec[];
  /** Construct path of the props, for error messages. */
  readonly propsPath: string;
}

export interface CollectorPodParts {
  readonly configMap: kplus.ConfigMap;
  /** The rendered `config.yaml`. */
  readonly configYaml: string;
  readonly container: SecureContainerSpec;
  readonly podAnnotations: Record<string, string>;
}

/**
 * Renders the config into its ConfigMap and returns the container (flags, env, ports, probes on health_check) and
 * the pod annotations (config checksum, Prometheus scrape of the internal metrics).
 */
export function collectorPodParts(scope: Construct, spec: CollectorPodSpec): CollectorPodParts {
  const configYaml = renderCollectorConfig(spec.config);
  const configMap = new kplus.ConfigMap(scope, 'Config', {
    metadata: { name: `${spec.identity.instance}-config`, namespace: spec.namespace, labels: recommendedLabels(spec.identity) },
    data: { [CONFIG_FILE]: configYaml },
  });
  const configVolume = kplus.Volume.fromConfigMap(scope, 'ConfigVolume', configMap, { name: 'config' });
  const probe = { path: HEALTH_PATH, port: OTEL_PORTS.health };
  const container: SecureContainerSpec = {
    name: COLLECTOR_CONTAINER,
    image: spec.image,
    args: [`--config=${CONFIG_DIR}/${CONFIG_FILE}`],
    env: {
      [ENV.podIp]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP),
      [ENV.goMemLimit]: kplus.EnvValue.fromValue(goMemLimit(spec.resources, `${spec.propsPath}.resources`)),
      ...(spec.env ?? {}),
    },
    ports: [
      { name: 'otlp-grpc', port: OTEL_PORTS.otlpGrpc },
      { name: 'otlp-http', port: OTEL_PORTS.otlpHttp },
      { name: 'metrics', port: OTEL_PORTS.metrics },
      { name: 'health', port: OTEL_PORTS.health },
    ],
    resources: spec.resources,
    readiness: { ...probe, periodSeconds: 10 },
    liveness: { ...probe, initialDelaySeconds: 10, periodSeconds: 20 },
    mounts: [{ volume: configVolume, path: CONFIG_DIR }, ...(spec.mounts ?? [])],
  };
  const podAnnotations = {
    'checksum/config': checksum(configYaml),
    [SCRAPE_ANNOTATIONS.scrape]: 'true',
    [SCRAPE_ANNOTATIONS.port]: String(OTEL_PORTS.metrics),
    [SCRAPE_ANNOTATIONS.path]: '/metrics',
  };
  return { configMap, configYaml, container, podAnnotations };
}
