// parseJsonSource takes JSON.parse's fast path for clean text and the AST path for the rest: the two
// must never disagree, on value or findings, whatever the text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locate, parseJsonSource, parseWithAst, type JsonParseResult } from '../../src/catalog/json-source.ts';

const parse = (text: string) => parseJsonSource({ file: 'x.json', text });
const strict = (text: string) => parseWithAst({ file: 'x.json', text });
const outcome = (r: JsonParseResult) => (r.ok ? { ok: true, value: r.source.value, findings: r.findings } : { ok: false, findings: r.findings });

/** Keys that hit every strict rule: repeats, prototype names (plain and escaped), escapes, lone surrogates. */
const key = fc.constantFrom('a', 'b', 'a ', '', '__proto__', 'constructor', 'prototype', '\\u005f_proto__', '\\u0061', '\\ud800', '\\ud83d\\ude00', 'é', '\\"', ':');
const scalar = fc.oneof(fc.constantFrom('1e400', '-1e400', '-0', '0', '1.5e3', 'true', 'false', 'null', '"x"', '"\\ud800"', '"a:b"', '"\\\\u"', '"\\\\"'), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.string().map((s) => JSON.stringify(s)));
const space = fc.constantFrom('', ' ', '\n', '\t', '\r\n  ');
/** JSON text built token by token, so keys can repeat and escapes stay as written. */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(key, space, tie('value')), { maxLength: 5 }).map((members) => `{${members.map(([k, s, v]) => `"${k}"${s}:${s}${v}`).join(',')}}`),
  ),
})).value;

describe('parseJsonSource', () => {
  it('agrees with the AST path on every generated text, including broken ones', () => {
    const texts = fc.oneof(jsonText, jsonText.chain((t) => fc.nat(t.length).map((i) => t.slice(0, i) + t.slice(i + 1))), fc.json());
    fc.assert(
      fc.property(texts, (text) => {
        expect(outcome(parse(text))).toEqual(outcome(strict(text)));
      }),
      { numRuns: 2000 },
    );
  });

  it('still reports what JSON.parse lets through, with positions', () => {
    const cases: Array<[string, string, number]> = [
      ['{"a": 1,\n "a": 2}', 'json/duplicate-key', 2],
      ['{"x": {"__proto__": {}}}', 'json/unsafe-key', 1],
      ['{\n"\\u005f_proto__": 1}', 'json/unsafe-key', 2],
      ['["ok",\n "\\ud800"]', 'json/invalid-value', 2],
      ['{"n":\n\n 1e400}', 'json/invalid-value', 3],
      ['{"a": 1,}', 'json/syntax', 1],
    ];
    for (const [text, rule, line] of cases) {
      const result = parse(text);
      expect(result.findings.map((f) => [f.rule, f.line]), text).toEqual([[rule, line]]);
    }
  });

  it('gives clean text its AST on demand, so findings from later rules still get positions', () => {
    const result = parse('{\n  "id": "x",\n  "layers": [\n    { "mediaType": "a/b" }\n  ]\n}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.source.value).toEqual({ id: 'x', layers: [{ mediaType: 'a/b' }] });
    expect(locate(result.source, '/layers/0/mediaType')).toEqual({ line: 4, column: 20 });
    expect(Object.keys(result.source)).not.toContain('ast');
  });
});
