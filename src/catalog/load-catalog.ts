// The catalog a command or server works from: built from definitions/ (refusing one with errors)
// or read from a prebuilt catalog.json.
import { readFile } from 'node:fs/promises';
import type { Catalog } from '../model/catalog.ts';
import type { Finding } from '../model/finding.ts';
import { catalogProblems } from './verify-catalog.ts';
import { catalogConfigSchemaProblems } from './verify-config-schemas.ts';

export class CatalogError extends Error {
  constructor(
    message: string,
    readonly findings: Finding[] = [],
  ) {
    super(message);
  }
}

export async function readCatalogFile(file: string): Promise<Catalog> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CatalogError(`cannot read catalog ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let catalog: Catalog;
  try {
    catalog = JSON.parse(text);
  } catch (error) {
    throw new CatalogError(`catalog ${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof catalog !== 'object' || catalog === null || catalog.formatVersion !== 1 || !Array.isArray(catalog.types)) {
    throw new CatalogError(`${file} is not an artifact-types catalog (expected formatVersion 1 and a types array); build one with \`npm run build\``);
  }
  const problems = catalogProblems(catalog);
  if (problems.length > 0) {
    throw new CatalogError(`${file} is not a valid artifact-types catalog (schemas/catalog.schema.json):\n${problems.map((p) => `  ${p.message}`).join('\n')}\nrebuild it from definitions/ with \`npm run build\` instead of editing it`);
  }
  // Schemas run on every classify: the checker's limits hold for a catalog built elsewhere too.
  const schemaProblems = await catalogConfigSchemaProblems(catalog);
  if (schemaProblems.length > 0) {
    throw new CatalogError(`${file} has config schemas the checker refuses:\n${schemaProblems.map((p) => `  ${p}`).join('\n')}\nrebuild it from definitions/ with \`npm run build\` (the checker runs first)`);
  }
  return catalog;
}
