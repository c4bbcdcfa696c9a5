// `artifact-types changes <old-catalog.json> <new-catalog.json>`: the catalog diff as Markdown
// (release notes) and JSON, with the version bump it requires. Exit 0; with --require-bump,
// exit 1 when the new catalog's version is not bumped enough.
import { Command, Option } from 'commander';
import { changesMarkdown, diffCatalogs, requiredVersion } from '../../catalog/changes.ts';
import { CatalogError, readCatalogFile } from '../../catalog/load-catalog.ts';
import { writeFileAtomic } from '../../catalog/write-atomic.ts';
import { readFile } from 'node:fs/promises';
import type { Catalog } from '../../model/catalog.ts';
import { fail } from '../io.ts';

async function read(file: string): Promise<Catalog> {
  try {
    return await readCatalogFile(file);
  } catch (error) {
    if (error instanceof CatalogError) fail(error.message, 2);
    throw error;
  }
}

export function register(program: Command): void {
  program
    .command('changes')
    .description('Compare two built catalogs: types added, removed, deprecated, media types changed, and the version bump required.')
    .argument('<old>', 'the previous catalog.json')
    .argument('<new>', 'the new catalog.json (e.g. dist/catalog.json)')
    .addOption(new Option('--format <format>', 'what to print').choices(['markdown', 'json']).default('markdown'))
    .option('--markdown-out <file>', 'also write the Markdown to this file')
    .option('--json-out <file>', 'also write the JSON to this file')
    .option('--require-bump', 'exit 1 when the new catalog version is lower than the changes require')
    .option('--write-version <catalog-meta>', 'set "version" in this definitions/catalog.json to what the changes require (after a merge; contributors never edit it)')
    .action(async (oldFile: string, newFile: string, options: { format: string; markdownOut?: string; jsonOut?: string; requireBump?: boolean; writeVersion?: string }) => {
      const changes = diffCatalogs(await read(oldFile), await read(newFile));
      if (options.writeVersion) {
        const version = requiredVersion(changes.from.version, changes.to.version, changes.bump, changes.digestChanged);
        await writeVersion(options.writeVersion, version);
        changes.to.version = version;
        changes.versionOk = true;
      }
      const markdown = changesMarkdown(changes);
      const json = `${JSON.stringify(changes, null, 2)}\n`;
      if (options.markdownOut) await writeFileAtomic(options.markdownOut, markdown);
      if (options.jsonOut) await writeFileAtomic(options.jsonOut, json);
      process.stdout.write(options.format === 'json' ? json : markdown);
      if (options.requireBump && !changes.versionOk) {
        process.stderr.write(`artifact-types: the catalog changes need a ${changes.bump} bump, but the version went from ${changes.from.version} to ${changes.to.version}; set "version" in definitions/catalog.json\n`);
        process.exitCode = 1;
      }
    });
}

async function writeVersion(file: string, version: string): Promise<void> {
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    fail(`--write-version ${file}: not a readable catalog.json (${(error as Error).message})`, 2);
  }
  if (typeof meta !== 'object' || meta === null || typeof meta.version !== 'string') fail(`--write-version ${file}: no "version" in it; is it definitions/catalog.json?`, 2);
  if (meta.version === version) return;
  await writeFileAtomic(file, `${JSON.stringify({ ...meta, version }, null, 2)}\n`);
  process.stderr.write(`catalog version ${meta.version} -> ${version} in ${file}\n`);
}
