// Every subschema of a contributed config schema, for the checks that must see all of them (slow
// regexes, maxLength, remote refs, $ref loops). json-schema-traverse, the walk ajv uses to index
// $id and $anchor, cannot be it: its last release (1.0.0) predates draft 2020-12 (it skips
// prefixItems arrays, and with allKeys it reads a dependentSchemas map as a schema, so a property
// named "default" or "pattern" there hides its subschema). So the walk is closed the other way round:
// every keyword ajv compiles has a shape here (test/checks/schema-walk.test.ts fails when ajv knows
// one this table does not), and a key the table does not know is walked as if it held subschemas.

export type Node = Record<string, unknown>;
export const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
export const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** How a keyword's value holds subschemas. `value` keywords hold none; `data` ones hold instance data. */
export type Shape = 'schema' | 'schemas' | 'map' | 'value' | 'data';

/** Every keyword ajv's draft 2020-12 instance knows, plus the annotations and draft-07 names it accepts. */
export const KEYWORD_SHAPES: Readonly<Record<string, Shape>> = {
  // One subschema (items and additionalItems may be a list in older drafts: walked as either).
  not: 'schema', if: 'schema', then: 'schema', else: 'schema', propertyNames: 'schema', additionalProperties: 'schema',
  items: 'schema', additionalItems: 'schema', contains: 'schema', unevaluatedItems: 'schema', unevaluatedProperties: 'schema', contentSchema: 'schema',
  // A list of subschemas.
  allOf: 'schemas', anyOf: 'schemas', oneOf: 'schemas', prefixItems: 'schemas',
  // Names (properties, regexes, definitions) to subschemas; dependencies maps to a schema or a list of names.
  properties: 'map', patternProperties: 'map', $defs: 'map', definitions: 'map', dependentSchemas: 'map', dependencies: 'map',
  // Instance data, never compiled as a schema.
  const: 'data', enum: 'data', default: 'data', examples: 'data',
  // Scalars and lists of names.
  $async: 'value', $id: 'value', id: 'value', $schema: 'value', $anchor: 'value', $dynamicAnchor: 'value', $recursiveAnchor: 'value', $ref: 'value', $dynamicRef: 'value', $recursiveRef: 'value',
  $comment: 'value', $vocabulary: 'value', title: 'value', description: 'value', deprecated: 'value', readOnly: 'value', writeOnly: 'value',
  contentMediaType: 'value', contentEncoding: 'value', type: 'value', nullable: 'value', format: 'value', pattern: 'value', required: 'value', dependentRequired: 'value',
  maximum: 'value', minimum: 'value', exclusiveMaximum: 'value', exclusiveMinimum: 'value', multipleOf: 'value', maxLength: 'value', minLength: 'value',
  maxProperties: 'value', minProperties: 'value', maxItems: 'value', minItems: 'value', uniqueItems: 'value', maxContains: 'value', minContains: 'value',
};

/**
 * Keywords whose subschemas apply to parts of the value (its properties, items or keys), so a $ref loop
 * through one of them ends with the data; and keywords whose subschemas are not applied at all. Every
 * other keyword, an unknown one too, counts as applying its subschemas to the same value.
 */
const MOVES_INTO_DATA = new Set(['properties', 'patternProperties', 'additionalProperties', 'propertyNames', 'items', 'prefixItems', 'additionalItems', 'contains', 'unevaluatedItems', 'unevaluatedProperties']);
const NOT_APPLIED = new Set(['$defs', 'definitions', 'contentSchema']);

export interface Visit {
  node: Node;
  pointer: string;
  /** Subschemas between the root and this one. */
  depth: number;
  /** The subschema this one belongs to, and whether it applies to the same value (a step of a possible loop). */
  parent: string | null;
  sameValue: boolean;
}

/** Visits every subschema (objects only: true and false hold nothing), parents before children, iteratively. */
export function walkSchema(schema: unknown, visit: (v: Visit) => void): void {
  const stack: Visit[] = [];
  if (isNode(schema)) stack.push({ node: schema, pointer: '', depth: 0, parent: null, sameValue: false });
  while (stack.length > 0) {
    const current = stack.pop()!;
    visit(current);
    const { node, pointer, depth } = current;
    const children: Visit[] = [];
    const add = (sub: unknown, where: string, keyword: string) => {
      if (isNode(sub)) children.push({ node: sub, pointer: where, depth: depth + 1, parent: pointer, sameValue: !MOVES_INTO_DATA.has(keyword) && !NOT_APPLIED.has(keyword) });
    };
    for (const keyword of Object.keys(node)) {
      const value = node[keyword];
      const shape = Object.hasOwn(KEYWORD_SHAPES, keyword) ? KEYWORD_SHAPES[keyword] : 'schema';
      if (shape === 'value' || shape === 'data') continue;
      const base = `${pointer}/${escapePointer(keyword)}`;
      if (Array.isArray(value)) value.forEach((sub, i) => add(sub, `${base}/${i}`, keyword));
      else if (shape === 'map' && isNode(value)) for (const name of Object.keys(value)) add(value[name], `${base}/${escapePointer(name)}`, keyword);
      else add(value, base, keyword);
    }
    // Reversed onto the stack, so children are visited in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}
