// The catalog the registry tests work with: built from definitions/ by the checker, keeping every
// type whose definition passed the schema (other engineers' work in progress must not block these
// tests), with the digest recomputed over exactly those types.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildCatalog } from '../../src/catalog/build.ts';
import { runChecks } from '../../src/checks/run.ts';
import type { Catalog } from '../../src/model/catalog.ts';

export const DEFINITIONS = path.resolve(import.meta.dirname, '../../definitions');

export async function definitionsCatalog(): Promise<Catalog> {
  const { catalog } = await runChecks({ root: DEFINITIONS });
  const types = catalog.types.filter((t) => existsSync(path.join(DEFINITIONS, t.id, 'logo.svg')));
  return buildCatalog({ name: catalog.name, version: catalog.version }, types);
}
