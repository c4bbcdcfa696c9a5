// The catalog as an OCI artifact (type artifact-types.catalog): an empty config, a catalog.json
// layer and a logos layer, annotated with the catalog's version and digest. Push reads dist/; pull
// verifies every blob, the catalog digest and every logo before writing anything.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LIMITS } from '../catalog/load.ts';
import { catalogProblems } from '../catalog/verify-catalog.ts';
import { catalogConfigSchemaProblems } from '../catalog/verify-config-schemas.ts';
import { writeFileAtomic } from '../catalog/write-atomic.ts';
import type { Catalog } from '../model/catalog.ts';
import type { Credentials } from './auth.ts';
import { RegistryClient, sha256Digest, type Descriptor } from './client.ts';
import { RegistryError } from './errors.ts';
import { logoLimits, packLogos, unpackLogos } from './logos-tar.ts';
import { formatReference, parseReference } from './reference.ts';

export const CATALOG_ARTIFACT_TYPE = 'application/vnd.artifact-types.catalog.v1';
export const CATALOG_LAYER_MEDIA_TYPE = 'application/vnd.artifact-types.catalog.v1+json';
export const LOGOS_LAYER_MEDIA_TYPE = 'application/vnd.artifact-types.logos.v1.tar+gzip';
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const DIGEST_ANNOTATION = 'dev.artifact-types.catalog.digest';
export const EMPTY_DESCRIPTOR: Descriptor = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
  data: 'e30=',
};
const MAX_CATALOG_BYTES = 64 * 1024 * 1024;

export interface RegistryOptions {
  credentials?: Credentials;
  chunkSize?: number;
  timeoutMs?: number;
}

export interface PushResult {
  reference: string;
  digest: string;
  catalogVersion: string;
  catalogDigest: string;
  types: number;
  /** Blobs uploaded (the others were in the registry already). */
  uploaded: number;
}

export interface PullResult {
  reference: string;
  digest: string;
  catalog: Catalog;
  catalogFile: string;
  logosDir: string;
}

/** Checks a catalog's shape (schemas/catalog.schema.json) and its own digests: the catalog digest over its types and each entry's digest. */
export function verifyCatalogDigests(catalog: Catalog, where: string): void {
  if (typeof catalog !== 'object' || catalog === null || catalog.formatVersion !== 1 || !Array.isArray(catalog.types)) {
    throw new RegistryError(`${where} is not an artifact-types catalog (expected formatVersion 1 and a types array)`, { code: 'MANIFEST_INVALID' });
  }
  const problems = catalogProblems(catalog);
  if (problems.length === 0) return;
  if (problems[0]!.kind === 'digest') throw new RegistryError(`${where}: ${problems[0]!.message}`, { code: 'DIGEST_INVALID' });
  throw new RegistryError(`${where} is not a valid artifact-types catalog: ${problems.map((p) => p.message).join('; ')}`, { code: 'MANIFEST_INVALID' });
}

const LOGO_ID = /^[a-z0-9][a-z0-9.-]{0,127}$/;

/**
 * Publishes a built catalog (dist/catalog.json + dist/logos/) as `registry/repository:tag`.
 * Reproducible: the same catalog gives byte-identical blobs and manifest, so the same digest, and
 * mirrors or `serve --catalog-from` pollers see no change where there is none. The manifest has no
 * `org.opencontainers.image.created` unless `created` is given (the catalog carries no release date,
 * and the time of the push would make every push a new digest).
 */
