// Issue #3's quality bar, over the real catalog: a referrer (a manifest with `subject`: signature,
// SBOM, attestation) classifies as its own type and never as a container image, and a plain image
// manifest classifies as a container image by the generic fallback. Real loader, real classifier.
import { beforeAll, describe, expect, it } from 'vitest';
import { realCatalog } from './real-catalog.ts';
import { buildLookup, classify, type Lookup } from '../../src/classify/index.ts';

const IMAGE_TYPES = new Set(['opencontainers.image', 'docker.image']);

interface Referrer {
  folder: string;
  file: string;
  manifest: Record<string, unknown>;
  config: unknown;
}

let lookup: Lookup;
let referrers: Referrer[];

beforeAll(async () => {
  const real = await realCatalog();
  lookup = real.lookup;
  referrers = real.examples
    .filter((e) => e.built && e.role === 'manifest' && typeof e.manifest === 'object' && e.manifest !== null && 'subject' in e.manifest)
    .map((e) => ({ folder: e.id, file: `${e.id}/examples/${e.name}`, manifest: e.manifest as Record<string, unknown>, config: e.config }));
});

describe('referrer examples (manifests with subject)', () => {
  it('covers the supply-chain referrers of the catalog, so the checks below are not vacuous', () => {
    const folders = new Set(referrers.map((r) => r.folder));
    for (const id of ['cncf.notary.signature', 'sigstore.cosign.signature', 'sigstore.cosign.sbom', 'sigstore.bundle', 'spdx.sbom', 'cyclonedx.sbom', 'in-toto.attestation', 'docker.buildkit.attestation', 'goharbor.harbor.sbom']) {
      expect(folders, `no referrer example found for ${id}`).toContain(id);
    }
  });

  it('classify as their own folder type', () => {
    const wrong = referrers
      .map((r) => ({ r, result: classify(lookup, r.manifest, r.config === undefined ? {} : { config: r.config }) }))
      .filter(({ r, result }) => result.id !== r.folder)
      .map(({ r, result }) => `${r.file}: ${result.id ?? 'nothing'} (by ${result.signal} ${result.matched?.value ?? ''})${result.error ? ` error ${result.error.message}` : ''}`);
    expect(wrong).toEqual([]);
  });

  it('never classify as a container image, even without their config blob', () => {
    const asImage = referrers
      .map((r) => ({ r, id: classify(lookup, r.manifest).id }))
      .filter(({ id }) => id !== null && IMAGE_TYPES.has(id))
      .map(({ r, id }) => `${r.file}: ${id}`);
    expect(asImage).toEqual([]);
  });
});

describe('plain image manifests', () => {
  const digest = (n: string) => `sha256:${n.repeat(64).slice(0, 64)}`;

  it('an OCI image (generic config, tar+gzip layers, no subject, no annotations) is opencontainers.image by fallback', () => {
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest('a'), size: 1469 },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest('b'), size: 3623807 },
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest('c'), size: 412 },
      ],
    };
    const result = classify(lookup, manifest);
    expect(result.id).toBe('opencontainers.image');
    expect(result.signal).toBe('fallback');
    expect(result.matched).toEqual({ pointer: '/config/mediaType', value: 'application/vnd.oci.image.config.v1+json' });
    expect(result.conformance).toEqual([]);
  });

  it('the same OCI image without its optional mediaType field is still opencontainers.image', () => {
    const manifest = {
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest('a'), size: 1469 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest('b'), size: 3623807 }],
    };
    expect(classify(lookup, manifest)).toMatchObject({ id: 'opencontainers.image', signal: 'fallback' });
  });

  it('a Docker schema 2 image is a container image (docker.image where the catalog has it), never an artifact', () => {
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: digest('d'), size: 1457 },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: digest('e'), size: 3623807 }],
    };
    const result = classify(lookup, manifest);
    if (lookup.types.has('docker.image')) {
      expect(result).toMatchObject({ id: 'docker.image', signal: 'fallback' });
    } else {
      expect(result.id).toBeNull();
    }
  });

  it('the image config alone does not win over an identifying layer: a cosign signature under it is not an image', () => {
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest('f'), size: 248 },
      layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: digest('0'), size: 254 }],
    };
    expect(classify(lookup, manifest)).toMatchObject({ id: 'sigstore.cosign.signature', signal: 'layer' });
  });
});
