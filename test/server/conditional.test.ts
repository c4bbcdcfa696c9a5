// Conditional requests as real clients send them, on every cacheable route, fast lane and express
// alike: Node's fetch adds `Cache-Control: no-cache` and `Pragma: no-cache` to any request with
// If-None-Match, and a browser reload sends `max-age=0`; the origin answers 304 anyway (RFC 9110
// §13.1.2). Each content coding has its own strong ETag (RFC 9110 §8.8.3), and each gets its 304.
// Strict-Transport-Security goes only to requests that came over TLS (or a trusted proxy says so).
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/index.ts';
import { request, seedRepo, start } from './helpers.ts';

let repo: Awaited<ReturnType<typeof seedRepo>>;
let fast: RunningServer;
let plain: RunningServer;
let proxied: RunningServer;
let routes: string[];

beforeAll(async () => {
  repo = await seedRepo();
  fast = await start({ root: repo.root });
  plain = await start({ root: repo.root, fastLane: false });
  proxied = await start({ root: repo.root, trustProxy: true });
  const summaries: Array<{ id: string; mediaTypes: string[]; links: Record<string, string> }> = (await request(`${fast.url}/v1/types`)).json().types;
  routes = [
    '/v1/catalog',
    '/v1/types',
    '/v1/types?q=helm',
    ...summaries.flatMap((s) => [`/v1/types/${s.id}`, `/v1/types/${s.id}/logo.svg`, s.links.logo!, ...(s.links.configSchema ? [s.links.configSchema] : []), `/v1/types/${s.id}/docs`]),
    ...summaries.flatMap((s) => s.mediaTypes.map((m) => `/v1/media-types/${m}`)),
  ];
});
afterAll(async () => {
  await Promise.all([fast?.close(), plain?.close(), proxied?.close()]);
  await repo?.cleanup();
});

/** What Node's fetch really sends with If-None-Match, seen by a plain server (so the tests below test that). */
async function fetchSends(): Promise<http.IncomingHttpHeaders> {
  let seen: http.IncomingHttpHeaders = {};
  const probe = http.createServer((req, res) => {
    seen = req.headers;
    res.end();
  });
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = probe.address() as net.AddressInfo;
    await (await fetch(`http://127.0.0.1:${port}/`, { headers: { 'If-None-Match': '"x"' } })).arrayBuffer();
  } finally {
    probe.close();
  }
  return seen;
}

