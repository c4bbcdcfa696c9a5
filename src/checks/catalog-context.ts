// Which folders' catalog-wide findings (uniqueness, classification) a warm run must recompute. A
// folder's findings depend on its own content and on the folders that claim a string it claims or
// its examples contain (folder-summary.ts); its context is a hash of exactly that, so the cached
// findings stand while the context is the one they were computed under.
import { createHash } from 'node:crypto';
import type { CachedFolder } from './cache.ts';

type Summary = Pick<CachedFolder, 'hash' | 'valid' | 'mentions' | 'needs'>;

export class CatalogContexts {
  /** token → indexes (in catalog order) of the valid folders that mention it. */
  private readonly mentioners = new Map<string, number[]>();
  private readonly digests = new Map<string, string>();

  constructor(private readonly ids: readonly string[], private readonly summaries: readonly Summary[]) {
    summaries.forEach((s, i) => {
      if (!s.valid) return;
      for (const token of s.mentions) {
        const list = this.mentioners.get(token);
        if (list) list.push(i);
        else this.mentioners.set(token, [i]);
      }
    });
  }

  /** Who mentions the token, and with what content: changes when any of them changes, comes or goes. */
  private digest(token: string): string {
    let digest = this.digests.get(token);
    if (digest === undefined) {
      const list = this.mentioners.get(token) ?? [];
      // One mentioner (the usual case) needs no hashing: its id and content hash say it all.
      if (list.length === 1) digest = `${this.ids[list[0]!]}\0${this.summaries[list[0]!]!.hash}`;
      else {
        const hash = createHash('sha1');
        for (const i of list) hash.update(`${this.ids[i]}\0${this.summaries[i]!.hash}\0`);
        digest = hash.digest('base64');
      }
      this.digests.set(token, digest);
    }
    return digest;
  }

  /** The folder's context, or null when it has too many tokens to keep (recomputed every run). */
  context(i: number): string | null {
    const s = this.summaries[i]!;
    if (s.needs === null) return null;
    const hash = createHash('sha256').update(`${s.hash}\0`);
    // A token nobody mentions adds nothing (and once someone does, it is in the hash).
    for (const token of s.needs) if (this.mentioners.has(token)) hash.update(`${token}\0${this.digest(token)}\0`);
    return hash.digest('base64');
  }

  /** The folders (indexes, in catalog order) the catalog rules must see to judge these: they and every folder sharing a token. */
  related(dirty: Iterable<number>): number[] {
    const related = new Set<number>();
    let everything = false;
    for (const i of dirty) {
      related.add(i);
      const needs = this.summaries[i]!.needs;
      if (needs === null) everything = true;
      else for (const token of needs) for (const j of this.mentioners.get(token) ?? []) related.add(j);
    }
    if (everything) this.summaries.forEach((s, i) => s.valid && related.add(i));
    return [...related].sort((a, b) => a - b);
  }
}
