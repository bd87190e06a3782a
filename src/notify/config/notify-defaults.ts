/** Defaults of the `notify` section and its channels. */
export const NOTIFY_DEFAULTS = {
  repeat_after_seconds: 3600,
  remind_after_seconds: 0,
  delivery_budget_seconds: 30,
  max_queued: 500,
  max_age_hours: 7 * 24,
  timeout_seconds: 10,
  retries: 2,
  retry_backoff_seconds: 2,
  email_tls: 'starttls',
  subject_prefix: '[watchdog]',
  ping_timeout_seconds: 10,
} as const;

/** The SMTP port of each way of securing it. */
export const SMTP_PORTS = { starttls: 587, implicit: 465, none: 25 } as const;
