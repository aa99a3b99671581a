/**
 * Receivers: named sets of notification integrations (https://prometheus.io/docs/alerting/latest/configuration/#receiver).
 *
 * Credentials are never values. Each factory takes the *key* of the credentials Secret that holds the credential;
 * the config renders it as the integration's `*_file` field pointing at that key in the mounted Secret. Fields used,
 * all accepted by the deployed Alertmanager (0.28; `amtool check-config` of the same release proves it in the tests):
 * - PagerDuty `routing_key_file` (Alertmanager 0.25+),
 * - Slack `api_url_file` (0.22+),
 * - email `auth_password_file` (0.25+),
 * - webhook `url_file` (0.26+: a webhook URL often embeds a token) and `http_config.authorization.credentials_file`.
 */

/** PagerDuty Events API v2 (https://prometheus.io/docs/alerting/latest/configuration/#pagerduty_config). */
export interface PagerDutyReceiverOptions {
  /** Key of the credentials Secret holding the Events API v2 integration (routing) key. */
  readonly routingKeySecretKey: string;
  /**
   * Incident severity (critical, error, warning or info; a template).
   * @default - the alerts' `severity` label, or `error` when they have none
   */
  readonly severity?: string;
  /** Incident summary (a template). @default - Alertmanager's `pagerduty.default.description` template */
  readonly description?: string;
  /** Events API URL. @default - Alertmanager's global `pagerduty_url` (https://events.pagerduty.com/v2/enqueue) */
  readonly url?: string;
  /** @default true (PagerDuty resolves the incident) */
  readonly sendResolved?: boolean;
}

/** Slack incoming webhook (https://prometheus.io/docs/alerting/latest/configuration/#slack_config). */
export interface SlackReceiverOptions {
  /** Channel (`#alerts`) or user to notify. */
  readonly channel: string;
  /** Key of the credentials Secret holding the incoming-webhook URL (the URL is the credential). */
  readonly apiUrlSecretKey: string;
  /** Message title (a template). @default - `[FIRING:n] <alertname> (<service>)` via SLACK_TITLE_TEMPLATE */
  readonly title?: string;
  /** Message body (a template). @default - one line per alert: severity, summary, description, runbook (SLACK_TEXT_TEMPLATE) */
  readonly text?: string;
  /** @default true (the channel sees when an alert is over) */
  readonly sendResolved?: boolean;
}

/** Email over SMTP (https://prometheus.io/docs/alerting/latest/configuration/#email_config). */
export interface EmailReceiverOptions {
  /** Recipient address(es), comma separated. */
  readonly to: string;
  /** Sender address. @default - the global `smtpFrom` prop (one of the two is required) */
  readonly from?: string;
  /** SMTP server `host:port` (587 for STARTTLS). @default - the global `smtpSmarthost` prop (one of the two is required) */
  readonly smarthost?: string;
  /** SMTP AUTH user. @default - the global `smtpAuthUsername` prop, else no authentication */
  readonly authUsername?: string;
  /** Key of the credentials Secret holding the SMTP password. @default - the global `smtpAuthPasswordSecretKey` prop */
  readonly authPasswordSecretKey?: string;
  /** Require STARTTLS. @default - the global `smtpRequireTls` prop, else true (Alertmanager's default) */
  readonly requireTls?: boolean;
  /** @default true (email carries the "resolved" follow-up too) */
  readonly sendResolved?: boolean;
}

/** Generic webhook (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export interface WebhookReceiverOptions {
  /**
   * Key of the credentials Secret holding the endpoint URL that receives the HTTP POSTs (`url_file`): webhook URLs
   * often carry a token, so the URL is treated as a credential and never lands in the ConfigMap.
   */
  readonly urlSecretKey: string;
  /** Key of the credentials Secret holding a bearer token sent as `Authorization: Bearer <token>`. @default - no token */
  readonly bearerTokenSecretKey?: string;
  /** Maximum alerts per message; 0 means all. @default 0 */
  readonly maxAlerts?: number;
  /** @default true */
  readonly sendResolved?: boolean;
}

/** One integration of a receiver, as the typed model holds it. */
export type ReceiverIntegration =
  | ({ readonly type: 'pagerduty' } & PagerDutyReceiverOptions)
  | ({ readonly type: 'slack' } & SlackReceiverOptions)
  | ({ readonly type: 'email' } & EmailReceiverOptions)
  | ({ readonly type: 'webhook' } & WebhookReceiverOptions);

/** A Secret key an integration reads, and the option that names it (for error messages and docs). */
export interface SecretKeyUse {
  readonly option: string;
  readonly key: string | undefined;
  /** Does the integration need it (false: optional, e.g. a webhook's bearer token). */
  readonly required: boolean;
}

/** The Secret keys an integration reads. */
export function secretKeyUses(integration: ReceiverIntegration): SecretKeyUse[] {
  switch (integration.type) {
    case 'pagerduty':
      return [{ option: 'routingKeySecretKey', key: integration.routingKeySecretKey, required: true }];
    case 'slack':
      return [{ option: 'apiUrlSecretKey', key: integration.apiUrlSecretKey, required: true }];
    case 'email':
      return integration.authPasswordSecretKey !== undefined
        ? [{ option: 'authPasswordSecretKey', key: integration.authPasswordSecretKey, required: true }]
        : [];
    case 'webhook':
      return [
        { option: 'urlSecretKey', key: integration.urlSecretKey, required: true },
        ...(integration.bearerTokenSecretKey !== undefined ? [{ option: 'bearerTokenSecretKey', key: integration.bearerTokenSecretKey, required: true }] : []),
      ];
  }
}

/**
 * A named receiver: a value built by the static factories, validated when the Alertmanager renders its config.
 * Combine integrations with `and()`: `Receiver.pagerDuty('oncall', ...).and(Receiver.slack('x', ...))`.
 */
export class Receiver {
  /** Pages through PagerDuty's Events API v2. */
  public static pagerDuty(name: string, options: PagerDutyReceiverOptions): Receiver {
    return new Receiver(name, [{ type: 'pagerduty', ...options }]);
  }

  /** Posts to a Slack channel through an incoming webhook. */
  public static slack(name: string, options: SlackReceiverOptions): Receiver {
    return new Receiver(name, [{ type: 'slack', ...options }]);
  }

  /** Sends email through an SMTP smarthost. */
  public static email(name: string, options: EmailReceiverOptions): Receiver {
    return new Receiver(name, [{ type: 'email', ...options }]);
  }

  /** POSTs Alertmanager's webhook JSON to the URL held in the credentials Secret. */
  public static webhook(name: string, options: WebhookReceiverOptions): Receiver {
    return new Receiver(name, [{ type: 'webhook', ...options }]);
  }

  /** A receiver with no integrations: alerts routed here are dropped (e.g. a Watchdog or a muted team). */
  public static none(name: string): Receiver {
    return new Receiver(name, []);
  }

  private constructor(
    /** The receiver name routes refer to. */
    public readonly name: string,
    /** Its integrations, in order. */
    public readonly integrations: readonly ReceiverIntegration[],
  ) {}

  /** The same receiver name with the other receiver's integrations added (its name is ignored). */
  public and(other: Receiver): Receiver {
    return new Receiver(this.name, [...this.integrations, ...other.integrations]);
  }

  /** The credentials-Secret keys this receiver reads (sorted, unique). */
  public get secretKeys(): string[] {
    const keys = this.integrations.flatMap((i) => secretKeyUses(i).map((u) => u.key)).filter((k): k is string => !!k);
    return [...new Set(keys)].sort();
  }
}
