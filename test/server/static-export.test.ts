// The static export (dist/api/ + dist/nginx/, written by the build) served by Debian's nginx answers
// every GET route as the Node API does: status, body bytes per content coding, content type, ETag,
// cache and security headers, and 304 for a matching If-None-Match (as Node's fetch sends it too).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDist } from '../../src/catalog/dist.ts';
import { runChecks } from '../../src/checks/run.ts';
import type { RunningServer } from '../../src/server/index.ts';
import { exportRoutes, staticExportStep } from '../../src/server/static-export.ts';
import { loadFromDefinitions } from '../../src/server/load.ts';
import { freePort } from '../../scripts/free-port.ts';
import { startExportNginx, type RunningNginx } from '../../scripts/static-nginx.ts';
import { request, seedRepo, start, type RawResponse } from './helpers.ts';

let repo: Awaited<ReturnType<typeof seedRepo>>;
let work: string;
let node: RunningServer;
let nginx: RunningNginx;
let routes: string[];

beforeAll(async () => {
  repo = await seedRepo();
  work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-export-'));
  const out = path.join(work, 'dist');
  const { catalog } = await runChecks({ root: repo.root });
  // The build's own step, into the build's own dist layout.
  await writeDist(out, catalog, repo.root, [staticExportStep(out)]);
  routes = (await exportRoutes(await loadFromDefinitions(catalog, repo.root)())).map((r) => r.url);
  node = await start({ root: repo.root });
  nginx = await startExportNginx(out, path.join(work, 'nginx'), await freePort());
}, 120_000);
afterAll(async () => {
  await nginx?.stop();
  await node?.close();
  if (work) await rm(work, { recursive: true, force: true });
  await repo?.cleanup();
});

/** Headers only one of the two servers makes, about the connection or the server itself. */
const OWN = new Set(['date', 'connection', 'keep-alive', 'server', 'content-length', 'transfer-encoding']);
function comparable(res: RawResponse) {
  const headers = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !OWN.has(name)));
  return { status: res.status, headers, body: res.body.toString('base64') };
}

const ENCODINGS = [undefined, 'gzip', 'br', 'gzip, deflate, br', 'gzip, deflate'];

describe('the static export behind nginx', () => {
  it('has every GET route of the read API, with .gz and .br beside the bodies worth compressing', async () => {
    const types = (await request(`${node.url}/v1/types`)).json().types as Array<{ id: string; mediaTypes: string[]; links: Record<string, string> }>;
    for (const t of types) {
      for (const p of [`/v1/types/${t.id}`, `/v1/types/${t.id}/logo.svg`, `/v1/types/${t.id}/docs`, ...(t.links.configSchema ? [t.links.configSchema] : [])]) expect(routes, p).toContain(p);
      for (const m of t.mediaTypes) expect(routes, m).toContain(`/v1/media-types/${m}`);
    }
    expect(routes).toEqual(expect.arrayContaining(['/v1/catalog', '/v1/types']));
    const files = await readdir(path.join(work, 'dist', 'api', 'v1', 'catalog'));
    expect(files.sort()).toEqual(['index.json', 'index.json.br', 'index.json.gz']);
  });

  it('answers each route like the Node API: status, headers and body bytes, per coding, GET and HEAD', async () => {
    let compared = 0;
    for (const p of routes) {
      for (const encoding of ENCODINGS) {
        for (const method of ['GET', 'HEAD']) {
          const headers: Record<string, string> = encoding ? { 'Accept-Encoding': encoding } : {};
          const a = await request(`${nginx.url}${p}`, { method, headers });
          const b = await request(`${node.url}${p}`, { method, headers });
          expect(a.status, `${method} ${p}`).toBe(200);
          expect(comparable(a), `${method} ${p} ${encoding}`).toEqual(comparable(b));
          if (method === 'GET') expect(Number(a.headers['content-length']), p).toBe(a.body.length);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  }, 180_000);

  it('answers 304 to each coding\'s ETag like the Node API, whatever Cache-Control says, and 200 to another', async () => {
    for (const p of routes) {
      for (const encoding of [undefined, 'gzip', 'br']) {
        const accept: Record<string, string> = encoding ? { 'Accept-Encoding': encoding } : {};
        const etag = (await request(`${node.url}${p}`, { headers: accept })).headers.etag!;
        const cases: Array<[string, Record<string, string>]> = [
          [etag, {}],
          [etag, { 'Cache-Control': 'no-cache', Pragma: 'no-cache' }],
          [etag, { 'Cache-Control': 'max-age=0' }],
          [`W/${etag}`, { 'Cache-Control': 'no-cache' }],
          [`"sha256:nope", ${etag}`, {}],
          ['*', {}],
        ];
        for (const [inm, cache] of cases) {
          const headers = { ...accept, ...cache, 'If-None-Match': inm };
          const a = await request(`${nginx.url}${p}`, { headers });
          const b = await request(`${node.url}${p}`, { headers });
          expect([a.status, b.status], `${p} ${encoding} ${inm}`).toEqual([304, 304]);
          expect(a.body.length).toBe(0);
          expect(a.headers.etag, `${p} ${encoding} ${inm}`).toBe(b.headers.etag);
          expect(a.headers['cache-control'], p).toBe(b.headers['cache-control']);
          expect(a.headers.vary, p).toBe(b.headers.vary);
        }
        const other = await request(`${nginx.url}${p}`, { headers: { ...accept, 'If-None-Match': '"sha256:nope"' } });
        expect(other.status, p).toBe(200);
      }
    }
  }, 180_000);

  it('answers Node fetch\'s revalidation (no-cache + If-None-Match) with 304', async () => {
    for (const p of routes) {
      const first = await fetch(`${nginx.url}${p}`);
      await first.arrayBuffer();
      const again = await fetch(`${nginx.url}${p}`, { headers: { 'If-None-Match': first.headers.get('etag')! } });
      expect(await again.text(), p).toBe('');
      expect(again.status, p).toBe(304);
    }
  });

  it('serves each logo immutable at its ?v= URL and for a day elsewhere, as the Node API does', async () => {
    const types = (await request(`${node.url}/v1/types`)).json().types as Array<{ links: Record<string, string> }>;
    for (const t of types) {
      for (const p of [t.links.logo!, t.links.logo!.replace(/v=.*/, 'v=000000000000'), `${t.links.logo!.split('?')[0]}?other=1`]) {
        const a = await request(`${nginx.url}${p}`);
        const b = await request(`${node.url}${p}`);
        expect(comparable(a), p).toEqual(comparable(b));
      }
    }
  });

  it('answers unknown routes with a JSON 404, other methods with a JSON 405, and keeps searches for the Node API', async () => {
    for (const p of ['/v1/types/no.such.type', '/v1/types/no.such.type/docs', '/v1/media-types/application/x-none', '/v1/types?q=helm', '/v1/nowhere']) {
      const res = await request(`${nginx.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(res.headers['content-type'], p).toBe('application/json; charset=utf-8');
      expect(res.json().error.code, p).toBe('not-found');
    }
    const post = await request(`${nginx.url}/v1/catalog`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.json().error.code).toBe('method-not-allowed');
  });

  it('sends Strict-Transport-Security on neither plain-HTTP server', async () => {
    for (const url of [nginx.url, node.url]) expect((await request(`${url}/v1/catalog`)).headers['strict-transport-security']).toBeUndefined();
  });
});

