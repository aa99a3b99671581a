import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { PART_OF } from './labels';

/**
 * Namespaces: the one default of every component, the Namespace objects the stack creates, and the rule that
 * cluster-scoped objects carry none.
 */

/** Where the stack runs when neither the component nor its chart names a namespace. */
export const DEFAULT_NAMESPACE = 'observability';

/** Where the node-level agents run (Pod Security `privileged`) when neither the component nor the stack names one. */
export const DEFAULT_AGENT_NAMESPACE = 'observability-agents';

/** The context key under which a stack tells its components the agents namespace. */
export const AGENT_NAMESPACE_CONTEXT = 'observability-stack:agentNamespace';

/** The namespace of a component whose props name none: its chart's namespace, else `observability`. */
export function defaultNamespace(scope: IConstruct): string {
  return Chart.of(scope).namespace ?? DEFAULT_NAMESPACE;
}

/**
 * The namespace of a node-level agent whose props name none: the agents namespace of the stack it is in (context
 * `AGENT_NAMESPACE_CONTEXT`), else `observability-agents`.
 */
export function defaultAgentNamespace(scope: IConstruct): string {
  const fromStack: unknown = scope.node.tryGetContext(AGENT_NAMESPACE_CONTEXT);
  return typeof fromStack === 'string' ? fromStack : DEFAULT_AGENT_NAMESPACE;
}

/** cdk8s gives every object its chart's namespace; a cluster-scoped object (Namespace, ClusterRole, ...) must carry none. */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (Chart.of(obj).namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}

/** Pod Security Standards levels (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface StackNamespaceSpec {
  readonly name: string;
  /** The level enforced on the namespace. */
  readonly enforce: PodSecurityLevel;
  /** Warn and audit at this level (stricter than enforce shows what would break). @default restricted */
  readonly warnAndAudit?: PodSecurityLevel;
}

/** A Namespace labelled with the Pod Security level its pods need. */
export function stackNamespace(scope: Construct, id: string, spec: StackNamespaceSpec): k8s.KubeNamespace {
  const audit = spec.warnAndAudit ?? 'restricted';
  return clusterScoped(
    new k8s.KubeNamespace(scope, id, {
      metadata: {
        name: spec.name,
        labels: {
          'app.kubernetes.io/part-of': PART_OF,
          'pod-security.kubernetes.io/enforce': spec.enforce,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': audit,
          'pod-security.kubernetes.io/audit': audit,
        },
      },
    }),
  );
}
