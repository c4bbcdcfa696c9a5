// `ls`: walks /v2/_catalog and each repository's tags, fetches every manifest, classifies it with the
// catalog (the one classifier) and says what it is and how to use it. Unknown artifacts stay in the
// list with their media types. The CLI prints it; the web app's /registry page renders the same data.
import { buildLookup, classify, cosignTag, type Lookup } from '../classify/index.ts';
import type { Catalog } from '../model/catalog.ts';
import type { Classification, ConformanceFinding, Signal, SpecFinding } from '../model/classification.ts';
import { actionsFor, type Action } from './actions.ts';
import type { RegistryOptions } from './catalog-artifact.ts';
import { RegistryClient, type FetchedManifest } from './client.ts';
import { RegistryError } from './errors.ts';
import { mapLimit } from './pool.ts';

/** How a referrer was found. */
export type ReferrerSource = 'referrers-api' | 'tag-schema' | 'cosign-tag' | 'subject';

interface Described {
  /** registry/repository:tag, or registry/repository@digest for an untagged referrer */
  reference: string;
  repository: string;
  digest: string | null;
  /** The manifest's media type (or null if it could not be fetched). */
  mediaType: string | null;
  /** The manifest's artifactType (or, for a referrer known only by its descriptor, the descriptor's). */
  artifactType: string | null;
  type: { id: string; displayName: string; signal: Signal } | null;
  /** The type's logo: a URL when `logoUrl` is given, else the file name in the catalog's logos/. */
  logo: string | null;
  /** The tools' commands; for a referrer, those that act on the subject name the subject. */
  actions: Action[];
  mediaTypes: Classification['mediaTypes'];
  conformance: ConformanceFinding[];
  /** Violations of the OCI image-spec (or Docker schema 2) rules. */
  validation: SpecFinding[];
  /** What this manifest is attached to: its `subject` field, its cosign tag, or the list it is in. */
  subject: { digest: string; reference: string } | null;
  /** The signatures, SBOMs and attestations attached to this manifest. */
  referrers: ListedReferrer[];
  /** Why this manifest could not be fetched or read. */
  error?: string;
}

/** A tagged manifest. */
export interface ListedArtifact extends Described {
  tag: string;
  /** `referrers-list`: an index of referrers (the tag schema), shown under its subject, not as an image. */
  role: 'artifact' | 'referrer' | 'referrers-list';
}

/** A manifest attached to another, found through the referrers API, the tag schema, a cosign tag or its subject field. */
export interface ListedReferrer extends Described {
  /** Its tag when it has one (cosign's sha256-<hex>.sig), else null. */
  tag: string | null;
  via: ReferrerSource[];
}

export interface RegistryListing {
  registry: string;
  repositories: number;
  artifacts: ListedArtifact[];
  /** Whether the registry answered the referrers API (null when nothing was asked). */
  referrersApi: boolean | null;
  /** Repositories whose tags could not be listed (e.g. DENIED), with why. */
  problems: Array<{ repository: string; message: string }>;
}

export interface ListProgress {
  phase: 'tags' | 'manifests';
  done: number;
  total: number;
}

export interface ListOptions extends RegistryOptions {
  /** Page size for _catalog and tags/list (default 100). */
  pageSize?: number;
  /** Manifest fetches in flight (default 8). */
  concurrency?: number;
  /** Stop after this many tags (default 100000), so a huge registry cannot exhaust memory. */
  maxArtifacts?: number;
  logoUrl?: (typeId: string) => string;
  /** Only referrers of this artifactType (the referrers API's filter; applied here for the other sources). */
  referrerType?: string;
  onProgress?: (progress: ListProgress) => void;
}

const MAX_CONFIG_BYTES = 1024 * 1024;
const EMPTY = 'application/vnd.oci.empty.v1+json';

