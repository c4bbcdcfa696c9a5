// `sources check` over the whole real catalog against a fake GitHub built from the catalog's own
// evidence (every string at its pinned line), with one upstream file per drift case changed: a string
// moved within its file, a file renamed, a string gone, a file deleted, a repository archived, one
// missing. Then a repeated run spends only conditional requests, and rate limits end or wait as they should.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEvidence, groupByFile, type UpstreamFile } from '../../src/github/sources/evidence-index.ts';
import type { SourceResult } from '../../src/github/sources/check.ts';
import { FakeGithub, type FakeRepo } from './fake-github.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const github = new FakeGithub();
let files: UpstreamFile[];
let work: string;

/** The upstream file as the evidence says it is: each needle at the first line of its anchor. */
function render(file: UpstreamFile, shift = 0): string {
  const last = Math.max(...file.refs.map((r) => r.link.endLine)) + 5;
  const lines = Array.from({ length: last + shift }, (_, i) => `// line ${i + 1}`);
  for (const ref of file.refs) {
    const at = ref.link.startLine - 1 + shift;
    lines[at] = lines[at]!.startsWith('// line') ? ref.needle : `${lines[at]} ${ref.needle}`;
  }
  return lines.join('\n');
}

function repoOf(file: UpstreamFile): FakeRepo {
  const name = `${file.owner}/${file.repo}`;
  let repo = github.repos.get(name);
  if (!repo) github.repos.set(name, (repo = { defaultBranch: 'main', files: new Map(), commits: [] }));
  return repo;
}

/** One upstream file per case, each from a repository no other case uses. */
const cases: Record<'moved' | 'renamed' | 'gone' | 'file-gone' | 'archived' | 'repo-missing', UpstreamFile> = {} as never;

