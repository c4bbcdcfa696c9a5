// The static export: the body of every GET route of the read API as files, each with its .gz and
// .br beside it (the very bytes the Node API sends), and an nginx configuration that serves them with
// the same status codes, content types, ETags (one per content coding), 304s, cache and security
// headers. Any static host or CDN can serve the files; POST /v1/classify stays with the Node API.
// test/static-export.test.ts runs nginx on it and compares every route with the Node API.
import { mkdir, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Catalog } from '../model/catalog.ts';
import { sharedParts } from './app.ts';
import { fixedHeaders } from './fast-lane.ts';
import { loadFromDefinitions, type LoadedCatalog } from './load.ts';
import { ETAG_SUFFIX, type Prepared } from './prepared.ts';
import { buildState, IMMUTABLE_CACHE, LOGO_CACHE, logoVersion } from './state.ts';

/** Route families: each is one nginx location, and every route in it must send the same headers. */
const KINDS = {
  json: { file: 'index.json', locations: ['= /v1/catalog', '= /v1/types', '~ ^/v1/types/[^/]+$', '^~ /v1/media-types/'] },
  logo: { file: 'index.svg', locations: ['~ ^/v1/types/(?<tid>[^/]+)/logo\\.svg$'] },
  schema: { file: 'index.schema.json', locations: ['~ ^/v1/types/[^/]+/config-schema$'] },
  docs: { file: 'index.md', locations: ['~ ^/v1/types/[^/]+/docs$'] },
} as const;
type Kind = keyof typeof KINDS;

export interface ExportRoute {
  url: string;
  kind: Kind;
  prepared: Prepared;
  /** Logos: the ?v= of the URL the catalog links to, where the logo is immutable. */
  logoVersion?: string;
}

/** Media types whose URL is a plain path (no characters a URL or nginx.conf would need escaped). */
const PLAIN_MEDIA_TYPE = /^[a-z0-9][a-z0-9.+_-]*\/[a-z0-9][a-z0-9.+_-]*$/;

/** Every GET route of the read API with its prepared response, as the Node API would answer it. */
export async function exportRoutes(loaded: LoadedCatalog): Promise<ExportRoute[]> {
  const state = await buildState(loaded);
  const routes: ExportRoute[] = [
    { url: '/v1/catalog', kind: 'json', prepared: state.catalogResponse },
    { url: '/v1/types', kind: 'json', prepared: state.typesResponse },
  ];
  for (const type of state.catalog.types) {
    const base = `/v1/types/${type.id}`;
    routes.push({ url: base, kind: 'json', prepared: await state.typeResponse(type) });
    const logo = state.logoResponse(type);
    if (logo) routes.push({ url: `${base}/logo.svg`, kind: 'logo', prepared: await logo, logoVersion: logoVersion(type) });
    const schema = state.schemaResponse(type);
    if (schema) routes.push({ url: `${base}/config-schema`, kind: 'schema', prepared: await schema });
    routes.push({ url: `${base}/docs`, kind: 'docs', prepared: await state.docsResponse(type) });
  }
  for (const mediaType of state.lookup.uses.keys()) {
    const prepared = await state.mediaTypeResponse(mediaType);
    const essence = prepared && (JSON.parse(prepared.body.toString('utf8')) as { mediaType: string }).mediaType;
    if (prepared && essence && PLAIN_MEDIA_TYPE.test(essence)) routes.push({ url: `/v1/media-types/${essence}`, kind: 'json', prepared });
  }
  return routes;
}

/** The file holding a route's body (its .gz and .br beside it), relative to the export root. */
export function fileOf(route: { url: string; kind: Kind }): string {
  return path.posix.join(route.url.slice(1), KINDS[route.kind].file);
}

function quote(value: string, what: string): string {
  // nginx strings: $ starts a variable, \ escapes; none of our values need either.
  if (/[$\\\n\r]/.test(value)) throw new Error(`${what}: ${JSON.stringify(value)} has a character the nginx.conf writer does not escape`);
  return `"${value.replace(/"/g, '\\"')}"`;
}

