// Loads definitions/<id>/ folders from disk into sources with positions. No judging beyond what
// reading needs (size, encoding, JSON syntax); the rules in src/checks/ do the rest.
import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../model/finding.ts';
import { parseJsonSource, type JsonSource } from './json-source.ts';
import { readTextFile, type TextSource } from './read-file.ts';

export const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$/;

/** Per-file read limits: far below anything real needs, far above what real definitions use. */
export const LIMITS = {
  definition: 64 * 1024,
  logo: 32 * 1024,
  configSchema: 64 * 1024,
  readme: 128 * 1024,
  example: 4 * 1024 * 1024,
  catalogMeta: 4 * 1024,
};

export type ExampleRole = 'manifest' | 'config' | 'not-this';

export interface ExampleSource {
  /** File name inside examples/, e.g. chart.manifest.json. */
  name: string;
  /** The name without its role suffix: a manifest and a config of the same stem belong together. */
  stem: string;
  role: ExampleRole;
  source: JsonSource;
}

export interface DefinitionSource {
  /** Folder name. */
  id: string;
  /** Display path of the folder, e.g. definitions/cncf.helm.chart. */
  dir: string;
  /** Entries found in the folder: top-level names, and examples/<name>. */
  entries: string[];
  definition: JsonSource | null;
  logo: TextSource | null;
  configSchema: JsonSource | null;
  readme: TextSource | null;
  examples: ExampleSource[];
  /** Problems met while reading. */
  findings: Finding[];
}

export const EXAMPLE_SUFFIXES: Record<string, ExampleRole> = {
  '.manifest.json': 'manifest',
  '.config.json': 'config',
  '.not-this.json': 'not-this',
};

/** Forward-slash path relative to the working directory, as findings and annotations show it. */
export function displayPath(absolute: string): string {
  const relative = path.relative(process.cwd(), absolute);
  return (relative.startsWith('..') ? absolute : relative).split(path.sep).join('/');
}

async function readJson(absolute: string, limit: number, findings: Finding[]): Promise<JsonSource | null> {
  const text = await readText(absolute, limit, findings);
  if (!text) return null;
  const parsed = parseJsonSource(text);
  findings.push(...parsed.findings);
  return parsed.ok ? parsed.source : null;
}

async function readText(absolute: string, limit: number, findings: Finding[]): Promise<TextSource | null> {
  const result = await readTextFile(absolute, displayPath(absolute), limit);
  if (result.ok) return result.source;
  findings.push(result.finding);
  return null;
}

export function exampleRole(name: string): { role: ExampleRole; stem: string } | null {
  for (const [suffix, role] of Object.entries(EXAMPLE_SUFFIXES)) {
    if (name.endsWith(suffix) && name.length > suffix.length) return { role, stem: name.slice(0, -suffix.length) };
  }
  return null;
}

/** Loads one definition folder. `root` is the definitions directory. */
export async function loadDefinition(root: string, id: string): Promise<DefinitionSource> {
  const dirAbs = path.join(root, id);
  const result: DefinitionSource = {
    id,
    dir: displayPath(dirAbs),
    entries: [],
    definition: null,
    logo: null,
    configSchema: null,
    readme: null,
    examples: [],
    findings: [],
  };
  // A folder that vanished (or cannot be listed) between listing definitions/ and here says so,
  // rather than showing up as a folder with every file missing.
  // Synchronous listings, as for the files (read-file.ts): async readdir costs a thread-pool round
  // trip per folder, several times the CPU of the listing itself.
  const list = (dir: string): Dirent[] => {
    try {
      return readdirSync(dir, { withFileTypes: true });
    } catch {
      result.findings.push({ rule: 'file/unreadable', severity: 'error', file: displayPath(dir), line: 0, column: 0, message: 'the folder vanished or cannot be read', fix: 'make sure the folder is committed and readable' });
      return [];
    }
  };
  const entries = list(dirAbs);
  result.entries = entries.map((e) => e.name);
  const has = (name: string) => entries.some((e) => e.name === name && !e.isDirectory());
  const file = (name: string) => path.join(dirAbs, name);
  const examplesDir = entries.find((e) => e.name === 'examples' && e.isDirectory());
  const exampleEntries = examplesDir ? list(file('examples')).sort((a, b) => a.name.localeCompare(b.name)) : [];
  // A linked examples/ would be listed and read from wherever it points: refuse it, as linked files are.
  if (entries.some((e) => e.name === 'examples' && e.isSymbolicLink())) {
    result.findings.push({ rule: 'file/symlink', severity: 'error', file: displayPath(file('examples')), line: 0, column: 0, message: 'is a symbolic link; links can point outside the repository', fix: 'replace the link with a real examples/ folder' });
  }
  const [definition, logo, configSchema, readme, examples] = await Promise.all([
    has('definition.json') ? readJson(file('definition.json'), LIMITS.definition, result.findings) : null,
    has('logo.svg') ? readText(file('logo.svg'), LIMITS.logo, result.findings) : null,
    has('config.schema.json') ? readJson(file('config.schema.json'), LIMITS.configSchema, result.findings) : null,
    has('README.md') ? readText(file('README.md'), LIMITS.readme, result.findings) : null,
    Promise.all(
      exampleEntries.map(async (entry): Promise<ExampleSource | null> => {
        const role = exampleRole(entry.name);
        if (!role) return null;
        if (entry.isDirectory()) {
          result.findings.push({ rule: 'file/not-a-file', severity: 'error', file: displayPath(path.join(dirAbs, 'examples', entry.name)), line: 0, column: 0, message: 'is a folder named like an example', fix: 'replace it with a JSON file' });
          return null;
        }
        const source = await readJson(path.join(dirAbs, 'examples', entry.name), LIMITS.example, result.findings);
        return source ? { name: entry.name, ...role, source } : null;
      }),
    ),
  ]);
  Object.assign(result, { definition, logo, configSchema, readme });
  result.entries.push(...exampleEntries.map((e) => `examples/${e.name}`));
  result.examples = examples.filter((e): e is ExampleSource => e !== null);
  // Findings arrive in completion order; keep them deterministic.
  result.findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return result;
}

export interface CatalogSources {
  root: string;
  meta: JsonSource | null;
  definitions: DefinitionSource[];
  /** Folder names under root that are not valid ids: never read, only reported. */
  badFolders: string[];
  findings: Finding[];
}

/** Lists definition folders under root (sorted, so results are deterministic). */
export async function listDefinitionIds(root: string): Promise<{ ids: string[]; badFolders: string[]; files: string[] }> {
  const entries = readdirSync(root, { withFileTypes: true });
  const ids: string[] = [];
  const badFolders: string[] = [];
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory()) (ID_PATTERN.test(entry.name) ? ids : badFolders).push(entry.name);
    else files.push(entry.name);
  }
  return { ids, badFolders, files };
}

export async function loadCatalogMeta(root: string, findings: Finding[]): Promise<JsonSource | null> {
  return readJson(path.join(root, 'catalog.json'), LIMITS.catalogMeta, findings);
}
