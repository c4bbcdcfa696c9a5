// Config validators as code: each type's config schema compiled by ajv standalone, in its own fresh
// instance (a schema cannot see or claim another's $id), into an ES module the bundler then inlines
// together with the ajv runtime helpers and ajv-formats formats it refers to.
import standaloneModule from 'ajv/dist/standalone/index.js';
import { standaloneSchemaAjv } from '../../src/schema/ajv.ts';
import type { Catalog } from '../../src/model/catalog.ts';

const standaloneCode = standaloneModule as unknown as typeof standaloneModule.default;

/** One generated module per type with a config schema, in catalog order. */
export interface ValidatorModule {
  id: string;
  /** ES module source whose default export is the validate function. */
  code: string;
}

export function validatorModules(catalog: Catalog): ValidatorModule[] {
  const modules: ValidatorModule[] = [];
  for (const type of catalog.types) {
    if (!type.configSchema) continue;
    const ajv = standaloneSchemaAjv();
    let code: string;
    try {
      code = standaloneCode(ajv, ajv.compile(type.configSchema));
    } catch (error) {
      // The checker compiled this schema already; if code generation still fails, say where.
      throw new Error(`cannot generate the config validator for ${type.id} (definitions/${type.id}/config.schema.json): ${(error as Error).message.split('\n')[0]}`);
    }
    modules.push({ id: type.id, code });
  }
  return modules;
}
