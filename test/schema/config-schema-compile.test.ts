// Every problem ajv has with a contributed config schema, from one call, each at the JSON pointer of
// the keyword it is about (issue #19: a strictRequired problem hid behind the first one, at 1:1).
import { describe, expect, it } from 'vitest';
import { compileProblems } from '../../src/schema/config-schema-compile.ts';

const places = (schema: Record<string, unknown>) => compileProblems(schema).map((p) => ({ pointer: p.pointer, key: p.key ?? false, message: p.message }));

describe('compileProblems', () => {
  it('finds nothing in a schema ajv compiles in strict mode', () => {
    expect(compileProblems({ type: 'object', required: ['a'], properties: { a: { type: 'string', maxLength: 9, format: 'uri' } } })).toEqual([]);
  });

  it('lists every strict-mode problem of one compile, each at its keyword', () => {
    const schema = {
      type: 'object',
      required: ['name', 'sise'],
      properties: {
        name: { type: 'string', maxLength: 9 },
        size: { type: 'integer', minimun: 0 },
        labels: { properties: { team: { type: 'string', maxLength: 9, minimun: 1 } } },
        tuple: { type: 'array', prefixItems: [{ type: 'string' }] },
        either: { type: ['string', 'number'] },
        branch: { if: { type: 'string' } },
        orphan: { then: { type: 'string' } },
        when: { type: 'string', maxLength: 9, format: 'iri' },
      },
      patternProperties: { '^na': { type: 'string' } },
      propertyNames: { maxLength: 9 },
    };
    const found = places(schema);
    const at = (pointer: string, text: string) => expect(found, pointer).toContainEqual(expect.objectContaining({ pointer, message: expect.stringContaining(text) }));
    at('/required/1', 'required property "sise" is not defined');
    at('/properties/size/minimun', 'unknown keyword: "minimun"');
    at('/properties/labels/properties/team/minimun', 'unknown keyword: "minimun"');
    at('/properties/labels/properties', 'missing type "object" for keyword "properties"');
    at('/properties/tuple/prefixItems', '1-tuple');
    at('/properties/either/type', 'allowUnionTypes');
    at('/properties/branch/if', '"if" without "then" and "else"');
    at('/properties/orphan/then', '"then" without "if"');
    at('/properties/when/format', 'unknown format "iri"');
    at('/properties/name', 'property name matches pattern ^na');
    // Nothing is left at the top of the file.
    expect(found.filter((p) => p.pointer === '')).toEqual([]);
  });

  it('places the error that stops the compile at the $ref it could not resolve', () => {
    expect(places({ type: 'object', properties: { a: { $ref: '#/$defs/missing' } } })).toEqual([expect.objectContaining({ pointer: '/properties/a/$ref', message: expect.stringContaining("can't resolve reference #/$defs/missing") })]);
  });

  it('compiles on past each error that stops ajv: what comes after a $ref it cannot resolve or a regex it cannot parse is reported too', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { $ref: 'https://example.com/other.schema.json' },
        b: { $ref: '#/$defs/missing' },
        c: { $ref: '#/$defs/missing' },
        d: { type: 'string', maxLength: 9, pattern: '(' },
        e: { type: 'object', required: ['x'] },
      },
    };
    const before = JSON.stringify(schema);
    expect(places(schema).map((p) => p.pointer).sort()).toEqual(['/properties/a/$ref', '/properties/b/$ref', '/properties/c/$ref', '/properties/d/pattern', '/properties/e/required/0']);
    // The schema itself is left as it was (the compiles after the first run on a copy).
    expect(JSON.stringify(schema)).toBe(before);
  });

  it('reports meta-schema errors at the value, one line per place', () => {
    const found = places({ type: 'object', properties: { a: { type: 'strin' }, b: { type: 'string', maxLength: -1 } } });
    expect(found.map((p) => p.pointer).sort()).toEqual(['/properties/a/type', '/properties/b/maxLength']);
    expect(found.find((p) => p.pointer === '/properties/a/type')!.message).toContain('"string"');
  });
});
