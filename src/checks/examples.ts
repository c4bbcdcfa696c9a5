// Rules examples/*: every type has a positive and a negative example manifest, a config example
// where it has a config schema, and every example manifest is a valid OCI manifest or index.
import type { Finding } from '../model/finding.ts';
import type { DefinitionRule } from './context.ts';
import { whole } from './context.ts';
import { projectValidator } from './ajv.ts';
import { schemaFindings } from './schema-findings.ts';

export const examples: DefinitionRule = ({ source }) => {
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
  return findings;
};
