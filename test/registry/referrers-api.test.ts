// The referrers API path: no registry with the API is packaged here, so a local handler that follows
// distribution-spec 1.1 (referrers listing, the OCI-Subject header, the artifactType filter) stands in
// front of the real CNCF distribution registry. skopeo pushes a umoci image through it; @sigstore/oci
// sees the API (OCI-Subject and a 200 from the referrers endpoint) and writes no tag-schema index; an
// SBOM and a Notary signature with subject are pushed untagged. `ls` must find them by the API alone.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { attachArtifactToImage } from '@sigstore/oci';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/model/catalog.ts';
import { listRegistry, RegistryClient, sha256Digest, type RegistryListing } from '../../src/registry/index.ts';
import { definitionsCatalog, DEFINITIONS } from './catalog-fixture.ts';
import { pushWithSubject } from './push-artifact.ts';
import { startReferrersProxy, type ReferrersProxy } from './referrers-proxy.ts';
import { startRegistry, type RunningRegistry } from './registry-server.ts';
import { skopeoCopy, umociImage } from './real-tools.ts';

// @sigstore/oci signs in before it pushes, so the registry needs authentication.
const credentials = { username: 'publisher', password: 's3cret-pass' };
let registry: RunningRegistry;
let proxy: ReferrersProxy;
let catalog: Catalog;
let client: RegistryClient;
let work: string;
let imageDigest: string;
let listing: RegistryListing;
let sbomDigest = '';
const SPDX = 'application/spdx+json';

async function example(id: string, name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(DEFINITIONS, id, 'examples', name), 'utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  [registry, catalog] = await Promise.all([startRegistry({ auth: credentials }), definitionsCatalog()]);
  proxy = await startReferrersProxy(registry.url);
  client = new RegistryClient(proxy.registry, { credentials });
  work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-referrers-api-'));
  const layout = await umociImage(work, 'v1', 'hello through the referrers API\n');
  await skopeoCopy(work, { from: `oci:${layout}:v1`, to: `${proxy.registry}/app:v1`, credentials });
  imageDigest = (await client.getManifest('app', 'v1')).digest;
  await attachArtifactToImage({
    imageName: `${proxy.registry}/app`,
    imageDigest,
    artifact: Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}'),
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    annotations: { 'dev.sigstore.bundle.content': 'message-signature' },
    credentials,
  });
  // Untagged, by digest, as oras attach and notation sign push them to a registry with the API.
  for (const [id, name] of [['spdx.sbom', 'oras-attach.manifest.json'], ['cncf.notary.signature', 'jws.manifest.json']] as const) {
    const digest = await pushWithSubject(client, 'app', null, await example(id, name), { digest: imageDigest, client });
    if (id === 'spdx.sbom') sbomDigest = digest;
  }
  // A Notary signature on the SBOM: a referrer of a referrer.
  await pushWithSubject(client, 'app', null, await example('cncf.notary.signature', 'cose-config-form.manifest.json'), { digest: sbomDigest, client });
  listing = await listRegistry(proxy.registry, catalog, { credentials });
}, 300_000);

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('ls on a registry with the referrers API', () => {
  it('the handler answers as distribution-spec 1.1 says: OCI-Subject on push, the index, the filter header', async () => {
    const response = await client.request(`/v2/app/referrers/${imageDigest}?artifactType=${encodeURIComponent(SPDX)}`, { scope: 'repository:app:pull', what: 'test' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    expect(response.headers.get('oci-filters-applied')).toBe('artifactType');
    const index = (await response.json()) as { manifests: Array<{ artifactType: string }> };
    expect(index.manifests.map((m) => m.artifactType)).toEqual([SPDX]);
    // A manifest with subject pushed through the handler comes back with OCI-Subject.
    const empty = await client.pushBlob('app', Buffer.from('{}'));
    const probe = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.example.probe.v1', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty.digest, size: 2 }, layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: empty.digest, size: 2 }], subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: imageDigest, size: 345 } }));
    const put = await client.request(`/v2/app/manifests/${sha256Digest(probe)}`, { method: 'PUT', scope: 'repository:app:pull,push', what: 'test', body: probe, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(put.headers.get('oci-subject')).toBe(imageDigest);
    expect((await client.request('/v2/app/referrers/not-a-digest', { scope: 'repository:app:pull', what: 'test', accept: [400] })).status).toBe(400);
  });

  it('@sigstore/oci saw the API and wrote no tag-schema index', async () => {
    const tags: string[] = [];
    for await (const tag of client.tags('app')) tags.push(tag);
    expect(tags).not.toContain(imageDigest.replace(':', '-'));
  });

  it('lists the referrers the API returns under the image, each by its own type, with the subject in their commands', () => {
    expect(listing.referrersApi).toBe(true);
    const image = listing.artifacts.find((a) => a.tag === 'v1')!;
    expect(image.type?.id).toBe('opencontainers.image');
    expect(image.referrers.map((r) => r.type?.id).sort()).toEqual(['cncf.notary.signature', 'sigstore.bundle', 'spdx.sbom']);
    for (const r of image.referrers) {
      expect(r.via).toContain('referrers-api');
      expect(r.subject?.digest).toBe(imageDigest);
    }
    const notary = image.referrers.find((r) => r.type?.id === 'cncf.notary.signature')!;
    expect(notary.actions.map((a) => a.command)).toContain(`notation verify ${proxy.registry}/app@${imageDigest}`);
    expect(proxy.requests).toContain(`/v2/app/referrers/${imageDigest}`);
  });

  it('nests a referrer of a referrer (a signature on the SBOM) under it, with the SBOM as its subject', () => {
    const sbom = listing.artifacts.find((a) => a.tag === 'v1')!.referrers.find((r) => r.type?.id === 'spdx.sbom')!;
    expect(sbom.digest).toBe(sbomDigest);
    expect(sbom.referrers.map((r) => [r.type?.id, r.via, r.subject?.digest])).toEqual([['cncf.notary.signature', ['referrers-api'], sbomDigest]]);
    expect(sbom.referrers[0]!.actions.map((a) => a.command)).toContain(`notation verify ${proxy.registry}/app@${sbomDigest}`);
  });

  it('asks the registry to filter by artifactType', async () => {
    proxy.requests.length = 0;
    const filtered = await listRegistry(proxy.registry, catalog, { credentials, referrerType: SPDX });
    const image = filtered.artifacts.find((a) => a.tag === 'v1')!;
    expect(image.referrers.map((r) => r.type?.id)).toEqual(['spdx.sbom']);
    expect(proxy.requests).toContain(`/v2/app/referrers/${imageDigest}?artifactType=${encodeURIComponent(SPDX)}`);
  });
});
