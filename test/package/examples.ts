// Every example of every definition in the built catalog, read from definitions/<id>/examples,
// with manifests paired to the config example of the same stem (as the checker pairs them).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog } from '../../src/model/catalog.ts';

export interface Example {
  id: string;
  file: string;
  role: 'manifest' | 'not-this' | 'config';
  value: unknown;
  /** For manifests: the config example with the same stem, if any. */
  config?: unknown;
}

const ROLES = [['.manifest.json', 'manifest'], ['.not-this.json', 'not-this'], ['.config.json', 'config']] as const;

export async function readExamples(definitions: string, catalog: Catalog): Promise<Example[]> {
  const all: Example[] = [];
  for (const type of catalog.types) {
    const dir = path.join(definitions, type.id, 'examples');
    const names = (await readdir(dir).catch(() => [] as string[])).sort();
    const own: Array<Example & { stem: string }> = [];
    for (const name of names) {
      const role = ROLES.find(([suffix]) => name.endsWith(suffix));
      if (!role) continue;
      const value = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as unknown;
      own.push({ id: type.id, file: `definitions/${type.id}/examples/${name}`, role: role[1], value, stem: name.slice(0, -role[0].length) });
    }
    for (const example of own) {
      const config = example.role === 'manifest' ? own.find((e) => e.role === 'config' && e.stem === example.stem) : undefined;
      const { stem: _stem, ...rest } = example;
      all.push(config ? { ...rest, config: config.value } : rest);
    }
  }
  return all;
}
