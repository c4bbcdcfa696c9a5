// The HTTP API over a real socket: every route, its status codes and headers, conditional requests,
// compression, and each error case.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { canonicalJson, sha256 } from '../../src/catalog/digest.ts';
import type { RunningServer } from '../../src/server/index.ts';
import type { Prepared } from '../../src/server/prepared.ts';
import { warmResponses } from '../../src/server/state.ts';
import { errorOf, request, seedRepo, SEED_IDS, start } from './helpers.ts';

let repo: Awaited<ReturnType<typeof seedRepo>>;
let server: RunningServer;
let url: string;

beforeAll(async () => {
  repo = await seedRepo();
  server = await start({ root: repo.root });
  url = server.url;
});
afterAll(async () => {
  await server?.close();
  await repo?.cleanup();
});

const example = (id: string, name: string) => readFile(path.join(repo.root, id, 'examples', name), 'utf8');

describe('/v1/catalog', () => {
  it('serves the whole catalog with its digest as a strong ETag and a Cache-Control', async () => {
    const res = await request(`${url}/v1/catalog`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const catalog = res.json();
    expect(catalog.types.map((t: { id: string }) => t.id)).toEqual(SEED_IDS);
    expect(catalog.digest).toBe(sha256(canonicalJson(catalog.types)));
    expect(res.headers.etag).toBe(`"${catalog.digest}"`);
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
  });

  it('answers 304 with no body to a matching If-None-Match (also in a list and weak form)', async () => {
    const { headers } = await request(`${url}/v1/catalog`);
    for (const inm of [headers.etag!, `"nope", ${headers.etag}`, `W/${headers.etag}`, '*']) {
      const res = await request(`${url}/v1/catalog`, { headers: { 'If-None-Match': inm } });
      expect(res.status, inm).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(headers.etag);
    }
    expect((await request(`${url}/v1/catalog`, { headers: { 'If-None-Match': '"sha256:other"' } })).status).toBe(200);
  });

  it('compresses with brotli or gzip by Accept-Encoding, to the same bytes', async () => {
    const plain = await request(`${url}/v1/catalog`);
    const br = await request(`${url}/v1/catalog`, { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/);
    expect(br.body.length).toBeLessThan(plain.body.length);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const gz = await request(`${url}/v1/catalog`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const refused = await request(`${url}/v1/catalog`, { headers: { 'Accept-Encoding': 'br;q=0, gzip;q=0' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(plain.body)).toBe(true);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await request(`${url}/v1/catalog`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(0);
    expect(Number(res.headers['content-length'])).toBeGreaterThan(1000);
  });

  it('serializes once per build: requests send the prepared bytes and call no JSON.stringify; a reload prepares anew', async () => {
    const state = server.state();
    await warmResponses(state); // what the server runs in the background after a build; memoized, so this only waits for it
    const ids = state.catalog.types.map((t) => t.id);
    const prepared = new Map<string, Prepared>([
      ['/v1/catalog', state.catalogResponse],
      ['/v1/types', state.typesResponse],
    ]);
    for (const type of state.catalog.types) {
      prepared.set(`/v1/types/${type.id}`, await state.typeResponse(type));
      prepared.set(`/v1/types/${type.id}/docs`, await state.docsResponse(type));
      const schema = state.schemaResponse(type);
      if (schema) prepared.set(`/v1/types/${type.id}/config-schema`, await schema);
    }
    prepared.set('/v1/media-types/application/vnd.oci.image.manifest.v1+json', (await state.mediaTypeResponse('application/vnd.oci.image.manifest.v1+json'))!);
    const before = new Map(prepared);
    const catalogBody = state.catalogResponse.body;

    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      for (let round = 0; round < 3; round++) {
        for (const [route, p] of prepared) {
          for (const [encoding, bytes, etag] of [['identity', p.body, p.etag], ['br', p.br ?? p.body, p.brEtag ?? p.etag], ['gzip', p.gzip ?? p.body, p.gzipEtag ?? p.etag]] as const) {
            const res = await request(`${url}${route}`, { headers: { 'Accept-Encoding': encoding } });
            expect(res.status, route).toBe(200);
            expect(res.body.equals(bytes), `${route} ${encoding}: the prepared bytes`).toBe(true);
            expect(res.headers.etag, route).toBe(etag);
          }
          expect((await request(`${url}${route}`, { headers: { 'If-None-Match': p.etag } })).status).toBe(304);
        }
      }
      // pino-http serializes each request's log bindings (the req serializer's { id, method, url, userAgent })
      // even when logging is off; anything else stringified here would be a response body made per request.
      const isLogBinding = (value: unknown) => value !== null && typeof value === 'object' && Object.keys(value).join() === 'id,method,url,userAgent';
      const serialized = stringify.mock.calls.map(([value]) => value).filter((value) => !isLogBinding(value));
      expect(serialized.length, 'JSON.stringify of anything but log bindings while serving prepared routes').toBe(0);
      expect(stringify).not.toHaveBeenCalledWith(state.catalog);
      // The spy does see the server's serialization: a new search is prepared (serialized) on its request.
      const calls = stringify.mock.calls.length;
      const q = `no-such-type-${Date.now()}`;
      expect((await request(`${url}/v1/types?q=${q}`)).json()).toMatchObject({ q, count: 0 });
      expect(stringify.mock.calls.slice(calls).some(([value]) => (value as { q?: string } | null)?.q === q)).toBe(true);
    } finally {
      stringify.mockRestore();
    }
    // Still the same build and the same prepared responses (nothing re-prepared them per request).
    expect(server.state()).toBe(state);
    expect(server.state().catalogResponse.body).toBe(catalogBody);
    for (const type of state.catalog.types) expect(await state.typeResponse(type)).toBe(before.get(`/v1/types/${type.id}`));
    expect(state.readyTypeResponse(ids[0]!)).toBe(before.get(`/v1/types/${ids[0]}`));

    // A reload builds a new state whose responses are prepared again, with the same bytes for the same catalog.
    expect(await server.reload()).toBe(true);
    const next = server.state();
    expect(next).not.toBe(state);
    expect(next.catalogResponse).not.toBe(state.catalogResponse);
    expect(next.catalogResponse.body).not.toBe(catalogBody);
    expect(next.catalogResponse.body.equals(catalogBody)).toBe(true);
    const type = next.catalog.types[0]!;
    expect(await next.typeResponse(type)).not.toBe(before.get(`/v1/types/${type.id}`));
    expect((await request(`${url}/v1/catalog`)).body.equals(next.catalogResponse.body)).toBe(true);
  });
});

describe('/v1/types', () => {
  it('lists a summary per type with identifying media types and links', async () => {
    const res = await request(`${url}/v1/types`);
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.count).toBe(SEED_IDS.length);
    const helm = body.types.find((t: { id: string }) => t.id === 'cncf.helm.chart');
    expect(helm).toMatchObject({ displayName: 'Helm chart', status: 'active', mediaTypes: ['application/vnd.cncf.helm.config.v1+json'] });
    expect(helm.links).toMatchObject({ self: '/v1/types/cncf.helm.chart', configSchema: '/v1/types/cncf.helm.chart/config-schema', docs: '/v1/types/cncf.helm.chart/docs' });
    expect(helm.links.logo).toMatch(/^\/v1\/types\/cncf\.helm\.chart\/logo\.svg\?v=[0-9a-f]{12}$/);
  });

  it('filters by ?q= over id, name, description and media types, every word', async () => {
    const ids = async (q: string) => (await request(`${url}/v1/types?q=${encodeURIComponent(q)}`)).json().types.map((t: { id: string }) => t.id);
    expect(await ids('helm')).toEqual(['cncf.helm.chart']);
    expect(await ids('HELM chart')).toEqual(['cncf.helm.chart']);
    expect(await ids('application/vnd.cncf.notary.signature')).toEqual(['cncf.notary.signature']);
    expect(await ids('sylabs.sif')).toEqual(['sylabs.sif']);
    expect(await ids('helm notary')).toEqual([]);
  });

  it('rejects a repeated or overlong q with 400', async () => {
    expect(errorOf(await request(`${url}/v1/types?q=a&q=b`)).code).toBe('bad-query');
    const long = await request(`${url}/v1/types?q=${'x'.repeat(300)}`);
    expect(long.status).toBe(400);
    expect(errorOf(long).message).toMatch(/longer than 256/);
  });
});

describe('/v1/types/{id} and its parts', () => {
  it('serves one definition with links, an ETag and 304', async () => {
    const res = await request(`${url}/v1/types/opencontainers.image`);
    expect(res.status).toBe(200);
    const type = res.json();
    expect(type.id).toBe('opencontainers.image');
    expect(type.digest).toMatch(/^sha256:/);
    expect(type.links.configSchema).toBe('/v1/types/opencontainers.image/config-schema');
    expect(res.headers.etag).toMatch(/^"sha256:[0-9a-f]{64}"$/);
    expect((await request(`${url}/v1/types/opencontainers.image`, { headers: { 'If-None-Match': res.headers.etag! } })).status).toBe(304);
  });

  it('answers an unknown id with 404 and the closest ids', async () => {
    const res = await request(`${url}/v1/types/cncf.helm.chrat`);
    expect(res.status).toBe(404);
    const error = errorOf(res);
    expect(error.code).toBe('type-not-found');
    expect(error.suggestions).toContain('cncf.helm.chart');
    expect(error.message).toContain('did you mean cncf.helm.chart');
    expect(errorOf(await request(`${url}/v1/types/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz`)).suggestions).toEqual([]);
  });

  it('serves the logo as sandboxed SVG, embeddable cross-origin, with a long cache', async () => {
    const res = await request(`${url}/v1/types/cncf.helm.chart/logo.svg`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['cache-control']).toMatch(/max-age=86400/);
    expect(res.headers.etag).toBeDefined();
    expect(res.text).toBe(await readFile(path.join(repo.root, 'cncf.helm.chart', 'logo.svg'), 'utf8'));
    // Other routes keep helmet's same-origin policy.
    expect((await request(`${url}/v1/catalog`)).headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('serves the config schema as application/schema+json, 404 where there is none', async () => {
    const res = await request(`${url}/v1/types/cncf.helm.chart/config-schema`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/schema+json');
    expect(res.json()).toEqual(JSON.parse(await readFile(path.join(repo.root, 'cncf.helm.chart', 'config.schema.json'), 'utf8')));
    const none = await request(`${url}/v1/types/cncf.notary.signature/config-schema`);
    expect(none.status).toBe(404);
    expect(errorOf(none)).toMatchObject({ code: 'no-config-schema' });
    expect(errorOf(none).message).toContain('cncf.notary.signature has no config schema');
  });

  it('serves the README body (without front matter) as text/markdown', async () => {
    const res = await request(`${url}/v1/types/cncf.helm.chart/docs`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    const readme = await readFile(path.join(repo.root, 'cncf.helm.chart', 'README.md'), 'utf8');
    expect(res.text.startsWith('---')).toBe(false);
    expect(readme.endsWith(res.text)).toBe(true);
  });
});

describe('/v1/media-types', () => {
  it('names every type using a media type and its role, by path (with / and +) or query', async () => {
    const byPath = await request(`${url}/v1/media-types/application/vnd.cncf.helm.chart.content.v1.tar+gzip`);
    expect(byPath.status).toBe(200);
    expect(byPath.json().uses).toMatchObject([{ id: 'cncf.helm.chart', role: 'layer', format: 'tar+gzip' }]);
    const byQuery = await request(`${url}/v1/media-types?mediaType=${encodeURIComponent('application/vnd.oci.image.manifest.v1+json')}`);
    const roles = byQuery.json().uses.map((u: { id: string; role: string }) => `${u.id}:${u.role}`);
    expect(roles).toContain('opencontainers.image:manifest');
    expect(roles.length).toBeGreaterThanOrEqual(4);
    // Case and parameters do not matter.
    const upper = await request(`${url}/v1/media-types/Application/VND.CNCF.HELM.CONFIG.V1+JSON`);
    expect(upper.json().uses[0]).toMatchObject({ id: 'cncf.helm.chart', role: 'config' });
  });

  it('404 for an unused media type, 400 for a malformed or missing one', async () => {
    expect(errorOf(await request(`${url}/v1/media-types/application/x-nothing`)).code).toBe('media-type-not-found');
    const bad = await request(`${url}/v1/media-types/not-a-media-type`);
    expect(bad.status).toBe(400);
    expect(errorOf(bad).message).toContain('type/subtype');
    expect((await request(`${url}/v1/media-types`)).status).toBe(400);
  });

  it('answers for the rule-breaking strings real tools write, and 404 (not 400) for a well-formed unknown one', async () => {
    const typo = await request(`${url}/v1/media-types/appliciation/vnd.sylabs.sif.layer.tar`);
    expect(typo.status).toBe(200);
    expect(typo.json().uses).toMatchObject([{ id: 'sylabs.sif', role: 'layer', legacy: true }]);
    const odd = await request(`${url}/v1/media-types/archive/x-nothing`);
    expect(errorOf(odd).code).toBe('media-type-not-found');
  });
});

describe('POST /v1/classify', () => {
  const post = (body: string | Buffer, type = 'application/json', headers: Record<string, string> = {}) => request(`${url}/v1/classify`, { method: 'POST', headers: { 'Content-Type': type, ...headers }, body });

  it('classifies a manifest and reports how it matched', async () => {
    const res = await post(await example('cncf.helm.chart', 'nginx.manifest.json'));
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ id: 'cncf.helm.chart', signal: 'config', kind: 'manifest', matched: { pointer: '/config/mediaType' } });
  });

  it('accepts the OCI and Docker manifest media types as Content-Type', async () => {
    const body = await example('sylabs.sif', 'lolcow.manifest.json');
    for (const type of ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json', 'application/json; charset=utf-8']) {
      const res = await post(body, type);
      expect(res.status, type).toBe(200);
      expect(res.json().id).toBe('sylabs.sif');
    }
  });

  it('validates the config object in the { manifest, config } form', async () => {
    const manifest = JSON.parse(await example('cncf.helm.chart', 'nginx.manifest.json'));
    const good = await post(JSON.stringify({ manifest, config: JSON.parse(await example('cncf.helm.chart', 'nginx.config.json')) }));
    expect(good.status).toBe(200);
    expect(good.json().conformance.filter((c: { severity: string }) => c.severity === 'error')).toEqual([]);
    const bad = await post(JSON.stringify({ manifest, config: { name: 42 } }));
    expect(bad.status).toBe(200);
    expect(bad.json().conformance.some((c: { path: string }) => c.path.startsWith('/config'))).toBe(true);
  });

  it('answers an unknown artifact with id null', async () => {
    const res = await post(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/x-unknown', digest: `sha256:${'0'.repeat(64)}`, size: 2 }, layers: [] }));
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ id: null, signal: null });
  });

  it('400 with line:column for malformed JSON, duplicate keys and prototype keys', async () => {
    const syntax = await post('{\n  "schemaVersion": 2,\n  "config": }');
    expect(syntax.status).toBe(400);
    expect(errorOf(syntax)).toMatchObject({ code: 'malformed-json', line: 3 });
    expect(errorOf(syntax).message).toMatch(/^request body 3:\d+: invalid JSON/);
    const duplicate = await post('{"config": {}, "config": {}}');
    expect(errorOf(duplicate)).toMatchObject({ code: 'unsafe-json', line: 1, column: 16 });
    const proto = await post('{"__proto__": {"polluted": true}, "layers": []}');
    expect(proto.status).toBe(400);
    expect(errorOf(proto).message).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('400 naming the field for a body that is not a manifest', async () => {
    const notObject = await post('[1, 2]');
    expect(errorOf(notObject)).toMatchObject({ code: 'not-a-manifest', pointer: '' });
    const badLayer = await post(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'a/b', digest: 'x', size: 1 }, layers: [{ digest: 'y' }] }));
    expect(badLayer.status).toBe(400);
    expect(errorOf(badLayer)).toMatchObject({ code: 'not-a-manifest', pointer: '/layers/0/mediaType' });
    const wrapped = await post(JSON.stringify({ manifest: { schemaVersion: 2, config: 5 } }));
    expect(errorOf(wrapped)).toMatchObject({ pointer: '/manifest/config' });
    const extra = await post(JSON.stringify({ manifest: { config: {} }, other: 1 }));
    expect(errorOf(extra).message).toContain('/other');
  });

  it('400 for an empty body and for invalid UTF-8', async () => {
    expect(errorOf(await post('')).code).toBe('empty-body');
    expect(errorOf(await post(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).code).toBe('invalid-utf8');
  });

  it('413 above 4 MiB, both by Content-Length and after decompression', async () => {
    const big = `{"schemaVersion":2,"config":{},"pad":"${'x'.repeat(4 * 1024 * 1024)}"}`;
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(errorOf(res).code).toBe('payload-too-large');
    const bomb = await post(gzipSync(big), 'application/json', { 'Content-Encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    // Just under the limit is fine.
    const ok = await post(`{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"d","size":1},"layers":[],"pad":"${'x'.repeat(4 * 1024 * 1024 - 200)}"}`);
    expect(ok.status).toBe(200);
  });

  it('415 for other content types, charsets and encodings', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
      const res = await post('{}', type);
      expect(res.status, type).toBe(415);
      errorOf(res);
    }
    const none = await request(`${url}/v1/classify`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(415);
    expect((await post('{}', 'application/json', { 'Content-Encoding': 'compress' })).status).toBe(415);
  });

  it('405 with Allow for GET', async () => {
    const res = await request(`${url}/v1/classify`);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    errorOf(res);
  });
});

describe('operations', () => {
  it('/healthz and /readyz', async () => {
    expect((await request(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await request(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', types: SEED_IDS.length });
  });

  it('/metrics counts requests by route pattern in Prometheus text', async () => {
    await request(`${url}/v1/types/sylabs.sif`);
    const res = await request(`${url}/metrics`);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(/artifact_types_http_requests_total\{method="GET",route="\/v1\/types\/:id",status="200"\} [1-9]/);
    expect(res.text).toContain(`artifact_types_catalog_types ${SEED_IDS.length}`);
    expect(res.text).not.toContain('sylabs.sif'); // raw paths never become labels
  });
});

describe('bad requests in general', () => {
  it('404 JSON for unknown paths, 405 with Allow for other methods, 204 for OPTIONS', async () => {
    const missing = await request(`${url}/v2/anything`);
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe('not-found');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await request(`${url}/v1/types/cncf.helm.chart`, { method, headers: { 'Content-Type': 'application/json' }, body: '{}' });
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      errorOf(res);
    }
    const options = await request(`${url}/v1/classify`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('POST');
  });

  it('400 for invalid percent-encoding; encoded traversal finds nothing', async () => {
    expect(errorOf(await request(`${url}/v1/types/%E0%A4%A`)).code).toBe('bad-path');
    const traversal = await request(`${url}/v1/types/%2e%2e%2f%2e%2e%2fpackage.json/logo.svg`);
    expect(traversal.status).toBe(404);
    errorOf(traversal);
  });

  it('431 JSON for a 20 KB URL', async () => {
    const res = await request(`${url}/v1/types/${'a'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(errorOf(res).code).toBe('headers-too-large');
  });

  it('404 with a short message for a long unknown id', async () => {
    const res = await request(`${url}/v1/types/${'a.'.repeat(2_000)}b`);
    expect(res.status).toBe(404);
    expect(errorOf(res).message.length).toBeLessThan(400);
  });

  it('431 JSON for oversized headers', async () => {
    const res = await request(`${url}/v1/catalog`, { headers: { 'X-Big': 'x'.repeat(20_000) } });
    expect(res.status).toBe(431);
    expect(errorOf(res).code).toBe('headers-too-large');
  });

  it('sends helmet security headers and no X-Powered-By', async () => {
    const res = await request(`${url}/`);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('page memo', () => {
  it('keeps at most PAGE_MEMO rendered pages, dropping the least recently used', async () => {
    const { PAGE_MEMO } = await import('../../src/server/state.ts');
    const state = server.state();
    let made = 0;
    const make = () => ++made;
    expect(state.memo('test:first', make)).toBe(1);
    for (let i = 0; i < PAGE_MEMO - 1; i++) state.memo(`test:${i}`, make);
    expect(state.memo('test:first', make)).toBe(1); // still there, and now most recent
    state.memo('test:overflow', make);
    expect(state.memo('test:first', make)).toBe(1);
    const before = made;
    expect(state.memo('test:0', make)).toBe(before + 1); // the oldest was dropped and is made again
  });
});
