import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { AJV_OPTIONS } from './ajv-options.js';
import { configSchema, SECTION_SCHEMAS, type SchemaSection } from './schema.js';

// ajv is CommonJS: required synchronously, and only when a config is validated.
const requireModule = createRequire(import.meta.url);

/** What a validator checks: the config's top level (`config`) or one of its sections. */
export type SchemaPart = 'config' | SchemaSection;

const compiled = new Map<SchemaPart, ValidateFunction>();

/**
 * The validator of one part of the config schema, compiled with ajv when first asked for.
 * The bundled `watchdog` binary replaces this module with validators compiled at build
 * time (scripts/build-bundle.mjs), so a tick neither loads ajv's compiler nor generates
 * code at every start.
 */
export function schemaValidator(part: SchemaPart): ValidateFunction {
  let validate = compiled.get(part);
  if (validate === undefined) {
    const { Ajv } = requireModule('ajv') as { Ajv: typeof AjvClass };
    validate = new Ajv(AJV_OPTIONS).compile(part === 'config' ? configSchema : SECTION_SCHEMAS[part]);
    compiled.set(part, validate);
  }
  return validate;
}
