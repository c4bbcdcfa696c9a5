// Hash-map lookups over a catalog, built once, so classification never scans the type list.
import type { Annotation, ArtifactType, Label, MediaTypeInfo } from '../model/catalog.ts';
import { mediaTypeEssence, normalizeMediaType } from './media-type.ts';

/** The OCI empty descriptor's media type: it never identifies an artifact (image-spec manifest.md). */
export const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';

export type Role = 'manifest' | 'artifactType' | 'config' | 'layer';

export interface MediaTypeUse {
  id: string;
  role: Role;
  /** The entry's flags and, for layers, format and description. */
  info: MediaTypeInfo & { format?: string; description?: string; required?: boolean };
}

interface ValueMatcher {
  value?: string;
  id: string;
}

/** A type's declared media types, normalized once, for conformance checks. */
export interface Declared {
  manifest: ReadonlySet<string>;
  config: ReadonlySet<string>;
  layers: ReadonlySet<string>;
  required: ReadonlySet<string>;
}

export interface Lookup {
  types: ReadonlyMap<string, ArtifactType>;
  declared: ReadonlyMap<string, Declared>;
  aliases: ReadonlyMap<string, string>;
  artifactType: ReadonlyMap<string, string>;
  config: ReadonlyMap<string, string>;
  genericConfig: ReadonlyMap<string, string>;
  genericManifest: ReadonlyMap<string, string>;
  layer: ReadonlyMap<string, string>;
  annotation: Readonly<Record<Annotation['on'], ReadonlyMap<string, ValueMatcher[]>>>;
  label: ReadonlyMap<string, ValueMatcher[]>;
  /** Every use of a media type (by essence), for "what is this blob" questions. */
  uses: ReadonlyMap<string, MediaTypeUse[]>;
}

function add<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** First claim wins; the checker's uniqueness rule makes sure there is only one. */
function claim(map: Map<string, string>, mediaType: string, id: string): void {
  const key = normalizeMediaType(mediaType);
  if (!map.has(key)) map.set(key, id);
}

export function buildLookup(types: readonly ArtifactType[]): Lookup {
  const byId = new Map<string, ArtifactType>();
  const aliases = new Map<string, string>();
  const artifactType = new Map<string, string>();
  const config = new Map<string, string>();
  const genericConfig = new Map<string, string>();
  const genericManifest = new Map<string, string>();
  const layer = new Map<string, string>();
  const annotation = { manifest: new Map(), layer: new Map(), entry: new Map(), config: new Map() } as Record<Annotation['on'], Map<string, ValueMatcher[]>>;
  const label = new Map<string, ValueMatcher[]>();
  const uses = new Map<string, MediaTypeUse[]>();
  const declared = new Map<string, Declared>();
  const essences = (list: ReadonlyArray<{ mediaType: string }>) => new Set(list.map((m) => mediaTypeEssence(m.mediaType)));

  for (const type of types) {
    byId.set(type.id, type);
    declared.set(type.id, {
      manifest: essences(type.manifestMediaTypes),
      config: essences(type.configMediaTypes),
      layers: essences(type.layers),
      required: essences(type.layers.filter((l) => l.required)),
    });
    for (const alias of type.aliases) aliases.set(alias, type.id);
    for (const entry of type.manifestMediaTypes) {
      add(uses, mediaTypeEssence(entry.mediaType), { id: type.id, role: 'manifest', info: entry });
      if (entry.generic) claim(genericManifest, entry.mediaType, type.id);
    }
    for (const entry of type.artifactTypes) {
      add(uses, mediaTypeEssence(entry.mediaType), { id: type.id, role: 'artifactType', info: entry });
      if (entry.identifying !== false) claim(artifactType, entry.mediaType, type.id);
    }
    for (const entry of type.configMediaTypes) {
      add(uses, mediaTypeEssence(entry.mediaType), { id: type.id, role: 'config', info: entry });
      if (entry.identifying === false) continue;
      claim(entry.generic ? genericConfig : config, entry.mediaType, type.id);
    }
    for (const entry of type.layers) {
      add(uses, mediaTypeEssence(entry.mediaType), { id: type.id, role: 'layer', info: entry });
      if (entry.identifying) claim(layer, entry.mediaType, type.id);
    }
    for (const entry of type.annotations) {
      if (entry.identifying) add(annotation[entry.on], entry.key, { value: entry.value, id: type.id });
    }
    for (const entry of type.configLabels) add(label, entry.key, { value: entry.value, id: type.id });
  }
  return { types: byId, declared, aliases, artifactType, config, genericConfig, genericManifest, layer, annotation, label, uses };
}

/** Exact (normalized) match first, then the media type without its parameters. */
export function lookupMediaType(map: ReadonlyMap<string, string>, mediaType: string): string | undefined {
  const normalized = normalizeMediaType(mediaType);
  const exact = map.get(normalized);
  if (exact !== undefined) return exact;
  const semicolon = normalized.indexOf(';');
  return semicolon < 0 ? undefined : map.get(normalized.slice(0, semicolon));
}

/** The matching type for a key/value pair: a matcher with that exact value wins over a key-only one. */
export function lookupKeyValue(map: ReadonlyMap<string, ValueMatcher[]>, key: string, value: unknown): string | undefined {
  const matchers = map.get(key);
  if (!matchers) return undefined;
  const text = typeof value === 'string' ? value : undefined;
  return (matchers.find((m) => m.value !== undefined && m.value === text) ?? matchers.find((m) => m.value === undefined))?.id;
}
