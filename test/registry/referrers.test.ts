// What is attached to an image, with real clients against the real CNCF distribution registry (which
// has no referrers API): umoci builds an image and skopeo pushes it as OCI and as Docker schema 2;
// @sigstore/oci attaches a Sigstore bundle (it writes the referrers tag schema's index); the
// Dev Containers CLI publishes a Feature. A cosign `.sig` tag and an SBOM with `subject` are pushed from
// the catalog's examples with our client (cosign and oras are not packaged here). `ls` must name every
// artifact, list each referrer under its subject with the subject in the commands that take it, and never
// call the referrers list a multi-platform image.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { attachArtifactToImage } from '@sigstore/oci';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/model/catalog.ts';
import { listRegistry, RegistryClient, type ListedArtifact, type RegistryListing } from '../../src/registry/index.ts';
import { formatListing, topLevel } from '../../src/cli/commands/ls.ts';
import { registryPage } from '../../src/server/pages/registry.ts';
import { definitionsCatalog, DEFINITIONS, writeTestDist } from './catalog-fixture.ts';
import { runCli } from './cli-run.ts';
import { pushWithSubject } from './push-artifact.ts';
import { startRegistry, type RunningRegistry } from './registry-server.ts';
import { skopeoCopy, umociImage, umociMultiPlatform } from './real-tools.ts';

const run = promisify(execFile);
const credentials = { username: 'publisher', password: 's3cret-pass' };
const DEVCONTAINER = path.resolve(import.meta.dirname, '../../node_modules/@devcontainers/cli/devcontainer.js');
const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

let registry: RunningRegistry;
let catalog: Catalog;
let client: RegistryClient;
let work: string;
let listing: RegistryListing;
let imageDigest: string;
let bundleDigest: string;

async function example(id: string, name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(DEFINITIONS, id, 'examples', name), 'utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  [registry, catalog] = await Promise.all([startRegistry({ auth: credentials }), definitionsCatalog()]);
  client = new RegistryClient(registry.registry, { credentials });
  work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-referrers-'));

  // umoci + skopeo: one OCI image and the same image as Docker schema 2.
  const layout = await umociImage(work, 'v1', 'hello from umoci\n');
  await skopeoCopy(work, { from: `oci:${layout}:v1`, to: `${registry.registry}/app:v1`, credentials });
  await skopeoCopy(work, { from: `oci:${layout}:v1`, to: `${registry.registry}/app:docker`, format: 'v2s2', credentials });
  imageDigest = (await client.getManifest('app', 'v1')).digest;
  // A multi-platform image (amd64 + arm64), as an OCI index and as a Docker manifest list.
  const multi = await umociMultiPlatform(work, 'multi', ['amd64', 'arm64']);
  await skopeoCopy(work, { from: `oci:${multi}:multi`, to: `${registry.registry}/app:multi`, all: true, credentials });
  await skopeoCopy(work, { from: `oci:${multi}:multi`, to: `${registry.registry}/app:multi-docker`, all: true, format: 'v2s2', credentials });

  // @sigstore/oci: a Sigstore bundle attached to the OCI image; distribution has no referrers API, so the
  // library writes the tag schema's index `sha256-<hex>`.
  const bundle = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: {}, dsseEnvelope: { payload: 'e30=', payloadType: 'application/vnd.in-toto+json', signatures: [] } };
  const attached = await attachArtifactToImage({
    imageName: `${registry.registry}/app`,
    imageDigest,
    artifact: Buffer.from(JSON.stringify(bundle)),
    mediaType: BUNDLE_TYPE,
    annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' },
    credentials,
  });
  bundleDigest = attached.digest;

  // cosign's tag scheme (sha256-<hex>.sig) and an SPDX SBOM with subject, from the catalog's examples.
  await pushWithSubject(client, 'app', `${imageDigest.replace(':', '-')}.sig`, await example('sigstore.cosign.signature', 'tag-scheme-keyless.manifest.json'), null);
  await pushWithSubject(client, 'app', 'sbom', await example('spdx.sbom', 'oras-attach.manifest.json'), { digest: imageDigest, client });

  // The Dev Containers CLI publishes a Feature (plain HTTP for localhost, credentials from DEVCONTAINERS_OCI_AUTH).
  const feature = path.join(work, 'features', 'src', 'hello');
  await mkdir(feature, { recursive: true });
  await writeFile(path.join(feature, 'devcontainer-feature.json'), JSON.stringify({ id: 'hello', version: '1.0.0', name: 'Hello', description: 'Says hello' }));
  await writeFile(path.join(feature, 'install.sh'), '#!/bin/sh\necho hello\n', { mode: 0o755 });
  const port = registry.registry.split(':')[1];
  await run(process.execPath, [DEVCONTAINER, 'features', 'publish', path.join(work, 'features', 'src'), '--registry', `localhost:${port}`, '--namespace', 'devcontainers/features', '--log-level', 'info'], {
    env: { ...process.env, DEVCONTAINERS_OCI_AUTH: `localhost:${port}|${credentials.username}|${credentials.password}` },
    timeout: 120_000,
  });

  // ... and a Template.
  const template = path.join(work, 'templates', 'src', 'hello-template');
  await mkdir(path.join(template, '.devcontainer'), { recursive: true });
  await writeFile(path.join(template, 'devcontainer-template.json'), JSON.stringify({ id: 'hello-template', version: '1.0.0', name: 'Hello template', description: 'A template' }));
  await writeFile(path.join(template, '.devcontainer', 'devcontainer.json'), JSON.stringify({ image: 'mcr.microsoft.com/devcontainers/base:debian' }));
  await run(process.execPath, [DEVCONTAINER, 'templates', 'publish', path.join(work, 'templates', 'src'), '--registry', `localhost:${port}`, '--namespace', 'devcontainers/templates', '--log-level', 'info'], {
    env: { ...process.env, DEVCONTAINERS_OCI_AUTH: `localhost:${port}|${credentials.username}|${credentials.password}` },
    timeout: 120_000,
  });

  listing = await listRegistry(registry.registry, catalog, { credentials });
}, 300_000);

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function tagged(repository: string, tag: string): ListedArtifact {
  const found = listing.artifacts.find((a) => a.repository === repository && a.tag === tag);
  expect(found, `${repository}:${tag} is listed`).toBeDefined();
  return found!;
}