/** Headers each family sends (helmet, CORS and the prepared ones), checked to be the same for every route of the family. */
function familyHeaders(routes: ExportRoute[]): Map<Kind, { type: string; headers: Array<[string, string]> }> {
  const parts = sharedParts({ current: () => { throw new Error('not serving'); } });
  const fixed = fixedHeaders(parts, { headers: {}, url: '/v1/' } as IncomingMessage, false, false);
  const families = new Map<Kind, { type: string; headers: Array<[string, string]>; key: string; from: string }>();
  for (const route of routes) {
    // As sendPrepared does: the prepared headers win over the fixed ones, by case-insensitive name.
    const merged = new Map<string, [string, string]>();
    for (let i = 0; i < fixed.length; i += 2) merged.set(fixed[i]!.toLowerCase(), [fixed[i]!, fixed[i + 1]!]);
    for (const [name, value] of route.prepared.headers) merged.set(name.toLowerCase(), [name, value]);
    const type = merged.get('content-type')![1];
    // Made per route by the nginx.conf (maps and captures), so left out of the comparison.
    for (const name of ['content-type', 'vary', 'etag', ...(route.kind === 'logo' ? ['cache-control', 'content-disposition'] : [])]) merged.delete(name);
    if (route.kind === 'logo') {
      const disposition = route.prepared.headers.find(([name]) => name === 'Content-Disposition')?.[1];
      const id = route.url.split('/')[3];
      if (disposition !== `inline; filename="${id}.svg"`) throw new Error(`${route.url}: Content-Disposition ${disposition} is not the one the nginx.conf writes`);
    }
    const headers = [...merged.values()];
    const key = JSON.stringify([type, headers]);
    const family = families.get(route.kind);
    if (!family) families.set(route.kind, { type, headers, key, from: route.url });
    else if (family.key !== key) throw new Error(`${route.url} sends other headers than ${family.from}; the nginx.conf gives one set per route family`);
  }
  return families;
}

/** An http-level nginx include: the maps (ETags, variants, logo versions) and the server. */
export function nginxServerConf(routes: ExportRoute[], options: { root: string; listen: string }): string {
  const families = familyHeaders(routes);
  const map = (entries: Array<[string, string]>) => entries.map(([k, v]) => `  ${quote(k, 'map key')} ${quote(v, 'map value')};`).join('\n');
  const etags = routes.map((r): [string, string] => [r.url, r.prepared.etag.slice(1, -1)]);
  const variants = routes.filter((r) => r.prepared.gzip || r.prepared.br).map((r): [string, string] => [r.url, `${r.prepared.gzip ? 'g' : ''}${r.prepared.br ? 'b' : ''}`]);
  const versions = routes.filter((r) => r.logoVersion).map((r): [string, string] => [`${r.url}|${r.logoVersion}`, IMMUTABLE_CACHE]);
  // Accept-Encoding names the coding with q > 0 (what gzip_static and brotli_static decide; `*` is not read).
  const accepts = (coding: string) => `"~*(?:^|,)\\s*${coding}\\s*(?:;\\s*q=(?!0(?:\\.0*)?\\s*(?:,|$))[^,]*)?(?:,|$)" 1;`;
  const locations = (Object.keys(KINDS) as Kind[]).filter((kind) => families.has(kind)).flatMap((kind) => {
    const family = families.get(kind)!;
    const lines = [
      `default_type ${quote(family.type, 'Content-Type')};`,
      // Only `return` inside if: a matching if replaces the location's config (try_files included).
      ...(kind === 'json' ? ['if ($search) { return 404; }'] : []),
      'if ($not_modified) { return 304; }',
      `try_files $uri/${KINDS[kind].file} =404;`,
      'add_header ETag $etag_out;',
      'add_header Last-Modified "";', // the API sends none (and if_modified_since is off)
      'add_header Vary $vary;',
      'add_header Strict-Transport-Security $hsts;',
      ...(kind === 'logo' ? ['add_header Cache-Control $logo_cache;', 'add_header Content-Disposition "inline; filename=\\"$tid.svg\\"";'] : []),
      ...family.headers.map(([name, value]) => `add_header ${name} ${quote(value, name)};`),
    ];
    return KINDS[kind].locations.map((match) => `    location ${match} {\n${lines.map((l) => `      ${l}`).join('\n')}\n    }`);
  });
  return `# Generated by \`artifact-types build\` (src/server/static-export.ts): serves this static export of
# the artifact-types read API as the Node API does. Include it in nginx's http {} block; needs
# ngx_http_gzip_static_module and ngx_http_brotli_static_module (Debian: libnginx-mod-http-brotli-static).

# Long keys (media types) and one entry per route; drop these two if your http {} sets them.
map_hash_bucket_size 256;
map_hash_max_size ${Math.max(2048, routes.length * 2)};

# The identity body's ETag value per route; each coding's adds ${ETAG_SUFFIX.gzip} or ${ETAG_SUFFIX.br} (RFC 9110 section 8.8.3).
map $route $etag_base {
  default "";
${map(etags)}
}
# Which precompressed files exist beside a route's body: g (.gz), b (.br).
map $route $variants {
  default "";
${map(variants)}
}
map $http_accept_encoding $accepts_br { default 0; ${accepts('br')} }
map $http_accept_encoding $accepts_gzip { default 0; ${accepts('gzip')} }
# The representation the request gets (brotli, then gzip, then identity), decided before the
# content handlers so that If-None-Match is compared with its ETag.
map "$accepts_br$accepts_gzip|$variants" $selected_suffix {
  default "";
  "~^1.[|].*b" "${ETAG_SUFFIX.br}";
  "~^.1[|].*g" "${ETAG_SUFFIX.gzip}";
}
map $etag_base $etag_selected { "" ""; default "\\"$etag_base$selected_suffix\\""; }
# 304 for a matching If-None-Match (weak comparison, lists, *) whatever Cache-Control says (RFC 9110 section 13.1.2).
map "$etag_selected|$http_if_none_match" $not_modified {
  default 0;
  "~^(?<sel>\\x22[^\\x22]+\\x22)[|](?:.*,)?\\s*(?:W/)?\\k<sel>\\s*(?:,|$)" 1;
  "~^\\x22[^\\x22]+\\x22[|]\\s*\\*\\s*$" 1;
}
map $sent_http_content_encoding $sent_suffix { default ""; gzip "${ETAG_SUFFIX.gzip}"; br "${ETAG_SUFFIX.br}"; }
map $status $etag_out { 304 $etag_selected; default "\\"$etag_base$sent_suffix\\""; }
map $variants $vary { "" ""; default "Accept-Encoding"; }
# A logo at the ?v= its catalog entry links to never changes.
map "$route|$arg_v" $logo_cache {
  default ${quote(LOGO_CACHE, 'Cache-Control')};
${map(versions)}
}
# Searches (/v1/types?q=) are made per request by the Node API.
map "$route|$arg_q" $search { default 0; "~^/v1/types[|]." 1; }
# Strict-Transport-Security only over TLS.
map $https $hsts { on "max-age=31536000; includeSubDomains"; default ""; }

server {
    listen ${options.listen};
    root ${quote(options.root, 'root')};
    server_tokens off;
    charset off;
    etag off;
    if_modified_since off;
    max_ranges 0;
    gzip_static on;
    brotli_static on;
    gzip_proxied any;
    gzip_vary off;
    types { }
    set $route $uri;
    error_page 404 /_errors/404.json;
    error_page 405 /_errors/405.json;
    location ^~ /_errors/ { internal; default_type "application/json; charset=utf-8"; add_header Cache-Control "no-store"; }
${locations.join('\n')}
}
`;
}

