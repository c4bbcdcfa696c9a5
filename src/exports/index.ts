// Registry allowlists generated from the catalog: `artifact-types export` and GET /v1/exports/{format}.
import { buildLookup, findType } from '../classify/index.ts';
import type { ArtifactType, Catalog } from '../model/catalog.ts';
import { allowlist } from './allowlist.ts';
import { allowlistJson, CONTENT_TYPES, EXPORT_FORMATS, pulpFragment, quayFragment, type ExportFormat } from './formats.ts';

export { allowlist, EMPTY_CONFIG, type Allowlist } from './allowlist.ts';
export { CONTENT_TYPES, EXPORT_FORMATS, type ExportFormat } from './formats.ts';

export class ExportError extends Error {}

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** The chosen types by id or alias (all when none are given); an unknown id is an ExportError naming it. */
export function selectTypes(catalog: Catalog, ids: readonly string[]): ArtifactType[] {
  if (ids.length === 0) return catalog.types;
  const lookup = buildLookup(catalog.types);
  const unknown = ids.filter((id) => !findType(lookup, id));
  if (unknown.length > 0) throw new ExportError(`unknown artifact type id${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (artifact-types get <id> or GET /v1/types lists them)`);
  const chosen = new Set(ids.map((id) => findType(lookup, id)!.id));
  return catalog.types.filter((t) => chosen.has(t.id));
}

/** The export's text and content type. */
export function exportCatalog(catalog: Catalog, format: ExportFormat, ids: readonly string[] = []): { text: string; contentType: string } {
  const list = allowlist(catalog, selectTypes(catalog, ids));
  const text = format === 'quay' ? quayFragment(catalog, list) : format === 'pulp' ? pulpFragment(catalog, list) : allowlistJson(list);
  return { text, contentType: CONTENT_TYPES[format] };
}
