// Generated hostile input against every route (fixed seeds, bounded runs): arbitrary path bytes,
// encoded traversal, random JSON and bytes for classify with assorted content types. Never a 5xx,
// always the JSON error shape, and the server still answers afterwards.
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/index.ts';
import { request, seedRepo, start } from './helpers.ts';

let repo: Awaited<ReturnType<typeof seedRepo>>;
let server: RunningServer;
let port: number;

beforeAll(async () => {
  repo = await seedRepo();
  server = await start({ root: repo.root });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server?.close();
  await repo?.cleanup();
});

/** Sends raw bytes as one request and returns the status line's code and the body. */
function raw(bytes: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : 0, text });
    });
    // Not end(): Node aborts a request whose client half-closes before the answer.
    socket.write(bytes);
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

const PREFIXES = ['/', '/v1/types/', '/v1/types/cncf.helm.chart/', '/v1/media-types/', '/v1/media-types?mediaType=', '/types/', '/assets/', '/v1/types?q=', '/?page='];
const PIECES = ['%2e%2e%2f', '..', '/', '%', '%zz', '%E0%A4%A', '%00', '%2F', '+', ';', '?', '#', '\u00e9', 'cncf.helm.chart', 'logo.svg', '__proto__', 'constructor', '\\', '%5c', '*', '(', 'a'.repeat(300)];

it('never answers a generated path with a 5xx or a non-JSON error', async () => {
  const path = fc.tuple(fc.constantFrom(...PREFIXES), fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 })), { maxLength: 6 })).map(([prefix, parts]) => prefix + parts.join(''));
  const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH');
  await fc.assert(
    fc.asyncProperty(method, path, async (m, p) => {
      const target = Buffer.from(p.replace(/[\r\n ]/g, '_'), 'utf8');
      const res = await raw(Buffer.concat([Buffer.from(`${m} `), target, Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')]));
      expect(res.status, `${m} ${p}`).toBeGreaterThanOrEqual(200);
      expect(res.status, `${m} ${p}`).toBeLessThan(500);
      if (res.status >= 400 && m !== 'HEAD') expect(res.text, `${m} ${p}`).toMatch(/\r\n\r\n\{"error":\{"code":"[a-z0-9-]+","message":/);
    }),
    { seed: 4242, numRuns: 400 },
  );
});

it('never answers a generated classify body with a 5xx', async () => {
  const types = fc.constantFrom('application/json', 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json', 'text/plain', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', '');
  const manifestish = fc.record({
    schemaVersion: fc.oneof(fc.constant(2), fc.jsonValue({ maxDepth: 1 })),
    mediaType: fc.oneof(fc.constant('application/vnd.oci.image.manifest.v1+json'), fc.string()),
    config: fc.oneof(fc.record({ mediaType: fc.string(), digest: fc.string(), size: fc.integer() }), fc.jsonValue({ maxDepth: 2 })),
    layers: fc.oneof(fc.array(fc.record({ mediaType: fc.oneof(fc.string(), fc.constant('application/vnd.cncf.helm.chart.content.v1.tar+gzip')), annotations: fc.jsonValue({ maxDepth: 1 }) }), { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
    annotations: fc.jsonValue({ maxDepth: 2 }),
  }, { requiredKeys: [] });
  const body = fc.oneof(
    manifestish.map((v) => JSON.stringify(v)),
    manifestish.map((v) => JSON.stringify({ manifest: v, config: { name: 1 } })),
    fc.jsonValue({ maxDepth: 8 }).map((v) => JSON.stringify(v) ?? 'null'),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
    fc.nat({ max: 200 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
    fc.string({ maxLength: 50 }).map((s) => `{"a":"${s}",`),
  );
  await fc.assert(
    fc.asyncProperty(types, body, async (type, text) => {
      const res = await request(`${server.url}/v1/classify`, { method: 'POST', headers: type ? { 'Content-Type': type } : {}, body: Buffer.from(text, 'latin1') });
      expect(res.status, text.slice(0, 200)).toBeLessThan(500);
      if (res.status >= 400) expect(res.json().error.code).toMatch(/^[a-z0-9-]+$/);
      else expect(res.json()).toHaveProperty('conformance');
    }),
    { seed: 2424, numRuns: 400 },
  );
});

it('still serves normally afterwards', async () => {
  expect((await request(`${server.url}/v1/types/cncf.helm.chart`)).status).toBe(200);
  expect((await request(`${server.url}/readyz`)).status).toBe(200);
});
