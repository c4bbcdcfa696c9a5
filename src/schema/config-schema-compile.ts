// Every problem ajv has compiling a contributed config schema, each at its JSON pointer, so one run of
// the checker reports them all (ajv strict mode throws at the first). ajv's strict messages name the
// subschema for some checks ("… at "#/properties/a" (strictRequired)") and only the keyword for
// others ('unknown keyword: "minimun"'); those are placed at each subschema that has the keyword.
import { ALLOWED_FORMATS, diagnoseSchema, type ErrorObject } from './ajv.ts';
import type { SchemaProblem } from './config-schema-safety.ts';
import { escapePointer as esc, isNode, walkSchema, type Node } from './schema-walk.ts';

const RULE = 'config-schema/invalid';
const STRICT_FIX = 'fix the keyword named: ajv strict mode refuses what it would otherwise ignore';

/** The JSON pointer in a schema path ajv writes ("#/properties/a", "https://x/y.json#/$defs/d"), or null. */
function fragment(path: string): string | null {
  const hash = path.indexOf('#');
  if (hash < 0) return null;
  try {
    return decodeURIComponent(path.slice(hash + 1));
  } catch {
    return null;
  }
}

/** The subschema path a message names after `at "…"` or `at path "…"`, as a pointer, or null. */
function namedPath(message: string): string | null {
  const match = /\bat (?:path )?"([^"]*#[^"]*)"/.exec(message);
  return match ? fragment(match[1]!) : null;
}

type Place = Pick<SchemaProblem, 'pointer' | 'key'> & { fix?: string };

/** Where one strict-mode message (without its "strict mode: " prefix) points, one place per subschema it is about. */
function placesOf(message: string, nodes: Map<string, Node>): Place[] {
  let match = /^required property "(.*)" is not defined at "([^"]*)"/.exec(message);
  if (match) {
    const [, name, path] = match;
    const pointer = fragment(path!) ?? '';
    const index = (nodes.get(pointer)?.required as unknown[] | undefined)?.indexOf(name) ?? -1;
    return [{ pointer: index >= 0 ? `${pointer}/required/${index}` : `${pointer}/required`, fix: `describe "${name}" under "properties" next to "required", or remove it from "required"` }];
  }
  match = /^missing type "([^"]*)" for keyword "([^"]+)" at "([^"]*)"/.exec(message);
  if (match) {
    const [, type, keyword, path] = match;
    return [{ pointer: `${fragment(path!) ?? ''}/${esc(keyword!)}`, key: true, fix: `add "type": "${type!.split(',')[0]}" to this subschema` }];
  }
  match = /^"([^"]+)" is \d+-tuple, .* at path "([^"]*)"$/.exec(message);
  if (match) return [{ pointer: `${fragment(match[2]!) ?? ''}/${esc(match[1]!)}`, key: true, fix: 'add "minItems" (and "maxItems" or "items": false) equal to the number of items listed' }];
  match = /^unknown keyword: "(.*)"$/.exec(message);
  if (match) {
    const keyword = match[1]!;
    const places = [...nodes].filter(([, node]) => Object.hasOwn(node, keyword)).map(([pointer]) => ({ pointer: `${pointer}/${esc(keyword)}`, key: true }));
    return places.map((p) => ({ ...p, fix: 'remove it or correct its spelling: strict mode refuses keywords it does not know' }));
  }
  // "property a matches pattern ^a (use allowMatchingProperties)": names and pattern are not quoted, so compare whole messages.
  if (message.endsWith('(use allowMatchingProperties)')) {
    const places: Place[] = [];
    for (const [pointer, node] of nodes) {
      if (!isNode(node.properties) || !isNode(node.patternProperties)) continue;
      for (const name of Object.keys(node.properties)) {
        for (const pattern of Object.keys(node.patternProperties)) {
          if (message === `property ${name} matches pattern ${pattern} (use allowMatchingProperties)`) places.push({ pointer: `${pointer}/properties/${esc(name)}`, key: true });
        }
      }
    }
    return places.map((p) => ({ ...p, fix: 'describe the property in "properties" or in "patternProperties", not in both' }));
  }
  const path = namedPath(message);
  if (path !== null) return [{ pointer: nodes.get(path)?.type !== undefined && /\(strictTypes\)$/.test(message) ? `${path}/type` : path }];
  // '"if" without "then" and "else" is ignored', '"maxContains" without "contains" is ignored', …: the
  // subschemas that have the first keyword named and none of those named after "without".
  match = /^"([^"]+)"(.*)$/.exec(message);
  if (match) {
    const keyword = match[1]!;
    const without = /\bwithout (.*)$/.exec(match[2]!)?.[1] ?? '';
    const missing = [...without.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    const places = [...nodes].filter(([, node]) => Object.hasOwn(node, keyword) && missing.every((k) => !Object.hasOwn(node, k))).map(([pointer]) => ({ pointer: `${pointer}/${esc(keyword)}`, key: true }));
    if (places.length > 0) return places;
  }
  return [{ pointer: '' }];
}

/** A member of the schema to leave out: `keyword` of the subschema at `at` (or one `entry` of that keyword's map). */
interface Drop {
  at: string;
  keyword: string;
  entry?: string;
}

