// The catalog the registry tests work with: built from definitions/ by the checker, keeping every
// type whose definition passed the schema (other engineers' work in progress must not block these
// tests), with the digest recomputed over exactly those types.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildCatalog } from '../../src/catalog/build.ts';
import { sha256 } from '../../src/catalog/digest.ts';
import { writeDist } from '../../src/catalog/dist.ts';
import { runChecks } from '../../src/checks/run.ts';
import type { Catalog } from '../../src/model/catalog.ts';
import { CATALOG_ARTIFACT_TYPE, EMPTY_DESCRIPTOR, RegistryClient } from '../../src/registry/index.ts';

export const DEFINITIONS = path.resolve(import.meta.dirname, '../../definitions');

let snapshot: Promise<{ catalog: Catalog; logos: Map<string, Buffer> }> | null = null;

/** Types whose logo on disk still matches the catalog entry (a logo edited meanwhile drops out). */
async function load(): Promise<{ catalog: Catalog; logos: Map<string, Buffer> }> {
  const { catalog } = await runChecks({ root: DEFINITIONS });
  const logos = new Map<string, Buffer>();
  for (const type of catalog.types) {
    const logo = await readFile(path.join(DEFINITIONS, type.id, 'logo.svg')).catch(() => null);
    if (logo && sha256(logo.toString('utf8')) === type.logo.sha256) logos.set(type.id, logo);
  }
  return { catalog: buildCatalog({ name: catalog.name, version: catalog.version }, catalog.types.filter((t) => logos.has(t.id))), logos };
}

export async function definitionsCatalog(): Promise<Catalog> {
  snapshot ??= load();
  return (await snapshot).catalog;
}

/** Writes a dist/ (catalog.json, logos/, schemas/) for that catalog under `dir`; returns catalog.json's path. */
export async function writeTestDist(dir: string): Promise<string> {
  snapshot ??= load();
  const { catalog, logos } = await snapshot;
  // writeDist copies logos from a definitions root: give it the snapshot, not the live tree.
  const root = path.join(dir, 'logo-snapshot');
  for (const [id, logo] of logos) {
    await mkdir(path.join(root, id), { recursive: true });
    await writeFile(path.join(root, id, 'logo.svg'), logo);
  }
  await writeDist(path.join(dir, 'dist'), catalog, root);
  return path.join(dir, 'dist', 'catalog.json');
}

/** Pushes a hand-made catalog manifest (for tampering tests) to `registry` and returns its reference. */
export async function pushRaw(registry: { registry: string }, tag: string, layers: Array<{ mediaType: string; content: Buffer }>, annotations: Record<string, string>, artifactType = CATALOG_ARTIFACT_TYPE): Promise<string> {
  const client = new RegistryClient(registry.registry);
  const repository = 'tampered/catalog';
  await client.pushBlob(repository, Buffer.from('{}'));
  const descriptors = [];
  for (const layer of layers) descriptors.push({ mediaType: layer.mediaType, ...(await client.pushBlob(repository, layer.content)), skipped: undefined });
  const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType, config: EMPTY_DESCRIPTOR, layers: descriptors.map(({ skipped, ...d }) => d), annotations };
  await client.putManifest(repository, tag, Buffer.from(JSON.stringify(manifest)), 'application/vnd.oci.image.manifest.v1+json');
  return `${registry.registry}/${repository}:${tag}`;
}
