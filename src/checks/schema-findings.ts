// Turns ajv errors into findings a first-time contributor can act on: at the right line:column,
// one finding per problem (oneOf branches folded), with the field's own description as the fix.
import type { ErrorObject } from '../schema/ajv.ts';
import type { JsonSource } from '../catalog/json-source.ts';
import type { Finding } from '../model/finding.ts';
import { at } from './context.ts';
import { visible } from '../catalog/visible-text.ts';
import { closest, distance } from 'fastest-levenshtein';

/** The closest allowed property name to a misspelt one, if it is close enough to be a typo. */
function suggestion(error: ErrorObject): string | undefined {
  const unknown = String((error.params as { additionalProperty: string }).additionalProperty);
  const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  if (allowed.length === 0) return undefined;
  const best = closest(unknown.toLowerCase(), allowed.map((a) => a.toLowerCase()));
  const original = allowed.find((a) => a.toLowerCase() === best)!;
  return distance(unknown.toLowerCase(), best) <= Math.max(2, Math.floor(unknown.length / 4)) ? original : undefined;
}

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `is missing required property "${p.missingProperty}"`;
    case 'additionalProperties':
      return `unknown property "${p.additionalProperty}"`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'type':
      return `must be ${p.type === 'object' ? 'an object' : p.type === 'array' ? 'an array' : `a ${p.type}`}`;
    case 'pattern':
      // The regex itself helps nobody; the value and the field's description (the fix) do.
      return typeof error.data === 'string' ? `${JSON.stringify(error.data.length > 80 ? `${error.data.slice(0, 80)}…` : error.data)} is not in the expected form` : 'is not in the expected form';
    case 'oneOf':
    case 'anyOf':
      return 'must be a media type string or an object with "mediaType"';
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

function fieldName(pointer: string): string {
  return pointer === '' ? 'this file' : pointer.slice(1).replace(/\//g, '.');
}

/** Pointer of the property an error is about (the missing or unknown key itself where there is one). */
function pointerOf(error: ErrorObject): { pointer: string; key: boolean } {
  const p = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return { pointer: `${error.instancePath}/${p.additionalProperty}`, key: true };
  return { pointer: error.instancePath, key: false };
}

/**
 * A oneOf between object shapes (evidence: upstream or in this repository) that fails at P: when some
 * error reaches inside P (a branch took the value's shape and failed on a field), the "missing
 * property" and "unknown property" errors at P itself come from a branch the value never meant.
 * ajv reports a $ref'd branch's errors with paths relative to that branch, so branches are told
 * apart by depth, not by schema path.
 */
function otherBranches(errors: ErrorObject[]): Set<ErrorObject> {
  const dropped = new Set<ErrorObject>();
  for (const error of errors) {
    if (error.keyword !== 'oneOf') continue;
    const at = error.instancePath;
    const inside = errors.some((e) => e.instancePath.startsWith(`${at}/`) && e.keyword !== 'additionalProperties');
    if (!inside) continue;
    for (const e of errors) {
      if (e.instancePath !== at) continue;
      if (e.keyword === 'required') dropped.add(e);
      // An "unknown" property another branch knows (it has errors of its own inside); a typo has none and stays.
      const name = (e.params as { additionalProperty?: string }).additionalProperty;
      if (e.keyword === 'additionalProperties' && errors.some((o) => o.instancePath.startsWith(`${at}/${name}`))) dropped.add(e);
    }
  }
  return dropped;
}

/** Keeps the most specific errors: drop a oneOf/anyOf or type error where a more precise one exists. */
function prune(errors: ErrorObject[]): ErrorObject[] {
  const dropped = otherBranches(errors);
  errors = errors.filter((error) => !dropped.has(error));
  return errors.filter((error) => {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'if') {
      return !errors.some((other) => other !== error && other.instancePath.startsWith(error.instancePath) && !['oneOf', 'anyOf', 'type', 'if'].includes(other.keyword) && other.schemaPath.startsWith(error.schemaPath.replace(/\/(oneOf|anyOf)$/, '')) && !/\/oneOf\/0\//.test(other.schemaPath));
    }
    if (error.keyword === 'type' && /\/oneOf\/\d+\//.test(error.schemaPath)) return false;
    // A oneOf branch reached through $ref (a media type string or an object) loses its oneOf path: a type
    // error on a value whose insides have errors of their own comes from the branch the value did not take.
    if (error.keyword === 'type' && errors.some((other) => other.keyword !== 'type' && other.instancePath.startsWith(`${error.instancePath}/`))) return false;
    if (/\/oneOf\/0\//.test(error.schemaPath)) return false;
    return true;
  });
}

/** A file with more problems than this gets the first ones and a count: a 4 MiB example can hold 100,000. */
export const MAX_FINDINGS_PER_FILE = 20;

/** The finding that stands for the ones past the cap, so a hostile file cannot flood the output. */
export function moreFinding(file: string, rule: string, more: number, severity: Finding['severity']): Finding {
  return { rule, severity, file, line: 0, column: 0, message: `and ${more} more problems like these (only the first ${MAX_FINDINGS_PER_FILE} are listed)`, fix: 'fix the ones listed and run the checker again' };
}

export function schemaFindings(
  source: JsonSource,
  errors: ErrorObject[] | null | undefined,
  rule: string,
  describeField: (pointer: string, error: ErrorObject) => string | undefined = () => undefined,
): Finding[] {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  let more = 0;
  for (const error of prune(errors ?? [])) {
    const { pointer, key } = pointerOf(error);
    // Keys and values are contributed text: escape control and bidi characters before quoting them.
    const message = visible(`${fieldName(pointer)} ${describe(error)}`);
    if (seen.has(message)) continue;
    seen.add(message);
    // Past the cap only count: locating each finding in the source would cost as much as the rest.
    if (findings.length === MAX_FINDINGS_PER_FILE) {
      more++;
      continue;
    }
    const help = describeField(pointer, error);
    const fix =
      error.keyword === 'additionalProperties'
        ? ((name) => (name ? `did you mean "${name}"? Otherwise remove it` : 'remove it, or check its spelling against schemas/definition.schema.json'))(suggestion(error))
        : error.keyword === 'required'
          ? `add "${(error.params as { missingProperty: string }).missingProperty}"${help ? `: ${help}` : ''}`
          : help ?? 'see schemas/definition.schema.json for what this field takes';
    findings.push(at(source, pointer, rule, message, fix, 'error', key));
  }
  if (more > 0) findings.push(moreFinding(source.file, rule, more, 'error'));
  return findings;
}
