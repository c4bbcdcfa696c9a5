// POST /v1/classify as a validation service and for referrers lists, over a real socket: every
// image-spec violation comes back with its pointer and spec section beside the classification, and the
// wrapper form's `tag` marks a tag-schema index as a referrers list (never a multi-platform image).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/index.ts';
import { errorOf, request, seedRepo, start } from './helpers.ts';

let repo: Awaited<ReturnType<typeof seedRepo>>;
let server: RunningServer;

beforeAll(async () => {
  repo = await seedRepo();
  server = await start({ root: repo.root });
});
afterAll(async () => {
  await server?.close();
  await repo?.cleanup();
});

const post = (body: unknown) => request(`${server.url}/v1/classify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const SHA = `sha256:${'a'.repeat(64)}`;

describe('POST /v1/classify: validation and referrers lists', () => {
  it('answers the classification with every violation of the image-spec', async () => {
    const res = await post({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.cncf.notary.signature', digest: 'sha256:1234', size: 2 },
      layers: [{ mediaType: 'application/jose+json', digest: SHA, size: '675598' }],
    });
    expect(res.status).toBe(200);
    const result = res.json();
    expect(result.id).toBe('cncf.notary.signature');
    expect(result.validation.map((v: { code: string; path: string; severity: string }) => [v.severity, v.code, v.path])).toEqual([
      ['error', 'digest-encoding', '/config/digest'],
      ['error', 'descriptor-size', '/layers/0/size'],
    ]);
    expect(result.validation[1].spec).toBe('https://github.com/opencontainers/image-spec/blob/v1.1.1/descriptor.md#properties');
  });

  it('names a tag-schema index a referrers list of its subject', async () => {
    const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: SHA, size: 700, artifactType: 'application/vnd.cncf.notary.signature' }] };
    const res = await post({ manifest: index, tag: `sha256-${'b'.repeat(64)}` });
    expect(res.status).toBe(200);
    const result = res.json();
    expect(result.id).toBeNull();
    expect(result.referrersList).toEqual({ source: 'tag-schema', subject: `sha256:${'b'.repeat(64)}`, entries: [{ pointer: '/manifests/0', digest: SHA, artifactType: 'application/vnd.cncf.notary.signature', id: 'cncf.notary.signature', displayName: expect.any(String) }] });
  });

  it('a manifest that cannot be classified is a 400 that still lists every violation', async () => {
    const res = await post({ schemaVersion: 2, config: 'x', layers: [{ mediaType: 'application/octet-stream', digest: 'md5', size: -1 }] });
    expect(res.status).toBe(400);
    const error = errorOf(res);
    expect(error).toMatchObject({ code: 'not-a-manifest', pointer: '/config' });
    expect((error.validation as Array<{ code: string; path: string }>).map((v) => [v.code, v.path])).toEqual([
      ['media-type', '/mediaType'],
      ['descriptor', '/config'],
      ['descriptor-digest', '/layers/0/digest'],
      ['descriptor-size', '/layers/0/size'],
    ]);
  });

  it('refuses a tag that is not a string, naming the field', async () => {
    const res = await post({ manifest: { schemaVersion: 2, manifests: [] }, tag: 5 });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'not-a-manifest', pointer: '/tag' });
  });
});
