// Rule schema/definition: definition.json follows schemas/definition.schema.json.
import { readFileSync } from 'node:fs';
import type { DefinitionRule } from './context.ts';
import { projectValidator } from '../schema/ajv.ts';
import { schemaFindings } from './schema-findings.ts';

const schema = JSON.parse(readFileSync(new URL('../../schemas/definition.schema.json', import.meta.url), 'utf8'));

/** The schema's own description of the field at a pointer, so the fix says what the field is for. */
export function fieldHelp(pointer: string, missing?: string): string | undefined {
  const parts = pointer.split('/').slice(1);
  if (missing) parts.push(missing);
  let node = schema as Record<string, any>;
  const said: string[] = [];
  for (const part of parts) {
    said.length = 0;
    if (/^\d+$/.test(part)) node = node.items ?? node;
    else node = node.properties?.[part] ?? node;
    // Say what the field is for, then what its type requires (a $ref'd definition's description).
    if (node.description) said.push(node.description);
    while (node.$ref) {
      node = schema.$defs[String(node.$ref).split('/').pop()!];
      if (node.description) said.push(node.description);
    }
  }
  return node === schema || said.length === 0 ? undefined : said.join(' ');
}

export const definitionSchema: DefinitionRule = ({ source }) => {
  if (!source.definition) return [];
  const validate = projectValidator('definition.schema.json');
  if (validate(source.definition.value)) return [];
  return schemaFindings(source.definition, validate.errors, 'schema/definition', (pointer, error) =>
    fieldHelp(pointer, error.keyword === 'required' ? String((error.params as { missingProperty: string }).missingProperty) : undefined),
  );
};
