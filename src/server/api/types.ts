// The read-only catalog routes under /v1: the catalog, type summaries and search, one type and its
// logo, config schema and docs, and media-type lookups. Everything served is prepared per build.
import { Router, type Request } from 'express';
import { findType, mediaTypeProblems } from '../../classify/index.ts';
import type { ArtifactType } from '../../model/catalog.ts';
import { HttpError } from '../errors.ts';
import { prepare, sendPrepared } from '../prepared.ts';
import { API_CACHE, closestIds, IMMUTABLE_CACHE, logoVersion, search, withCacheControl, type CatalogState } from '../state.ts';

export type StateRef = () => CatalogState;

const MAX_QUERY = 256;
const MAX_MEDIA_TYPE = 255;

function queryString(req: Request, name: string, max: number): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, 'bad-query', `query parameter ${name} must be given once, as a plain string`);
  if (value.length > max) throw new HttpError(400, 'bad-query', `query parameter ${name} is longer than ${max} characters`);
  return value;
}

/** The type named by :id (or a former id), else 404 with the closest ids. */
export function typeParam(state: CatalogState, req: Request): ArtifactType {
  const id = String(req.params.id ?? '');
  const type = id.length <= 200 ? findType(state.lookup, id) : undefined;
  if (type) return type;
  const suggestions = closestIds(state, id);
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : '; GET /v1/types lists every id';
  throw new HttpError(404, 'type-not-found', `no artifact type "${id.slice(0, 200)}"${hint}`, {}, { suggestions });
}

export function typesRouter(current: StateRef): Router {
  const router = Router();

  router.get('/v1/catalog', (req, res) => sendPrepared(req, res, current().catalogResponse));

  router.get('/v1/types', async (req, res) => {
    const state = current();
    const q = queryString(req, 'q', MAX_QUERY);
    if (q === undefined || q.trim() === '') return sendPrepared(req, res, state.typesResponse);
    // Searches are prepared on first use and kept (bounded, per build), so repeating one is cheap.
    const prepared = state.memo(`search:${q}`, () => {
      const types = search(state, q);
      const body = { name: state.catalog.name, version: state.catalog.version, digest: state.catalog.digest, q, count: types.length, types };
      return prepare(body, { type: 'application/json; charset=utf-8', cacheControl: API_CACHE, compress: false });
    });
    sendPrepared(req, res, await prepared);
  });

  router.get('/v1/types/:id', async (req, res) => {
    const state = current();
    sendPrepared(req, res, await state.typeResponse(typeParam(state, req)));
  });

  router.get('/v1/types/:id/logo.svg', async (req, res) => {
    const state = current();
    const type = typeParam(state, req);
    const logo = state.logoResponse(type);
    if (!logo) throw new HttpError(404, 'logo-not-found', `this server has no logo file for ${type.id} (it serves a catalog without its logos)`);
    // The catalog's logo links carry ?v=<hash of the SVG>: that URL's bytes never change, so it may be cached for good.
    const prepared = await logo;
    sendPrepared(req, res, req.query.v === logoVersion(type) ? { ...prepared, headers: withCacheControl(prepared.headers, IMMUTABLE_CACHE) } : prepared);
  });

  router.get('/v1/types/:id/config-schema', async (req, res) => {
    const state = current();
    const type = typeParam(state, req);
    const schema = state.schemaResponse(type);
    if (!schema) throw new HttpError(404, 'no-config-schema', `${type.id} has no config schema: its config is empty or not JSON`);
    sendPrepared(req, res, await schema);
  });

  router.get('/v1/types/:id/docs', async (req, res) => {
    const state = current();
    sendPrepared(req, res, await state.docsResponse(typeParam(state, req)));
  });

  const mediaType = async (req: Request, res: Parameters<Parameters<Router['get']>[1]>[1], value: string | undefined) => {
    if (!value) throw new HttpError(400, 'missing-media-type', 'name a media type: /v1/media-types/{type}/{subtype} or /v1/media-types?mediaType=');
    if (value.length > MAX_MEDIA_TYPE) throw new HttpError(400, 'bad-media-type', `the media type is longer than ${MAX_MEDIA_TYPE} characters`);
    const state = current();
    // Looked up first: real tools write strings that break the rules (appliciation/…, archive/zip),
    // and the catalog lists them, so a scanner must be able to ask about them.
    const prepared = state.mediaTypeResponse(value);
    if (!prepared) {
      // Not a media type at all is a bad request; a well-formed one nobody uses (any case, any top-level type) is a 404.
      const shape = mediaTypeProblems(value).find((p) => p.code !== 'uppercase' && p.code !== 'top-level');
      if (shape) throw new HttpError(400, 'bad-media-type', `"${value}" ${shape.message}`);
      throw new HttpError(404, 'media-type-not-found', `no artifact type in this catalog uses ${value}`, {}, { mediaType: value, uses: [] });
    }
    sendPrepared(req, res, await prepared);
  };
  router.get('/v1/media-types', (req, res) => mediaType(req, res, queryString(req, 'mediaType', MAX_MEDIA_TYPE + 1)));
  router.get('/v1/media-types/*mediaType', (req, res) => {
    const parts = (req.params as unknown as { mediaType: string[] }).mediaType;
    return mediaType(req, res, parts.join('/'));
  });

  return router;
}
