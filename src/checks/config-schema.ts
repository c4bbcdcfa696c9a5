// Rules config-schema/*: a contributed JSON Schema is code we run on every classify request, so
// it must compile in ajv strict mode, refer only to itself, stay small, and hold no slow regex.
import { createRequire } from 'node:module';
import type { Finding } from '../model/finding.ts';
import type { JsonSource } from '../catalog/json-source.ts';
import type { DefinitionRule } from './context.ts';
import { at } from './context.ts';
import { contributedSchemaAjv, passFailSchemaAjv } from '../schema/ajv.ts';
import { schemaFindings } from './schema-findings.ts';
import { visible } from '../catalog/visible-text.ts';
import { escapePointer as esc, isNode, walkSchema, type Node } from '../schema/schema-walk.ts';
import { parseJsonSource } from '../catalog/json-source.ts';
import type { Catalog } from '../model/catalog.ts';

export const SCHEMA_LIMITS = { depth: 24, nodes: 5000, enum: 500, patternLength: 500 };

/** Keywords that refer to another subschema (ajv rejects $recursiveRef other than "#" but it is one all the same). */
const REF_KEYWORDS = ['$ref', '$dynamicRef', '$recursiveRef'] as const;

/** Where a local $ref or $dynamicRef can land: "#", "#/json/pointer", or "#name" ($anchor, $dynamicAnchor). */
function refTargets(ref: string, nodes: Map<string, Node>): string[] {
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return [];
  }
  if (fragment === '' || fragment.startsWith('/')) return nodes.has(fragment) ? [fragment] : [];
  return [...nodes].filter(([, node]) => node.$anchor === fragment || node.$dynamicAnchor === fragment).map(([pointer]) => pointer);
}

/**
 * The $ref that closes a loop of subschemas applied to the same value (e.g. a $ref to an ancestor
 * through allOf or dependencies only): ajv compiles some of these and then recurses without end on any
 * input. `steps` holds the walk's same-value edges: parent to child through a keyword that does not move into the data.
 */
function refCycle(nodes: Map<string, Node>, steps: Map<string, string[]>): string | null {
  const edges = new Map<string, Array<{ to: string; via: string | null }>>();
  for (const [pointer, node] of nodes) {
    const out: Array<{ to: string; via: string | null }> = (steps.get(pointer) ?? []).map((to) => ({ to, via: null }));
    for (const key of REF_KEYWORDS) {
      const ref = node[key];
      if (typeof ref === 'string' && ref.startsWith('#')) for (const to of refTargets(ref, nodes)) out.push({ to, via: `${pointer}/${key}` });
    }
    edges.set(pointer, out);
  }
  // Iterative depth-first search: grey nodes are on the current path, so an edge to one closes a loop.
  // Each frame remembers the $ref it was reached through, to name one $ref of the loop.
  const state = new Map<string, 'grey' | 'black'>();
  for (const start of nodes.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ pointer: string; next: number; via: string | null }> = [{ pointer: start, next: 0, via: null }];
    state.set(start, 'grey');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edge = edges.get(top.pointer)![top.next++];
      if (!edge) {
        state.set(top.pointer, 'black');
        stack.pop();
      } else if (state.get(edge.to) === 'grey') {
        const loop = stack.slice(stack.findIndex((frame) => frame.pointer === edge.to) + 1);
        return edge.via ?? loop.map((frame) => frame.via).find((via) => via !== null) ?? top.pointer;
      } else if (!state.has(edge.to)) {
        state.set(edge.to, 'grey');
        stack.push({ pointer: edge.to, next: 0, via: edge.via });
      }
    }
  }
  return null;
}

// recheck is a 3 MB script: load it when the first pattern is judged, not with every CLI command.
const require = createRequire(import.meta.url);
let recheck: typeof import('recheck') | null = null;
const check: (typeof import('recheck'))['check'] = (source, flags, params) => (recheck ??= require('recheck') as typeof import('recheck')).check(source, flags, params);

/** Analysis time for one pattern, and for all the patterns of one schema together. */
export const REGEX_TIME = { perPatternMs: 5000, perSchemaMs: 10_000 };

/** Analysis time a schema's patterns have used so far: many slow patterns must not add up without bound. */
export interface RegexBudget {
  spentMs: number;
}

/** Why a regex is unsafe to run on untrusted input, or null. Results are cached per pattern. */
const regexVerdicts = new Map<string, Promise<string | null>>();
// One analysis at a time per thread: recheck's timeout must measure the analysis, not a queue.
let queue: Promise<unknown> = Promise.resolve();
export function regexProblem(pattern: string, budget: RegexBudget = { spentMs: 0 }): Promise<string | null> {
  const cached = regexVerdicts.get(pattern);
  if (cached) return cached;
  const judged = queue.then(() => judgeRegex(pattern, budget));
  queue = judged.catch(() => null);
  const verdict = judged.then((j) => j.verdict);
  regexVerdicts.set(pattern, verdict);
  // A verdict forced by one schema's budget says nothing about the pattern: do not keep it.
  void judged.then((j) => j.cacheable || regexVerdicts.delete(pattern), () => regexVerdicts.delete(pattern));
  return verdict;
}

