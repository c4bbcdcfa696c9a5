// README.md of the generated package, written from the catalog: what it is, usage examples for
// every export, and a table of every type with every media type it uses (and in which role).
import type { ArtifactType, Catalog } from '../../src/model/catalog.ts';
import { PACKAGE_NAME } from './manifest.ts';

const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** A required layer among several is one alternative: the type needs a layer of one of them. */
function layerFlags(type: ArtifactType, layer: ArtifactType['layers'][number]): string {
  const required = type.layers.filter((l) => l.required).length;
  return [layer.required ? (required > 1 ? `required: one of ${required}` : 'required') : '', layer.identifying ? 'identifying' : ''].filter(Boolean).join(', ');
}

function mediaTypes(type: ArtifactType): string[] {
  const flags = (m: { generic?: boolean; legacy?: boolean; deprecated?: boolean; identifying?: boolean }) =>
    [m.generic ? 'fallback' : '', m.legacy ? 'legacy' : '', m.deprecated ? 'deprecated' : ''].filter(Boolean).join(', ');
  const line = (role: string, mediaType: string, note: string) => `${role} ${code(mediaType)}${note ? ` (${note})` : ''}`;
  return [
    ...type.artifactTypes.map((m) => line('artifactType', m.mediaType, flags(m))),
    ...type.configMediaTypes.map((m) => line('config', m.mediaType, flags(m))),
    ...type.layers.map((l) => line('layer', l.mediaType, layerFlags(type, l))),
    ...type.manifestMediaTypes.map((m) => line('manifest', m.mediaType, flags(m))),
  ];
}

