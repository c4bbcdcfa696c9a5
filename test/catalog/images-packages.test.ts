// Batch D1 of issue #3 (images, multi-platform indexes, packages and apps), over the real catalog:
// plain Docker images and plain indexes classify by the generic fallbacks, while packages that
// reuse the image config (Spin, Homebrew, Carvel, …) are named by their own stronger signal.
// Real loader (runChecks over definitions/), real lookup, real classifier; no mocks.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { realCatalog, type CatalogExample } from './real-catalog.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLookup, classify, type Lookup } from '../../src/classify/index.ts';

const repo = path.resolve(import.meta.dirname, '../..');

/** The types this batch adds, each with the signal its examples must be named by. */
const D1_TYPES = [
  'docker.image',
  'opencontainers.image-index',
  'docker.manifest-list',
  'docker.plugin',
  'cnab.bundle',
  'fermyon.spin.app',
  'homebrew.bottle',
  'zarf.package',
  'carvel.imgpkg.bundle',
  'crossplane.package',
  'operatorframework.olm.bundle',
  'kcl-lang.kcl.module',
  'tektoncd.pipeline.bundle',
] as const;

type Example = CatalogExample;

let lookup: Lookup;
let examples: Example[];

async function example(id: string, name: string): Promise<unknown> {
  return JSON.parse(await readFile(path.join(repo, 'definitions', id, 'examples', name), 'utf8'));
}

beforeAll(async () => {
  const real = await realCatalog();
  lookup = real.lookup;
  const ours = new Set<string>(D1_TYPES);
  examples = real.examples.filter((e) => ours.has(e.id));
});

const dockerImage = {
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1469, digest: `sha256:${'a'.repeat(64)}` },
  layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 3623807, digest: `sha256:${'b'.repeat(64)}` }],
};

const ociIndex = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1054, digest: `sha256:${'c'.repeat(64)}`, platform: { architecture: 'amd64', os: 'linux' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1054, digest: `sha256:${'d'.repeat(64)}`, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
  ],
};

