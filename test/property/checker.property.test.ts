// The checker versus generated contributions: random and mutated definitions, logos, READMEs, config
// schemas and example manifests written into a copy of the clean base catalog and checked in-thread.
// Every run must end in findings (or none), never an exception, a checker/internal finding or a
// polluted prototype.
import fc from 'fast-check';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/run.ts';
import type { Finding } from '../../src/model/finding.ts';
import { makeTemplate } from '../hostile/corpus.ts';
import { holds, PROTOTYPE_KEYS, reportProperties, type PropertyOutcome } from './properties.ts';

const outcomes: PropertyOutcome[] = [];
const PROPERTY_COUNT = 9;
const temp = mkdtempSync(path.join(os.tmpdir(), 'checker-properties-'));
const repo = path.join(temp, 'repo');
const folder = path.join(repo, 'definitions', 'example.widget.bundle');
const original = new Map<string, Buffer>();
/** Raw control and bidi characters must never reach a message (PR annotations, terminals). */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const CRASH_RULES = ['checker/internal', 'checker/crash', 'checker/timeout'];
/** What a JavaScript front-matter payload would create, were it ever evaluated. */
const MARKER = path.join(os.tmpdir(), 'artifact-types-property-pwned');

beforeAll(async () => {
  cpSync(await makeTemplate(path.join(temp, 'template')), repo, { recursive: true });
  for (const file of ['definition.json', 'logo.svg', 'README.md', 'config.schema.json', 'examples/basic.manifest.json']) original.set(file, readFileSync(path.join(folder, file)));
}, 120_000);

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
  reportProperties(
    'property-checker',
    'Checker properties (test/property/checker.property.test.ts)',
    'Each property writes one generated file into a copy of the clean base catalog and runs `runChecks({ workers: 0 })`. It holds when the run resolves, every finding is well formed (rule, severity, file, line, column, message), none is `checker/internal`, no message carries a raw control or bidi character, and the prototypes keep their keys.',
    outcomes,
    PROPERTY_COUNT,
  );
});

/** Writes `content` as one file of the widget folder, checks the catalog, and puts the file back. */
async function checkWith(file: string, content: string | Uint8Array): Promise<Finding[]> {
  const absolute = path.join(folder, file);
  writeFileSync(absolute, content);
  try {
    const { findings } = await runChecks({ root: path.join(repo, 'definitions'), workers: 0 });
    return findings;
  } finally {
    writeFileSync(absolute, original.get(file)!);
  }
}

function sound(findings: Finding[]): void {
  expect(Array.isArray(findings)).toBe(true);
  for (const f of findings) {
    expect(f.rule).toMatch(/^[a-z-]+\/[a-z-]+$/);
    expect(['error', 'warning']).toContain(f.severity);
    expect(typeof f.file === 'string' && f.file.length > 0).toBe(true);
    expect(Number.isInteger(f.line) && f.line >= 0 && Number.isInteger(f.column) && f.column >= 0, `${f.rule} at ${f.line}:${f.column}`).toBe(true);
    expect(typeof f.message === 'string' && f.message.length > 0).toBe(true);
    expect(HIDDEN.test(`${f.message} ${f.fix ?? ''}`), `${f.rule}: ${JSON.stringify(f.message)}`).toBe(false);
    expect(CRASH_RULES, `${f.rule}: ${f.message}`).not.toContain(f.rule);
  }
}

const text = (file: string) => original.get(file)!.toString('utf8');
const json = (file: string) => JSON.parse(text(file)) as unknown;
const anyString = fc.string({ unit: 'binary', maxLength: 24 });
const key = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), anyString);

/** JSON values with prototype keys and any code point in strings. */
const hostileJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.jsonValue({ maxDepth: 1 }),
    anyString,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 3 }).map(ownObject),
  ),
})).value;

/** An object with these own keys, `__proto__` included (assignment would set the prototype instead). */
function ownObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(result, k, { value: v, enumerable: true, writable: true, configurable: true });
  return result;
}

