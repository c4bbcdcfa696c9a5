// The catalog diff and the bump it requires (VERSIONING.md), as a pure function and through
// `npm run changes -- <old> <new>`.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bumpSatisfied, changesMarkdown, diffCatalogs, requiredVersion } from '../../src/catalog/changes.ts';
import { canonicalJson, sha256 } from '../../src/catalog/digest.ts';
import type { ArtifactType, Catalog } from '../../src/model/catalog.ts';

const repo = path.resolve(import.meta.dirname, '../..');

function type(id: string, over: Partial<ArtifactType> = {}): ArtifactType {
  const entry: Omit<ArtifactType, 'digest'> = {
    id, displayName: id.toUpperCase(), description: `The ${id} type.`, version: '1.0.0', status: 'active', aliases: [],
    manifestMediaTypes: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json' }],
    artifactTypes: [{ mediaType: `application/vnd.${id}.v1` }], configMediaTypes: [],
    layers: [{ mediaType: `application/vnd.${id}.layer.v1.tar`, description: 'the files' }],
    annotations: [], configLabels: [], homepage: 'https://example.com', sources: ['https://example.com/src'],
    maintainers: ['@artifact-types/maintainers'], tools: [], docs: { title: id, summary: 'A summary of it.' },
    logo: { file: 'logo.svg', sha256: sha256(`<svg id="${id}"/>`), size: 1 }, configSchema: null, example: null,
    ...over,
  };
  return { ...entry, digest: sha256(canonicalJson(entry)) };
}
const catalog = (version: string, types: ArtifactType[]): Catalog => ({ formatVersion: 1, name: 'artifact-types', version, digest: sha256(canonicalJson(types)), types });

