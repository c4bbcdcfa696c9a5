// The built catalog's contract (schemas/catalog.schema.json): the real build satisfies it, the
// TypeScript model matches it key for key, and a catalog.json that breaks it or was edited after
// the build is refused with a message that says where, never half-served.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogError, readCatalogFile } from '../../src/catalog/load-catalog.ts';
import { catalogProblems } from '../../src/catalog/verify-catalog.ts';
import { runChecks } from '../../src/checks/run.ts';
import type { ArtifactType, Catalog } from '../../src/model/catalog.ts';
import { loadFromFile } from '../../src/server/load.ts';
import { MODEL_FILE, renderModel } from '../../scripts/gen-model.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const schema = JSON.parse(await readFile(path.join(REPO, 'schemas/catalog.schema.json'), 'utf8'));

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
// tsc fails here when a key is added to or removed from the interfaces; the tests below fail when the schema differs.
const TYPE_KEYS: Record<keyof ArtifactType, true> = { id: true, displayName: true, description: true, version: true, status: true, replacedBy: true, aliases: true, manifestMediaTypes: true, artifactTypes: true, configMediaTypes: true, layers: true, annotations: true, configLabels: true, homepage: true, specification: true, sources: true, maintainers: true, tools: true, docs: true, logo: true, configSchema: true, example: true, exampleNotes: true, unverified: true, digest: true };
const TYPE_OPTIONAL: Record<OptionalKeys<ArtifactType>, true> = { replacedBy: true, specification: true, exampleNotes: true, unverified: true };
const CATALOG_KEYS: Record<keyof Catalog, true> = { formatVersion: true, name: true, version: true, digest: true, types: true };
const CATALOG_OPTIONAL: Record<OptionalKeys<Catalog>, true> = {};

let catalog: Catalog;
let dir: string;
beforeAll(async () => {
  ({ catalog } = await runChecks({ root: path.join(REPO, 'definitions') }));
  dir = await mkdtemp(path.join(os.tmpdir(), 'catalog-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeCatalog(name: string, value: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(value));
  return file;
}

describe('the catalog schema and the model', () => {
  it('the real built catalog satisfies schemas/catalog.schema.json', () => {
    expect(catalog.types.length).toBeGreaterThanOrEqual(50);
    expect(catalogProblems(catalog)).toEqual([]);
  });

  it('ArtifactType and Catalog have exactly the schema’s properties, optional where the schema does not require them', () => {
    const entry = schema.$defs.artifactType;
    expect(Object.keys(TYPE_KEYS).sort()).toEqual(Object.keys(entry.properties).sort());
    expect(Object.keys(TYPE_OPTIONAL).sort()).toEqual(Object.keys(entry.properties).filter((k) => !entry.required.includes(k)).sort());
    expect(Object.keys(CATALOG_KEYS).sort()).toEqual(Object.keys(schema.properties).sort());
    expect(Object.keys(CATALOG_OPTIONAL)).toEqual(Object.keys(schema.properties).filter((k) => !schema.required.includes(k)));
  });

  it('src/model/definition.ts is what scripts/gen-model.ts derives from schemas/definition.schema.json', async () => {
    expect(await readFile(MODEL_FILE, 'utf8')).toBe(await renderModel());
  });
});

describe('reading a catalog.json', () => {
  it('reads the real build back unchanged', async () => {
    expect(await readCatalogFile(await writeCatalog('good.json', catalog))).toEqual(catalog);
  });

  it('refuses a broken entry, naming the place and saying how to fix it', async () => {
    const broken = structuredClone(catalog);
    (broken.types[3] as { displayName: unknown }).displayName = 5;
    delete (broken.types[7] as Partial<ArtifactType>).layers;
    const error = await readCatalogFile(await writeCatalog('broken.json', broken)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogError);
    const message = (error as Error).message;
    expect(message).toContain('/types/3/displayName must be string');
    expect(message).toContain("/types/7 must have required property 'layers'");
    expect(message).toContain('npm run build');
  });

  it('refuses an entry edited after the build (its digest no longer matches)', async () => {
    const edited = structuredClone(catalog);
    edited.types[0]!.description = 'A description someone changed by hand in catalog.json.';
    const problems = catalogProblems(edited);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.kind).toBe('digest');
    // The catalog digest is checked first; fix it to reach the entry's own digest.
    const { canonicalJson, sha256 } = await import('../../src/catalog/digest.ts');
    edited.digest = sha256(canonicalJson(edited.types));
    expect(catalogProblems(edited)[0]?.message).toContain(`type ${edited.types[0]!.id} does not match its entry`);
  });

  it('lists at most five places and counts the rest', () => {
    const broken = structuredClone(catalog);
    for (const type of broken.types.slice(0, 9)) (type as { version: unknown }).version = 1;
    const problems = catalogProblems(broken);
    expect(problems).toHaveLength(6);
    expect(problems[5]!.message).toBe('and 4 more places');
  });

  it('serve --catalog refuses a broken file with the message and exit 1, no stack trace', async () => {
    const broken = structuredClone(catalog);
    (broken.types[2] as { logo: unknown }).logo = { file: 'logo.svg' };
    const file = await writeCatalog('serve.json', broken);
    const result = spawnSync(process.execPath, [path.join(REPO, 'bin/artifact-types.js'), 'serve', '--catalog', file, '--port', '0'], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file} is not a valid artifact-types catalog`);
    expect(result.stderr).toContain("/types/2/logo must have required property 'sha256'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('serving a catalog.json refuses a logo beside it that another build wrote (its ?v= URL is cached immutable)', async () => {
    const home = path.join(dir, 'with-logos');
    await mkdir(path.join(home, 'logos'), { recursive: true });
    const file = path.join(home, 'catalog.json');
    await writeFile(file, JSON.stringify(catalog));
    const id = 'cncf.helm.chart';
    const real = await readFile(path.join(REPO, 'definitions', id, 'logo.svg'), 'utf8');
    await writeFile(path.join(home, 'logos', `${id}.svg`), real);
    expect((await loadFromFile(file)()).logos.get(id)).toBe(real);
    await writeFile(path.join(home, 'logos', `${id}.svg`), real.replace('</svg>', '<path d="M0 0h1v1H0z"/></svg>'));
    const error = await loadFromFile(file)().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as Error).message).toContain(`logos/${id}.svg does not match the logo digest`);
  });
});
