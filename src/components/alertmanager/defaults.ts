import { SEVERITY, ALERT_LABELS } from '../../conventions';
import { ResourceSpec } from '../../common/workload';
import type { InhibitRule, Route } from './config';
import { Matcher } from './matcher';
import { Receiver } from './receiver';

/**
 * Defaults of the Alertmanager component, in one place. The model resolves its props against these once; the default
 * routing tree and receivers are built by `defaultReceivers()` / `defaultRoute()` / `defaultInhibitRules()` below.
 */

/** `app.kubernetes.io/name`: the upstream program. */
export const ALERTMANAGER_APP_NAME = 'alertmanager';

/** `app.kubernetes.io/component`, as kube-prometheus labels Alertmanager. */
export const ALERTMANAGER_COMPONENT = 'alert-router';

/**
 * Upstream ports: 9093 is the web/API port (`--web.listen-address` default), 9094 the gossip port
 * (`--cluster.listen-address` default), used over both TCP and UDP
 * (https://github.com/prometheus/alertmanager#high-availability).
 */
export const ALERTMANAGER_PORTS = {
  web: { name: 'web', port: 9093 },
  meshTcp: { name: 'mesh-tcp', port: 9094, protocol: 'TCP' },
  meshUdp: { name: 'mesh-udp', port: 9094, protocol: 'UDP' },
} as const;

/** Health endpoints on the web port (https://prometheus.io/docs/alerting/latest/management_api/). */
export const ALERTMANAGER_HEALTH = { ready: '/-/ready', healthy: '/-/healthy' } as const;

/** Where things live inside the pod. */
export const ALERTMANAGER_PATHS = {
  /** The ConfigMap holding `alertmanager.yml` is mounted here. */
  configDir: '/etc/alertmanager/config',
  /** The user's credentials Secret is mounted here; every `*_file` field points into it. */
  secretsDir: '/etc/alertmanager/secrets',
  /** `--storage.path`: silences and the notification log, on the PVC. */
  storage: '/alertmanager',
} as const;

/** The ConfigMap key, named as upstream names the file. */
export const ALERTMANAGER_CONFIG_FILE = 'alertmanager.yml';

export const ALERTMANAGER_DEFAULTS = {
  name: 'alertmanager',
  replicas: 1,
  /** Silences and the notification log are small: a few MiB even for large installations. */
  storageSize: '2Gi',
  /** The Secret the user creates (the stack never holds secret values). */
  credentialsSecretName: 'alertmanager-credentials',
  /** Alertmanager's own default (https://prometheus.io/docs/alerting/latest/configuration/#file-layout-and-global-settings). */
  resolveTimeout: '5m',
  /** kube-prometheus runs Alertmanager with a few millicores and ~100Mi; leave headroom for large alert volumes. */
  resources: { cpuRequest: '50m', memoryRequest: '128Mi', memoryLimit: '256Mi' } satisfies ResourceSpec,
} as const;

/** Names of the default receivers (the seed's): PagerDuty pages, Slack informs, email is the catch-all. */
export const DEFAULT_RECEIVER_NAMES = { pagerDuty: 'pagerduty', slack: 'slack', email: 'email' } as const;

/**
 * Keys the default receivers read from the credentials Secret. Create it with e.g.
 * `kubectl -n observability create secret generic alertmanager-credentials --from-literal=pagerduty-routing-key=...
 * --from-literal=slack-api-url=https://hooks.slack.com/services/... --from-literal=smtp-password=...`.
 */
export const DEFAULT_SECRET_KEYS = {
  pagerDutyRoutingKey: 'pagerduty-routing-key',
  slackApiUrl: 'slack-api-url',
  smtpPassword: 'smtp-password',
} as const;

/** The seed's Slack channel and (placeholder) email settings; override them with the `receivers` prop. */
export const DEFAULT_SLACK_CHANNEL = '#alerts';
export const DEFAULT_EMAIL = {
  to: 'oncall@example.com',
  from: 'alertmanager@example.com',
  smarthost: 'smtp.example.com:587',
  authUsername: 'alertmanager@example.com',
} as const;

/** Alerts are grouped per alert and service: one notification per failing thing, not per pod. */
export const DEFAULT_GROUP_BY = ['alertname', ALERT_LABELS.service] as const;

/**
 * Root-route timing: Alertmanager's documented defaults (group_wait 30s, group_interval 5m, repeat_interval 4h).
 * Pages wait less and repeat more often.
 */
export const DEFAULT_TIMING = {
  groupWait: '30s',
  groupInterval: '5m',
  repeatInterval: '4h',
  pageGroupWait: '10s',
  pageRepeatInterval: '1h',
} as const;

/** The severities the default routes and inhibit rule use (the same the SLO alerts carry). */
export const ROUTED_SEVERITIES = { page: SEVERITY.critical, ticket: SEVERITY.warning } as const;

