// Parses contributed JSON with positions (momoa AST), so every finding can name line:column.
// Strict on what JSON.parse lets through: duplicate keys (I-JSON forbids them), prototype keys, depth.
import { parse, type AnyNode, type DocumentNode, type ElementNode, type MemberNode, type ValueNode } from '@humanwhocodes/momoa';
import type { Finding } from '../model/finding.ts';
import type { TextSource } from './read-file.ts';
import { visible } from './visible-text.ts';

export interface JsonSource extends TextSource {
  ast: DocumentNode;
  value: unknown;
}

export type JsonParseResult = { ok: true; source: JsonSource; findings: Finding[] } | { ok: false; findings: Finding[] };

/** Deeper than this is rejected before parsing: real definitions and manifests nest a few levels. */
export const MAX_JSON_DEPTH = 64;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Findings listed per file before the rest are only counted. */
const MAX_LISTED = 20;

/** Line and column (1-based) of a character offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * One pass over the text, ignoring brackets inside strings: the offset where bracket nesting first
 * exceeds `max` (-1 if never), and how many strings are followed by a colon (in valid JSON: how many
 * object keys the text spells out, repeats included).
 */
function scan(text: string, max: number): { deep: number; keys: number } {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) {
        inString = false;
        let j = i + 1;
        while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13 || text.charCodeAt(j) === 9)) j++;
        if (text.charCodeAt(j) === 58) keys++;
      }
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return { deep: i, keys };
    } else if (c === 125 || c === 93) depth--;
  }
  return { deep: -1, keys };
}

/** Own keys in a parsed value, or -1 if it holds a number JSON cannot hold (JSON.parse turns 1e400 into Infinity). */
function countKeys(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? 0 : -1;
  if (typeof value !== 'object' || value === null) return 0;
  let keys = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const inner = countKeys(item);
    if (inner < 0) return -1;
    keys += inner;
  }
  return Array.isArray(value) ? keys : keys + Object.keys(value).length;
}

/**
 * The value of text holding nothing the strict path would report, straight from JSON.parse, or
 * undefined to take the strict path. Without \u escapes a key can spell an unsafe name only
 * literally, and no string can hold a lone surrogate (the text came from strict UTF-8 decoding);
 * a repeated key shows as fewer keys in the value than in the text.
 */
function plainValue(text: string, keysInText: number): unknown {
  if (text.includes('\\u') || text.includes('"__proto__"') || text.includes('"constructor"') || text.includes('"prototype"')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // the strict path words the syntax error, with its position
  }
  return countKeys(value) === keysInText ? value : undefined;
}

/** A source whose AST is built on first use: only a finding's position needs it. */
function withLazyAst(source: PlainJsonSource): JsonSource {
  let ast: DocumentNode | undefined;
  return Object.defineProperty({ ...source }, 'ast', {
    get: () => (ast ??= parse(source.text, { mode: 'json', tokens: false, ranges: false })),
    enumerable: false,
  }) as JsonSource;
}

function finding(source: TextSource, rule: string, loc: { line: number; column: number }, message: string, fix: string): Finding {
  return { rule, severity: 'error', file: source.file, line: loc.line, column: loc.column, message, fix };
}

/** A lone surrogate: in unicode mode a paired one is a single code point outside this range. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * I-JSON (RFC 7493) strings are well-formed Unicode: a lone surrogate escape ("\ud800") is reported and
 * replaced, as canonical JSON (the catalog's digests) and UTF-8 output cannot represent it.
 */
function wellFormed(value: string, at: { line: number; column: number }, source: TextSource, findings: Finding[]): string {
  if (!LONE_SURROGATE.test(value)) return value;
  findings.push(finding(source, 'json/invalid-value', at, 'holds a lone surrogate (a \\uD800-\\uDFFF escape without its other half); I-JSON forbids it', 'write the character itself, or both halves of its surrogate pair'));
  return value.replace(/[\uD800-\uDFFF]/gu, '\uFFFD');
}

