// The drift watch's second step: reads the JSON of `artifact-types sources check --format json` and
// keeps one issue per drifted type. Env: GITHUB_TOKEN (issues: write), GITHUB_REPOSITORY, optional
// GITHUB_API_URL. Arg: the report file. Nothing from upstream is executed; the report is only data.
import { readFile } from 'node:fs/promises';
import { Octokit } from '@octokit/rest';
import { keepDriftIssues } from '../../src/github/drift-issues.ts';
import type { SourceResult } from '../../src/github/sources/check.ts';

const file = process.argv[2];
const { GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL } = process.env;
const [owner, repo] = (GITHUB_REPOSITORY ?? '').split('/');
if (!file || !GITHUB_TOKEN || !owner || !repo) {
  process.stderr.write('keep-drift-issues: usage: keep-drift-issues.ts <report.json>, with GITHUB_TOKEN and GITHUB_REPOSITORY (owner/repo) set\n');
  process.exit(2);
}
let report: { checked?: unknown; results?: unknown };
try {
  report = JSON.parse(await readFile(file, 'utf8'));
} catch (error) {
  process.stderr.write(`keep-drift-issues: ${file} is not the JSON of sources check --format json (${(error as Error).message})\n`);
  process.exit(2);
}
if (!Array.isArray(report.checked) || !Array.isArray(report.results)) {
  process.stderr.write(`keep-drift-issues: ${file} has no "checked" and "results" lists; was it written by sources check --format json?\n`);
  process.exit(2);
}
const octokit = new Octokit({ auth: GITHUB_TOKEN, ...(GITHUB_API_URL ? { baseUrl: GITHUB_API_URL } : {}), userAgent: 'artifact-types-drift-watch' });
await keepDriftIssues({ octokit, owner, repo, results: report.results as SourceResult[], checked: report.checked as string[] });
