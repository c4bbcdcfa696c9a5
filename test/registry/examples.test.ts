// Against a real CNCF distribution registry: every example manifest of every definition is pushed as
// a real artifact, fetched back, and must classify as its own type; the registry listing must show
// each with its type and the tools' commands filled in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLookup, classify } from '../../src/classify/index.ts';
import type { Catalog } from '../../src/model/catalog.ts';
import { listRegistry, RegistryClient, sha256Digest, type RegistryListing } from '../../src/registry/index.ts';
import { mapLimit } from '../../src/registry/pool.ts';
import { definitionsCatalog, DEFINITIONS } from './catalog-fixture.ts';
import { exampleFiles, pushExample, tagFor, type PushedExample } from './example-artifacts.ts';
import { startRegistry, type RunningRegistry } from './registry-server.ts';

let registry: RunningRegistry;
let catalog: Catalog;
let client: RegistryClient;
const pushed: PushedExample[] = [];
const pushFailures: string[] = [];

beforeAll(async () => {
  [registry, catalog] = await Promise.all([startRegistry(), definitionsCatalog()]);
  client = new RegistryClient(registry.registry);
  const examples = (await Promise.all(catalog.types.map((t) => exampleFiles(DEFINITIONS, t.id)))).flat();
  await mapLimit(examples, 8, async (example) => {
    try {
      pushed.push(await pushExample(client, example, `examples/${example.id}`, tagFor(example.stem)));
    } catch (error) {
      pushFailures.push(`${example.id}/${example.stem}: ${(error as Error).message}`);
    }
  });
});

afterAll(async () => {
  await registry?.stop();
});

describe('example artifacts in a real registry', () => {
  it('pushes an artifact for every example of every definition', async () => {
    expect(pushFailures).toEqual([]);
    const withExamples = new Set(pushed.map((p) => p.id));
    expect(catalog.types.filter((t) => !withExamples.has(t.id)).map((t) => t.id)).toEqual([]);
    expect(pushed.length).toBeGreaterThanOrEqual(catalog.types.length);
  });

  it('fetches every manifest back byte for byte and classifies it as its own type', async () => {
    const lookup = buildLookup(catalog.types);
    const wrong: string[] = [];
    await mapLimit(pushed, 8, async (p) => {
      const fetched = await client.getManifest(p.repository, p.tag);
      expect(fetched.digest).toBe(p.digest);
      expect(fetched.bytes.equals(p.bytes)).toBe(true);
      const config = p.config ? JSON.parse(p.config.toString('utf8')) : undefined;
      const result = classify(lookup, fetched.json, { config });
      if (result.id !== p.id) wrong.push(`${p.repository}:${p.tag} classified as ${result.id ?? 'unknown'} (${result.signal ?? result.error?.message})`);
    });
    expect(wrong).toEqual([]);
  });

  it('stores blobs whose digests and sizes match every descriptor', async () => {
    const sample = pushed.filter((p) => Array.isArray(p.manifest.layers)).slice(0, 20);
    expect(sample.length).toBeGreaterThan(0);
    for (const p of sample) {
      for (const layer of p.manifest.layers as Array<{ digest: string; size: number }>) {
        const blob = await client.getBlob(p.repository, layer, 1024 * 1024);
        expect(sha256Digest(blob)).toBe(layer.digest);
        expect(blob.length).toBe(layer.size);
      }
    }
  });

  it('points index entries and subjects at real manifests in the registry, and keeps the empty descriptor exact', async () => {
    const indexes = pushed.filter((p) => Array.isArray(p.manifest.manifests));
    const referrers = pushed.filter((p) => p.manifest.subject);
    expect(indexes.length).toBeGreaterThan(0);
    expect(referrers.length).toBeGreaterThan(0);
    for (const p of [...indexes, ...referrers]) {
      const targets = [...((p.manifest.manifests as Array<{ digest: string }> | undefined) ?? []), ...(p.manifest.subject ? [p.manifest.subject as { digest: string }] : [])];
      for (const target of targets) expect((await client.getManifest(p.repository, target.digest)).digest).toBe(target.digest);
    }
    const EMPTY = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
    const withEmpty = pushed.filter((p) => (p.original.config as { digest?: string } | undefined)?.digest === EMPTY);
    expect(withEmpty.length).toBeGreaterThan(0);
    for (const p of withEmpty) expect(p.manifest.config).toEqual(p.original.config);
  });

  describe('the registry listing', () => {
    let listing: RegistryListing;
    beforeAll(async () => {
      listing = await listRegistry(registry.registry, catalog, { pageSize: 7 });
    });

    it('shows every pushed artifact with its own type, logo and digest', () => {
      const byReference = new Map(listing.artifacts.map((a) => [a.reference, a]));
      const wrong: string[] = [];
      for (const p of pushed) {
        const listed = byReference.get(`${registry.registry}/${p.repository}:${p.tag}`);
        if (!listed) wrong.push(`${p.repository}:${p.tag} missing`);
        else if (listed.type?.id !== p.id) wrong.push(`${p.repository}:${p.tag} listed as ${listed.type?.id ?? 'unknown'}`);
        else {
          expect(listed.digest).toBe(p.digest);
          expect(listed.logo).toBe(`logos/${p.id}.svg`);
          expect(listed.type.displayName).toBe(catalog.types.find((t) => t.id === p.id)!.displayName);
        }
      }
      expect(wrong).toEqual([]);
      // Pagination (page size 7) walked every repository.
      expect(listing.repositories).toBe(new Set(pushed.map((p) => p.repository)).size);
    });

    it('fills the tools’ commands with the real registry, repository, tag and digest', () => {
      for (const artifact of listing.artifacts) {
        const type = catalog.types.find((t) => t.id === artifact.type?.id)!;
        const templates = type.tools.flatMap((t) => [t.pull, t.push, t.run].filter(Boolean));
        expect(artifact.actions.length).toBe(templates.length);
        for (const action of artifact.actions) expect(action.command).not.toMatch(/\{(registry|repository|tag|digest)\}/);
      }
      const helm = listing.artifacts.find((a) => a.type?.id === 'cncf.helm.chart' && a.tag === 'nginx');
      expect(helm?.actions.find((a) => a.tool === 'helm' && a.kind === 'pull')?.command).toBe(`helm pull oci://${registry.registry}/examples/cncf.helm.chart --version nginx`);
    });
  });
});
