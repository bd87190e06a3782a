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

/**
 * `text` with each `${NAME}` replaced by `env.NAME`, passed through `encode` (for a URL,
 * a reference inside it is percent-encoded, so a secret holding `#` or `/` stays one path
 * segment; see `expandUrl`).
 */
export function expandReferences(
  text: string,
  env: NodeJS.ProcessEnv,
  encode: (value: string, offset: number) => string = (value) => value,
): Expansion {
  const secrets: string[] = [];
  const missing: string[] = [];
  const expanded = text.replace(REFERENCE, (_whole, name: string, offset: number) => {
    const value = envValue(env, name);
    if (value === undefined || value === '') {
      missing.push(name);
      return '';
    }
    const put = encode(value, offset);
    secrets.push(...(put === value ? [value] : [value, put]));
    return put;
  });
  return { text: expanded, secrets, missing };
}

/**
 * The variable `name` of `env`, its own only: `${constructor}` or `${__proto__}` must not
 * put Object's source text or `[object Object]` into a header, as `env[name]` does.
 */
export function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : undefined;
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
    return this.keep(expandReferences(text, this.env));
  }

  /**
   * A URL: a reference that starts it is the whole secret URL, put in as it is; one inside
   * it (a path segment, a token in the query) is percent-encoded.
   */
  expandUrl(text: string): string {
    return this.keep(
      expandReferences(text, this.env, (value, offset) => (offset === 0 ? value : encodeURIComponent(value))),
    );
  }

  private keep(expansion: Expansion): string {
    this.secrets.push(...expansion.secrets);
    this.missing.push(...expansion.missing);
    return expansion.text;
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }
}
