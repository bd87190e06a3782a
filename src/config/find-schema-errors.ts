import type { ErrorObject, ValidateFunction } from 'ajv';
import { isPlainObject } from './json-shape.js';
import { SECTION_SCHEMAS, type SchemaSection } from './schema.js';
import { schemaValidator, type SchemaPart } from './schema-validator.js';

const SECTIONS = Object.keys(SECTION_SCHEMAS) as SchemaSection[];

/**
 * Every schema error of parsed config data, with paths from the config's root as if one
 * schema had checked the whole file: its top level first, then each section of
 * `SECTION_SCHEMAS` the config has. A section's validator runs only when the section is
 * there as an object; the top level reports one that is not.
 *
 * @param validatorOf for testing: where the validators come from (default the compiled schema).
 */
export function findSchemaErrors(data: unknown, validatorOf: (part: SchemaPart) => ValidateFunction = schemaValidator): ErrorObject[] {
  const errors = errorsOf(validatorOf('config'), data);
  if (!isPlainObject(data)) return errors;
  for (const section of SECTIONS) {
    const value = data[section];
    if (!isPlainObject(value)) continue;
    for (const error of errorsOf(validatorOf(section), value)) {
      errors.push({ ...error, instancePath: `/${section}${error.instancePath}`, schemaPath: `#/properties/${section}${error.schemaPath.slice(1)}` });
    }
  }
  return errors;
}

function errorsOf(validate: ValidateFunction, data: unknown): ErrorObject[] {
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
