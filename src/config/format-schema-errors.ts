import type { ErrorObject } from 'ajv';

/**
 * Turns ajv's errors into one `path: message` line each, with paths written as users
 * read their config: `processes.web.timeout_seconds`, `cleanup_args[1]`.
 */
export function formatSchemaErrors(errors: readonly ErrorObject[], data: unknown): string[] {
  // A tagged union's schema also requires its tag and lists its values as an enum, which
  // word the same problem better than ajv's discriminator error.
  const lines = errors.filter((error) => error.keyword !== 'discriminator').map((error) => formatSchemaError(error, data));
  return [...new Set(lines)];
}

function formatSchemaError(error: ErrorObject, data: unknown): string {
  const path = formatInstancePath(error.instancePath, data);
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return `${joinPath(path, missing)}: is required`;
    }
    case 'type': {
      const type = (error.params as { type: string | string[] }).type;
      const types = Array.isArray(type) ? type : String(type).split(',');
      return `${path || 'config'}: must be ${types.join(' or ')}`;
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((value) => String(value).toLowerCase());
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
    default:
      return `${path || 'config'}: ${error.message ?? 'is invalid'}`;
  }
}

/** `/processes/web/cleanup_args/1` → `processes.web.cleanup_args[1]`, walking `data` to tell arrays from objects. */
export function formatInstancePath(instancePath: string, data: unknown): string {
  if (instancePath === '') return '';
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
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
