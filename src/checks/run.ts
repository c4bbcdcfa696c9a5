// The checker: load → per-definition rules → build lookup → catalog rules → sorted findings + catalog.
import os from 'node:os';
import path from 'node:path';
import { buildLookup } from '../classify/index.ts';
import { buildCatalog, buildEntry } from '../catalog/build.ts';
import { listDefinitionIds, loadCatalogMeta, loadDefinition, type DefinitionSource } from '../catalog/load.ts';
import type { ArtifactTypeDefinition, Catalog } from '../model/catalog.ts';
import type { Finding } from '../model/finding.ts';
import { projectValidator } from '../schema/ajv.ts';
import { at, whole, type CatalogContext, type CheckedDefinition } from './context.ts';
import { CATALOG_RULES, DEFINITION_RULES, definitionSchema } from './index.ts';
import { schemaFindings } from './schema-findings.ts';
import { checkFoldersInPool, type FolderResult } from './pool.ts';
import { CheckCache, folderHash, type CachedFolder } from './cache.ts';
import { hasLocalEvidence, mentionsOf, needsOf } from './folder-summary.ts';
import { CatalogContexts } from './catalog-context.ts';
import { gitTreeKeys } from './git-tree.ts';
import { changedSince } from './versions.ts';

export interface CheckOptions {
  /** The definitions directory. */
  root: string;
  /** Repository root: generated files and git live here. Defaults to root's parent. */
  repoRoot?: string;
  /** Only report findings for these definition folders (paths or ids); catalog-wide rules still see all. */
  paths?: string[];
  /** Git ref to compare versions against. */
  base?: string;
  /** Worker threads for definition rules: 0 checks in this thread; default: one per core for large catalogs. */
  workers?: number;
  /** Time bound per definition folder when checked in workers. */
  folderTimeoutMs?: number;
  /**
   * Judge the generated files (README table, CODEOWNERS, docs/coverage.md) too. Off for pull requests:
   * a contribution touches only its own folder, and the files are regenerated after the merge.
   */
  generated?: boolean;
  /** A cache file of per-folder definition-rule findings (validate --cache): read, then rewritten. */
  cache?: string;
}

/** Below this many folders, starting worker threads costs more than it saves. */
const POOL_THRESHOLD = 64;

export interface CheckResult {
  findings: Finding[];
  /** The catalog the definitions build. */
  catalog: Catalog;
  /** The folders this run read (every folder, unless a cache stood for some), in catalog order. */
  checked: CheckedDefinition[];
  /** How many type folders the findings speak for: the ones named, or all (the same count however many build). */
  reported: number;
  /** Milliseconds per phase of this run (listing, reading, hashing, checking, catalog rules…), for the benchmark. */
  timings: Record<string, number>;
  /** The cache's use in this run, when one was given. */
  cache?: { hits: number; misses: number; ignored: string | null; unsaved: string | null };
}

/** A run with --cache: the catalog is absent when the cache stood for folders this run did not read. */
export type CachedCheckResult = Omit<CheckResult, 'catalog'> & { catalog?: Catalog };

/** One folder on its way through the definition rules. */
interface FolderState {
  source: DefinitionSource;
  definition: ArtifactTypeDefinition | null;
  findings: Finding[];
  full: boolean;
}

async function loadFolder(root: string, id: string, full: boolean): Promise<FolderState> {
  const source = await loadDefinition(root, id);
  const findings = [...source.findings];
  const schemaProblems = await definitionSchema({ source, definition: null });
  findings.push(...schemaProblems);
  const definition = source.definition && schemaProblems.length === 0 && !source.findings.some((f) => f.file === source.definition!.file && f.severity === 'error')
    ? (source.definition.value as ArtifactTypeDefinition)
    : null;
  return { source, definition, findings, full };
}

/**
 * Loads folders and runs the definition rules on them (all of them, or only the light ones for a
 * job that is not `full`). Rule by rule across the folders rather than folder by folder: each rule's
 * code and its libraries (ajv, svgo, yaml) stay warm in the caches for the whole group, which cost
 * about a quarter less CPU per folder than the other order (one thread, synthetic catalog). Each
 * folder still meets the rules in the same order.
 */
