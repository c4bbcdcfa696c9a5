// Pushes a catalog example as a real artifact attached to a real image: every blob pushed (digest and
// size rewritten to match), the OCI empty descriptor kept exact, `subject` pointing at the given
// manifest (or dropped when null: cosign's tag scheme has none).
import { RegistryClient, sha256Digest, EMPTY_DESCRIPTOR } from '../../src/registry/index.ts';

type Json = Record<string, unknown>;
type Descriptor = Json & { mediaType: string; digest: string; size: number };

async function push(client: RegistryClient, repository: string, d: Descriptor, content: Buffer): Promise<void> {
  const { digest, size } = await client.pushBlob(repository, content);
  d.digest = digest;
  d.size = size;
  if (typeof d.data === 'string') d.data = content.toString('base64');
}

/** Pushes `example` as repository:tag (by its digest when tag is null); returns its digest. */
export async function pushWithSubject(client: RegistryClient, repository: string, tag: string | null, example: Json, subject: { digest: string; client: RegistryClient } | null): Promise<string> {
  const manifest = structuredClone(example);
  const config = manifest.config as Descriptor;
  await push(client, repository, config, config.digest === EMPTY_DESCRIPTOR.digest ? Buffer.from('{}') : Buffer.from(JSON.stringify({ architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [] } })));
  for (const [i, layer] of (manifest.layers as Descriptor[]).entries()) {
    await push(client, repository, layer, Buffer.from(JSON.stringify({ example: `${tag ?? String(manifest.artifactType)}/layers/${i}` })));
  }
  if (subject) {
    const fetched = await subject.client.getManifest(repository, subject.digest);
    manifest.subject = { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.bytes.length };
  } else {
    delete manifest.subject;
  }
  const bytes = Buffer.from(JSON.stringify(manifest));
  await client.putManifest(repository, tag ?? sha256Digest(bytes), bytes, String(manifest.mediaType));
  return sha256Digest(bytes);
}
