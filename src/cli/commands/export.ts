// `artifact-types export quay|pulp|allowlist [ids…]`: the allowlist a registry needs for the catalog's
// types, in the registry's own configuration format (src/exports/).
import { Command } from 'commander';
import { EXPORT_FORMATS, ExportError, exportCatalog, isExportFormat } from '../../exports/index.ts';
import { resolveCatalog } from '../catalog-option.ts';
import { UsageError } from '../io.ts';

export function register(program: Command): void {
  program
    .command('export')
    .description('Print a registry allowlist for the catalog\'s types: quay (config.yaml fragment), pulp (settings fragment), allowlist (JSON map of config media type to layer media types).')
    .argument('<format>', EXPORT_FORMATS.join(' | '))
    .argument('[ids...]', 'only these types (ids or former ids); all by default')
    .option('--format <format>', 'output format: json (the only one; allowlist only)')
    .option('--catalog <file>', 'use a prebuilt catalog.json instead of definitions/')
    .option('--root <dir>', 'the definitions directory', 'definitions')
    .action(async (format: string, ids: string[], options: { format?: string; catalog?: string; root: string }) => {
      if (!isExportFormat(format)) throw new UsageError(`unknown export format "${format}"; use ${EXPORT_FORMATS.join(', ')}`);
      if (options.format !== undefined && (format !== 'allowlist' || options.format !== 'json')) {
        throw new UsageError(format === 'allowlist' ? `--format ${options.format} is not supported; the allowlist is JSON (--format json)` : `--format does not apply to ${format}: it prints ${format === 'quay' ? 'YAML' : 'Python'}`);
      }
      const catalog = await resolveCatalog(options, { lenient: true });
      try {
        process.stdout.write(exportCatalog(catalog, format, ids).text);
      } catch (error) {
        if (error instanceof ExportError) throw new UsageError(error.message);
        throw error;
      }
    });
}
