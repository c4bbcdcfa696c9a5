// The checker versus hostile pull requests: every case in test/fixtures/hostile/cases must be rejected
// with its expected rule, without a crash (no exception, no checker/internal finding), without a hang
// (each case has a generous test timeout; reading is size-bounded), and without running anything.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/run.ts';
import type { Finding } from '../../src/model/finding.ts';
import { CASES, describeFindings, loadCases, makeTemplate, materialize, relativeTo } from './corpus.ts';
import { cell, writeReportSection } from './reliability-report.ts';

const CRASH_RULES = ['checker/internal', 'checker/crash', 'checker/timeout'];
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const cases = loadCases();
const temp = mkdtempSync(path.join(os.tmpdir(), 'hostile-corpus-'));
const markers = [...new Set(cases.flatMap((c) => (c.marker ? [c.marker] : [])))];
let template = '';
const outcomes = new Map<string, { passed: boolean; rules: string[]; pool: boolean }>();

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');

async function check(repo: string, workers: number): Promise<Finding[]> {
  const { findings } = await runChecks({ root: path.join(repo, 'definitions'), workers });
  return relativeTo(repo, findings);
}

beforeAll(async () => {
  for (const marker of markers) rmSync(marker, { force: true });
  template = await makeTemplate(path.join(temp, 'template'));
});

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
  // Only a full run writes the report (a run filtered with -t would undercount).
  if (outcomes.size !== cases.length) return;
  const failures = [...outcomes.values()].filter((o) => !o.passed).length;
  const rows = cases.map((c) => {
    const o = outcomes.get(c.name)!;
    return `| \`${c.name}\` | ${cell(c.description)} | ${o.rules.map((r) => `\`${r}\``).join(', ')} | ${o.pool ? 'in-thread + worker pool' : 'in-thread'} | ${o.passed ? 'pass' : '**FAIL**'} |`;
  });
  const rules = new Set(cases.flatMap((c) => c.expect.map((e) => e.rule)));
  writeReportSection(
    'hostile-corpus',
    `### Hostile pull requests (test/fixtures/hostile)

Cases tried: ${cases.length}. Failures: ${failures}. Distinct rules expected: ${rules.size}.

Each case is an overlay on the clean base catalog (test/fixtures/checker/base). A case passes when the
checker reports every expected rule (with file, severity and, where given, line), no finding is
\`checker/internal\`, \`checker/crash\` or \`checker/timeout\`, nothing throws, \`Object.prototype\` is
unchanged, and no marker file that a payload would create exists. Cases marked "worker pool" also run
through the worker pool (\`workers: 1\`) and must produce the same findings there.

| Case | Contribution | Expected rule(s) | Checked | Result |
| --- | --- | --- | --- | --- |
${rows.join('\n')}`,
  );
});

