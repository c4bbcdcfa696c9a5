// Rules version/*: with --base, a changed definition bumps its version; removing an identifying
// media type (or annotation, or label) needs a major bump, because consumers stop recognizing it.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import type { ArtifactTypeDefinition } from '../model/catalog.ts';
import type { Finding } from '../model/finding.ts';
import type { CatalogRule } from './context.ts';
import { at } from './context.ts';
import { claimsOf } from './uniqueness.ts';

const run = promisify(execFile);

/** Runs git in the repository and returns its standard output (the --base rules and changed lines share it). */
export async function git(repoRoot: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', repoRoot, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** The definition folders that differ from base (by id), or null when base is not a commit git knows. */
export async function changedSince(repoRoot: string, root: string, base: string): Promise<Set<string> | null> {
  const rootInRepo = path.relative(repoRoot, root).split(path.sep).join('/');
  try {
    await git(repoRoot, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
    const changed = (await git(repoRoot, ['diff', '--name-only', base, '--', rootInRepo])).split('\n').filter(Boolean);
    return new Set(changed.map((f) => f.slice(rootInRepo.length + 1).split('/')[0]!));
  } catch {
    return null;
  }
}

export const versions: CatalogRule = async ({ repoRoot, root, checked, base, focus }) => {
  if (!base) return [];
  const findings: Finding[] = [];
  const rootInRepo = path.relative(repoRoot, root).split(path.sep).join('/');
  const changedIds = await changedSince(repoRoot, root, base);
  if (!changedIds) return [{ rule: 'version/base', severity: 'error', file: rootInRepo, line: 0, column: 0, message: `--base ${base} is not a commit git knows here`, fix: 'fetch the base branch (e.g. git fetch origin main) or pass a valid ref' }];
  for (const { source, definition } of checked) {
    if (!definition || !source.definition || !changedIds.has(source.id) || (focus && !focus.has(source.id))) continue;
    let old: ArtifactTypeDefinition;
    try {
      old = JSON.parse(await git(repoRoot, ['show', `${base}:${rootInRepo}/${source.id}/definition.json`]));
    } catch {
      continue; // a new type: any version will do
    }
    if (typeof old.version !== 'string' || !semver.valid(old.version)) continue;
    if (!semver.gt(definition.version, old.version)) {
      findings.push(at(source.definition, '/version', 'version/not-bumped', `the definition changed but its version is still ${definition.version} (base has ${old.version})`, `bump it to ${semver.inc(old.version, 'patch')} for metadata, ${semver.inc(old.version, 'minor')} for added media types`));
      continue;
    }
    const now = new Set(claimsOf(definition).map((c) => c.key));
    const removed = claimsOf(old).filter((c) => !now.has(c.key));
    if (removed.length > 0 && semver.major(definition.version) <= semver.major(old.version)) {
      findings.push(at(source.definition, '/version', 'version/major-required', `${removed.map((c) => c.label).join(', ')} ${removed.length === 1 ? 'was' : 'were'} removed, so consumers stop recognizing it; that is a major change`, `set the version to ${semver.inc(old.version, 'major')}, or keep the old media type (marked deprecated)`));
    }
  }
  return findings;
};
