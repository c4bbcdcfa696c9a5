// The classifier versus generated input: anything at all, manifest-shaped values built from the real
// catalog's media types and keys (so lookups hit), mutated real examples, and mutated catalogs.
// classify() must always return a result (bad input in `error`), never throw or pollute a prototype.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLookup, classify, mediaTypeEssence, mediaTypeProblems, normalizeMediaType, parseMediaType, type Lookup } from '../../src/classify/index.ts';
import { makeConfigValidator } from '../../src/schema/config-validator.ts';
import { runChecks } from '../../src/checks/run.ts';
import type { ArtifactType, Catalog } from '../../src/model/catalog.ts';
import type { Classification } from '../../src/model/classification.ts';
import { holds, PROTOTYPE_KEYS, reportProperties, type PropertyOutcome } from './properties.ts';

const outcomes: PropertyOutcome[] = [];
const PROPERTY_COUNT = 7;
let catalog: Catalog;
let lookup: Lookup;
let examples: unknown[] = [];

beforeAll(async () => {
  ({ catalog } = await runChecks({ root: 'definitions', workers: 0 }));
  lookup = buildLookup(catalog.types);
  examples = readdirSync('definitions').flatMap((id) => {
    const dir = path.join('definitions', id, 'examples');
    try {
      return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
    } catch {
      return [];
    }
  });
}, 120_000);

afterAll(() =>
  reportProperties(
    'property-classifier',
    'Classifier properties (test/property/classifier.property.test.ts)',
    'Each property feeds generated values to `classify(buildLookup(types), value, options)` and holds when every call returns a classification (a shape error comes back in `error`, never as an exception), a matched type exists in the lookup, and `Object.prototype`, `Array.prototype` and `Function.prototype` keep their keys. Values include `fc.anything` with null-prototype objects and keys such as `__proto__`, `constructor` and `toString`.',
    outcomes,
    PROPERTY_COUNT,
  ),
);

/** What every classification must look like, whatever went in. */
function wellFormed(result: Classification, lookup: Lookup): void {
  expect(typeof result).toBe('object');
  expect(['manifest', 'index', null]).toContain(result.kind);
  expect(Array.isArray(result.conformance)).toBe(true);
  if (result.error) {
    expect(typeof result.error.pointer).toBe('string');
    expect(result.error.message.length).toBeGreaterThan(5);
    expect(result.id).toBeNull();
  }
  if (result.id !== null) {
    expect(lookup.types.has(result.id)).toBe(true);
    expect(typeof result.matched?.value).toBe('string');
    expect(typeof result.matched?.pointer).toBe('string');
  }
  // A result is plain data: it survives JSON (the API sends it).
  JSON.stringify(result);
}

const anything = fc.anything({ maxDepth: 3, maxKeys: 5, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withObjectString: true, withSparseArray: true, key: fc.oneof(fc.string(), fc.constantFrom(...PROTOTYPE_KEYS)) });

/** Strings that hit the lookup, near misses of them, and arbitrary text. */
function catalogStrings(pick: (t: ArtifactType) => string[]) {
  const known = [...new Set(catalog.types.flatMap(pick))];
  const exact = fc.constantFrom(...known);
  return fc.oneof(
    { weight: 4, arbitrary: exact },
    exact.map((s) => s.toUpperCase()),
    exact.map((s) => ` ${s}; charset=utf-8 `),
    exact.map((s) => `${s}\u202e`),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(...PROTOTYPE_KEYS, '', 'application/vnd.oci.empty.v1+json', 'application/vnd.oci.image.index.v1+json'),
  );
}

function manifestArbitrary() {
  const mediaTypes = catalogStrings((t) => [...t.manifestMediaTypes, ...t.artifactTypes, ...t.configMediaTypes, ...t.layers].map((m) => m.mediaType));
  const keys = catalogStrings((t) => [...t.annotations.map((a) => a.key), ...t.configLabels.map((l) => l.key)]);
  const values = fc.oneof(catalogStrings((t) => t.annotations.flatMap((a) => (a.value === undefined ? [] : [a.value]))), anything, fc.constant({ toString: 1 }), fc.constant(Object.create(null)));
  const annotations = fc.oneof({ weight: 4, arbitrary: fc.dictionary(keys, values, { maxKeys: 4 }) }, anything);
  const descriptor = fc.oneof(
    { weight: 6, arbitrary: fc.record({ mediaType: fc.oneof({ weight: 5, arbitrary: mediaTypes }, anything), digest: fc.constantFrom('sha256:' + '0'.repeat(64), 'x'), size: fc.oneof(fc.nat(), anything), annotations }, { requiredKeys: ['mediaType'] }) },
    anything,
  );
  return fc.record(
    {
      schemaVersion: fc.oneof(fc.constant(2), anything),
      mediaType: fc.oneof({ weight: 5, arbitrary: mediaTypes }, anything),
      artifactType: fc.oneof({ weight: 5, arbitrary: mediaTypes }, anything),
      config: descriptor,
      layers: fc.oneof({ weight: 5, arbitrary: fc.array(descriptor, { maxLength: 4 }) }, anything),
      manifests: fc.oneof({ weight: 5, arbitrary: fc.array(descriptor, { maxLength: 4 }) }, anything),
      subject: descriptor,
      annotations,
    },
    { requiredKeys: [] },
  );
}

