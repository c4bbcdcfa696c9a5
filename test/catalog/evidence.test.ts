// The committed catalog's facts carry their evidence: at least 70 types, every identifying string
// pinned (a GitHub permalink at a commit and line, or a quoted docs page), every one the deciding
// signal of an example, every example noted with the tool versions that write it.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runChecks, type CheckResult } from '../../src/checks/run.ts';
import { identifyingStrings } from '../../src/catalog/identifying.ts';
import { isGithubCodeUrl, parsePermalink } from '../../src/catalog/evidence.ts';

let result: CheckResult;
beforeAll(async () => {
  result = await runChecks({ root: path.resolve(import.meta.dirname, '../../definitions') });
}, 120_000);

describe('the catalog\'s evidence', () => {
  it('holds at least 70 types, all of which build', () => {
    expect(result.checked.length).toBeGreaterThanOrEqual(70);
    expect(result.checked.filter((c) => !c.entry).map((c) => c.source.id)).toEqual([]);
  });

  it('pins every identifying string, and no evidence or source follows a branch', () => {
    const rules = ['evidence/missing', 'evidence/not-pinned', 'evidence/no-quote', 'sources/not-pinned'];
    expect(result.findings.filter((f) => rules.includes(f.rule)).map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([]);
    let strings = 0;
    for (const { entry } of result.checked) {
      for (const s of identifyingStrings(entry!)) {
        strings++;
        expect(s.evidence.length, `${entry!.id} ${s.value}`).toBeGreaterThan(0);
        for (const e of s.evidence) {
          if ('file' in e) expect(entry!.id, 'only this project\'s own types cite this repository').toBe('artifact-types.catalog');
          else expect(isGithubCodeUrl(e.url) ? parsePermalink(e.url) !== null : e.quote !== undefined, `${entry!.id} ${e.url}`).toBe(true);
        }
      }
    }
    expect(strings).toBeGreaterThanOrEqual(120);
  });

  it('reaches every identifying string with an example, and notes every example', () => {
    const rules = ['examples/signal-unreached', 'examples/no-note', 'examples/note-without-file', 'examples/note-era'];
    expect(result.findings.filter((f) => rules.includes(f.rule)).map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([]);
  });
});