export async function pushCatalog(reference: string, catalogFile: string, options: RegistryOptions & { created?: Date } = {}): Promise<PushResult> {
  const ref = parseReference(reference, { requireTag: true });
  if (ref.digest) throw new RegistryError(`push needs a tag, not a digest: ${reference}`, { code: 'REFERENCE_INVALID' });
  let catalogBytes: Buffer;
  try {
    catalogBytes = await readFile(catalogFile);
  } catch (error) {
    throw new RegistryError(`cannot read ${catalogFile} (${(error as NodeJS.ErrnoException).code ?? 'error'}); run \`artifact-types build\` first or pass --catalog`, { code: 'CATALOG_MISSING' });
  }
  let catalog: Catalog;
  try {
    catalog = JSON.parse(catalogBytes.toString('utf8')) as Catalog;
  } catch (error) {
    throw new RegistryError(`${catalogFile} is not JSON (${(error as Error).message}); rebuild it with \`artifact-types build\``, { code: 'CATALOG_INVALID' });
  }
  verifyCatalogDigests(catalog, catalogFile);
  const dist = path.dirname(path.resolve(catalogFile));
  const logoFiles: string[] = [];
  for (const type of catalog.types) {
    if (!LOGO_ID.test(type.id)) throw new RegistryError(`${catalogFile}: type id "${type.id}" is not a valid id`, { code: 'CATALOG_INVALID' });
    const file = `logos/${type.id}.svg`;
    const logo = await readFile(path.join(dist, file)).catch(() => null);
    if (!logo) throw new RegistryError(`${path.join(dist, file)} is missing; run \`artifact-types build\` to write dist/ completely`, { code: 'CATALOG_INVALID' });
    if (sha256Digest(logo) !== type.logo.sha256) throw new RegistryError(`${path.join(dist, file)} does not match the catalog's logo digest for ${type.id}; rebuild dist/`, { code: 'DIGEST_INVALID' });
    logoFiles.push(file);
  }
  const logosTar = await packLogos(dist, logoFiles);

  const client = new RegistryClient(ref.registry, options);
  const results = [
    await client.pushBlob(ref.repository, Buffer.from('{}')),
    await client.pushBlob(ref.repository, catalogBytes),
    await client.pushBlob(ref.repository, logosTar),
  ];
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    artifactType: CATALOG_ARTIFACT_TYPE,
    config: EMPTY_DESCRIPTOR,
    layers: [
      { mediaType: CATALOG_LAYER_MEDIA_TYPE, digest: results[1]!.digest, size: results[1]!.size, annotations: { 'org.opencontainers.image.title': 'catalog.json' } },
      { mediaType: LOGOS_LAYER_MEDIA_TYPE, digest: results[2]!.digest, size: results[2]!.size, annotations: { 'org.opencontainers.image.title': 'logos.tar.gz' } },
    ],
    annotations: {
      'org.opencontainers.image.version': catalog.version,
      [DIGEST_ANNOTATION]: catalog.digest,
      ...(options.created ? { 'org.opencontainers.image.created': options.created.toISOString() } : {}),
    },
  };
  const digest = await client.putManifest(ref.repository, ref.tag!, Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST_MEDIA_TYPE);
  return {
    reference: formatReference(ref),
    digest,
    catalogVersion: catalog.version,
    catalogDigest: catalog.digest,
    types: catalog.types.length,
    uploaded: results.filter((r) => !r.skipped).length,
  };
}

function layer(manifest: Record<string, unknown>, mediaType: string, where: string): Descriptor {
  const layers = Array.isArray(manifest.layers) ? (manifest.layers as Descriptor[]) : [];
  const found = layers.find((l) => typeof l === 'object' && l !== null && l.mediaType === mediaType);
  if (!found || typeof found.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(found.digest) || !Number.isSafeInteger(found.size) || found.size < 0) {
    throw new RegistryError(`${where} has no valid ${mediaType} layer; it is not a complete artifact-types catalog`, { code: 'MANIFEST_INVALID' });
  }
  return found;
}

export interface FetchedCatalog {
  reference: string;
  /** The manifest digest. */
  digest: string;
  catalog: Catalog;
  /** catalog.json exactly as pushed. */
  catalogBytes: Buffer;
  /** Each type's logo (id → SVG bytes), every one checked against the catalog. */
  logos: Map<string, Buffer>;
}

/**
 * Fetches a catalog artifact into memory and verifies it: blob digests and sizes, the catalog digest
 * (computed, and as annotated on the manifest), each entry's digest and each logo's digest.
 * `serve --catalog-from` can hand the result straight to the server without touching the disk.
 */
