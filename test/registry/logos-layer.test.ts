// Issue #18, item 3: a small logos layer must not make `pull` or `serve --catalog-from` (which run
// fetchCatalog at start-up and on every reload) use gigabytes. Hostile layers pushed to a real
// registry (Debian's docker-registry): many entries, one huge entry named like a real logo, a gzip
// bomb, a repeated logo. Each must be refused quickly, with the process's RSS barely moving.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/catalog/load.ts';
import type { Catalog } from '../../src/model/catalog.ts';
import { CATALOG_LAYER_MEDIA_TYPE, fetchCatalog, LOGOS_LAYER_MEDIA_TYPE, RegistryError } from '../../src/registry/index.ts';
import { logoLimits } from '../../src/registry/logos-tar.ts';
import { Checks, reliabilitySection } from '../reliability-report.ts';
import { definitionsCatalog, pushRaw, writeTestDist } from './catalog-fixture.ts';
import { startRegistry, type RunningRegistry } from './registry-server.ts';

const report = reliabilitySection('registry-logos-layer', 'Registry: hostile logos layers');
let registry: RunningRegistry;
let catalog: Catalog;
let work: string;
let dist: string;
const MAX_PEAK_MIB = 100;
const MAX_MS = 5_000;

interface Row {
  name: string;
  layerBytes: number;
  claimed: string;
  message: string;
  peakMiB: number;
  ms: number;
}
const rows: Row[] = [];
const checks = new Checks();

beforeAll(async () => {
  [registry, catalog] = await Promise.all([startRegistry(), definitionsCatalog()]);
  work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-logos-'));
  dist = path.dirname(await writeTestDist(work));
});

