// What the catalog-wide rules need of a folder (its listing, definition and examples as values),
// kept in the cache so a folder git vouches for is not read at all. The texts (for a finding's
// line and column) are read from disk only if a finding needs them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@humanwhocodes/momoa';
import type { JsonSource } from '../catalog/json-source.ts';
import { displayPath, type DefinitionSource, type ExampleRole } from '../catalog/load.ts';

export interface FolderIndex {
  entries: string[];
  definition: unknown;
  examples: Array<{ name: string; stem: string; role: ExampleRole; value: unknown }>;
}

export function folderIndex(source: DefinitionSource): FolderIndex {
  return {
    entries: source.entries,
    definition: source.definition ? source.definition.value : null,
    examples: source.examples.map((e) => ({ name: e.name, stem: e.stem, role: e.role, value: e.source.value })),
  };
}

/** A source whose text and AST are read and parsed on first use. */
function lazySource(absolute: string, value: unknown): JsonSource {
  let text: string | undefined;
  let ast: JsonSource['ast'] | undefined;
  const source = { file: displayPath(absolute), value } as JsonSource;
  Object.defineProperty(source, 'text', { get: () => (text ??= readFileSync(absolute, 'utf8')), enumerable: true });
  Object.defineProperty(source, 'ast', { get: () => (ast ??= parse(source.text, { mode: 'json', tokens: false, ranges: false })), enumerable: false });
  return source;
}

/** The folder as the catalog-wide rules see it, from its index (only definition and examples are there). */
export function sourceFromIndex(root: string, id: string, index: FolderIndex): DefinitionSource {
  const dir = path.join(root, id);
  return {
    id,
    dir: displayPath(dir),
    entries: index.entries,
    definition: index.definition === null ? null : lazySource(path.join(dir, 'definition.json'), index.definition),
    logo: null,
    configSchema: null,
    readme: null,
    examples: index.examples.map((e) => ({ name: e.name, stem: e.stem, role: e.role, source: lazySource(path.join(dir, 'examples', e.name), e.value) })),
    findings: [],
  };
}
