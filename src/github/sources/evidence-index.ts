// Every pinned piece of evidence in the definitions, with where it stands in definition.json and the
// text to look for upstream (the quote, or the identifying string itself), grouped by upstream file.
import { listDefinitionIds, loadDefinition } from '../../catalog/load.ts';
import { locate } from '../../catalog/json-source.ts';
import { parsePermalink, type Permalink } from '../../catalog/evidence.ts';
import { EVIDENCE_LISTS } from '../../catalog/identifying.ts';

export interface EvidenceRef {
  /** The type's id. */
  id: string;
  /** definition.json as findings show it, and the line of the evidence's url there. */
  file: string;
  line: number;
  column: number;
  /** What the evidence is for, e.g. `artifactTypes[0] application/vnd.…`. */
  subject: string;
  /** The text that must stand in the upstream file. */
  needle: string;
  url: string;
  link: Permalink;
}

export interface UpstreamFile {
  owner: string;
  repo: string;
  path: string;
  refs: EvidenceRef[];
}


type Entry = { mediaType?: unknown; key?: unknown; evidence?: unknown };
type Evidence = { url?: unknown; quote?: unknown };

/** Reads each definition's evidence; definitions that do not parse are named in `unreadable`. */
export async function collectEvidence(root: string, only?: string[]): Promise<{ refs: EvidenceRef[]; ids: string[]; unreadable: string[]; unknown: string[] }> {
  const { ids: all } = await listDefinitionIds(root);
  const unknown = (only ?? []).filter((id) => !all.includes(id));
  const ids = only && only.length > 0 ? all.filter((id) => only.includes(id)) : all;
  const refs: EvidenceRef[] = [];
  const unreadable: string[] = [];
  for (const id of ids) {
    const source = (await loadDefinition(root, id)).definition;
    const value = source?.value as Record<string, unknown> | undefined;
    if (!source || typeof value !== 'object' || value === null) {
      unreadable.push(id);
      continue;
    }
    for (const list of EVIDENCE_LISTS) {
      const entries = Array.isArray(value[list]) ? (value[list] as unknown[]) : [];
      entries.forEach((entry, i) => {
        if (typeof entry !== 'object' || entry === null) return;
        const { mediaType, key, evidence } = entry as Entry;
        const string = typeof mediaType === 'string' ? mediaType : typeof key === 'string' ? key : null;
        if (string === null || !Array.isArray(evidence)) return;
        evidence.forEach((e: Evidence, j) => {
          if (typeof e?.url !== 'string') return;
          const link = parsePermalink(e.url);
          if (!link) return; // docs evidence: nothing on GitHub to compare (the checker requires its quote)
          const { line, column } = locate(source, `/${list}/${i}/evidence/${j}/url`);
          refs.push({ id, file: source.file, line, column, subject: `${list}[${i}] ${string}`, needle: typeof e.quote === 'string' ? e.quote : string, url: e.url, link });
        });
      });
    }
  }
  return { refs, ids, unreadable, unknown };
}

/** One entry per upstream file however many strings it holds: one request each. */
export function groupByFile(refs: EvidenceRef[]): UpstreamFile[] {
  const files = new Map<string, UpstreamFile>();
  for (const ref of refs) {
    const { owner, repo } = ref.link;
    const key = `${owner.toLowerCase()}/${repo.toLowerCase()}/${ref.link.path}`;
    let file = files.get(key);
    if (!file) files.set(key, (file = { owner, repo, path: ref.link.path, refs: [] }));
    file.refs.push(ref);
  }
  return [...files.values()].sort((a, b) => (`${a.owner}/${a.repo}/${a.path}` < `${b.owner}/${b.repo}/${b.path}` ? -1 : 1));
}
