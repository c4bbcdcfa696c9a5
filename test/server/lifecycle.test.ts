// Server lifecycle over real sockets and a real process: atomic reloads (a broken catalog never
// replaces a good one), serving a prebuilt dist/, refusing to start on errors, SIGHUP, SIGTERM
// draining in-flight requests, and timeouts that cut slow clients.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDist } from '../../src/catalog/dist.ts';
import { runChecks } from '../../src/checks/run.ts';
import { errorOf, REPO, request, seedRepo, SEED_IDS, start } from './helpers.ts';

let repo: Awaited<ReturnType<typeof seedRepo>>;
beforeAll(async () => {
  repo = await seedRepo();
});
afterAll(async () => {
  await repo?.cleanup();
});

describe('reload', () => {
  it('keeps serving the old catalog through a broken reload, then swaps in a good one', async () => {
    const server = await start({ root: repo.root });
    const file = path.join(repo.root, 'sylabs.sif', 'definition.json');
    const original = await readFile(file, 'utf8');
    let stop = false;
    let traffic: Promise<number> = Promise.resolve(0);
    try {
      const before = (await request(`${server.url}/v1/catalog`)).headers.etag;
      // Requests keep flowing while reloads happen; not one may fail.
      const failures: string[] = [];
      traffic = (async () => {
        let n = 0;
        while (!stop) {
          const res = await request(`${server.url}/v1/types/sylabs.sif`);
          if (res.status !== 200) failures.push(`${res.status} ${res.text}`);
          n++;
        }
        return n;
      })();

      await writeFile(file, original.replace('"id"', '"id": 1, "id"'));
      expect(await server.reload()).toBe(false);
      expect((await request(`${server.url}/v1/catalog`)).headers.etag).toBe(before);
      expect((await request(`${server.url}/metrics`)).text).toContain('artifact_types_catalog_reloads_total{result="failed"} 1');

      await writeFile(file, original.replace(/"displayName": "[^"]*"/, '"displayName": "Renamed SIF"'));
      const { writeGeneratedFiles } = await import('../../src/catalog/generated.ts');
      await writeGeneratedFiles(repo.dir, (await runChecks({ root: repo.root })).catalog);
      expect(await server.reload()).toBe(true);
      const after = await request(`${server.url}/v1/types/sylabs.sif`);
      expect(after.json().displayName).toBe('Renamed SIF');
      expect((await request(`${server.url}/v1/catalog`)).headers.etag).not.toBe(before);
      stop = true;
      expect(await traffic).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    } finally {
      stop = true;
      await traffic.catch(() => 0);
      await writeFile(file, original);
      const { writeGeneratedFiles } = await import('../../src/catalog/generated.ts');
      await writeGeneratedFiles(repo.dir, (await runChecks({ root: repo.root })).catalog);
      await server.close();
    }
  });
});

describe('watch', () => {
  it('reloads by itself when a definition changes', async () => {
    const server = await start({ root: repo.root, watch: true });
    const file = path.join(repo.root, 'cncf.notary.signature', 'definition.json');
    const original = await readFile(file, 'utf8');
    try {
      const { writeGeneratedFiles } = await import('../../src/catalog/generated.ts');
      await writeFile(file, original.replace(/"displayName": "[^"]*"/, '"displayName": "Watched signature"'));
      await writeGeneratedFiles(repo.dir, (await runChecks({ root: repo.root })).catalog);
      // Touch it again: a reload that raced the generated files above failed and must be followed by another.
      await writeFile(file, original.replace(/"displayName": "[^"]*"/, '"displayName": "Watched signature"'));
      const until = Date.now() + 20_000;
      let name = '';
      while (Date.now() < until && name !== 'Watched signature') {
        await new Promise((r) => setTimeout(r, 200));
        name = (await request(`${server.url}/v1/types/cncf.notary.signature`)).json().displayName;
      }
      expect(name).toBe('Watched signature');
    } finally {
      await server.close();
      await writeFile(file, original);
      const { writeGeneratedFiles } = await import('../../src/catalog/generated.ts');
      await writeGeneratedFiles(repo.dir, (await runChecks({ root: repo.root })).catalog);
    }
  });
});

describe('prebuilt catalog', () => {
  it('serves dist/catalog.json with its logos', async () => {
    const out = path.join(repo.dir, 'dist');
    await writeDist(out, (await runChecks({ root: repo.root })).catalog, repo.root);
    const server = await start({ catalogFile: path.join(out, 'catalog.json') });
    try {
      expect((await request(`${server.url}/v1/types`)).json().count).toBe(SEED_IDS.length);
      const logo = await request(`${server.url}/v1/types/sylabs.sif/logo.svg`);
      expect(logo.status).toBe(200);
      expect(logo.text).toBe(await readFile(path.join(repo.root, 'sylabs.sif', 'logo.svg'), 'utf8'));
      // dist/ has no READMEs: docs fall back to the title and summary.
      const docs = await request(`${server.url}/v1/types/sylabs.sif/docs`);
      expect(docs.status).toBe(200);
      expect(docs.text).toMatch(/^# /);
    } finally {
      await server.close();
    }
  });

  it('serves a catalog handed over in memory (logos missing → 404 with a reason)', async () => {
    const { catalog } = await runChecks({ root: repo.root });
    const server = await start({ catalog });
    try {
      expect((await request(`${server.url}/v1/catalog`)).json().digest).toBe(catalog.digest);
      const logo = await request(`${server.url}/v1/types/sylabs.sif/logo.svg`);
      expect(logo.status).toBe(404);
      expect(errorOf(logo).code).toBe('logo-not-found');
    } finally {
      await server.close();
    }
  });
});

describe('timeouts', () => {
  it('cuts a client that sends its headers a byte at a time, while others are served', async () => {
    const server = await start({ root: repo.root, timeouts: { headersMs: 600, requestMs: 1_000, checkIntervalMs: 100 } });
    try {
      const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
      const text = 'GET /v1/catalog HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(200);
      let received = '';
      socket.on('data', (d) => (received += d.toString()));
      const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
      const started = Date.now();
      let i = 0;
      const drip = setInterval(() => {
        if (socket.writable && i < text.length) socket.write(text[i++]!);
      }, 50);
      // Meanwhile a normal client is answered.
      expect((await request(`${server.url}/healthz`)).status).toBe(200);
      const end = await closed;
      clearInterval(drip);
      expect(end - started).toBeLessThan(3_000);
      expect(i).toBeLessThan(text.length);
      expect(received).toMatch(/^HTTP\/1\.1 408/);
      expect(received).toContain('"code":"request-timeout"');

      // A connection that never sends anything is cut the same way.
      const idle = net.connect(Number(new URL(server.url).port), '127.0.0.1');
      const idleStart = Date.now();
      let idleReceived = '';
      idle.on('data', (d) => (idleReceived += d));
      idle.on('error', () => undefined);
      await new Promise((resolve) => idle.on('close', resolve));
      expect(idleReceived).toMatch(/^HTTP\/1\.1 408/);
      expect(Date.now() - idleStart).toBeLessThan(3_000);
    } finally {
      await server.close();
    }
  });
});

describe('idle connections', () => {
  it('300 idle connections do not keep others from being served', async () => {
    const server = await start({ root: repo.root });
    const port = Number(new URL(server.url).port);
    const sockets = await Promise.all(
      Array.from({ length: 300 }, () => new Promise<net.Socket>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', () => undefined);
      })),
    );
    try {
      for (const path of ['/healthz', '/v1/types/sylabs.sif', '/']) expect((await request(`${server.url}${path}`)).status).toBe(200);
    } finally {
      for (const s of sockets) s.destroy();
      await server.close();
    }
  });
});

function spawnServe(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/artifact-types.js'), 'serve', '--port', '0', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor<T>(what: string, check: () => T | undefined, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const logLine = (stdout: string, msg: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.msg === msg);

describe('the serve command', () => {
  it('refuses to start on a catalog with errors, printing them with positions', async () => {
    const broken = path.join(repo.dir, 'broken');
    await rm(broken, { recursive: true, force: true });
    const { cp } = await import('node:fs/promises');
    await cp(repo.root, path.join(broken, 'definitions'), { recursive: true });
    await writeFile(path.join(broken, 'definitions', 'sylabs.sif', 'definition.json'), '{\n  "id": "sylabs.sif",\n  oops\n}\n');
    const run = spawnServe(['--root', path.join(broken, 'definitions')]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/definitions\/sylabs\.sif\/definition\.json:3:\d+ error json\/syntax/);
    expect(run.stderr()).toMatch(/refusing to start/);
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  });

  it('logs JSON lines, reloads on SIGHUP, and on SIGTERM finishes in-flight requests and exits 0', async () => {
    const run = spawnServe(['--root', repo.root]);
    try {
      const serving = await waitFor('the serving line', () => logLine(run.stdout(), 'serving'));
      const url: string = serving.url;
      expect((await request(`${url}/v1/types/sylabs.sif`)).status).toBe(200);
      const access = await waitFor('a request log line', () => logLine(run.stdout(), 'request completed'));
      expect(access.req).toMatchObject({ method: 'GET', url: '/v1/types/sylabs.sif' });
      expect(access.res).toEqual({ statusCode: 200 });

      run.child.kill('SIGHUP');
      await waitFor('the reload line', () => logLine(run.stdout(), 'catalog reloaded'));

      // An upload in flight when SIGTERM arrives still gets its answer.
      const body = JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/vnd.sylabs.sif.config.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 2 }, layers: [] });
      const port = Number(new URL(url).port);
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      let response = '';
      socket.on('data', (d) => (response += d));
      socket.write(`POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
      await new Promise((r) => setTimeout(r, 200));
      run.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      // New connections are refused while draining.
      await expect(request(`${url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
      socket.write(body.slice(10));
      await new Promise((r) => socket.on('close', r));
      expect(response).toMatch(/^HTTP\/1\.1 200/);
      expect(response).toContain('"id":"sylabs.sif"');
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('runs two workers with --workers 2: both serve, both reload on SIGHUP, SIGTERM exits 0', async () => {
    const run = spawnServe(['--root', repo.root, '--workers', '2']);
    try {
      const lines = () => run.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      await waitFor('two workers serving', () => (lines().filter((l) => l.msg === 'serving').length === 2 ? true : undefined));
      const serving = lines().filter((l) => l.msg === 'serving');
      expect(new Set(serving.map((l) => l.pid)).size).toBe(2);
      expect(serving[0].url).toBe(serving[1].url); // one shared port
      expect((await request(`${serving[0].url}/v1/types/sylabs.sif`)).status).toBe(200);
      run.child.kill('SIGHUP');
      await waitFor('both reloads', () => (lines().filter((l) => l.msg === 'catalog reloaded').length === 2 ? true : undefined));
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
