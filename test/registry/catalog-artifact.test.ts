// The catalog as an OCI artifact, against a real CNCF distribution registry: push the built catalog,
// pull it into an empty directory with every digest verified, and refuse tampered or foreign artifacts.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCatalog } from '../../src/catalog/build.ts';
import { buildLookup, classify } from '../../src/classify/index.ts';
import type { Catalog } from '../../src/model/catalog.ts';
import {
  CATALOG_ARTIFACT_TYPE,
  CATALOG_LAYER_MEDIA_TYPE,
  EMPTY_DESCRIPTOR,
  fetchCatalog,
  LOGOS_LAYER_MEDIA_TYPE,
  pullCatalog,
  pushCatalog,
  RegistryClient,
  RegistryError,
  sha256Digest,
} from '../../src/registry/index.ts';
import { startServer } from '../../src/server/index.ts';
import { definitionsCatalog, DEFINITIONS, pushRaw, writeTestDist } from './catalog-fixture.ts';
import { startRegistry, type RunningRegistry } from './registry-server.ts';

let registry: RunningRegistry;
let catalog: Catalog;
let work: string;
let dist: string;

beforeAll(async () => {
  [registry, catalog] = await Promise.all([startRegistry(), definitionsCatalog()]);
  work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-pull-'));
  dist = path.dirname(await writeTestDist(work));
});

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('catalog artifact', () => {
  it('pushes the built catalog and pulls it back into an empty directory, byte for byte', async () => {
    const reference = `${registry.registry}/artifact-types/catalog:${catalog.version}`;
    const pushed = await pushCatalog(reference, path.join(dist, 'catalog.json'));
    expect(pushed.catalogDigest).toBe(catalog.digest);
    expect(pushed.types).toBe(catalog.types.length);
    expect(pushed.uploaded).toBe(3);

    const out = path.join(work, 'pulled');
    const pulled = await pullCatalog(reference, out);
    expect(pulled.digest).toBe(pushed.digest);
    expect(pulled.catalog.digest).toBe(catalog.digest);
    expect(await readFile(path.join(out, 'catalog.json'))).toEqual(await readFile(path.join(dist, 'catalog.json')));
    const logos = (await readdir(path.join(out, 'logos'))).sort();
    expect(logos).toEqual(catalog.types.map((t) => `${t.id}.svg`).sort());
    for (const type of catalog.types) {
      const logo = await readFile(path.join(out, 'logos', `${type.id}.svg`));
      expect(sha256Digest(logo)).toBe(type.logo.sha256);
    }
    // Nothing but the catalog, its logos and no leftovers from the atomic writes.
    expect((await readdir(out)).sort()).toEqual(['catalog.json', 'logos']);

    // The same content again: every blob is already there (HEAD), only the manifest is written.
    const again = await pushCatalog(reference, path.join(dist, 'catalog.json'));
    expect(again.uploaded).toBe(0);
    // Pull by digest too, over an existing output.
    const byDigest = await pullCatalog(`${registry.registry}/artifact-types/catalog@${again.digest}`, out);
    expect(byDigest.digest).toBe(again.digest);
  });

  it('serves the API from a pulled catalog', async () => {
    const reference = `${registry.registry}/artifact-types/catalog:serve`;
    const pushed = await pushCatalog(reference, path.join(dist, 'catalog.json'));
    const pulled = await pullCatalog(reference, path.join(work, 'serve'));
    const server = await startServer({ catalogFile: pulled.catalogFile, host: '127.0.0.1', port: 0, logger: false });
    try {
      const served = (await (await fetch(`${server.url}/v1/catalog`)).json()) as Catalog;
      expect(served.digest).toBe(pushed.catalogDigest);
      expect(served.types.map((t) => t.id)).toEqual(catalog.types.map((t) => t.id));
      const logo = await fetch(`${server.url}/v1/types/cncf.helm.chart/logo.svg`);
      expect(logo.status).toBe(200);
      expect(Buffer.from(await logo.arrayBuffer())).toEqual(await readFile(path.join(pulled.logosDir, 'cncf.helm.chart.svg')));
      const manifest = await readFile(path.join(DEFINITIONS, 'cncf.helm.chart', 'examples', 'nginx.manifest.json'));
      const classified = await fetch(`${server.url}/v1/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: manifest });
      expect(classified.status).toBe(200);
      expect(((await classified.json()) as { id: string }).id).toBe('cncf.helm.chart');
    } finally {
      await server.close();
    }
    // The same, verified, in memory (what serve --catalog-from can use without a temp dir).
    const fetched = await fetchCatalog(reference);
    expect(fetched.digest).toBe(pushed.digest);
    expect(fetched.catalogBytes).toEqual(await readFile(pulled.catalogFile));
    expect([...fetched.logos.keys()].sort()).toEqual(catalog.types.map((t) => t.id).sort());
  });

  it('is reproducible: two pushes of one catalog give byte-identical manifests, one digest, no push time', async () => {
    const first = await pushCatalog(`${registry.registry}/artifact-types/catalog:twice-a`, path.join(dist, 'catalog.json'));
    // Later, to another tag and to the same tag again: a push time in the manifest would differ by now.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await pushCatalog(`${registry.registry}/artifact-types/catalog:twice-b`, path.join(dist, 'catalog.json'));
    const third = await pushCatalog(`${registry.registry}/artifact-types/catalog:twice-a`, path.join(dist, 'catalog.json'));
    expect(second.digest).toBe(first.digest);
    expect(third.digest).toBe(first.digest);
    expect(second.uploaded).toBe(0);
    const client = new RegistryClient(registry.registry);
    const [a, b] = await Promise.all([client.getManifest('artifact-types/catalog', 'twice-a'), client.getManifest('artifact-types/catalog', 'twice-b')]);
    expect(a.digest).toBe(first.digest);
    expect(b.digest).toBe(first.digest);
    expect(JSON.stringify(a.json)).toBe(JSON.stringify(b.json));
    expect(Object.keys(a.json.annotations as object)).not.toContain('org.opencontainers.image.created');
    // A different catalog is a different digest (the test could not pass by ignoring the content).
    const other = JSON.parse(await readFile(path.join(dist, 'catalog.json'), 'utf8')) as Catalog;
    const fewer = buildCatalog({ name: other.name, version: other.version }, other.types.slice(1));
    const otherDir = path.join(work, 'other-dist');
    await mkdir(otherDir, { recursive: true });
    await writeFile(path.join(otherDir, 'catalog.json'), JSON.stringify(fewer));
    await cp(path.join(dist, 'logos'), path.join(otherDir, 'logos'), { recursive: true });
    const changed = await pushCatalog(`${registry.registry}/artifact-types/catalog:twice-c`, path.join(otherDir, 'catalog.json'));
    expect(changed.digest).not.toBe(first.digest);
  });

  it('writes the manifest the catalog type describes: artifactType, empty config, two titled layers, annotations', async () => {
    const reference = `${registry.registry}/artifact-types/catalog:shape`;
    const created = new Date('2026-01-02T03:04:05Z');
    await pushCatalog(reference, path.join(dist, 'catalog.json'), { created });
    const fetched = await new RegistryClient(registry.registry).getManifest('artifact-types/catalog', 'shape');
    const manifest = fetched.json as { artifactType: string; config: unknown; layers: Array<{ mediaType: string; annotations: Record<string, string> }>; annotations: Record<string, string> };
    expect(fetched.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.artifactType).toBe('application/vnd.artifact-types.catalog.v1');
    expect(manifest.config).toEqual(EMPTY_DESCRIPTOR);
    expect(manifest.layers.map((l) => [l.mediaType, l.annotations['org.opencontainers.image.title']])).toEqual([
      ['application/vnd.artifact-types.catalog.v1+json', 'catalog.json'],
      ['application/vnd.artifact-types.logos.v1.tar+gzip', 'logos.tar.gz'],
    ]);
    expect(manifest.annotations).toEqual({
      'org.opencontainers.image.version': catalog.version,
      'dev.artifact-types.catalog.digest': catalog.digest,
      'org.opencontainers.image.created': '2026-01-02T03:04:05.000Z',
    });
    // The catalog's own type (definitions/artifact-types.catalog) recognizes it, and it conforms.
    const result = classify(buildLookup(catalog.types), manifest);
    expect(result.id).toBe('artifact-types.catalog');
    expect(result.signal).toBe('artifactType');
    expect(result.conformance).toEqual([]);
  });

  it('uploads large blobs in PATCH chunks and reads them back verified', async () => {
    const client = new RegistryClient(registry.registry, { chunkSize: 1000 });
    const data = Buffer.alloc(4500, 7);
    data.write('chunked upload test');
    const spy = vi.spyOn(globalThis, 'fetch');
    try {
      const result = await client.pushBlob('chunks/test', data);
      const methods = spy.mock.calls.map(([, init]) => init?.method ?? 'GET');
      expect(methods.filter((m) => m === 'PATCH')).toHaveLength(5);
      expect(await client.getBlob('chunks/test', result, 10_000)).toEqual(data);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a catalog whose annotated digest does not match, and leaves the output untouched', async () => {
    const catalogBytes = await readFile(path.join(dist, 'catalog.json'));
    const reference = await pushRaw(registry, 'wrong-annotation', [
      { mediaType: CATALOG_LAYER_MEDIA_TYPE, content: catalogBytes },
      { mediaType: LOGOS_LAYER_MEDIA_TYPE, content: Buffer.from('not used') },
    ], { 'dev.artifact-types.catalog.digest': `sha256:${'0'.repeat(64)}` });
    const out = path.join(work, 'untouched');
    const error = await rejection(pullCatalog(reference, out));
    expect(error.code).toBe('DIGEST_INVALID');
    expect(error.message).toContain('dev.artifact-types.catalog.digest');
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });

  it('refuses a catalog.json altered after it was built', async () => {
    const altered = JSON.parse(await readFile(path.join(dist, 'catalog.json'), 'utf8')) as Catalog;
    altered.types[0]!.displayName = 'Something else';
    const reference = await pushRaw(registry, 'altered', [
      { mediaType: CATALOG_LAYER_MEDIA_TYPE, content: Buffer.from(JSON.stringify(altered)) },
      { mediaType: LOGOS_LAYER_MEDIA_TYPE, content: Buffer.from('x') },
    ], { 'dev.artifact-types.catalog.digest': altered.digest });
    const error = await rejection(pullCatalog(reference, path.join(work, 'altered')));
    expect(error.code).toBe('DIGEST_INVALID');
    expect(error.message).toMatch(/does not match its types|digest of type/);
  });

  it('refuses an artifact that is not a catalog, and explains a missing tag', async () => {
    const reference = await pushRaw(registry, 'helm', [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', content: Buffer.from('chart') }], {}, 'application/vnd.cncf.helm.config.v1+json');
    const error = await rejection(pullCatalog(reference, path.join(work, 'helm')));
    expect(error.message).toContain('is not an artifact-types catalog: its artifactType is application/vnd.cncf.helm.config.v1+json');

    const missing = await rejection(pullCatalog(`${registry.registry}/artifact-types/catalog:nope`, path.join(work, 'nope')));
    expect(missing.code).toBe('MANIFEST_UNKNOWN');
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('artifact-types ls');
  });
});
