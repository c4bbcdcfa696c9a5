// The checker's safety walk for the config schemas of a catalog built elsewhere (a catalog.json
// file, a pulled catalog artifact): its digests prove only that it is self-consistent, so a hostile
// build could carry a slow regex or a $ref loop the checker would have refused.
import type { Catalog } from '../model/catalog.ts';
import { schemaSafety } from '../schema/config-schema-safety.ts';
import { parseJsonSource } from './json-source.ts';
import { visible } from './visible-text.ts';

/** One line per problem, at most three per type. */
export async function catalogConfigSchemaProblems(catalog: Catalog): Promise<string[]> {
  const problems: string[] = [];
  for (const type of catalog.types) {
    if (!type.configSchema) continue;
    // Parsed as the checker parses a file: too deep or holding unsafe keys is refused before the walk.
    const parsed = parseJsonSource({ file: `config schema of ${type.id}`, text: JSON.stringify(type.configSchema) });
    const found = parsed.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}: ${f.message}`);
    if (parsed.ok) found.push(...(await schemaSafety(parsed.source.value)).problems.map((p) => `${p.rule}: ${visible(p.message)}`));
    for (const line of found.slice(0, 3)) problems.push(`type ${type.id}: ${line}`);
  }
  return problems;
}
