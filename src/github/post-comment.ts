// The thin executor: finds the report comment by its marker (every page), updates it or creates
// it. Missing permission (a fork PR's read-only token, a 403) or a rate limit is written to the job
// log and returns normally: the comment is a courtesy, the check itself already passed or failed.
import type { Octokit } from '@octokit/rest';
import { GITHUB_COMMENT_LIMIT, MARKER, MAX_BODY, POSTER_NOTE_ROOM } from './pr-report.ts';

export interface PostCommentOptions {
  octokit: Octokit;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  /** Only comments by this account count as ours (anyone can paste the marker). */
  botLogin?: string;
  log?: (message: string) => void;
}

export type PostResult =
  | { action: 'created' | 'updated'; commentId: number }
  | { action: 'skipped'; reason: 'forbidden' | 'rate-limited' | 'not-found' };

interface HttpError {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

const isHttpError = (error: unknown): error is HttpError => typeof error === 'object' && error !== null && typeof (error as HttpError).status === 'number';

/** Why a request failed, when that failure should not fail the job. */
export function skipReason(error: unknown): Extract<PostResult, { action: 'skipped' }>['reason'] | null {
  if (!isHttpError(error)) return null;
  const headers = error.response?.headers ?? {};
  if (error.status === 429 || (error.status === 403 && String(headers['x-ratelimit-remaining']) === '0')) return 'rate-limited';
  if (error.status === 403 || error.status === 401) return 'forbidden';
  if (error.status === 404) return 'not-found';
  return null;
}

const EXPLAIN: Record<Extract<PostResult, { action: 'skipped' }>['reason'], string> = {
  forbidden: 'the token may not comment here (a pull request from a fork gets a read-only token)',
  'rate-limited': 'the GitHub API rate limit is used up; the next run will post it',
  'not-found': 'the pull request or comment was not found (or the token cannot see it)',
};

export async function postComment(options: PostCommentOptions): Promise<PostResult> {
  const { octokit, owner, repo, issueNumber } = options;
  const log = options.log ?? ((message: string) => process.stdout.write(`${message}\n`));
  const botLogin = options.botLogin ?? 'github-actions[bot]';
  if (!options.body.startsWith(MARKER) || options.body.length > GITHUB_COMMENT_LIMIT) {
    throw new Error(`the report body must start with ${MARKER} and be at most ${GITHUB_COMMENT_LIMIT} characters (got ${options.body.length})`);
  }
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
    const ours = comments.find((c) => c.user?.login === botLogin && typeof c.body === 'string' && c.body.startsWith(MARKER));
    if (ours) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body: options.body });
      log(`updated the report comment ${ours.id} on ${owner}/${repo}#${issueNumber}`);
      return { action: 'updated', commentId: ours.id };
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body: options.body });
    log(`created the report comment ${data.id} on ${owner}/${repo}#${issueNumber}`);
    return { action: 'created', commentId: data.id };
  } catch (error) {
    const reason = skipReason(error);
    if (!reason) throw error;
    // A workflow warning annotation, so the skipped comment is visible without failing anything.
    log(`::warning title=PR report not posted::${EXPLAIN[reason]} (HTTP ${(error as HttpError).status}: ${String((error as HttpError).message).split('\n')[0]})`);
    return { action: 'skipped', reason };
  }
}

/** The artifact came from an untrusted run: the PR number must belong to the run's head commit. */
export async function pullRequestMatches(octokit: Octokit, owner: string, repo: string, issueNumber: number, headSha: string): Promise<boolean> {
  const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: issueNumber });
  return data.head.sha === headSha;
}

/**
 * Reads an untrusted report as data: the number must be a PR at the run's head commit, the body
 * our marker-led Markdown, and no @mention may ping anyone. Then posts it.
 */
export async function postUntrustedReport(options: Omit<PostCommentOptions, 'issueNumber' | 'body'> & { issueNumber: unknown; body: unknown; headSha: string }): Promise<PostResult | { action: 'refused'; reason: string }> {
  const log = options.log ?? ((message: string) => process.stdout.write(`${message}\n`));
  const { issueNumber, body } = options;
  if (typeof issueNumber !== 'number' || !Number.isSafeInteger(issueNumber) || issueNumber <= 0) return refuse(log, 'the report names no valid pull request number');
  if (typeof body !== 'string' || !body.startsWith(MARKER) || body.length > MAX_BODY) return refuse(log, `the report body is not a report (must start with the marker and be at most ${MAX_BODY} characters)`);
  try {
    if (!(await pullRequestMatches(options.octokit, options.owner, options.repo, issueNumber, options.headSha))) {
      return refuse(log, `pull request #${issueNumber} is not at commit ${options.headSha} (a newer push, or a forged number)`);
    }
  } catch (error) {
    const reason = skipReason(error);
    if (!reason) throw error;
    log(`::warning title=PR report not posted::${EXPLAIN[reason]} (HTTP ${(error as HttpError).status})`);
    return { action: 'skipped', reason };
  }
  return postComment({ ...options, issueNumber, body: withPosterNote(body.replace(/@/g, '&#64;'), options.headSha) });
}

/**
 * The poster's own note, first under the marker: the rest of the comment was built by the PR's own
 * validate run, which a fork's author controls, so readers must not take it as the maintainers' word.
 * Added here, by the default branch's code, so no pull request can leave it out.
 */
export function posterNote(headSha: string): string {
  const commit = /^[0-9a-f]{40}$/.test(headSha) ? ` at commit <code>${headSha.slice(0, 12)}</code>` : '';
  return `> [!NOTE]\n> The report below comes from this pull request's own check (the validate workflow on its code${commit}). For a pull request from a fork, its author controls that run and so this text: the check's status on the pull request is what counts.\n\n`;
}

export function withPosterNote(body: string, headSha: string): string {
  const note = posterNote(headSha);
  if (note.length + 1 > POSTER_NOTE_ROOM) throw new Error('the poster note outgrew its room');
  // The note ends with a blank line, so no text of the report can continue its paragraph.
  return `${MARKER}\n${note}${body.slice(MARKER.length).replace(/^\n+/, '')}`;
}

function refuse(log: (message: string) => void, reason: string): { action: 'refused'; reason: string } {
  log(`::warning title=PR report not posted::${reason}`);
  return { action: 'refused', reason };
}
