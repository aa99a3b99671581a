import { ProblemCollector } from '../../common/errors';
import { ImageVersion } from '../../versions';

/** Shared checks of the exporters' props: every failure is a ConfigError naming the prop, the value and the fix. */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A Kubernetes object name usable as a Service name and DNS label (RFC 1123 label, at most 63 characters). */
export function checkDnsLabel(problems: ProblemCollector, path: string, value: string): void {
  if (typeof value !== 'string' || value.length > 63 || !DNS_LABEL.test(value)) {
    problems.add({
      path,
      message: 'must be a DNS label (lowercase letters, digits and "-", at most 63 characters)',
      value,
      fix: 'use a name such as "kube-state-metrics".',
    });
  }
}

export function checkPort(problems: ProblemCollector, path: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    problems.add({ path, message: 'must be a TCP port (an integer from 1 to 65535)', value, fix: 'use e.g. 9100.' });
  }
}

/** Extra command-line flags: each one a `--flag` or `--flag=value` string. */
export function checkArgs(problems: ProblemCollector, path: string, args: readonly string[]): void {
  args.forEach((a, i) => {
    if (typeof a !== 'string' || !/^--[A-Za-z0-9]/.test(a)) {
      problems.add({
        path: `${path}[${i}]`,
        message: 'must be a long flag starting with "--"',
        value: a,
        fix: 'write e.g. "--collector.systemd".',
      });
    }
  });
}

export function checkImage(problems: ProblemCollector, path: string, image: ImageVersion): void {
  if (!image || typeof image.repository !== 'string' || image.repository === '' || typeof image.tag !== 'string' || image.tag === '') {
    problems.add({
      path,
      message: 'must name a repository and a tag',
      value: image,
      fix: 'pass { repository: "quay.io/...", tag: "v1.2.3" }.',
    });
  } else if (image.tag === 'latest') {
    problems.add({
      path: `${path}.tag`,
      message: 'must be a pinned release tag, never "latest"',
      value: image.tag,
      fix: 'pin an exact upstream release tag.',
    });
  }
}

/** Escapes a literal for use in a Prometheus (RE2, fully anchored) relabel regex. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The Prometheus meta label Kubernetes SD sets for a pod label: `__meta_kubernetes_pod_label_<name>` with every
 * character that is not a letter, digit or underscore replaced by `_`
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#pod).
 */
export function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}