/**
 * Slack title: `[FIRING:2] HighErrorRate (order-service)`. Go templates, rendered by Alertmanager
 * (https://prometheus.io/docs/alerting/latest/notifications/).
 */
export const SLACK_TITLE_TEMPLATE =
  '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] ' +
  '{{ .CommonLabels.alertname }}{{ if .CommonLabels.service }} ({{ .CommonLabels.service }}){{ end }}';

/** Slack body: one block per alert with its severity, summary, description and runbook link when present. */
export const SLACK_TEXT_TEMPLATE =
  '{{ range .Alerts }}*{{ .Labels.severity | toUpper }}* {{ if .Annotations.summary }}{{ .Annotations.summary }}{{ else }}{{ .Labels.alertname }}{{ end }}\n' +
  '{{ if .Annotations.description }}{{ .Annotations.description }}\n{{ end }}' +
  '{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}\n{{ end }}' +
  '{{ end }}';

/**
 * PagerDuty severity from the alerts' `severity` label when it is one PagerDuty accepts (critical, error, warning,
 * info: our severities map 1:1), else `error` (PagerDuty rejects other values).
 */
export const PAGERDUTY_SEVERITY_TEMPLATE =
  '{{ if eq .CommonLabels.severity "critical" "error" "warning" "info" }}{{ .CommonLabels.severity }}{{ else }}error{{ end }}';

/** The seed's receivers: PagerDuty pages, Slack #alerts, email (placeholder addresses: override `receivers`). */
export function defaultReceivers(): Receiver[] {
  return [
    Receiver.pagerDuty(DEFAULT_RECEIVER_NAMES.pagerDuty, { routingKeySecretKey: DEFAULT_SECRET_KEYS.pagerDutyRoutingKey }),
    Receiver.slack(DEFAULT_RECEIVER_NAMES.slack, { channel: DEFAULT_SLACK_CHANNEL, apiUrlSecretKey: DEFAULT_SECRET_KEYS.slackApiUrl }),
    Receiver.email(DEFAULT_RECEIVER_NAMES.email, {
      to: DEFAULT_EMAIL.to,
      from: DEFAULT_EMAIL.from,
      smarthost: DEFAULT_EMAIL.smarthost,
      authUsername: DEFAULT_EMAIL.authUsername,
      authPasswordSecretKey: DEFAULT_SECRET_KEYS.smtpPassword,
      requireTls: true,
    }),
  ];
}

/**
 * The seed's routing: critical alerts page (PagerDuty) and continue to Slack; warnings go to Slack; anything else
 * (e.g. `info`, or alerts without a severity) falls through to email.
 */
export function defaultRoute(): Route {
  const sev = ALERT_LABELS.severity;
  return {
    receiver: DEFAULT_RECEIVER_NAMES.email,
    groupBy: [...DEFAULT_GROUP_BY],
    groupWait: DEFAULT_TIMING.groupWait,
    groupInterval: DEFAULT_TIMING.groupInterval,
    repeatInterval: DEFAULT_TIMING.repeatInterval,
    routes: [
      {
        receiver: DEFAULT_RECEIVER_NAMES.pagerDuty,
        matchers: [Matcher.equal(sev, ROUTED_SEVERITIES.page)],
        groupWait: DEFAULT_TIMING.pageGroupWait,
        repeatInterval: DEFAULT_TIMING.pageRepeatInterval,
        continue: true,
      },
      {
        receiver: DEFAULT_RECEIVER_NAMES.slack,
        matchers: [Matcher.oneOf(sev, [ROUTED_SEVERITIES.page, ROUTED_SEVERITIES.ticket])],
      },
    ],
  };
}

/**
 * The labels a critical alert and a warning must share for the default inhibition: the same alert about the same
 * service and, for SLO alerts, the same SLO. Alertmanager compares a label missing on both sides as equal (empty), so
 * for alerts without `slo` (the platform alerts, your own) this is "same alertname and service". `slo` matters because
 * every SLO burn-rate alert of a service shares one alertname (`SLOErrorBudgetBurn`): without it, one SLO's page would
 * mute the tickets of all the service's other SLOs.
 */
export const DEFAULT_INHIBIT_EQUAL = ['alertname', ALERT_LABELS.service, ALERT_LABELS.slo] as const;

/**
 * A critical alert mutes the warnings of the same alert, service and SLO: an alert with a warning and a critical
 * threshold notifies once, at its worst, and an SLO's page mutes that SLO's ticket only. (The SLO construct adds the
 * rule keyed on `sloth_severity`, which holds whatever severities the tiers are given.)
 */
export function defaultInhibitRules(): InhibitRule[] {
  const sev = ALERT_LABELS.severity;
  return [
    {
      sourceMatchers: [Matcher.equal(sev, ROUTED_SEVERITIES.page)],
      targetMatchers: [Matcher.equal(sev, ROUTED_SEVERITIES.ticket)],
      equal: [...DEFAULT_INHIBIT_EQUAL],
    },
  ];
}