/** The whole nginx.conf for running the export on its own (Debian paths). */
export function nginxMainConf(serverConf: string): string {
  return `# Generated by \`artifact-types build\`: \`nginx -c <this file> -p <a writable folder>\`.
load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;
worker_processes auto;
pid nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path body;
    proxy_temp_path proxy;
    fastcgi_temp_path fastcgi;
    uwsgi_temp_path uwsgi;
    scgi_temp_path scgi;
    include ${serverConf};
}
`;
}

const ERRORS = {
  '404.json': { error: { code: 'not-found', message: 'no such resource in this static export of the catalog (searches and ?mediaType= lookups are answered by the Node API only); GET /v1/types lists every id' } },
  '405.json': { error: { code: 'method-not-allowed', message: 'the static export answers GET and HEAD only; POST /v1/classify is answered by the Node API' } },
};

/** Writes the export into `dir` (dir/api/…, dir/nginx/): bodies, .gz/.br beside them, error bodies, nginx confs. */
export async function writeStaticExport(dir: string, loaded: LoadedCatalog, options: { root?: string; listen?: string } = {}): Promise<ExportRoute[]> {
  const routes = await exportRoutes(loaded);
  const api = path.join(dir, 'api');
  for (const route of routes) {
    const file = path.join(api, fileOf(route));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, route.prepared.body);
    if (route.prepared.gzip) await writeFile(`${file}.gz`, route.prepared.gzip);
    if (route.prepared.br) await writeFile(`${file}.br`, route.prepared.br);
  }
  await mkdir(path.join(api, '_errors'), { recursive: true });
  for (const [name, body] of Object.entries(ERRORS)) await writeFile(path.join(api, '_errors', name), `${JSON.stringify(body)}\n`);
  const conf = path.join(dir, 'nginx');
  await mkdir(conf, { recursive: true });
  const server = path.join(path.resolve(options.root ?? dir), 'nginx', 'server.conf');
  await writeFile(path.join(conf, 'server.conf'), nginxServerConf(routes, { root: path.join(path.resolve(options.root ?? dir), 'api'), listen: options.listen ?? '127.0.0.1:8080' }));
  await writeFile(path.join(conf, 'nginx.conf'), nginxMainConf(server));
  return routes;
}

/** The build step: dist/api/ and dist/nginx/ from the checked catalog and its definitions folder. */
export function staticExportStep(out: string) {
  return async (staging: string, catalog: Catalog, definitionsRoot: string): Promise<void> => {
    await writeStaticExport(staging, await loadFromDefinitions(catalog, definitionsRoot)(), { root: out });
  };
}
