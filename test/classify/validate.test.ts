// Validation against the specs, one case per rule, written from the spec text (image-spec v1.1.1
// descriptor.md, manifest.md, image-index.md, annotations.md, config.md; Docker's manifest-v2-2.md).
// Each case breaks one rule of a valid document and expects exactly that finding; the valid
// documents themselves must give none, so every check is shown to fail without its rule.
import { describe, expect, it } from 'vitest';
import { buildLookup, classify, validateManifest } from '../../src/classify/index.ts';
import { MAX_FINDINGS } from '../../src/classify/validate.ts';

const SHA = `sha256:${'a'.repeat(64)}`;
const EMPTY = { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2, data: 'e30=' };
const layer = (extra: object = {}) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: SHA, size: 675598, ...extra });
const ociManifest = (extra: object = {}) => ({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: SHA, size: 1469 },
  layers: [layer()],
  ...extra,
});
const ociIndex = (extra: object = {}) => ({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: SHA, size: 7143, platform: { architecture: 'arm64', os: 'linux' } }],
  ...extra,
});
const dockerManifest = (extra: object = {}) => ({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: SHA, size: 7023 },
  layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: SHA, size: 32654 }],
  ...extra,
});
const dockerList = (extra: object = {}) => ({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
  manifests: [{ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: SHA, size: 7143, platform: { architecture: 'ppc64le', os: 'linux' } }],
  ...extra,
});
const imageConfig = (extra: object = {}) => ({
  created: '2015-10-31T22:22:56.015925234Z',
  architecture: 'amd64',
  os: 'linux',
  config: { User: 'alice', Env: ['PATH=/usr/bin'], Entrypoint: ['/bin/my-app'], Cmd: ['--foreground'], ExposedPorts: { '8080/tcp': {} }, Labels: { 'com.example.project': 'x' } },
  rootfs: { type: 'layers', diff_ids: [SHA] },
  history: [{ created: '2015-10-31T22:22:54.690851953Z', created_by: '/bin/sh -c #(nop) ADD file', empty_layer: false }],
  ...extra,
});

/** The findings, as [severity, code, path] triples. */
function found(manifest: unknown, config?: unknown): Array<[string, string, string]> {
  return validateManifest(manifest, config).map((f) => [f.severity, f.code, f.path]);
}

function only(manifest: unknown, severity: string, code: string, path: string, config?: unknown): void {
  expect(found(manifest, config)).toEqual([[severity, code, path]]);
}

describe('the valid documents have no findings', () => {
  it.each([
    ['OCI manifest', ociManifest()],
    ['OCI artifact with the empty config', ociManifest({ artifactType: 'application/vnd.example.sbom.v1', config: EMPTY, layers: [EMPTY], subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: SHA, size: 7023 } })],
    ['OCI index', ociIndex()],
    ['Docker manifest', dockerManifest()],
    ['Docker manifest list', dockerList()],
  ])('%s', (_name, manifest) => {
    expect(found(manifest)).toEqual([]);
  });

  it('an OCI image config', () => {
    expect(found(ociManifest(), imageConfig())).toEqual([]);
  });
});

