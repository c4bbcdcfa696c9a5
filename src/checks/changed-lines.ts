// With --base: which lines of the definitions changed since that commit, working tree included
// (CI checks out a merge commit; contributors run it on uncommitted work), so `--format github`
// annotates what a pull request touched and leaves the rest to the job summary.
import path from 'node:path';
import type { Finding } from '../model/finding.ts';
import { git } from './versions.ts';

export interface FileChange {
  /** The file did not exist at the base (added, or untracked): every line is new. */
  added: boolean;
  /** Inclusive [first, last] ranges of added or changed lines in the current file. */
  lines: Array<[number, number]>;
}

export interface ChangedLines {
  /** What the paths are relative to. */
  repoRoot: string;
  /** Touched files (added, modified or deleted), relative to repoRoot with forward slashes. */
  files: Map<string, FileChange>;
  /** Every file under root at the base (relative to repoRoot), to tell a new folder from an old one. */
  baseFiles: Set<string>;
}

/** Undoes git's C-style quoting of unusual paths ("a\\tb", octal UTF-8 bytes); other paths pass through. */
export function unquotePath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2) return text;
  const bytes: number[] = [];
  const escapes: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/^[0-7]{3}$/.test(body.slice(i + 1, i + 4))) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The added-line ranges per file in `git diff --unified=0` output, from the `+++ b/<path>` lines and
 * the hunk headers `@@ -a,b +c,d @@` (lines c..c+d-1 are new; d=0 is a pure deletion). Hunk bodies
 * are skipped by count, so content that looks like a header (`+++ x`) is not taken for one.
 */
export function parseUnifiedDiff(diff: string): Map<string, Array<[number, number]>> {
  const result = new Map<string, Array<[number, number]>>();
  let current: Array<[number, number]> | null = null;
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of diff.split('\n')) {
    if (oldLeft > 0 || newLeft > 0) {
      if (line.startsWith('\\')) continue; // "\ No newline at end of file"
      if (line.startsWith('-') && oldLeft > 0) {
        oldLeft--;
        continue;
      }
      if (line.startsWith('+') && newLeft > 0) {
        newLeft--;
        continue;
      }
      oldLeft = newLeft = 0; // a hunk shorter than its header said: read on as headers
    }
    if (line.startsWith('diff --git ')) {
      current = null;
    } else if (line.startsWith('+++ ')) {
      // git ends the name with a tab when it contains a space (for patch(1)).
      const name = unquotePath(line.slice(4).replace(/\t$/, ''));
      if (name === '/dev/null' || !name.startsWith('b/')) {
        current = null;
      } else {
        const file = name.slice(2);
        current = result.get(file) ?? [];
        result.set(file, current);
      }
    } else {
      const hunk = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!hunk) continue;
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      const start = Number(hunk[2]);
      const count = hunk[3] === undefined ? 1 : Number(hunk[3]);
      newLeft = count;
      if (current && count > 0) current.push([start, start + count - 1]);
    }
  }
  return result;
}

/**
 * The lines of `root` (a directory inside `repoRoot`) that differ between `base` and the working
 * tree, untracked files counting as added. Null when `base` is not a commit git knows here: the
 * version rule reports that as version/base. Throws when git fails otherwise.
 */
export async function readChangedLines(repoRoot: string, root: string, base: string): Promise<ChangedLines | null> {
  const rootInRepo = path.relative(repoRoot, root).split(path.sep).join('/') || '.';
  try {
    await git(repoRoot, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  } catch {
    return null;
  }
  // Explicit options so a user's diff config (prefixes, renames, external tools, colour) cannot change the output.
  const common = ['--no-color', '--no-renames', '--no-ext-diff', '--relative', base, '--', rootInRepo];
  const [status, patch, untracked, tree] = await Promise.all([
    git(repoRoot, ['diff', '--name-status', '-z', ...common]),
    git(repoRoot, ['-c', 'core.quotePath=false', 'diff', '--unified=0', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', ...common]),
    git(repoRoot, ['ls-files', '--others', '--exclude-standard', '-z', '--', rootInRepo]),
    git(repoRoot, ['ls-tree', '-r', '--name-only', '-z', base, '--', rootInRepo]),
  ]);
  const ranges = parseUnifiedDiff(patch);
  const files = new Map<string, FileChange>();
  const fields = status.split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const file = fields[i + 1]!;
    files.set(file, { added: fields[i]!.startsWith('A'), lines: ranges.get(file) ?? [] });
  }
  for (const file of untracked.split('\0').filter(Boolean)) files.set(file, { added: true, lines: [] });
  const baseFiles = new Set(tree.split('\0').filter(Boolean));
  return { repoRoot, files, baseFiles };
}

/** Every folder above each path ("a/b/c" → "a/b", "a"). */
function ancestors(paths: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const p of paths) for (let d = path.posix.dirname(p); d !== '.' && d !== '/' && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
  return dirs;
}

/**
 * Whether a finding is on a line the change touched: a line in a changed range, anywhere in an added
 * file, or a whole-file finding (line 0) on a touched file, on a folder with touched files in it, or
 * on a missing file in a folder that did not exist at the base. version/* findings compare with the
 * base by nature (an unbumped version is an untouched line), so they always count.
 */
export function onChangedLines(changes: ChangedLines): (finding: Finding) => boolean {
  const touchedDirs = ancestors(changes.files.keys());
  const baseDirs = ancestors(changes.baseFiles);
  return (finding) => {
    if (finding.rule.startsWith('version/')) return true;
    const relative = path.relative(changes.repoRoot, path.resolve(finding.file)).split(path.sep).join('/');
    if (relative === '..' || relative.startsWith('../') || path.isAbsolute(relative)) return false;
    const change = changes.files.get(relative);
    if (change) return change.added || finding.line <= 0 || change.lines.some(([first, last]) => finding.line >= first && finding.line <= last);
    if (finding.line > 0) return false;
    if (touchedDirs.has(relative)) return true;
    const folder = path.posix.dirname(relative);
    return touchedDirs.has(folder) && !baseDirs.has(folder);
  };
}
