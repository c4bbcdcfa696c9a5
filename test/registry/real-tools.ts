// Real clients for the registry tests: umoci builds an OCI image layout, skopeo pushes it (as OCI or
// as Docker schema 2). Both are Debian packages (scripts/test-setup.js installs them).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SKOPEO = '/usr/bin/skopeo';
export const UMOCI = '/usr/bin/umoci';

/** An OCI image layout under `parent` with one image `tag` (one layer holding a small file), built by umoci. */
export async function umociImage(parent: string, tag: string, content: string): Promise<string> {
  const dir = await mkdtemp(path.join(parent, 'umoci-'));
  const layout = path.join(dir, 'layout');
  const file = path.join(dir, 'hello.txt');
  await writeFile(file, content);
  await run(UMOCI, ['init', '--layout', layout]);
  await run(UMOCI, ['new', '--image', `${layout}:${tag}`]);
  await run(UMOCI, ['config', '--image', `${layout}:${tag}`, '--config.cmd', '/hello.txt', '--architecture', 'amd64', '--os', 'linux']);
  await run(UMOCI, ['insert', '--image', `${layout}:${tag}`, file, '/hello.txt']);
  return layout;
}

export interface SkopeoCopy {
  /** oci:<layout>:<tag> */
  from: string;
  /** registry/repository:tag */
  to: string;
  /** v2s2 for Docker schema 2, oci for OCI (the default keeps the source's format). */
  format?: 'oci' | 'v2s2';
  /** Copy every image of an index (--all). */
  all?: boolean;
  credentials?: { username: string; password: string };
}

/** skopeo copy to a plain-HTTP registry on 127.0.0.1; `parent` holds its throwaway policy file. */
export async function skopeoCopy(parent: string, copy: SkopeoCopy): Promise<void> {
  const args = ['copy', '--quiet', '--dest-tls-verify=false', ...(copy.format ? ['--format', copy.format] : []), ...(copy.all ? ['--all'] : []), ...(copy.credentials ? ['--dest-creds', `${copy.credentials.username}:${copy.credentials.password}`] : []), copy.from, `docker://${copy.to}`];
  // A throwaway policy: the default /etc/containers/policy.json may be missing on a fresh machine.
  const policy = path.join(parent, 'skopeo-policy.json');
  await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  await run(SKOPEO, ['--policy', policy, ...args], { timeout: 120_000 });
}

/**
 * A multi-platform image: umoci builds one image per architecture in one layout, and an OCI image
 * index over them (with each entry's platform read from its config, as `docker buildx` writes it) is
 * tagged `tag` in the layout. skopeo copy --all pushes the index and both images.
 */
export async function umociMultiPlatform(parent: string, tag: string, architectures: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(parent, 'umoci-multi-'));
  const layout = path.join(dir, 'layout');
  const file = path.join(dir, 'hello.txt');
  await writeFile(file, 'hello from every platform\n');
  await run(UMOCI, ['init', '--layout', layout]);
  for (const architecture of architectures) {
    await run(UMOCI, ['new', '--image', `${layout}:${architecture}`]);
    await run(UMOCI, ['config', '--image', `${layout}:${architecture}`, '--architecture', architecture, '--os', 'linux', '--config.cmd', '/hello.txt']);
    await run(UMOCI, ['insert', '--image', `${layout}:${architecture}`, file, '/hello.txt']);
  }
  const blob = (digest: string) => path.join(layout, 'blobs', ...digest.split(':'));
  const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ mediaType: string; digest: string; size: number }> };
  const entries = [];
  for (const m of index.manifests) {
    const manifest = JSON.parse(await readFile(blob(m.digest), 'utf8')) as { config: { digest: string } };
    const config = JSON.parse(await readFile(blob(manifest.config.digest), 'utf8')) as { architecture: string; os: string };
    entries.push({ mediaType: m.mediaType, digest: m.digest, size: m.size, platform: { architecture: config.architecture, os: config.os } });
  }
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries }));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await writeFile(blob(digest), bytes);
  index.manifests.push({ mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: bytes.length, annotations: { 'org.opencontainers.image.ref.name': tag } } as (typeof index.manifests)[number]);
  await writeFile(path.join(layout, 'index.json'), JSON.stringify(index));
  return layout;
}
