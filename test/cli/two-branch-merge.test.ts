// Two pull requests that each add a type touch only their own folders, so git merges both without a
// conflict; the release workflow's post-merge steps (catalog version from the changes, regenerated
// README table, CODEOWNERS and coverage) then leave a catalog that passes the full check.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, exec, fillPlaceholders } from './scaffold-helpers.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const COPIED = ['bin', 'src', 'scripts', 'schemas', 'definitions', 'docs', 'README.md', 'CODEOWNERS', 'LICENSE', 'package.json', 'tsconfig.json'];
let clone: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
const author = (args: string[]) => cli(args, clone, 'bin/artifact-types.js');

beforeAll(async () => {
  clone = await mkdtemp(path.join(tmpdir(), 'at-two-branches-'));
  await Promise.all(COPIED.map((entry) => cp(path.join(repo, entry), path.join(clone, entry), { recursive: true })));
  await symlink(path.join(repo, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
});
afterAll(async () => {
  await rm(clone, { recursive: true, force: true });
});

/** A contributor's branch: scaffold, fill in, check, commit the folder. Returns the files it changed. */
async function contribute(id: string, maintainer: string): Promise<string[]> {
  git('checkout', '-q', '-b', id, 'main');
  const made = await author(['new', id, '--display-name', `Acme ${id.split('.')[1]}`, '--maintainer', maintainer]);
  expect(made.code, made.stderr).toBe(0);
  await fillPlaceholders(path.join(clone, 'definitions', id), id);
  expect((await author(['validate', '--fix', `definitions/${id}`])).code).toBe(0);
  const full = await author(['validate']);
  expect(full.code, full.stdout).toBe(0);
  git('add', '-A');
  git('commit', '-qm', `Add ${id}`);
  return git('diff', '--name-only', 'main', id).split('\n').filter(Boolean);
}

describe('two pull requests that each add a type', () => {
  it('touch only their folders, merge without conflict, and pass the full check after the post-merge step', async () => {
    const alpha = await contribute('acme.alpha', '@alpha-dev');
    const beta = await contribute('acme.beta', '@beta-dev');
    expect(alpha.length).toBeGreaterThan(0);
    expect(alpha.every((f) => f.startsWith('definitions/acme.alpha/'))).toBe(true);
    expect(beta.every((f) => f.startsWith('definitions/acme.beta/'))).toBe(true);

    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-ff', '--no-edit', 'acme.alpha');
    // The second merge is the one that used to conflict on catalog.json, the README table and CODEOWNERS.
    git('merge', '-q', '--no-ff', '--no-edit', 'acme.beta');
    expect(git('status', '--porcelain')).toBe('');

    // The release workflow's regenerate job, step by step (the "last release" is the base catalog).
    const previous = path.join(clone, '.previous');
    expect((await author(['build', '--no-generated', '--no-package', '--root', path.join(repo, 'definitions'), '--out', previous])).code).toBe(0);
    const merged = path.join(clone, '.merged');
    expect((await author(['build', '--no-generated', '--no-package', '--out', merged])).code).toBe(0);
    const bumped = await author(['changes', path.join(previous, 'catalog.json'), path.join(merged, 'catalog.json'), '--write-version', 'definitions/catalog.json']);
    expect(bumped.code, bumped.stderr).toBe(0);
    const before = JSON.parse(await readFile(path.join(repo, 'definitions/catalog.json'), 'utf8')).version as string;
    const version = semver.inc(before, 'minor')!; // types added: a minor bump (VERSIONING.md)
    expect(bumped.stderr).toContain(`catalog version ${before} -> ${version}`);
    const build = await exec('npm', ['run', 'build'], clone);
    expect(build.code, build.stderr).toBe(0);
    const judged = await author(['validate', '--generated']);
    expect(judged.code, judged.stdout).toBe(0);

    const readme = await readFile(path.join(clone, 'README.md'), 'utf8');
    expect(readme).toContain(`catalog version ${version}.`);
    expect(readme).toContain('| [Acme alpha](definitions/acme.alpha/README.md) |');
    expect(readme).toContain('| [Acme beta](definitions/acme.beta/README.md) |');
    const owners = (await readFile(path.join(clone, 'CODEOWNERS'), 'utf8')).split('\n');
    expect(owners).toContain('/definitions/acme.alpha/ @alpha-dev @artifact-types/maintainers');
    expect(owners).toContain('/definitions/acme.beta/ @beta-dev @artifact-types/maintainers');
    expect(await readFile(path.join(clone, 'docs/coverage.md'), 'utf8')).toContain('](../definitions/acme.beta/README.md)');
  }, 240_000);
});
