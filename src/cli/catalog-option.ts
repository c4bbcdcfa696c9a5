// How commands find their catalog: --catalog <catalog.json>, or built from --root (default definitions/).
import path from 'node:path';
import { CatalogError, readCatalogFile } from '../catalog/load-catalog.ts';
import { checkedCatalog, runChecks } from '../checks/run.ts';
import type { Catalog } from '../model/catalog.ts';
import { formatText, summarize } from '../report/text.ts';
import { fail } from './io.ts';

export interface ResolveOptions {
  /**
   * Use every definition that builds even when the checker finds errors, with a warning: a contributor
   * classifies their own example while iterating, whatever else is unfinished in the catalog.
   */
  lenient?: boolean;
}

export async function resolveCatalog(options: { catalog?: string; root?: string }, how: ResolveOptions = {}): Promise<Catalog> {
  try {
    if (options.catalog) return await readCatalogFile(options.catalog);
    const root = path.resolve(options.root ?? 'definitions');
    if (how.lenient) return await lenientCatalog(root);
    return (await checkedCatalog({ root })).catalog;
  } catch (error) {
    if (error instanceof CatalogError) {
      if (error.findings.length > 0) process.stderr.write(formatText(error.findings));
      fail(error.message);
    }
    throw error;
  }
}

async function lenientCatalog(root: string): Promise<Catalog> {
  const { findings, catalog, checked } = await runChecks({ root });
  const { errors } = summarize(findings);
  if (errors > 0) {
    const unbuilt = checked.filter((c) => !c.entry).map((c) => c.source.id);
    process.stderr.write(
      `warning: the definitions have ${errors} error${errors === 1 ? '' : 's'} (run artifact-types validate); classifying with the ${catalog.types.length} types that build` +
        `${unbuilt.length > 0 ? `, without ${unbuilt.join(', ')}` : ''}\n`,
    );
  }
  return catalog;
}