describe('checker versus hostile pull requests', () => {
  it('the corpus holds at least 40 cases, each expecting at least one error', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const c of cases) {
      expect(c.description, c.name).toBeTruthy();
      expect(c.expect.some((e) => e.severity === 'error'), c.name).toBe(true);
    }
  });

  it('the base catalog the cases start from is clean', async () => {
    expect(await check(template, 0)).toEqual([]);
  });

  it('the worker pool cuts a folder that takes too long at its time bound and still checks the rest', { timeout: 40_000 }, async () => {
    // The slowest case in the corpus (at least 10 s of ReDoS analysis, its budget) against an 8 s bound,
    // which the other folder (checked first, worker start-up included) stays far below even on a busy machine.
    const spec = cases.find((c) => c.name === 'schema-redos-slow-analysis')!;
    const repo = path.join(temp, 'pool-timeout');
    materialize(template, repo, spec);
    const { findings } = await runChecks({ root: path.join(repo, 'definitions'), workers: 1, folderTimeoutMs: 8000 });
    const relative = relativeTo(repo, findings);
    expect(relative.filter((f) => f.rule === 'checker/timeout').map((f) => f.file)).toEqual(['definitions/example.widget.bundle']);
    // The other folder was checked in full: its clean files gave no findings, and nothing crashed.
    expect(relative.filter((f) => f.file.startsWith('definitions/example.gadget.package'))).toEqual([]);
    expect(relative.filter((f) => f.rule === 'checker/internal' || f.rule === 'checker/crash')).toEqual([]);
  });

  it('lists the first 20 of 28,000 warnings in one example and counts the rest', async () => {
    // Not a rejection (undeclared layers are warnings), but one finding per layer would flood the PR report.
    const repo = path.join(temp, 'warning-flood');
    materialize(template, repo, { name: 'warning-flood', description: '', expect: [], generate: [{ kind: 'many-layers', path: 'definitions/example.widget.bundle/examples/basic.manifest.json', count: 28_000 }] });
    const findings = await check(repo, 0);
    const conformance = findings.filter((f) => f.rule === 'examples/conformance');
    expect(conformance).toHaveLength(21);
    expect(conformance.find((f) => f.line === 0)?.message).toBe('and 27980 more problems like these (only the first 20 are listed)');
    expect(findings.filter((f) => CRASH_RULES.includes(f.rule))).toEqual([]);
  });

  for (const spec of cases) {
    it(`${spec.name}: rejected with ${[...new Set(spec.expect.map((e) => e.rule))].join(', ')}`, { timeout: 60_000 }, async () => {
      const outcome = { passed: false, rules: [...new Set(spec.expect.map((e) => e.rule))], pool: Boolean(spec.pool) };
      outcomes.set(spec.name, outcome);
      const repo = path.join(temp, spec.name);
      materialize(template, repo, spec);
      const before = prototypeKeys();
      const findings = await check(repo, 0);
      const report = `${spec.name}: got\n${describeFindings(findings)}`;
      for (const expected of spec.expect) {
        const match = findings.find((f) => f.rule === expected.rule && f.file === expected.file && f.severity === expected.severity && (expected.line === undefined || f.line === expected.line));
        expect(match, `expected ${expected.severity} ${expected.rule} at ${expected.file}:${expected.line ?? '*'}\n${report}`).toBeDefined();
        expect(match!.message.length, report).toBeGreaterThan(10);
        expect(match!.fix?.length ?? 0, report).toBeGreaterThan(5);
      }
      expect(findings.filter((f) => CRASH_RULES.includes(f.rule)), report).toEqual([]);
      if (spec.maxFindings !== undefined) expect(findings.length, `${spec.name}: ${findings.length} findings`).toBeLessThanOrEqual(spec.maxFindings);
      // Messages go into PR annotations and terminals: they never carry a raw control or bidi character
      // (beyond the file's own name, which the finding has to name).
      for (const f of findings) {
        const text = `${f.message} ${f.fix ?? ''}`.split(f.file.split('/').pop()!).join('');
        expect(HIDDEN.test(text), `${f.rule}: ${JSON.stringify(f.message)}`).toBe(false);
      }
      expect(prototypeKeys()).toBe(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      for (const marker of markers) expect(existsSync(marker), `${marker} exists: something from a contribution ran`).toBe(false);
      if (spec.pool) {
        const pooled = await check(repo, 1);
        const key = (f: Finding) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule}`;
        expect(pooled.map(key)).toEqual(findings.map(key));
      }
      outcome.passed = true;
    });
  }
});

describe('the corpus payloads are live', () => {
  // Proof that "the marker does not exist" means something: unguarded gray-matter (its default
  // engines) evaluates these READMEs and creates the file. The copies write a marker of their own.
  for (const name of ['docs-js-front-matter', 'docs-javascript-front-matter']) {
    it(`${name} runs under unguarded gray-matter`, async () => {
      const spec = cases.find((c) => c.name === name)!;
      const sanity = path.join(temp, `${name}.ran`);
      const readme = readFileSync(path.join(CASES, name, 'files', 'definitions', 'example.widget.bundle', 'README.md'), 'utf8').replaceAll(spec.marker!, sanity);
      expect(readme).toContain(sanity);
      const { default: matter } = await import('gray-matter');
      matter(readme, {});
      expect(existsSync(sanity)).toBe(true);
    });
  }
});