/** Fetches the config only when it could change the answer: labels come after layers and annotations. */
function wantsConfig(result: Classification, manifest: Record<string, unknown>): { digest: string; size: number } | null {
  if (result.kind !== 'manifest' || (result.id !== null && result.signal !== 'fallback')) return null;
  const config = manifest.config as { mediaType?: unknown; digest?: unknown; size?: unknown } | undefined;
  if (!config || typeof config.digest !== 'string' || typeof config.size !== 'number' || typeof config.mediaType !== 'string') return null;
  if (config.mediaType === EMPTY || config.size === 0 || config.size > MAX_CONFIG_BYTES || !/json/i.test(config.mediaType)) return null;
  return { digest: config.digest, size: config.size };
}

interface Context {
  client: RegistryClient;
  lookup: Lookup;
  catalog: Catalog;
  options: ListOptions;
}

/** One manifest fetched and classified, with the classification's subject and referrers list kept for grouping. */
interface Fetched {
  described: Described;
  result: Classification | null;
}

async function fetchAndDescribe(ctx: Context, repository: string, reference: string, tag: string | null): Promise<Fetched> {
  const { client, lookup, catalog, options } = ctx;
  const name = `${client.registry}/${repository}`;
  const described: Described = {
    reference: tag !== null ? `${name}:${tag}` : `${name}@${reference}`,
    repository,
    digest: tag === null ? reference : null,
    mediaType: null,
    artifactType: null,
    type: null,
    logo: null,
    actions: [],
    mediaTypes: { manifest: null, artifactType: null, config: null, layers: [] },
    conformance: [],
    validation: [],
    subject: null,
    referrers: [],
  };
  let fetched: FetchedManifest;
  try {
    fetched = await client.getManifest(repository, reference);
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'UNAUTHORIZED') throw error;
    return { described: { ...described, error: (error as Error).message }, result: null };
  }
  const context = tag !== null ? { tag } : {};
  let result = classify(lookup, fetched.json, context);
  const config = wantsConfig(result, fetched.json);
  if (config) {
    try {
      const blob = await client.getBlob(repository, config, MAX_CONFIG_BYTES);
      result = classify(lookup, fetched.json, { ...context, config: JSON.parse(blob.toString('utf8')) });
    } catch {
      // An unreadable config leaves the answer from the manifest alone.
    }
  }
  const type = result.id ? catalog.types.find((t) => t.id === result.id) : undefined;
  return {
    result,
    described: {
      ...described,
      digest: fetched.digest,
      mediaType: fetched.mediaType || result.mediaTypes.manifest,
      artifactType: result.mediaTypes.artifactType,
      type: type && result.signal ? { id: type.id, displayName: type.displayName, signal: result.signal } : null,
      logo: type ? (options.logoUrl ? options.logoUrl(type.id) : `logos/${type.id}.svg`) : null,
      mediaTypes: result.mediaTypes,
      conformance: result.conformance,
      validation: result.validation,
      ...(result.error ? { error: `not a manifest: ${result.error.pointer || '(root)'}: ${result.error.message}` } : {}),
    },
  };
}

/** Fills a described manifest's actions; a referrer's subject-taking commands name its subject. */
function fillActions(ctx: Context, node: Described, tag: string | null, subject: { digest: string; tag?: string } | null): void {
  const type = node.type ? ctx.catalog.types.find((t) => t.id === node.type!.id) : undefined;
  if (!type || !node.digest) return;
  const where = { registry: ctx.client.registry, repository: node.repository, digest: node.digest, ...(tag !== null ? { tag } : {}) };
  node.actions = actionsFor(type, where, subject ?? undefined);
}

