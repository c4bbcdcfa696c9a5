// Posts the PR report from the privileged workflow_run job. Runs the base branch's code only; the
// downloaded artifact (pr.json, body.md) is untrusted data. Env: GITHUB_TOKEN, GITHUB_REPOSITORY,
// HEAD_SHA (the triggering run's head commit), optional GITHUB_API_URL. Arg: the artifact folder.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { postUntrustedReport } from '../../src/github/post-comment.ts';

const dir = process.argv[2] ?? 'pr-report';
const { GITHUB_TOKEN, GITHUB_REPOSITORY, HEAD_SHA, GITHUB_API_URL } = process.env;
const [owner, repo] = (GITHUB_REPOSITORY ?? '').split('/');
if (!GITHUB_TOKEN || !owner || !repo || !HEAD_SHA || !/^[0-9a-f]{40}$/.test(HEAD_SHA)) {
  process.stderr.write('post-pr-report: set GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo) and HEAD_SHA (40 hex)\n');
  process.exit(2);
}
const read = (name: string, limit: number) =>
  readFile(path.join(dir, name), 'utf8').then((text) => (text.length <= limit ? text : null), () => null);
let issueNumber: unknown = null;
try {
  issueNumber = (JSON.parse((await read('pr.json', 1024)) ?? 'null') as { number?: unknown } | null)?.number ?? null;
} catch {
  issueNumber = null; // refused below with a clear message
}
const body = await read('body.md', 70_000);
const octokit = new Octokit({ auth: GITHUB_TOKEN, ...(GITHUB_API_URL ? { baseUrl: GITHUB_API_URL } : {}), userAgent: 'artifact-types-pr-report' });
const result = await postUntrustedReport({ octokit, owner, repo, issueNumber, body, headSha: HEAD_SHA });
process.stdout.write(`PR report: ${result.action}${'reason' in result ? ` (${result.reason})` : ''}\n`);
