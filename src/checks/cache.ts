// The checker's per-folder cache (validate --cache <file>): the findings of each folder, kept under
// the folder's content hash in one file stamped with the rule set's version, with what the
// catalog-wide rules need to know of the folder (folder-summary.ts) and their findings under the
// hash of everything they depended on. A folder git vouches for is not even read. A cache of
// another rule set, or one that is corrupt or foreign, is ignored (with a note): it never changes findings.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../catalog/write-atomic.ts';
import type { DefinitionSource } from '../catalog/load.ts';
import type { Finding } from '../model/finding.ts';

const FORMAT = 'artifact-types-check-cache';
const FORMAT_VERSION = 2;

/** Where the checker's code lives: its own sources and schemas decide what it reports. */
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const RULE_SOURCES = ['src/checks', 'src/catalog', 'src/classify', 'src/model', 'schemas'];
/** Libraries whose behaviour shows in findings, by their locked versions. */
const RULE_LIBRARIES = ['ajv', 'ajv-formats', 'svgo', 'recheck', 'yaml', 'gray-matter', '@humanwhocodes/momoa', 'markdown-it', 'saxes', 'semver'];

export interface CachedFolder {
  /** Content hash of the folder (see folderHash). */
  hash: string;
  /** The folder's key from git's index (see gitTreeKeys), when git vouched for it. */
  tree?: string;
  /** Whether definition.json passed the schema, so the type is in the catalog and its lookup. */
  valid: boolean;
  /** Every finding the definition rules (and reading) gave this folder. */
  findings: Finding[];
  /** Tokens the type claims (folder-summary.ts mentionsOf); empty when not valid. */
  mentions: string[];
  /** Further tokens its catalog findings depend on (needsOf); null: too many, recompute every run. */
  needs: string[] | null;
  /** Whether a catalog rule reads repository files for it (run every time, never cached). */
  localEvidence: boolean;
  /** The catalog-wide rules' findings in this folder, under the hash of what they depended on. */
  catalog?: { context: string; findings: Finding[] };
}

/** Hashes every file under dir: names, kinds and bytes (a link by its target, never followed). */
function hashTree(hash: ReturnType<typeof createHash>, dir: string, prefix: string): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const name = prefix + entry.name;
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) hash.update(`l\0${name}\0${readlinkSync(full)}\0`);
    else if (entry.isDirectory()) {
      hash.update(`d\0${name}\0`);
      hashTree(hash, full, `${name}/`);
    } else if (entry.isFile()) {
      const bytes = readFileSync(full);
      hash.update(`f\0${name}\0${bytes.length}\0`).update(bytes);
    } else hash.update(`o\0${name}\0`);
  }
}

/**
 * The folder's content hash, over exactly what the definition rules see: the folder's listing, the
 * text of every file the loader read, and what reading reported (a link, a file too large, bad
 * UTF-8). The rules read nothing else (they are pure functions of the loaded folder), so equal
 * hashes mean equal findings. Display paths are in it too: findings name files by them.
 */
export function folderHash(source: DefinitionSource): string {
  const hash = createHash('sha256');
  const part = (text: string) => hash.update(`${text.length}:`).update(text);
  part(source.id);
  part(source.dir);
  part(JSON.stringify(source.entries));
  part(JSON.stringify(source.findings));
  const files: Array<[string, { text: string } | null]> = [
    ['definition.json', source.definition],
    ['logo.svg', source.logo],
    ['config.schema.json', source.configSchema],
    ['README.md', source.readme],
    ...source.examples.map((e): [string, { text: string }] => [`examples/${e.name}`, e.source]),
  ];
  for (const [name, file] of files) {
    part(name);
    part(file ? file.text : '\0absent');
  }
  return hash.digest('hex');
}

let ruleSet: string | undefined;

/**
 * The rule set's version: a hash of the checker's own sources and schemas, the locked versions of
 * the libraries it judges with, and Node's version. Derived, so no change can forget to bump it.
 * `project` is for tests; the checker's own is hashed once per process.
 */
export function ruleSetVersion(project?: string): string {
  if (!project && ruleSet) return ruleSet;
  const dir = project ?? PROJECT;
  const hash = createHash('sha256').update(`${FORMAT} ${FORMAT_VERSION} ${process.version}\0`);
  for (const sources of RULE_SOURCES) {
    try {
      hashTree(hash, path.join(dir, sources), `${sources}/`);
    } catch {
      hash.update(`missing ${sources}\0`);
    }
  }
  let packages: Record<string, { version?: string }> = {};
  try {
    packages = (JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as { packages?: typeof packages }).packages ?? {};
  } catch {
    // An installed copy has no lock file: the sources (and Node) still key the cache.
  }
  for (const name of RULE_LIBRARIES) hash.update(`${name}@${packages[`node_modules/${name}`]?.version ?? '?'}\0`);
  const version = hash.digest('hex');
  if (!project) ruleSet = version;
  return version;
}

