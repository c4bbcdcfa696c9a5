// Turns checked sources into the Catalog: normalized entries, sorted, each with a digest.
import type { ArtifactType, ArtifactTypeDefinition, Catalog, MediaTypeEntry, MediaTypeInfo } from '../model/catalog.ts';
import { canonicalJson, sha256 } from './digest.ts';
import { parseFrontMatter } from './front-matter.ts';
import type { DefinitionSource } from './load.ts';

export function mediaTypeInfo(entry: MediaTypeEntry): MediaTypeInfo {
  return typeof entry === 'string' ? { mediaType: entry } : { ...entry };
}

/** The catalog entry for a definition whose definition.json passed the schema. */
export function buildEntry(source: DefinitionSource, definition: ArtifactTypeDefinition): ArtifactType {
  let docs = { title: definition.displayName, summary: definition.description };
  if (source.readme) {
    try {
      const { data } = parseFrontMatter(source.readme.text);
      if (typeof data.title === 'string' && typeof data.summary === 'string') docs = { title: data.title, summary: data.summary };
    } catch {
      // The docs rule reports it; the entry falls back to the definition's own words.
    }
  }
  const logoText = source.logo?.text ?? '';
  const firstExample = source.examples.find((e) => e.role === 'manifest' && definition.examples?.[e.name]?.era === 'current') ?? source.examples.find((e) => e.role === 'manifest');
  const entry: Omit<ArtifactType, 'digest'> = {
    id: definition.id,
    displayName: definition.displayName,
    description: definition.description,
    version: definition.version,
    status: definition.status,
    ...(definition.replacedBy ? { replacedBy: definition.replacedBy } : {}),
    aliases: definition.aliases ?? [],
    manifestMediaTypes: definition.manifestMediaTypes.map(mediaTypeInfo),
    artifactTypes: (definition.artifactTypes ?? []).map(mediaTypeInfo),
    configMediaTypes: (definition.configMediaTypes ?? []).map(mediaTypeInfo),
    layers: definition.layers ?? [],
    annotations: definition.annotations ?? [],
    configLabels: definition.configLabels ?? [],
    homepage: definition.homepage,
    ...(definition.specification ? { specification: definition.specification } : {}),
    sources: definition.sources,
    maintainers: definition.maintainers,
    tools: definition.tools,
    docs,
    logo: { file: 'logo.svg', sha256: sha256(logoText), size: Buffer.byteLength(logoText) },
    configSchema: source.configSchema && isRecord(source.configSchema.value) ? source.configSchema.value : null,
    example: firstExample && isRecord(firstExample.source.value) ? firstExample.source.value : null,
    ...(definition.examples ? { exampleNotes: definition.examples } : {}),
    ...(definition.unverified?.length ? { unverified: definition.unverified } : {}),
  };
  return { ...entry, digest: sha256(canonicalJson(entry)) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function buildCatalog(meta: { name: string; version: string }, entries: ArtifactType[]): Catalog {
  const types = [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { formatVersion: 1, name: meta.name, version: meta.version, digest: sha256(canonicalJson(types)), types };
}
