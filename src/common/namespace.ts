import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { PART_OF } from './labels';

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
  return new k8s.KubeNamespace(scope, id, {
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
  });
}
