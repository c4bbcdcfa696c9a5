// The page's script and style, read and prepared once per process (they do not depend on the catalog).
import { readFile } from 'node:fs/promises';
import { Router } from 'express';
import { HttpError } from '../errors.ts';
import { prepare, sendPrepared, type Prepared } from '../prepared.ts';

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

export function assetsRouter(): Router {
  const router = Router();
  router.get('/assets/:file', async (req, res) => {
    const name = String(req.params.file);
    if (!Object.hasOwn(FILES, name)) throw new HttpError(404, 'not-found', `no asset ${name.slice(0, 100)}`);
    sendPrepared(req, res, await asset(name));
  });
  return router;
}