function typesTable(catalog: Catalog): string {
  const rows = catalog.types.map((t) => `| ${cell(t.displayName)}${t.status === 'deprecated' ? ' (deprecated)' : ''} | ${code(t.id)} | ${cell(mediaTypes(t).join('<br>'))} | ${cell(t.tools.map((x) => x.name).join(', '))} |`);
  return ['| Type | Id | Media types | Tools |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function exampleManifest(catalog: Catalog): { id: string; json: string } | null {
  // The shortest example reads best.
  const examples = catalog.types.filter((t) => t.example !== null).map((t) => ({ id: t.id, json: JSON.stringify(t.example, null, 2) }));
  return examples.sort((a, b) => a.json.length - b.json.length)[0] ?? null;
}

export function packageReadme(catalog: Catalog): string {
  const first = catalog.types[0];
  const id = first?.id ?? 'opencontainers.image';
  const withSchema = catalog.types.find((t) => t.configSchema)?.id ?? id;
  const someMediaType = first?.configMediaTypes[0]?.mediaType ?? first?.artifactTypes[0]?.mediaType ?? 'application/vnd.oci.image.config.v1+json';
  const example = exampleManifest(catalog);
  return `# ${PACKAGE_NAME}

Every OCI artifact type in the artifact-types catalog, offline, in one
\`npm install\`: ${catalog.types.length} types, catalog version ${catalog.version}
(digest \`${catalog.digest}\`). The package version is the catalog version.

- **Zero dependencies, no install scripts.** One ES module with TypeScript declarations; \`require()\` loads it
  too on Node 20.19+ and 22.12+.
- **The same classifier** the artifact-types CLI and API use: manifest in, type out, with the signal that
  decided it, conformance findings and validation against the OCI image-spec.
- **Precompiled config validators** (ajv standalone code, built at publish time): nothing compiles a schema
  and nothing calls \`eval\` or \`new Function\`, so it runs under a strict Content-Security-Policy.

This file is generated from the catalog by \`npm run build\`; do not edit it.

## Command line

\`\`\`sh
npx ${PACKAGE_NAME} classify manifest.json                # JSON: the type, the signal that decided it, conformance findings
npx ${PACKAGE_NAME} classify - --format text < manifest.json
npx ${PACKAGE_NAME} classify manifest.json --config config.json
npx ${PACKAGE_NAME} get ${id} --format text
npx ${PACKAGE_NAME} lookup '${someMediaType}'
\`\`\`

The command uses the catalog in this package and needs nothing else. \`--format json\` (the default) or
\`text\`. Exit codes: 0 a known type (or the entry was found), 1 an unknown type, input that is not a
manifest, or a conformance error, 2 a usage error. It prints what the repository's \`artifact-types\` CLI
prints for the same commands (the two are built from the same modules); \`ls\`, \`push\` and \`pull\` are only
in the repository's CLI.

## Usage

\`\`\`js
import { catalog, getType, typesForMediaType, classify, validateConfig, logoSvg } from '${PACKAGE_NAME}';
// CommonJS (Node 20.19+, 22.12+): const { classify } = require('${PACKAGE_NAME}');

catalog.types.length;                 // ${catalog.types.length}
getType('${id}')?.displayName;  // ${JSON.stringify(first?.displayName ?? '')} (former ids, "aliases", work too)
typesForMediaType('${someMediaType}');
// → [{ id, role: 'artifactType' | 'config' | 'layer' | 'manifest', info }]
\`\`\`

### Classify a manifest

\`\`\`js
const manifest = JSON.parse(manifestText);          // an OCI/Docker image manifest or index
const result = classify(manifest);
result.id;           // ${example ? JSON.stringify(example.id) : "the type's id"}, or null when no type matches
result.signal;       // 'artifactType' | 'config' | 'layer' | 'annotation' | 'configLabel' | 'fallback'
result.matched;      // { pointer: '/config/mediaType', value: '…' }: the field that decided it
result.conformance;  // [{ code, severity, path, message }]: what does not match the type's definition
result.validation;   // [{ code, severity, path, message, spec }]: every violation of the OCI image-spec
                     // (or Docker schema 2) rules; MUST rules are errors, SHOULD rules warnings
result.subject;      // { mediaType, digest } of the manifest this one refers to (signatures, SBOMs, …)
result.error;        // set (with a JSON pointer) when the input is not a manifest; classify never throws

// A referrers list (the referrers API's answer, or the index tagged sha256-<hex> without the API) is
// not a multi-platform image: id is null and referrersList names each entry by its artifactType.
classify(index, { tag: 'sha256-…' }).referrersList;  // { source, subject, entries: [{ pointer, digest, artifactType, id, displayName }] }

// With the config blob, config labels can identify the type and the config is checked against its schema.
classify(manifest, { config: JSON.parse(configText) });
// The body POST /v1/classify takes works too (error pointers then start with /manifest):
classify({ manifest, config });
\`\`\`
${example ? `
For example, this manifest classifies as \`${example.id}\`:

\`\`\`json
${example.json}
\`\`\`
` : ''}
### Validate a config, read a logo, use the data files

\`\`\`js
validateConfig('${withSchema}', config);  // [] when valid, [{ pointer, message }] when not, null when the type has no schema
logoSvg('${id}');                   // the logo as SVG text

import data from '${PACKAGE_NAME}/catalog.json' with { type: 'json' };
// also: ${PACKAGE_NAME}/logos/<id>.svg and ${PACKAGE_NAME}/schemas/<id>.json (types with a config schema)
\`\`\`

### TypeScript

\`\`\`ts
import { getType, type ArtifactTypeId, type ArtifactType, type Classification } from '${PACKAGE_NAME}';

const id: ArtifactTypeId = '${id}';        // a union of every id in the catalog
const type: ArtifactType = getType(id);   // known ids always resolve
\`\`\`

## Types

How to read the layer flags: **required** means every manifest of the type has a layer of that media
type. **required: one of N** marks alternatives: the type has N required layer media types and a manifest
needs a layer of at least one of them, not of each (a model may ship as GGUF or as safetensors; a
signature as a JWS or a COSE envelope). \`classify\` reports \`missing-layer\` only when none of them is
there. **identifying** means a layer of that media type alone identifies the type.

${typesTable(catalog)}
`;
}