describe('descriptor.md: descriptor properties', () => {
  it('a descriptor must be an object', () => only(ociManifest({ layers: ['x'] }), 'error', 'descriptor', '/layers/0'));
  it('mediaType is REQUIRED', () => only(ociManifest({ layers: [{ digest: SHA, size: 1 }] }), 'error', 'descriptor-media-type', '/layers/0/mediaType'));
  it('mediaType is a string', () => only(ociManifest({ layers: [layer({ mediaType: 7 })] }), 'error', 'descriptor-media-type', '/layers/0/mediaType'));
  it('mediaType MUST comply with RFC 6838 (config mediaType "invalid")', () => {
    only(ociManifest({ config: { mediaType: 'invalid', digest: SHA, size: 2 } }), 'error', 'descriptor-media-type', '/config/mediaType');
  });
  it('mediaType restricted-name characters (RFC 6838 section 4.2)', () => only(ociManifest({ layers: [layer({ mediaType: 'application/vnd.x@y' })] }), 'error', 'descriptor-media-type', '/layers/0/mediaType'));
  it('digest is REQUIRED', () => only(ociManifest({ layers: [{ mediaType: 'application/octet-stream', size: 1 }] }), 'error', 'descriptor-digest', '/layers/0/digest'));
  it('digest is a string', () => only(ociManifest({ layers: [layer({ digest: 12 })] }), 'error', 'descriptor-digest', '/layers/0/digest'));
  it('digest MUST match the grammar algorithm ":" encoded', () => {
    for (const digest of ['sha256', 'SHA256:abc', 'sha256:', 'sha256:ab/cd', 'sha256+:abc', ':abc']) only(ociManifest({ layers: [layer({ digest })] }), 'error', 'descriptor-digest', '/layers/0/digest');
  });
  it('unregistered algorithms that follow the grammar pass (SHOULD allow)', () => {
    expect(found(ociManifest({ layers: [layer({ digest: 'multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8' })] }))).toEqual([]);
  });
  it('sha256: encoded MUST be 64 lowercase hex', () => {
    only(ociManifest({ layers: [layer({ digest: 'sha256:abc' })] }), 'error', 'digest-encoding', '/layers/0/digest');
    only(ociManifest({ layers: [layer({ digest: `sha256:${'A'.repeat(64)}` })] }), 'error', 'digest-encoding', '/layers/0/digest');
  });
  it('sha512: encoded MUST be 128 lowercase hex', () => {
    expect(found(ociManifest({ layers: [layer({ digest: `sha512:${'b'.repeat(128)}` })] }))).toEqual([]);
    only(ociManifest({ layers: [layer({ digest: `sha512:${'b'.repeat(64)}` })] }), 'error', 'digest-encoding', '/layers/0/digest');
  });
  it('size is REQUIRED', () => only(ociManifest({ layers: [{ mediaType: 'application/octet-stream', digest: SHA }] }), 'error', 'descriptor-size', '/layers/0/size'));
  it('size is an int64, not a string ("675598")', () => only(ociManifest({ layers: [layer({ size: '675598' })] }), 'error', 'descriptor-size', '/layers/0/size'));
  it('size is a non-negative whole number', () => {
    for (const size of [-1, 1.5, 2 ** 63]) only(ociManifest({ layers: [layer({ size })] }), 'error', 'descriptor-size', '/layers/0/size');
  });
  it('urls is an array of strings', () => only(ociManifest({ layers: [layer({ urls: 'https://example.com/x' })] }), 'error', 'descriptor-urls', '/layers/0/urls'));
  it('each URL MUST conform to RFC 3986', () => only(ociManifest({ layers: [layer({ urls: ['https://example.com/a b'] })] }), 'error', 'descriptor-urls', '/layers/0/urls/0'));
  it('URLs SHOULD use http or https', () => only(ociManifest({ layers: [layer({ urls: ['ftp://example.com/layer.tar'] })] }), 'warning', 'descriptor-url-scheme', '/layers/0/urls/0'));
  it('annotations MUST be a string-string map', () => {
    only(ociManifest({ layers: [layer({ annotations: ['a'] })] }), 'error', 'annotations', '/layers/0/annotations');
    only(ociManifest({ layers: [layer({ annotations: { 'a/b': 1 } })] }), 'error', 'annotations', '/layers/0/annotations/a~1b');
  });
  it('data MUST be RFC 4648 base64', () => only(ociManifest({ config: { ...EMPTY, data: 'e30' }, artifactType: 'application/x.y' }), 'error', 'descriptor-data', '/config/data'));
  it('data MUST be identical to the content: its length matches size', () => only(ociManifest({ config: { ...EMPTY, size: 3 }, artifactType: 'application/x.y' }), 'error', 'descriptor-data', '/config/data'));
  it('artifactType on a descriptor MUST comply with RFC 6838', () => only(ociIndex({ manifests: [{ ...ociIndex().manifests[0], artifactType: 'sbom' }] }), 'error', 'descriptor-artifact-type', '/manifests/0/artifactType'));
});

describe('manifest.md: image manifest', () => {
  it('schemaVersion is REQUIRED', () => {
    const { schemaVersion: _, ...rest } = ociManifest();
    only(rest, 'error', 'schema-version', '/schemaVersion');
  });
  it('schemaVersion MUST be 2', () => only(ociManifest({ schemaVersion: 1 }), 'error', 'schema-version', '/schemaVersion'));
  it('mediaType SHOULD be used', () => {
    const { mediaType: _, ...rest } = ociManifest();
    only(rest, 'warning', 'media-type', '/mediaType');
  });
  it('mediaType, when used, MUST be application/vnd.oci.image.manifest.v1+json', () => {
    only({ ...ociManifest(), mediaType: 'application/vnd.oci.image.manifest.v2+json' }, 'error', 'media-type', '/mediaType');
  });
  it('mediaType must agree with the content (an index type on a manifest)', () => {
    expect(found({ ...ociManifest(), mediaType: 'application/vnd.oci.image.index.v1+json' })).toContainEqual(['error', 'media-type-content', '/mediaType']);
  });
  it('an object with both manifests and layers is ambiguous', () => {
    expect(found({ ...ociManifest(), manifests: [] })).toContainEqual(['error', 'media-type-content', '']);
  });
  it('artifactType MUST comply with RFC 6838', () => only(ociManifest({ artifactType: 'not a type' }), 'error', 'artifact-type', '/artifactType'));
  it('artifactType MUST be set when config.mediaType is the empty value', () => only(ociManifest({ config: EMPTY, layers: [EMPTY] }), 'error', 'artifact-type-required', '/artifactType'));
  it('config is REQUIRED', () => {
    const { config: _, ...rest } = ociManifest();
    only(rest, 'error', 'config', '/config');
  });
  it('layers is REQUIRED (the JSON schema requires it)', () => {
    const { layers: _, ...rest } = ociManifest();
    only(rest, 'error', 'layers', '/layers');
  });
  it('layers is an array', () => only(ociManifest({ layers: {} }), 'error', 'layers', '/layers'));
  it('layers SHOULD have at least one entry', () => only(ociManifest({ layers: [] }), 'warning', 'layers-empty', '/layers'));
  it('subject is a descriptor', () => only(ociManifest({ subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: SHA } }), 'error', 'descriptor-size', '/subject/size'));
  it('annotations MUST be a string-string map', () => only(ociManifest({ annotations: { 'org.opencontainers.image.created': 2024 } }), 'error', 'annotations', '/annotations/org.opencontainers.image.created'));
});

