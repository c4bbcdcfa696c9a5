// Where the served catalog comes from: built (and checked) from definitions/, read from a prebuilt
// catalog.json with its dist/ logos, or handed over in memory. Each yields the catalog plus the
// files the catalog does not carry (logo SVGs, README bodies).
import path from 'node:path';
import { parseFrontMatter } from '../catalog/front-matter.ts';
import { ID_PATTERN, LIMITS } from '../catalog/load.ts';
import { CatalogError, readCatalogFile } from '../catalog/load-catalog.ts';
import { sha256 } from '../catalog/digest.ts';
import { readTextFile } from '../catalog/read-file.ts';
import { checkedCatalog } from '../checks/run.ts';
import type { Catalog } from '../model/catalog.ts';

export interface LoadedCatalog {
  catalog: Catalog;
  /** Logo SVG text by type id; a missing entry answers 404. */
  logos: ReadonlyMap<string, string>;
  /** README body (front matter removed) by type id; missing ones fall back to the summary. */
  docs: ReadonlyMap<string, string>;
  /** Where it came from, for logs. */
  source: string;
}

export type CatalogLoader = () => Promise<LoadedCatalog>;

function readmeBody(text: string): string {
  try {
    return parseFrontMatter(text).body.replace(/^\s*\n/, '');
  } catch {
    return text;
  }
}

/** Builds from a definitions directory; throws CatalogError (with findings) when checks fail. */
export function loadFromRoot(root: string, ignoreRules?: string[]): CatalogLoader {
  const absolute = path.resolve(root);
  return async () => {
    const result = await checkedCatalog({ root: absolute }, ignoreRules);
    const logos = new Map<string, string>();
    const docs = new Map<string, string>();
    for (const { source, entry } of result.checked) {
      if (!entry) continue;
      if (source.logo) logos.set(entry.id, source.logo.text);
      if (source.readme) docs.set(entry.id, readmeBody(source.readme.text));
    }
    return { catalog: result.catalog, logos, docs, source: absolute };
  };
}

/** Reads a prebuilt catalog.json; logos from logos/<id>.svg and docs from docs/<id>.md beside it. */
export function loadFromFile(file: string): CatalogLoader {
  const absolute = path.resolve(file);
  const dir = path.dirname(absolute);
  return async () => {
    const catalog = await readCatalogFile(absolute);
    const logos = new Map<string, string>();
    const docs = new Map<string, string>();
    await Promise.all(
      catalog.types.map(async (type) => {
        // Ids become file names: only ones the checker would accept.
        if (typeof type.id !== 'string' || !ID_PATTERN.test(type.id)) return;
        const logo = await readTextFile(path.join(dir, 'logos', `${type.id}.svg`), `logos/${type.id}.svg`, LIMITS.logo);
        if (logo.ok) {
          // Logos are served immutable at their ?v=<hash> URL: one from another build must not pass as this one.
          if (sha256(logo.source.text) !== type.logo.sha256) throw new CatalogError(`${path.join(dir, 'logos', `${type.id}.svg`)} does not match the logo digest ${type.logo.sha256} in ${absolute}: the logos/ beside it come from another build; rebuild both with \`npm run build\``);
          logos.set(type.id, logo.source.text);
        }
        const readme = await readTextFile(path.join(dir, 'docs', `${type.id}.md`), `docs/${type.id}.md`, LIMITS.readme);
        if (readme.ok) docs.set(type.id, readmeBody(readme.source.text));
      }),
    );
    return { catalog, logos, docs, source: absolute };
  };
}

/** A catalog already in memory (e.g. pulled from a registry); logos and docs optional. */
export function loadFromMemory(catalog: Catalog, extra: { logos?: ReadonlyMap<string, string>; docs?: ReadonlyMap<string, string> } = {}): CatalogLoader {
  return async () => ({ catalog, logos: extra.logos ?? new Map(), docs: extra.docs ?? new Map(), source: 'memory' });
}

/** A checked catalog with the logos and README bodies from its definitions directory (the build's static export). */
export function loadFromDefinitions(catalog: Catalog, root: string): CatalogLoader {
  const absolute = path.resolve(root);
  return async () => {
    const logos = new Map<string, string>();
    const docs = new Map<string, string>();
    for (const type of catalog.types) {
      if (!ID_PATTERN.test(type.id)) continue;
      const logo = await readTextFile(path.join(absolute, type.id, 'logo.svg'), `${type.id}/logo.svg`, LIMITS.logo);
      if (logo.ok) logos.set(type.id, logo.source.text);
      const readme = await readTextFile(path.join(absolute, type.id, 'README.md'), `${type.id}/README.md`, LIMITS.readme);
      if (readme.ok) docs.set(type.id, readmeBody(readme.source.text));
    }
    return { catalog, logos, docs, source: absolute };
  };
}