/** The value with the thing at a random path replaced (or a key added there). */
function mutate(value: unknown, steps: number[], newKey: string | null, replacement: unknown): unknown {
  if (typeof value !== 'object' || value === null || (steps.length === 0 && newKey === null)) return replacement;
  const keys = Object.keys(value);
  const copy = Array.isArray(value) ? [...value] : ownObject(Object.entries(value));
  if (steps.length === 0 || keys.length === 0) {
    if (Array.isArray(copy)) copy.push(replacement);
    else Object.defineProperty(copy, newKey ?? 'x', { value: replacement, enumerable: true, writable: true, configurable: true });
    return copy;
  }
  const k = keys[steps[0]! % keys.length]!;
  (copy as Record<string, unknown>)[k] = mutate((value as Record<string, unknown>)[k], steps.slice(1), newKey, replacement);
  return copy;
}

const mutation = fc.record({ steps: fc.array(fc.nat(), { maxLength: 4 }), newKey: fc.option(key), replacement: hostileJson });

/** Text edits: delete some characters somewhere and insert any string there. */
const textEdits = fc.array(fc.record({ at: fc.nat(), remove: fc.nat(8), insert: fc.oneof(anyString, fc.constantFrom('{', '}', '"', ',', '\\u0000', '\\ud800', '\u202e', '<', '>', '&', '---', '\n', '\r\n')) }), { minLength: 1, maxLength: 4 });
function edit(source: string, edits: Array<{ at: number; remove: number; insert: string }>): string {
  let result = source;
  for (const { at, remove, insert } of edits) {
    const i = at % (result.length + 1);
    result = result.slice(0, i) + insert + result.slice(i + remove);
  }
  return result;
}