/** How deep the referrers API is followed: referrers of referrers of … the listed manifests. */
const MAX_REFERRER_DEPTH = 3;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Lists and classifies every tagged manifest in a registry, with what is attached to each under it. */
export async function listRegistry(registry: string, catalog: Catalog, options: ListOptions = {}): Promise<RegistryListing> {
  const client = new RegistryClient(registry, options);
  const ctx: Context = { client, lookup: buildLookup(catalog.types), catalog, options };
  const pageSize = options.pageSize ?? 100;
  const concurrency = options.concurrency ?? 8;
  const maxArtifacts = options.maxArtifacts ?? 100_000;
  const repositories: string[] = [];
  for await (const repository of client.repositories(pageSize)) repositories.push(repository);
  const refs: Array<{ repository: string; tag: string }> = [];
  let done = 0;
  const problems: RegistryListing['problems'] = [];
  await mapLimit(repositories, concurrency, async (repository) => {
    try {
      for await (const tag of client.tags(repository, pageSize)) {
        if (refs.length >= maxArtifacts) break;
        refs.push({ repository, tag });
      }
    } catch (error) {
      // A repository with blobs but no tags answers NAME_UNKNOWN: nothing to list, not a failure.
      if (!(error instanceof RegistryError) || error.code === 'UNAUTHORIZED') throw error;
      if (error.code !== 'NAME_UNKNOWN') problems.push({ repository, message: error.message });
    }
    options.onProgress?.({ phase: 'tags', done: ++done, total: repositories.length });
  });
  refs.sort((a, b) => (a.repository === b.repository ? byText(a.tag, b.tag) : byText(a.repository, b.repository)));
  done = 0;
  const tagged = await mapLimit(refs, concurrency, async ({ repository, tag }) => {
    const fetched = await fetchAndDescribe(ctx, repository, tag, tag);
    options.onProgress?.({ phase: 'manifests', done: ++done, total: refs.length });
    return { tag, ...fetched };
  });
  const { referrers, referrersApi } = await findReferrers(ctx, tagged);
  const artifacts = tagged.map(({ tag, described, result }): ListedArtifact => {
    const key = described.digest ? `${described.repository}@${described.digest}` : null;
    const subjectDigest = subjectOf(tag, result);
    const role: ListedArtifact['role'] = result?.referrersList ? 'referrers-list' : subjectDigest ? 'referrer' : 'artifact';
    const subject = subjectDigest ? { digest: subjectDigest, reference: `${client.registry}/${described.repository}@${subjectDigest}` } : null;
    const artifact: ListedArtifact = { ...described, tag, role, subject, referrers: key ? (referrers.get(key) ?? []) : [] };
    fillActions(ctx, artifact, tag, subjectDigest ? { digest: subjectDigest, ...subjectTag(tagged, described.repository, subjectDigest) } : null);
    return artifact;
  });
  return { registry: client.registry, repositories: repositories.length, artifacts, referrersApi, problems };
}

/** The digest a tagged manifest is attached to: a referrers list's subject, its subject field, or its cosign tag. */
function subjectOf(tag: string, result: Classification | null): string | null {
  return result?.referrersList?.subject ?? result?.subject?.digest ?? cosignTag(tag)?.subject ?? null;
}

/** A tag of the subject (for commands that take a tag), when the subject is tagged and not itself a referrer tag. */
function subjectTag(tagged: Array<{ tag: string; described: Described }>, repository: string, digest: string): { tag?: string } {
  const found = tagged.find((t) => t.described.repository === repository && t.described.digest === digest);
  return found ? { tag: found.tag } : {};
}

interface Candidate {
  repository: string;
  subject: string;
  digest: string;
  /** Known from a tag (cosign's, or a tagged manifest with subject): no fetch needed. */
  tagged?: { tag: string; described: Described };
  artifactType: string | null;
  via: ReferrerSource;
}

/**
 * Everything attached to the listed manifests, keyed by `repository@subject digest`: the referrers API
 * where the registry has it (asked once per tagged manifest; a 404 means no API, and it is not asked
 * again), the tag schema's lists, cosign's tags, and tagged manifests' own subject fields. Referrers
 * known only by digest are fetched and classified; referrers of referrers nest under them.
 */
