// Config validation for classification at run time (CLI and API): each type's schema compiled once,
// lazily, in the first-error ajv instance, and run within the limits of config-budget.ts. The npm
// package uses precompiled code with the same limits.
import type { ConfigValidator } from '../classify/index.ts';
import type { Catalog } from '../model/catalog.ts';
import { classifySchemaAjv } from './ajv.ts';
import { checkConfig, type SchemaValidator } from './config-budget.ts';

export function makeConfigValidator(catalog: Catalog): ConfigValidator {
  const schemas = new Map(catalog.types.filter((t) => t.configSchema).map((t) => [t.id, t.configSchema!]));
  const compiled = new Map<string, SchemaValidator>();
  return (id, config) => {
    const schema = schemas.get(id);
    if (!schema) return null;
    let validate = compiled.get(id);
    if (!validate) {
      validate = classifySchemaAjv().compile(schema) as SchemaValidator;
      compiled.set(id, validate);
    }
    return checkConfig(validate, config);
  };
}
