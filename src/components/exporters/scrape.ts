import { TARGET_LABELS } from '../../conventions';
import { RelabelConfig } from '../prometheus/scrape-config';
import { escapeRegex, podLabelMeta } from './validation';

/**
 * Relabeling shared by the exporters' dedicated scrape jobs (Kubernetes SD, role `pod`): keep exactly the running
 * pods of one component, on one named container port.
 * Meta labels: https://prometheus.io/docs/prometheus/latest/configuration/configuration/#pod
 */
export function keepComponentPods(selector: Readonly<Record<string, string>>, portName: string): RelabelConfig[] {
  return [
    ...Object.keys(selector)
      .sort()
      .map((label) => ({ sourceLabels: [podLabelMeta(label)], regex: escapeRegex(selector[label]), action: 'keep' as const })),
    { sourceLabels: ['__meta_kubernetes_pod_container_port_name'], regex: escapeRegex(portName), action: 'keep' },
    { sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Running', action: 'keep' },
  ];
}

/** Target labels naming where a series was scraped from (`service`, `namespace`, `pod`), for self-metrics jobs. */
export function podTargetLabels(appName: string): RelabelConfig[] {
  return [
    { targetLabel: TARGET_LABELS.service, replacement: appName },
    { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: TARGET_LABELS.namespace },
    { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: TARGET_LABELS.pod },
  ];
}
