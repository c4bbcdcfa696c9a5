// The real catalog, checked once per test file, with every example manifest paired with its config.
import path from 'node:path';
import { runChecks } from '../../src/checks/run.ts';
import { buildLookup, type Lookup } from '../../src/classify/index.ts';

export interface CatalogExample {
  id: string;
  role: 'manifest' | 'not-this';
  name: string;
  manifest: unknown;
  /** The same-stem config example, if any. */
  config: unknown;
  /** Whether the type built (its definition passed the schema). */
  built: boolean;
}

export async function realCatalog(): Promise<{ lookup: Lookup; examples: CatalogExample[] }> {
  const { catalog, checked } = await runChecks({ root: path.resolve(import.meta.dirname, '../../definitions') });
  const examples = checked.flatMap(({ source, entry }) =>
    source.examples
      .filter((e) => e.role === 'manifest' || e.role === 'not-this')
      .map((e) => ({
        id: source.id,
        role: e.role as CatalogExample['role'],
        name: e.name,
        manifest: e.source.value,
        config: source.examples.find((c) => c.role === 'config' && c.stem === e.stem)?.source.value,
        built: entry !== null,
      })),
  );
  return { lookup: buildLookup(catalog.types), examples };
}
