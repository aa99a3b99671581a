import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IOtlpReceiver, serviceHost } from '../../common/endpoints';
import { TLS_SECRET_KEYS } from '../../common/tls';
import { ComponentIdentity, recommendedLabels } from '../../common/labels';
import { checksum } from '../../common/serialize';
import { MountSpec, PortSpec, Resources, SecureContainerSpec } from '../../common/workload';
import { SCRAPE_ANNOTATIONS } from '../../conventions';
import { ImageVersion } from '../../versions';
import { BatchProcessorConfig, CollectorConfig, HealthCheckExtensionConfig, MemoryLimiterProcessorConfig, OtlpReceiverConfig, TelemetryConfig } from './config';
import { renderCollectorConfig } from './config-render';
import { BATCH, COLLECTOR_CONTAINER, CONFIG_DIR, CONFIG_FILE, ENV, GOMEMLIMIT_RATIO, HEALTH_PATH, MEMORY_LIMITER, OTEL_PORTS } from './defaults';

/** What the agent and the gateway share: OTLP in, memory_limiter, batch, health_check, internal metrics. */

/** The OTLP ports a collector's Service exposes. */
export const OTLP_PORTS: readonly PortSpec[] = [
  { name: 'otlp-grpc', port: OTEL_PORTS.otlpGrpc },
  { name: 'otlp-http', port: OTEL_PORTS.otlpHttp },
];

/** The collector's internal telemetry (Prometheus `/metrics`), scraped through the pod annotations. */
export const METRICS_PORT: PortSpec = { name: 'metrics', port: OTEL_PORTS.metrics };

/** The OTLP endpoints of a collector's Service: gRPC `host:port` and the HTTP base URL (https with TLS). */
export function collectorEndpoints(serviceName: string, namespace: string, tls = false): IOtlpReceiver {
  const host = serviceHost(serviceName, namespace);
  return { otlpGrpcEndpoint: `${host}:${OTEL_PORTS.otlpGrpc}`, otlpHttpUrl: `${tls ? 'https' : 'http'}://${host}:${OTEL_PORTS.otlpHttp}` };
}

/** The names a collector's certificate is for: its Service, short and fully qualified. */
export function collectorDnsNames(serviceName: string, namespace: string): string[] {
  const host = serviceHost(serviceName, namespace);
  return [serviceName, `${serviceName}.${namespace}`, host, `${host}.cluster.local`];
}

const POD_IP = `\${env:${ENV.podIp}}`;

/** Where a collector's TLS Secret is mounted. */
export const TLS_DIR = '/etc/otelcol/tls';

/**
 * OTLP on both protocols, on the pod's IP; with `tls`, both serve the mounted certificate (re-read every 5 minutes,
 * so cert-manager's renewals are served without a restart).
 */
export function otlpReceiver(tls = false): OtlpReceiverConfig {
  return {
    type: 'otlp',
    grpcEndpoint: `${POD_IP}:${OTEL_PORTS.otlpGrpc}`,
    httpEndpoint: `${POD_IP}:${OTEL_PORTS.otlpHttp}`,
    tls: tls ? { certFile: `${TLS_DIR}/${TLS_SECRET_KEYS.cert}`, keyFile: `${TLS_DIR}/${TLS_SECRET_KEYS.key}`, minVersion: '1.2', reloadInterval: '5m' } : undefined,
  };
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

/**
 * GOMEMLIMIT at 80% of the container memory limit, in MiB, as the memory_limiter README recommends and upstream's
 * Helm chart computes it (`useGOMEMLIMIT`).
 */
export function goMemLimit(resources: Resources): string {
  return `${Math.floor((resources.memoryLimit.bytes * GOMEMLIMIT_RATIO) / 2 ** 20)}MiB`;
}

export interface CollectorPodSpec {
  readonly identity: ComponentIdentity;
  readonly namespace: string;
  readonly image: ImageVersion;
  readonly resources: Resources;
  readonly config: CollectorConfig;
  /** Extra environment (e.g. the node name for k8sattributes). */
  readonly env?: Readonly<Record<string, kplus.EnvValue>>;
  readonly mounts?: readonly MountSpec[];
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
      [ENV.goMemLimit]: kplus.EnvValue.fromValue(goMemLimit(spec.resources)),
      ...(spec.env ?? {}),
    },
    ports: [
      ...OTLP_PORTS,
      METRICS_PORT,
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
