// buildPrReport: the comment body from changed files, findings and catalogs. Pure, so tested directly.
import { describe, expect, it } from 'vitest';
import { buildPrReport, changedIds, MARKER, MAX_BODY } from '../../src/github/pr-report.ts';
import type { Finding } from '../../src/model/finding.ts';
import { catalog, type } from './catalog-fixture.ts';

const finding = (over: Partial<Finding> = {}): Finding => ({ rule: 'schema/definition', severity: 'error', file: 'definitions/acme.new/definition.json', line: 5, column: 18, message: 'description must end with a full stop', fix: 'add a full stop', ...over });
const logoUrl = (id: string) => `https://github.com/o/r/raw/abc/definitions/${id}/logo.svg`;

describe('buildPrReport', () => {
  const base = catalog('1.0.0', [type('acme.old'), type('acme.kept')]);

  it('starts with the hidden marker and previews each added or changed definition', () => {
    const head = catalog('1.1.0', [type('acme.old', { version: '1.0.1', description: 'Changed words.' }), type('acme.kept'), type('acme.new', { displayName: 'Acme new thing' })]);
    const body = buildPrReport({
      changedFiles: ['definitions/acme.new/definition.json', 'definitions/acme.new/logo.svg', 'definitions/acme.old/README.md', 'src/other.ts'],
      findings: [], catalog: head, baseCatalog: base, logoUrl, commit: '0123456789abcdef0123',
    });
    expect(body.startsWith(`${MARKER}\n`)).toBe(true);
    const rows = body.split('\n').filter((l) => l.startsWith('| <img'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('src="https://github.com/o/r/raw/abc/definitions/acme.new/logo.svg"');
    expect(rows[0]).toContain('**Acme new thing**');
    expect(rows[0]).toContain('added');
    expect(rows[0]).toContain('artifactType <code>application/vnd.acme.new.v1</code>');
    expect(rows[0]).toContain('pull: <code>acme pull {registry}/{repository}:{tag}</code>');
    expect(rows[1]).toContain('changed');
    expect(rows[1]).toMatch(/1\.0\.0 → 1\.0\.1<br>✅ patch change/);
    expect(body).not.toContain('acme.kept');
    expect(body).toContain('✅ artifact-types check');
    expect(body).toContain('Catalog: these changes need a **minor** bump; 1.0.0 → 1.1.0 ✅');
    expect(body).toContain('<summary>Release notes for this change</summary>');
    expect(body).toContain('<code>0123456789ab</code>');
  });

  it('gives a wrong version bump a ❌ for the type and for the catalog', () => {
    const head = catalog('1.0.0', [type('acme.old', { artifactTypes: [] }), type('acme.kept')]);
    const body = buildPrReport({ changedFiles: ['definitions/acme.old/definition.json'], findings: [finding({ rule: 'version/not-bumped', file: 'definitions/acme.old/definition.json', message: 'the definition changed but its version is still 1.0.0' })], catalog: head, baseCatalog: base });
    expect(body).toMatch(/1\.0\.0 → 1\.0\.0<br>❌ major change/);
    expect(body).toContain('Catalog: these changes need a **major** bump; 1.0.0 → 1.0.0 ❌');
    expect(body).toContain('- ❌ <code>definitions/acme.old/definition.json:5:18</code>: the definition changed but its version is still 1.0.0');
    expect(body).toContain('❌ artifact-types check');
  });

  it('lists findings in a table and says when a changed definition does not build', () => {
    const body = buildPrReport({ changedFiles: ['definitions/acme.broken/definition.json'], findings: [finding({ file: 'definitions/acme.broken/definition.json' }), finding({ severity: 'warning', rule: 'media-type/oci-naming', file: 'definitions/acme.broken/definition.json', line: 0, column: 0 })], catalog: base });
    expect(body).toContain('**1 error**, 1 warning');
    expect(body).toContain('| | <code>acme.broken</code> | does not build yet (see the findings) |');
    expect(body).toContain('| <code>definitions/acme.broken/definition.json:5:18</code> | ❌ error | <code>schema/definition</code> | description must end with a full stop | add a full stop |');
    expect(body).toContain('⚠️ warning | <code>media-type/oci-naming</code>');
  });

  it('escapes what the PR controls: no broken table, no forged marker, no mentions, no tags', () => {
    const evil = type('acme.evil', { displayName: 'Evil | <!-- artifact-types:pr-report --> @everyone <img src=x>', tools: [{ name: 'x', pull: 'x pull `a` | @someone' }] });
    const body = buildPrReport({ changedFiles: ['definitions/acme.evil/definition.json'], findings: [finding({ message: 'bad | <script>alert(1)</script>\nsecond line @admin' })], catalog: catalog('1.0.0', [evil]), logoUrl: () => 'https://x/" onerror="alert(1)' });
    expect(body).toContain('<img src="https://x/&quot; onerror=&quot;alert(1)"');
    expect(body.indexOf(MARKER)).toBe(0);
    expect(body.lastIndexOf(MARKER)).toBe(0);
    expect(body).not.toMatch(/@\w/);
    expect(body).not.toContain('<script');
    expect(body).not.toContain('<img src=x');
    const row = body.split('\n').find((l) => l.includes('acme.evil'))!;
    expect(row.split(' | ')).toHaveLength(5); // five cells, pipes in the name escaped
    expect(body).not.toContain('second line @admin');
  });

  it('flags placeholders left over from artifact-types new', () => {
    const body = buildPrReport({ changedFiles: ['definitions/acme.todo/README.md'], findings: [], catalog: catalog('1.0.0', [type('acme.todo', { layers: [{ mediaType: 'application/vnd.acme.todo.layer.v1.tar', description: 'TODO: what the blob holds' }] })]) });
    expect(body).toContain('⚠️ still has <code>TODO:</code> placeholders');
  });

  it('stays under 65,536 characters with thousands of findings and types, saying what was cut', () => {
    const many = Array.from({ length: 5000 }, (_, i) => finding({ line: i + 1, message: `problem number ${i} `.repeat(5) }));
    const body = buildPrReport({ changedFiles: ['definitions/acme.old/definition.json'], findings: many, catalog: base });
    expect(body.length).toBeLessThan(MAX_BODY);
    expect(body).toMatch(/\| … \| \| \| \d+ more findings are in the job summary/);
    const shown = body.split('\n').filter((l) => l.includes('problem number')).length;
    expect(shown).toBeGreaterThan(50);
    expect(body).toMatch(new RegExp(`${5000 - shown} more findings`));

    const types = Array.from({ length: 3000 }, (_, i) => type(`acme.t${i}`));
    const huge = buildPrReport({ changedFiles: types.map((t) => `definitions/${t.id}/definition.json`), findings: many, catalog: catalog('2.0.0', types), baseCatalog: base, logoUrl });
    expect(huge.length).toBeLessThan(MAX_BODY);
    expect(huge.startsWith(MARKER)).toBe(true);
    expect(huge).toMatch(/more types are not shown/);
  });
});

describe('changedIds', () => {
  it('takes definition folders only, once each', () => {
    expect(changedIds(['definitions/a.b/definition.json', 'definitions/a.b/examples/x.manifest.json', 'definitions/catalog.json', 'README.md', 'definitions/c.d/logo.svg'])).toEqual(['a.b', 'c.d']);
  });
});

describe('buildPrReport scope', () => {
  it('shows warnings only for changed types, but every error', () => {
    const findings = [
      finding({ severity: 'warning', rule: 'media-type/oci-naming', file: 'definitions/acme.other/definition.json', message: 'old warning elsewhere' }),
      finding({ severity: 'error', rule: 'catalog/duplicate-claim', file: 'definitions/acme.other/definition.json', message: 'claimed twice' }),
      finding({ severity: 'warning', rule: 'media-type/oci-naming', file: 'definitions/acme.new/definition.json', message: 'new warning here' }),
      finding({ severity: 'error', rule: 'generated/drift', file: 'CODEOWNERS', line: 3, message: 'is out of date with the catalog' }),
    ];
    const body = buildPrReport({ changedFiles: ['definitions/acme.new/definition.json'], findings, catalog: catalog('1.0.0', [type('acme.new'), type('acme.other')]) });
    expect(body).toContain('**2 errors**, 2 warnings (1 on unchanged types: see the job summary)');
    expect(body).not.toContain('old warning elsewhere');
    expect(body).toContain('new warning here');
    expect(body).toContain('claimed twice');
    expect(body).toContain('<code>CODEOWNERS:3:18</code>');
  });
});
