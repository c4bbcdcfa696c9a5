// The checker: load → per-definition rules → build lookup → catalog rules → sorted findings + catalog.
import os from 'node:os';
import path from 'node:path';
import { buildLookup } from '../classify/index.ts';
import { buildCatalog, buildEntry } from '../catalog/build.ts';
import { listDefinitionIds, loadCatalogMeta, loadDefinition, type DefinitionSource } from '../catalog/load.ts';
import type { ArtifactTypeDefinition, Catalog } from '../model/catalog.ts';
import type { Finding } from '../model/finding.ts';
import { projectValidator } from '../schema/ajv.ts';
import { at, whole, type CheckedDefinition } from './context.ts';
import { CATALOG_RULES, DEFINITION_RULES, definitionSchema } from './index.ts';
import { schemaFindings } from './schema-findings.ts';
import { checkFoldersInPool, type FolderResult } from './pool.ts';
import { CheckCache, folderHash } from './cache.ts';
import { folderIndex, sourceFromIndex } from './folder-index.ts';
import { gitTreeKeys } from './git-tree.ts';
import { readdirSync } from 'node:fs';

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
  catalog: Catalog;
  checked: CheckedDefinition[];
  /** How many type folders the findings speak for: the ones named, or all (the same count however many build). */
  reported: number;
  /** Milliseconds per phase of this run (listing, reading, hashing, checking, catalog rules…), for the benchmark. */
  timings: Record<string, number>;
  /** The cache's use in this run, when one was given. */
  cache?: { hits: number; misses: number; ignored: string | null; unsaved: string | null };
}

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

/**
 * Definition rules on every folder, in `jobs` order. With a cache: a folder git vouches for under
 * the key the cache has is not read (its index in the cache stands for it); any other is read and
 * hashed, and one whose content hash the cache holds gets its findings and entry from there. The
 * rest are checked in worker threads (large numbers, or when asked) or in this thread.
 */
async function checkFolders(root: string, jobs: Array<{ id: string; full: boolean }>, cache: CheckCache | null, options: CheckOptions, lap: Lap): Promise<FolderResult[]> {
  const results = new Map<string, FolderResult>();
  const toCheck: typeof jobs = [];
  const hashes = new Map<string, string>();
  let started = performance.now();
  const trees = cache ? await gitTreeKeys(root) : null;
  lap.add('ask git which folders are unchanged', started);
  for (const job of jobs) {
    if (!cache) {
      toCheck.push(job);
      continue;
    }
    // Git vouches for the folder and the cache has it under the same key: not even read.
    started = performance.now();
    const tree = trees?.get(job.id);
    const known = tree ? cache.peekTree(job.id, tree) : null;
    if (known && sameListing(root, job.id, known.index.entries)) {
      const source = sourceFromIndex(root, job.id, known.index);
      const definition = known.entry && source.definition ? (source.definition.value as ArtifactTypeDefinition) : null;
      results.set(job.id, { checked: { source, definition, entry: definition && known.entry }, findings: known.findings });
      cache.keep(job.id, known);
      lap.add('take unchanged folders from the index', started);
      continue;
    }
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
      const definition = hit.entry && source.definition ? (source.definition.value as ArtifactTypeDefinition) : null;
      results.set(job.id, { checked: { source, definition, entry: definition && hit.entry }, findings: hit.findings });
      // Git vouches for it now (committed since): keep git's key, so next time it is not read.
      if (tree && hit.tree !== tree) cache.set(job.id, { ...hit, tree, index: folderIndex(source) });
    }
  }
  const usePool = options.workers !== undefined ? options.workers > 0 : toCheck.length >= POOL_THRESHOLD && os.availableParallelism() > 1;
  lap.mark();
  const checked = toCheck.length === 0 ? [] : usePool
    ? await checkFoldersInPool(root, toCheck, { workers: options.workers, timeoutMs: options.folderTimeoutMs })
    : await checkDefinitionFolders(root, toCheck);
  lap.lap(usePool ? 'check folders in workers' : 'check folders');
  checked.forEach((result, i) => {
    const job = toCheck[i]!;
    results.set(job.id, result);
    // Only a full check is worth keeping (a light one skipped most rules), under the hash of what
    // the rules saw: the folder may have changed since it was hashed above.
    if (!cache || !job.full) return;
    const hash = folderHash(result.checked.source);
    // Git's key only if the rules saw what was there when git was asked (nothing changed meanwhile).
    const tree = hash === hashes.get(job.id) ? trees?.get(job.id) : undefined;
    cache.set(job.id, { hash, entry: result.checked.entry, findings: result.findings, tree, index: tree ? folderIndex(result.checked.source) : undefined });
  });
  return jobs.map((job) => results.get(job.id)!);
}

/**
 * Whether the folder lists the entries the index was made from (git does not see an empty folder,
 * which the loader would list), in the loader's terms: top-level names and examples/<name>.
 */
function sameListing(root: string, id: string, entries: string[]): boolean {
  try {
    const dir = path.join(root, id);
    const top = readdirSync(dir, { withFileTypes: true });
    const names = top.map((e) => e.name);
    if (top.some((e) => e.name === 'examples' && e.isDirectory())) names.push(...readdirSync(path.join(dir, 'examples')).map((n) => `examples/${n}`));
    return names.length === entries.length && names.sort().join('\0') === [...entries].sort().join('\0');
  } catch {
    return false;
  }
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

export async function runChecks(options: CheckOptions): Promise<CheckResult> {
  const root = path.resolve(options.root);
  const repoRoot = path.resolve(options.repoRoot ?? path.dirname(root));
  const focus = focusIds(root, options.paths);
  const findings: Finding[] = [];
  const lap = new Lap();
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
  const results = await checkFolders(root, jobs, cache, options, lap);
  lap.mark();
  if (cache) await cache.save();
  lap.lap('write the cache');
  const checked: CheckedDefinition[] = [];
  results.forEach((result, i) => {
    checked.push(result.checked);
    if (jobs[i]!.full) findings.push(...result.findings);
  });
  const entries = checked.flatMap((c) => (c.entry ? [c.entry] : []));
  lap.mark();
  const lookup = buildLookup(entries);
  const catalog = buildCatalog(meta, entries);
  const context = { repoRoot, root, checked, focus, lookup, catalog, base: options.base, generated: options.generated === true };
  lap.lap('build the lookup and catalog');
  for (const { name, rule } of CATALOG_RULES) {
    findings.push(...(await rule(context)));
    lap.lap(`catalog rule ${name}`);
  }
  findings.sort(compareFindings);
  const reported = focus ? [...focus].filter((id) => ids.includes(id)).length : ids.length;
  return { findings, catalog, checked, reported, timings: lap.times, ...(cache ? { cache: { hits: cache.hits, misses: cache.misses, ignored: cache.ignored, unsaved: cache.unsaved } } : {}) };
}

export { at };

/**
 * The catalog built from a definitions directory, refusing one whose checks find errors. Stale
 * generated files (README table, CODEOWNERS) do not change the catalog's data, so they do not count.
 */
export async function checkedCatalog(options: CheckOptions, ignoreRules: string[] = ['generated/drift']): Promise<CheckResult> {
  const { CatalogError } = await import('../catalog/load-catalog.ts');
  const result = await runChecks(options);
  const errors = result.findings.filter((f) => f.severity === 'error' && !ignoreRules.includes(f.rule));
  if (errors.length > 0) throw new CatalogError(`the catalog in ${options.root} has ${errors.length} error(s); run \`artifact-types validate\` for details`, errors);
  return result;
}
