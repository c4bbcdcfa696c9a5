// TypeScript declarations for the package, emitted by tsc from the real sources (runtime/index.ts,
// src/classify, src/model), so the published types cannot drift from the code. The stand-in
// ArtifactTypeId = string becomes the union of every id in the catalog. The files are moved out of
// the repository's layout: the entry becomes index.d.ts, the rest types/<file> and types/<dir>/<file>.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../../src/model/catalog.ts';
import { RUNTIME_ENTRY } from './bundle.ts';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNTIME_DIR = path.relative(REPO_ROOT, path.dirname(RUNTIME_ENTRY)).split(path.sep).join('/');
const ENTRY = `${RUNTIME_DIR}/index.d.ts`;
const STAND_IN_ID_TYPE = 'export type ArtifactTypeId = string;';

export function idUnion(catalog: Catalog): string {
  return catalog.types.length === 0 ? 'never' : catalog.types.map((t) => JSON.stringify(t.id)).join(' | ');
}

async function declarationFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.d.ts')).map((e) => path.join(e.parentPath, e.name));
}

/** Where a declaration tsc wrote (path relative to the repo root) goes in the package. */
export function publishedPath(file: string): string {
  if (file === ENTRY) return 'index.d.ts';
  if (file.startsWith(`${RUNTIME_DIR}/`)) return `types/${file.slice(RUNTIME_DIR.length + 1)}`;
  if (file.startsWith('src/')) return `types/${file.slice('src/'.length)}`;
  throw new Error(`the package declarations reach ${file}, outside ${RUNTIME_DIR}/ and src/; add a place for it in scripts/package/declarations.ts`);
}

/** Rewrites relative imports for the new places; the sources import with .ts, published declarations point at .js. */
function relink(text: string, from: string): string {
  return text.replace(/(['"])(\.{1,2}\/[^'"\n]*?)\.(?:d\.)?[jt]s\1/g, (_match, quote: string, spec: string) => {
    const target = publishedPath(`${path.posix.join(path.posix.dirname(from), spec)}.d.ts`);
    let relative = path.posix.relative(path.posix.dirname(publishedPath(from)), target).replace(/\.d\.ts$/, '.js');
    if (!relative.startsWith('.')) relative = `./${relative}`;
    return `${quote}${relative}${quote}`;
  });
}

/** Writes <packageDir>/index.d.ts and <packageDir>/types/**. */
export async function writeDeclarations(packageDir: string, catalog: Catalog): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-dts-'));
  const outDir = path.join(work, 'out');
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
    let unionWritten = false;
    for (const file of await declarationFiles(outDir)) {
      const from = path.relative(outDir, file).split(path.sep).join('/');
      let text = relink(await readFile(file, 'utf8'), from);
      if (text.includes(STAND_IN_ID_TYPE)) {
        text = text.replace(STAND_IN_ID_TYPE, `export type ArtifactTypeId = ${idUnion(catalog)};`);
        unionWritten = true;
      }
      const to = path.join(packageDir, publishedPath(from));
      await mkdir(path.dirname(to), { recursive: true });
      await writeFile(to, text);
    }
    if (!unionWritten) throw new Error('the ArtifactTypeId declaration was not found in the emitted generated.d.ts');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
