// Turns a definition's example manifests into real artifacts in a registry: every descriptor gets a
// real blob (its digest and size rewritten to match), the OCI empty descriptor stays exact, index
// entries become real child manifests pushed first, and a `subject` points at a real pushed manifest.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { RegistryClient, sha256Digest, EMPTY_DESCRIPTOR } from '../../src/registry/index.ts';

type Json = Record<string, unknown>;
type Descriptor = Json & { mediaType: string; digest: string; size: number };

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const INDEXES = new Set([OCI_INDEX, DOCKER_LIST]);
const ZERO_DIGEST = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface ExampleFile {
  id: string;
  stem: string;
  manifest: Json;
  config?: Buffer;
}

export interface PushedExample extends ExampleFile {
  /** The example as written in the definition (manifest is what was pushed). */
  original: Json;
  repository: string;
  tag: string;
  digest: string;
  bytes: Buffer;
}

/** Every `<stem>.manifest.json` (with its `<stem>.config.json`, if any) of a definition. */
export async function exampleFiles(root: string, id: string): Promise<ExampleFile[]> {
  const dir = path.join(root, id, 'examples');
  const names = await readdir(dir).catch(() => [] as string[]);
  const files: ExampleFile[] = [];
  for (const name of names.filter((n) => n.endsWith('.manifest.json')).sort()) {
    const stem = name.slice(0, -'.manifest.json'.length);
    const manifest = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Json;
    const config = names.includes(`${stem}.config.json`) ? await readFile(path.join(dir, `${stem}.config.json`)) : undefined;
    files.push({ id, stem, manifest, ...(config ? { config } : {}) });
  }
  return files;
}

/** The digest of `{}` with size 2: the OCI empty descriptor, or a tool reusing that blob under its own media type. */
function isEmptyDescriptor(d: Descriptor): boolean {
  return d.digest === EMPTY_DESCRIPTOR.digest && d.size === 2;
}

/** Content for a descriptor: `{}` for the empty descriptor, nothing for a zero-size one, JSON for JSON types. */
function contentFor(d: Descriptor, seed: string): Buffer {
  if (isEmptyDescriptor(d)) return Buffer.from('{}');
  if (d.size === 0 || d.digest === ZERO_DIGEST) return Buffer.alloc(0);
  if (/json/i.test(d.mediaType)) return Buffer.from(JSON.stringify({ example: seed }));
  return Buffer.from(`artifact-types example blob ${seed}\n`);
}

async function pushDescriptor(client: RegistryClient, repository: string, d: Descriptor, content: Buffer): Promise<void> {
  const { digest, size } = await client.pushBlob(repository, content);
  d.digest = digest;
  d.size = size;
  if (typeof d.data === 'string') d.data = content.toString('base64');
}

/** A small real manifest of the given media type, pushed by digest; returns its descriptor fields. */
async function pushChild(client: RegistryClient, repository: string, mediaType: string, seed: string, artifactType?: unknown): Promise<{ digest: string; size: number }> {
  let manifest: Json;
  if (INDEXES.has(mediaType)) {
    manifest = { schemaVersion: 2, mediaType, manifests: [] };
  } else if (mediaType === DOCKER_MANIFEST) {
    manifest = {
      schemaVersion: 2,
      mediaType,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: '', size: 0 },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: '', size: 0 }],
    };
  } else {
    manifest = typeof artifactType === 'string'
      ? { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType, config: { ...EMPTY_DESCRIPTOR }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: '', size: 0 }] }
      : { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: '', size: 0 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: '', size: 0 }] };
  }
  if (!INDEXES.has(mediaType)) {
    const config = manifest.config as Descriptor;
    await pushDescriptor(client, repository, config, isEmptyDescriptor(config) ? Buffer.from('{}') : Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', example: seed })));
    await pushDescriptor(client, repository, (manifest.layers as Descriptor[])[0]!, Buffer.from(`child layer ${seed}\n`));
  }
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = await client.putManifest(repository, sha256Digest(bytes), bytes, String(manifest.mediaType));
  return { digest, size: bytes.length };
}

/** Pushes one example as repository:tag and returns exactly what was pushed. */
export async function pushExample(client: RegistryClient, example: ExampleFile, repository: string, tag: string): Promise<PushedExample> {
  const manifest = structuredClone(example.manifest);
  const seed = `${example.id}/${example.stem}`;
  const isIndex = Array.isArray(manifest.manifests);
  if (isIndex) {
    for (const [i, entry] of (manifest.manifests as Descriptor[]).entries()) {
      Object.assign(entry, await pushChild(client, repository, entry.mediaType, `${seed}/manifests/${i}`, entry.artifactType));
    }
  } else {
    const config = manifest.config as Descriptor;
    await pushDescriptor(client, repository, config, example.config && !isEmptyDescriptor(config) ? example.config : contentFor(config, `${seed}/config`));
    for (const [i, layer] of ((manifest.layers as Descriptor[] | undefined) ?? []).entries()) {
      await pushDescriptor(client, repository, layer, contentFor(layer, `${seed}/layers/${i}`));
    }
  }
  const subject = manifest.subject as Descriptor | undefined;
  if (subject) Object.assign(subject, await pushChild(client, repository, subject.mediaType, `${seed}/subject`));
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
  const mediaType = typeof manifest.mediaType === 'string' ? manifest.mediaType : isIndex ? OCI_INDEX : OCI_MANIFEST;
  const digest = await client.putManifest(repository, tag, bytes, mediaType);
  return { ...example, original: example.manifest, manifest, repository, tag, digest, bytes };
}

/** A valid tag from an example's file stem. */
export function tagFor(stem: string): string {
  return stem.replace(/[^a-zA-Z0-9_.-]/g, '-').replace(/^[.-]+/, '').slice(0, 128) || 'example';
}
