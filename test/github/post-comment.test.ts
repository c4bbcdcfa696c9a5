// The executor against a local HTTP server that speaks the few GitHub REST endpoints it uses and
// records every call: create first, then update the same comment; 403, fork and rate-limit paths
// are logged and do not throw. Real sockets on 127.0.0.1; octokit's baseUrl points there.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postComment, postUntrustedReport, withPosterNote } from '../../src/github/post-comment.ts';
import { MARKER } from '../../src/github/pr-report.ts';

interface Call { method: string; path: string; body: unknown }
interface Comment { id: number; body: string; user: { login: string; type: string } }

const HEAD = 'a'.repeat(40);
const state = {
  calls: [] as Call[],
  comments: [] as Comment[],
  nextId: 1000,
  /** 'ok', or how writes / every request fail. */
  mode: 'ok' as 'ok' | 'forbidden-writes' | 'rate-limit-403' | 'rate-limit-429' | 'server-error',
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url!, 'http://127.0.0.1');
  state.calls.push({ method: req.method!, path: url.pathname + url.search, body: text ? JSON.parse(text) : undefined });
  if (state.mode === 'rate-limit-429') return send(res, 429, { message: 'Too many requests' }, { 'retry-after': '60' });
  if (state.mode === 'rate-limit-403') return send(res, 403, { message: 'API rate limit exceeded for installation' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '9999999999' });
  if (state.mode === 'server-error') return send(res, 500, { message: 'boom' });
  const writing = req.method !== 'GET';
  if (writing && state.mode === 'forbidden-writes') return send(res, 403, { message: 'Resource not accessible by integration' }, { 'x-ratelimit-remaining': '4999' });

  let m: RegExpMatchArray | null;
  if (req.method === 'GET' && (m = url.pathname.match(/^\/repos\/o\/r\/pulls\/(\d+)$/))) {
    return Number(m[1]) === 7 ? send(res, 200, { number: 7, head: { sha: HEAD } }) : send(res, 404, { message: 'Not Found' });
  }
  if ((m = url.pathname.match(/^\/repos\/o\/r\/issues\/7\/comments$/))) {
    if (req.method === 'GET') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = state.comments.slice((page - 1) * perPage, page * perPage);
      const last = Math.max(1, Math.ceil(state.comments.length / perPage));
      const port = (req.socket.localPort ?? 0);
      const link: Record<string, string> = page < last ? { link: `<http://127.0.0.1:${port}/repos/o/r/issues/7/comments?per_page=${perPage}&page=${page + 1}>; rel="next", <http://127.0.0.1:${port}/repos/o/r/issues/7/comments?per_page=${perPage}&page=${last}>; rel="last"` } : {};
      return send(res, 200, slice, link);
    }
    if (req.method === 'POST') {
      const comment = { id: state.nextId++, body: (JSON.parse(text) as { body: string }).body, user: { login: 'github-actions[bot]', type: 'Bot' } };
      state.comments.push(comment);
      return send(res, 201, comment);
    }
  }
  if (req.method === 'PATCH' && (m = url.pathname.match(/^\/repos\/o\/r\/issues\/comments\/(\d+)$/))) {
    const comment = state.comments.find((c) => c.id === Number(m![1]));
    if (!comment) return send(res, 404, { message: 'Not Found' });
    comment.body = (JSON.parse(text) as { body: string }).body;
    return send(res, 200, comment);
  }
  return send(res, 404, { message: `no route ${req.method} ${url.pathname}` });
}

let server: Server;
let octokit: Octokit;
const logs: string[] = [];
const log = (message: string) => logs.push(message);

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res).catch((e) => send(res, 500, { message: String(e) })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  octokit = new Octokit({ auth: 'test-token', baseUrl: `http://127.0.0.1:${port}`, log: { debug() {}, info() {}, warn() {}, error() {} } });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  state.calls = [];
  state.comments = [];
  state.nextId = 1000;
  state.mode = 'ok';
  logs.length = 0;
});

const body = (n: number) => `${MARKER}\n## report ${n}\n`;
const post = (text: string) => postComment({ octokit, owner: 'o', repo: 'r', issueNumber: 7, body: text, log });
const writes = () => state.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);

describe('postComment', () => {
  it('creates the comment on the first run and updates the same comment afterwards', async () => {
    const first = await post(body(1));
    expect(first).toEqual({ action: 'created', commentId: 1000 });
    expect(writes()).toEqual(['POST /repos/o/r/issues/7/comments']);
    expect(state.calls[0]).toMatchObject({ method: 'GET', path: '/repos/o/r/issues/7/comments?per_page=100' });
    expect(state.calls[1]!.body).toEqual({ body: body(1) });

    state.calls = [];
    const second = await post(body(2));
    expect(second).toEqual({ action: 'updated', commentId: 1000 });
    expect(writes()).toEqual(['PATCH /repos/o/r/issues/comments/1000']);
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.body).toBe(body(2));
  });

  it('finds its comment on a later page, and ignores a marker pasted by someone else', async () => {
    for (let i = 0; i < 150; i++) state.comments.push({ id: i + 1, body: i === 3 ? `${MARKER} pasted by a person` : `comment ${i}`, user: { login: `user${i}`, type: 'User' } });
    state.comments.push({ id: 500, body: body(0), user: { login: 'github-actions[bot]', type: 'Bot' } });
    const result = await post(body(3));
    expect(result).toEqual({ action: 'updated', commentId: 500 });
    expect(state.calls.filter((c) => c.method === 'GET').map((c) => c.path)).toEqual(['/repos/o/r/issues/7/comments?per_page=100', '/repos/o/r/issues/7/comments?per_page=100&page=2']);
    expect(state.comments.find((c) => c.id === 4)!.body).toBe(`${MARKER} pasted by a person`);
  });

  it('logs a 403 (a fork PR\'s read-only token) and returns without throwing', async () => {
    state.mode = 'forbidden-writes';
    await expect(post(body(1))).resolves.toEqual({ action: 'skipped', reason: 'forbidden' });
    expect(logs.join('\n')).toMatch(/::warning title=PR report not posted::.*fork.*HTTP 403/);
    expect(writes()).toEqual(['POST /repos/o/r/issues/7/comments']);
  });

  it('logs a rate limit (429, or 403 with x-ratelimit-remaining: 0) and returns without throwing', async () => {
    state.mode = 'rate-limit-429';
    await expect(post(body(1))).resolves.toEqual({ action: 'skipped', reason: 'rate-limited' });
    state.mode = 'rate-limit-403';
    await expect(post(body(1))).resolves.toEqual({ action: 'skipped', reason: 'rate-limited' });
    expect(logs).toHaveLength(2);
    for (const line of logs) expect(line).toMatch(/rate limit/);
    expect(writes()).toEqual([]);
  });

  it('still throws on a server error, which is not a permission problem', async () => {
    state.mode = 'server-error';
    await expect(post(body(1))).rejects.toMatchObject({ status: 500 });
  });

  it('refuses a body without the marker or over the limit before calling GitHub', async () => {
    await expect(post('no marker')).rejects.toThrow(/must start with/);
    await expect(post(`${MARKER}${'x'.repeat(70_000)}`)).rejects.toThrow(/at most 65536/);
    expect(state.calls).toEqual([]);
  });
});

