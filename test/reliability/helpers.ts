// Shared by the API reliability suites: the committed catalog in a temp folder, servers in child
// processes (the real `serve` command, or startServer with chosen timeouts), their RSS from /proc,
// raw requests over a socket, and autocannon.
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { writeGeneratedFiles } from '../../src/catalog/generated.ts';
import { runChecks } from '../../src/checks/run.ts';
import { freePort } from '../../scripts/free-port.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');

/** definitions/ as committed at HEAD (not the working tree others are editing), with its generated files. */
export async function catalogRepo(): Promise<{ dir: string; root: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-reliability-'));
  execSync(`git archive --format=tar HEAD definitions | tar -x -C ${JSON.stringify(dir)}`, { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const root = path.join(dir, 'definitions');
  const { catalog, findings } = await runChecks({ root });
  const errors = findings.filter((f) => f.severity === 'error' && f.rule !== 'generated/drift');
  if (errors.length > 0) throw new Error(`the committed catalog has errors: ${errors.slice(0, 3).map((f) => `${f.file} ${f.rule}`).join('; ')}`);
  await writeGeneratedFiles(dir, catalog);
  return { dir, root, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The example manifests that must classify (not the `.not-this` counter-examples), as request bodies. */
export async function exampleManifests(root: string): Promise<string[]> {
  const bodies: string[] = [];
  for (const id of (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const dir = path.join(root, id, 'examples');
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.manifest.json')).sort()) bodies.push(await readFile(path.join(dir, name), 'utf8'));
  }
  return bodies;
}

export interface Child {
  child: ChildProcess;
  pid: number;
  url: string;
  port: number;
  exited: Promise<number | null>;
  stderr(): string;
  /** SIGKILL if still running (for finally blocks). */
  kill(): void;
}

function waitForUrl(child: ChildProcess, read: () => string, stderr: () => string, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no server URL within ${ms} ms: ${stderr().slice(0, 2000)}`)), ms);
    const check = () => {
      const line = read().split('\n').find((l) => l.includes('"url"'));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line).url as string);
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${stderr().slice(0, 2000)}`)));
  });
}

function track(child: ChildProcess, url: Promise<string>, stderr: () => string): Promise<Child> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return url.then((u) => ({ child, pid: child.pid!, url: u, port: Number(new URL(u).port), exited, stderr, kill: () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')) }));
}

/** startServer in a child process (test/reliability/server-child.ts) with these timeouts; logs to logFile. */
export function spawnServer(root: string, options: { timeouts?: Record<string, number>; logFile?: string; nodeArgs?: string[] } = {}): Promise<Child> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', path.join(REPO, 'test/reliability/server-child.ts')], {
    cwd: REPO,
    env: { ...process.env, ROOT: root, TIMEOUTS: JSON.stringify(options.timeouts ?? {}), LOG_FILE: options.logFile ?? '/dev/null' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return track(child, waitForUrl(child, () => out, () => err, 60_000), () => err);
}

/** The real `artifact-types serve` command; its JSON log lines (one per request) go to logFile or /dev/null. */
export async function spawnServe(args: string[], logFile?: string, nodeArgs: string[] = []): Promise<Child> {
  const port = await freePort();
  const out = logFile ? openSync(logFile, 'w') : 'ignore';
  const child = spawn(process.execPath, [...nodeArgs, path.join(REPO, 'bin/artifact-types.js'), 'serve', '--port', String(port), ...args], { cwd: REPO, stdio: ['ignore', out, 'pipe'] });
  if (typeof out === 'number') closeSync(out);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    const until = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve exited (${child.exitCode}): ${err.slice(0, 2000)}`);
      const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
      if (ok) return url;
      if (Date.now() > until) throw new Error(`serve not ready within 60 s: ${err.slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return track(child, ready, () => err);
}

/** Resident set size of a process in MiB (VmRSS in /proc/<pid>/status). */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmRSS for ${pid}`);
  return kib / 1024;
}

export interface RawAnswer {
  /** The status code of the first response, 0 if none arrived. */
  status: number;
  /** Everything the server sent (latin1). */
  text: string;
  /** How the exchange ended. */
  end: 'closed' | 'timeout' | 'error';
  ms: number;
}

/** Writes bytes on a fresh socket and collects what comes back until the server closes (or timeoutMs). */
export function rawRequest(port: number, bytes: Buffer, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let end: RawAnswer['end'] = 'closed';
    socket.on('data', (c: Buffer) => chunks.push(c));
    // The server may answer (413, 415) and close before reading a big body: the write then fails.
    socket.on('error', () => (end = chunks.length > 0 ? 'closed' : 'error'));
    socket.on('close', () => {
      clearTimeout(timer);
      // Interim answers (100 Continue) come before the real one.
      const text = Buffer.concat(chunks).toString('latin1').replace(/^(HTTP\/1\.1 1\d\d [^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : 0, text, end, ms: Date.now() - started });
    });
    const timer = setTimeout(() => {
      end = 'timeout';
      socket.destroy();
    }, timeoutMs);
    // Not end(): Node aborts a request whose client half-closes before the answer.
    socket.write(bytes);
  });
}

/** The body of the first response in a raw answer (after the blank line). */
export function rawBody(text: string): string {
  const at = text.indexOf('\r\n\r\n');
  return at < 0 ? '' : text.slice(at + 4);
}

// autocannon ships no types; this is the part of its result the suites read.
export interface CannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  duration: number;
}
export interface CannonInstance extends Promise<CannonResult> {
  stop(): void;
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void): void;
  on(event: 'reqError', listener: (error: Error) => void): void;
}
export const autocannon = createRequire(import.meta.url)('autocannon') as ((options: Record<string, unknown>) => CannonInstance) & { track?: unknown };

/** Runs tasks with at most `limit` at a time. */
export async function pool<T, R>(items: T[], limit: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await run(items[i]!, i);
      }
    }),
  );
  return results;
}
