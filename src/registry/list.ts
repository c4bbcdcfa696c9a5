// `ls`: walks /v2/_catalog and each repository's tags, fetches every manifest, classifies it with the
// catalog (the one classifier) and says what it is and how to use it. Unknown artifacts stay in the
// list with their media types. The CLI prints it; the web app's /registry page renders the same data.
import { buildLookup, classify, type Lookup } from '../classify/index.ts';
import type { Catalog } from '../model/catalog.ts';
import type { Classification, ConformanceFinding, Signal } from '../model/classification.ts';
import { actionsFor, type Action } from './actions.ts';
import type { RegistryOptions } from './catalog-artifact.ts';
import { RegistryClient, type FetchedManifest } from './client.ts';
import { RegistryError } from './errors.ts';
import { mapLimit } from './pool.ts';

export interface ListedArtifact {
  /** registry/repository:tag */
  reference: string;
  repository: string;
  tag: string;
  digest: string | null;
  /** The manifest's media type (or null if it could not be fetched). */
  mediaType: string | null;
  type: { id: string; displayName: string; signal: Signal } | null;
  /** The type's logo: a URL when `logoUrl` is given, else the file name in the catalog's logos/. */
  logo: string | null;
  actions: Action[];
  mediaTypes: Classification['mediaTypes'];
  conformance: ConformanceFinding[];
  /** Why this tag could not be fetched or read as a manifest. */
  error?: string;
}

export interface RegistryListing {
  registry: string;
  repositories: number;
  artifacts: ListedArtifact[];
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

async function describe(client: RegistryClient, lookup: Lookup, catalog: Catalog, repository: string, tag: string, options: ListOptions): Promise<ListedArtifact> {
  const base: ListedArtifact = {
    reference: `${client.registry}/${repository}:${tag}`,
    repository,
    tag,
    digest: null,
    mediaType: null,
    type: null,
    logo: null,
    actions: [],
    mediaTypes: { manifest: null, artifactType: null, config: null, layers: [] },
    conformance: [],
  };
  let fetched: FetchedManifest;
  try {
    fetched = await client.getManifest(repository, tag);
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'UNAUTHORIZED') throw error;
    return { ...base, error: (error as Error).message };
  }
  let result = classify(lookup, fetched.json);
  const config = wantsConfig(result, fetched.json);
  if (config) {
    try {
      const blob = await client.getBlob(repository, config, MAX_CONFIG_BYTES);
      result = classify(lookup, fetched.json, { config: JSON.parse(blob.toString('utf8')) });
    } catch {
      // An unreadable config leaves the answer from the manifest alone.
    }
  }
  const type = result.id ? catalog.types.find((t) => t.id === result.id) : undefined;
  const where = { registry: client.registry, repository, tag, digest: fetched.digest };
  return {
    ...base,
    digest: fetched.digest,
    mediaType: fetched.mediaType || result.mediaTypes.manifest,
    type: type && result.signal ? { id: type.id, displayName: type.displayName, signal: result.signal } : null,
    logo: type ? (options.logoUrl ? options.logoUrl(type.id) : `logos/${type.id}.svg`) : null,
    actions: type ? actionsFor(type, where) : [],
    mediaTypes: result.mediaTypes,
    conformance: result.conformance,
    ...(result.error ? { error: `not a manifest: ${result.error.pointer || '(root)'}: ${result.error.message}` } : {}),
  };
}

/** Lists and classifies every tagged manifest in a registry. */
export async function listRegistry(registry: string, catalog: Catalog, options: ListOptions = {}): Promise<RegistryListing> {
  const client = new RegistryClient(registry, options);
  const lookup = buildLookup(catalog.types);
  const pageSize = options.pageSize ?? 100;
  const maxArtifacts = options.maxArtifacts ?? 100_000;
  const repositories: string[] = [];
  for await (const repository of client.repositories(pageSize)) repositories.push(repository);
  const refs: Array<{ repository: string; tag: string }> = [];
  let done = 0;
  const problems: RegistryListing['problems'] = [];
  await mapLimit(repositories, options.concurrency ?? 8, async (repository) => {
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
  refs.sort((a, b) => (a.repository === b.repository ? (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0) : a.repository < b.repository ? -1 : 1));
  done = 0;
  const artifacts = await mapLimit(refs, options.concurrency ?? 8, async ({ repository, tag }) => {
    const artifact = await describe(client, lookup, catalog, repository, tag, options);
    options.onProgress?.({ phase: 'manifests', done: ++done, total: refs.length });
    return artifact;
  });
  return { registry: client.registry, repositories: repositories.length, artifacts, problems };
}
