// GET /v1/exports/{format}: the registry allowlists of `artifact-types export` (src/exports/) for the
// served catalog, prepared once per build (ETag, compression, conditional requests) like every other
// catalog response. Optional ?ids=a,b narrows it to those types.
import { Router, type Request } from 'express';
import { EXPORT_FORMATS, ExportError, exportCatalog, isExportFormat, selectTypes } from '../../exports/index.ts';
import { HttpError } from '../errors.ts';
import { prepare, sendPrepared } from '../prepared.ts';
import { API_CACHE } from '../state.ts';
import type { StateRef } from './types.ts';

const MAX_IDS = 2048;

function idsParam(req: Request): string[] {
  const value = req.query.ids;
  if (value === undefined) return [];
  if (typeof value !== 'string') throw new HttpError(400, 'bad-query', 'query parameter ids must be given once, as a comma-separated list of type ids');
  if (value.length > MAX_IDS) throw new HttpError(400, 'bad-query', `query parameter ids is longer than ${MAX_IDS} characters`);
  return [...new Set(value.split(',').map((id) => id.trim()).filter(Boolean))].sort();
}

export function exportsRouter(current: StateRef): Router {
  const router = Router();
  router.get('/v1/exports/:format', async (req, res) => {
    const format = String(req.params.format);
    if (!isExportFormat(format)) throw new HttpError(404, 'export-not-found', `no export format "${format.slice(0, 100)}"; use ${EXPORT_FORMATS.join(', ')}`);
    const ids = idsParam(req);
    const state = current();
    try {
      selectTypes(state.catalog, ids);
    } catch (error) {
      if (error instanceof ExportError) throw new HttpError(400, 'bad-query', `query parameter ids: ${error.message}`);
      throw error;
    }
    // Kept per build (bounded memo), so the ETag is computed once and conditional requests are cheap.
    const prepared = state.memo(`export:${format}:${ids.join(',')}`, () => {
      const exported = exportCatalog(state.catalog, format, ids);
      return prepare(exported.text, { type: exported.contentType, cacheControl: API_CACHE });
    });
    sendPrepared(req, res, await prepared);
  });
  return router;
}
