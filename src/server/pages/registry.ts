// /registry: the registry the server was started with (`serve --registry <url>`), listed with every
// artifact named by the catalog: logo, type, and its tools' commands filled in with the real
// registry, repository and tag. Never lists a URL from the request: `?url=` must name that registry.
// The listing function comes from the CLI (src/registry/ walks the registry); this page only renders.
import { Router } from 'express';
import type { StateRef } from '../api/types.ts';
import { HttpError } from '../errors.ts';
import { esc, layout } from './layout.ts';

export const REGISTRY_PAGE_ROUTES = ['/registry'];

/** What the page needs of a listed manifest, tagged or attached. */
interface ManifestView {
  reference: string;
  repository: string;
  digest: string | null;
  artifactType?: string | null;
  type: { id: string; displayName: string; signal: string } | null;
  actions: Array<{ tool: string; kind: string; command: string }>;
  mediaTypes: { manifest: string | null; artifactType: string | null; config: string | null; layers: string[] };
  subject?: { digest: string; reference: string } | null;
  referrers?: ReferrerView[];
  error?: string;
}

interface ReferrerView extends ManifestView {
  tag: string | null;
  via: string[];
}

/** What the page needs of a listing (src/registry/list.ts RegistryListing has this shape). */
export interface RegistryListingView {
  registry: string;
  repositories: number;
  artifacts: Array<ManifestView & { tag: string; role?: 'artifact' | 'referrer' | 'referrers-list' }>;
  problems: Array<{ repository: string; message: string }>;
}

const VIA: Record<string, string> = { 'referrers-api': 'referrers API', 'tag-schema': 'referrers tag schema', 'cosign-tag': 'cosign tag', subject: 'subject field' };

export interface RegistryPageOptions {
  /** The registry's URL as given to --registry. */
  url: string;
  list(): Promise<RegistryListingView>;
  /** How long a listing is reused, so page views do not each walk the registry. */
  cacheMs?: number;
}

function typeCell(artifact: ManifestView): string {
  return artifact.type
    ? `<img class="logo" src="/v1/types/${esc(artifact.type.id)}/logo.svg" alt="" width="32" height="32" loading="lazy"> <a href="/types/${esc(artifact.type.id)}">${esc(artifact.type.displayName)}</a> <span class="id">by ${esc(artifact.type.signal)}</span>`
    : `<span class="unknown">unknown</span>${artifact.error ? ` <span class="error">${esc(artifact.error)}</span>` : ''}<ul class="media">${[artifact.mediaTypes.manifest, artifact.mediaTypes.artifactType, artifact.mediaTypes.config, ...artifact.mediaTypes.layers]
        .filter((m): m is string => typeof m === 'string')
        .map((m) => `<li><code>${esc(m)}</code></li>`)
        .join('')}</ul>`;
}

function actionsCell(artifact: ManifestView): string {
  const actions = artifact.actions
    .map((a) => `<div class="cmd"><span class="verb">${esc(a.kind)}</span><code title="${esc(a.command)}">${esc(a.command)}</code><button type="button" class="copy" data-copy="${esc(a.command)}" aria-label="Copy the ${esc(a.tool)} ${esc(a.kind)} command">Copy</button></div>`)
    .join('');
  return actions ? `<div class="tools">${actions}</div>` : '';
}

/** What is attached to a manifest, nested under it the way Harbor lists an artifact's accessories. */
function referrersTable(referrers: ReferrerView[] | undefined, seen: Set<ReferrerView>): string {
  const rows = (referrers ?? []).filter((r) => !seen.has(r));
  if (rows.length === 0) return '';
  for (const r of rows) seen.add(r);
  const body = rows
    .map((r) => {
      const ref = `<code>${esc(r.reference)}</code>${r.tag && r.digest ? `<br><code class="id">${esc(r.digest)}</code>` : ''}<br><span class="id">via ${esc(r.via.map((v) => VIA[v] ?? v).join(', '))}</span>`;
      const type = `${typeCell(r)}${r.artifactType ? `<br><code class="id">${esc(r.artifactType)}</code>` : ''}`;
      const nested = referrersTable(r.referrers, seen);
      return `<tr class="referrer" data-reference="${esc(r.reference)}"><td>${ref}</td><td>${type}</td><td>${actionsCell(r)}${nested}</td></tr>`;
    })
    .join('');
  return `<table class="referrers"><caption>Attached (${rows.length})</caption><thead><tr><th>Referrer</th><th>Type</th><th>Actions</th></tr></thead><tbody>${body}</tbody></table>`;
}

function row(artifact: RegistryListingView['artifacts'][number]): string {
  const type = artifact.role === 'referrers-list'
    ? `<span class="unknown">referrers list</span> <span class="id">(tag schema)</span>`
    : typeCell(artifact);
  const subject = artifact.subject && artifact.role !== 'artifact' ? `<br><span class="id">attached to <code>${esc(artifact.subject.reference)}</code></span>` : '';
  const main = `<tr data-reference="${esc(artifact.reference)}"><td><code>${esc(artifact.reference)}</code>${artifact.digest ? `<br><code class="id">${esc(artifact.digest)}</code>` : ''}${subject}</td><td>${type}</td><td>${actionsCell(artifact)}</td></tr>`;
  const attached = referrersTable(artifact.referrers, new Set());
  return attached ? `${main}\n<tr class="accessories" data-subject="${esc(artifact.reference)}"><td colspan="3">${attached}</td></tr>` : main;
}

/** Top-level rows: referrers and referrers lists whose subject is listed appear only under it. */
function topLevel(listing: RegistryListingView): RegistryListingView['artifacts'] {
  const present = new Set(listing.artifacts.filter((a) => a.digest).map((a) => `${a.repository}@${a.digest}`));
  return listing.artifacts.filter((a) => !a.role || a.role === 'artifact' || !a.subject || !present.has(`${a.repository}@${a.subject.digest}`));
}

export function registryPage(listing: RegistryListingView, catalogName: string): string {
  const known = listing.artifacts.filter((a) => a.type || a.role === 'referrers-list').length;
  const problems = listing.problems.map((p) => `<li><code>${esc(p.repository)}</code>: ${esc(p.message)}</li>`).join('');
  return layout({
    title: `${listing.registry} — ${catalogName}`,
    catalogName,
    body: `<h1>Registry <code>${esc(listing.registry)}</code></h1>
<p class="summary">${listing.artifacts.length} artifacts in ${listing.repositories} repositories; ${known} recognized, ${listing.artifacts.length - known} unknown.</p>
${problems ? `<ul class="problems">${problems}</ul>` : ''}
<table class="registry"><thead><tr><th>Reference</th><th>Type</th><th>Actions</th></tr></thead><tbody>
${topLevel(listing).map(row).join('\n')}
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
