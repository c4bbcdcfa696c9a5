// Rules folder/*: the folder name and id agree, expected files are there, nothing else is.
import type { DefinitionRule } from './context.ts';
import { at, whole } from './context.ts';
import { exampleRole } from '../catalog/load.ts';

const KNOWN = new Set(['definition.json', 'logo.svg', 'config.schema.json', 'README.md', 'examples']);

export const folder: DefinitionRule = ({ source, definition }) => {
  const findings = [];
  for (const name of ['definition.json', 'logo.svg', 'README.md']) {
    if (!source.entries.includes(name)) {
      findings.push(whole(`${source.dir}/${name}`, 'folder/missing-file', `${name} is missing`, `add ${source.dir}/${name} (run \`artifact-types new\` to scaffold one)`));
    }
  }
  if (!source.entries.includes('examples')) {
    findings.push(whole(`${source.dir}/examples`, 'folder/missing-file', 'examples/ is missing', 'add examples/<name>.manifest.json and examples/<name>.not-this.json'));
  }
  for (const name of source.entries) {
    const known = name.startsWith('examples/') ? exampleRole(name.slice('examples/'.length)) !== null : KNOWN.has(name);
    if (!known) {
      findings.push(whole(`${source.dir}/${name}`, 'folder/unknown-file', `unexpected file ${name}`, 'remove it; a definition folder holds definition.json, logo.svg, README.md, config.schema.json and examples/*.{manifest,config,not-this}.json'));
    }
  }
  const def = source.definition;
  if (def && definition && definition.id !== source.id) {
    findings.push(at(def, '/id', 'folder/id-mismatch', `id "${definition.id}" does not match the folder name "${source.id}"`, `set "id": "${source.id}", or rename the folder`));
  }
  if (def && source.configSchema && definition && !definition.configSchema) {
    findings.push(at(def, '', 'folder/config-schema-unreferenced', 'config.schema.json exists but definition.json does not name it', 'add "configSchema": "config.schema.json"'));
  }
  if (def && definition?.configSchema && !source.entries.includes('config.schema.json')) {
    findings.push(at(def, '/configSchema', 'folder/missing-file', 'configSchema names config.schema.json, which is missing', 'add the file or remove "configSchema"'));
  }
  return findings;
};
