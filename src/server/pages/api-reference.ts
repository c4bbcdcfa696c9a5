// /api: the API reference for people. Swagger UI (swagger-ui-dist, served from our own /assets/, no
// CDN) renders /openapi.json in the browser; static/api-reference.js starts it (the CSP allows no
// inline script). Without script the page links the document itself.
import { Router } from 'express';
import type { StateRef } from '../api/types.ts';
import { prepare, sendPrepared, type Prepared } from '../prepared.ts';
import { layout } from './layout.ts';

export const API_PAGE_ROUTES = ['/api'];

const HEAD = `<link rel="stylesheet" href="/assets/swagger-ui.css">
<link rel="stylesheet" href="/assets/api-reference.css">
<script src="/assets/swagger-ui-bundle.js" defer></script>
<script src="/assets/api-reference.js" defer></script>
`;

export function apiReferencePage(catalogName: string): string {
  const body = `<h1 class="visually-hidden">API reference</h1>
<div id="swagger-ui" data-url="/openapi.json"><p class="hint">Loading the API reference from <a href="/openapi.json">/openapi.json</a>…</p></div>
<noscript><p>This page draws the reference with a script. The machine-readable description is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p></noscript>`;
  return layout({ title: `API · ${catalogName}`, body, catalogName, head: HEAD });
}

export function apiReferencePages(current: StateRef): Router {
  const router = Router();
  // The page only names the catalog; the reference itself comes from /openapi.json.
  let cached: { name: string; page: Promise<Prepared> } | null = null;
  router.get('/api', async (req, res) => {
    const name = current().catalog.name;
    if (!cached || cached.name !== name) cached = { name, page: prepare(apiReferencePage(name), { type: 'text/html; charset=utf-8', cacheControl: 'public, max-age=60, must-revalidate' }) };
    sendPrepared(req, res, await cached.page);
  });
  return router;
}
