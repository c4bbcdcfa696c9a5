// One issue per drifted type, kept by the scheduled drift watch: opened when a string drifts, updated
// while it stays drifted, closed when the definition is fixed. The plan is a pure function of the
// report and the open issues; the executor below only carries it out.
import type { Octokit } from '@octokit/rest';
import type { SourceResult } from './sources/check.ts';
import { DRIFT } from './sources/check.ts';

export const DRIFT_LABEL = 'source-drift';
const MAX_BODY = 60_000;

/** The hidden marker that finds a type's issue again (anyone can paste it, so the author is checked too). */
export const driftMarker = (id: string) => `<!-- artifact-types:source-drift id=${id} -->`;
const MARKER_PATTERN = /^<!-- artifact-types:source-drift id=([a-z0-9.-]+) -->/;

export interface OpenIssue {
  number: number;
  title: string;
  body: string;
  author: string;
}

export type IssueAction =
  | { action: 'open'; id: string; title: string; body: string }
  | { action: 'update'; id: string; number: number; title: string; body: string }
  | { action: 'close'; id: string; number: number; comment: string };

/** Report rows are upstream text: keep them inside code spans and table cells, and ping nobody. */
const cell = (text: string) => text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|').replace(/`/g, "'").replace(/@/g, '&#64;').replace(/</g, '&lt;');

export function issueBody(id: string, drifted: SourceResult[]): string {
  const rows = drifted.map((r) => `| \`${cell(r.subject)}\` | ${r.status} | \`${cell(r.path)}\`${r.lines.length ? ` line ${r.lines.join(', ')}` : ''} | [evidence](${r.url.replace(/[()\s]/g, encodeURIComponent)}) |`);
  const body = [
    driftMarker(id),
    `The upstream source of \`${id}\` changed: ${drifted.length} evidence string${drifted.length === 1 ? '' : 's'} no longer stand${drifted.length === 1 ? 's' : ''} where \`definitions/${id}/definition.json\` says.`,
    '',
    '| String | Status | Where it was looked for | Pinned evidence |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    `Run \`npx artifact-types sources check ${id}\` to see it locally. Fix the definition (what the tool writes now, evidence re-pinned, version bumped); this issue closes itself on the next run after the fix lands.`,
  ].join('\n');
  return body.length <= MAX_BODY ? body : `${body.slice(0, MAX_BODY - 40)}\n\n…(cut: run the command for the rest)`;
}

/**
 * What to do, given this run's results (for the types it checked) and the open drift issues.
 * Issues not written by `botLogin` are ignored, and a type not checked in this run is left alone.
 */
export function planDriftIssues(results: SourceResult[], checked: string[], open: OpenIssue[], botLogin: string): IssueAction[] {
  const byId = new Map<string, SourceResult[]>();
  for (const r of results) if (DRIFT.has(r.status)) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  const ours = new Map<string, OpenIssue>();
  for (const issue of open) {
    const id = MARKER_PATTERN.exec(issue.body)?.[1];
    if (id && issue.author === botLogin && !ours.has(id)) ours.set(id, issue);
  }
  const actions: IssueAction[] = [];
  for (const [id, drifted] of [...byId].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const title = `Upstream drift: ${id}`;
    const body = issueBody(id, drifted);
    const issue = ours.get(id);
    if (!issue) actions.push({ action: 'open', id, title, body });
    else if (issue.body !== body || issue.title !== title) actions.push({ action: 'update', id, number: issue.number, title, body });
  }
  const checkedIds = new Set(checked);
  for (const [id, issue] of ours) {
    if (checkedIds.has(id) && !byId.has(id)) actions.push({ action: 'close', id, number: issue.number, comment: `Every pinned evidence string of \`${id}\` stands upstream again: closing.` });
  }
  return actions;
}

/** Lists the open drift issues (every page), then carries out the plan. */
export async function keepDriftIssues(options: { octokit: Octokit; owner: string; repo: string; results: SourceResult[]; checked: string[]; botLogin?: string; log?: (m: string) => void }): Promise<IssueAction[]> {
  const { octokit, owner, repo } = options;
  const log = options.log ?? ((m: string) => process.stdout.write(`${m}\n`));
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'open', labels: DRIFT_LABEL, per_page: 100 });
  const open: OpenIssue[] = issues.filter((i) => !i.pull_request).map((i) => ({ number: i.number, title: i.title, body: i.body ?? '', author: i.user?.login ?? '' }));
  const plan = planDriftIssues(options.results, options.checked, open, options.botLogin ?? 'github-actions[bot]');
  for (const step of plan) {
    if (step.action === 'open') {
      const { data } = await octokit.rest.issues.create({ owner, repo, title: step.title, body: step.body, labels: [DRIFT_LABEL] });
      log(`opened #${data.number} for ${step.id}`);
    } else if (step.action === 'update') {
      await octokit.rest.issues.update({ owner, repo, issue_number: step.number, title: step.title, body: step.body });
      log(`updated #${step.number} for ${step.id}`);
    } else {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: step.number, body: step.comment });
      await octokit.rest.issues.update({ owner, repo, issue_number: step.number, state: 'closed', state_reason: 'completed' });
      log(`closed #${step.number} for ${step.id}`);
    }
  }
  if (plan.length === 0) log('drift issues are up to date');
  return plan;
}
