// One catalog build as the server holds it: the catalog, its lookup and config validator, search
// haystacks, and the prepared responses. Built whole, then swapped in with one assignment.
import { distance } from 'fastest-levenshtein';
import MarkdownIt from 'markdown-it';
import { buildLookup, mediaTypeEssence, typesForMediaType, type Lookup } from '../classify/index.ts';
import type { ConfigValidator } from '../classify/index.ts';
import { makeConfigValidator } from '../schema/config-validator.ts';
import type { ArtifactType, Catalog } from '../model/catalog.ts';
import type { LoadedCatalog } from './load.ts';
import { prepare, type Prepared } from './prepared.ts';

const JSON_TYPE = 'application/json; charset=utf-8';
/** Rendered pages kept per build (see CatalogState.memo). */
export const PAGE_MEMO = 500;
export const API_CACHE = 'public, max-age=60, must-revalidate';
export const LOGO_CACHE = 'public, max-age=86400';
/** For URLs whose bytes can never change (a logo at its ?v= version). */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** What raw.githubusercontent.com sends for user content: an SVG opened directly cannot script. */
const LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

export interface TypeSummary {
  id: string;
  displayName: string;
  description: string;
  status: ArtifactType['status'];
  mediaTypes: string[];
  tools: ArtifactType['tools'];
  links: Record<string, string>;
}

/** The short hash of the logo's bytes that versions its URL. */
export function logoVersion(type: ArtifactType): string {
  return type.logo.sha256.slice(7, 19);
}

export function withCacheControl(headers: Array<[string, string]>, cacheControl: string): Array<[string, string]> {
  return headers.map(([name, value]) => [name, name === 'Cache-Control' ? cacheControl : value]);
}

export function typeLinks(type: ArtifactType): Record<string, string> {
  const base = `/v1/types/${type.id}`;
  return {
    self: base,
    page: `/types/${type.id}`,
    logo: `${base}/logo.svg?v=${logoVersion(type)}`,
    docs: `${base}/docs`,
    ...(type.configSchema ? { configSchema: `${base}/config-schema` } : {}),
  };
}

/** The media types that identify a type (not the generic manifest ones). */
export function identifyingMediaTypes(type: ArtifactType): string[] {
  return [
    ...type.artifactTypes.filter((m) => m.identifying !== false).map((m) => m.mediaType),
    ...type.configMediaTypes.filter((m) => m.identifying !== false).map((m) => m.mediaType),
    ...type.layers.filter((l) => l.identifying).map((l) => l.mediaType),
  ];
}

export function summarize(type: ArtifactType): TypeSummary {
  return {
    id: type.id,
    displayName: type.displayName,
    description: type.description,
    status: type.status,
    mediaTypes: identifyingMediaTypes(type),
    tools: type.tools,
    links: typeLinks(type),
  };
}

/** Markdown from strangers: no raw HTML; markdown-it's link validation drops javascript: and friends. */
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
export function renderMarkdown(text: string): string {
  return markdown.render(text);
}

export interface CatalogState {
  catalog: Catalog;
  lookup: Lookup;
  validateConfig: ConfigValidator;
  ids: string[];
  summaries: TypeSummary[];
  /** Lower-cased id, names, description and media types per summary, for ?q= search. */
  haystacks: string[];
  source: string;
  loadedAt: Date;
  catalogResponse: Prepared;
  typesResponse: Prepared;
  /** Per-type and per-media-type responses, kept for this build: prepared in the background after the
   * build (warmResponses), or on first use when a request comes first. */
  typeResponse(type: ArtifactType): Promise<Prepared>;
  /** The type's response if it has been prepared already (for the fast lane), else undefined. */
  readyTypeResponse(id: string): Prepared | undefined;
  logoResponse(type: ArtifactType): Promise<Prepared> | null;
  schemaResponse(type: ArtifactType): Promise<Prepared> | null;
  docsResponse(type: ArtifactType): Promise<Prepared>;
  docsMarkdown(type: ArtifactType): string;
  mediaTypeResponse(mediaType: string): Promise<Prepared> | null;
  /** Memo for page renderers (keyed by their own names), dropped with the build; the least recently
   * used of more than PAGE_MEMO entries are dropped, so crawling 10,000 type pages cannot pin them all. */
  memo<T>(key: string, make: () => T): T;
}

function memoize<T>(): (key: string, make: () => T) => T {
  const cache = new Map<string, T>();
  return (key, make) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = make();
      cache.set(key, value);
    }
    return value;
  };
}