async function findReferrers(ctx: Context, tagged: Array<{ tag: string; described: Described; result: Classification | null }>): Promise<{ referrers: Map<string, ListedReferrer[]>; referrersApi: boolean | null }> {
  const { client, options } = ctx;
  const filter = options.referrerType;
  const candidates: Candidate[] = [];
  for (const { tag, described, result } of tagged) {
    if (!described.digest || !result) continue;
    const list = result.referrersList;
    if (list?.subject) {
      for (const entry of list.entries) if (entry.digest) candidates.push({ repository: described.repository, subject: list.subject, digest: entry.digest, artifactType: entry.artifactType, via: 'tag-schema' });
      continue;
    }
    const viaSubject = result.subject?.digest;
    const viaCosign = cosignTag(tag)?.subject;
    const subject = viaSubject ?? viaCosign;
    if (subject) candidates.push({ repository: described.repository, subject, digest: described.digest, tagged: { tag, described }, artifactType: described.artifactType ?? described.mediaTypes.config, via: viaSubject ? 'subject' : 'cosign-tag' });
  }
  // The referrers API, asked about every tagged manifest that is not itself a list, then about the referrers it
  // returned (a signature on an SBOM), a few levels deep; the first 404 settles that the API is missing.
  let referrersApi: boolean | null = null;
  const asked = new Set<string>();
  let level = [...new Map(tagged.filter((t) => t.described.digest && !t.result?.referrersList).map((t) => [`${t.described.repository}@${t.described.digest}`, { repository: t.described.repository, digest: t.described.digest! }])).values()];
  for (let depth = 0; depth < MAX_REFERRER_DEPTH && level.length > 0 && referrersApi !== false; depth++) {
    const next: Array<{ repository: string; digest: string }> = [];
    await mapLimit(level, options.concurrency ?? 8, async (subject) => {
      const key = `${subject.repository}@${subject.digest}`;
      if (referrersApi === false || asked.has(key)) return;
      asked.add(key);
      let answer: Awaited<ReturnType<RegistryClient['referrers']>>;
      try {
        answer = await client.referrers(subject.repository, subject.digest, filter);
      } catch (error) {
        if (error instanceof RegistryError && error.code === 'UNAUTHORIZED') throw error;
        return;
      }
      if (answer === null) {
        if (referrersApi === null) referrersApi = false;
        return;
      }
      referrersApi = true;
      for (const d of answer) {
        candidates.push({ repository: subject.repository, subject: subject.digest, digest: d.digest, artifactType: typeof d.artifactType === 'string' ? d.artifactType : null, via: 'referrers-api' });
        next.push({ repository: subject.repository, digest: d.digest });
      }
    });
    level = next;
  }
  // One node per repository@digest, whichever ways it was found.
  const nodes = new Map<string, { candidate: Candidate; via: Set<ReferrerSource> }>();
  for (const c of candidates) {
    if (filter && c.artifactType !== filter) continue;
    const key = `${c.repository}@${c.digest}`;
    const node = nodes.get(key);
    if (node) {
      node.via.add(c.via);
      if (c.tagged && !node.candidate.tagged) node.candidate = { ...c, via: node.candidate.via };
    } else nodes.set(key, { candidate: c, via: new Set([c.via]) });
  }
  const described = await mapLimit([...nodes.values()], options.concurrency ?? 8, async ({ candidate, via }) => {
    const base = candidate.tagged ? candidate.tagged.described : (await fetchAndDescribe(ctx, candidate.repository, candidate.digest, null)).described;
    const tag = candidate.tagged?.tag ?? null;
    const referrer: ListedReferrer = {
      ...base,
      artifactType: base.artifactType ?? candidate.artifactType,
      tag,
      via: [...via].sort(),
      subject: { digest: candidate.subject, reference: `${client.registry}/${candidate.repository}@${candidate.subject}` },
      referrers: [],
    };
    fillActions(ctx, referrer, tag, { digest: candidate.subject, ...subjectTag(tagged, candidate.repository, candidate.subject) });
    return { key: `${candidate.repository}@${candidate.subject}`, own: `${candidate.repository}@${candidate.digest}`, referrer };
  });
  const referrers = new Map<string, ListedReferrer[]>();
  for (const { key, referrer } of described) {
    const list = referrers.get(key) ?? [];
    list.push(referrer);
    referrers.set(key, list);
  }
  // Referrers of referrers (a signature on an SBOM) nest under the referrer they are attached to.
  for (const { own, referrer } of described) referrer.referrers = (referrers.get(own) ?? []).filter((r) => r !== referrer);
  for (const list of referrers.values()) list.sort((a, b) => byText(a.artifactType ?? '', b.artifactType ?? '') || byText(a.digest ?? '', b.digest ?? ''));
  return { referrers, referrersApi };
}
