// Reads repositories and files from GitHub's REST API inside its limits: every GET is conditional on
// the ETag of the last answer (a 304 is free of the primary rate limit and returns the cached body),
// secondary rate limits are waited out (bounded), and a used-up primary limit stops with its reset time.
import type { Octokit } from '@octokit/rest';

export interface CacheEntry {
  etag: string;
  data: unknown;
}

/** ETag cache: URL → last answer. Safe to share between runs (keyed by the full request URL). */
export type EtagCache = Map<string, CacheEntry>;

export class RateLimitError extends Error {
  constructor(
    message: string,
    /** When the limit resets, if GitHub said. */
    readonly reset: Date | null,
  ) {
    super(message);
  }
}

export interface Budget {
  requests: number;
  conditional: number;
  notModified: number;
  /** From the last response's x-ratelimit-* headers. */
  remaining: number | null;
  limit: number | null;
  reset: Date | null;
}

interface HttpError {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

const isHttpError = (e: unknown): e is HttpError => typeof e === 'object' && e !== null && typeof (e as HttpError).status === 'number';

export type RepoInfo = { status: 'ok'; defaultBranch: string; archived: boolean } | { status: 'missing' };
export type FileText = { status: 'ok'; text: string } | { status: 'missing' };

export interface GithubFilesOptions {
  octokit: Octokit;
  cache?: EtagCache;
  /** How long to wait at most for one secondary-rate-limit pause, and how often to retry. */
  maxWaitSeconds?: number;
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class GithubFiles {
  readonly budget: Budget = { requests: 0, conditional: 0, notModified: 0, remaining: null, limit: null, reset: null };
  readonly cache: EtagCache;
  private readonly octokit: Octokit;
  private readonly maxWait: number;
  private readonly retries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: GithubFilesOptions) {
    this.octokit = options.octokit;
    this.cache = options.cache ?? new Map();
    this.maxWait = options.maxWaitSeconds ?? 60;
    this.retries = options.retries ?? 3;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async repo(owner: string, repo: string): Promise<RepoInfo> {
    const data = await this.get(`/repos/${enc(owner)}/${enc(repo)}`);
    if (data === null) return { status: 'missing' };
    const { default_branch: defaultBranch, archived } = data as { default_branch: string; archived: boolean };
    return { status: 'ok', defaultBranch, archived: archived === true };
  }

  /** The file's text on a branch (raw), or missing. */
  async file(owner: string, repo: string, ref: string, path: string): Promise<FileText> {
    const url = `/repos/${enc(owner)}/${enc(repo)}/contents/${path.split('/').map(enc).join('/')}?ref=${enc(ref)}`;
    const data = await this.get(url, 'application/vnd.github.raw+json');
    if (data === null) return { status: 'missing' };
    return { status: 'ok', text: typeof data === 'string' ? data : JSON.stringify(data) };
  }

  /**
   * Where a file that is gone from a branch went: the last commit on the branch that touched the path
   * removed it; if that commit renamed it, its file list says to what. Two requests.
   */
  async renamedTo(owner: string, repo: string, ref: string, path: string): Promise<string | null> {
    const base = `/repos/${enc(owner)}/${enc(repo)}/commits`;
    const commits = (await this.get(`${base}?path=${enc(path)}&sha=${enc(ref)}&per_page=1`)) as Array<{ sha: string }> | null;
    const sha = commits?.[0]?.sha;
    if (!sha) return null;
    const commit = (await this.get(`${base}/${enc(sha)}`)) as { files?: Array<{ filename: string; status: string; previous_filename?: string }> } | null;
    const renamed = commit?.files?.find((f) => f.status === 'renamed' && f.previous_filename === path);
    return renamed ? renamed.filename : null;
  }

  /** A conditional GET: the parsed body (or raw text), null on 404. */
  private async get(url: string, accept = 'application/vnd.github+json'): Promise<unknown> {
    const cached = this.cache.get(url);
    for (let attempt = 0; ; attempt++) {
      this.budget.requests++;
      if (cached) this.budget.conditional++;
      try {
        const response = await this.octokit.request(`GET ${url}`, { headers: { accept, ...(cached ? { 'if-none-match': cached.etag } : {}) } });
        this.noteRate(response.headers as Record<string, string | number | undefined>);
        const etag = response.headers.etag;
        if (typeof etag === 'string') this.cache.set(url, { etag, data: response.data });
        return response.data;
      } catch (error) {
        if (!isHttpError(error)) throw error;
        const headers = error.response?.headers ?? {};
        this.noteRate(headers);
        if (error.status === 304 && cached) {
          this.budget.notModified++;
          return cached.data;
        }
        if (error.status === 404) return null;
        const wait = secondaryWait(error);
        if (wait !== null && attempt < this.retries && wait <= this.maxWait) {
          await this.sleep(wait * 1000);
          continue;
        }
        if (error.status === 429 || error.status === 403) {
          const reset = resetOf(headers);
          const kind = String(headers['x-ratelimit-remaining']) === '0' ? 'the GitHub API rate limit is used up' : wait !== null ? 'GitHub\'s secondary rate limit did not lift in time' : 'GitHub refused the request';
          throw new RateLimitError(`${kind} (HTTP ${error.status} on GET ${url.split('?')[0]})${reset ? `; it resets at ${reset.toISOString()}` : ''}`, reset);
        }
        throw new Error(`GitHub answered HTTP ${error.status} on GET ${url.split('?')[0]}: ${String(error.message).split('\n')[0]}`);
      }
    }
  }

  private noteRate(headers: Record<string, string | number | undefined>): void {
    const remaining = Number(headers['x-ratelimit-remaining']);
    const limit = Number(headers['x-ratelimit-limit']);
    if (Number.isFinite(remaining) && headers['x-ratelimit-remaining'] !== undefined) this.budget.remaining = remaining;
    if (Number.isFinite(limit) && headers['x-ratelimit-limit'] !== undefined) this.budget.limit = limit;
    const reset = resetOf(headers);
    if (reset) this.budget.reset = reset;
  }
}

const enc = encodeURIComponent;

function resetOf(headers: Record<string, string | number | undefined>): Date | null {
  const seconds = Number(headers['x-ratelimit-reset']);
  return headers['x-ratelimit-reset'] !== undefined && Number.isFinite(seconds) ? new Date(seconds * 1000) : null;
}

/**
 * Seconds to wait before retrying a secondary rate limit (GitHub: honour retry-after; otherwise wait
 * at least a minute), or null when the answer is not one.
 */
function secondaryWait(error: HttpError): number | null {
  if (error.status !== 403 && error.status !== 429) return null;
  const headers = error.response?.headers ?? {};
  if (String(headers['x-ratelimit-remaining']) === '0') return null; // the primary limit: waiting means hours
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) return Math.max(0, retryAfter);
  return /secondary rate limit/i.test(String(error.message)) ? 60 : null;
}