export async function buildState(loaded: LoadedCatalog): Promise<CatalogState> {
  const { catalog } = loaded;
  const lookup = buildLookup(catalog.types);
  const summaries = catalog.types.map(summarize);
  // The same fields the page script searches, so both filter alike.
  const haystacks = summaries.map((s) => [s.id, s.displayName, s.description, ...s.mediaTypes].join('\n').toLowerCase());
  const [catalogResponse, typesResponse] = await Promise.all([
    prepare(catalog, { type: JSON_TYPE, cacheControl: API_CACHE, etag: catalog.digest }),
    prepare({ name: catalog.name, version: catalog.version, digest: catalog.digest, count: summaries.length, types: summaries }, { type: JSON_TYPE, cacheControl: API_CACHE }),
  ]);
  const prepared = memoize<Promise<Prepared>>();
  const readyTypes = new Map<string, Prepared>();
  const docsMarkdown = (type: ArtifactType): string => loaded.docs.get(type.id) ?? `# ${type.docs.title}\n\n${type.docs.summary}\n`;
  const memo = new Map<string, unknown>();
  return {
    catalog,
    lookup,
    validateConfig: makeConfigValidator(catalog),
    ids: catalog.types.map((t) => t.id),
    summaries,
    haystacks,
    source: loaded.source,
    loadedAt: new Date(),
    catalogResponse,
    typesResponse,
    typeResponse: (type) =>
      prepared(`type:${type.id}`, async () => {
        const response = await prepare({ ...type, links: typeLinks(type) }, { type: JSON_TYPE, cacheControl: API_CACHE });
        readyTypes.set(type.id, response);
        return response;
      }),
    readyTypeResponse: (id) => readyTypes.get(id),
    logoResponse: (type) => {
      const svg = loaded.logos.get(type.id);
      if (svg === undefined) return null;
      return prepared(`logo:${type.id}`, () =>
        prepare(svg, {
          type: 'image/svg+xml',
          cacheControl: LOGO_CACHE,
          headers: { 'Content-Security-Policy': LOGO_CSP, 'X-Content-Type-Options': 'nosniff', 'Cross-Origin-Resource-Policy': 'cross-origin', 'Content-Disposition': `inline; filename="${type.id}.svg"` },
        }),
      );
    },
    schemaResponse: (type) => (type.configSchema ? prepared(`schema:${type.id}`, () => prepare(type.configSchema!, { type: 'application/schema+json', cacheControl: API_CACHE })) : null),
    docsResponse: (type) => prepared(`docs:${type.id}`, () => prepare(docsMarkdown(type), { type: 'text/markdown; charset=utf-8', cacheControl: API_CACHE, headers: { 'X-Content-Type-Options': 'nosniff' } })),
    docsMarkdown,
    mediaTypeResponse: (mediaType) => {
      const uses = typesForMediaType(lookup, mediaType);
      if (uses.length === 0) return null;
      const essence = mediaTypeEssence(mediaType);
      return prepared(`media:${essence}`, () =>
        prepare(
          {
            mediaType: essence,
            uses: uses.map((u) => ({ id: u.id, displayName: lookup.types.get(u.id)?.displayName ?? u.id, role: u.role, ...u.info, links: { self: `/v1/types/${u.id}`, page: `/types/${u.id}` } })),
          },
          { type: JSON_TYPE, cacheControl: API_CACHE },
        ),
      );
    },
    memo: <T>(key: string, make: () => T): T => {
      let value = memo.get(key) as T | undefined;
      if (value === undefined) value = make();
      else memo.delete(key); // re-inserted below: Map order is recency order
      memo.set(key, value);
      if (memo.size > PAGE_MEMO) memo.delete(memo.keys().next().value!);
      return value;
    },
  };
}

/** Prepares every per-type and per-media-type response of a build in the background, one at a time
 * (types first: the fast lane serves them), so requests find them ready instead of compressing. */
export async function warmResponses(state: CatalogState): Promise<void> {
  for (const type of state.catalog.types) await state.typeResponse(type);
  for (const type of state.catalog.types) {
    await state.logoResponse(type);
    await state.schemaResponse(type);
    await state.docsResponse(type);
  }
  for (const mediaType of state.lookup.uses.keys()) await state.mediaTypeResponse(mediaType);
}

/** Summaries matching every word of `q` (case-insensitive substrings). */
export function search(state: CatalogState, q: string): TypeSummary[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return state.summaries;
  return state.summaries.filter((_, i) => words.every((w) => state.haystacks[i]!.includes(w)));
}

/** Up to three ids closest to a mistyped one. */
export function closestIds(state: CatalogState, id: string): string[] {
  const wanted = id.toLowerCase().slice(0, 128);
  const limit = Math.max(3, Math.floor(wanted.length / 3));
  return state.ids
    .map((candidate) => ({ candidate, d: candidate.includes(wanted) && wanted.length >= 3 ? 0 : distance(wanted, candidate) }))
    .filter((c) => c.d <= limit)
    .sort((a, b) => a.d - b.d || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, 3)
    .map((c) => c.candidate);
}