describe('generic fallbacks for images and multi-platform indexes', () => {
  it('every D1 type is in the catalog built from definitions/', () => {
    for (const id of D1_TYPES) expect(lookup.types.has(id), id).toBe(true);
  });

  it('a plain Docker schema 2 image manifest classifies as docker.image by fallback, and conforms', () => {
    const result = classify(lookup, dockerImage);
    expect(result.id).toBe('docker.image');
    expect(result.signal).toBe('fallback');
    expect(result.matched?.value).toBe('application/vnd.docker.container.image.v1+json');
    expect(result.conformance).toEqual([]);
  });

  it('a plain OCI image index classifies as opencontainers.image-index by fallback', () => {
    const result = classify(lookup, ociIndex);
    expect(result.kind).toBe('index');
    expect(result.id).toBe('opencontainers.image-index');
    expect(result.signal).toBe('fallback');
  });

  it('an index without mediaType (older clients) still falls back to the OCI index type', () => {
    const { mediaType: _omit, ...bare } = ociIndex;
    expect(classify(lookup, bare).id).toBe('opencontainers.image-index');
  });

  it('the same list under the Docker manifest-list media type classifies as docker.manifest-list', () => {
    const list = { ...ociIndex, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' };
    const result = classify(lookup, list);
    expect(result.id).toBe('docker.manifest-list');
    expect(result.signal).toBe('fallback');
  });

  it('a Docker v2 manifest with the plugin config is a plugin, not an image', () => {
    const plugin = { ...dockerImage, config: { ...dockerImage.config, mediaType: 'application/vnd.docker.plugin.v1+json' } };
    const result = classify(lookup, plugin);
    expect(result.id).toBe('docker.plugin');
    expect(result.signal).toBe('config');
  });
});

describe('packages that reuse the image config do not fall back to the generic image type', () => {
  it('a Spin app is named by its locked-app layer, not by the OCI image config', async () => {
    const manifest = await example('fermyon.spin.app', 'hello.manifest.json');
    const result = classify(lookup, manifest, { config: await example('fermyon.spin.app', 'hello.config.json') });
    expect(result.id).toBe('fermyon.spin.app');
    expect(result.signal).toBe('layer');
    expect(result.matched?.value).toBe('application/vnd.fermyon.spin.application.v1+config');
  });

  it('a Homebrew bottle index and its per-platform manifest are named by com.github.package.type', async () => {
    for (const name of ['jq.manifest.json', 'jq-arm64-sequoia.manifest.json', 'jq-1.7.1-homebrew-4.2.manifest.json', 'jq-1.7.1-arm64-sonoma-homebrew-4.2.manifest.json']) {
      const result = classify(lookup, await example('homebrew.bottle', name));
      expect(result.id, name).toBe('homebrew.bottle');
      expect(result.signal, name).toBe('annotation');
      expect(result.matched?.pointer, name).toBe('/annotations/com.github.package.type');
    }
  });

  it('a Carvel bundle is named by its config label when the config is given', async () => {
    const manifest = await example('carvel.imgpkg.bundle', 'sample-bundle.manifest.json');
    const result = classify(lookup, manifest, { config: await example('carvel.imgpkg.bundle', 'sample-bundle.config.json') });
    expect(result.id).toBe('carvel.imgpkg.bundle');
    expect(result.signal).toBe('configLabel');
    expect(result.matched?.pointer).toBe('/config/Labels/dev.carvel.imgpkg.bundle');
  });

  it('without its config, the same Carvel manifest can only be a Docker image (labels live in the config)', async () => {
    const result = classify(lookup, await example('carvel.imgpkg.bundle', 'sample-bundle.manifest.json'));
    expect(result.id).toBe('docker.image');
    expect(result.signal).toBe('fallback');
  });

  it('removing the locked-app layer turns the Spin manifest back into a plain OCI image', async () => {
    const manifest = (await example('fermyon.spin.app', 'hello.manifest.json')) as { layers: Array<{ mediaType: string }> };
    const stripped = { ...manifest, layers: manifest.layers.filter((l) => l.mediaType !== 'application/vnd.fermyon.spin.application.v1+config') };
    const result = classify(lookup, stripped);
    expect(result.id).not.toBe('fermyon.spin.app');
    expect(result.signal).toBe('fallback');
  });
});

describe('every D1 example classifies as its own type; every near miss does not', () => {
  it('has examples of both roles for each type', () => {
    for (const id of D1_TYPES) {
      expect(examples.some((e) => e.id === id && e.role === 'manifest'), `${id} manifest`).toBe(true);
      expect(examples.some((e) => e.id === id && e.role === 'not-this'), `${id} not-this`).toBe(true);
    }
  });

  it('positive examples classify as their type with no conformance errors', () => {
    for (const e of examples.filter((x) => x.role === 'manifest')) {
      const result = classify(lookup, e.manifest, e.config === undefined ? {} : { config: e.config });
      expect(result.id, `${e.id}/${e.name}`).toBe(e.id);
      expect(result.conformance.filter((c) => c.severity === 'error'), `${e.id}/${e.name}`).toEqual([]);
    }
  });

  it('package examples are never named by a generic fallback, only the image and index types are', () => {
    const fallbackTypes = new Set(['docker.image', 'opencontainers.image-index', 'docker.manifest-list']);
    for (const e of examples.filter((x) => x.role === 'manifest' && !fallbackTypes.has(x.id))) {
      const result = classify(lookup, e.manifest, e.config === undefined ? {} : { config: e.config });
      expect(result.signal, `${e.id}/${e.name}`).not.toBe('fallback');
    }
  });

  it('negative examples do not classify as their type (or are flagged)', () => {
    for (const e of examples.filter((x) => x.role === 'not-this')) {
      const result = classify(lookup, e.manifest, e.config === undefined ? {} : { config: e.config });
      const flagged = result.id === e.id && result.conformance.length > 0;
      expect(result.id !== e.id || flagged, `${e.id}/${e.name} classified as ${result.id}`).toBe(true);
    }
  });
});
