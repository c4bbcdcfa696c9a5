// The config-schema rule must see every subschema ajv compiles (issue #18, item 1): a slow regex,
// an unbounded pattern, a remote $ref or a $ref loop is refused under every applicator keyword,
// however deep, and whatever the names in a map of subschemas (a property named "default" too).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonSource } from '../../src/catalog/json-source.ts';
import { contributedSchemaAjv } from '../../src/schema/ajv.ts';
import { configSchema } from '../../src/checks/config-schema.ts';
import { KEYWORD_SHAPES } from '../../src/schema/schema-walk.ts';
import { reliabilitySection } from '../reliability-report.ts';

const report = reliabilitySection('config-schema-walk', 'Checker: config schemas that hide a slow regex or a $ref loop');
/** What the generated-schema properties tried, for the report. */
const tried = { bad: 0, loops: 0, recursion: 0, keywords: new Set<string>() };

type Schema = Record<string, unknown>;

async function rules(schema: Schema): Promise<string[]> {
  const parsed = parseJsonSource({ file: 'definitions/example.widget.bundle/config.schema.json', text: JSON.stringify(schema) });
  if (!parsed.ok) throw new Error('the generated schema is not JSON');
  const findings = await configSchema({ source: { configSchema: parsed.source, examples: [] } as never, definition: null });
  return findings.map((f) => f.rule);
}

/** The keywords the contributed-schema ajv instance knows, by their shape in the walk. */
const known = Object.keys((contributedSchemaAjv() as unknown as { RULES: { keywords: Record<string, unknown> } }).RULES.keywords);
const applicators = known.filter((k) => ['schema', 'schemas', 'map'].includes(KEYWORD_SHAPES[k] ?? ''));
/** Applicators whose subschemas apply to the value itself: a $ref loop through only these never ends. */
const SAME_VALUE = ['not', 'if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', 'dependentSchemas', 'dependencies'];
/** Names a map of subschemas may use, keyword names among them (the walk must not read them as keywords). */
const names = fc.constantFrom('a', 'default', 'enum', 'const', 'examples', 'pattern', '$ref', 'properties', 'x/y~z');

interface Step {
  keyword: string;
  name: string;
  index: number;
}
const step = (keywords: string[]) => fc.record({ keyword: fc.constantFrom(...keywords), name: names, index: fc.nat(2) });