/** recheck's async API talks to its native agent directly (the sync one adds a worker round trip). */
async function judgeRegex(pattern: string, budget: RegexBudget): Promise<{ verdict: string | null; cacheable: boolean }> {
  if (pattern.length > SCHEMA_LIMITS.patternLength) return { verdict: `is ${pattern.length} characters long (limit ${SCHEMA_LIMITS.patternLength})`, cacheable: true };
  const timeout = Math.min(REGEX_TIME.perPatternMs, REGEX_TIME.perSchemaMs - budget.spentMs);
  if (timeout <= 0) return { verdict: `was not analysed: this schema's patterns already took ${REGEX_TIME.perSchemaMs / 1000} s to check`, cacheable: false };
  const started = Date.now();
  let verdict: string | null = null;
  let cutShort = false;
  try {
    new RegExp(pattern, 'u');
    // The automaton checker is an exact static analysis for the features it supports and says
    // "unknown" (an error here) for the rest; 'auto' would fall back to fuzzing, ~40x slower on
    // counted repetitions like {1,64}, for the same verdicts on every case in our fixtures.
    const result = await check(pattern, 'u', { checker: 'automaton', timeout });
    if (result.status === 'vulnerable') verdict = `can backtrack catastrophically (${result.complexity.type} time${result.attack ? `, e.g. on "${result.attack.pattern.slice(0, 40)}"` : ''})`;
    else if (result.status === 'unknown') {
      verdict = 'could not be proven safe from catastrophic backtracking';
      cutShort = timeout < REGEX_TIME.perPatternMs;
    }
  } catch (error) {
    verdict = `is not a valid regular expression: ${(error as Error).message}`;
  } finally {
    budget.spentMs += Date.now() - started;
  }
  return { verdict, cacheable: !cutShort };
}

async function structuralFindings(source: JsonSource): Promise<Finding[]> {
  const findings: Finding[] = [];
  let nodes = 0;
  const rule = (pointer: string, name: string, message: string, fix: string) => findings.push(at(source, pointer, `config-schema/${name}`, message, fix));
  const regexes: Array<Promise<void>> = [];
  const subschemas = new Map<string, Node>();
  const budget: RegexBudget = { spentMs: 0 };
  const steps = new Map<string, string[]>();
  walkSchema(source.value, ({ node, pointer, depth, parent, sameValue }) => {
    nodes++;
    subschemas.set(pointer, node);
    if (sameValue && parent !== null) (steps.get(parent) ?? steps.set(parent, []).get(parent)!).push(pointer);
    if (pointer !== '' && node.$id !== undefined) rule(`${pointer}/$id`, 'remote-ref', '$id inside a subschema changes what "#" refers to from there on', 'remove it; only the root may have an $id');
    if (depth === SCHEMA_LIMITS.depth + 1) rule(pointer, 'limits', `subschemas nest deeper than ${SCHEMA_LIMITS.depth} levels`, 'flatten the schema, using $defs for shared parts');
    for (const key of REF_KEYWORDS) {
      const ref = node[key];
      if (typeof ref === 'string' && !ref.startsWith('#')) rule(`${pointer}/${key}`, 'remote-ref', `${key} "${visible(ref.slice(0, 80))}" points outside this schema`, 'copy what it refers to into $defs and use "#/$defs/…"');
    }
    if (Array.isArray(node.enum) && node.enum.length > SCHEMA_LIMITS.enum) rule(`${pointer}/enum`, 'limits', `enum has ${node.enum.length} values (limit ${SCHEMA_LIMITS.enum})`, 'use a pattern or a shorter list');
    for (const key of ['pattern', 'format'] as const) {
      if (typeof node[key] === 'string' && typeof node.maxLength !== 'number') {
        rule(`${pointer}/${key}`, 'unbounded', `${key} without maxLength lets a long string make validation slow`, 'add "maxLength" next to it');
      }
    }
    if (isNode(node.patternProperties) && !(isNode(node.propertyNames) && typeof node.propertyNames.maxLength === 'number')) {
      rule(`${pointer}/patternProperties`, 'unbounded', 'patternProperties without propertyNames.maxLength lets long keys make validation slow', 'add "propertyNames": { "maxLength": 128 }');
    }
    if (node.uniqueItems === true && typeof node.maxItems !== 'number') {
      rule(`${pointer}/uniqueItems`, 'unbounded', 'uniqueItems without maxItems is quadratic in the array length', 'add "maxItems"');
    }
    const patterns: Array<[string, string]> = [];
    if (typeof node.pattern === 'string') patterns.push([`${pointer}/pattern`, node.pattern]);
    if (isNode(node.patternProperties)) for (const key of Object.keys(node.patternProperties)) patterns.push([`${pointer}/patternProperties/${esc(key)}`, key]);
    for (const [where, pattern] of patterns) {
      regexes.push(
        regexProblem(pattern, budget).then((problem) => {
          if (problem) rule(where, 'redos', `pattern "${visible(pattern.slice(0, 60))}" ${visible(problem)}`, 'rewrite it without nested or overlapping quantifiers, e.g. ^[a-z0-9]+(-[a-z0-9]+)*$');
        }),
      );
    }
  });
  await Promise.all(regexes);
  if (nodes > SCHEMA_LIMITS.nodes) findings.push(at(source, '', 'config-schema/limits', `has ${nodes} subschemas (limit ${SCHEMA_LIMITS.nodes})`, 'simplify the schema'));
  else {
    const cycle = refCycle(subschemas, steps);
    if (cycle) rule(cycle, 'ref-cycle', 'this reference loops back to a schema applied to the same value (through $ref and keywords such as allOf, anyOf, oneOf, not, if, dependentSchemas or dependencies only): validation would never end', 'make the recursion go through properties or items, so each step moves into the data');
  }
  return findings;
}