export async function fetchCatalog(reference: string, options: RegistryOptions = {}): Promise<FetchedCatalog> {
  const ref = parseReference(reference);
  const where = formatReference(ref);
  const client = new RegistryClient(ref.registry, options);
  const fetched = await client.getManifest(ref.repository, ref.digest ?? ref.tag!);
  const manifest = fetched.json;
  if (manifest.artifactType !== CATALOG_ARTIFACT_TYPE) {
    const actual = typeof manifest.artifactType === 'string' ? `its artifactType is ${manifest.artifactType}` : 'it has no artifactType';
    throw new RegistryError(`${where} is not an artifact-types catalog: ${actual}, expected ${CATALOG_ARTIFACT_TYPE}`, { code: 'MANIFEST_INVALID' });
  }
  const catalogLayer = layer(manifest, CATALOG_LAYER_MEDIA_TYPE, where);
  const logosLayer = layer(manifest, LOGOS_LAYER_MEDIA_TYPE, where);
  const catalogBytes = await client.getBlob(ref.repository, catalogLayer, MAX_CATALOG_BYTES);
  let catalog: Catalog;
  try {
    catalog = JSON.parse(catalogBytes.toString('utf8')) as Catalog;
  } catch {
    throw new RegistryError(`${where}: the catalog.json layer is not JSON`, { code: 'MANIFEST_INVALID' });
  }
  verifyCatalogDigests(catalog, `${where} catalog.json`);
  const annotations = (manifest.annotations ?? {}) as Record<string, unknown>;
  if (annotations[DIGEST_ANNOTATION] !== catalog.digest) {
    throw new RegistryError(`${where}: the manifest annotation ${DIGEST_ANNOTATION} (${String(annotations[DIGEST_ANNOTATION])}) does not match the catalog digest ${catalog.digest}`, { code: 'DIGEST_INVALID' });
  }
  for (const type of catalog.types) {
    if (!LOGO_ID.test(type.id)) throw new RegistryError(`${where}: type id "${type.id}" is not a valid id`, { code: 'MANIFEST_INVALID' });
  }
  // Its digests prove only that it is self-consistent: its config schemas (run on every classify) must pass the checker's limits.
  const schemaProblems = await catalogConfigSchemaProblems(catalog);
  if (schemaProblems.length > 0) throw new RegistryError(`${where}: the catalog has config schemas the checker refuses: ${schemaProblems.join('; ')}`, { code: 'CATALOG_INVALID' });
  // The catalog says which logos to expect, so it bounds the logos layer: its size, and what it may inflate to.
  const limits = logoLimits(new Set(catalog.types.map((t) => t.id)), LIMITS.logo);
  const logosTar = await client.getBlob(ref.repository, logosLayer, limits.maxTotalBytes);
  let unpacked: Map<string, Buffer>;
  try {
    unpacked = await unpackLogos(logosTar, limits);
  } catch (error) {
    throw error instanceof RegistryError ? new RegistryError(`${where}: ${error.message}`, { code: error.code }) : error;
  }
  const logos = new Map<string, Buffer>();
  for (const type of catalog.types) {
    const logo = unpacked.get(type.id);
    if (!logo) throw new RegistryError(`${where}: the logos layer has no logos/${type.id}.svg`, { code: 'BLOB_UNKNOWN' });
    if (sha256Digest(logo) !== type.logo.sha256) throw new RegistryError(`${where}: logos/${type.id}.svg does not match its digest in the catalog`, { code: 'DIGEST_INVALID' });
    logos.set(type.id, logo);
  }
  return { reference: where, digest: fetched.digest, catalog, catalogBytes, logos };
}

/**
 * Fetches and verifies a catalog artifact (fetchCatalog), then writes `outDir/catalog.json` and
 * `outDir/logos/<id>.svg`: logos/ is staged and swapped in, catalog.json renamed into place.
 */
export async function pullCatalog(reference: string, outDir: string, options: RegistryOptions = {}): Promise<PullResult> {
  const { reference: where, digest, catalog, catalogBytes, logos } = await fetchCatalog(reference, options);
  const out = path.resolve(outDir);
  await mkdir(out, { recursive: true });
  const logosDir = path.join(out, 'logos');
  const staging = path.join(out, `.logos.staging-${process.pid}-${Date.now()}`);
  const old = path.join(out, `.logos.old-${process.pid}-${Date.now()}`);
  try {
    await mkdir(staging);
    for (const type of catalog.types) await writeFile(path.join(staging, `${type.id}.svg`), logos.get(type.id)!);
    await rename(logosDir, old).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(staging, logosDir);
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const catalogFile = path.join(out, 'catalog.json');
  await writeFileAtomic(catalogFile, catalogBytes);
  return { reference: where, digest, catalog, catalogFile, logosDir };
}
