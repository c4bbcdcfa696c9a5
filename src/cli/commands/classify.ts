// `artifact-types classify <manifest.json|->`: which type a manifest is, and how that was decided.
import { Command, Option } from 'commander';
import { buildLookup, classify } from '../../classify/index.ts';
import { makeConfigValidator } from '../../schema/config-validator.ts';
import { resolveCatalog } from '../catalog-option.ts';
import { readJsonInput } from '../io.ts';
import { classifyOutput, OUTPUT_FORMATS, type OutputFormat } from '../query-output.ts';

export function register(program: Command): void {
  program
    .command('classify')
    .description('Classify an OCI image manifest or index (a file, or - for standard input). Exit 0 for a known type, 1 for an unknown type or a spec violation.')
    .argument('<manifest>', 'manifest JSON file, or - for stdin')
    .option('--config <file>', 'the config blob, to check config labels, the config schema and the OCI image config rules')
    .option('--tag <tag>', 'the tag it was pulled by; <alg>-<hex> marks a referrers list (referrers tag schema)')
    .option('--referrers-of <digest>', 'the input is the referrers API answer for this subject digest')
    .option('--catalog <file>', 'use a prebuilt catalog.json instead of definitions/')
    .option('--root <dir>', 'the definitions directory', 'definitions')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('json'))
    .action(async (file: string, options: { config?: string; tag?: string; referrersOf?: string; catalog?: string; root: string; format: OutputFormat }) => {
      const manifest = await readJsonInput(file, 'manifest');
      const config = options.config ? await readJsonInput(options.config, 'config') : undefined;
      // Lenient: a contributor classifies their example while other definitions (or their own) are unfinished.
      const catalog = await resolveCatalog(options, { lenient: true });
      const result = classify(buildLookup(catalog.types), manifest, {
        config,
        validateConfig: makeConfigValidator(catalog),
        ...(options.tag === undefined ? {} : { tag: options.tag }),
        ...(options.referrersOf === undefined ? {} : { referrersOf: options.referrersOf }),
      });
      const output = classifyOutput(result, options.format);
      process.stdout.write(output.text);
      process.exitCode = output.exitCode;
    });
}
