// The classifier on a small hand-made catalog: signal order, matching rules, conformance, bad input.
import { describe, expect, it } from 'vitest';
import { buildLookup, classify, EMPTY_MEDIA_TYPE, normalizeMediaType, mediaTypeProblems, typesForMediaType, findType } from '../../src/classify/index.ts';
import type { ArtifactType } from '../../src/model/catalog.ts';
import { realCatalog } from '../catalog/real-catalog.ts';

function type(id: string, parts: Partial<ArtifactType>): ArtifactType {
  return {
    id,
    displayName: id,
    description: `${id}.`,
    version: '1.0.0',
    status: 'active',
    aliases: [],
    manifestMediaTypes: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json' }],
    artifactTypes: [],
    configMediaTypes: [],
    layers: [],
    annotations: [],
    configLabels: [],
    homepage: 'https://example.com',
    sources: ['https://example.com'],
    maintainers: ['@x'],
    tools: [],
    docs: { title: id, summary: id },
    logo: { file: 'logo.svg', sha256: 'sha256:0', size: 0 },
    configSchema: null,
    example: null,
    digest: 'sha256:0',
    ...parts,
  };
}

const IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
const lookup = buildLookup([
  type('oci.image', { configMediaTypes: [{ mediaType: IMAGE_CONFIG, generic: true }], layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', description: 'fs' }] }),
  type('oci.index', { manifestMediaTypes: [{ mediaType: 'application/vnd.oci.image.index.v1+json', generic: true }] }),
  type('helm.chart', {
    aliases: ['helm.old'],
    configMediaTypes: [{ mediaType: 'application/vnd.cncf.helm.config.v1+json' }],
    layers: [
      { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', description: 'chart', required: true },
      { mediaType: 'application/tar+gzip', description: 'legacy chart', required: true },
    ],
  }),
  type('notary.sig', { artifactTypes: [{ mediaType: 'application/vnd.cncf.notary.signature' }], layers: [{ mediaType: 'application/jose+json', description: 'jws' }] }),
  type('sigstore.bundle', { artifactTypes: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }, { mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.3' }] }),
  type('cosign.sig', { configMediaTypes: [{ mediaType: IMAGE_CONFIG, identifying: false }], layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', description: 'payload', identifying: true }] }),
  type('cnab.bundle', { manifestMediaTypes: [{ mediaType: 'application/vnd.oci.image.index.v1+json' }], annotations: [{ key: 'org.opencontainers.artifactType', value: 'application/vnd.cnab.manifest.v1', on: 'manifest', identifying: true }] }),
  type('carvel.bundle', { configMediaTypes: [{ mediaType: IMAGE_CONFIG, identifying: false }], configLabels: [{ key: 'dev.carvel.imgpkg.bundle' }] }),
  type('kcl.module', { artifactTypes: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar' }] }),
]);

const d = (mediaType: string, extra: object = {}) => ({ mediaType, digest: `sha256:${'a'.repeat(64)}`, size: 1, ...extra });
const empty = { mediaType: EMPTY_MEDIA_TYPE, digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 };
const manifest = (config: object, layers: object[], extra: object = {}) => ({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers, ...extra });

describe('classify: signals, strongest first', () => {
  it('artifactType beats a specific config', () => {
    const r = classify(lookup, manifest(d('application/vnd.cncf.helm.config.v1+json'), [], { artifactType: 'application/vnd.cncf.notary.signature' }));
    expect([r.id, r.signal, r.matched?.pointer]).toEqual(['notary.sig', 'artifactType', '/artifactType']);
  });

  it('a specific config identifies the type; the empty config never does', () => {
    expect(classify(lookup, manifest(d('application/vnd.cncf.helm.config.v1+json'), [d('application/vnd.cncf.helm.chart.content.v1.tar+gzip')])).id).toBe('helm.chart');
    const r = classify(lookup, manifest(empty, [d('application/octet-stream')]));
    expect(r.id).toBeNull();
    expect(r.conformance).toEqual([]);
  });

  it('an identifying layer beats the generic image config, which is only a fallback', () => {
    const sig = classify(lookup, manifest(d(IMAGE_CONFIG), [d('application/vnd.dev.cosign.simplesigning.v1+json')]));
    expect([sig.id, sig.signal]).toEqual(['cosign.sig', 'layer']);
    const image = classify(lookup, manifest(d(IMAGE_CONFIG), [d('application/vnd.oci.image.layer.v1.tar+gzip')]));
    expect([image.id, image.signal]).toEqual(['oci.image', 'fallback']);
  });

  it('index annotations identify index-based bundles; a plain index falls back to the index type', () => {
    const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [d('application/vnd.oci.image.manifest.v1+json')] };
    const cnab = classify(lookup, { ...index, annotations: { 'org.opencontainers.artifactType': 'application/vnd.cnab.manifest.v1' } });
    expect([cnab.id, cnab.signal, cnab.matched?.pointer]).toEqual(['cnab.bundle', 'annotation', '/annotations/org.opencontainers.artifactType']);
    expect(classify(lookup, { ...index, annotations: { 'org.opencontainers.artifactType': 'something/else' } }).id).toBe('oci.index');
    // Older clients omit mediaType: the shape decides.
    expect(classify(lookup, { schemaVersion: 2, manifests: [] }).id).toBe('oci.index');
  });

  it('config labels identify only when the config object is given', () => {
    const m = manifest(d(IMAGE_CONFIG), [d('application/vnd.oci.image.layer.v1.tar+gzip')]);
    expect(classify(lookup, m).id).toBe('oci.image');
    const r = classify(lookup, m, { config: { config: { Labels: { 'dev.carvel.imgpkg.bundle': 'true' } } } });
    expect([r.id, r.signal]).toEqual(['carvel.bundle', 'configLabel']);
  });

  it('a layer media type reused as artifactType matches as an artifactType', () => {
    const r = classify(lookup, manifest(empty, [d('application/vnd.oci.image.layer.v1.tar')], { artifactType: 'application/vnd.oci.image.layer.v1.tar' }));
    expect([r.id, r.signal]).toEqual(['kcl.module', 'artifactType']);
  });
});

describe('classify: media type matching', () => {
  it('compares case-insensitively and with parameters, falling back to the essence', () => {
    expect(classify(lookup, manifest(empty, [], { artifactType: 'Application/VND.cncf.Notary.Signature' })).id).toBe('notary.sig');
    expect(classify(lookup, manifest(empty, [], { artifactType: 'application/vnd.dev.sigstore.bundle+json; version=0.3' })).id).toBe('sigstore.bundle');
    expect(classify(lookup, manifest(empty, [], { artifactType: 'application/vnd.cncf.notary.signature;charset=utf-8' })).id).toBe('notary.sig');
    expect(normalizeMediaType(' Text/Plain ; Charset=UTF-8')).toBe('text/plain;charset=UTF-8');
  });

  it('flags grammar problems precisely', () => {
    expect(mediaTypeProblems('application/vnd.cncf.helm.config.v1+json')).toEqual([]);
    expect(mediaTypeProblems('application/vnd.dev.sigstore.bundle+json;version=0.3')).toEqual([]);
    expect(mediaTypeProblems('archive/zip').map((p) => p.code)).toEqual(['top-level']);
    expect(mediaTypeProblems('Application/Json').map((p) => p.code)).toEqual(['uppercase']);
    expect(mediaTypeProblems('nope').map((p) => p.code)).toEqual(['shape']);
    expect(mediaTypeProblems(`application/${'a'.repeat(128)}`).map((p) => p.code)).toEqual(['subtype-name']);
    expect(mediaTypeProblems(`application/${'a'.repeat(127)}`)).toEqual([]);
  });

  it('answers which types use a media type and in which role, and finds types by alias', () => {
    const uses = typesForMediaType(lookup, 'application/vnd.oci.image.config.v1+json').map((u) => `${u.id}:${u.role}`).sort();
    expect(uses).toEqual(['carvel.bundle:config', 'cosign.sig:config', 'oci.image:config']);
    expect(findType(lookup, 'helm.old')?.id).toBe('helm.chart');
    expect(findType(lookup, 'nothing.here')).toBeUndefined();
  });
});

describe('classify: conformance', () => {
  it('reports undeclared layers and a missing required layer (any of the required set)', () => {
    const r = classify(lookup, manifest(d('application/vnd.cncf.helm.config.v1+json'), [d('application/vnd.cncf.helm.chart.provenance.v1.prov')]));
    expect(r.id).toBe('helm.chart');
    expect(r.conformance.map((c) => `${c.code}@${c.path}`)).toEqual(['undeclared-layer@/layers/0/mediaType', 'missing-layer@/layers']);
    const legacy = classify(lookup, manifest(d('application/vnd.cncf.helm.config.v1+json'), [d('application/tar+gzip')]));
    expect(legacy.conformance).toEqual([]);
  });

  it('requires artifactType when the config is empty (image-spec)', () => {
    const r = classify(lookup, manifest(empty, [d('application/vnd.dev.cosign.simplesigning.v1+json')]));
    expect(r.id).toBe('cosign.sig');
    expect(r.conformance.map((c) => c.code)).toContain('missing-artifact-type');
  });

  it('validates the config object with the injected validator, only for types with a schema', () => {
    const validateConfig = (id: string) => (id === 'schema.type' ? [{ pointer: '/name', message: 'name must be a string' }] : []);
    const withSchema = buildLookup([type('schema.type', { configMediaTypes: [{ mediaType: 'application/vnd.example.config.v1+json' }], configSchema: { type: 'object' } })]);
    const r = classify(withSchema, manifest(d('application/vnd.example.config.v1+json'), []), { config: { name: 1 }, validateConfig });
    expect(r.conformance).toEqual([{ code: 'config-schema', severity: 'error', path: '/config/name', message: 'name must be a string' }]);
    // Without the config object, nothing is validated.
    expect(classify(withSchema, manifest(d('application/vnd.example.config.v1+json'), []), { validateConfig }).conformance).toEqual([]);
    // helm.chart has no schema here, so the validator is not consulted.
    expect(classify(lookup, manifest(d('application/vnd.cncf.helm.config.v1+json'), [d('application/tar+gzip')]), { config: { name: 1 }, validateConfig: () => [{ pointer: '', message: 'x' }] }).conformance).toEqual([]);
  });
});

describe('classify: bad input never throws and names the field', () => {
  const cases: Array<[unknown, string]> = [
    [null, ''],
    ['manifest', ''],
    [[], ''],
    [{ hello: 1 }, ''],
    [{ schemaVersion: 1, config: d(IMAGE_CONFIG), layers: [] }, '/schemaVersion'],
    [{ schemaVersion: 2, config: 'x', layers: [] }, '/config'],
    [{ schemaVersion: 2, config: d(IMAGE_CONFIG), layers: {} }, '/layers'],
    [{ schemaVersion: 2, config: d(IMAGE_CONFIG), layers: [{ digest: 'x' }] }, '/layers/0/mediaType'],
    [{ schemaVersion: 2, manifests: 'x' }, '/manifests'],
    [{ schemaVersion: 2, config: d(IMAGE_CONFIG), layers: [], artifactType: 7 }, '/artifactType'],
    [{ schemaVersion: 2, config: d(IMAGE_CONFIG), layers: [], annotations: [] }, '/annotations'],
  ];
  for (const [input, pointer] of cases) {
    it(`${JSON.stringify(input)} → error at "${pointer}"`, () => {
      const r = classify(lookup, input);
      expect(r.id).toBeNull();
      expect(r.error?.pointer).toBe(pointer);
      expect(r.error?.message.length).toBeGreaterThan(5);
    });
  }
});

describe('manifests real tools write against the spec', () => {
  it('classifies cnab-to-oci\'s "layers": null (a nil Go slice) and reports the violation', async () => {
    const { lookup } = await realCatalog();
    const result = classify(lookup, { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.cnab.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 10 }, layers: null });
    expect(result.error).toBeUndefined();
    expect(result.id).toBe('cnab.bundle');
    expect(result.validation).toEqual([expect.objectContaining({ severity: 'error', path: '/layers' })]);
  });
});
