// Read-only questions over a lookup: a type by id or alias, and every use of a media type.
import type { ArtifactType } from '../model/catalog.ts';
import type { Lookup, MediaTypeUse } from './lookup.ts';
import { mediaTypeEssence } from './media-type.ts';

/** A type by id, or by a former id (alias). */
export function findType(lookup: Lookup, id: string): ArtifactType | undefined {
  return lookup.types.get(id) ?? lookup.types.get(lookup.aliases.get(id) ?? '');
}

/** Every type that uses this media type, and in which role; compared without parameters. */
export function typesForMediaType(lookup: Lookup, mediaType: string): MediaTypeUse[] {
  return lookup.uses.get(mediaTypeEssence(mediaType)) ?? [];
}
