// `artifact-types pull <reference>`: fetches a catalog artifact, verifies every digest, writes
// catalog.json and logos/ into the output directory.
import { Command } from 'commander';
import { credentialsFrom, pullCatalog, RegistryError } from '../../registry/index.ts';
import { fail } from '../io.ts';

export function register(program: Command): void {
  program
    .command('pull')
    .description('Fetch a catalog artifact from an OCI registry, verify its digests and write catalog.json and logos/.')
    .argument('<reference>', '<registry>/<repository>:<tag> or <registry>/<repository>@sha256:…')
    .option('--output <dir>', 'directory to write catalog.json and logos/ into', 'catalog')
    .option('--username <name>', 'registry user (or ARTIFACT_TYPES_REGISTRY_USERNAME)')
    .option('--password <password>', 'registry password or token (or ARTIFACT_TYPES_REGISTRY_PASSWORD)')
    .action(async (reference: string, options: { output: string; username?: string; password?: string }) => {
      try {
        const result = await pullCatalog(reference, options.output, { credentials: credentialsFrom(options) });
        process.stdout.write(`${result.catalogFile}\n`);
        // Pulled by digest, the reference has it already: print it once.
        const pinned = result.reference.endsWith(`@${result.digest}`) ? result.reference : `${result.reference}@${result.digest}`;
        process.stderr.write(`pulled ${pinned}: catalog ${result.catalog.version} (${result.catalog.digest}), ${result.catalog.types.length} types, digests verified\n`);
      } catch (error) {
        if (error instanceof RegistryError) fail(error.message, error.code === 'REFERENCE_INVALID' ? 2 : 1);
        throw error;
      }
    });
}
