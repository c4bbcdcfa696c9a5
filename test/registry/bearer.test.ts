// The bearer-token challenge flow against a real CNCF distribution registry configured for token
// auth: 401 + WWW-Authenticate: Bearer realm=…,service=…,scope=…, a token from the realm, retry.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/model/catalog.ts';
import { listRegistry, pullCatalog, pushCatalog, RegistryError } from '../../src/registry/index.ts';
import { definitionsCatalog, writeTestDist } from './catalog-fixture.ts';
import { startRegistry, type RunningRegistry } from './registry-server.ts';
import { startTokenServer, type TokenServer } from './token-server.ts';

const credentials = { username: 'robot', password: 'token-pass' };
let tokens: TokenServer;
let registry: RunningRegistry;
let catalog: Catalog;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-bearer-'));
  tokens = await startTokenServer(work, { [credentials.username]: { password: credentials.password, push: true }, reader: { password: 'read-only', push: false } });
  [registry, catalog] = await Promise.all([
    startRegistry({ token: { realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.certFile } }),
    definitionsCatalog(),
  ]);
  await writeTestDist(work);
});

afterAll(async () => {
  await registry?.stop();
  await tokens?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('bearer-token auth', () => {
  it('gets scoped tokens from the realm and pushes, pulls and lists with them', async () => {
    const reference = `${registry.registry}/bearer/catalog:1`;
    const catalogFile = path.join(work, 'dist', 'catalog.json');
    const pushed = await pushCatalog(reference, catalogFile, { credentials });
    const pulled = await pullCatalog(reference, path.join(work, 'pulled'), { credentials });
    expect(pulled.digest).toBe(pushed.digest);
    expect(await readFile(pulled.catalogFile)).toEqual(await readFile(catalogFile));
    const listing = await listRegistry(registry.registry, catalog, { credentials });
    expect(listing.artifacts.map((a) => a.reference)).toEqual([reference]);
    // distribution orders a challenge's actions arbitrarily (push,pull or pull,push): compare as sets.
    const scopes = tokens.requests.flatMap((r) => r.scopes).map((s) => s.replace(/:([a-z*,]+)$/, (_, a: string) => `:${a.split(',').sort().join(',')}`));
    expect(scopes).toContain('repository:bearer/catalog:pull,push');
    expect(scopes).toContain('repository:bearer/catalog:pull');
    expect(scopes).toContain('registry:catalog:*');
    expect(tokens.requests.every((r) => r.user === credentials.username)).toBe(true);
  });

  it('tells a valid user without push access that the permission is missing', async () => {
    const error = await pushCatalog(`${registry.registry}/bearer/catalog:2`, path.join(work, 'dist', 'catalog.json'), { credentials: { username: 'reader', password: 'read-only' } }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('DENIED');
    expect((error as RegistryError).message).toContain('the credentials are valid but do not grant repository:bearer/catalog:pull,push');
    // The same user can still pull.
    expect((await pullCatalog(`${registry.registry}/bearer/catalog:1`, path.join(work, 'reader'), { credentials: { username: 'reader', password: 'read-only' } })).catalog.digest).toBe(catalog.digest);
  });

  it('explains a refused token without credentials', async () => {
    const error = await pullCatalog(`${registry.registry}/bearer/catalog:1`, path.join(work, 'anonymous')).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('UNAUTHORIZED');
    expect((error as RegistryError).message).toContain(`token service http://127.0.0.1`);
    expect((error as RegistryError).message).toContain('--username');
  });
});