describe('image-index.md: image index', () => {
  it('schemaVersion MUST be 2', () => only(ociIndex({ schemaVersion: '2' }), 'error', 'schema-version', '/schemaVersion'));
  it('mediaType SHOULD be used', () => {
    const { mediaType: _, ...rest } = ociIndex();
    only(rest, 'warning', 'media-type', '/mediaType');
  });
  it('mediaType, when used, MUST be application/vnd.oci.image.index.v1+json', () => only(ociIndex({ mediaType: 'application/json' }), 'error', 'media-type', '/mediaType'));
  it('mediaType must agree with the content (a manifest type on an index)', () => {
    expect(found(ociIndex({ mediaType: 'application/vnd.oci.image.manifest.v1+json' }))).toContainEqual(['error', 'media-type-content', '/mediaType']);
  });
  it('manifests is REQUIRED (an empty array is fine)', () => {
    expect(found(ociIndex({ manifests: [] }))).toEqual([]);
    only({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json' }, 'error', 'manifests', '/manifests');
  });
  it('manifests is an array', () => only(ociIndex({ manifests: {} }), 'error', 'manifests', '/manifests'));
  it('every entry is a descriptor: an entry without mediaType', () => {
    only(ociIndex({ manifests: [{ digest: SHA, size: 7143, platform: { architecture: 'arm64', os: 'linux' } }] }), 'error', 'descriptor-media-type', '/manifests/0/mediaType');
  });
  it('platform.architecture and platform.os are REQUIRED', () => {
    only(ociIndex({ manifests: [{ ...ociIndex().manifests[0], platform: { os: 'linux' } }] }), 'error', 'platform', '/manifests/0/platform/architecture');
    only(ociIndex({ manifests: [{ ...ociIndex().manifests[0], platform: { architecture: 'arm64' } }] }), 'error', 'platform', '/manifests/0/platform/os');
  });
  it('platform is an object; os.features an array of strings', () => {
    only(ociIndex({ manifests: [{ ...ociIndex().manifests[0], platform: 'linux/arm64' }] }), 'error', 'platform', '/manifests/0/platform');
    only(ociIndex({ manifests: [{ ...ociIndex().manifests[0], platform: { architecture: 'amd64', os: 'windows', 'os.features': 'win32k' } }] }), 'error', 'platform', '/manifests/0/platform/os.features');
  });
  it('artifactType MUST comply with RFC 6838', () => only(ociIndex({ artifactType: 'x' }), 'error', 'artifact-type', '/artifactType'));
  it('subject is a descriptor', () => only(ociIndex({ subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:1', size: 1 } }), 'error', 'digest-encoding', '/subject/digest'));
  it('annotations MUST be a string-string map', () => only(ociIndex({ annotations: 'x' }), 'error', 'annotations', '/annotations'));
});

describe('config.md: the OCI image config, when the config blob is given', () => {
  const check = (config: unknown) => found(ociManifest(), config);
  it('is a JSON object', () => expect(check([])).toEqual([['error', 'image-config', '/config']]));
  it('architecture and os are REQUIRED strings', () => {
    const { architecture: _, ...noArch } = imageConfig();
    expect(check(noArch)).toEqual([['error', 'image-config', '/config/architecture']]);
    expect(check(imageConfig({ os: 1 }))).toEqual([['error', 'image-config', '/config/os']]);
  });
  it('created is an RFC 3339 date-time', () => expect(check(imageConfig({ created: 'yesterday' }))).toEqual([['error', 'image-config', '/config/created']]));
  it('rootfs is REQUIRED', () => {
    const { rootfs: _, ...rest } = imageConfig();
    expect(check(rest)).toEqual([['error', 'image-config', '/config/rootfs']]);
  });
  it('rootfs.type MUST be "layers"', () => expect(check(imageConfig({ rootfs: { type: 'tar', diff_ids: [] } }))).toEqual([['error', 'image-config', '/config/rootfs/type']]));
  it('rootfs.diff_ids is REQUIRED, an array of digests', () => {
    expect(check(imageConfig({ rootfs: { type: 'layers' } }))).toEqual([['error', 'image-config', '/config/rootfs/diff_ids']]);
    expect(check(imageConfig({ rootfs: { type: 'layers', diff_ids: ['abc'] } }))).toEqual([['error', 'descriptor-digest', '/config/rootfs/diff_ids/0']]);
  });
  it('config.Env, Entrypoint and Cmd are arrays of strings', () => {
    expect(check(imageConfig({ config: { Cmd: '/bin/sh' } }))).toEqual([['error', 'image-config', '/config/config/Cmd']]);
  });
  it('config.Labels follow the annotation rules', () => expect(check(imageConfig({ config: { Labels: { a: true } } }))).toEqual([['error', 'annotations', '/config/config/Labels/a']]));
  it('history entries are objects with string fields and a boolean empty_layer', () => {
    expect(check(imageConfig({ history: [{ empty_layer: 'yes' }] }))).toEqual([['error', 'image-config', '/config/history/0/empty_layer']]);
  });
  it('is only checked as an image config when config.mediaType says it is one', () => {
    expect(found(ociManifest({ config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: SHA, size: 2 } }), { name: 'chart' })).toEqual([]);
  });
});

describe("Docker's Image Manifest V2, Schema 2", () => {
  it('schemaVersion is 2', () => only(dockerManifest({ schemaVersion: 1 }), 'error', 'schema-version', '/schemaVersion'));
  it('config is required, with mediaType, size and digest', () => {
    const { config: _, ...rest } = dockerManifest();
    only(rest, 'error', 'config', '/config');
    only(dockerManifest({ config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: SHA } }), 'error', 'descriptor-size', '/config/size');
  });
  it('layers is required, each with a digest', () => {
    const { layers: _, ...rest } = dockerManifest();
    only(rest, 'error', 'layers', '/layers');
    only(dockerManifest({ layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 1, digest: 'sha256-abc' }] }), 'error', 'descriptor-digest', '/layers/0/digest');
  });
  it('has no OCI-only descriptor rules (annotations are not judged)', () => {
    expect(found(dockerManifest({ layers: [{ ...dockerManifest().layers[0], annotations: 5 }] }))).toEqual([]);
  });
  it('a manifest list entry needs a platform with architecture and os', () => {
    const { platform: _, ...entry } = dockerList().manifests[0]!;
    only(dockerList({ manifests: [entry] }), 'error', 'platform', '/manifests/0/platform');
    only(dockerList({ manifests: [{ ...entry, platform: { architecture: 'amd64' } }] }), 'error', 'platform', '/manifests/0/platform/os');
  });
  it('a manifest list entry has size', () => {
    only(dockerList({ manifests: [{ ...dockerList().manifests[0], size: '7143' }] }), 'error', 'descriptor-size', '/manifests/0/size');
  });
});

describe('validation inside classify', () => {
  const lookup = buildLookup([]);
  it('gives the classification and every violation together', () => {
    const result = classify(lookup, ociManifest({ config: { mediaType: 'invalid', digest: 'sha256:abc', size: 2 }, layers: [layer({ size: '675598' })] }));
    expect(result.error).toBeUndefined();
    expect(result.kind).toBe('manifest');
    expect(result.validation.map((v) => [v.code, v.path])).toEqual([
      ['descriptor-media-type', '/config/mediaType'],
      ['digest-encoding', '/config/digest'],
      ['descriptor-size', '/layers/0/size'],
    ]);
    for (const v of result.validation) expect(v.spec).toMatch(/^https:\/\/github\.com\/opencontainers\/image-spec\/blob\/v1\.1\.1\/descriptor\.md#/);
  });

  it('gives the violations even when the manifest cannot be classified', () => {
    const result = classify(lookup, { schemaVersion: 2, config: 'x', layers: [] });
    expect(result.error?.pointer).toBe('/config');
    expect(result.validation).toContainEqual(expect.objectContaining({ code: 'descriptor', path: '/config' }));
  });

  it('stops after MAX_FINDINGS on a hostile manifest (a sparse array of length 2^32-1)', () => {
    const layers: unknown[] = [];
    layers.length = 2 ** 32 - 1;
    const result = validateManifest({ ...ociManifest(), layers });
    expect(result.length).toBe(MAX_FINDINGS + 1);
    expect(result.at(-1)?.code).toBe('too-many-findings');
  });
});
