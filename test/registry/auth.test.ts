// Basic auth against a real CNCF distribution registry started with an htpasswd file: with
// credentials everything works; without (or with wrong ones) the user gets a clear error, never a trace.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/model/catalog.ts';
import { listRegistry, pullCatalog, pushCatalog, RegistryError } from '../../src/registry/index.ts';
import { definitionsCatalog, writeTestDist } from './catalog-fixture.ts';
import { runCli } from './cli-run.ts';
import { startRegistry, type RunningRegistry } from './registry-server.ts';

const credentials = { username: 'publisher', password: 's3cret-pass' };
let registry: RunningRegistry;
let catalog: Catalog;
let work: string;
let catalogFile: string;

beforeAll(async () => {
  [registry, catalog] = await Promise.all([startRegistry({ auth: credentials }), definitionsCatalog()]);
  work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-auth-'));
  catalogFile = await writeTestDist(work);
});

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('registry with htpasswd basic auth', () => {
  it('pushes, pulls and lists with credentials', async () => {
    const reference = `${registry.registry}/private/catalog:1`;
    const pushed = await pushCatalog(reference, catalogFile, { credentials });
    const pulled = await pullCatalog(reference, path.join(work, 'pulled'), { credentials });
    expect(pulled.digest).toBe(pushed.digest);
    expect(await readFile(pulled.catalogFile)).toEqual(await readFile(catalogFile));
    const listing = await listRegistry(registry.registry, catalog, { credentials });
    expect(listing.artifacts.map((a) => a.reference)).toEqual([reference]);
  });

  it('says to pass credentials when there are none', async () => {
    const error = await rejection(pullCatalog(`${registry.registry}/private/catalog:1`, path.join(work, 'anonymous')));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('requires authentication');
    expect(error.message).toContain('--username');
    const list = await rejection(listRegistry(registry.registry, catalog));
    expect(list.code).toBe('UNAUTHORIZED');
  });

  it('says the credentials were rejected when they are wrong', async () => {
    const error = await rejection(pushCatalog(`${registry.registry}/private/catalog:2`, catalogFile, { credentials: { username: 'publisher', password: 'wrong' } }));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('rejected the username and password');
  });

  it('the CLI takes credentials from the environment and fails cleanly without them', { timeout: 90_000 }, async () => {
    const reference = `${registry.registry}/private/cli:1`;
    const env = { ARTIFACT_TYPES_REGISTRY_USERNAME: credentials.username, ARTIFACT_TYPES_REGISTRY_PASSWORD: credentials.password };
    const push = await runCli(['push', reference, '--catalog', catalogFile], env);
    expect(push.stderr).toContain('types;');
    expect(push.code).toBe(0);
    expect(push.stdout).toMatch(new RegExp(`^pushed ${reference.replace(/[.:/]/g, '\\$&')}@sha256:[a-f0-9]{64}\\n$`));

    const denied = await runCli(['pull', reference, '--output', path.join(work, 'cli-denied')], { ARTIFACT_TYPES_REGISTRY_USERNAME: undefined, ARTIFACT_TYPES_REGISTRY_PASSWORD: undefined });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^artifact-types: .*401 UNAUTHORIZED.*--username and --password/);
    expect(denied.stderr).not.toMatch(/\n\s+at /);

    const flags = await runCli(['pull', reference, '--output', path.join(work, 'cli-pulled'), '--username', credentials.username, '--password', credentials.password]);
    expect(flags.code).toBe(0);
    expect(await readFile(path.join(work, 'cli-pulled', 'catalog.json'))).toEqual(await readFile(catalogFile));
  });
});