describe('postUntrustedReport', () => {
  const untrusted = (issueNumber: unknown, text: unknown, headSha = HEAD) => postUntrustedReport({ octokit, owner: 'o', repo: 'r', issueNumber, body: text, headSha, log });

  it('posts when the PR is at the run\'s head commit, with mentions defused', async () => {
    const result = await untrusted(7, `${body(1)}ping @everyone`);
    expect(result).toEqual({ action: 'created', commentId: 1000 });
    expect(state.comments[0]!.body).toBe(withPosterNote(`${body(1)}ping &#64;everyone`, HEAD));
  });

  it('puts its own note first, saying the report comes from the PR\'s own check, whatever the report holds', async () => {
    const forged = `${MARKER}Maintainers approved this. [merge it](https://evil.example)`;
    await untrusted(7, forged);
    const posted = state.comments[0]!.body;
    expect(posted.startsWith(`${MARKER}\n> [!NOTE]\n> The report below comes from this pull request's own check`)).toBe(true);
    expect(posted).toContain(`at commit <code>${HEAD.slice(0, 12)}</code>`);
    // A blank line ends the note: the report cannot continue its paragraph.
    expect(posted).toContain('what counts.\n\nMaintainers approved this.');
    expect(posted.length).toBeLessThanOrEqual(65_536);
  });

  it('refuses a PR number that is not at the head commit, or is not a number, or a body that is not a report', async () => {
    await expect(untrusted(7, body(1), 'b'.repeat(40))).resolves.toMatchObject({ action: 'refused' });
    await expect(untrusted('7; rm -rf /', body(1))).resolves.toMatchObject({ action: 'refused' });
    await expect(untrusted(-1, body(1))).resolves.toMatchObject({ action: 'refused' });
    await expect(untrusted(7, 'hello')).resolves.toMatchObject({ action: 'refused' });
    await expect(untrusted(7, { body: 1 })).resolves.toMatchObject({ action: 'refused' });
    expect(writes()).toEqual([]);
    expect(state.comments).toEqual([]);
  });

  it('skips a PR the token cannot see', async () => {
    await expect(untrusted(8, body(1))).resolves.toEqual({ action: 'skipped', reason: 'not-found' });
  });
});

describe('scripts/github/post-pr-report.ts (the workflow_run step)', () => {
  const repo = path.resolve(import.meta.dirname, '../..');
  const runScript = async (files: Record<string, string>, env: Record<string, string> = {}) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'at-post-'));
    try {
      for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
      const { port } = server.address() as AddressInfo;
      return await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts/github/post-pr-report.ts'), dir], {
        cwd: repo,
        env: { PATH: process.env.PATH!, GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'o/r', HEAD_SHA: HEAD, GITHUB_API_URL: `http://127.0.0.1:${port}`, ...env },
      }).then((r) => ({ code: 0, ...r }), (e) => e as { code: number; stdout: string; stderr: string });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  it('reads the artifact, creates the comment, then updates it', async () => {
    const first = await runScript({ 'pr.json': '{"number": 7}', 'body.md': body(1) });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('PR report: created');
    const second = await runScript({ 'pr.json': '{"number": 7}', 'body.md': body(2) });
    expect(second.stdout).toContain('PR report: updated');
    expect(state.comments.map((c) => c.body)).toEqual([withPosterNote(body(2), HEAD)]);
  });

  it('exits 0 on a forbidden write and on a broken artifact, without posting', async () => {
    state.mode = 'forbidden-writes';
    const forbidden = await runScript({ 'pr.json': '{"number": 7}', 'body.md': body(1) });
    expect(forbidden.code).toBe(0);
    expect(forbidden.stdout).toContain('PR report: skipped (forbidden)');
    state.mode = 'ok';
    const broken = await runScript({ 'pr.json': 'not json', 'body.md': body(1) });
    expect(broken.code).toBe(0);
    expect(broken.stdout).toContain('PR report: refused');
    expect(state.comments).toEqual([]);
  });

  it('refuses to run without its environment (exit 2)', async () => {
    const result = await runScript({ 'pr.json': '{"number": 7}', 'body.md': body(1) }, { HEAD_SHA: 'main' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HEAD_SHA');
  });
});
