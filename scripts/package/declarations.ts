// TypeScript declarations for the package, emitted by tsc from the real sources (runtime/index.ts,
// src/classify, src/model), so the published types cannot drift from the code. The stand-in
// ArtifactTypeId = string becomes the union of every id in the catalog.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../../src/model/catalog.ts';
import { RUNTIME_ENTRY } from './bundle.ts';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the entry's declaration lands inside types/ (tsc keeps paths relative to the repo root). */
export const TYPES_ENTRY = `types/${path.relative(REPO_ROOT, RUNTIME_ENTRY).split(path.sep).join('/').replace(/\.ts$/, '.js')}`;
const STAND_IN_ID_TYPE = 'export type ArtifactTypeId = string;';

export function idUnion(catalog: Catalog): string {
  return catalog.types.length === 0 ? 'never' : catalog.types.map((t) => JSON.stringify(t.id)).join(' | ');
}

async function declarationFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.d.ts')).map((e) => path.join(e.parentPath, e.name));
}

/** Writes <packageDir>/types/** and the entry declaration index.d.ts. */
export async function writeDeclarations(packageDir: string, catalog: Catalog): Promise<void> {
  const outDir = path.join(packageDir, 'types');
  const work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-dts-'));
  try {
    const tsconfig = path.join(work, 'tsconfig.json');
    await writeFile(tsconfig, JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
        declaration: true, emitDeclarationOnly: true, allowImportingTsExtensions: true,
        rootDir: REPO_ROOT, outDir, skipLibCheck: true, types: [],
      },
      files: [RUNTIME_ENTRY],
    }));
    try {
      await run(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig], { cwd: REPO_ROOT });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`tsc could not emit the package declarations:\n${stdout}${stderr}`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  for (const file of await declarationFiles(outDir)) {
    let text = await readFile(file, 'utf8');
    // The sources import with .ts extensions; published declarations point at .js.
    text = text.replace(/(['"])(\.{1,2}\/[^'"\n]*?)\.ts\1/g, '$1$2.js$1');
    if (text.includes(STAND_IN_ID_TYPE)) text = text.replace(STAND_IN_ID_TYPE, `export type ArtifactTypeId = ${idUnion(catalog)};`);
    await writeFile(file, text);
  }
  const generated = await readFile(path.join(outDir, path.dirname(TYPES_ENTRY).slice('types/'.length), 'generated.d.ts'), 'utf8');
  if (!generated.includes('export type ArtifactTypeId = ')) throw new Error('the ArtifactTypeId declaration was not found in the emitted generated.d.ts');
  await writeFile(path.join(packageDir, 'index.d.ts'), `export * from './${TYPES_ENTRY}';\n`);
}