// Logos built from the elements, attributes and values hostile SVGs use, sometimes left unescaped.
const svgName = fc.constantFrom('svg', 'path', 'rect', 'g', 'title', 'defs', 'linearGradient', 'stop', 'filter', 'script', 'style', 'use', 'image', 'feImage', 'foreignObject', 'a', 'set', 'animate', 's:script', 'h:img', 'iframe', 'SCRIPT');
const svgAttribute = fc.tuple(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom('viewBox', 'xmlns', 'xmlns:xlink', 'xmlns:s', 'xmlns:h', 'href', 'xlink:href', 'l:href', 'onload', 'OnClick', 'ev:onclick', 'xml:base', 'style', 'fill', 'cursor', 'filter', 'd', 'width', 'id') }, fc.stringMatching(/^[a-zA-Z_][\w:.-]{0,8}$/)),
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('#a', 'javascript:alert(1)', ' &#106;avascript:x', 'data:image/svg+xml,<svg/>', 'url(https://evil.example/x)', 'url(#a)', '\\75 rl(x)', '@import "x"', 'image-set("x" 1x)', '0 0 24 24', '0 0 48 24', 'NaN', 'http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xhtml', 'http://www.w3.org/1999/xlink', 'M0 0h24v24H0z') },
    anyString,
  ),
);
const svgText = fc.oneof(fc.constantFrom('', 'alert(1)', 'rect{fill:url(https://e/x)}', 'rect{fill:u<!---->rl(https://e/x)}', '<![CDATA[ a ]]>', '&lol;', '&#x202e;', '&amp;', '@\\69mport "x";'), anyString);
type SvgNode = { name: string; attributes: Array<[string, string]>; children: readonly SvgNode[]; text: string };
const svgNode = fc.letrec<{ node: SvgNode }>((tie) => ({
  node: fc.record({ name: svgName, attributes: fc.array(svgAttribute, { maxLength: 4 }), children: fc.oneof({ depthSize: 'small', maxDepth: 3 }, fc.constant([]), fc.array(tie('node'), { maxLength: 3 })), text: svgText }),
})).node;
const escapeXml = (s: string) => s.replace(/&(?!#?\w+;)/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
function renderSvg(node: SvgNode, escape: boolean): string {
  const attributes = node.attributes.map(([k, v]) => ` ${k}="${escape ? escapeXml(v) : v}"`).join('');
  return `<${node.name}${attributes}>${escape ? escapeXml(node.text).replace(/&lt;!\[CDATA\[(.*)\]\]>/, '<![CDATA[$1]]>') : node.text}${node.children.map((c) => renderSvg(c, escape)).join('')}</${node.name}>`;
}
const svgDocument = fc
  .record({
    prolog: fc.constantFrom('', '<?xml version="1.0"?>\n', '<?xml version="1.0" encoding="UTF-16"?>\n', '<!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n', '<?xml-stylesheet href="https://evil.example/x.css"?>\n', '\ufeff'),
    root: fc.record({ attributes: fc.array(svgAttribute, { maxLength: 3 }), children: fc.array(svgNode, { maxLength: 3 }) }),
    escape: fc.boolean(),
  })
  .map(({ prolog, root, escape }) => {
    const tree: SvgNode = { name: 'svg', attributes: [['xmlns', 'http://www.w3.org/2000/svg'], ['viewBox', '0 0 24 24'], ...root.attributes], children: root.children, text: '' };
    return { svg: prolog + renderSvg(tree, escape), dangerous: prolog.startsWith('<!DOCTYPE') || prolog.includes('stylesheet') || prolog.includes('UTF-16') || dangerous(tree, escape) };
  });

/**
 * An oracle written apart from the logo rule, from the generated tree: does this logo script, load
 * from elsewhere, or leave the SVG namespace? Deliberately broad (a random value that merely looks
 * like CSS counts): whatever it calls dangerous, the checker must refuse.
 */
function dangerous(node: SvgNode, escape: boolean): boolean {
  const FORBIDDEN = ['script', 'foreignobject', 'image', 'feimage', 'iframe', 'a', 'set', 'animate', 'img'];
  const loads = (css: string) => /url\s*\(\s*['"]?\s*[^#'"\s)]|@import|image-set|\\/i.test(css);
  const local = (name: string) => name.slice(name.indexOf(':') + 1).toLowerCase();
  if (FORBIDDEN.includes(local(node.name)) || node.name.includes(':')) return true;
  for (const [name, value] of node.attributes) {
    const attribute = local(name);
    if (attribute.startsWith('on') || name === 'xml:base') return true;
    if (name === 'xmlns' && value !== 'http://www.w3.org/2000/svg') return true;
    if (attribute === 'href' && !value.trim().startsWith('#')) return true;
    if (attribute !== 'href' && !name.startsWith('xmlns') && loads(value)) return true;
  }
  // Unescaped, comments and CDATA markers vanish from the CSS a browser reads.
  const css = escape ? node.text : node.text.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[|\]\]>/g, '');
  if (local(node.name) === 'style' && loads(css)) return true;
  return node.children.some((child) => dangerous(child, escape));
}

// READMEs: front matter in any language line, YAML with anchors, aliases, tags and merge keys.
const yamlLine = fc.tuple(
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom('title', 'summary', '__proto__', 'constructor', '<<', 'a', '? a', '- a', '  b') }, anyString),
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom('Widget bundle', 'A fixture type for the checker tests.', '&a [x, x, x]', '*a', '[*a, *a, *a]', '!!js/function "function () {}"', '!!binary aGk=', '!!str x', '!<tag:yaml.org,2002:js/undefined> ~', '{a: 1}', '|', '"\\u202e"', '*undefined') }, anyString),
);
const readme = fc
  .record({
    language: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('', '', 'js', ' js', 'javascript', 'coffee', 'yaml', 'json', 'toml', '__proto__', 'constructor', 'toString', 'hasOwnProperty') }, anyString),
    lines: fc.oneof({ weight: 4, arbitrary: fc.array(yamlLine, { maxLength: 8 }) }, fc.constant([[`{ title`, `require('fs').writeFileSync('${MARKER}', 'ran') || 'x', summary: 'x' }`]] as Array<[string, string]>)),
    close: fc.constantFrom('---', '---', '...', '', '--- js'),
    body: fc.oneof(fc.constant('## Push\n\nwidget push x\n'), anyString),
    crlf: fc.boolean(),
  })
  .map(({ language, lines, close, body, crlf }) => {
    const result = `---${language}\n${lines.map(([k, v]) => `${k}: ${v}`).join('\n')}\n${close}\n${body}`;
    return crlf ? result.replace(/\n/g, '\r\n') : result;
  });

