// The catalog page (/) and a type's page (/types/{id}): in the spirit of a registry listing, each
// type's logo, name, identifying media types and tool commands. Paginated on the server so a
// catalog of 10,000 types renders one page at a time; the script filters as you type.
import { Router, type Request } from 'express';
import type { ArtifactType } from '../../model/catalog.ts';
import type { StateRef } from '../api/types.ts';
import { typeParam } from '../api/types.ts';
import { HttpError } from '../errors.ts';
import { prepare, sendPrepared, type Prepared } from '../prepared.ts';
import { renderMarkdown, search, typeLinks, type CatalogState, type TypeSummary } from '../state.ts';
import { breakable, esc, layout, toolCommands } from './layout.ts';
import { signalTable } from './signal-table.ts';
import { cardSignals, type CardSignal } from './signals.ts';

export const PAGE_SIZE = 48;
const HTML = 'text/html; charset=utf-8';
const PAGE_CACHE = 'public, max-age=60, must-revalidate';

export function signalList(signals: CardSignal[]): string {
  if (signals.length === 0) return '';
  const items = signals.map((g) => `<li><span class="role">${esc(g.roles.join(' · '))}</span><code>${breakable(g.text)}</code>${g.generic ? ' <span class="fallback">fallback</span>' : ''}</li>`);
  return `<ul class="signals" aria-label="Identified by">${items.join('')}</ul>`;
}

export function card(s: TypeSummary, signals: CardSignal[]): string {
  const status = s.status === 'deprecated' ? ' <span class="status">deprecated</span>' : '';
  return `<li class="card" data-id="${esc(s.id)}">
<img class="logo" src="${esc(s.links.logo)}" alt="" width="48" height="48" loading="lazy">
<div class="body">
<h2><a href="${esc(s.links.page)}">${esc(s.displayName)}</a>${status}</h2>
<p class="id">${esc(s.id)}</p>
<p class="desc">${esc(s.description)}</p>
${signalList(signals)}
${toolCommands(s.tools)}
</div>
</li>`;
}

/** Each type's card signals, computed once per build. */
export function signalsById(state: CatalogState): Map<string, CardSignal[]> {
  return state.memo('page:signals', () => new Map(state.catalog.types.map((t) => [t.id, cardSignals(t)])));
}

function pageNumber(req: Request): number {
  const raw = req.query.page;
  if (raw === undefined) return 1;
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,5}$/.test(raw)) throw new HttpError(400, 'bad-query', 'page must be a positive integer');
  return Number(raw);
}

