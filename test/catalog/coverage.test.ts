// docs/coverage.md's generated section: every type's example notes (current first) and unverified remarks,
// written between its markers without touching the hand-written text around them.
import { describe, expect, it } from 'vitest';
import { COVERAGE_END, COVERAGE_START, coverageFile } from '../../src/catalog/coverage.ts';
import { catalog, type } from '../github/catalog-fixture.ts';

const built = catalog('1.0.0', [
  type('acme.widget', {
    displayName: 'Acme | widget',
    exampleNotes: {
      'old.manifest.json': { writtenBy: 'acme push 0.9', era: 'older' },
      'miss.not-this.json': { writtenBy: 'a plain image', era: 'near-miss' },
      'new.manifest.json': { writtenBy: 'acme push 1.0 and later', era: 'current' },
    },
    unverified: ['no real push of the 0.9 form was seen'],
  }),
  type('acme.gadget'),
]);

describe('docs/coverage.md', () => {
  it('lists each type with its examples, current first, and its unverified remarks', () => {
    const text = coverageFile.render(built, '# Coverage\n\nHand-written.\n');
    expect(text.startsWith('# Coverage\n\nHand-written.\n')).toBe(true);
    const widget = text.split('\n').find((l) => l.includes('acme.widget'))!;
    expect(widget).toContain('Acme &#124; widget');
    expect(widget.indexOf('current: acme push 1.0 and later (`new.manifest.json`)')).toBeLessThan(widget.indexOf('older: acme push 0.9 (`old.manifest.json`)'));
    expect(widget.indexOf('older:')).toBeLessThan(widget.indexOf('near miss: a plain image'));
    expect(widget).toMatch(/\| no real push of the 0\.9 form was seen \|$/);
    expect(text.split('\n').find((l) => l.includes('acme.gadget'))).toMatch(/\| no notes \| — \|$/);
  });

  it('replaces only its own section on a rebuild', () => {
    const first = coverageFile.render(built, '# Coverage\n\nBefore.\n');
    const edited = first.replace('Before.', 'Before, edited.').concat('\nAfter.\n');
    const second = coverageFile.render(catalog('1.0.1', [type('acme.gadget')]), edited);
    expect(second).toContain('Before, edited.');
    expect(second.trimEnd().endsWith('After.')).toBe(true);
    expect(second).not.toContain('acme.widget');
    expect(second.split(COVERAGE_START)).toHaveLength(2);
    expect(second.split(COVERAGE_END)).toHaveLength(2);
  });
});
