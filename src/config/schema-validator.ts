import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { AJV_OPTIONS } from './ajv-options.js';
import { configSchema } from './schema.js';

// ajv is CommonJS: required synchronously, and only when a config is validated.
const requireModule = createRequire(import.meta.url);

/**
 * The config schema's validator, compiled now with ajv. The bundled `watchdog` binary
 * replaces this module with the validator compiled at build time (scripts/build-bundle.mjs),
 * so a tick neither loads ajv's compiler nor generates code at every start.
 */
export function schemaValidator(): ValidateFunction {
  const { Ajv } = requireModule('ajv') as { Ajv: typeof AjvClass };
  return new Ajv(AJV_OPTIONS).compile(configSchema);
}