// Config schemas: real keywords with plausible, hostile or random values, nested a few levels.
const regex = fc.oneof(
  fc.constantFrom('^[a-z]+$', '(a+)+$', '^(\\w+\\s?)*$', '^(a|aa)+$', '^(\\d|\\d\\d)+$', '[', '(?<n>a)\\k<n>', '\\p{L}+', '^(?:a|b)*c$', 'a{1,64}'),
  fc.array(fc.constantFrom('a', 'b', '+', '*', '?', '(', ')', '|', '[a-z]', '\\d', '\\s', '^', '$', '.', '(?:', '{2}'), { maxLength: 10 }).map((parts) => parts.join('')),
);
const ref = fc.constantFrom('#', '#/$defs/a', '#/$defs/__proto__', 'https://evil.example/s.json', 'file:///etc/passwd', 'other.json', '#/properties/name', '#meta');
const schema = fc.letrec<{ schema: unknown; object: Record<string, unknown> }>((tie) => ({
  schema: fc.oneof({ depthSize: 'small', maxDepth: 4 }, fc.boolean(), tie('object'), tie('object')),
  object: fc
    .record(
      {
        type: fc.constantFrom('object', 'string', 'integer', 'array', 'number', 'boolean', 'null', 'strng'),
        properties: fc.array(fc.tuple(key, tie('schema')), { maxLength: 3 }).map(ownObject),
        patternProperties: fc.array(fc.tuple(regex, tie('schema')), { maxLength: 2 }).map(ownObject),
        propertyNames: tie('schema'),
        items: tie('schema'),
        anyOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }),
        not: tie('schema'),
        $ref: ref,
        $dynamicRef: ref,
        $defs: fc.array(fc.tuple(fc.constantFrom('a', 'b', '__proto__'), tie('schema')), { maxLength: 2 }).map(ownObject),
        enum: fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1, maxLength: 4 }),
        pattern: regex,
        maxLength: fc.oneof(fc.nat(1000), fc.constant(-1), fc.constant({ $data: '1/other' })),
        format: fc.constantFrom('uri', 'date', 'regex', 'email', 'hostname', 'unknown'),
        required: fc.array(key, { maxLength: 3 }),
        uniqueItems: fc.boolean(),
        maxItems: fc.nat(10),
        $id: fc.constantFrom('https://evil.example/x', 'urn:x', '#a'),
      },
      { requiredKeys: [] },
    )
    .chain((object) => fc.option(fc.tuple(key, hostileJson)).map((extra) => (extra ? mutate(object, [], extra[0], extra[1]) as Record<string, unknown> : object))),
})).schema;

