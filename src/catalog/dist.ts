// dist/: catalog.json plus the logos and config schemas as files (and the npm package, a step).
// Each build is written whole into its own directory; dist is a symlink swapped in one rename.
import { copyFile, lstat, mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog } from '../model/catalog.ts';

/** Steps that add to the staged output (the npm package generator registers here). */
export type DistStep = (staging: string, catalog: Catalog, definitionsRoot: string) => Promise<void>;
export const DIST_STEPS: DistStep[] = [];

/**
 * Where a build lives: every build gets its own directory beside `out`, and `out` is a symlink to
 * the current one, replaced by a single rename(2). A build killed at any moment leaves `out`
 * pointing at the previous complete build or the new complete one, never at nothing.
 */
export function buildsDir(out: string): string {
  return path.join(path.dirname(out), `.${path.basename(out)}-builds`);
}

async function isRealDirectory(file: string): Promise<boolean> {
  return lstat(file).then((s) => s.isDirectory() && !s.isSymbolicLink(), () => false);
}

export async function writeDist(out: string, catalog: Catalog, definitionsRoot: string, steps: readonly DistStep[] = DIST_STEPS): Promise<void> {
  const builds = buildsDir(out);
  const name = `build-${Date.now()}-${process.pid}`;
  const staging = path.join(builds, name);
  const link = `${out}.link-${process.pid}`;
  try {
    await mkdir(path.join(staging, 'logos'), { recursive: true });
    await mkdir(path.join(staging, 'schemas'), { recursive: true });
    await writeFile(path.join(staging, 'catalog.json'), `${JSON.stringify(catalog)}\n`);
    for (const type of catalog.types) {
      await copyFile(path.join(definitionsRoot, type.id, 'logo.svg'), path.join(staging, 'logos', `${type.id}.svg`));
      if (type.configSchema) await writeFile(path.join(staging, 'schemas', `${type.id}.json`), `${JSON.stringify(type.configSchema, null, 2)}\n`);
    }
    for (const step of steps) await step(staging, catalog, definitionsRoot);
    // A dist/ left as a real directory by an older layout moves into the builds folder once.
    if (await isRealDirectory(out)) await rename(out, path.join(builds, `build-0-previous`));
    await rm(link, { force: true });
    await symlink(path.relative(path.dirname(out), staging), link);
    await rename(link, out);
  } catch (error) {
    await rm(link, { force: true });
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await removeStale(out, name);
}

/** Drops every build but the current one, and links or staging folders left by killed builds. */
async function removeStale(out: string, current: string): Promise<void> {
  const builds = buildsDir(out);
  for (const entry of await readdir(builds)) {
    if (entry !== current) await rm(path.join(builds, entry), { recursive: true, force: true });
  }
  const base = path.basename(out);
  for (const entry of await readdir(path.dirname(out))) {
    if (entry.startsWith(`${base}.link-`) || entry.startsWith(`${base}.staging-`) || entry.startsWith(`${base}.old-`)) {
      await rm(path.join(path.dirname(out), entry), { recursive: true, force: true });
    }
  }
}
