import { defaultResource, Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { DOWNWARD_API_ATTRIBUTES, ENV, SCRAPE_ANNOTATIONS, SERVICE_POD_LABEL, METRICS_PATH } from './conventions';

/** What the service says about itself in code; the environment overrides it (see `resourceAttributes`). */
export interface ResourceOptions {
  /** `service.name`. Use the pod's `app.kubernetes.io/name`, so metrics, traces and logs name the service alike. */
  readonly serviceName: string;
  /** `service.version`. @default - none */
  readonly serviceVersion?: string;
  /** More attributes, e.g. `deployment.environment.name`. @default - none */
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface ResolvedResourceAttributes {
  readonly attributes: Readonly<Record<string, string>>;
  /** Entries of OTEL_RESOURCE_ATTRIBUTES that were skipped, one sentence each. */
  readonly warnings: readonly string[];
}

/**
 * The service's resource attributes (pure), lowest precedence first:
 * 1. code: `serviceName`, `serviceVersion`, `attributes`;
 * 2. the pod's downward API environment (`K8S_POD_NAME` → `k8s.pod.name`, … see `DOWNWARD_API_ATTRIBUTES`);
 * 3. `OTEL_RESOURCE_ATTRIBUTES` (`key=value,key=value`, values percent-encoded, as the OpenTelemetry SDK
 *    environment specification defines it);
 * 4. `OTEL_SERVICE_NAME`, which the specification ranks above a `service.name` in OTEL_RESOURCE_ATTRIBUTES.
 * The deployment's environment wins over code, so one image runs under the name its pod spec gives it.
 */
export function resourceAttributes(options: ResourceOptions, env: NodeJS.ProcessEnv = process.env): ResolvedResourceAttributes {
  const attributes: Record<string, string> = { ...options.attributes };
  attributes[ATTR_SERVICE_NAME] = options.serviceName;
  if (options.serviceVersion) attributes[ATTR_SERVICE_VERSION] = options.serviceVersion;
  for (const { env: name, attribute } of DOWNWARD_API_ATTRIBUTES) {
    const value = env[name]?.trim();
    if (value) attributes[attribute] = value;
  }
  const warnings: string[] = [];
  const raw = env[ENV.resourceAttributes];
  if (raw && raw.trim() !== '') {
    for (const entry of raw.split(',')) {
      if (entry.trim() === '') continue;
      const eq = entry.indexOf('=');
      const key = eq < 0 ? '' : entry.slice(0, eq).trim();
      if (key === '') {
        warnings.push(`${ENV.resourceAttributes}: skipped "${entry}": an entry is key=value with a non-empty key.`);
        continue;
      }
      let value: string;
      try {
        value = decodeURIComponent(entry.slice(eq + 1).trim());
      } catch {
        warnings.push(`${ENV.resourceAttributes}: skipped "${entry}": the value is not valid percent-encoding.`);
        continue;
      }
      attributes[key] = value;
    }
  }
  const serviceName = env[ENV.serviceName]?.trim();
  if (serviceName) attributes[ATTR_SERVICE_NAME] = serviceName;
  return { attributes, warnings };
}

/** The SDK resource: the SDK's defaults (`telemetry.sdk.*`) merged with `resourceAttributes()`. */
export function createResource(attributes: Readonly<Record<string, string>>): Resource {
  return defaultResource().merge(resourceFromAttributes({ ...attributes }));
}

/** A container `env` entry reading a pod field through the downward API (Kubernetes `EnvVar`). */
export interface DownwardApiEnvVar {
  readonly name: string;
  readonly valueFrom: { readonly fieldRef: { readonly fieldPath: string } };
}

/** The container `env` entries the kit reads its `k8s.*` resource attributes from, to paste into a pod spec. */
export function kubernetesPodEnv(): DownwardApiEnvVar[] {
  return DOWNWARD_API_ATTRIBUTES.map((a) => ({ name: a.env, valueFrom: { fieldRef: { fieldPath: a.fieldPath } } }));
}

/**
 * The pod labels and annotations with which the stack scrapes a kit-instrumented service and names it: the stack's
 * `kubernetes-pods` job keeps pods annotated `prometheus.io/scrape: "true"`, scrapes `prometheus.io/port` and
 * `prometheus.io/path`, and sets the `service` label from `app.kubernetes.io/name`.
 */
export function kubernetesPodMetadata(serviceName: string, metricsPort: number, metricsPath: string = METRICS_PATH): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  return {
    labels: { [SERVICE_POD_LABEL]: serviceName },
    annotations: {
      [SCRAPE_ANNOTATIONS.scrape]: 'true',
      [SCRAPE_ANNOTATIONS.port]: String(metricsPort),
      [SCRAPE_ANNOTATIONS.path]: metricsPath,
    },
  };
}
