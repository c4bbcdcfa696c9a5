// A local HTTP server that speaks the parts of GitHub's REST API the drift watch uses (repositories,
// raw file contents, commits by path, one commit, issues) with ETags and 304s, rate limits on demand,
// and a record of every call. Real sockets on 127.0.0.1; octokit's baseUrl (GITHUB_API_URL) points here.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  defaultBranch: string;
  archived?: boolean;
  /** Files on the default branch. */
  files: Map<string, string>;
  /** Newest first: which paths each commit touched, for `commits?path=` and `commits/:sha`. */
  commits: Array<{ sha: string; files: Array<{ filename: string; status: 'added' | 'modified' | 'removed' | 'renamed'; previous_filename?: string }> }>;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  user: { login: string };
  comments: string[];
}

export interface Call {
  method: string;
  path: string;
  ifNoneMatch?: string;
  authorization?: string;
  body?: unknown;
}

export class FakeGithub {
  repos = new Map<string, FakeRepo>();
  issues: FakeIssue[] = [];
  calls: Call[] = [];
  /** 'primary': every request answers a used-up rate limit; a number: that many secondary limits first. */
  rateLimit: 'primary' | number | null = null;
  private server: Server | null = null;
  private nextIssue = 1;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res).catch((error) => this.send(res, 500, { message: String(error) })));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  addIssue(issue: Omit<FakeIssue, 'number' | 'state' | 'comments'>): FakeIssue {
    const made: FakeIssue = { ...issue, number: this.nextIssue++, state: 'open', comments: [] };
    this.issues.push(made);
    return made;
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, raw = false): void {
    const text = raw ? String(body) : JSON.stringify(body);
    res.writeHead(status, { 'content-type': raw ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4990', 'x-ratelimit-reset': '2000000000', ...headers });
    res.end(status === 304 ? undefined : text);
  }

  /** A 200 with a strong ETag of the body, or a 304 when the client already has it. */
  private cached(req: IncomingMessage, res: ServerResponse, body: unknown, raw = false): void {
    const text = raw ? String(body) : JSON.stringify(body);
    const etag = `"${createHash('sha256').update(text).digest('hex').slice(0, 32)}"`;
    if (req.headers['if-none-match'] === etag) return this.send(res, 304, null, { etag });
    this.send(res, 200, body, { etag }, raw);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url!, 'http://127.0.0.1');
    const body = text ? JSON.parse(text) : undefined;
    this.calls.push({ method: req.method!, path: url.pathname + url.search, ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), ...(body !== undefined ? { body } : {}) });
    if (this.rateLimit === 'primary') return this.send(res, 403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2000000000' });
    if (typeof this.rateLimit === 'number' && this.rateLimit > 0) {
      this.rateLimit--;
      return this.send(res, 403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': '0' });
    }
    const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
    if (parts[0] !== 'repos' || parts.length < 3) return this.send(res, 404, { message: 'Not Found' });
    const name = `${parts[1]}/${parts[2]}`;
    if (parts[3] === 'issues') return this.handleIssues(req, res, parts.slice(4), url, body);
    const repo = this.repos.get(name);
    if (!repo) return this.send(res, 404, { message: 'Not Found' });
    if (parts.length === 3) return this.cached(req, res, { full_name: name, default_branch: repo.defaultBranch, archived: repo.archived === true });
    if (parts[3] === 'contents') {
      if (url.searchParams.get('ref') !== repo.defaultBranch) return this.send(res, 404, { message: 'No commit found for the ref' });
      const file = repo.files.get(parts.slice(4).join('/'));
      if (file === undefined) return this.send(res, 404, { message: 'Not Found' });
      if (!String(req.headers.accept).includes('raw')) return this.send(res, 415, { message: 'this fake serves raw contents only' });
      return this.cached(req, res, file, true);
    }
    if (parts[3] === 'commits' && parts.length === 4) {
      const path = url.searchParams.get('path');
      const touching = repo.commits.filter((c) => c.files.some((f) => f.filename === path || f.previous_filename === path));
      return this.cached(req, res, touching.slice(0, Number(url.searchParams.get('per_page') ?? 30)).map((c) => ({ sha: c.sha })));
    }
    if (parts[3] === 'commits' && parts.length === 5) {
      const commit = repo.commits.find((c) => c.sha === parts[4]);
      return commit ? this.cached(req, res, commit) : this.send(res, 404, { message: 'Not Found' });
    }
    this.send(res, 404, { message: 'Not Found' });
  }

  private handleIssues(req: IncomingMessage, res: ServerResponse, rest: string[], url: URL, body: Record<string, unknown> | undefined): void {
    if (req.method === 'GET' && rest.length === 0) {
      const label = url.searchParams.get('labels');
      const state = url.searchParams.get('state') ?? 'open';
      const list = this.issues.filter((i) => i.state === state && (!label || i.labels.includes(label)));
      return this.send(res, 200, list.map((i) => ({ number: i.number, title: i.title, body: i.body, state: i.state, user: i.user, labels: i.labels.map((l) => ({ name: l })) })));
    }
    if (req.method === 'POST' && rest.length === 0) {
      const issue = this.addIssue({ title: String(body!.title), body: String(body!.body), labels: (body!.labels as string[]) ?? [], user: { login: 'github-actions[bot]' } });
      return this.send(res, 201, { number: issue.number });
    }
    const issue = this.issues.find((i) => i.number === Number(rest[0]));
    if (!issue) return this.send(res, 404, { message: 'Not Found' });
    if (req.method === 'PATCH' && rest.length === 1) {
      if (typeof body!.title === 'string') issue.title = body!.title;
      if (typeof body!.body === 'string') issue.body = body!.body;
      if (body!.state === 'closed' || body!.state === 'open') issue.state = body!.state;
      return this.send(res, 200, { number: issue.number });
    }
    if (req.method === 'POST' && rest[1] === 'comments') {
      issue.comments.push(String(body!.body));
      return this.send(res, 201, { id: issue.comments.length });
    }
    this.send(res, 404, { message: 'Not Found' });
  }
}
