// A referrers list (distribution-spec 1.1: the referrers API's answer, or the image index a client
// keeps under the `<alg>-<ref>` tag) is recognized as such over the real catalog, never as a
// multi-platform image, and each entry is named by its own artifactType.
import { beforeAll, describe, expect, it } from 'vitest';
import { classify, cosignTag, referrersTagSubject, type Lookup } from '../../src/classify/index.ts';
import { realCatalog } from '../catalog/real-catalog.ts';

let lookup: Lookup;
beforeAll(async () => {
  lookup = (await realCatalog()).lookup;
});

const SUBJECT = `sha256:${'1'.repeat(64)}`;
const TAG = `sha256-${'1'.repeat(64)}`;
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';

/** What @sigstore/oci writes under the tag schema: one entry per bundle, typed by artifactType. */
const tagSchemaIndex = {
  schemaVersion: 2,
  mediaType: INDEX,
  manifests: [
    { mediaType: MANIFEST, size: 870, digest: digest('a'), artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', annotations: { 'dev.sigstore.bundle.content': 'message-signature', 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' } },
    { mediaType: MANIFEST, size: 700, digest: digest('b'), artifactType: 'application/spdx+json' },
    { mediaType: MANIFEST, size: 700, digest: digest('c'), artifactType: 'application/vnd.example.unknown.v1' },
  ],
};

describe('referrers lists', () => {
  it('an index under the referrers tag schema is a referrers list of that subject, not a multi-platform image', () => {
    const result = classify(lookup, tagSchemaIndex, { tag: TAG });
    expect(result.id).toBeNull();
    expect(result.kind).toBe('index');
    expect(result.referrersList).toEqual({
      source: 'tag-schema',
      subject: SUBJECT,
      entries: [
        { pointer: '/manifests/0', digest: digest('a'), artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', id: 'sigstore.bundle', displayName: expect.any(String) },
        { pointer: '/manifests/1', digest: digest('b'), artifactType: 'application/spdx+json', id: 'spdx.sbom', displayName: expect.any(String) },
        { pointer: '/manifests/2', digest: digest('c'), artifactType: 'application/vnd.example.unknown.v1', id: null, displayName: null },
      ],
    });
  });

  it('a referrers index that a type marks as its own (GitHub Actions packages) is named by that signal and still lists its referrers', () => {
    const marked = { ...tagSchemaIndex, annotations: { 'com.github.package.type': 'actions_oci_pkg_referrer_index' } };
    const result = classify(lookup, marked, { tag: TAG });
    expect(result).toMatchObject({ id: 'github.actions.package', signal: 'annotation', matched: { pointer: '/annotations/com.github.package.type' } });
    expect(result.referrersList).toMatchObject({ source: 'tag-schema', subject: SUBJECT });
    expect(result.referrersList!.entries).toHaveLength(3);
  });

  it('the same index without its tag is still recognized by its content (entries typed, no platforms)', () => {
    const result = classify(lookup, tagSchemaIndex);
    expect(result.id).toBeNull();
    expect(result.referrersList).toMatchObject({ source: 'content', subject: null });
  });

  it('a referrers API answer (with an index referrer that has no artifactType) names its subject', () => {
    const answer = { ...tagSchemaIndex, manifests: [...tagSchemaIndex.manifests, { mediaType: INDEX, size: 300, digest: digest('d') }] };
    const result = classify(lookup, answer, { referrersOf: SUBJECT });
    expect(result.referrersList?.source).toBe('referrers-api');
    expect(result.referrersList?.subject).toBe(SUBJECT);
    expect(result.referrersList?.entries.at(-1)).toEqual({ pointer: '/manifests/3', digest: digest('d'), artifactType: null, id: null, displayName: null });
  });

  it('a listed image manifest without artifactType breaks distribution-spec (Listing Referrers)', () => {
    const broken = { ...tagSchemaIndex, manifests: [...tagSchemaIndex.manifests, { mediaType: MANIFEST, size: 700, digest: digest('e') }] };
    const result = classify(lookup, broken, { tag: TAG });
    expect(result.referrersList?.entries).toHaveLength(4);
    expect(result.validation.map((v) => [v.code, v.path, v.spec])).toEqual([['referrer-artifact-type', '/manifests/3/artifactType', 'https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#listing-referrers']]);
    expect(classify(lookup, tagSchemaIndex, { tag: TAG }).validation).toEqual([]);
  });

  it('an empty referrers list under the tag schema is a referrers list with no entries', () => {
    expect(classify(lookup, { schemaVersion: 2, mediaType: INDEX, manifests: [] }, { tag: TAG }).referrersList).toEqual({ source: 'tag-schema', subject: SUBJECT, entries: [] });
  });

  it('a multi-platform image stays a multi-platform image, even under a sha256- tag', () => {
    const image = { schemaVersion: 2, mediaType: INDEX, manifests: [{ mediaType: MANIFEST, size: 7143, digest: digest('e'), platform: { architecture: 'arm64', os: 'linux' } }] };
    for (const options of [{}, { tag: TAG }]) {
      const result = classify(lookup, image, options);
      expect(result.referrersList).toBeUndefined();
      expect(result.id).toBe('opencontainers.image-index');
    }
  });

  it('an index with its own artifactType (an artifact made of manifests) is no referrers list', () => {
    const provider = { schemaVersion: 2, mediaType: INDEX, artifactType: 'application/vnd.opentofu.provider', manifests: [{ mediaType: MANIFEST, size: 500, digest: digest('f'), artifactType: 'application/vnd.opentofu.provider-target', platform: { architecture: 'amd64', os: 'linux' } }] };
    const result = classify(lookup, provider);
    expect(result.referrersList).toBeUndefined();
    expect(result.id).toBe('opentofu.provider');
  });

  it('a manifest with subject reports its subject', () => {
    const sbom = { schemaVersion: 2, mediaType: MANIFEST, artifactType: 'application/spdx+json', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 }, layers: [{ mediaType: 'application/spdx+json', digest: digest('9'), size: 10 }], subject: { mediaType: MANIFEST, digest: SUBJECT, size: 7143 } };
    const result = classify(lookup, sbom);
    expect(result.id).toBe('spdx.sbom');
    expect(result.subject).toEqual({ mediaType: MANIFEST, digest: SUBJECT });
  });
});

describe('referrer tags', () => {
  it('reads the subject from a tag-schema tag', () => {
    expect(referrersTagSubject(TAG)).toBe(SUBJECT);
    expect(referrersTagSubject('latest')).toBeNull();
    expect(referrersTagSubject(`sha256-${'1'.repeat(63)}`)).toBeNull();
    expect(referrersTagSubject(`${TAG}.sig`)).toBeNull();
  });

  it("reads cosign's .sig, .att and .sbom tags", () => {
    expect(cosignTag(`${TAG}.sig`)).toEqual({ subject: SUBJECT, kind: 'sig' });
    expect(cosignTag(`${TAG}.att`)).toEqual({ subject: SUBJECT, kind: 'att' });
    expect(cosignTag(`${TAG}.sbom`)).toEqual({ subject: SUBJECT, kind: 'sbom' });
    expect(cosignTag(`${TAG}.tar`)).toBeNull();
    expect(cosignTag(TAG)).toBeNull();
  });
});