function isFinding(value: unknown): value is Finding {
  const f = value as Finding;
  return typeof f === 'object' && f !== null && typeof f.rule === 'string' && (f.severity === 'error' || f.severity === 'warning') && typeof f.file === 'string' && Number.isInteger(f.line) && Number.isInteger(f.column) && typeof f.message === 'string' && (f.fix === undefined || typeof f.fix === 'string');
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

function isEntry(value: unknown): value is CachedFolder {
  const e = value as CachedFolder;
  return typeof e === 'object' && e !== null && typeof e.hash === 'string' && (e.tree === undefined || typeof e.tree === 'string') && typeof e.valid === 'boolean'
    && Array.isArray(e.findings) && e.findings.every(isFinding) && isStrings(e.mentions) && (e.needs === null || isStrings(e.needs)) && typeof e.localEvidence === 'boolean'
    && (e.catalog === undefined || (typeof e.catalog === 'object' && e.catalog !== null && typeof e.catalog.context === 'string' && Array.isArray(e.catalog.findings) && e.catalog.findings.every(isFinding)));
}

/**
 * Findings that depend on time or on the machine (a worker's time bound, a regex analysis cut
 * short by its budget) would be wrong to replay: a folder with one is checked again next time.
 */
export function cacheable(findings: Finding[]): boolean {
  return !findings.some((f) => f.rule.startsWith('checker/') || f.message.includes('was not analysed') || f.message.includes('could not be proven safe'));
}

export class CheckCache {
  /** Why the file's contents were not used, when they were not (for a note on stderr). */
  ignored: string | null = null;
  /** Why the file could not be written, when it could not (the findings stand regardless). */
  unsaved: string | null = null;
  hits = 0;
  misses = 0;
  private readonly entries = new Map<string, CachedFolder>();
  private readonly fresh = new Map<string, CachedFolder>();

  private constructor(readonly file: string) {}

  /** Opens a cache file; a missing one starts empty, an unusable one is ignored (see `ignored`). */
  static async open(file: string): Promise<CheckCache> {
    const cache = new CheckCache(file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') cache.ignored = `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      return cache;
    }
    let data: { format?: unknown; formatVersion?: unknown; ruleSet?: unknown; folders?: unknown };
    try {
      data = JSON.parse(text);
    } catch {
      cache.ignored = 'is not JSON';
      return cache;
    }
    if (typeof data !== 'object' || data === null || data.format !== FORMAT || data.formatVersion !== FORMAT_VERSION || typeof data.folders !== 'object' || data.folders === null) {
      cache.ignored = 'is not a checker cache of this format';
      return cache;
    }
    // Another rule set's findings are not ours (an older checker, or main's cache after a rule
    // changed): start over, and say so.
    if (data.ruleSet !== ruleSetVersion()) {
      cache.ignored = 'was written by another version of the checker (its rules, schemas, libraries or Node)';
      return cache;
    }
    for (const [id, entry] of Object.entries(data.folders)) if (isEntry(entry)) cache.entries.set(id, entry);
    return cache;
  }

  /** The cached folder git's key stands for, if any; counted once `keep` takes it. */
  peekTree(id: string, tree: string): CachedFolder | null {
    const entry = this.entries.get(id);
    return entry && entry.tree === tree ? entry : null;
  }

  keep(id: string, entry: CachedFolder): void {
    this.hits++;
    this.fresh.set(id, entry);
  }

  /** The cached result of a folder, if its content hash is the one cached. */
  get(id: string, hash: string): CachedFolder | null {
    const entry = this.entries.get(id);
    if (entry && entry.hash === hash) {
      this.hits++;
      this.fresh.set(id, entry);
      return entry;
    }
    this.misses++;
    return null;
  }

  set(id: string, entry: CachedFolder): void {
    if (cacheable(entry.findings)) this.fresh.set(id, entry);
  }

  /** This run's entry of a folder (taken or set), if it is kept. */
  current(id: string): CachedFolder | undefined {
    return this.fresh.get(id);
  }

  /** Keeps the catalog-wide rules' findings of a folder kept in this run, under what they depended on. */
  setCatalog(id: string, context: string, findings: Finding[]): void {
    const entry = this.fresh.get(id);
    if (!entry || !cacheable(findings) || (entry.catalog?.context === context)) return;
    this.fresh.set(id, { ...entry, catalog: { context, findings } });
  }

  /** Writes the folders of this run only (so folders that are gone drop out), atomically. */
  async save(): Promise<void> {
    // Nothing new and nothing gone: the file already says it all (a repeated run writes nothing).
    if (this.fresh.size === this.entries.size && [...this.fresh].every(([id, entry]) => this.entries.get(id) === entry)) return;
    const folders = Object.fromEntries([...this.fresh.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    try {
      await writeFileAtomic(this.file, `${JSON.stringify({ format: FORMAT, formatVersion: FORMAT_VERSION, ruleSet: ruleSetVersion(), folders })}\n`);
    } catch (error) {
      this.unsaved = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    }
  }
}
