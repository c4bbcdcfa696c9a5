// The hostile corpus: test/fixtures/hostile/cases/<name>/{case.json, files/}, each an overlay on the
// checker's clean base catalog (test/fixtures/checker/base) that one hostile pull request could make.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { writeGeneratedFiles } from '../../src/catalog/generated.ts';
import { runChecks } from '../../src/checks/run.ts';
import type { Finding } from '../../src/model/finding.ts';
import { generate, type Generator } from './generators.ts';

export const BASE = path.resolve('test/fixtures/checker/base');
export const CASES = path.resolve('test/fixtures/hostile/cases');

export interface ExpectedFinding {
  rule: string;
  /** Repository-relative path. */
  file: string;
  line?: number;
  severity: Finding['severity'];
}

export interface HostileCase {
  name: string;
  /** What the contribution tries, in a few words (goes into docs/reliability/checker.md). */
  description: string;
  expect: ExpectedFinding[];
  /** Base files to remove before the overlay. */
  delete?: string[];
  /** Text replacements in files (after the overlay): JSON escapes put bidi controls or NUL in place. */
  edit?: Array<{ path: string; replace: Array<[string, string]> }>;
  generate?: Generator[];
  symlink?: Array<{ path: string; target: string }>;
  /** Named pipes: reading one would block forever. */
  fifo?: string[];
  /** Copies of a base folder under another name (names git could hold but we should not commit). */
  copyDir?: Array<{ from: string; to: string }>;
  /** A file the payload would create if anything from the contribution ran. */
  marker?: string;
  /** At most this many findings in all: a hostile file must not flood the output. */
  maxFindings?: number;
  /** Also check this case in the worker pool and expect the same findings. */
  pool?: boolean;
}

export function loadCases(): HostileCase[] {
  return readdirSync(CASES)
    .sort()
    .map((name) => ({ name, ...JSON.parse(readFileSync(path.join(CASES, name, 'case.json'), 'utf8')) }));
}

/** A copy of the base catalog with its generated files written (README table, CODEOWNERS): checks clean. */
export async function makeTemplate(dir: string): Promise<string> {
  cpSync(BASE, dir, { recursive: true });
  const { catalog } = await runChecks({ root: path.join(dir, 'definitions'), workers: 0 });
  await writeGeneratedFiles(dir, catalog);
  return dir;
}

/** The repository a case's pull request would produce. */
export function materialize(template: string, repo: string, spec: HostileCase): void {
  cpSync(template, repo, { recursive: true });
  const at = (p: string) => path.join(repo, p);
  for (const file of spec.delete ?? []) rmSync(at(file), { recursive: true, force: true });
  const overlay = path.join(CASES, spec.name, 'files');
  if (existsSync(overlay)) cpSync(overlay, repo, { recursive: true });
  for (const { from, to } of spec.copyDir ?? []) cpSync(at(from), at(to), { recursive: true });
  for (const { path: file, replace } of spec.edit ?? []) {
    let text = readFileSync(at(file), 'utf8');
    for (const [from, to] of replace) {
      if (!text.includes(from)) throw new Error(`case ${spec.name}: "${from}" is not in ${file}`);
      text = text.replace(from, to);
    }
    writeFileSync(at(file), text);
  }
  for (const generator of spec.generate ?? []) {
    mkdirSync(path.dirname(at(generator.path)), { recursive: true });
    generate(at(generator.path), generator);
  }
  for (const link of spec.symlink ?? []) {
    rmSync(at(link.path), { recursive: true, force: true });
    symlinkSync(link.target, at(link.path));
  }
  for (const fifo of spec.fifo ?? []) {
    rmSync(at(fifo), { force: true });
    execFileSync('mkfifo', [at(fifo)]);
  }
}

/**
 * Findings with repository-relative paths. The repo lives outside the working directory, so files
 * come back absolute or climbing out with ../ (definition rules), or already repo-relative (generated files).
 */
export function relativeTo(repo: string, findings: Finding[]): Finding[] {
  return findings.map((f) => {
    const absolute = path.isAbsolute(f.file) || f.file.startsWith('..') ? path.resolve(f.file) : path.join(repo, f.file);
    return { ...f, file: path.relative(repo, absolute).split(path.sep).join('/') };
  });
}

export function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `  ${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule}: ${f.message}`).join('\n') || '  (none)';
}