type Validator = ReturnType<ReturnType<typeof contributedSchemaAjv>['compile']>;

/** Compiles a contributed schema (in `ajv`); returns the validator or the finding that explains why not. */
export function compileConfigSchema(source: JsonSource, ajv = contributedSchemaAjv()): { validate: Validator } | { finding: Finding } {
  try {
    return { validate: ajv.compile(source.value as object) };
  } catch (error) {
    const message = visible(String((error as Error).message).split('\n')[0]!);
    return { finding: at(source, '', 'config-schema/invalid', `does not compile as a JSON Schema (draft 2020-12, ajv strict mode): ${message}`, 'fix the keyword named; strict mode rejects unknown keywords and formats') };
  }
}

export const configSchema: DefinitionRule = async ({ source }) => {
  const schema = source.configSchema;
  if (!schema) return [];
  if (!isNode(schema.value)) return [at(schema, '', 'config-schema/invalid', 'a config schema must be a JSON object', 'write a JSON Schema object, e.g. { "type": "object", … }')];
  const dollarSchema = schema.value.$schema;
  if (dollarSchema !== undefined && dollarSchema !== 'https://json-schema.org/draft/2020-12/schema') {
    return [at(schema, '/$schema', 'config-schema/invalid', `$schema must be https://json-schema.org/draft/2020-12/schema, not ${JSON.stringify(dollarSchema)}`, 'use JSON Schema draft 2020-12')];
  }
  const findings = await structuralFindings(schema);
  // Never compile a schema that refers elsewhere or holds a slow regex.
  if (findings.length > 0) return findings;
  let reporting: Validator | null = null;
  try {
    const compiled = compileConfigSchema(schema, passFailSchemaAjv());
    if ('finding' in compiled) return [compiled.finding];
    for (const example of source.examples.filter((e) => e.role === 'config')) {
      if (compiled.validate(example.source.value)) continue;
      // Only a failing example needs every error, with messages: compile the schema again for those.
      reporting ??= contributedSchemaAjv().compile(schema.value as object);
      reporting(example.source.value);
      findings.push(...schemaFindings(example.source, reporting.errors, 'examples/config-invalid').map((f) => ({ ...f, message: `config example fails config.schema.json: ${f.message}`, fix: 'make the example match the schema, or fix the schema' })));
    }
    return findings;
  } finally {
    // ajv keeps every schema it compiles (or fails to); a worker checks thousands, and each kept one slows every GC.
    passFailSchemaAjv().removeSchema(schema.value as object);
    if (reporting) contributedSchemaAjv().removeSchema(schema.value as object);
  }
};

/**
 * The same structural checks for the config schemas of a catalog built elsewhere (a catalog.json
 * file, a pulled catalog artifact): its digests prove only that it is self-consistent, so a hostile
 * build could carry a slow regex or a $ref loop the checker would have refused. One line per problem.
 */
export async function catalogConfigSchemaProblems(catalog: Catalog): Promise<string[]> {
  const problems: string[] = [];
  for (const type of catalog.types) {
    if (!type.configSchema) continue;
    const parsed = parseJsonSource({ file: `config schema of ${type.id}`, text: JSON.stringify(type.configSchema) });
    const findings = parsed.ok ? [...parsed.findings, ...(await structuralFindings(parsed.source))] : parsed.findings;
    for (const f of findings.filter((f) => f.severity === 'error').slice(0, 3)) problems.push(`type ${type.id}: ${f.rule}: ${f.message}`);
  }
  return problems;
}