afterAll(async () => {
  const limits = logoLimits(new Set(catalog?.types.map((t) => t.id) ?? []), LIMITS.logo);
  report.record(`Catalog artifacts whose logos layer is hostile, pushed to a real registry (Debian's \`docker-registry\`) beside the real catalog.json and fetched with \`fetchCatalog\`, the code behind \`pull\` and \`serve --catalog-from\` (start-up and every reload). Before the fix a 1.6 MB layer of 1,500 entries of 1 MiB took 3.2 GB of memory (every \`logos/<id>.svg\` up to 1 MiB was buffered, names matched only afterwards; this suite's first case ran 111 s before failing). Now each entry's name is matched against the catalog's ${catalog?.types.length ?? 0} ids before it is read, and the layer is bounded by the catalog: at most ${limits.maxEntries} entries, ${limits.maxTotalBytes.toLocaleString('en-US')} bytes inflated (also the most the blob may weigh), ${limits.maxEntryBytes.toLocaleString('en-US')} bytes per logo (the checker's limit). test/registry/logos-layer.test.ts.

| Layer | On the wire | Inflates to | Refused with | Peak RSS growth | Time |
| --- | --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.name} | ${(r.layerBytes / 1e6).toFixed(2)} MB | ${r.claimed} | ${r.message.replace(/^.*?: the logos layer/, 'the logos layer').replace(/\|/g, '\\|')} | ${r.peakMiB.toFixed(1)} MiB | ${r.ms.toFixed(0)} ms |`).join('\n')}

Bounds: peak RSS growth ${MAX_PEAK_MIB} MiB, ${MAX_MS} ms per layer. ${checks.summary()}`);
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A tar entry as gzip members of its own (gzip members concatenate), so a big archive costs one compression of its data. */
function tarEntry(name: string, size: number, data: Buffer): Buffer[] {
  const header = new Header({ path: name, mode: 0o644, size, type: 'File', mtime: new Date(0), uid: 0, gid: 0 });
  header.encode();
  const padding = (512 - (size % 512)) % 512;
  return [gzipSync(header.block!), data, gzipSync(Buffer.alloc(padding))];
}
const tarEnd = () => gzipSync(Buffer.alloc(1024));
const MiB = 1024 * 1024;

/** Peak RSS growth (MiB) and time while `run` settles, sampled every 20 ms. */
async function cost<T>(run: () => Promise<T>): Promise<{ result: T | Error; peakMiB: number; ms: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const result = await run().catch((e: Error) => e);
    return { result, peakMiB: (Math.max(peak, process.memoryUsage().rss) - before) / MiB, ms: performance.now() - started };
  } finally {
    clearInterval(sampler);
  }
}

describe('hostile logos layers (issue #18, item 3)', () => {
  /** Pushes the real catalog.json with this logos layer and fetches it the way pull and serve --catalog-from do. */
  async function fetchWithLogos(tag: string, logos: Buffer) {
    const catalogBytes = await readFile(path.join(dist, 'catalog.json'));
    const reference = await pushRaw(registry, tag, [
      { mediaType: CATALOG_LAYER_MEDIA_TYPE, content: catalogBytes },
      { mediaType: LOGOS_LAYER_MEDIA_TYPE, content: logos },
    ], { 'dev.artifact-types.catalog.digest': catalog.digest });
    return cost(() => fetchCatalog(reference));
  }
  /** Records the case for the report and checks it was refused, within the bounds, with the expected message. */
  function refused(name: string, layer: Buffer, claimed: string, outcome: Awaited<ReturnType<typeof fetchWithLogos>>, expected: RegExp | string): void {
    const message = outcome.result instanceof Error ? outcome.result.message : '(accepted)';
    rows.push({ name, layerBytes: layer.length, claimed, message, peakMiB: outcome.peakMiB, ms: outcome.ms });
    checks.check(`${name}: refused`, outcome.result instanceof RegistryError, message);
    checks.check(`${name}: the message`, typeof expected === 'string' ? message.includes(expected) : expected.test(message), message);
    checks.check(`${name}: peak RSS growth`, outcome.peakMiB < MAX_PEAK_MIB, `${outcome.peakMiB.toFixed(1)} MiB`);
    checks.check(`${name}: time`, outcome.ms < MAX_MS, `${outcome.ms.toFixed(0)} ms`);
    expect(outcome.result).toBeInstanceOf(RegistryError);
    expect(message).toMatch(expected);
    expect(outcome.peakMiB).toBeLessThan(MAX_PEAK_MIB);
    expect(outcome.ms).toBeLessThan(MAX_MS);
  }
  // size bytes of zeros as 1 MiB gzip members: a 1 GiB entry is about 1 MB on the wire, and is never held whole here.
  const oneMiB = gzipSync(Buffer.alloc(MiB), { level: 9 });
  const zeros = (size: number) => Buffer.concat(Array.from({ length: size / MiB }, () => oneMiB));

  it('refuses 1,500 entries of 1 MiB (1.5 GB inflated from a 1.6 MB layer) without reading them', async () => {
    const data = zeros(MiB);
    const layer = Buffer.concat([...Array.from({ length: 1500 }, (_, i) => tarEntry(`logos/x${i}.example.svg`, MiB, data)).flat(), tarEnd()]);
    expect(layer.length).toBeLessThan(4 * MiB);
    refused('1,500 entries of 1 MiB of zeros, names not in the catalog', layer, '1.5 GiB', await fetchWithLogos('many-entries', layer), /logos layer is refused: it inflates to more than/);
  });

  it('refuses one huge entry named like a real logo before buffering it', async () => {
    const id = catalog.types[0]!.id;
    const layer = Buffer.concat([...tarEntry(`logos/${id}.svg`, 256 * MiB, zeros(256 * MiB)), tarEnd()]);
    refused(`one 256 MiB entry named logos/${id}.svg`, layer, '256 MiB', await fetchWithLogos('huge-entry', layer), `logos/${id}.svg is ${256 * MiB} bytes (limit ${LIMITS.logo})`);
  });

  it('stops inflating a gzip bomb (1 GiB of zeros in a file the catalog does not name)', async () => {
    const layer = Buffer.concat([...tarEntry('logos/not.in-the-catalog.svg', 1024 * MiB, zeros(1024 * MiB)), tarEnd()]);
    refused('gzip bomb: one 1 GiB entry of zeros, name not in the catalog', layer, '1 GiB', await fetchWithLogos('gzip-bomb', layer), /logos layer is refused: it inflates to more than/);
  });

  it('refuses 1,000 empty entries (more entries than a catalog has logos)', async () => {
    const empty = gzipSync(Buffer.alloc(0));
    const layer = Buffer.concat([...Array.from({ length: 1000 }, (_, i) => tarEntry(`logos/x${i}.example.svg`, 0, empty)).flat(), tarEnd()]);
    refused('1,000 empty entries, names not in the catalog', layer, `${((1000 * 512 + 1024) / 1e6).toFixed(1)} MB of headers`, await fetchWithLogos('many-empty', layer), /logos layer is refused: it holds more than \d+ entries/);
  });

  it('refuses a logo that appears twice', async () => {
    const type = catalog.types[0]!;
    const logo = await readFile(path.join(dist, 'logos', `${type.id}.svg`));
    const layer = Buffer.concat([...tarEntry(`logos/${type.id}.svg`, logo.length, gzipSync(logo)), ...tarEntry(`logos/${type.id}.svg`, logo.length, gzipSync(logo)), tarEnd()]);
    refused('a real logo, twice', layer, `${(2 * logo.length / 1024).toFixed(1)} KiB`, await fetchWithLogos('twice', layer), `logos/${type.id}.svg appears twice`);
  });
});

