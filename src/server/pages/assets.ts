// The page's script and style, read and prepared once per process (they do not depend on the catalog),
// and cards.json: what the script needs to draw a card (the summary plus its signals and the server's
// search text), prepared once per build.
import { readFile } from 'node:fs/promises';
import { Router } from 'express';
import type { StateRef } from '../api/types.ts';
import { HttpError } from '../errors.ts';
import { prepare, sendPrepared, type Prepared } from '../prepared.ts';
import { API_CACHE, type CatalogState } from '../state.ts';
import { signalsById } from './catalog.ts';

const FILES: Record<string, string> = { 'catalog.js': 'text/javascript; charset=utf-8', 'catalog.css': 'text/css; charset=utf-8' };
const cache = new Map<string, Promise<Prepared>>();

function asset(name: string): Promise<Prepared> {
  let prepared = cache.get(name);
  if (!prepared) {
    prepared = readFile(new URL(`./static/${name}`, import.meta.url)).then((body) => prepare(body, { type: FILES[name]!, cacheControl: 'public, max-age=300' }));
    cache.set(name, prepared);
  }
  return prepared;
}

export const ASSET_ROUTES = ['/assets/:file'];

function cards(state: CatalogState): Promise<Prepared> {
  return state.memo('page:cards.json', () => {
    const signals = signalsById(state);
    const types = state.summaries.map((s, i) => ({ ...s, signals: signals.get(s.id) ?? [], search: state.haystacks[i] }));
    return prepare({ version: state.catalog.version, digest: state.catalog.digest, types }, { type: 'application/json; charset=utf-8', cacheControl: API_CACHE, compress: true });
  });
}

export function assetsRouter(current: StateRef): Router {
  const router = Router();
  router.get('/assets/:file', async (req, res) => {
    const name = String(req.params.file);
    if (name === 'cards.json') return sendPrepared(req, res, await cards(current()));
    if (!Object.hasOwn(FILES, name)) throw new HttpError(404, 'not-found', `no asset ${name.slice(0, 100)}`);
    sendPrepared(req, res, await asset(name));
  });
  return router;
}
