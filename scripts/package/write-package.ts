// The dist step that writes dist/package/, the npm package `artifact-types`, into the staging
// directory (src/catalog/dist.ts renames the whole staging directory into place afterwards).
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DistStep } from '../../src/catalog/dist.ts';
import { bundleBin, bundlePackage } from './bundle.ts';
import { writeDeclarations } from './declarations.ts';
import { packageJson } from './manifest.ts';
import { packageReadme } from './readme.ts';
import { validatorModules } from './validators.ts';

/** Text that must never appear in the shipped code: run-time code generation and run-time imports. */
export const FORBIDDEN_CODE: ReadonlyArray<[RegExp, string]> = [
  [/\beval\(/, 'eval('],
  [/\bFunction\(/, 'Function('],
  // Not inside a string: ajv's runtime helpers carry their own require("…") text for code generation.
  [/(?<!['"])\brequire\(/, 'require('],
  [/\bimport\(/, 'import('],
  [/^\s*import\s[^;\n]*?from\s*['"]/m, 'an import statement'],
];

export function forbiddenCode(text: string): string[] {
  return FORBIDDEN_CODE.filter(([pattern]) => pattern.test(text)).map(([, name]) => name);
}

export const writePackage: DistStep = async (staging, catalog) => {
  const dir = path.join(staging, 'package');
  await mkdir(path.join(dir, 'logos'), { recursive: true });
  await mkdir(path.join(dir, 'schemas'), { recursive: true });
  // The data files: the same ones dist/ holds, which the earlier part of the dist build wrote.
  await copyFile(path.join(staging, 'catalog.json'), path.join(dir, 'catalog.json'));
  const logos = new Map<string, string>();
  for (const type of catalog.types) {
    const logo = path.join('logos', `${type.id}.svg`);
    await copyFile(path.join(staging, logo), path.join(dir, logo));
    logos.set(type.id, await readFile(path.join(staging, logo), 'utf8'));
    if (type.configSchema) await copyFile(path.join(staging, 'schemas', `${type.id}.json`), path.join(dir, 'schemas', `${type.id}.json`));
  }
  const bundle = await bundlePackage(catalog, logos, validatorModules(catalog));
  const found = forbiddenCode(bundle.code);
  if (found.length > 0) throw new Error(`the bundled index.js contains ${found.join(', ')}; the package must import nothing and generate no code at run time`);
  await writeFile(path.join(dir, 'index.js'), bundle.code);
  await writeFile(path.join(dir, 'index.js.map'), bundle.map);
  // The command imports node: built-ins and ./index.js, but it generates no code either.
  const bin = await bundleBin(catalog);
  const binFound = forbiddenCode(bin).filter((name) => name !== 'an import statement');
  if (binFound.length > 0) throw new Error(`the bundled bin.js contains ${binFound.join(', ')}; it must generate no code at run time`);
  await writeFile(path.join(dir, 'bin.js'), bin, { mode: 0o755 });
  await writeDeclarations(dir, catalog);
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(packageJson(catalog), null, 2)}\n`);
  await writeFile(path.join(dir, 'README.md'), packageReadme(catalog));
  // npm always packs a LICENSE file; the catalog is published under the repository's license.
  await copyFile(new URL('../../LICENSE', import.meta.url), path.join(dir, 'LICENSE'));
};
