// A browser that asks for HTML and hits a 404 gets a page, not raw JSON: what was not found, the
// closest type ids, and a search. API clients (Accept: application/json, */*, or none) still get
// the JSON error: this handler passes everything else on to jsonErrors.
import type { ErrorRequestHandler, Request } from 'express';
import type { StateRef } from '../api/types.ts';
import { HttpError } from '../errors.ts';
import { closestIds } from '../state.ts';
import { esc, layout } from './layout.ts';

/** True when the client prefers HTML over JSON (browsers send text/html first; curl sends *\/*). */
export function wantsHtml(req: Request): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && req.accepts(['application/json', 'text/html']) === 'text/html';
}

function notFoundPage(current: StateRef, req: Request, error: HttpError): string {
  const state = current();
  const asked = decodeSafe(req.path.split('/').filter(Boolean).at(-1) ?? '').slice(0, 200);
  const given = error.details?.suggestions;
  const ids = Array.isArray(given) ? given.filter((s): s is string => typeof s === 'string') : asked ? closestIds(state, asked) : [];
  const types = ids.map((id) => state.lookup.types.get(id)).filter((t) => t !== undefined);
  const list = types.map((t) => `<li><a href="/types/${esc(t.id)}">${esc(t.displayName)}</a> <span class="id">${esc(t.id)}</span></li>`).join('');
  const body = `<section class="not-found">
<h1>Not found</h1>
<p>${error.code === 'type-not-found' ? `There is no artifact type “${esc(asked)}” in this catalog.` : esc(error.message)}</p>
${list ? `<h2>Did you mean</h2><ul class="closest">${list}</ul>` : ''}
<p>${asked ? `<a href="/?${esc(new URLSearchParams({ q: asked }).toString())}">Search the catalog for “${esc(asked)}”</a> or ` : ''}<a href="/">see every type</a>.</p>
</section>`;
  return layout({ title: `Not found · ${state.catalog.name}`, body, catalogName: state.catalog.name, q: '' });
}

function decodeSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function htmlNotFound(current: StateRef): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (!(error instanceof HttpError) || error.status !== 404 || res.headersSent || !wantsHtml(req)) return next(error);
    res.status(404).set('Cache-Control', 'no-store').set('Vary', 'Accept').type('text/html; charset=utf-8').send(notFoundPage(current, req, error));
  };
}
