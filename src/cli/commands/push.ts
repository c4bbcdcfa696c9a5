// `artifact-types push <registry>/<repository>:<tag>`: publishes the built catalog (dist/) as an
// artifact-types.catalog OCI artifact.
import { Command } from 'commander';
import { credentialsFrom, pushCatalog, RegistryError } from '../../registry/index.ts';
import { fail } from '../io.ts';

export function register(program: Command): void {
  program
    .command('push')
    .description('Publish the built catalog (run `artifact-types build` first) to an OCI registry as an artifact-types.catalog artifact.')
    .argument('<reference>', '<registry>/<repository>:<tag>, e.g. ghcr.io/acme/artifact-types:1.0.0')
    .option('--catalog <file>', 'the built catalog.json (its logos/ folder sits beside it)', 'dist/catalog.json')
    .option('--username <name>', 'registry user (or ARTIFACT_TYPES_REGISTRY_USERNAME)')
    .option('--password <password>', 'registry password or token (or ARTIFACT_TYPES_REGISTRY_PASSWORD)')
    .action(async (reference: string, options: { catalog: string; username?: string; password?: string }) => {
      try {
        const result = await pushCatalog(reference, options.catalog, { credentials: credentialsFrom(options) });
        process.stdout.write(`pushed ${result.reference}@${result.digest}\n`);
        process.stderr.write(`catalog ${result.catalogVersion} (${result.catalogDigest}), ${result.types} types; ${result.uploaded} blob(s) uploaded, ${3 - result.uploaded} already there\n`);
      } catch (error) {
        if (error instanceof RegistryError) fail(error.message, error.code === 'REFERENCE_INVALID' ? 2 : 1);
        throw error;
      }
    });
}