/**
 * Where an error that stopped the compile points (the $ref it could not resolve, the regex it could not
 * parse), and the member to leave out so the rest of the schema compiles on.
 */
function placeOfError(error: Error, nodes: Map<string, Node>): Place & { drop?: Drop } {
  const message = error.message;
  const ref = /^can't resolve reference (.*) from id /.exec(message)?.[1];
  const regex = /^Invalid regular expression: \/(.*)\/[a-z]*: /.exec(message)?.[1];
  for (const [pointer, node] of nodes) {
    if (ref !== undefined) {
      const keyword = ['$ref', '$dynamicRef', '$recursiveRef'].find((k) => node[k] === ref);
      if (keyword) return { pointer: `${pointer}/${keyword}`, fix: 'point it at a subschema of this file, e.g. "#/$defs/<name>", and define that subschema', drop: { at: pointer, keyword } };
    }
    if (regex !== undefined && node.pattern === regex) return { pointer: `${pointer}/pattern`, drop: { at: pointer, keyword: 'pattern' } };
    if (regex !== undefined && isNode(node.patternProperties) && Object.hasOwn(node.patternProperties, regex)) {
      return { pointer: `${pointer}/patternProperties/${esc(regex)}`, key: true, drop: { at: pointer, keyword: 'patternProperties', entry: regex } };
    }
  }
  return { pointer: namedPath(message) ?? '' };
}

/** Compiles to try at most, each after leaving out what stopped the one before. */
const MAX_ROUNDS = 10;

function subschemas(schema: Node): Map<string, Node> {
  const nodes = new Map<string, Node>();
  walkSchema(schema, ({ node, pointer }) => void nodes.set(pointer, node));
  return nodes;
}

/** Meta-schema errors, one per place in the schema (a keyword's anyOf branches folded into one line). */
function metaProblems(errors: ErrorObject[]): SchemaProblem[] {
  const byPath = new Map<string, string[]>();
  for (const error of errors) {
    if ((error.keyword === 'anyOf' || error.keyword === 'oneOf') && errors.some((e) => e !== error && e.instancePath === error.instancePath)) continue;
    const allowed = error.keyword === 'enum' ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : '';
    const messages = byPath.get(error.instancePath) ?? byPath.set(error.instancePath, []).get(error.instancePath)!;
    const text = `${error.message ?? `fails ${error.keyword}`}${allowed}`;
    if (!messages.includes(text)) messages.push(text);
  }
  return [...byPath].map(([pointer, messages]) => ({
    rule: RULE,
    pointer,
    message: `is not a valid JSON Schema (draft 2020-12): ${pointer === '' ? 'the schema' : pointer.slice(1).replace(/\//g, '.')} ${messages.join(' or ')}`,
    fix: 'correct the value as the message says; see https://json-schema.org/draft/2020-12/json-schema-validation',
  }));
}

/**
 * Every problem ajv has with a config schema (an object): meta-schema errors, or else every strict-mode
 * problem, formats outside ALLOWED_FORMATS, and each error that stopped a compile (up to MAX_ROUNDS).
 * Call it only on a schema the walk found compilable (schemaSafety). [] means ajv compiles it in strict mode.
 */
export function compileProblems(schema: Node): SchemaProblem[] {
  const nodes = subschemas(schema);
  const warnings = new Set<string>();
  const stops: SchemaProblem[] = [];
  // An error stops ajv's compile: leave out what it is about and compile again, so what comes after is reported too.
  let target = schema;
  let targetNodes = nodes;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const result = diagnoseSchema(target);
    if (result.metaErrors.length > 0) return metaProblems(result.metaErrors);
    for (const warning of result.warnings) warnings.add(warning);
    if (!result.error) break;
    const { pointer, key, fix, drop } = placeOfError(result.error, targetNodes);
    stops.push({ rule: RULE, pointer, key, message: `does not compile as a JSON Schema (draft 2020-12, ajv strict mode): ${result.error.message.split('\n')[0]}`, fix: fix ?? 'fix the keyword named; strict mode rejects unknown keywords and formats' });
    if (!drop) break;
    if (target === schema) {
      target = structuredClone(schema);
      targetNodes = subschemas(target);
    }
    const node = targetNodes.get(drop.at)!;
    if (drop.entry === undefined) delete node[drop.keyword];
    else delete (node[drop.keyword] as Node)[drop.entry];
  }
  const problems: SchemaProblem[] = [];
  for (const warning of warnings) {
    const message = warning.replace(/^strict mode: /, '');
    for (const { pointer, key, fix } of placesOf(message, nodes)) problems.push({ rule: RULE, pointer, key, message: `does not compile in ajv strict mode: ${message}`, fix: fix ?? STRICT_FIX });
  }
  const allowed: readonly string[] = ALLOWED_FORMATS;
  for (const [pointer, node] of nodes) {
    if (typeof node.format === 'string' && !allowed.includes(node.format)) {
      problems.push({ rule: RULE, pointer: `${pointer}/format`, message: `does not compile in ajv strict mode: unknown format "${node.format}"`, fix: `use one of ${allowed.join(', ')}, or a pattern with maxLength` });
    }
  }
  return [...problems, ...stops];
}
