// The checker judges config examples with a lean ajv instance (first error, no messages, compiled
// eagerly) and asks the full one only for the errors of a failing example: the two must agree on
// which schemas compile and on every verdict.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { compileEagerly, contributedSchemaAjv, passFailSchemaAjv } from '../../src/schema/ajv.ts';

const DEFINITIONS = path.resolve('definitions');

/** Compile error (first line) or verdict, from one instance; the schema is dropped again afterwards. */
function judge(ajv: ReturnType<typeof contributedSchemaAjv>, schema: object, data: unknown): string | boolean {
  try {
    return ajv.compile(schema)(data);
  } catch (error) {
    return `compile: ${String((error as Error).message).split('\n')[0]}`;
  } finally {
    ajv.removeSchema(schema);
  }
}

const leaf = fc.oneof(
  fc.record({ type: fc.constantFrom('string', 'integer', 'number', 'boolean', 'null') }, { requiredKeys: [] }),
  fc.record({ type: fc.constant('string'), maxLength: fc.nat(8), pattern: fc.constantFrom('^a', '[0-9]$', '^[a-z]{1,3}$') }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('integer'), minimum: fc.integer({ min: -5, max: 5 }), maximum: fc.integer({ min: 0, max: 9 }) }, { requiredKeys: ['type'] }),
  fc.record({ enum: fc.array(fc.oneof(fc.string({ maxLength: 2 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 3 }) }),
  fc.record({ const: fc.oneof(fc.boolean(), fc.nat(3)) }),
  // Strict mode must refuse these in both instances.
  fc.record({ unknownKeyword: fc.nat(3) }),
  fc.record({ type: fc.constant('string'), format: fc.constantFrom('date', 'uuid', 'not-a-format') }, { requiredKeys: ['type'] }),
);
const schema = fc.letrec<{ node: Record<string, unknown> }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.record({ type: fc.constant('object'), properties: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('node'), { maxKeys: 3 }), required: fc.subarray(['a', 'b', 'c']), additionalProperties: fc.boolean() }, { requiredKeys: ['type', 'properties'] }),
    fc.record({ type: fc.constant('array'), items: tie('node'), maxItems: fc.nat(4) }, { requiredKeys: ['type', 'items'] }),
    fc.record({ anyOf: fc.array(tie('node'), { minLength: 1, maxLength: 2 }) }),
  ),
})).node;
const data = fc.jsonValue({ maxDepth: 3 }).chain((v) => fc.oneof(fc.constant(v), fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })));

describe('the pass/fail ajv instance', () => {
  it('agrees with the full instance on every real config schema and example', () => {
    let judged = 0;
    for (const id of readdirSync(DEFINITIONS)) {
      const dir = path.join(DEFINITIONS, id);
      const schemaFile = path.join(dir, 'config.schema.json');
      let config: object;
      try {
        config = JSON.parse(readFileSync(schemaFile, 'utf8'));
      } catch {
        continue;
      }
      for (const name of readdirSync(path.join(dir, 'examples')).filter((n) => n.endsWith('.config.json'))) {
        const example = JSON.parse(readFileSync(path.join(dir, 'examples', name), 'utf8'));
        for (const value of [example, {}, null, { ...example, unexpected: [1] }]) {
          expect(judge(passFailSchemaAjv(), config, value), `${id}/${name}`).toEqual(judge(contributedSchemaAjv(), config, value));
          judged++;
        }
      }
    }
    expect(judged).toBeGreaterThan(40);
  });

  it('agrees with the full instance on generated schemas and values, including ones strict mode refuses', () => {
    fc.assert(
      fc.property(schema, data, (s, d) => {
        expect(judge(passFailSchemaAjv(), { $schema: 'https://json-schema.org/draft/2020-12/schema', ...s }, d)).toEqual(judge(contributedSchemaAjv(), { $schema: 'https://json-schema.org/draft/2020-12/schema', ...s }, d));
      }),
      { numRuns: 400 },
    );
  });

  it('gets ajv code of the shape it wraps (so the eager compile still happens after an ajv upgrade)', () => {
    const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
    const seen: string[] = [];
    const probe = new Ajv2020({ code: { process: (code: string) => (seen.push(code), code) } });
    probe.compile({ type: 'object', properties: { a: { type: 'string' } } });
    const code = seen.at(-1)!; // the meta-schemas compile first
    const wrapped = compileEagerly(code);
    expect(wrapped).not.toBe(code);
    expect(wrapped).toMatch(/return \(function validate\d+\(/);
  });
});
