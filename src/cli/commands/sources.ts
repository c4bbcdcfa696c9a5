// `artifact-types sources check [ids…]`: does every pinned piece of evidence still stand in its file on
// the upstream repository's default branch? Exit 0 no drift, 1 drift, 2 usage or rate-limit trouble.
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { Octokit } from '@octokit/rest';
import { collectEvidence, groupByFile } from '../../github/sources/evidence-index.ts';
import { GithubFiles, RateLimitError, type Budget, type EtagCache } from '../../github/sources/github-files.ts';
import { checkSources, DRIFT, driftFindings, summarizeResults, type SourceResult } from '../../github/sources/check.ts';
import { writeFileAtomic } from '../../catalog/write-atomic.ts';
import { formatGithub, formatSummaryTable } from '../../report/github.ts';
import { formatText } from '../../report/text.ts';
import { fail } from '../io.ts';

const CACHE_FORMAT = 1;

async function readCache(file: string): Promise<EtagCache> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { format?: number; entries?: Record<string, { etag: string; data: unknown }> };
    // A cache of another format, or a damaged one, is only a slower run: start empty.
    if (parsed.format !== CACHE_FORMAT || typeof parsed.entries !== 'object' || parsed.entries === null) return new Map();
    return new Map(Object.entries(parsed.entries).filter(([, e]) => typeof e?.etag === 'string'));
  } catch {
    return new Map();
  }
}

export function budgetLine(budget: Budget): string {
  const rate = budget.remaining !== null ? `; rate limit ${budget.remaining}${budget.limit !== null ? `/${budget.limit}` : ''} left${budget.reset ? `, resets ${budget.reset.toISOString()}` : ''}` : '';
  return `GitHub API: ${budget.requests} request${budget.requests === 1 ? '' : 's'} (${budget.conditional} conditional, ${budget.notModified} not modified)${rate}`;
}

export function register(program: Command): void {
  const sources = program.command('sources').description('Work with the upstream evidence pinned in definitions.');
  sources
    .command('check')
    .description('Check that every pinned evidence string still stands in its file on the upstream default branch (GitHub API; GITHUB_API_URL and GITHUB_TOKEN honoured). Exit 0 no drift, 1 drift, 2 usage or rate limit.')
    .argument('[ids...]', 'type ids to check (default: every type)')
    .option('--root <dir>', 'the definitions directory', 'definitions')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .option('--cache <file>', 'ETag cache, so that a repeated run spends only conditional requests', '.cache/sources-check.json')
    .option('--summary <file>', 'also append a Markdown table of drift to this file (defaults to $GITHUB_STEP_SUMMARY with --format github)')
    .action(async (ids: string[], options: { root: string; format: string; cache: string; summary?: string }) => {
      const root = path.resolve(options.root);
      const exists = await readFile(path.join(root, 'catalog.json')).then(() => true, () => false);
      if (!exists) fail(`--root ${options.root} is not a definitions directory (no catalog.json in it)`, 2);
      const { refs, ids: checked, unreadable, unknown } = await collectEvidence(root, ids);
      if (unknown.length > 0) fail(`no such type: ${unknown.join(', ')} (ids are folder names under ${options.root})`, 2);
      const octokit = new Octokit({
        ...(process.env.GITHUB_TOKEN ? { auth: process.env.GITHUB_TOKEN } : {}),
        baseUrl: (process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
        userAgent: 'artifact-types-sources-check',
        log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      });
      const github = new GithubFiles({ octokit, cache: await readCache(options.cache) });
      let results: SourceResult[];
      try {
        results = await checkSources(groupByFile(refs), github);
      } catch (error) {
        await saveCache(options.cache, github.cache);
        if (error instanceof RateLimitError) fail(`${error.message}\n${budgetLine(github.budget)}`, 2);
        fail(`could not check the sources: ${(error as Error).message}`, 2);
      }
      await saveCache(options.cache, github.cache);
      const findings = driftFindings(results);
      const counts = summarizeResults(results);
      const drifted = results.filter((r) => DRIFT.has(r.status));
      const summaryFile = options.summary ?? (options.format === 'github' ? process.env.GITHUB_STEP_SUMMARY : undefined);
      if (options.format === 'json') {
        process.stdout.write(`${JSON.stringify({ checked, unreadable, counts, drifted: drifted.length, budget: github.budget, results }, null, 2)}\n`);
      } else {
        const text = options.format === 'github' ? formatGithub(findings) : formatText(findings, checked.length).replace(/\n$/, '');
        const moved = results.filter((r) => r.status === 'moved').map((r) => `${r.file}:${r.line}:${r.column} ${r.subject} still in ${r.path}, now at line ${r.lines.join(', ')}`);
        process.stdout.write(
          `${options.format === 'text' ? [...moved, text].filter(Boolean).join('\n') + '\n' : text}` +
            `${results.length} evidence strings in ${checked.length} types: ${counts.present} in place, ${counts.moved} at another line, ${drifted.length} drifted` +
            `${unreadable.length > 0 ? `; not read (fix with validate): ${unreadable.join(', ')}` : ''}\n${budgetLine(github.budget)}\n`,
        );
      }
      if (summaryFile) await writeSummary(summaryFile, findings);
      process.exitCode = drifted.length > 0 ? 1 : 0;
    });
}

async function saveCache(file: string, cache: EtagCache): Promise<void> {
  await writeFileAtomic(path.resolve(file), JSON.stringify({ format: CACHE_FORMAT, entries: Object.fromEntries(cache) }));
}

async function writeSummary(file: string, findings: ReturnType<typeof driftFindings>): Promise<void> {
  await appendFile(file, formatSummaryTable(findings).replace('### artifact-types validate', '### artifact-types sources check'));
}
