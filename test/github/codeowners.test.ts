// CODEOWNERS: rendered from maintainers, and the checker's generated/drift rule fails when the
// committed file is stale or missing, naming the command that fixes it. Runs the real CLI and script.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/run.ts';
import { renderCodeowners, DEFAULT_OWNER, TRUSTED_PATHS } from '../../src/catalog/codeowners.ts';
import type { ArtifactType, Catalog } from '../../src/model/catalog.ts';
import type { Finding } from '../../src/model/finding.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');

function catalogOf(types: Array<Pick<ArtifactType, 'id' | 'maintainers'>>): Catalog {
  return { formatVersion: 1, name: 'artifact-types', version: '1.0.0', digest: 'sha256:0', types: types as ArtifactType[] };
}

describe('renderCodeowners', () => {
  it('gives each type folder its maintainers plus the catalog maintainers, sorted by id', () => {
    const text = renderCodeowners(catalogOf([
      { id: 'zeta.thing', maintainers: ['@zed'] },
      { id: 'acme.widget', maintainers: ['@alice', '@acme/oci-team', DEFAULT_OWNER] },
    ]));
    const lines = text.trimEnd().split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual([
      `* ${DEFAULT_OWNER}`,
      `/definitions/acme.widget/ @alice @acme/oci-team ${DEFAULT_OWNER}`,
      `/definitions/zeta.thing/ @zed ${DEFAULT_OWNER}`,
      ...TRUSTED_PATHS.map((p) => `${p} ${DEFAULT_OWNER}`),
    ]);
  });

  it('gives workflows and the checker to the catalog maintainers alone, after every type line', () => {
    const lines = renderCodeowners(catalogOf([{ id: 'acme.widget', maintainers: ['@alice'] }])).trimEnd().split('\n');
    expect(TRUSTED_PATHS).toEqual(expect.arrayContaining(['/.github/', '/CODEOWNERS']));
    expect(lines.slice(-TRUSTED_PATHS.length)).toEqual(TRUSTED_PATHS.map((p) => `${p} ${DEFAULT_OWNER}`));
  });
});

describe('CODEOWNERS drift', () => {
  let work: string;
  let root: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'at-codeowners-'));
    root = path.join(work, 'definitions');
    for (const entry of ['catalog.json', 'sylabs.sif', 'cncf.helm.chart', 'opencontainers.image']) {
      await cp(path.join(repo, 'definitions', entry), path.join(root, entry), { recursive: true });
    }
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  // The checker in-process (a full run with generated files judged, as on the default branch).
  const codeownersFindings = async (): Promise<Finding[]> => (await runChecks({ root, generated: true })).findings.filter((f) => f.file === 'CODEOWNERS');
  const regenerate = () => run(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts/codeowners.ts'), '--root', root], { cwd: repo });

  it('reports a missing CODEOWNERS', async () => {
    const findings = await codeownersFindings();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'generated/drift', severity: 'error', message: 'is missing' });
    expect(findings[0]!.fix).toContain('npm run codeowners');
  });

  it('is clean after npm run codeowners, and reports drift when a maintainer changes', async () => {
    await regenerate();
    const written = await readFile(path.join(work, 'CODEOWNERS'), 'utf8');
    expect(written).toContain(`/definitions/sylabs.sif/ ${DEFAULT_OWNER}`);
    expect(await codeownersFindings()).toEqual([]);

    const file = path.join(root, 'sylabs.sif/definition.json');
    const definition = JSON.parse(await readFile(file, 'utf8'));
    definition.maintainers = ['@apptainer/admins'];
    await writeFile(file, JSON.stringify(definition, null, 2));
    const stale = await codeownersFindings();
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatchObject({ rule: 'generated/drift', message: 'is out of date with the catalog' });
    // It points at the first line that differs: the sylabs.sif line.
    expect(written.split('\n')[stale[0]!.line - 1]).toContain('sylabs.sif');

    await regenerate();
    expect(await readFile(path.join(work, 'CODEOWNERS'), 'utf8')).toContain(`/definitions/sylabs.sif/ @apptainer/admins ${DEFAULT_OWNER}`);
    expect(await codeownersFindings()).toEqual([]);
  }, 90_000);
});
