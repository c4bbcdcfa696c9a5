// Config validation for classification at run time (CLI and API): each type's schema compiled once,
// lazily, in the contributed-schema ajv instance. The npm package uses precompiled code instead.
import type { ConfigValidator } from '../classify/index.ts';
import type { Catalog } from '../model/catalog.ts';
import { contributedSchemaAjv } from './ajv.ts';

export function makeConfigValidator(catalog: Catalog): ConfigValidator {
  const schemas = new Map(catalog.types.filter((t) => t.configSchema).map((t) => [t.id, t.configSchema!]));
  const compiled = new Map<string, ReturnType<ReturnType<typeof contributedSchemaAjv>['compile']>>();
  return (id, config) => {
    const schema = schemas.get(id);
    if (!schema) return null;
    let validate = compiled.get(id);
    if (!validate) {
      validate = contributedSchemaAjv().compile(schema);
      compiled.set(id, validate);
    }
    if (validate(config)) return [];
    return (validate.errors ?? []).slice(0, 20).map((e) => ({ pointer: e.instancePath, message: `${e.instancePath || 'config'} ${e.message ?? 'is invalid'}` }));
  };
}