/** A config blob with labels the catalog knows, or anything. */
function configArbitrary() {
  const labelKeys = catalogStrings((t) => t.configLabels.map((l) => l.key));
  return fc.oneof(fc.record({ config: fc.record({ Labels: fc.oneof(fc.dictionary(labelKeys, fc.oneof(fc.string(), anything), { maxKeys: 3 }), anything) }) }), anything, fc.jsonValue({ maxDepth: 4 }));
}

/** Replaces the value at a random path of a JSON value. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return replacement;
  const entries = Object.keys(value);
  if (entries.length === 0) return replacement;
  const key = entries[path[0]! % entries.length]!;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
  copy[key] = mutate((value as Record<string, unknown>)[key], path.slice(1), replacement);
  return copy;
}

describe('classifier properties', () => {
  it('returns a classification for anything at all, never throws', async () => {
    await holds(outcomes, 'fc.anything as the manifest (null prototypes, boxed values, Maps, prototype keys)', fc.property(anything, (value) => wellFormed(classify(lookup, value), lookup)), 80_001, 2000);
  });

  it('returns a classification for manifest-shaped values built from the catalog', async () => {
    await holds(outcomes, 'manifest-shaped values from the catalog\'s media types, annotation keys and hostile values', fc.property(manifestArbitrary(), (manifest) => wellFormed(classify(lookup, manifest), lookup)), 80_002, 2000);
  });

  it('classifies with any config blob and the real config validators', async () => {
    const validateConfig = makeConfigValidator(catalog);
    await holds(
      outcomes,
      'manifest-shaped values with any config blob, validated by the types\' config schemas',
      fc.property(manifestArbitrary(), configArbitrary(), (manifest, config) => wellFormed(classify(lookup, manifest, { config, validateConfig }), lookup)),
      80_003,
      1000,
    );
  });

  it('returns a classification for mutated real example manifests', async () => {
    expect(examples.length).toBeGreaterThan(50);
    await holds(
      outcomes,
      'every real example manifest with one value replaced by anything',
      fc.property(fc.nat(examples.length - 1), fc.array(fc.nat(), { maxLength: 5 }), fc.oneof(anything, fc.jsonValue({ maxDepth: 3 })), (i, path, replacement) => wellFormed(classify(lookup, mutate(examples[i], path, replacement)), lookup)),
      80_004,
      2000,
    );
  });

  it('builds a lookup from a mutated catalog and still classifies', async () => {
    const hostileString = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(...PROTOTYPE_KEYS));
    const mutatedTypes = fc.array(
      fc.record({ i: fc.nat(catalog.types.length - 1), mediaType: hostileString, key: hostileString }).map(({ i, mediaType, key }) => {
        const type = structuredClone(catalog.types[i]!);
        if (type.artifactTypes[0]) type.artifactTypes[0].mediaType = mediaType;
        if (type.layers[0]) type.layers[0].mediaType = mediaType;
        if (type.annotations[0]) type.annotations[0].key = key;
        type.configLabels.push({ key, description: 'generated' } as ArtifactType['configLabels'][number]);
        type.aliases = [...type.aliases, key];
        return type;
      }),
      { maxLength: 8 },
    );
    await holds(
      outcomes,
      'lookups built from catalogs with hostile media types, annotation and label keys',
      fc.property(mutatedTypes, manifestArbitrary(), configArbitrary(), (types, manifest, config) => {
        const mutated = buildLookup([...catalog.types, ...types]);
        wellFormed(classify(mutated, manifest, { config }), mutated);
      }),
      80_005,
      300,
    );
  });

  it('media type helpers take any string', async () => {
    await holds(
      outcomes,
      'normalizeMediaType, mediaTypeEssence, parseMediaType and mediaTypeProblems on any string',
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), catalogStrings((t) => t.layers.map((l) => l.mediaType))), (value) => {
        const normalized = normalizeMediaType(value);
        expect(typeof normalized).toBe('string');
        expect(typeof mediaTypeEssence(value)).toBe('string');
        parseMediaType(value);
        for (const problem of mediaTypeProblems(value)) expect(problem.message.length).toBeGreaterThan(5);
      }),
      80_006,
      3000,
    );
  });

  it('normalizing a media type twice changes nothing', async () => {
    await holds(
      outcomes,
      'normalizeMediaType is idempotent',
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), catalogStrings((t) => t.configMediaTypes.map((m) => m.mediaType))), (value) => {
        const once = normalizeMediaType(value);
        expect(normalizeMediaType(once)).toBe(once);
      }),
      80_007,
      3000,
    );
  });
});