export async function checkDefinitionFolders(root: string, jobs: Array<{ id: string; full: boolean }>): Promise<Array<{ checked: CheckedDefinition; findings: Finding[] }>> {
  const folders = await Promise.all(jobs.map((job) => loadFolder(root, job.id, job.full)));
  for (const { rule, light } of DEFINITION_RULES) {
    await Promise.all(
      folders.map(async ({ source, definition, findings, full }) => {
        if (!full && !light) return;
        try {
          findings.push(...(await rule({ source, definition })));
        } catch (error) {
          // A rule that breaks must never crash the checker or hide the other findings.
          findings.push(whole(source.dir, 'checker/internal', `a rule failed on this folder: ${(error as Error).message}`, 'report this to the artifact-types maintainers'));
        }
      }),
    );
  }
  return folders.map(({ source, definition, findings }) => ({ checked: { source, definition, entry: definition ? buildEntry(source, definition) : null }, findings }));
}

/** Loads one folder and runs the definition rules (all of them, or only the light ones). */
export async function checkDefinitionFolder(root: string, id: string, full = true): Promise<{ checked: CheckedDefinition; findings: Finding[] }> {
  return (await checkDefinitionFolders(root, [{ id, full }]))[0]!;
}

/** One folder after the definition rules: read (result), or only known from the cache (summary), or both. */
interface Outcome {
  result?: FolderResult;
  /** What the cache keeps of it; always there when a cache is used (even if not kept). */
  summary?: CachedFolder;
}

/** What the cache keeps of a folder the rules just saw. */
function summarize(result: FolderResult, hash: string, tree: string | undefined): CachedFolder {
  const { definition, source } = result.checked;
  const valid = result.checked.entry !== null;
  const mentions = valid ? mentionsOf(definition!) : [];
  const extra = valid ? needsOf(source, definition!) : [];
  return {
    hash,
    ...(tree ? { tree } : {}),
    valid,
    findings: result.findings,
    mentions,
    needs: extra === null ? null : [...new Set([...mentions, ...extra])].sort(),
    localEvidence: valid && hasLocalEvidence(definition!),
  };
}

/** A folder read again for the catalog rules, as the cache knew it (git vouched its content is the same). */
async function reread(root: string, id: string, summary: CachedFolder): Promise<FolderResult> {
  const source = await loadDefinition(root, id);
  const definition = summary.valid && source.definition ? (source.definition.value as ArtifactTypeDefinition) : null;
  return { checked: { source, definition, entry: definition && buildEntry(source, definition) }, findings: summary.findings };
}

/**
 * Definition rules on every folder, in `jobs` order. With a cache: a folder git vouches for under
 * the key the cache has is not read (its summary in the cache stands for it); any other is read and
 * hashed, and one whose content hash the cache holds gets its findings from there. The rest are
 * checked in worker threads (large numbers, or when asked) or in this thread.
 */
