// Config validation for classification at run time (CLI and API): each type's schema compiled once,
// lazily, in the first-error ajv instance, and run within the limits of config-budget.ts. The npm
// package uses precompiled code with the same limits.
import type { ConfigValidator } from '../model/classification.ts';
import type { Catalog } from '../model/catalog.ts';
import { classifySchemaAjv } from './ajv.ts';
import { checkConfig, type SchemaValidator } from './config-budget.ts';

export function makeConfigValidator(catalog: Catalog): ConfigValidator {
  const schemas = new Map(catalog.types.filter((t) => t.configSchema).map((t) => [t.id, t.configSchema!]));
  const compiled = new Map<string, SchemaValidator | string>();
  return (id, config) => {
    const schema = schemas.get(id);
    if (!schema) return null;
    let validate = compiled.get(id);
    if (!validate) {
      try {
        validate = classifySchemaAjv().compile(schema) as SchemaValidator;
      } catch (error) {
        // The checker compiled it; a catalog from elsewhere may not: answer that, not a 500, on every request.
        validate = `config not checked: the type's config schema does not compile (${String((error as Error).message).split('\n')[0]!.slice(0, 200)})`;
      }
      compiled.set(id, validate);
    }
    return typeof validate === 'string' ? [{ pointer: '', message: validate }] : checkConfig(validate, config);
  };
}
