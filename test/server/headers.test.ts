// HTTP caching and encoding headers of every cacheable GET route (the API, and the /api page with
// the assets it loads), over real sockets: a strong ETag and 304, Cache-Control, HEAD, brotli/gzip
// with Vary; the logo's sandboxing and its versioned, immutable URL. And the serve command's HOST/PORT environment and --host/--port flags, in a real process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, sha256 } from '../../src/catalog/digest.ts';
import { runChecks } from '../../src/checks/run.ts';
import type { RunningServer } from '../../src/server/index.ts';
import { REPO, request, seedRepo, SEED_IDS, start, type RawResponse } from './helpers.ts';
import { freePort } from '../../scripts/free-port.ts';

let repo: Awaited<ReturnType<typeof seedRepo>>;
let server: RunningServer;
let url: string;

interface Route {
  path: string;
  /** Searches are made per request and deliberately not compressed (src/server/api/types.ts). */
  compressed: boolean;
}
let routes: Route[];

const PAGE_ASSETS = ['/assets/catalog.js', '/assets/catalog.css', '/assets/swagger-ui-bundle.js', '/assets/swagger-ui.css', '/assets/api-reference.js', '/assets/api-reference.css'];

/** The summaries of GET /v1/types, for links and ids. */
let summaries: Array<{ id: string; mediaTypes: string[]; links: Record<string, string> }>;

beforeAll(async () => {
  repo = await seedRepo();
  server = await start({ root: repo.root });
  url = server.url;
  summaries = (await request(`${url}/v1/types`)).json().types;
  const mediaTypes = [...new Set([...summaries.flatMap((s) => s.mediaTypes), 'application/vnd.oci.image.manifest.v1+json'])];
  routes = [
    { path: '/v1/catalog', compressed: true },
    { path: '/v1/types', compressed: true },
    { path: '/v1/types?q=helm', compressed: false },
    ...summaries.flatMap((s) => [
      `/v1/types/${s.id}`,
      `/v1/types/${s.id}/logo.svg`,
      s.links.logo!,
      ...(s.links.configSchema ? [s.links.configSchema] : []),
      `/v1/types/${s.id}/docs`,
    ]).map((p) => ({ path: p, compressed: true })),
    ...mediaTypes.map((m) => ({ path: `/v1/media-types/${m}`, compressed: true })),
    { path: `/v1/media-types?mediaType=${encodeURIComponent('application/vnd.cncf.helm.config.v1+json')}`, compressed: true },
    // The API reference page and what it loads from our own origin: Swagger UI's bundle and style, and its start script.
    ...['/api', ...PAGE_ASSETS].map((p) => ({ path: p, compressed: true })),
  ];
});
afterAll(async () => {
  await server?.close();
  await repo?.cleanup();
});

/** Headers that describe the response (everything but the connection's and the clock's). */
function describing(res: RawResponse): Record<string, unknown> {
  const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...rest } = res.headers;
  return rest;
}