async function checkFolders(root: string, jobs: Array<{ id: string; full: boolean }>, cache: CheckCache | null, gitKeys: Promise<Map<string, string> | null> | null, options: CheckOptions, lap: Lap): Promise<Outcome[]> {
  const outcomes = new Map<string, Outcome>();
  const toCheck: typeof jobs = [];
  const hashes = new Map<string, string>();
  let started = performance.now();
  const trees = gitKeys ? await gitKeys : null;
  lap.add('wait for git to say which folders are unchanged', started);
  started = performance.now();
  for (const job of jobs) {
    if (!cache) {
      toCheck.push(job);
      continue;
    }
    // Git vouches for the folder and the cache has it under the same key: not even read.
    const tree = trees?.get(job.id);
    const known = tree ? cache.peekTree(job.id, tree) : null;
    if (known) {
      cache.keep(job.id, known);
      outcomes.set(job.id, { summary: known });
      continue;
    }
    lap.add('take unchanged folders from the cache', started);
    started = performance.now();
    const source = await loadDefinition(root, job.id);
    lap.add('read and parse folders', started);
    started = performance.now();
    const hash = folderHash(source);
    lap.add('hash folders', started);
    hashes.set(job.id, hash);
    const hit = cache.get(job.id, hash);
    if (!hit) toCheck.push(job);
    else {
      const definition = hit.valid && source.definition ? (source.definition.value as ArtifactTypeDefinition) : null;
      const result = { checked: { source, definition, entry: definition && buildEntry(source, definition) }, findings: hit.findings };
      // Git vouches for it now (committed since): keep git's key, so next time it is not read.
      let summary = hit;
      if (tree && hit.tree !== tree) cache.set(job.id, (summary = { ...hit, tree }));
      outcomes.set(job.id, { result, summary });
    }
    started = performance.now();
  }
  lap.add('take unchanged folders from the cache', started);
  const usePool = options.workers !== undefined ? options.workers > 0 : toCheck.length >= POOL_THRESHOLD && os.availableParallelism() > 1;
  lap.mark();
  const checked = toCheck.length === 0 ? [] : usePool
    ? await checkFoldersInPool(root, toCheck, { workers: options.workers, timeoutMs: options.folderTimeoutMs })
    : await checkDefinitionFolders(root, toCheck);
  lap.lap(usePool ? 'check folders in workers' : 'check folders');
  checked.forEach((result, i) => {
    const job = toCheck[i]!;
    // Only a full check is worth keeping (a light one skipped most rules), under the hash of what
    // the rules saw: the folder may have changed since it was hashed above.
    if (!cache || !job.full) {
      outcomes.set(job.id, { result });
      return;
    }
    const hash = folderHash(result.checked.source);
    // Git's key only if the rules saw what was there when git was asked (nothing changed meanwhile).
    const tree = hash === hashes.get(job.id) ? trees?.get(job.id) : undefined;
    const summary = summarize(result, hash, tree);
    cache.set(job.id, summary);
    outcomes.set(job.id, { result, summary });
  });
  lap.lap('summarize checked folders');
  return jobs.map((job) => outcomes.get(job.id)!);
}

/** Which folder a finding is in: the id whose display directory holds its file, if any. */
function folderOf(file: string, dirs: Map<string, string>): string | undefined {
  for (let end = file.indexOf('/'); end >= 0; end = file.indexOf('/', end + 1)) {
    const id = dirs.get(file.slice(0, end));
    if (id !== undefined) return id;
  }
  return undefined;
}

/** Phase times of a run: `lap` closes the phase since the last mark, `add` sums many short ones. */
class Lap {
  readonly times: Record<string, number> = {};
  private last = performance.now();
  mark(): void {
    this.last = performance.now();
  }
  lap(name: string): void {
    const now = performance.now();
    this.times[name] = (this.times[name] ?? 0) + now - this.last;
    this.last = now;
  }
  add(name: string, started: number): void {
    this.times[name] = (this.times[name] ?? 0) + performance.now() - started;
  }
}

