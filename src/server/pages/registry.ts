// /registry: the registry the server was started with (`serve --registry <url>`), listed with every
// artifact named by the catalog: logo, type, and its tools' commands filled in with the real
// registry, repository and tag. Never lists a URL from the request: `?url=` must name that registry.
// The listing function comes from the CLI (src/registry/ walks the registry); this page only renders.
import { Router } from 'express';
import type { StateRef } from '../api/types.ts';
import { HttpError } from '../errors.ts';
import { esc, layout } from './layout.ts';

export const REGISTRY_PAGE_ROUTES = ['/registry'];

/** What the page needs of a listing (src/registry/list.ts RegistryListing has this shape). */
export interface RegistryListingView {
  registry: string;
  repositories: number;
  artifacts: Array<{
    reference: string;
    repository: string;
    tag: string;
    digest: string | null;
    type: { id: string; displayName: string; signal: string } | null;
    actions: Array<{ tool: string; kind: string; command: string }>;
    mediaTypes: { manifest: string | null; artifactType: string | null; config: string | null; layers: string[] };
    error?: string;
  }>;
  problems: Array<{ repository: string; message: string }>;
}

export interface RegistryPageOptions {
  /** The registry's URL as given to --registry. */
  url: string;
  list(): Promise<RegistryListingView>;
  /** How long a listing is reused, so page views do not each walk the registry. */
  cacheMs?: number;
}

function row(artifact: RegistryListingView['artifacts'][number]): string {
  const type = artifact.type
    ? `<img class="logo" src="/v1/types/${esc(artifact.type.id)}/logo.svg" alt="" width="32" height="32" loading="lazy"> <a href="/types/${esc(artifact.type.id)}">${esc(artifact.type.displayName)}</a> <span class="id">by ${esc(artifact.type.signal)}</span>`
    : `<span class="unknown">unknown</span>${artifact.error ? ` <span class="error">${esc(artifact.error)}</span>` : ''}<ul class="media">${[artifact.mediaTypes.manifest, artifact.mediaTypes.artifactType, artifact.mediaTypes.config, ...artifact.mediaTypes.layers]
        .filter((m): m is string => typeof m === 'string')
        .map((m) => `<li><code>${esc(m)}</code></li>`)
        .join('')}</ul>`;
  const actions = artifact.actions
    .map((a) => `<div class="cmd"><span class="verb">${esc(a.kind)}</span><code title="${esc(a.command)}">${esc(a.command)}</code><button type="button" class="copy" data-copy="${esc(a.command)}" aria-label="Copy the ${esc(a.tool)} ${esc(a.kind)} command">Copy</button></div>`)
    .join('');
  return `<tr data-reference="${esc(artifact.reference)}"><td><code>${esc(artifact.reference)}</code>${artifact.digest ? `<br><code class="id">${esc(artifact.digest)}</code>` : ''}</td><td>${type}</td><td>${actions ? `<div class="tools">${actions}</div>` : ''}</td></tr>`;
}

export function registryPage(listing: RegistryListingView, catalogName: string): string {
  const known = listing.artifacts.filter((a) => a.type).length;
  const problems = listing.problems.map((p) => `<li><code>${esc(p.repository)}</code>: ${esc(p.message)}</li>`).join('');
  return layout({
    title: `${listing.registry} — ${catalogName}`,
    catalogName,
    body: `<h1>Registry <code>${esc(listing.registry)}</code></h1>
<p class="summary">${listing.artifacts.length} artifacts in ${listing.repositories} repositories; ${known} recognized, ${listing.artifacts.length - known} unknown.</p>
${problems ? `<ul class="problems">${problems}</ul>` : ''}
<table class="registry"><thead><tr><th>Reference</th><th>Type</th><th>Actions</th></tr></thead><tbody>
${listing.artifacts.map(row).join('\n')}
</tbody></table>`,
  });
}

export function registryPages(current: StateRef, options: RegistryPageOptions | undefined): Router {
  const router = Router();
  let cached: { at: number; listing: Promise<RegistryListingView> } | null = null;
  router.get('/registry', async (req, res) => {
    if (!options) throw new HttpError(404, 'no-registry', 'no registry is configured: start the server with --registry <url> to list one');
    const asked = req.query.url;
    if (asked !== undefined && (typeof asked !== 'string' || asked.replace(/\/+$/, '') !== options.url.replace(/\/+$/, ''))) {
      throw new HttpError(400, 'bad-query', `this server lists only ${options.url}; it never lists a registry named in the request`);
    }
    const now = Date.now();
    // One walk at a time, reused for cacheMs: a page view must not become a registry crawl.
    if (!cached || now - cached.at > (options.cacheMs ?? 30_000)) {
      const listing = options.list();
      cached = { at: now, listing };
      listing.catch(() => {
        if (cached?.listing === listing) cached = null;
      });
    }
    let listing: RegistryListingView;
    try {
      listing = await cached.listing;
    } catch (error) {
      throw new HttpError(502, 'registry-unavailable', `cannot list ${options.url}: ${(error as Error).message}`);
    }
    res.type('text/html; charset=utf-8').set('Cache-Control', 'no-cache').send(registryPage(listing, current().catalog.name));
  });
  return router;
}