describe('every cacheable GET route', () => {
  it('covers the catalog, the type list, each type with its logo, config schema and docs, and media types', () => {
    expect(SEED_IDS.every((id) => routes.some((r) => r.path === `/v1/types/${id}/docs`))).toBe(true);
    // At least one seed type has a config schema and one has none, so both cases are exercised.
    expect(summaries.filter((s) => s.links.configSchema).length).toBeGreaterThan(0);
    expect(summaries.filter((s) => !s.links.configSchema).length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.path.startsWith('/v1/media-types/')).length).toBeGreaterThanOrEqual(SEED_IDS.length);
  });

  it('answers 200 with a strong quoted ETag, a Cache-Control and a Content-Length', async () => {
    for (const { path: p } of routes) {
      const res = await request(`${url}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.etag, p).toMatch(/^"[\x21\x23-\x7e]+"$/); // strong: no W/, quoted, no spaces or inner quotes
      expect(res.headers['cache-control'], p).toMatch(/^(public|private|no-cache)\b.*max-age=\d+/);
      expect(res.headers['content-type'], p).toBeTruthy();
      expect(res.headers['content-encoding'], p).toBeUndefined();
      expect(Number(res.headers['content-length']), p).toBe(res.body.length);
      expect(res.body.length, p).toBeGreaterThan(0);
    }
  });

  it('answers If-None-Match with its ETag by 304, no body, and the same ETag and Cache-Control', async () => {
    for (const { path: p } of routes) {
      const first = await request(`${url}${p}`);
      const res = await request(`${url}${p}`, { headers: { 'If-None-Match': first.headers.etag! } });
      expect(res.status, p).toBe(304);
      expect(res.body.length, p).toBe(0);
      expect(res.headers.etag, p).toBe(first.headers.etag);
      expect(res.headers['cache-control'], p).toBe(first.headers['cache-control']);
      // With compression asked for too: each coding's own ETag gets its 304 (see conditional.test.ts).
      const br = await request(`${url}${p}`, { headers: { 'Accept-Encoding': 'br, gzip' } });
      const again = await request(`${url}${p}`, { headers: { 'If-None-Match': br.headers.etag!, 'Accept-Encoding': 'br, gzip' } });
      expect(again.status, p).toBe(304);
      expect(again.headers.etag, p).toBe(br.headers.etag);
      // Another ETag is not a match.
      expect((await request(`${url}${p}`, { headers: { 'If-None-Match': '"sha256:not-this-one"' } })).status, p).toBe(200);
    }
  });

  it('answers HEAD with the same headers as GET and no body, for each encoding', async () => {
    for (const { path: p } of routes) {
      for (const encoding of [undefined, 'br', 'gzip']) {
        const headers: Record<string, string> = encoding ? { 'Accept-Encoding': encoding } : {};
        const get = await request(`${url}${p}`, { headers });
        const head = await request(`${url}${p}`, { method: 'HEAD', headers });
        expect(head.status, p).toBe(200);
        expect(head.body.length, p).toBe(0);
        expect(describing(head), `${p} ${encoding ?? 'identity'}`).toEqual(describing(get));
      }
    }
  });

  it('sends bodies of 512 bytes and more as brotli or gzip by Accept-Encoding, with Vary, decoding to the identity bytes', async () => {
    const compressedRoutes: string[] = [];
    for (const { path: p, compressed } of routes) {
      const plain = await request(`${url}${p}`);
      const br = await request(`${url}${p}`, { headers: { 'Accept-Encoding': 'br' } });
      const gz = await request(`${url}${p}`, { headers: { 'Accept-Encoding': 'gzip' } });
      const both = await request(`${url}${p}`, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
      for (const res of [br, gz, both]) {
        expect(res.status, p).toBe(200);
        // A strong ETag per content coding (RFC 9110 §8.8.3): the identity's, or it with -br / -gzip.
        const suffix = res.headers['content-encoding'] ? `-${res.headers['content-encoding']}"` : '"';
        expect(res.headers.etag, p).toBe(plain.headers.etag!.replace(/"$/, suffix));
        expect(Number(res.headers['content-length']), p).toBe(res.body.length);
      }
      if (compressed && plain.body.length >= 512) {
        compressedRoutes.push(p);
        expect(plain.headers.vary, p).toMatch(/\bAccept-Encoding\b/i);
        expect(br.headers['content-encoding'], p).toBe('br');
        expect(br.headers.vary, p).toMatch(/\bAccept-Encoding\b/i);
        expect(brotliDecompressSync(br.body).equals(plain.body), p).toBe(true);
        expect(gz.headers['content-encoding'], p).toBe('gzip');
        expect(gz.headers.vary, p).toMatch(/\bAccept-Encoding\b/i);
        expect(gunzipSync(gz.body).equals(plain.body), p).toBe(true);
        expect(both.headers['content-encoding'], p).toBe('br'); // brotli preferred
        expect(brotliDecompressSync(both.body).equals(plain.body), p).toBe(true);
      } else {
        for (const res of [br, gz, both]) {
          expect(res.headers['content-encoding'], p).toBeUndefined();
          expect(res.body.equals(plain.body), p).toBe(true);
        }
      }
    }
    // The check above is not vacuous: these are all 512 bytes or more with the seed types (their logos
    // are smaller; the next test serves a bigger one).
    expect(compressedRoutes).toEqual(
      expect.arrayContaining([
        '/v1/catalog',
        '/v1/types',
        '/v1/media-types/application/vnd.oci.image.manifest.v1+json',
        ...summaries.flatMap((s) => [`/v1/types/${s.id}`, `/v1/types/${s.id}/docs`, ...(s.links.configSchema ? [s.links.configSchema] : [])]),
        '/api',
        '/assets/swagger-ui-bundle.js',
        '/assets/swagger-ui.css',
      ]),
    );
  });

  it('compresses a logo of 512 bytes or more too, keeping its SVG headers and its Cache-Control at ?v=', async () => {
    // The seed catalog with a bigger helm logo, consistent with it: the logo's hash and size, and the catalog digest.
    const seed = (await runChecks({ root: repo.root })).catalog;
    const id = 'cncf.helm.chart';
    const original = await readFile(path.join(repo.root, id, 'logo.svg'), 'utf8');
    const big = original.replace(/<\/svg>\s*$/, `${'<circle cx="1" cy="1" r="1"/>'.repeat(40)}</svg>\n`);
    expect(big.length).toBeGreaterThan(1024);
    const types = seed.types.map((t) => (t.id === id ? { ...t, logo: { ...t.logo, sha256: sha256(big), size: Buffer.byteLength(big) } } : t));
    const catalog = { ...seed, types, digest: sha256(canonicalJson(types)) };
    const other = await start({ catalog, logos: new Map([[id, big]]) });
    try {
      const type = catalog.types.find((t) => t.id === id)!;
      const versioned = (await request(`${other.url}/v1/types/${id}`)).json().links.logo as string;
      expect(versioned).toBe(`/v1/types/${id}/logo.svg?v=${type.logo.sha256.slice(7, 19)}`);
      for (const [p, cache] of [[`/v1/types/${id}/logo.svg`, 'public, max-age=86400'], [versioned, 'public, max-age=31536000, immutable']] as const) {
        const plain = await request(`${other.url}${p}`);
        expect(plain.text, p).toBe(big);
        for (const [encoding, decode] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
          const res = await request(`${other.url}${p}`, { headers: { 'Accept-Encoding': encoding } });
          expect(res.headers['content-encoding'], p).toBe(encoding);
          expect(res.headers.vary, p).toMatch(/\bAccept-Encoding\b/i);
          expect(decode(res.body).equals(plain.body), p).toBe(true);
          expect(res.headers['content-type'], p).toBe('image/svg+xml');
          expect(res.headers['x-content-type-options'], p).toBe('nosniff');
          expect(res.headers['content-security-policy'], p).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
          expect(res.headers['cache-control'], p).toBe(cache);
          expect(res.headers.etag, p).toBe(plain.headers.etag!.replace(/"$/, `-${encoding}"`));
          const head = await request(`${other.url}${p}`, { method: 'HEAD', headers: { 'Accept-Encoding': encoding } });
          expect(head.body.length, p).toBe(0);
          expect(describing(head), p).toEqual(describing(res));
        }
      }
    } finally {
      await other.close();
    }
  });
});

describe('logos', () => {
  it('are sandboxed SVG: image/svg+xml, nosniff and a CSP without scripts, on every variant of the URL', async () => {
    for (const s of summaries) {
      for (const p of [`/v1/types/${s.id}/logo.svg`, s.links.logo!]) {
        for (const method of ['GET', 'HEAD']) {
          const res = await request(`${url}${p}`, { method, headers: { 'Accept-Encoding': 'br' } });
          expect(res.status, p).toBe(200);
          expect(res.headers['content-type'], p).toBe('image/svg+xml');
          expect(res.headers['x-content-type-options'], p).toBe('nosniff');
          expect(res.headers['content-security-policy'], p).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
        }
      }
      const plain = await request(`${url}/v1/types/${s.id}/logo.svg`);
      expect(plain.text).toBe(await readFile(path.join(repo.root, s.id, 'logo.svg'), 'utf8'));
    }
  });

  it('are immutable at the ?v= URL the catalog links to, and cached for a day anywhere else', async () => {
    for (const s of summaries) {
      const versioned = s.links.logo!;
      expect(versioned, s.id).toMatch(new RegExp(`^/v1/types/${s.id.replace(/\./g, '\\.')}/logo\\.svg\\?v=[0-9a-f]{12}$`));
      const wrong = versioned.replace(/v=([0-9a-f]{12})$/, (_, v: string) => `v=${v.replace(/^./, (c) => (c === '0' ? '1' : '0'))}`);
      expect(wrong).not.toBe(versioned);
      const cacheOf = async (p: string, headers: Record<string, string> = {}) => {
        const res = await request(`${url}${p}`, { headers });
        return { status: res.status, cache: res.headers['cache-control'], etag: res.headers.etag, body: res.body };
      };
      const immutable = await cacheOf(versioned);
      expect(immutable.status).toBe(200);
      expect(immutable.cache, versioned).toBe('public, max-age=31536000, immutable');
      const bare = await cacheOf(`/v1/types/${s.id}/logo.svg`);
      expect(bare.cache).toBe('public, max-age=86400');
      for (const p of [wrong, `/v1/types/${s.id}/logo.svg?v=`, `/v1/types/${s.id}/logo.svg?v=latest`, `/v1/types/${s.id}/logo.svg?other=1`]) {
        const res = await cacheOf(p);
        expect(res.status, p).toBe(200);
        expect(res.cache, p).toBe('public, max-age=86400');
        expect(res.etag, p).toBe(immutable.etag); // the same bytes, only the caching differs
        expect(res.body.equals(immutable.body), p).toBe(true);
      }
      // The 304 of each keeps its own Cache-Control; HEAD and compressed variants too.
      expect(await cacheOf(versioned, { 'If-None-Match': immutable.etag! })).toMatchObject({ status: 304, cache: 'public, max-age=31536000, immutable' });
      expect(await cacheOf(`/v1/types/${s.id}/logo.svg`, { 'If-None-Match': immutable.etag! })).toMatchObject({ status: 304, cache: 'public, max-age=86400' });
      expect((await request(`${url}${versioned}`, { method: 'HEAD', headers: { 'Accept-Encoding': 'gzip' } })).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
  });
});

// --- The serve command in a real process -------------------------------------------------------

const children = new Set<ChildProcess>();
let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-headers-'));
});
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }
  if (temp) await rm(temp, { recursive: true, force: true });
});

interface Serve {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** `node bin/artifact-types.js serve ARGS` with exactly the HOST/PORT given (none inherited). */
function serve(args: string[], env: { HOST?: string; PORT?: string } = {}): Serve {
  const { HOST: _host, PORT: _port, WORKERS: _workers, ...base } = process.env;
  const child = spawn(process.execPath, [path.join(REPO, 'bin/artifact-types.js'), 'serve', ...args], { cwd: REPO, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      children.delete(child);
    },
  };
}

/** Polls /healthz until it answers 200; fails early if the process exits. */
async function healthy(run: Serve, base: string, ms = 60_000): Promise<void> {
  let exit: number | null | undefined;
  void run.exited.then((code) => (exit = code));
  const until = Date.now() + ms;
  for (;;) {
    if (exit !== undefined) throw new Error(`serve exited (${exit}) before answering ${base}/healthz:\n${run.stderr()}`);
    const res = await request(`${base}/healthz`).catch(() => null);
    if (res?.status === 200) {
      expect(res.json()).toEqual({ status: 'ok' });
      return;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${base}/healthz:\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The `serving` JSON log line's url. */
function servingUrl(run: Serve): string | undefined {
  for (const line of run.stdout().split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'serving') return entry.url;
  }
  return undefined;
}

/** An address on no interface of this machine (TEST-NET-1): listening on it fails with EADDRNOTAVAIL. */
const NOT_HERE = '192.0.2.1';

describe('the serve command: where it listens', () => {
  it('listens on HOST and PORT from the environment', async () => {
    const port = await freePort();
    const run = serve(['--root', repo.root], { HOST: '127.0.0.1', PORT: String(port) });
    try {
      await healthy(run, `http://127.0.0.1:${port}`);
      expect(servingUrl(run)).toBe(`http://127.0.0.1:${port}`);
      expect((await request(`http://127.0.0.1:${port}/v1/types`)).json().count).toBe(SEED_IDS.length);
    } finally {
      await run.stop();
    }
  }, 90_000);

  it('reads HOST from the environment: an address not on this machine is refused with a one-line error', async () => {
    const port = await freePort();
    const run = serve(['--root', repo.root], { HOST: NOT_HERE, PORT: String(port) });
    try {
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toContain(`cannot listen on ${NOT_HERE}:${port}: EADDRNOTAVAIL`);
      expect(run.stderr()).not.toMatch(/\n\s+at /);
    } finally {
      await run.stop();
    }
  }, 90_000);

  it('--host and --port win over HOST and PORT', async () => {
    const [port, other] = [await freePort(), await freePort()];
    const run = serve(['--root', repo.root, '--host', '127.0.0.1', '--port', String(port)], { HOST: NOT_HERE, PORT: String(other) });
    try {
      await healthy(run, `http://127.0.0.1:${port}`);
      expect(servingUrl(run)).toBe(`http://127.0.0.1:${port}`);
      await expect(request(`http://127.0.0.1:${other}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await run.stop();
    }
  }, 90_000);

  it('--catalog serves a catalog.json written by `artifact-types build`', async () => {
    const out = path.join(temp, 'dist');
    const build = spawn(process.execPath, [path.join(REPO, 'bin/artifact-types.js'), 'build', '--root', repo.root, '--out', out, '--no-generated', '--no-package'], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(build);
    let buildErr = '';
    build.stderr!.on('data', (d) => (buildErr += d));
    const code = await new Promise<number | null>((resolve) => build.once('exit', resolve));
    children.delete(build);
    expect(code, buildErr).toBe(0);
    const built = JSON.parse(await readFile(path.join(out, 'catalog.json'), 'utf8')) as { digest: string; types: Array<{ id: string }> };
    expect(built.types.map((t) => t.id)).toEqual(SEED_IDS);

    const port = await freePort();
    const run = serve(['--catalog', path.join(out, 'catalog.json'), '--host', '127.0.0.1', '--port', String(port)]);
    try {
      const base = `http://127.0.0.1:${port}`;
      await healthy(run, base);
      const catalog = await request(`${base}/v1/catalog`);
      expect(catalog.json().digest).toBe(built.digest);
      expect(catalog.headers.etag).toBe(`"${built.digest}"`);
      const logo = await request(`${base}/v1/types/sylabs.sif/logo.svg`);
      expect(logo.status).toBe(200);
      expect(logo.text).toBe(await readFile(path.join(out, 'logos', 'sylabs.sif.svg'), 'utf8'));
    } finally {
      await run.stop();
    }
  }, 90_000);
});
