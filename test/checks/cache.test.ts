// validate --cache must never change what the checker reports: a run with a warm cache gives the
// same JSON, byte for byte, as a run without one, on a synthetic catalog and on the real one, after
// a folder changes (its findings update, the rest come from the cache), after the checker changes
// (another rule set version), and with a corrupt or foreign cache file (ignored, never a crash).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleSetVersion } from '../../src/checks/cache.ts';
import { runChecks } from '../../src/checks/run.ts';
import { formatJson } from '../../src/report/json.ts';
import { writeSyntheticCatalog } from '../../scripts/synthetic-catalog.ts';

const temp = mkdtempSync(path.join(os.tmpdir(), 'check-cache-'));
const root = path.join(temp, 'definitions');
const cacheFile = path.join(temp, 'cache', 'checker.json');
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The report as validate --format json prints it, plus the catalog the run built. */
async function report(options: { cache?: string; root?: string; workers?: number } = {}) {
  const result = await runChecks({ root: options.root ?? root, workers: options.workers ?? 0, cache: options.cache });
  return { json: formatJson(result.findings, result.reported), catalog: result.catalog ? JSON.stringify(result.catalog) : undefined, cache: result.cache };
}

const cold = async (dir = root) => {
  const { json, catalog } = await report({ root: dir });
  return { json, catalog };
};

const readCache = () => JSON.parse(readFileSync(cacheFile, 'utf8')) as { ruleSet: string; folders: Record<string, { hash: string; findings: unknown[] }> };