describe('ls with artifacts pushed by real clients (distribution: no referrers API)', () => {
  it('names every tagged artifact right', () => {
    expect(listing.referrersApi).toBe(false);
    expect(tagged('app', 'v1').type?.id).toBe('opencontainers.image');
    expect(tagged('app', 'docker').type?.id).toBe('docker.image');
    // A real multi-platform image is still one (only a referrers list is not).
    expect(tagged('app', 'multi')).toMatchObject({ role: 'artifact', type: { id: 'opencontainers.image-index' } });
    expect(tagged('app', 'multi-docker')).toMatchObject({ role: 'artifact', type: { id: 'docker.manifest-list' } });
    expect(tagged('app', `${imageDigest.replace(':', '-')}.sig`).type?.id).toBe('sigstore.cosign.signature');
    expect(tagged('app', 'sbom').type?.id).toBe('spdx.sbom');
    const features = listing.artifacts.filter((a) => a.repository === 'devcontainers/features/hello');
    expect(features.map((a) => a.tag).sort()).toEqual(['1', '1.0', '1.0.0', 'latest']);
    for (const f of features) expect(f.type?.id).toBe('devcontainers.package');
    const templates = listing.artifacts.filter((a) => a.repository === 'devcontainers/templates/hello-template');
    expect(templates.map((a) => a.tag).sort()).toEqual(['1', '1.0', '1.0.0', 'latest']);
    for (const t of templates) expect(t.type?.id).toBe('devcontainers.package');
    expect(listing.artifacts.filter((a) => !a.type && a.role !== 'referrers-list').map((a) => a.reference)).toEqual([]);
  });

  it('calls the tag-schema index a referrers list of the image, never a multi-platform image', () => {
    const list = tagged('app', imageDigest.replace(':', '-'));
    expect(list.role).toBe('referrers-list');
    expect(list.type).toBeNull();
    expect(list.actions).toEqual([]);
    expect(list.subject?.digest).toBe(imageDigest);
  });

  it('lists every referrer under its subject, each by its own type and how it was found', () => {
    const image = tagged('app', 'v1');
    const byType = Object.fromEntries(image.referrers.map((r) => [r.type?.id ?? `unknown ${r.artifactType}`, r]));
    expect(Object.keys(byType).sort()).toEqual(['sigstore.bundle', 'sigstore.cosign.signature', 'spdx.sbom']);
    expect(byType['sigstore.bundle']!).toMatchObject({ digest: bundleDigest, tag: null, via: ['tag-schema'], artifactType: BUNDLE_TYPE });
    expect(byType['sigstore.cosign.signature']!.via).toEqual(['cosign-tag']);
    expect(byType['spdx.sbom']!.via).toEqual(['subject']);
    for (const r of image.referrers) expect(r.subject).toEqual({ digest: imageDigest, reference: `${registry.registry}/app@${imageDigest}` });
    expect(tagged('app', 'docker').referrers).toEqual([]);
  });

  it("fills the referrers' commands with the subject where the tool expects the subject", () => {
    const image = tagged('app', 'v1');
    const commands = (id: string) => image.referrers.find((r) => r.type?.id === id)!.actions.map((a) => a.command);
    const subject = `${registry.registry}/app@${imageDigest}`;
    expect(commands('sigstore.cosign.signature')).toEqual([`cosign download signature ${subject}`, `cosign sign --new-bundle-format=false ${subject}`, `cosign verify --key cosign.pub ${subject}`]);
    expect(commands('spdx.sbom')).toContain(`oras discover --artifact-type application/spdx+json ${subject}`);
    expect(commands('spdx.sbom')).toContain(`trivy referrer list ${subject} --type spdx-json`);
    expect(commands('sigstore.bundle')).toContain(`gh attestation verify oci://${subject} --owner OWNER`);
    // The tagged referrers' own rows carry the same commands.
    expect(tagged('app', 'sbom').actions.map((a) => a.command)).toContain(`trivy referrer list ${subject} --type spdx-json`);
    expect(tagged('app', 'sbom').subject?.digest).toBe(imageDigest);
  });

  it('validates what it lists: umoci omits the manifest mediaType (a SHOULD), nothing breaks a MUST', () => {
    const image = tagged('app', 'v1');
    expect(image.validation.filter((v) => v.severity === 'error')).toEqual([]);
    expect(image.validation.map((v) => [v.severity, v.code])).toEqual([['warning', 'media-type']]);
  });

  it('prints referrers under their subject, not as rows of their own', () => {
    const text = formatListing(listing);
    // Only the real multi-platform images are called that.
    expect(text.split('\n').filter((l) => /multi-platform/i.test(l)).map((l) => l.split(/\s+/)[0])).toEqual([`${registry.registry}/app:multi`, `${registry.registry}/app:multi-docker`]);
    const rows = topLevel(listing).map((a) => a.tag);
    expect(rows).toContain('v1');
    expect(rows).not.toContain('sbom');
    expect(rows).not.toContain(imageDigest.replace(':', '-'));
    const block = text.slice(text.indexOf(`${registry.registry}/app:v1 `));
    expect(block).toMatch(/attached \(3\):/);
    expect(block).toContain(`└ Sigstore bundle  ${registry.registry}/app@${bundleDigest}  (via referrers tag schema)`);
  });

  it('the /registry page nests the referrers under the image, as Harbor shows accessories', () => {
    const html = registryPage(listing, 'test catalog');
    const image = html.indexOf(`data-reference="${registry.registry}/app:v1"`);
    const accessories = html.indexOf(`<tr class="accessories" data-subject="${registry.registry}/app:v1">`);
    expect(image).toBeGreaterThan(0);
    expect(accessories).toBeGreaterThan(image);
    const nested = html.slice(accessories, html.indexOf('</table>', accessories));
    expect(nested).toContain('Attached (3)');
    expect(nested).toContain(`data-reference="${registry.registry}/app@${bundleDigest}"`);
    expect(nested).toContain(`cosign verify --key cosign.pub ${registry.registry}/app@${imageDigest}`);
    // The referrers list and the tagged referrers have no rows of their own at the top.
    expect(html).not.toContain(`<tr data-reference="${registry.registry}/app:${imageDigest.replace(':', '-')}"`);
    expect(html).not.toContain(`<tr data-reference="${registry.registry}/app:sbom"`);
    const rows = html.split('\n').filter((l) => /multi-platform/i.test(l));
    expect(rows.map((l) => /data-reference="([^"]+)"/.exec(l)?.[1])).toEqual([`${registry.registry}/app:multi`, `${registry.registry}/app:multi-docker`]);
  });

  it('the JSON output of the CLI carries subject and referrers', async () => {
    const catalogFile = await writeTestDist(work);
    const result = await runCli(['ls', registry.registry, '--catalog', catalogFile, '--format', 'json', '--username', credentials.username, '--password', credentials.password]);
    expect(result.stderr).toBe('');
    const json = JSON.parse(result.stdout) as RegistryListing;
    const image = json.artifacts.find((a) => a.repository === 'app' && a.tag === 'v1')!;
    expect(image.subject).toBeNull();
    expect(image.referrers.map((r) => r.type?.id).sort()).toEqual(['sigstore.bundle', 'sigstore.cosign.signature', 'spdx.sbom']);
    const sbom = json.artifacts.find((a) => a.tag === 'sbom')!;
    expect(sbom).toMatchObject({ role: 'referrer', subject: { digest: imageDigest } });
  }, 120_000);

  it('--referrer-type keeps only referrers of that artifactType', async () => {
    const filtered = await listRegistry(registry.registry, catalog, { credentials, referrerType: BUNDLE_TYPE });
    const image = filtered.artifacts.find((a) => a.repository === 'app' && a.tag === 'v1')!;
    expect(image.referrers.map((r) => r.type?.id)).toEqual(['sigstore.bundle']);
  });
});
