// `artifact-types classify <manifest.json|->`: which type a manifest is, and how that was decided.
import { Command, Option } from 'commander';
import { buildLookup, classify } from '../../classify/index.ts';
import { makeConfigValidator } from '../../checks/config-validator.ts';
import type { Classification } from '../../model/classification.ts';
import { resolveCatalog } from '../catalog-option.ts';
import { readJsonInput } from '../io.ts';

export function formatClassification(result: Classification): string {
  if (result.error) return `not a manifest: ${result.error.pointer || '(root)'}: ${result.error.message}\n`;
  const lines = result.id
    ? [`${result.displayName} (${result.id}), matched by ${result.signal} at ${result.matched!.pointer}: ${result.matched!.value}`]
    : ['unknown artifact type', ...Object.entries(result.mediaTypes).filter(([, v]) => (Array.isArray(v) ? v.length : v)).map(([k, v]) => `  ${k}: ${Array.isArray(v) ? v.join(', ') : v}`)];
  for (const c of result.conformance) lines.push(`  ${c.severity} ${c.code} at ${c.path}: ${c.message}`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('classify')
    .description('Classify an OCI image manifest or index (a file, or - for standard input).')
    .argument('<manifest>', 'manifest JSON file, or - for stdin')
    .option('--config <file>', 'the config blob, to check config labels and the config schema')
    .option('--catalog <file>', 'use a prebuilt catalog.json instead of definitions/')
    .option('--root <dir>', 'the definitions directory', 'definitions')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'text']).default('json'))
    .action(async (file: string, options: { config?: string; catalog?: string; root: string; format: string }) => {
      const manifest = await readJsonInput(file, 'manifest');
      const config = options.config ? await readJsonInput(options.config, 'config') : undefined;
      // Lenient: a contributor classifies their example while other definitions (or their own) are unfinished.
      const catalog = await resolveCatalog(options, { lenient: true });
      const result = classify(buildLookup(catalog.types), manifest, { config, validateConfig: makeConfigValidator(catalog) });
      process.stdout.write(options.format === 'text' ? formatClassification(result) : `${JSON.stringify(result, null, 2)}\n`);
      process.exitCode = result.error ? 1 : 0;
    });
}