beforeAll(async () => {
  await writeSyntheticCatalog(root, 10);
  // Folders with findings of their own, so that findings are replayed and not only "none".
  for (const id of ['example.widget.bundle', 'example.gadget.package']) cpSync(path.resolve('test/fixtures/checker/base/definitions', id), path.join(root, id), { recursive: true });
  writeFileSync(path.join(root, 'synthetic.org0.type3', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n');
  const definition = path.join(root, 'synthetic.org0.type4', 'definition.json');
  writeFileSync(definition, readFileSync(definition, 'utf8').replace('"version": "1.0.0"', '"version": "1.0"'));
  writeFileSync(path.join(root, 'synthetic.org0.type5', 'stray.txt'), 'not part of a definition\n');
  // A git work tree, as in CI and locally: unchanged folders are then recognized from git's index.
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'catalog');
});

const git = (...args: string[]) => execFileSync('git', args, { cwd: temp, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

describe('validate --cache', { timeout: 300_000 }, () => {
  it('reports exactly what a run without a cache reports, cold and warm', async () => {
    const expected = await cold();
    expect(JSON.parse(expected.json).findings.length).toBeGreaterThan(2);
    const first = await report({ cache: cacheFile });
    expect(first.cache).toMatchObject({ hits: 0, misses: 12, ignored: null });
    const second = await report({ cache: cacheFile });
    expect(second.cache).toMatchObject({ hits: 12, misses: 0, ignored: null });
    for (const run of [first, second]) {
      expect(run.json).toBe(expected.json);
      // A warm run that did not read every folder builds no catalog; one that does, the same.
      expect([undefined, expected.catalog]).toContain(run.catalog);
    }
    // The cached findings are really replayed: the broken folders' findings are in the file.
    expect(readCache().folders['synthetic.org0.type3']!.findings.length).toBeGreaterThan(0);
  });

  it('checks a changed folder again and takes the others from the cache', async () => {
    await report({ cache: cacheFile });
    const definition = path.join(root, 'synthetic.org0.type7', 'definition.json');
    const before = readFileSync(definition, 'utf8');
    try {
      // A change that adds a definition-rule finding (an unknown file) and one in another folder's
      // classification (type8's config media type claimed by type7 too).
      const type8 = JSON.parse(readFileSync(path.join(root, 'synthetic.org0.type8', 'definition.json'), 'utf8'));
      const value = JSON.parse(before);
      value.configMediaTypes.push(type8.configMediaTypes[0]);
      writeFileSync(definition, `${JSON.stringify(value, null, 2)}\n`);
      const expected = await cold();
      const warm = await report({ cache: cacheFile });
      expect(warm.cache).toMatchObject({ hits: 11, misses: 1, ignored: null });
      expect(warm.json).toBe(expected.json);
      // A warm run that did not read every folder builds no catalog; one that does, the same.
      expect([undefined, expected.catalog]).toContain(warm.catalog);
      expect(JSON.parse(warm.json).findings.some((f: { rule: string }) => f.rule === 'catalog/duplicate-claim')).toBe(true);
      // A file added beside the definition is a change too.
      writeFileSync(path.join(root, 'synthetic.org0.type7', 'notes.md'), 'hello\n');
      const withFile = await report({ cache: cacheFile });
      expect(withFile.cache?.misses).toBe(1);
      expect(withFile.json).toBe((await cold()).json);
      expect(withFile.json).toContain('folder/unknown-file');
    } finally {
      writeFileSync(definition, before);
      rmSync(path.join(root, 'synthetic.org0.type7', 'notes.md'), { force: true });
    }
    // Back as it was: checked once more, then the same report as before the change.
    const back = await report({ cache: cacheFile });
    expect(back.cache?.misses).toBe(1);
    expect(back.json).toBe((await cold()).json);
  });

  it("takes folders git vouches for from the index, and reads a committed change, an empty folder and a changed file", async () => {
    await report({ cache: cacheFile });
    await report({ cache: cacheFile });
    const written = statSync(cacheFile).mtimeMs;
    const unchanged = await runChecks({ root, workers: 0, cache: cacheFile });
    // Nothing changed, so nothing is written.
    expect(statSync(cacheFile).mtimeMs).toBe(written);
    // Not one folder was read: git's index stood for all of them.
    expect(unchanged.timings['read and parse folders']).toBeUndefined();
    expect(unchanged.timings['take unchanged folders from the cache']).toBeGreaterThan(0);
    expect(formatJson(unchanged.findings, unchanged.reported)).toBe((await cold()).json);
    const definition = path.join(root, 'synthetic.org0.type6', 'definition.json');
    const before = readFileSync(definition, 'utf8');
    const empty = path.join(root, 'synthetic.org0.type2', 'drafts');
    try {
      // Committed: git's key changes, the folder is read and checked again.
      writeFileSync(definition, before.replace('"version": "1.0.0"', '"version": "1.0"'));
      git('commit', '-qam', 'a committed change');
      let run = await report({ cache: cacheFile });
      expect(run.cache).toMatchObject({ hits: 11, misses: 1 });
      expect(run.json).toBe((await cold()).json);
      // An empty folder git does not see, but the checker does.
      mkdirSync(empty);
      run = await report({ cache: cacheFile });
      expect(run.cache).toMatchObject({ misses: 1 });
      expect(run.json).toBe((await cold()).json);
      expect(run.json).toContain('synthetic.org0.type2/drafts');
      // Git's index says the file is committed, the disk says otherwise: the disk wins.
      writeFileSync(definition, before);
      run = await report({ cache: cacheFile });
      expect(run.json).toBe((await cold()).json);
    } finally {
      rmSync(empty, { recursive: true, force: true });
      writeFileSync(definition, before);
      git('commit', '-qam', 'back');
    }
  });

  it("finds a collision the changed folder makes in an unchanged, cached folder, and one a new folder makes", async () => {
    await report({ cache: cacheFile });
    await report({ cache: cacheFile });
    const definition = path.join(root, 'synthetic.org0.type2', 'definition.json');
    const before = readFileSync(definition, 'utf8');
    const added = path.join(root, 'synthetic.org0.type0a');
    try {
      // type2 now claims type8's config media type: type2 comes first, so the finding is in type8,
      // which did not change (git vouches for it; its catalog findings were cached as none).
      const type8 = JSON.parse(readFileSync(path.join(root, 'synthetic.org0.type8', 'definition.json'), 'utf8'));
      const value = JSON.parse(before);
      value.configMediaTypes.push(type8.configMediaTypes[0]);
      writeFileSync(definition, `${JSON.stringify(value, null, 2)}\n`);
      git('commit', '-qam', 'type2 claims what type8 claims');
      let run = await report({ cache: cacheFile });
      expect(run.cache).toMatchObject({ hits: 11, misses: 1 });
      expect(run.json).toBe((await cold()).json);
      expect(JSON.parse(run.json).findings.some((f: { rule: string; file: string }) => f.rule === 'catalog/duplicate-claim' && f.file.includes('synthetic.org0.type8/'))).toBe(true);
      // Back: the finding in type8 goes, though type8 itself never changed.
      writeFileSync(definition, before);
      git('commit', '-qam', 'back');
      run = await report({ cache: cacheFile });
      expect(run.json).toBe((await cold()).json);
      expect(run.json).not.toContain('catalog/duplicate-claim"');
      // A new folder (untracked) that copies type5's artifact type: it sorts before type5, so the finding is in type5.
      cpSync(path.join(root, 'synthetic.org0.type5'), added, { recursive: true });
      rmSync(path.join(added, 'stray.txt'));
      const copy = JSON.parse(readFileSync(path.join(added, 'definition.json'), 'utf8'));
      copy.id = 'synthetic.org0.type0a';
      writeFileSync(path.join(added, 'definition.json'), `${JSON.stringify(copy, null, 2)}\n`);
      run = await report({ cache: cacheFile });
      expect(run.cache).toMatchObject({ misses: 1 });
      expect(run.json).toBe((await cold()).json);
      expect(JSON.parse(run.json).findings.some((f: { rule: string; file: string }) => f.rule === 'catalog/duplicate-claim' && f.file.includes('synthetic.org0.type5/'))).toBe(true);
    } finally {
      writeFileSync(definition, before);
      rmSync(added, { recursive: true, force: true });
    }
    expect((await report({ cache: cacheFile })).json).toBe((await cold()).json);
  });

  it('drops folders that are gone, so the file stays bounded', async () => {
    const gone = path.join(root, 'synthetic.org0.type9');
    const saved = path.join(temp, 'saved-type9');
    await report({ cache: cacheFile });
    expect(readCache().folders['synthetic.org0.type9']).toBeDefined();
    cpSync(gone, saved, { recursive: true });
    rmSync(gone, { recursive: true });
    try {
      const warm = await report({ cache: cacheFile });
      expect(warm.json).toBe((await cold()).json);
      expect(Object.keys(readCache().folders)).toHaveLength(11);
      expect(readCache().folders['synthetic.org0.type9']).toBeUndefined();
    } finally {
      cpSync(saved, gone, { recursive: true });
    }
  });

  it("ignores another rule set's cache: nothing is taken from it", async () => {
    await report({ cache: cacheFile });
    const data = readCache();
    // Stale findings under the right hashes: only the rule set version tells them apart.
    for (const entry of Object.values(data.folders)) entry.findings = [{ rule: 'stale/finding', severity: 'error', file: 'x', line: 1, column: 1, message: 'from an older checker' }];
    writeFileSync(cacheFile, JSON.stringify({ ...data, ruleSet: 'an-older-checker' }));
    const run = await report({ cache: cacheFile });
    expect(run.cache).toMatchObject({ hits: 0, misses: 12, ignored: 'was written by another version of the checker (its rules, schemas, libraries or Node)' });
    expect(run.json).toBe((await cold()).json);
    expect(readCache().ruleSet).toBe(ruleSetVersion());
    // The same stale findings under the current version would be replayed: the key is what protects.
    writeFileSync(cacheFile, JSON.stringify({ ...data, ruleSet: ruleSetVersion() }));
    expect((await report({ cache: cacheFile })).json).toContain('stale/finding');
    rmSync(cacheFile);
  });

  it('ignores a corrupt or foreign cache file without crashing, and rewrites it', async () => {
    const expected = (await cold()).json;
    const bad: Array<[string, string | null]> = [
      ['{"format": "artifact-types-check-cache", "formatVer', 'is not JSON'],
      ['[1, 2, 3]', 'is not a checker cache of this format'],
      ['null', 'is not a checker cache of this format'],
      [JSON.stringify({ name: 'something else', version: '1.0.0' }), 'is not a checker cache of this format'],
      [JSON.stringify({ format: 'artifact-types-check-cache', formatVersion: 99, folders: {} }), 'is not a checker cache of this format'],
      // Well-formed but with broken entries: each broken entry is ignored, the folder checked.
      [JSON.stringify({ format: 'artifact-types-check-cache', formatVersion: 2, ruleSet: ruleSetVersion(), folders: { 'synthetic.org0.type0': { hash: 5 }, 'synthetic.org0.type1': { hash: 'x', valid: true, findings: [{ rule: 1 }], mentions: [], needs: [], localEvidence: false }, 'synthetic.org0.type2': null } }), null],
      ['\u0000\u0001binary', 'is not JSON'],
    ];
    for (const [text, ignored] of bad) {
      writeFileSync(cacheFile, text);
      const run = await report({ cache: cacheFile });
      expect(run.cache?.ignored, text).toBe(ignored);
      expect(run.cache?.hits, text).toBe(0);
      expect(run.json, text).toBe(expected);
      expect(Object.keys(readCache().folders)).toHaveLength(12);
    }
    // A cache path that is a folder can be neither read nor written: said so, and no crash.
    const folder = path.join(temp, 'a-folder');
    mkdirSync(folder, { recursive: true });
    const run = await report({ cache: folder });
    expect(run.cache).toMatchObject({ hits: 0, ignored: 'cannot be read (EISDIR)', unsaved: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) });
    expect(run.json).toBe(expected);
  });

  it('gives the same findings when the changed folders are checked in worker threads', async () => {
    await report({ cache: cacheFile });
    const logo = path.join(root, 'synthetic.org0.type1', 'logo.svg');
    const before = readFileSync(logo, 'utf8');
    try {
      writeFileSync(logo, before.replace('<svg', '<svg  '));
      const run = await report({ cache: cacheFile, workers: 2 });
      expect(run.cache?.misses).toBe(1);
      expect(run.json).toBe((await cold()).json);
    } finally {
      writeFileSync(logo, before);
    }
  });
});

describe('the rule set version', () => {
  it("changes with the checker's sources, schemas and locked library versions", () => {
    const project = path.join(temp, 'project');
    for (const dir of ['src/checks', 'src/catalog', 'src/classify', 'src/model', 'schemas']) cpSync(path.resolve(dir), path.join(project, dir), { recursive: true });
    cpSync(path.resolve('package-lock.json'), path.join(project, 'package-lock.json'));
    const original = ruleSetVersion(project);
    expect(original).toBe(ruleSetVersion());
    const rule = path.join(project, 'src/checks/logo.ts');
    writeFileSync(rule, `${readFileSync(rule, 'utf8')}// a change\n`);
    const changedRule = ruleSetVersion(project);
    expect(changedRule).not.toBe(original);
    const schema = path.join(project, 'schemas/definition.schema.json');
    writeFileSync(schema, `${readFileSync(schema, 'utf8')} `);
    const changedSchema = ruleSetVersion(project);
    expect(changedSchema).not.toBe(changedRule);
    const lock = path.join(project, 'package-lock.json');
    const lockData = JSON.parse(readFileSync(lock, 'utf8'));
    lockData.packages['node_modules/svgo'].version = '0.0.1';
    writeFileSync(lock, JSON.stringify(lockData));
    expect(ruleSetVersion(project)).not.toBe(changedSchema);
  });
});

describe('validate --cache on the real catalog', { timeout: 600_000 }, () => {
  it('reports exactly what a run without a cache reports', async () => {
    const definitions = path.resolve('definitions');
    const file = path.join(temp, 'real-cache.json');
    const expected = await report({ root: definitions });
    await report({ root: definitions, cache: file });
    const warm = await report({ root: definitions, cache: file });
    expect(warm.cache?.misses).toBe(0);
    expect(warm.json).toBe(expected.json);
    // A warm run that did not read every folder builds no catalog; one that does, the same.
      expect([undefined, expected.catalog]).toContain(warm.catalog);
  });
});
