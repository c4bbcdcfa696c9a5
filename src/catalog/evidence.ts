// Evidence links: a GitHub permalink pinned to a commit with a line anchor, or a docs page with a quote.
// A link to a branch (blob/main) is not evidence: the file moves and the line drifts.

export interface Permalink {
  owner: string;
  repo: string;
  commit: string;
  /** Path in the repository, URL-decoded. */
  path: string;
  startLine: number;
  endLine: number;
}

const PERMALINK = /^https:\/\/github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/blob\/([0-9a-f]{40})\/([^#?]+)#L([1-9]\d{0,6})(?:-L([1-9]\d{0,6}))?$/;
const PINNED_TREE_OR_BLOB = /^https:\/\/github\.com\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/(?:blob|tree)\/[0-9a-f]{40}(?:\/[^?#]*)?(?:#L\d+(?:-L\d+)?)?$/;

/** The parts of a pinned GitHub blob link with a line anchor, or null. */
export function parsePermalink(url: string): Permalink | null {
  const m = PERMALINK.exec(url);
  if (!m) return null;
  let path: string;
  try {
    path = decodeURIComponent(m[4]!);
  } catch {
    return null;
  }
  const startLine = Number(m[5]);
  const endLine = m[6] ? Number(m[6]) : startLine;
  if (endLine < startLine || path.split('/').some((part) => part === '' || part === '.' || part === '..')) return null;
  return { owner: m[1]!, repo: m[2]!, commit: m[3]!, path, startLine, endLine };
}

/** A URL on GitHub's code hosts, which must be pinned to a commit to count. */
export function isGithubCodeUrl(url: string): boolean {
  return /^https:\/\/(?:github\.com|raw\.githubusercontent\.com)\//i.test(url);
}

/** A link into a repository's files at a commit (blob or tree, with or without a line anchor). */
export function isPinnedGithubUrl(url: string): boolean {
  return PINNED_TREE_OR_BLOB.test(url);
}

/**
 * A link to files at a moving ref: github.com/<o>/<r>/blob|tree/<branch or tag>/… or a raw file
 * not at a 40-hex commit. Links to pull requests, issues, commits and releases do not move.
 */
export function followsBranch(url: string): boolean {
  if (/^https:\/\/raw\.githubusercontent\.com\//i.test(url)) return !/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\//.test(url);
  return /^https:\/\/github\.com\/[^/]+\/[^/]+\/(?:blob|tree)\//i.test(url) && !isPinnedGithubUrl(url);
}

/** What is wrong with one piece of evidence, if anything: a message and how to fix it. */
export function evidenceProblem(evidence: { url: string; quote?: string }): { rule: 'evidence/not-pinned' | 'evidence/no-quote'; message: string; fix: string } | null {
  if (isGithubCodeUrl(evidence.url)) {
    if (parsePermalink(evidence.url)) return null;
    return {
      rule: 'evidence/not-pinned',
      message: `evidence ${evidence.url} is not a GitHub permalink pinned to a commit with a line anchor`,
      fix: 'open the file on GitHub at the line, press y (or "Copy permalink") and use https://github.com/<owner>/<repo>/blob/<40-hex commit>/<path>#L<n>',
    };
  }
  if (evidence.quote === undefined) {
    return {
      rule: 'evidence/no-quote',
      message: `evidence ${evidence.url} is a documentation page without a quote`,
      fix: 'add "quote": the exact sentence or command from that page that states the string, or cite the code at a pinned permalink instead',
    };
  }
  return null;
}
