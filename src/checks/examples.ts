// Rules examples/*: every type has a positive and a negative example manifest, a config example
// where it has a config schema, every example manifest is a valid OCI manifest or index, and every
// example says in definition.json which tool and versions write it.
import type { Finding } from '../model/finding.ts';
import type { DefinitionRule } from './context.ts';
import { at, whole } from './context.ts';
import { exampleRole } from '../catalog/load.ts';
import { projectValidator } from '../schema/ajv.ts';
import { schemaFindings } from './schema-findings.ts';

export const examples: DefinitionRule = ({ source, definition }) => {
  if (!source.entries.includes('examples')) return [];
  const findings: Finding[] = [];
  const dir = `${source.dir}/examples`;
  const byRole = (role: string) => source.examples.filter((e) => e.role === role);
  if (byRole('manifest').length === 0) findings.push(whole(dir, 'examples/missing', 'there is no example manifest (*.manifest.json)', 'add examples/<name>.manifest.json shaped exactly like what the real tool pushes'));
  if (byRole('not-this').length === 0) findings.push(whole(dir, 'examples/missing', 'there is no negative example (*.not-this.json)', 'add examples/<name>.not-this.json: a near miss that must not classify as this type'));
  if (source.configSchema && byRole('config').length === 0) findings.push(whole(dir, 'examples/missing', 'the type has a config schema but no config example (*.config.json)', 'add examples/<name>.config.json, a config blob that passes config.schema.json'));
  for (const example of [...byRole('manifest'), ...byRole('not-this')]) {
    const value = example.source.value;
    const isIndex = typeof value === 'object' && value !== null && 'manifests' in value;
    const validate = projectValidator('oci-manifest.schema.json', isIndex ? '#/$defs/index' : '#/$defs/manifest');
    if (!validate(value)) {
      findings.push(
        ...schemaFindings(example.source, validate.errors, 'examples/invalid-manifest').map((f) => ({
          ...f,
          message: `not a valid OCI image manifest or index: ${f.message}`,
          fix: 'see schemas/oci-manifest.schema.json (image-spec manifest.md, image-index.md, descriptor.md)',
        })),
      );
    }
  }
  for (const config of byRole('config')) {
    if (!byRole('manifest').some((m) => m.stem === config.stem)) {
      findings.push(whole(config.source.file, 'examples/unpaired-config', `config example has no manifest example named ${config.stem}.manifest.json`, `rename it to match a manifest example, or add ${config.stem}.manifest.json`));
    }
  }
  findings.push(...exampleNotes({ source, definition }));
  return findings;
};

/** examples/no-note, examples/note-without-file, examples/note-era: the examples map matches the files. */
function exampleNotes({ source, definition }: Parameters<DefinitionRule>[0]): Finding[] {
  if (!definition || !source.definition) return [];
  const findings: Finding[] = [];
  const notes = definition.examples ?? {};
  const files = new Map<string, string>();
  for (const entry of source.entries) {
    if (!entry.startsWith('examples/')) continue;
    const name = entry.slice('examples/'.length);
    const role = exampleRole(name)?.role;
    if (role === 'manifest' || role === 'not-this') files.set(name, role);
  }
  for (const [name, role] of files) {
    if (!Object.hasOwn(notes, name)) {
      findings.push(whole(`${source.dir}/examples/${name}`, 'examples/no-note', `example ${name} has no note in definition.json`,
        `add to definition.json "examples": { "${name}": { "writtenBy": "<tool and versions that write this shape>", "era": "${role === 'manifest' ? 'current' : 'near-miss'}" } }`));
    }
  }
  for (const [name, note] of Object.entries(notes)) {
    const role = files.get(name);
    if (!role) {
      findings.push(at(source.definition, `/examples/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'examples/note-without-file', `the note names examples/${name}, which does not exist`, 'rename the key to an existing example file, or remove the note', 'error', true));
    } else if (note.era !== undefined && (note.era === 'near-miss') !== (role === 'not-this')) {
      findings.push(at(source.definition, `/examples/${name}/era`, 'examples/note-era', `era "${note.era}" does not fit ${name}`, role === 'not-this' ? 'a *.not-this.json example is a near miss: set "era": "near-miss"' : 'a *.manifest.json example is "current" (what the tool writes today) or "older" (still found in registries)'));
    }
  }
  return findings;
}
