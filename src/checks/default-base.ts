// The ref a local `validate` compares versions with when none is given: where the current branch
// left the branch it will be merged into, so a contributor sees version/not-bumped before CI does.
import { git } from './versions.ts';

const UPSTREAMS = ['origin/HEAD', 'origin/main', 'main'];

/** The merge base of HEAD with origin/HEAD, origin/main or main, or undefined outside a git checkout. */
export async function defaultBase(repoRoot: string): Promise<string | undefined> {
  for (const ref of UPSTREAMS) {
    try {
      await git(repoRoot, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
      return (await git(repoRoot, ['merge-base', 'HEAD', ref])).trim() || undefined;
    } catch {
      // Not a git checkout, no such ref, or no common history: try the next, else compare nothing.
    }
  }
  return undefined;
}