describe('diffCatalogs', () => {
  const a = type('acme.a');
  const b = type('acme.b');
  const old = catalog('1.2.3', [a, b]);

  it('finds nothing when the catalogs are the same', () => {
    const changes = diffCatalogs(old, catalog('1.2.3', [a, b]));
    expect(changes).toMatchObject({ bump: 'none', digestChanged: false, added: [], removed: [], changed: [], versionOk: true });
  });

  it('an added type needs a minor bump', () => {
    const changes = diffCatalogs(old, catalog('1.2.4', [a, b, type('acme.c')]));
    expect(changes.added.map((t) => t.id)).toEqual(['acme.c']);
    expect(changes.bump).toBe('minor');
    expect(changes.versionOk).toBe(false);
    expect(diffCatalogs(old, catalog('1.3.0', [a, b, type('acme.c')])).versionOk).toBe(true);
  });

  it('a removed type, or a removed identifying media type, needs a major bump', () => {
    const removed = diffCatalogs(old, catalog('1.3.0', [a]));
    expect(removed.removed.map((t) => t.id)).toEqual(['acme.b']);
    expect(removed.bump).toBe('major');
    expect(removed.versionOk).toBe(false);

    const lost = type('acme.b', { version: '1.1.0', artifactTypes: [] });
    const changes = diffCatalogs(old, catalog('2.0.0', [a, lost]));
    expect(changes.changed).toHaveLength(1);
    expect(changes.changed[0]).toMatchObject({ id: 'acme.b', bump: 'major', versionOk: false, signalsRemoved: ['artifactType application/vnd.acme.b.v1'], mediaTypesRemoved: ['artifactType application/vnd.acme.b.v1'] });
    expect(changes).toMatchObject({ bump: 'major', versionOk: true });
  });

  it('a non-identifying media type removed is not breaking; one added is minor; metadata is patch', () => {
    const withLayer = type('acme.b', { version: '1.1.0', layers: [...b.layers, { mediaType: 'application/vnd.acme.b.extra.v1', description: 'more' }] });
    expect(diffCatalogs(old, catalog('1.3.0', [a, withLayer])).changed[0]).toMatchObject({ bump: 'minor', mediaTypesAdded: ['layer application/vnd.acme.b.extra.v1'], versionOk: true });
    const fewerLayers = type('acme.b', { version: '1.0.1', layers: [] });
    expect(diffCatalogs(old, catalog('1.2.4', [a, fewerLayers])).changed[0]).toMatchObject({ bump: 'patch', signalsRemoved: [], mediaTypesRemoved: ['layer application/vnd.acme.b.layer.v1.tar'] });
    const reworded = type('acme.b', { description: 'Reworded.' });
    const changes = diffCatalogs(old, catalog('1.2.4', [a, reworded]));
    expect(changes.changed[0]).toMatchObject({ bump: 'patch', versionOk: false }); // the definition kept 1.0.0
    expect(changes).toMatchObject({ bump: 'patch', versionOk: true });
  });

  it('a deprecation is minor and names the replacement; a rename with an alias is not a removal', () => {
    const deprecated = type('acme.b', { version: '1.1.0', status: 'deprecated', replacedBy: 'acme.a' });
    expect(diffCatalogs(old, catalog('1.3.0', [a, deprecated])).changed[0]).toMatchObject({ deprecated: true, replacedBy: 'acme.a', bump: 'minor' });
    const renamed = type('acme.bee', { aliases: ['acme.b'], version: '1.1.0', artifactTypes: b.artifactTypes, layers: b.layers });
    const changes = diffCatalogs(old, catalog('1.3.0', [a, renamed]));
    expect(changes.removed).toEqual([]);
    expect(changes.added).toEqual([]);
    expect(changes.changed[0]).toMatchObject({ id: 'acme.bee', renamedFrom: 'acme.b', bump: 'minor' });
    expect(changes.bump).toBe('minor');
  });

  it('bumpSatisfied compares semver, not strings', () => {
    expect(bumpSatisfied('1.9.0', '1.10.0', 'minor')).toBe(true);
    expect(bumpSatisfied('1.9.0', '1.9.5', 'minor')).toBe(false);
    expect(bumpSatisfied('1.9.0', '2.0.0', 'major')).toBe(true);
    expect(bumpSatisfied('x', '2.0.0', 'patch')).toBe(false);
  });

  it('renders Markdown with sections, the required bump and the verdict', () => {
    const md = changesMarkdown(diffCatalogs(old, catalog('1.2.4', [a, type('acme.c'), type('acme.b', { status: 'deprecated', replacedBy: 'acme.c' })])));
    expect(md).toContain('## Catalog 1.2.3 → 1.2.4');
    expect(md).toContain('Required bump: **minor**; **the version must be at least 1.3.0**');
    expect(md).toMatch(/### Added\n\n- ACME\.C \(`acme\.c`\) 1\.0\.0/);
    expect(md).toMatch(/### Deprecated\n\n- ACME\.B \(`acme\.b`\): use `acme\.c` instead/);
  });
});

describe('npm run changes', () => {
  it('prints Markdown or JSON, writes both, and --require-bump fails an unbumped version', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'at-changes-'));
    try {
      const oldFile = path.join(work, 'old.json');
      const newFile = path.join(work, 'new.json');
      await writeFile(oldFile, JSON.stringify(catalog('1.0.0', [type('acme.a')])));
      await writeFile(newFile, JSON.stringify(catalog('1.0.0', [type('acme.a'), type('acme.b')])));
      const run = (args: string[]) => promisify(execFile)('npm', ['run', '-s', 'changes', '--', ...args], { cwd: repo }).then((r) => ({ code: 0, ...r }), (e) => e as { code: number; stdout: string; stderr: string });
      const md = await run([oldFile, newFile, '--json-out', path.join(work, 'c.json'), '--markdown-out', path.join(work, 'c.md')]);
      expect(md.code).toBe(0);
      expect(md.stdout).toContain('### Added');
      expect(JSON.parse(await readFile(path.join(work, 'c.json'), 'utf8'))).toMatchObject({ bump: 'minor', added: [{ id: 'acme.b' }], digestChanged: true });
      expect(await readFile(path.join(work, 'c.md'), 'utf8')).toBe(md.stdout);
      const json = await run([oldFile, newFile, '--format', 'json']);
      expect(JSON.parse(json.stdout).to.types).toBe(2);
      const strict = await run([oldFile, newFile, '--require-bump']);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain('need a minor bump');
      const missing = await run([path.join(work, 'nope.json'), newFile]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('nope.json');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('the catalog version a merge requires (changes --write-version)', () => {
  it('bumps the last release as the changes need, keeps it when nothing changed, never goes down', () => {
    expect(requiredVersion('1.2.3', '1.2.3', 'minor', true)).toBe('1.3.0');
    expect(requiredVersion('1.2.3', '1.2.3', 'major', true)).toBe('2.0.0');
    expect(requiredVersion('1.2.3', '1.2.3', 'none', true)).toBe('1.2.4'); // the digest moved: never republish a version
    expect(requiredVersion('1.2.3', '1.2.3', 'none', false)).toBe('1.2.3');
    expect(requiredVersion('1.2.3', '1.5.0', 'minor', true)).toBe('1.5.0'); // already ahead: kept
    expect(requiredVersion('1.2.3', '0.1.0', 'patch', true)).toBe('1.2.4'); // behind the release: caught up
  });
});
