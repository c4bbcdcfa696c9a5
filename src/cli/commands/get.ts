// `artifact-types get <id>`: one catalog entry, by id or former id (alias).
import { Command, Option } from 'commander';
import { buildLookup, findType } from '../../classify/index.ts';
import { resolveCatalog } from '../catalog-option.ts';
import { getOutput, OUTPUT_FORMATS, type OutputFormat } from '../query-output.ts';

export function register(program: Command): void {
  program
    .command('get')
    .description('Show one artifact type of the catalog, by id or former id. Exit 1 when there is no such type.')
    .argument('<id>', 'the type id, e.g. helm.chart')
    .option('--catalog <file>', 'use a prebuilt catalog.json instead of definitions/')
    .option('--root <dir>', 'the definitions directory', 'definitions')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('json'))
    .action(async (id: string, options: { catalog?: string; root: string; format: OutputFormat }) => {
      const catalog = await resolveCatalog(options, { lenient: true });
      const output = getOutput(id, findType(buildLookup(catalog.types), id), options.format);
      process.stdout.write(output.text);
      process.exitCode = output.exitCode;
    });
}
