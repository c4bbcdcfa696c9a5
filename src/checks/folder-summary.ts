// What the catalog-wide rules (uniqueness, classification) need to know of a folder without reading
// it: the strings it claims, and the strings its findings could depend on. Kept in the checker's
// cache, so a warm run recomputes these rules only for folders whose related folders changed.
import { normalizeMediaType } from '../classify/index.ts';
import type { DefinitionSource } from '../catalog/load.ts';
import type { ArtifactTypeDefinition } from '../model/catalog.ts';
import { EVIDENCE_LISTS } from '../catalog/identifying.ts';

/** Beyond this many strings a folder is not summarized: its catalog findings are recomputed every run. */
export const MAX_NEEDS = 2000;

const mediaType = (value: string) => `m ${normalizeMediaType(value)}`;
const key = (value: string) => `k ${value}`;
const name = (value: string) => `n ${value}`;

/**
 * The tokens a valid definition puts into the classifier's lookup or the uniqueness rule's claims:
 * its id and aliases, every media type it can claim (a superset: non-identifying artifact and config
 * types too), and the keys of its identifying annotations and config labels. Two folders whose
 * claims meet share a token.
 */
export function mentionsOf(definition: ArtifactTypeDefinition): string[] {
  const tokens = new Set<string>([name(definition.id), ...(definition.aliases ?? []).map(name)]);
  const entries = (list: ReadonlyArray<string | { mediaType: string }> | undefined) => (list ?? []).map((e) => (typeof e === 'string' ? e : e.mediaType));
  for (const m of [...entries(definition.artifactTypes), ...entries(definition.configMediaTypes)]) tokens.add(mediaType(m));
  for (const m of definition.manifestMediaTypes) if (typeof m !== 'string' && 'generic' in m && m.generic === true) tokens.add(mediaType(m.mediaType));
  for (const layer of definition.layers ?? []) if (layer.identifying) tokens.add(mediaType(layer.mediaType));
  for (const a of definition.annotations ?? []) if (a.identifying) tokens.add(key(a.key));
  for (const l of definition.configLabels ?? []) tokens.add(key(l.key));
  return [...tokens];
}

/**
 * The tokens the folder's catalog findings can depend on, beyond its own mentions: the type it is
 * replaced by, and every string of its examples the classifier could look up (each string with a
 * "/" as a media type, with and without parameters, since the lookup tries both; each key of an
 * "annotations" or "Labels" object as an annotation or label key). null when there are too many to keep (see MAX_NEEDS).
 */
export function needsOf(source: DefinitionSource, definition: ArtifactTypeDefinition): string[] | null {
  const tokens = new Set<string>();
  if (definition.replacedBy !== undefined) tokens.add(name(definition.replacedBy));
  // keyed: the object is an annotations or Labels map, the only places the classifier looks keys up.
  const walk = (value: unknown, keyed = false): void => {
    if (typeof value === 'string') {
      if (!value.includes('/')) return;
      const normalized = normalizeMediaType(value);
      tokens.add(`m ${normalized}`);
      const semicolon = normalized.indexOf(';');
      if (semicolon >= 0) tokens.add(`m ${normalized.slice(0, semicolon)}`);
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (keyed) tokens.add(key(k));
        walk(v, k === 'annotations' || k === 'Labels');
      }
    }
  };
  for (const example of source.examples) {
    walk(example.source.value);
    if (tokens.size > MAX_NEEDS) return null;
  }
  return [...tokens];
}

/** Whether a catalog rule reads this repository's files for the folder (evidence with a "file"): run every time. */
export function hasLocalEvidence(definition: ArtifactTypeDefinition): boolean {
  return EVIDENCE_LISTS.some((list) => (definition[list] ?? []).some((entry) => typeof entry !== 'string' && (entry.evidence ?? []).some((e) => 'file' in e)));
}
