// The real `serve` command against a real CNCF distribution: --catalog-from pulls and verifies the
// catalog artifact and serves it (SIGHUP pulls again); --registry enables /registry, which lists
// the registry with every artifact named and its commands filled in, and never another registry.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushCatalog, RegistryClient } from '../../src/registry/index.ts';
import { definitionsCatalog, writeTestDist } from './catalog-fixture.ts';
import { exampleFiles, pushExample } from './example-artifacts.ts';
import { startRegistry, type RunningRegistry } from './registry-server.ts';

const BIN = path.resolve('bin/artifact-types.js');
let registry: RunningRegistry;
let temp: string;
let catalogFile: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'serve-from-registry-'));
  registry = await startRegistry();
  catalogFile = await writeTestDist(temp);
  await pushCatalog(`${registry.registry}/artifact-types/catalog:1`, catalogFile);
  // Something to list: a Helm chart, and a manifest nothing in the catalog names.
  const client = new RegistryClient(registry.registry);
  const [helm] = await exampleFiles(path.resolve('definitions'), 'cncf.helm.chart');
  await pushExample(client, helm!, 'charts/web', '1.0.0');
  const unknown = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.example.nothing.v1', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 }, layers: [] };
  await client.pushBlob('misc/thing', Buffer.from('{}'));
  await client.putManifest('misc/thing', 'v1', Buffer.from(JSON.stringify(unknown)), unknown.mediaType);
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await registry?.stop();
  await rm(temp, { recursive: true, force: true });
});

function serve(args: string[]): { child: ChildProcess; url: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      output += d;
      const line = output.split('\n').find((l) => l.includes('"msg":"serving"'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)));
  });
  return { child, url, output: () => output };
}

describe('serve --catalog-from and --registry', { timeout: 120_000 }, () => {
  it('serves the catalog pulled from the registry, and lists the registry', async () => {
    const reference = `${registry.registry}/artifact-types/catalog:1`;
    const run = serve(['--catalog-from', reference, '--registry', registry.url]);
    const url = await run.url;
    const expected = await definitionsCatalog();

    const catalog = (await (await fetch(`${url}/v1/catalog`)).json()) as { digest: string; types: unknown[] };
    expect(catalog.digest).toBe(expected.digest);
    expect(catalog.types).toHaveLength(expected.types.length);
    const logo = await fetch(`${url}/v1/types/cncf.helm.chart/logo.svg`);
    expect(logo.status).toBe(200);
    expect(await logo.text()).toContain('<svg');
    expect(run.output()).toContain(`${reference}@sha256:`); // the source it serves, by digest

    const page = await fetch(`${url}/registry`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`${registry.registry}/charts/web:1.0.0`);
    expect(html).toContain('href="/types/cncf.helm.chart">Helm chart</a>');
    expect(html).toContain(`helm pull oci://${registry.registry}/charts/web --version 1.0.0`);
    expect(html).toContain(`${registry.registry}/artifact-types/catalog:1`);
    expect(html).toMatch(/misc\/thing:v1<\/code>.*?<span class="unknown">unknown<\/span>.*?application\/vnd\.example\.nothing\.v1/s);

    // The page lists only its own registry, whatever the request says.
    const other = await fetch(`${url}/registry?url=${encodeURIComponent('http://127.0.0.1:1')}`);
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: { message: string } }).error.message).toContain('never lists a registry named in the request');
    expect((await fetch(`${url}/registry?url=${encodeURIComponent(registry.url)}`)).status).toBe(200);

    // SIGHUP pulls again: a new catalog pushed under the same tag is served after the reload.
    const next = path.join(temp, 'next');
    await cp(path.dirname(catalogFile), next, { recursive: true, dereference: true });
    const nextFile = path.join(next, 'catalog.json');
    await writeFile(nextFile, JSON.stringify({ ...JSON.parse(await readFile(nextFile, 'utf8')), version: '9.9.9' }));
    await pushCatalog(reference, nextFile);
    run.child.kill('SIGHUP');
    const until = Date.now() + 30_000;
    let version = '';
    while (version !== '9.9.9' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      version = ((await (await fetch(`${url}/v1/catalog`)).json()) as { version: string }).version;
    }
    expect(version).toBe('9.9.9');
    run.child.kill('SIGTERM');
    await new Promise((resolve) => run.child.once('exit', resolve));
    expect(run.child.exitCode).toBe(0);
  });

  it('without --registry there is no registry page; a missing artifact refuses to start with a clear error', async () => {
    const plain = serve(['--catalog', catalogFile]);
    const url = await plain.url;
    const page = await fetch(`${url}/registry`);
    expect(page.status).toBe(404);
    const error = ((await page.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('no-registry');
    expect(error.message).toContain('--registry');
    plain.child.kill('SIGTERM');

    const missing = serve(['--catalog-from', `${registry.registry}/artifact-types/catalog:nope`]);
    await expect(missing.url).rejects.toThrow(/serve exited 1/);
    expect(missing.output()).toMatch(/^artifact-types: .*nope/m);
    expect(missing.output()).not.toMatch(/\n\s+at /);
    const both = serve(['--catalog-from', `${registry.registry}/artifact-types/catalog:1`, '--catalog', catalogFile]);
    await expect(both.url).rejects.toThrow(/serve exited 2/);
    expect(both.output()).toContain('give --catalog or --catalog-from, not both');
  });
});