/** Wraps `inner` under each step (outermost first); returns the schema and the JSON pointer of `inner`. */
function nest(steps: Step[], inner: Schema): { schema: Schema; pointer: string } {
  let schema = inner;
  const parts: string[] = [];
  for (const { keyword, name, index } of [...steps].reverse()) {
    const shape = KEYWORD_SHAPES[keyword];
    if (shape === 'schemas') {
      schema = { [keyword]: [...Array.from({ length: index }, () => ({})), schema] };
      parts.unshift(`/${keyword}/${index}`);
    } else if (shape === 'map') {
      schema = { [keyword]: { [name]: schema } };
      parts.unshift(`/${keyword}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    } else {
      schema = { [keyword]: schema };
      parts.unshift(`/${keyword}`);
    }
  }
  return { schema, pointer: parts.join('') };
}

const BAD_LEAVES: Array<[string, Schema]> = [
  ['config-schema/redos', { type: 'string', maxLength: 64, pattern: '^(a+)+$' }],
  ['config-schema/redos', { type: 'object', propertyNames: { maxLength: 16 }, patternProperties: { '^(a|a)*$': {} } }],
  ['config-schema/unbounded', { type: 'string', pattern: '^a' }],
  ['config-schema/remote-ref', { $ref: 'https://example.com/other.schema.json' }],
  ['config-schema/remote-ref', { $id: 'https://example.com/inner' }],
];

describe('the config schema walk', () => {
  it('gives a shape to every keyword ajv knows (a new ajv keyword must be placed before it is walked right)', () => {
    expect(known.length).toBeGreaterThan(50);
    expect(known.filter((k) => !Object.hasOwn(KEYWORD_SHAPES, k))).toEqual([]);
    // The applicators of draft 2020-12 and the draft-07 ones ajv still compiles there.
    expect(applicators).toEqual(expect.arrayContaining(['dependencies', 'dependentSchemas', 'prefixItems', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema', 'definitions', 'propertyNames', 'contains']));
  });

  it('issue #18: a slow regex under dependencies is refused', async () => {
    expect(await rules({ type: 'object', dependencies: { a: { properties: { b: { type: 'string', maxLength: 100, pattern: '^(a+)+$' } } } } })).toContain('config-schema/redos');
  });

  it('issue #18: a $ref loop through dependencies is refused (ajv compiles it and overflows the stack on any object)', async () => {
    const schema = { $id: 'https://example.com/widget', type: 'object', dependencies: { a: { $ref: '#' } } };
    const validate = contributedSchemaAjv().compile(schema);
    try {
      expect(() => validate({ a: 1 })).toThrow(RangeError);
    } finally {
      contributedSchemaAjv().removeSchema(schema);
    }
    expect(await rules(schema)).toContain('config-schema/ref-cycle');
    expect(await rules({ $dynamicAnchor: 'm', type: 'object', dependencies: { a: { $dynamicRef: '#m' } } })).toContain('config-schema/ref-cycle');
  });

  it('a subschema in a map under a key named like a keyword is still walked', async () => {
    expect(await rules({ type: 'object', dependentSchemas: { default: { properties: { b: { type: 'string', maxLength: 9, pattern: '^(a+)+$' } } } } })).toContain('config-schema/redos');
    expect(await rules({ type: 'array', prefixItems: [{ type: 'string', maxLength: 9, pattern: '^(a|a)*$' }] })).toContain('config-schema/redos');
  });

  it('refuses a bad subschema under any chain of applicator keywords', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step(applicators), { minLength: 1, maxLength: 3 }), fc.constantFrom(...BAD_LEAVES), async (steps, [rule, leaf]) => {
        tried.bad++;
        for (const s of steps) tried.keywords.add(s.keyword);
        expect(await rules(nest(steps, leaf).schema)).toContain(rule);
      }),
      { seed: 1818, numRuns: 300 },
    );
  });

  it('refuses a $ref loop through any chain of keywords that apply to the same value, wherever it starts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step(applicators.filter((k) => k !== 'contentSchema')), { maxLength: 2 }),
        fc.array(step(SAME_VALUE), { maxLength: 3 }),
        fc.constantFrom('pointer', 'anchor', 'dynamic'),
        async (prefix, loop, how) => {
          const target = nest(prefix, {}).pointer;
          const leaf = how === 'pointer' ? { $ref: `#${target}` } : how === 'anchor' ? { $ref: '#start' } : { $dynamicRef: '#start' };
          const start = nest(loop, leaf).schema;
          if (how === 'anchor') start.$anchor = 'start';
          if (how === 'dynamic') start.$dynamicAnchor = 'start';
          tried.loops++;
          expect(await rules(nest(prefix, start).schema)).toContain('config-schema/ref-cycle');
        },
      ),
      { seed: 1819, numRuns: 300 },
    );
  });

  it('accepts recursion that moves into the data on each round', async () => {
    const moving = ['properties', 'patternProperties', 'additionalProperties', 'items', 'prefixItems', 'contains', 'unevaluatedItems', 'unevaluatedProperties', 'propertyNames'];
    await fc.assert(
      fc.asyncProperty(fc.array(step(SAME_VALUE), { maxLength: 2 }), step(moving), fc.array(step(SAME_VALUE), { maxLength: 2 }), async (before, through, after) => {
        tried.recursion++;
        expect(await rules(nest([...before, through, ...after], { $ref: '#' }).schema)).not.toContain('config-schema/ref-cycle');
      }),
      { seed: 1820, numRuns: 200 },
    );
    report.record(`Issue #18, item 1. The config-schema rule walked a list of keywords of its own that left out \`dependencies\`, which ajv still compiles in 2020-12 mode: \`"pattern": "^(a+)+$"\` there passed \`validate\` and \`build\` and blocked a classify for seconds (9.2 s measured for a 27-character value, doubling per character), and a \`$ref\` loop through it overflowed the stack on every matching classify (HTTP 500). The walk (src/schema/schema-walk.ts) now gives every keyword the contributed-schema ajv instance knows (${known.length}) a shape, fails this suite when ajv knows one it does not, and walks an unknown key as if it held subschemas; for loops only keywords that move into the data end one. json-schema-traverse (ajv's own walk, 1.0.0, the latest) could not be used as it is: it predates 2020-12 (no \`prefixItems\`; with \`allKeys\` it reads a \`dependentSchemas\` map as a schema, so an entry named \`default\` hides its subschema).

| Property (fixed seeds, test/checks/schema-walk.test.ts) | Schemas tried | Outcome |
| --- | --- | --- |
| a slow regex (\`^(a+)+$\`, \`^(a\\|a)*$\` in patternProperties), a pattern without maxLength, a remote \`$ref\` or a nested \`$id\` under 1–3 applicator keywords (${tried.keywords.size} of the ${applicators.length} applicators used), map entries named like keywords | ${tried.bad} | each refused with its rule |
| a \`$ref\`/\`$dynamicRef\` loop (pointer, \`$anchor\`, \`$dynamicAnchor\`) through 0–3 of ${SAME_VALUE.join(', ')}, starting anywhere | ${tried.loops} | each refused (config-schema/ref-cycle) |
| recursion through a keyword that moves into the data | ${tried.recursion} | none refused |

Also: hostile corpus cases \`schema-redos-under-dependencies\`, \`schema-ref-cycle-dependencies\`, \`schema-redos-in-map-named-default\` (section "Checker"); a catalog.json or pulled catalog whose config schema the checker refuses is refused by \`serve --catalog\`, \`serve --catalog-from\` and \`pull\` (its digests prove only that it is self-consistent).`);
  });
});

describe('a catalog built elsewhere (catalog.json, a pulled artifact)', () => {
  it('is refused when a config schema holds what the checker refuses, though its digests agree', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const { readCatalogFile } = await import('../../src/catalog/load-catalog.ts');
    const { catalog, type } = await import('../github/catalog-fixture.ts');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'at-catalog-schema-'));
    try {
      // The fixture's logo is a stand-in: make it what catalog.schema.json requires.
      const logo = { file: 'logo.svg', sha256: `sha256:${'0'.repeat(64)}`, size: 1 };
      const good = catalog('1.0.0', [type('acme.widget', { logo, configSchema: { type: 'object', properties: { a: { type: 'string', maxLength: 9, pattern: '^[a-z]+$' } } } })]);
      const bad = catalog('1.0.0', [type('acme.widget', { logo, configSchema: { $id: 'https://example.com/w', type: 'object', dependencies: { a: { $ref: '#' } } } })]);
      await writeFile(path.join(dir, 'good.json'), JSON.stringify(good));
      await writeFile(path.join(dir, 'bad.json'), JSON.stringify(bad));
      await expect(readCatalogFile(path.join(dir, 'good.json'))).resolves.toMatchObject({ types: [{ id: 'acme.widget' }] });
      await expect(readCatalogFile(path.join(dir, 'bad.json'))).rejects.toThrow(/has config schemas the checker refuses:\n {2}type acme\.widget: config-schema\/ref-cycle/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
