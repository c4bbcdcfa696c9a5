// Which definition folders git vouches for, without reading them: a folder whose files are all
// tracked and unchanged since the index has a key made of its files' modes, names and blob ids
// (git's own content hashes), so the cache can recognize it from `git ls-files` alone. Untracked
// directories, empty ones too (which git does not track but the loader lists), count as changes.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { displayPath } from '../catalog/load.ts';
import { git } from './versions.ts';

/**
 * Folder id → key, for folders with no modified, deleted or untracked file (ignored ones count as
 * untracked). null when root is not in a git work tree or git fails: every folder is read then.
 */
export async function gitTreeKeys(root: string): Promise<Map<string, string> | null> {
  let staged: string;
  let dirty: string;
  try {
    // Paths come relative to root (git's working directory), so the first segment is the folder.
    [staged, dirty] = await Promise.all([git(root, ['ls-files', '-s', '-z', '--', '.']), git(root, ['ls-files', '-z', '-m', '-d', '-o', '--directory', '--', '.'])]);
  } catch {
    return null;
  }
  const changed = new Set(dirty.split('\0').filter(Boolean).map((file) => file.split('/')[0]!));
  const lines = new Map<string, string[]>();
  for (const line of staged.split('\0')) {
    // "<mode> <blob> <stage>\t<path>"; an unmerged path (stage > 0) makes its folder unknown.
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const file = line.slice(tab + 1);
    const id = file.split('/')[0]!;
    if (!file.includes('/')) continue;
    if (!line.slice(0, tab).endsWith(' 0')) changed.add(id);
    let list = lines.get(id);
    if (!list) lines.set(id, (list = []));
    list.push(line);
  }
  const keys = new Map<string, string>();
  for (const [id, list] of lines) {
    if (changed.has(id)) continue;
    const hash = createHash('sha256').update(`git\0${displayPath(path.join(root, id))}\0`);
    for (const line of list.sort()) hash.update(`${line}\0`);
    keys.set(id, hash.digest('hex'));
  }
  return keys;
}
