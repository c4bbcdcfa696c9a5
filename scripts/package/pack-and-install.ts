// Builds the package from a definitions directory into a temp dir with the real CLI, packs it with
// `npm pack`, and installs the tarball into a fresh temp project (offline; it has no deps). Used by
// test/package/ and the package benchmark.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../../src/model/catalog.ts';

export const exec = promisify(execFile);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface InstalledPackage {
  temp: string;
  /** The build output (dist/ equivalent). */
  out: string;
  tarball: string;
  /** The consumer project the tarball is installed into. */
  project: string;
  /** node_modules/artifact-types inside the project. */
  installed: string;
  /** The catalog the build wrote (dist/catalog.json). */
  catalog: Catalog;
  /** Files in the tarball, as `npm pack --json` lists them. */
  packedFiles: Array<{ path: string; size: number }>;
  packedSize: number;
  unpackedSize: number;
}

/** Runs a command, turning a failure into an error that carries its output. */
export async function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${path.basename(file)} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`);
  }
}

export async function buildAndInstall(root: string): Promise<InstalledPackage> {
  const temp = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-package-'));
  const out = path.join(temp, 'dist');
  await run(process.execPath, ['bin/artifact-types.js', 'build', '--root', root, '--out', out, '--no-generated'], REPO_ROOT);
  const packDir = path.join(temp, 'packed');
  await mkdir(packDir);
  const pack = await run('npm', ['pack', path.join(out, 'package'), '--pack-destination', packDir, '--json', '--ignore-scripts'], temp);
  const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string; size: number }> }>;
  const tarball = path.join(packDir, info!.filename);
  const project = path.join(temp, 'consumer');
  await mkdir(project);
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], project);
  const installed = path.join(project, 'node_modules', 'artifact-types');
  const catalog = JSON.parse(await readFile(path.join(out, 'catalog.json'), 'utf8')) as Catalog;
  return { temp, out, tarball, project, installed, catalog, packedFiles: info!.files, packedSize: info!.size, unpackedSize: info!.unpackedSize };
}

export async function removeInstall(pkg: InstalledPackage | undefined): Promise<void> {
  if (pkg) await rm(pkg.temp, { recursive: true, force: true });
}
