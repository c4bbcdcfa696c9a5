// Rules config-schema/*: a contributed JSON Schema is code we run on every classify request, so
// it must compile in ajv strict mode, refer only to itself, stay small, and hold no slow regex.
// One run reports every problem: the walk's (src/schema/config-schema-safety.ts) and, unless compiling
// is unsafe, every one ajv has compiling it (src/schema/config-schema-compile.ts).
import type { Finding } from '../model/finding.ts';
import type { JsonSource } from '../catalog/json-source.ts';
import type { DefinitionRule } from './context.ts';
import { at } from './context.ts';
import { contributedSchemaAjv, passFailSchemaAjv } from '../schema/ajv.ts';
import { schemaSafety, type SchemaProblem } from '../schema/config-schema-safety.ts';
import { compileProblems } from '../schema/config-schema-compile.ts';
import { isNode } from '../schema/schema-walk.ts';
import { MAX_FINDINGS_PER_FILE, moreFinding, schemaFindings } from './schema-findings.ts';
import { visible } from '../catalog/visible-text.ts';

/** A schema problem as a finding in config.schema.json; contributed text in the message is escaped. */
const place = (source: JsonSource, p: SchemaProblem): Finding => at(source, p.pointer, p.rule, visible(p.message), p.fix, 'error', p.key);

/** Compiles a schema in ajv's pass-fail instance: the validator, or null when ajv refuses it. */
function compiles(schema: object) {
  try {
    return passFailSchemaAjv().compile(schema);
  } catch {
    return null;
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
  const { problems, compilable } = await schemaSafety(schema.value);
  const findings = problems.map((p) => place(schema, p));
  // A $ref loop would make ajv recurse without end; a slow regex in patternProperties, hang it.
  if (!compilable) return findings;
  let reporting: ReturnType<ReturnType<typeof contributedSchemaAjv>['compile']> | null = null;
  try {
    const validate = compiles(schema.value);
    if (!validate) {
      // Strict mode stops at its first problem: collect them all, leaving out places the walk reported.
      const reported = new Set(problems.map((p) => p.pointer));
      const more = compileProblems(schema.value).filter((p) => !reported.has(p.pointer));
      findings.push(...more.slice(0, MAX_FINDINGS_PER_FILE).map((p) => place(schema, p)));
      if (more.length > MAX_FINDINGS_PER_FILE) findings.push(moreFinding(schema.file, 'config-schema/invalid', more.length - MAX_FINDINGS_PER_FILE, 'error'));
      if (findings.length === 0) findings.push(at(schema, '', 'config-schema/invalid', 'does not compile as a JSON Schema (draft 2020-12, ajv strict mode)', 'fix the keyword named; strict mode rejects unknown keywords and formats'));
      return findings;
    }
    // Never run a schema the walk refused (a slow regex, a remote $ref) on the examples.
    if (findings.length > 0) return findings;
    for (const example of source.examples.filter((e) => e.role === 'config')) {
      if (validate(example.source.value)) continue;
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
