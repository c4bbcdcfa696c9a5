// Starts a real CNCF distribution registry (/usr/bin/docker-registry) on 127.0.0.1 with a free port,
// filesystem storage in a temp dir and, optionally, htpasswd basic auth. stop() kills it and cleans up.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { freePort } from '../../scripts/free-port.ts';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface RunningRegistry {
  /** host:port, e.g. 127.0.0.1:40123 */
  registry: string;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** An htpasswd line: the real htpasswd tool when installed, else bcrypt from code. */
function htpasswdLine(username: string, password: string): string {
  if (existsSync('/usr/bin/htpasswd')) return execFileSync('/usr/bin/htpasswd', ['-Bbn', username, password], { encoding: 'utf8' }).trim();
  return `${username}:${bcrypt.hashSync(password, 6)}`;
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${log()}`);
    try {
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not come up at ${url}: ${log()}`);
}

export interface TokenAuth {
  realm: string;
  service: string;
  issuer: string;
  /** PEM file with the certificate(s) that sign tokens. */
  rootCertBundle: string;
}

export async function startRegistry(options: { auth?: { username: string; password: string }; token?: TokenAuth } = {}): Promise<RunningRegistry> {
  if (!existsSync(REGISTRY_BINARY)) throw new Error(`${REGISTRY_BINARY} is missing; run \`node scripts/test-setup.js\` (installs the docker-registry package)`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-registry-'));
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: artifact-types-test-secret',
    // Foreign (Windows base) layers carry urls; distribution 2.8 needs an allow list to accept them.
    'validation:',
    '  manifests:',
    '    urls:',
    '      allow:',
    "        - '^https?://'",
  ];
  if (options.auth) {
    await writeFile(path.join(dir, 'htpasswd'), `${htpasswdLine(options.auth.username, options.auth.password)}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: artifact-types-test', `    path: ${path.join(dir, 'htpasswd')}`);
  }
  if (options.token) {
    lines.push('auth:', '  token:', `    realm: ${options.token.realm}`, `    service: ${options.token.service}`, `    issuer: ${options.token.issuer}`, `    rootcertbundle: ${options.token.rootCertBundle}`);
  }
  await writeFile(path.join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  let output = '';
  const child = spawn(REGISTRY_BINARY, ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { registry: `127.0.0.1:${port}`, url, dir, stop };
}