async function sourcesCheck(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('node', [path.join(REPO, 'bin/artifact-types.js'), 'sources', 'check', '--root', path.join(REPO, 'definitions'), '--cache', path.join(work, 'cache.json'), ...args], {
      cwd: work, env: { ...process.env, GITHUB_API_URL: github.url, GITHUB_TOKEN: 'test-token', ...env }, maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sources-check-'));
  files = groupByFile((await collectEvidence(path.join(REPO, 'definitions'))).refs);
  for (const file of files) repoOf(file).files.set(file.path, render(file));
  // Pick one file from each of six different repositories for the drift cases.
  const byRepo = new Map<string, UpstreamFile>();
  for (const file of files) if (!byRepo.has(`${file.owner}/${file.repo}`)) byRepo.set(`${file.owner}/${file.repo}`, file);
  const picked = [...byRepo.values()];
  (['moved', 'renamed', 'gone', 'file-gone', 'archived', 'repo-missing'] as const).forEach((kind, i) => (cases[kind] = picked[i]!));
  repoOf(cases.moved).files.set(cases.moved.path, render(cases.moved, 3));
  const renamed = repoOf(cases.renamed);
  const newPath = `moved/${cases.renamed.path}`;
  renamed.files.set(newPath, renamed.files.get(cases.renamed.path)!);
  renamed.files.delete(cases.renamed.path);
  renamed.commits.unshift({ sha: 'b'.repeat(40), files: [{ filename: newPath, status: 'renamed', previous_filename: cases.renamed.path }] });
  const gone = repoOf(cases.gone);
  let text = gone.files.get(cases.gone.path)!;
  for (const ref of cases.gone.refs) text = text.split(ref.needle).join('something else');
  gone.files.set(cases.gone.path, text);
  const deleted = repoOf(cases['file-gone']);
  deleted.files.delete(cases['file-gone'].path);
  deleted.commits.unshift({ sha: 'c'.repeat(40), files: [{ filename: cases['file-gone'].path, status: 'removed' }] });
  repoOf(cases.archived).archived = true;
  github.repos.delete(`${cases['repo-missing'].owner}/${cases['repo-missing'].repo}`);
  await github.start();
});

afterAll(async () => {
  await github.stop();
  await rm(work, { recursive: true, force: true });
});

describe('artifact-types sources check', () => {
  it('the real catalog pins enough evidence on GitHub to be worth watching', () => {
    expect(files.reduce((n, f) => n + f.refs.length, 0)).toBeGreaterThanOrEqual(100);
    expect(new Set(files.map((f) => `${f.owner}/${f.repo}`)).size).toBeGreaterThanOrEqual(6);
  });

  let first: { code: number; stdout: string; stderr: string };
  let results: SourceResult[];

  it('reports each drift case for its own strings, and every other string in place', async () => {
    first = await sourcesCheck(['--format', 'json']);
    expect(first.code, first.stderr).toBe(1);
    const report = JSON.parse(first.stdout) as { results: SourceResult[]; drifted: number; counts: Record<string, number> };
    results = report.results;
    // An archived or missing repository affects every file in it; the other cases one file each.
    const sameRepo = (a: UpstreamFile, b: UpstreamFile) => `${a.owner}/${a.repo}`.toLowerCase() === `${b.owner}/${b.repo}`.toLowerCase();
    const affected = (kind: keyof typeof cases) => (kind === 'archived' || kind === 'repo-missing' ? files.filter((f) => sameRepo(f, cases[kind])) : [cases[kind]]);
    const urls = (list: UpstreamFile[]) => new Set(list.flatMap((f) => f.refs.map((r) => r.url)));
    for (const kind of Object.keys(cases) as Array<keyof typeof cases>) {
      const own = results.filter((r) => urls(affected(kind)).has(r.url));
      expect(own.length, kind).toBe(affected(kind).reduce((n, f) => n + f.refs.length, 0));
      for (const r of own) expect(r.status, `${kind}: ${r.subject}`).toBe(kind);
    }
    const caseUrls = urls((Object.keys(cases) as Array<keyof typeof cases>).flatMap(affected));
    const rest = results.filter((r) => !caseUrls.has(r.url));
    expect(rest.length).toBeGreaterThan(50);
    for (const r of rest) expect(r.status, r.subject).toBe('present');
    // Moved: still there, at the line it moved to; renamed: found under the new path.
    for (const r of results.filter((r) => r.status === 'moved')) expect(r.lines.length).toBeGreaterThan(0);
    for (const r of results.filter((r) => r.status === 'renamed')) expect(r.path).toBe(`moved/${cases.renamed.path}`);
    expect(report.drifted).toBe(results.filter((r) => !['present', 'moved'].includes(r.status)).length);
  });

  it('spends one contents request per upstream file and authenticates with GITHUB_TOKEN', () => {
    const contents = github.calls.filter((c) => c.path.includes('/contents/'));
    // Repository and path: two repositories may both hold a README.md.
    const requested = contents.map((c) => decodeURIComponent(c.path.split('?')[0]!));
    // Each evidence file once (the renamed one also under its new name; none of the missing repository's).
    const missing = files.filter((f) => `${f.owner}/${f.repo}`.toLowerCase() === `${cases['repo-missing'].owner}/${cases['repo-missing'].repo}`.toLowerCase()).length;
    const asked = new Set(contents.map((c) => decodeURIComponent(c.path.split('?')[0]!)));
    const notAsked = files.filter((f) => !asked.has(`/repos/${f.owner}/${f.repo}/contents/${f.path}`)).map((f) => `${f.owner}/${f.repo}/${f.path}`);
    expect(requested.length, notAsked.join(' ')).toBe(files.length - missing + 1);
    expect(new Set(requested).size).toBe(requested.length);
    expect(github.calls.every((c) => c.authorization === 'token test-token')).toBe(true);
    const repos = github.calls.filter((c) => /^\/repos\/[^/]+\/[^/]+$/.test(c.path));
    expect(repos.length).toBe(new Set(files.map((f) => `${f.owner}/${f.repo}`.toLowerCase())).size);
  });

  it('a second run spends only conditional requests, answered 304, and reports the same', async () => {
    github.calls = [];
    const second = await sourcesCheck(['--format', 'json']);
    expect(second.code).toBe(1);
    const report = JSON.parse(second.stdout) as { results: SourceResult[]; budget: { requests: number; conditional: number; notModified: number } };
    expect(report.results).toEqual(results);
    // A 404 carries no ETag, so only the three requests that found nothing go out unconditional again:
    // the missing repository, the deleted file and the renamed file's old path.
    const unconditional = github.calls.filter((c) => !c.ifNoneMatch).map((c) => decodeURIComponent(c.path.split('?')[0]!)).sort();
    const contentsOf = (f: UpstreamFile) => `/repos/${f.owner}/${f.repo}/contents/${f.path}`;
    expect(unconditional).toEqual([`/repos/${cases['repo-missing'].owner}/${cases['repo-missing'].repo}`, contentsOf(cases['file-gone']), contentsOf(cases.renamed)].sort());
    expect(report.budget.notModified).toBe(report.budget.requests - 3);
    expect(report.budget.conditional).toBe(report.budget.requests - 3);
  });

  it('prints drift as findings at the evidence line in text and GitHub formats, with the budget', async () => {
    const text = await sourcesCheck([]);
    expect(text.code).toBe(1);
    const gone = results.find((r) => r.status === 'gone')!;
    expect(text.stdout).toContain(`${gone.file}:${gone.line}:${gone.column} error sources/gone`);
    expect(text.stdout).toMatch(/sources\/renamed .*now in moved\//);
    expect(text.stdout).toMatch(/sources\/archived/);
    expect(text.stdout).toMatch(/sources\/repo-missing/);
    expect(text.stdout).toMatch(/sources\/file-gone/);
    expect(text.stdout).toMatch(/still in .*, now at line \d+/);
    expect(text.stdout).toMatch(/^GitHub API: \d+ requests \(\d+ conditional, \d+ not modified\); rate limit 4990\/5000 left, resets 2033-05-18T03:33:20.000Z$/m);
    const gh = await sourcesCheck(['--format', 'github', '--summary', path.join(work, 'summary.md')]);
    expect(gh.stdout).toContain(`::error file=${gone.file},line=${gone.line},col=${gone.column},title=sources/gone::`);
  });

  it('checks only the ids given, exits 0 when they have not drifted, and 2 for an unknown id', async () => {
    const clean = results.find((r) => r.status === 'present' && !results.some((o) => o.id === r.id && o.status !== 'present'))!;
    const one = await sourcesCheck([clean.id]);
    expect(one.code, one.stdout).toBe(0);
    expect(one.stdout).toMatch(new RegExp(`in 1 types: \\d+ in place, 0 at another line, 0 drifted`));
    const unknown = await sourcesCheck(['no.such-type']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no such type: no.such-type');
  });

  it('stops with exit 2 and the reset time when the rate limit is used up', async () => {
    github.rateLimit = 'primary';
    try {
      const limited = await sourcesCheck([], { GITHUB_TOKEN: '' });
      expect(limited.code).toBe(2);
      expect(limited.stderr).toMatch(/rate limit is used up \(HTTP 403 on GET \/repos\/[^)]+\); it resets at 2033-05-18T03:33:20.000Z/);
      expect(limited.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      github.rateLimit = null;
    }
  });

  it('waits out secondary rate limits (retry-after) and finishes', async () => {
    github.rateLimit = 2;
    const waited = await sourcesCheck([results.find((r) => r.status === 'present')!.id]);
    expect(github.rateLimit).toBe(0);
    expect([0, 1]).toContain(waited.code);
    expect(waited.stdout).toMatch(/GitHub API: \d+ requests/);
    github.rateLimit = null;
  });
});
