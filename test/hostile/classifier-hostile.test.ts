// The classifier versus hostile manifests, as the API's JSON.parse hands them over: values that
// String() cannot convert, prototype keys, deep nesting and long lists. It answers, never throws.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLookup, classify, type Lookup } from '../../src/classify/index.ts';
import { runChecks } from '../../src/checks/run.ts';

let lookup: Lookup;
beforeAll(async () => {
  lookup = buildLookup((await runChecks({ root: 'definitions', workers: 0 })).catalog.types);
}, 120_000);

const manifest = (extra: string) =>
  `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]${extra}}`;

describe('classifier versus hostile manifests', () => {
  it('matches a key-only annotation whose value is an object String() cannot convert', () => {
    // kubewarden.policy is identified by the io.kubewarden.kwctl annotation with any value.
    for (const value of ['{"toString":1}', '{"valueOf":{},"toString":null}', '[{"toString":1}]']) {
      const result = classify(lookup, JSON.parse(manifest(`,"annotations":{"io.kubewarden.kwctl":${value}}`)));
      expect(result.id).toBe('kubewarden.policy');
      expect(result.matched).toEqual({ pointer: '/annotations/io.kubewarden.kwctl', value: JSON.stringify(JSON.parse(value)) });
    }
  });

  it('matches a key-only config label whose value String() cannot convert', () => {
    const config = JSON.parse('{"config":{"Labels":{"dev.carvel.imgpkg.bundle":{"toString":1}}}}');
    const result = classify(lookup, JSON.parse(manifest('').replace('application/vnd.oci.empty.v1+json', 'application/vnd.oci.image.config.v1+json')), { config });
    expect(result.id).toBe('carvel.imgpkg.bundle');
    expect(result.matched?.value).toBe('{"toString":1}');
  });

  it('keeps __proto__ and constructor keys from JSON.parse as data', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).join();
    const hostile = JSON.parse(manifest(',"__proto__":{"polluted":true,"artifactType":"application/vnd.cncf.helm.config.v1+json"},"constructor":{"prototype":{"polluted":true}}'));
    const result = classify(lookup, hostile);
    expect(result.error).toBeUndefined();
    expect(result.id).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).join()).toBe(before);
  });

  it('answers a manifest nested 10,000 deep in its annotations', () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const result = classify(lookup, JSON.parse(manifest(`,"annotations":{"x":${deep}}`)));
    expect(result.kind).toBe('manifest');
  });

  it('answers a manifest with 100,000 layers and one with 100,000 annotations', () => {
    const layer = '{"mediaType":"application/vnd.example.unknown","digest":"sha256:00","size":1}';
    const many = JSON.parse(manifest('').replace('"layers":[]', `"layers":[${Array(100_000).fill(layer).join(',')}]`));
    expect(classify(lookup, many).id).toBeNull();
    const annotations = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 'v']));
    expect(classify(lookup, { ...JSON.parse(manifest('')), annotations }).id).toBeNull();
  });

  it('reports a hole in a sparse layers or manifests array (found by the property tests)', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(classify(lookup, { config: { mediaType: 'application/vnd.oci.image.config.v1+json' }, layers: [, { mediaType: 'x' }] }).error?.pointer).toBe('/layers/0');
    // eslint-disable-next-line no-sparse-arrays
    expect(classify(lookup, { manifests: [{ mediaType: 'x' }, ,] }).error?.pointer).toBe('/manifests/1');
    // A huge sparse array is refused at its first hole, not walked.
    const layers: unknown[] = [];
    layers.length = 2 ** 32 - 1;
    expect(classify(lookup, { config: { mediaType: 'x' }, layers }).error?.pointer).toBe('/layers/0');
  });

  it('reports wrong shapes as errors with a pointer', () => {
    expect(classify(lookup, JSON.parse(manifest('').replace('"layers":[]', '"layers":[1]'))).error).toEqual({ pointer: '/layers/0', message: expect.stringContaining('descriptor') });
    expect(classify(lookup, JSON.parse('{"manifests":{"length":1e9}}')).error?.pointer).toBe('/manifests');
    expect(classify(lookup, JSON.parse('[1,2]')).error?.pointer).toBe('');
  });
});
