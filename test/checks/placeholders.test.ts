// Rule placeholder/unfilled: every leftover TODO: from `artifact-types new` is an error at its position.
import { describe, expect, it } from 'vitest';
import { placeholderFindings } from '../../src/checks/placeholders.ts';

describe('placeholderFindings', () => {
  it('finds each leftover TODO: with its line and column', () => {
    const text = '---\ntitle: X\n---\n## What it is\n\nTODO: what a X is.\n\n```sh\n# TODO: the real commands\n```\n';
    const found = placeholderFindings('definitions/acme.x/README.md', text);
    expect(found.map((f) => [f.line, f.column])).toEqual([[6, 1], [9, 3]]);
    expect(found[0]).toMatchObject({ rule: 'placeholder/unfilled', severity: 'error', file: 'definitions/acme.x/README.md' });
    expect(placeholderFindings('a.md', 'all done\n')).toEqual([]);
  });
});