function listPage(state: CatalogState, q: string, page: number): string {
  const found = search(state, q);
  const pages = Math.max(1, Math.ceil(found.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const start = (current - 1) * PAGE_SIZE;
  const shown = found.slice(start, start + PAGE_SIZE);
  const signals = signalsById(state);
  const link = (p: number) => `/?${new URLSearchParams({ ...(q ? { q } : {}), ...(p > 1 ? { page: String(p) } : {}) })}`;
  const nav = `<nav class="pager" aria-label="Pages">
${current > 1 ? `<a id="prev" href="${esc(link(current - 1))}">Previous</a>` : '<span></span>'}
<span id="page-info">Page ${current} of ${pages}</span>
${current < pages ? `<a id="next" href="${esc(link(current + 1))}">Next</a>` : '<span></span>'}
</nav>`;
  const count = found.length === 0 ? 'No types match.' : `${found.length} type${found.length === 1 ? '' : 's'}${q ? ` matching “${esc(q)}”` : ''}, showing ${start + 1}–${start + shown.length}`;
  const body = `<h1 class="visually-hidden">OCI artifact types</h1>
<p id="result-count" class="count" aria-live="polite">${count}</p>
<ul id="types" class="cards" data-page-size="${PAGE_SIZE}">
${shown.map((t) => card(t, signals.get(t.id) ?? [])).join('\n')}
</ul>
${nav}`;
  return layout({ title: q ? `${q} · ${state.catalog.name}` : `${state.catalog.name}: OCI artifact types`, body, catalogName: state.catalog.name, q, autofocus: true });
}

function detailPage(state: CatalogState, type: ArtifactType): string {
  const links = typeLinks(type);
  const yes = (b: boolean | undefined) => (b ? 'yes' : '');
  const layers = type.layers
    .map((l) => `<tr><td><code>${breakable(l.mediaType)}</code></td><td>${esc(l.format ?? '')}</td><td>${yes(l.required)}</td><td>${yes(l.identifying)}</td><td>${esc(l.description)}${l.deprecated ? ' <span class="status">deprecated</span>' : ''}</td></tr>`)
    .join('');
  const annotations = type.annotations
    .map((a) => `<tr><td><code>${breakable(a.key)}</code></td><td>${a.value !== undefined ? `<code>${breakable(a.value)}</code>` : ''}</td><td>${esc(a.on)}</td><td>${yes(a.identifying)}</td><td>${esc(a.description ?? '')}</td></tr>`)
    .join('');
  const labels = type.configLabels.map((l) => `<tr><td><code>${breakable(l.key)}</code></td><td>${l.value !== undefined ? `<code>${breakable(l.value)}</code>` : ''}</td><td>${esc(l.description ?? '')}</td></tr>`).join('');
  const json = (value: unknown, id: string, label: string) => {
    const text = JSON.stringify(value, null, 2);
    return `<div class="codeblock"><button type="button" class="copy" data-copy-from="${id}" aria-label="Copy the ${esc(label)}">Copy</button><pre id="${id}" tabindex="0" aria-label="${esc(label)}"><code>${esc(text)}</code></pre></div>`;
  };
  const notes = Object.entries(type.exampleNotes ?? {})
    .map(([file, n]) => `<li><code>${esc(file)}</code> <span class="era era-${esc(n.era ?? 'current')}">${esc(n.era ?? 'current')}</span> ${esc(n.writtenBy)}${n.note ? `. <span class="note">${esc(n.note)}</span>` : ''}</li>`)
    .join('');
  const unverified = (type.unverified ?? []).map((u) => `<li>${esc(u)}</li>`).join('');
  const external = [type.homepage, type.specification].filter(Boolean).map((u) => `<a href="${esc(u)}" rel="noopener nofollow">${esc(u)}</a>`).join(' · ');
  const body = `<article class="type" data-id="${esc(type.id)}">
<header class="type-head">
<img class="logo" src="${esc(links.logo)}" alt="${esc(type.displayName)} logo" width="72" height="72">
<div>
<h1>${esc(type.displayName)}${type.status === 'deprecated' ? ' <span class="status">deprecated</span>' : ''}</h1>
<p class="id">${esc(type.id)} · version ${esc(type.version)}</p>
<p class="desc">${esc(type.description)}</p>
<p class="links">${external} · <a href="${esc(links.self)}">JSON</a></p>
</div>
</header>
${type.replacedBy ? `<p class="notice">Replaced by <a href="/types/${esc(type.replacedBy)}">${esc(type.replacedBy)}</a>.</p>` : ''}
<section id="tools"><h2>Tools</h2>${toolCommands(type.tools) || '<p>No tool commands listed.</p>'}</section>
<section id="signals"><h2>How it is recognized</h2>
<p class="hint">Every string this type uses, its role, and whether it identifies the type. A classifier decides by the strongest: artifactType, then config, then an identifying layer, then an annotation, then a config label; a generic string only as a fallback.</p>
${signalTable(type)}
</section>
<section id="docs" class="docs">${renderMarkdown(state.docsMarkdown(type))}</section>
<section id="layers"><h2>Layers</h2>${layers ? `<div class="scroll" tabindex="0" role="region" aria-label="Layers"><table><thead><tr><th>Media type</th><th>Format</th><th>Required</th><th>Identifies</th><th>Description</th></tr></thead><tbody>${layers}</tbody></table></div>` : '<p>No layers.</p>'}</section>
${annotations ? `<section id="annotations"><h2>Annotations</h2><div class="scroll" tabindex="0" role="region" aria-label="Annotations"><table><thead><tr><th>Key</th><th>Value</th><th>On</th><th>Identifies</th><th>Description</th></tr></thead><tbody>${annotations}</tbody></table></div></section>` : ''}
${labels ? `<section id="config-labels"><h2>Config labels</h2><p class="hint">Labels in the image config (<code>config.Labels</code>); each identifies the type.</p><div class="scroll" tabindex="0" role="region" aria-label="Config labels"><table><thead><tr><th>Label</th><th>Value</th><th>Description</th></tr></thead><tbody>${labels}</tbody></table></div></section>` : ''}
<section id="config-schema"><h2>Config schema</h2>${type.configSchema ? json(type.configSchema, 'schema-json', 'config schema') : '<p>This type has no config schema.</p>'}</section>
<section id="example"><h2>Example manifest</h2>${type.example ? json(type.example, 'example-json', 'example manifest') : '<p>No example.</p>'}
${notes ? `<h3>Examples in the catalog</h3><ul class="example-notes">${notes}</ul>` : ''}
${unverified ? `<h3>Not yet verified</h3><ul class="unverified">${unverified}</ul>` : ''}</section>
</article>`;
  return layout({ title: `${type.displayName} · ${state.catalog.name}`, body, catalogName: state.catalog.name });
}

export const CATALOG_PAGE_ROUTES = ['/', '/types/:id'];

export function catalogPages(current: StateRef): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const state = current();
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 256).trim() : '';
    if (req.query.q !== undefined && typeof req.query.q !== 'string') throw new HttpError(400, 'bad-query', 'q must be given once, as a plain string');
    const page = pageNumber(req);
    // Kept in the bounded per-build memo; only the front page is worth compressing ahead.
    const prepared = state.memo<Promise<Prepared>>(`page:/${JSON.stringify([q, page])}`, () => prepare(listPage(state, q, page), { type: HTML, cacheControl: PAGE_CACHE, compress: q === '' && page === 1 }));
    sendPrepared(req, res, await prepared);
  });
  router.get('/types/:id', async (req, res) => {
    const state = current();
    const type = typeParam(state, req);
    sendPrepared(req, res, await state.memo<Promise<Prepared>>(`page:${type.id}`, () => prepare(detailPage(state, type), { type: HTML, cacheControl: PAGE_CACHE })));
  });
  return router;
}
