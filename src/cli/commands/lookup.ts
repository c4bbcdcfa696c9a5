// `artifact-types lookup <media-type>`: every type that uses a media type, and in which role.
import { Command, Option } from 'commander';
import { buildLookup, typesForMediaType } from '../../classify/index.ts';
import { resolveCatalog } from '../catalog-option.ts';
import { lookupOutput, OUTPUT_FORMATS, type OutputFormat } from '../query-output.ts';

export function register(program: Command): void {
  program
    .command('lookup')
    .description('List the artifact types that use a media type (parameters ignored) and in which role. Exit 1 when none does.')
    .argument('<media-type>', 'e.g. application/vnd.cncf.helm.config.v1+json')
    .option('--catalog <file>', 'use a prebuilt catalog.json instead of definitions/')
    .option('--root <dir>', 'the definitions directory', 'definitions')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('json'))
    .action(async (mediaType: string, options: { catalog?: string; root: string; format: OutputFormat }) => {
      const catalog = await resolveCatalog(options, { lenient: true });
      const output = lookupOutput(mediaType, typesForMediaType(buildLookup(catalog.types), mediaType), options.format);
      process.stdout.write(output.text);
      process.exitCode = output.exitCode;
    });
}
