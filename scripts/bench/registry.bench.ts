// `npm run bench -- registry`: the catalog artifact against a real CNCF distribution registry
// (push cold and warm, pull), and `ls` of a registry holding 1,000 artifacts. The peer is the same
// HTTP traffic done bare (plain fetch, no auth dance, no verification, no classification), so the
// ratio is what the client adds on top of the registry itself.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listRegistry, pullCatalog, pushCatalog, RegistryClient, EMPTY_DESCRIPTOR } from '../../src/registry/index.ts';
import { mapLimit } from '../../src/registry/pool.ts';
import { definitionsCatalog, writeTestDist } from '../../test/registry/catalog-fixture.ts';
import { startRegistry } from '../../test/registry/registry-server.ts';
import { median } from './median.ts';

const RUNS = 7;
const ARTIFACTS = 1000;
const REPOSITORIES = 20;
const LIST_RUNS = 3;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const ms = (v: number): string => `${v.toFixed(1)} ms`;

export async function run(): Promise<string> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-bench-registry-'));
  const registry = await startRegistry();
  try {
    const catalog = await definitionsCatalog();
    const catalogFile = await writeTestDist(work);
    const catalogBytes = await readFile(catalogFile);
    const base = registry.url;

    // Catalog push: cold (new repository, every blob uploaded) and warm (blobs exist, HEAD skips them).
    const cold: number[] = [];
    const warm: number[] = [];
    const pull: number[] = [];
    const barePush: number[] = [];
    const barePull: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const reference = `${registry.registry}/bench/catalog-${i}:1`;
      cold.push(await time(() => pushCatalog(reference, catalogFile)));
      warm.push(await time(() => pushCatalog(reference, catalogFile)));
      pull.push(await time(() => pullCatalog(reference, path.join(work, `pulled-${i}`))));
      // Peer: the same 3 blobs and manifest pushed and fetched with bare fetch calls.
      const client = new RegistryClient(registry.registry);
      const fetched = await client.getManifest(`bench/catalog-${i}`, '1');
      const descriptors = [(fetched.json.config as { digest: string; size: number }), ...(fetched.json.layers as Array<{ digest: string; size: number }>)];
      const contents = await Promise.all(descriptors.map((d) => client.getBlob(`bench/catalog-${i}`, d, 64 * 1024 * 1024)));
      const bare = `${base}/v2/bench/bare-${i}`;
      barePush.push(await time(async () => {
        for (const [j, content] of contents.entries()) {
          const start = await fetch(`${bare}/blobs/uploads/`, { method: 'POST' });
          await start.arrayBuffer();
          const url = new URL(start.headers.get('location')!, base);
          url.searchParams.set('digest', descriptors[j]!.digest);
          await (await fetch(url, { method: 'PUT', body: new Uint8Array(content), headers: { 'content-type': 'application/octet-stream' } })).arrayBuffer();
        }
        await (await fetch(`${bare}/manifests/1`, { method: 'PUT', body: new Uint8Array(fetched.bytes), headers: { 'content-type': fetched.mediaType } })).arrayBuffer();
      }));
      barePull.push(await time(async () => {
        await (await fetch(`${bare}/manifests/1`, { headers: { accept: fetched.mediaType } })).arrayBuffer();
        for (const d of descriptors.slice(1)) await (await fetch(`${bare}/blobs/${d.digest}`)).arrayBuffer();
      }));
    }

    // 1,000 artifacts in 20 repositories: a Helm-shaped manifest each, unique by annotation, so the
    // registry holds 1,000 distinct manifests over a few shared blobs.
    const client = new RegistryClient(registry.registry);
    const blobs = [Buffer.from(JSON.stringify({ name: 'web', version: '1.0.0', apiVersion: 'v2' })), Buffer.from('chart bytes'), Buffer.from('{}')];
    let config = { digest: '', size: 0 };
    let layer = { digest: '', size: 0 };
    const fill = await time(async () => {
      for (let r = 0; r < REPOSITORIES; r++) {
        const pushed = await Promise.all(blobs.map((b) => client.pushBlob(`bench/charts-${r}`, b)));
        config = pushed[0]!;
        layer = pushed[1]!;
      }
      await mapLimit(Array.from({ length: ARTIFACTS }, (_, i) => i), 16, async (i) => {
        const repository = `bench/charts-${i % REPOSITORIES}`;
        const manifest = i % 2 === 0
          ? { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: config.digest, size: config.size }, layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: layer.digest, size: layer.size }], annotations: { n: String(i) } }
          : { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.example.unknown.v1', config: EMPTY_DESCRIPTOR, layers: [{ mediaType: 'application/vnd.example.unknown.layer.v1', digest: layer.digest, size: layer.size }], annotations: { n: String(i) } };
        await client.putManifest(repository, `v${Math.floor(i / REPOSITORIES)}`, Buffer.from(JSON.stringify(manifest)), manifest.mediaType);
      });
    });
    // Leave the catalog repositories out of the count: list everything, then check.
    const listTimes: number[] = [];
    let listed = 0;
    for (let i = 0; i < LIST_RUNS; i++) {
      listTimes.push(await time(async () => {
        const listing = await listRegistry(registry.registry, catalog, { pageSize: 100, concurrency: 8 });
        listed = listing.artifacts.filter((a) => a.repository.startsWith('bench/charts-')).length;
      }));
    }
    if (listed !== ARTIFACTS) throw new Error(`listed ${listed} bench artifacts, expected ${ARTIFACTS}`);
    // Peer: the same walk with bare fetches (catalog, tags, manifests), no classification.
    const bareList: number[] = [];
    for (let i = 0; i < LIST_RUNS; i++) {
      bareList.push(await time(async () => {
        const repos: string[] = [];
        let next: string | null = `${base}/v2/_catalog?n=100`;
        while (next) {
          const response: Response = await fetch(next);
          repos.push(...((await response.json()) as { repositories: string[] }).repositories);
          const link = response.headers.get('link');
          next = link ? new URL(/<([^>]*)>/.exec(link)![1]!, base).href : null;
        }
        const refs = (await mapLimit(repos, 8, async (r) => (((await (await fetch(`${base}/v2/${r}/tags/list?n=1000`)).json()) as { tags?: string[] }).tags ?? []).map((t) => [r, t] as const))).flat();
        await mapLimit(refs, 8, async ([r, t]) => (await fetch(`${base}/v2/${r}/manifests/${t}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).arrayBuffer());
      }));
    }

    const rows = [
      ['push catalog, cold (3 blobs uploaded + manifest)', median(cold), median(barePush), 'POST + PUT of the same 3 blobs, PUT of the manifest'],
      ['push catalog, warm (blobs exist: HEAD only + manifest)', median(warm), median(barePush), 'as above (a bare client cannot skip)'],
      ['pull catalog (manifest + 2 blobs, all digests verified, atomic write)', median(pull), median(barePull), 'GET of the manifest and the 2 layer blobs'],
      [`ls of ${ARTIFACTS} artifacts in ${REPOSITORIES} repositories (+${RUNS} catalog repos), classified`, median(listTimes), median(bareList), 'bare walk: _catalog + tags + manifest GETs, same concurrency'],
    ] as const;
    return [
      '## Registry: catalog push/pull and ls (CNCF distribution 2.8, 127.0.0.1)',
      '',
      `Real \`docker-registry\` (distribution 2.8.2, filesystem storage in a temp dir) on 127.0.0.1. The catalog has ${catalog.types.length} types; catalog.json is ${catalogBytes.length} bytes. Medians of ${RUNS} runs (ls: ${LIST_RUNS} runs, concurrency 8, page size 100). Peer: the same requests made bare with \`fetch\` (no HEAD checks, no auth handling, no catalog/logo digest checks or tar packing, no classification, no file writes); ratio = ours / peer.`,
      '',
      '| operation | ours | peer | ratio | peer does |',
      '|---|---|---|---|---|',
      ...rows.map(([name, ours, peer, what]) => `| ${name} | ${ms(ours)} | ${ms(peer)} | ${(ours / peer).toFixed(2)}× | ${what} |`),
      '',
      `Filling the registry with ${ARTIFACTS} manifests (16 in flight) took ${ms(fill)} (${(ARTIFACTS / (fill / 1000)).toFixed(0)} manifests/s).`,
    ].join('\n');
  } finally {
    await registry.stop();
    await rm(work, { recursive: true, force: true });
  }
}
