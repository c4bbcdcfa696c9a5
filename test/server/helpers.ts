// Test helpers: a definitions folder with the five seed types from git HEAD (so concurrent edits to
// definitions/ cannot break these tests), servers on 127.0.0.1, and raw HTTP requests.
import { execSync } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeGeneratedFiles } from '../../src/catalog/generated.ts';
import { runChecks } from '../../src/checks/run.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const SEED_IDS = ['cncf.helm.chart', 'cncf.notary.signature', 'cncf.openpolicyagent.conftest', 'opencontainers.image', 'sylabs.sif'];

/** A temp repo holding definitions/ with the seed types and its generated files, so it passes the checker. */
export async function seedRepo(): Promise<{ dir: string; root: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-server-'));
  const paths = ['definitions/catalog.json', ...SEED_IDS.map((id) => `definitions/${id}`)];
  execSync(`git archive --format=tar HEAD ${paths.join(' ')} | tar -x -C ${JSON.stringify(dir)}`, { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const root = path.join(dir, 'definitions');
  await writeGeneratedFiles(dir, (await runChecks({ root })).catalog);
  return { dir, root, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function start(options: ServerOptions): Promise<RunningServer> {
  return startServer({ host: '127.0.0.1', port: 0, logger: false, ...options });
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json(): any;
}

/** One request over a fresh socket; no automatic decompression, so encodings can be checked. */
export function request(url: string, options: { method?: string; headers?: Record<string, string | number>; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString('utf8'), json: () => JSON.parse(body.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Asserts the JSON error shape and returns it. */
export function errorOf(res: RawResponse): { code: string; message: string; [key: string]: unknown } {
  if (!String(res.headers['content-type']).startsWith('application/json')) throw new Error(`expected a JSON error, got ${res.headers['content-type']}: ${res.text.slice(0, 200)}`);
  const body = res.json();
  if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') throw new Error(`not an error body: ${res.text.slice(0, 200)}`);
  if (/\bat .*\.(ts|js):\d+/.test(res.text)) throw new Error(`error leaks a stack: ${res.text}`);
  return body.error;
}
