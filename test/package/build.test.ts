// The build's guarantees: it refuses a catalog with checker errors, and a failed build never
// leaves a half-written output (the previous build stays, the staging directory is gone).
import { cp, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_STEPS, writeDist } from '../../src/catalog/dist.ts';
import { checkedCatalog } from '../../src/checks/run.ts';
import type { ArtifactType, Catalog } from '../../src/model/catalog.ts';
import { writePackage } from '../../scripts/package/write-package.ts';
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

/**
 * The one successful build of this file, with the same steps as `artifact-types build` (so it writes
 * dist/package/ too), over a previous output; what it wrote is read at once, so later tests that reuse
 * temp/dist cannot change what the tests of it see. Memoized: whichever test needs it first runs it.
 */
let successful: Promise<{ catalog: Catalog; entries: string[]; catalogJson: Catalog; readme: string; packageDir: string; leftovers: string[] }> | undefined;
function successfulBuild() {
  successful ??= (async () => {
    const { catalog } = await checkedCatalog({ root: DEFINITIONS }, ['generated/drift']);
    const out = path.join(temp, 'dist');
    await previousBuild(out);
    await writeDist(out, catalog, DEFINITIONS, [...DIST_STEPS, writePackage]);
    const packageDir = path.join(path.dirname(out), await readlink(out), 'package');
    return {
      catalog,
      entries: (await readdir(out)).sort(),
      catalogJson: JSON.parse(await readFile(path.join(out, 'catalog.json'), 'utf8')) as Catalog,
      readme: await readFile(path.join(packageDir, 'README.md'), 'utf8'),
      packageDir,
      leftovers: await leftovers(),
    };
  })();
  return successful;
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
    expect((await readdir(out)).sort()).toEqual(['api', 'catalog.json', 'logos', 'nginx', 'schemas']);
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
    const build = await successfulBuild();
    expect(build.entries).toEqual(['catalog.json', 'logos', 'package', 'schemas']);
    expect(build.catalogJson.digest).toBe(build.catalog.digest);
    expect(build.leftovers).toEqual([]);
  });
});

/** The media types that identify a type, with the role the README names them under (as src/server/state.ts's identifyingMediaTypes picks them). */
function identifying(type: ArtifactType): Array<[role: string, mediaType: string]> {
  return [
    ...type.artifactTypes.filter((m) => m.identifying !== false).map((m): [string, string] => ['artifactType', m.mediaType]),
    ...type.configMediaTypes.filter((m) => m.identifying !== false).map((m): [string, string] => ['config', m.mediaType]),
    ...type.layers.filter((l) => l.identifying).map((l): [string, string] => ['layer', l.mediaType]),
  ];
}

/** Markdown table cell text as readme.ts escapes it. */
const cellText = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');

describe('the package README (dist/package/README.md)', () => {
  it('has one table row per catalog type: display name, id and every identifying media type', async () => {
    const { readme, catalogJson } = await successfulBuild();
    const section = readme.slice(readme.indexOf('\n## Types\n'));
    expect(section.startsWith('\n## Types\n')).toBe(true);
    const lines = section.split('\n').filter((l) => l.startsWith('| '));
    expect(lines.slice(0, 2)).toEqual(['| Type | Id | Media types | Tools |', '| --- | --- | --- | --- |']);
    const rows = lines.slice(2);
    // Column 2 of each row is the id in backticks; the ids must be exactly the catalog's, in its order.
    const idOf = (row: string) => /^\| (?:\\.|[^|\\])* \| `([^`]+)` \| /.exec(row)?.[1];
    expect(rows.map(idOf)).toEqual(catalogJson.types.map((t) => t.id));
    expect(catalogJson.types.length).toBeGreaterThan(0);
    expect(catalogJson.types.flatMap(identifying).length).toBeGreaterThan(catalogJson.types.length); // the media-type check below has teeth
    for (const type of catalogJson.types) {
      const row = rows.find((r) => idOf(r) === type.id)!;
      expect(row.startsWith(`| ${cellText(type.displayName)}${type.status === 'deprecated' ? ' (deprecated)' : ''} | `), type.id).toBe(true);
      for (const [role, mediaType] of identifying(type)) expect(row, `${type.id} ${role} ${mediaType}`).toContain(`${role} \`${mediaType}\``);
    }
  });

  it('names the catalog version, digest and type count', async () => {
    const { readme, catalogJson } = await successfulBuild();
    expect(readme).toMatch(/^# artifact-types\n/);
    expect(readme).toContain(`${catalogJson.types.length} types, catalog version ${catalogJson.version}\n`);
    expect(readme).toContain(`(digest \`${catalogJson.digest}\`)`);
    const manifest = JSON.parse(await readFile(path.join((await successfulBuild()).packageDir, 'package.json'), 'utf8'));
    expect(manifest.version).toBe(catalogJson.version);
  });

  it("has usage examples calling the package's real exports, with ids and media types from the catalog", async () => {
    const { readme, catalogJson, packageDir } = await successfulBuild();
    const used = ['getType', 'typesForMediaType', 'classify', 'validateConfig', 'logoSvg'];
    const blocks = [...readme.matchAll(/```(js|ts)\n([\s\S]*?)```/g)].map((m) => m[2]!);
    const code = blocks.join('\n');
    const pkg = (await import(pathToFileURL(path.join(packageDir, 'index.js')).href)) as Record<string, unknown>;
    const imported = /^import \{ ([^}]+) \} from 'artifact-types';$/m.exec(code)?.[1]?.split(',').map((s) => s.trim());
    expect(imported).toBeDefined();
    for (const name of imported!) expect(Object.keys(pkg), `README imports ${name}`).toContain(name);
    for (const name of used) {
      expect(typeof pkg[name], `the package exports ${name}`).toBe('function');
      expect(imported, name).toContain(name);
      expect(code, `an example calls ${name}(`).toMatch(new RegExp(`(^|[^\\w.])${name}\\(`, 'm'));
    }
    // The arguments in the examples are real: the ids resolve, the media type is used, the schema exists.
    const ids = new Set(catalogJson.types.map((t) => t.id));
    const getType = pkg.getType as (id: string) => { displayName: string } | undefined;
    for (const [, id] of code.matchAll(/\b(?:getType|logoSvg)\('([^']+)'\)/g)) {
      expect(ids.has(id!), id).toBe(true);
      expect(getType(id!)).toBeDefined();
    }
    const shown = /getType\('([^']+)'\)\?\.displayName;\s*\/\/ ("[^"]*")/.exec(code);
    expect(shown).not.toBeNull();
    expect(JSON.stringify(getType(shown![1]!)!.displayName)).toBe(shown![2]);
    const mediaType = /typesForMediaType\('([^']+)'\)/.exec(code)![1]!;
    expect((pkg.typesForMediaType as (m: string) => unknown[])(mediaType).length, mediaType).toBeGreaterThan(0);
    const withSchema = /validateConfig\('([^']+)'/.exec(code)![1]!;
    expect(catalogJson.types.find((t) => t.id === withSchema)?.configSchema, withSchema).toBeTruthy();
    expect(code).toMatch(new RegExp(`^catalog\\.types\\.length;\\s*// ${catalogJson.types.length}$`, 'm'));
  });
});