describe('checker properties', () => {
  it('definition.json with a value replaced or a key added', async () => {
    const base = json('definition.json');
    await holds(outcomes, 'definition.json with one value replaced by hostile JSON, or a hostile key added', fc.asyncProperty(mutation, async ({ steps, newKey, replacement }) => sound(await checkWith('definition.json', JSON.stringify(mutate(base, steps, newKey, replacement), null, 2)))), 90_001, 150);
  });

  it('a definition.json that passes the schema, with hostile strings wherever it allows free text', async () => {
    const base = json('definition.json') as Record<string, any>;
    const free = (min: number, max: number) => fc.string({ unit: 'binary', minLength: min, maxLength: max });
    const line = (max: number) => free(1, max - 2).map((t) => t.replace(/[\n\r\u2028\u2029]/g, 'x'));
    const hostile = fc.record({
      displayName: line(58).map((t) => `W${t}W`.slice(0, 60)),
      description: line(280).map((t) => `Description ${t}.`),
      mediaType: free(3, 300),
      note: free(3, 300),
      layerDescription: free(3, 300),
      labelKey: free(1, 200),
      value: free(0, 300),
      toolName: free(1, 60),
    });
    await holds(
      outcomes,
      'a schema-valid definition.json with any text in display name, description, legacy media types, notes, labels, annotation values and tool names',
      fc.asyncProperty(hostile, async (h) => {
        const definition = {
          ...base,
          displayName: h.displayName,
          description: h.description,
          artifactTypes: [...base.artifactTypes, { mediaType: h.mediaType, legacy: true, note: h.note }],
          layers: [...base.layers, { mediaType: h.mediaType, description: h.layerDescription }],
          configLabels: [{ key: h.labelKey, value: h.value }],
          annotations: [{ key: 'org.example.widget', value: h.value, on: 'manifest', identifying: true }],
          tools: [{ ...base.tools[0], name: h.toolName }],
        };
        sound(await checkWith('definition.json', JSON.stringify(definition, null, 2)));
      }),
      90_009,
      150,
    );
  });

  it('definition.json with its text edited', async () => {
    await holds(outcomes, 'definition.json with characters deleted and any text inserted', fc.asyncProperty(textEdits, async (edits) => sound(await checkWith('definition.json', edit(text('definition.json'), edits)))), 90_002, 150);
  });

  it('definition.json with its bytes changed', async () => {
    const bytes = original.get('definition.json')!;
    await holds(
      outcomes,
      'definition.json with random bytes overwritten or the file cut short (invalid UTF-8, BOMs)',
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(bytes.length), async (flips, cut) => {
        const changed = Buffer.from(bytes);
        for (const [at, byte] of flips) changed[at] = byte;
        sound(await checkWith('definition.json', changed.subarray(0, cut === 0 ? changed.length : cut)));
      }),
      90_003,
      100,
    );
  });

  it('logo.svg generated from hostile elements and attributes', async () => {
    await holds(
      outcomes,
      'logo.svg built from scripts, handlers, hrefs, CSS, namespaces, DOCTYPEs and random text; every one an independent oracle calls dangerous is refused',
      fc.asyncProperty(svgDocument, async ({ svg, dangerous }) => {
        const findings = await checkWith('logo.svg', svg);
        sound(findings);
        // Refused by a security or parse rule: not-optimized would also fire on a missed <script>, so it does not count.
        const refused = findings.some((f) => f.file.endsWith('/logo.svg') && f.severity === 'error' && f.rule !== 'logo/not-optimized' && /^(logo|file)\//.test(f.rule));
        if (dangerous) expect(refused, `accepted a dangerous logo:\n${svg}\n${findings.map((f) => `${f.rule}: ${f.message}`).join('\n')}`).toBe(true);
      }),
      90_004,
      200,
    );
  });

  it('logo.svg with its text edited', async () => {
    await holds(outcomes, 'the base logo with characters deleted and any text inserted', fc.asyncProperty(textEdits, async (edits) => sound(await checkWith('logo.svg', edit(text('logo.svg'), edits)))), 90_005, 100);
  });

  it('README.md with any front matter', async () => {
    rmSync(MARKER, { force: true });
    await holds(
      outcomes,
      'README.md front matter in any language, with YAML anchors, aliases, tags, merge keys and a JavaScript payload; any first line but --- is refused, and nothing runs',
      fc.asyncProperty(readme, async (markdown) => {
        const findings = await checkWith('README.md', markdown);
        sound(findings);
        if (markdown.split('\n', 1)[0]!.replace(/\r$/, '') !== '---') expect(findings.some((f) => f.rule === 'docs/front-matter' && f.line === 1 && f.file.endsWith('/README.md'))).toBe(true);
        expect(existsSync(MARKER), 'front matter ran as code').toBe(false);
      }),
      90_006,
      200,
    );
  });

  it('config.schema.json generated from JSON Schema keywords', async () => {
    await holds(outcomes, 'config.schema.json from keywords with hostile values: remote refs, ReDoS patterns, $data, prototype keys', fc.asyncProperty(schema, async (s) => sound(await checkWith('config.schema.json', JSON.stringify(s)))), 90_007, 150);
  });

  it('an example manifest with a value replaced or a key added', async () => {
    const base = json('examples/basic.manifest.json');
    await holds(outcomes, 'examples/basic.manifest.json with one value replaced by hostile JSON, or a hostile key added', fc.asyncProperty(mutation, async ({ steps, newKey, replacement }) => sound(await checkWith('examples/basic.manifest.json', JSON.stringify(mutate(base, steps, newKey, replacement))))), 90_008, 150);
  });
});
