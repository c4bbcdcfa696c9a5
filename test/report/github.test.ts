// GitHub annotations limited to the lines a change touched: the formatter's notice, the hunk parser
// and which findings count as changed (the CLI tests run the same against a real git repository).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onChangedLines, parseUnifiedDiff, unquotePath, type ChangedLines } from '../../src/checks/changed-lines.ts';
import type { Finding } from '../../src/model/finding.ts';
import { formatGithub } from '../../src/report/github.ts';

const finding = (file: string, line: number, severity: Finding['severity'] = 'error', rule = 'schema/definition'): Finding => ({ rule, severity, file, line, column: line > 0 ? 3 : 0, message: 'is wrong', fix: 'fix it' });

describe('formatGithub', () => {
  const findings = [finding('d/a.json', 2), finding('d/b.json', 5, 'warning'), finding('d/c.json', 0), finding('d/c.json', 9, 'warning')];

  it('annotates every finding and prints no notice without a filter', () => {
    const out = formatGithub(findings);
    expect(out.split('\n').filter(Boolean)).toHaveLength(4);
    expect(out).toContain('::error file=d/a.json,line=2,col=3,title=schema/definition::is wrong. Fix: fix it\n');
    expect(out).toContain('::error file=d/c.json,title=schema/definition::is wrong');
    expect(out).not.toContain('::notice');
  });

  it('annotates the chosen findings and counts the others in one notice', () => {
    const out = formatGithub(findings, { annotate: (f) => f.file === 'd/a.json' });
    expect(out).toBe(
      '::error file=d/a.json,line=2,col=3,title=schema/definition::is wrong. Fix: fix it\n' +
        '::notice title=artifact-types validate::3 findings on lines this change did not touch (1 error, 2 warnings) are not annotated; the job summary lists every finding.\n',
    );
    expect(formatGithub([findings[0]!], { annotate: () => false, listedIn: 'out/summary.md lists every finding' })).toBe(
      '::notice title=artifact-types validate::1 finding on lines this change did not touch (1 error, 0 warnings) is not annotated; out/summary.md lists every finding.\n',
    );
    expect(formatGithub(findings, { annotate: () => true })).not.toContain('::notice');
  });

  it('puts a problem first, as an escaped warning', () => {
    expect(formatGithub([], { problem: 'git said 100%\nno' })).toBe('::warning title=artifact-types validate::git said 100%25%0Ano\n');
  });
});

describe('parseUnifiedDiff', () => {
  it('reads the added-line ranges of each file from the hunk headers', () => {
    const diff = [
      'diff --git a/defs/x/definition.json b/defs/x/definition.json',
      'index 1111111..2222222 100644',
      '--- a/defs/x/definition.json',
      '+++ b/defs/x/definition.json',
      '@@ -7 +7 @@',
      '-  "status": "active",',
      '+  "status": "activ",',
      '@@ -12,3 +11,0 @@ a pure deletion adds nothing',
      '-+++ b/not/a/file',
      '---- a/nor/this',
      '-@@ -1 +1,99 @@',
      '@@ -20,0 +20,2 @@',
      '++++ b/looks/like/a/header',
      '+@@ -1 +1,50 @@',
      '\\ No newline at end of file',
      'diff --git a/defs/x/new.json b/defs/x/new.json',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/defs/x/new.json',
      '@@ -0,0 +1,3 @@',
      '+{',
      '+}',
      '+',
      'diff --git a/defs/x/gone.json b/defs/x/gone.json',
      'deleted file mode 100644',
      '--- a/defs/x/gone.json',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '-{',
      '-}',
      'diff --git "a/defs/x/tab\\there.json" "b/defs/x/tab\\there.json"',
      '--- "a/defs/x/tab\\there.json"',
      '+++ "b/defs/x/tab\\there.json"',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      'diff --git a/defs/x/with space.json b/defs/x/with space.json',
      '--- a/defs/x/with space.json\t',
      '+++ b/defs/x/with space.json\t',
      '@@ -4,2 +4,3 @@',
      '-a',
      '-b',
      '+a',
      '+b',
      '+c',
      '',
    ].join('\n');
    expect(Object.fromEntries(parseUnifiedDiff(diff))).toEqual({
      'defs/x/definition.json': [[7, 7], [20, 21]],
      'defs/x/new.json': [[1, 3]],
      'defs/x/tab\there.json': [[1, 1]],
      'defs/x/with space.json': [[4, 6]],
    });
  });

  it('unquotes git C-style paths, octal UTF-8 included', () => {
    expect(unquotePath('"a/caf\\303\\251 \\"x\\".json"')).toBe('a/café "x".json');
    expect(unquotePath('a/plain.json')).toBe('a/plain.json');
  });
});

describe('onChangedLines', () => {
  // Paths in findings are relative to the working directory, as the checker prints them.
  const changes: ChangedLines = {
    repoRoot: process.cwd(),
    files: new Map([
      ['definitions/old.type/definition.json', { added: false, lines: [[7, 7], [20, 21]] }],
      ['definitions/old.type/examples/new.manifest.json', { added: true, lines: [[1, 3]] }],
      ['definitions/new.type/definition.json', { added: true, lines: [[1, 30]] }],
      ['definitions/old.type/logo.svg', { added: false, lines: [] }],
    ]),
    baseFiles: new Set(['definitions/catalog.json', 'definitions/old.type/definition.json', 'definitions/old.type/logo.svg', 'definitions/other.type/definition.json']),
  };
  const changed = onChangedLines(changes);

  it('takes findings on changed lines and in added files, and leaves the rest', () => {
    expect(changed(finding('definitions/old.type/definition.json', 7))).toBe(true);
    expect(changed(finding('definitions/old.type/definition.json', 21))).toBe(true);
    expect(changed(finding('definitions/old.type/definition.json', 8))).toBe(false);
    expect(changed(finding('definitions/old.type/examples/new.manifest.json', 50))).toBe(true);
    expect(changed(finding('definitions/other.type/definition.json', 7))).toBe(false);
    expect(changed(finding(path.resolve('definitions/old.type/definition.json'), 7))).toBe(true);
    expect(changed(finding('../elsewhere/definitions/old.type/definition.json', 7))).toBe(false);
  });

  it('takes whole-file findings on touched files, touched folders and missing files of new folders', () => {
    expect(changed(finding('definitions/old.type/logo.svg', 0))).toBe(true); // only deletions, still touched
    expect(changed(finding('definitions/old.type/logo.svg', 3))).toBe(false);
    expect(changed(finding('definitions/old.type', 0))).toBe(true);
    expect(changed(finding('definitions/new.type/logo.svg', 0))).toBe(true);
    expect(changed(finding('definitions/old.type/README.md', 0))).toBe(false); // missing at the base already
    expect(changed(finding('definitions/other.type/README.md', 0))).toBe(false);
    expect(changed(finding('README.md', 0, 'error', 'generated/drift'))).toBe(false);
  });

  it('always takes version findings, which exist only because of the base', () => {
    expect(changed(finding('definitions/old.type/definition.json', 5, 'error', 'version/not-bumped'))).toBe(true);
  });
});
