// Holds each pinned piece of evidence against the file on the repository's default branch today:
// still there (at which line), file renamed, string gone, file gone, repository archived or missing.
import type { Finding } from '../../model/finding.ts';
import type { EvidenceRef, UpstreamFile } from './evidence-index.ts';
import type { GithubFiles, RepoInfo } from './github-files.ts';

export type SourceStatus = 'present' | 'moved' | 'renamed' | 'gone' | 'file-gone' | 'archived' | 'repo-missing';

/** Statuses that mean the definition no longer matches upstream and needs a look. */
export const DRIFT: ReadonlySet<SourceStatus> = new Set(['renamed', 'gone', 'file-gone', 'archived', 'repo-missing']);

/** An evidence reference (without its parsed link) and what was found upstream. */
export interface SourceResult extends Omit<EvidenceRef, 'link'> {
  status: SourceStatus;
  /** The default branch checked, and the path the string was looked for in (after a rename). */
  branch: string | null;
  path: string;
  /** 1-based lines where the needle stands now. */
  lines: number[];
}

/** 1-based numbers of the lines that contain the needle. */
export function linesContaining(text: string, needle: string): number[] {
  const found: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(needle)) found.push(i + 1);
  return found;
}

export async function checkSources(files: UpstreamFile[], github: GithubFiles): Promise<SourceResult[]> {
  const repos = new Map<string, Promise<RepoInfo>>();
  const results: SourceResult[] = [];
  for (const upstream of files) {
    const key = `${upstream.owner}/${upstream.repo}`.toLowerCase();
    if (!repos.has(key)) repos.set(key, github.repo(upstream.owner, upstream.repo));
    const repo = await repos.get(key)!;
    const result = (ref: EvidenceRef, status: SourceStatus, extra: Partial<SourceResult> = {}): SourceResult => ({
      id: ref.id, file: ref.file, line: ref.line, column: ref.column, subject: ref.subject, needle: ref.needle, url: ref.url,
      status, branch: repo.status === 'ok' ? repo.defaultBranch : null, path: upstream.path, lines: [], ...extra,
    });
    if (repo.status === 'missing') {
      results.push(...upstream.refs.map((ref) => result(ref, 'repo-missing')));
      continue;
    }
    let path = upstream.path;
    let file = await github.file(upstream.owner, upstream.repo, repo.defaultBranch, path);
    let renamed = false;
    if (file.status === 'missing') {
      const to = await github.renamedTo(upstream.owner, upstream.repo, repo.defaultBranch, path);
      if (to) {
        path = to;
        renamed = true;
        file = await github.file(upstream.owner, upstream.repo, repo.defaultBranch, path);
      }
    }
    for (const ref of upstream.refs) {
      if (file.status === 'missing') {
        results.push(result(ref, 'file-gone'));
        continue;
      }
      const lines = linesContaining(file.text, ref.needle);
      const { startLine, endLine } = ref.link;
      const status: SourceStatus =
        lines.length === 0 ? 'gone'
        : repo.archived ? 'archived'
        : renamed ? 'renamed'
        : lines.some((l) => l >= startLine && l <= endLine) ? 'present'
        : 'moved';
      results.push(result(ref, status, { path, lines }));
    }
  }
  return results;
}

const shown = (r: SourceResult) => `${r.subject}: ${JSON.stringify(r.needle)}`;
const where = (r: SourceResult) => `${r.path} on ${r.branch ?? 'the default branch'}`;
const at = (r: SourceResult) => (r.lines.length > 0 ? ` (line ${r.lines.join(', ')})` : '');

/** Drifted results as checker findings, at the evidence's line in definition.json. */
export function driftFindings(results: SourceResult[]): Finding[] {
  const findings: Finding[] = [];
  for (const r of results) {
    const base = { file: r.file, line: r.line, column: r.column };
    switch (r.status) {
      case 'gone':
        findings.push({ ...base, rule: 'sources/gone', severity: 'error', message: `${shown(r)} is no longer in ${where(r)}`, fix: 'find what the tool writes now: fix the string (and bump the version), or mark it deprecated with evidence pinned to the last commit that wrote it' });
        break;
      case 'file-gone':
        findings.push({ ...base, rule: 'sources/file-gone', severity: 'error', message: `${where(r)} no longer exists, and its last commit there did not rename it (evidence for ${shown(r)})`, fix: 'find where the tool writes the string now and pin the evidence there, or mark the string deprecated' });
        break;
      case 'renamed':
        findings.push({ ...base, rule: 'sources/renamed', severity: 'warning', message: `the file moved: ${shown(r)} is now in ${where(r)}${at(r)}`, fix: `re-pin the evidence to ${r.path} at a current commit` });
        break;
      case 'archived':
        findings.push({ ...base, rule: 'sources/archived', severity: 'warning', message: `the repository of ${r.url.split('/blob/')[0]} is archived (evidence for ${shown(r)})`, fix: 'check whether the tool moved elsewhere or the type is deprecated; say so in the definition' });
        break;
      case 'repo-missing':
        findings.push({ ...base, rule: 'sources/repo-missing', severity: 'error', message: `the repository ${r.url.split('/blob/')[0]} is gone or private (evidence for ${shown(r)})`, fix: 'find where the tool lives now and pin the evidence there' });
        break;
      default:
        break;
    }
  }
  return findings;
}

export function summarizeResults(results: SourceResult[]): Record<SourceStatus, number> {
  const counts: Record<SourceStatus, number> = { present: 0, moved: 0, renamed: 0, gone: 0, 'file-gone': 0, archived: 0, 'repo-missing': 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}
