// How commands find their catalog: --catalog <catalog.json>, or built from --root (default definitions/).
import path from 'node:path';
import { CatalogError, readCatalogFile } from '../catalog/load-catalog.ts';
import { checkedCatalog } from '../checks/run.ts';
import type { Catalog } from '../model/catalog.ts';
import { formatText } from '../report/text.ts';
import { fail } from './io.ts';

export async function resolveCatalog(options: { catalog?: string; root?: string }): Promise<Catalog> {
  try {
    if (options.catalog) return await readCatalogFile(options.catalog);
    return (await checkedCatalog({ root: path.resolve(options.root ?? 'definitions') })).catalog;
  } catch (error) {
    if (error instanceof CatalogError) {
      if (error.findings.length > 0) process.stderr.write(formatText(error.findings, 0));
      fail(error.message);
    }
    throw error;
  }
}
