// The worker pool's guarantees: every folder gets its result in order, and a folder that hangs or
// crashes its worker costs only itself (checker/timeout, checker/crash), even when it shared the
// worker with others, which are checked again alone and come back clean.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFoldersInPool } from '../../src/checks/pool.ts';
import { checkDefinitionFolder } from '../../src/checks/run.ts';
import { writeSyntheticCatalog } from '../../scripts/synthetic-catalog.ts';

const temp = mkdtempSync(path.join(os.tmpdir(), 'pool-'));
const root = path.join(temp, 'definitions');
let ids: string[];

beforeAll(async () => {
  await writeSyntheticCatalog(root, 12);
  cpSync(path.resolve('test/fixtures/checker/base/definitions/example.widget.bundle'), path.join(root, 'example.widget.bundle'), { recursive: true });
  ids = ['example.widget.bundle', ...Array.from({ length: 12 }, (_, i) => `synthetic.org0.type${i}`)];
});
afterAll(() => {
  delete process.env.ARTIFACT_TYPES_TEST_FAULT;
  rmSync(temp, { recursive: true, force: true });
});

const jobs = () => ids.map((id) => ({ id, full: true }));

describe('checkFoldersInPool', { timeout: 120_000 }, () => {
  it('gives the same findings and entries as checking in this thread, in job order', async () => {
    const pooled = await checkFoldersInPool(root, jobs(), { workers: 2, batchSize: 3 });
    expect(pooled.map((r) => r.checked.source.id)).toEqual(ids);
    for (const [i, id] of ids.entries()) {
      const local = await checkDefinitionFolder(root, id);
      expect(pooled[i]!.findings).toEqual(local.findings);
      expect(pooled[i]!.checked.entry).toEqual(local.checked.entry);
      // Positions are still available in this thread: the AST is rebuilt on demand.
      expect(pooled[i]!.checked.source.definition!.ast.type).toBe('Document');
    }
  });

  for (const fault of ['hang', 'crash'] as const) {
    it(`a folder that ${fault}s its worker costs only itself`, async () => {
      const victim = 'synthetic.org0.type5';
      process.env.ARTIFACT_TYPES_TEST_FAULT = `${fault}:${victim}`;
      try {
        const results = await checkFoldersInPool(root, jobs(), { workers: 2, batchSize: 4, timeoutMs: 4000 });
        const byId = new Map(results.map((r) => [r.checked.source.id, r]));
        expect(byId.get(victim)!.findings.map((f) => f.rule)).toEqual([fault === 'hang' ? 'checker/timeout' : 'checker/crash']);
        expect(byId.get(victim)!.checked.entry).toBeNull();
        for (const id of ids.filter((i) => i !== victim)) {
          expect(byId.get(id)!.checked.entry?.id, id).toBe(id);
          expect(byId.get(id)!.findings.filter((f) => f.rule.startsWith('checker/')), id).toEqual([]);
        }
      } finally {
        delete process.env.ARTIFACT_TYPES_TEST_FAULT;
      }
    });
  }
});
