// `artifact-types validate` and `classify` as a contributor and CI run them: real processes, exit codes, formats.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGeneratedFiles } from '../../src/catalog/generated.ts';
import { runChecks } from '../../src/checks/run.ts';

const BIN = path.resolve('bin/artifact-types.js');
const temp = mkdtempSync(path.join(os.tmpdir(), 'cli-validate-'));
const repo = path.join(temp, 'repo');
const W = 'definitions/example.widget.bundle';

function cli(args: string[], input?: string, options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? repo, input, encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...options.env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// As test/checks/fixtures.test.ts runs git: a fixed identity, whatever the machine's config says.
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

beforeAll(async () => {
  cpSync(path.resolve('test/fixtures/checker/base'), repo, { recursive: true });
  const { catalog } = await runChecks({ root: path.join(repo, 'definitions'), workers: 0 });
  await writeGeneratedFiles(repo, catalog);
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('validate', { timeout: 120_000 }, () => {
  it('checks in worker threads from any working directory (workers resolve their loader from the package, not the cwd)', () => {
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'cli-validate-cwd-'));
    try {
      const run = cli(['validate', '--workers', '2', '--format', 'json', '--root', path.join(repo, 'definitions')], undefined, { cwd: elsewhere });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ findings: [] });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('exits 0 and says so on a clean catalog', () => {
    const r = cli(['validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^0 errors, 0 warnings in 2 types$/m);
  });

  it('counts the type folders it speaks for the same way, broken or not, named or not', () => {
    const broken = path.join(repo, 'definitions/example.broken.thing');
    cpSync(path.join(repo, W), broken, { recursive: true });
    writeFileSync(path.join(broken, 'definition.json'), '{ "id": ');
    try {
      // Three folders, one of which does not build: still three types, and one when one is named.
      expect(cli(['validate']).stdout).toMatch(/^\d+ errors?, \d+ warnings? in 3 types$/m);
      expect(cli(['validate', 'definitions/example.broken.thing']).stdout).toMatch(/^\d+ errors?, \d+ warnings? in 1 type$/m);
      // A refused build lists the errors without claiming a count of types.
      const build = cli(['build', '--out', path.join(temp, 'never')]);
      expect(build.code).toBe(1);
      expect(build.stderr).toMatch(/^\d+ errors?, \d+ warnings?$/m);
      expect(build.stderr).not.toMatch(/in 0 types/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it('exits 1 with compiler-style lines and a fix on a broken definition', () => {
    const file = path.join(repo, W, 'definition.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"status": "active"', '"status": "activ"'));
    try {
      const text = cli(['validate']);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(new RegExp(`^${W}/definition\\.json:\\d+:\\d+ error schema/definition status must be one of "active", "deprecated"$`, 'm'));
      expect(text.stdout).toMatch(/^ {4}fix: active, or deprecated/m);

      const json = cli(['validate', '--format', 'json']);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout);
      expect(report.errors).toBe(1);
      expect(report.findings[0]).toMatchObject({ rule: 'schema/definition', severity: 'error', file: `${W}/definition.json` });

      const summary = path.join(temp, 'summary.md');
      const github = cli(['validate', '--format', 'github', '--summary', summary]);
      expect(github.code).toBe(1);
      expect(github.stdout).toMatch(new RegExp(`^::error file=${W}/definition\\.json,line=\\d+,col=\\d+,title=schema/definition::status must be one of`, 'm'));
      expect(readFileSync(summary, 'utf8')).toContain('| `schema/definition` |');
    } finally {
      writeFileSync(file, original);
    }
  });

  it('reports only the given folders, still checking catalog-wide rules against the rest', () => {
    const gadget = path.join(repo, 'definitions/example.gadget.package/definition.json');
    const original = readFileSync(gadget, 'utf8');
    writeFileSync(gadget, original.replace('application/vnd.example.gadget.v1"', 'application/vnd.example.widget.v1"'));
    try {
      // The widget folder is the second claimant of the artifactType: its finding names the gadget file.
      const focused = cli(['validate', W]);
      expect(focused.code).toBe(1);
      expect(focused.stdout).toContain('catalog/duplicate-claim');
      expect(focused.stdout).toContain('definitions/example.gadget.package/definition.json:');
    } finally {
      writeFileSync(gadget, original);
    }
  });

  it('--fix rewrites a logo that is not optimized, and the catalog is clean again', () => {
    const logo = path.join(repo, W, 'logo.svg');
    const original = readFileSync(logo, 'utf8');
    writeFileSync(logo, original.replace('<title>', '\n  <!-- hand drawn -->\n  <title>'));
    expect(cli(['validate']).stdout).toContain('logo/not-optimized');
    const fixed = cli(['validate', '--fix']);
    expect(fixed.code).toBe(0);
    expect(readFileSync(logo, 'utf8')).toBe(original);
  });

  it('exits 2 on usage errors, with a message and no stack trace', () => {
    for (const args of [['validate', '--format', 'yaml'], ['validate', '--root', 'nowhere'], ['validate', '--workers', 'many'], ['no-such-command']]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.length).toBeGreaterThan(10);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('validate --format github --base', { timeout: 120_000 }, () => {
  // Base commit: a clean widget, and a gadget with an error already on main (status "bogus").
  // Then a commit that breaks the widget's status line: only that line is the pull request's doing.
  const gitRepo = path.join(temp, 'git-repo');
  const G = 'definitions/example.gadget.package';
  const edit = (file: string, from: string, to: string) => {
    const text = readFileSync(path.join(gitRepo, file), 'utf8');
    expect(text).toContain(from);
    writeFileSync(path.join(gitRepo, file), text.replace(from, to));
  };
  /** 1-based line and column of `needle` in a file of the git repo. */
  const position = (file: string, needle: string) => {
    const lines = readFileSync(path.join(gitRepo, file), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes(needle));
    return { line: line + 1, col: lines[line]!.indexOf(needle) + 1 };
  };
  const run = (args: string[], env: Record<string, string> = {}) => cli(args, undefined, { cwd: gitRepo, env });

  beforeAll(() => {
    cpSync(repo, gitRepo, { recursive: true });
    edit(`${G}/definition.json`, '"status": "active"', '"status": "bogus"');
    git(gitRepo, 'init', '-q');
    git(gitRepo, 'add', '-A');
    git(gitRepo, 'commit', '-qm', 'base');
    edit(`${W}/definition.json`, '"status": "active"', '"status": "activ"');
    git(gitRepo, 'commit', '-qam', 'change');
  });

  it('annotates only findings on changed lines, names the rest in a notice, and still fails on every error', () => {
    const summary = path.join(temp, 'base-summary.md');
    const r = run(['validate', '--format', 'github', '--base', 'HEAD~1'], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    const { line, col } = position(`${W}/definition.json`, '"activ"');
    const annotations = r.stdout.split('\n').filter((l) => /^::(error|warning) /.test(l));
    expect(annotations).toEqual([expect.stringMatching(new RegExp(`^::error file=${W}/definition\\.json,line=${line},col=${col},title=schema/definition::status must be one of`))]);
    expect(r.stdout).not.toContain(G);
    expect(r.stdout).toMatch(/^::notice title=artifact-types validate::1 finding on lines this change did not touch \(1 error, 0 warnings\) is not annotated; the job summary lists every finding\.$/m);
    // The job summary still has the whole table, the unannotated error included.
    const table = readFileSync(summary, 'utf8');
    expect(table).toContain('2 error(s), 0 warning(s).');
    expect(table).toContain(`\`${G}/definition.json:`);
    expect(table).toContain(`\`${W}/definition.json:${line}:${col}\``);
  });

  it('fails on an error on an unchanged line even when no annotation is left', () => {
    const r = run(['validate', '--format', 'github', '--base', 'HEAD']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/^::(error|warning) /m);
    expect(r.stdout).toMatch(/^::notice title=artifact-types validate::2 findings on lines this change did not touch \(2 errors, 0 warnings\) are not annotated; `artifact-types validate --format text` lists every finding\.$/m);
  });

  it('counts uncommitted and untracked work against the base', () => {
    const notes = path.join(gitRepo, G, 'notes.txt');
    writeFileSync(notes, 'scratch\n');
    edit(`${G}/definition.json`, '"status": "bogus"', '"status": "bogus2"');
    try {
      const r = run(['validate', '--format', 'github', '--base', 'HEAD', '--summary', path.join(temp, 'wt-summary.md')]);
      expect(r.code).toBe(1);
      const { line, col } = position(`${G}/definition.json`, '"bogus2"');
      expect(r.stdout).toContain(`::error file=${G}/definition.json,line=${line},col=${col},title=schema/definition::`);
      expect(r.stdout).toContain(`::error file=${G}/notes.txt,title=folder/unknown-file::`);
      expect(r.stdout).not.toContain(`file=${W}/`);
      expect(r.stdout).toContain(`1 finding on lines this change did not touch (1 error, 0 warnings) is not annotated; ${path.join(temp, 'wt-summary.md')} lists every finding.`);
    } finally {
      rmSync(notes);
      edit(`${G}/definition.json`, '"status": "bogus2"', '"status": "bogus"');
    }
  });

  it('annotates every finding without --base, with no notice', () => {
    const r = run(['validate', '--format', 'github']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`::error file=${G}/definition.json,line=${position(`${G}/definition.json`, '"bogus"').line},`);
    expect(r.stdout).toContain(`::error file=${W}/definition.json,line=${position(`${W}/definition.json`, '"activ"').line},`);
    expect(r.stdout).not.toContain('::notice');
  });

  it('reports an unknown base as before (version/base) and then annotates everything', () => {
    const r = run(['validate', '--format', 'github', '--base', 'no-such-ref']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=definitions,title=version\/base::--base no-such-ref is not a commit git knows here/m);
    expect(r.stdout).toContain(`::error file=${G}/definition.json,`);
    expect(r.stdout).toContain(`::error file=${W}/definition.json,`);
    expect(r.stdout).not.toContain('::notice');
  });
});

describe('validate on a branch, as a contributor runs it', { timeout: 120_000 }, () => {
  // A clone with main and a feature branch that changes the widget without bumping its version:
  // plain `validate` compares with where the branch left main, so it says so before CI does.
  const branchRepo = path.join(temp, 'branch-repo');
  beforeAll(() => {
    cpSync(repo, branchRepo, { recursive: true });
    git(branchRepo, 'init', '-q', '-b', 'main');
    git(branchRepo, 'add', '-A');
    git(branchRepo, 'commit', '-qm', 'base');
    git(branchRepo, 'checkout', '-q', '-b', 'feature');
    const file = path.join(branchRepo, W, 'definition.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"displayName": "Widget bundle"', '"displayName": "Widget bundle, renamed"'));
    git(branchRepo, 'commit', '-qam', 'rename the widget');
  });

  it('reports an un-bumped version without --base, and not with --no-base', () => {
    const plain = cli(['validate'], undefined, { cwd: branchRepo });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(new RegExp(`^${W}/definition\\.json:\\d+:\\d+ error version/not-bumped the definition changed but its version is still 1\\.0\\.0`, 'm'));
    const off = cli(['validate', '--no-base'], undefined, { cwd: branchRepo });
    expect(off.code, off.stdout).toBe(0);
  });
});

describe('classify', { timeout: 120_000 }, () => {
  it('prints the classification of a file or stdin', () => {
    const file = path.join(W, 'examples/basic.manifest.json');
    const r = cli(['classify', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'example.widget.bundle', signal: 'artifactType', conformance: [] });
    const text = cli(['classify', '--format', 'text', '-'], readFileSync(path.join(repo, file), 'utf8'));
    expect(text.stdout).toMatch(/^Widget bundle \(example\.widget\.bundle\), matched by artifactType at \/artifactType/);
  });

  it('classifies a contributor\'s example while the catalog has errors elsewhere (and in the folder itself), with a warning', () => {
    const broken = path.join(repo, 'definitions/example.broken.thing');
    cpSync(path.join(repo, W), broken, { recursive: true });
    writeFileSync(path.join(broken, 'definition.json'), '{ "id": ');
    const def = path.join(repo, W, 'definition.json');
    const original = readFileSync(def, 'utf8');
    // The widget's own definition still lacks its evidence: an error, but it builds.
    writeFileSync(def, original.replace(/"evidence": \[\s*\{\s*"url": "https:\/\/github\.com[^\]]*\]/, '"note": "evidence to come"'));
    try {
      expect(cli(['validate', W]).stdout).toMatch(/evidence\/missing/);
      const r = cli(['classify', path.join(W, 'examples/basic.manifest.json')]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ id: 'example.widget.bundle', signal: 'artifactType' });
      expect(r.stderr).toMatch(/^warning: the definitions have \d+ errors? \(run artifact-types validate\); classifying with the 2 types that build, without example\.broken\.thing$/m);
    } finally {
      rmSync(broken, { recursive: true, force: true });
      writeFileSync(def, original);
    }
  });

  it('validates the config with --config', () => {
    const config = path.join(temp, 'bad.config.json');
    writeFileSync(config, JSON.stringify({ name: 'Not Valid' }));
    const r = cli(['classify', path.join(W, 'examples/basic.manifest.json'), '--config', config]);
    expect(JSON.parse(r.stdout).conformance).toEqual([expect.objectContaining({ code: 'config-schema', path: '/config/name' })]);
  });

  it('names the position of a JSON error and the field of a non-manifest (exit 1)', () => {
    const bad = cli(['classify', '-'], '{\n  "schemaVersion": 2,\n  "config": }');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/<stdin>:3:13: invalid JSON/);
    const notManifest = cli(['classify', '--format', 'text', '-'], '{"schemaVersion": 2, "manifests": {}}');
    expect(notManifest.code).toBe(1);
    const [first, ...rest] = notManifest.stdout.trimEnd().split('\n');
    expect(first).toBe('not a manifest: /manifests: manifests must be an array of descriptors');
    // Every image-spec violation follows, each with its section: here the mediaType a SHOULD, manifests a MUST.
    expect(rest).toEqual([
      expect.stringMatching(/^ {2}spec warning media-type at \/mediaType: .*image-index\.md#image-index-property-descriptions\)$/),
      expect.stringMatching(/^ {2}spec error manifests at \/manifests: manifests must be an array of descriptors, not an object \(https:\/\/github\.com\/opencontainers\/image-spec\/blob\/v1\.1\.1\/image-index\.md#image-index-property-descriptions\)$/),
    ]);
    const missing = cli(['classify', 'nope.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('artifact-types: manifest nope.json does not exist\n');
  });
});

describe('validate --cache', { timeout: 120_000 }, () => {
  it('prints the same report and exit code as without it, and says when it ignored a damaged cache', () => {
    const cache = path.join(temp, 'cli-cache', 'checker.json');
    const logo = path.join(repo, W, 'logo.svg');
    const before = readFileSync(logo, 'utf8');
    writeFileSync(logo, '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n');
    try {
      const plain = cli(['validate', '--no-base', '--format', 'json']);
      expect(plain.code).toBe(1);
      for (const round of ['cold', 'warm']) {
        const cached = cli(['validate', '--no-base', '--format', 'json', '--cache', cache]);
        expect(cached.stdout, round).toBe(plain.stdout);
        expect(cached.code, round).toBe(1);
        expect(cached.stderr, round).toBe('');
      }
      writeFileSync(cache, 'not json at all');
      const damaged = cli(['validate', '--no-base', '--format', 'json', '--cache', cache]);
      expect(damaged.stdout).toBe(plain.stdout);
      expect(damaged.code).toBe(1);
      expect(damaged.stderr).toBe(`note: --cache ${cache} is not JSON; it was ignored and will be rewritten\n`);
      expect(JSON.parse(readFileSync(cache, 'utf8')).format).toBe('artifact-types-check-cache');
    } finally {
      writeFileSync(logo, before);
    }
  });
});
