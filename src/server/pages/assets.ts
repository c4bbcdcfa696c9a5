// The pages' scripts and styles, read and prepared once per process (they do not depend on the catalog):
// ours from ./static/, and Swagger UI's prebuilt bundle (swagger-ui-dist) for /api, served from our own
// origin so the page needs no CDN. And cards.json: what the catalog script needs to draw a card (the
// summary plus its signals and the server's search text), prepared once per build.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Router } from 'express';
import type { StateRef } from '../api/types.ts';
import { HttpError } from '../errors.ts';
import { prepare, sendPrepared, type Prepared } from '../prepared.ts';
import { API_CACHE, type CatalogState } from '../state.ts';
import { signalsById } from './catalog.ts';

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const swaggerUi = (file: string) => pathToFileURL(createRequire(import.meta.url).resolve(`swagger-ui-dist/${file}`));
const ours = (file: string) => new URL(`./static/${file}`, import.meta.url);

/** Each asset's content type and where it is read from. */
const FILES: Record<string, { type: string; from: () => URL }> = {
  'catalog.js': { type: JS, from: () => ours('catalog.js') },
  'catalog.css': { type: CSS, from: () => ours('catalog.css') },
  'api-reference.js': { type: JS, from: () => ours('api-reference.js') },
  'api-reference.css': { type: CSS, from: () => ours('api-reference.css') },
  'swagger-ui-bundle.js': { type: JS, from: () => swaggerUi('swagger-ui-bundle.js') },
  'swagger-ui.css': { type: CSS, from: () => swaggerUi('swagger-ui.css') },
};
const cache = new Map<string, Promise<Prepared>>();

function asset(name: string): Promise<Prepared> {
  let prepared = cache.get(name);
  if (!prepared) {
    const file = FILES[name]!;
    prepared = readFile(file.from()).then((body) => prepare(body, { type: file.type, cacheControl: 'public, max-age=300' }));
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