/** One request written byte for byte on a raw socket; returns the status and header lines. */
function rawGet(base: string, path: string, lines: string[]): Promise<{ status: number; headers: string; rest: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', rest = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, rest });
    });
    socket.write([`GET ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, ...lines, 'Connection: close', '', ''].join('\r\n'));
  });
}

const servers = () => [
  ['fast lane', fast],
  ['express only', plain],
] as const;

describe('If-None-Match with Cache-Control', () => {
  it('Node fetch really sends no-cache with a validator (the case under test)', async () => {
    const headers = await fetchSends();
    expect(headers['if-none-match']).toBe('"x"');
    expect(headers['cache-control']).toBe('no-cache');
    expect(headers.pragma).toBe('no-cache');
  });

  it('answers 304 to Node fetch on every cacheable route', async () => {
    for (const [name, server] of servers()) {
      for (const p of routes) {
        const first = await fetch(`${server.url}${p}`);
        await first.arrayBuffer();
        expect(first.status, `${name} ${p}`).toBe(200);
        const etag = first.headers.get('etag')!;
        const again = await fetch(`${server.url}${p}`, { headers: { 'If-None-Match': etag } });
        expect(await again.text(), `${name} ${p}`).toBe('');
        expect(again.status, `${name} ${p}`).toBe(304);
        expect(again.headers.get('etag'), `${name} ${p}`).toBe(etag);
      }
    }
  });

  it('answers 304 on a raw socket to no-cache + Pragma, and to max-age=0, for each coding', async () => {
    for (const [name, server] of servers()) {
      for (const p of routes) {
        for (const encoding of [null, 'gzip', 'br']) {
          const accept = encoding ? [`Accept-Encoding: ${encoding}`] : [];
          const first = await request(`${server.url}${p}`, { headers: encoding ? { 'Accept-Encoding': encoding } : {} });
          const etag = first.headers.etag!;
          for (const cache of [['Cache-Control: no-cache', 'Pragma: no-cache'], ['Cache-Control: max-age=0'], ['Cache-Control: no-cache, no-store']]) {
            const res = await rawGet(server.url, p, [`If-None-Match: ${etag}`, ...accept, ...cache]);
            expect(res.status, `${name} ${p} ${encoding} ${cache}`).toBe(304);
            expect(res.headers, `${name} ${p}`).toContain(`\r\nETag: ${etag}`);
            expect(res.rest, `${name} ${p}`).toBe('');
          }
          // A validator that is not this representation's still gets the whole body.
          expect((await rawGet(server.url, p, ['If-None-Match: "sha256:other"', 'Cache-Control: no-cache', ...accept])).status, `${name} ${p}`).toBe(200);
        }
      }
    }
  });
});

describe('ETags per content coding', () => {
  it('differ between identity, gzip and brotli bodies, and each revalidates to 304 only for its own coding', async () => {
    let compressed = 0;
    for (const [name, server] of servers()) {
      for (const p of routes) {
        const identity = await request(`${server.url}${p}`);
        const gz = await request(`${server.url}${p}`, { headers: { 'Accept-Encoding': 'gzip' } });
        const br = await request(`${server.url}${p}`, { headers: { 'Accept-Encoding': 'br' } });
        for (const res of [identity, gz, br]) expect(res.headers.etag, `${name} ${p}`).toMatch(/^"[\x21\x23-\x7e]+"$/); // strong
        if (!gz.headers['content-encoding']) {
          expect(gz.headers.etag, p).toBe(identity.headers.etag); // same bytes, same ETag
          continue;
        }
        compressed++;
        expect(new Set([identity.headers.etag, gz.headers.etag, br.headers.etag]).size, `${name} ${p}`).toBe(3);
        // Each coding's own ETag: 304 for that coding.
        for (const [res, accept] of [[gz, 'gzip'], [br, 'br'], [identity, 'identity']] as const) {
          const again = await request(`${server.url}${p}`, { headers: { 'If-None-Match': res.headers.etag!, 'Accept-Encoding': accept } });
          expect(again.status, `${name} ${p} ${accept}`).toBe(304);
          expect(again.headers.etag).toBe(res.headers.etag);
        }
        // The identity ETag does not validate the brotli body the server would send now: 200, with the brotli ETag.
        const other = await request(`${server.url}${p}`, { headers: { 'If-None-Match': identity.headers.etag!, 'Accept-Encoding': 'br' } });
        expect(other.status, `${name} ${p}`).toBe(200);
        expect(other.headers.etag).toBe(br.headers.etag);
        // A cache holding several variants lists them all: the selected one's matches.
        const listed = await request(`${server.url}${p}`, { headers: { 'If-None-Match': `${identity.headers.etag}, W/${gz.headers.etag}`, 'Accept-Encoding': 'gzip' } });
        expect(listed.status, `${name} ${p}`).toBe(304);
        expect(listed.headers.etag).toBe(gz.headers.etag);
      }
    }
    expect(compressed).toBeGreaterThan(10);
  });
});

describe('Strict-Transport-Security', () => {
  const paths = ['/v1/catalog', '/v1/types/cncf.helm.chart', '/v1/types', '/', '/healthz', '/nowhere'];

  it('is not sent on plain HTTP, fast lane or express, even when a client claims https without a trusted proxy', async () => {
    await request(`${fast.url}/v1/types/cncf.helm.chart`); // prepared, so the fast lane takes it
    for (const [name, server] of servers()) {
      for (const p of paths) {
        expect((await request(`${server.url}${p}`)).headers['strict-transport-security'], `${name} ${p}`).toBeUndefined();
        expect((await request(`${server.url}${p}`, { headers: { 'X-Forwarded-Proto': 'https' } })).headers['strict-transport-security'], `${name} ${p}`).toBeUndefined();
      }
    }
  });

  it('is sent when a trusted proxy says the request came over TLS, and only then', async () => {
    await request(`${proxied.url}/v1/types/cncf.helm.chart`);
    for (const p of paths) {
      expect((await request(`${proxied.url}${p}`, { headers: { 'X-Forwarded-Proto': 'https' } })).headers['strict-transport-security'], p).toBe('max-age=31536000; includeSubDomains');
      expect((await request(`${proxied.url}${p}`, { headers: { 'X-Forwarded-Proto': 'http' } })).headers['strict-transport-security'], p).toBeUndefined();
      expect((await request(`${proxied.url}${p}`)).headers['strict-transport-security'], p).toBeUndefined();
    }
  });
});
