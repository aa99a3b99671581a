import { SERVICE_NAME_POD_LABELS, TARGET_LABELS } from '../../conventions';
import { RelabelConfig } from './scrape-config';

/**
 * Relabeling pieces every scrape job of the stack is built from (the default jobs and the exporters' own jobs), with
 * the meta labels of Kubernetes service discovery
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config).
 */

/**
 * Prometheus' sanitation of Kubernetes label and annotation names in meta labels: every character that is not a
 * letter, digit or underscore becomes `_` (`app.kubernetes.io/name` → `app_kubernetes_io_name`).
 */
export function metaLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

export function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${metaLabelName(label)}`;
}

export function podAnnotationMeta(annotation: string): string {
  return `__meta_kubernetes_pod_annotation_${metaLabelName(annotation)}`;
}

export function serviceLabelMeta(label: string): string {
  return `__meta_kubernetes_service_label_${metaLabelName(label)}`;
}

export function serviceAnnotationMeta(annotation: string): string {
  return `__meta_kubernetes_service_annotation_${metaLabelName(annotation)}`;
}

/** Escapes a literal for a (fully anchored, RE2) relabel regex or matcher. */
export function escapeRelabelRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Pods that have not started, or have finished, have nothing to scrape (and would only report `up == 0`). */
export const DROP_NOT_RUNNING: RelabelConfig = {
  sourceLabels: ['__meta_kubernetes_pod_phase'],
  regex: 'Pending|Succeeded|Failed',
  action: 'drop',
};

/**
 * `service` from the first non-empty label of SERVICE_NAME_POD_LABELS: rules in reverse preference order, each
 * replacing only when its label is non-empty (`(.+)`), so the preferred label wins.
 */
export function serviceFromLabels(meta: (label: string) => string): RelabelConfig[] {
  return [...SERVICE_NAME_POD_LABELS]
    .reverse()
    .map((label) => ({ sourceLabels: [meta(label)], regex: '(.+)', targetLabel: TARGET_LABELS.service, action: 'replace' as const }));
}

/** `namespace`, `pod` and `service` of a discovered pod. */
export function podTargetRelabels(): RelabelConfig[] {
  return [
    { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: TARGET_LABELS.namespace, action: 'replace' },
    { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: TARGET_LABELS.pod, action: 'replace' },
    ...serviceFromLabels(podLabelMeta),
  ];
}

/** Keep the pods carrying every label of `selector` (sorted by label, so the output is stable). */
export function keepPodsWithLabels(selector: Readonly<Record<string, string>>): RelabelConfig[] {
  return Object.keys(selector)
    .sort()
    .map((label) => ({ sourceLabels: [podLabelMeta(label)], regex: escapeRelabelRegex(selector[label]), action: 'keep' as const }));
}

/** Keep the targets of one named container port. */
export function keepPortName(portName: string): RelabelConfig {
  return { sourceLabels: ['__meta_kubernetes_pod_container_port_name'], regex: escapeRelabelRegex(portName), action: 'keep' };
}

/**
 * A component's dedicated job (Kubernetes SD, role `pod`): keep exactly the running pods of one component, on one
 * named container port.
 */
export function keepComponentPods(selector: Readonly<Record<string, string>>, portName: string): RelabelConfig[] {
  return [...keepPodsWithLabels(selector), keepPortName(portName), { sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Running', action: 'keep' }];
}

/** Target labels naming where a series was scraped from (`service` fixed to `appName`, `namespace`, `pod`), for self-metrics jobs. */
export function componentTargetLabels(appName: string): RelabelConfig[] {
  return [
    { targetLabel: TARGET_LABELS.service, replacement: appName },
    { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: TARGET_LABELS.namespace },
    { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: TARGET_LABELS.pod },
  ];
}
