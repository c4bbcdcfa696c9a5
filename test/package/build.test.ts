// The build's guarantees: it refuses a catalog with checker errors, and a failed build never
// leaves a half-written output (the previous build stays, the staging directory is gone).
import { cp, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDist } from '../../src/catalog/dist.ts';
import { checkedCatalog } from '../../src/checks/run.ts';
import { exec, DEFINITIONS, REPO_ROOT } from './installed-package.ts';

let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-build-'));
});
afterAll(() => rm(temp, { recursive: true, force: true }));

async function previousBuild(out: string): Promise<void> {
  await rm(out, { recursive: true, force: true });
  await mkdir(path.join(out, 'marker'), { recursive: true });
  await writeFile(path.join(out, 'marker', 'file'), 'from the previous build');
  await writeFile(path.join(out, 'catalog.json'), '{"previous":true}\n');
}

/** Anything a build may leave behind: stray links or staging folders, and builds dist does not point to. */
async function leftovers(): Promise<string[]> {
  const names = (await readdir(temp)).filter((name) => /\.(staging|old|link)-/.test(name));
  const current = await readlink(path.join(temp, 'dist')).then((target) => path.basename(target), () => null);
  const builds = (await readdir(path.join(temp, '.dist-builds')).catch(() => [])).filter((b) => b !== current).map((b) => `.dist-builds/${b}`);
  return [...names, ...builds];
}

describe('artifact-types build', () => {
  it('refuses a catalog with checker errors and leaves the previous output untouched', async () => {
    const root = path.join(temp, 'definitions');
    await cp(DEFINITIONS, root, { recursive: true });
    const victim = (await readdir(root, { withFileTypes: true })).find((e) => e.isDirectory())!.name;
    await writeFile(path.join(root, victim, 'definition.json'), '{ "id": ');
    const out = path.join(temp, 'dist');
    await previousBuild(out);
    const failure = await exec(process.execPath, ['bin/artifact-types.js', 'build', '--root', root, '--out', out, '--no-generated'], { cwd: REPO_ROOT }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('refusing to build');
    expect(failure?.stderr).toContain(`${victim}/definition.json`);
    expect(failure?.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await readFile(path.join(out, 'catalog.json'), 'utf8')).toBe('{"previous":true}\n');
    expect(await readdir(path.join(out))).toEqual(['catalog.json', 'marker']);
    expect(await leftovers()).toEqual([]);
  });

  it('--no-package writes dist without the npm package, and leaves no staging directory', async () => {
    const out = path.join(temp, 'dist-no-package');
    const { stderr } = await exec(process.execPath, ['bin/artifact-types.js', 'build', '--root', DEFINITIONS, '--out', out, '--no-generated', '--no-package'], { cwd: REPO_ROOT });
    expect(stderr).toMatch(/^built \d+ types/m);
    expect(stderr).not.toContain('updated README.md');
    expect((await readdir(out)).sort()).toEqual(['catalog.json', 'logos', 'schemas']);
    expect(await leftovers()).toEqual([]);
  });

  it('keeps the previous output when a step fails half way, and removes the staging directory', async () => {
    const { catalog } = await checkedCatalog({ root: DEFINITIONS }, ['generated/drift']);
    const out = path.join(temp, 'dist');
    await previousBuild(out);
    let staged: string[] = [];
    const failingStep = async (staging: string) => {
      await writeFile(path.join(staging, 'half-written'), 'x');
      staged = await readdir(staging);
      throw new Error('disk full');
    };
    await expect(writeDist(out, catalog, DEFINITIONS, [failingStep])).rejects.toThrow('disk full');
    expect(staged).toContain('catalog.json'); // the step really ran inside a staged build
    expect(await readFile(path.join(out, 'catalog.json'), 'utf8')).toBe('{"previous":true}\n');
    expect(await readdir(out)).toEqual(['catalog.json', 'marker']);
    expect(await leftovers()).toEqual([]);
  });

  it('replaces the previous output as a whole when the build succeeds', async () => {
    const { catalog } = await checkedCatalog({ root: DEFINITIONS }, ['generated/drift']);
    const out = path.join(temp, 'dist');
    await previousBuild(out);
    await writeDist(out, catalog, DEFINITIONS, []);
    expect((await readdir(out)).sort()).toEqual(['catalog.json', 'logos', 'schemas']);
    expect(JSON.parse(await readFile(path.join(out, 'catalog.json'), 'utf8')).digest).toBe(catalog.digest);
    expect(await leftovers()).toEqual([]);
  });
});
