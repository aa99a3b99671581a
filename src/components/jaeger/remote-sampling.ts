import { ProblemCollector } from '../../common/errors';
import { toJson } from '../../common/serialize';

/**
 * Jaeger v2's `remote_sampling` extension with the file provider (cmd/jaeger/internal/extension/remotesampling,
 * v2.10.0: `file.path`, `file.reload_interval`, `http`, `grpc`; default ports 5778 and 5779 from ports/ports.go):
 * SDKs configured with the `jaeger_remote` sampler fetch their head-sampling probability from
 * `http://<jaeger>:5778/sampling?service=<name>`. The strategies file has upstream's format
 * (cmd/jaeger/sampling-strategies.json: `default_strategy`, `service_strategies`, `type: probabilistic`, `param`).
 * Head sampling cuts what reaches the collectors; the tail-sampling tier then decides on what remains.
 */

export interface RemoteSamplingProps {
  /** Probability (0–1] for every service without its own. @default 1 (sample everything; the tail tier decides) */
  readonly defaultProbability?: number;
  /** Per-service probabilities (0–1], by service.name. @default - none */
  readonly services?: Readonly<Record<string, number>>;
}

export interface RemoteSamplingModel {
  readonly defaultProbability: number;
  readonly services: Readonly<Record<string, number>>;
}

export const REMOTE_SAMPLING_PORTS = {
  http: { name: 'sampling-http', port: 5778 },
  grpc: { name: 'sampling-grpc', port: 5779 },
} as const;

/** The strategies file's name, in Jaeger's ConfigMap beside config.yaml. */
export const SAMPLING_STRATEGIES_FILE = 'sampling-strategies.json';

function probabilityOk(p: unknown): boolean {
  return typeof p === 'number' && Number.isFinite(p) && p > 0 && p <= 1;
}

/** Validates the props (pure). @throws ConfigError naming each bad probability. */
export function remoteSamplingModel(props: RemoteSamplingProps, path: string): RemoteSamplingModel {
  const c = new ProblemCollector();
  const defaultProbability = props.defaultProbability ?? 1;
  const fix = 'use a probability above 0 and at most 1, e.g. 0.1.';
  if (!probabilityOk(defaultProbability)) c.add({ path: `${path}.defaultProbability`, message: 'must be above 0 and at most 1', value: defaultProbability, fix });
  const services: Record<string, number> = {};
  for (const [name, p] of Object.entries(props.services ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (!probabilityOk(p)) c.add({ path: `${path}.services.${name}`, message: 'must be above 0 and at most 1', value: p, fix });
    services[name] = p;
  }
  c.throwIfAny();
  return { defaultProbability, services };
}

/** The strategies file (pure), serialized once. */
export function renderSamplingStrategies(m: RemoteSamplingModel): string {
  return toJson({
    default_strategy: { type: 'probabilistic', param: m.defaultProbability },
    service_strategies: Object.entries(m.services).map(([service, param]) => ({ service, type: 'probabilistic', param })),
  });
}

/** The extension's document (pure): the file provider, HTTP and gRPC on every address. */
export function remoteSamplingExtension(strategiesPath: string): Record<string, unknown> {
  return {
    file: { path: strategiesPath, reload_interval: '1m' },
    http: { endpoint: `0.0.0.0:${REMOTE_SAMPLING_PORTS.http.port}` },
    grpc: { endpoint: `0.0.0.0:${REMOTE_SAMPLING_PORTS.grpc.port}` },
  };
}
