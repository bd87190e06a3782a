/**
 * `${NAME}` references to environment variables, in the settings that may hold secrets
 * (a webhook's URL and headers, an SMTP login, the ping URL): the config names the
 * variable, the value comes from the environment only when it is needed, and what is
 * logged is redacted.
 */

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface Expansion {
  text: string;
  /** The values put in: what must never be logged. */
  secrets: string[];
  /** Variables referenced but not set (or empty). */
  missing: string[];
}

/** `text` with each `${NAME}` replaced by `env.NAME`. */
export function expandReferences(text: string, env: NodeJS.ProcessEnv): Expansion {
  const secrets: string[] = [];
  const missing: string[] = [];
  const expanded = text.replace(REFERENCE, (_whole, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') {
      missing.push(name);
      return '';
    }
    secrets.push(value);
    return value;
  });
  return { text: expanded, secrets, missing };
}

/** The names `text` refers to. */
export function referencesIn(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map((match) => match[1] ?? '');
}

/** `text` with every secret replaced by `[redacted]`, longest first (one secret may contain another). */
export function redact(text: string, secrets: readonly string[]): string {
  return [...secrets]
    .filter((secret) => secret.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}

/**
 * Collects the secrets a delivery used, so its errors can be logged without them.
 */
export class SecretScope {
  readonly secrets: string[] = [];
  readonly missing: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  expand(text: string): string {
    const expansion = expandReferences(text, this.env);
    this.secrets.push(...expansion.secrets);
    this.missing.push(...expansion.missing);
    return expansion.text;
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }
}
