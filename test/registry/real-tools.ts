// Real clients for the registry tests: umoci builds an OCI image layout, skopeo pushes it (as OCI or
// as Docker schema 2). Both are Debian packages (scripts/test-setup.js installs them).
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
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
  credentials?: { username: string; password: string };
}

/** skopeo copy to a plain-HTTP registry on 127.0.0.1; `parent` holds its throwaway policy file. */
export async function skopeoCopy(parent: string, copy: SkopeoCopy): Promise<void> {
  const args = ['copy', '--quiet', '--dest-tls-verify=false', ...(copy.format ? ['--format', copy.format] : []), ...(copy.credentials ? ['--dest-creds', `${copy.credentials.username}:${copy.credentials.password}`] : []), copy.from, `docker://${copy.to}`];
  // A throwaway policy: the default /etc/containers/policy.json may be missing on a fresh machine.
  const policy = path.join(parent, 'skopeo-policy.json');
  await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  await run(SKOPEO, ['--policy', policy, ...args], { timeout: 120_000 });
}
