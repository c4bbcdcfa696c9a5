// The checker against its fixture suite: a clean base catalog, and one broken case per rule
// (test/fixtures/checker/cases/<name>: overlay files + case.json with the findings it must produce).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGeneratedFiles } from '../../src/catalog/generated.ts';
import { runChecks } from '../../src/checks/run.ts';
import type { Finding } from '../../src/model/finding.ts';

const FIXTURES = path.resolve('test/fixtures/checker');
const CASES = path.join(FIXTURES, 'cases');
const temp = mkdtempSync(path.join(os.tmpdir(), 'checker-fixtures-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface CaseSpec {
  expect: Array<{ rule: string; file: string; line?: number; severity: Finding['severity'] }>;
  delete?: string[];
  generate?: { path: string; bytes: number };
  symlink?: { path: string; target: string };
  staleReadme?: boolean;
  /** Judge the generated files (validate --generated). */
  generated?: boolean;
  git?: boolean;
  noErrors?: boolean;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

/** A copy of the base catalog with its generated files written, as a repository root. */
async function baseRepo(name: string): Promise<string> {
  const repo = path.join(temp, name);
  cpSync(path.join(FIXTURES, 'base'), repo, { recursive: true });
  const { catalog } = await runChecks({ root: path.join(repo, 'definitions'), workers: 0 });
  await writeGeneratedFiles(repo, catalog);
  return repo;
}

/** Runs the checker with paths relative to the repo, as CI does from the repository root. */
async function check(repo: string, base?: string, generated = false): Promise<Finding[]> {
  const cwd = process.cwd();
  process.chdir(repo);
  try {
    return (await runChecks({ root: 'definitions', base, workers: 0, generated })).findings;
  } finally {
    process.chdir(cwd);
  }
}

describe('checker fixtures', () => {
  beforeAll(() => {
    // The schema's relative $schema path resolves against the real repo; the copies keep it valid.
    expect(existsSync(CASES)).toBe(true);
  });

  it('passes the clean base catalog with no findings at all', async () => {
    const repo = await baseRepo('clean');
    expect(await check(repo)).toEqual([]);
    expect(await check(repo, undefined, true)).toEqual([]);
  });

  for (const name of readdirSync(CASES).sort()) {
    it(`${name}: reports the expected rule, file and line`, async () => {
      const spec: CaseSpec = JSON.parse(readFileSync(path.join(CASES, name, 'case.json'), 'utf8'));
      const repo = await baseRepo(name);
      if (spec.git) {
        git(repo, 'init', '-q');
        git(repo, 'add', '-A');
        git(repo, 'commit', '-qm', 'base');
      }
      for (const file of spec.delete ?? []) rmSync(path.join(repo, file), { force: true });
      const overlay = path.join(CASES, name, 'files');
      if (existsSync(overlay)) cpSync(overlay, repo, { recursive: true });
      if (spec.generate) writeFileSync(path.join(repo, spec.generate.path), `{"description": "${'x'.repeat(spec.generate.bytes)}"}`);
      if (spec.symlink) symlinkSync(spec.symlink.target, path.join(repo, spec.symlink.path));
      if (spec.staleReadme) writeFileSync(path.join(repo, 'README.md'), readFileSync(path.join(repo, 'README.md'), 'utf8').replace('Widget bundle', 'Widget thing'));
      const findings = await check(repo, spec.git ? 'HEAD' : undefined, spec.generated);
      for (const expected of spec.expect) {
        const match = findings.find((f) => f.rule === expected.rule && f.file === expected.file && f.severity === expected.severity && (expected.line === undefined || f.line === expected.line));
        expect(match, `expected ${expected.severity} ${expected.rule} at ${expected.file}:${expected.line ?? '*'}; got:\n${findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule} ${f.message}`).join('\n')}`).toBeDefined();
        // Every finding tells the contributor how to fix it, in words.
        expect(match!.message.length).toBeGreaterThan(10);
        expect(match!.fix?.length ?? 0).toBeGreaterThan(5);
      }
      if (spec.noErrors) expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
      // Nothing from a contribution may ever run (the ---js fixture would create this file).
      expect(existsSync('/tmp/pwned-by-fixture')).toBe(false);
    });
  }
});