/** Builds the value from the AST, defining every key as an own property (so `__proto__` cannot set a prototype). */
function toValue(node: ValueNode, source: TextSource, findings: Finding[]): unknown {
  switch (node.type) {
    case 'Object': {
      const result: Record<string, unknown> = {};
      const seen = new Map<string, number>();
      for (const member of node.members) {
        const key = wellFormed(member.name.type === 'String' ? member.name.value : member.name.name, member.name.loc.start, source, findings);
        const previous = seen.get(key);
        if (previous !== undefined) {
          findings.push(finding(source, 'json/duplicate-key', member.name.loc.start, `key "${visible(key.slice(0, 80))}" appears twice (first on line ${previous}); JSON parsers silently keep only the last`, 'remove one of them'));
        }
        seen.set(key, member.name.loc.start.line);
        if (UNSAFE_KEYS.has(key)) {
          findings.push(finding(source, 'json/unsafe-key', member.name.loc.start, `key "${key}" is not allowed: consumers that merge objects would pollute prototypes`, 'rename or remove the key'));
        }
        const value = toValue(member.value, source, findings);
        // Assignment is much faster; only __proto__ must be defined, or it would set the prototype.
        if (key === '__proto__') Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
        else result[key] = value;
      }
      return result;
    }
    case 'Array':
      return node.elements.map((element) => toValue(element.value, source, findings));
    case 'String':
      return wellFormed(node.value, node.loc.start, source, findings);
    case 'Number':
      // 1e400 parses to Infinity, which JSON cannot hold and canonical JSON refuses.
      if (Number.isFinite(node.value)) return node.value;
      findings.push(finding(source, 'json/invalid-value', node.loc.start, 'is a number too large for a double (it would become Infinity)', 'write a smaller number, or a string'));
      return null;
    case 'Boolean':
      return node.value;
    case 'Null':
      return null;
    default:
      return undefined;
  }
}

/** Parses JSON text; syntax errors and unsafe content become findings with positions. */
export function parseJsonSource(source: TextSource): JsonParseResult {
  const { deep, keys } = scan(source.text, MAX_JSON_DEPTH);
  if (deep >= 0) {
    return { ok: false, findings: [finding(source, 'json/too-deep', positionOf(source.text, deep), `nests deeper than ${MAX_JSON_DEPTH} levels`, 'flatten the structure')] };
  }
  // Most files are clean: JSON.parse is an order of magnitude cheaper than building the AST.
  const plain = plainValue(source.text, keys);
  if (plain !== undefined) return { ok: true, source: withLazyAst({ file: source.file, text: source.text, value: plain }), findings: [] };
  return parseWithAst(source);
}

/** The strict path: builds the AST and the value from it, reporting what JSON.parse would let through. */
export function parseWithAst(source: TextSource): JsonParseResult {
  let ast: DocumentNode;
  try {
    ast = parse(source.text, { mode: 'json', tokens: false, ranges: false });
  } catch (error) {
    const e = error as { message?: string; line?: number; column?: number };
    const message = visible(String(e.message ?? 'invalid JSON').replace(/\s*\(\d+:\d+\)$/, ''));
    return { ok: false, findings: [finding(source, 'json/syntax', { line: e.line ?? 1, column: e.column ?? 1 }, `invalid JSON: ${message}`, 'fix the JSON syntax at this position (a missing comma, quote or bracket is the usual cause)')] };
  }
  const findings: Finding[] = [];
  const value = toValue(ast.body, source, findings);
  // Thousands of duplicate keys fit in one file: list the first ones and count the rest.
  if (findings.length > MAX_LISTED) {
    const more = findings.length - MAX_LISTED;
    findings.splice(MAX_LISTED, more, { ...findings[MAX_LISTED]!, line: 0, column: 0, message: `and ${more} more problems like these (only the first ${MAX_LISTED} are listed)`, fix: 'fix the ones listed and run the checker again' });
  }
  return { ok: true, source: { ...source, ast, value }, findings };
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The AST node a JSON pointer names, or the deepest existing ancestor. With `key`, a member's key
 * node instead of its value (to point at an unknown property's name).
 */
export function nodeAt(ast: DocumentNode, pointer: string, key = false): AnyNode {
  let node: AnyNode = ast.body;
  const tokens = pointer === '' ? [] : pointer.split('/').slice(1).map(unescapePointer);
  for (const [i, token] of tokens.entries()) {
    if (node.type === 'Object') {
      const member: MemberNode | undefined = node.members.find((m) => (m.name.type === 'String' ? m.name.value : m.name.name) === token);
      if (!member) return node;
      node = key && i === tokens.length - 1 ? member.name : member.value;
    } else if (node.type === 'Array') {
      const element: ElementNode | undefined = node.elements[Number(token)];
      if (!element) return node;
      node = element.value;
    } else return node;
  }
  return node;
}

/** line:column of a JSON pointer in a parsed source. */
export function locate(source: JsonSource, pointer: string, key = false): { line: number; column: number } {
  const { line, column } = nodeAt(source.ast, pointer, key).loc.start;
  return { line, column };
}

/** What crosses a thread boundary: the AST stays behind (it is large and cheap to rebuild). */
export type PlainJsonSource = Omit<JsonSource, 'ast'>;

export function dehydrate(source: JsonSource): PlainJsonSource {
  return { file: source.file, text: source.text, value: source.value };
}

/** Gives a source that crossed a thread its AST back, parsed only if a finding needs a position. */
export function hydrate(source: PlainJsonSource): JsonSource {
  return withLazyAst(source);
}
