// Evidence and source links: which count as pinned, which follow a branch, and what a docs page needs.
import { describe, expect, it } from 'vitest';
import { evidenceProblem, followsBranch, parsePermalink } from '../../src/catalog/evidence.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('evidence links', () => {
  it('parses a permalink pinned to a commit with a line or a range, and nothing else', () => {
    expect(parsePermalink(`https://github.com/helm/helm/blob/${SHA}/pkg/registry/constants.go#L12`)).toEqual({ owner: 'helm', repo: 'helm', commit: SHA, path: 'pkg/registry/constants.go', startLine: 12, endLine: 12 });
    expect(parsePermalink(`https://github.com/o/r/blob/${SHA}/a%20b/c.go#L3-L9`)).toMatchObject({ path: 'a b/c.go', startLine: 3, endLine: 9 });
    for (const url of [
      'https://github.com/o/r/blob/main/c.go#L3', // a branch
      `https://github.com/o/r/blob/${SHA.slice(0, 12)}/c.go#L3`, // a short SHA
      `https://github.com/o/r/blob/${SHA}/c.go`, // no line
      `https://github.com/o/r/blob/${SHA}/c.go#L9-L3`, // backwards
      `https://github.com/o/r/blob/${SHA}/../etc/passwd#L1`, // a path that leaves the repository
      `https://github.com/o/r/tree/${SHA}/docs#L1`,
    ]) expect(parsePermalink(url), url).toBeNull();
  });

  it('says what is wrong: a GitHub link that is not a permalink, a docs page without a quote', () => {
    expect(evidenceProblem({ url: `https://github.com/o/r/blob/${SHA}/c.go#L3` })).toBeNull();
    expect(evidenceProblem({ url: 'https://github.com/o/r/blob/main/c.go#L3' })).toMatchObject({ rule: 'evidence/not-pinned' });
    expect(evidenceProblem({ url: 'https://raw.githubusercontent.com/o/r/main/c.go' })).toMatchObject({ rule: 'evidence/not-pinned' });
    expect(evidenceProblem({ url: 'https://helm.sh/docs/topics/registries/' })).toMatchObject({ rule: 'evidence/no-quote' });
    expect(evidenceProblem({ url: 'https://helm.sh/docs/topics/registries/', quote: 'helm push mychart-0.1.0.tgz oci://localhost:5000/helm-charts' })).toBeNull();
  });

  it('flags source links into files at a moving ref, not links to pull requests, issues or commits', () => {
    expect(followsBranch('https://github.com/o/r/blob/main/x.go')).toBe(true);
    expect(followsBranch('https://github.com/o/r/tree/v1.2/docs')).toBe(true);
    expect(followsBranch('https://raw.githubusercontent.com/o/r/main/x')).toBe(true);
    expect(followsBranch(`https://github.com/o/r/blob/${SHA}/x.go`)).toBe(false);
    expect(followsBranch(`https://raw.githubusercontent.com/o/r/${SHA}/x`)).toBe(false);
    expect(followsBranch('https://github.com/sigstore/cosign/pull/2479')).toBe(false);
    expect(followsBranch('https://github.com/sigstore/cosign/commit/aebdc3a2')).toBe(false);
    expect(followsBranch('https://helm.sh/docs/')).toBe(false);
  });
});
