// dist/: catalog.json plus the logos and config schemas as files. Written into a sibling temp
// directory and swapped in with renames, so dist/ is always a complete build (old or new).
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog } from '../model/catalog.ts';

/** Steps that add to the staged output (the npm package generator registers here). */
export type DistStep = (staging: string, catalog: Catalog, definitionsRoot: string) => Promise<void>;
export const DIST_STEPS: DistStep[] = [];

export async function writeDist(out: string, catalog: Catalog, definitionsRoot: string, steps: readonly DistStep[] = DIST_STEPS): Promise<void> {
  const staging = `${out}.staging-${process.pid}`;
  const old = `${out}.old-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    await mkdir(path.join(staging, 'logos'), { recursive: true });
    await mkdir(path.join(staging, 'schemas'), { recursive: true });
    await writeFile(path.join(staging, 'catalog.json'), `${JSON.stringify(catalog)}\n`);
    for (const type of catalog.types) {
      await copyFile(path.join(definitionsRoot, type.id, 'logo.svg'), path.join(staging, 'logos', `${type.id}.svg`));
      if (type.configSchema) await writeFile(path.join(staging, 'schemas', `${type.id}.json`), `${JSON.stringify(type.configSchema, null, 2)}\n`);
    }
    for (const step of steps) await step(staging, catalog, definitionsRoot);
    // Swap: dist → dist.old, staging → dist, then drop dist.old. A crash in between leaves
    // either the old or the new complete build under one of the names.
    await rm(old, { recursive: true, force: true });
    await rename(out, old).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(staging, out);
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
