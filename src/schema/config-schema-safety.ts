// What makes a contributed config schema unsafe to run on every classify request, found by walking
// every subschema: slow or unbounded regexes, references outside the schema, $ref loops, size limits.
// Shared by the checker's config-schema rule and by loading a catalog built elsewhere. Problems name
// JSON pointers; the caller places them in its source. Messages quote contributed text as it is:
// callers escape them (visible()) before showing them.
import { createRequire } from 'node:module';
import { escapePointer as esc, isNode, walkSchema, type Node } from './schema-walk.ts';

/** One problem of a schema, at a JSON pointer into it (`key`: at the member's name rather than its value). */
export interface SchemaProblem {
  rule: string;
  pointer: string;
  key?: boolean;
  message: string;
  fix: string;
}

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

/**
 * What the walk finds wrong with a config schema, each at its JSON pointer, and whether ajv may compile
 * it: not when a $ref loop would make it recurse without end, when it is too large, or when a slow regex
 * sits in patternProperties (ajv's strict mode matches those against the names in properties at compile time).
 */
export async function schemaSafety(schema: unknown): Promise<{ problems: SchemaProblem[]; compilable: boolean }> {
  const problems: SchemaProblem[] = [];
  let compilable = true;
  let nodes = 0;
  const rule = (pointer: string, name: string, message: string, fix: string) => problems.push({ rule: `config-schema/${name}`, pointer, message, fix });
  const regexes: Array<Promise<void>> = [];
  const subschemas = new Map<string, Node>();
  const budget: RegexBudget = { spentMs: 0 };
  const steps = new Map<string, string[]>();
  walkSchema(schema, ({ node, pointer, depth, parent, sameValue }) => {
    nodes++;
    subschemas.set(pointer, node);
    if (sameValue && parent !== null) (steps.get(parent) ?? steps.set(parent, []).get(parent)!).push(pointer);
    if (pointer !== '' && node.$id !== undefined) rule(`${pointer}/$id`, 'remote-ref', '$id inside a subschema changes what "#" refers to from there on', 'remove it; only the root may have an $id');
    if (depth === SCHEMA_LIMITS.depth + 1) rule(pointer, 'limits', `subschemas nest deeper than ${SCHEMA_LIMITS.depth} levels`, 'flatten the schema, using $defs for shared parts');
    for (const key of REF_KEYWORDS) {
      const ref = node[key];
      if (typeof ref === 'string' && !ref.startsWith('#')) rule(`${pointer}/${key}`, 'remote-ref', `${key} "${ref.slice(0, 80)}" points outside this schema`, 'copy what it refers to into $defs and use "#/$defs/…"');
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
          if (!problem) return;
          rule(where, 'redos', `pattern "${pattern.slice(0, 60)}" ${problem}`, 'rewrite it without nested or overlapping quantifiers, e.g. ^[a-z0-9]+(-[a-z0-9]+)*$');
          if (where.includes('/patternProperties/')) compilable = false;
        }),
      );
    }
  });
  await Promise.all(regexes);
  if (nodes > SCHEMA_LIMITS.nodes) {
    rule('', 'limits', `has ${nodes} subschemas (limit ${SCHEMA_LIMITS.nodes})`, 'simplify the schema');
    compilable = false;
  } else {
    const cycle = refCycle(subschemas, steps);
    if (cycle) compilable = false;
    if (cycle) rule(cycle, 'ref-cycle', 'this reference loops back to a schema applied to the same value (through $ref and keywords such as allOf, anyOf, oneOf, not, if, dependentSchemas or dependencies only): validation would never end', 'make the recursion go through properties or items, so each step moves into the data');
  }
  return { problems, compilable };
}
