import type { ErrorObject } from 'ajv';

/**
 * Turns ajv's errors into one `path: message` line each, with paths written as users
 * read their config: `processes.web.timeout_seconds`, `cleanup_args[1]`.
 */
export function formatSchemaErrors(errors: readonly ErrorObject[], data: unknown): string[] {
  // A tagged union's schema also requires its tag and lists its values as an enum, which
  // word the same problem better than ajv's discriminator error.
  const lines = errors
    .filter((error) => error.keyword !== 'discriminator')
    .map((error) => formatSchemaError(error, data));
  return [...new Set(lines)];
}

/** ajv's comparisons of a number with its bound, in words. */
const BOUND_WORDS: Readonly<Record<string, string>> = {
  '<=': 'at most',
  '<': 'less than',
  '>=': 'at least',
  '>': 'more than',
};

function formatSchemaError(error: ErrorObject, data: unknown): string {
  const { path, node: value } = walkInstancePath(error.instancePath, data);
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return `${joinPath(path, missing)}: is required`;
    }
    case 'type': {
      const type = (error.params as { type: string | string[] }).type;
      const types = Array.isArray(type) ? type : String(type).split(',');
      // 1e400 parses as Infinity, which ajv does not take for a number: "must be number" would puzzle.
      if (typeof value === 'number' && !Number.isFinite(value)) {
        return `${path || 'config'}: must be a finite number (got ${String(value)})`;
      }
      return `${path || 'config'}: must be ${types.join(' or ')}`;
    }
    case 'maximum':
    case 'exclusiveMaximum':
    case 'minimum':
    case 'exclusiveMinimum': {
      const { comparison, limit } = error.params as { comparison: string; limit: number };
      return `${path || 'config'}: must be ${BOUND_WORDS[comparison] ?? comparison} ${limit} (got ${String(value)})`;
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((allowedValue) =>
        String(allowedValue).toLowerCase(),
      );
      return `${path || 'config'}: must be one of ${[...new Set(allowed)].join(', ')}`;
    }
    case 'minLength':
      return `${path}: must not be empty`;
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      return `${joinPath(path, extra)}: unknown setting`;
    }
    case 'minItems':
      return `${path}: must not be empty`;
    case 'maxItems': {
      const { limit } = error.params as { limit: number };
      return `${path || 'config'}: must have at most ${limit} ${limit === 1 ? 'entry' : 'entries'}${Array.isArray(value) ? ` (got ${value.length})` : ''}`;
    }
    case 'maxLength': {
      const { limit } = error.params as { limit: number };
      return `${path || 'config'}: must be at most ${limit} characters long${typeof value === 'string' ? ` (got ${[...value].length})` : ''}`;
    }
    default:
      return `${path || 'config'}: ${error.message ?? 'is invalid'}`;
  }
}

/** `/processes/web/cleanup_args/1` → `processes.web.cleanup_args[1]`, walking `data` to tell arrays from objects. */
export function formatInstancePath(instancePath: string, data: unknown): string {
  return walkInstancePath(instancePath, data).path;
}

/** The path as users read it, and the value there (`undefined` where there is none). */
function walkInstancePath(instancePath: string, data: unknown): { path: string; node: unknown } {
  if (instancePath === '') return { path: '', node: data };
  const segments = instancePath
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path = '';
  let node: unknown = data;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      path += `[${segment}]`;
      node = node[Number(segment)];
    } else {
      path = joinPath(path, segment);
      // Own keys only: a key named `constructor` is not Object.
      node =
        node !== null && typeof node === 'object' && Object.hasOwn(node, segment)
          ? (node as Record<string, unknown>)[segment]
          : undefined;
    }
  }
  return { path, node };
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