function focusIds(root: string, paths: string[] | undefined): Set<string> | null {
  if (!paths || paths.length === 0) return null;
  const ids = new Set<string>();
  for (const p of paths) {
    const relative = path.relative(path.resolve(root), path.resolve(p));
    const first = relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(p) : relative.split(path.sep)[0]!;
    if (first) ids.add(first);
  }
  return ids;
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

export async function runChecks(options: CheckOptions & { cache?: undefined }): Promise<CheckResult>;
export async function runChecks(options: CheckOptions): Promise<CachedCheckResult>;
export async function runChecks(options: CheckOptions): Promise<CachedCheckResult> {
  const root = path.resolve(options.root);
  const repoRoot = path.resolve(options.repoRoot ?? path.dirname(root));
  const focus = focusIds(root, options.paths);
  const findings: Finding[] = [];
  const lap = new Lap();
  // Git (other processes) says which folders are unchanged while this one lists and reads the cache.
  const gitKeys = options.cache ? gitTreeKeys(root) : null;
  const { ids, badFolders, files } = await listDefinitionIds(root);
  lap.lap('list folders');
  const rootDisplay = path.relative(process.cwd(), root).split(path.sep).join('/') || '.';
  for (const name of badFolders) findings.push(whole(`${rootDisplay}/${name}`, 'folder/bad-name', `folder name "${name}" is not a valid id`, 'use dotted lowercase segments such as cncf.helm.chart (letters, digits, hyphens)'));
  for (const name of files.filter((f) => f !== 'catalog.json')) findings.push(whole(`${rootDisplay}/${name}`, 'folder/unknown-file', `unexpected file ${name} in the definitions folder`, 'each type goes in its own folder'));
  if (focus) for (const id of focus) if (!ids.includes(id)) findings.push(whole(`${rootDisplay}/${id}`, 'folder/missing-file', `no definition folder ${id}`, 'check the path'));

  const meta = { name: 'artifact-types', version: '0.0.0' };
  const metaSource = await loadCatalogMeta(root, findings);
  if (!metaSource) {
    if (!findings.some((f) => f.file.endsWith('catalog.json'))) findings.push(whole(`${rootDisplay}/catalog.json`, 'folder/missing-file', 'catalog.json is missing', 'add { "name": "artifact-types", "version": "1.0.0" }'));
  } else {
    const validate = projectValidator('catalog-meta.schema.json');
    if (validate(metaSource.value)) Object.assign(meta, metaSource.value);
    else findings.push(...schemaFindings(metaSource, validate.errors, 'schema/catalog'));
  }

  const jobs = ids.map((id) => ({ id, full: !focus || focus.has(id) }));
  const cache = options.cache ? await CheckCache.open(options.cache) : null;
  lap.lap('read catalog.json and the cache');
  const outcomes = await checkFolders(root, jobs, cache, gitKeys, options, lap);
  outcomes.forEach((outcome, i) => {
    if (jobs[i]!.full) findings.push(...(outcome.result?.findings ?? outcome.summary!.findings));
  });
  const base = { repoRoot, root, focus, base: options.base, generated: options.generated === true };
  let catalog: Catalog | undefined;
  let checked: CheckedDefinition[];
  if (!cache || focus || options.generated) {
    // Every folder is seen by every catalog rule: read again the ones the cache stood for.
    lap.mark();
    const results = await Promise.all(outcomes.map((o, i) => o.result ?? reread(root, jobs[i]!.id, o.summary!)));
    lap.lap('read folders the cache stood for');
    checked = results.map((r) => r.checked);
    const entries = checked.flatMap((c) => (c.entry ? [c.entry] : []));
    const lookup = buildLookup(entries);
    catalog = buildCatalog(meta, entries);
    lap.lap('build the lookup and catalog');
    const fresh: Finding[] = [];
    for (const { name, rule, perFolder } of CATALOG_RULES) {
      (perFolder ? fresh : findings).push(...(await rule({ ...base, checked, lookup, catalog })));
      lap.lap(`catalog rule ${name}`);
    }
    findings.push(...fresh);
    // A full run's per-folder findings are what a warm run would keep: keep them.
    if (cache && !focus) keepCatalogFindings(cache, jobs, outcomes, [...outcomes.keys()], fresh, checked);
  } else {
    checked = await incrementalCatalogRules(meta, base, jobs, outcomes, cache, findings, lap);
    if (outcomes.every((o) => o.result)) catalog = buildCatalog(meta, checked.flatMap((c) => (c.entry ? [c.entry] : [])));
  }
  lap.mark();
  if (cache) await cache.save();
  lap.lap('write the cache');
  findings.sort(compareFindings);
  const reported = focus ? [...focus].filter((id) => ids.includes(id)).length : ids.length;
  return { findings, ...(catalog ? { catalog } : {}), checked, reported, timings: lap.times, ...(cache ? { cache: { hits: cache.hits, misses: cache.misses, ignored: cache.ignored, unsaved: cache.unsaved } } : {}) };
}

/** Keeps in the cache the per-folder catalog findings of the judged folders (indexes), under their contexts. */
function keepCatalogFindings(cache: CheckCache, jobs: Array<{ id: string }>, outcomes: Outcome[], judged: number[], fresh: Finding[], checked: CheckedDefinition[]): Finding[] {
  const contexts = new CatalogContexts(jobs.map((j) => j.id), outcomes.map((o) => o.summary!));
  const dirs = new Map(checked.map((c) => [c.source.dir, c.source.id]));
  const byFolder = new Map<string, Finding[]>(judged.map((i) => [jobs[i]!.id, []]));
  const rest: Finding[] = [];
  for (const finding of fresh) {
    const id = folderOf(finding.file, dirs);
    const list = id === undefined ? undefined : byFolder.get(id);
    if (list) list.push(finding);
    else if (id === undefined) rest.push(finding); // in no folder: not the cache's to keep
  }
  for (const i of judged) {
    const context = contexts.context(i);
    if (context !== null) cache.setCatalog(jobs[i]!.id, context, byFolder.get(jobs[i]!.id)!);
  }
  return [...judged.flatMap((i) => byFolder.get(jobs[i]!.id)!), ...rest];
}

/**
 * The catalog rules of a warm run (a cache, no paths, no generated files): per-folder rules only on
 * the folders whose context changed, seeing just the folders related to them (which give the same
 * findings as the whole catalog: the others share no string with them); the cached findings for
 * the rest. Rules that read more than folders (local evidence, versions against the base) run on the
 * folders they concern. Returns the folders read.
 */
async function incrementalCatalogRules(meta: { name: string; version: string }, base: Omit<CatalogContext, 'checked' | 'lookup' | 'catalog'>, jobs: Array<{ id: string }>, outcomes: Outcome[], cache: CheckCache, findings: Finding[], lap: Lap): Promise<CheckedDefinition[]> {
  lap.mark();
  const summaries = outcomes.map((o) => o.summary!);
  const contexts = new CatalogContexts(jobs.map((j) => j.id), summaries);
  const dirty: number[] = [];
  summaries.forEach((s, i) => {
    if (!s.valid) return; // not in the catalog: no catalog rule judges it
    const context = contexts.context(i);
    if (context !== null && s.catalog?.context === context) findings.push(...s.catalog.findings);
    else dirty.push(i);
  });
  const related = contexts.related(dirty);
  lap.lap('find the folders whose catalog findings changed');
  const read = async (i: number) => (outcomes[i]!.result ??= await reread(base.root, jobs[i]!.id, summaries[i]!));
  const relatedChecked = await Promise.all(related.map(async (i) => (await read(i)).checked));
  lap.lap('read the related folders');
  if (dirty.length > 0) {
    const entries = relatedChecked.flatMap((c) => (c.entry ? [c.entry] : []));
    // Only the generated-files rule reads the catalog, and it is off here.
    const context = { ...base, checked: relatedChecked, focus: new Set(dirty.map((i) => jobs[i]!.id)), lookup: buildLookup(entries), catalog: buildCatalog(meta, entries) };
    const fresh: Finding[] = [];
    for (const { name, rule, perFolder } of CATALOG_RULES) {
      if (!perFolder) continue;
      fresh.push(...(await rule(context)));
      lap.lap(`catalog rule ${name}`);
    }
    findings.push(...keepCatalogFindings(cache, jobs, outcomes, dirty, fresh, relatedChecked));
  }
  // The rest read this repository's files or git, not only folders: run on the folders they concern.
  const changed = base.base ? await changedSince(base.repoRoot, base.root, base.base) : null;
  const concerned = summaries.flatMap((s, i) => (s.localEvidence || changed?.has(jobs[i]!.id) ? [i] : []));
  const concernedChecked = await Promise.all(concerned.map(async (i) => (await read(i)).checked));
  for (const { name, rule, perFolder } of CATALOG_RULES) {
    if (perFolder) continue;
    findings.push(...(await rule({ ...base, checked: concernedChecked, lookup: buildLookup([]), catalog: buildCatalog(meta, []) })));
    lap.lap(`catalog rule ${name}`);
  }
  return outcomes.flatMap((o) => (o.result ? [o.result.checked] : []));
}

export { at };

/**
 * The catalog built from a definitions directory, refusing one whose checks find errors. Stale
 * generated files (README table, CODEOWNERS) do not change the catalog's data, so they do not count.
 */
export async function checkedCatalog(options: CheckOptions & { cache?: undefined }, ignoreRules: string[] = ['generated/drift']): Promise<CheckResult> {
  const { CatalogError } = await import('../catalog/load-catalog.ts');
  const result = await runChecks(options);
  const errors = result.findings.filter((f) => f.severity === 'error' && !ignoreRules.includes(f.rule));
  if (errors.length > 0) throw new CatalogError(`the catalog in ${options.root} has ${errors.length} error(s); run \`artifact-types validate\` for details`, errors);
  return result;
}
