import { ImageVersion, versionLabel } from '../versions';

export const PART_OF = 'observability-stack';

export interface ComponentIdentity {
  /** `app.kubernetes.io/name`: the upstream program (`prometheus`, `loki`, ...). */
  readonly name: string;
  /** `app.kubernetes.io/instance`: this deployment of it. */
  readonly instance: string;
  /** `app.kubernetes.io/component`: its role (`metrics`, `alerting`, `agent`, ...). */
  readonly component: string;
  /** The image, for `app.kubernetes.io/version`. */
  readonly version: ImageVersion;
}

/** The Kubernetes recommended labels, as kube-prometheus computes them. */
export function recommendedLabels(id: ComponentIdentity): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance,
    'app.kubernetes.io/component': id.component,
    'app.kubernetes.io/version': versionLabel(id.version),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** Selector labels: the recommended labels without `version` (and `managed-by`), so selectors survive upgrades. */
export function selectorLabels(id: ComponentIdentity): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance,
  };
}
